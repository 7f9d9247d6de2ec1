//! Listing, reading, updating and deleting users: the records of their options, and the
//! streams `listUsers` and `listUserPages` read (a `Flow` in Kotlin, a `Stream` or a
//! `Publisher` in Java, an `AsyncSequence` in Swift).

use std::collections::{HashMap, VecDeque};
use std::time::SystemTime;

use tokio::sync::Mutex;
use truto_ticketing::{self as sdk};

use crate::error::TrutoError;
use crate::interval::Interval;
use crate::json::JsonObject;
use crate::models::{CollectionRef, User, non_negative};

/// Options every call on users takes; every one has a default.
#[derive(Debug, Clone, PartialEq, Default, uniffi::Record)]
pub struct CallOptions {
    /// Leave `remote_data` out of the answer.
    #[uniffi(default)]
    pub ignore_remote_data: bool,
    /// Fields to leave out of the answer.
    #[uniffi(default)]
    pub exclude_fields: Vec<String>,
    /// Passed to the provider untransformed.
    #[uniffi(default)]
    pub remote_query: Option<JsonObject>,
    /// Per-attempt timeout for this call (default: the client's).
    #[uniffi(default)]
    pub timeout: Option<Interval>,
    /// Retries for this call (default: the client's).
    #[uniffi(default)]
    pub max_retries: Option<i32>,
    /// Extra headers for this call.
    #[uniffi(default)]
    pub headers: HashMap<String, String>,
}

impl CallOptions {
    pub(crate) fn into_core(self) -> sdk::Result<sdk::CallOptions> {
        let mut options = sdk::CallOptions::default();
        options.ignore_remote_data = self.ignore_remote_data;
        options.exclude_fields = self.exclude_fields;
        options.remote_query = self.remote_query.map(JsonObject::into_map);
        options.timeout = self
            .timeout
            .map(|timeout| timeout.to_duration("timeout"))
            .transpose()?;
        options.max_retries = self
            .max_retries
            .map(|retries| non_negative("max_retries", retries))
            .transpose()?;
        options.headers = self.headers.into_iter().collect();
        Ok(options)
    }
}

/// Bounds on a date-time field; each one set is sent (`created_at[gte]=...`).
#[derive(Debug, Clone, Copy, PartialEq, Default, uniffi::Record)]
pub struct TimeBounds {
    /// Strictly after.
    #[uniffi(default)]
    pub gt: Option<SystemTime>,
    /// At or after.
    #[uniffi(default)]
    pub gte: Option<SystemTime>,
    /// Strictly before.
    #[uniffi(default)]
    pub lt: Option<SystemTime>,
    /// At or before.
    #[uniffi(default)]
    pub lte: Option<SystemTime>,
}

impl From<TimeBounds> for sdk::TimeBounds {
    fn from(bounds: TimeBounds) -> sdk::TimeBounds {
        let mut core = sdk::TimeBounds::default();
        core.gt = bounds.gt;
        core.gte = bounds.gte;
        core.lt = bounds.lt;
        core.lte = bounds.lte;
        core
    }
}

/// Which way a sort field sorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SortOrder {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

/// One `sort_by` field.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SortBy {
    /// The field (`name`, `created_at`, ...).
    pub field: String,
    /// Ascending or descending.
    pub order: SortOrder,
}

