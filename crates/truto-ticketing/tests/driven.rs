//! Calls driven by an event loop of the caller's (`truto_ticketing::driven`), made over
//! loopback to the sandbox by the smallest such loop (`support/blocking_driver.rs`). The
//! Python and Node suites run every conformance case this way on their own loops; these
//! tests check the core's side on its own.

use std::time::Duration;

use truto_sandbox::{Fault, Sandbox, SandboxConfig};
use truto_ticketing::{
    Client, CreateUserOptions, CreateUserResponse, Email, ErrorKind, NewUser, ResponseFormat,
};

#[path = "support/blocking_driver.rs"]
mod blocking_driver;

const ACCOUNT: &str = "sandbox-dixa";

fn sandbox() -> Sandbox {
    Sandbox::spawn(SandboxConfig::default()).expect("a sandbox")
}

fn client_for(sandbox: &Sandbox) -> Client {
    Client::builder()
        .token(sandbox.token())
        .base_url(sandbox.url())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a client")
}

fn ada() -> NewUser {
    NewUser::new()
        .name("Ada Lovelace")
        .email(Email::primary("ada@example.com"))
        .password("correct horse battery")
}

#[test]
fn every_route_sends_what_reqwest_sends_and_a_driven_call_reads_the_user() {
    let sandbox = sandbox();
    let client = client_for(&sandbox);
    let driven = blocking_driver::create_user_driven(&client, &ada()).expect("created");
    let CreateUserResponse::User(user) = driven else {
        panic!("a unified call answers with a user");
    };
    assert_eq!(user.name.as_deref(), Some("Ada Lovelace"));

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime
        .block_on(client.create_user(ACCOUNT, &ada()).send())
        .expect("created on the core's own connections");
    // A `stream` call is the one that still goes out through reqwest (src/connections.rs),
    // the reference for the bytes the core writes itself. It differs in one query
    // parameter, which asks for the format.
    let (user, options) = (ada(), CreateUserOptions::default());
    let streamed = client.create_user_with(ACCOUNT, &user, &options, ResponseFormat::Stream);
    runtime.block_on(streamed).expect("created through reqwest");
    let requests = sandbox.requests();
    let [driven, on_own_connection, through_reqwest] = &requests[..] else {
        panic!("three requests, not {}", requests.len());
    };
    let mut reference = without_key(through_reqwest);
    let format = ["truto_response_format", "stream"];
    let query = reference["query_pairs"]
        .as_array_mut()
        .expect("query pairs");
    assert_eq!(query.pop(), Some(serde_json::json!(format)));
    assert_eq!(without_key(driven), reference);
    assert_eq!(without_key(on_own_connection), reference);
}

/// What a logged request says, but its idempotency key (each call has its own).
fn without_key(request: &truto_sandbox::LoggedRequest) -> serde_json::Value {
    let mut headers = request.headers.clone();
    headers.remove("idempotency-key").expect("a key");
    serde_json::json!({
        "method": request.method,
        "path": request.path,
        "query_pairs": request.query_pairs,
        "headers": headers,
        "body": request.body,
    })
}

#[test]
fn a_driven_call_retries_a_500_with_the_same_key() {
    let sandbox = sandbox();
    sandbox.push_faults(ACCOUNT, vec![Fault::status(500)]);
    let client = client_for(&sandbox);
    blocking_driver::create_user_driven(&client, &ada()).expect("created on the retry");
    let keys: Vec<_> = sandbox
        .requests()
        .iter()
        .map(|request| request.headers.get("idempotency-key").cloned())
        .collect();
    assert_eq!(keys.len(), 2, "one attempt, one retry");
    assert!(keys[0].is_some() && keys[0] == keys[1], "{keys:?}");
    assert_eq!(sandbox.stored_users(Some(ACCOUNT)).len(), 1);
}

#[test]
fn a_driven_call_reads_a_broken_answer_as_a_typed_error_without_the_password() {
    let sandbox = sandbox();
    sandbox.push_faults(
        ACCOUNT,
        vec![Fault::raw_body(
            201,
            "application/json",
            r#"{"id": "correct horse battery"#,
        )],
    );
    let client = client_for(&sandbox);
    let error = blocking_driver::create_user_driven(&client, &ada()).expect_err("truncated");
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.status(), Some(201));
    assert_eq!(error.attempts(), 1);
    let shown = format!("{error} {error:?} {}", error.body().unwrap_or_default());
    assert!(!shown.contains("correct horse battery"), "{shown}");
}
