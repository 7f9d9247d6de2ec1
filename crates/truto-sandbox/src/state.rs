//! Everything a running sandbox remembers, shared by every connection.

use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::config::SandboxConfig;
use crate::faults::FaultQueues;
use crate::idempotency::IdempotencyRecords;
use crate::log::RequestLog;
use crate::rate_limit::RateLimiter;
use crate::store::UserStore;

pub(crate) struct State {
    /// The API token that `Authorization: Bearer` must carry.
    pub(crate) token: Box<str>,
    pub(crate) rate_limiter: Option<RateLimiter>,
    pub(crate) faults: FaultQueues,
    pub(crate) idempotency: IdempotencyRecords,
    pub(crate) users: UserStore,
    pub(crate) log: RequestLog,
}

impl State {
    pub(crate) fn new(config: &SandboxConfig) -> Self {
        Self {
            token: config.token.as_str().into(),
            rate_limiter: config.rate_limits.map(RateLimiter::new),
            faults: FaultQueues::default(),
            idempotency: IdempotencyRecords::default(),
            users: UserStore::default(),
            log: RequestLog::new(config.request_log_capacity),
        }
    }

    /// Forgets users, requests, faults, idempotency records and rate windows.
    pub(crate) fn reset(&self) {
        self.faults.clear();
        self.idempotency.clear();
        self.users.clear();
        self.log.clear();
        if let Some(limiter) = &self.rate_limiter {
            limiter.clear();
        }
    }
}

/// A panic while a lock was held cannot leave these stores half-updated in a
/// way that matters to a test double, so a poisoned lock is simply used.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
