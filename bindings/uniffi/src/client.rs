//! `TrutoClient`: the core `Client` behind a UniFFI object.

use std::collections::HashMap;
use std::sync::{Arc, Once};

use truto_ticketing::{self as sdk, SecretString};

use crate::bulk::{BulkImport, CreateUsersOptions};
use crate::error::TrutoError;
use crate::interval::Interval;
use crate::models::{
    CreateUserOptions, CreateUserResponse, NewUser, ResponseFormat, User, non_negative,
};
use crate::users::{CallOptions, ListUsersOptions, UserPageStream, UserStream};

/// Appended to the core's `User-Agent`.
const USER_AGENT_SUFFIX: &str = concat!("uniffi/", env!("CARGO_PKG_VERSION"));

/// How a client is set up. Every setting left unset takes the core's default.
#[derive(Debug, Clone, PartialEq, Default, uniffi::Record)]
pub struct ClientConfig {
    /// The API token (default: `TRUTO_API_TOKEN`). Never printed.
    #[uniffi(default)]
    pub token: Option<SecretString>,
    /// The API's base URL (default: `TRUTO_BASE_URL`, else `https://api.truto.one`).
    #[uniffi(default)]
    pub base_url: Option<String>,
    /// How long one attempt may take (default 60 s).
    #[uniffi(default)]
    pub timeout: Option<Interval>,
    /// How long to wait for a connection (default 10 s).
    #[uniffi(default)]
    pub connect_timeout: Option<Interval>,
    /// Retries after a retryable failure (default 2, so at most 3 attempts).
    #[uniffi(default)]
    pub max_retries: Option<i32>,
    /// Headers sent with every request.
    #[uniffi(default)]
    pub headers: HashMap<String, String>,
    /// Allows sending the token over plain `http://` to a host that is not loopback.
    #[uniffi(default)]
    pub allow_insecure_http: bool,
    /// PEM text of root certificates to trust besides the system's: a corporate TLS
    /// proxy's CA, or a test server's. Certificates are always checked.
    #[uniffi(default)]
    pub ca_cert: Option<String>,
}

/// A Truto API client. One client serves any number of concurrent calls over one
/// connection pool; close it when done.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct TrutoClient {
    inner: sdk::Client,
}

#[uniffi::export(async_runtime = "tokio")]
impl TrutoClient {
    /// Checks the configuration and builds the client. Fails with `InvalidInput` naming
    /// `token`, `base_url`, `timeout`, `connect_timeout` or `headers.<name>`.
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<Arc<TrutoClient>, TrutoError> {
        install_logging();
        let mut builder = sdk::Client::builder()
            .user_agent_suffix(USER_AGENT_SUFFIX)
            .allow_insecure_http(config.allow_insecure_http);
        if let Some(token) = config.token {
            builder = builder.token(token);
        }
        if let Some(base_url) = config.base_url {
            builder = builder.base_url(base_url);
        }
        if let Some(timeout) = config.timeout {
            builder = builder.timeout(timeout.to_duration("timeout")?);
        }
        if let Some(timeout) = config.connect_timeout {
            builder = builder.connect_timeout(timeout.to_duration("connect_timeout")?);
        }
        if let Some(max_retries) = config.max_retries {
            builder = builder.max_retries(non_negative("max_retries", max_retries)?);
        }
        for (name, value) in config.headers {
            builder = builder.default_header(name, value);
        }
        if let Some(pem) = config.ca_cert {
            builder =
                builder.add_root_certificates(sdk::Certificate::from_pem_bundle(pem.as_bytes())?);
        }
        Ok(Arc::new(TrutoClient {
            inner: builder.build()?,
        }))
    }

    /// Creates a user in the integrated account's tool and returns it as Truto's unified
    /// model. Retries, the idempotency key and validation are the core's: see the README.
    #[uniffi::method(default(options))]
    pub async fn create_user(
        &self,
        integrated_account_id: String,
        user: NewUser,
        options: CreateUserOptions,
    ) -> Result<User, TrutoError> {
        let user = user.into_core();
        let options = options.into_core()?;
        let created = self
            .inner
            .create_user(&integrated_account_id, &user)
            .options(options)
            .await?;
        Ok(created.into())
    }

