//! The users the sandbox created, in creation order.

use std::sync::Mutex;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::state::lock;

/// A created user (`GET /_sandbox/users` shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredUser {
    /// The account it was created in.
    pub integrated_account_id: String,
    /// The `Idempotency-Key` of the request that created it, if any.
    pub idempotency_key: Option<String>,
    /// The full unified user, `remote_data` included, whatever format the
    /// creating request asked for.
    pub user: Value,
}

struct Record {
    account: Box<str>,
    idempotency_key: Option<Box<str>>,
    /// Serialized once at creation; usually the very bytes that were answered.
    user: Bytes,
}

#[derive(Default)]
pub(crate) struct UserStore {
    records: Mutex<Vec<Record>>,
}

impl UserStore {
    pub(crate) fn insert(&self, account: &str, idempotency_key: Option<&str>, user: Bytes) {
        let record = Record {
            account: account.into(),
            idempotency_key: idempotency_key.map(Into::into),
            user,
        };
        lock(&self.records).push(record);
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
        lock(&self.records).clear();
    }

    fn matching(&self, account: Option<&str>) -> Vec<(Box<str>, Option<Box<str>>, Bytes)> {
        lock(&self.records)
            .iter()
            .filter(|record| account.is_none_or(|account| &*record.account == account))
            .map(|record| {
                (
                    record.account.clone(),
                    record.idempotency_key.clone(),
                    record.user.clone(),
                )
            })
            .collect()
    }
}

fn write_json_string(out: &mut Vec<u8>, text: &str) {
    // Serializing a &str into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}
