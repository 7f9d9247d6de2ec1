//! `create_users`: the core's bulk import, iterated from Python.
//!
//! Rows are pulled from the caller's iterable on the Python thread, only as the import
//! has room for them (so a generator over a huge file is read lazily), and outcomes are
//! handed back one per `__next__` (sync) or per awaited call (asyncio). `on_progress` is
//! called on the Python thread, with each outcome's figures.

use std::sync::{Arc, Mutex, PoisonError};

use pyo3::exceptions::{PyStopIteration, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyIterator, PyTuple};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;
use truto_ticketing::Client;
use truto_ticketing::bulk::{BulkRow, CreateUsersOptions, RowOutcome};

use crate::args::new_user_from;
use crate::completion::{self, CompletionQueue, Deliver};
use crate::errors::{IntoPyResult, to_py_err};
use crate::models::PyUser;
use crate::runtime::{block_on, runtime};

type Outcomes = Arc<tokio::sync::Mutex<mpsc::Receiver<RowOutcome>>>;

/// An import in progress: iterate it (or `async for` it, from `AsyncClient`) for one
/// `BulkResult` per row.
#[pyclass(frozen, module = "truto_ticketing._native", name = "BulkImport")]
pub struct PyBulkImport {
    feeding: Mutex<Feeding>,
    outcomes: Outcomes,
    on_progress: Option<Py<PyAny>>,
    driver: AbortHandle,
}

struct Feeding {
    rows: Option<Py<PyIterator>>,
    sender: Option<mpsc::Sender<BulkRow>>,
}

impl PyBulkImport {
    /// Starts the import: the core pulls rows from a channel this object fills.
    pub(crate) fn start(
        py: Python<'_>,
        client: &Client,
        account: String,
        rows: &Bound<'_, PyAny>,
        options: CreateUsersOptions,
        on_progress: Option<Py<PyAny>>,
    ) -> PyResult<PyBulkImport> {
        let rows = PyIterator::from_object(rows)?.unbind();
        let import = client
            .create_users_from_channel(account, options, runtime().handle())
            .into_py_result(py)?;
        Ok(PyBulkImport {
            feeding: Mutex::new(Feeding {
                rows: Some(rows),
                sender: Some(import.rows),
            }),
            outcomes: Arc::new(tokio::sync::Mutex::new(import.outcomes)),
            on_progress,
            driver: import.driver,
        })
    }

    /// Hands the import as many rows as it has room for, reading them from the caller's
    /// iterable; at its end, tells the import there are no more.
    fn feed(&self, py: Python<'_>) -> PyResult<()> {
        let mut feeding = self.feeding.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            let (Some(rows), Some(sender)) = (&feeding.rows, &feeding.sender) else {
                return Ok(());
            };
            if sender.capacity() == 0 {
                return Ok(());
            }
            let Some(item) = rows.bind(py).clone().next() else {
                // The last row was handed over: the import ends when it is done.
                feeding.rows = None;
                feeding.sender = None;
                return Ok(());
            };
            let row = row_of(&item?)?;
            // Room was checked above, and only this thread sends.
            if sender.try_send(row).is_err() {
                return Ok(());
            }
        }
    }

    /// The outcome as a `BulkResult`, `on_progress` called first; `None` ends the import.
    fn deliver(&self, py: Python<'_>, outcome: Option<RowOutcome>) -> PyResult<Py<PyAny>> {
        let Some(outcome) = outcome else {
            return Err(PyStopIteration::new_err(()));
        };
        if let Some(on_progress) = &self.on_progress {
            let progress = pythonize::pythonize(py, &outcome.progress)?;
            on_progress.call1(py, (progress,))?;
        }
        Ok(Py::new(py, PyBulkResult::from_outcome(py, outcome))?.into_any())
    }
}

/// A row: `(row_id, user)`, the user a `NewUser` or a mapping in Truto's field names. A
/// user that is not one is the row's `InvalidInputError`, not the import's.
fn row_of(item: &Bound<'_, PyAny>) -> PyResult<BulkRow> {
    let pair = item
        .cast::<PyTuple>()
        .ok()
        .filter(|tuple| tuple.len() == 2)
        .ok_or_else(|| PyTypeError::new_err("create_users() takes rows as (row_id, user) pairs"))?;
    let id = pair.get_item(0)?.str()?.to_string();
    Ok(match new_user_from(&pair.get_item(1)?) {
        Ok(user) => BulkRow::new(id, user),
        Err(error) => BulkRow::unreadable(id, error),
    })
}

