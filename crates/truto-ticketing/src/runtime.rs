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

/// Wakes a language's event loop for a batch of finished calls: the binding calls this
/// when a finished call finds its completion queue empty, with the number of its calls
/// still in flight, this one included.
///
/// Alone in flight, `wake` runs at once: there is nothing to wait for, and waiting would
/// only add latency. With other calls in flight, it runs from a task that yields once
/// first: tokio runs a yielded task after it has polled for I/O and run what that made
/// ready, so the answers already arrived join the batch and the loop wakes once for all
/// of them (`docs/benchmarks.md`, change 15: 5–8 % less CPU per call at 64 in flight).
/// That task is a task of its own, so the wake-up does not depend on the caller's task
/// running on (a cancelled call's task is dropped).
///
/// # Panics
///
/// With other calls in flight, when called outside a tokio runtime.
pub fn wake_for_batch(calls_in_flight: usize, wake: impl FnOnce() + Send + 'static) {
    if calls_in_flight <= 1 {
        wake();
        return;
    }
    tokio::spawn(async move {
        tokio::task::yield_now().await;
        wake();
    });
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
    fn a_batch_wake_up_runs_at_once_alone_and_after_the_ready_tasks_otherwise() {
        use std::sync::{Arc, Mutex};

        let order = Arc::new(Mutex::new(Vec::new()));
        let record = |what: &'static str| {
            let order = Arc::clone(&order);
            move || order.lock().unwrap().push(what)
        };
        // One thread, so that spawned tasks run only when the test lets them, in order.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async {
            wake_for_batch(1, record("alone"));
            assert_eq!(*order.lock().unwrap(), ["alone"], "alone: at once");

            // Spawned before the task that is ready, and yet it runs after it.
            wake_for_batch(2, record("batch wake-up"));
            assert_eq!(order.lock().unwrap().len(), 1, "with others: not at once");
            let ready = tokio::spawn({
                let done = record("a task that was ready");
                async move { done() }
            });
            ready.await.expect("the ready task");
            tokio::time::timeout(std::time::Duration::from_secs(5), async {
                while order.lock().unwrap().len() < 3 {
                    tokio::task::yield_now().await;
                }
            })
            .await
            .expect("the batch wake-up runs");
        });
        assert_eq!(
            *order.lock().unwrap(),
            ["alone", "a task that was ready", "batch wake-up"]
        );
    }

    #[test]
    fn the_builder_builds_a_runtime_that_runs_io_and_timers() {
        let runtime = builder("truto-test").build().expect("a runtime");
        runtime.block_on(async {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        });
    }
}
