//! How a Node promise waits for a Rust future: the core's [`Completions`] queue, woken
//! through one threadsafe function per client, and settled on the JavaScript thread.
//!
//! Each call's promise is made here (`napi_create_promise`) and settled straight from
//! the threadsafe function's callback, once per batch of finished calls: napi-rs's own
//! async functions make a threadsafe function (a libuv handle) per call and wake the
//! loop once per call. Answers become JavaScript values through `JSON.parse` (V8 builds
//! them far faster than property-by-property N-API calls), errors through the
//! `TrutoError` class `index.js` hands to the client.

use std::future::Future;
use std::sync::atomic::{AtomicPtr, Ordering};

use napi::bindgen_prelude::{
    Env, Function, FunctionRef, JsObjectValue, Null, Object, ToNapiValue, Unknown,
};
use napi::sys;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{JsValue, Status};
use tokio_util::sync::CancellationToken;
use truto_ticketing::Error;
use truto_ticketing::runtime::{Completions, Finished};

use crate::answer::Answer;

/// How a call ended.
pub(crate) type Outcome = Result<Answer, Ended>;

/// `call`'s outcome, or `Aborted` as soon as `cancelled` is (the call's future is then
/// dropped, which closes its connection).
pub(crate) async fn cancellable<F>(call: F, cancelled: Option<CancellationToken>) -> Outcome
where
    F: Future<Output = truto_ticketing::Result<Answer>>,
{
    let answer = match cancelled {
        None => call.await,
        Some(token) => token
            .run_until_cancelled_owned(call)
            .await
            .ok_or(Ended::Aborted)?,
    };
    Ok(answer?)
}

/// What a promise settles with, made into JavaScript values on the JavaScript thread.
pub(crate) trait Settle: Send + 'static {
    /// `Ok`: the value to resolve with; `Err`: the one to reject with.
    fn into_js(self, js: &Js<'_>) -> napi::Result<Result<sys::napi_value, sys::napi_value>>;
}

/// What settling needs of the JavaScript side, fetched once per batch.
pub(crate) struct Js<'env> {
    pub(crate) env: &'env Env,
    parse: Function<'env, String, Unknown<'env>>,
    error_class: ErrorClass<'env>,
}

impl Js<'_> {
    /// `JSON.parse(text)`.
    pub(crate) fn parse(&self, text: String) -> napi::Result<sys::napi_value> {
        Ok(self.parse.call(text)?.raw())
    }

    /// `null`.
    pub(crate) fn null(&self) -> napi::Result<sys::napi_value> {
        // SAFETY: on the environment's thread.
        unsafe { Null::to_napi_value(self.env.raw(), Null) }
    }

    /// `new TrutoError(error.to_json())`.
    pub(crate) fn truto_error(&self, error: &Error) -> napi::Result<sys::napi_value> {
        Ok(truto_error(self.env, &self.error_class, error)?.raw())
    }
}

