//! The token and a password never show: every error kind is forced, with the server
//! echoing both secrets wherever it can, while a debug `tracing` subscriber records
//! everything; neither secret may appear in any rendering of any error, nor in the log.
//!
//! The subscriber is process-global, and tracing caches per callsite whether anyone
//! listens: the log is only checked by the one test that installs it.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use truto_sandbox::{Fault, Sandbox, SandboxConfig};
use truto_ticketing::{Client, Email, Error, ErrorKind, NewUser, RetryPolicy};

const TOKEN: &str = "tok-RUST-SECRET-7f3a9c0e";
const PASSWORD: &str = "pw-RUST-SECRET-4e8b1d62";
const ACCOUNT: &str = "sandbox-dixa";

/// Collects what the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Server text that repeats both secrets, as a careless provider might.
fn echo(what: &str) -> String {
    format!("{what}: token {TOKEN} cannot set password {PASSWORD}")
}

/// A Truto error answer whose message and provider body echo both secrets.
fn api_fault(status: u16) -> Value {
    let mut fault = json!({
        "status": status,
        "message": echo("refused"),
        "remote": true,
        "raw_response": {"error": echo("provider says"), "password": PASSWORD},
    });
    if status == 429 {
        // A wait past the client's limit ends the call at once instead of sleeping.
        fault["retry_after"] = json!(120);
    }
    fault
}

/// How each kind is forced: a scripted fault, or input the core refuses.
enum Force {
    /// A fault for every attempt, in the admin endpoint's JSON shape.
    Fault(Value),
    /// A user whose password the core refuses.
    BadPassword,
    /// A token the builder refuses.
    BadToken,
}

