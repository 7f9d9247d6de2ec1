//! `create_users`: many users into one integrated account, at Truto's pace, safe to run
//! again.
//!
//! - **Paced.** Every request waits for room in its account's rate-limit window and the
//!   API token's, learned from Truto's `ratelimit-*` headers and `Retry-After`, and
//!   shared by every call of the client (see `pacing.rs`): a long import meets a few
//!   429s at most, instead of one per request beyond the limit.
//! - **Safe to run again.** Each row's `Idempotency-Key` is derived from the account and
//!   the row's id ([`default_idempotency_key`]), so a rerun after a crash replays the
//!   users already created instead of creating them twice. [`Journal`] records finished
//!   rows so a rerun can skip them.
//! - **One result per row**, in the order calls finish, never stopping at a failure: the
//!   created [`User`], or the typed [`Error`], with the row's id.
//! - **Streaming.** Rows are pulled from the caller's stream as calls free up, so an
//!   import of any size runs in flat memory.

mod channel;
mod journal;

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures_util::{Stream, StreamExt};
use serde::Serialize;

pub use channel::ChannelImport;
pub use journal::{Journal, JournalEntry};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::models::{NewUser, User};
use crate::transport::Attempts;
use crate::users::{CreateUserOptions, ResponseFormat};

/// One row of an import: the caller's id for it (a line number, a CSV `id` column) and
/// the user to create.
#[derive(Debug, Clone)]
pub struct BulkRow {
    /// The caller's id for the row, unique within the import.
    pub id: String,
    /// The user to create, or why the row could not be read as one: such a row ends as
    /// that error, with no request sent.
    pub user: Result<NewUser>,
}

impl BulkRow {
    /// A row.
    pub fn new(id: impl Into<String>, user: NewUser) -> BulkRow {
        BulkRow {
            id: id.into(),
            user: Ok(user),
        }
    }

    /// A row that could not be read as a user (a CSV line with a bad field, say).
    pub fn unreadable(id: impl Into<String>, error: Error) -> BulkRow {
        BulkRow {
            id: id.into(),
            user: Err(error),
        }
    }
}

/// The idempotency key of a row: a function of the account and the row's id.
pub type KeyFn = Arc<dyn Fn(&str, &str) -> String + Send + Sync>;
/// Called after each row with the import's figures so far.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// How an import runs. Start from `Default` and set what you need.
#[derive(Clone)]
#[non_exhaustive]
pub struct CreateUsersOptions {
    /// Calls in flight at once (default 8). Pacing, not this, keeps an import under
    /// Truto's rate limits.
    pub concurrency: usize,
    /// A fixed ceiling on requests per second, on top of the learned rate limits.
    pub rate_per_second: Option<f64>,
    /// Each row's `Idempotency-Key` (default [`default_idempotency_key`]).
    pub idempotency_key: KeyFn,
    /// Called after each row with the figures so far.
    pub on_progress: Option<ProgressFn>,
    /// The options of every call (collections, timeouts, retries, ...). Its
    /// `idempotency_key` is ignored: each row has its own.
    pub call: CreateUserOptions,
}

impl Default for CreateUsersOptions {
    fn default() -> CreateUsersOptions {
        CreateUsersOptions {
            concurrency: 8,
            rate_per_second: None,
            idempotency_key: Arc::new(default_idempotency_key),
            on_progress: None,
            call: CreateUserOptions::default(),
        }
    }
}

impl fmt::Debug for CreateUsersOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateUsersOptions")
            .field("concurrency", &self.concurrency)
            .field("rate_per_second", &self.rate_per_second)
            .field("on_progress", &self.on_progress.is_some())
            .field("call", &self.call)
            .finish_non_exhaustive()
    }
}

