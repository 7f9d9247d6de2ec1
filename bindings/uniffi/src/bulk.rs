//! `createUsers`: the core's bulk import, fed and iterated from Kotlin (a `Flow`, in
//! `CreateUsers.kt`) and Swift (an `AsyncSequence`, in `CreateUsers.swift`).

use std::sync::{Mutex, PoisonError};

use tokio::sync::mpsc;
use tokio::task::AbortHandle;
use truto_ticketing::bulk as core;
use truto_ticketing::{self as sdk};

use crate::error::TrutoError;
use crate::interval::Interval;
use crate::models::{CreateUserOptions, NewUser, User, non_negative, signed};

/// One row of an import: the caller's id for it and the user to create.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BulkRow {
    /// The caller's id for the row, unique within the import.
    pub id: String,
    /// The user to create.
    pub user: NewUser,
}

/// How an import runs; every setting has a default.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CreateUsersOptions {
    /// Calls in flight at once; Truto's rate limits, learned from its answers, pace them.
    #[uniffi(default = 8)]
    pub concurrency: i32,
    /// At most this many requests per second, besides Truto's limits.
    #[uniffi(default)]
    pub rate_per_second: Option<f64>,
    /// The options of every row's call (its idempotency key is the row's own).
    #[uniffi(default)]
    pub call: Option<CreateUserOptions>,
}

impl Default for CreateUsersOptions {
    fn default() -> Self {
        CreateUsersOptions {
            concurrency: 8,
            rate_per_second: None,
            call: None,
        }
    }
}

/// An import's figures so far.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BulkProgress {
    /// Rows finished (created or failed).
    pub rows: i64,
    /// Rows whose user this run created.
    pub created: i64,
    /// Rows whose user an earlier request with the same key had created.
    pub replayed: i64,
    /// Rows that failed.
    pub failed: i64,
    /// Requests sent.
    pub requests: i64,
    /// Requests answered 429.
    pub rate_limited_responses: i64,
    /// Time since the import started.
    pub elapsed: Interval,
}

/// One row's outcome: `user` when it was created, `error` when it failed.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RowOutcome {
    /// The row's id, as given.
    pub row_id: String,
    /// The created user, when the row succeeded.
    pub user: Option<User>,
    /// Why the row failed, when it did.
    pub error: Option<TrutoError>,
    /// Truto answered with the user an earlier run created (same key).
    pub replayed: bool,
    /// The `Idempotency-Key` the row was sent with.
    pub idempotency_key: String,
    /// Requests made for the row (0 when it was refused before sending).
    pub requests: i32,
    /// How many of those were answered 429.
    pub rate_limited_responses: i32,
    /// The import's figures with this row counted.
    pub progress: BulkProgress,
}

/// A figure the core counts in `u64`, for a caller with signed integers only.
fn count(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

impl From<core::RowOutcome> for RowOutcome {
    fn from(outcome: core::RowOutcome) -> RowOutcome {
        let (user, error) = match outcome.result {
            Ok(user) => (Some(user.into()), None),
            Err(error) => (None, Some(error.into())),
        };
        let progress = outcome.progress;
        RowOutcome {
            row_id: outcome.row_id,
            user,
            error,
            replayed: outcome.replayed,
            idempotency_key: outcome.idempotency_key,
            requests: signed(outcome.requests),
            rate_limited_responses: signed(outcome.rate_limited_responses),
            progress: BulkProgress {
                rows: count(progress.rows),
                created: count(progress.created),
                replayed: count(progress.replayed),
                failed: count(progress.failed),
                requests: count(progress.requests),
                rate_limited_responses: count(progress.rate_limited_responses),
                elapsed: Interval(progress.elapsed_s),
            },
        }
    }
}

/// An import in progress: `send` rows (waiting while it has no room), `finish` when there
/// are no more, and `next` each outcome until `null`.
#[derive(Debug, uniffi::Object)]
pub struct BulkImport {
    sender: Mutex<Option<mpsc::Sender<core::BulkRow>>>,
    outcomes: tokio::sync::Mutex<mpsc::Receiver<core::RowOutcome>>,
    driver: AbortHandle,
}

impl BulkImport {
    pub(crate) fn start(
        client: &sdk::Client,
        account: String,
        options: CreateUsersOptions,
    ) -> Result<BulkImport, TrutoError> {
        let mut core_options = core::CreateUsersOptions::default();
        core_options.concurrency = non_negative("concurrency", options.concurrency)? as usize;
        core_options.rate_per_second = options.rate_per_second;
        if let Some(call) = options.call {
            core_options.call = call.into_core()?;
        }
        let import = client.create_users_from_channel(
            account,
            core_options,
            &tokio::runtime::Handle::current(),
        )?;
        Ok(BulkImport {
            sender: Mutex::new(Some(import.rows)),
            outcomes: tokio::sync::Mutex::new(import.outcomes),
            driver: import.driver,
        })
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl BulkImport {
    /// Hands over a row, waiting while the import has no room. A row whose user the core
    /// refuses ends as that error (from `next`), not here. Fails with `InvalidInput` once
    /// the import was finished or cancelled.
    pub async fn send(&self, row: BulkRow) -> Result<(), TrutoError> {
        let sender = self
            .sender
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let closed = || {
            TrutoError::from(sdk::Error::invalid_input(
                "rows",
                "the import was finished or cancelled",
            ))
        };
        let sender = sender.ok_or_else(closed)?;
        let core_row = core::BulkRow::new(row.id, row.user.into_core());
        sender.send(core_row).await.map_err(|_| closed())
    }

    /// There are no more rows: the import ends when the last is done.
    pub fn finish(&self) {
        self.sender
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }

    /// The next row's outcome, as calls finish; `null` when every row is done.
    pub async fn next(&self) -> Option<RowOutcome> {
        self.outcomes.lock().await.recv().await.map(Into::into)
    }

    /// Stops the import: no more rows are taken and calls in flight are dropped.
    pub fn cancel(&self) {
        self.finish();
        self.driver.abort();
    }
}

impl Drop for BulkImport {
    fn drop(&mut self) {
        self.driver.abort();
    }
}
