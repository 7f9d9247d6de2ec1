//! The sandbox driven over real HTTP on loopback, as every SDK test drives it.

mod admin;
mod binary;
mod common;
mod create_user;
mod faults;
mod get_update_delete;
mod idempotency;
mod lifecycle;
mod list;
mod methods;
mod rate_limits;
mod seeding;
mod tls_and_stats;
