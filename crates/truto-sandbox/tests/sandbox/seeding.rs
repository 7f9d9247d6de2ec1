//! `POST /_sandbox/seed` and `Sandbox::seed`: users stored as if created.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use truto_sandbox::{SandboxConfig, Seed, SeedError};

use crate::common::{Harness, ids};

#[tokio::test]
async fn seeds_given_users_as_if_created() {
    let h = Harness::start().await;
    let answer = h
        .seed(json!({
            "integrated_account_id": "sandbox-gorgias",
            "users": [
                {"name": "Minted"},
                {"id": "7", "name": "Fixed", "emails": [{"email": "f@example.com", "type": "primary"}],
                 "roles": "owner", "created_at": "2020-05-01T10:00:00Z", "updated_at": "2021-05-01T10:00:00.123Z",
                 "etag": "e-7", "is_active": false, "remote_data": {"extra": true}}
            ]
        }))
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json(), json!({"seeded": 2}));
    assert!(answer.header("x-request-id").is_some());

    let stored = h.sandbox.stored_users(Some("sandbox-gorgias"));
    let minted = &stored[0].user;
    assert!(
        minted["id"].as_str().unwrap().parse::<u64>().is_ok(),
        "Gorgias ids are numbers"
    );
    assert_eq!(minted["remote_data"]["name"], "Minted");
    assert_eq!(minted["created_at"].as_str().unwrap().len(), 24);
    assert_eq!(minted["created_at"], minted["updated_at"]);
    let fixed = &stored[1].user;
    assert_eq!(fixed["id"], "7");
    assert_eq!(fixed["roles"], json!([{"id": "owner", "name": "owner"}]));
    assert_eq!(fixed["created_at"], "2020-05-01T10:00:00Z");
    assert_eq!(fixed["updated_at"], "2021-05-01T10:00:00.123Z");
    assert_eq!(fixed["etag"], "e-7");
    assert_eq!(fixed["is_active"], false);
    assert_eq!(fixed["remote_data"]["id"], 7);
    assert_eq!(fixed["remote_data"]["extra"], true);
    assert_eq!(stored[1].idempotency_key, None);

    // Seeded users are like any other: listed, fetched, deleted; no request logged.
    assert_eq!(h.get_user("sandbox-gorgias", "7").await.json(), *fixed);
    assert_eq!(
        h.list("sandbox-gorgias", "").await.json()["result_count"],
        2
    );
    assert_eq!(h.delete_user("sandbox-gorgias", "7").await.status, 200);
    assert!(
        h.sandbox
            .requests()
            .iter()
            .all(|request| !request.path.contains("seed"))
    );
}

#[tokio::test]
async fn generates_users_from_a_template() {
    let h = Harness::start().await;
    let answer = h
        .seed(json!({
            "integrated_account_id": "sandbox-pivotal-tracker-bench",
            "generate": 3,
            "template": {"name": "Person {n}", "username": "p{n}", "emails": [{"email": "p{n}@example.com", "type": "primary"}], "team_ids": ["team-{n}", "all"]},
            "collection": "555"
        }))
        .await;
    assert_eq!(answer.json(), json!({"seeded": 3}));
    let stored = h
        .sandbox
        .stored_users(Some("sandbox-pivotal-tracker-bench"));
    let third = &stored[2].user;
    assert_eq!(third["name"], "Person 3");
    assert_eq!(third["username"], "p3");
    assert_eq!(
        third["emails"],
        json!([{"email": "p3@example.com", "type": "primary"}])
    );
    assert_eq!(third["team_ids"], json!(["team-3", "all"]));
    assert_eq!(third["remote_data"]["project_id"], 555);
    let listed = h
        .list(
            "sandbox-pivotal-tracker-bench",
            "collections[0][id]=555&emails=P2@example.com",
        )
        .await
        .json();
    assert_eq!(listed["result"][0]["name"], "Person 2");

    // Both forms at once, and the default template.
    let both = h
        .seed(json!({"integrated_account_id": "sandbox-hive", "users": [{"name": "First"}], "generate": 2}))
        .await;
    assert_eq!(both.json(), json!({"seeded": 3}));
    let names: Vec<Value> = h
        .sandbox
        .stored_users(Some("sandbox-hive"))
        .into_iter()
        .map(|stored| stored.user["name"].clone())
        .collect();
    assert_eq!(names, [json!("First"), json!("User 1"), json!("User 2")]);
    let hive_id = h.sandbox.stored_users(Some("sandbox-hive"))[0].user["id"].clone();
    assert_eq!(
        hive_id.as_str().unwrap().len(),
        17,
        "Hive's ids, as create mints them"
    );
}

