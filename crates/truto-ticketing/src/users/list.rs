//! `list_users`: `GET /unified/ticketing/users`, page after page through `next_cursor`.
//!
//! Truto answers `{"result": [users], "next_cursor": "..."}`; the next page is asked for
//! with `next_cursor` as a query parameter, until it comes back null (or empty). Pages are
//! fetched one at a time, only when the caller asks for more, so an account of any size
//! is read in flat memory, and each page's cursor lets a caller stop and resume later.

use std::time::SystemTime;

use futures_util::{Stream, TryStreamExt, stream};
use http::Method;
use serde::Deserialize;

use super::{CallOptions, USERS_PATH, account_query, call_option_setters, push_collections};
use crate::client::{Client, header_map};
use crate::error::{Error, ErrorDetails, ErrorKind, Result};
use crate::models::{CollectionRef, User, check_text, format_rfc3339};
use crate::transport::Call;

/// Which way a `sort_by` field sorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortOrder {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

impl SortOrder {
    /// The wire value: `asc` or `desc`.
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Asc => "asc",
            SortOrder::Desc => "desc",
        }
    }
}

/// Bounds on a date-time field (`created_at`, `updated_at`); each one set is sent as
/// `field[op]=RFC 3339`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TimeBounds {
    /// Strictly after (`gt`).
    pub gt: Option<SystemTime>,
    /// At or after (`gte`).
    pub gte: Option<SystemTime>,
    /// Strictly before (`lt`).
    pub lt: Option<SystemTime>,
    /// At or before (`lte`).
    pub lte: Option<SystemTime>,
}

impl TimeBounds {
    fn push_query(&self, field: &str, query: &mut crate::query::QueryString) {
        for (op, bound) in [
            ("gt", self.gt),
            ("gte", self.gte),
            ("lt", self.lt),
            ("lte", self.lte),
        ] {
            if let Some(instant) = bound {
                query.push(&format!("{field}[{op}]"), &format_rfc3339(instant));
            }
        }
    }
}

/// What to list and how. Filters an integration does not support are ignored by Truto,
/// not refused. Start from `Default`.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ListUsersOptions {
    /// Users per page (`limit`; Truto's default when unset).
    pub limit: Option<u32>,
    /// Start from this page: a [`UserPage::next_cursor`] of an earlier listing.
    pub cursor: Option<String>,
    /// Users with any of these email addresses (`emails[]`).
    pub emails: Vec<String>,
    /// Users whose name matches (`name`).
    pub name: Option<String>,
    /// Active or inactive users only (`is_active`).
    pub is_active: Option<bool>,
    /// Bounds on `created_at`.
    pub created_at: TimeBounds,
    /// Bounds on `updated_at`.
    pub updated_at: TimeBounds,
    /// `sort_by[field]=asc|desc`, in order.
    pub sort_by: Vec<(String, SortOrder)>,
    /// `collections`: the projects to list (Pivotal Tracker requires one).
    pub collections: Vec<CollectionRef>,
    /// The options every users call takes.
    pub call: CallOptions,
}

/// One page of users, with the cursors that fetched it and that fetch the next one.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UserPage {
    /// The page's users, in Truto's order.
    pub users: Vec<User>,
    /// The cursor that fetched this page (`None` for the first).
    pub cursor: Option<String>,
    /// The cursor of the next page; `None` on the last. Keep it to resume later with
    /// [`ListUsers::cursor`].
    pub next_cursor: Option<String>,
}

