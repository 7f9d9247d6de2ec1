//! Scripted faults: what the next requests for an account should suffer.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::state::lock;

/// One scripted misbehaviour, consumed by the next request for its account.
///
/// Fields combine; their JSON names are the admin endpoint's. A fault with
/// neither `status`, `body`, `body_base64`, `body_parts` nor `drop` lets the request be
/// handled normally after `delay_ms`, with `headers`, `retry_after` and
/// `body_chunk_delay_ms` applied to that normal answer.
///
/// ```
/// use truto_sandbox::Fault;
///
/// let faults = vec![
///     Fault::status(429).with_retry_after_secs(1),
///     Fault::delay_ms(500).with_status(503),
///     Fault::drop_after_store(),
///     Fault::raw_body(201, "text/html", "<html>oops</html>"),
/// ];
/// # drop(faults);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// Answer this status with Truto's error body and store nothing
    /// (or, with `body`, the status of that raw body).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The error body's `message` (default: the status's reason phrase).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Sent as `Retry-After`: seconds, or any text verbatim (an HTTP date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<RetryAfter>,
    /// Extra response headers, sent as given.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Blame the provider: the error body gets `truto_is_remote_error: true`
    /// and `raw_response`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub remote: bool,
    /// The provider's body for a remote error (JSON, or a string for text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_response: Option<Value>,
    /// Used verbatim as the error body's `truto_error_insight`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insight: Option<Value>,
    /// Wait this long before anything else happens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// Close the connection without writing a single byte.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drop: Option<DropPoint>,
    /// Answer exactly this text as the body (hostile responses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Answer exactly these bytes, base64-encoded here (non-UTF-8 bodies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    /// Answer the concatenation of these parts: bodies too large or too regular to
    /// write out (a 50 MiB string, arrays nested 100 000 deep).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub body_parts: Vec<BodyPart>,
    /// `Content-Type` of a raw `body` (default `application/json`, since the
    /// hostile case worth testing is a body that lies about being JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Send the answer's body one byte at a time, this many ms apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_chunk_delay_ms: Option<u64>,
}

/// A piece of a generated hostile body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum BodyPart {
    /// `{"text": "..."}`: this text once.
    Text {
        /// The text.
        text: String,
    },
    /// `{"repeat": "[", "times": 100000}`: this text over and over.
    Repeat {
        /// The text to repeat.
        repeat: String,
        /// How many times.
        times: usize,
    },
}

/// The largest generated body: enough for any hostile case, small enough to be safe.
const MAX_GENERATED_BODY: usize = 256 * 1024 * 1024;

/// A `Retry-After` value: seconds, or text sent verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RetryAfter {
    /// Whole seconds, sent as a number.
    Seconds(u64),
    /// Sent verbatim, e.g. an HTTP date or something malformed.
    Text(String),
}

/// When a dropped connection is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropPoint {
    /// Before anything is stored: the create did not happen.
    BeforeStore,
    /// After the user (and its idempotency key) was stored, as if the answer
    /// got lost on the way back: a retry with the same key replays it.
    AfterStore,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl Fault {
    /// Answer `status` with Truto's error body.
    pub fn status(status: u16) -> Self {
        Self {
            status: Some(status),
            ..Self::default()
        }
    }

    /// Wait `ms` milliseconds, then handle the request normally
    /// (or as the other fields say).
    pub fn delay_ms(ms: u64) -> Self {
        Self {
            delay_ms: Some(ms),
            ..Self::default()
        }
    }

    /// Close the connection without an answer; nothing is stored.
    pub fn drop_before_store() -> Self {
        Self {
            drop: Some(DropPoint::BeforeStore),
            ..Self::default()
        }
    }

    /// Store the user, then close the connection without an answer.
    pub fn drop_after_store() -> Self {
        Self {
            drop: Some(DropPoint::AfterStore),
            ..Self::default()
        }
    }

    /// Answer exactly `body` with this status and content type.
    pub fn raw_body(status: u16, content_type: &str, body: &str) -> Self {
        Self {
            status: Some(status),
            content_type: Some(content_type.to_owned()),
            body: Some(body.to_owned()),
            ..Self::default()
        }
    }

    /// Sets the status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Sets the error body's `message`.
    pub fn with_message(mut self, message: &str) -> Self {
        self.message = Some(message.to_owned());
        self
    }

    /// Sends `Retry-After: <secs>`.
    pub fn with_retry_after_secs(mut self, secs: u64) -> Self {
        self.retry_after = Some(RetryAfter::Seconds(secs));
        self
    }

    /// Sends `Retry-After` with this text verbatim.
    pub fn with_retry_after_text(mut self, text: &str) -> Self {
        self.retry_after = Some(RetryAfter::Text(text.to_owned()));
        self
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.insert(name.to_owned(), value.to_owned());
        self
    }

    /// Marks the error as the provider's, with this `raw_response`.
    pub fn with_remote(mut self, raw_response: Option<Value>) -> Self {
        self.remote = true;
        self.raw_response = raw_response;
        self
    }

    /// Sets `truto_error_insight` verbatim.
    pub fn with_insight(mut self, insight: Value) -> Self {
        self.insight = Some(insight);
        self
    }

    /// Sends the body one byte every `ms` milliseconds.
    pub fn with_body_chunk_delay_ms(mut self, ms: u64) -> Self {
        self.body_chunk_delay_ms = Some(ms);
        self
    }

    pub(crate) fn delay(&self) -> Option<Duration> {
        self.delay_ms
            .filter(|ms| *ms > 0)
            .map(Duration::from_millis)
    }

    /// The status of a Truto error answer, if this fault makes one. Error
    /// details without a status would otherwise be silently ignored, so they
    /// imply a 500.
    pub(crate) fn error_status(&self) -> Option<u16> {
        let describes_error = self.message.is_some()
            || self.remote
            || self.raw_response.is_some()
            || self.insight.is_some();
        self.status
            .or(if describes_error { Some(500) } else { None })
    }

    /// The exact body bytes of a hostile answer, if this fault makes one.
    pub(crate) fn raw_body_bytes(&self) -> Option<Result<Vec<u8>, String>> {
        if let Some(encoded) = &self.body_base64 {
            return Some(
                crate::base64::decode(encoded)
                    .ok_or_else(|| "body_base64 is not valid base64".to_owned()),
            );
        }
        if !self.body_parts.is_empty() {
            return Some(generate_body(&self.body_parts));
        }
        self.body.as_ref().map(|text| Ok(text.clone().into_bytes()))
    }
}

