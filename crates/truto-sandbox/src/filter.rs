//! A list's filters, read from the query in any bracket spelling, and
//! matched against the summary each stored user keeps (see `store`).
//!
//! Absent filters match everything; a filter whose value cannot be read is
//! a 400 that names it, rather than silently matching nothing.

use serde_json::{Map, Value};

use crate::query;
use crate::store::Record;
use crate::timestamp::Timestamp;

#[derive(Debug, Default, PartialEq)]
pub(crate) struct Filter {
    /// Lower-case; a user matches with any one of them.
    emails: Vec<String>,
    /// Lower-case substring of the name.
    name: Option<String>,
    is_active: Option<bool>,
    created_at: Vec<(Comparison, Timestamp)>,
    updated_at: Vec<(Comparison, Timestamp)>,
    /// A user matches when created in any of them; empty: no such filter.
    pub(crate) collections: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparison {
    Equal,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
}

impl Comparison {
    fn holds(self, value: Timestamp, bound: Timestamp) -> bool {
        match self {
            Self::Equal => value == bound,
            Self::Greater => value > bound,
            Self::GreaterOrEqual => value >= bound,
            Self::Less => value < bound,
            Self::LessOrEqual => value <= bound,
        }
    }
}

impl Filter {
    /// `collections` filters only where the integration has collections
    /// (Pivotal Tracker); elsewhere Truto ignores it, like any filter an
    /// integration does not support.
    pub(crate) fn from_query(
        params: &Map<String, Value>,
        with_collections: bool,
    ) -> Result<Self, String> {
        Ok(Self {
            emails: emails(params)?,
            name: scalar(params, "name")?.map(str::to_lowercase),
            is_active: match scalar(params, "is_active")? {
                None => None,
                Some("true") => Some(true),
                Some("false") => Some(false),
                Some(other) => {
                    return Err(format!(
                        "Invalid is_active '{other}': expected true or false"
                    ));
                }
            },
            created_at: time_bounds(params, "created_at")?,
            updated_at: time_bounds(params, "updated_at")?,
            collections: if with_collections {
                crate::unified::collection_ids(params)
                    .into_iter()
                    .map(str::to_owned)
                    .collect()
            } else {
                Vec::new()
            },
        })
    }

    pub(crate) fn matches(&self, record: &Record) -> bool {
        let summary = &record.summary;
        let time_ok = |bounds: &[(Comparison, Timestamp)], value: Option<Timestamp>| {
            bounds.is_empty()
                || value.is_some_and(|value| {
                    bounds
                        .iter()
                        .all(|(comparison, bound)| comparison.holds(value, *bound))
                })
        };
        (self.emails.is_empty()
            || summary
                .emails
                .iter()
                .any(|email| self.emails.iter().any(|wanted| **email == **wanted)))
            && self.name.as_deref().is_none_or(|needle| {
                summary
                    .name
                    .as_deref()
                    .is_some_and(|name| name.contains(needle))
            })
            && self
                .is_active
                .is_none_or(|wanted| summary.is_active == Some(wanted))
            && time_ok(&self.created_at, summary.created_at)
            && time_ok(&self.updated_at, summary.updated_at)
            && (self.collections.is_empty()
                || record
                    .collections
                    .iter()
                    .any(|id| self.collections.iter().any(|wanted| **id == **wanted)))
    }
}

/// One value: `name=x` (the first, if repeated); an object is a 400.
fn scalar<'a>(params: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, String> {
    match params.get(name) {
        None => Ok(None),
        Some(Value::Object(_)) => Err(format!("Invalid {name}: expected a single value")),
        Some(_) => Ok(query::first_str(params, name)),
    }
}

/// `emails=a`, `emails[]=a&emails[]=b`, `emails[0]=a` (or objects with an
/// `email`, as the unified user spells them).
fn emails(params: &Map<String, Value>) -> Result<Vec<String>, String> {
    let values: Vec<&Value> = match params.get("emails") {
        None => return Ok(Vec::new()),
        Some(Value::Array(values)) => values.iter().collect(),
        Some(value) => vec![value],
    };
    values
        .into_iter()
        .map(|value| match value {
            Value::String(address) => Ok(address.as_str()),
            Value::Object(email) => email
                .get("email")
                .and_then(Value::as_str)
                .ok_or_else(|| "Invalid emails: expected email addresses".to_owned()),
            _ => Err("Invalid emails: expected email addresses".to_owned()),
        })
        .filter(|address| address.as_ref().map_or(true, |address| !address.is_empty()))
        .map(|address| address.map(str::to_lowercase))
        .collect()
}

