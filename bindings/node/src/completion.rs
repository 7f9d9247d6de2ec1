//! Handing finished calls back to JavaScript: one wake-up of the event loop and one
//! JavaScript call per batch of finished calls, through one threadsafe function per
//! client.
//!
//! napi-rs's `spawn_future` made a promise and a threadsafe function (a libuv handle,
//! an environment cleanup hook) for every call, and woke the loop once per call
//! (`docs/benchmarks.md` has what replacing it gained). Here a tokio
//! thread only pushes the finished call onto a queue and, when the queue was empty,
//! wakes the loop (with other calls in flight, one turn of the runtime later, so that the
//! answers already arrived join the batch: [`runtime::wake_for_batch`]); the loop
//! then hands every queued answer to `index.js` at once, as one JSON text that
//! `JSON.parse` turns into the users (V8 builds them far faster than N-API calls can),
//! which settles the promises it made itself.

use std::fmt::Write as _;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use futures_util::FutureExt;
use napi::bindgen_prelude::{Buffer, Env, FnArgs, Function, Unknown};
use napi::sys;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use truto_ticketing::{CreateUserResponse, Error, runtime};

/// What `index.js` receives: the batch as JSON text, and the `Buffer`s of `stream` answers
/// it refers to by index.
pub(crate) type DeliveryArgs = FnArgs<(String, Vec<Buffer>)>;

/// `index.js`'s delivery function, as given to the native `Client`'s constructor.
pub(crate) type DeliverFunction<'env> = Function<'env, DeliveryArgs, Unknown<'static>>;

/// Weak: an idle client never keeps the process alive; [`Completions::spawn`] refs it
/// while calls are in flight.
type Wake = ThreadsafeFunction<(), Unknown<'static>, DeliveryArgs, napi::Status, false, true>;

/// How a call ended, as `index.js` settles its promise.
pub(crate) enum Outcome {
    /// The user or JSON value, as JSON text.
    Json(String),
    /// The body of a `stream` call.
    Bytes(Vec<u8>),
    /// A core error, as `Error::to_json` text.
    Error(String),
    /// Cancelled through its `CancelToken`.
    Aborted,
    /// The call failed inside the binding (a panic, or an answer that could not be
    /// written as JSON): the message, for a plain `Error`.
    Internal(String),
}

/// The finished calls of one client, and the wake-up of its event loop.
pub(crate) struct Completions {
    queue: Arc<Queue>,
    wake: Wake,
}

/// What the threadsafe function's callback needs (and so must not own the function).
struct Queue {
    finished: Mutex<Vec<(u32, Outcome)>>,
    /// Calls started and not yet handed to JavaScript. Touched only on the JavaScript
    /// thread (an atomic because tokio threads share the struct).
    in_flight: AtomicUsize,
    /// The threadsafe function's raw handle, to unref it from its own callback.
    wake_handle: AtomicPtr<sys::napi_threadsafe_function__>,
}

impl Completions {
    /// Completions delivered to `deliver(batchJson, buffers)` on the JavaScript thread.
    pub(crate) fn new(deliver: &DeliverFunction<'_>) -> napi::Result<Arc<Completions>> {
        let queue = Arc::new(Queue {
            finished: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            wake_handle: AtomicPtr::new(std::ptr::null_mut()),
        });
        let callback_queue = Arc::clone(&queue);
        let wake: Wake = deliver
            .build_threadsafe_function::<()>()
            .weak::<true>()
            .build_callback(move |context| Ok(callback_queue.take_batch(&context.env)))?;
        queue.wake_handle.store(wake.raw(), Ordering::Release);
        Ok(Arc::new(Completions { queue, wake }))
    }

    /// Runs `call` on the runtime; its outcome reaches JavaScript with the id `call_id`.
    /// Must be called on the JavaScript thread.
    pub(crate) fn spawn<F>(self: &Arc<Self>, env: &Env, call_id: u32, call: F)
    where
        F: Future<Output = Result<CreateUserResponse, Ended>> + Send + 'static,
    {
        if self.queue.in_flight.fetch_add(1, Ordering::Relaxed) == 0 && !self.wake.aborted() {
            // SAFETY: not aborted, so the threadsafe function is alive, and this is the
            // thread of the environment that created it.
            unsafe { keep_loop_alive(env, self.wake.raw(), true) };
        }
        let completions = Arc::clone(self);
        napi::bindgen_prelude::spawn(async move {
            let outcome = match AssertUnwindSafe(call).catch_unwind().await {
                Ok(Ok(response)) => answer(response),
                Ok(Err(Ended::Failed(error))) => Outcome::Error(error.to_json().to_string()),
                Ok(Err(Ended::Aborted)) => Outcome::Aborted,
                Err(panic) => Outcome::Internal(panic_message(&*panic)),
            };
            // A non-empty queue already has a wake-up on its way.
            if completions.push(call_id, outcome) {
                completions.wake_for_batch();
            }
        });
    }

