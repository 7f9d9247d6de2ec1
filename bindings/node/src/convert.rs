//! JavaScript arguments into core types: the client's options, ids and users (each
//! method's options are `options.rs`'s).
//!
//! Types are checked here only as far as converting needs; every rule about what a
//! value may be (non-empty, a URL, a known role, ...) is the core's. A conversion
//! failure is reported the core's way, as `invalid_input` naming the field.

use std::time::Duration;

use napi::bindgen_prelude::{Env, Unknown, ValueType};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use truto_ticketing::{Certificate, ClientBuilder, Error, NewUser};

/// The client options as JavaScript spells them.
#[derive(Default, Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "an object of client options"
)]
pub(crate) struct ClientOptions {
    token: Option<String>,
    base_url: Option<String>,
    timeout_ms: Option<u64>,
    connect_timeout_ms: Option<u64>,
    max_retries: Option<u32>,
    /// PEM text of root certificates to trust besides the system's.
    ca_cert: Option<String>,
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

/// A user argument, `userJson` being `JSON.stringify(user)` when `index.js` found it plain.
pub(crate) fn user_argument(
    env: &Env,
    user: Unknown<'_>,
    user_json: Option<String>,
) -> Result<NewUser, Error> {
    match user_json {
        Some(text) => user_from_json_text(env, &text, user),
        None => user_from_js(env, user),
    }
}

/// `updateUser`'s changes: read as a user, the argument itself named `changes`.
pub(crate) fn changes_argument(
    env: &Env,
    changes: Unknown<'_>,
    changes_json: Option<String>,
) -> Result<NewUser, Error> {
    user_argument(env, changes, changes_json).map_err(|error| match error.field() {
        Some("user") => {
            let reason = error.message().trim_start_matches("user: ");
            Error::invalid_input("changes", reason)
        }
        _ => error,
    })
}

/// A string argument (the account id, a user id): absent is empty, for the core to
/// refuse with its own "must not be empty".
pub(crate) fn text_argument(env: &Env, value: Unknown<'_>, name: &str) -> Result<String, Error> {
    match json_argument(env, value, name)? {
        Some(Value::String(text)) => Ok(text),
        None => Ok(String::new()),
        Some(other) => Err(Error::invalid_input(
            name,
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

/// Deserializes an options object; a wrong type names its path in the core's
/// snake_case spelling (`maxRetries` → `max_retries`), as every language reports it.
pub(crate) fn deserialize<T: DeserializeOwned + Default>(
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

pub(crate) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
