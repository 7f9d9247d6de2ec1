//! `create_user`: `POST /unified/ticketing/users`.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::str::FromStr;
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use serde_json::{Map, Value};

use super::{
    CallOptions, USERS_PATH, account_query, call_option_setters, idempotency_key, push_collections,
};
use crate::client::{Client, header_map};
use crate::error::{Error, Result};
use crate::models::{CollectionRef, NewUser, User};
use crate::stream::ResponseStream;
use crate::transport::Call;

/// What Truto puts in the response body (`truto_response_format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum ResponseFormat {
    /// The unified user (the default).
    #[default]
    Unified,
    /// The provider's response, untouched.
    Raw,
    /// The unified mapping in normalized form.
    Normalized,
    /// The body streamed unbuffered.
    Stream,
}

impl ResponseFormat {
    /// The wire value: `unified`, `raw`, `normalized` or `stream`.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseFormat::Unified => "unified",
            ResponseFormat::Raw => "raw",
            ResponseFormat::Normalized => "normalized",
            ResponseFormat::Stream => "stream",
        }
    }
}

impl FromStr for ResponseFormat {
    type Err = Error;

    /// Parses a wire value; anything else is `invalid_input` on `response_format`.
    fn from_str(value: &str) -> Result<ResponseFormat> {
        match value {
            "unified" => Ok(ResponseFormat::Unified),
            "raw" => Ok(ResponseFormat::Raw),
            "normalized" => Ok(ResponseFormat::Normalized),
            "stream" => Ok(ResponseFormat::Stream),
            other => Err(Error::invalid_input(
                "response_format",
                format!("'{other}' is not one of: unified, raw, normalized, stream"),
            )),
        }
    }
}

/// Per-call options of `create_user`. Start from `Default` and set what you need.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CreateUserOptions {
    /// `collections`: projects the user joins (Pivotal Tracker requires one).
    pub collections: Vec<CollectionRef>,
    /// `truto_ignore_remote_data`: leave `remote_data` out of the answer.
    pub ignore_remote_data: bool,
    /// `truto_exclude_fields`: fields to leave out of the answer.
    pub exclude_fields: Vec<String>,
    /// `remote_query`: passed to the provider untransformed (any nested JSON).
    pub remote_query: Option<Map<String, Value>>,
    /// The `Idempotency-Key` (default: a fresh UUID v4 per call, reused by its retries).
    pub idempotency_key: Option<String>,
    /// Per-attempt timeout for this call (default: the client's).
    pub timeout: Option<Duration>,
    /// Retries for this call (default: the client's).
    pub max_retries: Option<u32>,
    /// Extra headers for this call.
    pub headers: Vec<(String, String)>,
}

impl CreateUserOptions {
    /// The options every users call shares.
    fn call_options(&self) -> CallOptions {
        CallOptions {
            ignore_remote_data: self.ignore_remote_data,
            exclude_fields: self.exclude_fields.clone(),
            remote_query: self.remote_query.clone(),
            timeout: self.timeout,
            max_retries: self.max_retries,
            headers: self.headers.clone(),
        }
    }
}

/// The answer of `create_user`, in the shape the response format gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum CreateUserResponse {
    /// `unified`: the created user.
    User(Box<User>),
    /// `raw` or `normalized`: the JSON value Truto answered.
    Json(Value),
    /// `stream`: the whole body, as bytes.
    Bytes(Bytes),
}

