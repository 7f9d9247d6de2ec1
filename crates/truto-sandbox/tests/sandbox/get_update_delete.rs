//! `GET`, `PATCH` and `DELETE /unified/ticketing/users/{id}`: answers, 404s,
//! what an update changes, and idempotent updates.

use serde_json::{Value, json};
use truto_sandbox::Seed;

use crate::common::{Harness, ada, send};

/// Creates Ada in `account` and returns her.
async fn created(h: &Harness, account: &str) -> Value {
    let answer = h.create(account, &ada()).await;
    assert_eq!(answer.status, 201, "{:?}", answer.json());
    answer.json()
}

#[tokio::test]
async fn gets_the_bare_user_in_every_format() {
    let h = Harness::start().await;
    let user = created(&h, "sandbox-dixa").await;
    let id = user["id"].as_str().unwrap();
    let answer = h.get_user("sandbox-dixa", id).await;
    assert_eq!(answer.status, 200);
    assert!(answer.header("x-request-id").unwrap().starts_with("req_"));
    assert_eq!(answer.header("ratelimit-limit"), Some("50;w=10"));
    assert_eq!(answer.json(), user);

    let get = |query: &'static str| send(h.one(reqwest::Method::GET, "sandbox-dixa", id, query));
    assert_eq!(
        get("truto_response_format=raw").await.json(),
        user["remote_data"]
    );
    let normalized = get("truto_response_format=normalized").await.json();
    assert_eq!(normalized.as_object().unwrap().len(), 13);
    let lean = get("truto_ignore_remote_data=true&truto_exclude_fields[]=etag")
        .await
        .json();
    assert!(lean.get("remote_data").is_none() && lean.get("etag").is_none());
    let streamed = get("truto_response_format=stream").await;
    assert_eq!(streamed.header("transfer-encoding"), Some("chunked"));
    assert_eq!(streamed.json(), user);
}

#[tokio::test]
async fn unknown_ids_answer_404_in_trutos_shape() {
    let h = Harness::start().await;
    let user = created(&h, "sandbox-dixa").await;
    let id = user["id"].as_str().unwrap();
    let missing = h.get_user("sandbox-dixa", "nope").await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.json(),
        json!({"statusCode": 404, "error": "Not Found", "message": "User nope not found"})
    );
    // Ids belong to their account.
    assert_eq!(h.get_user("sandbox-dixa-2", id).await.status, 404);
    assert_eq!(
        h.update_user("sandbox-dixa", "nope", &json!({"name": "X"}))
            .await
            .message(),
        "User nope not found"
    );
    assert_eq!(h.delete_user("sandbox-dixa", "nope").await.status, 404);
    // A percent-encoded id is decoded.
    h.sandbox
        .seed(Seed::users("sandbox-dixa", vec![json!({"id": "a b/c"})]))
        .unwrap();
    let encoded = h.get_user("sandbox-dixa", "a%20b%2Fc").await;
    assert_eq!(encoded.status, 200);
    assert_eq!(encoded.json()["id"], "a b/c");
}

#[tokio::test]
async fn an_update_changes_only_the_given_fields() {
    let h = Harness::start().await;
    let mut body = ada();
    body["first_name"] = json!("Ada");
    body["roles"] = json!("owner");
    body["remote_data"] = json!({"phoneNumber": "+4400"});
    let before = h.create("sandbox-dixa", &body).await.json();
    let id = before["id"].as_str().unwrap();

    let changes = json!({
        "name": "Augusta Ada King",
        "first_name": null,
        "emails": [{"email": "countess@example.com", "type": "primary"}],
        "team_ids": ["t9"],
        "status": "inactive",
        "remote_data": {"middleNames": ["Augusta"]},
        "not_a_field": 1,
    });
    let answer = h.update_user("sandbox-dixa", id, &changes).await;
    assert_eq!(answer.status, 200, "{:?}", answer.json());
    let after = answer.json();
    assert_eq!(after["id"], before["id"]);
    assert_eq!(after["name"], "Augusta Ada King");
    assert!(after.get("first_name").is_none(), "null clears");
    assert_eq!(after["emails"], changes["emails"]);
    assert_eq!(after["team_ids"], json!(["t9"]));
    assert_eq!(after["is_active"], false);
    assert_eq!(after["roles"], before["roles"], "not given, not changed");
    assert_eq!(after["created_at"], before["created_at"]);
    assert!(after.get("not_a_field").is_none());
    let (old, new) = (
        before["updated_at"].as_str().unwrap(),
        after["updated_at"].as_str().unwrap(),
    );
    assert!(new > old, "{new} after {old}");
    assert_eq!(new.len(), 24, "millisecond RFC 3339 UTC: {new}");
    assert_ne!(after["etag"], before["etag"]);
    assert_eq!(
        after["remote_data"]["phoneNumber"], "+4400",
        "remote_data merges"
    );
    assert_eq!(after["remote_data"]["middleNames"], json!(["Augusta"]));
    assert_eq!(after["remote_data"]["id"], before["id"]);

    // The stored user is the updated one, and so is what get answers.
    let stored = h.sandbox.stored_users(Some("sandbox-dixa"));
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].user, after);
    assert_eq!(h.get_user("sandbox-dixa", id).await.json(), after);

    // Back-to-back updates still move updated_at strictly forward.
    let mut previous = after["updated_at"].as_str().unwrap().to_owned();
    for n in 0..5 {
        let next = h
            .update_user(
                "sandbox-dixa",
                id,
                &json!({"avatar": format!("https://x/{n}.png")}),
            )
            .await
            .json();
        let updated_at = next["updated_at"].as_str().unwrap().to_owned();
        assert!(updated_at > previous, "{updated_at} after {previous}");
        previous = updated_at;
    }
}

