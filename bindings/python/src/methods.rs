//! A method is declared once; `client_methods!` makes it a method of both client classes.
//!
//! `Client` waits for a call with the GIL released; `NativeAsyncClient` (the engine of the
//! Python `AsyncClient`) prepares it for an asyncio loop to start. Both take
//! the same arguments, converted the same way before anything is sent, so a declaration
//! says only what is particular to a method:
//!
//! ```text
//! /// The docstring.
//! fn get_user(py, client, options; integrated_account_id: String, id: String) {
//!     async move { client.get_user_with(&integrated_account_id, &id, &options).await }
//! }
//! ```
//!
//! `py`, `client` (the core client) and `options` (the core's `CallOptions`) name what the
//! body is given. Positional parameters come first, then after `;` the keyword-only ones
//! (`name: Type = default`, the default a single token), then `; **fields` for a method
//! that takes a user's fields as keywords. Every method also takes the options every users
//! call takes (`ignore_remote_data`, `exclude_fields`, `remote_query`, `timeout`,
//! `max_retries`), declared here once. Each argument is converted by
//! [`crate::args::FromArg`], so a wrong type is an `InvalidInputError` naming it.
//!
//! A body's value is a future of a core result, or [`Ready`] with a Python object (an
//! iterator the caller drives); [`Returns`] says what each class makes of it: `Client`
//! waits for the future, `NativeAsyncClient` returns it as a [`PreparedCall`] that
//! `AsyncClient` starts on its loop, and both return a `Ready` object as it is. Either way
//! the two classes' methods have the same signature.
//!
//! The Python signatures (`__text_signature__`) are what `tests/test_surface.py` checks
//! the stub `_native.pyi` against; `AsyncClient`'s are derived from the stub's `Client`.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::pyclass::PyClass;
use pyo3::pyclass_init::PyClassInitializer;
use pyo3::types::PyBytes;
use truto_ticketing::{CreateUserResponse, User};

use crate::completion::{self, CompletionQueue, Deliver, PendingCall};
use crate::errors::IntoPyResult;
use crate::models::PyUser;
use crate::runtime::block_on;

/// What a call's result is in Python.
pub trait IntoPython: Send + 'static {
    /// Converts it, on a thread holding the GIL.
    fn into_python(self, py: Python<'_>) -> PyResult<Py<PyAny>>;
}

impl IntoPython for User {
    fn into_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(Py::new(py, PyUser(self))?.into_any())
    }
}

/// An id (`delete_user`).
impl IntoPython for String {
    fn into_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self.into_pyobject(py)?.into_any().unbind())
    }
}

impl IntoPython for CreateUserResponse {
    fn into_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match self {
            CreateUserResponse::User(user) => user.into_python(py),
            CreateUserResponse::Json(value) => Ok(pythonize::pythonize(py, &value)?.unbind()),
            CreateUserResponse::Bytes(bytes) => Ok(PyBytes::new(py, &bytes).into_any().unbind()),
        }
    }
}

