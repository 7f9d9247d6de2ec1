//! `Sandbox`: the Truto-compatible test server in-process, for `truto-ticketing/testing`.

use std::sync::Arc;

use napi_derive::napi;
use std::time::Duration;

use truto_sandbox::{Fault, RateLimits, SandboxConfig, Seed};

/// How to start a sandbox; every field is optional.
#[napi(object)]
#[derive(Default)]
pub struct SandboxOptions {
    /// The token it accepts (default `sandbox-token`).
    pub token: Option<String>,
    /// The port on 127.0.0.1 (default: any free port).
    pub port: Option<u32>,
    /// `false` turns off Truto's rate limits (50 per account, 500 per token, every 10 s).
    pub rate_limits: Option<bool>,
    /// `true` serves HTTPS with a CA made at start (`caPem`).
    pub tls: Option<bool>,
    /// Milliseconds added to every create, as a provider's round trip would be.
    pub latency_ms: Option<u32>,
}

/// A sandbox server on its own thread, serving until `stop()`.
#[napi]
pub struct Sandbox {
    inner: Arc<truto_sandbox::Sandbox>,
}

#[napi]
impl Sandbox {
    /// Binds a port on 127.0.0.1 and starts serving.
    #[napi(factory, catch_unwind)]
    pub fn start(options: Option<SandboxOptions>) -> napi::Result<Sandbox> {
        let options = options.unwrap_or_default();
        let defaults = SandboxConfig::default();
        let port = match options.port {
            Some(port) => u16::try_from(port)
                .map_err(|_| napi::Error::from_reason(format!("port {port} is not a TCP port")))?,
            None => defaults.port,
        };
        let config = SandboxConfig {
            token: options.token.unwrap_or(defaults.token.clone()),
            port,
            rate_limits: match options.rate_limits {
                Some(false) => None,
                _ => defaults.rate_limits,
            },
            tls: options.tls.unwrap_or(false),
            latency: Duration::from_millis(options.latency_ms.map_or(0, u64::from)),
            ..defaults
        };
        let sandbox = truto_sandbox::Sandbox::spawn(config).map_err(|error| {
            napi::Error::from_reason(format!("the sandbox could not start: {error}"))
        })?;
        Ok(Sandbox {
            inner: Arc::new(sandbox),
        })
    }

    /// `http://127.0.0.1:PORT` (`https://` with `tls: true`).
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.inner.url().to_owned()
    }

    /// With `tls: true`, the PEM of the CA that signed the sandbox's certificate: pass it
    /// as the client's `caCert`.
    #[napi(getter)]
    pub fn ca_pem(&self) -> Option<String> {
        self.inner.ca_pem().map(str::to_owned)
    }

    /// TCP connections accepted since the start or the last reset.
    #[napi(getter)]
    pub fn connections_accepted(&self) -> f64 {
        self.inner.connections_accepted() as f64
    }

    /// Forgets users, requests, queued faults, idempotency records and rate windows.
    #[napi]
    pub fn reset(&self) {
        self.inner.reset();
    }

    /// Replaces the rate limits (`{ per_account, per_token, window_secs }`, or `null` for
    /// none), every window afresh.
    #[napi(
        ts_args_type = "limits: { per_account: number, per_token: number, window_secs: number } | null"
    )]
    pub fn set_rate_limits(&self, limits: Option<serde_json::Value>) -> napi::Result<()> {
        let limits = match limits {
            None | Some(serde_json::Value::Null) => None,
            Some(limits) => {
                let per = |key: &str| {
                    limits[key]
                        .as_u64()
                        .and_then(|value| u32::try_from(value).ok())
                        .ok_or_else(|| napi::Error::from_reason(format!("{key}: a whole number")))
                };
                let window = limits["window_secs"]
                    .as_f64()
                    .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
                    .filter(|window| !window.is_zero())
                    .ok_or_else(|| napi::Error::from_reason("window_secs: a positive number"))?;
                Some(RateLimits {
                    per_account: per("per_account")?,
                    per_token: per("per_token")?,
                    window,
                })
            }
        };
        self.inner.set_rate_limits(limits);
        Ok(())
    }

    /// Queues faults (objects, as `POST /_sandbox/faults` takes them) for the next
    /// requests to `integratedAccountId`, one per request.
    #[napi(ts_args_type = "integratedAccountId: string, faults: object[]")]
    pub fn push_faults(
        &self,
        integrated_account_id: String,
        faults: serde_json::Value,
    ) -> napi::Result<()> {
        let faults: Vec<Fault> = serde_json::from_value(faults)
            .map_err(|error| napi::Error::from_reason(format!("not a list of faults: {error}")))?;
        self.inner.push_faults(&integrated_account_id, faults);
        Ok(())
    }

    /// Stores users to list, get, update and delete (`seed`: an object as
    /// `POST /_sandbox/seed` takes it: `{ integrated_account_id, users, generate,
    /// template, collection }`); returns how many were stored.
    #[napi(
        ts_args_type = "seed: { integrated_account_id: string, users?: object[], generate?: number, template?: object, collection?: string }"
    )]
    pub fn seed(&self, seed: serde_json::Value) -> napi::Result<u32> {
        let seed: Seed = serde_json::from_value(seed)
            .map_err(|error| napi::Error::from_reason(format!("not a seed: {error}")))?;
        let stored = self
            .inner
            .seed(seed)
            .map_err(|error| napi::Error::from_reason(format!("nothing was seeded: {error}")))?;
        Ok(u32::try_from(stored).unwrap_or(u32::MAX))
    }

    /// The users created, oldest first, in one account or all.
    #[napi(
        ts_return_type = "Array<{ integrated_account_id: string, idempotency_key: string | null, user: any }>"
    )]
    pub fn users(&self, integrated_account_id: Option<String>) -> napi::Result<serde_json::Value> {
        serde_json::to_value(self.inner.stored_users(integrated_account_id.as_deref()))
            .map_err(|error| napi::Error::from_reason(error.to_string()))
    }

    /// The requests received on Truto's paths, oldest first.
    #[napi(
        ts_return_type = "Array<{ method: string, path: string, query_pairs: [string, string][], headers: Record<string, string>, body: any, status: number | null }>"
    )]
    pub fn requests(&self) -> napi::Result<serde_json::Value> {
        serde_json::to_value(self.inner.requests())
            .map_err(|error| napi::Error::from_reason(error.to_string()))
    }

    /// The token it accepts.
    #[napi(getter)]
    pub fn token(&self) -> String {
        self.inner.token().to_owned()
    }

    /// Stops serving and frees the port (joins the server thread off the JavaScript thread).
    #[napi]
    pub async fn stop(&self) -> napi::Result<()> {
        let sandbox = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || sandbox.stop())
            .await
            .map_err(|error| napi::Error::from_reason(error.to_string()))
    }
}