/// `created_at=T` (equal, as instants), or `created_at[gte]=T&created_at[lt]=U`.
fn time_bounds(
    params: &Map<String, Value>,
    name: &str,
) -> Result<Vec<(Comparison, Timestamp)>, String> {
    let instant = |label: &str, value: &Value| {
        value
            .as_str()
            .and_then(Timestamp::parse)
            .ok_or_else(|| {
                let shown = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
                format!("Invalid {label} '{shown}': expected an RFC 3339 date-time such as 2026-01-01T00:00:00Z")
            })
    };
    match params.get(name) {
        None => Ok(Vec::new()),
        Some(Value::Object(operators)) => operators
            .iter()
            .map(|(operator, value)| {
                let label = format!("{name}[{operator}]");
                let comparison = match operator.as_str() {
                    "gt" => Comparison::Greater,
                    "gte" => Comparison::GreaterOrEqual,
                    "lt" => Comparison::Less,
                    "lte" => Comparison::LessOrEqual,
                    _ => {
                        return Err(format!(
                            "Invalid {label}: the operators are gt, gte, lt and lte"
                        ));
                    }
                };
                Ok((comparison, instant(&label, value)?))
            })
            .collect(),
        Some(value) => Ok(vec![(Comparison::Equal, instant(name, value)?)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use serde_json::json;

    fn record(user: Value, collections: &[&str]) -> Record {
        let Value::Object(user) = user else {
            unreachable!()
        };
        Record::new(&user, Bytes::new(), None, collections)
    }

    fn filter(query: &str) -> Result<Filter, String> {
        Filter::from_query(&query::parse(query), true)
    }

    #[test]
    fn each_filter_matches_as_documented() {
        let ada = record(
            json!({
                "id": "1",
                "name": "Ada Lovelace",
                "emails": [{"email": "Ada@Example.com"}, {"email": "ada@work.example"}],
                "is_active": true,
                "created_at": "2026-01-01T00:00:00.000Z",
                "updated_at": "2026-02-01T00:00:00.000Z",
            }),
            &["77"],
        );
        for query in [
            "",
            "emails=ADA@example.com",
            "emails[]=nobody@x.com&emails[]=ada@work.example",
            "emails%5B0%5D=ada@example.com",
            "emails[0][email]=ada@example.com",
            "name=LOVE",
            "is_active=true",
            "created_at=2026-01-01T01:00:00%2B01:00",
            "created_at[gte]=2026-01-01T00:00:00Z&created_at[lt]=2026-01-01T00:00:00.001Z",
            "updated_at[gt]=2026-01-31T23:59:59.999Z",
            "collections[0][id]=77",
            "collections[][id]=1&collections[][id]=77",
        ] {
            assert!(filter(query).unwrap().matches(&ada), "{query}");
        }
        for query in [
            "emails=grace@example.com",
            "name=grace",
            "is_active=false",
            "created_at[gt]=2026-01-01T00:00:00Z",
            "updated_at[lte]=2026-01-31T00:00:00Z",
            "collections[0][id]=78",
        ] {
            assert!(!filter(query).unwrap().matches(&ada), "{query}");
        }
        let without_collections =
            Filter::from_query(&query::parse("collections[0][id]=78"), false).unwrap();
        assert!(without_collections.matches(&ada));
    }

    #[test]
    fn unreadable_values_name_the_parameter() {
        for (query, named) in [
            ("is_active=yes", "is_active"),
            ("created_at=yesterday", "created_at"),
            ("created_at[gte]=2026-01-01", "created_at[gte]"),
            (
                "updated_at[after]=2026-01-01T00:00:00Z",
                "updated_at[after]",
            ),
            ("name[x]=1", "name"),
            ("emails[0][x]=1", "emails"),
        ] {
            let message = filter(query).unwrap_err();
            assert!(message.contains(named), "{query}: {message}");
        }
    }
}
