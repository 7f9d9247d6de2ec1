//! The TLS configuration works end to end with the operating system's store: with a test
//! authority trusted the way the store is read (`SSL_CERT_FILE`), a call over https://
//! completes, speaks HTTP/2 when the server offers it by ALPN, sends the token only
//! inside TLS, and calls one after another share one connection. `tests/tls.rs` is the
//! other half: an untrusted certificate is refused. A file of its own because
//! `SSL_CERT_FILE` is process-wide. Linux only: that is where the platform verifier reads
//! the store through `SSL_CERT_FILE` (macOS and Windows ask their own trust settings).
#![cfg(target_os = "linux")]

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use truto_ticketing::{Client, Email, NewUser};

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

/// What the server saw: connections, and each request's HTTP version and headers.
#[derive(Default)]
struct Seen {
    connections: AtomicUsize,
    requests: Mutex<Vec<(http::Version, http::HeaderMap, Bytes)>>,
}

/// An HTTPS server on loopback, with the leaf certificate, offering `h2` and `http/1.1`
/// by ALPN and answering every request with a created user.
async fn serve() -> (u16, Arc<Seen>) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let certificate = CertificateDer::from_pem_slice(LEAF_PEM.as_bytes()).expect("certificate");
    let key = PrivateKeyDer::from_pem_slice(LEAF_KEY_PEM.as_bytes()).expect("key");
    let mut config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![certificate], key)
        .expect("server config");
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Seen::default());
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            record.connections.fetch_add(1, Ordering::SeqCst);
            let (acceptor, record) = (acceptor.clone(), record.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service = service_fn(move |request: http::Request<hyper::body::Incoming>| {
                    let record = record.clone();
                    async move {
                        let (parts, body) = request.into_parts();
                        let body = body
                            .collect()
                            .await
                            .map(|b| b.to_bytes())
                            .unwrap_or_default();
                        record
                            .requests
                            .lock()
                            .unwrap()
                            .push((parts.version, parts.headers, body));
                        let user = r#"{"id":"u-1","name":"Ada Lovelace"}"#;
                        let answer = http::Response::builder()
                            .status(201)
                            .header("content-type", "application/json")
                            .body(Full::new(Bytes::from_static(user.as_bytes())))
                            .unwrap();
                        Ok::<_, Infallible>(answer)
                    }
                });
                let _ = auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    (port, seen)
}

#[test]
fn a_call_over_https_to_a_trusted_server_speaks_http2_on_one_connection() {
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
        let (port, seen) = serve().await;
        let client = Client::builder()
            .token(TOKEN)
            .base_url(format!("https://localhost:{port}"))
            .timeout(Duration::from_secs(10))
            .max_retries(0)
            .build()
            .expect("client");
        let user = NewUser::new()
            .name("Ada Lovelace")
            .email(Email::primary("ada@example.com"));
        for _ in 0..3 {
            let created = client
                .create_user("sandbox-dixa", &user)
                .await
                .expect("the call completes over TLS");
            assert_eq!(created.id, "u-1");
        }
        let requests = seen.requests.lock().unwrap();
        assert_eq!(requests.len(), 3);
        for (version, headers, body) in requests.iter() {
            assert_eq!(*version, http::Version::HTTP_2, "HTTP/2 by ALPN");
            assert_eq!(headers["authorization"], format!("Bearer {TOKEN}").as_str());
            assert!(body.starts_with(b"{\"name\":\"Ada Lovelace\""), "{body:?}");
        }
        assert_eq!(
            seen.connections.load(Ordering::SeqCst),
            1,
            "one connection, reused"
        );
    });
    let _ = std::fs::remove_file(roots);
}
