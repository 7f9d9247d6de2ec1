//! The Rust side of `benches/run`: the core's `create_user` and a hand-written raw
//! reqwest + serde_json call doing the same work, measured against a running sandbox.
//!
//! ```text
//! truto-bench throughput --client core|reqwest --url URL [--concurrency 64] [--calls 20000]
//! truto-bench latency    --client core|reqwest --url URL [--calls 2000]
//! ```
//!
//! Common options: `--token T` (default `sandbox-token`), `--account A` (default
//! `sandbox-dixa`), `--body FILE` (default `benches/body.json`), `--warmup N` calls
//! before the clock starts (default 200), `--ca FILE` a PEM root to trust (an HTTPS
//! sandbox's CA). Prints one JSON object on stdout; any failed
//! call makes the exit status non-zero, so a figure is never one of errors.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use truto_ticketing::NewUser;

const USERS_PATH: &str = "/unified/ticketing/users";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Throughput,
    Latency,
}

struct Options {
    mode: Mode,
    client: String,
    url: String,
    token: String,
    account: String,
    body: Value,
    concurrency: usize,
    calls: usize,
    warmup: usize,
    ca_pem: Option<Vec<u8>>,
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("truto-bench: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    match runtime.block_on(run(options)) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("truto-bench: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(options: Options) -> Result<Value, String> {
    let caller = Caller::new(&options)?;
    let warmup = options.warmup.min(options.calls);
    drive(&caller, options.concurrency, warmup).await?;
    match options.mode {
        Mode::Throughput => {
            let started = Instant::now();
            let cpu_started = process_cpu_seconds();
            drive(&caller, options.concurrency, options.calls).await?;
            let seconds = started.elapsed().as_secs_f64();
            let mut report = json!({
                "client": options.client,
                "calls": options.calls,
                "warmup_calls": warmup,
                "concurrency": options.concurrency,
                "seconds": seconds,
                "rps": options.calls as f64 / seconds,
            });
            if let (Some(before), Some(after)) = (cpu_started, process_cpu_seconds()) {
                report["measured_cpu_seconds"] = json!(after - before);
            }
            Ok(report)
        }
        Mode::Latency => {
            let mut samples = Vec::with_capacity(options.calls);
            for _ in 0..options.calls {
                let started = Instant::now();
                caller.call().await?;
                samples.push(started.elapsed());
            }
            samples.sort_unstable();
            Ok(json!({
                "client": options.client,
                "calls": options.calls,
                "p50_us": percentile_us(&samples, 0.50),
                "p99_us": percentile_us(&samples, 0.99),
            }))
        }
    }
}

/// Makes `calls` calls from `concurrency` tasks that each take the next call as soon as
/// their previous one is done, so exactly `concurrency` calls are in flight until the end.
async fn drive(caller: &Caller, concurrency: usize, calls: usize) -> Result<(), String> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let caller = caller.clone();
        let next = next.clone();
        workers.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < calls {
                caller.call().await?;
            }
            Ok::<(), String>(())
        }));
    }
    for worker in workers {
        worker.await.map_err(|error| error.to_string())??;
    }
    Ok(())
}

/// The CPU time of every thread of this process so far: the first field of each
/// `/proc/self/task/*/schedstat` is nanoseconds spent on a CPU. `None` where that cannot be
/// read (not Linux); the harness then falls back to the whole process's CPU time.
fn process_cpu_seconds() -> Option<f64> {
    let mut total_ns: u64 = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let schedstat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total_ns += schedstat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total_ns as f64 / 1e9)
}

fn percentile_us(sorted: &[Duration], quantile: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() - 1) as f64 * quantile).round() as usize;
    sorted[index].as_secs_f64() * 1e6
}

/// One of the two measured clients, cheap to clone into each worker task.
#[derive(Clone)]
enum Caller {
    Core {
        client: truto_ticketing::Client,
        account: Arc<str>,
        user: Arc<NewUser>,
    },
    Reqwest(Arc<RawClient>),
}

impl Caller {
    fn new(options: &Options) -> Result<Caller, String> {
        match options.client.as_str() {
            "core" => {
                let mut builder = truto_ticketing::Client::builder()
                    .token(options.token.clone())
                    .base_url(options.url.clone());
                if let Some(pem) = &options.ca_pem {
                    let roots = truto_ticketing::Certificate::from_pem_bundle(pem)
                        .map_err(|error| error.to_string())?;
                    builder = builder.add_root_certificates(roots);
                }
                let client = builder.build().map_err(|error| error.to_string())?;
                let user =
                    NewUser::from_json(options.body.clone()).map_err(|error| error.to_string())?;
                Ok(Caller::Core {
                    client,
                    account: options.account.as_str().into(),
                    user: Arc::new(user),
                })
            }
            "reqwest" => Ok(Caller::Reqwest(Arc::new(RawClient::new(options)?))),
            other => Err(format!("unknown client {other:?} (core or reqwest)")),
        }
    }

