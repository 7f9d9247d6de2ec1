//! `truto-ticketing`: the users resource from the command line: create, list (as JSON Lines
//! or CSV), get, update, delete, and import many at Truto's pace, resumably.
//!
//! A thin face over the `truto-ticketing` core, as the language bindings are: the core
//! validates, paces, retries and derives each row's idempotency key; this crate reads
//! files, keeps the journal, and reports.

mod by_id;
mod connection;
mod create;
mod import;
mod list;
mod progress;
mod rows;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Exit status: every row created (or the user created).
const SUCCESS: u8 = 0;
/// Exit status: some rows failed (or the call did).
const SOME_FAILED: u8 = 1;
/// Exit status: the command line or the input could not be used.
const USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "truto-ticketing",
    version,
    about = "Create users in your customers' helpdesk and project tools through Truto's Unified Ticketing API",
    long_about = "Create users in your customers' helpdesk and project tools through Truto's \
                  Unified Ticketing API.\n\nThe API token is read from TRUTO_API_TOKEN; --sandbox \
                  runs against a local Truto-compatible server instead."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Users: create, list, get, update, delete one, or import many.
    #[command(subcommand)]
    Users(UsersCommand),
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Creates one user and prints it as JSON.
    Create(create::CreateArgs),
    /// Imports users from a CSV or JSON Lines file, paced to Truto's rate limits;
    /// a rerun skips the rows already done and replays the rest with the same keys.
    Import(import::ImportArgs),
    /// Lists every user of an account to stdout, as JSON Lines or as the CSV that
    /// `users import` reads.
    List(list::ListArgs),
    /// Prints one user as JSON.
    Get(by_id::Target),
    /// Changes some fields of one user and prints it as JSON.
    Update(by_id::UpdateArgs),
    /// Deletes one user and prints its id.
    Delete(by_id::Target),
}

/// Where calls go: Truto (TRUTO_API_TOKEN, TRUTO_BASE_URL) or an embedded sandbox.
#[derive(Args, Clone)]
pub(crate) struct ConnectionArgs {
    /// Run against an embedded, Truto-compatible sandbox (no account needed).
    #[arg(long)]
    sandbox: bool,
    /// The API's base URL.
    #[arg(long, env = "TRUTO_BASE_URL", default_value = truto_ticketing::DEFAULT_BASE_URL)]
    base_url: String,
    /// A PEM file of root certificates to trust besides the system's (a corporate TLS
    /// proxy's CA, or a test server's).
    #[arg(long, value_name = "PEM_FILE")]
    ca_cert: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `TRUTO_LOG=debug` prints one line per attempt and retry to stderr, without secrets.
    truto_ticketing::logging::init_from_env();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("truto-ticketing: cannot start: {error}");
            return ExitCode::from(USAGE);
        }
    };
    let status = match cli.command {
        Command::Users(UsersCommand::Create(args)) => runtime.block_on(create::run(args)),
        Command::Users(UsersCommand::Import(args)) => runtime.block_on(import::run(args)),
        Command::Users(UsersCommand::List(args)) => runtime.block_on(list::run(args)),
        Command::Users(UsersCommand::Get(target)) => runtime.block_on(by_id::get(target)),
        Command::Users(UsersCommand::Update(args)) => runtime.block_on(by_id::update(args)),
        Command::Users(UsersCommand::Delete(target)) => runtime.block_on(by_id::delete(target)),
    };
    // Calls still in flight after an interrupt are not waited for.
    runtime.shutdown_background();
    ExitCode::from(status)
}
