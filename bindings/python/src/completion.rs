//! Handing results of Rust futures to an asyncio event loop: one wake-up per batch of
//! results, and never the GIL on tokio's threads.
//!
//! pyo3-async-runtimes, used before, had each finished call take the GIL on a tokio
//! thread and run `loop.call_soon_threadsafe`: a GIL hand-off and a loop wake-up per
//! call, tokio threads stalled while the loop held the GIL, and a process that could
//! abort at exit when a tokio thread was still inside Python as the interpreter
//! finalized. Here a tokio thread only pushes the finished call onto a queue and, when
//! the queue was empty, writes one byte to a socket the loop watches (`add_reader`);
//! with other calls in flight, one turn of the runtime later, so that the answers
//! already arrived join the batch ([`truto_ticketing::runtime::wake_for_batch`]). The
//! loop then converts and delivers every queued result at once, on its own thread.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use futures_util::FutureExt;
use pyo3::intern;
use pyo3::panic::PanicException;
use pyo3::prelude::*;
use tokio::task::AbortHandle;

use crate::runtime::runtime;

/// Turns a finished call's output into its Python result, on the loop's thread.
pub type Deliver = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;

/// The finished calls of one event loop, waiting to be delivered to their futures.
#[pyclass(frozen, module = "truto_ticketing._native")]
pub struct CompletionQueue {
    shared: Arc<Shared>,
}

struct Shared {
    finished: Mutex<Vec<(Py<PyAny>, Deliver)>>,
    wake: Wake,
    /// Calls whose task has not ended yet (see [`Running`]).
    in_flight: AtomicUsize,
}

/// How a tokio thread tells the loop that results are waiting.
enum Wake {
    /// A byte on a socket whose other end the loop watches with `add_reader`.
    #[cfg(unix)]
    Socket {
        loop_end: std::os::unix::net::UnixStream,
        tokio_end: std::os::unix::net::UnixStream,
    },
    /// `loop.call_soon_threadsafe(delivery)`, for loops without `add_reader` (Windows'
    /// proactor): this takes the GIL on the tokio thread, once per batch.
    CallSoon(Py<PyAny>),
}

impl Shared {
    /// Queues a finished call; true when the queue was empty, so a wake-up is due.
    fn push(&self, future: Py<PyAny>, deliver: Deliver) -> bool {
        let mut finished = self.finished.lock().unwrap_or_else(PoisonError::into_inner);
        finished.push((future, deliver));
        finished.len() == 1
    }

    /// Wakes the loop for the batch this call starts, at once or once the answers
    /// already arrived have joined it (see [`truto_ticketing::runtime::wake_for_batch`]).
    /// Cancelling a call (`PendingCall.cancel`) aborts its task; the deferred wake-up is a
    /// task of its own, so the calls queued behind it still reach the loop.
    fn wake_for_batch(self: Arc<Self>) {
        let in_flight = self.in_flight.load(Ordering::Relaxed);
        truto_ticketing::runtime::wake_for_batch(in_flight, move || self.wake());
    }

    fn wake(self: &Arc<Self>) {
        match &self.wake {
            #[cfg(unix)]
            Wake::Socket { tokio_end, .. } => {
                use std::io::Write;
                // A full socket buffer means the loop has plenty of wake-ups to read.
                let _ = (&*tokio_end).write(&[1]);
            }
            Wake::CallSoon(call_soon) => Python::attach(|py| {
                let delivery = Delivery(Arc::clone(self));
                if let Err(error) = call_soon.call1(py, (delivery,)) {
                    error.write_unraisable(py, None);
                }
            }),
        }
    }
}

#[pymethods]
impl CompletionQueue {
    /// `call_soon_threadsafe`: the loop's method, for loops without `add_reader`; `None`
    /// makes a socket for `loop.add_reader(queue.fileno(), queue.deliver)`.
    #[new]
    #[pyo3(signature = (call_soon_threadsafe = None))]
    fn new(call_soon_threadsafe: Option<Py<PyAny>>) -> PyResult<Self> {
        let wake = match call_soon_threadsafe {
            Some(call_soon) => Wake::CallSoon(call_soon),
            None => socket_wake()?,
        };
        Ok(CompletionQueue {
            shared: Arc::new(Shared {
                finished: Mutex::new(Vec::new()),
                wake,
                in_flight: AtomicUsize::new(0),
            }),
        })
    }

