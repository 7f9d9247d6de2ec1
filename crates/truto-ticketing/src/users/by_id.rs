//! One user by id: `get_user`, `update_user` and `delete_user`
//! (`GET`, `PATCH` and `DELETE /unified/ticketing/users/{id}`).

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use bytes::Bytes;
use http::Method;
use serde::Deserialize;

use super::{CallOptions, account_query, call_option_setters, idempotency_key};
use crate::client::{Client, header_map};
use crate::error::{Error, Result};
use crate::models::{NewUser, User};
use crate::transport::Call;

impl Client {
    /// Reads one user of the integrated account's tool.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let sandbox = truto_sandbox::Sandbox::start(Default::default()).await?;
    /// # let client = truto_ticketing::Client::builder().token(sandbox.token()).base_url(sandbox.url()).build()?;
    /// use truto_ticketing::{Email, ErrorKind, NewUser};
    ///
    /// let ada = NewUser::new().name("Ada").email(Email::primary("ada@example.com"));
    /// let created = client.create_user("sandbox-dixa", &ada).await?;
    /// let read = client.get_user("sandbox-dixa", &created.id).ignore_remote_data(true).await?;
    /// assert_eq!(read.name.as_deref(), Some("Ada"));
    ///
    /// let missing = client.get_user("sandbox-dixa", "no-such-user").await.unwrap_err();
    /// assert_eq!(missing.kind(), ErrorKind::NotFound);
    /// # Ok(()) }
    /// ```
    pub fn get_user<'a>(&'a self, integrated_account_id: &'a str, id: &'a str) -> GetUser<'a> {
        GetUser {
            client: self,
            integrated_account_id,
            id,
            options: CallOptions::default(),
        }
    }

    /// Changes the fields set in `changes` (the same fields as [`NewUser`]; fields left
    /// unset are not sent, so they keep their value) and returns the updated user.
    ///
    /// Like `create_user`, it sends an `Idempotency-Key` (a fresh UUID v4 unless given)
    /// reused by every retry, so a retried update is applied once.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let sandbox = truto_sandbox::Sandbox::start(Default::default()).await?;
    /// # let client = truto_ticketing::Client::builder().token(sandbox.token()).base_url(sandbox.url()).build()?;
    /// use truto_ticketing::{Email, NewUser};
    ///
    /// let ada = NewUser::new().name("Ada").email(Email::primary("ada@example.com"));
    /// let created = client.create_user("sandbox-dixa", &ada).await?;
    /// let renamed = client
    ///     .update_user("sandbox-dixa", &created.id, &NewUser::new().name("Ada Lovelace"))
    ///     .await?;
    /// assert_eq!(renamed.name.as_deref(), Some("Ada Lovelace"));
    /// assert_eq!(renamed.emails, created.emails);
    /// # Ok(()) }
    /// ```
    pub fn update_user<'a>(
        &'a self,
        integrated_account_id: &'a str,
        id: &'a str,
        changes: &'a NewUser,
    ) -> UpdateUser<'a> {
        UpdateUser {
            client: self,
            integrated_account_id,
            id,
            changes,
            idempotency_key: None,
            options: CallOptions::default(),
        }
    }

    /// Deletes one user and returns its id.
    ///
    /// A retry after a dropped connection may find the user already deleted by the first
    /// attempt: that answer is `not_found` with `attempts() > 1`.
    pub fn delete_user<'a>(
        &'a self,
        integrated_account_id: &'a str,
        id: &'a str,
    ) -> DeleteUser<'a> {
        DeleteUser {
            client: self,
            integrated_account_id,
            id,
            options: CallOptions::default(),
        }
    }

    /// `get_user` with every option given at once: the entry point of the bindings.
    pub async fn get_user_with(
        &self,
        integrated_account_id: &str,
        id: &str,
        options: &CallOptions,
    ) -> Result<User> {
        let request = self.get_user(integrated_account_id, id);
        request.options(options.clone()).await
    }

    /// `update_user` with every option given at once: the entry point of the bindings.
    pub async fn update_user_with(
        &self,
        integrated_account_id: &str,
        id: &str,
        changes: &NewUser,
        idempotency_key: Option<&str>,
        options: &CallOptions,
    ) -> Result<User> {
        let mut request = self.update_user(integrated_account_id, id, changes);
        if let Some(key) = idempotency_key {
            request = request.idempotency_key(key);
        }
        request.options(options.clone()).await
    }

    /// `delete_user` with every option given at once: the entry point of the bindings.
    pub async fn delete_user_with(
        &self,
        integrated_account_id: &str,
        id: &str,
        options: &CallOptions,
    ) -> Result<String> {
        let request = self.delete_user(integrated_account_id, id);
        request.options(options.clone()).await
    }

    /// A call on one user: the shared query and attempt settings.
    fn user_call(
        &self,
        method: Method,
        account: &str,
        id: &str,
        options: &CallOptions,
    ) -> Result<Call> {
        let mut query = account_query(account)?;
        let path = super::user_path(id)?;
        options.push_query(&mut query)?;
        Ok(Call {
            method,
            path,
            account: account.to_owned(),
            query: query.as_str().to_owned(),
            body: None,
            idempotency_key: None,
            headers: header_map(&options.headers)?,
            timeout: options.timeout(&self.inner)?,
            max_retries: options.max_retries(&self.inner),
            secrets: Vec::new(),
            attempts: None,
        })
    }
}

