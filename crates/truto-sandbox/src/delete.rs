//! `DELETE /unified/ticketing/users/{id}`: answers `{"id": "<id>"}`, in every
//! format (there is no user left to shape).

use http::StatusCode;
use serde_json::json;

use crate::reply::{self, Outcome};
use crate::users::{self, Call};

pub(crate) fn delete(call: &Call<'_>, id: &str) -> Outcome {
    if !call.state.users.remove(call.account_id, id) {
        return users::user_not_found(id);
    }
    call.done(reply::json(StatusCode::OK, json!({ "id": id }).to_string()))
}