impl Settle for Outcome {
    fn into_js(self, js: &Js<'_>) -> napi::Result<Result<sys::napi_value, sys::napi_value>> {
        match self {
            Ok(answer) => answer.into_js(js).map(Ok),
            Err(Ended::Failed(error)) => js.truto_error(&error).map(Err),
            Err(Ended::Aborted) => plain_error(js.env, "aborted").map(Err),
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

/// `index.js`'s `TrutoError` class, called as `new TrutoError(detail)` with the core
/// error's JSON (`Error::to_json`).
pub(crate) type ErrorClass<'env> = Function<'env, serde_json::Value, Unknown<'static>>;
pub(crate) type ErrorClassRef = FunctionRef<serde_json::Value, Unknown<'static>>;

/// Weak: an idle client never keeps the process alive; [`Promises::start`] refs it
/// while calls are in flight.
type Wake = ThreadsafeFunction<(), (), (), Status, false, true>;

/// Pending promises settled with `T`s: a client's calls, or an import's results.
pub(crate) struct Promises<T: Settle> {
    completions: Completions<Deferred, T>,
    wake: std::sync::Arc<Wake>,
    runtime: tokio::runtime::Handle,
}

/// A promise's settle handle. Settled exactly once, on the JavaScript thread.
pub(crate) struct Deferred(sys::napi_deferred);

// SAFETY: a `napi_deferred` is an opaque handle; it is only ever used (settled) on the
// JavaScript thread, in the threadsafe function's callback, and only moves across
// threads inside the completion queue.
unsafe impl Send for Deferred {}

impl<T: Settle> Promises<T> {
    /// Promises settled with errors made by `error_class` (`TrutoError`).
    pub(crate) fn new(env: &Env, error_class: &ErrorClass<'_>) -> napi::Result<Promises<T>> {
        let completions: Completions<Deferred, T> = Completions::new();
        let error_class: ErrorClassRef = error_class.create_ref()?;
        let taken = completions.clone();
        // The threadsafe function's raw handle, to unref it from its own callback.
        let handle = std::sync::Arc::new(AtomicPtr::new(std::ptr::null_mut()));
        let callback_handle = std::sync::Arc::clone(&handle);
        // The threadsafe function's own JavaScript call does nothing: its callback
        // settles the batch.
        let wake_target: Function<(), ()> =
            env.create_function_from_closure("trutoTicketingWake", |_| Ok(()))?;
        let wake: Wake = wake_target
            .build_threadsafe_function::<()>()
            .weak::<true>()
            .build_callback(move |context| {
                settle_batch::<T>(&context.env, &error_class, taken.take());
                if taken.pending() == 0 {
                    // SAFETY: the threadsafe function is alive while its callback runs,
                    // and the callback runs on the thread of its environment.
                    let wake = callback_handle.load(Ordering::Acquire);
                    unsafe { keep_loop_alive(context.env.raw(), wake, false) };
                }
                Ok(())
            })?;
        handle.store(wake.raw(), Ordering::Release);
        let runtime =
            napi::bindgen_prelude::within_runtime_if_available(tokio::runtime::Handle::try_current)
                .map_err(|error| napi::Error::from_reason(format!("no async runtime: {error}")))?;
        Ok(Promises {
            completions,
            wake: std::sync::Arc::new(wake),
            runtime,
        })
    }

    /// The runtime the promises' futures run on.
    pub(crate) fn runtime(&self) -> &tokio::runtime::Handle {
        &self.runtime
    }

    /// A new promise, settled with `call`'s outcome. Must run on the JavaScript thread.
    pub(crate) fn start<'env, F>(&self, env: &'env Env, call: F) -> napi::Result<Unknown<'env>>
    where
        F: Future<Output = T> + Send + 'static,
    {
        let (deferred, promise) = new_promise(env)?;
        if self.completions.pending() == 0 && !self.wake.aborted() {
            // SAFETY: not aborted, so the threadsafe function is alive, and this is the
            // thread of the environment that created it.
            unsafe { keep_loop_alive(env.raw(), self.wake.raw(), true) };
        }
        let wake = std::sync::Arc::clone(&self.wake);
        self.completions
            .spawn(&self.runtime, deferred, call, move || {
                // A refused call means the environment is shutting down, and nobody is left
                // to deliver to.
                let _ = wake.call((), ThreadsafeFunctionCallMode::NonBlocking);
            });
        Ok(promise)
    }
}

impl Promises<Outcome> {
    /// A new promise already rejected with `error` (bad input, caught before sending).
    pub(crate) fn rejected<'env>(
        env: &'env Env,
        error_class: &ErrorClass<'_>,
        error: &Error,
    ) -> napi::Result<Unknown<'env>> {
        let (deferred, promise) = new_promise(env)?;
        let rejection = truto_error(env, error_class, error)?;
        // SAFETY: a fresh deferred of this environment, on its thread, settled once.
        unsafe { settle(env.raw(), deferred, Err(rejection.raw())) }?;
        Ok(promise)
    }
}

