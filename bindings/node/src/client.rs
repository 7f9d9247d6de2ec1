//! `Client`: the core client, one connection pool per instance.
//!
//! Each method converts its arguments (a failure rejects the promise, nothing sent), then
//! hands one core future to [`Client::start`], which makes it cancellable and settles
//! its promise.

use std::future::Future;
use std::sync::Arc;

use napi::bindgen_prelude::{Env, Unknown};
use napi_derive::napi;

use crate::answer::Answer;
use crate::bulk::BulkImport;
use crate::cancel::CancelToken;
use crate::completion::{ErrorClass, ErrorClassRef, Outcome, Promises, cancellable, truto_error};
use crate::convert;
use crate::listing::UserListing;
use crate::options::{call_options, create_options, import_options, list_options, update_options};

/// A Truto API client (wrapped by `Client` in `index.js`).
#[napi]
pub struct Client {
    inner: truto_ticketing::Client,
    promises: Arc<Promises<Outcome>>,
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
        let builder = convert::json_argument(&env, options, "options")
            .and_then(convert::client_builder)
            .map_err(|error| thrown(&env, &error_class, &error))?;
        let node = env.get_node_version()?;
        let user_agent = format!("node/{}.{}.{}", node.major, node.minor, node.patch);
        let inner = builder
            .user_agent_suffix(user_agent)
            .build()
            .map_err(|error| thrown(&env, &error_class, &error))?;
        Ok(Client {
            inner,
            promises: Arc::new(Promises::new(&env, &error_class)?),
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
    /// of walking `user` (which `index.js` only does for plain JSON data).
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
        let arguments = (|| {
            let account =
                convert::text_argument(env, integrated_account_id, "integrated_account_id")?;
            let user = convert::user_argument(env, user, user_json)?;
            let options = convert::json_argument(env, options, "options")?;
            Ok((account, user, create_options(options)?))
        })();
        self.start(
            env,
            cancel,
            arguments,
            |client, (account, user, (options, format))| async move {
                let response = client
                    .create_user_with(&account, &user, &options, format)
                    .await?;
                Ok(Answer::from(response))
            },
        )
    }

    /// Reads one user.
    #[napi(
        catch_unwind,
        ts_args_type = "integratedAccountId: unknown, id: unknown, options?: unknown, cancel?: CancelToken | undefined | null",
        ts_return_type = "Promise<any>"
    )]
    pub fn get_user<'env>(
        &self,
        env: &'env Env,
        integrated_account_id: Unknown<'_>,
        id: Unknown<'_>,
        options: Unknown<'_>,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<Unknown<'env>> {
        let arguments = by_id(env, integrated_account_id, id, options);
        self.start(
            env,
            cancel,
            arguments,
            |client, (account, id, options)| async move {
                Ok(Answer::from(
                    client.get_user_with(&account, &id, &options).await?,
                ))
            },
        )
    }

    /// Changes the fields set in `changes` (`changesJson` as `createUser`'s `userJson`).
    #[napi(
        catch_unwind,
        ts_args_type = "integratedAccountId: unknown, id: unknown, changes: unknown, changesJson: string | undefined, options?: unknown, cancel?: CancelToken | undefined | null",
        ts_return_type = "Promise<any>"
    )]
    // One parameter per argument of the JavaScript call.
    #[allow(clippy::too_many_arguments)]
    pub fn update_user<'env>(
        &self,
        env: &'env Env,
        integrated_account_id: Unknown<'_>,
        id: Unknown<'_>,
        changes: Unknown<'_>,
        changes_json: Option<String>,
        options: Unknown<'_>,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<Unknown<'env>> {
        let arguments = (|| {
            let account =
                convert::text_argument(env, integrated_account_id, "integrated_account_id")?;
            let id = convert::text_argument(env, id, "id")?;
            let changes = convert::changes_argument(env, changes, changes_json)?;
            let options = convert::json_argument(env, options, "options")?;
            Ok((account, id, changes, update_options(options)?))
        })();
        self.start(
            env,
            cancel,
            arguments,
            |client, (account, id, changes, (options, key))| async move {
                let user = client
                    .update_user_with(&account, &id, &changes, key.as_deref(), &options)
                    .await?;
                Ok(Answer::from(user))
            },
        )
    }

    /// Deletes one user; the promise resolves to its id.
    #[napi(
        catch_unwind,
        ts_args_type = "integratedAccountId: unknown, id: unknown, options?: unknown, cancel?: CancelToken | undefined | null",
        ts_return_type = "Promise<any>"
    )]
    pub fn delete_user<'env>(
        &self,
        env: &'env Env,
        integrated_account_id: Unknown<'_>,
        id: Unknown<'_>,
        options: Unknown<'_>,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<Unknown<'env>> {
        let arguments = by_id(env, integrated_account_id, id, options);
        self.start(
            env,
            cancel,
            arguments,
            |client, (account, id, options)| async move {
                Ok(Answer::Id(
                    client.delete_user_with(&account, &id, &options).await?,
                ))
            },
        )
    }

    /// A listing of the account's users, read page by page with `next`. Throws a
    /// `TrutoError` for bad options (`index.js` reports it at the first read); the core
    /// checks the rest before sending the first page.
    #[napi(
        catch_unwind,
        ts_args_type = "integratedAccountId: unknown, options?: unknown"
    )]
    pub fn list_users(
        &self,
        env: Env,
        integrated_account_id: Unknown<'_>,
        options: Unknown<'_>,
    ) -> napi::Result<UserListing> {
        let listing = (|| {
            let account =
                convert::text_argument(&env, integrated_account_id, "integrated_account_id")?;
            let options = convert::json_argument(&env, options, "options")?;
            Ok(self.inner.list_users_with(&account, list_options(options)?))
        })();
        match listing {
            Ok(listing) => Ok(UserListing::new(listing, Arc::clone(&self.promises))),
            Err(error) => Err(thrown(&env, &self.error_class.borrow_back(&env)?, &error)),
        }
    }

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
        let arguments = (|| {
            let account =
                convert::text_argument(&env, integrated_account_id, "integrated_account_id")?;
            let options = convert::json_argument(&env, options, "options")?;
            Ok((account, import_options(options)?))
        })();
        let (account, options) = arguments.map_err(|error| thrown(&env, &error_class, &error))?;
        BulkImport::start(&env, &error_class, &self.inner, account, options).map_err(|error| {
            match error {
                Ok(core) => thrown(&env, &error_class, &core),
                Err(napi) => napi,
            }
        })
    }
}

