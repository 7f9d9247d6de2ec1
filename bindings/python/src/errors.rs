//! Core errors as Python exceptions. The classes live in `truto_ticketing/errors.py`;
//! this file only hands them the core's `Error::to_json()` details.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

static FROM_NATIVE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The Python exception for a core error: the `truto_ticketing.errors` class of its kind.
pub fn to_py_err(py: Python<'_>, error: &truto_ticketing::Error) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let factory = FROM_NATIVE.get_or_try_init(py, || {
            Ok::<_, PyErr>(
                py.import("truto_ticketing.errors")?
                    .getattr("_from_native")?
                    .unbind(),
            )
        })?;
        let details = pythonize::pythonize(py, &error.to_json())?;
        Ok(PyErr::from_value(factory.bind(py).call1((details,))?))
    };
    build().unwrap_or_else(|failure| {
        let fallback = pyo3::exceptions::PyRuntimeError::new_err(error.to_string());
        fallback.set_cause(py, Some(failure));
        fallback
    })
}

/// An `invalid_input` error for an argument Python could not hand to the core as is
/// (a wrong type, a negative timeout): the same class and `field` as the core's own.
pub fn invalid_argument(py: Python<'_>, field: &str, message: impl std::fmt::Display) -> PyErr {
    to_py_err(
        py,
        &truto_ticketing::Error::invalid_input(field, message.to_string()),
    )
}

/// `?`-friendly form of [`to_py_err`].
pub trait IntoPyResult<T> {
    /// Converts a core result, raising the matching Python exception.
    fn into_py_result(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for truto_ticketing::Result<T> {
    fn into_py_result(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|error| to_py_err(py, &error))
    }
}
