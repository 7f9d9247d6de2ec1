//! `Client` and `NativeAsyncClient` (the engine of the Python `AsyncClient`): the same
//! core client, waited on two ways.

use std::sync::{Arc, Mutex, PoisonError};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use truto_ticketing::bulk::CreateUsersOptions;
use truto_ticketing::{
    Certificate, ClientBuilder, CreateUserOptions, CreateUserResponse, NewUser, ResponseFormat,
};

use crate::args::{OptionArgs, seconds, user_of};
use crate::bulk::PyBulkImport;
use crate::completion::{self, CompletionQueue, Deliver};
use crate::errors::{IntoPyResult, invalid_argument, to_py_err};
use crate::models::PyUser;
use crate::runtime::block_on;

/// The core client of one Python client object, rebuilt in a forked child (the
/// parent's connection pool belongs to the parent's runtime, which the child lacks).
struct Handle {
    builder: ClientBuilder,
    state: Mutex<State>,
}

enum State {
    Open {
        pid: u32,
        client: truto_ticketing::Client,
    },
    Closed,
}

/// The settings both client classes take.
struct Settings<'py> {
    token: Option<String>,
    base_url: Option<String>,
    timeout: Option<f64>,
    connect_timeout: Option<f64>,
    max_retries: Option<u32>,
    ca_cert: Option<Bound<'py, PyAny>>,
}

impl Handle {
    fn new(py: Python<'_>, settings: Settings<'_>) -> PyResult<Handle> {
        let Settings {
            token,
            base_url,
            timeout,
            connect_timeout,
            max_retries,
            ca_cert,
        } = settings;
        let version = py.version_info();
        let mut builder = truto_ticketing::Client::builder().user_agent_suffix(format!(
            "python/{}.{}.{}",
            version.major, version.minor, version.patch
        ));
        if let Some(token) = token {
            builder = builder.token(token);
        }
        if let Some(base_url) = base_url {
            builder = builder.base_url(base_url);
        }
        if let Some(timeout) = timeout {
            builder = builder.timeout(seconds(py, "timeout", timeout)?);
        }
        if let Some(timeout) = connect_timeout {
            builder = builder.connect_timeout(seconds(py, "connect_timeout", timeout)?);
        }
        if let Some(retries) = max_retries {
            builder = builder.max_retries(retries);
        }
        if let Some(pem) = ca_cert {
            let pem: Vec<u8> = match pem.extract::<String>() {
                Ok(text) => text.into_bytes(),
                Err(_) => pem.extract().map_err(|_| {
                    invalid_argument(py, "ca_cert", "must be PEM text (str or bytes)")
                })?,
            };
            builder = builder
                .add_root_certificates(Certificate::from_pem_bundle(&pem).into_py_result(py)?);
        }
        let client = build(py, &builder)?;
        let pid = std::process::id();
        Ok(Handle {
            builder,
            state: Mutex::new(State::Open { pid, client }),
        })
    }

