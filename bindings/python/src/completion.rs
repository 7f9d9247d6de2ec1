//! How asyncio waits for a Rust future: the core's [`Completions`] queue, woken through a
//! socket the loop watches, and delivered on the loop's own thread.
//!
//! A tokio thread never takes the GIL: it queues the finished call and, when the queue
//! was empty, writes one byte to a socket pair the loop watches (`loop.add_reader`). The
//! loop then converts and delivers every queued result at once. Loops without
//! `add_reader` (Windows' proactor) are woken with `call_soon_threadsafe` instead, which
//! takes the GIL on the tokio thread, once per batch.

use std::future::Future;
use std::sync::Arc;

use pyo3::intern;
use pyo3::panic::PanicException;
use pyo3::prelude::*;
use tokio::task::AbortHandle;
use truto_ticketing::runtime::Completions;

use crate::runtime::runtime;

/// Turns a finished call's output into its Python result, on the loop's thread.
pub type Deliver = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;

/// The finished calls of one event loop, waiting to be delivered to their futures.
#[pyclass(frozen, module = "truto_ticketing._native")]
pub struct CompletionQueue {
    completions: Completions<Py<PyAny>, Deliver>,
    wake: Arc<Wake>,
}

/// How a tokio thread tells the loop that results are waiting.
enum Wake {
    /// A byte on a socket whose other end the loop watches with `add_reader`.
    #[cfg(unix)]
    Socket {
        loop_end: std::os::unix::net::UnixStream,
        tokio_end: std::os::unix::net::UnixStream,
    },
    /// `loop.call_soon_threadsafe(delivery)`, for loops without `add_reader`.
    CallSoon {
        call_soon: Py<PyAny>,
        delivery: Py<Delivery>,
    },
}

impl Wake {
    fn wake(&self) {
        match self {
            #[cfg(unix)]
            Wake::Socket { tokio_end, .. } => {
                use std::io::Write;
                // A full socket buffer means the loop has plenty of wake-ups to read.
                let _ = (&*tokio_end).write(&[1]);
            }
            Wake::CallSoon {
                call_soon,
                delivery,
            } => Python::attach(|py| {
                if let Err(error) = call_soon.call1(py, (delivery.clone_ref(py),)) {
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
    fn new(py: Python<'_>, call_soon_threadsafe: Option<Py<PyAny>>) -> PyResult<Self> {
        let completions = Completions::new();
        let wake = match call_soon_threadsafe {
            Some(call_soon) => Wake::CallSoon {
                call_soon,
                delivery: Py::new(py, Delivery(completions.clone()))?,
            },
            None => socket_wake()?,
        };
        Ok(CompletionQueue {
            completions,
            wake: Arc::new(wake),
        })
    }

    /// The socket to watch with `loop.add_reader(fileno, queue.deliver)`, or `None`.
    fn fileno(&self) -> Option<i64> {
        match &*self.wake {
            #[cfg(unix)]
            Wake::Socket { loop_end, .. } => {
                use std::os::fd::AsRawFd;
                Some(i64::from(loop_end.as_raw_fd()))
            }
            Wake::CallSoon { .. } => None,
        }
    }

    /// Sets the result (or exception) of every finished call's future, except the
    /// futures cancelled meanwhile. Called by the loop.
    fn deliver(&self, py: Python<'_>) {
        #[cfg(unix)]
        if let Wake::Socket { loop_end, .. } = &*self.wake {
            use std::io::Read;
            let mut bytes = [0u8; 256];
            while matches!((&*loop_end).read(&mut bytes), Ok(read) if read > 0) {}
        }
        deliver(py, &self.completions);
    }
}

fn deliver(py: Python<'_>, completions: &Completions<Py<PyAny>, Deliver>) {
    for finished in completions.take() {
        let future = finished.key.bind(py);
        let result = match finished.output {
            Ok(deliver) => settle(py, future, deliver),
            Err(panic) => settle(
                py,
                future,
                Box::new(|_| Err(PanicException::new_err(panic))),
            ),
        };
        if let Err(error) = result {
            error.write_unraisable(py, Some(future));
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
struct Delivery(Completions<Py<PyAny>, Deliver>);

#[pymethods]
impl Delivery {
    fn __call__(&self, py: Python<'_>) {
        deliver(py, &self.0);
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
    let wake = Arc::clone(&queue.wake);
    let handle = queue
        .completions
        .spawn(runtime().handle(), future, work, move || wake.wake());
    PendingCall(handle)
}
