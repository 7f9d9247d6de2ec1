//! What HTTP/1.1 servers do that is legal but awkward, and what TLS servers do at the end
//! of a connection, each over plain HTTP and over TLS, against a server that writes its
//! answers byte for byte as scripted. reqwest (hyper, rustls) carries every call; these
//! tests hold the SDK to what those libraries get right.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::{TlsAcceptor, rustls};
use truto_ticketing::{Certificate, Client, Email, ErrorKind, NewUser};

/// Self-signed for `localhost` and 127.0.0.1, valid until 2126 (openssl req -x509, P-256).
const CERT_PEM: &str = include_str!("fixtures/localhost.crt");
const KEY_PEM: &str = include_str!("fixtures/localhost.key");

const USER_JSON: &str = r#"{"id":"u-1","name":"Ada Lovelace"}"#;

/// `201 Created` with the user, keeping the connection open.
fn created() -> String {
    format!(
        "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{USER_JSON}",
        USER_JSON.len()
    )
}

/// One request as the server read it.
struct Request {
    head: String,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// The server's end of a connection.
enum Stream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
}

impl Stream {
    async fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(tcp) => tcp.read(buffer).await,
            Stream::Tls(tls) => tls.read(buffer).await,
        }
    }

    async fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Stream::Plain(tcp) => tcp.write_all(bytes).await,
            Stream::Tls(tls) => {
                tls.write_all(bytes).await?;
                tls.flush().await
            }
        }
    }
}

/// One accepted connection, plain or TLS.
struct Connection {
    stream: Stream,
    buffered: Vec<u8>,
    log: Arc<Mutex<Vec<Request>>>,
}

impl Connection {
    /// The next request (head, then as many body bytes as `content-length` says), or
    /// `None` when the client closed the connection.
    async fn read_request(&mut self) -> Option<()> {
        let head_end = loop {
            if let Some(end) = self.buffered.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            self.fill().await?;
        };
        let head = String::from_utf8_lossy(&self.buffered[..head_end]).into_owned();
        let mut request = Request {
            head,
            body: Vec::new(),
        };
        let length: usize = request
            .header("content-length")
            .map_or(0, |value| value.parse().expect("a length"));
        while self.buffered.len() < head_end + length {
            self.fill().await?;
        }
        request.body = self.buffered[head_end..head_end + length].to_vec();
        self.buffered.drain(..head_end + length);
        self.log.lock().unwrap().push(request);
        Some(())
    }

    async fn fill(&mut self) -> Option<()> {
        let mut chunk = [0; 16 * 1024];
        match self.stream.read(&mut chunk).await {
            Ok(0) | Err(_) => None,
            Ok(read) => {
                self.buffered.extend_from_slice(&chunk[..read]);
                Some(())
            }
        }
    }

    async fn write(&mut self, bytes: &str) {
        let _ = self.stream.write_all(bytes.as_bytes()).await;
    }

