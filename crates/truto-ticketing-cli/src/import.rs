//! `truto-ticketing users import FILE`: every row of a file into one integrated account,
//! through the core's `create_users` (paced, one idempotency key per row), with a journal
//! that makes a rerun skip the rows already done.
//!
//! Next to FILE: `FILE.journal` (each finished row, kept across runs) and
//! `FILE.failed.jsonl` (this run's failed rows: the row id, the row, the error). On
//! stdout, at the end, one JSON summary. With `--skip-existing`, the account is listed
//! first and rows whose primary email it already has are not sent. Ctrl-C stops reading rows and lets the calls in
//! flight finish (a second Ctrl-C quits at once); a rerun carries on.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use clap::Args;
use futures_util::StreamExt;
use serde_json::{Value, json};
use truto_ticketing::bulk::{BulkRow, CreateUsersOptions, Journal, JournalEntry, Progress};

use crate::connection::Connection;
use crate::progress::{Counter, Reporter};
use crate::rows::{ReadRow, RowReader, primary_email};
use crate::{ConnectionArgs, SOME_FAILED, SUCCESS, USAGE};

#[derive(Args)]
pub(crate) struct ImportArgs {
    /// A `.csv` (a header of field names; `email` for a primary email; `team_ids`,
    /// `roles` and `languages` separated by `;`; `id` for the row's id, else the line
    /// number) or a `.jsonl` file (one user object per line).
    file: PathBuf,
    /// The integrated account the users are created in.
    #[arg(long, value_name = "ID")]
    account: String,
    /// Calls in flight at once; the rate limits Truto reports pace them.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..))]
    concurrency: u16,
    /// At most this many requests per second, besides Truto's limits.
    #[arg(long, value_name = "PER_SECOND")]
    rate: Option<f64>,
    /// Retries of a row's call after a retryable failure (default 4).
    #[arg(long, default_value_t = 4)]
    max_retries: u32,
    /// The journal of finished rows [default: FILE.journal].
    #[arg(long, value_name = "PATH")]
    journal: Option<PathBuf>,
    /// Check every row and report each bad one; send nothing.
    #[arg(long)]
    dry_run: bool,
    /// List the account once first, and skip the rows whose primary email one of its users
    /// already has (compared without case).
    #[arg(long)]
    skip_existing: bool,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// The row of each call in flight, for the failures file.
type InFlight = Arc<Mutex<HashMap<String, (u64, Value)>>>;

pub(crate) async fn run(args: ImportArgs) -> u8 {
    if args.dry_run {
        return dry_run(&args.file);
    }
    match import(args).await {
        Ok(status) => status,
        Err(message) => {
            eprintln!("truto-ticketing: {message}");
            USAGE
        }
    }
}

async fn import(args: ImportArgs) -> Result<u8, String> {
    let journal_path = args
        .journal
        .clone()
        .unwrap_or_else(|| sibling(&args.file, "journal"));
    let (mut journal, done) = Journal::open(&journal_path).map_err(|error| error.to_string())?;
    let failures_path = sibling(&args.file, "failed.jsonl");
    // This run's failures replace the last run's; the file is made at the first one.
    match std::fs::remove_file(&failures_path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            return Err(format!("{}: {error}", failures_path.display()));
        }
        _ => {}
    }
    let mut failures: Option<BufWriter<File>> = None;
    let file = args.file.clone();
    let total = tokio::task::spawn_blocking(move || RowReader::count(&file))
        .await
        .map_err(|error| error.to_string())??;
    let reader = RowReader::open(&args.file)?;
    let connection = Connection::open(&args.connection, Some(args.max_retries)).await?;
    let existing = if args.skip_existing {
        existing_emails(&connection, &args.account).await?
    } else {
        HashSet::new()
    };

    let skipped_rows = done.len() as u64;
    let stop = Arc::new(AtomicBool::new(false));
    let in_flight: InFlight = Arc::default();
    let skipped_existing = Arc::new(AtomicU64::new(0));
    let rows = feed(
        reader,
        Skips {
            done,
            existing,
            skipped_existing: Arc::clone(&skipped_existing),
        },
        Arc::clone(&stop),
        Arc::clone(&in_flight),
        args.concurrency,
    );
    let mut options = CreateUsersOptions::default();
    options.concurrency = usize::from(args.concurrency);
    options.rate_per_second = args.rate;
    let mut outcomes = connection
        .client
        .create_users(args.account.clone(), rows, options)
        .map_err(|error| error.to_string())?;

