//! The users resource: create, list, get, update and delete.
//!
//! | call | request | answer |
//! |---|---|---|
//! | [`Client::create_user`](crate::Client::create_user) | `POST /unified/ticketing/users` | the user |
//! | [`Client::list_users`](crate::Client::list_users) | `GET /unified/ticketing/users`, page after page through `next_cursor` | users |
//! | [`Client::get_user`](crate::Client::get_user) | `GET /unified/ticketing/users/{id}` | the user |
//! | [`Client::update_user`](crate::Client::update_user) | `PATCH /unified/ticketing/users/{id}` | the updated user |
//! | [`Client::delete_user`](crate::Client::delete_user) | `DELETE /unified/ticketing/users/{id}` | the id |
//!
//! Every call goes through the same attempt loop (`transport.rs`): paced by the client's
//! rate-limit windows, retried on 408, 429, 500, 502, 504, timeouts and dropped
//! connections. Create and update send an `Idempotency-Key`, reused by every retry; get,
//! list and delete are safe to repeat as they are.

mod by_id;
mod create;
mod list;

use std::time::Duration;

use percent_encoding::utf8_percent_encode;
use serde_json::{Map, Value};

use crate::client::ClientInner;
use crate::error::{Error, Result};
use crate::models::{CollectionRef, check_text};
use crate::query::{COMPONENT, QueryString};

pub use by_id::{DeleteUser, GetUser, UpdateUser};
pub use create::{CreateUser, CreateUserOptions, CreateUserResponse, ResponseFormat};
pub use list::{ListUsers, ListUsersOptions, SortOrder, TimeBounds, UserPage, UserPages};

pub(crate) const USERS_PATH: &str = "/unified/ticketing/users";
/// Idempotency keys longer than this are refused (Stripe's limit; Truto documents none).
const MAX_IDEMPOTENCY_KEY_LENGTH: usize = 255;

/// The path of one user: its id is one path segment, whatever characters it holds.
fn user_path(id: &str) -> Result<String> {
    check_text("id", id)?;
    // `.` and `..` are unreserved characters, but as a whole segment they would move the
    // path up a level: spelled out, they stay an id.
    let segment = match id {
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => utf8_percent_encode(id, COMPONENT).to_string(),
    };
    Ok(format!("{USERS_PATH}/{segment}"))
}

/// Options every users call takes: what the answer leaves out, what reaches the provider
/// untouched, and how the call is attempted. Start from `Default`.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct CallOptions {
    /// `truto_ignore_remote_data`: leave `remote_data` out of the answer.
    pub ignore_remote_data: bool,
    /// `truto_exclude_fields`: fields to leave out of the answer.
    pub exclude_fields: Vec<String>,
    /// `remote_query`: passed to the provider untransformed (any nested JSON).
    pub remote_query: Option<Map<String, Value>>,
    /// Per-attempt timeout for this call (default: the client's).
    pub timeout: Option<Duration>,
    /// Retries for this call (default: the client's).
    pub max_retries: Option<u32>,
    /// Extra headers for this call.
    pub headers: Vec<(String, String)>,
}

impl CallOptions {
    /// Appends the response options to the query, checking them first.
    fn push_query(&self, query: &mut QueryString) -> Result<()> {
        if self.ignore_remote_data {
            query.push("truto_ignore_remote_data", "true");
        }
        for (index, field) in self.exclude_fields.iter().enumerate() {
            check_text(format_args!("exclude_fields[{index}]"), field)?;
        }
        if !self.exclude_fields.is_empty() {
            let fields = self
                .exclude_fields
                .iter()
                .cloned()
                .map(Value::String)
                .collect();
            query.push_json("truto_exclude_fields", &Value::Array(fields));
        }
        if let Some(remote_query) = &self.remote_query {
            query.push_json("remote_query", &Value::Object(remote_query.clone()));
        }
        Ok(())
    }

    /// This call's per-attempt timeout, refused when zero.
    fn timeout(&self, client: &ClientInner) -> Result<Duration> {
        let timeout = self.timeout.unwrap_or(client.timeout);
        if timeout.is_zero() {
            return Err(Error::invalid_input("timeout", "must be greater than zero"));
        }
        Ok(timeout)
    }

    fn max_retries(&self, client: &ClientInner) -> u32 {
        self.max_retries.unwrap_or(client.max_retries)
    }
}

/// `collections`, checked and encoded indexed (`collections[0][id]=...`).
fn push_collections(query: &mut QueryString, collections: &[CollectionRef]) -> Result<()> {
    for (index, collection) in collections.iter().enumerate() {
        check_text(format_args!("collections[{index}].id"), &collection.id)?;
    }
    if !collections.is_empty() {
        let value = serde_json::to_value(collections)
            .map_err(|error| Error::invalid_input("collections", error.to_string()))?;
        query.push_json("collections", &value);
    }
    Ok(())
}

/// The query every users call starts with: the account, checked.
fn account_query(account: &str) -> Result<QueryString> {
    check_text("integrated_account_id", account)?;
    let mut query = QueryString::new();
    query.push("integrated_account_id", account);
    Ok(query)
}

/// The caller's `Idempotency-Key`, checked, or a fresh UUID v4.
fn idempotency_key(given: Option<&str>) -> Result<String> {
    match given {
        Some(key) => {
            let printable = key.bytes().all(|byte| byte.is_ascii_graphic());
            if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_LENGTH || !printable {
                return Err(Error::invalid_input(
                    "idempotency_key",
                    format!(
                        "must be 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters \
                         without spaces"
                    ),
                ));
            }
            Ok(key.to_owned())
        }
        None => Ok(uuid::Uuid::new_v4().to_string()),
    }
}

/// The setters of [`CallOptions`] on a request builder whose options are at `$($path).+`.
macro_rules! call_option_setters {
    ($($path:ident).+) => {
        /// Leaves `remote_data` out of the answer.
        pub fn ignore_remote_data(mut self, ignore: bool) -> Self {
            self.$($path).+.ignore_remote_data = ignore;
            self
        }

        /// Leaves a field out of the answer.
        pub fn exclude_field(mut self, field: impl Into<String>) -> Self {
            self.$($path).+.exclude_fields.push(field.into());
            self
        }

        /// Passes a query to the provider untransformed.
        pub fn remote_query(mut self, query: serde_json::Map<String, serde_json::Value>) -> Self {
            self.$($path).+.remote_query = Some(query);
            self
        }

        /// The per-attempt timeout for this call.
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.$($path).+.timeout = Some(timeout);
            self
        }

        /// The number of retries for this call.
        pub fn max_retries(mut self, max_retries: u32) -> Self {
            self.$($path).+.max_retries = Some(max_retries);
            self
        }

        /// Adds a header to this call.
        pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.$($path).+.headers.push((name.into(), value.into()));
            self
        }
    };
}

pub(crate) use call_option_setters;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_id_is_one_path_segment() {
        assert_eq!(
            user_path("u-4.2_x~").unwrap(),
            "/unified/ticketing/users/u-4.2_x~"
        );
        assert_eq!(
            user_path("a/b?c#d e").unwrap(),
            "/unified/ticketing/users/a%2Fb%3Fc%23d%20e"
        );
        assert_eq!(user_path("..").unwrap(), "/unified/ticketing/users/%2E%2E");
        assert_eq!(user_path("").unwrap_err().field(), Some("id"));
        assert_eq!(user_path("..\n").unwrap_err().field(), Some("id"));
    }
}
