//! Fault soak: many concurrent `create_user` calls while a third of the requests take
//! scripted faults (5xx, 429 with Retry-After, connections dropped before and after
//! the user is stored, answers slower than the attempt timeout).
//!
//! Promises checked: every call ends within its deadline (`hung` = 0) with a user or a
//! typed error; no idempotency key ever stores two users (`duplicates` = 0); every
//! returned user is stored (`lost` = 0); and every failed call, made again with its
//! idempotency key, ends with exactly one stored user.
//!
//!     SOAK_CALLS=10000 cargo test --release -p truto-ticketing --test soak
//!
//! The figures go to `target/reliability/soak.json`.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use truto_sandbox::{Fault, Sandbox, SandboxConfig};
use truto_ticketing::{Client, Email, Error, NewUser, RetryPolicy};

const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(400);
const MAX_RETRIES: u32 = 3;
/// Far above the worst legitimate call (4 attempts × 400 ms, backoff ≤ 3 × 200 ms,
/// a 1 s Retry-After): a call still running then is a hang.
const DEADLINE: Duration = Duration::from_secs(15);

#[derive(Default)]
struct Tally {
    calls: u64,
    faults_injected: u64,
    succeeded: u64,
    failed_typed: u64,
    hung: u64,
    /// (account, user id) of every success.
    created: Vec<(String, String)>,
    /// (account, idempotency key, the user sent) of every typed failure.
    failed: Vec<(String, String, NewUser)>,
}

/// The faults a call meets, drawn so that about a third of all requests are faulted
/// and a few calls meet more faults than they have attempts (and so fail).
fn faults_for_call(rng: &mut fastrand::Rng) -> Vec<Fault> {
    let one = |rng: &mut fastrand::Rng| match rng.u8(0..7) {
        0 => Fault::status(500),
        1 => Fault::status(502),
        2 => Fault::status(504),
        3 => Fault::status(429).with_retry_after_secs(1),
        4 => Fault::drop_before_store(),
        5 => Fault::drop_after_store(),
        _ => Fault::delay_ms(ATTEMPT_TIMEOUT.as_millis() as u64 * 2),
    };
    let count = match rng.u8(0..100) {
        0..70 => 0,
        70..90 => 1,
        90..96 => 2,
        _ => MAX_RETRIES as usize + 1,
    };
    (0..count).map(|_| one(rng)).collect()
}

fn new_user(worker: usize, call: u64) -> NewUser {
    NewUser::new()
        .name(format!("Soak User {worker}-{call}"))
        .email(Email::primary(format!("soak-{worker}-{call}@example.com")))
}

async fn worker(sandbox: Arc<Sandbox>, client: Client, worker: usize, calls: u64) -> Tally {
    // Each worker owns an account of its own, so the faults it queues meet its own calls.
    let account = format!("sandbox-dixa-soak{worker}");
    let mut rng = fastrand::Rng::with_seed(worker as u64);
    let mut tally = Tally::default();
    for call in 0..calls {
        let faults = faults_for_call(&mut rng);
        tally.faults_injected += faults.len() as u64;
        sandbox.push_faults(&account, faults);
        tally.calls += 1;
        let user = new_user(worker, call);
        match tokio::time::timeout(DEADLINE, client.create_user(&account, &user).into_future())
            .await
        {
            Ok(Ok(created)) => {
                tally.succeeded += 1;
                tally.created.push((account.clone(), created.id));
            }
            Ok(Err(error)) => {
                tally.failed_typed += 1;
                tally.failed.push((account.clone(), key_of(&error), user));
            }
            Err(_) => tally.hung += 1,
        }
    }
    tally
}

fn key_of(error: &Error) -> String {
    error
        .idempotency_key()
        .expect("every attempted call reports its idempotency key")
        .to_owned()
}