    let mut reporter = Reporter::new(total, skipped_rows.min(total));
    let mut progress = Progress::default();
    let mut interrupted = false;
    loop {
        let outcome = tokio::select! {
            outcome = outcomes.next() => outcome,
            _ = tokio::signal::ctrl_c(), if !interrupted => {
                interrupted = true;
                stop.store(true, Ordering::SeqCst);
                eprintln!("\ntruto-ticketing: interrupted: finishing the calls in flight (Ctrl-C again to quit now)");
                continue;
            }
            _ = tokio::signal::ctrl_c(), if interrupted => break,
        };
        let Some(outcome) = outcome else {
            break;
        };
        let row = in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&outcome.row_id);
        let entry = match &outcome.result {
            Ok(user) => JournalEntry {
                row: outcome.row_id.clone(),
                outcome: if outcome.replayed {
                    "replayed"
                } else {
                    "created"
                }
                .to_owned(),
                user_id: Some(user.id.clone()),
                error_kind: None,
            },
            Err(error) => {
                let (line, fields) = row.unwrap_or((0, Value::Null));
                let failure = json!({
                    "row": outcome.row_id,
                    "line": line,
                    "user": fields,
                    "error": error.to_json(),
                });
                let file = match &mut failures {
                    Some(file) => file,
                    None => failures
                        .insert(BufWriter::new(File::create(&failures_path).map_err(
                            |error| format!("{}: {error}", failures_path.display()),
                        )?)),
                };
                writeln!(file, "{failure}")
                    .and_then(|()| file.flush())
                    .map_err(|error| format!("{}: {error}", failures_path.display()))?;
                JournalEntry {
                    row: outcome.row_id.clone(),
                    outcome: "failed".to_owned(),
                    user_id: None,
                    error_kind: Some(error.kind().as_str().to_owned()),
                }
            }
        };
        journal.record(&entry).map_err(|error| error.to_string())?;
        progress = outcome.progress;
        reporter.skip_to(skipped_rows + skipped_existing.load(Ordering::SeqCst));
        reporter.update(&progress);
    }
    journal.sync().map_err(|error| error.to_string())?;
    let existing_rows = skipped_existing.load(Ordering::SeqCst);
    reporter.skip_to(skipped_rows + existing_rows);
    reporter.finish(&progress);

    let summary = json!({
        "rows": skipped_rows + existing_rows + progress.rows,
        "created": progress.created,
        "replayed": progress.replayed,
        "skipped": skipped_rows,
        "skipped_existing": existing_rows,
        "failed": progress.failed,
        "failed_by_kind": progress.failed_by_kind,
        "elapsed_s": (progress.elapsed_s * 1000.0).round() / 1000.0,
        "requests": progress.requests,
        "rate_limited_responses": progress.rate_limited_responses,
        "interrupted": interrupted,
    });
    println!("{summary}");
    if progress.failed > 0 {
        eprintln!(
            "truto-ticketing: {} row(s) failed; they are in {} (a rerun tries them again)",
            progress.failed,
            failures_path.display()
        );
    }
    Ok(if progress.failed == 0 && !interrupted {
        SUCCESS
    } else {
        SOME_FAILED
    })
}

/// Every email of the account's users, lower-cased, from one listing (only the emails are
/// kept: a large account fits).
async fn existing_emails(
    connection: &Connection,
    account: &str,
) -> Result<HashSet<String>, String> {
    let mut users = connection.client.list_users(account).limit(100).stream();
    let mut emails = HashSet::new();
    let mut counter = Counter::new("listing the account", "users");
    let mut listed = 0;
    while let Some(user) = users.next().await {
        let user =
            user.map_err(|error| format!("listing {account} for --skip-existing: {error}"))?;
        emails.extend(user.emails.iter().map(|email| email.email.to_lowercase()));
        listed += 1;
        counter.update(listed);
    }
    counter.finish(listed);
    Ok(emails)
}

/// The rows not to send: those the journal has, and (with `--skip-existing`) those whose
/// primary email the account already has, counted in `skipped_existing`.
struct Skips {
    done: HashSet<String>,
    existing: HashSet<String>,
    skipped_existing: Arc<AtomicU64>,
}

/// The rows to import, read on a thread of their own and handed over as the import takes
/// them: only a few are in memory at a time, whatever the file's size. Rows to skip are
/// left out; `stop` ends the reading.
fn feed(
    reader: RowReader,
    skips: Skips,
    stop: Arc<AtomicBool>,
    in_flight: InFlight,
    concurrency: u16,
) -> impl futures_util::Stream<Item = BulkRow> + Send + 'static {
    let (sender, receiver) = tokio::sync::mpsc::channel::<BulkRow>(usize::from(concurrency) * 2);
    tokio::task::spawn_blocking(move || {
        for ReadRow {
            line,
            id,
            fields,
            user,
        } in reader
        {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            if skips.done.contains(&id) {
                continue;
            }
            if !skips.existing.is_empty()
                && primary_email(&fields).is_some_and(|email| skips.existing.contains(&email))
            {
                skips.skipped_existing.fetch_add(1, Ordering::SeqCst);
                continue;
            }
            in_flight
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(id.clone(), (line, fields));
            let row = match user {
                Ok(user) => BulkRow::new(id, user),
                Err(error) => BulkRow::unreadable(id, error),
            };
            if sender.blocking_send(row).is_err() {
                break;
            }
        }
    });
    futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|row| (row, receiver))
    })
}

/// Checks every row, reporting each bad one with its line and field; sends nothing.
fn dry_run(file: &Path) -> u8 {
    let reader = match RowReader::open(file) {
        Ok(reader) => reader,
        Err(message) => {
            eprintln!("truto-ticketing: {message}");
            return USAGE;
        }
    };
    let (mut rows, mut invalid) = (0u64, 0u64);
    for row in reader {
        rows += 1;
        let checked = row.user.and_then(|user| user.validate());
        if let Err(error) = checked {
            invalid += 1;
            eprintln!("row {} (line {}): {error}", row.id, row.line);
        }
    }
    println!(
        "{}",
        json!({"rows": rows, "valid": rows - invalid, "invalid": invalid})
    );
    if invalid == 0 { SUCCESS } else { SOME_FAILED }
}

/// `FILE.suffix`, next to FILE.
fn sibling(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}
