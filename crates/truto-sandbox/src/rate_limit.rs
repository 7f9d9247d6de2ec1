//! Truto's fixed-window rate limits, per integrated account and per token.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::RateLimits;
use crate::state::lock;

/// What the `ratelimit-*` headers report about one window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WindowStatus {
    pub(crate) limit: u32,
    pub(crate) window_secs: u64,
    pub(crate) remaining: u32,
    /// Whole seconds until the window resets, at least 1.
    pub(crate) reset_secs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Counted; the tighter of the two windows.
    Allowed(WindowStatus),
    /// Refused (and not counted); the window that was exhausted.
    Limited(WindowStatus),
}

pub(crate) struct RateLimiter {
    /// `None`: no limits (never 429 unless a fault says so).
    limits: Mutex<Option<RateLimits>>,
    windows: Mutex<Windows>,
}

#[derive(Default)]
struct Windows {
    token: Option<Window>,
    accounts: HashMap<Box<str>, Window>,
}

#[derive(Clone, Copy)]
struct Window {
    started: Instant,
    count: u32,
}

impl Window {
    /// The window still running at `now`, or a fresh one.
    fn fresh(previous: Option<Window>, now: Instant, length: Duration) -> Window {
        match previous {
            Some(window) if now.duration_since(window.started) < length => window,
            _ => Window {
                started: now,
                count: 0,
            },
        }
    }

    fn status(&self, limit: u32, length: Duration, now: Instant) -> WindowStatus {
        let left = (self.started + length).saturating_duration_since(now);
        WindowStatus {
            limit,
            window_secs: ceil_secs(length),
            remaining: limit.saturating_sub(self.count),
            reset_secs: ceil_secs(left).max(1),
        }
    }
}

fn ceil_secs(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

impl RateLimiter {
    pub(crate) fn new(limits: Option<RateLimits>) -> Self {
        Self {
            limits: Mutex::new(limits),
            windows: Mutex::default(),
        }
    }

    pub(crate) fn limits(&self) -> Option<RateLimits> {
        *lock(&self.limits)
    }

    /// Replaces the limits, starting every window afresh.
    pub(crate) fn set_limits(&self, limits: Option<RateLimits>) {
        *lock(&self.limits) = limits;
        self.clear();
    }

    /// `None` when there are no limits.
    pub(crate) fn check(&self, account: &str, now: Instant) -> Option<Decision> {
        let RateLimits {
            per_account,
            per_token,
            window: length,
        } = self.limits()?;
        let mut windows = lock(&self.windows);
        let Windows { token, accounts } = &mut *windows;
        let mut account_window = Window::fresh(accounts.get(account).copied(), now, length);
        let mut token_window = Window::fresh(*token, now, length);
        let decision = if account_window.count >= per_account {
            Decision::Limited(account_window.status(per_account, length, now))
        } else if token_window.count >= per_token {
            Decision::Limited(token_window.status(per_token, length, now))
        } else {
            account_window.count += 1;
            token_window.count += 1;
            let by_account = account_window.status(per_account, length, now);
            let by_token = token_window.status(per_token, length, now);
            Decision::Allowed(if by_token.remaining < by_account.remaining {
                by_token
            } else {
                by_account
            })
        };
        *token = Some(token_window);
        // Looked up before inserting so a known account allocates nothing.
        match accounts.get_mut(account) {
            Some(stored) => *stored = account_window,
            None => {
                accounts.insert(account.into(), account_window);
            }
        }
        Some(decision)
    }

    pub(crate) fn clear(&self) {
        *lock(&self.windows) = Windows::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl RateLimiter {
        fn check_some(&self, account: &str, now: Instant) -> Decision {
            self.check(account, now).expect("limits are set")
        }
    }

    fn limiter(per_account: u32, per_token: u32) -> RateLimiter {
        RateLimiter::new(Some(RateLimits {
            per_account,
            per_token,
            window: Duration::from_secs(10),
        }))
    }

    #[test]
    fn account_limit_is_per_account() {
        let limiter = limiter(2, 100);
        let now = Instant::now();
        assert!(matches!(limiter.check_some("a", now), Decision::Allowed(s) if s.remaining == 1));
        assert!(matches!(limiter.check_some("a", now), Decision::Allowed(s) if s.remaining == 0));
        let Decision::Limited(status) = limiter.check_some("a", now + Duration::from_millis(2500))
        else {
            panic!("expected a 429");
        };
        assert_eq!(
            status,
            WindowStatus {
                limit: 2,
                window_secs: 10,
                remaining: 0,
                reset_secs: 8
            }
        );
        assert!(matches!(limiter.check_some("b", now), Decision::Allowed(_)));
        assert!(matches!(
            limiter.check_some("a", now + Duration::from_secs(10)),
            Decision::Allowed(s) if s.remaining == 1 && s.reset_secs == 10
        ));
    }

    #[test]
    fn token_limit_spans_accounts_and_refusals_do_not_count() {
        let limiter = limiter(100, 3);
        let now = Instant::now();
        for account in ["a", "b", "c"] {
            assert!(matches!(
                limiter.check_some(account, now),
                Decision::Allowed(_)
            ));
        }
        for _ in 0..3 {
            assert!(matches!(
                limiter.check_some("d", now),
                Decision::Limited(s) if s.limit == 3
            ));
        }
        limiter.clear();
        assert!(matches!(limiter.check_some("d", now), Decision::Allowed(s) if s.remaining == 2));
    }
}
