//! Runs every conformance case (`tests/conformance/cases/*.json`) against the sandbox
//! through the Rust core, over HTTPS (the client trusting the sandbox's CA, as one
//! behind a corporate TLS proxy would) and over plain HTTP. The format is described in
//! `tests/conformance/README.md`.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

mod bulk;
mod users;

use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::{Value, json};
use truto_sandbox::{Fault, Sandbox, SandboxConfig};
use truto_ticketing::{
    Certificate, Client, CreateUserOptions, CreateUserResponse, Error, NewUser, ResponseFormat,
};

fn main() {
    let mut arguments = Arguments::from_args();
    // One sandbox per scheme serves every case and each case resets it: cases run one at
    // a time.
    arguments.test_threads = Some(1);
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let start = |tls| {
        runtime
            .block_on(Sandbox::start(SandboxConfig {
                tls,
                ..SandboxConfig::default()
            }))
            .expect("start the sandbox")
    };
    let sandboxes = [("https", start(true)), ("http", start(false))];
    let context = std::sync::Arc::new((runtime, sandboxes));

    let mut trials = Vec::new();
    for scheme in 0..2 {
        for path in case_files() {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let context = context.clone();
            let label = format!("{}/{name}", context.1[scheme].0);
            trials.push(Trial::test(label, move || {
                let (runtime, sandboxes) = &*context;
                let case = read_case(&path)?;
                runtime.block_on(run_case(&sandboxes[scheme].1, &case))
            }));
        }
    }
    for path in bulk::case_files() {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let context = context.clone();
        trials.push(Trial::test(format!("https/bulk/{name}"), move || {
            let (runtime, sandboxes) = &*context;
            let case = read_case(&path)?;
            let sandbox = &sandboxes[0].1;
            let outcome = runtime.block_on(bulk::run_case(sandbox, &case));
            // Leave the sandbox as the other cases expect it: Truto's limits.
            sandbox.set_rate_limits(Some(truto_sandbox::RateLimits::truto_defaults()));
            outcome
        }));
    }
    libtest_mimic::run(&arguments, trials).exit();
}

fn case_files() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance/cases");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|error| panic!("read {}: {error}", folder.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no conformance cases in {}",
        folder.display()
    );
    files
}

fn read_case(path: &Path) -> Result<Value, Failed> {
    let text = std::fs::read_to_string(path).map_err(|error| error.to_string())?;
    Ok(serde_json::from_str(&text).map_err(|error| error.to_string())?)
}

/// The outcome of one call, in the shape the expectations speak of.
enum Outcome {
    Success(Value, ResultShape),
    Failure(Error),
}

#[derive(PartialEq, Debug)]
enum ResultShape {
    User,
    Json,
    Bytes,
    /// A listing: every user read, and how many each page held.
    Users {
        page_sizes: Vec<usize>,
    },
    /// A deletion: the id answered.
    Deleted,
}

async fn run_case(sandbox: &Sandbox, case: &Value) -> Result<(), Failed> {
    sandbox.reset();
    let account = case["call"]["integrated_account_id"]
        .as_str()
        .unwrap_or_default();
    let seeds = match &case["seed"] {
        Value::Null => Vec::new(),
        Value::Array(seeds) => seeds.clone(),
        seed => vec![seed.clone()],
    };
    for seed in seeds {
        sandbox
            .seed(serde_json::from_value(seed)?)
            .map_err(|error| format!("seeding: {error}"))?;
    }
    if let Some(faults) = case.get("faults") {
        let faults: Vec<Fault> = serde_json::from_value(faults.clone())?;
        sandbox.push_faults(account, faults);
    }

    let client = build_client(sandbox, &case["client"]);
    for before in case["before"].as_array().into_iter().flatten() {
        let _ = make_call(&client, before).await;
    }
    let repeat = case["repeat"].as_u64().unwrap_or(1);
    let started = Instant::now();
    let mut outcomes = Vec::new();
    for _ in 0..repeat {
        outcomes.push(make_call(&client, &case["call"]).await);
    }
    let elapsed = started.elapsed();

    let expect = &case["expect"];
    check_outcome(expect, outcomes.last().unwrap())?;
    check_elapsed(expect, elapsed)?;
    if expect["same_user_each_call"] == true {
        let ids: Vec<Value> = outcomes
            .iter()
            .map(|outcome| match outcome {
                Outcome::Success(value, _) => value["id"].clone(),
                Outcome::Failure(error) => json!(error.to_string()),
            })
            .collect();
        ensure(ids.windows(2).all(|pair| pair[0] == pair[1]), || {
            format!("calls returned different users: {ids:?}")
        })?;
    }
    if let Some(expected) = case.get("sandbox") {
        check_sandbox(sandbox, account, expected)?;
    }
    Ok(())
}

