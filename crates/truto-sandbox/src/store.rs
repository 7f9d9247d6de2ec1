//! The users each account holds: changeable, in creation order, and cheap
//! to page through.
//!
//! Per account, a `BTreeMap` keyed by a creation sequence number plus an id
//! index. A page in creation order is a range walk from where the cursor
//! left off, so it costs what the page costs however many users the
//! account holds. A user created while a client pages gets a higher
//! sequence number and lands on a later page; a deleted one is simply gone.
//! Sequence numbers are shared by all accounts, so `GET /_sandbox/users`
//! can also order every account's users by creation.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Bound;
use std::sync::Mutex;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::state::lock;
use crate::timestamp::Timestamp;

/// A stored user (`GET /_sandbox/users` shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredUser {
    /// The account it belongs to.
    pub integrated_account_id: String,
    /// The `Idempotency-Key` of the request that created it, if any.
    pub idempotency_key: Option<String>,
    /// The full unified user as it is now, `remote_data` included, whatever
    /// format the requests that made it asked for.
    pub user: Value,
}

/// What filters and sorts read, taken once when a version of a user is
/// stored, so that listing never parses stored JSON to decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Summary {
    pub(crate) id: Box<str>,
    /// Lower-case, for case-insensitive matching and sorting.
    pub(crate) name: Option<Box<str>>,
    /// Lower-case addresses.
    pub(crate) emails: Box<[Box<str>]>,
    pub(crate) is_active: Option<bool>,
    pub(crate) created_at: Option<Timestamp>,
    pub(crate) updated_at: Option<Timestamp>,
}

impl Summary {
    pub(crate) fn of(user: &Map<String, Value>) -> Self {
        let text = |field: &str| user.get(field).and_then(Value::as_str);
        let time = |field: &str| text(field).and_then(Timestamp::parse);
        Self {
            id: text("id").unwrap_or_default().into(),
            name: text("name").map(|name| name.to_lowercase().into()),
            emails: user
                .get("emails")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|email| email.get("email")?.as_str())
                .map(|address| address.to_lowercase().into())
                .collect(),
            is_active: user.get("is_active").and_then(Value::as_bool),
            created_at: time("created_at"),
            updated_at: time("updated_at"),
        }
    }
}

pub(crate) struct Record {
    pub(crate) summary: Summary,
    /// The `collections` ids it was created (or seeded) with.
    pub(crate) collections: Box<[Box<str>]>,
    idempotency_key: Option<Box<str>>,
    /// Serialized once per version; usually the very bytes that were answered.
    pub(crate) user: Bytes,
}

/// A user's JSON, in a buffer of exactly its size. Serializing straight
/// into a fresh `Vec` would grow it three or four times per user, and that
/// reallocation was a fifth of the cost of seeding 100 000 users.
pub(crate) fn serialize(user: &Map<String, Value>) -> Bytes {
    thread_local! {
        static SCRATCH: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(4096));
    }
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        scratch.clear();
        // Writing a JSON map of strings into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *scratch, user);
        let bytes = Bytes::copy_from_slice(&scratch);
        // One huge user must not keep its buffer's size for good.
        if scratch.capacity() > 1 << 20 {
            *scratch = Vec::with_capacity(4096);
        }
        bytes
    })
}

impl Record {
    /// `bytes` must be `user` serialized.
    pub(crate) fn new(
        user: &Map<String, Value>,
        bytes: Bytes,
        idempotency_key: Option<&str>,
        collections: &[&str],
    ) -> Self {
        Self {
            summary: Summary::of(user),
            collections: collections.iter().map(|id| (*id).into()).collect(),
            idempotency_key: idempotency_key.map(Into::into),
            user: bytes,
        }
    }

    /// A seeded user whose summary is already known; `summary` must be
    /// what [`Summary::of`] makes of the user `bytes` hold.
    pub(crate) fn seeded(summary: Summary, bytes: Bytes, collections: &[&str]) -> Self {
        Self {
            summary,
            collections: collections.iter().map(|id| (*id).into()).collect(),
            idempotency_key: None,
            user: bytes,
        }
    }
}

/// FNV-1a: ids are short, and hashing them with SipHash was a noticeable
/// part of seeding 100 000 users. Nothing here needs resistance to
/// crafted collisions: the sandbox serves loopback test clients.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for byte in bytes {
            hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// One account's users.
#[derive(Default)]
pub(crate) struct AccountUsers {
    by_sequence: BTreeMap<u64, Record>,
    by_id: HashMap<Box<str>, u64, BuildHasherDefault<IdHasher>>,
}