impl Client {
    /// Lists the integrated account's users, page after page through `next_cursor`.
    ///
    /// Returns a request to configure (filters, page size, a cursor to resume from); then
    /// [`ListUsers::stream`] yields users one by one, [`ListUsers::pages`] page by page
    /// with each page's cursor, and [`ListUsers::collect_all`] gathers every user. Pages are
    /// fetched only as they are read.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let sandbox = truto_sandbox::Sandbox::start(Default::default()).await?;
    /// # let client = truto_ticketing::Client::builder().token(sandbox.token()).base_url(sandbox.url()).build()?;
    /// use futures_util::TryStreamExt;
    /// use truto_ticketing::{Email, NewUser};
    ///
    /// for n in 1..=5 {
    ///     let user = NewUser::new().name(format!("User {n}")).email(Email::primary(format!("u{n}@example.com")));
    ///     client.create_user("sandbox-teamwork", &user).await?;
    /// }
    /// let users: Vec<_> = client.list_users("sandbox-teamwork").limit(2).stream().try_collect().await?;
    /// assert_eq!(users.len(), 5);
    ///
    /// let mut pages = client.list_users("sandbox-teamwork").limit(2).pages();
    /// let first = pages.next_page().await?.unwrap();
    /// let rest = client.list_users("sandbox-teamwork").limit(2).cursor(first.next_cursor.unwrap());
    /// assert_eq!(rest.collect_all().await?.len(), 3);
    /// # Ok(()) }
    /// ```
    pub fn list_users(&self, integrated_account_id: &str) -> ListUsers {
        ListUsers {
            client: self.clone(),
            integrated_account_id: integrated_account_id.to_owned(),
            options: ListUsersOptions::default(),
        }
    }

    /// `list_users` with every option given at once: the entry point of the bindings.
    pub fn list_users_with(
        &self,
        integrated_account_id: &str,
        options: ListUsersOptions,
    ) -> ListUsers {
        self.list_users(integrated_account_id).options(options)
    }
}

/// A listing being configured. Read it with [`ListUsers::stream`], [`ListUsers::pages`] or
/// [`ListUsers::collect_all`]; nothing is sent before.
#[must_use = "a listing does nothing until it is read"]
#[derive(Debug, Clone)]
pub struct ListUsers {
    client: Client,
    integrated_account_id: String,
    options: ListUsersOptions,
}

impl ListUsers {
    /// Replaces every option at once.
    pub fn options(mut self, options: ListUsersOptions) -> Self {
        self.options = options;
        self
    }

    call_option_setters!(options.call);

    /// Users per page.
    pub fn limit(mut self, limit: u32) -> Self {
        self.options.limit = Some(limit);
        self
    }

    /// Starts from this page: a [`UserPage::next_cursor`] of an earlier listing.
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.options.cursor = Some(cursor.into());
        self
    }

    /// Users with this email address (call again for any of several).
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.options.emails.push(email.into());
        self
    }

    /// Users whose name matches.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.options.name = Some(name.into());
        self
    }

    /// Active (`true`) or inactive (`false`) users only.
    pub fn is_active(mut self, active: bool) -> Self {
        self.options.is_active = Some(active);
        self
    }

    /// Bounds on `created_at`.
    pub fn created_at(mut self, bounds: TimeBounds) -> Self {
        self.options.created_at = bounds;
        self
    }

    /// Bounds on `updated_at`.
    pub fn updated_at(mut self, bounds: TimeBounds) -> Self {
        self.options.updated_at = bounds;
        self
    }

    /// Sorts by `field` (after any earlier `sort_by`).
    pub fn sort_by(mut self, field: impl Into<String>, order: SortOrder) -> Self {
        self.options.sort_by.push((field.into(), order));
        self
    }

    /// Lists this collection (project) only; Pivotal Tracker requires one.
    pub fn collection(mut self, id: impl Into<String>) -> Self {
        self.options.collections.push(CollectionRef::new(id));
        self
    }

    /// The pages, one at a time. Every option is checked when the first page is asked for,
    /// before anything is sent.
    pub fn pages(self) -> UserPages {
        UserPages {
            next: Some(self.options.cursor.clone()),
            listing: self,
            query: None,
        }
    }

    /// Every user, page after page.
    pub fn stream(self) -> impl Stream<Item = Result<User>> + Send + Unpin + 'static {
        Box::pin(
            self.pages()
                .into_stream()
                .map_ok(|page| stream::iter(page.users.into_iter().map(Ok)))
                .try_flatten(),
        )
    }

    /// Every user in one `Vec` (an account's users all in memory: prefer
    /// [`ListUsers::stream`] for large accounts).
    pub async fn collect_all(self) -> Result<Vec<User>> {
        self.stream().try_collect().await
    }

    /// The query of every page but the cursor, checked.
    fn query(&self) -> Result<String> {
        let options = &self.options;
        let mut query = account_query(&self.integrated_account_id)?;
        if let Some(limit) = options.limit {
            if limit == 0 {
                return Err(Error::invalid_input("limit", "must be 1 or more"));
            }
            query.push("limit", &limit.to_string());
        }
        for (index, email) in options.emails.iter().enumerate() {
            check_text(format_args!("emails[{index}]"), email)?;
        }
        if !options.emails.is_empty() {
            let emails = options.emails.iter().cloned().map(Into::into).collect();
            query.push_json("emails", &serde_json::Value::Array(emails));
        }
        if let Some(name) = &options.name {
            check_text("name", name)?;
            query.push("name", name);
        }
        if let Some(active) = options.is_active {
            query.push("is_active", if active { "true" } else { "false" });
        }
        options.created_at.push_query("created_at", &mut query);
        options.updated_at.push_query("updated_at", &mut query);
        for (field, order) in &options.sort_by {
            check_text("sort_by", field)?;
            query.push(&format!("sort_by[{field}]"), order.as_str());
        }
        push_collections(&mut query, &options.collections)?;
        if let Some(cursor) = &options.cursor {
            check_text("cursor", cursor)?;
        }
        options.call.push_query(&mut query)?;
        Ok(query.as_str().to_owned())
    }
}