    /// `create_users` of both clients: they differ only in how their import is iterated.
    #[allow(clippy::too_many_arguments)]
    fn create_users<'py>(
        &self,
        py: Python<'py>,
        integrated_account_id: String,
        rows: &Bound<'py, PyAny>,
        concurrency: usize,
        rate: Option<f64>,
        on_progress: Option<Py<PyAny>>,
        call: OptionArgs<'py>,
    ) -> PyResult<PyBulkImport> {
        let mut options = CreateUsersOptions::default();
        options.concurrency = concurrency;
        options.rate_per_second = rate;
        options.call = call.into_core(py)?.0;
        let client = self.client(py)?;
        PyBulkImport::start(
            py,
            &client,
            integrated_account_id,
            rows,
            options,
            on_progress,
        )
    }

    /// The core client for this process.
    fn client(&self, py: Python<'_>) -> PyResult<truto_ticketing::Client> {
        let pid = std::process::id();
        if let Some(client) = self.current(pid)? {
            return Ok(client);
        }
        // Forked: build this process's own client. The lock is not held meanwhile,
        // because `build` releases the GIL (holding both invites a deadlock).
        let fresh = build(py, &self.builder)?;
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match &*state {
            State::Open { pid: owner, client } if *owner == pid => Ok(client.clone()),
            State::Open { .. } => {
                *state = State::Open {
                    pid,
                    client: fresh.clone(),
                };
                Ok(fresh)
            }
            State::Closed => Err(closed()),
        }
    }

    /// The client, if it was built in this process.
    fn current(&self, pid: u32) -> PyResult<Option<truto_ticketing::Client>> {
        match &*self.state.lock().unwrap_or_else(PoisonError::into_inner) {
            State::Open { pid: owner, client } if *owner == pid => Ok(Some(client.clone())),
            State::Open { .. } => Ok(None),
            State::Closed => Err(closed()),
        }
    }

    fn close(&self) {
        // Calls in flight keep their own reference; the pool goes when they finish.
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = State::Closed;
    }

    fn repr(&self, class: &str) -> String {
        match &*self.state.lock().unwrap_or_else(PoisonError::into_inner) {
            State::Open { client, .. } => format!(
                "{class}(base_url='{}', timeout={:?}, max_retries={})",
                client.base_url(),
                client.timeout().as_secs_f64(),
                client.max_retries()
            ),
            State::Closed => format!("{class}(closed)"),
        }
    }

    fn setting<T>(
        &self,
        py: Python<'_>,
        read: impl Fn(&truto_ticketing::Client) -> T,
    ) -> PyResult<T> {
        Ok(read(&self.client(py)?))
    }
}

/// Building reads certificates: done without the GIL.
fn build(py: Python<'_>, builder: &ClientBuilder) -> PyResult<truto_ticketing::Client> {
    let builder = builder.clone();
    py.detach(move || builder.build()).into_py_result(py)
}

/// One `create_user` call, converted and ready to send.
struct Prepared {
    client: truto_ticketing::Client,
    account: String,
    user: Arc<NewUser>,
    options: CreateUserOptions,
    format: ResponseFormat,
}

impl Prepared {
    fn new<'py>(
        py: Python<'py>,
        handle: &Handle,
        account: String,
        user: Option<Bound<'py, PyAny>>,
        fields: Option<&Bound<'py, PyDict>>,
        options: OptionArgs<'py>,
    ) -> PyResult<Prepared> {
        let user = user_of(py, user, fields)?;
        let (options, format) = options.into_core(py)?;
        Ok(Prepared {
            client: handle.client(py)?,
            account,
            user,
            options,
            format,
        })
    }

    async fn send(self) -> truto_ticketing::Result<CreateUserResponse> {
        self.client
            .create_user_with(&self.account, &self.user, &self.options, self.format)
            .await
    }
}

pub(crate) fn response_to_py(py: Python<'_>, response: CreateUserResponse) -> PyResult<Py<PyAny>> {
    Ok(match response {
        CreateUserResponse::User(user) => Py::new(py, PyUser(*user))?.into_any(),
        CreateUserResponse::Json(value) => pythonize::pythonize(py, &value)?.unbind(),
        CreateUserResponse::Bytes(bytes) => PyBytes::new(py, &bytes).into_any().unbind(),
    })
}

fn outcome_to_py(
    py: Python<'_>,
    outcome: truto_ticketing::Result<CreateUserResponse>,
) -> PyResult<Py<PyAny>> {
    match outcome {
        Ok(response) => response_to_py(py, response),
        Err(error) => Err(to_py_err(py, &error)),
    }
}

/// Creates users through Truto, blocking the calling thread (the GIL is released while it waits).
#[pyclass(frozen, module = "truto_ticketing", name = "Client")]
pub struct PyClient(Handle);

#[pymethods]
impl PyClient {
    #[new]
    #[pyo3(signature = (token = None, base_url = None, timeout = None, connect_timeout = None, max_retries = None, *, ca_cert = None))]
    fn new(
        py: Python<'_>,
        token: Option<String>,
        base_url: Option<String>,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        max_retries: Option<u32>,
        ca_cert: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let settings = Settings {
            token,
            base_url,
            timeout,
            connect_timeout,
            max_retries,
            ca_cert,
        };
        Handle::new(py, settings).map(PyClient)
    }