#[tokio::test]
async fn an_update_needs_a_field_and_checks_types() {
    let h = Harness::start().await;
    let id = created(&h, "sandbox-dixa").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for empty in [json!({}), json!({"unknown": true})] {
        let answer = h.update_user("sandbox-dixa", &id, &empty).await;
        assert_eq!(answer.status, 400, "{empty}");
        assert_eq!(answer.message(), "No fields to update");
    }
    let wrong = h
        .update_user("sandbox-dixa", &id, &json!({"name": 5, "emails": "x"}))
        .await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.message().contains("name must be") && wrong.message().contains("emails must be"));
    let not_json = send(
        h.one(reqwest::Method::PATCH, "sandbox-dixa", &id, "")
            .body("{"),
    )
    .await;
    assert_eq!(not_json.status, 400);
    // Required fields are a create's business, not an update's.
    let answer = h
        .update_user("sandbox-dixa", &id, &json!({"username": "ada"}))
        .await;
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn planhat_custom_fields_merge_on_update() {
    let h = Harness::start().await;
    let body = json!({"emails": [{"email": "a@b.c"}], "first_name": "A", "last_name": "B", "custom_fields": {"tier": "gold"}});
    let id = h.create("sandbox-planhat", &body).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let after = h
        .update_user(
            "sandbox-planhat",
            &id,
            &json!({"custom_fields": {"seats": 3}}),
        )
        .await
        .json();
    assert_eq!(after["remote_data"]["tier"], "gold");
    assert_eq!(after["remote_data"]["seats"], 3);
}

#[tokio::test]
async fn an_idempotent_update_replays_and_a_reused_key_conflicts() {
    let h = Harness::start().await;
    let id = created(&h, "sandbox-dixa").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let patch = |key: &str, body: Value| {
        send(
            h.one(reqwest::Method::PATCH, "sandbox-dixa", &id, "")
                .header("idempotency-key", key)
                .json(&body),
        )
    };
    let first = patch("up-1", json!({"name": "Grace"})).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.header("idempotent-replayed"), None);
    let stored_after_first = h.sandbox.stored_users(None)[0].user.clone();

    let replay = patch("up-1", json!({"name": "Grace"})).await;
    assert_eq!(replay.status, 200);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert_eq!(replay.bytes, first.bytes);
    assert_eq!(
        h.sandbox.stored_users(None)[0].user,
        stored_after_first,
        "nothing changed"
    );

    let conflict = patch("up-1", json!({"name": "Hopper"})).await;
    assert_eq!(conflict.status, 409);
    assert!(
        conflict.message().contains("different request body"),
        "{}",
        conflict.message()
    );

    // A key is one request: not reusable for another user or another method.
    let other = created(&h, "sandbox-dixa").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let elsewhere = send(
        h.one(reqwest::Method::PATCH, "sandbox-dixa", &other, "")
            .header("idempotency-key", "up-1")
            .json(&json!({"name": "Grace"})),
    )
    .await;
    assert_eq!(elsewhere.status, 409);
    assert!(
        elsewhere.message().contains("another request (PATCH "),
        "{}",
        elsewhere.message()
    );
    let created_with_key = h.create_with_key("sandbox-dixa", "made", &ada()).await;
    assert_eq!(created_with_key.status, 201);
    let patch_with_create_key = patch("made", ada()).await;
    assert_eq!(patch_with_create_key.status, 409);
    assert!(
        patch_with_create_key
            .message()
            .contains("another request (POST /unified/ticketing/users)"),
        "{}",
        patch_with_create_key.message()
    );
    let create_with_patch_key = h
        .create_with_key("sandbox-dixa", "up-1", &json!({"name": "Grace"}))
        .await;
    assert_eq!(
        create_with_patch_key.status, 400,
        "Dixa needs emails: checked first"
    );
    let mut grace = ada();
    grace["name"] = json!("Grace");
    assert_eq!(
        h.create_with_key("sandbox-dixa", "up-1", &grace)
            .await
            .status,
        409
    );

    // A replay answers as the first did, even after the user is gone.
    assert_eq!(h.delete_user("sandbox-dixa", &id).await.status, 200);
    let late = patch("up-1", json!({"name": "Grace"})).await;
    assert_eq!(late.status, 200);
    assert_eq!(late.header("idempotent-replayed"), Some("true"));
    assert_eq!(patch("up-2", json!({"name": "Grace"})).await.status, 404);
}

#[tokio::test]
async fn delete_removes_the_user_once() {
    let h = Harness::start().await;
    let first = created(&h, "sandbox-gorgias").await;
    let second = created(&h, "sandbox-gorgias").await;
    let id = first["id"].as_str().unwrap();
    let answer = h.delete_user("sandbox-gorgias", id).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json(), json!({ "id": id }));
    assert_eq!(
        h.delete_user("sandbox-gorgias", id).await.status,
        404,
        "already deleted"
    );
    assert_eq!(h.get_user("sandbox-gorgias", id).await.status, 404);
    assert_eq!(
        h.stored_ids("sandbox-gorgias"),
        [second["id"].as_str().unwrap()]
    );
    let listed = h.list("sandbox-gorgias", "").await.json();
    assert_eq!(listed["result"], json!([second]));
    let admin = h
        .admin_get("/_sandbox/users?integrated_account_id=sandbox-gorgias")
        .await
        .json();
    assert_eq!(admin.as_array().unwrap().len(), 1);
}
