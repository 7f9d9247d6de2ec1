//! Scripted faults: error statuses, rate-limit answers, delays, dropped
//! connections and hostile bodies.

use std::time::{Duration, Instant};

use serde_json::json;
use truto_sandbox::Fault;

use crate::common::{Harness, USERS, ada, http_client, raw_request, read_all, send};

#[tokio::test]
async fn status_faults_answer_trutos_errors_in_order_and_store_nothing() {
    let h = Harness::start().await;
    h.push_faults(
        "sandbox-dixa",
        json!([
            {"status": 500},
            {"status": 502, "message": "Upstream hiccup", "remote": true, "raw_response": "<html>bad gateway</html>"},
            {"status": 422, "remote": true},
            {"status": 403, "insight": {"forbidden_error": {"description": "scopes", "value": {"missing_scopes": ["users:write"]}}}},
        ]),
    )
    .await;

    let first = h.create("sandbox-dixa", &ada()).await;
    assert_eq!(first.status, 500);
    assert_eq!(
        first.json(),
        json!({"statusCode": 500, "error": "Internal Server Error", "message": "Internal Server Error"})
    );
    let second = h.create("sandbox-dixa", &ada()).await.json();
    assert_eq!(second["statusCode"], 502);
    assert_eq!(second["message"], "Upstream hiccup");
    assert_eq!(second["truto_is_remote_error"], true);
    assert_eq!(second["raw_response"], "<html>bad gateway</html>");
    let third = h.create("sandbox-dixa", &ada()).await.json();
    assert_eq!(third["error"], "Unprocessable Entity");
    assert!(third["raw_response"].is_object(), "a default provider body");
    let fourth = h.create("sandbox-dixa", &ada()).await.json();
    assert_eq!(
        fourth["truto_error_insight"]["forbidden_error"]["value"]["missing_scopes"][0],
        "users:write"
    );
    assert!(fourth.get("truto_is_remote_error").is_none());

    assert!(h.sandbox.stored_users(None).is_empty());
    assert_eq!(h.create("sandbox-dixa", &ada()).await.status, 201);
    let statuses: Vec<Option<u16>> = h.sandbox.requests().iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [Some(500), Some(502), Some(422), Some(403), Some(201)]
    );
}

#[tokio::test]
async fn faults_come_before_validation_and_belong_to_one_account() {
    let h = Harness::start().await;
    h.sandbox
        .push_faults("sandbox-dixa-a", vec![Fault::status(500)]);
    assert_eq!(h.create("sandbox-dixa-b", &ada()).await.status, 201);
    // Consumed even though the body would have been refused.
    assert_eq!(h.create("sandbox-dixa-a", &json!({})).await.status, 500);
    assert_eq!(h.create("sandbox-dixa-a", &json!({})).await.status, 400);
}

#[tokio::test]
async fn rate_limit_faults_carry_retry_after_and_ratelimit_headers() {
    let h = Harness::start().await;
    h.push_faults(
        "sandbox-gorgias",
        json!([
            {"status": 429, "retry_after": 2},
            {"status": 429, "headers": {"ratelimit-reset": "3"}},
            {"status": 429, "retry_after": "Wed, 21 Oct 2015 07:28:00 GMT"},
            {"status": 503, "retry_after": 7, "headers": {"x-provider": "gorgias"}},
        ]),
    )
    .await;
    let body = json!({"emails": [{"email": "a@b.c"}]});

    let first = h.create("sandbox-gorgias", &body).await;
    assert_eq!(first.status, 429);
    assert_eq!(first.header("retry-after"), Some("2"));
    assert_eq!(first.header("ratelimit-limit"), Some("50;w=10"));
    assert_eq!(first.header("ratelimit-remaining"), Some("0"));
    assert_eq!(first.header("ratelimit-reset"), Some("2"));
    assert!(first.json()["truto_error_insight"]["rate_limit_error"].is_object());

    let second = h.create("sandbox-gorgias", &body).await;
    assert_eq!(second.header("retry-after"), None);
    assert_eq!(second.header("ratelimit-reset"), Some("3"));
    assert_eq!(
        second.header("ratelimit-limit"),
        None,
        "only the headers the fault names"
    );

    let third = h.create("sandbox-gorgias", &body).await;
    assert_eq!(
        third.header("retry-after"),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );

    let fourth = h.create("sandbox-gorgias", &body).await;
    assert_eq!(fourth.status, 503);
    assert_eq!(fourth.header("retry-after"), Some("7"));
    assert_eq!(fourth.header("x-provider"), Some("gorgias"));
}