/// The default idempotency key of a row: a UUID (version 5) of the account and the row's
/// id, the same in every run, so a rerun replays instead of creating again.
///
/// ```
/// use truto_ticketing::bulk::default_idempotency_key;
/// let key = default_idempotency_key("acct-1", "row-7");
/// assert_eq!(key, default_idempotency_key("acct-1", "row-7"));
/// assert_ne!(key, default_idempotency_key("acct-2", "row-7"));
/// ```
pub fn default_idempotency_key(account: &str, row_id: &str) -> String {
    // The account's length first, so that no two (account, row) pairs share a name.
    let name = format!("{}:{account}:{row_id}", account.len());
    let namespace = uuid::Uuid::from_u128(0x7c1d_2c1b_9a64_4a2f_8f5e_6b1e_0d1c_7a01);
    format!(
        "truto-bulk-{}",
        uuid::Uuid::new_v5(&namespace, name.as_bytes())
    )
}

/// The outcome of one row.
#[derive(Debug)]
#[non_exhaustive]
pub struct RowOutcome {
    /// The row's id, as given.
    pub row_id: String,
    /// The created user, or why the row failed (its kind, status, message, ...).
    pub result: Result<User>,
    /// True when Truto answered with the user an earlier request with the same key had
    /// created (a rerun's replay).
    pub replayed: bool,
    /// The `Idempotency-Key` the row was sent with.
    pub idempotency_key: String,
    /// Requests made for the row (0 when it was refused before sending).
    pub requests: u32,
    /// How many of those were answered 429.
    pub rate_limited_responses: u32,
    /// The import's figures with this row counted.
    pub progress: Progress,
}

/// An import's figures so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Progress {
    /// Rows finished (created or failed).
    pub rows: u64,
    /// Rows whose user was created by this run.
    pub created: u64,
    /// Rows whose user an earlier request with the same key had created.
    pub replayed: u64,
    /// Rows that failed.
    pub failed: u64,
    /// Failures by error kind (`invalid_input`, `server`, ...).
    pub failed_by_kind: BTreeMap<String, u64>,
    /// Requests sent.
    pub requests: u64,
    /// Requests answered 429.
    pub rate_limited_responses: u64,
    /// Seconds since the import started.
    pub elapsed_s: f64,
}

/// The running figures of an import, shared with its calls.
struct Figures {
    started: Instant,
    progress: Mutex<Progress>,
}

/// Paces a stream of requests to at most a fixed rate.
struct FixedRate {
    interval: Duration,
    next: tokio::sync::Mutex<tokio::time::Instant>,
}

impl FixedRate {
    fn new(per_second: f64) -> Result<FixedRate> {
        if !(per_second.is_finite() && per_second > 0.0) {
            return Err(Error::invalid_input(
                "rate_per_second",
                "must be a positive number",
            ));
        }
        Ok(FixedRate {
            interval: Duration::from_secs_f64(1.0 / per_second),
            next: tokio::sync::Mutex::new(tokio::time::Instant::now()),
        })
    }

    async fn wait(&self) {
        let mut next = self.next.lock().await;
        let now = tokio::time::Instant::now();
        let at = (*next).max(now);
        *next = at + self.interval;
        drop(next);
        tokio::time::sleep_until(at).await;
    }
}

/// The stream of an import's outcomes.
pub type RowOutcomes = Pin<Box<dyn Stream<Item = RowOutcome> + Send>>;

