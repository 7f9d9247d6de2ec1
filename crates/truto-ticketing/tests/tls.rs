//! TLS is always verified. An https:// server whose certificate no trusted authority
//! signed is refused before a request (and its token) is written, and the one relaxing
//! switch the builder has, `allow_insecure_http`, does not change that: there is no
//! setting that turns certificate checks off. Adding a root of one's own (for a corporate
//! TLS proxy) trusts that root only.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio_rustls::rustls::{self, RootCertStore};
use tokio_rustls::{TlsAcceptor, TlsConnector};
use truto_ticketing::{Certificate, Client, Email, ErrorKind, NewUser};

const TOKEN: &str = "tok-TLS-SECRET-51c0ffee";

/// Self-signed for `localhost` and 127.0.0.1, valid until 2126 (openssl req -x509, P-256).
const CERT_PEM: &str = include_str!("fixtures/localhost.crt");
const KEY_PEM: &str = include_str!("fixtures/localhost.key");

fn certificate() -> CertificateDer<'static> {
    CertificateDer::from_pem_slice(CERT_PEM.as_bytes()).expect("certificate")
}

/// An HTTPS server on loopback that counts completed handshakes and keeps what it is sent.
struct TlsServer {
    port: u16,
    handshakes: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<u8>>>,
}

impl TlsServer {
    async fn start() -> TlsServer {
        let key = PrivateKeyDer::from_pem_slice(KEY_PEM.as_bytes()).expect("key");
        let mut config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![certificate()], key)
            .expect("server config");
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let server = TlsServer {
            port: listener.local_addr().unwrap().port(),
            handshakes: Arc::default(),
            received: Arc::default(),
        };
        let (handshakes, received) = (server.handshakes.clone(), server.received.clone());
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    continue;
                };
                handshakes.fetch_add(1, Ordering::SeqCst);
                let mut request = vec![0; 64 * 1024];
                let read = tls.read(&mut request).await.unwrap_or(0);
                received.lock().unwrap().extend_from_slice(&request[..read]);
                let body = r#"{"id":"1"}"#;
                let answer = format!(
                    "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            }
        });
        server
    }
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused_before_the_token_is_sent() {
    let server = TlsServer::start().await;

    // The server is sound: a client that trusts its certificate completes a handshake.
    let mut roots = RootCertStore::empty();
    roots.add(certificate()).unwrap();
    let trusting = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let tcp = TcpStream::connect(("127.0.0.1", server.port))
        .await
        .unwrap();
    let mut tls = TlsConnector::from(Arc::new(trusting))
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .expect("a trusting client connects");
    tls.write_all(b"GET /control HTTP/1.1\r\nhost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    tls.read_to_string(&mut answer).await.ok();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    assert_eq!(server.handshakes.load(Ordering::SeqCst), 1);

    let user = NewUser::new()
        .name("Ada Lovelace")
        .email(Email::primary("ada@example.com"));
    let host_and_switch = [
        ("localhost", false),
        ("127.0.0.1", false),
        ("localhost", true),
    ];
    for (host, allow_insecure_http) in host_and_switch {
        let client = Client::builder()
            .token(TOKEN)
            .base_url(format!("https://{host}:{}", server.port))
            .allow_insecure_http(allow_insecure_http)
            .timeout(Duration::from_secs(5))
            .max_retries(0)
            .build()
            .expect("client");
        let error = client
            .create_user("sandbox-dixa", &user)
            .await
            .expect_err("an untrusted certificate must fail the call");
        let what = format!("{host}, allow_insecure_http={allow_insecure_http}");
        assert_eq!(error.kind(), ErrorKind::Connection, "{what}: {error}");
        assert!(
            error.message().to_lowercase().contains("certificate"),
            "{what}: not refused for its certificate: {error}"
        );
    }
    assert_eq!(
        server.handshakes.load(Ordering::SeqCst),
        1,
        "the SDK completed a handshake"
    );
    let received = String::from_utf8_lossy(&server.received.lock().unwrap()).into_owned();
    assert!(!received.contains(TOKEN), "the token reached the server");
}

#[tokio::test]
async fn an_added_root_is_trusted_and_no_other() {
    let server = TlsServer::start().await;
    let user = NewUser::new()
        .name("Ada Lovelace")
        .email(Email::primary("ada@example.com"));
    let client_trusting = |pem: &str| {
        Client::builder()
            .token(TOKEN)
            .base_url(format!("https://localhost:{}", server.port))
            .add_root_certificates(Certificate::from_pem_bundle(pem.as_bytes()).expect("PEM"))
            .timeout(Duration::from_secs(5))
            .max_retries(0)
            .build()
            .expect("client")
    };

    // Another authority (the sandbox's) does not vouch for this server.
    let other = truto_sandbox::Sandbox::spawn(truto_sandbox::SandboxConfig {
        tls: true,
        ..Default::default()
    })
    .expect("a TLS sandbox");
    let error = client_trusting(other.ca_pem().expect("a CA"))
        .create_user("sandbox-dixa", &user)
        .await
        .expect_err("a root that did not sign the certificate");
    assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
    assert_eq!(server.handshakes.load(Ordering::SeqCst), 0);

    // The server's own certificate, added as a root, is trusted.
    let created = client_trusting(CERT_PEM)
        .create_user("sandbox-dixa", &user)
        .await
        .expect("the added root vouches for the server");
    assert_eq!(created.id, "1");
}
