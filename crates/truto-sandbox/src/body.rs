//! Response bodies: whole, streamed in a few chunks, or dripped byte by byte.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use tokio::time::Sleep;

/// The body of every answer the sandbox writes.
pub(crate) struct Body {
    remaining: Bytes,
    chunk_len: usize,
    pace: Pace,
    /// Whether the client is told the length up front (`Content-Length`)
    /// or reads chunked transfer encoding until the end.
    announce_length: bool,
}

enum Pace {
    /// Everything that is ready, as fast as the socket takes it.
    Eager,
    /// Hand each chunk back to the connection before the next, so that it
    /// is flushed as its own chunk instead of being coalesced.
    Flushed { yielded: bool },
    /// One chunk, then a pause.
    Timed {
        interval: Duration,
        sleep: Option<Pin<Box<Sleep>>>,
    },
}

impl Body {
    pub(crate) fn full(bytes: impl Into<Bytes>) -> Self {
        let remaining = bytes.into();
        Self {
            chunk_len: remaining.len().max(1),
            remaining,
            pace: Pace::Eager,
            announce_length: true,
        }
    }

    pub(crate) fn empty() -> Self {
        Self::full(Bytes::new())
    }

    /// Chunked transfer encoding in `chunks` pieces, for `truto_response_format=stream`.
    pub(crate) fn streamed(bytes: Bytes, chunks: usize) -> Self {
        Self {
            chunk_len: bytes.len().div_ceil(chunks.max(1)).max(1),
            remaining: bytes,
            pace: Pace::Flushed { yielded: false },
            announce_length: false,
        }
    }

    /// The same bytes, one every `interval`: a slow (but complete) answer.
    pub(crate) fn dripped(self, interval: Duration) -> Self {
        Self {
            remaining: self.remaining,
            chunk_len: 1,
            pace: Pace::Timed {
                interval,
                sleep: None,
            },
            announce_length: self.announce_length,
        }
    }
}

impl HttpBody for Body {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if this.remaining.is_empty() {
            return Poll::Ready(None);
        }
        match &mut this.pace {
            Pace::Eager => {}
            Pace::Flushed { yielded } => {
                if !*yielded {
                    *yielded = true;
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                *yielded = false;
            }
            Pace::Timed { interval, sleep } => {
                if let Some(pause) = sleep
                    && pause.as_mut().poll(cx).is_pending()
                {
                    return Poll::Pending;
                }
                *sleep = Some(Box::pin(tokio::time::sleep(*interval)));
            }
        }
        let take = this.chunk_len.min(this.remaining.len());
        Poll::Ready(Some(Ok(Frame::data(this.remaining.split_to(take)))))
    }

    fn is_end_stream(&self) -> bool {
        self.remaining.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        if self.announce_length {
            SizeHint::with_exact(self.remaining.len() as u64)
        } else {
            SizeHint::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn frames(mut body: Body) -> Vec<Bytes> {
        let mut frames = Vec::new();
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
        {
            frames.push(frame.unwrap().into_data().unwrap());
        }
        frames
    }

    #[tokio::test]
    async fn streamed_bodies_come_in_several_chunks() {
        let body = Body::streamed(Bytes::from_static(b"0123456789"), 4);
        assert!(body.size_hint().exact().is_none());
        assert_eq!(frames(body).await, ["012", "345", "678", "9"]);
    }

    #[tokio::test]
    async fn dripped_bodies_keep_their_length() {
        let body = Body::full(&b"abc"[..]).dripped(Duration::from_millis(1));
        assert_eq!(body.size_hint().exact(), Some(3));
        assert_eq!(frames(body).await, ["a", "b", "c"]);
        assert!(frames(Body::empty()).await.is_empty());
    }
}
