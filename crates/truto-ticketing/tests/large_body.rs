//! A user with a 5 MiB `remote_data` is created over HTTPS, whole: the request body goes
//! out through TLS far past any one buffer, and the answer (which echoes it) comes back.

use std::time::Duration;

use serde_json::{Map, Value};
use truto_sandbox::{Sandbox, SandboxConfig};
use truto_ticketing::{Certificate, Client, Email, NewUser};

#[tokio::test]
async fn a_5_mib_remote_data_over_https() {
    let sandbox = Sandbox::start(SandboxConfig {
        tls: true,
        ..SandboxConfig::default()
    })
    .await
    .expect("a TLS sandbox");
    let ca = Certificate::from_pem_bundle(sandbox.ca_pem().unwrap().as_bytes()).unwrap();
    let client = Client::builder()
        .token(sandbox.token())
        .base_url(sandbox.url())
        .add_root_certificates(ca)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let note: String = (0..5 * 1024 * 1024)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let mut remote_data = Map::new();
    remote_data.insert("note".into(), Value::String(note.clone()));
    let user = NewUser::new()
        .name("Ada Lovelace")
        .email(Email::primary("ada@example.com"))
        .remote_data(remote_data);

    let created = client
        .create_user("sandbox-dixa", &user)
        .await
        .expect("created");
    assert!(sandbox.url().starts_with("https://"));
    let echoed = created.remote_data.expect("remote_data echoed");
    assert_eq!(echoed["note"].as_str().map(str::len), Some(note.len()));
    assert!(
        echoed["note"] == note,
        "the body arrived whole and unchanged"
    );
    let requests = sandbox.requests();
    assert_eq!(requests.len(), 1, "one attempt");
}
