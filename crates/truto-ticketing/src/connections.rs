//! The core's own keep-alive connections: how a call whose answer is read whole goes
//! out when no proxy is configured.
//!
//! Each attempt runs the HTTP/1.1 code of [`crate::driven`] (the request the core
//! writes, its rustls session, its reader of answers) on a tokio socket, in the calling
//! task. reqwest still carries calls through a proxy and `stream` answers.
//!
//! Why not reqwest for every call: hyper runs each connection in a task of its own and
//! passes requests and answers to it through channels, so a call crosses between tasks,
//! and often between threads, twice per attempt. Here the task that makes the call reads
//! its answer. Measured (`docs/benchmarks.md`, change 26): 20 % less CPU per call, the
//! Rust core's p50 at one call at a time 20–30 µs lower, and more calls per second from
//! the Node and Python bindings at 64 in flight.
//!
//! What hyper's pool does in the background is done here when a connection is taken:
//! an idle connection is dropped after [`IDLE_TIMEOUT`] (as reqwest's pool is set up
//! in `client.rs`), or when the server has closed it or sent it something unasked.
//!
//! A socket belongs to the tokio runtime it was opened on: only that runtime's I/O
//! driver wakes a task waiting on it. So a call takes only connections opened on its
//! own runtime, and one whose runtime has shut down is dropped. A client kept in a
//! static and used from one `#[tokio::test]` runtime after another works, which
//! reqwest's pool does not promise.

use std::collections::VecDeque;
use std::io;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::runtime::{Handle, Id as RuntimeId};

use crate::client::ClientInner;
use crate::driven::{Connection, Origin, connection_error};
use crate::error::{Error, Result};
use crate::transport::{Answer, Failure, request_id};

/// How long a connection may wait in the pool before it is closed.
pub(crate) const IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// Bytes read from the socket at a time: an answer with a user fits in one read.
const READ_BUFFER_BYTES: usize = 8 * 1024;

/// A client's idle connections, the most recently used on top.
#[derive(Default)]
pub(crate) struct ConnectionPool {
    idle: Mutex<VecDeque<IdleConnection>>,
}

struct IdleConnection {
    socket: TcpStream,
    connection: Connection,
    since: Instant,
    /// The runtime whose I/O driver the socket is registered with.
    runtime: RuntimeId,
}

impl ConnectionPool {
    /// The most recently used connection opened on `runtime` that is still fit to carry
    /// a call.
    fn take(&self, runtime: RuntimeId) -> Option<(TcpStream, Connection)> {
        loop {
            let idle = {
                let mut idle = self.lock();
                let newest_of_runtime = idle.iter().rposition(|idle| idle.runtime == runtime)?;
                idle.remove(newest_of_runtime)?
            };
            // Dropped outside the lock: closing a socket is a system call.
            if idle.since.elapsed() < IDLE_TIMEOUT && still_open(&idle.socket) {
                return Some((idle.socket, idle.connection));
            }
        }
    }

    /// Returns a connection after a call, and closes those idle for too long.
    fn put(&self, socket: TcpStream, connection: Connection, runtime: RuntimeId) {
        let now = Instant::now();
        let mut expired = Vec::new();
        {
            let mut idle = self.lock();
            while idle
                .front()
                .is_some_and(|oldest| now.duration_since(oldest.since) >= IDLE_TIMEOUT)
            {
                expired.extend(idle.pop_front());
            }
            idle.push_back(IdleConnection {
                socket,
                connection,
                since: now,
                runtime,
            });
        }
        drop(expired);
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<IdleConnection>> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Whether an idle connection is still open with nothing unread, and its runtime still
/// running. A server that closed it (a read gives 0 bytes), reset it, or sent something
/// no request asked for has made it unusable. When tokio has seen nothing arrive, this
/// makes no system call.
fn still_open(socket: &TcpStream) -> bool {
    // Nobody waits on this poll, hence the waker that does nothing; the call's first
    // read registers its own.
    match socket.poll_read_ready(&mut Context::from_waker(Waker::noop())) {
        Poll::Pending => true,
        // The runtime's I/O driver has shut down.
        Poll::Ready(Err(_)) => false,
        Poll::Ready(Ok(())) => {
            let mut probe = [0u8; 1];
            matches!(socket.try_read(&mut probe), Err(error) if error.kind() == io::ErrorKind::WouldBlock)
        }
    }
}

impl ClientInner {
    /// One attempt of a buffered call on one of the client's own connections, `request`
    /// being the call's encoded request ([`ClientInner::encode_request`]). Cancel-safe:
    /// dropped half-way (the attempt's timeout), its connection is closed, not reused.
    pub(crate) async fn attempt_on_own_connection(
        &self,
        origin: &Origin,
        request: &Bytes,
    ) -> std::result::Result<Answer, Failure> {
        let runtime = Handle::current().id();
        let (mut socket, mut connection) = match self.connections.take(runtime) {
            Some(idle) => idle,
            None => self.connect(origin).await.map_err(Failure::plain)?,
        };
        let read = exchange(&mut socket, &mut connection, request)
            .await
            .map_err(Failure::plain)?;
        if connection.is_reusable() {
            self.connections.put(socket, connection, runtime);
        }
        if read.status.is_success() {
            Ok(Answer::Buffered {
                request_id: request_id(&read.headers),
                status: read.status.as_u16(),
                body: read.body,
            })
        } else {
            Err(Failure::answered(read.status, &read.headers, &read.body))
        }
    }

    /// A new connection to `origin`, within the client's connect timeout, with its TLS
    /// handshake begun.
    async fn connect(&self, origin: &Origin) -> Result<(TcpStream, Connection)> {
        let address = (origin.host.as_str(), origin.port);
        let mut socket =
            match tokio::time::timeout(self.connect_timeout, TcpStream::connect(address)).await {
                Ok(Ok(socket)) => socket,
                Ok(Err(error)) => {
                    return Err(connection_error(format!(
                        "could not connect to {}:{}: {error}",
                        origin.host, origin.port
                    )));
                }
                Err(_elapsed) => return Err(self.connect_timed_out()),
            };
        socket
            .set_nodelay(true)
            .map_err(|error| connection_error(format!("could not set TCP_NODELAY: {error}")))?;
        let mut connection = Connection::to(self, origin)?;
        write(&mut socket, &connection.take_outgoing()).await?;
        Ok((socket, connection))
    }
}

/// Sends `request` on `connection` and reads until its answer is complete (or wrong).
async fn exchange(
    socket: &mut TcpStream,
    connection: &mut Connection,
    request: &Bytes,
) -> Result<crate::driven::Answer> {
    let outgoing = connection.send(request);
    write(socket, &outgoing).await?;
    let mut buffer = [0u8; READ_BUFFER_BYTES];
    loop {
        let (over, closed) = match socket.read(&mut buffer).await {
            Ok(0) => (connection.end_of_stream(None), true),
            Ok(read) => (connection.feed(&buffer[..read]), false),
            Err(error) => (connection.end_of_stream(Some(&error.to_string())), true),
        };
        if over {
            return connection.take_ended();
        }
        if closed {
            return Err(connection_error(
                "the connection closed before the answer arrived",
            ));
        }
        // TLS may have something to say back (a handshake message, a key update).
        write(socket, &connection.take_outgoing()).await?;
    }
}

async fn write(socket: &mut TcpStream, bytes: &[u8]) -> Result<()> {
    if bytes.is_empty() {
        return Ok(());
    }
    socket.write_all(bytes).await.map_err(|error| -> Error {
        connection_error(format!("the connection broke while sending: {error}"))
    })
}
