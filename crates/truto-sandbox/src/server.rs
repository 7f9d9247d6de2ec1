//! Accepting connections and routing requests.
//!
//! Served with hyper directly rather than through a framework because one
//! fault needs what handlers cannot express: closing the connection without
//! writing a byte. The service answers `Err` for that, and hyper then drops
//! the connection unanswered.

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::header::{ALLOW, HeaderName, HeaderValue};
use http::{Request, StatusCode};
use hyper::body::{Body as HttpBody, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

use crate::admin;
use crate::ids;
use crate::reply::{self, Outcome, Reply};
use crate::state::{State, lock};
use crate::users::{self, Route};

/// Request bodies beyond this are refused with 413.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// A client that has not finished its TLS handshake by then is disconnected.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The listening socket, shared with [`Sandbox::stop`](crate::Sandbox::stop)
/// so that stopping closes it at once, even when the accept loop runs on a
/// runtime that is not being driven at that moment.
#[derive(Default)]
pub(crate) struct ListenerSlot(Mutex<Option<TcpListener>>);

impl ListenerSlot {
    pub(crate) fn new(listener: TcpListener) -> Self {
        Self(Mutex::new(Some(listener)))
    }

    pub(crate) fn close(&self) {
        drop(lock(&self.0).take());
    }

    fn poll_accept(
        &self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<io::Result<(TcpStream, SocketAddr)>>> {
        match lock(&self.0).as_ref() {
            Some(listener) => listener.poll_accept(cx).map(Some),
            None => Poll::Ready(None),
        }
    }
}

/// Accepts until the listener is closed or `shutdown` turns true; every
/// connection also ends (abruptly) when `shutdown` turns true.
pub(crate) async fn serve(
    listener: Arc<ListenerSlot>,
    state: Arc<State>,
    tls: Option<TlsAcceptor>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            accepted = poll_fn(|cx| listener.poll_accept(cx)) => accepted,
            _ = shutdown.wait_for(|stop| *stop) => return,
        };
        match accepted {
            None => return,
            Some(Ok((stream, peer))) => {
                state.stats.connection_accepted();
                tokio::spawn(serve_connection(
                    stream,
                    peer,
                    Arc::clone(&state),
                    tls.clone(),
                    shutdown.clone(),
                ));
            }
            // Out of file descriptors, most likely: let some connections
            // close instead of spinning.
            Some(Err(_)) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    state: Arc<State>,
    tls: Option<TlsAcceptor>,
    mut shutdown: watch::Receiver<bool>,
) {
    // Small answers must not wait for Nagle's algorithm.
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |request| {
        let state = Arc::clone(&state);
        async move { route(&state, peer, request).await }
    });
    // hyper would close a keep-alive connection idle for 30 s, and a client
    // reusing it at that moment sees a spurious connection error: a flaky
    // test. Idle connections cost nothing here, so they stay open.
    let mut http = http1::Builder::new();
    http.header_read_timeout(None);
    let served = async {
        match tls {
            None => {
                let _ = http.serve_connection(TokioIo::new(stream), service).await;
            }
            Some(acceptor) => {
                let handshake = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream));
                if let Ok(Ok(stream)) = handshake.await {
                    let _ = http.serve_connection(TokioIo::new(stream), service).await;
                }
            }
        }
    };
    tokio::select! {
        () = served => {}
        _ = shutdown.wait_for(|stop| *stop) => {}
    }
}

/// The service's error: hyper closes the connection without an answer.
#[derive(Debug)]
struct DropConnection;

impl fmt::Display for DropConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by a sandbox fault")
    }
}

impl std::error::Error for DropConnection {}

async fn route(
    state: &State,
    peer: SocketAddr,
    request: Request<Incoming>,
) -> Result<Reply, DropConnection> {
    let (parts, incoming) = request.into_parts();
    let body = match read_body(incoming).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            let reply = reply::error(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large");
            return Ok(with_request_id(reply));
        }
        Err(BodyError::Broken) => return Err(DropConnection),
    };
    let path = parts.uri.path();
    if path.starts_with(admin::PREFIX) {
        return Ok(with_request_id(admin::handle(state, peer, &parts, &body)));
    }

    let slot = state.log.record(&parts, &body);
    let outcome = match users::route(&parts.method, path) {
        Route::Users(method, id) => users::handle(state, &parts, &body, method, id).await,
        Route::WrongMethod(allow) => {
            let mut reply = reply::error(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed");
            reply
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static(allow));
            Outcome::Answer(reply)
        }
        Route::Elsewhere => Outcome::Answer(reply::error(StatusCode::NOT_FOUND, "Not Found")),
    };
    match outcome {
        Outcome::Answer(reply) => {
            state.log.set_status(slot, reply.status().as_u16());
            Ok(with_request_id(reply))
        }
        Outcome::Drop => Err(DropConnection),
    }
}

fn with_request_id(mut reply: Reply) -> Reply {
    reply
        .headers_mut()
        .insert(X_REQUEST_ID, reply::header_value(&ids::request_id()));
    reply
}

enum BodyError {
    TooLarge,
    Broken,
}

/// The whole body, copied out of hyper's read buffer: it is kept in the
/// request log and idempotency records, and a slice of the buffer would pin
/// the whole buffer for as long.
async fn read_body(mut incoming: Incoming) -> Result<Bytes, BodyError> {
    let announced = usize::try_from(incoming.size_hint().lower()).unwrap_or(usize::MAX);
    let mut body = BytesMut::with_capacity(announced.min(MAX_BODY_BYTES));
    while let Some(frame) = poll_fn(|cx| Pin::new(&mut incoming).poll_frame(cx)).await {
        let frame = frame.map_err(|_| BodyError::Broken)?;
        if let Ok(data) = frame.into_data() {
            if body.len() + data.len() > MAX_BODY_BYTES {
                return Err(BodyError::TooLarge);
            }
            body.extend_from_slice(&data);
        }
    }
    Ok(body.freeze())
}
