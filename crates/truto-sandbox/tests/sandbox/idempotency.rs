//! `Idempotency-Key`: replays, conflicts, and retries racing a slow first try.

use std::time::{Duration, Instant};

use serde_json::json;
use truto_sandbox::Fault;

use crate::common::{
    Harness, USERS, ada, http_client, raw_request, raw_request_keep_alive, read_all, send,
};

#[tokio::test]
async fn a_repeat_with_the_same_key_and_body_replays_the_first_answer() {
    let h = Harness::start().await;
    let first = h.create_with_key("sandbox-dixa", "key-1", &ada()).await;
    assert_eq!(first.status, 201);
    assert_eq!(first.header("idempotent-replayed"), None);

    // Equal JSON, spelled differently, is the same request.
    let respelled = r#"{ "emails": [{"type": "primary", "email": "ada@example.com"}], "name": "Ada Lovelace" }"#;
    let replay = send(
        h.post("integrated_account_id=sandbox-dixa")
            .header("idempotency-key", "key-1")
            .header("content-type", "application/json")
            .body(respelled),
    )
    .await;
    assert_eq!(replay.status, 201);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert_eq!(
        replay.bytes, first.bytes,
        "the same bytes, so the same user id"
    );
    assert_ne!(replay.header("x-request-id"), first.header("x-request-id"));

    let stored = h.sandbox.stored_users(None);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].idempotency_key.as_deref(), Some("key-1"));
}

#[tokio::test]
async fn a_reused_key_with_another_body_conflicts() {
    let h = Harness::start().await;
    assert_eq!(
        h.create_with_key("sandbox-dixa", "key-1", &ada())
            .await
            .status,
        201
    );
    let mut other = ada();
    other["name"] = json!("Grace Hopper");
    let conflict = h.create_with_key("sandbox-dixa", "key-1", &other).await;
    assert_eq!(conflict.status, 409);
    assert!(
        conflict.message().contains("different request body"),
        "{}",
        conflict.message()
    );
    assert_eq!(h.sandbox.stored_users(None).len(), 1);
}

#[tokio::test]
async fn keys_belong_to_one_account() {
    let h = Harness::start().await;
    let first = h
        .create_with_key("sandbox-dixa", "shared", &ada())
        .await
        .json();
    let second = h.create_with_key("sandbox-reamaze", "shared", &ada()).await;
    assert_eq!(second.status, 201);
    assert_eq!(second.header("idempotent-replayed"), None);
    assert_ne!(second.json()["id"], first["id"]);
}

#[tokio::test]
async fn only_successful_creates_are_remembered() {
    let h = Harness::start().await;
    h.sandbox
        .push_faults("sandbox-dixa", vec![Fault::status(500)]);
    assert_eq!(
        h.create_with_key("sandbox-dixa", "k", &ada()).await.status,
        500
    );
    assert_eq!(
        h.create_with_key("sandbox-dixa", "k", &json!({"name": "A"}))
            .await
            .status,
        400
    );
    let created = h.create_with_key("sandbox-dixa", "k", &ada()).await;
    assert_eq!(created.status, 201);
    assert_eq!(created.header("idempotent-replayed"), None);
    assert_eq!(h.sandbox.stored_users(None).len(), 1);
}

#[tokio::test]
async fn a_retry_waits_for_the_attempt_in_flight_and_replays_it() {
    let h = Harness::start().await;
    h.sandbox
        .push_faults("sandbox-dixa", vec![Fault::delay_ms(600)]);
    let target = format!("{USERS}?integrated_account_id=sandbox-dixa");
    let body = ada().to_string();
    // The first attempt stays connected while it is delayed.
    let first = raw_request(&h.address(), &target, "idempotency-key: slow\r\n", &body).await;
    tokio::time::sleep(Duration::from_millis(100)).await;

    let started = Instant::now();
    let retry = h.create_with_key("sandbox-dixa", "slow", &ada()).await;
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "it waited: {:?}",
        started.elapsed()
    );
    assert_eq!(retry.status, 201);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));

    let first = String::from_utf8(read_all(first).await).unwrap();
    assert!(first.starts_with("HTTP/1.1 201"), "{first}");
    assert!(!first.contains("idempotent-replayed"));
    let first_body = first.split_once("\r\n\r\n").unwrap().1;
    assert_eq!(first_body.as_bytes(), retry.bytes);
    assert_eq!(h.sandbox.stored_users(None).len(), 1);
}

#[tokio::test]
async fn a_client_timeout_and_retry_store_exactly_one_user() {
    let h = Harness::start().await;
    h.sandbox
        .push_faults("sandbox-dixa", vec![Fault::delay_ms(1200)]);
    let impatient = http_client()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let url = h.url(&format!("{USERS}?integrated_account_id=sandbox-dixa"));
    let error = impatient
        .post(&url)
        .bearer_auth("sandbox-token")
        .header("idempotency-key", "retry-me")
        .json(&ada())
        .send()
        .await
        .expect_err("the first attempt times out");
    assert!(error.is_timeout());

    let retry = h.create_with_key("sandbox-dixa", "retry-me", &ada()).await;
    assert_eq!(retry.status, 201);
    let again = h.create_with_key("sandbox-dixa", "retry-me", &ada()).await;
    assert_eq!(again.bytes, retry.bytes);
    // Whatever became of the first attempt, it is over by now.
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let stored = h.sandbox.stored_users(None);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].user, retry.json());
}

#[tokio::test]
async fn a_disconnected_attempt_leaves_nothing_locked() {
    let h = Harness::start().await;
    h.sandbox
        .push_faults("sandbox-dixa", vec![Fault::delay_ms(5000)]);
    let target = format!("{USERS}?integrated_account_id=sandbox-dixa");
    let first = raw_request_keep_alive(
        &h.address(),
        &target,
        "idempotency-key: gone\r\n",
        &ada().to_string(),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(first);

    let started = Instant::now();
    let retry = h.create_with_key("sandbox-dixa", "gone", &ada()).await;
    assert_eq!(retry.status, 201);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(retry.header("idempotent-replayed"), None);
    assert_eq!(h.sandbox.stored_users(None).len(), 1);
    assert_eq!(h.sandbox.requests()[0].status, None);
}

#[tokio::test]
async fn an_answer_lost_after_the_store_is_replayed_on_retry() {
    let h = Harness::start().await;
    h.sandbox
        .push_faults("sandbox-dixa", vec![Fault::drop_after_store()]);
    let lost = h
        .post("integrated_account_id=sandbox-dixa")
        .header("idempotency-key", "lost")
        .json(&ada())
        .send()
        .await;
    assert!(lost.is_err(), "a connection error, not a status");

    let retry = h.create_with_key("sandbox-dixa", "lost", &ada()).await;
    assert_eq!(retry.status, 201);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    let stored = h.sandbox.stored_users(None);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].user, retry.json());
}