/// Pending faults, one queue per account.
#[derive(Default)]
pub(crate) struct FaultQueues {
    // Lets the common no-faults case skip the lock entirely.
    queued: AtomicUsize,
    queues: Mutex<HashMap<String, VecDeque<Fault>>>,
}

impl FaultQueues {
    pub(crate) fn push(&self, account: &str, faults: Vec<Fault>) {
        if faults.is_empty() {
            return;
        }
        let mut queues = lock(&self.queues);
        self.queued.fetch_add(faults.len(), Ordering::SeqCst);
        queues.entry(account.to_owned()).or_default().extend(faults);
    }

    pub(crate) fn pop(&self, account: &str) -> Option<Fault> {
        if self.queued.load(Ordering::SeqCst) == 0 {
            return None;
        }
        let mut queues = lock(&self.queues);
        let queue = queues.get_mut(account)?;
        let fault = queue.pop_front()?;
        if queue.is_empty() {
            queues.remove(account);
        }
        self.queued.fetch_sub(1, Ordering::SeqCst);
        Some(fault)
    }

    pub(crate) fn clear(&self) {
        let mut queues = lock(&self.queues);
        queues.clear();
        self.queued.store(0, Ordering::SeqCst);
    }
}

fn generate_body(parts: &[BodyPart]) -> Result<Vec<u8>, String> {
    let size = parts.iter().try_fold(0usize, |total, part| {
        let size = match part {
            BodyPart::Text { text } => Some(text.len()),
            BodyPart::Repeat { repeat, times } => repeat.len().checked_mul(*times),
        };
        size.and_then(|size| total.checked_add(size))
    });
    match size {
        Some(size) if size <= MAX_GENERATED_BODY => {}
        _ => {
            return Err(format!(
                "body_parts make more than {MAX_GENERATED_BODY} bytes"
            ));
        }
    }
    let mut body = Vec::with_capacity(size.unwrap_or(0));
    for part in parts {
        match part {
            BodyPart::Text { text } => body.extend_from_slice(text.as_bytes()),
            BodyPart::Repeat { repeat, times } => {
                body.extend_from_slice(repeat.repeat(*times).as_bytes())
            }
        }
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_parts_concatenate_and_are_capped() {
        let fault: Fault = serde_json::from_str(
            r#"{"status": 201, "body_parts": [{"text": "{\"a\":"}, {"repeat": "[", "times": 3}, {"repeat": "]", "times": 3}, {"text": "}"}]}"#,
        )
        .unwrap();
        assert_eq!(fault.raw_body_bytes().unwrap().unwrap(), br#"{"a":[[[]]]}"#);
        let huge = Fault {
            body_parts: vec![BodyPart::Repeat {
                repeat: "xx".into(),
                times: usize::MAX / 2 + 1,
            }],
            ..Fault::default()
        };
        assert!(huge.raw_body_bytes().unwrap().is_err());
    }

    #[test]
    fn faults_read_their_json_shape() {
        let fault: Fault = serde_json::from_str(
            r#"{"status": 429, "retry_after": 3, "headers": {"ratelimit-reset": "3"}}"#,
        )
        .unwrap();
        assert_eq!(
            fault,
            Fault::status(429)
                .with_retry_after_secs(3)
                .with_header("ratelimit-reset", "3")
        );
        let fault: Fault =
            serde_json::from_str(r#"{"drop": "after_store", "retry_after": "soon"}"#).unwrap();
        assert_eq!(fault.drop, Some(DropPoint::AfterStore));
        assert_eq!(fault.retry_after, Some(RetryAfter::Text("soon".into())));
        assert!(serde_json::from_str::<Fault>(r#"{"stauts": 500}"#).is_err());
    }

    #[test]
    fn queues_are_per_account_and_in_order() {
        let queues = FaultQueues::default();
        assert!(queues.pop("a").is_none());
        queues.push("a", vec![Fault::status(500), Fault::status(502)]);
        queues.push("b", vec![Fault::status(429)]);
        assert_eq!(queues.pop("a").unwrap().status, Some(500));
        assert_eq!(queues.pop("b").unwrap().status, Some(429));
        assert_eq!(queues.pop("a").unwrap().status, Some(502));
        assert!(queues.pop("a").is_none());
        queues.push("a", vec![Fault::status(500)]);
        queues.clear();
        assert!(queues.pop("a").is_none());
    }
}
