//! `GET /unified/ticketing/users`: one page of an account's users, in
//! Truto's envelope `{"result", "next_cursor", "prev_cursor", "result_count"}`.
//!
//! In creation order a page walks the account's ordered map from the
//! cursor's position, so it costs what the page costs. With `sort_by`, a
//! page scans the account's matching users and selects the next `limit` of
//! them (linear in the account's size, without sorting all of it).

use bytes::Bytes;
use http::StatusCode;
use serde_json::{Map, Value};

use crate::accounts::Integration;
use crate::cursor::{self, Position};
use crate::filter::Filter;
use crate::query;
use crate::reply::{self, Outcome};
use crate::sort::{self, SortKey, SortSpec};
use crate::store::{AccountUsers, Record};
use crate::unified::ResponseShape;
use crate::users::Call;

/// A page's size when `limit` is not given.
pub(crate) const DEFAULT_LIMIT: usize = 100;
/// Larger `limit`s are cut to this, silently, as providers do.
pub(crate) const MAX_LIMIT: usize = 1000;

/// What a list request asks for, beyond the shared parameters.
struct ListQuery {
    limit: usize,
    sort: SortSpec,
    after: Option<Position>,
    filter: Filter,
}

impl ListQuery {
    /// Also accepted and ignored: `truto_key_by`, `truto_ignore_limit`.
    fn from_params(params: &Map<String, Value>, with_collections: bool) -> Result<Self, String> {
        let limit = parse_limit(query::first_str(params, "limit"))?;
        let sort = sort::parse_spec(params)?;
        let after = match query::first_str(params, "next_cursor").filter(|text| !text.is_empty()) {
            None => None,
            Some(text) => Some(cursor::decode(text, &sort).ok_or("Invalid cursor")?),
        };
        let filter = Filter::from_query(params, with_collections)?;
        Ok(Self {
            limit,
            sort,
            after,
            filter,
        })
    }
}

fn parse_limit(text: Option<&str>) -> Result<usize, String> {
    let Some(text) = text else {
        return Ok(DEFAULT_LIMIT);
    };
    let invalid = || format!("Invalid limit '{text}': expected a positive integer");
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(invalid());
    }
    // All digits: too many of them is simply a large number.
    match text.parse::<usize>() {
        Ok(0) => Err(invalid()),
        Ok(limit) => Ok(limit.min(MAX_LIMIT)),
        Err(_) => Ok(MAX_LIMIT),
    }
}

pub(crate) fn list(call: &Call<'_>) -> Outcome {
    let with_collections = call
        .integration
        .is_some_and(Integration::requires_collection);
    let query = match ListQuery::from_params(call.params, with_collections) {
        Ok(query) => query,
        Err(message) => return reply::error(StatusCode::BAD_REQUEST, &message).into(),
    };
    if with_collections
        && query.filter.collections.is_empty()
        && let Some(reply) = reply::missing_required(&[], true)
    {
        return reply.into();
    }
    let page = call
        .state
        .users
        .read_account(call.account_id, |users| page(users, &query));
    let next_cursor = page
        .next
        .map(|position| cursor::encode(&position, &query.sort));
    let body = envelope(&page.users, next_cursor.as_deref(), call.shape);
    call.done(reply::formatted(StatusCode::OK, body, call.shape.format))
}

struct Page {
    users: Vec<Bytes>,
    /// Where the next page starts; `None` on the last page.
    next: Option<Position>,
}

fn page(users: &AccountUsers, query: &ListQuery) -> Page {
    if query.sort.is_empty() {
        in_creation_order(users, query)
    } else {
        sorted(users, query)
    }
}

fn in_creation_order(users: &AccountUsers, query: &ListQuery) -> Page {
    let after = query.after.as_ref().map(|position| position.sequence);
    let mut page = Vec::with_capacity(query.limit.min(256));
    let mut last = None;
    let mut more = false;
    for (sequence, record) in users.after(after) {
        if !query.filter.matches(record) {
            continue;
        }
        if page.len() == query.limit {
            more = true;
            break;
        }
        page.push(record.user.clone());
        last = Some(sequence);
    }
    Page {
        users: page,
        next: last.filter(|_| more).map(|sequence| Position {
            sequence,
            keys: Vec::new(),
        }),
    }
}