#[pymethods]
impl PyBulkImport {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// The next row's outcome, as calls finish; waits without the GIL.
    fn __next__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.feed(py)?;
        let outcomes = Arc::clone(&self.outcomes);
        let outcome = block_on(py, async move { outcomes.lock().await.recv().await })?;
        self.deliver(py, outcome)
    }

    /// asyncio: starts waiting for the next outcome; `future` gets the `BulkResult`, or
    /// `StopAsyncIteration` at the end, through `queue`.
    fn next_into(
        slf: Py<Self>,
        py: Python<'_>,
        queue: &CompletionQueue,
        future: Py<PyAny>,
    ) -> PyResult<completion::PendingCall> {
        slf.get().feed(py)?;
        let outcomes = Arc::clone(&slf.get().outcomes);
        Ok(completion::spawn(queue, future, async move {
            let outcome = outcomes.lock().await.recv().await;
            Box::new(move |py: Python<'_>| match slf.get().deliver(py, outcome) {
                Err(error) if error.is_instance_of::<PyStopIteration>(py) => {
                    Err(pyo3::exceptions::PyStopAsyncIteration::new_err(()))
                }
                other => other,
            }) as Deliver
        }))
    }

    /// Stops the import: no more rows are read, calls in flight are dropped.
    fn close(&self) {
        self.driver.abort();
        let mut feeding = self.feeding.lock().unwrap_or_else(PoisonError::into_inner);
        feeding.rows = None;
        feeding.sender = None;
    }
}

impl Drop for PyBulkImport {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

/// One row's outcome.
#[pyclass(frozen, module = "truto_ticketing", name = "BulkResult")]
pub struct PyBulkResult {
    row_id: String,
    user: Option<Py<PyUser>>,
    error: Option<Py<PyAny>>,
    replayed: bool,
    idempotency_key: String,
    requests: u32,
    rate_limited_responses: u32,
}

impl PyBulkResult {
    fn from_outcome(py: Python<'_>, outcome: RowOutcome) -> PyBulkResult {
        let (user, error) = match outcome.result {
            Ok(user) => (Py::new(py, PyUser(user)).ok(), None),
            Err(error) => (None, Some(to_py_err(py, &error).into_value(py).into_any())),
        };
        PyBulkResult {
            row_id: outcome.row_id,
            user,
            error,
            replayed: outcome.replayed,
            idempotency_key: outcome.idempotency_key,
            requests: outcome.requests,
            rate_limited_responses: outcome.rate_limited_responses,
        }
    }
}

#[pymethods]
impl PyBulkResult {
    /// The row's id, as given.
    #[getter]
    fn row_id(&self) -> &str {
        &self.row_id
    }

    /// The created user, or `None` when the row failed.
    #[getter]
    fn user(&self, py: Python<'_>) -> Option<Py<PyUser>> {
        self.user.as_ref().map(|user| user.clone_ref(py))
    }

    /// Why the row failed (a `TrutoError`), or `None` when it was created.
    #[getter]
    fn error(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.error.as_ref().map(|error| error.clone_ref(py))
    }

    /// True when the row was created.
    #[getter]
    fn ok(&self) -> bool {
        self.error.is_none()
    }

    /// True when Truto answered with the user an earlier run created (same key).
    #[getter]
    fn replayed(&self) -> bool {
        self.replayed
    }

    /// The `Idempotency-Key` the row was sent with.
    #[getter]
    fn idempotency_key(&self) -> &str {
        &self.idempotency_key
    }

    /// Requests made for the row (0 when it was refused before sending).
    #[getter]
    fn requests(&self) -> u32 {
        self.requests
    }

    /// How many of those were answered 429.
    #[getter]
    fn rate_limited_responses(&self) -> u32 {
        self.rate_limited_responses
    }

    fn __repr__(&self) -> String {
        let outcome = if self.error.is_some() {
            "failed"
        } else if self.replayed {
            "replayed"
        } else {
            "created"
        };
        format!("BulkResult(row_id={:?}, {outcome})", self.row_id)
    }
}