/// What to list and how; every option has a default. Filters an integration does not
/// support are ignored by Truto, not refused.
#[derive(Debug, Clone, PartialEq, Default, uniffi::Record)]
pub struct ListUsersOptions {
    /// Users per page (Truto's default when unset).
    #[uniffi(default)]
    pub limit: Option<i32>,
    /// Start from this page: a `UserPage.nextCursor` of an earlier listing.
    #[uniffi(default)]
    pub cursor: Option<String>,
    /// Users with any of these email addresses.
    #[uniffi(default)]
    pub emails: Vec<String>,
    /// Users whose name matches.
    #[uniffi(default)]
    pub name: Option<String>,
    /// Active or inactive users only.
    #[uniffi(default)]
    pub is_active: Option<bool>,
    /// Bounds on `created_at`.
    #[uniffi(default)]
    pub created_at: Option<TimeBounds>,
    /// Bounds on `updated_at`.
    #[uniffi(default)]
    pub updated_at: Option<TimeBounds>,
    /// Sort fields, in order.
    #[uniffi(default)]
    pub sort_by: Vec<SortBy>,
    /// The projects to list (Pivotal Tracker requires one).
    #[uniffi(default)]
    pub collections: Vec<CollectionRef>,
    /// The options every call takes.
    #[uniffi(default)]
    pub call: Option<CallOptions>,
}

impl ListUsersOptions {
    pub(crate) fn into_core(self) -> sdk::Result<sdk::ListUsersOptions> {
        let mut options = sdk::ListUsersOptions::default();
        options.limit = self
            .limit
            .map(|limit| non_negative("limit", limit))
            .transpose()?;
        options.cursor = self.cursor;
        options.emails = self.emails;
        options.name = self.name;
        options.is_active = self.is_active;
        options.created_at = self.created_at.map(Into::into).unwrap_or_default();
        options.updated_at = self.updated_at.map(Into::into).unwrap_or_default();
        options.sort_by = self
            .sort_by
            .into_iter()
            .map(|sort| {
                let order = match sort.order {
                    SortOrder::Asc => sdk::SortOrder::Asc,
                    SortOrder::Desc => sdk::SortOrder::Desc,
                };
                (sort.field, order)
            })
            .collect();
        options.collections = self
            .collections
            .into_iter()
            .map(|collection| sdk::CollectionRef::new(collection.id))
            .collect();
        if let Some(call) = self.call {
            options.call = call.into_core()?;
        }
        Ok(options)
    }
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct UserPage {
    /// The page's users, in Truto's order.
    pub users: Vec<User>,
    /// The cursor that fetched this page (`null` for the first).
    pub cursor: Option<String>,
    /// The cursor of the next page, `null` on the last: keep it to resume later with
    /// `ListUsersOptions.cursor`.
    pub next_cursor: Option<String>,
}

impl From<sdk::UserPage> for UserPage {
    fn from(page: sdk::UserPage) -> UserPage {
        UserPage {
            users: page.users.into_iter().map(Into::into).collect(),
            cursor: page.cursor,
            next_cursor: page.next_cursor,
        }
    }
}

/// The pages of a listing, fetched one at a time by `next`.
#[derive(uniffi::Object)]
pub struct UserPageStream {
    pages: Mutex<sdk::UserPages>,
}

impl UserPageStream {
    pub(crate) fn new(pages: sdk::UserPages) -> UserPageStream {
        UserPageStream {
            pages: Mutex::new(pages),
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl UserPageStream {
    /// The next page, or `null` after the last one.
    pub async fn next(&self) -> Result<Option<UserPage>, TrutoError> {
        let page = self.pages.lock().await.next_page().await?;
        Ok(page.map(Into::into))
    }
}

/// The users of a listing, one at a time: pages are fetched as `next` reaches them.
#[derive(uniffi::Object)]
pub struct UserStream {
    state: Mutex<(sdk::UserPages, VecDeque<sdk::User>)>,
}

impl UserStream {
    pub(crate) fn new(pages: sdk::UserPages) -> UserStream {
        UserStream {
            state: Mutex::new((pages, VecDeque::new())),
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl UserStream {
    /// The next user, or `null` after the last one.
    pub async fn next(&self) -> Result<Option<User>, TrutoError> {
        let mut state = self.state.lock().await;
        let (pages, buffered) = &mut *state;
        loop {
            if let Some(user) = buffered.pop_front() {
                return Ok(Some(user.into()));
            }
            match pages.next_page().await? {
                Some(page) => buffered.extend(page.users),
                None => return Ok(None),
            }
        }
    }
}
