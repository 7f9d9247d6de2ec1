//! `GET /unified/ticketing/users/{id}`: the bare user, shaped as asked.

use http::StatusCode;

use crate::reply::{self, Outcome};
use crate::users::{self, Call};

pub(crate) fn get(call: &Call<'_>, id: &str) -> Outcome {
    match call.state.users.get(call.account_id, id) {
        Some(stored) => call.done(reply::formatted(
            StatusCode::OK,
            call.shape.answer(&stored),
            call.shape.format,
        )),
        None => users::user_not_found(id),
    }
}
