//! `Client`: the core client, one connection pool per instance.

use napi::bindgen_prelude::{Buffer, Either, Env, PromiseRaw, Unknown};
use napi_derive::napi;
use truto_ticketing::NewUser;

use crate::cancel::CancelToken;
use crate::convert;

/// A Truto API client (wrapped by `Client` in `index.js`).
#[napi]
pub struct Client {
    inner: truto_ticketing::Client,
}

#[napi]
impl Client {
    /// `options`: `{ token, baseUrl, timeoutMs, connectTimeoutMs, maxRetries }`, all optional.
    /// Throws a core error (as `TRUTO_ERROR_JSON:{...}`) when the configuration is refused.
    #[napi(constructor, catch_unwind, ts_args_type = "options?: object")]
    pub fn new(env: Env, options: Unknown<'_>) -> napi::Result<Client> {
        let builder = convert::json_argument(&env, options, "options")
            .and_then(convert::client_builder)
            .map_err(|error| convert::to_js_error(&error))?;
        let node = env.get_node_version()?;
        let user_agent = format!("node/{}.{}.{}", node.major, node.minor, node.patch);
        let inner = builder
            .user_agent_suffix(user_agent)
            .build()
            .map_err(|error| convert::to_js_error(&error))?;
        Ok(Client { inner })
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

    /// Creates a user. Resolves to the user (or the raw/normalized JSON value) as JSON
    /// text, or a `Buffer` for `stream`; rejects with a core error as `TRUTO_ERROR_JSON:{...}`,
    /// or `TRUTO_ABORTED` once `cancel` is cancelled.
    #[napi(
        catch_unwind,
        ts_args_type = "integratedAccountId: unknown, user: unknown, options?: unknown, cancel?: CancelToken | undefined | null",
        ts_return_type = "Promise<unknown>"
    )]
    pub fn create_user<'env>(
        &self,
        env: &'env Env,
        integrated_account_id: Unknown<'env>,
        user: Unknown<'env>,
        options: Unknown<'env>,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<PromiseRaw<'env, Either<String, Buffer>>> {
        let converted = (|| {
            let account =
                convert::json_argument(env, integrated_account_id, "integrated_account_id")
                    .and_then(convert::account_id)?;
            let user = convert::json_argument(env, user, "user")?.unwrap_or_default();
            let user = NewUser::from_json(user)?;
            let options = convert::json_argument(env, options, "options")?;
            let (options, format) = convert::call_options(options)?;
            Ok((account, user, options, format))
        })();
        let (account, user, options, format) =
            converted.map_err(|error: truto_ticketing::Error| convert::to_js_error(&error))?;
        let client = self.inner.clone();
        let cancelled = cancel.map(CancelToken::token);
        let call = async move {
            let request = client.create_user_with(&account, &user, &options, format);
            let response = match cancelled {
                None => request.await,
                Some(token) => tokio::select! {
                    response = request => response,
                    () = token.cancelled() => return Err(convert::aborted()),
                },
            };
            response
                .map_err(|error| convert::to_js_error(&error))
                .and_then(convert::answer)
        };
        env.spawn_future_with_callback(call, convert::answer_to_js)
    }
}
