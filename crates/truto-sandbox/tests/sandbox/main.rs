//! The sandbox driven over real HTTP on loopback, as every SDK test drives it.

mod admin;
mod binary;
mod common;
mod create_user;
mod faults;
mod idempotency;
mod lifecycle;
mod rate_limits;
mod tls_and_stats;
