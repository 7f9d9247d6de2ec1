//! Calls whose socket I/O is done by an event loop the SDK does not own ("sans-I/O").
//!
//! A language binding normally hands each call to the core's I/O thread (tokio, with
//! the core's own keep-alive connections of `src/connections.rs`, which run this
//! module's [`Connection`]) and is woken when it ends. For a call alone in flight, those two
//! hand-offs between threads are most of what the binding adds to the call's latency.
//! This module lets a binding run such a call on its own event loop instead (asyncio's,
//! libuv's): the binding opens TCP connections, moves bytes between them and a
//! [`Connection`], and keeps time; the core does everything else, as it does for its own
//! calls: the request (the same bytes reqwest would send), TLS (the same rustls
//! configuration and certificate checks), reading the answer, errors, and whether and
//! when to retry.
//!
//! A binding drives a [`DrivenCall`] like this:
//!
//! 1. [`Client::drive_create_user`] validates the call and encodes its request, or says
//!    the call is not drivable (a proxy is configured, or the body is to be streamed).
//! 2. For each attempt, within [`DrivenCall::timeout`]: call
//!    [`DrivenCall::begin_attempt`]; take an idle [`Connection`], or open a TCP
//!    connection to [`Client::driven_origin`] (within [`Client::connect_timeout`]), make
//!    a [`Connection`] for it with [`Connection::new`] and write its
//!    [`Connection::take_outgoing`] (the TLS handshake); write what [`DrivenCall::send`]
//!    gives; feed what arrives to [`Connection::feed`], writing
//!    [`Connection::take_outgoing`] after each feed, until it says the attempt is over;
//!    report the end of the stream with [`Connection::end_of_stream`].
//! 3. End the attempt with [`DrivenCall::finish_on`] the connection, or, when the event
//!    loop saw it end (refused, reset, timed out), with [`DrivenCall::finish`]: either
//!    gives the call's result, or the wait before the next attempt.
//! 4. Keep the connection for a later call if [`Connection::is_reusable`].

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::StatusCode;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use rustls::pki_types::ServerName;

use crate::client::{Client, ClientInner};
use crate::error::{Error, ErrorDetails, ErrorKind, Result};
use crate::models::NewUser;
use crate::transport::{Call, Failure, MAX_ERROR_BODY_BYTES, body_too_large, request_id};
use crate::users::{CreateUser, CreateUserOptions, CreateUserResponse, ResponseFormat};

/// The longest response head read (status line and headers).
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// The most header lines a response head may have.
const MAX_HEADERS: usize = 100;

/// Where a client's driven calls connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The host name or IP address (without brackets).
    pub host: String,
    /// The TCP port.
    pub port: u16,
    /// Whether the connection speaks TLS (an `https` base URL).
    pub tls: bool,
}

impl Client {
    /// Where driven calls of this client connect; `None` when calls cannot be driven
    /// because a proxy is configured (`HTTPS_PROXY`, ...), which only reqwest speaks to.
    pub fn driven_origin(&self) -> Option<Origin> {
        self.inner.origin()
    }

    /// The time allowed to open a connection.
    pub fn connect_timeout(&self) -> Duration {
        self.inner.connect_timeout
    }

    /// `create_user` for an event loop to drive (see the module's documentation). Checks
    /// everything [`Client::create_user_with`] checks, and fails the same way; `Ok(None)`
    /// when the call is not drivable: a proxy is configured, or the format is
    /// [`ResponseFormat::Stream`], whose body is handed over before it is read.
    pub fn drive_create_user(
        &self,
        integrated_account_id: &str,
        user: &NewUser,
        options: &CreateUserOptions,
        format: ResponseFormat,
    ) -> Result<Option<DrivenCall>> {
        let call =
            CreateUser::new(self, integrated_account_id, user, options.clone()).prepare(format)?;
        if format == ResponseFormat::Stream || self.driven_origin().is_none() {
            return Ok(None);
        }
        let request = self.inner.encode_request(&call);
        Ok(Some(DrivenCall {
            client: Arc::clone(&self.inner),
            call,
            format,
            request,
            attempt: 0,
            attempt_started: Instant::now(),
        }))
    }
}

