//! The running server and its in-process controls.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, TcpListener as StdTcpListener};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

use crate::config::{RateLimits, SandboxConfig};
use crate::faults::Fault;
use crate::log::LoggedRequest;
use crate::seed::{self, Seed, SeedError};
use crate::server::{self, ListenerSlot};
use crate::state::{State, lock};
use crate::store::StoredUser;
use crate::tls::Tls;

/// A Truto-compatible server on `127.0.0.1`, serving until stopped or dropped.
///
/// The in-process methods ([`reset`](Self::reset),
/// [`stored_users`](Self::stored_users), [`requests`](Self::requests),
/// [`push_faults`](Self::push_faults), [`seed`](Self::seed)) do what the `/_sandbox/*` admin
/// endpoints do, without a request. Every method takes `&self`, so a
/// sandbox can be shared (in an `Arc`, or by a language binding).
///
/// ```
/// use truto_sandbox::{Sandbox, SandboxConfig};
///
/// // No async runtime needed: the sandbox brings its own thread.
/// let sandbox = Sandbox::spawn(SandboxConfig::default())?;
/// assert!(sandbox.url().starts_with("http://127.0.0.1:"));
/// assert!(sandbox.stored_users(None).is_empty());
/// sandbox.stop();
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Sandbox {
    url: String,
    token: String,
    port: u16,
    ca_pem: Option<String>,
    state: Arc<State>,
    running: Mutex<Option<Running>>,
}

struct Running {
    listener: Arc<ListenerSlot>,
    shutdown: watch::Sender<bool>,
    /// Only for [`Sandbox::spawn`]: the thread that owns the runtime.
    thread: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Binds `127.0.0.1:port` and serves from a task spawned on the current
    /// tokio runtime.
    ///
    /// # Errors
    ///
    /// When the port cannot be bound (in use, or not permitted).
    ///
    /// # Panics
    ///
    /// When called outside a tokio runtime.
    pub async fn start(config: SandboxConfig) -> io::Result<Self> {
        let listener = TcpListener::from_std(bind(config.port)?)?;
        let (sandbox, listener, tls, shutdown) = Self::new(&config, listener)?;
        tokio::spawn(server::serve(
            listener,
            Arc::clone(&sandbox.state),
            tls,
            shutdown,
        ));
        Ok(sandbox)
    }

    /// Like [`start`](Self::start), but on a dedicated OS thread with its
    /// own single-threaded tokio runtime: for synchronous callers and
    /// language bindings that have no runtime.
    ///
    /// # Errors
    ///
    /// When the port cannot be bound, or the thread or runtime not created.
    pub fn spawn(config: SandboxConfig) -> io::Result<Self> {
        let std_listener = bind(config.port)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let listener = {
            let _context = runtime.enter();
            TcpListener::from_std(std_listener)?
        };
        let (sandbox, listener, tls, shutdown) = Self::new(&config, listener)?;
        let state = Arc::clone(&sandbox.state);
        let thread = std::thread::Builder::new()
            .name(format!("truto-sandbox-{}", sandbox.port))
            .spawn(move || {
                runtime.block_on(server::serve(listener, state, tls, shutdown));
                // Dropping the runtime ends the connections still open.
                drop(runtime);
            })?;
        if let Some(running) = lock(&sandbox.running).as_mut() {
            running.thread = Some(thread);
        }
        Ok(sandbox)
    }

    #[allow(clippy::type_complexity)]
    fn new(
        config: &SandboxConfig,
        listener: TcpListener,
    ) -> io::Result<(
        Self,
        Arc<ListenerSlot>,
        Option<TlsAcceptor>,
        watch::Receiver<bool>,
    )> {
        let port = listener.local_addr()?.port();
        let listener = Arc::new(ListenerSlot::new(listener));
        let (shutdown, shutdown_rx) = watch::channel(false);
        let tls = config.tls.then(Tls::generate).transpose()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let (acceptor, ca_pem) = match tls {
            Some(tls) => (Some(tls.acceptor), Some(tls.ca_pem)),
            None => (None, None),
        };
        let sandbox = Self {
            url: format!("{scheme}://127.0.0.1:{port}"),
            token: config.token.clone(),
            port,
            ca_pem,
            state: Arc::new(State::new(config)),
            running: Mutex::new(Some(Running {
                listener: Arc::clone(&listener),
                shutdown,
                thread: None,
            })),
        };
        Ok((sandbox, listener, acceptor, shutdown_rx))
    }

