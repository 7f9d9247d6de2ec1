//! `Idempotency-Key` records: one successful create or update per
//! (account, key). A record remembers which request made it (`POST
//! /unified/ticketing/users`, `PATCH /unified/ticketing/users/42`), so a key
//! reused for another method or another user is a conflict, not a replay.
//!
//! A key is claimed for the whole time a request is handled, so a retry that
//! arrives while the first attempt is still running (a client timed out and
//! tried again) waits for it instead of racing it: then it either replays
//! what the first stored or, if the first stored nothing, runs itself. The
//! claim is released on drop, so a handler cancelled by a disconnecting
//! client leaves nothing locked.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::header::HeaderName;
use http::{HeaderValue, StatusCode};
use serde_json::{Map, Value};
use tokio::sync::watch;

use crate::body::Body;
use crate::reply::{self, Reply};
use crate::state::lock;

const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// A successful answer, kept to be replayed byte for byte.
#[derive(Debug)]
pub(crate) struct Recorded {
    /// `METHOD /path` of the request that produced it.
    pub(crate) request_line: Box<str>,
    /// The request body that produced it, to tell a replay from a reuse.
    pub(crate) request_body: Bytes,
    pub(crate) status: StatusCode,
    pub(crate) content_type: HeaderValue,
    pub(crate) body: Bytes,
}

#[derive(Default)]
pub(crate) struct IdempotencyRecords {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    next_holder: u64,
    slots: HashMap<Box<str>, Slot>,
}

#[derive(Default)]
struct Slot {
    /// The request handling this key right now; its receiver closes when
    /// that request finishes, however it finishes.
    holder: Option<(u64, watch::Receiver<()>)>,
    recorded: Option<Arc<Recorded>>,
}

/// Exclusive use of one (account, key) until dropped.
pub(crate) struct Claim<'a> {
    records: &'a IdempotencyRecords,
    slot_key: Box<str>,
    holder: u64,
    recorded: Option<Arc<Recorded>>,
    // Dropped after `Drop::drop` has cleared the slot, which wakes waiters.
    _release: watch::Sender<()>,
}

impl Recorded {
    /// The answer to a request with this record's key: the first answer
    /// again, if it is the same request; else a 409.
    pub(crate) fn replay_or_conflict(
        &self,
        request_line: &str,
        body: &Bytes,
        fields: &Map<String, Value>,
    ) -> Reply {
        if *self.request_line != *request_line {
            return reply::error(
                StatusCode::CONFLICT,
                &format!(
                    "This Idempotency-Key was already used for another request ({})",
                    self.request_line
                ),
            );
        }
        // Byte equality is the common case (a client retrying its own bytes);
        // otherwise equal JSON in another spelling is still the same request.
        let same_body = self.request_body == *body
            || serde_json::from_slice::<Value>(&self.request_body)
                .is_ok_and(|previous| previous.as_object() == Some(fields));
        if !same_body {
            return reply::error(
                StatusCode::CONFLICT,
                "This Idempotency-Key was already used with a different request body",
            );
        }
        let mut reply = reply::with_content_type(
            self.status,
            self.content_type.clone(),
            Body::full(self.body.clone()),
        );
        reply
            .headers_mut()
            .insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
        reply
    }
}

impl IdempotencyRecords {
    /// Waits until no other request holds this key, then holds it.
    pub(crate) async fn claim(&self, account: &str, key: &str) -> Claim<'_> {
        // Neither an account name nor a header value can contain a newline.
        let slot_key: Box<str> = format!("{account}\n{key}").into();
        loop {
            let mut busy = {
                let mut inner = lock(&self.inner);
                let Inner { next_holder, slots } = &mut *inner;
                let slot = match slots.get_mut(&slot_key) {
                    Some(slot) => slot,
                    None => slots.entry(slot_key.clone()).or_default(),
                };
                match &slot.holder {
                    Some((_, busy)) => busy.clone(),
                    None => {
                        let holder = *next_holder;
                        *next_holder += 1;
                        let (release, busy) = watch::channel(());
                        slot.holder = Some((holder, busy));
                        return Claim {
                            records: self,
                            recorded: slot.recorded.clone(),
                            slot_key,
                            holder,
                            _release: release,
                        };
                    }
                }
            };
            // Only ever resolves by the holder going away; then look again.
            let _ = busy.changed().await;
        }
    }

    pub(crate) fn clear(&self) {
        lock(&self.inner).slots.clear();
    }
}

impl Claim<'_> {
    /// What an earlier request with this key stored, if anything.
    pub(crate) fn recorded(&self) -> Option<&Recorded> {
        self.recorded.as_deref()
    }

    /// Remembers a successful answer for later requests with this key.
    pub(crate) fn record(&mut self, recorded: Recorded) {
        let recorded = Arc::new(recorded);
        let mut inner = lock(&self.records.inner);
        // A reset while this request ran has forgotten the key; keep it that way.
        if let Some(slot) = inner.slots.get_mut(&self.slot_key)
            && slot
                .holder
                .as_ref()
                .is_some_and(|(holder, _)| *holder == self.holder)
        {
            slot.recorded = Some(Arc::clone(&recorded));
        }
        self.recorded = Some(recorded);
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        let mut inner = lock(&self.records.inner);
        let Some(slot) = inner.slots.get_mut(&self.slot_key) else {
            return;
        };
        if slot
            .holder
            .as_ref()
            .is_some_and(|(holder, _)| *holder == self.holder)
        {
            slot.holder = None;
            if slot.recorded.is_none() {
                inner.slots.remove(&self.slot_key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn recorded(body: &'static [u8]) -> Recorded {
        Recorded {
            request_line: "POST /x".into(),
            request_body: Bytes::from_static(b"{}"),
            status: StatusCode::CREATED,
            content_type: HeaderValue::from_static("application/json"),
            body: Bytes::from_static(body),
        }
    }

    #[tokio::test]
    async fn a_second_claim_waits_and_sees_what_the_first_recorded() {
        let records = Arc::new(IdempotencyRecords::default());
        let mut first = records.claim("a", "k").await;
        assert!(first.recorded().is_none());
        let waiter = {
            let records = Arc::clone(&records);
            tokio::spawn(async move {
                let claim = records.claim("a", "k").await;
                claim.recorded().map(|r| r.body.clone())
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished());
        first.record(recorded(b"user"));
        drop(first);
        let seen = waiter.await.unwrap();
        assert_eq!(seen.as_deref(), Some(&b"user"[..]));
    }

    #[tokio::test]
    async fn a_dropped_claim_without_a_record_frees_the_key() {
        let records = IdempotencyRecords::default();
        let first = records.claim("a", "k").await;
        let other_account = records.claim("b", "k").await;
        drop(first);
        let again = records.claim("a", "k").await;
        assert!(again.recorded().is_none());
        drop(other_account);
        drop(again);
        assert!(lock(&records.inner).slots.is_empty());
    }

    #[tokio::test]
    async fn a_cancelled_waiter_leaves_nothing_behind() {
        let records = IdempotencyRecords::default();
        let first = records.claim("a", "k").await;
        let waiting =
            tokio::time::timeout(Duration::from_millis(10), records.claim("a", "k")).await;
        assert!(waiting.is_err());
        drop(first);
        drop(records.claim("a", "k").await);
    }
}