    /// Creates a user; see the stub for every argument.
    #[pyo3(signature = (
        integrated_account_id, *, user = None, collections = None,
        response_format = "unified".to_owned(), ignore_remote_data = false,
        exclude_fields = None, remote_query = None, idempotency_key = None, timeout = None,
        max_retries = None, **fields,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn create_user<'py>(
        &self,
        py: Python<'py>,
        integrated_account_id: String,
        user: Option<Bound<'py, PyAny>>,
        collections: Option<Bound<'py, PyAny>>,
        response_format: String,
        ignore_remote_data: bool,
        exclude_fields: Option<Vec<String>>,
        remote_query: Option<Bound<'py, PyAny>>,
        idempotency_key: Option<String>,
        timeout: Option<f64>,
        max_retries: Option<u32>,
        fields: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let options = OptionArgs {
            collections,
            ignore_remote_data,
            exclude_fields,
            remote_query,
            idempotency_key,
            timeout,
            max_retries,
            response_format,
        };
        let call = Prepared::new(py, &self.0, integrated_account_id, user, fields, options)?;
        let outcome = block_on(py, call.send())?;
        outcome_to_py(py, outcome)
    }

    /// Creates a user per row, paced to Truto's rate limits; see the stub.
    #[pyo3(signature = (
        integrated_account_id, rows, *, concurrency = 8, rate = None, on_progress = None,
        collections = None, ignore_remote_data = false, exclude_fields = None,
        remote_query = None, timeout = None, max_retries = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn create_users<'py>(
        &self,
        py: Python<'py>,
        integrated_account_id: String,
        rows: &Bound<'py, PyAny>,
        concurrency: usize,
        rate: Option<f64>,
        on_progress: Option<Py<PyAny>>,
        collections: Option<Bound<'py, PyAny>>,
        ignore_remote_data: bool,
        exclude_fields: Option<Vec<String>>,
        remote_query: Option<Bound<'py, PyAny>>,
        timeout: Option<f64>,
        max_retries: Option<u32>,
    ) -> PyResult<PyBulkImport> {
        let call = OptionArgs {
            collections,
            ignore_remote_data,
            exclude_fields,
            remote_query,
            idempotency_key: None,
            timeout,
            max_retries,
            response_format: "unified".to_owned(),
        };
        self.0.create_users(
            py,
            integrated_account_id,
            rows,
            concurrency,
            rate,
            on_progress,
            call,
        )
    }

    /// Drops the connection pool; later calls raise `RuntimeError`.
    fn close(&self) {
        self.0.close();
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, _exc: &Bound<'_, pyo3::types::PyTuple>) {
        self.0.close();
    }

    /// The base URL requests go to.
    #[getter]
    fn base_url(&self, py: Python<'_>) -> PyResult<String> {
        self.0.setting(py, |client| client.base_url().to_owned())
    }

    /// The per-attempt timeout in seconds.
    #[getter]
    fn timeout(&self, py: Python<'_>) -> PyResult<f64> {
        self.0.setting(py, |client| client.timeout().as_secs_f64())
    }

    /// Retries after a retryable failure.
    #[getter]
    fn max_retries(&self, py: Python<'_>) -> PyResult<u32> {
        self.0.setting(py, truto_ticketing::Client::max_retries)
    }

    fn __repr__(&self) -> String {
        self.0.repr("Client")
    }
}

/// The engine of `truto_ticketing.AsyncClient` (a Python class, so that `create_user`
/// is a real coroutine that `asyncio.create_task` accepts). Its `create_user` starts the
/// call and returns a `PendingCall`, whose `cancel()` drops the Rust future, which
/// aborts the request.
#[pyclass(frozen, module = "truto_ticketing._native", name = "NativeAsyncClient")]
pub struct PyNativeAsyncClient(Handle);