    async fn write_byte_by_byte(&mut self, bytes: &str) {
        for byte in bytes.as_bytes() {
            let _ = self.stream.write_all(&[*byte]).await;
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
    }

    /// TLS: `close_notify`, leaving the TCP connection open. Plain: nothing to send.
    async fn send_close_notify(&mut self) {
        if let Stream::Tls(tls) = &mut self.stream {
            tls.get_mut().1.send_close_notify();
            let _ = tls.flush().await;
        }
    }

    /// Ends the connection properly: `close_notify` then TCP's FIN, with TLS.
    async fn close(mut self) {
        let _ = match &mut self.stream {
            Stream::Plain(tcp) => tcp.shutdown().await,
            Stream::Tls(tls) => tls.shutdown().await,
        };
    }

    /// Holds the TCP connection open, unused, until the client closes it.
    async fn linger(mut self) {
        let mut sink = [0; 1024];
        while let Ok(read) = self.stream.read(&mut sink).await {
            if read == 0 {
                break;
            }
        }
    }
}

type Script = Arc<dyn Fn(usize, Connection) -> BoxFuture<'static, ()> + Send + Sync>;

/// A server on loopback running `script(n, connection)` for its n-th connection (from 0).
struct AwkwardServer {
    port: u16,
    tls: bool,
    connections: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl AwkwardServer {
    async fn start(tls: bool, script: Script) -> AwkwardServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let server = AwkwardServer {
            port: listener.local_addr().unwrap().port(),
            tls,
            connections: Arc::default(),
            requests: Arc::default(),
        };
        let acceptor = tls.then(acceptor);
        let (connections, log) = (server.connections.clone(), server.requests.clone());
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let index = connections.fetch_add(1, Ordering::SeqCst);
                let (script, log, acceptor) = (script.clone(), log.clone(), acceptor.clone());
                tokio::spawn(async move {
                    let stream = match acceptor {
                        None => Stream::Plain(tcp),
                        Some(acceptor) => match acceptor.accept(tcp).await {
                            Ok(tls) => Stream::Tls(Box::new(tls)),
                            Err(_) => return,
                        },
                    };
                    let connection = Connection {
                        stream,
                        buffered: Vec::new(),
                        log,
                    };
                    script(index, connection).await;
                });
            }
        });
        server
    }

    fn client(&self, max_retries: u32) -> Client {
        let scheme = if self.tls { "https" } else { "http" };
        Client::builder()
            .token("tok-awkward")
            .base_url(format!("{scheme}://localhost:{}", self.port))
            .add_root_certificates(Certificate::from_pem_bundle(CERT_PEM.as_bytes()).unwrap())
            .timeout(Duration::from_secs(5))
            .max_retries(max_retries)
            .retry_policy(truto_ticketing::RetryPolicy {
                initial_backoff: Duration::from_millis(10),
                ..Default::default()
            })
            .build()
            .expect("client")
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    fn idempotency_keys(&self) -> Vec<String> {
        let requests = self.requests.lock().unwrap();
        requests
            .iter()
            .map(|request| request.header("idempotency-key").unwrap_or("").to_owned())
            .collect()
    }
}

fn acceptor() -> TlsAcceptor {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let certificate = CertificateDer::from_pem_slice(CERT_PEM.as_bytes()).unwrap();
    let key = PrivateKeyDer::from_pem_slice(KEY_PEM.as_bytes()).unwrap();
    let mut config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![certificate], key)
        .unwrap();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    TlsAcceptor::from(Arc::new(config))
}

fn ada() -> NewUser {
    NewUser::new()
        .name("Ada Lovelace")
        .email(Email::primary("ada@example.com"))
}

/// Runs `test` over plain HTTP, then over TLS.
async fn both_schemes<F>(test: impl Fn(bool) -> F)
where
    F: std::future::Future<Output = ()>,
{
    test(false).await;
    test(true).await;
}

fn script<F>(handler: impl Fn(usize, Connection) -> F + Send + Sync + 'static) -> Script
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    Arc::new(move |index, connection| Box::pin(handler(index, connection)))
}

#[tokio::test]
async fn chunked_answers_with_extensions_and_trailers() {
    both_schemes(|tls| async move {
        let server = AwkwardServer::start(
            tls,
            script(|_, mut connection| async move {
                while connection.read_request().await.is_some() {
                    let (first, rest) = USER_JSON.split_at(10);
                    connection
                        .write(&format!(
                            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\n\
                             transfer-encoding: chunked\r\ntrailer: x-checksum\r\n\r\n\
                             {:x};name=value\r\n{first}\r\n{:x};flag\r\n{rest}\r\n\
                             0\r\nx-checksum: 1234\r\n\r\n",
                            first.len(),
                            rest.len()
                        ))
                        .await;
                }
            }),
        )
        .await;
        let client = server.client(0);
        for _ in 0..2 {
            let user = client.create_user("acct", &ada()).await.expect("created");
            assert_eq!(user.id, "u-1", "tls={tls}");
        }
        assert_eq!(
            server.connections(),
            1,
            "tls={tls}: the connection is reused"
        );
    })
    .await;
}

