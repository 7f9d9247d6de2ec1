//! Building answers, above all Truto's error shape:
//! `{"statusCode": 400, "error": "Bad Request", "message": "..."}`.

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue, RETRY_AFTER};
use http::{Response, StatusCode};
use serde_json::{Map, Value, json};

use crate::body::Body;
use crate::rate_limit::WindowStatus;
use crate::unified::Format;

pub(crate) type Reply = Response<Body>;

/// How many pieces a `truto_response_format=stream` answer is sent in.
const STREAM_CHUNKS: usize = 4;

pub(crate) const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

/// What the handler decided: an answer, or closing the connection unanswered.
pub(crate) enum Outcome {
    Answer(Reply),
    Drop,
}

impl From<Reply> for Outcome {
    fn from(reply: Reply) -> Self {
        Self::Answer(reply)
    }
}

/// The optional parts of a Truto error body.
#[derive(Default)]
pub(crate) struct ErrorDetails {
    pub(crate) insight: Option<Value>,
    /// `Some(raw_response)` marks the error as the provider's.
    pub(crate) remote: Option<Value>,
}

pub(crate) fn json(status: StatusCode, body: impl Into<Bytes>) -> Reply {
    with_content_type(status, APPLICATION_JSON, Body::full(body))
}

pub(crate) fn with_content_type(
    status: StatusCode,
    content_type: HeaderValue,
    body: Body,
) -> Reply {
    let mut reply = Response::new(body);
    *reply.status_mut() = status;
    reply.headers_mut().insert(CONTENT_TYPE, content_type);
    reply
}

/// A JSON answer in the requested format: `stream` sends it with chunked
/// transfer encoding, in several chunks.
pub(crate) fn formatted(status: StatusCode, body: Bytes, format: Format) -> Reply {
    let body = match format {
        Format::Stream => Body::streamed(body, STREAM_CHUNKS),
        _ => Body::full(body),
    };
    with_content_type(status, APPLICATION_JSON, body)
}

pub(crate) fn no_content() -> Reply {
    let mut reply = Response::new(Body::empty());
    *reply.status_mut() = StatusCode::NO_CONTENT;
    reply
}

pub(crate) fn error(status: StatusCode, message: &str) -> Reply {
    error_with(status, message, ErrorDetails::default())
}

pub(crate) fn error_with(status: StatusCode, message: &str, details: ErrorDetails) -> Reply {
    let mut body = Map::new();
    body.insert("statusCode".into(), json!(status.as_u16()));
    body.insert(
        "error".into(),
        json!(status.canonical_reason().unwrap_or("Error")),
    );
    body.insert("message".into(), json!(message));
    if let Some(insight) = details.insight {
        body.insert("truto_error_insight".into(), insight);
    }
    if let Some(raw_response) = details.remote {
        body.insert("truto_is_remote_error".into(), json!(true));
        body.insert("raw_response".into(), raw_response);
    }
    let bytes = serde_json::to_vec(&Value::Object(body)).unwrap_or_default();
    json(status, bytes)
}

/// One `truto_error_insight` entry: `{"<key>": {"description", "value"}}`.
pub(crate) fn insight_entry(
    insight: &mut Map<String, Value>,
    key: &str,
    description: &str,
    value: Value,
) {
    insight.insert(
        key.to_owned(),
        json!({"description": description, "value": value}),
    );
}

/// The 400 for required body fields and query parameters that are missing,
/// both named in one `truto_error_insight`; `None` when nothing is missing.
pub(crate) fn missing_required(missing_fields: &[&str], missing_collection: bool) -> Option<Reply> {
    if missing_fields.is_empty() && !missing_collection {
        return None;
    }
    let mut insight = Map::new();
    let mut messages = Vec::new();
    if !missing_fields.is_empty() {
        messages.push(format!(
            "Missing required fields: {}",
            missing_fields.join(", ")
        ));
        insight_entry(
            &mut insight,
            "missing_required_body_fields",
            "The following fields are required in the request body for this integration.",
            json!(missing_fields),
        );
    }
    if missing_collection {
        messages.push("Missing required query parameters: collections".to_owned());
        insight_entry(
            &mut insight,
            "missing_required_query_parameters",
            "The following query parameters are required for this integration.",
            json!(["collections"]),
        );
    }
    let details = ErrorDetails {
        insight: Some(Value::Object(insight)),
        remote: None,
    };
    Some(error_with(
        StatusCode::BAD_REQUEST,
        &messages.join(". "),
        details,
    ))
}

/// The `truto_error_insight` of a 429.
pub(crate) fn rate_limit_insight(status: &WindowStatus) -> Value {
    json!({
        "rate_limit_error": {
            "description": format!(
                "Rate limit of {} requests per {} seconds exceeded. Retry after {} seconds.",
                status.limit, status.window_secs, status.reset_secs
            ),
            "value": {
                "limit": status.limit,
                "window": status.window_secs,
                "remaining": status.remaining,
                "reset": status.reset_secs,
            },
        }
    })
}

/// `ratelimit-limit: 50;w=10`, `ratelimit-remaining`, `ratelimit-reset`.
pub(crate) fn set_rate_limit_headers(reply: &mut Reply, status: &WindowStatus) {
    let headers = reply.headers_mut();
    headers.insert(
        HeaderName::from_static("ratelimit-limit"),
        header_value(&format!("{};w={}", status.limit, status.window_secs)),
    );
    headers.insert(
        HeaderName::from_static("ratelimit-remaining"),
        HeaderValue::from(status.remaining),
    );
    headers.insert(
        HeaderName::from_static("ratelimit-reset"),
        HeaderValue::from(status.reset_secs),
    );
}

pub(crate) fn set_retry_after(reply: &mut Reply, value: HeaderValue) {
    reply.headers_mut().insert(RETRY_AFTER, value);
}

/// Header text the sandbox produced itself (or a test supplied): anything
/// that is not a valid header value is replaced rather than failing.
pub(crate) fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}
