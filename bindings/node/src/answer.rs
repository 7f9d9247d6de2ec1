//! What a call answers, as JavaScript values: users, JSON, bytes, an id, a page.
//!
//! A user is Truto's JSON (`JSON.parse` builds it far faster than N-API calls property
//! by property), then `created_at` and `updated_at` become `Date`s: `null` when the
//! text is not RFC 3339 (which the core decides), the text kept as `created_at_raw`
//! and `updated_at_raw`.

use std::time::{SystemTime, UNIX_EPOCH};

use napi::bindgen_prelude::{BufferSlice, JsObjectValue, Null, Object};
use napi::{JsValue, sys};
use serde::Serialize;
use serde_json::Value;
use truto_ticketing::{CreateUserResponse, Timestamp, User, UserPage};

use crate::completion::{Js, serialized};

/// A call's answer, made into a JavaScript value on the JavaScript thread.
pub(crate) enum Answer {
    User(Box<User>),
    Json(Value),
    Bytes(Vec<u8>),
    /// A deleted user's id.
    Id(String),
    /// A listing's next page; `None` after the last.
    Page(Option<UserPage>),
}

impl From<CreateUserResponse> for Answer {
    fn from(response: CreateUserResponse) -> Answer {
        match response {
            CreateUserResponse::User(user) => Answer::User(user),
            CreateUserResponse::Json(value) => Answer::Json(value),
            CreateUserResponse::Bytes(bytes) => Answer::Bytes(Vec::from(bytes)),
        }
    }
}

impl From<User> for Answer {
    fn from(user: User) -> Answer {
        Answer::User(Box::new(user))
    }
}

/// A page as JavaScript sees it: `{ users, cursor, nextCursor }`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PageFields<'a> {
    users: &'a [User],
    cursor: Option<&'a str>,
    next_cursor: Option<&'a str>,
}

impl Answer {
    pub(crate) fn into_js(self, js: &Js<'_>) -> napi::Result<sys::napi_value> {
        match self {
            Answer::User(user) => user_value(js, &user),
            Answer::Json(value) => js.parse(serialized(serde_json::to_string(&value))?),
            Answer::Bytes(bytes) => Ok(BufferSlice::from_data(js.env, bytes)?.raw()),
            Answer::Id(id) => Ok(js.env.create_string(&id)?.raw()),
            Answer::Page(None) => js.null(),
            Answer::Page(Some(page)) => {
                let fields = PageFields {
                    users: &page.users,
                    cursor: page.cursor.as_deref(),
                    next_cursor: page.next_cursor.as_deref(),
                };
                let value = js.parse(serialized(serde_json::to_string(&fields))?)?;
                let object = Object::from_raw(js.env.raw(), value);
                let users: Object = object.get_named_property("users")?;
                for (index, user) in (0..).zip(&page.users) {
                    with_dates(js, users.get_element(index)?, user)?;
                }
                Ok(value)
            }
        }
    }
}

/// The user as a JavaScript object, with its dates.
pub(crate) fn user_value(js: &Js<'_>, user: &User) -> napi::Result<sys::napi_value> {
    let value = js.parse(serialized(serde_json::to_string(user))?)?;
    with_dates(js, Object::from_raw(js.env.raw(), value), user)?;
    Ok(value)
}

/// Sets `created_at` and `updated_at` of `object` (`user` parsed) to `Date`s.
pub(crate) fn with_dates(js: &Js<'_>, mut object: Object<'_>, user: &User) -> napi::Result<()> {
    for (field, raw_field, stamp) in [
        ("created_at", "created_at_raw", &user.created_at),
        ("updated_at", "updated_at_raw", &user.updated_at),
    ] {
        let Some(stamp) = stamp else { continue };
        match stamp.to_system_time() {
            Some(instant) => {
                object.set_named_property(field, js.env.create_date(millis(instant))?)?
            }
            None => object.set_named_property(field, Null)?,
        }
        object.set_named_property(raw_field, Timestamp::as_str(stamp))?;
    }
    Ok(())
}

/// Milliseconds since the epoch, as a `Date` holds an instant.
fn millis(instant: SystemTime) -> f64 {
    match instant.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_secs_f64() * 1000.0,
        Err(before) => -before.duration().as_secs_f64() * 1000.0,
    }
}