#[tokio::test]
async fn informational_answers_before_the_201() {
    both_schemes(|tls| async move {
        let server = AwkwardServer::start(
            tls,
            script(|_, mut connection| async move {
                while connection.read_request().await.is_some() {
                    connection
                        .write(&format!(
                            "HTTP/1.1 100 Continue\r\n\r\n\
                             HTTP/1.1 103 Early Hints\r\nlink: </style.css>; rel=preload\r\n\r\n{}",
                            created()
                        ))
                        .await;
                }
            }),
        )
        .await;
        let user = server.client(0).create_user("acct", &ada()).await;
        assert_eq!(user.expect("created").id, "u-1", "tls={tls}");
    })
    .await;
}

#[tokio::test]
async fn an_http10_answer_that_ends_at_close_and_connection_close() {
    both_schemes(|tls| async move {
        let server = AwkwardServer::start(
            tls,
            script(|index, mut connection| async move {
                connection.read_request().await;
                if index == 0 {
                    // No length: the body ends where the connection does.
                    connection
                        .write(&format!(
                            "HTTP/1.0 201 Created\r\ncontent-type: application/json\r\n\r\n{USER_JSON}"
                        ))
                        .await;
                } else {
                    let answer = created().replacen("\r\n", "\r\nconnection: close\r\n", 1);
                    connection.write(&answer).await;
                }
                connection.close().await;
            }),
        )
        .await;
        let client = server.client(0);
        for _ in 0..3 {
            let user = client.create_user("acct", &ada()).await;
            assert_eq!(user.expect("created").id, "u-1", "tls={tls}");
        }
        assert_eq!(server.connections(), 3, "tls={tls}: a new connection each time");
    })
    .await;
}

#[tokio::test]
async fn over_tls_an_answer_that_ends_at_close_needs_close_notify() {
    // Without close_notify, a TCP close could be an attacker cutting the body short.
    let server = AwkwardServer::start(
        true,
        script(|_, mut connection| async move {
            connection.read_request().await;
            connection
                .write(&format!("HTTP/1.0 201 Created\r\n\r\n{USER_JSON}"))
                .await;
        }),
    )
    .await;
    let error = server
        .client(0)
        .create_user("acct", &ada())
        .await
        .expect_err("a body cut short by a bare TCP close");
    assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
    assert!(error.message().contains("close_notify"), "{error}");
}

#[tokio::test]
async fn answers_written_one_byte_at_a_time() {
    both_schemes(|tls| async move {
        let server = AwkwardServer::start(
            tls,
            script(|_, mut connection| async move {
                while connection.read_request().await.is_some() {
                    connection.write_byte_by_byte(&created()).await;
                }
            }),
        )
        .await;
        let user = server.client(0).create_user("acct", &ada()).await;
        assert_eq!(user.expect("created").id, "u-1", "tls={tls}");
    })
    .await;
}

