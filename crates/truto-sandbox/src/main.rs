//! `truto-sandbox`: the sandbox as a process, for tests in any language.
//!
//! Its first stdout line is `listening on http://127.0.0.1:PORT` (`https://` with
//! `--tls`, the CA written first to `--ca-out PATH` when given). It exits
//! with status 0 on SIGTERM, on SIGINT, and when a piped stdin is closed, so
//! a test harness can stop it just by closing the pipe (or dying).

use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use tokio::sync::oneshot;
use truto_sandbox::{RateLimits, Sandbox, SandboxConfig};

const USAGE: &str = "\
Usage: truto-sandbox [OPTIONS]

A local server that imitates Truto's Unified Ticketing API (the users resource).
Prints `listening on http://127.0.0.1:PORT` first (https:// with --tls); stops
on SIGTERM, SIGINT, or when its stdin (a pipe) is closed.

Options:
  --port N            port on 127.0.0.1 (default 0: any free port)
  --token T           API token to accept (default sandbox-token)
  --tls               serve HTTPS with a CA and a localhost certificate made at start
  --ca-out PATH       with --tls, write the CA's certificate (PEM) to PATH first
  --latency-ms N      add N ms to every users request, as a provider's round trip would
  --no-rate-limits    never answer 429 unless a fault says so
  --account-limit N   requests per integrated account per window (default 50)
  --token-limit N     requests per API token per window (default 500)
  --window-secs N     rate-limit window in seconds (default 10)
  --help              show this help
";

/// What the command line asks for.
struct Options {
    config: SandboxConfig,
    ca_out: Option<PathBuf>,
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("truto-sandbox: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("truto-sandbox: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(run(options));
    runtime.shutdown_timeout(Duration::from_millis(100));
    code
}

async fn run(options: Options) -> ExitCode {
    let sandbox = match Sandbox::start(options.config).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("truto-sandbox: cannot listen: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let (Some(path), Some(pem)) = (&options.ca_out, sandbox.ca_pem())
        && let Err(error) = std::fs::write(path, pem)
    {
        eprintln!("truto-sandbox: cannot write {}: {error}", path.display());
        return ExitCode::FAILURE;
    }
    // Listen for signals before announcing: a caller that signals as soon as it reads
    // the address must find the handlers installed, not the default (fatal) action.
    let stop = match stop_signals() {
        Ok(stop) => stop,
        Err(error) => {
            eprintln!("truto-sandbox: cannot listen for signals: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = io::stdout().lock();
    let announced =
        writeln!(stdout, "listening on {}", sandbox.url()).and_then(|()| stdout.flush());
    drop(stdout);
    if let Err(error) = announced {
        eprintln!("truto-sandbox: cannot write to stdout: {error}");
        return ExitCode::FAILURE;
    }
    wait_for_stop(stop).await;
    sandbox.stop();
    ExitCode::SUCCESS
}

/// SIGTERM and SIGINT (Ctrl-C), registered at once.
#[cfg(unix)]
struct StopSignals {
    terminate: tokio::signal::unix::Signal,
    interrupt: tokio::signal::unix::Signal,
}

#[cfg(unix)]
fn stop_signals() -> io::Result<StopSignals> {
    use tokio::signal::unix::{SignalKind, signal};
    Ok(StopSignals {
        terminate: signal(SignalKind::terminate())?,
        interrupt: signal(SignalKind::interrupt())?,
    })
}

#[cfg(not(unix))]
struct StopSignals(tokio::signal::windows::CtrlC);

#[cfg(not(unix))]
fn stop_signals() -> io::Result<StopSignals> {
    tokio::signal::windows::ctrl_c().map(StopSignals)
}

async fn wait_for_stop(mut signals: StopSignals) {
    let stdin_closed = stdin_closed();
    #[cfg(unix)]
    tokio::select! {
        _ = signals.terminate.recv() => {}
        _ = signals.interrupt.recv() => {}
        () = stdin_closed => {}
    }
    #[cfg(not(unix))]
    tokio::select! {
        _ = signals.0.recv() => {}
        () = stdin_closed => {}
    }
}

/// Resolves when stdin reaches end of file, if stdin is a pipe, socket or
/// terminal; never otherwise. A background job's stdin is `/dev/null`,
/// which is at end of file from the start and must not stop the server.
async fn stdin_closed() {
    match watch_stdin() {
        Some(closed) => {
            let _ = closed.await;
        }
        None => std::future::pending().await,
    }
}

fn watch_stdin() -> Option<oneshot::Receiver<()>> {
    if !stdin_can_close() {
        return None;
    }
    let (closed, receiver) = oneshot::channel();
    // A plain thread rather than tokio's stdin, whose blocking read would
    // keep the runtime from shutting down.
    let watcher = std::thread::Builder::new()
        .name("stdin-watch".into())
        .spawn(move || {
            let mut stdin = io::stdin().lock();
            let mut buffer = [0u8; 1024];
            loop {
                match stdin.read(&mut buffer) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            let _ = closed.send(());
        });
    match watcher {
        Ok(_) => Some(receiver),
        Err(_) => {
            eprintln!("truto-sandbox: cannot watch stdin; stop with SIGTERM or SIGINT");
            None
        }
    }
}

#[cfg(unix)]
fn stdin_can_close() -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::FileTypeExt;

    let stdin = io::stdin();
    if stdin.is_terminal() {
        return true;
    }
    let Ok(fd) = stdin.as_fd().try_clone_to_owned() else {
        return false;
    };
    std::fs::File::from(fd)
        .metadata()
        .is_ok_and(|meta| meta.file_type().is_fifo() || meta.file_type().is_socket())
}

#[cfg(not(unix))]
fn stdin_can_close() -> bool {
    true
}

/// `Ok(None)` for `--help`.
fn parse_args(args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut config = SandboxConfig::default();
    let mut ca_out = None;
    let mut limits = RateLimits::truto_defaults();
    let mut limited = true;
    let mut args = args;
    while let Some(arg) = args.next() {
        // `--port=8080` as well as `--port 8080`.
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--help" | "-h" => return Ok(None),
            "--port" => config.port = number(&flag, &value()?)?,
            "--token" => config.token = value()?,
            "--no-rate-limits" => limited = false,
            "--tls" => config.tls = true,
            "--ca-out" => ca_out = Some(PathBuf::from(value()?)),
            "--latency-ms" => config.latency = Duration::from_millis(number(&flag, &value()?)?),
            "--account-limit" => limits.per_account = number(&flag, &value()?)?,
            "--token-limit" => limits.per_token = number(&flag, &value()?)?,
            "--window-secs" => {
                let secs: u64 = number(&flag, &value()?)?;
                if secs == 0 {
                    return Err("--window-secs must be at least 1".into());
                }
                limits.window = Duration::from_secs(secs);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    config.rate_limits = limited.then_some(limits);
    if ca_out.is_some() && !config.tls {
        return Err("--ca-out needs --tls".into());
    }
    Ok(Some(Options { config, ca_out }))
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{flag} expects a number, got {text:?}"))
}
