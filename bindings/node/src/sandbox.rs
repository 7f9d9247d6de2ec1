//! `Sandbox`: the Truto-compatible test server in-process, for `truto-ticketing/testing`.

use std::sync::Arc;

use napi_derive::napi;
use truto_sandbox::SandboxConfig;

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
            ..defaults
        };
        let sandbox = truto_sandbox::Sandbox::spawn(config).map_err(|error| {
            napi::Error::from_reason(format!("the sandbox could not start: {error}"))
        })?;
        Ok(Sandbox {
            inner: Arc::new(sandbox),
        })
    }

    /// `http://127.0.0.1:PORT`.
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.inner.url().to_owned()
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
