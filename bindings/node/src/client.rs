//! `Client`: the core client, one connection pool per instance.

use std::sync::Arc;

use napi::bindgen_prelude::{Env, Unknown};
use napi_derive::napi;

use crate::cancel::CancelToken;
use crate::completion::{Completions, DeliverFunction, Ended};
use crate::convert;
use crate::driven::{LoopCall, LoopConnection};
use truto_ticketing::{CreateUserOptions, NewUser, ResponseFormat};

/// A Truto API client (wrapped by `Client` in `index.js`).
#[napi]
pub struct Client {
    inner: truto_ticketing::Client,
    completions: Arc<Completions>,
}

#[napi]
impl Client {
    /// `options`: `{ token, baseUrl, timeoutMs, connectTimeoutMs, maxRetries }`, all optional.
    /// `deliver(batchJson, buffers)` receives finished calls (see `completion.rs`).
    /// Throws a core error (as `TRUTO_ERROR_JSON:{...}`) when the configuration is refused.
    #[napi(
        constructor,
        catch_unwind,
        ts_args_type = "options: object | undefined | null, deliver: (batchJson: string, buffers: Buffer[]) => void"
    )]
    pub fn new(
        env: Env,
        options: Unknown<'_>,
        deliver: DeliverFunction<'_>,
    ) -> napi::Result<Client> {
        let builder = convert::json_argument(&env, options, "options")
            .and_then(convert::client_builder)
            .map_err(|error| convert::to_js_error(&error))?;
        let node = env.get_node_version()?;
        let user_agent = format!("node/{}.{}.{}", node.major, node.minor, node.patch);
        let inner = builder
            .user_agent_suffix(user_agent)
            .build()
            .map_err(|error| convert::to_js_error(&error))?;
        let completions = Completions::new(&deliver)?;
        Ok(Client { inner, completions })
    }

    /// The base URL requests go to.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    /// The default per-attempt timeout, in milliseconds.
    #[napi(getter)]
    pub fn timeout_ms(&self) -> f64 {
        self.inner.timeout().as_millis() as f64
    }

    /// The default number of retries.
    #[napi(getter)]
    pub fn max_retries(&self) -> u32 {
        self.inner.max_retries()
    }

    /// Starts creating a user; its outcome reaches `deliver` under `callId`. `userJson`,
    /// when a string, is `JSON.stringify(user)`, read instead of walking `user` (which
    /// `index.js` only does for plain JSON data). Throws a core error (as
    /// `TRUTO_ERROR_JSON:{...}`) for bad input, before anything is started.
    #[napi(
        catch_unwind,
        ts_args_type = "callId: number, integratedAccountId: unknown, user: unknown, userJson: string | undefined, options?: unknown, cancel?: CancelToken | undefined | null"
    )]
    // The JavaScript signature's six arguments, plus `self` and the environment.
    #[allow(clippy::too_many_arguments)]
    pub fn create_user(
        &self,
        env: &Env,
        call_id: u32,
        integrated_account_id: Unknown<'_>,
        user: Unknown<'_>,
        user_json: Option<String>,
        options: Unknown<'_>,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<()> {
        let (account, user, options, format) =
            call_arguments(env, integrated_account_id, user, user_json, options)?;
        let client = self.inner.clone();
        let cancelled = cancel.map(CancelToken::token);
        self.completions.spawn(env, call_id, async move {
            let request = client.create_user_with(&account, &user, &options, format);
            match cancelled {
                None => Ok(request.await?),
                Some(token) => tokio::select! {
                    response = request => Ok(response?),
                    () = token.cancelled() => Err(Ended::Aborted),
                },
            }
        });
        Ok(())
    }
}

#[napi]
impl Client {
    /// `createUser` for `loop.js` to drive on the event loop: the same arguments (and
    /// errors), minus the call id and cancel token. `null` when the call cannot be driven
    /// (a proxy is configured, or the format is `stream`).
    #[napi(
        catch_unwind,
        ts_args_type = "integratedAccountId: unknown, user: unknown, userJson: string | undefined, options?: unknown"
    )]
    pub fn drive_create_user(
        &self,
        env: &Env,
        integrated_account_id: Unknown<'_>,
        user: Unknown<'_>,
        user_json: Option<String>,
        options: Unknown<'_>,
    ) -> napi::Result<Option<LoopCall>> {
        let (account, user, options, format) =
            call_arguments(env, integrated_account_id, user, user_json, options)?;
        let driven = self
            .inner
            .drive_create_user(&account, &user, &options, format)
            .map_err(|error| convert::to_js_error(&error))?;
        Ok(driven.map(LoopCall::new))
    }

    /// Where `loop.js` connects; `null` when calls cannot be driven (a proxy is set).
    #[napi(catch_unwind)]
    pub fn loop_origin(&self) -> Option<LoopOrigin> {
        let connect_timeout_ms = self.inner.connect_timeout().as_secs_f64() * 1000.0;
        self.inner.driven_origin().map(|origin| LoopOrigin {
            host: origin.host,
            port: u32::from(origin.port),
            connect_timeout_ms,
        })
    }

    /// The core's side of a TCP connection `loop.js` just opened to `loopOrigin()` (with
    /// TLS, its handshake is in `outgoing()`).
    #[napi(catch_unwind)]
    pub fn loop_connection(&self) -> napi::Result<LoopConnection> {
        truto_ticketing::driven::Connection::new(&self.inner)
            .map(LoopConnection)
            .map_err(|error| convert::to_js_error(&error))
    }
}

/// Where the calls `loop.js` drives connect.
#[napi(object)]
pub struct LoopOrigin {
    /// The host name or IP address.
    pub host: String,
    /// The TCP port.
    pub port: u32,
    /// The time allowed to connect.
    pub connect_timeout_ms: f64,
}

/// `createUser`'s arguments as core types; a core error (as `TRUTO_ERROR_JSON:{...}`)
/// for bad input.
fn call_arguments(
    env: &Env,
    integrated_account_id: Unknown<'_>,
    user: Unknown<'_>,
    user_json: Option<String>,
    options: Unknown<'_>,
) -> napi::Result<(String, NewUser, CreateUserOptions, ResponseFormat)> {
    let converted = (|| {
        let account = convert::json_argument(env, integrated_account_id, "integrated_account_id")
            .and_then(convert::account_id)?;
        let user = match user_json {
            Some(text) => convert::user_from_json_text(env, &text, user)?,
            None => convert::user_from_js(env, user)?,
        };
        let options = convert::json_argument(env, options, "options")?;
        let (options, format) = convert::call_options(options)?;
        Ok((account, user, options, format))
    })();
    converted.map_err(|error: truto_ticketing::Error| convert::to_js_error(&error))
}

/// Test-only: a call whose future panics on the runtime, delivered like any other call.
/// Built only with the `test-hooks` feature.
#[cfg(feature = "test-hooks")]
#[napi]
impl Client {
    #[napi(skip_typescript)]
    pub fn panic_in_call_for_testing(&self, env: &Env, call_id: u32) {
        use futures_util::FutureExt;
        let call = std::future::ready(())
            .map(|()| -> Result<_, Ended> { panic!("a deliberate panic for testing") });
        self.completions.spawn(env, call_id, call);
    }
}