impl ClientInner {
    /// Where this client's calls connect when the core makes the connection itself (its
    /// own transport, or a binding's event loop); `None` when a proxy is configured.
    pub(crate) fn origin(&self) -> Option<Origin> {
        if !self.drivable {
            return None;
        }
        let url = &self.parsed_base_url;
        let host = url
            .host_str()?
            .trim_start_matches('[')
            .trim_end_matches(']');
        Some(Origin {
            host: host.to_owned(),
            port: url.port_or_known_default()?,
            tls: url.scheme() == "https",
        })
    }

    /// The `timeout` error of a connection not made within the client's connect timeout.
    pub(crate) fn connect_timed_out(&self) -> Error {
        Error::new(
            ErrorKind::Timeout,
            ErrorDetails {
                message: format!(
                    "could not connect within {} ms",
                    self.connect_timeout.as_millis()
                ),
                ..ErrorDetails::default()
            },
        )
    }

    /// The HTTP/1.1 request of `call`, as reqwest would send it.
    pub(crate) fn encode_request(&self, call: &Call) -> Bytes {
        let url = self.endpoint(call);
        let mut target = url.path().to_owned();
        if let Some(query) = url.query() {
            target.push('?');
            target.push_str(query);
        }
        let host = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_owned(),
        };
        let body = call.body.as_deref().unwrap_or_default();
        let mut request = Vec::with_capacity(512 + body.len());
        request.extend_from_slice(format!("{} {target} HTTP/1.1\r\n", call.method).as_bytes());
        let mut header = |name: &[u8], value: &[u8]| {
            request.extend_from_slice(name);
            request.extend_from_slice(b": ");
            request.extend_from_slice(value);
            request.extend_from_slice(b"\r\n");
        };
        header(b"host", host.as_bytes());
        // Later headers of the same name replace earlier ones, as reqwest's `headers` does.
        let mut headers = HeaderMap::new();
        headers.insert(http::header::USER_AGENT, self.user_agent.clone());
        extend_replacing(&mut headers, &self.default_headers);
        extend_replacing(&mut headers, &call.headers);
        headers.insert(http::header::AUTHORIZATION, self.authorization.clone());
        headers.insert(
            http::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        let key = call.idempotency_key.as_deref();
        if let Some(value) = key.and_then(|key| HeaderValue::from_str(key).ok()) {
            headers.insert(HeaderName::from_static("idempotency-key"), value);
        }
        if call.body.is_some() {
            headers.insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
        }
        for (name, value) in &headers {
            header(name.as_str().as_bytes(), value.as_bytes());
        }
        if call.body.is_some() {
            header(b"content-length", body.len().to_string().as_bytes());
        }
        request.extend_from_slice(b"\r\n");
        request.extend_from_slice(body);
        Bytes::from(request)
    }
}

fn extend_replacing(headers: &mut HeaderMap, more: &HeaderMap) {
    for name in more.keys() {
        headers.remove(name);
    }
    for (name, value) in more {
        headers.append(name.clone(), value.clone());
    }
}

/// One `create_user` call driven by an event loop: its encoded request and its attempts.
/// Its `Debug` output shows neither the token nor the body.
pub struct DrivenCall {
    client: Arc<ClientInner>,
    call: Call,
    format: ResponseFormat,
    /// The request, the same bytes for every attempt (the idempotency key included).
    request: Bytes,
    attempt: u32,
    attempt_started: Instant,
}

impl std::fmt::Debug for DrivenCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DrivenCall")
            .field("path", &self.call.path)
            .field("format", &self.format)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

/// How an attempt of a [`DrivenCall`] ended, when the event loop saw it end (what the
/// connection read ends an attempt through [`DrivenCall::finish_on`]).
#[derive(Debug)]
pub enum AttemptOutcome {
    /// The connection failed: [`connection_error`] with what the event loop saw
    /// (refused, reset).
    Failed(Error),
    /// No complete answer within [`DrivenCall::timeout`].
    TimedOut,
    /// No connection within [`Client::connect_timeout`].
    ConnectTimedOut,
}

