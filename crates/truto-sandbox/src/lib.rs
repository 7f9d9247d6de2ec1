//! A local, Truto-compatible HTTP server for the Unified Ticketing API's
//! users resource: list, get, create, update and delete under
//! `/unified/ticketing/users`.
//!
//! Every SDK test talks to it over a real socket on loopback: bearer-token
//! auth, `integrated_account_id`, per-integration required fields answered in
//! Truto's error shape, rate limits, `Idempotency-Key` replay, and scripted
//! faults (error statuses, delays, dropped connections, hostile bodies). It
//! keeps every user it holds and every request it received, so a test can
//! check what went over the wire and that a user was created exactly once;
//! tests and benchmarks can also seed users directly.
//!
//! It deliberately does not depend on the SDK core: it is a second,
//! independent reading of Truto's wire format.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use truto_sandbox::{Fault, Sandbox, SandboxConfig};
//!
//! let sandbox = Sandbox::start(SandboxConfig::default()).await?;
//! // Point the client under test at `sandbox.url()` with `sandbox.token()`.
//! sandbox.push_faults("sandbox-dixa", vec![Fault::status(500)]);
//! // ... run the client ...
//! assert_eq!(sandbox.stored_users(Some("sandbox-dixa")).len(), 1);
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

mod accounts;
mod admin;
mod base64;
mod body;
mod config;
mod create;
mod cursor;
mod delete;
mod fault_reply;
mod faults;
mod filter;
mod get;
mod idempotency;
mod ids;
mod list;
mod log;
mod providers;
mod query;
mod rate_limit;
mod reply;
mod sandbox;
mod seed;
mod server;
mod sort;
mod state;
mod store;
mod template;
mod timestamp;
mod tls;
mod unified;
mod update;
mod users;

pub use accounts::{BLOCKED_ACCOUNT, INTEGRATION_ACCOUNTS, READ_ONLY_ACCOUNT};
pub use config::{RateLimits, SandboxConfig};
pub use faults::{BodyPart, DropPoint, Fault, RetryAfter};
pub use log::LoggedRequest;
pub use sandbox::Sandbox;
pub use seed::{MAX_GENERATED_USERS, Seed, SeedError};
pub use store::StoredUser;

/// A list page's size when `limit` is not given.
pub const DEFAULT_LIST_LIMIT: usize = list::DEFAULT_LIMIT;
/// The largest page a list answers; a larger `limit` is cut to it.
pub const MAX_LIST_LIMIT: usize = list::MAX_LIMIT;