#[tokio::test]
async fn refuses_bad_seeds_whole() {
    let h = Harness::start().await;
    let cases = [
        (
            json!({"integrated_account_id": "sandbox-nope", "generate": 1}),
            404,
            "sandbox-nope",
        ),
        (
            json!({"integrated_account_id": "sandbox-dixa", "users": [{"name": "ok"}, {"nmae": "typo"}]}),
            400,
            "users[1]: unknown fields nmae",
        ),
        (
            json!({"integrated_account_id": "sandbox-dixa", "users": [{"created_at": "soon"}]}),
            400,
            "created_at",
        ),
        (
            json!({"integrated_account_id": "sandbox-dixa", "generate": 2, "template": {"emails": "x{n}"}}),
            400,
            "template, user 1: emails must be",
        ),
        (
            json!({"integrated_account_id": "sandbox-dixa", "users": [{"id": "d"}, {"id": "d"}]}),
            400,
            "The id d is already taken",
        ),
        (
            json!({"integrated_account_id": "sandbox-dixa", "generate": 2_000_000}),
            400,
            "at most",
        ),
        (
            json!({"integrated_account_id": "sandbox-dixa", "genrate": 2}),
            400,
            "genrate",
        ),
        (json!([]), 400, "Expected"),
    ];
    for (seed, status, message) in cases {
        let answer = h.seed(seed.clone()).await;
        assert_eq!(answer.status, status, "{seed}");
        assert!(
            answer.message().contains(message),
            "{seed}: {}",
            answer.message()
        );
    }
    assert!(
        h.sandbox.stored_users(None).is_empty(),
        "nothing half-seeded"
    );
    assert_eq!(
        h.sandbox
            .seed(Seed::users("sandbox-dixa", vec![json!({"id": "d"})])),
        Ok(1)
    );
    assert_eq!(
        h.sandbox
            .seed(Seed::users("sandbox-dixa", vec![json!({"id": "d"})])),
        Err(SeedError::Invalid(
            "The id d is already taken in sandbox-dixa".into()
        ))
    );
    let wrong_method = h.admin_get("/_sandbox/seed").await;
    assert_eq!(wrong_method.status, 405);
}

#[tokio::test]
async fn seeded_numeric_ids_are_never_minted_again() {
    let h = Harness::start().await;
    let high = 9_000_000_000u64;
    h.sandbox
        .seed(Seed::users(
            "sandbox-teamwork",
            vec![json!({"id": high.to_string()})],
        ))
        .unwrap();
    let created = h.create("sandbox-teamwork", &json!({})).await;
    assert_eq!(created.status, 201);
    let minted: u64 = created.json()["id"].as_str().unwrap().parse().unwrap();
    assert!(minted > high, "{minted}");
}

/// Benchmarks seed tens of thousands of users and page through them: both
/// must stay cheap (release builds seed 100 000 in a fraction of a second;
/// this debug-build bound is loose on purpose).
#[tokio::test]
async fn seeds_and_pages_a_large_account() {
    let h = Harness::with(SandboxConfig {
        rate_limits: None,
        ..SandboxConfig::default()
    })
    .await;
    let started = Instant::now();
    assert_eq!(
        h.sandbox.seed(Seed::generate("sandbox-dixa", 100_000)),
        Ok(100_000)
    );
    let seeding = started.elapsed();
    assert!(seeding < Duration::from_secs(30), "{seeding:?}");

    // A page deep into the account costs what the first one does.
    let first = h.list("sandbox-dixa", "limit=100").await.json();
    let mut cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let mut last_page = Vec::new();
    let started = Instant::now();
    for _ in 0..100 {
        let page = h
            .list("sandbox-dixa", &format!("limit=100&next_cursor={cursor}"))
            .await
            .json();
        last_page = ids(page["result"].as_array().unwrap());
        cursor = page["next_cursor"].as_str().unwrap().to_owned();
    }
    let paging = started.elapsed();
    assert!(paging < Duration::from_secs(20), "{paging:?}");
    let stored = h.stored_ids("sandbox-dixa");
    assert_eq!(last_page, &stored[10_000..10_100]);
    eprintln!("seeded 100000 users in {seeding:?}; 100 pages of 100 in {paging:?}");
}
