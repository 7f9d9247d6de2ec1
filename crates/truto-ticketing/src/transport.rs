//! Sending one API call: attempts, timeouts, retries, reading and classifying answers.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use http::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use crate::client::ClientInner;
use crate::decode::decode_json;
use crate::error::{Error, ErrorDetails, ErrorInsight, ErrorKind, Result};
use crate::pacing::Ticket;
use crate::retry::server_requested_delay;
use crate::secret::SecretString;

/// How much of an error body an API error keeps.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// One API call, ready to be attempted as often as the retry policy allows.
pub(crate) struct Call {
    pub(crate) method: Method,
    /// The path below the base URL, its segments already percent-encoded.
    pub(crate) path: String,
    /// The integrated account: each attempt waits for room in its rate-limit window and
    /// the token's (`pacing.rs`).
    pub(crate) account: String,
    pub(crate) query: String,
    pub(crate) body: Option<Bytes>,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) timeout: Duration,
    pub(crate) max_retries: u32,
    /// Secrets besides the token that must not reach an error (e.g. the new user's password).
    pub(crate) secrets: Vec<SecretString>,
    /// Bulk calls: counts the attempts' requests and 429s. A bulk call also waits as long
    /// as a closed rate-limit window says; any other call waits at most the retry policy's
    /// `max_retry_after` and otherwise ends at once as `rate_limited`.
    pub(crate) attempts: Option<Arc<Attempts>>,
}

/// Counts a call's requests and 429s (a bulk import's per-row and overall figures).
#[derive(Default)]
pub(crate) struct Attempts {
    pub(crate) requests: AtomicU64,
    pub(crate) rate_limited: AtomicU64,
}

/// What a successful call's answer said besides its body.
pub(crate) struct AnswerMeta {
    /// Truto answered the first attempt with the response of an earlier call's request
    /// with the same key (`Idempotent-Replayed: true`).
    pub(crate) replayed: bool,
}

/// What a successful attempt gives back.
enum Answer {
    /// The whole body, read within the attempt's timeout.
    Buffered {
        body: Bytes,
        status: u16,
        request_id: Option<String>,
        replayed: bool,
    },
    /// The body not yet read: the caller streams it.
    Streamed(reqwest::Response),
}

/// Whether a successful answer's body is read before returning.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BodyMode {
    Buffered,
    Streamed,
}

impl ClientInner {
    /// Runs the call and reads its JSON answer into `T` (see [`ClientInner::decode_answer`]).
    pub(crate) async fn execute_json<T: DeserializeOwned>(&self, call: &Call) -> Result<T> {
        self.execute_json_with_meta(call)
            .await
            .map(|(value, _)| value)
    }

    /// [`ClientInner::execute_json`], with what the answer said besides its body.
    pub(crate) async fn execute_json_with_meta<T: DeserializeOwned>(
        &self,
        call: &Call,
    ) -> Result<(T, AnswerMeta)> {
        let (answer, attempts) = self.execute(call, BodyMode::Buffered).await?;
        let Answer::Buffered {
            body,
            status,
            request_id,
            replayed,
        } = answer
        else {
            unreachable!("a buffered call always answers with a buffered body");
        };
        let value = self.decode_answer(call, &body, status, request_id, attempts)?;
        // A replay answering a retry is of this call's own first attempt: only a replay
        // on the first attempt is of an earlier call.
        let replayed = replayed && attempts == 1;
        Ok((value, AnswerMeta { replayed }))
    }

    /// Reads a successful answer's body into `T`; a mismatch is a `decode` error carrying
    /// the answer's status, request id and attempt count.
    fn decode_answer<T: DeserializeOwned>(
        &self,
        call: &Call,
        body: &[u8],
        status: u16,
        request_id: Option<String>,
        attempts: u32,
    ) -> Result<T> {
        decode_json(body).map_err(|mut error| {
            let details = error.details_mut();
            details.status = Some(status);
            details.request_id = request_id;
            details.attempts = attempts;
            details.idempotency_key = call.idempotency_key.clone();
            self.scrubbed(error, call)
        })
    }

    /// Runs the call and hands back the successful answer with its body unread.
    pub(crate) async fn execute_streamed(&self, call: &Call) -> Result<reqwest::Response> {
        let (answer, _attempts) = self.execute(call, BodyMode::Streamed).await?;
        let Answer::Streamed(response) = answer else {
            unreachable!("a streamed call always answers with a streamed body");
        };
        Ok(response)
    }

