//! The tokio runtime the language bindings run their calls on.
//!
//! Rust users bring their own runtime; Python, Node and the mobile bindings need one,
//! and they build it here so that it is the same everywhere.
//!
//! One worker thread by default: a call is a few microseconds of work between network
//! waits, and one thread carries tens of thousands of calls per second (far beyond
//! Truto's rate limits). A second worker made things slower, not faster: tokio wakes
//! an idle worker to look for work whenever a task is spawned or woken, so each call
//! paid for extra thread wake-ups, which added 20–40 µs to a call at concurrency 1 on
//! the 2-core machine of `docs/benchmarks.md`, with no throughput gained.
//! `TOKIO_WORKER_THREADS`, tokio's own variable, still sets another count.

use std::num::NonZeroUsize;

/// Worker threads when `TOKIO_WORKER_THREADS` does not say otherwise.
pub const DEFAULT_WORKER_THREADS: usize = 1;

/// A multi-thread runtime builder with I/O and timers enabled, threads named
/// `thread_name`, and [`worker_threads`] workers.
pub fn builder(thread_name: &str) -> tokio::runtime::Builder {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder
        .enable_all()
        .worker_threads(worker_threads())
        .thread_name(thread_name);
    builder
}

/// `TOKIO_WORKER_THREADS` when it is a positive number, else [`DEFAULT_WORKER_THREADS`].
/// (Read here rather than by tokio, which panics on a value it cannot parse.)
pub fn worker_threads() -> usize {
    parse_worker_threads(std::env::var("TOKIO_WORKER_THREADS").ok().as_deref())
}

fn parse_worker_threads(value: Option<&str>) -> usize {
    value
        .and_then(|value| value.trim().parse::<NonZeroUsize>().ok())
        .map_or(DEFAULT_WORKER_THREADS, NonZeroUsize::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_threads_default_to_one_and_follow_a_valid_setting() {
        assert_eq!(parse_worker_threads(None), 1);
        assert_eq!(parse_worker_threads(Some("4")), 4);
        assert_eq!(parse_worker_threads(Some(" 2 ")), 2);
        for refused in ["0", "", "-1", "two", "1.5"] {
            assert_eq!(parse_worker_threads(Some(refused)), 1, "{refused:?}");
        }
    }

    #[test]
    fn the_builder_builds_a_runtime_that_runs_io_and_timers() {
        let runtime = builder("truto-test").build().expect("a runtime");
        runtime.block_on(async {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        });
    }
}
