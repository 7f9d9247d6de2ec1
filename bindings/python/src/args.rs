//! Python arguments in, core values out. Every argument is converted here, before
//! anything is sent: a value of the wrong type is an `InvalidInputError` naming the
//! argument (`limit`, `created_at.gte`), like the values the core refuses. The user's
//! fields go through `NewUser::from_json`, which names the field it refuses.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyDict, PyMapping, PyString, PyTzInfo};
use serde_json::{Map, Value};
use truto_ticketing::time::UtcDateTime;
use truto_ticketing::{
    CallOptions, CollectionRef, CreateUserOptions, NewUser, ResponseFormat, SortOrder, TimeBounds,
};

use crate::errors::{IntoPyResult, invalid_argument};
use crate::models::PyNewUser;

/// A Python argument as the core's value, refused as an `InvalidInputError` naming
/// `field` when it cannot be one. `None` is "not given" for the `Option`s. Every argument
/// of the methods declared with `methods.rs` goes through it.
pub trait FromArg<'py>: Sized {
    /// Converts `value`, the argument `field`.
    fn from_arg(value: &Bound<'py, PyAny>, field: &str) -> PyResult<Self>;
}

impl<'py, T: FromArg<'py>> FromArg<'py> for Option<T> {
    fn from_arg(value: &Bound<'py, PyAny>, field: &str) -> PyResult<Self> {
        if value.is_none() {
            return Ok(None);
        }
        T::from_arg(value, field).map(Some)
    }
}

/// Any object, converted later (the user, given as a `NewUser` or a mapping).
impl<'py> FromArg<'py> for Bound<'py, PyAny> {
    fn from_arg(value: &Bound<'py, PyAny>, _field: &str) -> PyResult<Self> {
        Ok(value.clone())
    }
}

/// Python's own conversion of the type; its refusal reworded as what was expected.
macro_rules! extracted {
    ($($type:ty => $expected:literal),* $(,)?) => {$(
        impl<'py> FromArg<'py> for $type {
            fn from_arg(value: &Bound<'py, PyAny>, field: &str) -> PyResult<Self> {
                value.extract().map_err(|_| refused(value, field, $expected))
            }
        }
    )*};
}

extracted! {
    bool => "a bool",
    u32 => "a whole number from 0 to 4294967295",
    usize => "a whole number, 0 or more",
    f64 => "a number",
    String => "a str",
}

fn refused(value: &Bound<'_, PyAny>, field: &str, expected: &str) -> PyErr {
    let given = value
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |name| name.to_string());
    invalid_argument(
        value.py(),
        field,
        format!("must be {expected}, not {given}"),
    )
}

/// A list of strings; a `str` is refused rather than read as its characters.
impl<'py> FromArg<'py> for Vec<String> {
    fn from_arg(value: &Bound<'py, PyAny>, field: &str) -> PyResult<Self> {
        if value.is_instance_of::<PyString>() {
            return Err(refused(value, field, "a list of str"));
        }
        value
            .extract()
            .map_err(|_| refused(value, field, "a list of str"))
    }
}

/// Seconds, as a `float` or an `int`; negative or not finite is refused.
impl<'py> FromArg<'py> for Duration {
    fn from_arg(value: &Bound<'py, PyAny>, field: &str) -> PyResult<Self> {
        seconds(value.py(), field, f64::from_arg(value, field)?)
    }
}

/// A JSON object: `remote_query`.
impl<'py> FromArg<'py> for Map<String, Value> {
    fn from_arg(value: &Bound<'py, PyAny>, field: &str) -> PyResult<Self> {
        pythonize::depythonize(value).map_err(|error| invalid_argument(value.py(), field, error))
    }
}

/// `[{"id": "42"}]`.
impl<'py> FromArg<'py> for Vec<CollectionRef> {
    fn from_arg(value: &Bound<'py, PyAny>, field: &str) -> PyResult<Self> {
        pythonize::depythonize(value).map_err(|error| invalid_argument(value.py(), field, error))
    }
}

/// `"unified"`, `"raw"`, `"normalized"` or `"stream"`.
impl<'py> FromArg<'py> for ResponseFormat {
    fn from_arg(value: &Bound<'py, PyAny>, field: &str) -> PyResult<Self> {
        String::from_arg(value, field)?
            .parse()
            .into_py_result(value.py())
    }
}

