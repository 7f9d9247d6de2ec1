//! The log of requests received on Truto's paths, for tests to inspect.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::sync::Mutex;

use bytes::Bytes;
use http::request::Parts;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::query;
use crate::state::lock;

/// One request as the sandbox received it (`GET /_sandbox/requests` shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// `POST`, `GET`, ...
    pub method: String,
    /// The path, without the query string.
    pub path: String,
    /// The raw query string as received (`""` when there was none).
    pub query: String,
    /// The query's `(key, value)` pairs, percent-decoded, in order.
    pub query_pairs: Vec<(String, String)>,
    /// The query read back into objects and arrays, whatever bracket
    /// spelling was used (`collections[0][id]=1` → `{"collections": [{"id": "1"}]}`).
    pub query_params: Value,
    /// Lower-case header names to values (repeated headers joined by `", "`),
    /// without `authorization`.
    pub headers: BTreeMap<String, String>,
    /// The body parsed as JSON, or `None` when it was empty or not JSON.
    pub body: Option<Value>,
    /// The raw body when it was not JSON, else `None`.
    pub body_text: Option<String>,
    /// The `integrated_account_id` query parameter, if any.
    pub integrated_account_id: Option<String>,
    /// The status answered, or `None` when the connection was dropped
    /// (by a fault or by the client) before an answer.
    pub status: Option<u16>,
}

/// Entries keep the request in two compact allocations; the readable form is
/// only built when a test asks, so logging stays cheap under load.
struct Entry {
    sequence: u64,
    /// `METHOD target\nname: value\n...`
    head: Box<str>,
    body: Bytes,
    status: Option<u16>,
}

pub(crate) struct RequestLog {
    capacity: usize,
    inner: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    next_sequence: u64,
    entries: VecDeque<Entry>,
}

/// Names the entry of a request that is still being answered.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LogSlot(Option<u64>);

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::default(),
        }
    }

    /// Logs a request on arrival, without its status yet.
    pub(crate) fn record(&self, parts: &Parts, body: &Bytes) -> LogSlot {
        if self.capacity == 0 {
            return LogSlot(None);
        }
        let head = head_text(parts);
        let mut inner = lock(&self.inner);
        let sequence = inner.next_sequence;
        inner.next_sequence += 1;
        if inner.entries.len() >= self.capacity {
            inner.entries.pop_front();
        }
        inner.entries.push_back(Entry {
            sequence,
            head,
            body: body.clone(),
            status: None,
        });
        LogSlot(Some(sequence))
    }

    pub(crate) fn set_status(&self, slot: LogSlot, status: u16) {
        let Some(sequence) = slot.0 else { return };
        let mut inner = lock(&self.inner);
        let Some(first) = inner.entries.front().map(|entry| entry.sequence) else {
            return;
        };
        // Entries are in sequence order, though a reset may have emptied
        // them since (and then the sequence is simply not found).
        let Some(index) = sequence.checked_sub(first) else {
            return;
        };
        if let Some(entry) = usize::try_from(index)
            .ok()
            .and_then(|index| inner.entries.get_mut(index))
            .filter(|entry| entry.sequence == sequence)
        {
            entry.status = Some(status);
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<LoggedRequest> {
        let raw: Vec<(Box<str>, Bytes, Option<u16>)> = lock(&self.inner)
            .entries
            .iter()
            .map(|entry| (entry.head.clone(), entry.body.clone(), entry.status))
            .collect();
        raw.into_iter()
            .map(|(head, body, status)| readable(&head, &body, status))
            .collect()
    }

    pub(crate) fn clear(&self) {
        lock(&self.inner).entries.clear();
    }
}

fn head_text(parts: &Parts) -> Box<str> {
    let target = parts
        .uri
        .path_and_query()
        .map_or("/", |target| target.as_str());
    let mut head = String::with_capacity(64 + parts.headers.len() * 40);
    head.push_str(parts.method.as_str());
    head.push(' ');
    head.push_str(target);
    for (name, value) in &parts.headers {
        if name == http::header::AUTHORIZATION {
            continue;
        }
        let _ = write!(
            head,
            "\n{}: {}",
            name.as_str(),
            String::from_utf8_lossy(value.as_bytes())
        );
    }
    head.into_boxed_str()
}

fn readable(head: &str, body: &Bytes, status: Option<u16>) -> LoggedRequest {
    let mut lines = head.split('\n');
    let request_line = lines.next().unwrap_or_default();
    let (method, target) = request_line.split_once(' ').unwrap_or((request_line, "/"));
    let (path, raw_query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    for line in lines {
        let (name, value) = line.split_once(": ").unwrap_or((line, ""));
        headers
            .entry(name.to_owned())
            .and_modify(|joined| {
                joined.push_str(", ");
                joined.push_str(value);
            })
            .or_insert_with(|| value.to_owned());
    }
    let params = query::parse(raw_query);
    let integrated_account_id =
        query::first_str(&params, "integrated_account_id").map(str::to_owned);
    let (body_json, body_text) = if body.is_empty() {
        (None, None)
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(json) => (Some(json), None),
            Err(_) => (None, Some(String::from_utf8_lossy(body).into_owned())),
        }
    };
    LoggedRequest {
        method: method.to_owned(),
        path: path.to_owned(),
        query: raw_query.to_owned(),
        query_pairs: query::pairs(raw_query),
        query_params: Value::Object(params),
        headers,
        body: body_json,
        body_text,
        integrated_account_id,
        status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(target: &str) -> Parts {
        let (parts, ()) = http::Request::post(target)
            .header("authorization", "Bearer secret")
            .header("content-type", "application/json")
            .header("x-a", "1")
            .header("x-a", "2")
            .body(())
            .unwrap()
            .into_parts();
        parts
    }

    #[test]
    fn drops_the_oldest_beyond_capacity_and_tracks_status() {
        let log = RequestLog::new(2);
        let first = log.record(&parts("/a"), &Bytes::new());
        let second = log.record(&parts("/b?x=1"), &Bytes::from_static(b"{\"k\":1}"));
        let third = log.record(&parts("/c"), &Bytes::from_static(b"not json"));
        log.set_status(first, 500);
        log.set_status(third, 201);
        let seen = log.snapshot();
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].path, "/b");
        assert_eq!(seen[0].query, "x=1");
        assert_eq!(seen[0].status, None);
        assert_eq!(seen[0].body, Some(serde_json::json!({"k": 1})));
        assert_eq!(seen[1].status, Some(201));
        assert_eq!(seen[1].body_text.as_deref(), Some("not json"));
        assert_eq!(seen[1].headers.get("x-a").map(String::as_str), Some("1, 2"));
        assert!(!seen[1].headers.contains_key("authorization"));
        let _ = second;
    }
}
