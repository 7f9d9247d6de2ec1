//! What a scripted fault makes of an answer: its own answer (a raw body or
//! an error status), or extras on the request's normal one.

use std::time::Duration;

use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{Response, StatusCode};
use serde_json::json;

use crate::body::Body;
use crate::faults::{Fault, RetryAfter};
use crate::rate_limit::WindowStatus;
use crate::reply::{self, ErrorDetails, Reply};
use crate::state::State;

/// The answer a fault makes on its own (a raw body or an error status), if any.
pub(crate) fn faulted_reply(state: &State, fault: &Fault) -> Option<Reply> {
    if let Some(bytes) = fault.raw_body_bytes() {
        let bytes = match bytes {
            Ok(bytes) => bytes,
            Err(message) => return Some(reply::error(StatusCode::INTERNAL_SERVER_ERROR, &message)),
        };
        let status = fault
            .status
            .and_then(|status| StatusCode::from_u16(status).ok())
            .unwrap_or(StatusCode::OK);
        let content_type =
            reply::header_value(fault.content_type.as_deref().unwrap_or("application/json"));
        return Some(reply::with_content_type(
            status,
            content_type,
            Body::full(bytes),
        ));
    }
    let status =
        StatusCode::from_u16(fault.error_status()?).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = fault
        .message
        .clone()
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("Error").to_owned());
    let rate_status = (status == StatusCode::TOO_MANY_REQUESTS).then(|| {
        let limits = state.rate_limiter.limits().unwrap_or_default();
        let window_secs = limits.window.as_secs().max(1);
        WindowStatus {
            limit: limits.per_account,
            window_secs,
            remaining: 0,
            reset_secs: match &fault.retry_after {
                Some(RetryAfter::Seconds(secs)) => *secs,
                _ => window_secs,
            },
        }
    });
    let insight = fault
        .insight
        .clone()
        .or_else(|| rate_status.as_ref().map(reply::rate_limit_insight));
    let remote = fault.remote.then(|| {
        fault
            .raw_response
            .clone()
            .unwrap_or_else(|| json!({"error": {"status": status.as_u16(), "message": message}}))
    });
    let mut reply = reply::error_with(status, &message, ErrorDetails { insight, remote });
    let names_rate_limit_headers = fault
        .headers
        .keys()
        .any(|name| name.to_ascii_lowercase().starts_with("ratelimit-"));
    if let Some(rate_status) = rate_status.filter(|_| !names_rate_limit_headers) {
        reply::set_rate_limit_headers(&mut reply, &rate_status);
    }
    Some(reply)
}

/// A fault's `retry_after`, `headers` and `body_chunk_delay_ms` apply to
/// whatever answer the request ends up with.
pub(crate) fn with_fault_extras(mut reply: Reply, fault: &Fault) -> Reply {
    match &fault.retry_after {
        Some(RetryAfter::Seconds(secs)) => {
            reply::set_retry_after(&mut reply, HeaderValue::from(*secs))
        }
        Some(RetryAfter::Text(text)) => {
            reply::set_retry_after(&mut reply, reply::header_value(text))
        }
        None => {}
    }
    for (name, value) in &fault.headers {
        if let Ok(name) = HeaderName::try_from(name.as_str())
            && (name != CONTENT_TYPE || fault.content_type.is_none())
        {
            reply.headers_mut().insert(name, reply::header_value(value));
        }
    }
    if let Some(ms) = fault.body_chunk_delay_ms.filter(|ms| *ms > 0) {
        let (parts, body) = reply.into_parts();
        reply = Response::from_parts(parts, body.dripped(Duration::from_millis(ms)));
    }
    reply
}
