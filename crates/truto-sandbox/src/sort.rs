//! `sort_by[<field>]=asc|desc`: the fields a list sorts by, each user's
//! keys for them, and the order they make.
//!
//! Ties (and users without the field, which sort first ascending) are
//! broken by creation order, so the order is total and a cursor (the last
//! returned user's keys and creation sequence) says exactly where the next
//! page starts.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::store::Record;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SortField {
    Name,
    CreatedAt,
    UpdatedAt,
    Id,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Direction {
    Asc,
    Desc,
}

/// The fields to sort by, most significant first; empty: creation order.
pub(crate) type SortSpec = Vec<(SortField, Direction)>;

/// One user's value for one sort field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub(crate) enum SortKey {
    /// The user has no such field (variant order: sorts first).
    Missing,
    Text(String),
    /// `(seconds since 1970, nanoseconds)`.
    Time(i64, u32),
}

impl SortField {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "name" => Self::Name,
            "created_at" => Self::CreatedAt,
            "updated_at" => Self::UpdatedAt,
            "id" => Self::Id,
            _ => return None,
        })
    }

    fn key(self, record: &Record) -> SortKey {
        let summary = &record.summary;
        let time = |time: Option<crate::timestamp::Timestamp>| {
            time.map_or(SortKey::Missing, |time| {
                let (secs, nanos) = time.parts();
                SortKey::Time(secs, nanos)
            })
        };
        match self {
            Self::Name => summary
                .name
                .as_deref()
                .map_or(SortKey::Missing, |name| SortKey::Text(name.to_owned())),
            Self::CreatedAt => time(summary.created_at),
            Self::UpdatedAt => time(summary.updated_at),
            Self::Id => SortKey::Text(id_key(&summary.id)),
        }
    }

    /// Whether a cursor's key can be this field's.
    pub(crate) fn accepts(self, key: &SortKey) -> bool {
        match (self, key) {
            (Self::Id, SortKey::Text(_)) => true,
            (Self::Name, SortKey::Text(_) | SortKey::Missing) => true,
            (Self::CreatedAt | Self::UpdatedAt, SortKey::Time(_, nanos)) => *nanos < 1_000_000_000,
            (Self::CreatedAt | Self::UpdatedAt, SortKey::Missing) => true,
            _ => false,
        }
    }
}

/// Numeric ids (Gorgias, Teamwork, ...) sort as numbers: zero-padded, so
/// that `"9"` comes before `"10"`.
fn id_key(id: &str) -> String {
    if !id.is_empty() && id.len() < 40 && id.bytes().all(|byte| byte.is_ascii_digit()) {
        format!("{id:0>40}")
    } else {
        id.to_owned()
    }
}

/// `sort_by` from the query: `sort_by[name]=desc` (several fields in the
/// order given), or the message of a 400.
pub(crate) fn parse_spec(params: &Map<String, Value>) -> Result<SortSpec, String> {
    let fields = match params.get("sort_by") {
        None => return Ok(Vec::new()),
        Some(Value::Object(fields)) => fields,
        Some(_) => {
            return Err(
                "Invalid sort_by: expected sort_by[<field>]=asc|desc, e.g. sort_by[created_at]=desc"
                    .to_owned(),
            );
        }
    };
    fields
        .iter()
        .map(|(name, direction)| {
            let field = SortField::parse(name).ok_or_else(|| {
                format!("Invalid sort_by[{name}]: can sort by name, created_at, updated_at or id")
            })?;
            let direction = match direction.as_str() {
                Some("asc") => Direction::Asc,
                Some("desc") => Direction::Desc,
                _ => return Err(format!("Invalid sort_by[{name}]: expected asc or desc")),
            };
            Ok((field, direction))
        })
        .collect()
}

/// The user's keys for each field of the spec.
pub(crate) fn keys(spec: &[(SortField, Direction)], record: &Record) -> Vec<SortKey> {
    spec.iter().map(|(field, _)| field.key(record)).collect()
}

/// The order of two users, each given as (keys, creation sequence).
pub(crate) fn compare(
    spec: &[(SortField, Direction)],
    a: (&[SortKey], u64),
    b: (&[SortKey], u64),
) -> Ordering {
    for (i, (_, direction)) in spec.iter().enumerate() {
        let order = a.0[i].cmp(&b.0[i]);
        let order = match direction {
            Direction::Asc => order,
            Direction::Desc => order.reverse(),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    a.1.cmp(&b.1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_the_spec_in_order_and_refuses_the_rest() {
        let params = crate::query::parse("sort_by[name]=desc&sort_by%5Bcreated_at%5D=asc");
        assert_eq!(
            parse_spec(&params).unwrap(),
            [
                (SortField::Name, Direction::Desc),
                (SortField::CreatedAt, Direction::Asc)
            ]
        );
        for bad in [
            "sort_by=name",
            "sort_by[email]=asc",
            "sort_by[name]=up",
            "sort_by[name]=ASC",
        ] {
            assert!(parse_spec(&crate::query::parse(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn keys_compare_numbers_as_numbers_and_missing_first() {
        assert!(id_key("9") < id_key("10"));
        assert!(SortKey::Missing < SortKey::Text(String::new()));
        let spec = [(SortField::Name, Direction::Desc)];
        let ada = [SortKey::Text("ada".into())];
        let bob = [SortKey::Text("bob".into())];
        assert_eq!(compare(&spec, (&bob, 5), (&ada, 1)), Ordering::Less);
        assert_eq!(compare(&spec, (&ada, 1), (&ada, 2)), Ordering::Less);
        let encoded = serde_json::to_value([
            SortKey::Missing,
            SortKey::Text("a".into()),
            SortKey::Time(5, 1),
        ])
        .unwrap();
        assert_eq!(encoded, json!([null, "a", [5, 1]]));
        let decoded: Vec<SortKey> = serde_json::from_value(encoded).unwrap();
        assert_eq!(decoded[2], SortKey::Time(5, 1));
    }
}
