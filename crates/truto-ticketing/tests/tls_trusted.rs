//! The TLS configuration works end to end: with a test authority trusted the way the
//! operating system's store is read (`SSL_CERT_FILE`), a call over https:// completes,
//! speaking HTTP/1.1 by ALPN, with the token sent only inside TLS. `tests/tls.rs` is
//! the other half: an untrusted certificate is refused. Both hold for calls driven by
//! the caller's event loop (`truto_ticketing::driven`) too, and calls one after another
//! share one TLS connection of the core's own pool. A file of its own because
//! `SSL_CERT_FILE` is process-wide. Linux only: that is where the platform verifier reads
//! the store through `SSL_CERT_FILE` (macOS and Windows ask their own trust settings).
#![cfg(target_os = "linux")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use truto_ticketing::{Client, CreateUserResponse, Email, NewUser};

#[path = "support/blocking_driver.rs"]
mod blocking_driver;

const TOKEN: &str = "tok-TLS-TRUSTED-7e57";

/// A test certificate authority, valid until 2126 (openssl, P-256).
const CA_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBrDCCAVGgAwIBAgIUSyjIdCs8kHMNrdo+JaSs1fbiRhswCgYIKoZIzj0EAwIw
IjEgMB4GA1UEAwwXdHJ1dG8tdGlja2V0aW5nIHRlc3QgQ0EwIBcNMjYxMTI4MTc0
OTQyWhgPMjEyNjExMDQxNzQ5NDJaMCIxIDAeBgNVBAMMF3RydXRvLXRpY2tldGlu
ZyB0ZXN0IENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEhDCAv7UP2FlTwtMa
1qeA738wad5DMSOt2+GOH45aI1zFmIn+sSgu3jDwGmGJbn/OEALCcQEFl39TV8Xt
9YxDAqNjMGEwHQYDVR0OBBYEFAyolApBDgrJQAz3x82R15M0S5nBMB8GA1UdIwQY
MBaAFAyolApBDgrJQAz3x82R15M0S5nBMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0P
AQH/BAQDAgEGMAoGCCqGSM49BAMCA0kAMEYCIQDceLKkHGorm9Ghx5V9Qfkg9iLJ
txOX9CCXCIisaj0mJAIhAMg+Xl/XMOrFCPjSy8ZlZbm09Y1aOkN5fEJ4jmK9BPzb
-----END CERTIFICATE-----
";
/// A certificate for `localhost` and 127.0.0.1 signed by that authority.
const LEAF_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBzTCCAXOgAwIBAgIUYuBSb3UedblS9jAMgrNyo4M/VEQwCgYIKoZIzj0EAwIw
IjEgMB4GA1UEAwwXdHJ1dG8tdGlja2V0aW5nIHRlc3QgQ0EwIBcNMjYxMTI4MTc0
OTQyWhgPMjEyNjExMDQxNzQ5NDJaMBQxEjAQBgNVBAMMCWxvY2FsaG9zdDBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABDI4ZgXzXZP1PCq7Xl4y+lHSyecWkXf63U/6
MK3SIhJV87cYNuYbdQvroB9XzeQ1AYswy9Qqj3PbJroiLZ8R4CGjgZIwgY8wGgYD
VR0RBBMwEYIJbG9jYWxob3N0hwR/AAABMAwGA1UdEwEB/wQCMAAwEwYDVR0lBAww
CgYIKwYBBQUHAwEwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBSf6IKXxMHIZxdt
L8BpHNo7anbs5TAfBgNVHSMEGDAWgBQMqJQKQQ4KyUAM98fNkdeTNEuZwTAKBggq
hkjOPQQDAgNIADBFAiAvUFnED3TzjRu5YOoT2K4TtbvL7XqSF7BJ0OZOXCb7vgIh
APwzucnbdn4xwVdcEu+gTWpwgDrAbiTIPJfZsAj7LDfE
-----END CERTIFICATE-----
";
const LEAF_KEY_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgvVPvr2GjlfzZypmF
Fgdbve80Z0lHGUQjVgKOk9+YfIGhRANCAAQyOGYF812T9Twqu15eMvpR0snnFpF3
+t1P+jCt0iISVfO3GDbmG3UL66AfV83kNQGLMMvUKo9z2ya6Ii2fEeAh
-----END PRIVATE KEY-----
";

/// What the server saw of the one connection it serves.
#[derive(Default)]
struct Seen {
    alpn: Option<Vec<u8>>,
    request: Vec<u8>,
}

/// A TLS acceptor with the leaf certificate, offering `h2` and `http/1.1` by ALPN.
fn acceptor() -> TlsAcceptor {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let certificate = CertificateDer::from_pem_slice(LEAF_PEM.as_bytes()).expect("certificate");
    let key = PrivateKeyDer::from_pem_slice(LEAF_KEY_PEM.as_bytes()).expect("key");
    let mut config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![certificate], key)
        .expect("server config");
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    TlsAcceptor::from(Arc::new(config))
}