/// The pages of a listing, fetched one at a time by [`UserPages::next_page`].
#[derive(Debug)]
pub struct UserPages {
    listing: ListUsers,
    /// The cursor of the page to fetch next (`Some(None)`: the first page); `None` once
    /// the last page was read.
    next: Option<Option<String>>,
    /// The query without the cursor, checked with the first page.
    query: Option<String>,
}

/// A page as Truto sends it; fields beyond these (`prev_cursor`, `result_count`) are not
/// needed to page.
#[derive(Deserialize)]
struct PageBody {
    result: Vec<User>,
    #[serde(default)]
    next_cursor: Option<String>,
}

impl UserPages {
    /// The next page, or `None` after the last one.
    pub async fn next_page(&mut self) -> Result<Option<UserPage>> {
        let Some(cursor) = self.next.clone() else {
            return Ok(None);
        };
        let query = match &self.query {
            Some(query) => query.clone(),
            None => {
                let query = self.listing.query()?;
                self.query = Some(query.clone());
                query
            }
        };
        let call = self.call(query, cursor.as_deref())?;
        let body: PageBody = self.listing.client.inner.execute_json(&call).await?;
        let next_cursor = body.next_cursor.filter(|next| !next.is_empty());
        if next_cursor.is_some() && next_cursor == cursor {
            self.next = None;
            return Err(Error::new(
                ErrorKind::Decode,
                ErrorDetails {
                    message: "the API answered with the cursor it was asked for: paging \
                              would never end"
                        .to_owned(),
                    ..ErrorDetails::default()
                },
            ));
        }
        self.next = next_cursor.clone().map(Some);
        Ok(Some(UserPage {
            users: body.result,
            cursor,
            next_cursor,
        }))
    }

    /// The cursor of the page [`UserPages::next_page`] fetches next (`None` for the first
    /// page and after the last).
    pub fn next_cursor(&self) -> Option<&str> {
        self.next.as_ref().and_then(|cursor| cursor.as_deref())
    }

    /// The pages as a stream.
    pub fn into_stream(self) -> impl Stream<Item = Result<UserPage>> + Send + Unpin + 'static {
        Box::pin(stream::try_unfold(self, |mut pages| async move {
            Ok(pages.next_page().await?.map(|page| (page, pages)))
        }))
    }

    fn call(&self, mut query: String, cursor: Option<&str>) -> Result<Call> {
        if let Some(cursor) = cursor {
            let mut with_cursor = crate::query::QueryString::new();
            with_cursor.push("next_cursor", cursor);
            query.push('&');
            query.push_str(with_cursor.as_str());
        }
        let client = &self.listing.client.inner;
        let options = &self.listing.options.call;
        Ok(Call {
            method: Method::GET,
            path: USERS_PATH.to_owned(),
            account: self.listing.integrated_account_id.clone(),
            query,
            body: None,
            idempotency_key: None,
            headers: header_map(&options.headers)?,
            timeout: options.timeout(client)?,
            max_retries: options.max_retries(client),
            secrets: Vec::new(),
            attempts: None,
        })
    }
}
