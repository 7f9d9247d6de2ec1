//! One tokio runtime for the whole process, rebuilt in a forked child.
//!
//! Tokio cannot run after `fork()`: only the forking thread survives, so the
//! parent's worker threads are gone in the child. The runtime is therefore
//! keyed by process id; a child builds its own on first use and leaks the
//! parent's (dropping it would try to join threads that do not exist).

use std::cell::OnceCell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use pyo3::panic::PanicException;
use pyo3::prelude::*;
use pyo3_async_runtimes::{TaskLocals, generic};
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
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("truto-ticketing")
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

/// Runs `future` to completion with the GIL released, polling for Python
/// signals so that Ctrl-C interrupts a waiting call (and drops its request).
pub fn block_on<F>(py: Python<'_>, future: F) -> PyResult<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    py.detach(|| {
        runtime().block_on(async {
            let mut future = std::pin::pin!(future);
            let mut ticks = tokio::time::interval(Duration::from_millis(100));
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks.tick().await;
            loop {
                tokio::select! {
                    biased;
                    output = &mut future => return Ok(output),
                    _ = ticks.tick() => Python::attach(|py| py.check_signals())?,
                }
            }
        })
    })
}

/// Wraps `future` in an `asyncio.Future` run on [`runtime`]. Cancelling the
/// asyncio future drops `future`, which aborts its request. A panic in `future`
/// raises `PanicException` with its message, as it would in a sync call.
pub fn future_into_py<'py, F, T>(py: Python<'py>, future: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    generic::future_into_py::<ForkSafeTokio, _, _>(py, CatchPanic(Box::pin(future)))
}

/// Turns a panic while polling into a `PanicException` carrying the panic's message
/// (pyo3-async-runtimes would report "unknown error").
struct CatchPanic<F>(Pin<Box<F>>);

impl<F, T> Future for CatchPanic<F>
where
    F: Future<Output = PyResult<T>>,
{
    type Output = PyResult<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let future = self.0.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
            Ok(poll) => poll,
            Err(payload) => {
                let message = payload
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| payload.downcast_ref::<&str>().copied())
                    .unwrap_or("a Rust panic");
                Poll::Ready(Err(PanicException::new_err(message.to_owned())))
            }
        }
    }
}

/// [`runtime`] as pyo3-async-runtimes sees it.
struct ForkSafeTokio;

tokio::task_local! {
    static TASK_LOCALS: OnceCell<TaskLocals>;
}

impl generic::Runtime for ForkSafeTokio {
    type JoinError = tokio::task::JoinError;
    type JoinHandle = tokio::task::JoinHandle<()>;

    fn spawn<F>(future: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        runtime().spawn(future)
    }

    fn spawn_blocking<F>(function: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        runtime().spawn_blocking(function)
    }
}

impl generic::ContextExt for ForkSafeTokio {
    fn scope<F, R>(locals: TaskLocals, future: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        let cell = OnceCell::new();
        let _ = cell.set(locals);
        Box::pin(TASK_LOCALS.scope(cell, future))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS
            .try_with(|cell| cell.get().cloned())
            .unwrap_or_default()
    }
}
