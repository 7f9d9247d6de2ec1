//! JavaScript values into core types, core results and errors back out.
//!
//! Types are checked here only as far as converting needs; every rule about what a
//! value may be (non-empty, a URL, a known role, ...) is the core's. A conversion
//! failure is reported the core's way, as `invalid_input` naming the field.

use std::time::Duration;

use napi::bindgen_prelude::{Env, Unknown, ValueType};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use truto_ticketing::bulk::CreateUsersOptions;
use truto_ticketing::{
    Certificate, ClientBuilder, CollectionRef, CreateUserOptions, Error, NewUser, ResponseFormat,
};

/// The client options as JavaScript spells them.
#[derive(Default, Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "an object of client options"
)]
struct ClientOptions {
    token: Option<String>,
    base_url: Option<String>,
    timeout_ms: Option<u64>,
    connect_timeout_ms: Option<u64>,
    max_retries: Option<u32>,
    /// PEM text of root certificates to trust besides the system's.
    ca_cert: Option<String>,
}

/// The per-call options as JavaScript spells them (`signal` is handled by `index.js`).
#[derive(Default, Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "an object of call options"
)]
struct CallOptions {
    collections: Option<Vec<CollectionRef>>,
    response_format: Option<String>,
    ignore_remote_data: Option<bool>,
    exclude_fields: Option<Vec<String>>,
    remote_query: Option<Map<String, Value>>,
    idempotency_key: Option<String>,
    timeout_ms: Option<u64>,
    max_retries: Option<u32>,
}

/// Reads a JavaScript argument as JSON; `undefined` and `null` are `None`.
pub(crate) fn json_argument(
    env: &Env,
    value: Unknown<'_>,
    argument: &str,
) -> Result<Option<Value>, Error> {
    let kind = value
        .get_type()
        .map_err(|error| Error::invalid_input(argument, error.reason))?;
    if matches!(kind, ValueType::Undefined | ValueType::Null) {
        return Ok(None);
    }
    env.from_js_value::<Value, _>(value)
        .map(Some)
        .map_err(|error| Error::invalid_input(argument, error.reason))
}

/// The user from `JSON.stringify(user)`, which `index.js` sends for plain JSON data: one
/// string crossing N-API instead of a call per property. Whatever that text does not
/// make a user from (bad input, and the rare text serde_json refuses: a lone surrogate,
/// nesting deeper than 128) is read again the slow way from `user`, so that errors are
/// exactly those of the walk.
pub(crate) fn user_from_json_text(
    env: &Env,
    text: &str,
    user: Unknown<'_>,
) -> Result<NewUser, Error> {
    NewUser::from_json_str(text).or_else(|_| user_from_js(env, user))
}

/// The user read by walking the JavaScript value.
pub(crate) fn user_from_js(env: &Env, user: Unknown<'_>) -> Result<NewUser, Error> {
    NewUser::from_json(json_argument(env, user, "user")?.unwrap_or_default())
}

/// The integrated account id: a string, or the core's own "must not be empty" when absent.
pub(crate) fn account_id(value: Option<Value>) -> Result<String, Error> {
    match value {
        Some(Value::String(id)) => Ok(id),
        None => Ok(String::new()),
        Some(other) => Err(Error::invalid_input(
            "integrated_account_id",
            format!("must be a string, not {}", json_type(&other)),
        )),
    }
}

/// Applies `new Client(options)` to a core builder.
pub(crate) fn client_builder(options: Option<Value>) -> Result<ClientBuilder, Error> {
    let given: ClientOptions = deserialize(options, "options")?;
    let mut builder = truto_ticketing::Client::builder();
    if let Some(token) = given.token {
        builder = builder.token(token);
    }
    if let Some(base_url) = given.base_url {
        builder = builder.base_url(base_url);
    }
    if let Some(millis) = given.timeout_ms {
        builder = builder.timeout(Duration::from_millis(millis));
    }
    if let Some(millis) = given.connect_timeout_ms {
        builder = builder.connect_timeout(Duration::from_millis(millis));
    }
    if let Some(retries) = given.max_retries {
        builder = builder.max_retries(retries);
    }
    if let Some(pem) = given.ca_cert {
        builder = builder.add_root_certificates(Certificate::from_pem_bundle(pem.as_bytes())?);
    }
    Ok(builder)
}

/// The options argument of `createUser` as core options and a response format.
pub(crate) fn call_options(
    options: Option<Value>,
) -> Result<(CreateUserOptions, ResponseFormat), Error> {
    let given: CallOptions = deserialize(options, "options")?;
    let format = match given.response_format {
        Some(format) => format.parse()?,
        None => ResponseFormat::default(),
    };
    let mut options = CreateUserOptions::default();
    options.collections = given.collections.unwrap_or_default();
    options.ignore_remote_data = given.ignore_remote_data.unwrap_or_default();
    options.exclude_fields = given.exclude_fields.unwrap_or_default();
    options.remote_query = given.remote_query;
    options.idempotency_key = given.idempotency_key;
    options.timeout = given.timeout_ms.map(Duration::from_millis);
    options.max_retries = given.max_retries;
    Ok((options, format))
}

/// Deserializes an options object; a wrong type names its path in the core's
/// snake_case spelling (`maxRetries` → `max_retries`), as every language reports it.
fn deserialize<T: DeserializeOwned + Default>(
    value: Option<Value>,
    argument: &str,
) -> Result<T, Error> {
    let Some(value) = value else {
        return Ok(T::default());
    };
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let field = if path == "." {
            argument.to_owned()
        } else {
            snake_case(&path)
        };
        Error::invalid_input(field, error.into_inner().to_string())
    })
}

fn snake_case(camel: &str) -> String {
    let mut snake = String::with_capacity(camel.len() + 4);
    for character in camel.chars() {
        if character.is_ascii_uppercase() {
            snake.push('_');
            snake.push(character.to_ascii_lowercase());
        } else {
            snake.push(character);
        }
    }
    snake
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `createUsers`'s options as JavaScript spells them (`signal` and `onProgress` are handled
/// by `index.js`).
#[derive(Default, Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "an object of import options"
)]
struct ImportOptions {
    concurrency: Option<usize>,
    rate: Option<f64>,
    collections: Option<Vec<CollectionRef>>,
    ignore_remote_data: Option<bool>,
    exclude_fields: Option<Vec<String>>,
    remote_query: Option<Map<String, Value>>,
    timeout_ms: Option<u64>,
    max_retries: Option<u32>,
}

/// The options argument of `createUsers` as the core's.
pub(crate) fn bulk_options(options: Option<Value>) -> Result<CreateUsersOptions, Error> {
    let given: ImportOptions = deserialize(options, "options")?;
    let mut options = CreateUsersOptions::default();
    if let Some(concurrency) = given.concurrency {
        options.concurrency = concurrency;
    }
    options.rate_per_second = given.rate;
    options.call.collections = given.collections.unwrap_or_default();
    options.call.ignore_remote_data = given.ignore_remote_data.unwrap_or_default();
    options.call.exclude_fields = given.exclude_fields.unwrap_or_default();
    options.call.remote_query = given.remote_query;
    options.call.timeout = given.timeout_ms.map(Duration::from_millis);
    options.call.max_retries = given.max_retries;
    Ok(options)
}
