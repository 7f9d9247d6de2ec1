//! `Client`: the core client, one connection pool per instance.

use napi::bindgen_prelude::{Env, Unknown};
use napi_derive::napi;
use truto_ticketing::{CreateUserOptions, NewUser, ResponseFormat};

use crate::bulk::BulkImport;
use crate::cancel::CancelToken;
use crate::completion::{Ended, ErrorClass, ErrorClassRef, Outcome, Promises, truto_error};
use crate::convert;

/// A Truto API client (wrapped by `Client` in `index.js`).
#[napi]
pub struct Client {
    inner: truto_ticketing::Client,
    promises: Promises<Outcome>,
    error_class: ErrorClassRef,
}

#[napi]
impl Client {
    /// `options`: `{ token, baseUrl, timeoutMs, connectTimeoutMs, maxRetries, caCert }`,
    /// all optional. `errorClass` (`TrutoError`) makes every error the client throws or
    /// rejects with, as `new errorClass(detail)`.
    #[napi(
        constructor,
        catch_unwind,
        ts_args_type = "options: object | undefined | null, errorClass: new (detail: object) => Error"
    )]
    pub fn new(
        env: Env,
        options: Unknown<'_>,
        error_class: ErrorClass<'_>,
    ) -> napi::Result<Client> {
        let thrown = |error: &truto_ticketing::Error| match truto_error(&env, &error_class, error) {
            Ok(value) => napi::Error::from(value),
            Err(error) => error,
        };
        let builder = convert::json_argument(&env, options, "options")
            .and_then(convert::client_builder)
            .map_err(|error| thrown(&error))?;
        let node = env.get_node_version()?;
        let user_agent = format!("node/{}.{}.{}", node.major, node.minor, node.patch);
        let inner = builder
            .user_agent_suffix(user_agent)
            .build()
            .map_err(|error| thrown(&error))?;
        Ok(Client {
            inner,
            promises: Promises::new(&env, &error_class)?,
            error_class: error_class.create_ref()?,
        })
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

    /// Creates a user. `userJson`, when a string, is `JSON.stringify(user)`, read instead
    /// of walking `user` (which `index.js` only does for plain JSON data). Bad input
    /// rejects the promise before anything is sent.
    #[napi(
        catch_unwind,
        ts_args_type = "integratedAccountId: unknown, user: unknown, userJson: string | undefined, options?: unknown, cancel?: CancelToken | undefined | null",
        ts_return_type = "Promise<any>"
    )]
    pub fn create_user<'env>(
        &self,
        env: &'env Env,
        integrated_account_id: Unknown<'_>,
        user: Unknown<'_>,
        user_json: Option<String>,
        options: Unknown<'_>,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<Unknown<'env>> {
        let (account, user, options, format) =
            match call_arguments(env, integrated_account_id, user, user_json, options) {
                Ok(arguments) => arguments,
                Err(error) => {
                    let error_class = self.error_class.borrow_back(env)?;
                    return Promises::rejected(env, &error_class, &error);
                }
            };
        let client = self.inner.clone();
        let cancelled = cancel.map(CancelToken::token);
        self.promises.start(env, async move {
            let request = client.create_user_with(&account, &user, &options, format);
            match cancelled {
                None => Ok(request.await?),
                Some(token) => tokio::select! {
                    response = request => Ok(response?),
                    () = token.cancelled() => Err(Ended::Aborted),
                },
            }
        })
    }
}

#[napi]
impl Client {
    /// Starts creating a user per row; `index.js` feeds the rows and iterates the results.
    /// `options`: `{ concurrency, rate, collections, ignoreRemoteData, excludeFields,
    /// remoteQuery, timeoutMs, maxRetries }`. Throws a `TrutoError` for bad options.
    #[napi(
        catch_unwind,
        ts_args_type = "integratedAccountId: unknown, options?: unknown"
    )]
    pub fn create_users(
        &self,
        env: Env,
        integrated_account_id: Unknown<'_>,
        options: Unknown<'_>,
    ) -> napi::Result<BulkImport> {
        let error_class = self.error_class.borrow_back(&env)?;
        let thrown = |error: &truto_ticketing::Error| match truto_error(&env, &error_class, error) {
            Ok(value) => napi::Error::from(value),
            Err(error) => error,
        };
        let account = convert::json_argument(&env, integrated_account_id, "integrated_account_id")
            .and_then(convert::account_id)
            .map_err(|error| thrown(&error))?;
        let options = convert::json_argument(&env, options, "options")
            .and_then(convert::bulk_options)
            .map_err(|error| thrown(&error))?;
        BulkImport::start(&env, &error_class, &self.inner, account, options).map_err(|error| {
            match error {
                Ok(core) => thrown(&core),
                Err(napi) => napi,
            }
        })
    }
}

/// `createUser`'s arguments as core types; a core error for bad input.
fn call_arguments(
    env: &Env,
    integrated_account_id: Unknown<'_>,
    user: Unknown<'_>,
    user_json: Option<String>,
    options: Unknown<'_>,
) -> Result<(String, NewUser, CreateUserOptions, ResponseFormat), truto_ticketing::Error> {
    let account = convert::json_argument(env, integrated_account_id, "integrated_account_id")
        .and_then(convert::account_id)?;
    let user = match user_json {
        Some(text) => convert::user_from_json_text(env, &text, user)?,
        None => convert::user_from_js(env, user)?,
    };
    let options = convert::json_argument(env, options, "options")?;
    let (options, format) = convert::call_options(options)?;
    Ok((account, user, options, format))
}

/// Test-only: a call whose future panics on the runtime, delivered like any other call.
/// Built only with the `test-hooks` feature.
#[cfg(feature = "test-hooks")]
#[napi]
impl Client {
    #[napi(skip_typescript)]
    pub fn panic_in_call_for_testing<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        use futures_util::FutureExt;
        let call = std::future::ready(())
            .map(|()| -> crate::completion::Outcome { panic!("a deliberate panic for testing") });
        self.promises.start(env, call)
    }
}
