//! Starting, spawning and stopping.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use truto_sandbox::{Sandbox, SandboxConfig};

/// A plain blocking HTTP exchange: no runtime on this side either.
fn blocking_create(port: u16) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let body = r#"{"name":"Ada","emails":[{"email":"ada@example.com"}]}"#;
    write!(
        stream,
        "POST /unified/ticketing/users?integrated_account_id=sandbox-dixa HTTP/1.1\r\nhost: x\r\n\
         authorization: Bearer sandbox-token\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

fn refused(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).is_err()
}

#[test]
fn a_spawned_sandbox_needs_no_runtime_and_stop_frees_its_port() {
    let sandbox = Sandbox::spawn(SandboxConfig::default()).unwrap();
    assert_eq!(
        sandbox.url(),
        format!("http://127.0.0.1:{}", sandbox.port())
    );
    assert_eq!(sandbox.token(), "sandbox-token");
    assert!(blocking_create(sandbox.port()).starts_with("HTTP/1.1 201"));
    assert_eq!(sandbox.stored_users(None).len(), 1);

    let port = sandbox.port();
    sandbox.stop();
    assert!(refused(port));
    sandbox.stop();
    assert_eq!(
        sandbox.stored_users(None).len(),
        1,
        "still readable after stop"
    );

    // The port can be taken again at once.
    let again = Sandbox::spawn(SandboxConfig {
        port,
        ..SandboxConfig::default()
    })
    .unwrap();
    assert_eq!(again.port(), port);
    assert!(blocking_create(port).starts_with("HTTP/1.1 201"));
    drop(again);
    assert!(refused(port));
}

#[tokio::test]
async fn a_started_sandbox_frees_its_port_when_stopped_or_dropped() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let port = sandbox.port();
    let answer = tokio::task::spawn_blocking(move || blocking_create(port))
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    sandbox.stop();
    assert!(refused(port), "freed without yielding to the runtime");

    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let port = sandbox.port();
    drop(sandbox);
    assert!(refused(port));
}

#[tokio::test]
async fn a_port_in_use_is_an_error() {
    let first = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let second = Sandbox::start(SandboxConfig {
        port: first.port(),
        ..SandboxConfig::default()
    })
    .await;
    assert_eq!(second.unwrap_err().kind(), std::io::ErrorKind::AddrInUse);
}

#[tokio::test]
async fn a_custom_token_is_the_only_one_accepted() {
    let sandbox = Sandbox::start(SandboxConfig {
        token: "tok_custom".into(),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    assert_eq!(sandbox.token(), "tok_custom");
    let port = sandbox.port();
    let answer = tokio::task::spawn_blocking(move || blocking_create(port))
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
}
