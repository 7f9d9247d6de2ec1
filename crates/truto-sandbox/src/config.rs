//! How a sandbox is set up.

use std::time::Duration;

/// Settings for [`Sandbox::start`](crate::Sandbox::start) and
/// [`Sandbox::spawn`](crate::Sandbox::spawn).
///
/// Build it with struct-update syntax so new fields keep their defaults:
///
/// ```
/// use truto_sandbox::SandboxConfig;
///
/// let config = SandboxConfig { rate_limits: None, ..SandboxConfig::default() };
/// assert_eq!(config.token, "sandbox-token");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxConfig {
    /// The bearer token that requests to Truto's API must present
    /// (default `"sandbox-token"`).
    pub token: String,
    /// Port on 127.0.0.1 to listen on; `0` (the default) takes any free port.
    pub port: u16,
    /// Truto's own rate limits, or `None` to never answer 429 unless a fault
    /// says so. Defaults to [`RateLimits::truto_defaults`].
    pub rate_limits: Option<RateLimits>,
    /// How many requests [`Sandbox::requests`](crate::Sandbox::requests)
    /// remembers; the oldest are forgotten first (default 10 000).
    pub request_log_capacity: usize,
    /// Serve HTTPS, with a certificate authority made at start
    /// ([`Sandbox::ca_pem`](crate::Sandbox::ca_pem)), instead of plain HTTP.
    pub tls: bool,
    /// Added to every request to the users resource (every method) before
    /// it is answered, as a provider's round trip would be (default none).
    pub latency: Duration,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            token: "sandbox-token".to_owned(),
            port: 0,
            rate_limits: Some(RateLimits::truto_defaults()),
            request_log_capacity: 10_000,
            tls: false,
            latency: Duration::ZERO,
        }
    }
}

/// Fixed-window request limits, counted per integrated account and per API
/// token, as Truto documents them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Requests allowed per integrated account in one window (Truto: 50).
    pub per_account: u32,
    /// Requests allowed per API token in one window (Truto: 500).
    pub per_token: u32,
    /// Length of a window (Truto: 10 seconds).
    pub window: Duration,
}

impl RateLimits {
    /// Truto's published limits: 50 per account and 500 per token every 10 s.
    pub const fn truto_defaults() -> Self {
        Self {
            per_account: 50,
            per_token: 500,
            window: Duration::from_secs(10),
        }
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::truto_defaults()
    }
}
