//! The body of a `stream`-format answer, read as it arrives.

use bytes::{Bytes, BytesMut};
use futures_util::{Stream, TryStreamExt};

use crate::error::{Error, ErrorDetails, ErrorKind, Result};

/// A successful answer whose body has not been read yet.
#[derive(Debug)]
pub struct ResponseStream {
    response: reqwest::Response,
}

impl ResponseStream {
    pub(crate) fn new(response: reqwest::Response) -> ResponseStream {
        ResponseStream { response }
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        self.response.status().as_u16()
    }

    /// The answer's `x-request-id`, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.response
            .headers()
            .get("x-request-id")
            .and_then(|value| value.to_str().ok())
    }

    /// The next chunk of the body, or `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>> {
        self.response.chunk().await.map_err(broken_stream)
    }

    /// The body as a stream of chunks.
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes>> + Send {
        self.response.bytes_stream().map_err(broken_stream)
    }

    /// Reads the whole body, up to `limit` bytes (a larger body is a `decode` error).
    pub async fn collect(mut self, limit: usize) -> Result<Bytes> {
        let mut body = BytesMut::new();
        while let Some(chunk) = self.chunk().await? {
            if body.len() + chunk.len() > limit {
                return Err(Error::new(
                    ErrorKind::Decode,
                    ErrorDetails {
                        message: format!("the streamed body is larger than {limit} bytes"),
                        ..ErrorDetails::default()
                    },
                ));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }
}

fn broken_stream(error: reqwest::Error) -> Error {
    Error::new(
        ErrorKind::Connection,
        ErrorDetails {
            message: format!("the response stream broke: {error}"),
            ..ErrorDetails::default()
        },
    )
}
