//! `POST /unified/ticketing/users`: auth, accounts, required fields, query
//! spellings, body types and response formats.

use serde_json::{Value, json};

use crate::common::{Harness, USERS, ada, raw_request, read_all, send};

#[tokio::test]
async fn creates_a_user_in_the_unified_shape() {
    let h = Harness::start().await;
    let body = json!({
        "name": "Ada Lovelace",
        "emails": [{"email": "ada@example.com", "type": "primary"}, {"email": "ada@work.example", "type": "work"}],
        "roles": "owner",
        "team_ids": ["t1"],
        "remote_data": {"phoneNumber": "+4400"},
    });
    let answer = h.create("sandbox-dixa", &body).await;
    assert_eq!(answer.status, 201);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert!(answer.header("x-request-id").unwrap().starts_with("req_"));
    assert_eq!(answer.header("ratelimit-limit"), Some("50;w=10"));
    assert_eq!(answer.header("ratelimit-remaining"), Some("49"));

    let user = answer.json();
    let keys: Vec<&str> = user
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "name",
            "emails",
            "is_active",
            "team_ids",
            "roles",
            "created_at",
            "updated_at",
            "etag",
            "remote_data"
        ]
    );
    assert_eq!(user["name"], "Ada Lovelace");
    assert_eq!(user["emails"], body["emails"]);
    assert_eq!(user["is_active"], true);
    assert_eq!(user["roles"], json!([{"id": "owner", "name": "owner"}]));
    let created_at = user["created_at"].as_str().unwrap();
    assert!(
        created_at.len() == 24 && created_at.ends_with('Z') && &created_at[10..11] == "T",
        "{created_at}"
    );
    assert!(user["etag"].is_string());
    let remote = &user["remote_data"];
    assert_eq!(remote["id"], user["id"]);
    assert_eq!(remote["displayName"], "Ada Lovelace");
    assert_eq!(remote["email"], "ada@example.com");
    assert_eq!(remote["createdAt"], user["created_at"]);
    assert_eq!(
        remote["phoneNumber"], "+4400",
        "request remote_data is merged in"
    );

    let stored = h.sandbox.stored_users(Some("sandbox-dixa"));
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].user, user);
    assert_eq!(stored[0].idempotency_key, None);

    let again = h.create("sandbox-dixa", &ada()).await;
    assert_ne!(again.json()["id"], user["id"]);
    assert_ne!(again.header("x-request-id"), answer.header("x-request-id"));
}

#[tokio::test]
async fn requires_the_bearer_token() {
    let h = Harness::start().await;
    let url = h.url(&format!("{USERS}?integrated_account_id=sandbox-dixa"));
    for request in [
        h.client.post(&url),
        h.client.post(&url).bearer_auth("wrong"),
        h.client
            .post(&url)
            .header("authorization", "Basic c2FuZGJveC10b2tlbg=="),
        h.client.post(&url).header("authorization", "sandbox-token"),
    ] {
        let answer = send(request.json(&ada())).await;
        assert_eq!(answer.status, 401);
        assert_eq!(
            answer.json(),
            json!({"statusCode": 401, "error": "Unauthorized", "message": "Invalid API token"})
        );
        assert!(answer.header("x-request-id").is_some());
    }
    let lower_case_scheme = h
        .client
        .post(&url)
        .header("authorization", "bearer sandbox-token");
    assert_eq!(send(lower_case_scheme.json(&ada())).await.status, 201);
    assert_eq!(h.sandbox.stored_users(None).len(), 1);
}

#[tokio::test]
async fn requires_a_known_integrated_account() {
    let h = Harness::start().await;
    for query in ["", "integrated_account_id=", "other=1"] {
        let answer = send(h.post(query).json(&ada())).await;
        assert_eq!(answer.status, 400, "{query}");
        let insight = &answer.json()["truto_error_insight"]["missing_required_query_parameters"];
        assert_eq!(insight["value"], json!(["integrated_account_id"]));
        assert!(insight["description"].is_string());
    }
    let answer = h.create("sandbox-nope", &ada()).await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.json()["error"], "Not Found");
    // A suffix names another account of the same integration.
    assert_eq!(h.create("sandbox-dixa-second", &ada()).await.status, 201);
}

