//! Helpers shared by the sandbox's integration tests: a started sandbox, a
//! client pointed at it, and raw HTTP for what a client library hides.

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use truto_sandbox::{Sandbox, SandboxConfig};

pub const USERS: &str = "/unified/ticketing/users";

pub struct Harness {
    pub sandbox: Sandbox,
    pub client: reqwest::Client,
}

/// A decoded answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or_else(|error| {
            panic!(
                "not JSON ({error}): {:?}",
                String::from_utf8_lossy(&self.bytes)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|value| value.to_str().unwrap())
    }

    pub fn message(&self) -> String {
        self.json()["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

impl Harness {
    pub async fn start() -> Self {
        Self::with(SandboxConfig::default()).await
    }

    /// Without rate limits: for tests that page through many users.
    pub async fn unlimited() -> Self {
        Self::with(SandboxConfig {
            rate_limits: None,
            ..SandboxConfig::default()
        })
        .await
    }

    pub async fn with(config: SandboxConfig) -> Self {
        let sandbox = Sandbox::start(config).await.expect("sandbox starts");
        Self {
            sandbox,
            client: http_client().build().expect("an HTTP client"),
        }
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.sandbox.url())
    }

    /// `POST /unified/ticketing/users?{query}` with the right token.
    pub fn post(&self, query: &str) -> reqwest::RequestBuilder {
        self.client
            .post(self.url(&format!("{USERS}?{query}")))
            .bearer_auth(self.sandbox.token())
    }

    /// Creates a user in `account` from `body`.
    pub async fn create(&self, account: &str, body: &Value) -> Answer {
        send(
            self.post(&format!("integrated_account_id={account}"))
                .json(body),
        )
        .await
    }

    /// The same, with an `Idempotency-Key`.
    pub async fn create_with_key(&self, account: &str, key: &str, body: &Value) -> Answer {
        send(
            self.post(&format!("integrated_account_id={account}"))
                .header("idempotency-key", key)
                .json(body),
        )
        .await
    }

    /// `GET /unified/ticketing/users?integrated_account_id={account}&{query}`.
    pub async fn list(&self, account: &str, query: &str) -> Answer {
        let url = self.url(&format!("{USERS}?integrated_account_id={account}&{query}"));
        send(self.client.get(url).bearer_auth(self.sandbox.token())).await
    }

    /// Every page of a list, following `next_cursor`; the users in order.
    pub async fn list_all(&self, account: &str, query: &str) -> (Vec<Value>, usize) {
        let mut users = Vec::new();
        let mut pages = 0;
        let mut cursor: Option<String> = None;
        loop {
            let query = match &cursor {
                Some(cursor) => format!("{query}&next_cursor={cursor}"),
                None => query.to_owned(),
            };
            let answer = self.list(account, &query).await;
            assert_eq!(answer.status, 200, "{:?}", answer.json());
            let page = answer.json();
            pages += 1;
            let result = page["result"].as_array().expect("a result array").clone();
            assert_eq!(page["result_count"], result.len());
            assert_eq!(page["prev_cursor"], Value::Null);
            users.extend(result);
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return (users, pages),
            }
            assert!(pages < 100_000, "paging does not end");
        }
    }

    /// A request to one user: `{USERS}/{id}?integrated_account_id={account}&{query}`.
    pub fn one(
        &self,
        method: reqwest::Method,
        account: &str,
        id: &str,
        query: &str,
    ) -> reqwest::RequestBuilder {
        let url = self.url(&format!(
            "{USERS}/{id}?integrated_account_id={account}&{query}"
        ));
        self.client
            .request(method, url)
            .bearer_auth(self.sandbox.token())
    }

    pub async fn get_user(&self, account: &str, id: &str) -> Answer {
        send(self.one(reqwest::Method::GET, account, id, "")).await
    }

    pub async fn update_user(&self, account: &str, id: &str, body: &Value) -> Answer {
        send(self.one(reqwest::Method::PATCH, account, id, "").json(body)).await
    }

    pub async fn delete_user(&self, account: &str, id: &str) -> Answer {
        send(self.one(reqwest::Method::DELETE, account, id, "")).await
    }

    /// `POST /_sandbox/seed`.
    pub async fn seed(&self, seed: Value) -> Answer {
        send(self.client.post(self.url("/_sandbox/seed")).json(&seed)).await
    }

    /// The ids of an account's stored users, oldest first.
    pub fn stored_ids(&self, account: &str) -> Vec<String> {
        self.sandbox
            .stored_users(Some(account))
            .into_iter()
            .map(|stored| stored.user["id"].as_str().unwrap().to_owned())
            .collect()
    }

    pub async fn admin_get(&self, path_and_query: &str) -> Answer {
        send(self.client.get(self.url(path_and_query))).await
    }

    pub async fn push_faults(&self, account: &str, faults: Value) {
        let answer = send(
            self.client
                .post(self.url("/_sandbox/faults"))
                .json(&serde_json::json!({"integrated_account_id": account, "faults": faults})),
        )
        .await;
        assert_eq!(
            answer.status,
            204,
            "{:?}",
            String::from_utf8_lossy(&answer.bytes)
        );
    }

    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.sandbox.port())
    }
}

pub async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("request is answered");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body is read").to_vec();
    Answer {
        status,
        headers,
        bytes,
    }
}

/// A Dixa user with everything Dixa requires.
pub fn ada() -> Value {
    serde_json::json!({
        "name": "Ada Lovelace",
        "emails": [{"email": "ada@example.com", "type": "primary"}],
    })
}

/// Writes one request by hand, asking the server to close afterwards.
pub async fn raw_request(
    address: &str,
    target: &str,
    extra_headers: &str,
    body: &str,
) -> TcpStream {
    write_request(
        address,
        target,
        &format!("connection: close\r\n{extra_headers}"),
        body,
    )
    .await
}

/// Writes one request by hand on a keep-alive connection, as client
/// libraries do (and so the server watches it for a disconnect).
pub async fn raw_request_keep_alive(
    address: &str,
    target: &str,
    extra_headers: &str,
    body: &str,
) -> TcpStream {
    write_request(address, target, extra_headers, body).await
}

async fn write_request(address: &str, target: &str, headers: &str, body: &str) -> TcpStream {
    let mut stream = TcpStream::connect(address).await.expect("connects");
    let request = format!(
        "POST {target} HTTP/1.1\r\nhost: {address}\r\nauthorization: Bearer sandbox-token\r\n\
         content-type: application/json\r\ncontent-length: {}\r\n{headers}\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .await
        .expect("request is written");
    stream
}

/// Everything the server sends until it closes; an error (a reset) panics.
pub async fn read_all(mut stream: TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut received))
        .await
        .expect("the server closes the connection")
        .expect("the connection closes cleanly (EOF, not a reset)");
    received
}

/// A reqwest client builder. The workspace's reqwest has no crypto provider of its own
/// (the SDK configures rustls with ring itself), so tests install ring's first.
pub fn http_client() -> reqwest::ClientBuilder {
    // An error only means it is already installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

/// The ids of users, in order.
pub fn ids(users: &[Value]) -> Vec<String> {
    users
        .iter()
        .map(|user| user["id"].as_str().expect("an id").to_owned())
        .collect()
}
