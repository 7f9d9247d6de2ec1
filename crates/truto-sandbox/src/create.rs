//! `POST /unified/ticketing/users`, after the shared steps (see `users`):
//! body types, required fields, idempotency, then the create itself.

use bytes::Bytes;
use http::StatusCode;

use crate::accounts::Integration;
use crate::idempotency::Claim;
use crate::reply::{self, Outcome};
use crate::store::{self, Record};
use crate::timestamp;
use crate::unified::{self, Origin};
use crate::users::Call;

pub(crate) fn create(
    call: &Call<'_>,
    integration: Integration,
    claim: &mut Option<Claim<'_>>,
) -> Outcome {
    let fields = match unified::parse_fields(call.body) {
        Ok(fields) => fields,
        Err(message) => return reply::error(StatusCode::BAD_REQUEST, &message).into(),
    };
    let collection_ids = unified::collection_ids(call.params);
    let missing_fields = unified::missing_fields(integration, &fields);
    let missing_collection = integration.requires_collection() && collection_ids.is_empty();
    if let Some(reply) = reply::missing_required(&missing_fields, missing_collection) {
        return reply.into();
    }
    if let Some(recorded) = claim.as_ref().and_then(Claim::recorded) {
        return recorded
            .replay_or_conflict(&call.request_line, call.body, &fields)
            .into();
    }

    let now = timestamp::now_rfc3339();
    let origin = Origin::fresh(&now, collection_ids.first().copied());
    let user = unified::new_user(Some(integration), &fields, &origin);
    let stored = store::serialize(&user);
    let body = if call.shape.is_full_user() {
        stored.clone()
    } else {
        Bytes::from(serde_json::to_vec(&call.shape.render(&user)).unwrap_or_default())
    };
    let record = Record::new(&user, stored, call.idempotency_key, &collection_ids);
    if let Err(taken) = call.state.users.insert(call.account_id, record) {
        // Only a seeded user could hold a minted id, and seeding reserves
        // numeric ones; random ids colliding is not worth more than this.
        let message = format!("The minted id {} is already taken; retry", taken.0);
        return reply::error(StatusCode::INTERNAL_SERVER_ERROR, &message).into();
    }
    call.remember(claim, StatusCode::CREATED, &body);
    call.done(reply::formatted(
        StatusCode::CREATED,
        body,
        call.shape.format,
    ))
}