#[tokio::test]
async fn delays_hold_the_answer_back() {
    let h = Harness::start().await;
    h.push_faults(
        "sandbox-dixa",
        json!([{"delay_ms": 300}, {"delay_ms": 200, "status": 504}, {"delay_ms": 0, "headers": {"x-extra": "1"}}]),
    )
    .await;
    let started = Instant::now();
    assert_eq!(h.create("sandbox-dixa", &ada()).await.status, 201);
    assert!(started.elapsed() >= Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(h.create("sandbox-dixa", &ada()).await.status, 504);
    assert!(started.elapsed() >= Duration::from_millis(200));
    let normal = h.create("sandbox-dixa", &ada()).await;
    assert_eq!(normal.status, 201);
    assert_eq!(
        normal.header("x-extra"),
        Some("1"),
        "headers apply to a normal answer too"
    );
    assert_eq!(h.sandbox.stored_users(None).len(), 2);
}

#[tokio::test]
async fn drop_before_store_closes_the_connection_without_a_byte() {
    let h = Harness::start().await;
    h.push_faults(
        "sandbox-dixa",
        json!([{"drop": "before_store"}, {"drop": "before_store"}]),
    )
    .await;
    let target = format!("{USERS}?integrated_account_id=sandbox-dixa");
    let stream = raw_request(&h.address(), &target, "", &ada().to_string()).await;
    assert_eq!(read_all(stream).await, b"");

    // What a client library sees: a connection error, never a status.
    let error = h
        .post("integrated_account_id=sandbox-dixa")
        .json(&ada())
        .send()
        .await
        .expect_err("no answer");
    assert!(error.status().is_none() && !error.is_timeout(), "{error:?}");

    assert!(h.sandbox.stored_users(None).is_empty());
    let statuses: Vec<Option<u16>> = h.sandbox.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [None, None]);
    assert_eq!(
        h.create("sandbox-dixa", &ada()).await.status,
        201,
        "the server still serves"
    );
}

#[tokio::test]
async fn drop_after_store_stores_the_user_then_closes_without_a_byte() {
    let h = Harness::start().await;
    h.sandbox
        .push_faults("sandbox-dixa", vec![Fault::drop_after_store()]);
    let target = format!("{USERS}?integrated_account_id=sandbox-dixa");
    let stream = raw_request(&h.address(), &target, "", &ada().to_string()).await;
    assert_eq!(read_all(stream).await, b"");
    let stored = h.sandbox.stored_users(None);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].user["name"], "Ada Lovelace");
    assert_eq!(h.sandbox.requests()[0].status, None);
}

#[tokio::test]
async fn hostile_bodies_are_sent_exactly() {
    let h = Harness::start().await;
    h.push_faults(
        "sandbox-dixa",
        json!([
            {"status": 201, "body": "<html>not json</html>", "content_type": "text/html"},
            {"body": "{\"id\": "},
            {"status": 200, "body_base64": "/w==", "content_type": "application/octet-stream"},
            {"status": 201, "body": "{\"id\":\"slow\"}", "body_chunk_delay_ms": 40},
        ]),
    )
    .await;
    let html = h.create("sandbox-dixa", &ada()).await;
    assert_eq!(
        (html.status, html.header("content-type")),
        (201, Some("text/html"))
    );
    assert_eq!(html.bytes, b"<html>not json</html>");
    let truncated = h.create("sandbox-dixa", &ada()).await;
    assert_eq!(
        (truncated.status, truncated.header("content-type")),
        (200, Some("application/json"))
    );
    assert_eq!(truncated.bytes, b"{\"id\": ");
    let binary = h.create("sandbox-dixa", &ada()).await;
    assert_eq!(binary.bytes, [0xff]);

    let started = Instant::now();
    let slow = h.create("sandbox-dixa", &ada()).await;
    assert!(
        started.elapsed() >= Duration::from_millis(12 * 40),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(slow.header("content-length"), Some("13"));
    assert_eq!(slow.bytes, b"{\"id\":\"slow\"}");
    assert!(h.sandbox.stored_users(None).is_empty());
}

#[tokio::test]
async fn a_slow_body_can_trip_a_client_read_timeout() {
    let h = Harness::start().await;
    h.sandbox.push_faults(
        "sandbox-dixa",
        vec![Fault::delay_ms(0).with_body_chunk_delay_ms(100)],
    );
    let client = http_client()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let response = client
        .post(h.url(&format!("{USERS}?integrated_account_id=sandbox-dixa")))
        .bearer_auth("sandbox-token")
        .json(&ada())
        .send()
        .await
        .expect("the head arrives at once");
    assert_eq!(response.status(), 201);
    let error = response.bytes().await.expect_err("the body is too slow");
    assert!(error.is_timeout(), "{error:?}");
}

#[tokio::test]
async fn the_fault_endpoint_refuses_malformed_faults() {
    let h = Harness::start().await;
    for body in [
        json!({"integrated_account_id": "sandbox-dixa", "faults": [{"stauts": 500}]}),
        json!({"integrated_account_id": "sandbox-dixa", "faults": [{"status": 42}]}),
        json!({"integrated_account_id": "sandbox-dixa", "faults": [{"headers": {"bad header": "x"}}]}),
        json!({"integrated_account_id": "sandbox-dixa", "faults": [{"body_base64": "!!"}]}),
        json!({"integrated_account_id": "sandbox-dixa", "faults": [{"drop": "sometimes"}]}),
        json!({"faults": []}),
    ] {
        let answer = send(h.client.post(h.url("/_sandbox/faults")).json(&body)).await;
        assert_eq!(answer.status, 400, "{body}");
        assert_eq!(answer.json()["statusCode"], 400);
    }
    assert_eq!(
        h.create("sandbox-dixa", &ada()).await.status,
        201,
        "nothing was queued"
    );
}
