//! `POST /unified/ticketing/users`, checked in Truto's order: auth, query,
//! scripted faults, rate limits, special accounts, body types, required
//! fields, idempotency, then the create itself.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue};
use http::request::Parts;
use http::{Response, StatusCode};
use serde_json::{Map, Value, json};

use crate::accounts::{self, Account, Integration};
use crate::body::Body;
use crate::faults::{DropPoint, Fault, RetryAfter};
use crate::idempotency::{Claim, Recorded};
use crate::query;
use crate::rate_limit::{Decision, WindowStatus};
use crate::reply::{self, ErrorDetails, Outcome, Reply};
use crate::state::State;
use crate::unified::{self, Format, ResponseShape};

const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// How many pieces a `truto_response_format=stream` answer is sent in.
const STREAM_CHUNKS: usize = 4;

pub(crate) async fn create_user(state: &State, parts: &Parts, body: &Bytes) -> Outcome {
    if !state.latency.is_zero() {
        tokio::time::sleep(state.latency).await;
    }
    if !authorized(parts, &state.token) {
        return reply::error(StatusCode::UNAUTHORIZED, "Invalid API token").into();
    }

    let params = query::parse(parts.uri.query().unwrap_or_default());
    let Some(account_id) =
        query::first_str(&params, "integrated_account_id").filter(|id| !id.is_empty())
    else {
        return missing_account_id();
    };
    let Some(account) = accounts::lookup(account_id) else {
        return reply::error(
            StatusCode::NOT_FOUND,
            &format!("Integrated account {account_id} not found"),
        )
        .into();
    };
    let shape = match ResponseShape::from_query(&params) {
        Ok(shape) => shape,
        Err(message) => return reply::error(StatusCode::BAD_REQUEST, &message).into(),
    };

    // Held until the answer is decided, so that requests sharing a key run
    // one after the other (see `idempotency`).
    let idempotency_key = parts
        .headers
        .get(IDEMPOTENCY_KEY)
        .and_then(|key| key.to_str().ok())
        .filter(|key| !key.is_empty());
    let mut claim = match idempotency_key {
        Some(key) => Some(state.idempotency.claim(account_id, key).await),
        None => None,
    };

    let fault = state.faults.pop(account_id);
    let mut drop_after_store = false;
    if let Some(fault) = &fault {
        if let Some(delay) = fault.delay() {
            tokio::time::sleep(delay).await;
        }
        match fault.drop {
            Some(DropPoint::BeforeStore) => return Outcome::Drop,
            Some(DropPoint::AfterStore) => drop_after_store = true,
            None => {
                if let Some(reply) = faulted_reply(state, fault) {
                    return with_fault_extras(reply, fault).into();
                }
            }
        }
    }

    let request = Request {
        state,
        account_id,
        account,
        params: &params,
        shape: &shape,
        body,
        idempotency_key,
    };
    let outcome = request.handle(&mut claim, drop_after_store);
    match (outcome, &fault) {
        (Outcome::Answer(reply), Some(fault)) => with_fault_extras(reply, fault).into(),
        (outcome, _) => outcome,
    }
}

struct Request<'a> {
    state: &'a State,
    account_id: &'a str,
    account: Account,
    params: &'a Map<String, Value>,
    shape: &'a ResponseShape,
    body: &'a Bytes,
    idempotency_key: Option<&'a str>,
}

impl Request<'_> {
    /// Steps after the faults: every one of them is synchronous.
    fn handle(&self, claim: &mut Option<Claim<'_>>, drop_after_store: bool) -> Outcome {
        let rate_status = match self.check_rate_limits() {
            Ok(status) => status,
            Err(exhausted) => return rate_limited(&exhausted).into(),
        };
        let mut outcome = self.handle_within_limits(claim, drop_after_store);
        if let (Outcome::Answer(reply), Some(status)) = (&mut outcome, rate_status) {
            reply::set_rate_limit_headers(reply, &status);
        }
        outcome
    }

    /// The window to report when counted, or the exhausted one.
    fn check_rate_limits(&self) -> Result<Option<WindowStatus>, WindowStatus> {
        match self
            .state
            .rate_limiter
            .check(self.account_id, Instant::now())
        {
            None => Ok(None),
            Some(Decision::Allowed(status)) => Ok(Some(status)),
            Some(Decision::Limited(status)) => Err(status),
        }
    }

    fn handle_within_limits(
        &self,
        claim: &mut Option<Claim<'_>>,
        drop_after_store: bool,
    ) -> Outcome {
        let integration = match self.account {
            Account::Integration(integration) => integration,
            Account::Blocked => {
                let message = format!(
                    "The integrated account {} is blocked. Reconnect it to resume API calls.",
                    self.account_id
                );
                return reply::error(StatusCode::SERVICE_UNAVAILABLE, &message).into();
            }
            Account::ReadOnly => {
                let message = format!(
                    "Write operations are not allowed on the sandbox integrated account {}",
                    self.account_id
                );
                return reply::error(StatusCode::METHOD_NOT_ALLOWED, &message).into();
            }
        };

        let fields = match parse_body(self.body) {
            Ok(fields) => fields,
            Err(message) => return reply::error(StatusCode::BAD_REQUEST, &message).into(),
        };
        let collection_id = unified::collection_id(self.params);
        if let Some(reply) = missing_required(integration, &fields, collection_id) {
            return reply.into();
        }

        if let Some(recorded) = claim.as_ref().and_then(Claim::recorded) {
            return replay_or_conflict(recorded, self.body, &fields).into();
        }

        let (user, reply) = self.create(integration, &fields, collection_id);
        self.state
            .users
            .insert(self.account_id, self.idempotency_key, user);
        if let Some(claim) = claim.as_mut() {
            claim.record(Recorded {
                request_body: self.body.clone(),
                status: reply.status,
                content_type: reply::APPLICATION_JSON,
                body: reply.body.clone(),
            });
        }
        if drop_after_store {
            return Outcome::Drop;
        }
        reply.into_reply(self.shape.format).into()
    }

    /// The stored user's bytes, and the answer's (often the same bytes).
    fn create(
        &self,
        integration: Integration,
        fields: &Map<String, Value>,
        collection_id: Option<&str>,
    ) -> (Bytes, Created) {
        let user = unified::new_user(integration, fields, collection_id);
        let stored = Bytes::from(serde_json::to_vec(&user).unwrap_or_default());
        let body = if self.shape.is_full_user() {
            stored.clone()
        } else {
            Bytes::from(serde_json::to_vec(&self.shape.render(&user)).unwrap_or_default())
        };
        let created = Created {
            status: StatusCode::CREATED,
            body,
        };
        (stored, created)
    }
}

