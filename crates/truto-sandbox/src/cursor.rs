//! Opaque list cursors: where the previous page ended.
//!
//! A cursor is base64url of a small JSON document: the creation sequence
//! number of the last user returned and, when the list was sorted, that
//! user's sort keys and the sort they belong to. It names a position, not
//! an offset, so users created or deleted while a client pages neither
//! repeat nor get skipped.

use serde::{Deserialize, Serialize};

use crate::base64;
use crate::sort::{Direction, SortField, SortKey};

/// Just after this user, in the list's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Position {
    pub(crate) sequence: u64,
    /// One per sort field; empty for creation order.
    pub(crate) keys: Vec<SortKey>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    #[serde(rename = "a")]
    after: u64,
    #[serde(rename = "s", default, skip_serializing_if = "Vec::is_empty")]
    sort: Vec<(SortField, Direction)>,
    #[serde(rename = "k", default, skip_serializing_if = "Vec::is_empty")]
    keys: Vec<SortKey>,
}

pub(crate) fn encode(position: &Position, sort: &[(SortField, Direction)]) -> String {
    let document = Document {
        after: position.sequence,
        sort: sort.to_vec(),
        keys: position.keys.clone(),
    };
    base64::encode_url(&serde_json::to_vec(&document).unwrap_or_default())
}

/// `None` for anything this sandbox did not write for this same sort.
pub(crate) fn decode(text: &str, sort: &[(SortField, Direction)]) -> Option<Position> {
    let bytes = base64::decode(text)?;
    let document: Document = serde_json::from_slice(&bytes).ok()?;
    let consistent = document.sort == sort
        && document.keys.len() == sort.len()
        && sort
            .iter()
            .zip(&document.keys)
            .all(|((field, _), key)| field.accepts(key));
    consistent.then_some(Position {
        sequence: document.after,
        keys: document.keys,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_foreign_or_mismatched_cursors() {
        let plain = Position {
            sequence: 41,
            keys: Vec::new(),
        };
        let text = encode(&plain, &[]);
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(decode(&text, &[]), Some(plain.clone()));

        let sort = [(SortField::CreatedAt, Direction::Desc)];
        let sorted = Position {
            sequence: 7,
            keys: vec![SortKey::Time(1_700_000_000, 5)],
        };
        let text = encode(&sorted, &sort);
        assert_eq!(decode(&text, &sort), Some(sorted));
        assert_eq!(decode(&text, &[]), None, "made for another sort");
        assert_eq!(decode(&encode(&plain, &[]), &sort), None);

        for junk in [
            "",
            "!!!",
            "bm90IGpzb24",
            "eyJhIjotMX0",
            "eyJhIjoxLCJ4IjoyfQ",
        ] {
            assert_eq!(decode(junk, &[]), None, "{junk}");
        }
    }
}
