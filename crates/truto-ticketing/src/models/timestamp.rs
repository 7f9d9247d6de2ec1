//! A date-time as Truto answers it (`created_at`, `updated_at`): the text as sent, and
//! the instant it names when it is RFC 3339.

use std::fmt;
use std::time::SystemTime;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A date-time field of a user. Providers are meant to send RFC 3339 and most do; the text
/// is kept as sent either way, and [`Timestamp::to_offset_date_time`] is `None` for text
/// that is not RFC 3339, never an error.
///
/// ```
/// use truto_ticketing::Timestamp;
///
/// let at = Timestamp::parse("2026-03-01T09:30:00.250+01:00");
/// assert_eq!(at.as_str(), "2026-03-01T09:30:00.250+01:00");
/// assert_eq!(at.to_offset_date_time().unwrap().unix_timestamp(), 1_772_353_800);
/// assert!(Timestamp::parse("yesterday").to_offset_date_time().is_none());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    raw: String,
    parsed: Option<OffsetDateTime>,
}

impl Timestamp {
    /// Reads `raw` as RFC 3339, keeping it as given.
    pub fn parse(raw: impl Into<String>) -> Timestamp {
        let raw = raw.into();
        let parsed = OffsetDateTime::parse(&raw, &Rfc3339).ok();
        Timestamp { raw, parsed }
    }

    /// The text as the provider sent it.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The date-time with the offset it was given in, when the text is RFC 3339.
    pub fn to_offset_date_time(&self) -> Option<OffsetDateTime> {
        self.parsed
    }

    /// The instant, when the text is RFC 3339 (what the language bindings convert to
    /// `datetime`, `Date`, `Instant`).
    pub fn to_system_time(&self) -> Option<SystemTime> {
        self.parsed.map(SystemTime::from)
    }
}

/// RFC 3339 in UTC, as the list filters send a date-time (`created_at[gte]=...`).
pub(crate) fn format_rfc3339(instant: SystemTime) -> String {
    OffsetDateTime::from(instant)
        .format(&Rfc3339)
        .unwrap_or_else(|_| "invalid-date".to_owned())
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.raw, f)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        String::deserialize(deserializer).map(Timestamp::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_in_any_offset_is_read_and_the_text_kept() {
        let utc = Timestamp::parse("2026-12-07T23:37:54.123Z");
        let paris = Timestamp::parse("2026-12-08T00:37:54.123+01:00");
        assert_eq!(utc.to_system_time(), paris.to_system_time());
        assert_ne!(utc, paris, "the text differs, and is kept");
        assert_eq!(
            serde_json::to_string(&paris).unwrap(),
            r#""2026-12-08T00:37:54.123+01:00""#
        );
    }

    #[test]
    fn other_text_is_kept_without_an_instant() {
        for text in ["", "2026-12-07", "12/07/2026", "2026-12-07 23:37:54"] {
            let at = Timestamp::parse(text);
            assert_eq!(at.as_str(), text);
            assert_eq!(at.to_system_time(), None, "{text}");
        }
    }

    #[test]
    fn instants_are_sent_as_utc_rfc3339() {
        let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(1_767_225_600_250);
        assert_eq!(format_rfc3339(at), "2026-01-01T00:00:00.25Z");
    }
}
