//! The stderr log every language binding installs: `TRUTO_LOG=debug` (or `info`, or
//! any `tracing` filter) prints the core's per-attempt events.

/// The environment variable that turns the log on.
pub const LOG_ENV: &str = "TRUTO_LOG";

/// Installs a stderr subscriber for the SDK's events when `TRUTO_LOG` is set. Does
/// nothing when it is unset or when the process already has a global subscriber.
/// Returns whether a subscriber was installed.
pub fn init_from_env() -> bool {
    let Ok(level) = std::env::var(LOG_ENV) else {
        return false;
    };
    let level = level.trim();
    if level.is_empty() {
        return false;
    }
    // A bare level applies to this SDK only, so the host application's own crates stay quiet.
    let filter = if level.contains('=') || level.contains(',') {
        level.to_owned()
    } else {
        format!("truto_ticketing={level}")
    };
    let Ok(filter) = tracing_subscriber::EnvFilter::try_new(filter) else {
        return false;
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init()
        .is_ok()
}
