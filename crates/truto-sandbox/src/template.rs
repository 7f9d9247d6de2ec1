//! Seed templates compiled once into the bytes all their users share.
//!
//! Generated users differ only where the template says `{n}`, in their
//! minted id and in their etag. So the template's user is built once, the
//! normal way, with a placeholder in each of those places; its JSON is cut
//! at the placeholders, and each user is those pieces with its own number,
//! id and etag in between. That is an order of magnitude cheaper than
//! building each user as a JSON tree, which matters when a benchmark seeds
//! 100 000 of them.
//!
//! Users are written one after another into shared buffers of a few
//! megabytes, each user a slice of one: a buffer is freed when the last of
//! its users is (updated or deleted users drop their slice).
//!
//! A provider may transform a value rather than copy it (Pivotal Tracker's
//! initials, Dixa's upper-case roles), which the pieces cannot reproduce.
//! So before it is used, the compiled form must make the first and the last
//! user exactly as the normal way does; if not, seeding takes the normal way.

use bytes::BytesMut;
use serde_json::Value;

use crate::providers;
use crate::seed::{Seeder, fill};
use crate::store::{Record, Summary};

/// Where `{n}` goes: private-use characters, which JSON writes unescaped
/// and no provider changes the case of.
const NUMBER_MARK: &str = "\u{E000}n\u{E000}";
const ETAG_MARK: &str = "\u{E000}etag\u{E000}";
const TEXT_ID_MARK: &str = "\u{E000}id\u{E000}";
/// The size of the shared buffers users are written into.
const BUFFER_BYTES: usize = 4 << 20;

/// Numeric providers write their ids as JSON numbers, so their placeholder
/// must be a number too: this one (a prime just below `u64::MAX`) is far
/// beyond any id the sandbox mints.
const NUMBER_ID_MARK: &str = "18446744073709551557";

enum Piece {
    Text(Box<[u8]>),
    Number,
    Id,
    Etag,
}

pub(crate) struct Compiled<'a> {
    seeder: &'a Seeder<'a>,
    pieces: Vec<Piece>,
    /// The prototype's summary, with `NUMBER_MARK` where `{n}` goes.
    summary: Summary,
}

impl<'a> Compiled<'a> {
    /// `None` when the template fixes an id or etag (which must then not be
    /// minted), is invalid, or cannot be reproduced exactly.
    pub(crate) fn new(seeder: &'a Seeder<'a>, template: &Value, count: usize) -> Option<Self> {
        let fields = template.as_object()?;
        if fields.contains_key("id") || fields.contains_key("etag") {
            return None;
        }
        let id_mark = if providers::mints_numbers(seeder.integration) {
            NUMBER_ID_MARK
        } else {
            TEXT_ID_MARK
        };
        let mut prototype = fill(template, NUMBER_MARK);
        let object = prototype.as_object_mut()?;
        object.insert("id".into(), id_mark.into());
        object.insert("etag".into(), ETAG_MARK.into());
        let prototype = seeder.prototype(&prototype).ok()?;
        let compiled = Self {
            seeder,
            pieces: pieces(&prototype.user, id_mark),
            summary: prototype.summary,
        };
        let mut buffer = BytesMut::new();
        for n in [1, count] {
            if !compiled.reproduces(template, n, &mut buffer) {
                return None;
            }
        }
        Some(compiled)
    }

    /// User number `n`, with a freshly minted id and etag, written into
    /// `buffer`; when that is full, a new one is made, sized for the
    /// `still_to_write` users (this one included) up to `BUFFER_BYTES`, so
    /// a small seed does not hold megabytes.
    pub(crate) fn record(&self, n: usize, still_to_write: usize, buffer: &mut BytesMut) -> Record {
        let id = providers::mint_id(self.seeder.integration);
        let etag = crate::ids::hex(20);
        self.record_with(n, &id, &etag, still_to_write, buffer)
    }

    fn record_with(
        &self,
        n: usize,
        id: &str,
        etag: &str,
        still_to_write: usize,
        buffer: &mut BytesMut,
    ) -> Record {
        let number = n.to_string();
        let fill = |piece: &'_ Piece| -> usize {
            match piece {
                Piece::Text(text) => text.len(),
                Piece::Number => number.len(),
                Piece::Id => id.len(),
                Piece::Etag => etag.len(),
            }
        };
        let len: usize = self.pieces.iter().map(fill).sum();
        if buffer.capacity() < len {
            let wanted = len.saturating_mul(still_to_write.max(1)).min(BUFFER_BYTES);
            *buffer = BytesMut::with_capacity(wanted.max(len));
        }
        for piece in &self.pieces {
            buffer.extend_from_slice(match piece {
                Piece::Text(text) => text,
                Piece::Number => number.as_bytes(),
                Piece::Id => id.as_bytes(),
                Piece::Etag => etag.as_bytes(),
            });
        }
        let user = buffer.split().freeze();
        let summary = Summary {
            id: id.into(),
            name: self
                .summary
                .name
                .as_deref()
                .map(|name| numbered(name, &number)),
            emails: self
                .summary
                .emails
                .iter()
                .map(|email| numbered(email, &number))
                .collect(),
            is_active: self.summary.is_active,
            created_at: self.summary.created_at,
            updated_at: self.summary.updated_at,
        };
        Record::seeded(summary, user, self.seeder.collections)
    }

    /// Whether user `n` comes out exactly as the normal way makes it.
    fn reproduces(&self, template: &Value, n: usize, buffer: &mut BytesMut) -> bool {
        let id = providers::mint_id(self.seeder.integration);
        let etag = crate::ids::hex(20);
        let mut user = fill(template, &n.to_string());
        if let Some(fields) = user.as_object_mut() {
            fields.insert("id".into(), id.clone().into());
            fields.insert("etag".into(), etag.clone().into());
        }
        let Ok(expected) = self.seeder.record(&user) else {
            return false;
        };
        let compiled = self.record_with(n, &id, &etag, 1, buffer);
        compiled.user == expected.user && compiled.summary == expected.summary
    }
}