impl AccountUsers {
    /// In creation order, starting after `sequence` (from the start with `None`).
    pub(crate) fn after(&self, sequence: Option<u64>) -> impl Iterator<Item = (u64, &Record)> {
        let start = sequence.map_or(Bound::Unbounded, Bound::Excluded);
        self.by_sequence
            .range((start, Bound::Unbounded))
            .map(|(sequence, record)| (*sequence, record))
    }
}

/// An id that is already taken in the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DuplicateId(pub(crate) String);

#[derive(Default)]
pub(crate) struct UserStore {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    next_sequence: u64,
    accounts: HashMap<Box<str>, AccountUsers>,
}

impl UserStore {
    pub(crate) fn insert(&self, account: &str, record: Record) -> Result<(), DuplicateId> {
        self.insert_all(account, vec![record])
    }

    /// All or nothing: one taken id (in the account, or twice in `records`)
    /// stores none of them.
    pub(crate) fn insert_all(
        &self,
        account: &str,
        records: Vec<Record>,
    ) -> Result<(), DuplicateId> {
        let mut inner = lock(&self.inner);
        let Inner {
            next_sequence,
            accounts,
        } = &mut *inner;
        let users = match accounts.get_mut(account) {
            Some(users) => users,
            None => accounts.entry(account.into()).or_default(),
        };
        let first = *next_sequence;
        users.by_id.reserve(records.len());
        for record in records {
            match users.by_id.entry(record.summary.id.clone()) {
                Entry::Vacant(slot) => {
                    slot.insert(*next_sequence);
                    users.by_sequence.insert(*next_sequence, record);
                    *next_sequence += 1;
                }
                Entry::Occupied(taken) => {
                    let taken = taken.key().to_string();
                    // Undo this batch: the sequence numbers it took are its own.
                    for (_, record) in users.by_sequence.split_off(&first) {
                        users.by_id.remove(&record.summary.id);
                    }
                    return Err(DuplicateId(taken));
                }
            }
        }
        Ok(())
    }

    /// The stored bytes of one user.
    pub(crate) fn get(&self, account: &str, id: &str) -> Option<Bytes> {
        let inner = lock(&self.inner);
        let users = inner.accounts.get(account)?;
        let sequence = users.by_id.get(id)?;
        Some(users.by_sequence.get(sequence)?.user.clone())
    }

    /// Replaces one user with `change(its stored bytes)`, atomically, and
    /// returns the new bytes; `None` when there is no such user. The id
    /// never changes.
    pub(crate) fn replace(
        &self,
        account: &str,
        id: &str,
        change: impl FnOnce(&[u8]) -> Map<String, Value>,
    ) -> Option<Bytes> {
        let mut inner = lock(&self.inner);
        let users = inner.accounts.get_mut(account)?;
        let sequence = *users.by_id.get(id)?;
        let record = users.by_sequence.get_mut(&sequence)?;
        let mut user = change(&record.user);
        user.insert("id".into(), Value::String(id.to_owned()));
        let bytes = serialize(&user);
        record.summary = Summary::of(&user);
        record.user = bytes.clone();
        Some(bytes)
    }

    /// Whether there was such a user.
    pub(crate) fn remove(&self, account: &str, id: &str) -> bool {
        let mut inner = lock(&self.inner);
        let Some(users) = inner.accounts.get_mut(account) else {
            return false;
        };
        match users.by_id.remove(id) {
            Some(sequence) => users.by_sequence.remove(&sequence).is_some(),
            None => false,
        }
    }

    /// Runs `read` on the account's users (none, for an account never
    /// written to) under the store's lock: keep it short.
    pub(crate) fn read_account<T>(
        &self,
        account: &str,
        read: impl FnOnce(&AccountUsers) -> T,
    ) -> T {
        let inner = lock(&self.inner);
        match inner.accounts.get(account) {
            Some(users) => read(users),
            None => read(&AccountUsers::default()),
        }
    }

    pub(crate) fn list(&self, account: Option<&str>) -> Vec<StoredUser> {
        self.matching(account)
            .into_iter()
            .map(|(account, key, user)| StoredUser {
                integrated_account_id: account.into(),
                idempotency_key: key.map(Into::into),
                user: serde_json::from_slice(&user).unwrap_or(Value::Null),
            })
            .collect()
    }