#[tokio::test]
async fn each_integration_names_its_missing_required_fields() {
    let h = Harness::start().await;
    let cases: [(&str, &[&str]); 9] = [
        ("sandbox-dixa", &["name", "emails"]),
        ("sandbox-freshchat", &["emails", "nick_name"]),
        ("sandbox-gorgias", &["emails"]),
        ("sandbox-hive", &["emails"]),
        ("sandbox-planhat", &["emails", "first_name", "last_name"]),
        (
            "sandbox-qualtrics-corexm",
            &[
                "emails",
                "first_name",
                "last_name",
                "username",
                "password",
                "user_type",
                "languages",
            ],
        ),
        ("sandbox-reamaze", &["name", "emails"]),
        ("sandbox-solarwinds-service-desk", &["name"]),
        ("sandbox-pivotal-tracker", &["name", "emails"]),
    ];
    for (account, missing) in cases {
        let query = if account == "sandbox-pivotal-tracker" {
            format!("integrated_account_id={account}&collections[0][id]=99")
        } else {
            format!("integrated_account_id={account}")
        };
        let answer = send(h.post(&query).json(&json!({"unknown_field": 1}))).await;
        assert_eq!(answer.status, 400, "{account}");
        let body = answer.json();
        assert_eq!(
            body["message"],
            format!("Missing required fields: {}", missing.join(", ")),
            "{account}"
        );
        let insight = body["truto_error_insight"].as_object().unwrap();
        assert_eq!(insight.len(), 1, "{account}: {insight:?}");
        assert_eq!(
            insight["missing_required_body_fields"]["value"],
            json!(missing),
            "{account}"
        );
    }
    assert_eq!(h.create("sandbox-teamwork", &json!({})).await.status, 201);
    assert_eq!(h.sandbox.stored_users(None).len(), 1);
}

#[tokio::test]
async fn every_integration_creates_a_complete_user() {
    let h = Harness::start().await;
    let everything = json!({
        "name": "Ada Lovelace",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "nick_name": "ada",
        "username": "ada",
        "password": "s3cret",
        "user_type": "standard",
        "languages": ["en"],
        "emails": [{"email": "ada@example.com", "type": "primary"}],
        "avatar": "https://example.com/ada.png",
        "roles": [{"id": "r1", "name": "member"}],
        "status": "active",
        "team_ids": ["t1"],
        "custom_fields": {"tier": "gold"},
    });
    for account in truto_sandbox::INTEGRATION_ACCOUNTS {
        let query = format!("integrated_account_id={account}&collections[0][id]=12345");
        let answer = send(h.post(&query).json(&everything)).await;
        assert_eq!(answer.status, 201, "{account}: {:?}", answer.json());
        let user = answer.json();
        assert!(
            user["id"].as_str().is_some_and(|id| !id.is_empty()),
            "{account}"
        );
        assert!(
            user["remote_data"]
                .as_object()
                .is_some_and(|r| !r.is_empty()),
            "{account}"
        );
        assert!(
            user.get("password").is_none(),
            "{account}: the password is never echoed"
        );
        assert_eq!(user["roles"], json!([{"id": "r1", "name": "member"}]));
        assert!(
            user.as_object()
                .unwrap()
                .values()
                .all(|value| !value.is_null()),
            "{account}"
        );
    }
    let planhat = &h.sandbox.stored_users(Some("sandbox-planhat"))[0].user;
    assert_eq!(planhat["remote_data"]["_id"], planhat["id"]);
    assert_eq!(
        planhat["remote_data"]["tier"], "gold",
        "custom_fields merge into Planhat's record"
    );
    let pivotal = &h.sandbox.stored_users(Some("sandbox-pivotal-tracker"))[0].user;
    assert_eq!(pivotal["remote_data"]["project_id"], 12345);
    assert_eq!(
        pivotal["remote_data"]["person"]["id"].to_string(),
        pivotal["id"].as_str().unwrap()
    );
    let dixa = &h.sandbox.stored_users(Some("sandbox-dixa"))[0].user;
    assert!(
        dixa["remote_data"].get("tier").is_none(),
        "custom_fields are Planhat's alone"
    );
}

#[tokio::test]
async fn missing_means_absent_null_empty_string_or_empty_array() {
    let h = Harness::start().await;
    for body in [
        json!({"name": "", "emails": []}),
        json!({"name": null, "emails": null}),
        json!({"emails": []}),
    ] {
        let answer = h.create("sandbox-dixa", &body).await;
        assert_eq!(answer.status, 400);
        assert_eq!(
            answer.message(),
            "Missing required fields: name, emails",
            "{body}"
        );
    }
}

