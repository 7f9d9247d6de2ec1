//! Everything a running sandbox remembers, shared by every connection.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::config::SandboxConfig;
use crate::faults::FaultQueues;
use crate::idempotency::IdempotencyRecords;
use crate::log::RequestLog;
use crate::rate_limit::RateLimiter;
use crate::store::UserStore;

pub(crate) struct State {
    /// The API token that `Authorization: Bearer` must carry.
    pub(crate) token: Box<str>,
    pub(crate) rate_limiter: RateLimiter,
    pub(crate) faults: FaultQueues,
    pub(crate) idempotency: IdempotencyRecords,
    pub(crate) users: UserStore,
    pub(crate) log: RequestLog,
    /// Added to the handling of every request to the users resource
    /// (`SandboxConfig::latency`).
    pub(crate) latency: Duration,
    pub(crate) stats: Stats,
}

/// Counters `GET /_sandbox/stats` reports.
#[derive(Default)]
pub(crate) struct Stats {
    connections: AtomicU64,
}

impl Stats {
    pub(crate) fn connection_accepted(&self) {
        self.connections.fetch_add(1, Ordering::Relaxed);
    }

    /// TCP connections accepted since the start or the last reset.
    pub(crate) fn connections(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }

    fn clear(&self) {
        self.connections.store(0, Ordering::Relaxed);
    }
}

impl State {
    pub(crate) fn new(config: &SandboxConfig) -> Self {
        Self {
            token: config.token.as_str().into(),
            rate_limiter: RateLimiter::new(config.rate_limits),
            faults: FaultQueues::default(),
            idempotency: IdempotencyRecords::default(),
            users: UserStore::default(),
            log: RequestLog::new(config.request_log_capacity),
            latency: config.latency,
            stats: Stats::default(),
        }
    }

    /// Forgets users, requests, faults, idempotency records, rate windows and counters.
    pub(crate) fn reset(&self) {
        self.faults.clear();
        self.idempotency.clear();
        self.users.clear();
        self.log.clear();
        self.stats.clear();
        self.rate_limiter.clear();
    }
}

/// A panic while a lock was held cannot leave these stores half-updated in a
/// way that matters to a test double, so a poisoned lock is simply used.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
