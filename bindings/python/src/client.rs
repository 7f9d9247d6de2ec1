//! `Client` and `NativeAsyncClient` (the engine of the Python `AsyncClient`): the same
//! core client, waited on two ways. Each method is declared once, at the end of this
//! file; `methods.rs` makes it a method of both classes.

use std::sync::{Mutex, PoisonError};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use truto_ticketing::bulk::CreateUsersOptions;
use truto_ticketing::{
    Certificate, ClientBuilder, CollectionRef, ListUsersOptions, ResponseFormat, TimeBounds,
};

use crate::args::{SortBy, create_options, seconds, user_from_keywords, user_of};
use crate::bulk::PyBulkImport;
use crate::errors::{IntoPyResult, invalid_argument};
use crate::listing::PyUserListing;
use crate::methods::{Ready, client_methods};

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

impl Handle {
    /// Builds the client.
    fn open(py: Python<'_>, builder: ClientBuilder) -> PyResult<Handle> {
        let client = build(py, &builder)?;
        let pid = std::process::id();
        Ok(Handle {
            builder,
            state: Mutex::new(State::Open { pid, client }),
        })
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

fn closed() -> PyErr {
    PyRuntimeError::new_err("this client is closed")
}

/// Calls Truto's users resource, blocking the calling thread (the GIL is released while it waits).
#[pyclass(frozen, module = "truto_ticketing", name = "Client")]
pub struct PyClient(Handle);

/// The engine of `truto_ticketing.AsyncClient` (a Python class, so that its methods are
/// real coroutines that `asyncio.create_task` accepts). A call method converts its
/// arguments and returns a `PreparedCall`, which the coroutine starts on its loop.
#[pyclass(frozen, module = "truto_ticketing._native", name = "NativeAsyncClient")]
pub struct PyNativeAsyncClient(Handle);

client_methods! {
    both {
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
            Handle::open(py, builder).map(Self)
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
    }

    sync {
        fn __enter__(slf: Py<Self>) -> Py<Self> {
            slf
        }

        #[pyo3(signature = (*_exc))]
        fn __exit__(&self, _exc: &Bound<'_, pyo3::types::PyTuple>) {
            self.0.close();
        }

        fn __repr__(&self) -> String {
            self.0.repr("Client")
        }
    }

    async {
        fn __repr__(&self) -> String {
            self.0.repr("AsyncClient")
        }
    }

    declared {
        /// Creates a user in the integrated account's tool; see the stub for every argument.
        fn create_user(py, client, options;
            integrated_account_id: String;
            user: Option<Bound<'py, PyAny>> = None,
            collections: Option<Vec<CollectionRef>> = None,
            response_format: ResponseFormat = (ResponseFormat::Unified),
            idempotency_key: Option<String> = None;
            **fields
        ) {
            let user = user_of(py, user, fields)?;
            let options = create_options(options, collections, idempotency_key);
            async move {
                client
                    .create_user_with(&integrated_account_id, &user, &options, response_format)
                    .await
            }
        }

        /// Reads one user by id.
        fn get_user(py, client, options; integrated_account_id: String, id: String) {
            async move { client.get_user_with(&integrated_account_id, &id, &options).await }
        }

        /// Changes the fields given (the keywords of `create_user`) and returns the user.
        fn update_user(py, client, options;
            integrated_account_id: String, id: String;
            idempotency_key: Option<String> = None;
            **fields
        ) {
            let changes = user_from_keywords(py, fields)?;
            async move {
                client
                    .update_user_with(
                        &integrated_account_id,
                        &id,
                        &changes,
                        idempotency_key.as_deref(),
                        &options,
                    )
                    .await
            }
        }

        /// Deletes one user and returns its id.
        fn delete_user(py, client, options; integrated_account_id: String, id: String) {
            async move { client.delete_user_with(&integrated_account_id, &id, &options).await }
        }

        /// Lists the account's users, a page fetched as the iteration reaches it.
        fn list_users(py, client, options;
            integrated_account_id: String;
            limit: Option<u32> = None,
            cursor: Option<String> = None,
            emails: Option<Vec<String>> = None,
            name: Option<String> = None,
            is_active: Option<bool> = None,
            created_at: Option<TimeBounds> = None,
            updated_at: Option<TimeBounds> = None,
            sort_by: Option<SortBy> = None,
            collections: Option<Vec<CollectionRef>> = None
        ) {
            let mut listing = ListUsersOptions::default();
            listing.limit = limit;
            listing.cursor = cursor;
            listing.emails = emails.unwrap_or_default();
            listing.name = name;
            listing.is_active = is_active;
            listing.created_at = created_at.unwrap_or_default();
            listing.updated_at = updated_at.unwrap_or_default();
            listing.sort_by = sort_by.map(|SortBy(fields)| fields).unwrap_or_default();
            listing.collections = collections.unwrap_or_default();
            listing.call = options;
            Ready(PyUserListing::new(client.list_users_with(&integrated_account_id, listing)))
        }

        /// Creates a user per row, paced to Truto's rate limits; see the stub.
        fn create_users(py, client, options;
            integrated_account_id: String, rows: Bound<'py, PyAny>;
            concurrency: usize = 8,
            rate: Option<f64> = None,
            on_progress: Option<Bound<'py, PyAny>> = None,
            collections: Option<Vec<CollectionRef>> = None
        ) {
            if let Some(callback) = &on_progress
                && !callback.is_callable()
            {
                return Err(invalid_argument(py, "on_progress", "must be callable"));
            }
            let mut bulk = CreateUsersOptions::default();
            bulk.concurrency = concurrency;
            bulk.rate_per_second = rate;
            bulk.call = create_options(options, collections, None);
            let on_progress = on_progress.map(Bound::unbind);
            Ready(PyBulkImport::start(py, &client, integrated_account_id, &rows, bulk, on_progress)?)
        }
    }
}
