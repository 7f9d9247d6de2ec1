//! `createUsers`: the core's bulk import, fed and iterated from Kotlin (a `Flow`, in
//! `CreateUsers.kt`) and Swift (an `AsyncSequence`, in `CreateUsers.swift`).

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::AbortHandle;
use truto_ticketing::bulk as core;
use truto_ticketing::{self as sdk};

use crate::error::TrutoError;
use crate::models::{CreateUserOptions, NewUser, User};

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
    pub concurrency: u32,
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
    pub rows: u64,
    pub created: u64,
    pub replayed: u64,
    pub failed: u64,
    pub requests: u64,
    pub rate_limited_responses: u64,
    pub elapsed: Duration,
}

/// One row's outcome: `user` when it was created, `error` when it failed.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RowOutcome {
    pub row_id: String,
    pub user: Option<User>,
    pub error: Option<TrutoError>,
    /// Truto answered with the user an earlier run created (same key).
    pub replayed: bool,
    pub idempotency_key: String,
    pub requests: u32,
    pub rate_limited_responses: u32,
    pub progress: BulkProgress,
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
            requests: outcome.requests,
            rate_limited_responses: outcome.rate_limited_responses,
            progress: BulkProgress {
                rows: progress.rows,
                created: progress.created,
                replayed: progress.replayed,
                failed: progress.failed,
                requests: progress.requests,
                rate_limited_responses: progress.rate_limited_responses,
                elapsed: Duration::from_secs_f64(progress.elapsed_s),
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
        core_options.concurrency = options.concurrency as usize;
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
        let core_row = match row.user.into_core() {
            Ok(user) => core::BulkRow::new(row.id, user),
            Err(error) => core::BulkRow::unreadable(row.id, error),
        };
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
