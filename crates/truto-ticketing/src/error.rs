//! One error type for every failure, classified by [`ErrorKind`].

use std::fmt;
use std::time::Duration;

use serde_json::{Map, Value};

/// The class of a failure. The names are the same in every language the SDK ships
/// (`as_str` gives the wire name used by Python, Node, Kotlin and Swift).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The call was refused before anything was sent: [`Error::field`] names the culprit.
    InvalidInput,
    /// 400, and any other 4xx without a kind of its own.
    BadRequest,
    /// 401: a bad token, or the provider rejected the connection.
    Authentication,
    /// 403: forbidden, e.g. missing scopes.
    PermissionDenied,
    /// 404: unknown integrated account or resource.
    NotFound,
    /// 405: a write on a sandbox (read-only) account.
    MethodNotAllowed,
    /// 409: a uniqueness conflict, or an idempotency key reused with another body.
    Conflict,
    /// 422: the provider's validation failed.
    Unprocessable,
    /// 429: rate limited; [`Error::retry_after`] says when to come back.
    RateLimited,
    /// 5xx: Truto or the provider failed (503: the integrated account is blocked).
    Server,
    /// An attempt took longer than its timeout (or the server answered 408).
    Timeout,
    /// The connection failed or was dropped before a complete answer arrived.
    Connection,
    /// A response the SDK could not read: not JSON, wrong types, truncated, too large.
    Decode,
}

impl ErrorKind {
    /// The kind's name, identical in every language: `invalid_input`, `bad_request`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::Authentication => "authentication",
            ErrorKind::PermissionDenied => "permission_denied",
            ErrorKind::NotFound => "not_found",
            ErrorKind::MethodNotAllowed => "method_not_allowed",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Unprocessable => "unprocessable",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Server => "server",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Connection => "connection",
            ErrorKind::Decode => "decode",
        }
    }

    /// The kind an HTTP error status maps to.
    pub fn from_status(status: u16) -> ErrorKind {
        match status {
            401 => ErrorKind::Authentication,
            403 => ErrorKind::PermissionDenied,
            404 => ErrorKind::NotFound,
            405 => ErrorKind::MethodNotAllowed,
            408 => ErrorKind::Timeout,
            409 => ErrorKind::Conflict,
            422 => ErrorKind::Unprocessable,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            400..=499 => ErrorKind::BadRequest,
            // A 1xx/3xx final answer is not something this API sends: the SDK cannot read it.
            _ => ErrorKind::Decode,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Truto's `truto_error_insight`: machine-readable hints about why a call failed.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ErrorInsight {
    /// `missing_required_body_fields`: body fields this integration requires.
    pub missing_required_body_fields: Vec<String>,
    /// `missing_required_query_parameters`: query parameters this integration requires.
    pub missing_required_query_parameters: Vec<String>,
    /// The whole insight object as Truto sent it (every key, including ones not parsed above).
    pub raw: Map<String, Value>,
}

impl ErrorInsight {
    /// Reads an insight object; each key maps to `{description, value}`.
    pub(crate) fn from_json(raw: Map<String, Value>) -> ErrorInsight {
        let names = |key: &str| -> Vec<String> {
            let value = match raw.get(key) {
                Some(Value::Object(entry)) => entry.get("value"),
                other => other,
            };
            match value {
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(|item| item.as_str().map(str::to_owned))
                    .collect(),
                Some(Value::String(one)) => vec![one.clone()],
                _ => Vec::new(),
            }
        };
        ErrorInsight {
            missing_required_body_fields: names("missing_required_body_fields"),
            missing_required_query_parameters: names("missing_required_query_parameters"),
            raw,
        }
    }
}

/// Everything known about a failed call. Boxed so `Result<T, Error>` stays one pointer wide.
#[derive(Debug, Clone, Default)]
pub(crate) struct ErrorDetails {
    pub(crate) message: String,
    pub(crate) field: Option<String>,
    pub(crate) status: Option<u16>,
    pub(crate) request_id: Option<String>,
    pub(crate) insight: Option<ErrorInsight>,
    pub(crate) is_remote_error: bool,
    pub(crate) body: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) attempts: u32,
    pub(crate) idempotency_key: Option<String>,
}

/// A failed call. Secrets (the token, a password) never appear in it: they are
/// scrubbed from server text before it is stored.
#[derive(Clone)]
pub struct Error {
    kind: ErrorKind,
    details: Box<ErrorDetails>,
}

