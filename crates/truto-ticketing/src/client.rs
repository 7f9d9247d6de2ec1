//! `Client` and its builder: token, base URL, timeouts, retries, default headers.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderMap, HeaderName, HeaderValue};
use url::Url;

use crate::error::{Error, Result};
use crate::retry::RetryPolicy;
use crate::secret::SecretString;
use crate::tls::Certificate;

/// Truto's API.
pub const DEFAULT_BASE_URL: &str = "https://api.truto.one";
/// The environment variable the token is read from when none is given.
pub const TOKEN_ENV: &str = "TRUTO_API_TOKEN";
/// The environment variable the base URL is read from when none is given.
pub const BASE_URL_ENV: &str = "TRUTO_BASE_URL";
/// Sent as `User-Agent`, followed by what a language binding adds.
pub const USER_AGENT: &str = concat!("truto-ticketing/", env!("CARGO_PKG_VERSION"));
/// The largest response body the SDK reads (10 MiB); a larger one is a `decode` error.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 10 * 1024 * 1024;
/// How long an unused pooled connection is kept open.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// How often an open connection is probed with TCP keep-alive, so that a NAT or load
/// balancer does not forget it while it waits in the pool.
const TCP_KEEPALIVE: Duration = Duration::from_secs(30);

/// A Truto API client. Cheap to clone: clones share one connection pool.
///
/// ```no_run
/// # async fn run() -> truto_ticketing::Result<()> {
/// use std::time::Duration;
/// let client = truto_ticketing::Client::builder()
///     .token("my-api-token")
///     .timeout(Duration::from_secs(30))
///     .max_retries(3)
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) http: reqwest::Client,
    /// The base URL without a trailing slash, so paths append as `{base}{path}`.
    pub(crate) base_url: String,
    /// `base_url` parsed once: each call's URL is derived from it (see `endpoint`),
    /// because parsing the host again on every call cost more than building the request.
    pub(crate) parsed_base_url: Url,
    pub(crate) token: SecretString,
    pub(crate) authorization: HeaderValue,
    pub(crate) default_headers: HeaderMap,
    pub(crate) timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) retry_policy: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    /// The rate-limit windows every call of the client shares (`pacing.rs`).
    pub(crate) pacing: Arc<crate::pacing::Pacing>,
}

impl Client {
    /// A client configured from `TRUTO_API_TOKEN` and `TRUTO_BASE_URL`, with defaults.
    pub fn new() -> Result<Client> {
        Client::builder().build()
    }

    /// Configure a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The default per-attempt timeout.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The default number of retries after a retryable failure.
    pub fn max_retries(&self) -> u32 {
        self.inner.max_retries
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("token", &self.inner.token)
            .field("timeout", &self.inner.timeout)
            .field("max_retries", &self.inner.max_retries)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`]. Every setting has a default; only a token is required (given
/// here or in `TRUTO_API_TOKEN`).
#[derive(Clone)]
pub struct ClientBuilder {
    token: Option<SecretString>,
    base_url: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    max_retries: u32,
    headers: Vec<(String, String)>,
    user_agent_suffix: Option<String>,
    allow_insecure_http: bool,
    retry_policy: RetryPolicy,
    max_response_bytes: usize,
    root_certificates: Vec<Certificate>,
}

impl Default for ClientBuilder {
    fn default() -> ClientBuilder {
        ClientBuilder {
            token: None,
            base_url: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            max_retries: 2,
            headers: Vec::new(),
            user_agent_suffix: None,
            allow_insecure_http: false,
            retry_policy: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            root_certificates: Vec::new(),
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The API token (default: `TRUTO_API_TOKEN`).
    pub fn token(mut self, token: impl Into<SecretString>) -> ClientBuilder {
        self.token = Some(token.into());
        self
    }

    /// The API's base URL (default: `TRUTO_BASE_URL`, else `https://api.truto.one`).
    pub fn base_url(mut self, base_url: impl Into<String>) -> ClientBuilder {
        self.base_url = Some(base_url.into());
        self
    }

    /// How long to wait for a TCP + TLS connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, from sending to the last byte read (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.timeout = timeout;
        self
    }

    /// Retries after a retryable failure (default 2, so at most 3 attempts).
    pub fn max_retries(mut self, max_retries: u32) -> ClientBuilder {
        self.max_retries = max_retries;
        self
    }