/// `{"gte": datetime(...), "lt": ...}`: bounds on a date-time field.
impl<'py> FromArg<'py> for TimeBounds {
    fn from_arg(value: &Bound<'py, PyAny>, field: &str) -> PyResult<Self> {
        let mut bounds = TimeBounds::default();
        for (op, instant) in mapping(value, field, "a dict of gt, gte, lt, lte")? {
            let op = String::from_arg(&op, field)?;
            let slot = match op.as_str() {
                "gt" => &mut bounds.gt,
                "gte" => &mut bounds.gte,
                "lt" => &mut bounds.lt,
                "lte" => &mut bounds.lte,
                _ => {
                    return Err(invalid_argument(
                        value.py(),
                        field,
                        format!("{op:?} is not a bound (gt, gte, lt, lte)"),
                    ));
                }
            };
            *slot = Some(SystemTime::from_arg(&instant, &format!("{field}.{op}"))?);
        }
        Ok(bounds)
    }
}

/// An aware `datetime`, as an instant. A naive one is refused: it could be any time zone.
impl<'py> FromArg<'py> for SystemTime {
    fn from_arg(value: &Bound<'py, PyAny>, field: &str) -> PyResult<Self> {
        let py = value.py();
        if !value.is_instance_of::<PyDateTime>() {
            return Err(refused(value, field, "a datetime"));
        }
        let offset = value
            .call_method0("utcoffset")
            .map_err(|error| invalid_argument(py, field, error))?;
        if offset.is_none() {
            return Err(invalid_argument(
                py,
                field,
                "is a naive datetime: give it a time zone (tzinfo=timezone.utc)",
            ));
        }
        let utc = value
            .call_method1("astimezone", (PyTzInfo::utc(py)?,))
            .map_err(|error| invalid_argument(py, field, error))?;
        let utc: UtcDateTime = utc
            .extract()
            .map_err(|error| invalid_argument(py, field, error))?;
        Ok(utc.into())
    }
}

/// `sort_by={"name": "desc", "created_at": "asc"}`: the fields in order, each `"asc"` or
/// `"desc"`.
pub struct SortBy(pub Vec<(String, SortOrder)>);

impl<'py> FromArg<'py> for SortBy {
    fn from_arg(value: &Bound<'py, PyAny>, field: &str) -> PyResult<Self> {
        let mut sort = Vec::new();
        for (name, order) in mapping(value, field, "a dict of field names to \"asc\" or \"desc\"")?
        {
            let name = String::from_arg(&name, field)?;
            let order = match String::from_arg(&order, &format!("{field}.{name}"))?.as_str() {
                "asc" => SortOrder::Asc,
                "desc" => SortOrder::Desc,
                other => {
                    return Err(invalid_argument(
                        value.py(),
                        &format!("{field}.{name}"),
                        format!("must be \"asc\" or \"desc\", not {other:?}"),
                    ));
                }
            };
            sort.push((name, order));
        }
        Ok(SortBy(sort))
    }
}

/// The items of a mapping, in order.
fn mapping<'py>(
    value: &Bound<'py, PyAny>,
    field: &str,
    expected: &str,
) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
    let items = value
        .cast::<PyMapping>()
        .map_err(|_| refused(value, field, expected))?
        .items()?;
    items
        .iter()
        .map(|item| item.extract())
        .collect::<PyResult<_>>()
}

/// The options every users call takes, converted.
pub struct CallArgs {
    pub ignore_remote_data: bool,
    pub exclude_fields: Option<Vec<String>>,
    pub remote_query: Option<Map<String, Value>>,
    pub timeout: Option<Duration>,
    pub max_retries: Option<u32>,
}

impl CallArgs {
    /// The core's options.
    pub fn into_core(self) -> CallOptions {
        let mut options = CallOptions::default();
        options.ignore_remote_data = self.ignore_remote_data;
        options.exclude_fields = self.exclude_fields.unwrap_or_default();
        options.remote_query = self.remote_query;
        options.timeout = self.timeout;
        options.max_retries = self.max_retries;
        options
    }
}

/// `create_user`'s options: the common ones, the projects and the idempotency key.
pub fn create_options(
    call: CallOptions,
    collections: Option<Vec<CollectionRef>>,
    idempotency_key: Option<String>,
) -> CreateUserOptions {
    let mut options = CreateUserOptions::default();
    options.collections = collections.unwrap_or_default();
    options.ignore_remote_data = call.ignore_remote_data;
    options.exclude_fields = call.exclude_fields;
    options.remote_query = call.remote_query;
    options.idempotency_key = idempotency_key;
    options.timeout = call.timeout;
    options.max_retries = call.max_retries;
    options
}

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

/// Seconds as a `Duration`; a negative or non-finite number is refused here because
/// `Duration` cannot hold it (zero is the core's to refuse).
pub fn seconds(py: Python<'_>, field: &str, secs: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(secs)
        .map_err(|_| invalid_argument(py, field, format!("{secs} is not a number of seconds")))
}

fn to_json(py: Python<'_>, field: &str, value: &Bound<'_, PyAny>) -> PyResult<Value> {
    pythonize::depythonize::<Value>(value).map_err(|error| invalid_argument(py, field, error))
}