/// What follows an attempt.
#[derive(Debug)]
pub enum Step {
    /// The call is over.
    Done(Result<CreateUserResponse>),
    /// Wait this long, then make another attempt.
    Retry(Duration),
}

impl DrivenCall {
    /// The time allowed for each attempt, from the start of its connection to the end of
    /// its answer.
    pub fn timeout(&self) -> Duration {
        self.call.timeout
    }

    /// Starts an attempt: call it before taking or opening its connection.
    pub fn begin_attempt(&mut self) {
        self.attempt += 1;
        self.attempt_started = Instant::now();
    }

    /// Sends the request on `connection`: gives the bytes to write to its socket.
    pub fn send(&self, connection: &mut Connection) -> Bytes {
        connection.send(&self.request)
    }

    /// Ends the attempt begun by the last [`DrivenCall::begin_attempt`] with what
    /// `connection` read, once [`Connection::feed`] or [`Connection::end_of_stream`] said
    /// it is over: the answer, or what was wrong with it.
    pub fn finish_on(&mut self, connection: &mut Connection) -> Step {
        let ended = connection.take_ended();
        let elapsed_ms = self.attempt_started.elapsed().as_millis() as u64;
        let failure = match ended {
            Ok(answer) if answer.status.is_success() => {
                tracing::debug!(
                    method = %self.call.method, path = self.call.path,
                    attempt = self.attempt, elapsed_ms, outcome = "success", "truto request"
                );
                return Step::Done(self.decode(answer));
            }
            Ok(answer) => Failure::answered(answer.status, &answer.headers, &answer.body),
            Err(error) => Failure::plain(error),
        };
        self.after(failure, elapsed_ms)
    }

    /// Ends the attempt begun by the last [`DrivenCall::begin_attempt`] the way the event
    /// loop saw it end.
    pub fn finish(&mut self, outcome: AttemptOutcome) -> Step {
        let elapsed_ms = self.attempt_started.elapsed().as_millis() as u64;
        let failure = match outcome {
            AttemptOutcome::Failed(error) => Failure::plain(error),
            AttemptOutcome::TimedOut => Failure::timed_out(self.call.timeout),
            AttemptOutcome::ConnectTimedOut => Failure::plain(self.client.connect_timed_out()),
        };
        self.after(failure, elapsed_ms)
    }

    fn after(&self, failure: Failure, elapsed_ms: u64) -> Step {
        match self
            .client
            .after_failure(&self.call, self.attempt, elapsed_ms, failure)
        {
            Ok(delay) => Step::Retry(delay),
            Err(error) => Step::Done(Err(error)),
        }
    }

    fn decode(&self, answer: Answer) -> Result<CreateUserResponse> {
        let status = answer.status.as_u16();
        let request_id = request_id(&answer.headers);
        let inner = &self.client;
        let (call, body, attempts) = (&self.call, &answer.body[..], self.attempt);
        match self.format {
            ResponseFormat::Unified => inner
                .decode_answer(call, body, status, request_id, attempts)
                .map(|user| CreateUserResponse::User(Box::new(user))),
            ResponseFormat::Raw | ResponseFormat::Normalized => inner
                .decode_answer(call, body, status, request_id, attempts)
                .map(CreateUserResponse::Json),
            ResponseFormat::Stream => Ok(CreateUserResponse::Bytes(answer.body)),
        }
    }
}

/// A `connection` error for a failure the event loop saw: `what` says what happened
/// (for example the operating system's message for a refused connection).
pub fn connection_error(what: impl Into<String>) -> Error {
    Error::new(
        ErrorKind::Connection,
        ErrorDetails {
            message: what.into(),
            ..ErrorDetails::default()
        },
    )
}

/// A complete answer read by a [`Connection`].
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    keep_alive: bool,
}

