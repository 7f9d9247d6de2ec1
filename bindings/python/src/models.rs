//! `NewUser`, `User`, `Email` and `Role`: read-only views of the core's models.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyDict, PyList, PyString};
use truto_ticketing::{Email, NewUser, Role, SecretString, Timestamp, User};

use crate::args::user_from_keywords;

/// `name=value, ...` for the given pairs, each value shown with Python's `repr`.
fn keyword_repr(class: &str, pairs: Vec<(&str, Bound<'_, PyAny>)>) -> PyResult<String> {
    let mut shown = Vec::with_capacity(pairs.len());
    for (name, value) in pairs {
        shown.push(format!("{name}={}", value.repr()?));
    }
    Ok(format!("{class}({})", shown.join(", ")))
}

/// The instant of a timestamp as an aware `datetime` in UTC, when its text was RFC 3339
/// and its year one `datetime` can hold (1 to 9999).
fn datetime<'py>(
    py: Python<'py>,
    timestamp: Option<&Timestamp>,
) -> PyResult<Option<Bound<'py, PyDateTime>>> {
    let utc = timestamp
        .and_then(Timestamp::to_offset_date_time)
        .and_then(|instant| instant.checked_to_utc())
        .filter(|utc| utc.year() >= 1);
    utc.map(|utc| utc.into_pyobject(py)).transpose()
}

/// A user to create, in Truto's field names. Checked when it is sent, not before.
#[pyclass(frozen, eq, module = "truto_ticketing", name = "NewUser")]
#[derive(PartialEq)]
pub struct PyNewUser(pub Arc<NewUser>);

#[pymethods]
impl PyNewUser {
    /// `NewUser(name=..., emails=..., ...)`: the keywords are the body's fields, in
    /// Truto's field names.
    #[new]
    #[pyo3(signature = (**fields))]
    fn new(py: Python<'_>, fields: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        Ok(PyNewUser(Arc::new(user_from_keywords(py, fields)?)))
    }

    /// The JSON body this user is sent as (the password included, in clear).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &*self.0)?)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let mut shown = (*self.0).clone();
        if shown.password.is_some() {
            shown.password = Some(SecretString::new("[redacted]"));
        }
        let json = pythonize::pythonize(py, &shown)?;
        let mut pairs = Vec::new();
        for (key, value) in json.cast::<pyo3::types::PyDict>()?.iter() {
            pairs.push((key.cast::<PyString>()?.to_string(), value));
        }
        let pairs = pairs
            .iter()
            .map(|(key, value)| (key.as_str(), value.clone()))
            .collect();
        keyword_repr("NewUser", pairs)
    }
}

/// An email address and its kind (`primary`, `other`, or a kind this SDK does not know).
#[pyclass(frozen, eq, hash, module = "truto_ticketing", name = "Email")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyEmail {
    email: String,
    kind: Option<String>,
}

impl From<&Email> for PyEmail {
    fn from(email: &Email) -> PyEmail {
        PyEmail {
            email: email.email.clone(),
            kind: email.kind.as_ref().map(|kind| kind.as_str().to_owned()),
        }
    }
}

#[pymethods]
impl PyEmail {
    #[new]
    #[pyo3(signature = (email, r#type = None))]
    fn new(email: String, r#type: Option<String>) -> Self {
        PyEmail {
            email,
            kind: r#type,
        }
    }

    /// The address.
    #[getter]
    fn email(&self) -> &str {
        &self.email
    }

    /// `primary`, `other`, or what the provider sent.
    #[getter(r#type)]
    fn kind(&self) -> Option<&str> {
        self.kind.as_deref()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let pairs = vec![
            ("email", self.email.clone().into_pyobject(py)?.into_any()),
            ("type", self.kind.clone().into_pyobject(py)?.into_any()),
        ];
        keyword_repr("Email", pairs)
    }
}

/// A role: its provider id and its name, either of which may be missing.
#[pyclass(frozen, eq, hash, module = "truto_ticketing", name = "Role")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyRole {
    id: Option<String>,
    name: Option<String>,
}

impl From<&Role> for PyRole {
    fn from(role: &Role) -> PyRole {
        PyRole {
            id: role.id.clone(),
            name: role.name.clone(),
        }
    }
}

#[pymethods]
impl PyRole {
    #[new]
    #[pyo3(signature = (id = None, name = None))]
    fn new(id: Option<String>, name: Option<String>) -> Self {
        PyRole { id, name }
    }

    /// The provider's role id.
    #[getter]
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The role's name.
    #[getter]
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let pairs = vec![
            ("id", self.id.clone().into_pyobject(py)?.into_any()),
            ("name", self.name.clone().into_pyobject(py)?.into_any()),
        ];
        keyword_repr("Role", pairs)
    }
}