/// A `get_user` call being configured. Await it for the [`User`].
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct GetUser<'a> {
    client: &'a Client,
    integrated_account_id: &'a str,
    id: &'a str,
    options: CallOptions,
}

impl GetUser<'_> {
    /// Replaces every option at once.
    pub fn options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    call_option_setters!(options);

    /// Sends the call and reads the user.
    pub async fn send(self) -> Result<User> {
        let call = self.client.user_call(
            Method::GET,
            self.integrated_account_id,
            self.id,
            &self.options,
        )?;
        self.client.inner.execute_json(&call).await
    }
}

/// An `update_user` call being configured. Await it for the updated [`User`].
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct UpdateUser<'a> {
    client: &'a Client,
    integrated_account_id: &'a str,
    id: &'a str,
    changes: &'a NewUser,
    idempotency_key: Option<String>,
    options: CallOptions,
}

impl UpdateUser<'_> {
    /// Replaces every option but the idempotency key at once.
    pub fn options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    call_option_setters!(options);

    /// Uses this idempotency key instead of a fresh one: the same key and changes again
    /// return the first call's answer without applying the changes twice.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Sends the call and reads the updated user.
    pub async fn send(self) -> Result<User> {
        let call = self.prepare()?;
        self.client.inner.execute_json(&call).await
    }

    fn prepare(&self) -> Result<Call> {
        let mut call = self.client.user_call(
            Method::PATCH,
            self.integrated_account_id,
            self.id,
            &self.options,
        )?;
        if *self.changes == NewUser::default() {
            return Err(Error::invalid_input(
                "changes",
                "no field is set: give at least one field to change",
            ));
        }
        self.changes.validate()?;
        let body = serde_json::to_vec(self.changes)
            .map_err(|error| Error::invalid_input("changes", error.to_string()))?;
        call.body = Some(Bytes::from(body));
        call.idempotency_key = Some(idempotency_key(self.idempotency_key.as_deref())?);
        call.secrets = self.changes.password.iter().cloned().collect();
        Ok(call)
    }
}

/// A `delete_user` call being configured. Await it for the deleted user's id.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct DeleteUser<'a> {
    client: &'a Client,
    integrated_account_id: &'a str,
    id: &'a str,
    options: CallOptions,
}

/// Truto's answer to a delete: `{"id": ...}`.
#[derive(Deserialize)]
struct Deleted {
    id: DeletedId,
}

/// The deleted user's id: a string, or a number read as its decimal string.
#[derive(Deserialize)]
#[serde(untagged)]
enum DeletedId {
    Text(String),
    Number(serde_json::Number),
}

impl DeleteUser<'_> {
    /// Replaces every option at once.
    pub fn options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    call_option_setters!(options);

    /// Sends the call and reads the deleted user's id.
    pub async fn send(self) -> Result<String> {
        let call = self.client.user_call(
            Method::DELETE,
            self.integrated_account_id,
            self.id,
            &self.options,
        )?;
        let Deleted { id } = self.client.inner.execute_json(&call).await?;
        Ok(match id {
            DeletedId::Text(id) => id,
            DeletedId::Number(number) => number.to_string(),
        })
    }
}

macro_rules! into_future {
    ($request:ident => $output:ty) => {
        impl<'a> IntoFuture for $request<'a> {
            type Output = Result<$output>;
            type IntoFuture = Pin<Box<dyn Future<Output = Result<$output>> + Send + 'a>>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}

into_future!(GetUser => User);
into_future!(UpdateUser => User);
into_future!(DeleteUser => String);
