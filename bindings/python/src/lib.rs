//! `truto_ticketing._native`: the Python face of the `truto-ticketing` core.
//!
//! Thin by design: arguments are converted in (`args`), the core is called
//! (`client`, each method declared once and made a method of both clients by
//! `methods`), results and errors are converted out (`models`, `listing`, `errors`). The
//! Python package (`python/truto_ticketing`) re-exports these classes and
//! defines the exception hierarchy.

mod args;
mod bulk;
mod client;
mod completion;
mod errors;
mod listing;
mod methods;
mod models;
mod runtime;
mod sandbox;

use pyo3::prelude::*;

/// Every Rust allocation of the extension (request and response buffers, the parsed
/// user, hyper's and tokio's bookkeeping) goes through mimalloc: with glibc's malloc,
/// tokio's threads spent a sixth of their time allocating and freeing. Python's own
/// objects still use Python's allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Raises a Rust panic, so the test suite can check that it becomes an exception.
#[pyfunction]
fn _test_panic(message: &str) {
    panic!("{message}");
}

/// Returns an awaitable whose Rust future panics, for the same check in asyncio.
#[pyfunction]
fn _test_panic_async(py: Python<'_>, message: String) -> PyResult<Bound<'_, PyAny>> {
    let running_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let queue = py
        .import("truto_ticketing._async")?
        .call_method1("_completion_queue", (&running_loop,))?;
    let future = running_loop.call_method0("create_future")?;
    completion::spawn(
        queue.cast::<completion::CompletionQueue>()?.get(),
        future.clone().unbind(),
        async move {
            if !message.is_empty() {
                panic!("{message}");
            }
            Box::new(|py: Python<'_>| Ok(py.None())) as completion::Deliver
        },
    );
    Ok(future)
}

#[pymodule(name = "_native")]
fn native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    // `TRUTO_LOG=debug` prints the core's per-attempt events to stderr.
    truto_ticketing::logging::init_from_env();
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // The body's field names, from the core's definition: `types.NewUserFields` and the
    // stubs are checked against it (tests/test_surface.py).
    module.add(
        "NEW_USER_FIELDS",
        truto_ticketing::NewUser::field_names().to_vec(),
    )?;
    module.add_class::<client::PyClient>()?;
    module.add_class::<client::PyNativeAsyncClient>()?;
    module.add_class::<completion::CompletionQueue>()?;
    module.add_class::<completion::PendingCall>()?;
    module.add_class::<methods::PreparedCall>()?;
    module.add_class::<bulk::PyBulkImport>()?;
    module.add_class::<bulk::PyBulkResult>()?;
    module.add_class::<listing::PyUserListing>()?;
    module.add_class::<listing::PyUserPages>()?;
    module.add_class::<listing::PyUserPage>()?;
    module.add_class::<models::PyNewUser>()?;
    module.add_class::<models::PyUser>()?;
    module.add_class::<models::PyEmail>()?;
    module.add_class::<models::PyRole>()?;
    module.add_class::<sandbox::PySandbox>()?;
    module.add_function(wrap_pyfunction!(_test_panic, module)?)?;
    module.add_function(wrap_pyfunction!(_test_panic_async, module)?)?;
    Ok(())
}
