//! `UserListing`: a core listing read one page at a time, for `index.js`'s `UserList`.
//! A page is fetched only when `next` is called, one request at a time (`index.js` queues
//! its reads, so that pages come in the order they were asked for).

use std::sync::Arc;

use napi::bindgen_prelude::{Env, Unknown};
use napi_derive::napi;
use tokio::sync::Mutex;
use truto_ticketing::{ListUsers, UserPages};

use crate::answer::Answer;
use crate::cancel::CancelToken;
use crate::completion::{Outcome, Promises, cancellable};

/// The pages of one listing (made by `Client.listUsers`).
#[napi]
pub struct UserListing {
    pages: Arc<Mutex<UserPages>>,
    promises: Arc<Promises<Outcome>>,
}

impl UserListing {
    pub(crate) fn new(listing: ListUsers, promises: Arc<Promises<Outcome>>) -> UserListing {
        UserListing {
            pages: Arc::new(Mutex::new(listing.pages())),
            promises,
        }
    }
}

#[napi]
impl UserListing {
    /// The next page, `{ users, cursor, nextCursor }`, or `null` after the last. A
    /// cancelled call drops its request; the listing stays where it was.
    #[napi(
        catch_unwind,
        ts_args_type = "cancel?: CancelToken | undefined | null",
        ts_return_type = "Promise<any>"
    )]
    pub fn next<'env>(
        &self,
        env: &'env Env,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<Unknown<'env>> {
        let pages = Arc::clone(&self.pages);
        let page = async move { Ok(Answer::Page(pages.lock().await.next_page().await?)) };
        self.promises
            .start(env, cancellable(page, cancel.map(CancelToken::token)))
    }
}