    /// The `GET /_sandbox/users` body, spliced from the stored bytes rather
    /// than parsed and re-serialized.
    pub(crate) fn list_json(&self, account: Option<&str>) -> Vec<u8> {
        let records = self.matching(account);
        let mut out = Vec::with_capacity(2 + records.iter().map(|r| r.2.len() + 96).sum::<usize>());
        out.push(b'[');
        for (i, (account, key, user)) in records.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"integrated_account_id\":");
            write_json_string(&mut out, account);
            out.extend_from_slice(b",\"idempotency_key\":");
            match key {
                Some(key) => write_json_string(&mut out, key),
                None => out.extend_from_slice(b"null"),
            }
            out.extend_from_slice(b",\"user\":");
            out.extend_from_slice(user);
            out.push(b'}');
        }
        out.push(b']');
        out
    }

    pub(crate) fn clear(&self) {
        lock(&self.inner).accounts.clear();
    }

    /// Every user of one account or all, oldest first.
    fn matching(&self, account: Option<&str>) -> Vec<Listed> {
        let inner = lock(&self.inner);
        let mut found: Vec<(u64, Listed)> = inner
            .accounts
            .iter()
            .filter(|(name, _)| account.is_none_or(|account| &***name == account))
            .flat_map(|(name, users)| {
                users.by_sequence.iter().map(|(sequence, record)| {
                    let listed = (
                        name.clone(),
                        record.idempotency_key.clone(),
                        record.user.clone(),
                    );
                    (*sequence, listed)
                })
            })
            .collect();
        drop(inner);
        found.sort_unstable_by_key(|(sequence, _)| *sequence);
        found.into_iter().map(|(_, listed)| listed).collect()
    }
}

/// `(account, idempotency key, user bytes)`, as `GET /_sandbox/users` shows a user.
type Listed = (Box<str>, Option<Box<str>>, Bytes);

fn write_json_string(out: &mut Vec<u8>, text: &str) {
    // Serializing a &str into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(id: &str, name: &str) -> Record {
        let Value::Object(user) = json!({
            "id": id,
            "name": name,
            "emails": [{"email": format!("{id}@Example.com")}],
            "is_active": true,
            "created_at": "2026-01-01T00:00:00.000Z",
        }) else {
            unreachable!()
        };
        let bytes = Bytes::from(serde_json::to_vec(&user).unwrap());
        Record::new(&user, bytes, None, &["7"])
    }

    fn ids(store: &UserStore, account: &str, after: Option<u64>) -> Vec<String> {
        store.read_account(account, |users| {
            users
                .after(after)
                .map(|(_, record)| record.summary.id.to_string())
                .collect()
        })
    }

    #[test]
    fn keeps_creation_order_through_updates_and_deletes() {
        let store = UserStore::default();
        for id in ["a", "b", "c"] {
            store.insert("acct", record(id, "Ada")).unwrap();
        }
        store.insert("other", record("a", "Ada")).unwrap();
        assert_eq!(
            store.insert("acct", record("b", "Again")),
            Err(DuplicateId("b".into()))
        );
        assert!(store.remove("acct", "b"));
        assert!(!store.remove("acct", "b"));
        let updated = store.replace("acct", "a", |bytes| {
            let mut user: Map<String, Value> = serde_json::from_slice(bytes).unwrap();
            user.insert("name".into(), json!("Grace"));
            user
        });
        assert!(updated.is_some());
        assert!(store.replace("acct", "zz", |_| Map::new()).is_none());
        assert_eq!(ids(&store, "acct", None), ["a", "c"]);
        assert_eq!(ids(&store, "acct", Some(0)), ["c"]);
        assert!(ids(&store, "nobody", None).is_empty());
        let all = store.list(None);
        let order: Vec<(&str, &str)> = all
            .iter()
            .map(|stored| {
                (
                    stored.integrated_account_id.as_str(),
                    stored.user["name"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            order,
            [("acct", "Grace"), ("acct", "Ada"), ("other", "Ada")]
        );
        store.read_account("acct", |users| {
            let (_, first) = users.after(None).next().unwrap();
            assert_eq!(first.summary.name.as_deref(), Some("grace"));
            assert_eq!(&*first.summary.emails, [Box::from("a@example.com")]);
            assert_eq!(&*first.collections, [Box::from("7")]);
        });
    }

    #[test]
    fn a_batch_with_a_taken_id_stores_nothing() {
        let store = UserStore::default();
        let batch = vec![record("x", "X"), record("y", "Y"), record("x", "X2")];
        assert_eq!(
            store.insert_all("acct", batch),
            Err(DuplicateId("x".into()))
        );
        assert!(store.list(None).is_empty());
    }
}