/// `text` with the number in place of each `NUMBER_MARK`, allocated once at
/// its exact size.
fn numbered(text: &str, number: &str) -> Box<str> {
    let marks = text.matches(NUMBER_MARK).count();
    if marks == 0 {
        return text.into();
    }
    let mut out =
        String::with_capacity(text.len() - marks * NUMBER_MARK.len() + marks * number.len());
    let mut parts = text.split(NUMBER_MARK);
    out.push_str(parts.next().unwrap_or_default());
    for part in parts {
        out.push_str(number);
        out.push_str(part);
    }
    out.into_boxed_str()
}

/// `json` cut at each placeholder.
fn pieces(json: &[u8], id_mark: &str) -> Vec<Piece> {
    let marks = [
        (NUMBER_MARK.as_bytes(), 0),
        (id_mark.as_bytes(), 1),
        (ETAG_MARK.as_bytes(), 2),
    ];
    let mut pieces = Vec::new();
    let mut text_start = 0;
    let mut at = 0;
    while at < json.len() {
        let found = marks.iter().find(|(mark, _)| json[at..].starts_with(mark));
        match found {
            Some((mark, kind)) => {
                if text_start < at {
                    pieces.push(Piece::Text(json[text_start..at].into()));
                }
                pieces.push(match kind {
                    0 => Piece::Number,
                    1 => Piece::Id,
                    _ => Piece::Etag,
                });
                at += mark.len();
                text_start = at;
            }
            None => at += 1,
        }
    }
    if text_start < json.len() {
        pieces.push(Piece::Text(json[text_start..].into()));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Integration;
    use serde_json::json;

    fn seeder(
        integration: Option<Integration>,
        collections: &'static [&'static str],
    ) -> Seeder<'static> {
        Seeder::new(integration, "2026-01-01T00:00:00.000Z", collections)
    }

    #[test]
    fn compiles_for_every_integration_but_pivotal_tracker() {
        let template = json!({
            "name": "User {n}",
            "first_name": "First{n}",
            "username": "u{n}",
            "nick_name": "n{n}",
            "emails": [{"email": "User{n}@Example.com", "type": "primary"}, {"email": "alt{n}@example.com"}],
            "team_ids": ["t{n}"],
            "remote_data": {"note": "row {n}"},
            "custom_fields": {"row": "{n}"},
        });
        for integration in [
            Integration::Dixa,
            Integration::Freshchat,
            Integration::Gorgias,
            Integration::Hive,
            Integration::Planhat,
            Integration::QualtricsCoreXm,
            Integration::Reamaze,
            Integration::SolarWindsServiceDesk,
            Integration::Teamwork,
        ] {
            let seeder = seeder(Some(integration), &["9"]);
            let compiled = Compiled::new(&seeder, &template, 1000);
            assert!(compiled.is_some(), "{integration:?}");
            let mut buffer = BytesMut::new();
            assert!(
                compiled.unwrap().reproduces(&template, 437, &mut buffer),
                "{integration:?}"
            );
        }
        let readonly = seeder(None, &[]);
        assert!(Compiled::new(&readonly, &template, 5).is_some());
        // Its initials ("UN" for "User {n}") are not a copy of the name.
        let pivotal = seeder(Some(Integration::PivotalTracker), &["9"]);
        assert!(Compiled::new(&pivotal, &template, 5).is_none());
    }

    #[test]
    fn falls_back_where_values_are_transformed_fixed_or_invalid() {
        let seeder = seeder(Some(Integration::Dixa), &[]);
        for template in [
            json!({"roles": "role{n}"}),
            json!({"id": "{n}"}),
            json!({"etag": "e{n}"}),
            json!({"created_at": "2026-01-0{n}T00:00:00Z"}),
            json!({"name": 5}),
            json!("not an object"),
        ] {
            assert!(Compiled::new(&seeder, &template, 3).is_none(), "{template}");
        }
        assert!(
            Compiled::new(&seeder, &json!({"created_at": "2020-01-01T00:00:00Z"}), 3).is_some()
        );
    }

    #[test]
    fn users_share_buffers_and_numbers_fill_summaries() {
        let seeder = seeder(Some(Integration::Hive), &[]);
        let template = json!({"name": "A{n}b{n}", "emails": [{"email": "X{n}@Y.com"}]});
        let compiled = Compiled::new(&seeder, &template, 3).unwrap();
        let mut buffer = BytesMut::new();
        let first = compiled.record(1, 2, &mut buffer);
        let second = compiled.record(2, 1, &mut buffer);
        assert_eq!(buffer.capacity(), 0, "sized for exactly the two users");
        assert_eq!(
            first.user.as_ptr().wrapping_add(first.user.len()),
            second.user.as_ptr(),
            "one buffer"
        );
        let third = compiled.record(22, 1, &mut buffer);
        assert_eq!(third.summary.name.as_deref(), Some("a22b22"));
        assert_eq!(&*third.summary.emails, [Box::from("x22@y.com")]);
        let user: Value = serde_json::from_slice(&third.user).unwrap();
        assert_eq!(user["name"], "A22b22");
        assert_eq!(numbered("no mark", "1"), Box::from("no mark"));
    }
}