/// What a method's body gives each client: a call to make (a future of a core result),
/// or a Python object both return as it is ([`Ready`]).
pub trait Returns {
    /// `Client`: makes the call, waiting with the GIL released, and returns its result.
    fn wait(self, py: Python<'_>) -> PyResult<Py<PyAny>>;
    /// `NativeAsyncClient`: the call as a [`PreparedCall`], for `AsyncClient` to start on
    /// its loop.
    fn prepare(self, py: Python<'_>) -> PyResult<Py<PyAny>>;
}

impl<F, T> Returns for F
where
    F: Future<Output = truto_ticketing::Result<T>> + Send + 'static,
    T: IntoPython,
{
    fn wait(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        block_on(py, self)?.into_py_result(py)?.into_python(py)
    }

    fn prepare(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let call = async move {
            let outcome = self.await;
            Box::new(move |py: Python<'_>| outcome.into_py_result(py)?.into_python(py)) as Deliver
        };
        let prepared = PreparedCall(Mutex::new(Some(Box::pin(call))));
        Ok(Py::new(py, prepared)?.into_any())
    }
}

/// A Python object both clients return at once: an iterator the caller then drives
/// (`__next__`, or `next_into` from asyncio).
pub struct Ready<T>(pub T);

impl<T> Returns for Ready<T>
where
    T: PyClass + Into<PyClassInitializer<T>>,
{
    fn wait(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(Py::new(py, self.0)?.into_any())
    }

    fn prepare(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.wait(py)
    }
}

/// A call of `NativeAsyncClient`, its arguments converted, not started yet.
#[pyclass(frozen, module = "truto_ticketing._native")]
pub struct PreparedCall(Mutex<Option<Pin<Box<dyn Future<Output = Deliver> + Send>>>>);

#[pymethods]
impl PreparedCall {
    /// Starts the call: `future` (an `asyncio.Future`) gets its result through `queue`, its
    /// loop's, converted on the loop's thread. Returns what cancels it.
    fn start(&self, queue: &CompletionQueue, future: Py<PyAny>) -> PyResult<PendingCall> {
        let call = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .ok_or_else(|| PyRuntimeError::new_err("this call was already started"))?;
        Ok(completion::spawn(queue, future, call))
    }
}

/// The methods of `Client` and `NativeAsyncClient` (see the module's documentation):
/// `declared` holds the declarations; `both`, `sync` and `async` hold methods written out
/// as they are (constructors, getters, `__repr__`) for both classes, `Client` only, or
/// `NativeAsyncClient` only.
macro_rules! client_methods {
    (
        both { $($both:tt)* }
        sync { $($sync:tt)* }
        async { $($async:tt)* }
        declared { $($declared:tt)* }
    ) => {
        $crate::methods::client_methods!(@class PyClient wait;
            { $($both)* $($sync)* } $($declared)*);
        $crate::methods::client_methods!(@class PyNativeAsyncClient prepare;
            { $($both)* $($async)* } $($declared)*);
        /// The converters of the options every method takes.
        mod call_options {
            use super::*;
            $crate::methods::client_methods!(@converters
                ignore_remote_data, exclude_fields, remote_query, timeout, max_retries
            );
        }
    };

    // One class: its written-out methods, then every declared one, whose body's value
    // becomes the result through `Returns::$returns`. The converters of its arguments
    // (what `from_py_with` takes) are in a module per method, inside one named `$returns`.
    (@class $class:ident $returns:ident; { $($items:tt)* } $(
        $(#[doc = $doc:literal])*
        fn $name:ident($py:ident, $client:ident, $options:ident;
            $($arg:ident: $arg_type:ty),+
            $(; $($kw:ident: $kw_type:ty = $default:tt),+)?
            $(; ** $fields:ident)?
        ) $body:block
    )*) => {
        #[pymethods]
        impl $class {
            $($items)*

            $(
                $(#[doc = $doc])*
                #[pyo3(signature = (
                    $($arg,)+ *, $($($kw = $default,)+)?
                    ignore_remote_data = false, exclude_fields = None, remote_query = None,
                    timeout = None, max_retries = None $(, ** $fields)?
                ))]
                #[allow(clippy::too_many_arguments)]
                fn $name<'py>(
                    &self,
                    $py: Python<'py>,
                    $(#[pyo3(from_py_with = $returns::$name::$arg)] $arg: $arg_type,)+
                    $($(#[pyo3(from_py_with = $returns::$name::$kw)] $kw: $kw_type,)+)?
                    #[pyo3(from_py_with = call_options::ignore_remote_data)] ignore_remote_data: bool,
                    #[pyo3(from_py_with = call_options::exclude_fields)] exclude_fields: Option<Vec<String>>,
                    #[pyo3(from_py_with = call_options::remote_query)]
                    remote_query: Option<serde_json::Map<String, serde_json::Value>>,
                    #[pyo3(from_py_with = call_options::timeout)] timeout: Option<std::time::Duration>,
                    #[pyo3(from_py_with = call_options::max_retries)] max_retries: Option<u32>,
                    $($fields: Option<&Bound<'py, pyo3::types::PyDict>>,)?
                ) -> PyResult<Py<PyAny>> {
                    let $client = self.0.client($py)?;
                    let $options = $crate::args::CallArgs {
                        ignore_remote_data, exclude_fields, remote_query, timeout, max_retries,
                    }.into_core();
                    let body = $body;
                    $crate::methods::Returns::$returns(body, $py)
                }
            )*
        }

        mod $returns {$(
            pub(crate) mod $name {
                use super::super::*;
                $crate::methods::client_methods!(@converters $($arg,)+ $($($kw,)+)?);
            }
        )*}
    };

    // `from_py_with` converters, each naming its argument; the type is the parameter's.
    (@converters $($arg:ident),+ $(,)?) => {$(
        pub(crate) fn $arg<'py, T: $crate::args::FromArg<'py>>(
            value: &Bound<'py, PyAny>,
        ) -> PyResult<T> {
            T::from_arg(value, stringify!($arg))
        }
    )+};
}

pub(crate) use client_methods;