fn build_client(sandbox: &Sandbox, settings: &Value) -> Result<Client, Error> {
    let mut builder = Client::builder()
        .token(settings["token"].as_str().unwrap_or(sandbox.token()))
        .base_url(settings["base_url"].as_str().unwrap_or(sandbox.url()));
    if let Some(ca) = sandbox.ca_pem() {
        builder = builder.add_root_certificates(Certificate::from_pem_bundle(ca.as_bytes())?);
    }
    if let Some(retries) = settings["max_retries"].as_u64() {
        builder = builder.max_retries(retries as u32);
    }
    if let Some(timeout) = settings["timeout_ms"].as_u64() {
        builder = builder.timeout(Duration::from_millis(timeout));
    }
    builder.build()
}

async fn make_call(client: &Result<Client, Error>, call: &Value) -> Outcome {
    let client = match client {
        Ok(client) => client,
        Err(error) => return Outcome::Failure(error.clone()),
    };
    match call["method"].as_str().unwrap_or("create") {
        "create" => {}
        "list" => return users::list(client, call).await,
        "get" => return users::get(client, call).await,
        "update" => return users::update(client, call).await,
        "delete" => return users::delete(client, call).await,
        other => {
            return Outcome::Failure(Error::invalid_input(
                "method",
                format!("the runner has no method {other}"),
            ));
        }
    }
    match send(client, call).await {
        Ok(CreateUserResponse::User(user)) => {
            Outcome::Success(serde_json::to_value(user).unwrap(), ResultShape::User)
        }
        Ok(CreateUserResponse::Json(value)) => Outcome::Success(value, ResultShape::Json),
        Ok(CreateUserResponse::Bytes(bytes)) => Outcome::Success(
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            ResultShape::Bytes,
        ),
        Err(error) => Outcome::Failure(error),
    }
}

async fn send(client: &Client, call: &Value) -> truto_ticketing::Result<CreateUserResponse> {
    let user = NewUser::from_json(call["user"].clone())?;
    let given = &call["options"];
    let mut options = CreateUserOptions::default();
    options.collections = users::collections(given);
    let common = users::call_options(given);
    options.ignore_remote_data = common.ignore_remote_data;
    options.exclude_fields = common.exclude_fields;
    options.remote_query = common.remote_query;
    options.timeout = common.timeout;
    options.max_retries = common.max_retries;
    options.idempotency_key = given["idempotency_key"].as_str().map(str::to_owned);
    let format = match given["response_format"].as_str() {
        Some(format) => ResponseFormat::from_str(format)?,
        None => ResponseFormat::Unified,
    };
    let account = call["integrated_account_id"].as_str().unwrap();
    client
        .create_user_with(account, &user, &options, format)
        .await
}

fn check_outcome(expect: &Value, outcome: &Outcome) -> Result<(), Failed> {
    let wanted = expect["result"].as_str().unwrap();
    match outcome {
        Outcome::Failure(error) => {
            ensure(wanted == "error", || {
                format!("expected a {wanted}, got error: {error}")
            })?;
            check_error(expect, error)
        }
        Outcome::Success(value, shape) => {
            let shape_name = match shape {
                ResultShape::User => "user",
                ResultShape::Json => "json",
                ResultShape::Bytes => "bytes",
                ResultShape::Users { .. } => "users",
                ResultShape::Deleted => "deleted",
            };
            ensure(wanted == shape_name, || {
                format!("expected {wanted}, got {shape_name}: {value}")
            })?;
            if let ResultShape::Users { page_sizes } = shape {
                users::check_listing(expect, value, page_sizes)?;
            }
            if let Some(id) = expect.get("deleted_id") {
                ensure(value == id, || format!("deleted {value}, expected {id}"))?;
            }
            for (subset_key, has_key, lacks_key) in [
                ("user", "user_has", "user_lacks"),
                ("json", "json_has", "json_lacks"),
                ("bytes_json", "", ""),
            ] {
                if let Some(subset) = expect.get(subset_key) {
                    matches_subset(subset, value, "$")?;
                }
                for key in expect[has_key].as_array().into_iter().flatten() {
                    let key = key.as_str().unwrap();
                    ensure(!value[key].is_null(), || {
                        format!("result lacks `{key}`: {value}")
                    })?;
                }
                for key in expect[lacks_key].as_array().into_iter().flatten() {
                    let key = key.as_str().unwrap();
                    ensure(value[key].is_null(), || {
                        format!("result has `{key}`: {value}")
                    })?;
                }
            }
            Ok(())
        }
    }
}