    /// `createUser` with another response format: `Raw` and `Normalized` answer JSON
    /// text, `Stream` the body's bytes, `Unified` the user.
    pub async fn create_user_with_format(
        &self,
        integrated_account_id: String,
        user: NewUser,
        options: CreateUserOptions,
        format: ResponseFormat,
    ) -> Result<CreateUserResponse, TrutoError> {
        let user = user.into_core();
        let options = options.into_core()?;
        let response = self
            .inner
            .create_user_with(&integrated_account_id, &user, &options, format.into())
            .await?;
        Ok(response.into())
    }

    /// Starts creating a user per row (see `BulkImport`; `createUsers` in Kotlin and
    /// Swift wraps it as a `Flow` and an `AsyncSequence`). Fails with `InvalidInput` for
    /// bad options.
    #[uniffi::method(default(options))]
    pub async fn start_create_users(
        &self,
        integrated_account_id: String,
        options: CreateUsersOptions,
    ) -> Result<Arc<BulkImport>, TrutoError> {
        BulkImport::start(&self.inner, integrated_account_id, options).map(Arc::new)
    }

    /// Reads one user by id. An unknown id is `NotFound`.
    #[uniffi::method(default(options))]
    pub async fn get_user(
        &self,
        integrated_account_id: String,
        id: String,
        options: CallOptions,
    ) -> Result<User, TrutoError> {
        let options = options.into_core()?;
        let user = self
            .inner
            .get_user_with(&integrated_account_id, &id, &options)
            .await?;
        Ok(user.into())
    }

    /// Changes the fields set in `changes` (fields left unset are not sent) and returns
    /// the updated user. Sends an `Idempotency-Key` (a fresh one unless given), reused by
    /// every retry.
    #[uniffi::method(default(idempotency_key = None, options))]
    pub async fn update_user(
        &self,
        integrated_account_id: String,
        id: String,
        changes: NewUser,
        options: CallOptions,
        idempotency_key: Option<String>,
    ) -> Result<User, TrutoError> {
        let changes = changes.into_core();
        let options = options.into_core()?;
        let user = self
            .inner
            .update_user_with(
                &integrated_account_id,
                &id,
                &changes,
                idempotency_key.as_deref(),
                &options,
            )
            .await?;
        Ok(user.into())
    }

    /// Deletes one user and returns its id.
    #[uniffi::method(default(options))]
    pub async fn delete_user(
        &self,
        integrated_account_id: String,
        id: String,
        options: CallOptions,
    ) -> Result<String, TrutoError> {
        let options = options.into_core()?;
        Ok(self
            .inner
            .delete_user_with(&integrated_account_id, &id, &options)
            .await?)
    }

    /// Lists the account's users, page after page (`listUsers` in Kotlin, Java and Swift
    /// reads it as a stream of users). Bad options fail at the first `next`.
    #[uniffi::method(default(options))]
    pub async fn start_list_users(
        &self,
        integrated_account_id: String,
        options: ListUsersOptions,
    ) -> Result<Arc<UserStream>, TrutoError> {
        let options = options.into_core()?;
        let pages = self
            .inner
            .list_users_with(&integrated_account_id, options)
            .pages();
        Ok(Arc::new(UserStream::new(pages)))
    }

    /// The same listing page by page, each page with its cursor (`listUserPages`).
    #[uniffi::method(default(options))]
    pub async fn start_list_user_pages(
        &self,
        integrated_account_id: String,
        options: ListUsersOptions,
    ) -> Result<Arc<UserPageStream>, TrutoError> {
        let options = options.into_core()?;
        let pages = self
            .inner
            .list_users_with(&integrated_account_id, options)
            .pages();
        Ok(Arc::new(UserPageStream::new(pages)))
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }
}

/// `TRUTO_LOG=debug` prints the core's per-attempt events to stderr, as in every language.
fn install_logging() {
    static LOGGING: Once = Once::new();
    LOGGING.call_once(|| {
        truto_ticketing::logging::init_from_env();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_token() {
        let client = TrutoClient::new(ClientConfig {
            token: Some(SecretString::new("tok-very-secret")),
            base_url: Some("https://api.truto.one".into()),
            ..ClientConfig::default()
        })
        .unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("tok-very-secret"), "{shown}");
    }

    #[test]
    fn a_bad_setting_is_invalid_input_naming_it() {
        let error = TrutoClient::new(ClientConfig {
            token: Some(SecretString::new("tok")),
            timeout: Some(Interval(0.0)),
            ..ClientConfig::default()
        })
        .unwrap_err();
        assert!(
            matches!(&error, TrutoError::InvalidInput { field: Some(field), .. } if field == "timeout"),
            "{error:?}"
        );
    }
}