fn new_promise<'env>(env: &'env Env) -> napi::Result<(Deferred, Unknown<'env>)> {
    let mut deferred = std::ptr::null_mut();
    let mut promise = std::ptr::null_mut();
    // SAFETY: plain N-API calls on the environment's own thread.
    let status = unsafe { sys::napi_create_promise(env.raw(), &mut deferred, &mut promise) };
    if status != sys::Status::napi_ok {
        return Err(napi::Error::new(
            Status::from(status),
            "could not create a promise",
        ));
    }
    // SAFETY: `promise` was just made in this environment.
    Ok((Deferred(deferred), unsafe {
        Unknown::from_raw_unchecked(env.raw(), promise)
    }))
}

/// Resolves or rejects a promise.
///
/// # Safety
/// On `env`'s thread, with a `deferred` of `env` not settled before.
unsafe fn settle(
    env: sys::napi_env,
    deferred: Deferred,
    value: Result<sys::napi_value, sys::napi_value>,
) -> napi::Result<()> {
    let status = match value {
        Ok(value) => unsafe { sys::napi_resolve_deferred(env, deferred.0, value) },
        Err(reason) => unsafe { sys::napi_reject_deferred(env, deferred.0, reason) },
    };
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(napi::Error::new(
            Status::from(status),
            "could not settle a promise",
        ))
    }
}

/// Settles every finished call of a batch, on the JavaScript thread.
fn settle_batch<T: Settle>(
    env: &Env,
    error_class: &ErrorClassRef,
    batch: Vec<Finished<Deferred, T>>,
) {
    let settled = (|| -> napi::Result<()> {
        let json: Object = env.get_global()?.get_named_property("JSON")?;
        let js = Js {
            env,
            parse: json.get_named_property("parse")?,
            error_class: error_class.borrow_back(env)?,
        };
        for Finished { key, output } in batch {
            let value = match output {
                Ok(output) => output.into_js(&js),
                Err(panic) => plain_error(env, &panic).map(Err),
            };
            // A value that could not be made (an out-of-memory V8) rejects instead.
            let value = value.or_else(|error| plain_error(env, &error.reason).map(Err))?;
            // SAFETY: on the environment's thread; each deferred is taken once.
            unsafe { settle(env.raw(), key, value) }?;
        }
        Ok(())
    })();
    if let Err(error) = settled {
        eprintln!("truto-ticketing: could not settle a call's promise: {error}");
    }
}

/// A value serialized for `JSON.parse` (only maps with non-string keys fail, which no
/// answer has).
pub(crate) fn serialized(text: serde_json::Result<String>) -> napi::Result<String> {
    text.map_err(|error| {
        napi::Error::from_reason(format!("could not serialize the answer: {error}"))
    })
}

/// `new TrutoError(detail)`, `detail` being the core error's JSON (`Error::to_json`).
pub(crate) fn truto_error<'env>(
    env: &'env Env,
    error_class: &ErrorClass<'_>,
    error: &Error,
) -> napi::Result<Unknown<'env>> {
    let made = error_class.new_instance(error.to_json())?;
    // SAFETY: made in this environment, which outlives this call.
    Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), made.raw()) })
}

pub(crate) fn plain_error(env: &Env, message: &str) -> napi::Result<sys::napi_value> {
    let error = env.create_error(napi::Error::from_reason(message))?;
    Ok(error.raw())
}

/// Refs the wake-up's libuv handle while calls are in flight, so that Node waits for
/// them, and unrefs it when none are.
///
/// # Safety
/// `wake` must be a live threadsafe function of `env`, and this must run on `env`'s thread.
unsafe fn keep_loop_alive(env: sys::napi_env, wake: sys::napi_threadsafe_function, alive: bool) {
    // The statuses are ignored: these only fail for a handle that is being torn down.
    unsafe {
        if alive {
            sys::napi_ref_threadsafe_function(env, wake);
        } else {
            sys::napi_unref_threadsafe_function(env, wake);
        }
    }
}
