//! `list_users`: the core's listing, iterated from Python one user (or one page) at a time.
//!
//! A page is fetched only when the caller asks for an item past the ones already read, so
//! breaking out of a loop stops the listing, and each page's `next_cursor` resumes it
//! later (`list_users(..., cursor=page.next_cursor)`). `__next__` waits with the GIL
//! released; `next_into` is the asyncio form (`AsyncUserListing` in `_async.py`).

use std::collections::VecDeque;
use std::future::Future;
use std::sync::Arc;

use pyo3::exceptions::{PyStopAsyncIteration, PyStopIteration};
use pyo3::prelude::*;
use pyo3::types::PyList;
use tokio::sync::Mutex;
use truto_ticketing::{ListUsers, User, UserPage, UserPages};

use crate::completion::{self, CompletionQueue, Deliver, PendingCall};
use crate::errors::IntoPyResult;
use crate::methods::IntoPython;
use crate::models::PyUser;
use crate::runtime::block_on;

/// `__next__`: the next item, waited for; `StopIteration` after the last.
fn next_blocking<T: IntoPython>(
    py: Python<'_>,
    next: impl Future<Output = truto_ticketing::Result<Option<T>>> + Send + 'static,
) -> PyResult<Py<PyAny>> {
    match block_on(py, next)?.into_py_result(py)? {
        Some(item) => item.into_python(py),
        None => Err(PyStopIteration::new_err(())),
    }
}

/// `next_into`: `future` gets the next item, or `StopAsyncIteration` after the last.
fn next_started<T: IntoPython>(
    queue: &CompletionQueue,
    future: Py<PyAny>,
    next: impl Future<Output = truto_ticketing::Result<Option<T>>> + Send + 'static,
) -> PendingCall {
    completion::spawn(queue, future, async move {
        let outcome = next.await;
        Box::new(move |py: Python<'_>| match outcome.into_py_result(py)? {
            Some(item) => item.into_python(py),
            None => Err(PyStopAsyncIteration::new_err(())),
        }) as Deliver
    })
}

/// The users of a listing: iterate it (or `async for` it, from `AsyncClient`) for one
/// `User` at a time; `pages()` for its pages.
#[pyclass(frozen, module = "truto_ticketing", name = "UserListing")]
pub struct PyUserListing {
    listing: ListUsers,
    users: Arc<Mutex<Users>>,
}

/// The pages read so far and the users of the last one not handed out yet.
struct Users {
    pages: UserPages,
    unread: VecDeque<User>,
}

impl Users {
    async fn next(&mut self) -> truto_ticketing::Result<Option<User>> {
        loop {
            if let Some(user) = self.unread.pop_front() {
                return Ok(Some(user));
            }
            match self.pages.next_page().await? {
                Some(page) => self.unread.extend(page.users),
                None => return Ok(None),
            }
        }
    }
}

impl PyUserListing {
    pub fn new(listing: ListUsers) -> PyUserListing {
        let users = Users {
            pages: listing.clone().pages(),
            unread: VecDeque::new(),
        };
        PyUserListing {
            listing,
            users: Arc::new(Mutex::new(users)),
        }
    }

    /// A user of the page already read, when there is one (no request, no waiting).
    fn unread(&self) -> Option<User> {
        self.users.try_lock().ok()?.unread.pop_front()
    }
}

#[pymethods]
impl PyUserListing {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// The next user; the next page is fetched when the last one's users are all read.
    fn __next__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        if let Some(user) = self.unread() {
            return user.into_python(py);
        }
        let users = Arc::clone(&self.users);
        next_blocking(py, async move { users.lock().await.next().await })
    }

    /// asyncio: `future` gets the next user (`StopAsyncIteration` after the last). Returns
    /// the call to cancel, or `None` when the user was already read and `future` has it.
    fn next_into(
        &self,
        py: Python<'_>,
        queue: &CompletionQueue,
        future: Py<PyAny>,
    ) -> PyResult<Option<PendingCall>> {
        if let Some(user) = self.unread() {
            future.call_method1(py, "set_result", (user.into_python(py)?,))?;
            return Ok(None);
        }
        let users = Arc::clone(&self.users);
        Ok(Some(next_started(queue, future, async move {
            users.lock().await.next().await
        })))
    }

    /// The same listing page by page, from its start (or its `cursor`): each `UserPage`
    /// has its users and the `next_cursor` that resumes after it.
    fn pages(&self) -> PyUserPages {
        PyUserPages(Arc::new(Mutex::new(self.listing.clone().pages())))
    }
}

/// The pages of a listing, fetched one at a time as they are asked for.
#[pyclass(frozen, module = "truto_ticketing", name = "UserPages")]
pub struct PyUserPages(Arc<Mutex<UserPages>>);

#[pymethods]
impl PyUserPages {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// The next page, fetched now.
    fn __next__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let pages = Arc::clone(&self.0);
        next_blocking(py, async move { pages.lock().await.next_page().await })
    }

    /// asyncio: `future` gets the next page (`StopAsyncIteration` after the last).
    fn next_into(&self, queue: &CompletionQueue, future: Py<PyAny>) -> PendingCall {
        let pages = Arc::clone(&self.0);
        next_started(queue, future, async move {
            pages.lock().await.next_page().await
        })
    }
}

/// One page of a listing.
#[pyclass(frozen, module = "truto_ticketing", name = "UserPage")]
pub struct PyUserPage {
    users: Vec<Py<PyUser>>,
    cursor: Option<String>,
    next_cursor: Option<String>,
}

impl IntoPython for UserPage {
    fn into_python(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let users = self
            .users
            .into_iter()
            .map(|user| Py::new(py, PyUser(user)))
            .collect::<PyResult<_>>()?;
        let page = PyUserPage {
            users,
            cursor: self.cursor,
            next_cursor: self.next_cursor,
        };
        Ok(Py::new(py, page)?.into_any())
    }
}

#[pymethods]
impl PyUserPage {
    /// The page's users, in Truto's order.
    #[getter]
    fn users<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, &self.users)
    }

    /// The cursor that fetched this page (`None` for the first).
    #[getter]
    fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }

    /// The cursor of the next page (`None` on the last): `list_users(..., cursor=...)`
    /// resumes from there.
    #[getter]
    fn next_cursor(&self) -> Option<&str> {
        self.next_cursor.as_deref()
    }

    fn __len__(&self) -> usize {
        self.users.len()
    }

    /// `UserPage(10 users, cursor=None, next_cursor='...')`: a page may hold hundreds.
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let cursor = self.cursor.clone().into_pyobject(py)?.into_any();
        let next_cursor = self.next_cursor.clone().into_pyobject(py)?.into_any();
        Ok(format!(
            "UserPage({} users, cursor={}, next_cursor={})",
            self.users.len(),
            cursor.repr()?,
            next_cursor.repr()?
        ))
    }
}
