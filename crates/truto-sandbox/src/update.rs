//! `PATCH /unified/ticketing/users/{id}`: the fields to change, checked as a
//! create's are (but none required), idempotent like a create, answered
//! with the whole updated user.

use http::StatusCode;
use serde_json::{Map, Value};

use crate::idempotency::Claim;
use crate::reply::{self, Outcome};
use crate::unified;
use crate::users::{self, Call};

pub(crate) fn update(call: &Call<'_>, id: &str, claim: &mut Option<Claim<'_>>) -> Outcome {
    let changes = match unified::parse_fields(call.body) {
        Ok(changes) => changes,
        Err(message) => return reply::error(StatusCode::BAD_REQUEST, &message).into(),
    };
    // Unknown fields are ignored, so a body of only those changes nothing.
    if !changes.keys().any(|field| unified::is_body_field(field)) {
        return reply::error(StatusCode::BAD_REQUEST, "No fields to update").into();
    }
    // Before the lookup: a replay answers as the first request did, even if
    // the user has been deleted since.
    if let Some(recorded) = claim.as_ref().and_then(Claim::recorded) {
        return recorded
            .replay_or_conflict(&call.request_line, call.body, &changes)
            .into();
    }
    let updated = call.state.users.replace(call.account_id, id, |stored| {
        let user: Map<String, Value> = serde_json::from_slice(stored).unwrap_or_default();
        unified::updated_user(call.integration, user, &changes)
    });
    let Some(stored) = updated else {
        return users::user_not_found(id);
    };
    let body = call.shape.answer(&stored);
    call.remember(claim, StatusCode::OK, &body);
    call.done(reply::formatted(StatusCode::OK, body, call.shape.format))
}
