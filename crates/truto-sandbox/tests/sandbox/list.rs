//! `GET /unified/ticketing/users`: pages, cursors, filters in every
//! spelling, sorting, formats and the 400s.

use std::collections::HashSet;

use serde_json::{Value, json};
use truto_sandbox::{SandboxConfig, Seed};

use crate::common::{Harness, USERS, ada, http_client, ids, send};

#[tokio::test]
async fn pages_through_many_users_with_limit() {
    let h = Harness::unlimited().await;
    h.sandbox
        .seed(Seed::generate("sandbox-dixa", 1000))
        .unwrap();
    // Another account's users never show.
    h.sandbox.seed(Seed::generate("sandbox-dixa-2", 5)).unwrap();

    let (users, pages) = h.list_all("sandbox-dixa", "limit=37").await;
    assert_eq!(pages, 28, "27 full pages and one of 1");
    assert_eq!(
        ids(&users),
        h.stored_ids("sandbox-dixa"),
        "creation order, each once"
    );
    assert_eq!(users[0]["name"], "User 1");
    assert_eq!(users[999]["emails"][0]["email"], "user1000@example.com");
    let unique: HashSet<String> = ids(&users).into_iter().collect();
    assert_eq!(unique.len(), 1000);

    let first = h.list("sandbox-dixa", "limit=37").await;
    assert_eq!(first.header("content-type"), Some("application/json"));
    assert!(first.header("x-request-id").is_some());
    let keys: Vec<String> = first.json().as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        ["result", "next_cursor", "prev_cursor", "result_count"]
    );
    // The full user, as create answers it.
    let stored = h.sandbox.stored_users(Some("sandbox-dixa"));
    assert_eq!(first.json()["result"][0], stored[0].user);
}

#[tokio::test]
async fn limit_defaults_to_100_and_is_capped_at_1000() {
    let h = Harness::unlimited().await;
    h.sandbox
        .seed(Seed::generate("sandbox-teamwork", 1500))
        .unwrap();
    let default = h.list("sandbox-teamwork", "").await.json();
    assert_eq!(default["result_count"], 100);
    assert!(default["next_cursor"].is_string());
    let capped = h.list("sandbox-teamwork", "limit=5000").await.json();
    assert_eq!(capped["result_count"], 1000);
    let cursor = capped["next_cursor"].as_str().unwrap();
    let rest = h
        .list(
            "sandbox-teamwork",
            &format!("limit=1000&next_cursor={cursor}"),
        )
        .await
        .json();
    assert_eq!(rest["result_count"], 500);
    assert_eq!(rest["next_cursor"], Value::Null);
}

#[tokio::test]
async fn an_empty_account_answers_one_empty_page() {
    let h = Harness::start().await;
    let answer = h.list("sandbox-hive", "").await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json(),
        json!({"result": [], "next_cursor": null, "prev_cursor": null, "result_count": 0})
    );
    // A page that ends exactly with the last user is the last page.
    h.sandbox.seed(Seed::generate("sandbox-hive", 10)).unwrap();
    let first = h.list("sandbox-hive", "limit=5").await.json();
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = h
        .list("sandbox-hive", &format!("limit=5&next_cursor={cursor}"))
        .await
        .json();
    assert_eq!(second["result_count"], 5);
    assert_eq!(second["next_cursor"], Value::Null);
    let exact = h.list("sandbox-hive", "limit=10").await.json();
    assert_eq!(exact["next_cursor"], Value::Null);
}

#[tokio::test]
async fn a_cursor_resumes_where_the_page_ended_whatever_changed_since() {
    let h = Harness::start().await;
    h.sandbox.seed(Seed::generate("sandbox-dixa", 10)).unwrap();
    let all = h.stored_ids("sandbox-dixa");
    let first = h.list("sandbox-dixa", "limit=4").await.json();
    assert_eq!(ids(first["result"].as_array().unwrap()), &all[..4]);
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();

    // Meanwhile: the next user and an already seen one are deleted, and a
    // user is created.
    assert_eq!(h.delete_user("sandbox-dixa", &all[4]).await.status, 200);
    assert_eq!(h.delete_user("sandbox-dixa", &all[1]).await.status, 200);
    let created = h.create("sandbox-dixa", &ada()).await.json();

    let mut seen = ids(first["result"].as_array().unwrap());
    let mut cursor = Some(cursor);
    while let Some(next) = cursor {
        let page = h
            .list("sandbox-dixa", &format!("limit=4&next_cursor={next}"))
            .await
            .json();
        seen.extend(ids(page["result"].as_array().unwrap()));
        cursor = page["next_cursor"].as_str().map(str::to_owned);
    }
    let mut expected: Vec<String> = all[..4].to_vec();
    expected.extend_from_slice(&all[5..]);
    expected.push(created["id"].as_str().unwrap().to_owned());
    assert_eq!(seen, expected, "nothing repeated, nothing skipped");

    // The same cursor can be used again: it names a position, not a session.
    let again = h.list("sandbox-dixa", "limit=4").await.json();
    assert_eq!(again["result"][1]["id"], json!(all[2]));
}