#[pymethods]
impl PyNativeAsyncClient {
    #[new]
    #[pyo3(signature = (token = None, base_url = None, timeout = None, connect_timeout = None, max_retries = None, *, ca_cert = None))]
    fn new(
        py: Python<'_>,
        token: Option<String>,
        base_url: Option<String>,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        max_retries: Option<u32>,
        ca_cert: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let settings = Settings {
            token,
            base_url,
            timeout,
            connect_timeout,
            max_retries,
            ca_cert,
        };
        Handle::new(py, settings).map(PyNativeAsyncClient)
    }

    /// Starts creating a user; `future` (an `asyncio.Future` of the running loop) gets the
    /// result through `queue`, that loop's `CompletionQueue`. See the stub for every
    /// argument.
    #[pyo3(signature = (
        queue, future, integrated_account_id, *, user = None, collections = None,
        response_format = "unified".to_owned(), ignore_remote_data = false,
        exclude_fields = None, remote_query = None, idempotency_key = None, timeout = None,
        max_retries = None, **fields,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn create_user<'py>(
        &self,
        py: Python<'py>,
        queue: &CompletionQueue,
        future: Py<PyAny>,
        integrated_account_id: String,
        user: Option<Bound<'py, PyAny>>,
        collections: Option<Bound<'py, PyAny>>,
        response_format: String,
        ignore_remote_data: bool,
        exclude_fields: Option<Vec<String>>,
        remote_query: Option<Bound<'py, PyAny>>,
        idempotency_key: Option<String>,
        timeout: Option<f64>,
        max_retries: Option<u32>,
        fields: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<completion::PendingCall> {
        let options = OptionArgs {
            collections,
            ignore_remote_data,
            exclude_fields,
            remote_query,
            idempotency_key,
            timeout,
            max_retries,
            response_format,
        };
        let call = Prepared::new(py, &self.0, integrated_account_id, user, fields, options)?;
        // The result is converted to Python objects by the loop, when it delivers it.
        Ok(completion::spawn(queue, future, async move {
            let outcome = call.send().await;
            Box::new(move |py: Python<'_>| outcome_to_py(py, outcome)) as Deliver
        }))
    }

    /// Creates a user per row, paced to Truto's rate limits; see the stub.
    #[pyo3(signature = (
        integrated_account_id, rows, *, concurrency = 8, rate = None, on_progress = None,
        collections = None, ignore_remote_data = false, exclude_fields = None,
        remote_query = None, timeout = None, max_retries = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn create_users<'py>(
        &self,
        py: Python<'py>,
        integrated_account_id: String,
        rows: &Bound<'py, PyAny>,
        concurrency: usize,
        rate: Option<f64>,
        on_progress: Option<Py<PyAny>>,
        collections: Option<Bound<'py, PyAny>>,
        ignore_remote_data: bool,
        exclude_fields: Option<Vec<String>>,
        remote_query: Option<Bound<'py, PyAny>>,
        timeout: Option<f64>,
        max_retries: Option<u32>,
    ) -> PyResult<PyBulkImport> {
        let call = OptionArgs {
            collections,
            ignore_remote_data,
            exclude_fields,
            remote_query,
            idempotency_key: None,
            timeout,
            max_retries,
            response_format: "unified".to_owned(),
        };
        self.0.create_users(
            py,
            integrated_account_id,
            rows,
            concurrency,
            rate,
            on_progress,
            call,
        )
    }

    /// Drops the connection pool; later calls raise `RuntimeError`.
    fn close(&self) {
        self.0.close();
    }

    /// The base URL requests go to.
    #[getter]
    fn base_url(&self, py: Python<'_>) -> PyResult<String> {
        self.0.setting(py, |client| client.base_url().to_owned())
    }

    /// The per-attempt timeout in seconds.
    #[getter]
    fn timeout(&self, py: Python<'_>) -> PyResult<f64> {
        self.0.setting(py, |client| client.timeout().as_secs_f64())
    }

    /// Retries after a retryable failure.
    #[getter]
    fn max_retries(&self, py: Python<'_>) -> PyResult<u32> {
        self.0.setting(py, truto_ticketing::Client::max_retries)
    }

    fn __repr__(&self) -> String {
        self.0.repr("AsyncClient")
    }
}

fn closed() -> PyErr {
    PyRuntimeError::new_err("this client is closed")
}