/// The user Truto answered with. Every field but `id` may be `None` (or empty).
#[pyclass(frozen, eq, module = "truto_ticketing", name = "User")]
#[derive(PartialEq)]
pub struct PyUser(pub User);

#[pymethods]
impl PyUser {
    /// The provider's id for the user.
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }

    /// Full name.
    #[getter]
    fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// Given name.
    #[getter]
    fn first_name(&self) -> Option<&str> {
        self.0.first_name.as_deref()
    }

    /// Family name.
    #[getter]
    fn last_name(&self) -> Option<&str> {
        self.0.last_name.as_deref()
    }

    /// Login name.
    #[getter]
    fn username(&self) -> Option<&str> {
        self.0.username.as_deref()
    }

    /// Email addresses.
    #[getter]
    fn emails(&self) -> Vec<PyEmail> {
        self.0.emails.iter().map(PyEmail::from).collect()
    }

    /// The primary address, or the first one when none is marked primary.
    #[getter]
    fn primary_email(&self) -> Option<&str> {
        self.0.primary_email()
    }

    /// Whether the user can sign in.
    #[getter]
    fn is_active(&self) -> Option<bool> {
        self.0.is_active
    }

    /// Teams the user belongs to.
    #[getter]
    fn team_ids(&self) -> Vec<String> {
        self.0.team_ids.clone()
    }

    /// Avatar image URL.
    #[getter]
    fn avatar(&self) -> Option<&str> {
        self.0.avatar.as_deref()
    }

    /// Roles the user holds.
    #[getter]
    fn roles(&self) -> Vec<PyRole> {
        self.0.roles.iter().map(PyRole::from).collect()
    }

    /// When the user was created, in UTC; `None` when the provider's text was not RFC 3339.
    #[getter]
    fn created_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        datetime(py, self.0.created_at.as_ref())
    }

    /// `created_at` as the provider sent it.
    #[getter]
    fn created_at_raw(&self) -> Option<&str> {
        self.0.created_at.as_ref().map(Timestamp::as_str)
    }

    /// When the user was last changed, in UTC; `None` when the provider's text was not
    /// RFC 3339.
    #[getter]
    fn updated_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        datetime(py, self.0.updated_at.as_ref())
    }

    /// `updated_at` as the provider sent it.
    #[getter]
    fn updated_at_raw(&self) -> Option<&str> {
        self.0.updated_at.as_ref().map(Timestamp::as_str)
    }

    /// Identifies this version of the user.
    #[getter]
    fn etag(&self) -> Option<&str> {
        self.0.etag.as_deref()
    }

    /// The provider's raw record (`None` with `ignore_remote_data=True`).
    #[getter]
    fn remote_data<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.0.remote_data)?)
    }

    /// Fields this version of the SDK does not know, as Truto sent them.
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.0.extra)?)
    }

    /// The user in its JSON form, unknown fields included; `created_at` and `updated_at`
    /// as the provider sent them.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.0)?)
    }

    /// The typed fields that are set; `remote_data` and `extra` are left out, since a
    /// provider's raw record may hold anything.
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let user = &self.0;
        let mut pairs = vec![("id", PyString::new(py, &user.id).into_any())];
        let texts = [
            ("name", &user.name),
            ("first_name", &user.first_name),
            ("last_name", &user.last_name),
            ("username", &user.username),
        ];
        for (name, value) in texts {
            if let Some(value) = value {
                pairs.push((name, PyString::new(py, value).into_any()));
            }
        }
        if !user.emails.is_empty() {
            pairs.push(("emails", PyList::new(py, self.emails())?.into_any()));
        }
        if let Some(active) = user.is_active {
            pairs.push(("is_active", active.into_pyobject(py)?.to_owned().into_any()));
        }
        if !user.team_ids.is_empty() {
            pairs.push(("team_ids", PyList::new(py, &user.team_ids)?.into_any()));
        }
        if !user.roles.is_empty() {
            pairs.push(("roles", PyList::new(py, self.roles())?.into_any()));
        }
        if let Some(avatar) = &user.avatar {
            pairs.push(("avatar", PyString::new(py, avatar).into_any()));
        }
        // The instant where the text was RFC 3339, else the text.
        let times = [
            ("created_at", "created_at_raw", &user.created_at),
            ("updated_at", "updated_at_raw", &user.updated_at),
        ];
        for (name, raw_name, timestamp) in times {
            match (datetime(py, timestamp.as_ref())?, timestamp) {
                (Some(instant), _) => pairs.push((name, instant.into_any())),
                (None, Some(raw)) => {
                    pairs.push((raw_name, PyString::new(py, raw.as_str()).into_any()))
                }
                (None, None) => {}
            }
        }
        if let Some(etag) = &user.etag {
            pairs.push(("etag", PyString::new(py, etag).into_any()));
        }
        keyword_repr("User", pairs)
    }
}