    /// A header sent with every request.
    pub fn default_header(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> ClientBuilder {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Text appended to the `User-Agent` (bindings add their language and runtime,
    /// e.g. `python/3.11.7`).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> ClientBuilder {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Allows sending the token over plain `http://` to a host that is not loopback.
    /// Off by default: the token would cross the network readable by anyone on the path.
    pub fn allow_insecure_http(mut self, allow: bool) -> ClientBuilder {
        self.allow_insecure_http = allow;
        self
    }

    /// How attempts are spaced (default: full-jitter backoff from 0.5 s doubling to 8 s,
    /// server-requested waits honoured up to 60 s).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> ClientBuilder {
        self.retry_policy = policy;
        self
    }

    /// The largest response body read (default 10 MiB).
    pub fn max_response_bytes(mut self, limit: usize) -> ClientBuilder {
        self.max_response_bytes = limit;
        self
    }

    /// Trusts `certificate` as a root, besides the operating system's: the CA of a
    /// corporate TLS proxy, or of a local test server. Certificates are always checked;
    /// there is no way to turn that off.
    pub fn add_root_certificate(mut self, certificate: Certificate) -> ClientBuilder {
        self.root_certificates.push(certificate);
        self
    }

    /// [`ClientBuilder::add_root_certificate`] for each certificate, e.g. those of
    /// [`Certificate::from_pem_bundle`].
    pub fn add_root_certificates(
        mut self,
        certificates: impl IntoIterator<Item = Certificate>,
    ) -> ClientBuilder {
        self.root_certificates.extend(certificates);
        self
    }

    /// Checks the configuration and builds the client. Fails with `invalid_input`
    /// naming `token`, `base_url`, `timeout`, `connect_timeout` or `headers`.
    pub fn build(self) -> Result<Client> {
        let token = match self.token {
            Some(token) => token,
            None => match std::env::var(TOKEN_ENV) {
                Ok(token) if !token.trim().is_empty() => SecretString::new(token),
                _ => {
                    return Err(Error::invalid_input(
                        "token",
                        format!("no API token: pass one or set {TOKEN_ENV}"),
                    ));
                }
            },
        };
        let authorization = bearer(&token)?;
        let base_url = match self.base_url {
            Some(url) => url,
            None => std::env::var(BASE_URL_ENV)
                .ok()
                .filter(|url| !url.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()),
        };
        let base_url = check_base_url(&base_url, self.allow_insecure_http)?;
        let parsed_base_url = Url::parse(&base_url).map_err(|error| {
            Error::invalid_input("base_url", format!("'{base_url}' is not a URL: {error}"))
        })?;
        for (field, duration) in [
            ("timeout", self.timeout),
            ("connect_timeout", self.connect_timeout),
        ] {
            if duration.is_zero() {
                return Err(Error::invalid_input(field, "must be greater than zero"));
            }
        }
        let default_headers = header_map(&self.headers)?;
        let user_agent = match &self.user_agent_suffix {
            Some(suffix) => format!("{USER_AGENT} {suffix}"),
            None => USER_AGENT.to_owned(),
        };
        let user_agent = HeaderValue::from_str(&user_agent).map_err(|_| {
            Error::invalid_input("user_agent", "must be printable ASCII without line breaks")
        })?;
        let tls = crate::tls::client_config(&self.root_certificates)?;
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .tcp_keepalive(TCP_KEEPALIVE)
            .tcp_nodelay(true)
            // A redirected POST would turn into a GET or re-send the token elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            // Retries are the core's own (transport.rs). reqwest's layer would otherwise
            // clone every request, headers and all, in case it retried a protocol NACK.
            .retry(reqwest::retry::never().max_retries_per_request(0))
            .user_agent(user_agent)
            .tls_backend_preconfigured(tls)
            .build()
            .map_err(|error| {
                Error::invalid_input(
                    "client",
                    format!("could not start the HTTP client: {error}"),
                )
            })?;
        Ok(Client {
            inner: Arc::new(ClientInner {
                http,
                base_url,
                parsed_base_url,
                token,
                authorization,
                default_headers,
                timeout: self.timeout,
                max_retries: self.max_retries,
                retry_policy: self.retry_policy,
                max_response_bytes: self.max_response_bytes,
                pacing: Arc::default(),
            }),
        })
    }
}

fn bearer(token: &SecretString) -> Result<HeaderValue> {
    let value = token.expose_secret();
    if value.trim().is_empty() {
        return Err(Error::invalid_input("token", "must not be empty"));
    }
    if !value.is_ascii() {
        return Err(Error::invalid_input("token", "must be printable ASCII"));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid_input(
            "token",
            "must not contain whitespace or control characters",
        ));
    }
    let mut header = HeaderValue::from_str(&format!("Bearer {value}"))
        .map_err(|_| Error::invalid_input("token", "must be printable ASCII"))?;
    header.set_sensitive(true);
    Ok(header)
}

/// Parses the base URL and refuses a token-carrying plain-HTTP connection to a
/// non-loopback host unless explicitly allowed.
fn check_base_url(raw: &str, allow_insecure_http: bool) -> Result<String> {
    let url = Url::parse(raw.trim()).map_err(|error| {
        Error::invalid_input("base_url", format!("'{raw}' is not a URL: {error}"))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::invalid_input(
            "base_url",
            "must start with https:// (or http:// for loopback)",
        ));
    }
    let Some(host) = url.host_str() else {
        return Err(Error::invalid_input("base_url", "has no host"));
    };
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid_input(
            "base_url",
            "must not have a query or fragment",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid_input(
            "base_url",
            "must not carry credentials",
        ));
    }
    if url.scheme() == "http" && !allow_insecure_http && !is_loopback(host) {
        return Err(Error::invalid_input(
            "base_url",
            format!(
                "plain http:// to '{host}' would send the API token unencrypted; use https:// \
                 or allow insecure HTTP explicitly"
            ),
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Turns user-given header pairs into a header map, refusing the headers the SDK owns.
pub(crate) fn header_map(pairs: &[(String, String)]) -> Result<HeaderMap> {
    let mut map = HeaderMap::with_capacity(pairs.len());
    for (name, value) in pairs {
        let field = format!("headers.{name}");
        let header_name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::invalid_input(&field, "is not a valid header name"))?;
        if matches!(
            header_name.as_str(),
            "authorization" | "idempotency-key" | "content-length" | "host"
        ) {
            return Err(Error::invalid_input(
                &field,
                "is set by the SDK (use the token or idempotency key options)",
            ));
        }
        let header_value = HeaderValue::from_str(value)
            .map_err(|_| Error::invalid_input(&field, "is not a valid header value"))?;
        map.append(header_name, header_value);
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(result: Result<Client>) -> String {
        result.unwrap_err().field().unwrap().to_owned()
    }

    #[test]
    fn base_url_checks() {
        assert_eq!(
            check_base_url("https://api.truto.one/", false).unwrap(),
            "https://api.truto.one"
        );
        assert_eq!(
            check_base_url("http://127.0.0.1:8080", false).unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(check_base_url("http://localhost:1/v1/", false).is_ok());
        assert!(check_base_url("http://[::1]:9/", false).is_ok());
        assert!(check_base_url("http://api.truto.one", false).is_err());
        assert!(check_base_url("http://api.truto.one", true).is_ok());
        assert!(check_base_url("ftp://example.com", false).is_err());
        assert!(check_base_url("not a url", false).is_err());
        assert!(check_base_url("https://user:pw@example.com", false).is_err());
    }

    #[test]
    fn builder_names_the_bad_setting() {
        let builder = || {
            Client::builder()
                .token("t0ken")
                .base_url("https://api.truto.one")
        };
        assert_eq!(
            field_of(builder().base_url("http://example.com").build()),
            "base_url"
        );
        assert_eq!(field_of(builder().token(" ").build()), "token");
        assert_eq!(field_of(builder().token("a b").build()), "token");
        assert_eq!(
            field_of(builder().timeout(Duration::ZERO).build()),
            "timeout"
        );
        assert_eq!(
            field_of(builder().default_header("Authorization", "x").build()),
            "headers.Authorization"
        );
        assert_eq!(
            field_of(builder().default_header("bad header", "x").build()),
            "headers.bad header"
        );
    }

    #[test]
    fn debug_hides_the_token() {
        let client = Client::builder()
            .token("tok-super-secret")
            .base_url("https://api.truto.one")
            .build()
            .unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("tok-super-secret"), "{shown}");
        assert!(shown.contains("[redacted]"));
    }
}