fn sorted(users: &AccountUsers, query: &ListQuery) -> Page {
    let spec = &query.sort;
    let order = |a: &(Vec<SortKey>, u64, &Record), b: &(Vec<SortKey>, u64, &Record)| {
        sort::compare(spec, (&a.0, a.1), (&b.0, b.1))
    };
    let mut candidates: Vec<(Vec<SortKey>, u64, &Record)> = users
        .after(None)
        .filter(|(_, record)| query.filter.matches(record))
        .map(|(sequence, record)| (sort::keys(spec, record), sequence, record))
        .filter(|(keys, sequence, _)| {
            query.after.as_ref().is_none_or(|after| {
                sort::compare(spec, (keys, *sequence), (&after.keys, after.sequence)).is_gt()
            })
        })
        .collect();
    let more = candidates.len() > query.limit;
    if more {
        candidates.select_nth_unstable_by(query.limit, order);
        candidates.truncate(query.limit);
    }
    candidates.sort_unstable_by(order);
    let next = candidates
        .last()
        .filter(|_| more)
        .map(|(keys, sequence, _)| Position {
            sequence: *sequence,
            keys: keys.clone(),
        });
    Page {
        users: candidates
            .into_iter()
            .map(|(_, _, record)| record.user.clone())
            .collect(),
        next,
    }
}

/// Spliced from each user's answer bytes (the stored bytes themselves,
/// when the full user is asked for).
fn envelope(users: &[Bytes], next_cursor: Option<&str>, shape: &ResponseShape) -> Bytes {
    let answers: Vec<Bytes> = users.iter().map(|user| shape.answer(user)).collect();
    let mut out = Vec::with_capacity(96 + answers.iter().map(|a| a.len() + 1).sum::<usize>());
    out.extend_from_slice(b"{\"result\":[");
    for (i, answer) in answers.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(answer);
    }
    out.extend_from_slice(b"],\"next_cursor\":");
    match next_cursor {
        // Cursors are base64url: nothing in them needs escaping.
        Some(cursor) => {
            out.push(b'"');
            out.extend_from_slice(cursor.as_bytes());
            out.push(b'"');
        }
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"prev_cursor\":null,\"result_count\":");
    out.extend_from_slice(answers.len().to_string().as_bytes());
    out.push(b'}');
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_default_cap_and_refuse() {
        assert_eq!(parse_limit(None), Ok(100));
        assert_eq!(parse_limit(Some("7")), Ok(7));
        assert_eq!(parse_limit(Some("1000")), Ok(1000));
        assert_eq!(parse_limit(Some("1001")), Ok(1000));
        assert_eq!(parse_limit(Some("99999999999999999999999")), Ok(1000));
        for bad in ["0", "-1", "1.5", "", "ten", " 5", "+5"] {
            let message = parse_limit(Some(bad)).unwrap_err();
            assert!(message.contains("limit"), "{bad}: {message}");
        }
    }

    #[test]
    fn the_envelope_is_json_with_every_field() {
        let users = [
            Bytes::from_static(b"{\"id\":\"1\"}"),
            Bytes::from_static(b"{\"id\":\"2\"}"),
        ];
        let shape = ResponseShape::from_query(&Map::new()).unwrap();
        let body: Value = serde_json::from_slice(&envelope(&users, Some("abc"), &shape)).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"result": [{"id": "1"}, {"id": "2"}], "next_cursor": "abc", "prev_cursor": null, "result_count": 2})
        );
        let empty: Value = serde_json::from_slice(&envelope(&[], None, &shape)).unwrap();
        assert_eq!(empty["next_cursor"], Value::Null);
        assert_eq!(empty["result_count"], 0);
    }
}
