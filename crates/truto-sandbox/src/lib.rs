//! A local, Truto-compatible HTTP server for the Unified Ticketing API's
//! "create user" call (`POST /unified/ticketing/users`).
//!
//! Every SDK test talks to it over a real socket on loopback: bearer-token
//! auth, `integrated_account_id`, per-integration required fields answered in
//! Truto's error shape, rate limits, `Idempotency-Key` replay, and scripted
//! faults (error statuses, delays, dropped connections, hostile bodies). It
//! keeps every user it created and every request it received, so a test can
//! check what went over the wire and that a user was created exactly once.
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
mod body;
mod config;
mod create;
mod faults;
mod idempotency;
mod ids;
mod log;
mod providers;
mod query;
mod rate_limit;
mod reply;
mod sandbox;
mod server;
mod state;
mod store;
mod tls;
mod unified;

pub use accounts::{BLOCKED_ACCOUNT, INTEGRATION_ACCOUNTS, READ_ONLY_ACCOUNT};
pub use config::{RateLimits, SandboxConfig};
pub use faults::{BodyPart, DropPoint, Fault, RetryAfter};
pub use log::LoggedRequest;
pub use sandbox::Sandbox;
pub use store::StoredUser;