fn main() {
    let calls: u64 = env_number("SOAK_CALLS", 1000);
    let concurrency: usize = env_number("SOAK_CONCURRENCY", 64);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let report = runtime.block_on(soak(calls, concurrency));
    let text = serde_json::to_string_pretty(&report).unwrap();
    println!("{text}");
    let folder = target_dir().join("reliability");
    std::fs::create_dir_all(&folder).expect("create target/reliability");
    std::fs::write(folder.join("soak.json"), &text).expect("write soak.json");

    let broken = [
        ("hung", report["hung"].as_u64() != Some(0)),
        ("duplicates", report["duplicates"].as_u64() != Some(0)),
        ("lost", report["lost"].as_u64() != Some(0)),
        (
            "retried_with_key_not_exactly_one",
            report["retried_with_key_not_exactly_one"].as_u64() != Some(0),
        ),
        (
            "too_few_faults",
            report["faulted_request_share"].as_f64().unwrap() < 0.3,
        ),
    ];
    let failed: Vec<&str> = broken
        .iter()
        .filter(|(_, bad)| *bad)
        .map(|(name, _)| *name)
        .collect();
    println!(
        "soak: {} passed, {} failed",
        broken.len() - failed.len(),
        failed.len()
    );
    if !failed.is_empty() {
        eprintln!("soak promises broken: {failed:?}");
        std::process::exit(1);
    }
}

async fn soak(calls: u64, concurrency: usize) -> serde_json::Value {
    let sandbox = Arc::new(
        Sandbox::start(SandboxConfig {
            rate_limits: None,
            // Room for every request of the soak, retries included.
            request_log_capacity: calls as usize * 8 + 1000,
            ..SandboxConfig::default()
        })
        .await
        .expect("sandbox"),
    );
    let client = Client::builder()
        .token(sandbox.token())
        .base_url(sandbox.url())
        .timeout(ATTEMPT_TIMEOUT)
        .max_retries(MAX_RETRIES)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(25),
            max_backoff: Duration::from_millis(200),
            ..RetryPolicy::default()
        })
        .build()
        .expect("client");

    let started = Instant::now();
    let per_worker = calls.div_ceil(concurrency as u64);
    let mut tasks = Vec::new();
    for index in 0..concurrency {
        let share = per_worker.min(calls.saturating_sub(per_worker * index as u64));
        tasks.push(tokio::spawn(worker(
            sandbox.clone(),
            client.clone(),
            index,
            share,
        )));
    }
    let mut total = Tally::default();
    for task in tasks {
        let tally = task.await.expect("worker");
        total.calls += tally.calls;
        total.faults_injected += tally.faults_injected;
        total.succeeded += tally.succeeded;
        total.failed_typed += tally.failed_typed;
        total.hung += tally.hung;
        total.created.extend(tally.created);
        total.failed.extend(tally.failed);
    }
    let elapsed = started.elapsed();
    let requests = sandbox.requests().len() as u64;

    // Every failed call, made again with its key and no faults left, must succeed and
    // leave exactly one user for that key: the first attempts' one, or a new one.
    let mut retried_not_one = 0;
    for (account, key, user) in &total.failed {
        let result = client
            .create_user(account, user)
            .idempotency_key(key.clone())
            .await;
        let stored = sandbox
            .stored_users(Some(account))
            .iter()
            .filter(|stored| stored.idempotency_key.as_deref() == Some(key))
            .count();
        if stored != 1 || result.is_err() {
            retried_not_one += 1;
        }
    }

    let stored = sandbox.stored_users(None);
    let mut per_key: HashMap<(&str, &str), u32> = HashMap::new();
    for user in &stored {
        if let Some(key) = &user.idempotency_key {
            *per_key
                .entry((&user.integrated_account_id, key))
                .or_default() += 1;
        }
    }
    let duplicates = per_key.values().filter(|count| **count > 1).count();
    let stored_ids: HashSet<(&str, &str)> = stored
        .iter()
        .filter_map(|user| {
            Some((
                user.integrated_account_id.as_str(),
                user.user["id"].as_str()?,
            ))
        })
        .collect();
    let lost = total
        .created
        .iter()
        .filter(|(account, id)| !stored_ids.contains(&(account.as_str(), id.as_str())))
        .count();

    json!({
        "calls": total.calls,
        "concurrency": concurrency,
        "requests": requests,
        "faults_injected": total.faults_injected,
        "faulted_request_share": total.faults_injected as f64 / requests.max(1) as f64,
        "succeeded": total.succeeded,
        "failed_typed": total.failed_typed,
        "hung": total.hung,
        "duplicates": duplicates,
        "lost": lost,
        "retried_with_key": total.failed.len(),
        "retried_with_key_not_exactly_one": retried_not_one,
        "elapsed_s": elapsed.as_secs_f64(),
    })
}

fn env_number<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}
