//! The stderr log every language binding installs: `TRUTO_LOG=debug` (or `info`, or
//! `target=level` directives such as `truto_ticketing=trace,hyper=debug`) prints the
//! core's per-attempt events.
//!
//! The filter is `tracing_subscriber`'s `Targets`, not `EnvFilter`: `EnvFilter`'s span and
//! field matching pulls in the regex engine, about 0.6 MB of every binding's library,
//! for a syntax nobody needs to see this SDK's events.

use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The environment variable that turns the log on.
pub const LOG_ENV: &str = "TRUTO_LOG";

/// Installs a stderr subscriber for the SDK's events when `TRUTO_LOG` is set. Does
/// nothing when it is unset or when the process already has a global subscriber.
/// Returns whether a subscriber was installed.
pub fn init_from_env() -> bool {
    let Some(filter) = std::env::var(LOG_ENV).ok().as_deref().and_then(filter) else {
        return false;
    };
    tracing_subscriber::fmt()
        // Everything reaches the filter below; fmt's own default would stop at INFO.
        .with_max_level(tracing::Level::TRACE)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .finish()
        .with(filter)
        .try_init()
        .is_ok()
}

/// The filter a `TRUTO_LOG` value asks for; `None` for a blank or unreadable value.
fn filter(setting: &str) -> Option<Targets> {
    let setting = setting.trim();
    if setting.is_empty() {
        return None;
    }
    // A bare level applies to this SDK only, so the host application's own crates stay quiet.
    if setting.contains('=') || setting.contains(',') {
        setting.parse().ok()
    } else {
        format!("truto_ticketing={setting}").parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use tracing::Level;

    use super::filter;

    #[test]
    fn a_bare_level_shows_this_sdk_only() {
        let debug = filter("debug").expect("a filter");
        assert!(debug.would_enable("truto_ticketing::transport", &Level::DEBUG));
        assert!(!debug.would_enable("truto_ticketing::transport", &Level::TRACE));
        assert!(!debug.would_enable("hyper::proto", &Level::ERROR));
    }

    #[test]
    fn directives_choose_targets_and_levels() {
        let targets = filter("truto_ticketing=trace,hyper=debug").expect("a filter");
        assert!(targets.would_enable("truto_ticketing::transport", &Level::TRACE));
        assert!(targets.would_enable("hyper::proto", &Level::DEBUG));
        assert!(!targets.would_enable("reqwest", &Level::ERROR));
    }

    #[test]
    fn blank_and_unreadable_settings_turn_nothing_on() {
        for setting in ["", "  ", "loud", "truto_ticketing=loud"] {
            assert!(filter(setting).is_none(), "{setting:?}");
        }
    }
}