    async fn call(&self) -> Result<(), String> {
        match self {
            Caller::Core {
                client,
                account,
                user,
            } => {
                let created = client
                    .create_user(account, user)
                    .await
                    .map_err(|error| error.to_string())?;
                std::hint::black_box(created);
            }
            Caller::Reqwest(raw) => {
                std::hint::black_box(raw.create_user().await?);
            }
        }
        Ok(())
    }
}

/// What a user of plain reqwest would write: one shared client, the body serialized
/// per call from a `serde_json::Value`, the answer read into a hand-written struct.
struct RawClient {
    http: reqwest::Client,
    url: String,
    authorization: HeaderValue,
    body: Value,
}

/// The user fields Truto documents, as a hand-written client would declare them.
#[allow(dead_code)] // Read only through `black_box`: the point is parsing them.
#[derive(Debug, Deserialize)]
struct RawUser {
    id: String,
    name: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    username: Option<String>,
    #[serde(default)]
    emails: Vec<RawEmail>,
    is_active: Option<bool>,
    #[serde(default)]
    team_ids: Vec<String>,
    avatar: Option<String>,
    #[serde(default)]
    roles: Vec<RawRole>,
    created_at: Option<String>,
    updated_at: Option<String>,
    etag: Option<String>,
    remote_data: Option<Map<String, Value>>,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
struct RawEmail {
    email: String,
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
struct RawRole {
    id: Option<String>,
    name: Option<String>,
}

impl RawClient {
    fn new(options: &Options) -> Result<RawClient, String> {
        // The workspace's reqwest has no crypto provider of its own (the SDK configures
        // rustls with ring itself): raw reqwest gets ring's too. An error means it is
        // already installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder().tcp_nodelay(true);
        if let Some(pem) = &options.ca_pem {
            let root = reqwest::Certificate::from_pem(pem).map_err(|error| error.to_string())?;
            builder = builder.tls_certs_merge([root]);
        }
        let http = builder.build().map_err(|error| error.to_string())?;
        let authorization = HeaderValue::from_str(&format!("Bearer {}", options.token))
            .map_err(|error| error.to_string())?;
        Ok(RawClient {
            http,
            url: format!(
                "{}{USERS_PATH}?integrated_account_id={}",
                options.url, options.account
            ),
            authorization,
            body: options.body.clone(),
        })
    }

    async fn create_user(&self) -> Result<RawUser, String> {
        let body = serde_json::to_vec(&self.body).map_err(|error| error.to_string())?;
        let response = self
            .http
            .post(&self.url)
            .header(AUTHORIZATION, self.authorization.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header("idempotency-key", uuid::Uuid::new_v4().to_string())
            .body(body)
            .send()
            .await
            .map_err(|error| error.to_string())?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|error| error.to_string())?;
        if !status.is_success() {
            return Err(format!(
                "status {status}: {}",
                String::from_utf8_lossy(&bytes)
            ));
        }
        serde_json::from_slice(&bytes).map_err(|error| error.to_string())
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mode = match args.next().as_deref() {
        Some("throughput") => Mode::Throughput,
        Some("latency") => Mode::Latency,
        other => return Err(format!("expected throughput or latency, got {other:?}")),
    };
    let mut client = None;
    let mut url = None;
    let mut token = "sandbox-token".to_owned();
    let mut account = "sandbox-dixa".to_owned();
    let mut body_file = concat!(env!("CARGO_MANIFEST_DIR"), "/../body.json").to_owned();
    let mut concurrency = if mode == Mode::Latency { 1 } else { 64 };
    let mut calls = if mode == Mode::Latency { 2_000 } else { 20_000 };
    let mut warmup = 200;
    let mut ca_file = None;
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--client" => client = Some(value()?),
            "--url" => url = Some(value()?),
            "--token" => token = value()?,
            "--account" => account = value()?,
            "--body" => body_file = value()?,
            "--concurrency" => concurrency = number(&flag, &value()?)?,
            "--calls" => calls = number(&flag, &value()?)?,
            "--warmup" => warmup = number(&flag, &value()?)?,
            "--ca" => ca_file = Some(value()?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if mode == Mode::Latency && concurrency != 1 {
        return Err("latency is measured at concurrency 1".into());
    }
    let text = std::fs::read_to_string(&body_file)
        .map_err(|error| format!("cannot read {body_file}: {error}"))?;
    let body = serde_json::from_str(&text).map_err(|error| format!("{body_file}: {error}"))?;
    let ca_pem = match ca_file {
        Some(file) => Some(std::fs::read(&file).map_err(|error| format!("{file}: {error}"))?),
        None => None,
    };
    Ok(Options {
        mode,
        client: client.ok_or("--client is required")?,
        url: url.ok_or("--url is required")?,
        token,
        account,
        body,
        concurrency: concurrency.max(1),
        calls,
        warmup,
        ca_pem,
    })
}

fn number(flag: &str, text: &str) -> Result<usize, String> {
    text.parse()
        .map_err(|_| format!("{flag} expects a number, got {text:?}"))
}
