//! The users resource: which method a request names, then the steps every
//! method shares, in Truto's order (auth, query, scripted faults, rate
//! limits, special accounts, the integration's support for the method),
//! then the method's own (`list`, `get`, `create`, `update`, `delete`).

use std::time::Instant;

use bytes::Bytes;
use http::header::{AUTHORIZATION, HeaderName};
use http::request::Parts;
use http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use crate::accounts::{self, Account, Integration, UsersMethod};
use crate::create;
use crate::delete;
use crate::fault_reply::{faulted_reply, with_fault_extras};
use crate::faults::DropPoint;
use crate::get;
use crate::idempotency::{Claim, Recorded};
use crate::list;
use crate::query;
use crate::rate_limit::{Decision, WindowStatus};
use crate::reply::{self, ErrorDetails, Outcome, Reply};
use crate::state::State;
use crate::unified::ResponseShape;
use crate::update;

pub(crate) const USERS_PATH: &str = "/unified/ticketing/users";

const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

/// What a path and method name.
pub(crate) enum Route {
    /// A users method, with the user id from the path for get, update, delete.
    Users(UsersMethod, Option<String>),
    /// A users path, but not a method it has: 405 with this `Allow`.
    WrongMethod(&'static str),
    /// Not a users path.
    Elsewhere,
}

pub(crate) fn route(method: &Method, path: &str) -> Route {
    let Some(rest) = path.strip_prefix(USERS_PATH) else {
        return Route::Elsewhere;
    };
    if rest.is_empty() {
        return match *method {
            Method::GET => Route::Users(UsersMethod::List, None),
            Method::POST => Route::Users(UsersMethod::Create, None),
            _ => Route::WrongMethod("GET, POST"),
        };
    }
    let Some(id) = rest
        .strip_prefix('/')
        .filter(|id| !id.is_empty() && !id.contains('/'))
        .and_then(percent_decode)
    else {
        return Route::Elsewhere;
    };
    let method = match *method {
        Method::GET => UsersMethod::Get,
        Method::PATCH => UsersMethod::Update,
        Method::DELETE => UsersMethod::Delete,
        _ => return Route::WrongMethod("GET, PATCH, DELETE"),
    };
    Route::Users(method, Some(id))
}

/// A path segment's `%XX` escapes decoded (`+` stays a plus in a path);
/// `None` when the result is not UTF-8.
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// One request to the users resource that passed the shared checks.
pub(crate) struct Call<'a> {
    pub(crate) state: &'a State,
    pub(crate) account_id: &'a str,
    /// `None` for the read-only account, which is no integration.
    pub(crate) integration: Option<Integration>,
    pub(crate) params: &'a Map<String, Value>,
    pub(crate) shape: &'a ResponseShape,
    pub(crate) body: &'a Bytes,
    /// `METHOD /path`, which an idempotency record must match to replay.
    pub(crate) request_line: String,
    pub(crate) idempotency_key: Option<&'a str>,
    /// A `drop: after_store` fault: do the work, then answer nothing.
    drop_after_effect: bool,
}

impl Call<'_> {
    /// Keeps a successful answer for later requests with the same key.
    pub(crate) fn remember(&self, claim: &mut Option<Claim<'_>>, status: StatusCode, body: &Bytes) {
        if let Some(claim) = claim.as_mut() {
            claim.record(Recorded {
                request_line: self.request_line.as_str().into(),
                request_body: self.body.clone(),
                status,
                content_type: reply::APPLICATION_JSON,
                body: body.clone(),
            });
        }
    }

    /// The answer of a request that had its effect (stored, changed,
    /// deleted or read what it asked for), unless a fault drops it now.
    pub(crate) fn done(&self, reply: Reply) -> Outcome {
        if self.drop_after_effect {
            Outcome::Drop
        } else {
            reply.into()
        }
    }
}

pub(crate) async fn handle(
    state: &State,
    parts: &Parts,
    body: &Bytes,
    method: UsersMethod,
    id: Option<String>,
) -> Outcome {
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
        .filter(|key| !key.is_empty() && method.takes_idempotency_key());
    let mut claim = match idempotency_key {
        Some(key) => Some(state.idempotency.claim(account_id, key).await),
        None => None,
    };

    let fault = state.faults.pop(account_id);
    let mut drop_after_effect = false;
    if let Some(fault) = &fault {
        if let Some(delay) = fault.delay() {
            tokio::time::sleep(delay).await;
        }
        match fault.drop {
            Some(DropPoint::BeforeStore) => return Outcome::Drop,
            Some(DropPoint::AfterStore) => drop_after_effect = true,
            None => {
                if let Some(reply) = faulted_reply(state, fault) {
                    return with_fault_extras(reply, fault).into();
                }
            }
        }
    }

    let mut call = Call {
        state,
        account_id,
        integration: None,
        params: &params,
        shape: &shape,
        body,
        request_line: format!("{} {}", parts.method, parts.uri.path()),
        idempotency_key,
        drop_after_effect,
    };
    let outcome = within_limits(&mut call, account, method, id.as_deref(), &mut claim);
    match (outcome, &fault) {
        (Outcome::Answer(reply), Some(fault)) => with_fault_extras(reply, fault).into(),
        (outcome, _) => outcome,
    }
}