struct Created {
    status: StatusCode,
    body: Bytes,
}

impl Created {
    fn into_reply(self, format: Format) -> Reply {
        let body = match format {
            Format::Stream => Body::streamed(self.body, STREAM_CHUNKS),
            _ => Body::full(self.body),
        };
        reply::with_content_type(self.status, reply::APPLICATION_JSON, body)
    }
}

fn authorized(parts: &Parts, token: &str) -> bool {
    let Some(value) = parts.headers.get(AUTHORIZATION) else {
        return false;
    };
    let value = value.as_bytes();
    // The scheme is case-insensitive (RFC 9110); the token is not.
    value.len() == 7 + token.len()
        && value[..7].eq_ignore_ascii_case(b"bearer ")
        && &value[7..] == token.as_bytes()
}

fn missing_account_id() -> Outcome {
    let mut insight = Map::new();
    reply::insight_entry(
        &mut insight,
        "missing_required_query_parameters",
        "The following required query parameters are missing.",
        json!(["integrated_account_id"]),
    );
    let details = ErrorDetails {
        insight: Some(Value::Object(insight)),
        remote: None,
    };
    reply::error_with(
        StatusCode::BAD_REQUEST,
        "Missing required query parameters: integrated_account_id",
        details,
    )
    .into()
}

fn rate_limited(exhausted: &WindowStatus) -> Reply {
    let message = format!(
        "Rate limit exceeded: {} requests per {} seconds",
        exhausted.limit, exhausted.window_secs
    );
    let details = ErrorDetails {
        insight: Some(reply::rate_limit_insight(exhausted)),
        remote: None,
    };
    let mut reply = reply::error_with(StatusCode::TOO_MANY_REQUESTS, &message, details);
    reply::set_rate_limit_headers(&mut reply, exhausted);
    reply::set_retry_after(&mut reply, HeaderValue::from(exhausted.reset_secs));
    reply
}

/// The body's fields, or the message of a 400.
fn parse_body(body: &Bytes) -> Result<Map<String, Value>, String> {
    let fields = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(fields)) => fields,
        Ok(_) => return Err("The request body must be a JSON object".to_owned()),
        Err(error) => return Err(format!("The request body is not valid JSON: {error}")),
    };
    let errors = unified::type_errors(&fields);
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(format!("Invalid request body: {}", errors.join("; ")))
    }
}

fn missing_required(
    integration: Integration,
    fields: &Map<String, Value>,
    collection_id: Option<&str>,
) -> Option<Reply> {
    let missing_fields = unified::missing_fields(integration, fields);
    let missing_collection = integration.requires_collection() && collection_id.is_none();
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
        reply::insight_entry(
            &mut insight,
            "missing_required_body_fields",
            "The following fields are required in the request body for this integration.",
            json!(missing_fields),
        );
    }
    if missing_collection {
        messages.push("Missing required query parameters: collections".to_owned());
        reply::insight_entry(
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
    Some(reply::error_with(
        StatusCode::BAD_REQUEST,
        &messages.join(". "),
        details,
    ))
}

fn replay_or_conflict(recorded: &Recorded, body: &Bytes, fields: &Map<String, Value>) -> Reply {
    // Byte equality is the common case (a client retrying its own bytes);
    // otherwise equal JSON in another spelling is still the same request.
    let same_body = recorded.request_body == *body
        || serde_json::from_slice::<Value>(&recorded.request_body)
            .is_ok_and(|previous| previous.as_object() == Some(fields));
    if !same_body {
        return reply::error(
            StatusCode::CONFLICT,
            "This Idempotency-Key was already used with a different request body",
        );
    }
    let mut reply = reply::with_content_type(
        recorded.status,
        recorded.content_type.clone(),
        Body::full(recorded.body.clone()),
    );
    reply
        .headers_mut()
        .insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    reply
}

/// The answer a fault makes on its own (a raw body or an error status), if any.
fn faulted_reply(state: &State, fault: &Fault) -> Option<Reply> {
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
fn with_fault_extras(mut reply: Reply, fault: &Fault) -> Reply {
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