impl Client {
    /// A promise of `call(client, arguments)`'s answer, cancelled by `cancel`; rejected at
    /// once when the arguments were refused.
    fn start<'env, A, F>(
        &self,
        env: &'env Env,
        cancel: Option<&CancelToken>,
        arguments: truto_ticketing::Result<A>,
        call: impl FnOnce(truto_ticketing::Client, A) -> F,
    ) -> napi::Result<Unknown<'env>>
    where
        F: Future<Output = truto_ticketing::Result<Answer>> + Send + 'static,
    {
        match arguments {
            Ok(arguments) => {
                let call = call(self.inner.clone(), arguments);
                let cancelled = cancel.map(CancelToken::token);
                self.promises.start(env, cancellable(call, cancelled))
            }
            Err(error) => {
                let error_class = self.error_class.borrow_back(env)?;
                Promises::rejected(env, &error_class, &error)
            }
        }
    }
}

/// `getUser`'s and `deleteUser`'s arguments: the account, the user's id, the options.
fn by_id(
    env: &Env,
    integrated_account_id: Unknown<'_>,
    id: Unknown<'_>,
    options: Unknown<'_>,
) -> truto_ticketing::Result<(String, String, truto_ticketing::CallOptions)> {
    let account = convert::text_argument(env, integrated_account_id, "integrated_account_id")?;
    let id = convert::text_argument(env, id, "id")?;
    let options = call_options(convert::json_argument(env, options, "options")?)?;
    Ok((account, id, options))
}

/// A core error to throw, made by `error_class` (`TrutoError`).
fn thrown(env: &Env, error_class: &ErrorClass<'_>, error: &truto_ticketing::Error) -> napi::Error {
    match truto_error(env, error_class, error) {
        Ok(value) => napi::Error::from(value),
        Err(error) => error,
    }
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