    /// The socket to watch with `loop.add_reader(fileno, queue.deliver)`, or `None`.
    fn fileno(&self) -> Option<i64> {
        match &self.shared.wake {
            #[cfg(unix)]
            Wake::Socket { loop_end, .. } => {
                use std::os::fd::AsRawFd;
                Some(i64::from(loop_end.as_raw_fd()))
            }
            Wake::CallSoon(_) => None,
        }
    }

    /// Sets the result (or exception) of every finished call's future, except the
    /// futures cancelled meanwhile. Called by the loop.
    fn deliver(&self, py: Python<'_>) {
        self.shared.deliver(py);
    }
}

impl Shared {
    fn deliver(&self, py: Python<'_>) {
        #[cfg(unix)]
        if let Wake::Socket { loop_end, .. } = &self.wake {
            use std::io::Read;
            let mut bytes = [0u8; 256];
            while matches!((&*loop_end).read(&mut bytes), Ok(read) if read > 0) {}
        }
        let finished =
            std::mem::take(&mut *self.finished.lock().unwrap_or_else(PoisonError::into_inner));
        for (future, deliver) in finished {
            let future = future.bind(py);
            if let Err(error) = settle(py, future, deliver) {
                error.write_unraisable(py, Some(future));
            }
        }
    }
}

/// Gives `future` its result, unless it is already done (cancelled while the call ran).
fn settle(py: Python<'_>, future: &Bound<'_, PyAny>, deliver: Deliver) -> PyResult<()> {
    if future.call_method0(intern!(py, "done"))?.is_truthy()? {
        return Ok(());
    }
    match deliver(py) {
        Ok(result) => future.call_method1(intern!(py, "set_result"), (result,))?,
        Err(error) => future.call_method1(intern!(py, "set_exception"), (error.into_value(py),))?,
    };
    Ok(())
}

/// What `call_soon_threadsafe` runs when the queue wakes the loop that way.
#[pyclass(frozen, module = "truto_ticketing._native")]
struct Delivery(Arc<Shared>);

#[pymethods]
impl Delivery {
    fn __call__(&self, py: Python<'_>) {
        self.0.deliver(py);
    }
}

#[cfg(unix)]
fn socket_wake() -> PyResult<Wake> {
    let (loop_end, tokio_end) = std::os::unix::net::UnixStream::pair()?;
    loop_end.set_nonblocking(true)?;
    tokio_end.set_nonblocking(true)?;
    Ok(Wake::Socket {
        loop_end,
        tokio_end,
    })
}

#[cfg(not(unix))]
fn socket_wake() -> PyResult<Wake> {
    Err(pyo3::exceptions::PyNotImplementedError::new_err(
        "no socket wake-up on this platform: pass call_soon_threadsafe",
    ))
}

/// A call running on the runtime; `cancel()` drops its future, which aborts its request.
#[pyclass(frozen, module = "truto_ticketing._native")]
pub struct PendingCall(AbortHandle);

#[pymethods]
impl PendingCall {
    /// Stops the call (its future is dropped at its next await point).
    fn cancel(&self) {
        self.0.abort();
    }
}

/// Runs `work` on the runtime; its output is delivered to the asyncio `future` through
/// `queue`. A panic in `work` is delivered as a `PanicException` with its message.
pub fn spawn<F>(queue: &CompletionQueue, future: Py<PyAny>, work: F) -> PendingCall
where
    F: Future<Output = Deliver> + Send + 'static,
{
    let shared = Arc::clone(&queue.shared);
    let running = Running::start(&shared);
    let task = runtime().spawn(async move {
        let _running = running;
        let deliver = match AssertUnwindSafe(work).catch_unwind().await {
            Ok(deliver) => deliver,
            Err(payload) => {
                let message = payload
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| payload.downcast_ref::<&str>().copied())
                    .unwrap_or("a Rust panic")
                    .to_owned();
                Box::new(move |_py: Python<'_>| Err(PanicException::new_err(message))) as Deliver
            }
        };
        // A non-empty queue already has a wake-up on its way.
        if shared.push(future, deliver) {
            shared.wake_for_batch();
        }
    });
    PendingCall(task.abort_handle())
}

/// Counts a call in [`Shared::in_flight`] from its start until its task ends, finished or
/// aborted.
struct Running(Arc<Shared>);

impl Running {
    fn start(shared: &Arc<Shared>) -> Running {
        shared.in_flight.fetch_add(1, Ordering::Relaxed);
        Running(Arc::clone(shared))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}