/// One HTTP/1.1 connection (TLS or not) as seen from its bytes: what to write to the
/// socket, and what the bytes read from it mean.
pub struct Connection {
    tls: Option<Box<rustls::ClientConnection>>,
    /// Bytes to write to the socket (TLS records; plain requests go straight out).
    outgoing: Vec<u8>,
    reader: Option<ResponseReader>,
    /// How the attempt in flight ended, once it has: for [`DrivenCall::finish_on`].
    ended: Option<Result<Answer>>,
    max_response_bytes: usize,
    reusable: bool,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("tls", &self.tls.is_some())
            .field("reusable", &self.reusable)
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// A connection to the client's [`Client::driven_origin`], just opened. With TLS, its
    /// handshake starts at once: write [`Connection::take_outgoing`].
    pub fn new(client: &Client) -> Result<Connection> {
        let origin = client
            .driven_origin()
            .ok_or_else(|| connection_error("this client's calls cannot be driven"))?;
        Connection::to(&client.inner, &origin)
    }

    /// A connection of `client`'s to `origin`, just opened (see [`Connection::new`]).
    pub(crate) fn to(client: &ClientInner, origin: &Origin) -> Result<Connection> {
        let tls_config = origin.tls.then(|| Arc::clone(&client.tls));
        Connection::with_tls(&origin.host, tls_config, client.max_response_bytes)
    }

    fn with_tls(
        host: &str,
        tls_config: Option<Arc<rustls::ClientConfig>>,
        max_response_bytes: usize,
    ) -> Result<Connection> {
        let tls = match tls_config {
            None => None,
            Some(config) => {
                let name = ServerName::try_from(host.to_owned()).map_err(|error| {
                    connection_error(format!("'{host}' is not a TLS server name: {error}"))
                })?;
                let session = rustls::ClientConnection::new(config, name)
                    .map_err(|error| connection_error(format!("TLS: {error}")))?;
                Some(Box::new(session))
            }
        };
        let mut connection = Connection {
            tls,
            outgoing: Vec::new(),
            reader: None,
            ended: None,
            max_response_bytes,
            reusable: true,
        };
        connection.outgoing_from_tls();
        Ok(connection)
    }

    /// Starts an exchange: gives the bytes to write (with TLS, what can be encrypted now;
    /// the rest follows the handshake through [`Connection::take_outgoing`]).
    pub(crate) fn send(&mut self, request: &Bytes) -> Bytes {
        self.reader = Some(ResponseReader::new(self.max_response_bytes));
        self.ended = None;
        self.reusable = false;
        match &mut self.tls {
            None => request.clone(),
            Some(tls) => {
                // rustls buffers what it cannot encrypt until the handshake is done.
                let _ = tls.writer().write_all(request);
                self.outgoing_from_tls();
                Bytes::from(std::mem::take(&mut self.outgoing))
            }
        }
    }