#[tokio::test]
async fn pivotal_tracker_needs_a_collection_in_any_spelling() {
    let h = Harness::start().await;
    let answer = h.create("sandbox-pivotal-tracker", &ada()).await;
    assert_eq!(answer.status, 400);
    let body = answer.json();
    assert_eq!(
        body["message"],
        "Missing required query parameters: collections"
    );
    assert_eq!(
        body["truto_error_insight"]["missing_required_query_parameters"]["value"],
        json!(["collections"])
    );
    assert!(
        body["truto_error_insight"]
            .get("missing_required_body_fields")
            .is_none()
    );

    // Both kinds missing: both keys in one insight.
    let answer = h.create("sandbox-pivotal-tracker", &json!({})).await;
    let insight = answer.json()["truto_error_insight"].clone();
    assert_eq!(
        insight["missing_required_body_fields"]["value"],
        json!(["name", "emails"])
    );
    assert_eq!(
        insight["missing_required_query_parameters"]["value"],
        json!(["collections"])
    );

    // A scalar is not a collection: the SDK must send objects with an id.
    for wrong in ["collections=7", "collections[]=7", "collections[0][name]=x"] {
        let query = format!("integrated_account_id=sandbox-pivotal-tracker&{wrong}");
        assert_eq!(
            send(h.post(&query).json(&ada())).await.status,
            400,
            "{wrong}"
        );
    }
    for spelling in [
        "collections[0][id]=77",
        "collections%5B0%5D%5Bid%5D=77",
        "collections[][id]=77",
        "collections%5B%5D%5Bid%5D=77&collections%5B%5D%5Bid%5D=78",
    ] {
        let query = format!("integrated_account_id=sandbox-pivotal-tracker&{spelling}");
        let answer = send(h.post(&query).json(&ada())).await;
        assert_eq!(answer.status, 201, "{spelling}");
        assert_eq!(answer.json()["remote_data"]["project_id"], 77, "{spelling}");
    }
    let logged = h.sandbox.requests();
    let last = logged.last().unwrap();
    assert_eq!(
        last.query_params["collections"],
        json!([{"id": "77"}, {"id": "78"}])
    );
    assert_eq!(
        last.query_pairs[1],
        ("collections[][id]".to_owned(), "77".to_owned())
    );
}

#[tokio::test]
async fn refuses_bodies_that_are_not_json_objects_or_have_wrong_types() {
    let h = Harness::start().await;
    for raw in ["", "{", "[1]", "\"text\"", "null"] {
        let answer = send(h.post("integrated_account_id=sandbox-dixa").body(raw)).await;
        assert_eq!(answer.status, 400, "{raw:?}");
        assert_eq!(answer.json()["error"], "Bad Request");
    }
    let wrong = json!({
        "name": 5,
        "emails": "ada@example.com",
        "languages": "en",
        "roles": 3,
        "status": "paused",
        "remote_data": [],
        "first_name": "fine",
    });
    let answer = h.create("sandbox-dixa", &wrong).await;
    assert_eq!(answer.status, 400);
    let message = answer.message();
    for field in [
        "name",
        "emails",
        "languages",
        "roles",
        "status",
        "remote_data",
    ] {
        assert!(
            message.contains(&format!("{field} must be")),
            "{field}: {message}"
        );
    }
    assert!(!message.contains("first_name"));
    // Emails need an address; any type is accepted.
    let answer = h
        .create(
            "sandbox-dixa",
            &json!({"name": "A", "emails": [{"type": "primary"}]}),
        )
        .await;
    assert_eq!(answer.status, 400);
    let odd_type =
        json!({"name": "A", "emails": [{"email": "a@b.c", "type": "home"}], "extra": {"x": 1}});
    assert_eq!(h.create("sandbox-dixa", &odd_type).await.status, 201);
    assert!(h.sandbox.stored_users(None).len() == 1);
}

#[tokio::test]
async fn status_and_roles_shape_the_user() {
    let h = Harness::start().await;
    let mut body = ada();
    body["status"] = json!("inactive");
    body["roles"] = json!([{"name": "viewer"}, {"id": "r2", "name": "Member"}]);
    let user = h.create("sandbox-dixa", &body).await.json();
    assert_eq!(user["is_active"], false);
    assert_eq!(
        user["roles"],
        json!([{"id": "viewer", "name": "viewer"}, {"id": "r2", "name": "Member"}])
    );
}

#[tokio::test]
async fn special_accounts_refuse_every_create() {
    let h = Harness::start().await;
    let blocked = h.create("sandbox-blocked", &ada()).await;
    assert_eq!(blocked.status, 503);
    assert!(
        blocked.message().contains("blocked"),
        "{}",
        blocked.message()
    );
    let read_only = h.create("sandbox-readonly", &json!({})).await;
    assert_eq!(read_only.status, 405);
    assert!(
        read_only.message().contains("sandbox"),
        "{}",
        read_only.message()
    );
    assert!(h.sandbox.stored_users(None).is_empty());
}

