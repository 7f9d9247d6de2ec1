//! `BulkImport`: the core's `create_users`, fed and iterated by `index.js`'s
//! `createUsers` async generator. Rows are handed over only as the import has room for
//! them, so a huge (async) iterable is read lazily; each `next()` promise settles with the
//! next row's outcome, or `null` at the end.

use std::sync::{Arc, Mutex, PoisonError};

use napi::bindgen_prelude::{Env, JsObjectValue, Object, Unknown};
use napi::sys;
use napi_derive::napi;
use serde_json::json;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;
use truto_ticketing::bulk::{BulkRow, CreateUsersOptions, RowOutcome};

use crate::answer::with_dates;
use crate::completion::{ErrorClass, Js, Promises, Settle, serialized};
use crate::convert;

/// An import in progress (wrapped by `createUsers` in `index.js`).
#[napi]
pub struct BulkImport {
    sender: Mutex<Option<mpsc::Sender<BulkRow>>>,
    outcomes: Arc<tokio::sync::Mutex<mpsc::Receiver<RowOutcome>>>,
    promises: Promises<Option<RowOutcome>>,
    driver: AbortHandle,
}

impl BulkImport {
    /// `Err(Ok(core))`: the core refused the options.
    pub(crate) fn start(
        env: &Env,
        error_class: &ErrorClass<'_>,
        client: &truto_ticketing::Client,
        account: String,
        options: CreateUsersOptions,
    ) -> Result<BulkImport, Result<truto_ticketing::Error, napi::Error>> {
        let promises = Promises::new(env, error_class).map_err(Err)?;
        let import = client
            .create_users_from_channel(account, options, promises.runtime())
            .map_err(Ok)?;
        Ok(BulkImport {
            sender: Mutex::new(Some(import.rows)),
            outcomes: Arc::new(tokio::sync::Mutex::new(import.outcomes)),
            promises,
            driver: import.driver,
        })
    }
}

#[napi]
impl BulkImport {
    /// How many more rows the import takes now.
    #[napi]
    pub fn room(&self) -> u32 {
        let sender = self.sender.lock().unwrap_or_else(PoisonError::into_inner);
        sender.as_ref().map_or(0, |sender| sender.capacity() as u32)
    }

    /// Hands over a row; false when there is no room (see `room`). `userJson`, when a
    /// string, is `JSON.stringify(user)`. A user that is not one is the row's error.
    #[napi(
        catch_unwind,
        ts_args_type = "rowId: string, user: unknown, userJson: string | undefined"
    )]
    pub fn push(
        &self,
        env: &Env,
        row_id: String,
        user: Unknown<'_>,
        user_json: Option<String>,
    ) -> bool {
        let row = match convert::user_argument(env, user, user_json) {
            Ok(user) => BulkRow::new(row_id, user),
            Err(error) => BulkRow::unreadable(row_id, error),
        };
        let sender = self.sender.lock().unwrap_or_else(PoisonError::into_inner);
        sender
            .as_ref()
            .is_some_and(|sender| sender.try_send(row).is_ok())
    }

    /// There are no more rows: the import ends when the last is done.
    #[napi]
    pub fn end(&self) {
        self.sender
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }

    /// The next row's outcome, as calls finish; `null` when every row is done.
    #[napi(catch_unwind, ts_return_type = "Promise<any>")]
    pub fn next<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        let outcomes = Arc::clone(&self.outcomes);
        self.promises
            .start(env, async move { outcomes.lock().await.recv().await })
    }

    /// Stops the import: no more rows are taken, calls in flight are dropped, and the
    /// pending `next()` settles with `null`.
    #[napi]
    pub fn cancel(&self) {
        self.end();
        self.driver.abort();
    }
}

impl Drop for BulkImport {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

impl Settle for Option<RowOutcome> {
    /// `{ rowId, user, error, replayed, idempotencyKey, requests, rateLimitedResponses,
    /// progress }`, or `null`.
    fn into_js(self, js: &Js<'_>) -> napi::Result<Result<sys::napi_value, sys::napi_value>> {
        let Some(outcome) = self else {
            return js.null().map(Ok);
        };
        let (user, error) = match outcome.result {
            Ok(user) => (Some(user), None),
            Err(error) => (None, Some(error)),
        };
        let fields = json!({
            "rowId": outcome.row_id,
            "user": user,
            "error": null,
            "replayed": outcome.replayed,
            "idempotencyKey": outcome.idempotency_key,
            "requests": outcome.requests,
            "rateLimitedResponses": outcome.rate_limited_responses,
            "progress": outcome.progress,
        });
        let object = js.parse(serialized(serde_json::to_string(&fields))?)?;
        let mut result = Object::from_raw(js.env.raw(), object);
        if let Some(user) = &user {
            with_dates(js, result.get_named_property("user")?, user)?;
        }
        if let Some(error) = error {
            let error = js.truto_error(&error)?;
            // SAFETY: made in this environment, on its thread.
            result.set_named_property("error", unsafe {
                Unknown::from_raw_unchecked(js.env.raw(), error)
            })?;
        }
        Ok(Ok(object))
    }
}
