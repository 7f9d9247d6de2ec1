//! Typed, retry-safe client for [Truto](https://truto.one)'s Unified Ticketing API.
//!
//! The users resource of whichever helpdesk or project tool an integrated account connects
//! (Dixa, Freshchat, Gorgias, Hive, Pivotal Tracker, ...): `create_user` (and
//! `create_users` for many), `list_users` (page after page), `get_user`, `update_user`
//! and `delete_user`:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let sandbox = truto_sandbox::Sandbox::start(Default::default()).await?;
//! use truto_ticketing::{Client, Email, ErrorKind, NewUser};
//!
//! let client = Client::builder()
//!     .token(sandbox.token()) // default: TRUTO_API_TOKEN
//!     .base_url(sandbox.url()) // default: https://api.truto.one
//!     .build()?;
//! let ada = NewUser::new()
//!     .name("Ada Lovelace")
//!     .email(Email::primary("ada@example.com"));
//! let user = client.create_user("sandbox-dixa", &ada).await?;
//! println!("created {}", user.id);
//!
//! // Dixa requires emails: Truto says which fields are missing.
//! let nameless = NewUser::new().name("Nobody");
//! let error = client.create_user("sandbox-dixa", &nameless).await.unwrap_err();
//! assert_eq!(error.kind(), ErrorKind::BadRequest);
//! assert_eq!(error.missing_required_fields(), ["emails"]);
//! # Ok(()) }
//! ```
//!
//! Every call sends an `Idempotency-Key` and reuses it on each retry, so a retried
//! create never makes two users. Retries cover 408, 429, 500, 502, 504, timeouts and
//! connection failures, with jittered exponential backoff and `Retry-After` honoured.
//! Bad input fails before anything is sent, as [`ErrorKind::InvalidInput`] naming the
//! field. The token and passwords are never printed.
#![warn(missing_docs)]

pub mod bulk;
mod client;
mod decode;
mod error;
#[cfg(feature = "logging")]
pub mod logging;
mod models;
mod pacing;
pub mod query;
pub mod retry;
pub mod runtime;
mod secret;
mod stream;
mod tls;
mod transport;
mod users;

pub use client::{
    BASE_URL_ENV, Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BYTES, TOKEN_ENV,
    USER_AGENT,
};
pub use error::{Error, ErrorInsight, ErrorKind, Result};
pub use models::{
    CollectionRef, Email, EmailType, MAX_FIELD_LENGTH, NewUser, Role, RoleName, Roles, Timestamp,
    User, UserStatus, struct_fields,
};
pub use retry::RetryPolicy;
pub use secret::SecretString;
pub use stream::ResponseStream;
/// The date-time crate of [`Timestamp::to_offset_date_time`].
pub use time;
pub use tls::Certificate;
pub use users::{
    CallOptions, CreateUser, CreateUserOptions, CreateUserResponse, DeleteUser, GetUser, ListUsers,
    ListUsersOptions, ResponseFormat, SortOrder, TimeBounds, UpdateUser, UserPage, UserPages,
};
