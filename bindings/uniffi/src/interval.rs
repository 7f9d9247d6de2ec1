//! Spans of time (timeouts, `Retry-After`, an import's elapsed time): `java.time.Duration`
//! on the JVM and `TimeInterval` in Swift, seconds as a float on the wire.
//!
//! UniFFI's own `Duration` would serve the JVM too, but its Swift side stops the process
//! (`fatalError`) on a negative or NaN `TimeInterval`, and its Kotlin side throws an
//! untyped `IllegalArgumentException` on a negative `Duration`. Crossing as seconds lets the
//! core refuse such a value as `InvalidInput` naming the field, like any other bad input.

use std::time::Duration;

use truto_ticketing as sdk;

/// A span of time, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval(pub f64);

uniffi::custom_type!(Interval, f64, {
    lower: |interval| interval.0,
    try_lift: |seconds| Ok(Interval(seconds)),
});

impl Interval {
    /// The duration, or `InvalidInput` on `field` when it is negative, NaN or infinite.
    pub(crate) fn to_duration(self, field: &str) -> sdk::Result<Duration> {
        Duration::try_from_secs_f64(self.0).map_err(|_| {
            sdk::Error::invalid_input(field, "must be a finite duration of zero or more")
        })
    }
}

impl From<Duration> for Interval {
    fn from(duration: Duration) -> Interval {
        Interval(duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_negative_or_nan_interval_names_its_field() {
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            let error = Interval(bad).to_duration("timeout").unwrap_err();
            assert_eq!(error.field(), Some("timeout"), "{bad}");
        }
        assert_eq!(
            Interval(1.5).to_duration("timeout").unwrap(),
            Duration::from_millis(1500)
        );
    }
}
