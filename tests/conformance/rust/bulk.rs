//! Runs every bulk conformance case (`tests/conformance/bulk/*.json`) through the Rust
//! core's `create_users`. The format is described in `tests/conformance/README.md`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use libtest_mimic::Failed;
use serde_json::Value;
use truto_sandbox::{Fault, RateLimits, Sandbox};
use truto_ticketing::bulk::{BulkRow, CreateUsersOptions, Progress, RowOutcome};
use truto_ticketing::{Certificate, Client, NewUser};

use crate::{check_elapsed, ensure};

pub fn case_files() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance/bulk");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|error| panic!("read {}: {error}", folder.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no bulk cases in {}", folder.display());
    files
}

/// The rows a case describes: a list of `{id, user}`, or `generate` rows numbered from 1
/// with `{n}` in every string of `user` replaced by the number.
pub fn rows(spec: &Value) -> Vec<(String, Value)> {
    if let Some(count) = spec["generate"].as_u64() {
        return (1..=count)
            .map(|n| (n.to_string(), fill(&spec["user"], &n.to_string())))
            .collect();
    }
    spec.as_array()
        .expect("rows: a list or {generate, user}")
        .iter()
        .map(|row| (row["id"].as_str().unwrap().to_owned(), row["user"].clone()))
        .collect()
}

fn fill(template: &Value, n: &str) -> Value {
    match template {
        Value::String(text) => Value::String(text.replace("{n}", n)),
        Value::Array(items) => Value::Array(items.iter().map(|item| fill(item, n)).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, value)| (key.clone(), fill(value, n)))
                .collect(),
        ),
        other => other.clone(),
    }
}

pub async fn run_case(sandbox: &Sandbox, case: &Value) -> Result<(), Failed> {
    sandbox.reset();
    let bulk = &case["bulk"];
    let account = bulk["integrated_account_id"].as_str().unwrap_or_default();
    let limits = case.get("rate_limits").map(|limits| RateLimits {
        per_account: limits["per_account"].as_u64().unwrap() as u32,
        per_token: limits["per_token"].as_u64().unwrap() as u32,
        window: Duration::from_secs_f64(limits["window_secs"].as_f64().unwrap()),
    });
    sandbox.set_rate_limits(limits);
    if let Some(faults) = case.get("faults") {
        let faults: Vec<Fault> = serde_json::from_value(faults.clone())?;
        sandbox.push_faults(account, faults);
    }
    // A fresh client per case: pacing is learned per client.
    let mut builder = Client::builder()
        .token(sandbox.token())
        .base_url(sandbox.url())
        .retry_policy(truto_ticketing::RetryPolicy {
            initial_backoff: Duration::from_millis(50),
            ..Default::default()
        });
    if let Some(ca) = sandbox.ca_pem() {
        builder = builder.add_root_certificates(Certificate::from_pem_bundle(ca.as_bytes())?);
    }
    let client = builder.build()?;
    let options_spec = &bulk["options"];
    let mut options = CreateUsersOptions::default();
    if let Some(concurrency) = options_spec["concurrency"].as_u64() {
        options.concurrency = concurrency as usize;
    }
    if let Some(retries) = options_spec["max_retries"].as_u64() {
        options.call.max_retries = Some(retries as u32);
    }
    let runs = bulk["runs"].as_u64().unwrap_or(1);
    let started = Instant::now();
    let mut last: Vec<RowOutcome> = Vec::new();
    for _ in 0..runs {
        let rows =
            rows(&bulk["rows"])
                .into_iter()
                .map(|(id, user)| match NewUser::from_json(user) {
                    Ok(user) => BulkRow::new(id, user),
                    Err(error) => BulkRow::unreadable(id, error),
                });
        let outcomes =
            client.create_users(account, futures_util::stream::iter(rows), options.clone())?;
        last = outcomes.collect().await;
    }
    let elapsed = started.elapsed();
    check(case, &last, elapsed)?;
    check_sandbox(sandbox, account, &case["sandbox"])
}

fn check(case: &Value, outcomes: &[RowOutcome], elapsed: Duration) -> Result<(), Failed> {
    let expect = &case["expect"];
    let expected_rows = rows(&case["bulk"]["rows"]);
    let mut seen: Vec<&str> = outcomes
        .iter()
        .map(|outcome| outcome.row_id.as_str())
        .collect();
    seen.sort_unstable();
    let mut ids: Vec<&str> = expected_rows.iter().map(|(id, _)| id.as_str()).collect();
    ids.sort_unstable();
    ensure(seen == ids, || {
        format!("one outcome per row expected; got {seen:?}")
    })?;
    let progress: Progress = outcomes
        .iter()
        .map(|outcome| outcome.progress.clone())
        .max_by_key(|progress| progress.rows)
        .unwrap_or_default();
    for (key, got) in [
        ("created", progress.created),
        ("replayed", progress.replayed),
        ("failed", progress.failed),
    ] {
        if let Some(want) = expect[key].as_u64() {
            ensure(got == want, || {
                format!("{key}: {got}, expected {want} ({progress:?})")
            })?;
        }
    }
    if let Some(failed_rows) = expect["failed_rows"].as_object() {
        for (row, kind) in failed_rows {
            let outcome = outcomes
                .iter()
                .find(|outcome| &outcome.row_id == row)
                .unwrap();
            let got = outcome
                .result
                .as_ref()
                .err()
                .map(|error| error.kind().as_str());
            ensure(got == kind.as_str(), || {
                format!("row {row}: {got:?}, expected {kind}")
            })?;
        }
    }
    if let Some(most) = expect["max_rate_limited_responses"].as_u64() {
        ensure(progress.rate_limited_responses <= most, || {
            format!(
                "{} responses were 429, at most {most} expected",
                progress.rate_limited_responses
            )
        })?;
    }
    check_elapsed(expect, elapsed)
}

fn check_sandbox(sandbox: &Sandbox, account: &str, expected: &Value) -> Result<(), Failed> {
    let requests = sandbox.requests().len() as u64;
    if let Some(want) = expected["requests"].as_u64() {
        ensure(requests == want, || {
            format!("the sandbox saw {requests} requests, expected {want}")
        })?;
    }
    if let Some(most) = expected["max_requests"].as_u64() {
        ensure(requests <= most, || {
            format!("the sandbox saw {requests} requests, at most {most} expected")
        })?;
    }
    if let Some(want) = expected["users_stored"].as_u64() {
        let stored = sandbox.stored_users(Some(account)).len() as u64;
        ensure(stored == want, || {
            format!("the sandbox stored {stored} users, expected {want}")
        })?;
    }
    Ok(())
}
