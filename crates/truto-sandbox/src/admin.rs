//! `/_sandbox/*`: the endpoints tests use to script and inspect the sandbox.
//! Not Truto's API: unauthenticated, and only answered to loopback peers.

use std::net::SocketAddr;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use http::request::Parts;
use http::{Method, StatusCode};
use serde::Deserialize;

use crate::faults::Fault;
use crate::query;
use crate::reply::{self, Reply};
use crate::seed::{self, Seed, SeedError};
use crate::state::State;

pub(crate) const PREFIX: &str = "/_sandbox/";

/// `POST /_sandbox/rate_limits`: `{"per_account", "per_token", "window_secs"}`, or
/// `null` for none.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetRateLimits {
    per_account: u32,
    per_token: u32,
    window_secs: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PushFaults {
    integrated_account_id: String,
    faults: Vec<Fault>,
}

pub(crate) fn handle(state: &State, peer: SocketAddr, parts: &Parts, body: &Bytes) -> Reply {
    if !peer.ip().is_loopback() {
        return reply::error(
            StatusCode::FORBIDDEN,
            "The sandbox's admin endpoints only answer loopback clients",
        );
    }
    let endpoint = &parts.uri.path()[PREFIX.len()..];
    let method = &parts.method;
    match (endpoint, method) {
        ("faults", &Method::POST) => push_faults(state, body),
        ("users", &Method::GET) => {
            let params = query::parse(parts.uri.query().unwrap_or_default());
            let account = query::first_str(&params, "integrated_account_id");
            reply::json(StatusCode::OK, state.users.list_json(account))
        }
        ("requests", &Method::GET) => match serde_json::to_vec(&state.log.snapshot()) {
            Ok(json) => reply::json(StatusCode::OK, json),
            Err(error) => reply::error(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string()),
        },
        ("rate_limits", &Method::POST) => set_rate_limits(state, body),
        ("seed", &Method::POST) => seed_users(state, body),
        ("stats", &Method::GET) => reply::json(
            StatusCode::OK,
            serde_json::json!({ "connections_accepted": state.stats.connections() })
                .to_string()
                .into_bytes(),
        ),
        ("reset", &Method::POST) => {
            state.reset();
            reply::no_content()
        }
        ("faults" | "users" | "requests" | "stats" | "rate_limits" | "seed" | "reset", _) => {
            reply::error(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
        }
        _ => reply::error(StatusCode::NOT_FOUND, "Not Found"),
    }
}

fn set_rate_limits(state: &State, body: &Bytes) -> Reply {
    let limits: Option<SetRateLimits> = match serde_json::from_slice(body) {
        Ok(limits) => limits,
        Err(error) => {
            return reply::error(
                StatusCode::BAD_REQUEST,
                &format!(
                    "Expected {{\"per_account\": n, \"per_token\": n, \"window_secs\": s}} or null: {error}"
                ),
            );
        }
    };
    let limits = match limits {
        None => None,
        Some(limits) if limits.window_secs.is_finite() && limits.window_secs > 0.0 => {
            Some(crate::config::RateLimits {
                per_account: limits.per_account,
                per_token: limits.per_token,
                window: std::time::Duration::from_secs_f64(limits.window_secs),
            })
        }
        Some(_) => return reply::error(StatusCode::BAD_REQUEST, "window_secs must be positive"),
    };
    state.rate_limiter.set_limits(limits);
    reply::no_content()
}

fn seed_users(state: &State, body: &Bytes) -> Reply {
    let request: Seed = match serde_json::from_slice(body) {
        Ok(request) => request,
        Err(error) => {
            return reply::error(
                StatusCode::BAD_REQUEST,
                &format!(
                    "Expected {{\"integrated_account_id\": string, \"users\": [user, ...], \"generate\": n, \"template\": user, \"collection\": id}}: {error}"
                ),
            );
        }
    };
    match seed::seed(&state.users, &request) {
        Ok(count) => reply::json(
            StatusCode::OK,
            serde_json::json!({ "seeded": count }).to_string(),
        ),
        Err(error @ SeedError::UnknownAccount(_)) => {
            reply::error(StatusCode::NOT_FOUND, &error.to_string())
        }
        Err(error) => reply::error(StatusCode::BAD_REQUEST, &error.to_string()),
    }
}

fn push_faults(state: &State, body: &Bytes) -> Reply {
    let request: PushFaults = match serde_json::from_slice(body) {
        Ok(request) => request,
        Err(error) => {
            return reply::error(
                StatusCode::BAD_REQUEST,
                &format!(
                    "Expected {{\"integrated_account_id\": string, \"faults\": [fault, ...]}}: {error}"
                ),
            );
        }
    };
    for fault in &request.faults {
        if let Err(message) = check_fault(fault) {
            return reply::error(StatusCode::BAD_REQUEST, &message);
        }
    }
    state
        .faults
        .push(&request.integrated_account_id, request.faults);
    reply::no_content()
}

/// Mistakes in a fault would otherwise only show up as a puzzling answer
/// later, so they are refused when the fault is queued.
fn check_fault(fault: &Fault) -> Result<(), String> {
    if let Some(status) = fault.status {
        StatusCode::from_u16(status)
            .map_err(|_| format!("status {status} is not an HTTP status code"))?;
    }
    for (name, value) in &fault.headers {
        HeaderName::try_from(name.as_str()).map_err(|_| format!("invalid header name {name:?}"))?;
        HeaderValue::try_from(value.as_str())
            .map_err(|_| format!("invalid value for header {name:?}"))?;
    }
    if let Some(Err(message)) = fault.raw_body_bytes() {
        return Err(message);
    }
    if let Some(content_type) = &fault.content_type {
        HeaderValue::try_from(content_type.as_str())
            .map_err(|_| "invalid content_type".to_owned())?;
    }
    Ok(())
}
