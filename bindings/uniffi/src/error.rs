//! The core's error as one enum: Kotlin gets a sealed `TrutoException`, Swift an `enum
//! TrutoError: Error`. One case per error kind, carrying the details that kind can have.
//!
//! Truto's message is in `detail`: a field named `message` would clash with the message
//! property Kotlin's generated exception classes define.

use std::fmt;

use truto_ticketing::{self as sdk, ErrorKind};

use crate::interval::Interval;
use crate::json::JsonObject;
use crate::models::signed;

/// A failed call. Secrets (the token, a password) never appear in it: the core scrubs them
/// from server text before it gets here.
#[derive(Debug, Clone, PartialEq, uniffi::Error)]
pub enum TrutoError {
    /// The call was refused before anything was sent; `field` names the culprit.
    InvalidInput {
        detail: String,
        field: Option<String>,
    },
    /// 400 (and any other 4xx without a kind of its own), e.g. missing required fields.
    BadRequest {
        detail: String,
        status: Option<i32>,
        request_id: Option<String>,
        missing_required_fields: Vec<String>,
        insight: Option<JsonObject>,
        is_remote_error: bool,
        body: Option<String>,
        retry_after: Option<Interval>,
        attempts: i32,
        idempotency_key: Option<String>,
        retryable: bool,
    },
    /// 401: a bad token, or the provider rejected the connection.
    Authentication {
        detail: String,
        status: Option<i32>,
        request_id: Option<String>,
        missing_required_fields: Vec<String>,
        insight: Option<JsonObject>,
        is_remote_error: bool,
        body: Option<String>,
        retry_after: Option<Interval>,
        attempts: i32,
        idempotency_key: Option<String>,
        retryable: bool,
    },
    /// 403: forbidden, e.g. missing scopes.
    PermissionDenied {
        detail: String,
        status: Option<i32>,
        request_id: Option<String>,
        missing_required_fields: Vec<String>,
        insight: Option<JsonObject>,
        is_remote_error: bool,
        body: Option<String>,
        retry_after: Option<Interval>,
        attempts: i32,
        idempotency_key: Option<String>,
        retryable: bool,
    },
    /// 404: unknown integrated account or resource.
    NotFound {
        detail: String,
        status: Option<i32>,
        request_id: Option<String>,
        missing_required_fields: Vec<String>,
        insight: Option<JsonObject>,
        is_remote_error: bool,
        body: Option<String>,
        retry_after: Option<Interval>,
        attempts: i32,
        idempotency_key: Option<String>,
        retryable: bool,
    },
    /// 405: a write on a sandbox (read-only) account.
    MethodNotAllowed {
        detail: String,
        status: Option<i32>,
        request_id: Option<String>,
        missing_required_fields: Vec<String>,
        insight: Option<JsonObject>,
        is_remote_error: bool,
        body: Option<String>,
        retry_after: Option<Interval>,
        attempts: i32,
        idempotency_key: Option<String>,
        retryable: bool,
    },
    /// 409: a uniqueness conflict, or an idempotency key reused with another body.
    Conflict {
        detail: String,
        status: Option<i32>,
        request_id: Option<String>,
        missing_required_fields: Vec<String>,
        insight: Option<JsonObject>,
        is_remote_error: bool,
        body: Option<String>,
        retry_after: Option<Interval>,
        attempts: i32,
        idempotency_key: Option<String>,
        retryable: bool,
    },
    /// 422: the provider's validation failed.
    Unprocessable {
        detail: String,
        status: Option<i32>,
        request_id: Option<String>,
        missing_required_fields: Vec<String>,
        insight: Option<JsonObject>,
        is_remote_error: bool,
        body: Option<String>,
        retry_after: Option<Interval>,
        attempts: i32,
        idempotency_key: Option<String>,
        retryable: bool,
    },
    /// 429: rate limited; `retry_after` says when to come back.
    RateLimited {
        detail: String,
        status: Option<i32>,
        request_id: Option<String>,
        missing_required_fields: Vec<String>,
        insight: Option<JsonObject>,
        is_remote_error: bool,
        body: Option<String>,
        retry_after: Option<Interval>,
        attempts: i32,
        idempotency_key: Option<String>,
        retryable: bool,
    },
    /// 5xx: Truto or the provider failed (503: the integrated account is blocked).
    Server {
        detail: String,
        status: Option<i32>,
        request_id: Option<String>,
        missing_required_fields: Vec<String>,
        insight: Option<JsonObject>,
        is_remote_error: bool,
        body: Option<String>,
        retry_after: Option<Interval>,
        attempts: i32,
        idempotency_key: Option<String>,
        retryable: bool,
    },
    /// An attempt took longer than its timeout (or the server answered 408).
    Timeout {
        detail: String,
        status: Option<i32>,
        request_id: Option<String>,
        attempts: i32,
        idempotency_key: Option<String>,
        retryable: bool,
    },
    /// The connection failed or was dropped before a complete answer arrived.
    Connection {
        detail: String,
        attempts: i32,
        idempotency_key: Option<String>,
        retryable: bool,
    },
    /// A response the SDK could not read: not JSON, wrong types, truncated, too large.
    Decode {
        detail: String,
        status: Option<i32>,
        request_id: Option<String>,
        body: Option<String>,
        attempts: i32,
        idempotency_key: Option<String>,
    },
    /// A kind added to the core after these bindings were generated; `kind` names it.
    Other {
        kind: String,
        detail: String,
        status: Option<i32>,
        attempts: i32,
    },
}