/// Steps after the faults: every one of them is synchronous.
fn within_limits(
    call: &mut Call<'_>,
    account: Account,
    method: UsersMethod,
    id: Option<&str>,
    claim: &mut Option<Claim<'_>>,
) -> Outcome {
    let rate_status = match check_rate_limits(call.state, call.account_id) {
        Ok(status) => status,
        Err(exhausted) => return rate_limited(&exhausted).into(),
    };
    let mut outcome = match permitted(call.account_id, account, method) {
        Ok(integration) => {
            call.integration = integration;
            run(call, method, id.unwrap_or_default(), claim)
        }
        Err((status, message)) => reply::error(status, &message).into(),
    };
    if let (Outcome::Answer(reply), Some(status)) = (&mut outcome, rate_status) {
        reply::set_rate_limit_headers(reply, &status);
    }
    outcome
}

/// The integration behind the account (`None` for the read-only one), or
/// the refusal: blocked accounts, writes on the read-only one, and methods
/// the integration does not have.
fn permitted(
    account_id: &str,
    account: Account,
    method: UsersMethod,
) -> Result<Option<Integration>, (StatusCode, String)> {
    match account {
        Account::Blocked => Err((
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "The integrated account {account_id} is blocked. Reconnect it to resume API calls."
            ),
        )),
        Account::ReadOnly if method.writes() => Err((
            StatusCode::METHOD_NOT_ALLOWED,
            format!(
                "Write operations are not allowed on the sandbox integrated account {account_id}"
            ),
        )),
        Account::ReadOnly => Ok(None),
        Account::Integration(integration) if !integration.supports(method) => Err((
            StatusCode::METHOD_NOT_ALLOWED,
            format!(
                "{} does not support {} for ticketing/users",
                integration.display_name(),
                method.name()
            ),
        )),
        Account::Integration(integration) => Ok(Some(integration)),
    }
}

fn run(call: &Call<'_>, method: UsersMethod, id: &str, claim: &mut Option<Claim<'_>>) -> Outcome {
    match (method, call.integration) {
        (UsersMethod::List, _) => list::list(call),
        (UsersMethod::Get, _) => get::get(call, id),
        (UsersMethod::Create, Some(integration)) => create::create(call, integration, claim),
        (UsersMethod::Update, _) => update::update(call, id, claim),
        (UsersMethod::Delete, _) => delete::delete(call, id),
        // `permitted` lets no write reach an account without an integration.
        (UsersMethod::Create, None) => {
            reply::error(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed").into()
        }
    }
}

/// The window to report when counted, or the exhausted one.
fn check_rate_limits(
    state: &State,
    account_id: &str,
) -> Result<Option<WindowStatus>, WindowStatus> {
    match state.rate_limiter.check(account_id, Instant::now()) {
        None => Ok(None),
        Some(Decision::Allowed(status)) => Ok(Some(status)),
        Some(Decision::Limited(status)) => Err(status),
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
    reply::set_retry_after(&mut reply, http::HeaderValue::from(exhausted.reset_secs));
    reply
}

/// `User <id> not found`, Truto's 404 for an id the account does not have.
pub(crate) fn user_not_found(id: &str) -> Outcome {
    reply::error(StatusCode::NOT_FOUND, &format!("User {id} not found")).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routed(method: Method, path: &str) -> String {
        match route(&method, path) {
            Route::Users(method, id) => format!("{} {}", method.name(), id.unwrap_or_default()),
            Route::WrongMethod(allow) => format!("405 {allow}"),
            Route::Elsewhere => "404".to_owned(),
        }
    }

    #[test]
    fn routes_each_method_and_decodes_the_id() {
        assert_eq!(routed(Method::GET, USERS_PATH), "list ");
        assert_eq!(routed(Method::POST, USERS_PATH), "create ");
        assert_eq!(routed(Method::PUT, USERS_PATH), "405 GET, POST");
        let one = format!("{USERS_PATH}/a%20b+c");
        assert_eq!(routed(Method::GET, &one), "get a b+c");
        assert_eq!(routed(Method::PATCH, &one), "update a b+c");
        assert_eq!(routed(Method::DELETE, &one), "delete a b+c");
        assert_eq!(routed(Method::POST, &one), "405 GET, PATCH, DELETE");
        for elsewhere in [
            "/unified/ticketing/usersx",
            "/unified/ticketing/users/",
            "/unified/ticketing/users/a/b",
            "/x",
        ] {
            assert_eq!(routed(Method::GET, elsewhere), "404", "{elsewhere}");
        }
        assert_eq!(percent_decode("%e2%82%AC%"), Some("€%".to_owned()));
        assert_eq!(percent_decode("%ff"), None);
    }
}
