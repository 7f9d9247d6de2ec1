//! RFC 3339 timestamps: written in UTC with milliseconds, as Truto writes
//! them; read in any offset and precision, and compared as instants, since
//! `2026-01-01T01:00:00+01:00` and `2026-01-01T00:00:00Z` are the same moment
//! but not the same string.

use std::time::{SystemTime, UNIX_EPOCH};

/// A moment, to the nanosecond; orders as time does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Timestamp {
    secs: i64,
    nanos: u32,
}

impl Timestamp {
    pub(crate) fn now() -> Self {
        let elapsed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Self {
            secs: i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX),
            nanos: elapsed.subsec_nanos(),
        }
    }

    /// `(seconds since 1970, nanoseconds)`, as list cursors carry it.
    pub(crate) fn parts(self) -> (i64, u32) {
        (self.secs, self.nanos)
    }

    /// Cut to whole milliseconds, the precision it is written with.
    pub(crate) fn truncated_to_millis(self) -> Self {
        Self {
            secs: self.secs,
            nanos: self.nanos / 1_000_000 * 1_000_000,
        }
    }

    pub(crate) fn plus_one_milli(self) -> Self {
        let nanos = self.nanos + 1_000_000;
        Self {
            secs: self.secs + i64::from(nanos / 1_000_000_000),
            nanos: nanos % 1_000_000_000,
        }
    }

    /// `2024-05-01T12:34:56.789Z`.
    pub(crate) fn to_rfc3339_millis(self) -> String {
        let days = self.secs.div_euclid(86_400);
        let secs_of_day = self.secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
            secs_of_day / 3600,
            secs_of_day / 60 % 60,
            secs_of_day % 60,
            self.nanos / 1_000_000
        )
    }

    /// An RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
    /// `T` may be `t` or a space, `Z` may be `z`; a space where the offset's
    /// sign belongs is read as `+`, because an unescaped `+` in a query string
    /// arrives as a space.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() < 20 {
            return None;
        }
        let year = i64::from(digits(b, 0, 4)?);
        let month = digits(b, 5, 2)?;
        let day = digits(b, 8, 2)?;
        let hour = digits(b, 11, 2)?;
        let minute = digits(b, 14, 2)?;
        let second = digits(b, 17, 2)?;
        let separators_ok = b[4] == b'-'
            && b[7] == b'-'
            && matches!(b[10], b'T' | b't' | b' ')
            && b[13] == b':'
            && b[16] == b':';
        let in_range = (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day)
            && hour <= 23
            && minute <= 59
            // 60: a leap second, which RFC 3339 allows.
            && second <= 60;
        if !separators_ok || !in_range {
            return None;
        }
        let mut at = 19;
        let mut nanos = 0u32;
        if b[at] == b'.' {
            let start = at + 1;
            let mut end = start;
            while end < b.len() && b[end].is_ascii_digit() {
                end += 1;
            }
            if end == start {
                return None;
            }
            // Digits beyond nanoseconds are read and dropped.
            for (i, digit) in b[start..end].iter().take(9).enumerate() {
                nanos += u32::from(digit - b'0') * 10u32.pow(8 - i as u32);
            }
            at = end;
        }
        let offset_secs = match &b[at..] {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-' | b' '), _, _, b':', _, _] => {
                let hours = digits(b, at + 1, 2)?;
                let minutes = digits(b, at + 4, 2)?;
                if hours > 23 || minutes > 59 {
                    return None;
                }
                let offset = i64::from(hours * 3600 + minutes * 60);
                if *sign == b'-' { -offset } else { offset }
            }
            _ => return None,
        };
        let days = days_from_civil(year, month, day);
        let secs =
            days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)
                - offset_secs;
        Some(Self { secs, nanos })
    }
}

/// Now, in RFC 3339 UTC with milliseconds: `2024-05-01T12:34:56.789Z`.
pub(crate) fn now_rfc3339() -> String {
    Timestamp::now().to_rfc3339_millis()
}

fn digits(bytes: &[u8], start: usize, len: usize) -> Option<u32> {
    let slice = bytes.get(start..start + len)?;
    slice.iter().try_fold(0u32, |acc, byte| {
        byte.is_ascii_digit()
            .then(|| acc * 10 + u32::from(byte - b'0'))
    })
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's civil-to-days algorithm (proleptic Gregorian calendar).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64, millis: u32) -> Timestamp {
        Timestamp {
            secs,
            nanos: millis * 1_000_000,
        }
    }

    #[test]
    fn formats_rfc3339() {
        assert_eq!(at(0, 0).to_rfc3339_millis(), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            at(951_782_400, 5).to_rfc3339_millis(),
            "2000-02-29T00:00:00.005Z"
        );
        assert_eq!(
            at(1_714_566_896, 789).to_rfc3339_millis(),
            "2024-05-01T12:34:56.789Z"
        );
        assert_eq!(
            at(4_102_444_799, 999).to_rfc3339_millis(),
            "2099-12-31T23:59:59.999Z"
        );
        assert_eq!(at(-1, 0).to_rfc3339_millis(), "1969-12-31T23:59:59.000Z");
    }

    #[test]
    fn parses_what_it_formats_and_every_offset() {
        for secs in [0, 951_782_400, 1_714_566_896, 4_102_444_799, -86_401] {
            let moment = at(secs, 123);
            assert_eq!(Timestamp::parse(&moment.to_rfc3339_millis()), Some(moment));
        }
        let utc = Timestamp::parse("2026-01-01T00:00:00Z").unwrap();
        for same in [
            "2026-01-01T01:00:00+01:00",
            "2025-12-31T19:30:00-04:30",
            "2026-01-01t00:00:00.000z",
            "2026-01-01 01:00:00 01:00",
            "2026-01-01T00:00:00.0000000000Z",
        ] {
            assert_eq!(Timestamp::parse(same), Some(utc), "{same}");
        }
        assert_eq!(
            Timestamp::parse("2026-01-01T00:00:00.123456789Z")
                .unwrap()
                .nanos,
            123_456_789
        );
    }

    #[test]
    fn refuses_what_is_not_rfc3339() {
        for bad in [
            "",
            "2026-01-01",
            "2026-01-01T00:00:00",
            "2026-13-01T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:00:00.Z",
            "2026-01-01T00:00:00+0100",
            "2026-01-01T00:00:00+24:00",
            "yesterday at noon, roughly",
            "2026-01-01T00:00:00Zjunk",
        ] {
            assert_eq!(Timestamp::parse(bad), None, "{bad}");
        }
        assert!(Timestamp::parse("2024-02-29T23:59:60Z").is_some());
    }

    #[test]
    fn one_milli_later_carries_into_seconds() {
        let late = Timestamp {
            secs: 5,
            nanos: 999_500_000,
        };
        assert_eq!(late.truncated_to_millis().plus_one_milli(), at(6, 0));
    }
}