    /// Runs the call: attempts until success, a final failure, or retries run out.
    /// Gives the answer and how many attempts it took.
    async fn execute(&self, call: &Call, mode: BodyMode) -> Result<(Answer, u32)> {
        let url = self.endpoint(call);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let max_wait = match call.attempts {
                Some(_) => None,
                None => Some(self.retry_policy.max_retry_after),
            };
            let ticket = match self.pacing.admit(&call.account, max_wait).await {
                Ok(ticket) => ticket,
                Err(closed_for) => {
                    let mut error = window_closed(closed_for);
                    let details = error.details_mut();
                    details.attempts = attempt - 1;
                    details.idempotency_key = call.idempotency_key.clone();
                    return Err(error);
                }
            };
            if let Some(attempts) = &call.attempts {
                attempts.requests.fetch_add(1, Ordering::Relaxed);
            }
            let started = Instant::now();
            let attempted = self.attempt(&url, call, mode, ticket);
            let outcome = tokio::time::timeout(call.timeout, attempted).await;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            let failure = match outcome {
                Ok(Ok(answer)) => {
                    tracing::debug!(
                        method = %call.method, path = %call.path, attempt, elapsed_ms,
                        outcome = "success", "truto request"
                    );
                    return Ok((answer, attempt));
                }
                Ok(Err(error)) => error,
                Err(_elapsed) => Failure::timed_out(call.timeout),
            };
            let delay = self.after_failure(call, attempt, elapsed_ms, failure)?;
            tokio::time::sleep(delay).await;
        }
    }

    /// What follows a failed attempt: the wait before the next one, or the call's final
    /// error (not retryable, retries used up, or a server-requested wait too long to sleep
    /// through).
    fn after_failure(
        &self,
        call: &Call,
        attempt: u32,
        elapsed_ms: u64,
        failure: Failure,
    ) -> Result<Duration> {
        let Failure {
            mut error,
            server_delay,
        } = failure;
        tracing::debug!(
            method = %call.method, path = %call.path, attempt, elapsed_ms,
            status = error.status(), outcome = error.kind().as_str(), "truto request"
        );
        let details = error.details_mut();
        details.attempts = attempt;
        details.idempotency_key = call.idempotency_key.clone();
        if !error.is_retryable() || attempt > call.max_retries {
            return Err(self.scrubbed(error, call));
        }
        let delay = match server_delay {
            Some(delay) if delay > self.retry_policy.max_retry_after => {
                // Sleeping that long inside a call would look like a hang: hand the wait
                // to the caller, who knows whether it can afford it.
                return Err(self.scrubbed(error, call));
            }
            Some(delay) => delay,
            None => self.retry_policy.backoff(attempt),
        };
        tracing::info!(
            method = %call.method, path = %call.path, attempt,
            reason = error.kind().as_str(), status = error.status(),
            delay_ms = delay.as_millis() as u64, "retrying truto request"
        );
        Ok(delay)
    }

    /// `{base_url}{path}?{query}`, from the base URL parsed when the client was built.
    fn endpoint(&self, call: &Call) -> Url {
        let mut url = self.parsed_base_url.clone();
        let base_path = url.path().trim_end_matches('/');
        let path = format!("{base_path}{}", call.path);
        url.set_path(&path);
        url.set_query((!call.query.is_empty()).then_some(call.query.as_str()));
        url
    }

    async fn attempt(
        &self,
        url: &Url,
        call: &Call,
        mode: BodyMode,
        ticket: Ticket,
    ) -> Result<Answer, Failure> {
        let mut request = self
            .http
            .request(call.method.clone(), url.clone())
            .headers(self.default_headers.clone())
            .headers(call.headers.clone())
            .header(AUTHORIZATION, self.authorization.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(key) = &call.idempotency_key {
            request = request.header("idempotency-key", key.as_str());
        }
        if let Some(body) = &call.body {
            request = request
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.clone());
        }
        let response = request
            .send()
            .await
            .map_err(|error| Failure::plain(transport_error(&error)))?;
        let status = response.status();
        let retry_after = server_requested_delay(status.as_u16(), response.headers());
        ticket.answered(status.as_u16(), response.headers(), retry_after);
        if status == StatusCode::TOO_MANY_REQUESTS
            && let Some(attempts) = &call.attempts
        {
            attempts.rate_limited.fetch_add(1, Ordering::Relaxed);
        }
        if status.is_success() {
            return match mode {
                BodyMode::Streamed => Ok(Answer::Streamed(response)),
                BodyMode::Buffered => {
                    let request_id = request_id(response.headers());
                    let replayed = response
                        .headers()
                        .get("idempotent-replayed")
                        .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"true"));
                    let body = read_body(response, self.max_response_bytes)
                        .await
                        .map_err(Failure::plain)?;
                    Ok(Answer::Buffered {
                        body,
                        status: status.as_u16(),
                        request_id,
                        replayed,
                    })
                }
            };
        }
        let headers = response.headers().clone();
        let body = read_body(response, MAX_ERROR_BODY_BYTES.min(self.max_response_bytes)).await;
        let body = match body {
            Ok(body) => body,
            // An error answer we could not read whole is still that error: keep its status.
            Err(error) if error.kind() == ErrorKind::Decode => Bytes::new(),
            Err(error) => return Err(Failure::plain(error)),
        };
        Err(Failure::answered(status, &headers, &body))
    }

    fn scrubbed(&self, mut error: Error, call: &Call) -> Error {
        let details = error.details_mut();
        for secret in std::iter::once(&self.token).chain(&call.secrets) {
            secret.scrub(&mut details.message);
            if let Some(body) = &mut details.body {
                secret.scrub(body);
            }
            if let Some(insight) = &mut details.insight {
                let fields = insight
                    .missing_required_body_fields
                    .iter_mut()
                    .chain(&mut insight.missing_required_query_parameters);
                fields.for_each(|field| secret.scrub(field));
                let mut raw = serde_json::Value::Object(std::mem::take(&mut insight.raw));
                secret.scrub_json(&mut raw);
                if let serde_json::Value::Object(raw) = raw {
                    insight.raw = raw;
                }
            }
        }
        error
    }
}