    /// Bytes waiting to be written to the socket (TLS handshake and records).
    pub fn take_outgoing(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.outgoing)
    }

    /// Whether the connection can carry another call: its last answer was read whole,
    /// nothing else arrived, and neither side asked to close it.
    pub fn is_reusable(&self) -> bool {
        self.reusable
    }

    /// Feeds bytes read from the socket; true when they end the attempt in flight (its
    /// answer complete, or wrong), for [`DrivenCall::finish_on`].
    pub fn feed(&mut self, data: &[u8]) -> bool {
        let progress = self.receive(data);
        self.settle(progress)
    }

    /// Reports that the socket's stream ended (or broke, with `error` saying how); true
    /// when that ends the attempt in flight, for [`DrivenCall::finish_on`]. An answer
    /// whose body runs to the end of the stream is then complete; any other unfinished
    /// answer is a `connection` error.
    pub fn end_of_stream(&mut self, error: Option<&str>) -> bool {
        let progress = self.closed(error);
        self.settle(progress)
    }

    /// How the attempt in flight ended, once [`Connection::feed`] or
    /// [`Connection::end_of_stream`] said it is over: the whole answer, or what was wrong.
    pub(crate) fn take_ended(&mut self) -> Result<Answer> {
        self.ended
            .take()
            .unwrap_or_else(|| Err(connection_error("the attempt ended without an answer")))
    }

    fn settle(&mut self, progress: Result<Option<Answer>>) -> bool {
        match progress {
            Ok(None) => false,
            Ok(Some(answer)) => {
                self.ended = Some(Ok(answer));
                true
            }
            Err(error) => {
                self.ended = Some(Err(error));
                true
            }
        }
    }

    /// Feeds bytes read from the socket. `Ok(Some)` when they complete the answer; an
    /// error ends the attempt (the connection is then unusable).
    fn receive(&mut self, data: &[u8]) -> Result<Option<Answer>> {
        let result = self.receive_inner(data);
        match &result {
            Ok(None) => {}
            Ok(Some(answer)) => {
                self.reader = None;
                self.reusable = answer.keep_alive;
            }
            Err(_) => {
                self.reader = None;
                self.reusable = false;
            }
        }
        result
    }

    fn receive_inner(&mut self, data: &[u8]) -> Result<Option<Answer>> {
        let plain = match &mut self.tls {
            None => data.to_vec(),
            Some(tls) => decrypt(tls, data, &mut self.outgoing)?,
        };
        if plain.is_empty() {
            return Ok(None);
        }
        match &mut self.reader {
            Some(reader) => reader.feed(&plain),
            None => {
                self.reusable = false;
                Err(connection_error(
                    "the server sent bytes while no request was waiting",
                ))
            }
        }
    }

    /// The end of the stream, as [`Connection::end_of_stream`] reports it.
    fn closed(&mut self, error: Option<&str>) -> Result<Option<Answer>> {
        self.reusable = false;
        let Some(mut reader) = self.reader.take() else {
            return Ok(None);
        };
        match error {
            None => reader.end(),
            Some(error) => Err(connection_error(format!(
                "the connection broke before the whole answer arrived: {error}"
            ))),
        }
    }

    fn outgoing_from_tls(&mut self) {
        if let Some(tls) = &mut self.tls {
            while tls.wants_write() {
                if tls.write_tls(&mut self.outgoing).is_err() {
                    break;
                }
            }
        }
    }
}

/// Feeds TLS records to `tls`; gives the plaintext they carry and queues on `outgoing`
/// what TLS has to answer (handshake messages, alerts).
fn decrypt(
    tls: &mut rustls::ClientConnection,
    data: &[u8],
    outgoing: &mut Vec<u8>,
) -> Result<Vec<u8>> {
    let tls_error = |error: &dyn std::fmt::Display| connection_error(format!("TLS: {error}"));
    let mut rest = data;
    let mut plain = Vec::new();
    while !rest.is_empty() {
        tls.read_tls(&mut rest).map_err(|error| tls_error(&error))?;
        let state = tls.process_new_packets();
        while tls.wants_write() && tls.write_tls(outgoing).is_ok() {}
        let state = state.map_err(|error| tls_error(&error))?;
        if state.plaintext_bytes_to_read() > 0 {
            match tls.reader().read_to_end(&mut plain) {
                Ok(_) => {}
                Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(error) => return Err(tls_error(&error)),
            }
        }
        if state.peer_has_closed() {
            break;
        }
    }
    Ok(plain)
}

/// Reads one HTTP/1.1 response from the bytes of a connection.
struct ResponseReader {
    buffer: Vec<u8>,
    head: Option<Head>,
    body: Vec<u8>,
    framing: Framing,
    max_response_bytes: usize,
}

struct Head {
    status: StatusCode,
    headers: HeaderMap,
    keep_alive: bool,
    /// An error answer whose body is larger than the SDK keeps: answered without it.
    body_dropped: bool,
}

enum Framing {
    Unknown,
    Length(usize),
    Chunked(ChunkStage),
    UntilClose,
}

#[derive(Clone, Copy)]
enum ChunkStage {
    Size,
    Data(usize),
    DataEnd,
    Trailers,
}

/// How a [`ResponseReader`] step ended.
enum Progress {
    NeedMore,
    Complete,
}