#[tokio::test]
async fn response_formats_and_field_selection() {
    let h = Harness::start().await;
    let create = |query: &str| {
        send(
            h.post(&format!("integrated_account_id=sandbox-dixa&{query}"))
                .json(&ada()),
        )
    };

    let raw = create("truto_response_format=raw").await;
    assert_eq!(raw.status, 201);
    let stored = h.sandbox.stored_users(None).pop().unwrap().user;
    assert_eq!(raw.json(), stored["remote_data"]);

    let normalized = create("truto_response_format=normalized").await.json();
    let keys: Vec<&str> = normalized
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "name",
            "first_name",
            "last_name",
            "username",
            "emails",
            "is_active",
            "team_ids",
            "avatar",
            "roles",
            "created_at",
            "updated_at",
            "etag"
        ]
    );
    assert_eq!(normalized["first_name"], Value::Null);
    assert_eq!(normalized["name"], "Ada Lovelace");

    let streamed = create("truto_response_format=stream").await;
    assert_eq!(streamed.header("transfer-encoding"), Some("chunked"));
    assert_eq!(streamed.header("content-type"), Some("application/json"));
    let stored = h.sandbox.stored_users(None).pop().unwrap().user;
    assert_eq!(streamed.json(), stored);

    let lean = create("truto_ignore_remote_data=true&truto_exclude_fields[]=etag&truto_exclude_fields%5B%5D=emails").await.json();
    assert!(
        lean.get("remote_data").is_none()
            && lean.get("etag").is_none()
            && lean.get("emails").is_none()
    );
    assert!(lean.get("name").is_some());
    let stored = h.sandbox.stored_users(None).pop().unwrap().user;
    assert!(
        stored.get("remote_data").is_some() && stored.get("etag").is_some(),
        "the store keeps the full user"
    );

    let raw_without_id = create("truto_response_format=raw&truto_exclude_fields=id")
        .await
        .json();
    assert!(raw_without_id.get("id").is_none() && raw_without_id.get("displayName").is_some());

    for invalid in ["truto_response_format=xml", "truto_ignore_remote_data=yes"] {
        assert_eq!(create(invalid).await.status, 400, "{invalid}");
    }
    assert_eq!(h.sandbox.stored_users(None).len(), 5);
}

#[tokio::test]
async fn a_streamed_answer_arrives_in_several_chunks() {
    let h = Harness::start().await;
    let target = format!("{USERS}?integrated_account_id=sandbox-dixa&truto_response_format=stream");
    let stream = raw_request(&h.address(), &target, "", &ada().to_string()).await;
    let received = String::from_utf8(read_all(stream).await).unwrap();
    let (head, mut chunked) = received.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 201"), "{head}");
    assert!(head.contains("transfer-encoding: chunked"), "{head}");
    let mut chunks = Vec::new();
    loop {
        let (size, rest) = chunked.split_once("\r\n").unwrap();
        let size = usize::from_str_radix(size, 16).unwrap();
        if size == 0 {
            break;
        }
        chunks.push(&rest[..size]);
        chunked = &rest[size + 2..];
    }
    assert!(chunks.len() >= 2, "{chunks:?}");
    let user: Value = serde_json::from_str(&chunks.concat()).unwrap();
    assert_eq!(user["name"], "Ada Lovelace");
}

#[tokio::test]
async fn other_paths_and_methods_answer_in_trutos_shape() {
    let h = Harness::start().await;
    let put = send(h.client.put(h.url(USERS)).bearer_auth("sandbox-token")).await;
    assert_eq!(put.status, 405);
    assert_eq!(put.header("allow"), Some("GET, POST"));
    let one = format!("{USERS}/42");
    let post_one = send(h.client.post(h.url(&one)).bearer_auth("sandbox-token")).await;
    assert_eq!(post_one.status, 405);
    assert_eq!(post_one.header("allow"), Some("GET, PATCH, DELETE"));
    let elsewhere = send(h.client.post(h.url("/unified/ticketing/tickets"))).await;
    assert_eq!(elsewhere.status, 404);
    assert_eq!(
        elsewhere.json(),
        json!({"statusCode": 404, "error": "Not Found", "message": "Not Found"})
    );
    assert!(elsewhere.header("x-request-id").is_some());
    let logged: Vec<(String, Option<u16>)> = h
        .sandbox
        .requests()
        .into_iter()
        .map(|request| (request.path, request.status))
        .collect();
    assert_eq!(
        logged,
        [
            (USERS.to_owned(), Some(405)),
            (one, Some(405)),
            ("/unified/ticketing/tickets".to_owned(), Some(404))
        ]
    );
}