    /// `http://127.0.0.1:PORT` (`https://` with [`SandboxConfig::tls`]), without a
    /// trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// With [`SandboxConfig::tls`], the PEM of the certificate authority that signed the
    /// sandbox's certificate: what a client must trust to reach it.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// TCP connections accepted since the start or the last reset
    /// (`GET /_sandbox/stats`).
    pub fn connections_accepted(&self) -> u64 {
        self.state.stats.connections()
    }

    /// The API token requests must present as `Authorization: Bearer <token>`.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The port it listens on (the one picked, when configured with 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops serving: the port is free when this returns, and open
    /// connections are closed. Idempotent; dropping the sandbox does the same.
    ///
    /// A [`spawn`](Self::spawn)ed sandbox's thread is joined. A
    /// [`start`](Self::start)ed one's tasks finish the next time their
    /// runtime runs them. What was stored and logged stays readable.
    pub fn stop(&self) {
        let Some(running) = lock(&self.running).take() else {
            return;
        };
        running.listener.close();
        let _ = running.shutdown.send(true);
        // Joining from the sandbox's own thread (a drop inside a handler,
        // say) would wait forever.
        if let Some(thread) = running.thread
            && thread.thread().id() != std::thread::current().id()
        {
            let _ = thread.join();
        }
    }

    /// Forgets users, requests, queued faults, idempotency records and rate
    /// windows (`POST /_sandbox/reset`).
    pub fn reset(&self) {
        self.state.reset();
    }

    /// Stores users directly, as if created (`POST /_sandbox/seed`): all
    /// of them, or none on an error. Returns how many were stored.
    ///
    /// ```
    /// use serde_json::json;
    /// use truto_sandbox::{Sandbox, SandboxConfig, Seed};
    ///
    /// let sandbox = Sandbox::spawn(SandboxConfig::default())?;
    /// assert_eq!(sandbox.seed(Seed::generate("sandbox-dixa", 250)), Ok(250));
    /// let ada = json!({"id": "u-1", "name": "Ada", "created_at": "2020-01-01T00:00:00Z"});
    /// assert_eq!(sandbox.seed(Seed::users("sandbox-dixa", vec![ada])), Ok(1));
    /// assert_eq!(sandbox.stored_users(Some("sandbox-dixa")).len(), 251);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SeedError::UnknownAccount`], or [`SeedError::Invalid`] for a user
    /// with unknown or mistyped fields, an id already taken, or more than
    /// [`MAX_GENERATED_USERS`](crate::MAX_GENERATED_USERS) to generate.
    pub fn seed(&self, seed: Seed) -> Result<usize, SeedError> {
        seed::seed(&self.state.users, &seed)
    }

    /// The users each account holds now (updated ones as they are now,
    /// deleted ones gone), oldest first, in one account or all
    /// (`GET /_sandbox/users`).
    pub fn stored_users(&self, account: Option<&str>) -> Vec<StoredUser> {
        self.state.users.list(account)
    }

    /// The requests received on Truto's paths, oldest first
    /// (`GET /_sandbox/requests`).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.state.log.snapshot()
    }

    /// Replaces the rate limits (`None`: no limits), every window starting afresh
    /// (`POST /_sandbox/rate_limits`).
    pub fn set_rate_limits(&self, limits: Option<RateLimits>) {
        self.state.rate_limiter.set_limits(limits);
    }

    /// Queues faults for the next requests to `account`, one per request,
    /// in order (`POST /_sandbox/faults`). Faults for an account that does
    /// not exist are never consumed.
    pub fn push_faults(&self, account: &str, faults: Vec<Fault>) {
        self.state.faults.push(account, faults);
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop();
    }
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("url", &self.url)
            .field("running", &lock(&self.running).is_some())
            .finish_non_exhaustive()
    }
}

fn bind(port: u16) -> io::Result<StdTcpListener> {
    let listener = StdTcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sandbox_can_be_shared_across_threads() {
        // Language bindings hold it behind an `Arc` and call it from any thread.
        fn shareable<T: Send + Sync>() {}
        shareable::<Sandbox>();
    }
}
