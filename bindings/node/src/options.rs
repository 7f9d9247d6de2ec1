//! Every method's options object, as JavaScript spells it (camelCase), into the core's.
//!
//! The options every users call takes are one struct, [`CommonOptions`], read by one
//! function, [`read`], which splits an options object between them and the method's own
//! struct. `optionFields()` exports each struct's field names (read from its serde
//! definition by the core), and tests/surface.test.mjs checks `index.d.ts` against them.
//! `signal` and `onProgress` are `index.js`'s, and never reach this file.

use std::time::{Duration, SystemTime};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use truto_ticketing::bulk::CreateUsersOptions;
use truto_ticketing::time::OffsetDateTime;
use truto_ticketing::time::format_description::well_known::Rfc3339;
use truto_ticketing::{
    CallOptions, CollectionRef, CreateUserOptions, Error, ListUsersOptions, ResponseFormat,
    SortOrder, TimeBounds, struct_fields,
};

use crate::convert::{deserialize, json_type};

/// The options every users call takes.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CommonOptions {
    ignore_remote_data: Option<bool>,
    exclude_fields: Option<Vec<String>>,
    remote_query: Option<Map<String, Value>>,
    timeout_ms: Option<u64>,
    max_retries: Option<u32>,
}

/// `createUser`'s own options.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreateOptions {
    collections: Option<Vec<CollectionRef>>,
    response_format: Option<String>,
    idempotency_key: Option<String>,
}

/// `createUsers`'s own options.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ImportOptions {
    concurrency: Option<usize>,
    rate: Option<f64>,
    collections: Option<Vec<CollectionRef>>,
}

/// `listUsers`'s own options.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ListOptions {
    limit: Option<u32>,
    cursor: Option<String>,
    emails: Option<Vec<String>>,
    name: Option<String>,
    is_active: Option<bool>,
    created_at: Option<Bounds>,
    updated_at: Option<Bounds>,
    /// `{ field: 'asc' | 'desc' }`, in the object's key order.
    sort_by: Option<Map<String, Value>>,
    collections: Option<Vec<CollectionRef>>,
}

/// `updateUser`'s own options.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UpdateOptions {
    idempotency_key: Option<String>,
}

/// `getUser` and `deleteUser` take the common options only.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoOptions {}

/// Bounds on a date-time field; `index.js` hands each `Date` over as RFC 3339 text.
#[derive(Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an object of bounds { gt, gte, lt, lte }"
)]
struct Bounds {
    gt: Option<Instant>,
    gte: Option<Instant>,
    lt: Option<Instant>,
    lte: Option<Instant>,
}

#[derive(Deserialize)]
#[serde(try_from = "String")]
struct Instant(SystemTime);

impl TryFrom<String> for Instant {
    type Error = String;

    fn try_from(text: String) -> Result<Instant, String> {
        OffsetDateTime::parse(&text, &Rfc3339)
            .map(|at| Instant(at.into()))
            .map_err(|_| format!("must be a Date (or RFC 3339 text), not {text:?}"))
    }
}

impl Bounds {
    fn into_core(self) -> TimeBounds {
        let mut bounds = TimeBounds::default();
        bounds.gt = self.gt.map(|at| at.0);
        bounds.gte = self.gte.map(|at| at.0);
        bounds.lt = self.lt.map(|at| at.0);
        bounds.lte = self.lte.map(|at| at.0);
        bounds
    }
}

impl From<CommonOptions> for CallOptions {
    fn from(given: CommonOptions) -> CallOptions {
        let mut options = CallOptions::default();
        options.ignore_remote_data = given.ignore_remote_data.unwrap_or_default();
        options.exclude_fields = given.exclude_fields.unwrap_or_default();
        options.remote_query = given.remote_query;
        options.timeout = given.timeout_ms.map(Duration::from_millis);
        options.max_retries = given.max_retries;
        options
    }
}

