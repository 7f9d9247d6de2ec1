//! Truto's fixed-window rate limits, with small limits to keep tests short.

use std::time::Duration;

use truto_sandbox::{RateLimits, SandboxConfig};

use crate::common::{Answer, Harness, ada};

fn limited(per_account: u32, per_token: u32, window: Duration) -> SandboxConfig {
    SandboxConfig {
        rate_limits: Some(RateLimits {
            per_account,
            per_token,
            window,
        }),
        ..SandboxConfig::default()
    }
}

#[tokio::test]
async fn the_account_limit_answers_429_until_the_window_resets() {
    let h = Harness::with(limited(3, 100, Duration::from_secs(2))).await;
    let seconds =
        |answer: &Answer, name: &str| -> u64 { answer.header(name).unwrap().parse().unwrap() };
    for remaining in ["2", "1", "0"] {
        let answer = h.create("sandbox-dixa", &ada()).await;
        assert_eq!(answer.status, 201);
        assert_eq!(answer.header("ratelimit-limit"), Some("3;w=2"));
        assert_eq!(answer.header("ratelimit-remaining"), Some(remaining));
        assert!((1..=2).contains(&seconds(&answer, "ratelimit-reset")));
    }
    let refused = h.create("sandbox-dixa", &ada()).await;
    assert_eq!(refused.status, 429);
    assert!((1..=2).contains(&seconds(&refused, "retry-after")));
    assert_eq!(refused.header("ratelimit-limit"), Some("3;w=2"));
    assert_eq!(refused.header("ratelimit-remaining"), Some("0"));
    assert_eq!(
        refused.header("ratelimit-reset"),
        refused.header("retry-after")
    );
    let body = refused.json();
    assert_eq!(body["statusCode"], 429);
    assert_eq!(body["error"], "Too Many Requests");
    assert!(body["truto_error_insight"]["rate_limit_error"]["description"].is_string());

    // Another account has its own window.
    assert_eq!(h.create("sandbox-dixa-2", &ada()).await.status, 201);
    tokio::time::sleep(Duration::from_millis(2050)).await;
    assert_eq!(h.create("sandbox-dixa", &ada()).await.status, 201);
    assert_eq!(h.sandbox.stored_users(None).len(), 5);
}

#[tokio::test]
async fn the_token_limit_spans_accounts() {
    let h = Harness::with(limited(100, 2, Duration::from_secs(10))).await;
    assert_eq!(h.create("sandbox-dixa", &ada()).await.status, 201);
    let second = h.create("sandbox-reamaze", &ada()).await;
    assert_eq!(
        second.header("ratelimit-limit"),
        Some("2;w=10"),
        "the tighter window is reported"
    );
    assert_eq!(second.header("ratelimit-remaining"), Some("0"));
    let refused = h.create("sandbox-solarwinds-service-desk", &ada()).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.header("ratelimit-limit"), Some("2;w=10"));
    let retry_after: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=10).contains(&retry_after));
}

#[tokio::test]
async fn refusals_before_the_limiter_are_not_counted_and_reset_clears_windows() {
    let h = Harness::with(limited(1, 100, Duration::from_secs(10))).await;
    let unauthenticated = h
        .client
        .post(h.url("/unified/ticketing/users?integrated_account_id=sandbox-dixa"));
    assert_eq!(unauthenticated.send().await.unwrap().status(), 401);
    assert_eq!(h.create("sandbox-dixa", &ada()).await.status, 201);
    assert_eq!(h.create("sandbox-dixa", &ada()).await.status, 429);
    h.sandbox.reset();
    assert_eq!(h.create("sandbox-dixa", &ada()).await.status, 201);
}

#[tokio::test]
async fn without_limits_there_are_no_429s_and_no_ratelimit_headers() {
    let h = Harness::with(SandboxConfig {
        rate_limits: None,
        ..SandboxConfig::default()
    })
    .await;
    for _ in 0..60 {
        let answer = h.create("sandbox-dixa", &ada()).await;
        assert_eq!(answer.status, 201);
        assert_eq!(answer.header("ratelimit-limit"), None);
    }
}