fn check_error(expect: &Value, error: &Error) -> Result<(), Failed> {
    let wanted = &expect["error"];
    let shown = format!("{error} / {error:?}");
    ensure(wanted["kind"] == error.kind().as_str(), || {
        format!("wrong kind: {shown}")
    })?;
    if let Some(status) = wanted.get("status") {
        ensure(json!(error.status()) == *status, || {
            format!("wrong status: {shown}")
        })?;
    }
    if let Some(field) = wanted.get("field") {
        ensure(json!(error.field()) == *field, || {
            format!("wrong field: {shown}")
        })?;
    }
    if let Some(attempts) = wanted.get("attempts") {
        ensure(json!(error.attempts()) == *attempts, || {
            format!("wrong attempts: {shown}")
        })?;
    }
    if let Some(missing) = wanted.get("missing_required_fields") {
        ensure(json!(error.missing_required_fields()) == *missing, || {
            format!("wrong missing fields: {shown}")
        })?;
    }
    if let Some(seconds) = wanted.get("retry_after_s") {
        let got = error.retry_after().map(|delay| delay.as_secs());
        ensure(json!(got) == *seconds, || {
            format!("wrong retry_after: {shown}")
        })?;
    }
    if let Some(remote) = wanted.get("is_remote_error") {
        ensure(json!(error.is_remote_error()) == *remote, || {
            format!("wrong remote flag: {shown}")
        })?;
    }
    if let Some(text) = wanted["message_contains"].as_str() {
        ensure(error.message().contains(text), || {
            format!("message lacks `{text}`: {shown}")
        })?;
    }
    if wanted["has_request_id"] == true {
        ensure(error.request_id().is_some(), || {
            format!("no request id: {shown}")
        })?;
    }
    for secret in expect["secrets_absent"].as_array().into_iter().flatten() {
        let secret = secret.as_str().unwrap();
        for text in [&shown, error.message(), error.body().unwrap_or_default()] {
            ensure(!text.contains(secret), || format!("secret leaked: {text}"))?;
        }
    }
    Ok(())
}

fn check_elapsed(expect: &Value, elapsed: Duration) -> Result<(), Failed> {
    let millis = elapsed.as_millis() as u64;
    if let Some(min) = expect["min_elapsed_ms"].as_u64() {
        ensure(millis >= min, || {
            format!("took {millis} ms, expected at least {min}")
        })?;
    }
    if let Some(max) = expect["max_elapsed_ms"].as_u64() {
        ensure(millis <= max, || {
            format!("took {millis} ms, expected at most {max}")
        })?;
    }
    Ok(())
}

fn check_sandbox(sandbox: &Sandbox, account: &str, expected: &Value) -> Result<(), Failed> {
    let requests: Vec<Value> = serde_json::from_value(serde_json::to_value(sandbox.requests())?)?;
    if let Some(count) = expected["requests"].as_u64() {
        ensure(requests.len() as u64 == count, || {
            format!("sandbox saw {} requests, expected {count}", requests.len())
        })?;
    }
    if let Some(count) = expected["users_stored"].as_u64() {
        let users = sandbox.stored_users(Some(account));
        ensure(users.len() as u64 == count, || {
            format!("sandbox stored {} users, expected {count}", users.len())
        })?;
    }
    if let Some(last) = expected.get("last_request") {
        let got = requests.last().ok_or("the sandbox saw no request")?;
        for key in ["method", "path", "query_pairs", "body"] {
            if let Some(want) = last.get(key) {
                ensure(got[key] == *want, || {
                    format!("last request {key}: got {}, expected {want}", got[key])
                })?;
            }
        }
        if let Some(headers) = last.get("headers") {
            matches_subset(headers, &got["headers"], "headers")?;
        }
    }
    match expected["idempotency_key"].as_str() {
        Some("uuid4") => {
            let key = requests
                .last()
                .map(|r| r["headers"]["idempotency-key"].clone());
            let parsed = key
                .as_ref()
                .and_then(Value::as_str)
                .and_then(|k| uuid::Uuid::parse_str(k).ok());
            ensure(
                parsed.is_some_and(|uuid| uuid.get_version_num() == 4),
                || format!("idempotency key is not a UUID v4: {key:?}"),
            )?;
        }
        Some("same") => {
            let keys: Vec<&Value> = requests
                .iter()
                .map(|r| &r["headers"]["idempotency-key"])
                .collect();
            ensure(
                keys.first().is_some_and(|first| first.is_string())
                    && keys.windows(2).all(|p| p[0] == p[1]),
                || format!("idempotency keys differ: {keys:?}"),
            )?;
        }
        _ => {}
    }
    Ok(())
}

/// Objects match key by key (extra keys allowed), arrays element by element, scalars by equality.
fn matches_subset(expected: &Value, actual: &Value, at: &str) -> Result<(), Failed> {
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) => {
            for (key, value) in want {
                let next = format!("{at}.{key}");
                matches_subset(value, got.get(key).unwrap_or(&Value::Null), &next)?;
            }
            Ok(())
        }
        (Value::Array(want), Value::Array(got)) => {
            ensure(want.len() == got.len(), || {
                format!("{at}: expected {expected}, got {actual}")
            })?;
            for (index, (want, got)) in want.iter().zip(got).enumerate() {
                matches_subset(want, got, &format!("{at}[{index}]"))?;
            }
            Ok(())
        }
        _ => ensure(expected == actual, || {
            format!("{at}: expected {expected}, got {actual}")
        }),
    }
}

fn ensure(condition: bool, message: impl FnOnce() -> String) -> Result<(), Failed> {
    if condition {
        Ok(())
    } else {
        Err(message().into())
    }
}