#[tokio::test]
async fn the_server_closing_idle_keep_alive_connections() {
    both_schemes(|tls| async move {
        let server = AwkwardServer::start(
            tls,
            script(|_, mut connection| async move {
                connection.read_request().await;
                connection.write(&created()).await;
                // Idle for a moment, then the server closes it, as servers do.
                tokio::time::sleep(Duration::from_millis(50)).await;
            }),
        )
        .await;
        // No retries: a closed connection taken from the pool would fail the call.
        let client = server.client(0);
        for _ in 0..3 {
            let user = client.create_user("acct", &ada()).await;
            assert_eq!(user.expect("created").id, "u-1", "tls={tls}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(server.connections(), 3, "tls={tls}");
    })
    .await;
}

#[tokio::test]
async fn a_close_that_crosses_a_request_is_retried_with_the_same_key() {
    both_schemes(|tls| async move {
        let server = AwkwardServer::start(
            tls,
            script(|index, mut connection| async move {
                connection.read_request().await;
                if index > 0 {
                    connection.write(&created()).await;
                    connection.linger().await;
                }
                // The first connection closes with the request read and unanswered.
            }),
        )
        .await;
        let user = server.client(2).create_user("acct", &ada()).await;
        assert_eq!(user.expect("created on the retry").id, "u-1", "tls={tls}");
        let keys = server.idempotency_keys();
        assert_eq!(keys.len(), 2, "tls={tls}");
        assert!(
            !keys[0].is_empty() && keys[0] == keys[1],
            "tls={tls}: {keys:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn close_notify_after_a_keep_alive_answer_with_tcp_left_open() {
    both_schemes(|tls| async move {
        let server = AwkwardServer::start(
            tls,
            script(move |_, mut connection| async move {
                connection.read_request().await;
                connection.write(&created()).await;
                connection.send_close_notify().await;
                if tls {
                    connection.linger().await;
                }
            }),
        )
        .await;
        // No retries: the next call must not be sent on the connection the server ended.
        let client = server.client(0);
        for _ in 0..3 {
            let user = client.create_user("acct", &ada()).await;
            assert_eq!(user.expect("created").id, "u-1", "tls={tls}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(server.connections(), 3, "tls={tls}");
    })
    .await;
}

#[tokio::test]
async fn close_notify_ending_an_answer_that_ends_at_close_with_tcp_left_open() {
    both_schemes(|tls| async move {
        let server = AwkwardServer::start(
            tls,
            script(move |_, mut connection| async move {
                connection.read_request().await;
                connection
                    .write(&format!(
                        "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\n\
                         connection: close\r\n\r\n{USER_JSON}"
                    ))
                    .await;
                if tls {
                    // The body ends here: TLS says so, while TCP stays open.
                    connection.send_close_notify().await;
                    connection.linger().await;
                }
            }),
        )
        .await;
        let started = Instant::now();
        let user = server.client(0).create_user("acct", &ada()).await;
        assert_eq!(user.expect("created").id, "u-1", "tls={tls}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "tls={tls}: waited {:?} for an answer that had ended",
            started.elapsed()
        );
    })
    .await;
}

#[tokio::test]
async fn close_notify_before_the_answer_is_a_connection_error_then_a_retry() {
    both_schemes(|tls| async move {
        let server = AwkwardServer::start(
            tls,
            script(move |index, mut connection| async move {
                connection.read_request().await;
                if index == 0 {
                    connection.send_close_notify().await;
                    if tls {
                        connection.linger().await;
                    }
                } else {
                    connection.write(&created()).await;
                    connection.linger().await;
                }
            }),
        )
        .await;
        let error = server
            .client(0)
            .create_user("acct", &ada())
            .await
            .expect_err("no answer");
        assert_eq!(error.kind(), ErrorKind::Connection, "tls={tls}: {error}");

        let user = server.client(1).create_user("acct", &ada()).await;
        assert_eq!(user.expect("created on the retry").id, "u-1", "tls={tls}");
    })
    .await;
}

#[tokio::test]
async fn request_bodies_past_64_kib() {
    both_schemes(|tls| async move {
        let server = AwkwardServer::start(
            tls,
            script(|_, mut connection| async move {
                while connection.read_request().await.is_some() {
                    connection.write(&created()).await;
                }
            }),
        )
        .await;
        let mut remote_data = serde_json::Map::new();
        remote_data.insert("note".into(), "x".repeat(200 * 1024).into());
        let user = ada().remote_data(remote_data);
        let created = server.client(0).create_user("acct", &user).await;
        assert_eq!(created.expect("created").id, "u-1", "tls={tls}");
        let requests = server.requests.lock().unwrap();
        let body = &requests[0].body;
        assert!(body.len() > 200 * 1024, "tls={tls}: {} bytes", body.len());
        let sent: serde_json::Value = serde_json::from_slice(body).expect("JSON, whole");
        assert_eq!(
            sent["remote_data"]["note"].as_str().unwrap().len(),
            200 * 1024
        );
    })
    .await;
}
