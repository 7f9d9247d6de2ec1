//! The native half of the npm package `truto-ticketing`: a thin napi-rs layer over the
//! `truto-ticketing` core. It converts JavaScript arguments into core types, calls the
//! core, and converts results and errors back; every behaviour (validation, retries,
//! idempotency, timeouts, error classification, redaction) is the core's.
//!
//! JavaScript users never load this directly: `index.js` wraps it, defining `TrutoError`
//! (which this addon makes every error with) and turning an `AbortSignal` into a
//! [`CancelToken`].

mod answer;
mod bulk;
mod cancel;
mod client;
mod completion;
mod convert;
mod listing;
mod options;
mod sandbox;

pub use bulk::BulkImport;
pub use cancel::CancelToken;
pub use client::Client;
pub use listing::UserListing;
pub use sandbox::{Sandbox, SandboxOptions};

/// The body's field names, from the core's definition: `index.d.ts`'s `NewUser` is
/// checked against it (tests/surface.test.mjs).
#[napi_derive::napi]
pub fn new_user_fields() -> Vec<String> {
    truto_ticketing::NewUser::field_names()
        .iter()
        .map(|field| (*field).to_owned())
        .collect()
}

/// Every options object's field names, from the structs that read them, keyed by the
/// interface `index.d.ts` declares for it: checked by tests/surface.test.mjs.
#[napi_derive::napi(ts_return_type = "Record<string, string[]>")]
pub fn option_fields() -> serde_json::Map<String, serde_json::Value> {
    options::field_names()
        .into_iter()
        .map(|(interface, fields)| (interface.to_owned(), serde_json::json!(fields)))
        .collect()
}

/// Every Rust allocation of the addon goes through mimalloc: with glibc's malloc, the
/// tokio threads and the JavaScript thread contended on malloc's locks on every call.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `TRUTO_LOG=debug` prints the core's per-attempt events, as in every language; calls
/// run on the core's binding runtime (one worker thread, see `truto_ticketing::runtime`)
/// instead of napi-rs's default of one worker per core.
#[napi_derive::module_init]
fn init() {
    truto_ticketing::logging::init_from_env();
    // A runtime that cannot start leaves napi-rs to build its default one on first use.
    if let Ok(runtime) = truto_ticketing::runtime::builder("truto-ticketing").build() {
        napi::bindgen_prelude::create_custom_tokio_runtime(runtime);
    }
}

/// Test-only export proving that a Rust panic on the JavaScript thread throws instead of
/// ending the Node process (`Client::panic_in_call_for_testing` covers a panic inside a
/// call). Built only with the `test-hooks` feature.
#[cfg(feature = "test-hooks")]
pub mod test_hooks {
    use napi_derive::napi;

    /// Panics on the JavaScript thread: the call must throw.
    #[napi(skip_typescript, catch_unwind)]
    pub fn panic_sync_for_testing() -> napi::Result<()> {
        panic!("a deliberate panic for testing");
    }
}