/// Each options object's field names as JavaScript spells them, keyed by the name of the
/// interface `index.d.ts` declares for it (`optionFields()`).
pub(crate) fn field_names() -> Vec<(&'static str, &'static [&'static str])> {
    vec![
        (
            "ClientOptions",
            struct_fields::<crate::convert::ClientOptions>(),
        ),
        ("CallOptions", struct_fields::<CommonOptions>()),
        ("CreateUserOptions", struct_fields::<CreateOptions>()),
        ("CreateUsersOptions", struct_fields::<ImportOptions>()),
        ("ListUsersOptions", struct_fields::<ListOptions>()),
        ("UpdateUserOptions", struct_fields::<UpdateOptions>()),
        ("GetUserOptions", struct_fields::<NoOptions>()),
        ("DeleteUserOptions", struct_fields::<NoOptions>()),
    ]
}

/// An options argument as the method's own options and the common ones. A key neither
/// knows is refused, named as the caller spelled it; a wrong type names its path.
fn read<Own: DeserializeOwned + Default>(
    value: Option<Value>,
) -> Result<(Own, CallOptions), Error> {
    let mut own = match value {
        None => return Ok(Default::default()),
        Some(Value::Object(object)) => object,
        Some(other) => {
            return Err(Error::invalid_input(
                "options",
                format!("must be an object, not {}", json_type(&other)),
            ));
        }
    };
    let own_fields = struct_fields::<Own>();
    let common_fields = struct_fields::<CommonOptions>();
    let known = |key: &str| own_fields.contains(&key) || common_fields.contains(&key);
    if let Some(unknown) = own.keys().find(|key| !known(key)) {
        let expected: Vec<String> = own_fields
            .iter()
            .chain(common_fields)
            .map(|field| format!("`{field}`"))
            .collect();
        return Err(Error::invalid_input(
            unknown.clone(),
            format!(
                "unknown field `{unknown}`, expected one of {}",
                expected.join(", ")
            ),
        ));
    }
    let mut common = Map::new();
    for field in common_fields {
        if let Some(value) = own.remove(*field) {
            common.insert((*field).to_owned(), value);
        }
    }
    let own = deserialize(Some(Value::Object(own)), "options")?;
    let common: CommonOptions = deserialize(Some(Value::Object(common)), "options")?;
    Ok((own, common.into()))
}

/// `getUser`'s and `deleteUser`'s options.
pub(crate) fn call_options(value: Option<Value>) -> Result<CallOptions, Error> {
    let (NoOptions {}, call) = read(value)?;
    Ok(call)
}

/// `updateUser`'s options: the common ones and the `Idempotency-Key`.
pub(crate) fn update_options(value: Option<Value>) -> Result<(CallOptions, Option<String>), Error> {
    let (own, call): (UpdateOptions, _) = read(value)?;
    Ok((call, own.idempotency_key))
}

/// `createUser`'s options as core options and a response format.
pub(crate) fn create_options(
    value: Option<Value>,
) -> Result<(CreateUserOptions, ResponseFormat), Error> {
    let (own, call): (CreateOptions, _) = read(value)?;
    let format = match own.response_format {
        Some(format) => format.parse()?,
        None => ResponseFormat::default(),
    };
    let mut options = creating(call, own.collections);
    options.idempotency_key = own.idempotency_key;
    Ok((options, format))
}

/// `createUsers`'s options as the core's.
pub(crate) fn import_options(value: Option<Value>) -> Result<CreateUsersOptions, Error> {
    let (own, call): (ImportOptions, _) = read(value)?;
    let mut options = CreateUsersOptions::default();
    if let Some(concurrency) = own.concurrency {
        options.concurrency = concurrency;
    }
    options.rate_per_second = own.rate;
    options.call = creating(call, own.collections);
    Ok(options)
}

/// `listUsers`'s options as the core's.
pub(crate) fn list_options(value: Option<Value>) -> Result<ListUsersOptions, Error> {
    let (own, call): (ListOptions, _) = read(value)?;
    let mut options = ListUsersOptions::default();
    options.limit = own.limit;
    options.cursor = own.cursor;
    options.emails = own.emails.unwrap_or_default();
    options.name = own.name;
    options.is_active = own.is_active;
    options.created_at = own.created_at.map(Bounds::into_core).unwrap_or_default();
    options.updated_at = own.updated_at.map(Bounds::into_core).unwrap_or_default();
    options.sort_by = sort_orders(own.sort_by.unwrap_or_default())?;
    options.collections = own.collections.unwrap_or_default();
    options.call = call;
    Ok(options)
}

/// `{ name: 'desc', created_at: 'asc' }` as `sort_by` pairs, in key order.
fn sort_orders(sort_by: Map<String, Value>) -> Result<Vec<(String, SortOrder)>, Error> {
    sort_by
        .into_iter()
        .map(|(field, order)| match order.as_str() {
            Some("asc") => Ok((field, SortOrder::Asc)),
            Some("desc") => Ok((field, SortOrder::Desc)),
            _ => Err(Error::invalid_input(
                format!("sort_by.{field}"),
                format!("must be 'asc' or 'desc', not {order}"),
            )),
        })
        .collect()
}

/// The core's create options: the common ones, and the collections to join.
fn creating(call: CallOptions, collections: Option<Vec<CollectionRef>>) -> CreateUserOptions {
    let mut options = CreateUserOptions::default();
    options.collections = collections.unwrap_or_default();
    options.ignore_remote_data = call.ignore_remote_data;
    options.exclude_fields = call.exclude_fields;
    options.remote_query = call.remote_query;
    options.timeout = call.timeout;
    options.max_retries = call.max_retries;
    options
}