/// Seeds a small, varied cast for the filter tests.
async fn seed_cast(h: &Harness, account: &str) {
    let seeded = h
        .seed(json!({
            "integrated_account_id": account,
            "users": [
                {"id": "u1", "name": "Ada Lovelace", "emails": [{"email": "Ada@Example.com", "type": "primary"}],
                 "created_at": "2026-01-01T00:00:00.000Z", "updated_at": "2026-03-01T00:00:00.000Z"},
                {"id": "u2", "name": "Grace Hopper", "emails": [{"email": "grace@example.com"}, {"email": "g.hopper@navy.example"}],
                 "status": "inactive", "created_at": "2026-02-01T00:00:00.000Z", "updated_at": "2026-02-15T00:00:00.000Z"},
                {"id": "u3", "name": "Alan Turing", "emails": [{"email": "alan@example.com"}],
                 "created_at": "2026-03-01T12:30:00.000Z", "updated_at": "2026-03-02T00:00:00.000Z"},
                {"id": "u4", "first_name": "Nameless", "emails": [],
                 "created_at": "2025-12-31T23:59:59.999Z", "updated_at": "2026-01-01T00:00:00.000Z", "is_active": false}
            ]
        }))
        .await;
    assert_eq!(seeded.status, 200, "{:?}", seeded.json());
    assert_eq!(seeded.json(), json!({"seeded": 4}));
}

#[tokio::test]
async fn every_filter_in_every_spelling() {
    let h = Harness::unlimited().await;
    seed_cast(&h, "sandbox-freshchat").await;
    let cases: &[(&str, &[&str])] = &[
        ("", &["u1", "u2", "u3", "u4"]),
        // emails: any of them, case-insensitive, in every bracket spelling.
        ("emails=ada@example.COM", &["u1"]),
        (
            "emails[]=alan@example.com&emails[]=g.hopper@navy.example",
            &["u2", "u3"],
        ),
        (
            "emails%5B%5D=alan@example.com&emails%5B%5D=nobody@example.com",
            &["u3"],
        ),
        (
            "emails[0]=grace@example.com&emails[1]=ada@example.com",
            &["u1", "u2"],
        ),
        (
            "emails=alan@example.com&emails=ada@example.com",
            &["u1", "u3"],
        ),
        ("emails[0][email]=alan@example.com", &["u3"]),
        ("emails=nobody@example.com", &[]),
        // name: a case-insensitive substring; users without a name never match.
        ("name=LOVE", &["u1"]),
        ("name=a", &["u1", "u2", "u3"]),
        ("name=Grace+Hopper", &["u2"]),
        ("name=%20Tur", &["u3"]),
        // is_active
        ("is_active=true", &["u1", "u3"]),
        ("is_active=false", &["u2", "u4"]),
        // created_at / updated_at: operators, or equality, as instants.
        ("created_at[gte]=2026-01-01T00:00:00Z", &["u1", "u2", "u3"]),
        ("created_at[gt]=2026-01-01T00:00:00Z", &["u2", "u3"]),
        ("created_at[lt]=2026-01-01T00:00:00Z", &["u4"]),
        (
            "created_at[lte]=2026-02-01T00:00:00.000Z",
            &["u1", "u2", "u4"],
        ),
        (
            "created_at%5Bgte%5D=2026-01-15T00:00:00Z&created_at%5Blt%5D=2026-03-01T12:30:00Z",
            &["u2"],
        ),
        ("created_at=2026-03-01T13:30:00%2B01:00", &["u3"]),
        ("created_at=2026-03-01T13:30:00+01:00", &["u3"]),
        ("created_at=2026-03-01T12:30:00.000000Z", &["u3"]),
        ("updated_at[gt]=2026-02-20T00:00:00Z", &["u1", "u3"]),
        ("updated_at=2026-01-01T00:00:00Z", &["u4"]),
        // Combined, with the shared parameters alongside.
        (
            "is_active=true&name=a&created_at[gt]=2026-01-01T00:00:00Z&remote_query[x]=1&truto_key_by=id&truto_ignore_limit=true",
            &["u3"],
        ),
    ];
    for (query, expected) in cases {
        let answer = h.list("sandbox-freshchat", query).await;
        assert_eq!(answer.status, 200, "{query}: {:?}", answer.json());
        let found = ids(answer.json()["result"].as_array().unwrap());
        assert_eq!(found, *expected, "{query}");
    }
    // Filters page like anything else.
    let (users, pages) = h.list_all("sandbox-freshchat", "limit=1&name=a").await;
    assert_eq!(ids(&users), ["u1", "u2", "u3"]);
    assert_eq!(pages, 3);
}

