//! `/_sandbox/*` and their in-process equivalents.

use serde_json::{Value, json};
use truto_sandbox::{LoggedRequest, SandboxConfig, StoredUser};

use crate::common::{Harness, USERS, ada, send};

#[tokio::test]
async fn stored_users_list_in_creation_order_per_account_or_all() {
    let h = Harness::start().await;
    h.create("sandbox-dixa", &ada()).await;
    h.create_with_key(
        "sandbox-gorgias",
        "k1",
        &json!({"emails": [{"email": "g@example.com"}]}),
    )
    .await;
    h.create("sandbox-dixa", &ada()).await;

    let all: Vec<StoredUser> =
        serde_json::from_slice(&h.admin_get("/_sandbox/users").await.bytes).unwrap();
    assert_eq!(all, h.sandbox.stored_users(None));
    let accounts: Vec<&str> = all
        .iter()
        .map(|u| u.integrated_account_id.as_str())
        .collect();
    assert_eq!(
        accounts,
        ["sandbox-dixa", "sandbox-gorgias", "sandbox-dixa"]
    );
    assert_eq!(all[1].idempotency_key.as_deref(), Some("k1"));

    let dixa = h
        .admin_get("/_sandbox/users?integrated_account_id=sandbox-dixa")
        .await;
    assert_eq!(dixa.status, 200);
    let dixa = dixa.json();
    assert_eq!(dixa.as_array().unwrap().len(), 2);
    assert_eq!(dixa[0]["idempotency_key"], Value::Null);
    assert_eq!(dixa[0]["user"]["name"], "Ada Lovelace");
    assert_eq!(
        h.admin_get("/_sandbox/users?integrated_account_id=nobody")
            .await
            .json(),
        json!([])
    );
}

#[tokio::test]
async fn the_request_log_shows_what_went_over_the_wire() {
    let h = Harness::start().await;
    let query = "integrated_account_id=sandbox-dixa&truto_exclude_fields%5B%5D=etag&remote_query[a][b]=c%20d";
    h.client
        .post(h.url(&format!("{USERS}?{query}")))
        .bearer_auth("sandbox-token")
        .header("idempotency-key", "abc")
        .json(&ada())
        .send()
        .await
        .unwrap();
    send(
        h.post("integrated_account_id=sandbox-dixa")
            .header("content-type", "text/plain")
            .body("not json"),
    )
    .await;
    h.admin_get("/_sandbox/users").await;

    let via_http: Vec<LoggedRequest> =
        serde_json::from_slice(&h.admin_get("/_sandbox/requests").await.bytes).unwrap();
    let logged = h.sandbox.requests();
    assert_eq!(via_http, logged);
    assert_eq!(logged.len(), 2, "admin requests are not logged");

    let first = &logged[0];
    assert_eq!(first.method, "POST");
    assert_eq!(first.path, USERS);
    assert_eq!(first.query, query);
    assert_eq!(
        first.query_pairs,
        [
            (
                "integrated_account_id".to_owned(),
                "sandbox-dixa".to_owned()
            ),
            ("truto_exclude_fields[]".to_owned(), "etag".to_owned()),
            ("remote_query[a][b]".to_owned(), "c d".to_owned()),
        ]
    );
    assert_eq!(
        first.query_params["remote_query"],
        json!({"a": {"b": "c d"}})
    );
    assert_eq!(
        first.headers.get("idempotency-key").map(String::as_str),
        Some("abc")
    );
    assert_eq!(
        first.headers.get("content-type").map(String::as_str),
        Some("application/json")
    );
    assert!(
        !first.headers.contains_key("authorization"),
        "the token is never logged"
    );
    assert_eq!(first.body, Some(ada()));
    assert_eq!(first.body_text, None);
    assert_eq!(first.integrated_account_id.as_deref(), Some("sandbox-dixa"));
    assert_eq!(first.status, Some(201));

    let second = &logged[1];
    assert_eq!(second.body, None);
    assert_eq!(second.body_text.as_deref(), Some("not json"));
    assert_eq!(second.status, Some(400));

    let raw = h.admin_get("/_sandbox/requests").await.json();
    let keys: Vec<&str> = raw[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "method",
            "path",
            "query",
            "query_pairs",
            "query_params",
            "headers",
            "body",
            "body_text",
            "integrated_account_id",
            "status"
        ]
    );
    assert_eq!(
        raw[0]["query_pairs"][0],
        json!(["integrated_account_id", "sandbox-dixa"])
    );
}

#[tokio::test]
async fn the_request_log_keeps_only_the_newest() {
    let h = Harness::with(SandboxConfig {
        request_log_capacity: 3,
        ..SandboxConfig::default()
    })
    .await;
    for name in ["a", "b", "c", "d", "e"] {
        h.create(
            "sandbox-dixa",
            &json!({"name": name, "emails": [{"email": "x@y.z"}]}),
        )
        .await;
    }
    let names: Vec<Value> = h
        .sandbox
        .requests()
        .into_iter()
        .map(|request| request.body.unwrap()["name"].clone())
        .collect();
    assert_eq!(names, [json!("c"), json!("d"), json!("e")]);
}

#[tokio::test]
async fn reset_forgets_everything() {
    let h = Harness::start().await;
    h.create_with_key("sandbox-dixa", "k", &ada()).await;
    h.push_faults("sandbox-dixa", json!([{"status": 500}]))
        .await;
    let reset = send(h.client.post(h.url("/_sandbox/reset"))).await;
    assert_eq!(reset.status, 204);
    assert!(h.sandbox.stored_users(None).is_empty());
    assert!(h.sandbox.requests().is_empty());
    let fresh = h.create_with_key("sandbox-dixa", "k", &ada()).await;
    assert_eq!(fresh.status, 201, "the fault is gone");
    assert_eq!(
        fresh.header("idempotent-replayed"),
        None,
        "the key is forgotten"
    );
    assert_eq!(
        fresh.header("ratelimit-remaining"),
        Some("49"),
        "the window restarted"
    );
}

#[tokio::test]
async fn unknown_admin_paths_and_methods() {
    let h = Harness::start().await;
    assert_eq!(h.admin_get("/_sandbox/nothing").await.status, 404);
    assert_eq!(h.admin_get("/_sandbox/reset").await.status, 405);
    let post_users = send(h.client.post(h.url("/_sandbox/users"))).await;
    assert_eq!(post_users.status, 405);
    assert_eq!(post_users.json()["statusCode"], 405);
    assert!(h.sandbox.requests().is_empty());
}