impl ResponseReader {
    fn new(max_response_bytes: usize) -> ResponseReader {
        ResponseReader {
            buffer: Vec::new(),
            head: None,
            body: Vec::new(),
            framing: Framing::Unknown,
            max_response_bytes,
        }
    }

    fn feed(&mut self, data: &[u8]) -> Result<Option<Answer>> {
        self.buffer.extend_from_slice(data);
        if self.head.is_none() {
            match self.read_head()? {
                Progress::NeedMore => return Ok(None),
                Progress::Complete => {}
            }
        }
        match self.read_body()? {
            Progress::NeedMore => Ok(None),
            Progress::Complete => Ok(Some(self.answer())),
        }
    }

    /// The end of the stream: completes a body that runs to it.
    fn end(&mut self) -> Result<Option<Answer>> {
        match (&self.head, &self.framing) {
            (Some(_), Framing::UntilClose) => {
                if let Some(head) = &mut self.head {
                    head.keep_alive = false;
                }
                Ok(Some(self.answer()))
            }
            (None, _) if self.buffer.is_empty() => Err(connection_error(
                "the connection closed before an answer arrived",
            )),
            _ => Err(connection_error(
                "the connection closed before the whole answer arrived",
            )),
        }
    }

    fn read_head(&mut self) -> Result<Progress> {
        loop {
            let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut response = httparse::Response::new(&mut headers);
            let parsed = response
                .parse(&self.buffer)
                .map_err(|error| connection_error(format!("invalid HTTP response: {error}")))?;
            let length = match parsed {
                httparse::Status::Partial if self.buffer.len() > MAX_HEAD_BYTES => {
                    return Err(connection_error("the response head is too large"));
                }
                httparse::Status::Partial => return Ok(Progress::NeedMore),
                httparse::Status::Complete(length) => length,
            };
            let code = response.code.unwrap_or_default();
            let status = StatusCode::from_u16(code)
                .map_err(|_| connection_error(format!("invalid HTTP status {code}")))?;
            if status.is_informational() {
                // `100 Continue` and the like: the real answer follows.
                self.buffer.drain(..length);
                continue;
            }
            let mut map = HeaderMap::with_capacity(response.headers.len());
            for header in response.headers.iter() {
                if let (Ok(name), Ok(value)) = (
                    HeaderName::from_bytes(header.name.as_bytes()),
                    HeaderValue::from_bytes(header.value),
                ) {
                    map.append(name, value);
                }
            }
            let version_1_1 = response.version == Some(1);
            let asks_to_close = header_has_token(&map, http::header::CONNECTION, "close");
            self.framing = framing(status, &map)?;
            let limit = if status.is_success() {
                self.max_response_bytes
            } else {
                MAX_ERROR_BODY_BYTES.min(self.max_response_bytes)
            };
            let mut body_dropped = false;
            if let Framing::Length(length) = self.framing
                && length > limit
            {
                if status.is_success() {
                    return Err(body_too_large(limit));
                }
                body_dropped = true;
            }
            self.buffer.drain(..length);
            self.head = Some(Head {
                status,
                headers: map,
                keep_alive: version_1_1 && !asks_to_close,
                body_dropped,
            });
            return Ok(Progress::Complete);
        }
    }

    fn read_body(&mut self) -> Result<Progress> {
        let head = self.head.as_mut().expect("the head is read first");
        if head.body_dropped {
            head.keep_alive = false;
            self.buffer.clear();
            return Ok(Progress::Complete);
        }
        let limit = if head.status.is_success() {
            self.max_response_bytes
        } else {
            MAX_ERROR_BODY_BYTES.min(self.max_response_bytes)
        };
        let progress = match &mut self.framing {
            Framing::Unknown => unreachable!("the framing is known once the head is read"),
            Framing::Length(remaining) => {
                let take = (*remaining).min(self.buffer.len());
                self.body.extend(self.buffer.drain(..take));
                *remaining -= take;
                if *remaining == 0 {
                    Progress::Complete
                } else {
                    Progress::NeedMore
                }
            }
            Framing::UntilClose => {
                self.body.append(&mut self.buffer);
                Progress::NeedMore
            }
            Framing::Chunked(stage) => read_chunks(stage, &mut self.buffer, &mut self.body)?,
        };
        if self.body.len() > limit {
            if head.status.is_success() {
                return Err(body_too_large(limit));
            }
            // As the reqwest path does: an error answer too large to keep is answered
            // without its body.
            head.body_dropped = true;
            head.keep_alive = false;
            self.body.clear();
            self.buffer.clear();
            return Ok(Progress::Complete);
        }
        match progress {
            Progress::NeedMore => Ok(Progress::NeedMore),
            Progress::Complete => {
                if !self.buffer.is_empty() {
                    // Bytes after the answer: nothing to pair them with.
                    self.head.as_mut().expect("read").keep_alive = false;
                }
                Ok(Progress::Complete)
            }
        }
    }