#[tokio::test]
async fn sort_by_each_field_in_both_directions() {
    let h = Harness::unlimited().await;
    seed_cast(&h, "sandbox-dixa").await;
    let cases: &[(&str, &[&str])] = &[
        ("sort_by[name]=asc", &["u4", "u1", "u3", "u2"]),
        ("sort_by[name]=desc", &["u2", "u3", "u1", "u4"]),
        ("sort_by[created_at]=desc", &["u3", "u2", "u1", "u4"]),
        ("sort_by%5Bcreated_at%5D=asc", &["u4", "u1", "u2", "u3"]),
        ("sort_by[updated_at]=desc", &["u3", "u1", "u2", "u4"]),
        ("sort_by[id]=desc", &["u4", "u3", "u2", "u1"]),
        ("sort_by[name]=asc&is_active=true", &["u1", "u3"]),
    ];
    for (query, expected) in cases {
        for limit in [1, 3, 100] {
            let (users, _) = h
                .list_all("sandbox-dixa", &format!("{query}&limit={limit}"))
                .await;
            assert_eq!(ids(&users), *expected, "{query}, limit {limit}");
        }
    }
    // Numeric ids sort as numbers; an updated user moves in updated_at order.
    h.sandbox
        .seed(Seed::users(
            "sandbox-gorgias",
            vec![
                json!({"id": "10"}),
                json!({"id": "9"}),
                json!({"id": "100"}),
            ],
        ))
        .unwrap();
    let (users, _) = h
        .list_all("sandbox-gorgias", "sort_by[id]=asc&limit=2")
        .await;
    assert_eq!(ids(&users), ["9", "10", "100"]);
    assert_eq!(
        h.update_user("sandbox-gorgias", "10", &json!({"name": "Ten"}))
            .await
            .status,
        405,
        "Gorgias has no update"
    );
    assert_eq!(
        h.update_user("sandbox-dixa", "u4", &json!({"name": "Zed"}))
            .await
            .status,
        200
    );
    let (users, _) = h.list_all("sandbox-dixa", "sort_by[updated_at]=desc").await;
    assert_eq!(ids(&users)[0], "u4");
}

#[tokio::test]
async fn invalid_values_answer_400_naming_the_parameter() {
    let h = Harness::unlimited().await;
    h.sandbox.seed(Seed::generate("sandbox-dixa", 3)).unwrap();
    let unsorted_cursor = h.list("sandbox-dixa", "limit=1").await.json()["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let cases = [
        ("limit=0", "limit"),
        ("limit=-1", "limit"),
        ("limit=abc", "limit"),
        ("limit=1.5", "limit"),
        ("limit=", "limit"),
        ("next_cursor=not-a-cursor", "Invalid cursor"),
        ("next_cursor=eyJhIjoxfQ%3D%3Dx", "Invalid cursor"),
        (
            &format!("sort_by[name]=asc&next_cursor={unsorted_cursor}"),
            "Invalid cursor",
        ),
        ("is_active=yes", "is_active"),
        ("is_active=", "is_active"),
        ("created_at=yesterday", "created_at"),
        ("created_at[gte]=2026-01-01", "created_at[gte]"),
        (
            "updated_at[since]=2026-01-01T00:00:00Z",
            "updated_at[since]",
        ),
        ("sort_by[email]=asc", "sort_by[email]"),
        ("sort_by[name]=up", "sort_by[name]"),
        ("sort_by=name", "sort_by"),
        ("name[first]=Ada", "name"),
        ("truto_response_format=xml", "truto_response_format"),
    ];
    for (query, named) in cases {
        let answer = h.list("sandbox-dixa", query).await;
        assert_eq!(answer.status, 400, "{query}");
        assert_eq!(answer.json()["error"], "Bad Request");
        assert!(
            answer.message().contains(named),
            "{query}: {}",
            answer.message()
        );
    }
    assert_eq!(
        h.list("sandbox-dixa", "next_cursor=!!").await.json(),
        json!({"statusCode": 400, "error": "Bad Request", "message": "Invalid cursor"})
    );
    // An empty cursor is no cursor: the first page.
    assert_eq!(
        h.list("sandbox-dixa", "next_cursor=").await.json()["result_count"],
        3
    );
}

