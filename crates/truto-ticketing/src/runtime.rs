//! The tokio runtime the language bindings run their calls on, and the queue through
//! which finished calls reach a language's event loop.
//!
//! Rust users bring their own runtime; Python, Node and the mobile bindings need one,
//! and they build it here so that it is the same everywhere. One worker thread by
//! default: a call is a few microseconds of work between network waits, and a second
//! worker only added thread wake-ups. `TOKIO_WORKER_THREADS` sets another count.
//!
//! [`Completions`] is how Python's asyncio and Node's event loop wait for calls: a
//! finished call is queued, the loop is woken once per batch, and the loop converts the
//! whole batch on its own thread. The libraries' own bridges (pyo3-async-runtimes,
//! napi-rs's async functions) wake the loop, and take the GIL or make a threadsafe
//! function, once per call.

use std::future::Future;
use std::num::NonZeroUsize;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use futures_util::FutureExt;
use tokio::runtime::Handle;
use tokio::task::AbortHandle;

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

/// Calls running for one event loop, and those finished and waiting to be delivered.
///
/// `K` says whom to deliver to (a Python future, a Node promise), `O` is what the call
/// gave. Cheap to clone: clones share the queue.
pub struct Completions<K, O> {
    shared: Arc<Shared<K, O>>,
}

struct Shared<K, O> {
    finished: Mutex<Vec<Finished<K, O>>>,
    /// Calls spawned and neither taken from the queue nor aborted.
    pending: AtomicUsize,
}

/// A finished call: whom to deliver to, and its output, or the message of its panic.
pub struct Finished<K, O> {
    /// What [`Completions::spawn`] was given to deliver to.
    pub key: K,
    /// The call's output, or what it panicked with.
    pub output: Result<O, String>,
}

impl<K, O> Clone for Completions<K, O> {
    fn clone(&self) -> Self {
        Completions {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<K, O> Default for Completions<K, O> {
    fn default() -> Self {
        Completions {
            shared: Arc::new(Shared {
                finished: Mutex::new(Vec::new()),
                pending: AtomicUsize::new(0),
            }),
        }
    }
}

impl<K: Send + 'static, O: Send + 'static> Completions<K, O> {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `call` on `runtime`. When it ends (or panics), its output is queued under
    /// `key`, and `wake` runs if the queue was empty: the loop is then due to [`take`]
    /// the batch. Alone in flight, `wake` runs at once; with other calls in flight, one
    /// turn of the runtime later, so that the answers already arrived join the batch
    /// (tokio runs a yielded task after it has polled for I/O). Aborting the returned
    /// handle drops the call, which cancels its request; nothing is then queued.
    ///
    /// [`take`]: Completions::take
    pub fn spawn<F, W>(&self, runtime: &Handle, key: K, call: F, wake: W) -> AbortHandle
    where
        F: Future<Output = O> + Send + 'static,
        W: FnOnce() + Send + 'static,
    {
        self.shared.pending.fetch_add(1, Ordering::Relaxed);
        let unfinished = Unfinished(Some(Arc::clone(&self.shared)));
        runtime
            .spawn(async move {
                let output = AssertUnwindSafe(call)
                    .catch_unwind()
                    .await
                    .map_err(|panic| panic_message(&*panic));
                let shared = unfinished.finish();
                let first = {
                    let mut finished = shared
                        .finished
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner);
                    finished.push(Finished { key, output });
                    finished.len() == 1
                };
                // A non-empty queue already has a wake-up on its way.
                if first {
                    if shared.pending.load(Ordering::Relaxed) <= 1 {
                        wake();
                    } else {
                        // A task of its own, which the next aborted call cannot take down.
                        tokio::spawn(async move {
                            tokio::task::yield_now().await;
                            wake();
                        });
                    }
                }
            })
            .abort_handle()
    }

    /// Every finished call so far, oldest first. Called by the loop when woken.
    pub fn take(&self) -> Vec<Finished<K, O>> {
        let finished = std::mem::take(
            &mut *self
                .shared
                .finished
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        self.shared
            .pending
            .fetch_sub(finished.len(), Ordering::Relaxed);
        finished
    }

    /// Calls spawned and not yet taken (nor aborted): while above zero, the loop has
    /// something to wait for.
    pub fn pending(&self) -> usize {
        self.shared.pending.load(Ordering::Relaxed)
    }
}

/// Held by a running call: dropped unfinished (the call was aborted), it stops counting
/// the call as pending, since nothing will be queued for it.
struct Unfinished<K, O>(Option<Arc<Shared<K, O>>>);

impl<K, O> Unfinished<K, O> {
    fn finish(mut self) -> Arc<Shared<K, O>> {
        self.0.take().expect("finished once")
    }
}

impl<K, O> Drop for Unfinished<K, O> {
    fn drop(&mut self) {
        if let Some(shared) = &self.0 {
            shared.pending.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let detail = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message");
    format!("truto-ticketing: a Rust panic: {detail}")
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

    fn current_thread() -> tokio::runtime::Runtime {
        // One thread, so that spawned tasks run only when the test lets them, in order.
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    }

    #[test]
    fn a_batch_is_woken_once_at_once_alone_and_after_the_ready_calls_otherwise() {
        use std::sync::atomic::AtomicU32;
        let runtime = current_thread();
        let completions = Completions::<u32, u32>::new();
        let wakes = Arc::new(AtomicU32::new(0));
        let wake = || {
            let wakes = Arc::clone(&wakes);
            move || {
                wakes.fetch_add(1, Ordering::SeqCst);
            }
        };
        runtime.block_on(async {
            completions.spawn(&Handle::current(), 1, async { 10 }, wake());
            tokio::task::yield_now().await;
            assert_eq!(wakes.load(Ordering::SeqCst), 1, "alone: woken at once");
            let batch = completions.take();
            assert_eq!(batch.len(), 1);
            assert_eq!(batch[0].output, Ok(10));
            assert_eq!(completions.pending(), 0);

            for key in 2..5 {
                completions.spawn(&Handle::current(), key, async move { key * 10 }, wake());
            }
            while completions.pending() > 0 && wakes.load(Ordering::SeqCst) < 2 {
                tokio::task::yield_now().await;
            }
            let keys: Vec<u32> = completions.take().into_iter().map(|f| f.key).collect();
            assert_eq!(keys, [2, 3, 4], "one batch, in order");
            assert_eq!(wakes.load(Ordering::SeqCst), 2, "one wake-up for the batch");
        });
    }

    #[test]
    fn a_panic_is_delivered_and_an_abort_stops_counting() {
        let runtime = current_thread();
        let completions = Completions::<&str, ()>::new();
        runtime.block_on(async {
            completions.spawn(
                &Handle::current(),
                "panics",
                async { panic!("on purpose") },
                || {},
            );
            let aborted = completions.spawn(
                &Handle::current(),
                "aborted",
                std::future::pending::<()>(),
                || {},
            );
            assert_eq!(completions.pending(), 2);
            aborted.abort();
            for _ in 0..10 {
                tokio::task::yield_now().await;
            }
            let batch = completions.take();
            assert_eq!(batch.len(), 1);
            assert_eq!(batch[0].key, "panics");
            let message = batch[0].output.clone().unwrap_err();
            assert!(message.contains("on purpose"), "{message}");
            assert_eq!(
                completions.pending(),
                0,
                "the aborted call is not waited for"
            );
        });
    }

    #[test]
    fn the_builder_builds_a_runtime_that_runs_io_and_timers() {
        let runtime = builder("truto-test").build().expect("a runtime");
        runtime.block_on(async {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        });
    }
}