    fn answer(&mut self) -> Answer {
        let head = self.head.take().expect("the head is read first");
        let body = if head.body_dropped {
            Bytes::new()
        } else {
            Bytes::from(std::mem::take(&mut self.body))
        };
        Answer {
            status: head.status,
            headers: head.headers,
            body,
            keep_alive: head.keep_alive,
        }
    }
}

fn header_has_token(headers: &HeaderMap, name: HeaderName, token: &str) -> bool {
    headers.get_all(name).iter().any(|value| {
        value.to_str().is_ok_and(|value| {
            value
                .split(',')
                .any(|part| part.trim().eq_ignore_ascii_case(token))
        })
    })
}

fn framing(status: StatusCode, headers: &HeaderMap) -> Result<Framing> {
    if status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED {
        return Ok(Framing::Length(0));
    }
    if header_has_token(headers, http::header::TRANSFER_ENCODING, "chunked") {
        return Ok(Framing::Chunked(ChunkStage::Size));
    }
    let mut lengths = headers.get_all(http::header::CONTENT_LENGTH).iter();
    match (lengths.next(), lengths.next()) {
        (None, _) => Ok(Framing::UntilClose),
        (Some(length), None) => length
            .to_str()
            .ok()
            .and_then(|length| length.trim().parse::<usize>().ok())
            .map(Framing::Length)
            .ok_or_else(|| connection_error("invalid content-length in the response")),
        (Some(_), Some(_)) => Err(connection_error(
            "more than one content-length in the response",
        )),
    }
}