/// The error of a call not sent because its rate-limit window stays closed longer than the
/// call may wait (Truto answered an earlier call 429 with a long `Retry-After`).
fn window_closed(closed_for: Duration) -> Error {
    Error::new(
        ErrorKind::RateLimited,
        ErrorDetails {
            message: format!(
                "not sent: an earlier answer closed this account's rate-limit window for \
                 another {} s",
                closed_for.as_secs_f64().ceil()
            ),
            retry_after: Some(closed_for),
            ..ErrorDetails::default()
        },
    )
}

/// A failed attempt and the wait the server asked for, if any.
struct Failure {
    error: Error,
    server_delay: Option<Duration>,
}

impl Failure {
    fn plain(error: Error) -> Failure {
        Failure {
            error,
            server_delay: None,
        }
    }

    /// A non-2xx answer.
    fn answered(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Failure {
        Failure {
            error: api_error(status, headers, body),
            server_delay: server_requested_delay(status.as_u16(), headers),
        }
    }

    /// An attempt that had no complete answer within its timeout.
    fn timed_out(timeout: Duration) -> Failure {
        Failure::plain(Error::new(
            ErrorKind::Timeout,
            ErrorDetails {
                message: format!("no complete answer within {} ms", timeout.as_millis()),
                ..ErrorDetails::default()
            },
        ))
    }
}

/// Reads a body up to `limit` bytes; a larger one is a `decode` error, a broken one a
/// `connection` error.
async fn read_body(mut response: reqwest::Response, limit: usize) -> Result<Bytes> {
    let too_large = || body_too_large(limit);
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(too_large());
    }
    let mut body = BytesMut::with_capacity(response.content_length().unwrap_or(0) as usize);
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| transport_error(&error))?
    {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// The `decode` error for a body larger than the client reads.
fn body_too_large(limit: usize) -> Error {
    Error::new(
        ErrorKind::Decode,
        ErrorDetails {
            message: format!("the response body is larger than {limit} bytes"),
            ..ErrorDetails::default()
        },
    )
}

fn transport_error(error: &reqwest::Error) -> Error {
    let kind = if error.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Connection
    };
    // reqwest's top-level message is generic; the cause says what actually happened.
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Error::new(
        kind,
        ErrorDetails {
            message,
            ..ErrorDetails::default()
        },
    )
}

/// Builds the error for a non-2xx answer from Truto's `{statusCode, error, message, ...}`.
fn api_error(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
    let text = String::from_utf8_lossy(body).into_owned();
    let parsed: Option<serde_json::Map<String, Value>> = serde_json::from_slice(body).ok();
    let message = parsed
        .as_ref()
        .and_then(|json| json.get("message").or_else(|| json.get("error")))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| {
            status
                .canonical_reason()
                .unwrap_or("unexpected status")
                .to_owned()
        });
    let insight = parsed
        .as_ref()
        .and_then(|json| json.get("truto_error_insight"))
        .and_then(Value::as_object)
        .map(|raw| ErrorInsight::from_json(raw.clone()));
    let is_remote_error = parsed
        .as_ref()
        .and_then(|json| json.get("truto_is_remote_error"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Error::new(
        ErrorKind::from_status(status.as_u16()),
        ErrorDetails {
            message,
            status: Some(status.as_u16()),
            request_id: request_id(headers),
            insight,
            is_remote_error,
            body: Some(text),
            retry_after: server_requested_delay(status.as_u16(), headers),
            ..ErrorDetails::default()
        },
    )
}

fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_error_reads_truto_shape() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("req_1"));
        headers.insert("retry-after", HeaderValue::from_static("3"));
        let body = br#"{"statusCode":400,"error":"Bad Request","message":"Missing required fields",
            "truto_is_remote_error":true,
            "truto_error_insight":{"missing_required_body_fields":{"description":"x","value":["name"]}}}"#;
        let error = api_error(StatusCode::BAD_REQUEST, &headers, body);
        assert_eq!(error.kind(), ErrorKind::BadRequest);
        assert_eq!(error.message(), "Missing required fields");
        assert_eq!(error.request_id(), Some("req_1"));
        assert_eq!(error.missing_required_fields(), ["name"]);
        assert!(error.is_remote_error());
        assert_eq!(error.retry_after(), Some(Duration::from_secs(3)));
    }

    #[test]
    fn api_error_survives_a_html_body() {
        let error = api_error(
            StatusCode::BAD_GATEWAY,
            &HeaderMap::new(),
            b"<html>502</html>",
        );
        assert_eq!(error.kind(), ErrorKind::Server);
        assert_eq!(error.message(), "Bad Gateway");
        assert_eq!(error.body(), Some("<html>502</html>"));
    }
}