impl Client {
    /// Creates a user for each row, into one integrated account, and yields one
    /// [`RowOutcome`] per row as calls finish (see [the module](crate::bulk)).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let sandbox = truto_sandbox::Sandbox::start(Default::default()).await?;
    /// use futures_util::StreamExt;
    /// use truto_ticketing::bulk::{BulkRow, CreateUsersOptions};
    /// use truto_ticketing::{Client, Email, NewUser};
    ///
    /// let client = Client::builder().token(sandbox.token()).base_url(sandbox.url()).build()?;
    /// let rows = (1..=3).map(|n| {
    ///     let user = NewUser::new()
    ///         .name(format!("User {n}"))
    ///         .email(Email::primary(format!("user{n}@example.com")));
    ///     BulkRow::new(n.to_string(), user)
    /// });
    /// let mut outcomes =
    ///     client.create_users("sandbox-dixa", futures_util::stream::iter(rows), CreateUsersOptions::default())?;
    /// while let Some(outcome) = outcomes.next().await {
    ///     println!("row {}: {:?}", outcome.row_id, outcome.result.map(|user| user.id));
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// Fails at once, before reading a row, when the options are refused (`concurrency`
    /// 0, a bad `rate_per_second`, an empty account id).
    pub fn create_users<S>(
        &self,
        integrated_account_id: impl Into<String>,
        rows: S,
        options: CreateUsersOptions,
    ) -> Result<RowOutcomes>
    where
        S: Stream<Item = BulkRow> + Send + 'static,
    {
        let account: Arc<str> = integrated_account_id.into().into();
        crate::models::check_text("integrated_account_id", &account)?;
        if options.concurrency == 0 {
            return Err(Error::invalid_input("concurrency", "must be at least 1"));
        }
        let fixed_rate = options
            .rate_per_second
            .map(FixedRate::new)
            .transpose()?
            .map(Arc::new);
        let figures = Arc::new(Figures {
            started: Instant::now(),
            progress: Mutex::new(Progress::default()),
        });
        let client = self.clone();
        let concurrency = options.concurrency;
        let options = Arc::new(options);
        let outcomes = rows
            .map(move |row| {
                let call = create_row(
                    client.clone(),
                    Arc::clone(&account),
                    row,
                    Arc::clone(&options),
                    fixed_rate.clone(),
                );
                let figures = Arc::clone(&figures);
                let options = Arc::clone(&options);
                async move {
                    let mut outcome = call.await;
                    outcome.progress = figures.record(&outcome);
                    if let Some(on_progress) = &options.on_progress {
                        on_progress(&outcome.progress);
                    }
                    outcome
                }
            })
            .buffer_unordered(concurrency);
        Ok(Box::pin(outcomes))
    }
}

fn create_row(
    client: Client,
    account: Arc<str>,
    row: BulkRow,
    options: Arc<CreateUsersOptions>,
    fixed_rate: Option<Arc<FixedRate>>,
) -> impl Future<Output = RowOutcome> + Send {
    let key = (options.idempotency_key)(&account, &row.id);
    async move {
        let attempts = Arc::new(Attempts::default());
        let mut call_options = options.call.clone();
        call_options.idempotency_key = Some(key.clone());
        let prepared = row.user.and_then(|user| {
            client
                .create_user(&account, &user)
                .options(call_options)
                .prepare(ResponseFormat::Unified)
        });
        let result = match prepared {
            Err(error) => Err(error),
            Ok(mut call) => {
                call.attempts = Some(Arc::clone(&attempts));
                if let Some(rate) = &fixed_rate {
                    rate.wait().await;
                }
                client.inner.execute_json_with_meta::<User>(&call).await
            }
        };
        let (result, replayed) = match result {
            Ok((user, meta)) => (Ok(user), meta.replayed),
            Err(error) => (Err(error), false),
        };
        RowOutcome {
            row_id: row.id,
            result,
            replayed,
            idempotency_key: key,
            requests: attempts.requests.load(Ordering::Relaxed) as u32,
            rate_limited_responses: attempts.rate_limited.load(Ordering::Relaxed) as u32,
            progress: Progress::default(),
        }
    }
}

impl Figures {
    fn record(&self, outcome: &RowOutcome) -> Progress {
        let mut progress = self.progress.lock().unwrap_or_else(PoisonError::into_inner);
        progress.rows += 1;
        match &outcome.result {
            Ok(_) if outcome.replayed => progress.replayed += 1,
            Ok(_) => progress.created += 1,
            Err(error) => {
                progress.failed += 1;
                *progress
                    .failed_by_kind
                    .entry(error.kind().as_str().to_owned())
                    .or_default() += 1;
            }
        }
        progress.requests += u64::from(outcome.requests);
        progress.rate_limited_responses += u64::from(outcome.rate_limited_responses);
        progress.elapsed_s = self.started.elapsed().as_secs_f64();
        progress.clone()
    }
}
