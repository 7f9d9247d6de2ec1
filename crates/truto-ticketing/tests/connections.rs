//! The core's own keep-alive connections (`src/connections.rs`): when a connection is
//! reused and when it must not be. The sandbox cannot close a connection behind the
//! client's back, so these tests run a small HTTP/1.1 server of their own on loopback
//! that answers every request with a user and then does what the test asks.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use truto_ticketing::{Client, Email, ErrorKind, NewUser, User};

const USER: &str = r#"{"id":"u-1","name":"Ada Lovelace","emails":[{"email":"ada@example.com"}]}"#;

/// What the server does with a connection once it has answered a request on it.
#[derive(Clone, Copy)]
enum AfterAnswer {
    /// Waits for the next request, as Truto does.
    KeepOpen,
    /// Closes it without having said so in the answer, as a server does with a
    /// connection idle for longer than it keeps them.
    CloseSilently,
    /// Answers with `connection: close`, then holds the connection open a while without
    /// reading from it: only the header tells the client not to reuse it.
    SayCloseThenLinger,
}

struct Server {
    url: String,
    connections: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

impl Server {
    fn start(after: AfterAnswer) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let (accepted, requests_read) = (Arc::clone(&connections), Arc::clone(&requests));
        std::thread::spawn(move || {
            for socket in listener.incoming() {
                let Ok(socket) = socket else { return };
                accepted.fetch_add(1, Ordering::SeqCst);
                let requests_read = Arc::clone(&requests_read);
                std::thread::spawn(move || serve(socket, after, &requests_read));
            }
        });
        Server {
            url,
            connections,
            requests,
        }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

fn serve(socket: TcpStream, after: AfterAnswer, requests_read: &AtomicUsize) {
    let mut reader = BufReader::new(socket.try_clone().expect("a second handle"));
    let mut writer = socket;
    while let Some(body_length) = read_head(&mut reader) {
        let mut body = vec![0; body_length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        // Counted before the answer goes out, so that a client holding its answer sees it.
        requests_read.fetch_add(1, Ordering::SeqCst);
        let close = matches!(after, AfterAnswer::SayCloseThenLinger);
        let answer = format!(
            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{}\r\n{USER}",
            USER.len(),
            if close { "connection: close\r\n" } else { "" },
        );
        if writer.write_all(answer.as_bytes()).is_err() {
            return;
        }
        match after {
            AfterAnswer::KeepOpen => {}
            // Dropping both handles closes the connection.
            AfterAnswer::CloseSilently => return,
            AfterAnswer::SayCloseThenLinger => {
                std::thread::sleep(Duration::from_secs(2));
                return;
            }
        }
    }
}

/// Reads a request's head; gives its content-length, or `None` at the end of the stream.
fn read_head(reader: &mut impl BufRead) -> Option<usize> {
    let mut content_length = 0;
    let mut saw_a_line = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            return saw_a_line.then_some(content_length);
        }
        saw_a_line = true;
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            content_length = value.trim().parse().ok()?;
        }
    }
}

/// No retries: a call on a connection that should not have been reused fails instead
/// of being retried on a fresh one.
fn client_for(server: &Server) -> Client {
    Client::builder()
        .token("test-token")
        .base_url(&server.url)
        .max_retries(0)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("a client")
}

fn ada() -> NewUser {
    NewUser::new()
        .name("Ada Lovelace")
        .email(Email::primary("ada@example.com"))
}

async fn create(client: &Client) -> truto_ticketing::Result<User> {
    client.create_user("acct-1", &ada()).await
}

#[tokio::test]
async fn calls_one_after_another_share_one_connection() {
    let server = Server::start(AfterAnswer::KeepOpen);
    let client = client_for(&server);
    for _ in 0..5 {
        let user = create(&client).await.expect("created");
        assert_eq!(user.id, "u-1");
    }
    assert_eq!(server.requests(), 5);
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn calls_at_once_open_a_connection_each_and_reuse_them_after() {
    let server = Server::start(AfterAnswer::KeepOpen);
    let client = client_for(&server);
    for _ in 0..3 {
        let calls: Vec<_> = (0..4).map(|_| create(&client)).collect();
        for result in futures_util::future::join_all(calls).await {
            result.expect("created");
        }
    }
    assert_eq!(server.requests(), 12);
    assert_eq!(server.connections(), 4);
}

#[tokio::test]
async fn a_connection_the_server_closed_while_idle_is_not_reused() {
    let server = Server::start(AfterAnswer::CloseSilently);
    let client = client_for(&server);
    create(&client).await.expect("the first call");
    // Idle long enough for the server's close to arrive.
    tokio::time::sleep(Duration::from_millis(100)).await;
    create(&client)
        .await
        .expect("the second call, on a new connection rather than the closed one");
    assert_eq!(server.connections(), 2);
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn an_answer_that_says_close_ends_its_connection() {
    let server = Server::start(AfterAnswer::SayCloseThenLinger);
    let client = client_for(&server);
    create(&client).await.expect("the first call");
    create(&client)
        .await
        .expect("the second call, on a new connection: the first one would not answer");
    assert_eq!(server.connections(), 2);
}

#[tokio::test]
async fn a_call_cut_short_by_its_timeout_leaves_no_connection_behind() {
    // A server that reads the request and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for socket in listener.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            held.push(socket);
        }
    });
    let client = Client::builder()
        .token("test-token")
        .base_url(url)
        .max_retries(1)
        .retry_policy(truto_ticketing::RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            ..Default::default()
        })
        .timeout(Duration::from_millis(150))
        .build()
        .expect("a client");
    let error = create(&client).await.expect_err("no answer comes");
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert_eq!(error.attempts(), 2);
    // The retry did not wait on the connection the first attempt gave up on.
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}

#[test]
fn a_client_outlives_the_runtime_its_connections_were_opened_on() {
    // Each `#[tokio::test]` has a runtime of its own, and a client kept in a static is
    // used from one after the other: a connection opened on a runtime that is gone must
    // not fail the next call (no retries here to hide it).
    let server = Server::start(AfterAnswer::KeepOpen);
    let client = client_for(&server);
    for _ in 0..3 {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(create(&client)).expect("created");
    }
    assert_eq!(server.requests(), 3);
}

#[test]
fn a_call_does_not_wait_on_a_connection_of_another_runtime() {
    // Only the runtime a socket was opened on wakes a task waiting on it, and an idle
    // current-thread runtime runs nothing: a call on another runtime that took its
    // connection would wait out its timeout.
    let server = Server::start(AfterAnswer::KeepOpen);
    let client = client_for(&server);
    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    };
    let (idle_runtime, other_runtime) = (runtime(), runtime());
    idle_runtime.block_on(create(&client)).expect("created");
    let started = std::time::Instant::now();
    other_runtime
        .block_on(create(&client))
        .expect("created on a connection of its own runtime");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.connections(), 2);
}
