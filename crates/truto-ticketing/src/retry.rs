//! Which failures are retried, and how long to wait before the next attempt.
//!
//! Retried: 408, 429, 500, 502, 504, timeouts and connection failures. Never 409 (a
//! conflict stays a conflict) nor 503 (Truto's answer for a blocked integrated account).
//! Every attempt of one call carries the same `Idempotency-Key`, so a retry after an
//! attempt that did reach the provider returns that user instead of creating another.

use std::time::{Duration, SystemTime};

use http::HeaderMap;

/// Whether an answer with this status is worth another attempt.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 504)
}

/// How a client spaces its attempts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// The backoff ceiling before the first retry; it doubles for each later one.
    pub initial_backoff: Duration,
    /// The largest backoff ceiling.
    pub max_backoff: Duration,
    /// The longest server-requested wait (`Retry-After`, `ratelimit-reset`) the SDK sleeps
    /// through; past it the call fails with `rate_limited` and the requested wait.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// "Full jitter" backoff before retry number `retry` (1 for the first retry): a random
    /// wait up to `initial × 2^(retry-1)`, capped, so that many clients failing together
    /// do not come back together.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(16);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// The wait the server asked for: `Retry-After` (seconds or an HTTP date), else, on a
/// 429 only, `ratelimit-reset` (seconds). Truto sends `ratelimit-*` headers on ordinary
/// answers too, where the reset time says nothing about when to retry.
pub fn server_requested_delay(status: u16, headers: &HeaderMap) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    if let Some(value) = header("retry-after") {
        if let Some(delay) = parse_seconds(value) {
            return Some(delay);
        }
        if let Ok(when) = httpdate::parse_http_date(value.trim()) {
            return Some(
                when.duration_since(SystemTime::now())
                    .unwrap_or(Duration::ZERO),
            );
        }
    }
    if status == 429 {
        header("ratelimit-reset").and_then(parse_seconds)
    } else {
        None
    }
}

fn parse_seconds(value: &str) -> Option<Duration> {
    let seconds: f64 = value.trim().parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(1e9)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn the_documented_statuses_retry() {
        let retried: Vec<u16> = (400..600).filter(|s| is_retryable_status(*s)).collect();
        assert_eq!(retried, [408, 429, 500, 502, 504]);
    }

    #[test]
    fn backoff_stays_under_its_doubling_ceiling() {
        let policy = RetryPolicy::default();
        for retry in 1..=10 {
            let ceiling =
                Duration::from_millis(500 * (1 << (retry - 1))).min(Duration::from_secs(8));
            for _ in 0..100 {
                assert!(policy.backoff(retry) <= ceiling);
            }
        }
    }

    #[test]
    fn retry_after_in_seconds_dates_and_ratelimit_reset() {
        assert_eq!(
            server_requested_delay(503, &headers(&[("retry-after", "10")])),
            Some(Duration::from_secs(10))
        );
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let delay = server_requested_delay(429, &headers(&[("retry-after", &soon)])).unwrap();
        assert!(delay > Duration::from_secs(27) && delay <= Duration::from_secs(30));
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(30));
        assert_eq!(
            server_requested_delay(429, &headers(&[("retry-after", &past)])),
            Some(Duration::ZERO)
        );
        assert_eq!(
            server_requested_delay(429, &headers(&[("ratelimit-reset", "3")])),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            server_requested_delay(400, &headers(&[("ratelimit-reset", "3")])),
            None
        );
        assert_eq!(
            server_requested_delay(429, &headers(&[("retry-after", "soon")])),
            None
        );
    }
}