/// `Result<T, truto_ticketing::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn new(kind: ErrorKind, details: ErrorDetails) -> Error {
        Error {
            kind,
            details: Box::new(details),
        }
    }

    /// An `invalid_input` error about `field` (its wire name, e.g. `emails[0].email`).
    pub fn invalid_input(field: impl Into<String>, message: impl Into<String>) -> Error {
        let field = field.into();
        Error::new(
            ErrorKind::InvalidInput,
            ErrorDetails {
                message: format!("{field}: {}", message.into()),
                field: Some(field),
                ..ErrorDetails::default()
            },
        )
    }

    /// The class of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// A readable message: Truto's own for API errors (may be empty), ours otherwise.
    pub fn message(&self) -> &str {
        &self.details.message
    }

    /// For `invalid_input`: the field or option that was refused.
    pub fn field(&self) -> Option<&str> {
        self.details.field.as_deref()
    }

    /// The HTTP status, when the failure is an answer from the server.
    pub fn status(&self) -> Option<u16> {
        self.details.status
    }

    /// The `x-request-id` of the failing answer, when it carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.details.request_id.as_deref()
    }

    /// Truto's `truto_error_insight`, parsed.
    pub fn insight(&self) -> Option<&ErrorInsight> {
        self.details.insight.as_ref()
    }

    /// Body fields and then query parameters the integration requires but did not get.
    pub fn missing_required_fields(&self) -> Vec<&str> {
        self.details
            .insight
            .iter()
            .flat_map(|insight| {
                insight
                    .missing_required_body_fields
                    .iter()
                    .chain(&insight.missing_required_query_parameters)
            })
            .map(String::as_str)
            .collect()
    }

    /// True when the remote provider (not Truto) caused the failure (`truto_is_remote_error`).
    pub fn is_remote_error(&self) -> bool {
        self.details.is_remote_error
    }

    /// The raw response body (for `decode` errors, a short excerpt of it).
    pub fn body(&self) -> Option<&str> {
        self.details.body.as_deref()
    }

    /// How long the server asked us to wait (`Retry-After` or `ratelimit-reset`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.details.retry_after
    }

    /// How many HTTP attempts were made (0 for `invalid_input`).
    pub fn attempts(&self) -> u32 {
        self.details.attempts
    }

    /// The `Idempotency-Key` every attempt of the call carried. Calling again with this key
    /// is safe: if an attempt did create the user, Truto answers with that same user.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.details.idempotency_key.as_deref()
    }

    /// True when retrying the same call could succeed: see the retry policy in [`crate::retry`].
    pub fn is_retryable(&self) -> bool {
        match self.kind {
            ErrorKind::Timeout | ErrorKind::Connection | ErrorKind::RateLimited => true,
            ErrorKind::Server => self
                .details
                .status
                .is_some_and(crate::retry::is_retryable_status),
            _ => false,
        }
    }

    /// Every detail as one JSON object with the same keys in every language binding:
    /// `kind`, `message`, `field`, `status`, `request_id`, `insight`, `missing_required_fields`,
    /// `is_remote_error`, `body`, `retry_after` (seconds), `attempts`, `idempotency_key`,
    /// and `display` (the `Display` text). Secrets were scrubbed before they got here.
    pub fn to_json(&self) -> Value {
        let d = &self.details;
        serde_json::json!({
            "kind": self.kind.as_str(),
            "message": d.message,
            "field": d.field,
            "status": d.status,
            "request_id": d.request_id,
            "insight": d.insight.as_ref().map(|insight| Value::Object(insight.raw.clone())),
            "missing_required_fields": self.missing_required_fields(),
            "is_remote_error": d.is_remote_error,
            "body": d.body,
            "retry_after": d.retry_after.map(|delay| delay.as_secs_f64()),
            "attempts": d.attempts,
            "idempotency_key": d.idempotency_key,
            "display": self.to_string(),
        })
    }

    pub(crate) fn details_mut(&mut self) -> &mut ErrorDetails {
        &mut self.details
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let details = &self.details;
        write!(f, "{}", self.kind)?;
        if let Some(status) = details.status {
            write!(f, " ({status})")?;
        }
        if !details.message.is_empty() {
            write!(f, ": {}", details.message)?;
        }
        let missing = self.missing_required_fields();
        if !missing.is_empty() {
            write!(f, " [missing required: {}]", missing.join(", "))?;
        }
        if let Some(retry_after) = details.retry_after {
            write!(f, " [retry after {}s]", retry_after.as_secs_f64())?;
        }
        if details.attempts > 1 {
            write!(f, " [after {} attempts]", details.attempts)?;
        }
        if let Some(request_id) = &details.request_id {
            write!(f, " [request id {request_id}]")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.details;
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("message", &d.message)
            .field("field", &d.field)
            .field("status", &d.status)
            .field("request_id", &d.request_id)
            .field("insight", &d.insight)
            .field("is_remote_error", &d.is_remote_error)
            .field("retry_after", &d.retry_after)
            .field("attempts", &d.attempts)
            .field("idempotency_key", &d.idempotency_key)
            .field("body", &d.body)
            .finish()
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_documented_kinds() {
        let table = [
            (400, ErrorKind::BadRequest),
            (401, ErrorKind::Authentication),
            (403, ErrorKind::PermissionDenied),
            (404, ErrorKind::NotFound),
            (405, ErrorKind::MethodNotAllowed),
            (408, ErrorKind::Timeout),
            (409, ErrorKind::Conflict),
            (410, ErrorKind::BadRequest),
            (422, ErrorKind::Unprocessable),
            (429, ErrorKind::RateLimited),
            (500, ErrorKind::Server),
            (503, ErrorKind::Server),
            (302, ErrorKind::Decode),
        ];
        for (status, kind) in table {
            assert_eq!(ErrorKind::from_status(status), kind, "status {status}");
        }
    }

    #[test]
    fn insight_reads_value_lists_and_single_strings() {
        let raw = serde_json::json!({
            "missing_required_body_fields": {"description": "d", "value": ["name", "emails"]},
            "missing_required_query_parameters": {"description": "d", "value": "collections"},
            "forbidden_error": {"description": "d", "value": {"missing_scopes": ["users:write"]}}
        });
        let Value::Object(raw) = raw else {
            unreachable!()
        };
        let insight = ErrorInsight::from_json(raw);
        assert_eq!(insight.missing_required_body_fields, ["name", "emails"]);
        assert_eq!(insight.missing_required_query_parameters, ["collections"]);
        assert!(insight.raw.contains_key("forbidden_error"));
    }

    #[test]
    fn display_names_kind_status_and_missing_fields() {
        let mut error = Error::new(ErrorKind::BadRequest, ErrorDetails::default());
        let details = error.details_mut();
        details.status = Some(400);
        details.message = "Missing required fields".into();
        details.attempts = 1;
        details.insight = Some(ErrorInsight {
            missing_required_body_fields: vec!["name".into()],
            ..ErrorInsight::default()
        });
        assert_eq!(
            error.to_string(),
            "bad_request (400): Missing required fields [missing required: name]"
        );
    }
}