impl Client {
    /// Creates a user in the integrated account's tool.
    ///
    /// Returns a request to configure; awaiting it sends the request and gives the
    /// created [`User`]. [`CreateUser::raw`], [`CreateUser::normalized`] and
    /// [`CreateUser::stream`] ask for the other response formats, each with its own type.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let sandbox = truto_sandbox::Sandbox::start(Default::default()).await?;
    /// use truto_ticketing::{Client, Email, NewUser};
    ///
    /// let client = Client::builder()
    ///     .token(sandbox.token())
    ///     .base_url(sandbox.url())
    ///     .build()?;
    /// let new_user = NewUser::new()
    ///     .name("Ada Lovelace")
    ///     .email(Email::primary("ada@example.com"));
    /// let user = client.create_user("sandbox-dixa", &new_user).await?;
    /// assert_eq!(user.name.as_deref(), Some("Ada Lovelace"));
    /// # Ok(()) }
    /// ```
    pub fn create_user<'a>(
        &'a self,
        integrated_account_id: &'a str,
        user: &'a NewUser,
    ) -> CreateUser<'a> {
        CreateUser {
            client: self,
            integrated_account_id,
            user,
            options: CreateUserOptions::default(),
        }
    }

    /// `create_user` with every option and the response format given at once: the entry
    /// point of the language bindings, which choose the format at run time.
    pub async fn create_user_with(
        &self,
        integrated_account_id: &str,
        user: &NewUser,
        options: &CreateUserOptions,
        format: ResponseFormat,
    ) -> Result<CreateUserResponse> {
        let request = CreateUser {
            client: self,
            integrated_account_id,
            user,
            options: options.clone(),
        };
        match format {
            ResponseFormat::Unified => request
                .send()
                .await
                .map(|user| CreateUserResponse::User(Box::new(user))),
            ResponseFormat::Raw => request.raw().await.map(CreateUserResponse::Json),
            ResponseFormat::Normalized => request.normalized().await.map(CreateUserResponse::Json),
            ResponseFormat::Stream => {
                let limit = self.inner.max_response_bytes;
                request
                    .stream()
                    .await?
                    .collect(limit)
                    .await
                    .map(CreateUserResponse::Bytes)
            }
        }
    }
}

/// A `create_user` call being configured. Await it for the unified [`User`].
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct CreateUser<'a> {
    client: &'a Client,
    integrated_account_id: &'a str,
    user: &'a NewUser,
    options: CreateUserOptions,
}

impl<'a> CreateUser<'a> {
    /// Replaces every option at once.
    pub fn options(mut self, options: CreateUserOptions) -> Self {
        self.options = options;
        self
    }

    call_option_setters!(options);

    /// Adds a collection (project) by id.
    pub fn collection(mut self, id: impl Into<String>) -> Self {
        self.options.collections.push(CollectionRef::new(id));
        self
    }

    /// Uses this idempotency key instead of a fresh one: calling again with the same key
    /// and body returns the user the first call created.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.options.idempotency_key = Some(key.into());
        self
    }

    /// Sends the call and reads the unified user.
    pub async fn send(self) -> Result<User> {
        let call = self.prepare(ResponseFormat::Unified)?;
        self.client.inner.execute_json(&call).await
    }

    /// Sends the call with `truto_response_format=raw`: the provider's answer as JSON.
    pub async fn raw(self) -> Result<Value> {
        let call = self.prepare(ResponseFormat::Raw)?;
        self.client.inner.execute_json(&call).await
    }

    /// Sends the call with `truto_response_format=normalized`.
    pub async fn normalized(self) -> Result<Value> {
        let call = self.prepare(ResponseFormat::Normalized)?;
        self.client.inner.execute_json(&call).await
    }

    /// Sends the call with `truto_response_format=stream` and hands back the body
    /// unread; the attempt timeout covers the wait for the response headers only.
    pub async fn stream(self) -> Result<ResponseStream> {
        let call = self.prepare(ResponseFormat::Stream)?;
        let response = self.client.inner.execute_streamed(&call).await?;
        Ok(ResponseStream::new(response))
    }

    /// Validates everything and encodes the request; nothing is sent if this fails.
    pub(crate) fn prepare(&self, format: ResponseFormat) -> Result<Call> {
        let account = self.integrated_account_id;
        let mut query = account_query(account)?;
        self.user.validate()?;
        let options = &self.options;
        push_collections(&mut query, &options.collections)?;
        if format != ResponseFormat::Unified {
            query.push("truto_response_format", format.as_str());
        }
        let call_options = options.call_options();
        call_options.push_query(&mut query)?;
        let idempotency_key = idempotency_key(options.idempotency_key.as_deref())?;
        let client = &self.client.inner;
        let timeout = call_options.timeout(client)?;
        let body = serde_json::to_vec(self.user)
            .map_err(|error| Error::invalid_input("user", error.to_string()))?;
        Ok(Call {
            method: Method::POST,
            path: USERS_PATH.to_owned(),
            account: account.to_owned(),
            query: query.as_str().to_owned(),
            body: Some(Bytes::from(body)),
            idempotency_key: Some(idempotency_key),
            headers: header_map(&options.headers)?,
            timeout,
            max_retries: call_options.max_retries(client),
            secrets: self.user.password.iter().cloned().collect(),
            attempts: None,
        })
    }
}

impl<'a> IntoFuture for CreateUser<'a> {
    type Output = Result<User>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<User>> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