/// Decodes what `buffer` holds of a chunked body into `body`, consuming it.
fn read_chunks(
    stage: &mut ChunkStage,
    buffer: &mut Vec<u8>,
    body: &mut Vec<u8>,
) -> Result<Progress> {
    let mut at = 0;
    let progress = loop {
        let rest = &buffer[at..];
        match *stage {
            ChunkStage::Size => match httparse::parse_chunk_size(rest)
                .map_err(|_| connection_error("invalid chunk size in the response"))?
            {
                httparse::Status::Partial => break Progress::NeedMore,
                httparse::Status::Complete((used, 0)) => {
                    at += used;
                    *stage = ChunkStage::Trailers;
                }
                httparse::Status::Complete((used, size)) => {
                    at += used;
                    let size = usize::try_from(size)
                        .map_err(|_| connection_error("a chunk larger than memory"))?;
                    *stage = ChunkStage::Data(size);
                }
            },
            ChunkStage::Data(remaining) => {
                let take = remaining.min(rest.len());
                body.extend_from_slice(&rest[..take]);
                at += take;
                if take == remaining {
                    *stage = ChunkStage::DataEnd;
                } else {
                    *stage = ChunkStage::Data(remaining - take);
                    break Progress::NeedMore;
                }
            }
            ChunkStage::DataEnd => {
                if rest.len() < 2 {
                    break Progress::NeedMore;
                }
                if &rest[..2] != b"\r\n" {
                    return Err(connection_error("a chunk does not end with CRLF"));
                }
                at += 2;
                *stage = ChunkStage::Size;
            }
            ChunkStage::Trailers => {
                // Trailer lines, then an empty line; their content is not used.
                let Some(line_end) = rest.windows(2).position(|pair| pair == b"\r\n") else {
                    break Progress::NeedMore;
                };
                at += line_end + 2;
                if line_end == 0 {
                    break Progress::Complete;
                }
            }
        }
    };
    buffer.drain(..at);
    Ok(progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader() -> ResponseReader {
        ResponseReader::new(1024)
    }

    fn feed_bytewise(reader: &mut ResponseReader, bytes: &[u8]) -> Option<Answer> {
        let mut answer = None;
        for byte in bytes {
            assert!(answer.is_none(), "bytes after the answer");
            answer = reader.feed(&[*byte]).expect("a valid response");
        }
        answer
    }

    #[test]
    fn reads_a_content_length_answer_byte_by_byte() {
        let mut reader = reader();
        let answer = feed_bytewise(
            &mut reader,
            b"HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX-Request-Id: r1\r\n\r\nhello",
        )
        .expect("complete");
        assert_eq!(answer.status, StatusCode::CREATED);
        assert_eq!(&answer.body[..], b"hello");
        assert_eq!(request_id(&answer.headers).as_deref(), Some("r1"));
        assert!(answer.keep_alive);
    }

    #[test]
    fn reads_a_chunked_answer_with_trailers_byte_by_byte() {
        let mut reader = reader();
        let answer = feed_bytewise(
            &mut reader,
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
              3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nX-Trailer: 1\r\n\r\n",
        )
        .expect("complete");
        assert_eq!(&answer.body[..], b"abcdefg");
    }

    #[test]
    fn a_body_without_length_runs_to_the_end_and_closes() {
        let mut reader = reader();
        assert!(
            reader
                .feed(b"HTTP/1.1 200 OK\r\n\r\n{\"id\"")
                .unwrap()
                .is_none()
        );
        assert!(reader.feed(b":\"1\"}").unwrap().is_none());
        let answer = reader.end().unwrap().expect("complete at the end");
        assert_eq!(&answer.body[..], b"{\"id\":\"1\"}");
        assert!(!answer.keep_alive);
    }

    #[test]
    fn an_unfinished_answer_at_the_end_is_a_connection_error() {
        let mut reader = reader();
        assert!(
            reader
                .feed(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc")
                .unwrap()
                .is_none()
        );
        assert_eq!(reader.end().unwrap_err().kind(), ErrorKind::Connection);
        let mut silent = ResponseReader::new(1024);
        assert_eq!(silent.end().unwrap_err().kind(), ErrorKind::Connection);
    }

    #[test]
    fn informational_answers_are_skipped_and_close_is_honoured() {
        let mut reader = reader();
        let answer = reader
            .feed(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
            .unwrap()
            .expect("complete");
        assert_eq!(answer.status, StatusCode::NO_CONTENT);
        assert!(answer.body.is_empty());
        assert!(!answer.keep_alive, "asked to close: not reusable");
    }

    #[test]
    fn a_large_success_body_is_a_decode_error_and_a_large_error_body_is_dropped() {
        let mut reader = ResponseReader::new(4);
        let error = reader
            .feed(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode);
        let mut reader = ResponseReader::new(4);
        let error = reader
            .feed(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode);
        let mut reader = ResponseReader::new(4);
        let answer = reader
            .feed(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 50\r\n\r\n")
            .unwrap()
            .expect("answered without its body");
        assert_eq!(answer.status, StatusCode::BAD_GATEWAY);
        assert!(answer.body.is_empty());
    }

    #[test]
    fn bytes_after_the_answer_make_the_connection_unusable() {
        let mut reader = reader();
        let answer = reader
            .feed(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}extra")
            .unwrap()
            .expect("complete");
        assert!(!answer.keep_alive);
    }

    #[test]
    fn garbage_is_a_connection_error() {
        let mut reader = reader();
        assert_eq!(
            reader.feed(b"<html>\r\n\r\n").unwrap_err().kind(),
            ErrorKind::Connection
        );
        let mut reader = ResponseReader::new(1024);
        let error = reader
            .feed(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Connection);
    }
}