#[tokio::test]
async fn pivotal_tracker_lists_need_a_collection_and_filter_by_it() {
    let h = Harness::start().await;
    let answer = h.list("sandbox-pivotal-tracker", "").await;
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
    for not_a_collection in ["collections=7", "collections[]=7"] {
        let answer = h.list("sandbox-pivotal-tracker", not_a_collection).await;
        assert_eq!(answer.status, 400, "{not_a_collection}");
    }

    // Created in project 7 (in both spellings), seeded in 7 and 8.
    for spelling in ["collections[0][id]=7", "collections[][id]=7"] {
        let created = send(
            h.post(&format!(
                "integrated_account_id=sandbox-pivotal-tracker&{spelling}"
            ))
            .json(&ada()),
        )
        .await;
        assert_eq!(created.status, 201);
    }
    h.sandbox
        .seed(Seed::generate("sandbox-pivotal-tracker", 2).in_collection("7"))
        .unwrap();
    h.sandbox
        .seed(Seed::generate("sandbox-pivotal-tracker", 3).in_collection("8"))
        .unwrap();
    let count = |query: &'static str| {
        let h = &h;
        async move {
            let answer = h.list("sandbox-pivotal-tracker", query).await;
            assert_eq!(answer.status, 200, "{query}");
            answer.json()["result_count"].as_u64().unwrap()
        }
    };
    assert_eq!(count("collections[0][id]=7").await, 4);
    assert_eq!(count("collections%5B%5D%5Bid%5D=8").await, 3);
    assert_eq!(count("collections[0][id]=7&collections[1][id]=8").await, 7);
    assert_eq!(count("collections[0][id]=9").await, 0);

    // Elsewhere `collections` is ignored, as Truto ignores filters an
    // integration does not support.
    h.sandbox.seed(Seed::generate("sandbox-dixa", 2)).unwrap();
    let dixa = h.list("sandbox-dixa", "collections[0][id]=7").await.json();
    assert_eq!(dixa["result_count"], 2);
}

#[tokio::test]
async fn formats_shape_every_user_of_the_page() {
    let h = Harness::start().await;
    for _ in 0..3 {
        assert_eq!(h.create("sandbox-dixa", &ada()).await.status, 201);
    }
    let stored = h.sandbox.stored_users(Some("sandbox-dixa"));

    let raw = h
        .list("sandbox-dixa", "truto_response_format=raw")
        .await
        .json();
    assert_eq!(raw["result"][2], stored[2].user["remote_data"]);
    assert_eq!(raw["result_count"], 3);

    let normalized = h
        .list("sandbox-dixa", "truto_response_format=normalized&limit=1")
        .await
        .json();
    let user = normalized["result"][0].as_object().unwrap();
    assert_eq!(user.len(), 13);
    assert_eq!(user["first_name"], Value::Null);
    assert!(normalized["next_cursor"].is_string());

    let lean = h
        .list(
            "sandbox-dixa",
            "truto_ignore_remote_data=true&truto_exclude_fields[]=etag&truto_exclude_fields%5B%5D=emails",
        )
        .await
        .json();
    for user in lean["result"].as_array().unwrap() {
        assert!(user.get("remote_data").is_none() && user.get("etag").is_none());
        assert!(user.get("emails").is_none() && user.get("name").is_some());
    }

    let streamed = h.list("sandbox-dixa", "truto_response_format=stream").await;
    assert_eq!(streamed.header("transfer-encoding"), Some("chunked"));
    let body = streamed.json();
    assert_eq!(body["result"][0], stored[0].user);
    assert_eq!(body["result_count"], 3);
}

#[tokio::test]
async fn lists_over_tls() {
    let h = Harness::with(SandboxConfig {
        tls: true,
        ..SandboxConfig::default()
    })
    .await;
    h.sandbox.seed(Seed::generate("sandbox-hive", 25)).unwrap();
    let ca = reqwest::Certificate::from_pem(h.sandbox.ca_pem().unwrap().as_bytes()).unwrap();
    let trusting = http_client().tls_certs_only([ca]).build().unwrap();
    let port = h.sandbox.port();
    let mut cursor: Option<String> = None;
    let mut seen = Vec::new();
    loop {
        let mut url =
            format!("https://localhost:{port}{USERS}?integrated_account_id=sandbox-hive&limit=10");
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&next_cursor={cursor}"));
        }
        let answer = send(trusting.get(url).bearer_auth("sandbox-token")).await;
        assert_eq!(answer.status, 200);
        let page = answer.json();
        seen.extend(ids(page["result"].as_array().unwrap()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, h.stored_ids("sandbox-hive"));
    let one = send(
        trusting
            .get(format!(
                "https://127.0.0.1:{port}{USERS}/{}?integrated_account_id=sandbox-hive",
                seen[3]
            ))
            .bearer_auth("sandbox-token"),
    )
    .await;
    assert_eq!(one.status, 200);
    assert_eq!(one.json()["id"], json!(seen[3]));
}
