//! What every users method shares: which integrations support it, special
//! accounts, faults and rate limits in arrival order, the request log,
//! request ids and latency.

use std::time::{Duration, Instant};

use serde_json::json;
use truto_sandbox::{Fault, RateLimits, SandboxConfig, Seed};

use crate::common::{Answer, Harness, USERS, ada, send};

/// One request of each method to `account`, on user `id`.
async fn each_method(h: &Harness, account: &str, id: &str) -> Vec<(&'static str, Answer)> {
    vec![
        ("list", h.list(account, "").await),
        ("get", h.get_user(account, id).await),
        ("create", h.create(account, &ada()).await),
        (
            "update",
            h.update_user(account, id, &json!({"name": "New"})).await,
        ),
        ("delete", h.delete_user(account, id).await),
    ]
}

#[tokio::test]
async fn unsupported_methods_answer_405_naming_the_integration() {
    let h = Harness::start().await;
    let expectations: [(&str, &str, &[&str]); 3] = [
        ("sandbox-reamaze", "Re:amaze", &["update", "delete"]),
        ("sandbox-gorgias", "Gorgias", &["update"]),
        ("sandbox-dixa", "Dixa", &[]),
    ];
    for (account, display_name, unsupported) in expectations {
        h.sandbox
            .seed(Seed::users(account, vec![json!({"id": "1", "name": "A"})]))
            .unwrap();
        for (method, answer) in each_method(&h, account, "1").await {
            if unsupported.contains(&method) {
                assert_eq!(answer.status, 405, "{account} {method}");
                assert_eq!(
                    answer.json(),
                    json!({
                        "statusCode": 405,
                        "error": "Method Not Allowed",
                        "message": format!("{display_name} does not support {method} for ticketing/users"),
                    })
                );
                assert!(
                    answer.header("ratelimit-limit").is_some(),
                    "after the rate limits"
                );
            } else {
                assert!(answer.status < 300, "{account} {method}: {}", answer.status);
            }
        }
    }
    // Every integration lists and gets.
    for account in truto_sandbox::INTEGRATION_ACCOUNTS {
        let query = "collections[0][id]=1";
        assert_eq!(h.list(account, query).await.status, 200, "{account}");
    }
}

#[tokio::test]
async fn the_405_comes_after_auth_account_faults_and_rate_limits() {
    let h = Harness::with(SandboxConfig {
        rate_limits: Some(RateLimits {
            per_account: 2,
            per_token: 100,
            window: Duration::from_secs(10),
        }),
        ..SandboxConfig::default()
    })
    .await;
    let unauthenticated = send(
        h.client
            .patch(h.url(&format!("{USERS}/1?integrated_account_id=sandbox-reamaze")))
            .json(&json!({"name": "x"})),
    )
    .await;
    assert_eq!(unauthenticated.status, 401);
    assert_eq!(
        h.update_user("sandbox-nope", "1", &json!({"name": "x"}))
            .await
            .status,
        404
    );
    h.sandbox
        .push_faults("sandbox-reamaze", vec![Fault::status(502)]);
    assert_eq!(h.delete_user("sandbox-reamaze", "1").await.status, 502);
    assert_eq!(h.delete_user("sandbox-reamaze", "1").await.status, 405);
    assert_eq!(h.delete_user("sandbox-reamaze", "1").await.status, 405);
    assert_eq!(
        h.delete_user("sandbox-reamaze", "1").await.status,
        429,
        "405s count"
    );
    // ... and before the body is read.
    let not_json = send(
        h.one(reqwest::Method::PATCH, "sandbox-reamaze-2", "1", "")
            .body("{"),
    )
    .await;
    assert_eq!(not_json.status, 405);
}

#[tokio::test]
async fn the_read_only_account_reads_but_never_writes() {
    let h = Harness::start().await;
    h.sandbox
        .seed(Seed::users(
            "sandbox-readonly",
            vec![json!({"id": "r1", "name": "Reader"})],
        ))
        .unwrap();
    let answers = each_method(&h, "sandbox-readonly", "r1").await;
    let statuses: Vec<(&str, u16)> = answers.iter().map(|(m, a)| (*m, a.status)).collect();
    assert_eq!(
        statuses,
        [
            ("list", 200),
            ("get", 200),
            ("create", 405),
            ("update", 405),
            ("delete", 405)
        ]
    );
    assert_eq!(answers[0].1.json()["result"][0]["name"], "Reader");
    assert_eq!(answers[1].1.json()["remote_data"], json!({"id": "r1"}));
    assert!(
        answers[3].1.message().contains("sandbox"),
        "{}",
        answers[3].1.message()
    );
    assert_eq!(h.stored_ids("sandbox-readonly"), ["r1"]);
}

#[tokio::test]
async fn the_blocked_account_answers_503_to_every_method() {
    let h = Harness::start().await;
    for (method, answer) in each_method(&h, "sandbox-blocked", "1").await {
        assert_eq!(answer.status, 503, "{method}");
        assert!(answer.message().contains("blocked"), "{method}");
    }
}

