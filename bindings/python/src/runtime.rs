//! One tokio runtime for the whole process, rebuilt in a forked child.
//!
//! Tokio cannot run after `fork()`: only the forking thread survives, so the
//! parent's worker threads are gone in the child. The runtime is therefore
//! keyed by process id; a child builds its own on first use and leaks the
//! parent's (dropping it would try to join threads that do not exist).

use std::future::Future;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::time::Duration;

use pyo3::prelude::*;
use tokio::runtime::Runtime;

struct Owned {
    pid: u32,
    runtime: Runtime,
}

static CURRENT: AtomicPtr<Owned> = AtomicPtr::new(ptr::null_mut());

/// The runtime of this process, built on first use (and again after a fork).
pub fn runtime() -> &'static Runtime {
    let pid = std::process::id();
    loop {
        let current = CURRENT.load(Ordering::Acquire);
        // SAFETY: a published `Owned` is never freed (see the module comment).
        if let Some(owned) = unsafe { current.as_ref() }
            && owned.pid == pid
        {
            return &owned.runtime;
        }
        let runtime = truto_ticketing::runtime::builder("truto-ticketing")
            .build()
            .expect("start the tokio runtime");
        let fresh = Box::into_raw(Box::new(Owned { pid, runtime }));
        match CURRENT.compare_exchange(current, fresh, Ordering::AcqRel, Ordering::Acquire) {
            // The parent's runtime, if any, is leaked on purpose.
            // SAFETY: `fresh` is published and never freed from now on.
            Ok(_) => return unsafe { &(*fresh).runtime },
            Err(_) => {
                // Another thread published first; ours was never shared.
                // SAFETY: `fresh` came from `Box::into_raw` above and was not published.
                let lost = unsafe { Box::from_raw(fresh) };
                lost.runtime.shutdown_background();
            }
        }
    }
}

/// How often a waiting sync call checks for Python signals (Ctrl-C).
const SIGNAL_CHECK_PERIOD: Duration = Duration::from_millis(100);

/// Runs `future` to completion with the GIL released, polling for Python
/// signals so that Ctrl-C interrupts a waiting call (and drops its request).
pub fn block_on<F>(py: Python<'_>, future: F) -> PyResult<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    py.detach(|| {
        let runtime = runtime();
        // The call runs on the runtime's own thread, as an async call does. Run here, its
        // answer could hand this thread back before hyper's connection task had returned
        // the connection to the pool, and the thread's next call opened another one.
        let task = runtime.spawn(future);
        let abort = task.abort_handle();
        let _abort_on_return = AbortOnDrop(abort);
        runtime.block_on(async {
            let mut future = std::pin::pin!(task);
            // The first check is one period in: an interval's immediate first tick still
            // goes through tokio's 1 ms timer wheel, which added a millisecond to every call.
            let first_check = tokio::time::Instant::now() + SIGNAL_CHECK_PERIOD;
            let mut ticks = tokio::time::interval_at(first_check, SIGNAL_CHECK_PERIOD);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    biased;
                    output = &mut future => return output.map_err(|error| {
                        pyo3::panic::PanicException::new_err(format!("the call ended: {error}"))
                    }),
                    _ = ticks.tick() => Python::attach(|py| py.check_signals())?,
                }
            }
        })
    })
}

/// Aborts a spawned call if its caller stops waiting (Ctrl-C), so its request is dropped.
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