/// An HTTPS server on loopback, with the leaf certificate, that answers one request
/// with a created user and records the connection.
async fn serve_once() -> (u16, Arc<Mutex<Seen>>) {
    let acceptor = acceptor();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let record = seen.clone();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("accept");
        let mut tls = acceptor.accept(tcp).await.expect("handshake");
        record.lock().unwrap().alpn = tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec);
        let mut request = Vec::new();
        let mut buffer = vec![0; 64 * 1024];
        // The headers, then as many body bytes as content-length says.
        while !complete(&request) {
            let read = tls.read(&mut buffer).await.expect("read");
            assert!(read > 0, "the client closed early");
            request.extend_from_slice(&buffer[..read]);
        }
        record.lock().unwrap().request = request;
        let body = r#"{"id":"u-1","name":"Ada Lovelace"}"#;
        let answer = format!(
            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\n\
             content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        tls.write_all(answer.as_bytes()).await.expect("write");
        let _ = tls.shutdown().await;
    });
    (port, seen)
}

/// An HTTPS server on loopback that keeps its connections open and answers every request
/// on them with a created user; counts the connections and the requests.
async fn serve_keep_alive() -> (u16, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let acceptor = acceptor();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().unwrap().port();
    let (connections, requests) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (accepted, answered) = (connections.clone(), requests.clone());
    tokio::spawn(async move {
        loop {
            let (tcp, _) = listener.accept().await.expect("accept");
            accepted.fetch_add(1, Ordering::SeqCst);
            let (acceptor, answered) = (acceptor.clone(), answered.clone());
            tokio::spawn(async move {
                let mut tls = acceptor.accept(tcp).await.expect("handshake");
                let mut buffer = vec![0; 64 * 1024];
                loop {
                    let mut request = Vec::new();
                    while !complete(&request) {
                        match tls.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(read) => request.extend_from_slice(&buffer[..read]),
                        }
                    }
                    answered.fetch_add(1, Ordering::SeqCst);
                    let body = r#"{"id":"u-1","name":"Ada Lovelace"}"#;
                    let answer = format!(
                        "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\n\
                         content-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    tls.write_all(answer.as_bytes()).await.expect("write");
                }
            });
        }
    });
    (port, connections, requests)
}

/// A client of the server on `port`, by the name its certificate carries.
fn client_for(port: u16) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(format!("https://localhost:{port}"))
        .timeout(Duration::from_secs(10))
        .max_retries(0)
        .build()
        .expect("client")
}

fn complete(request: &[u8]) -> bool {
    let text = String::from_utf8_lossy(request);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    body.len() >= length
}

#[test]
fn a_call_over_https_to_a_trusted_server_completes() {
    let roots = std::env::temp_dir().join(format!("truto-test-ca-{}.pem", std::process::id()));
    std::fs::write(&roots, CA_PEM).expect("write the test authority");
    // SAFETY: set before the runtime or any other thread of this test binary (which
    // holds only this test) exists, so nothing reads the environment concurrently.
    unsafe {
        std::env::set_var("SSL_CERT_FILE", &roots);
        std::env::remove_var("SSL_CERT_DIR");
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let (port, seen) = serve_once().await;
        let client = client_for(port);
        let user = NewUser::new()
            .name("Ada Lovelace")
            .email(Email::primary("ada@example.com"));
        let created = client
            .create_user("sandbox-dixa", &user)
            .await
            .expect("the call completes over TLS");
        assert_eq!(created.id, "u-1");

        {
            let seen = seen.lock().unwrap();
            assert_eq!(seen.alpn.as_deref(), Some(&b"http/1.1"[..]), "ALPN");
            let request = String::from_utf8_lossy(&seen.request);
            assert!(
                request.starts_with(
                    "POST /unified/ticketing/users?integrated_account_id=sandbox-dixa HTTP/1.1"
                ),
                "{request}"
            );
            assert!(request.contains(&format!("Bearer {TOKEN}")), "{request}");
        }

        // The same call driven by an event loop of the caller's: the core's own TLS
        // session, with the same configuration and certificate checks.
        let (port, seen) = serve_once().await;
        let client = client_for(port);
        let created = tokio::task::spawn_blocking(move || {
            blocking_driver::create_user_driven(&client, &user)
        })
        .await
        .expect("the driving thread")
        .expect("the driven call completes over TLS");
        let CreateUserResponse::User(created) = created else {
            panic!("a unified call answers with a user");
        };
        assert_eq!(created.id, "u-1");
        {
            let seen = seen.lock().unwrap();
            assert_eq!(seen.alpn.as_deref(), Some(&b"http/1.1"[..]), "ALPN, driven");
            assert!(
                String::from_utf8_lossy(&seen.request).contains(&format!("Bearer {TOKEN}")),
                "driven"
            );
        }

        // Calls one after another share one TLS connection of the core's own: what
        // TLS 1.3 sends after the handshake (session tickets) must not make an idle
        // connection look unusable to the pool.
        let (port, connections, requests) = serve_keep_alive().await;
        let client = client_for(port);
        let user = NewUser::new()
            .name("Ada Lovelace")
            .email(Email::primary("ada@example.com"));
        for _ in 0..3 {
            client
                .create_user("sandbox-dixa", &user)
                .await
                .expect("the call completes over TLS");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(requests.load(Ordering::SeqCst), 3);
        assert_eq!(
            connections.load(Ordering::SeqCst),
            1,
            "one TLS connection, reused"
        );
    });
    let _ = std::fs::remove_file(roots);
}
