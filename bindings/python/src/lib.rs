//! `truto_ticketing._native`: the Python face of the `truto-ticketing` core.
//!
//! Thin by design: arguments are converted in (`args`), the core is called
//! (`client`), results and errors are converted out (`models`, `errors`). The
//! Python package (`python/truto_ticketing`) re-exports these classes and
//! defines the exception hierarchy.

mod args;
mod client;
mod errors;
mod models;
mod runtime;
mod sandbox;

use pyo3::prelude::*;

/// Raises a Rust panic, so the test suite can check that it becomes an exception.
#[pyfunction]
fn _test_panic(message: &str) {
    panic!("{message}");
}

/// Returns an awaitable whose Rust future panics, for the same check in asyncio.
#[pyfunction]
fn _test_panic_async(py: Python<'_>, message: String) -> PyResult<Bound<'_, PyAny>> {
    runtime::future_into_py(py, async move {
        if !message.is_empty() {
            panic!("{message}");
        }
        Ok(())
    })
}

#[pymodule(name = "_native")]
fn native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    // `TRUTO_LOG=debug` prints the core's per-attempt events to stderr.
    truto_ticketing::logging::init_from_env();
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add_class::<client::PyClient>()?;
    module.add_class::<client::PyNativeAsyncClient>()?;
    module.add_class::<models::PyNewUser>()?;
    module.add_class::<models::PyUser>()?;
    module.add_class::<models::PyEmail>()?;
    module.add_class::<models::PyRole>()?;
    module.add_class::<sandbox::PySandbox>()?;
    module.add_function(wrap_pyfunction!(_test_panic, module)?)?;
    module.add_function(wrap_pyfunction!(_test_panic_async, module)?)?;
    Ok(())
}