fn every_kind() -> Vec<(ErrorKind, Force)> {
    use ErrorKind::*;
    let truncated_user = format!(r#"{{"id": "7", "password": "{PASSWORD}", "token": "{TOKEN}""#);
    let html = format!("<p>{}</p>", echo("oops"));
    vec![
        (InvalidInput, Force::BadPassword),
        (InvalidInput, Force::BadToken),
        (BadRequest, Force::Fault(api_fault(400))),
        (Authentication, Force::Fault(api_fault(401))),
        (PermissionDenied, Force::Fault(api_fault(403))),
        (NotFound, Force::Fault(api_fault(404))),
        (MethodNotAllowed, Force::Fault(api_fault(405))),
        (Conflict, Force::Fault(api_fault(409))),
        (Unprocessable, Force::Fault(api_fault(422))),
        (RateLimited, Force::Fault(api_fault(429))),
        (Server, Force::Fault(api_fault(500))),
        (Server, Force::Fault(api_fault(503))),
        (Timeout, Force::Fault(json!({"delay_ms": 2000}))),
        (Connection, Force::Fault(json!({"drop": "before_store"}))),
        // Bodies the SDK cannot read, which a decode error quotes: truncated JSON, and HTML.
        (
            Decode,
            Force::Fault(json!({"status": 201, "body": truncated_user})),
        ),
        (
            Decode,
            Force::Fault(json!({"status": 200, "content_type": "text/html", "body": html})),
        ),
    ]
}

fn client(sandbox: &Sandbox, token: &str) -> truto_ticketing::Result<Client> {
    Client::builder()
        .token(token)
        .base_url(sandbox.url())
        .timeout(Duration::from_millis(300))
        .max_retries(1)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
}

fn user(password: &str) -> NewUser {
    NewUser::new()
        .name("Ada Lovelace")
        .email(Email::primary("ada@example.com"))
        .password(password)
}

async fn force(sandbox: &Sandbox, how: Force) -> Error {
    match how {
        Force::BadToken => client(sandbox, &format!("{TOKEN}\n")).unwrap_err(),
        Force::BadPassword => {
            let client = client(sandbox, TOKEN).unwrap();
            let bad = user(&format!("{PASSWORD}\u{0}"));
            client.create_user(ACCOUNT, &bad).await.unwrap_err()
        }
        Force::Fault(spec) => {
            let fault: Fault = serde_json::from_value(spec).expect("a valid fault");
            // Every attempt meets the fault, so a retried kind fails on its retry too.
            sandbox.push_faults(ACCOUNT, vec![fault.clone(), fault]);
            let client = client(sandbox, TOKEN).unwrap();
            client
                .create_user(ACCOUNT, &user(PASSWORD))
                .await
                .unwrap_err()
        }
    }
}

/// Every way an error can be shown or handed on.
fn renderings(error: &Error) -> Vec<String> {
    vec![
        error.to_string(),
        format!("{error:?}"),
        format!("{error:#?}"),
        error.message().to_owned(),
        error.body().unwrap_or_default().to_owned(),
        error.to_json().to_string(),
        format!("{:?}", std::error::Error::source(error)),
    ]
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in [TOKEN, PASSWORD] {
        assert!(!text.contains(secret), "{what} shows {secret}:\n{text}");
    }
}

#[tokio::test]
async fn no_error_kind_and_no_log_line_shows_the_token_or_the_password() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        // Everything at debug, the SDK at trace: more than TRUTO_LOG=debug prints.
        .with_env_filter("debug,truto_ticketing=trace")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("first subscriber");
    let sandbox = Sandbox::start(SandboxConfig {
        token: TOKEN.to_owned(),
        rate_limits: None,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");

    let mut seen = Vec::new();
    for (kind, how) in every_kind() {
        sandbox.reset();
        let error = force(&sandbox, how).await;
        assert_eq!(error.kind(), kind, "{error}");
        for text in renderings(&error) {
            assert_no_secret(kind.as_str(), &text);
        }
        seen.push(kind);
        // Where the server echoed the secrets, the error says so instead of dropping the text.
        if error.status().is_some() {
            let kept = format!("{} {}", error.message(), error.body().unwrap_or_default());
            assert!(kept.contains("[redacted]"), "{kind}: {kept}");
        }
    }
    let client = client(&sandbox, TOKEN).unwrap();
    for (what, text) in [
        ("Client", format!("{client:?}")),
        ("NewUser", format!("{:?}", user(PASSWORD))),
        (
            "CreateUser",
            format!("{:?}", client.create_user(ACCOUNT, &user(PASSWORD))),
        ),
        (
            "ClientBuilder",
            format!("{:?}", Client::builder().token(TOKEN)),
        ),
    ] {
        assert_no_secret(what, &text);
    }

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert_no_secret("the debug log", &log);
    // The log did record the calls: a line per failed attempt (a decode error follows an
    // attempt logged as a success), and the retries.
    let attempt_kinds = seen
        .iter()
        .filter(|kind| !matches!(kind, ErrorKind::InvalidInput | ErrorKind::Decode));
    for kind in attempt_kinds {
        let line = format!("outcome=\"{}\"", kind.as_str());
        let bare = format!("outcome={}", kind.as_str());
        assert!(
            log.contains(&line) || log.contains(&bare),
            "no {kind} attempt in:\n{log}"
        );
    }
    assert!(log.contains("retrying truto request"), "{log}");
}

/// `truto_error_insight` is scrubbed too: `Debug` and `to_json()` (and so every
/// binding's error) carry it whole, and a provider message echoed inside it would
/// otherwise show the password.
#[tokio::test]
async fn a_secret_echoed_in_the_insight_is_scrubbed() {
    let sandbox = Sandbox::start(SandboxConfig {
        token: TOKEN.to_owned(),
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let fault = json!({
        "status": 422,
        "insight": {"remote_error": {"description": echo("provider"), "value": PASSWORD}},
    });
    sandbox.push_faults(ACCOUNT, vec![serde_json::from_value(fault).unwrap()]);
    let client = client(&sandbox, TOKEN).unwrap();
    let error = client
        .create_user(ACCOUNT, &user(PASSWORD))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unprocessable);
    for text in renderings(&error) {
        assert_no_secret("an insight", &text);
    }
}
