//! `SandboxConfig::tls` (HTTPS with a CA made at start), `latency`, and the connection
//! counter of `GET /_sandbox/stats`.

use std::time::{Duration, Instant};

use serde_json::json;
use truto_sandbox::SandboxConfig;

use crate::common::{Harness, http_client, send};

#[tokio::test]
async fn tls_serves_https_with_a_ca_a_client_can_trust() {
    let harness = Harness::with(SandboxConfig {
        tls: true,
        ..SandboxConfig::default()
    })
    .await;
    let url = harness.sandbox.url().to_owned();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let pem = harness.sandbox.ca_pem().expect("a CA");
    let ca = reqwest::Certificate::from_pem(pem.as_bytes()).expect("PEM");
    let trusting = http_client().tls_certs_only([ca]).build().unwrap();
    let body = json!({"name": "Ada", "emails": [{"email": "ada@example.com"}]});
    for host in ["127.0.0.1", "localhost"] {
        let port = harness.sandbox.port();
        let answer = send(
            trusting
                .post(format!(
                    "https://{host}:{port}/unified/ticketing/users?integrated_account_id=sandbox-dixa"
                ))
                .bearer_auth(harness.sandbox.token())
                .json(&body),
        )
        .await;
        assert_eq!(answer.status, 201, "{host}");
    }
    // Without the CA, the certificate is not trusted.
    let error = http_client()
        .build()
        .unwrap()
        .get(format!("{url}/_sandbox/stats"))
        .send()
        .await
        .expect_err("an untrusted certificate");
    assert!(format!("{error:?}").contains("ertificate"), "{error:?}");
}

#[tokio::test]
async fn plain_sandboxes_have_no_ca() {
    let harness = Harness::start().await;
    assert!(harness.sandbox.ca_pem().is_none());
}

#[tokio::test]
async fn stats_count_connections_until_reset() {
    let harness = Harness::start().await;
    let body = json!({"name": "Ada", "emails": [{"email": "ada@example.com"}]});
    for _ in 0..3 {
        assert_eq!(harness.create("sandbox-dixa", &body).await.status, 201);
    }
    // reqwest kept one connection open for all three.
    assert_eq!(harness.sandbox.connections_accepted(), 1);
    let stats = harness.admin_get("/_sandbox/stats").await.json();
    assert_eq!(stats, json!({"connections_accepted": 1}));
    harness.sandbox.reset();
    assert_eq!(harness.sandbox.connections_accepted(), 0);
}

#[tokio::test]
async fn latency_delays_every_create() {
    let harness = Harness::with(SandboxConfig {
        latency: Duration::from_millis(150),
        ..SandboxConfig::default()
    })
    .await;
    let body = json!({"name": "Ada", "emails": [{"email": "ada@example.com"}]});
    let started = Instant::now();
    assert_eq!(harness.create("sandbox-dixa", &body).await.status, 201);
    assert!(started.elapsed() >= Duration::from_millis(150));
}
