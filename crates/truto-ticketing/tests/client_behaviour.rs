//! Rust-specific behaviour the JSON conformance cases cannot express: the builder
//! API, streaming, limits, and the types' guarantees.

use std::time::Duration;

use truto_sandbox::{Fault, Sandbox, SandboxConfig};
use truto_ticketing::{Client, Email, Error, ErrorKind, NewUser, RoleName};

const TOKEN: &str = "tok-behaviour-secret-0001";

async fn sandbox() -> Sandbox {
    let config = SandboxConfig {
        token: TOKEN.to_owned(),
        ..SandboxConfig::default()
    };
    Sandbox::start(config).await.expect("sandbox")
}

fn client(sandbox: &Sandbox) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(sandbox.url())
        .build()
        .expect("client")
}

fn ada() -> NewUser {
    NewUser::new()
        .name("Ada Lovelace")
        .email(Email::primary("ada@example.com"))
}

#[tokio::test]
async fn builder_options_chain_before_await() {
    let sandbox = sandbox().await;
    let user = client(&sandbox)
        .create_user("sandbox-pivotal-tracker", &ada().roles(RoleName::Owner))
        .collection("proj-1")
        .ignore_remote_data(true)
        .exclude_field("etag")
        .idempotency_key("behaviour-key-1")
        .timeout(Duration::from_secs(5))
        .max_retries(0)
        .header("x-trace", "abc")
        .await
        .expect("created");
    assert!(user.remote_data.is_none() && user.etag.is_none());
    let request = sandbox.requests().pop().unwrap();
    let headers = serde_json::to_value(&request).unwrap()["headers"].clone();
    assert_eq!(headers["x-trace"], "abc");
    assert_eq!(headers["idempotency-key"], "behaviour-key-1");
    assert!(
        headers["user-agent"]
            .as_str()
            .unwrap()
            .starts_with("truto-ticketing/")
    );
}

#[tokio::test]
async fn stream_reads_the_body_in_chunks() {
    let sandbox = sandbox().await;
    let mut stream = client(&sandbox)
        .create_user("sandbox-dixa", &ada())
        .stream()
        .await
        .expect("stream");
    assert_eq!(stream.status(), 201);
    assert!(stream.request_id().is_some());
    let mut body = Vec::new();
    while let Some(chunk) = stream.chunk().await.expect("chunk") {
        body.extend_from_slice(&chunk);
    }
    let user: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(user["name"], "Ada Lovelace");
}

#[tokio::test]
async fn oversized_answers_are_decode_errors() {
    let sandbox = sandbox().await;
    let huge = format!(r#"{{"id":"1","name":"{}"}}"#, "x".repeat(2048));
    sandbox.push_faults(
        "sandbox-dixa",
        vec![Fault::raw_body(201, "application/json", &huge)],
    );
    let client = Client::builder()
        .token(TOKEN)
        .base_url(sandbox.url())
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let error = client
        .create_user("sandbox-dixa", &ada())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
}

#[tokio::test]
async fn a_refused_connection_is_a_connection_error_after_retries() {
    // Bind and drop a listener so the port is very likely closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .token(TOKEN)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(truto_ticketing::RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            ..Default::default()
        })
        .build()
        .unwrap();
    let error = client
        .create_user("sandbox-dixa", &ada())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
    assert_eq!(error.attempts(), 3);
    assert!(error.idempotency_key().is_some());
    assert!(!format!("{error:?}").contains(TOKEN));
}

#[test]
fn public_types_are_thread_safe() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Client>();
    assert_send_sync::<Error>();
    assert_send_sync::<NewUser>();
    assert_send_sync::<truto_ticketing::User>();
}

#[test]
fn error_json_has_the_same_keys_in_every_binding() {
    let error = Error::invalid_input("emails[0].email", "is not an email address");
    let json = error.to_json();
    assert_eq!(json["kind"], "invalid_input");
    assert_eq!(json["field"], "emails[0].email");
    assert_eq!(json["attempts"], 0);
    for key in [
        "message",
        "status",
        "request_id",
        "insight",
        "missing_required_fields",
        "is_remote_error",
        "body",
        "retry_after",
        "idempotency_key",
        "display",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
}
