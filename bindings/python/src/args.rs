//! Python arguments in, core values out. Types and values are the core's to judge:
//! fields go through `NewUser::from_json`, which names the field it refuses.

use std::sync::Arc;
use std::time::Duration;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::{Map, Value};
use truto_ticketing::{CollectionRef, CreateUserOptions, NewUser, ResponseFormat};

use crate::errors::{IntoPyResult, invalid_argument};
use crate::models::PyNewUser;

/// The user's fields given as keywords (`name=..., emails=...`), in Truto's field names.
/// A field given as `None` is left out, as if not given.
pub fn user_from_keywords(py: Python<'_>, fields: Option<&Bound<'_, PyDict>>) -> PyResult<NewUser> {
    let mut body = Map::new();
    for (key, value) in fields.into_iter().flatten() {
        let key: String = key.extract()?;
        let Some(field) = NewUser::field_names().iter().find(|field| **field == key) else {
            return Err(PyTypeError::new_err(format!(
                "got an unexpected keyword argument '{key}' (a user's fields are: {})",
                NewUser::field_names().join(", ")
            )));
        };
        body.insert(key, to_json(py, field, &value)?);
    }
    NewUser::from_json(Value::Object(body)).into_py_result(py)
}

/// The user of a call: `user=` (a `NewUser` or a mapping in Truto's field names), or the
/// field keywords, never both.
pub fn user_of<'py>(
    py: Python<'py>,
    user: Option<Bound<'py, PyAny>>,
    fields: Option<&Bound<'py, PyDict>>,
) -> PyResult<Arc<NewUser>> {
    let Some(user) = user else {
        return Ok(Arc::new(user_from_keywords(py, fields)?));
    };
    if fields.is_some_and(|fields| !fields.is_empty()) {
        return Err(PyTypeError::new_err(
            "create_user() takes the user either as user= or as field keywords, not both",
        ));
    }
    if let Ok(new_user) = user.cast::<PyNewUser>() {
        return Ok(Arc::clone(&new_user.get().0));
    }
    new_user_from(&user).map(Arc::new).into_py_result(py)
}

/// A `NewUser` or a mapping in Truto's field names, as the core's user (or its error).
pub fn new_user_from(user: &Bound<'_, PyAny>) -> truto_ticketing::Result<NewUser> {
    if let Ok(new_user) = user.cast::<PyNewUser>() {
        return Ok((*new_user.get().0).clone());
    }
    let json = pythonize::depythonize::<Value>(user)
        .map_err(|error| truto_ticketing::Error::invalid_input("user", error.to_string()))?;
    NewUser::from_json(json)
}

/// The options of `create_user`, as Python passes them.
pub struct OptionArgs<'py> {
    /// `[{"id": ...}]`.
    pub collections: Option<Bound<'py, PyAny>>,
    /// `truto_ignore_remote_data`.
    pub ignore_remote_data: bool,
    /// `truto_exclude_fields`.
    pub exclude_fields: Option<Vec<String>>,
    /// Any mapping.
    pub remote_query: Option<Bound<'py, PyAny>>,
    /// The `Idempotency-Key`.
    pub idempotency_key: Option<String>,
    /// Per-attempt timeout in seconds.
    pub timeout: Option<f64>,
    /// Retries for this call.
    pub max_retries: Option<u32>,
    /// `unified`, `raw`, `normalized` or `stream`.
    pub response_format: String,
}

impl<'py> OptionArgs<'py> {
    /// The core's options and response format.
    pub fn into_core(self, py: Python<'py>) -> PyResult<(CreateUserOptions, ResponseFormat)> {
        let format: ResponseFormat = self.response_format.parse().into_py_result(py)?;
        let mut options = CreateUserOptions::default();
        if let Some(collections) = self.collections {
            options.collections = pythonize::depythonize::<Vec<CollectionRef>>(&collections)
                .map_err(|error| invalid_argument(py, "collections", error))?;
        }
        options.ignore_remote_data = self.ignore_remote_data;
        options.exclude_fields = self.exclude_fields.unwrap_or_default();
        if let Some(query) = self.remote_query {
            options.remote_query = Some(
                pythonize::depythonize::<Map<String, Value>>(&query)
                    .map_err(|error| invalid_argument(py, "remote_query", error))?,
            );
        }
        options.idempotency_key = self.idempotency_key;
        options.timeout = self
            .timeout
            .map(|secs| seconds(py, "timeout", secs))
            .transpose()?;
        options.max_retries = self.max_retries;
        Ok((options, format))
    }
}

/// Seconds as a `Duration`; a negative or non-finite number is refused here because
/// `Duration` cannot hold it (zero is the core's to refuse).
pub fn seconds(py: Python<'_>, field: &str, secs: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(secs)
        .map_err(|_| invalid_argument(py, field, format!("{secs} is not a number of seconds")))
}

fn to_json(py: Python<'_>, field: &str, value: &Bound<'_, PyAny>) -> PyResult<Value> {
    pythonize::depythonize::<Value>(value).map_err(|error| invalid_argument(py, field, error))
}