    /// Wakes the loop for the batch this call starts, at once or once the answers
    /// already arrived have joined it (see [`runtime::wake_for_batch`]).
    fn wake_for_batch(self: Arc<Self>) {
        let in_flight = self.queue.in_flight.load(Ordering::Relaxed);
        runtime::wake_for_batch(in_flight, move || self.wake());
    }

    /// Queues a finished call; true when the queue was empty, so a wake-up is due.
    fn push(&self, call_id: u32, outcome: Outcome) -> bool {
        let mut finished = self
            .queue
            .finished
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        finished.push((call_id, outcome));
        finished.len() == 1
    }

    fn wake(&self) {
        // A refused call means the environment is shutting down, and nobody is left to
        // deliver to.
        let _ = self.wake.call((), ThreadsafeFunctionCallMode::NonBlocking);
    }
}

impl Queue {
    /// Takes every finished call as the arguments of `deliver`. Runs as the threadsafe
    /// function's callback, on the JavaScript thread.
    fn take_batch(&self, env: &Env) -> DeliveryArgs {
        let finished =
            std::mem::take(&mut *self.finished.lock().unwrap_or_else(PoisonError::into_inner));
        let delivered = finished.len();
        if delivered > 0 && self.in_flight.fetch_sub(delivered, Ordering::Relaxed) == delivered {
            // SAFETY: the threadsafe function is alive while its callback runs, and the
            // callback runs on the thread of its environment.
            unsafe { keep_loop_alive(env, self.wake_handle.load(Ordering::Acquire), false) };
        }
        encode_batch(finished)
    }
}

/// Refs the wake-up's libuv handle while calls are in flight, so that Node waits for
/// them, and unrefs it when none are, so that an idle client never holds the process
/// open.
///
/// # Safety
/// `wake` must be a live threadsafe function of `env`, and this must run on `env`'s thread.
unsafe fn keep_loop_alive(env: &Env, wake: sys::napi_threadsafe_function, alive: bool) {
    // The statuses are ignored: these only fail for a handle that is being torn down.
    unsafe {
        if alive {
            sys::napi_ref_threadsafe_function(env.raw(), wake);
        } else {
            sys::napi_unref_threadsafe_function(env.raw(), wake);
        }
    }
}

/// How a call that did not answer ended.
pub(crate) enum Ended {
    Failed(Error),
    Aborted,
}

impl From<Error> for Ended {
    fn from(error: Error) -> Ended {
        Ended::Failed(error)
    }
}

/// Serializes the answer on the tokio thread, off the JavaScript thread.
pub(crate) fn answer(response: CreateUserResponse) -> Outcome {
    let text = match response {
        CreateUserResponse::User(user) => serde_json::to_string(&user),
        CreateUserResponse::Json(value) => serde_json::to_string(&value),
        CreateUserResponse::Bytes(bytes) => return Outcome::Bytes(Vec::from(bytes)),
    };
    // Only maps with non-string keys fail to serialize, and neither a user nor a JSON
    // value has any: this is for completeness, not expected.
    text.map_or_else(
        |error| Outcome::Internal(format!("could not serialize the answer: {error}")),
        Outcome::Json,
    )
}

/// The batch as `index.js` reads it: a JSON array of `[callId, kind, payload]`, where
/// kind 0 is an answer (the JSON value), 1 a core error (its JSON), 2 an abort (no
/// payload), 3 a `stream` body (the index of its `Buffer`), 4 an internal failure (the
/// message).
fn encode_batch(finished: Vec<(u32, Outcome)>) -> DeliveryArgs {
    let capacity = finished
        .iter()
        .map(|(_, outcome)| match outcome {
            Outcome::Json(text) | Outcome::Error(text) | Outcome::Internal(text) => text.len(),
            Outcome::Bytes(_) | Outcome::Aborted => 0,
        })
        .sum::<usize>()
        + 24 * finished.len()
        + 2;
    let mut text = String::with_capacity(capacity);
    let mut buffers = Vec::new();
    text.push('[');
    for (index, (call_id, outcome)) in finished.into_iter().enumerate() {
        if index > 0 {
            text.push(',');
        }
        // Writing to a String cannot fail.
        let _ = match outcome {
            Outcome::Json(json) => write!(text, "[{call_id},0,{json}]"),
            Outcome::Error(json) => write!(text, "[{call_id},1,{json}]"),
            Outcome::Aborted => write!(text, "[{call_id},2]"),
            Outcome::Bytes(bytes) => {
                buffers.push(Buffer::from(bytes));
                write!(text, "[{call_id},3,{}]", buffers.len() - 1)
            }
            Outcome::Internal(message) => {
                write!(text, "[{call_id},4,{}]", serde_json::Value::String(message))
            }
        };
    }
    text.push(']');
    FnArgs::from((text, buffers))
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let detail = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message");
    format!("truto-ticketing: a Rust panic: {detail}")
}