#[tokio::test]
async fn faults_apply_to_every_method_in_arrival_order() {
    let h = Harness::start().await;
    let id = h.create("sandbox-dixa", &ada()).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    h.sandbox.push_faults(
        "sandbox-dixa",
        vec![
            Fault::status(500),
            Fault::status(429).with_retry_after_secs(2),
            Fault::delay_ms(200).with_header("x-fault", "yes"),
            Fault::raw_body(200, "text/html", "<html>"),
        ],
    );
    let list = h.list("sandbox-dixa", "").await;
    assert_eq!(list.status, 500);
    let get = h.get_user("sandbox-dixa", &id).await;
    assert_eq!(get.status, 429);
    assert_eq!(get.header("retry-after"), Some("2"));
    let started = Instant::now();
    let update = h
        .update_user("sandbox-dixa", &id, &json!({"name": "Slow"}))
        .await;
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(update.status, 200);
    assert_eq!(update.header("x-fault"), Some("yes"));
    let delete = h.delete_user("sandbox-dixa", &id).await;
    assert_eq!(delete.bytes, b"<html>");
    assert_eq!(
        h.stored_ids("sandbox-dixa"),
        std::slice::from_ref(&id),
        "a faulted delete deletes nothing"
    );

    // Dropped before: nothing happens; dropped after: it happened.
    h.sandbox
        .push_faults("sandbox-dixa", vec![Fault::drop_before_store()]);
    assert!(
        h.one(reqwest::Method::DELETE, "sandbox-dixa", &id, "")
            .send()
            .await
            .is_err()
    );
    assert_eq!(h.stored_ids("sandbox-dixa").len(), 1);
    h.sandbox
        .push_faults("sandbox-dixa", vec![Fault::drop_after_store()]);
    assert!(
        h.one(reqwest::Method::DELETE, "sandbox-dixa", &id, "")
            .send()
            .await
            .is_err()
    );
    assert!(h.stored_ids("sandbox-dixa").is_empty());
    h.sandbox
        .push_faults("sandbox-dixa", vec![Fault::drop_after_store()]);
    assert!(
        h.one(reqwest::Method::GET, "sandbox-dixa", "x", "")
            .send()
            .await
            .is_ok(),
        "a 404 is answered"
    );
}

#[tokio::test]
async fn every_method_counts_against_the_same_windows() {
    let h = Harness::with(SandboxConfig {
        rate_limits: Some(RateLimits {
            per_account: 4,
            per_token: 100,
            window: Duration::from_secs(10),
        }),
        ..SandboxConfig::default()
    })
    .await;
    let id = h.create("sandbox-dixa", &ada()).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let list = h.list("sandbox-dixa", "").await;
    assert_eq!(list.header("ratelimit-limit"), Some("4;w=10"));
    assert_eq!(list.header("ratelimit-remaining"), Some("2"));
    let get = h.get_user("sandbox-dixa", &id).await;
    assert_eq!(get.header("ratelimit-remaining"), Some("1"));
    let update = h
        .update_user("sandbox-dixa", &id, &json!({"name": "x"}))
        .await;
    assert_eq!(update.header("ratelimit-remaining"), Some("0"));
    let refused = h.delete_user("sandbox-dixa", &id).await;
    assert_eq!(refused.status, 429);
    assert!(refused.header("retry-after").is_some());
    assert_eq!(h.list("sandbox-dixa", "").await.status, 429);
    assert_eq!(h.stored_ids("sandbox-dixa"), [id]);
}

#[tokio::test]
async fn every_method_is_logged_with_its_path_and_answered_with_a_request_id() {
    let h = Harness::start().await;
    let id = h.create("sandbox-dixa", &ada()).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let answers = each_method(&h, "sandbox-dixa", &id).await;
    let request_ids: Vec<&str> = answers
        .iter()
        .map(|(_, answer)| answer.header("x-request-id").expect("a request id"))
        .collect();
    assert_eq!(request_ids.len(), 5);
    let logged: Vec<(String, String, Option<u16>)> = h
        .sandbox
        .requests()
        .into_iter()
        .map(|request| (request.method, request.path, request.status))
        .collect();
    let one = format!("{USERS}/{id}");
    assert_eq!(
        logged,
        [
            ("POST".into(), USERS.into(), Some(201)),
            ("GET".into(), USERS.into(), Some(200)),
            ("GET".into(), one.clone(), Some(200)),
            ("POST".into(), USERS.into(), Some(201)),
            ("PATCH".into(), one.clone(), Some(200)),
            ("DELETE".into(), one, Some(200)),
        ]
    );
    let patch = &h.sandbox.requests()[4];
    assert_eq!(patch.body, Some(json!({"name": "New"})));
    assert_eq!(patch.integrated_account_id.as_deref(), Some("sandbox-dixa"));
}

#[tokio::test]
async fn latency_delays_every_method() {
    let h = Harness::with(SandboxConfig {
        latency: Duration::from_millis(120),
        ..SandboxConfig::default()
    })
    .await;
    h.sandbox
        .seed(Seed::users("sandbox-dixa", vec![json!({"id": "1"})]))
        .unwrap();
    let started = Instant::now();
    assert_eq!(h.list("sandbox-dixa", "").await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(120), "list");
    for method in [
        reqwest::Method::GET,
        reqwest::Method::PATCH,
        reqwest::Method::DELETE,
    ] {
        let started = Instant::now();
        let answer = send(
            h.one(method.clone(), "sandbox-dixa", "1", "")
                .json(&json!({"name": "x"})),
        )
        .await;
        assert!(answer.status < 300, "{method}: {}", answer.status);
        assert!(started.elapsed() >= Duration::from_millis(120), "{method}");
    }
}