/// The details every API-error case carries, read from the core error.
macro_rules! api_error {
    ($variant:ident, $error:expr) => {{
        let error = $error;
        TrutoError::$variant {
            detail: error.message().to_owned(),
            status: error.status().map(i32::from),
            request_id: error.request_id().map(str::to_owned),
            missing_required_fields: error
                .missing_required_fields()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            insight: error
                .insight()
                .map(|insight| JsonObject::from(insight.raw.clone())),
            is_remote_error: error.is_remote_error(),
            body: error.body().map(str::to_owned),
            retry_after: error.retry_after().map(Interval::from),
            attempts: signed(error.attempts()),
            idempotency_key: error.idempotency_key().map(str::to_owned),
            retryable: error.is_retryable(),
        }
    }};
}

impl From<sdk::Error> for TrutoError {
    fn from(error: sdk::Error) -> TrutoError {
        let detail = || error.message().to_owned();
        let request_id = || error.request_id().map(str::to_owned);
        let idempotency_key = || error.idempotency_key().map(str::to_owned);
        match error.kind() {
            ErrorKind::InvalidInput => TrutoError::InvalidInput {
                detail: detail(),
                field: error.field().map(str::to_owned),
            },
            ErrorKind::BadRequest => api_error!(BadRequest, &error),
            ErrorKind::Authentication => api_error!(Authentication, &error),
            ErrorKind::PermissionDenied => api_error!(PermissionDenied, &error),
            ErrorKind::NotFound => api_error!(NotFound, &error),
            ErrorKind::MethodNotAllowed => api_error!(MethodNotAllowed, &error),
            ErrorKind::Conflict => api_error!(Conflict, &error),
            ErrorKind::Unprocessable => api_error!(Unprocessable, &error),
            ErrorKind::RateLimited => api_error!(RateLimited, &error),
            ErrorKind::Server => api_error!(Server, &error),
            ErrorKind::Timeout => TrutoError::Timeout {
                detail: detail(),
                status: error.status().map(i32::from),
                request_id: request_id(),
                attempts: signed(error.attempts()),
                idempotency_key: idempotency_key(),
                retryable: error.is_retryable(),
            },
            ErrorKind::Connection => TrutoError::Connection {
                detail: detail(),
                attempts: signed(error.attempts()),
                idempotency_key: idempotency_key(),
                retryable: error.is_retryable(),
            },
            ErrorKind::Decode => TrutoError::Decode {
                detail: detail(),
                status: error.status().map(i32::from),
                request_id: request_id(),
                body: error.body().map(str::to_owned),
                attempts: signed(error.attempts()),
                idempotency_key: idempotency_key(),
            },
            other => TrutoError::Other {
                kind: other.as_str().to_owned(),
                detail: detail(),
                status: error.status().map(i32::from),
                attempts: signed(error.attempts()),
            },
        }
    }
}

#[uniffi::export]
impl TrutoError {
    /// The error kind's name, the same in every language: `invalid_input`, `bad_request`,
    /// `authentication`, `permission_denied`, `not_found`, `method_not_allowed`, `conflict`,
    /// `unprocessable`, `rate_limited`, `server`, `timeout`, `connection`, `decode`.
    pub fn kind(&self) -> String {
        let kind = match self {
            TrutoError::InvalidInput { .. } => ErrorKind::InvalidInput,
            TrutoError::BadRequest { .. } => ErrorKind::BadRequest,
            TrutoError::Authentication { .. } => ErrorKind::Authentication,
            TrutoError::PermissionDenied { .. } => ErrorKind::PermissionDenied,
            TrutoError::NotFound { .. } => ErrorKind::NotFound,
            TrutoError::MethodNotAllowed { .. } => ErrorKind::MethodNotAllowed,
            TrutoError::Conflict { .. } => ErrorKind::Conflict,
            TrutoError::Unprocessable { .. } => ErrorKind::Unprocessable,
            TrutoError::RateLimited { .. } => ErrorKind::RateLimited,
            TrutoError::Server { .. } => ErrorKind::Server,
            TrutoError::Timeout { .. } => ErrorKind::Timeout,
            TrutoError::Connection { .. } => ErrorKind::Connection,
            TrutoError::Decode { .. } => ErrorKind::Decode,
            TrutoError::Other { kind, .. } => return kind.clone(),
        };
        kind.as_str().to_owned()
    }
}

impl fmt::Display for TrutoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind())
    }
}

impl std::error::Error for TrutoError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_input_keeps_the_field() {
        let error = TrutoError::from(sdk::Error::invalid_input("emails[0].email", "no @"));
        assert_eq!(error.kind(), "invalid_input");
        assert_eq!(
            error,
            TrutoError::InvalidInput {
                detail: "emails[0].email: no @".into(),
                field: Some("emails[0].email".into()),
            }
        );
    }
}
