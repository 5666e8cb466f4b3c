//! The [`Client`], its configuration and [`ClientBuilder`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;
use http::header::{AUTHORIZATION, HeaderName, HeaderValue, USER_AGENT};

use crate::error::{Error, Result};
use crate::interceptor::Interceptor;
use crate::retry::RetryPolicy;

/// Environment variable holding the API key, read by [`Client::from_env`].
pub const API_KEY_ENV: &str = "VITABLE_CONNECT_API_KEY";
/// Environment variable overriding the base URL, read by [`Client::from_env`].
pub const BASE_URL_ENV: &str = "VITABLE_CONNECT_BASE_URL";
/// The `User-Agent` every request carries.
pub const USER_AGENT_VALUE: &str = concat!("vitable-connect-rust/", env!("CARGO_PKG_VERSION"));

/// Default time allowed for each attempt of a request, from sending it to the last byte of
/// the response.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default largest response body read, in bytes (a larger one is
/// [`Error::ResponseTooLarge`]): far above any answer of the API, a list page of 100 items
/// included.
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 16 * 1024 * 1024;
/// Default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Which deployment of the API to talk to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Environment {
    /// `https://api.vitablehealth.com` (the default).
    #[default]
    Production,
    /// `https://api.uat.vitablehealth.com`, for testing integrations.
    Uat,
}

impl Environment {
    /// The environment's base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Environment::Production => "https://api.vitablehealth.com",
            Environment::Uat => "https://api.uat.vitablehealth.com",
        }
    }
}

/// Everything a request needs from its client. Shared behind an `Arc`.
pub(crate) struct Config {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    /// `base_url`, parsed once: every request's URL starts as a copy of it.
    pub(crate) base: reqwest::Url,
    /// The headers every request starts with: the operation headers, the default headers
    /// (`User-Agent` and those of [`ClientBuilder::default_header`]) and `Authorization`
    /// (`Bearer <key>`, marked sensitive so `reqwest`/`http` never print it).
    pub(crate) headers: HeaderMap,
    /// The API key, shared with responses so that their errors can hide it.
    pub(crate) secret: Arc<str>,
    pub(crate) timeout: Duration,
    /// The time allowed for a whole call, attempts and waits included, if limited.
    pub(crate) deadline: Option<Duration>,
    pub(crate) max_response_size: u64,
    pub(crate) retry: RetryPolicy,
    /// Called around every attempt, in order.
    pub(crate) interceptors: Arc<[Arc<dyn Interceptor>]>,
    /// The writes that may have been applied without a success arriving; shared with the
    /// clients derived from this one ([`Client::to_builder`]).
    pub(crate) uncertain: Arc<crate::uncertain::UncertainWrites>,
    /// The settings the client was built from, for [`Client::to_builder`].
    pub(crate) settings: ClientBuilder,
}

impl Config {
    /// The API key.
    pub(crate) fn api_key(&self) -> &str {
        &self.secret
    }
}

/// A client of the Vitable Connect API.
///
/// Cheap to clone (one `Arc`), `Send + Sync`; share one per application. Reach every
/// operation through the resource handles:
///
/// ```no_run
/// # async fn run() -> vitable_connect::Result<()> {
/// use vitable_connect::Client;
/// let client = Client::from_env()?;
/// let employers = client.employers().list().limit(10).send().await?;
/// println!("{} employers", employers.len());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) config: Arc<Config>,
}

/// # Making a client
///
/// [`from_env`](Self::from_env) for the environment's settings, [`builder`](Self::builder)
/// to set them in code, [`to_builder`](Self::to_builder) to derive a variant of a client.
/// The settings in force are read back with the getters below.
impl Client {
    /// Starts configuring a client. [`ClientBuilder::api_key`] is required.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A production client with default settings for the given API key.
    pub fn new(api_key: impl Into<String>) -> Result<Self> {
        Self::builder().api_key(api_key).build()
    }

    /// A client configured from the environment: the API key from
    /// `VITABLE_CONNECT_API_KEY` (required) and the base URL from
    /// `VITABLE_CONNECT_BASE_URL` (optional; production otherwise).
    ///
    /// ```no_run
    /// let client = vitable_connect::Client::from_env()?;
    /// # Ok::<(), vitable_connect::Error>(())
    /// ```
    pub fn from_env() -> Result<Self> {
        Self::builder_from_env()?.build()
    }

    /// Like [`Client::from_env`], but returns the builder so more settings can be added.
    pub fn builder_from_env() -> Result<ClientBuilder> {
        let key = std::env::var(API_KEY_ENV).ok().filter(|k| !k.trim().is_empty()).ok_or_else(|| {
            Error::Config(format!(
                "the environment variable {API_KEY_ENV} is not set; it must hold your API key"
            ))
        })?;
        let mut builder = Self::builder().api_key(key);
        if let Some(url) = std::env::var(BASE_URL_ENV).ok().filter(|u| !u.trim().is_empty()) {
            builder = builder.base_url(url);
        }
        Ok(builder)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    /// The time allowed for each request attempt, unless a request overrides it.
    pub fn timeout(&self) -> Duration {
        self.config.timeout
    }

    /// How many times a failed request is retried, unless a request overrides it.
    pub fn max_retries(&self) -> u32 {
        self.config.retry.max_retries()
    }

    /// How a failed request is retried, unless a request overrides it.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.config.retry
    }

    /// The time allowed for a whole call, if limited, unless a request overrides it.
    pub fn deadline(&self) -> Option<Duration> {
        self.config.deadline
    }

    /// The largest response body read, in bytes.
    pub fn max_response_size(&self) -> u64 {
        self.config.max_response_size
    }

    /// A builder holding every setting of this client, to derive a variant of it: another
    /// timeout, another retry policy, one more header or interceptor. The original client
    /// is not changed.
    ///
    /// The derived client shares this one's connection pool unless the derived builder
    /// changes how connections are made (`connect_timeout`, `proxy`, `no_proxy` or
    /// `http_client`), and it shares what this client knows of writes whose outcome is
    /// unknown ([`Error::outcome_unknown`]), so a resend through either says so. Headers
    /// and interceptors added to the builder come after this client's own.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use vitable_connect::Client;
    ///
    /// let client = Client::from_env()?;
    /// // Nightly reports may wait longer, and say who they are.
    /// let reports = client
    ///     .to_builder()
    ///     .timeout(Duration::from_secs(300))
    ///     .default_header("x-job", "nightly-report")
    ///     .build()?;
    /// assert_eq!(client.timeout(), vitable_connect::DEFAULT_TIMEOUT);
    /// # let _ = reports;
    /// # Ok::<(), vitable_connect::Error>(())
    /// ```
    pub fn to_builder(&self) -> ClientBuilder {
        let mut builder = self.config.settings.clone();
        if builder.http_client.is_none() {
            builder.pooled = Some(self.config.http.clone());
        }
        builder.uncertain = Some(self.config.uncertain.clone());
        builder
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.config.base_url)
            .field("api_key", &"<redacted>")
            .field("timeout", &self.config.timeout)
            .field("deadline", &self.config.deadline)
            .field("retry_policy", &self.config.retry)
            .field("max_response_size", &self.config.max_response_size)
            .field("interceptors", &self.config.interceptors.len())
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`].
///
/// ```no_run
/// use std::time::Duration;
/// use vitable_connect::{Client, Environment};
///
/// let client = Client::builder()
///     .api_key("sk_test_123")
///     .environment(Environment::Uat)
///     .timeout(Duration::from_secs(20))
///     .max_retries(3)
///     .default_header("x-partner", "acme-payroll")
///     .build()?;
/// # Ok::<(), vitable_connect::Error>(())
/// ```
#[derive(Default, Clone)]
pub struct ClientBuilder {
    api_key: Option<String>,
    environment: Environment,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    deadline: Option<Duration>,
    retry: RetryPolicy,
    max_response_size: Option<u64>,
    interceptors: Vec<Arc<dyn Interceptor>>,
    default_headers: Vec<(String, String)>,
    http_client: Option<reqwest::Client>,
    proxies: Vec<reqwest::Proxy>,
    no_proxy: bool,
    /// The HTTP client of the client this builder was derived from, reused while the
    /// settings it was built with are unchanged.
    pooled: Option<reqwest::Client>,
    /// The unknown-outcome writes of the client this builder was derived from.
    uncertain: Option<Arc<crate::uncertain::UncertainWrites>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("environment", &self.environment)
            .field("base_url", &self.base_url.as_deref().map(without_credentials))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("deadline", &self.deadline)
            .field("retry_policy", &self.retry)
            .field("max_response_size", &self.max_response_size)
            .field("interceptors", &self.interceptors.len())
            .field("default_headers", &self.default_headers.iter().map(|(k, _)| k).collect::<Vec<_>>())
            .field("custom_http_client", &self.http_client.is_some())
            .field("proxies", &self.proxies.len())
            .field("no_proxy", &self.no_proxy)
            .field("derived", &self.pooled.is_some())
            .finish()
    }
}

impl ClientBuilder {
    /// The API key, sent as `Authorization: Bearer <key>`. Required.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The environment ([`Environment::Production`] by default).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// Overrides the base URL (e.g. a local sandbox, `http://127.0.0.1:4010`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Time allowed for each attempt of a request, from sending it to the last byte of the
    /// response (default 60 s). Must be longer than zero.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time allowed to establish a connection (default 5 s). Ignored with
    /// [`ClientBuilder::http_client`], whose own setting applies.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self.pooled = None;
        self
    }

    /// Time allowed for a whole call: every attempt and every wait between attempts (none by
    /// default). No attempt runs and no wait lasts past it; a wait that would end after it is
    /// not begun, and the call returns the last attempt's error. When it runs out during an
    /// attempt, the call fails with [`Error::Timeout`] whose `deadline` is `true`.
    ///
    /// Without a deadline, a call can take up to `(max_retries + 1) × timeout` plus the
    /// waits between attempts, each at most 60 s when the server asks with `Retry-After`
    /// (8 s otherwise): with the defaults, 3 × 60 s + 2 × 60 s = 5 minutes at worst.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// How many times a failed request is retried (default 2; 0 disables retries): the
    /// number of retries of the [retry policy](Self::retry_policy).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry = self.retry.with_max_retries(retries);
        self
    }

    /// How failed requests are retried: how often, and the backoff between attempts when the
    /// server does not say how long to wait (default [`RetryPolicy::default`]: 2 retries, 0.5 s
    /// doubling to 8 s, 25% jitter). A request can override it with `.retry_policy(..)` or
    /// `.max_retries(..)`. `build` refuses a policy that cannot be used.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Adds an [`Interceptor`], called before and after every attempt of every request (see
    /// [`crate::interceptor`]). Several run in the order they were added.
    pub fn interceptor(mut self, interceptor: impl Interceptor) -> Self {
        self.interceptors.push(Arc::new(interceptor));
        self
    }

    /// The largest response body read, in bytes (default [`DEFAULT_MAX_RESPONSE_SIZE`]). A
    /// success response with a larger body fails with [`Error::ResponseTooLarge`] as soon as
    /// its announced length or the bytes read so far pass the limit, so a call never holds
    /// more than about this much. The body of an error response is read only as far as its
    /// message needs.
    pub fn max_response_size(mut self, bytes: u64) -> Self {
        self.max_response_size = Some(bytes);
        self
    }

    /// A header sent with every request. Checked when the client is built: the headers the
    /// client sets itself (`authorization`, `host`, `content-type`, `idempotency-key`, ...)
    /// are refused. A `user-agent` replaces the SDK's.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Uses your own `reqwest::Client` (proxies, TLS roots, pools...). The API key,
    /// `User-Agent`, default headers, timeout and deadline still apply to every request.
    /// Build it with `redirect(reqwest::redirect::Policy::none())`: the API never redirects,
    /// and a response reached through a redirect is refused ([`Error::Redirect`]) after the
    /// fact, when your client may already have re-sent the request elsewhere.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self.pooled = None;
        self
    }

    /// Sends requests through this proxy (repeatable: the first that applies to a URL is
    /// used). A proxy set here replaces the ones of the environment.
    ///
    /// Without it, the SDK's HTTP client uses the proxies of the environment, as `curl` does:
    /// `HTTPS_PROXY` (or `https_proxy`) for `https` URLs, `HTTP_PROXY` (or `http_proxy`) for
    /// `http` ones, `ALL_PROXY` for both, except for the hosts in `NO_PROXY`. Turn that off
    /// with [`no_proxy`](Self::no_proxy). With [`http_client`](Self::http_client), set
    /// proxies on your own client instead (`build` refuses both at once).
    ///
    /// ```no_run
    /// use vitable_connect::{Client, reqwest::Proxy};
    ///
    /// let proxy = Proxy::https("http://proxy.internal:3128").expect("a proxy URL");
    /// let client = Client::builder().api_key("sk_test_123").proxy(proxy).build()?;
    /// # let _ = client;
    /// # Ok::<(), vitable_connect::Error>(())
    /// ```
    pub fn proxy(mut self, proxy: reqwest::Proxy) -> Self {
        self.proxies.push(proxy);
        self.pooled = None;
        self
    }

    /// Connects directly, ignoring the proxies of the environment (`HTTPS_PROXY`,
    /// `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`) and any set with [`proxy`](Self::proxy).
    pub fn no_proxy(mut self) -> Self {
        self.no_proxy = true;
        self.pooled = None;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client> {
        let settings = ClientBuilder { pooled: None, uncertain: None, ..self.clone() };
        let key = self.api_key.filter(|k| !k.trim().is_empty()).ok_or_else(|| {
            Error::Config(format!("an API key is required (set {API_KEY_ENV} or call api_key)"))
        })?;
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::Config(
                "the API key may only hold visible ASCII characters (no spaces or line breaks)".into(),
            ));
        }
        let mut authorization = HeaderValue::from_str(&format!("Bearer {key}"))
            .map_err(|_| Error::Config("the API key contains characters not allowed in a header".into()))?;
        authorization.set_sensitive(true);

        let base_url = self.base_url.unwrap_or_else(|| self.environment.base_url().to_owned());
        let parsed = parse_base_url(&base_url)?;
        let base_url = base_url.trim_end_matches('/').to_owned();

        let mut default_headers = HeaderMap::new();
        default_headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        for (name, value) in self.default_headers {
            // A name is not echoed: a whole header line pasted as one may hold a secret.
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::Config(format!(
                    "a default header's name ({} bytes) is not a valid header name",
                    name.len()
                ))
            })?;
            let value = HeaderValue::from_str(&value).map_err(|_| {
                Error::Config(format!("the value of header `{header}` is not a valid header value"))
            })?;
            if header == AUTHORIZATION {
                return Err(Error::Config("set the API key with api_key, not as a default header".into()));
            }
            if crate::headers::is_reserved(&header) {
                return Err(Error::Config(format!(
                    "`{header}` is set by the client and cannot be a default header"
                )));
            }
            if header == USER_AGENT {
                // Yours replaces the SDK's, rather than being sent beside it.
                default_headers.remove(USER_AGENT);
            }
            default_headers.append(header, value);
        }

        let positive = |name: &str, value: Option<Duration>| match value {
            Some(d) if d.is_zero() => Err(Error::Config(format!("the {name} must be longer than zero"))),
            _ => Ok(value),
        };
        let timeout = positive("timeout", self.timeout)?.unwrap_or(DEFAULT_TIMEOUT);
        let connect_timeout =
            positive("connect timeout", self.connect_timeout)?.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let deadline = positive("deadline", self.deadline)?;
        if let Some(problem) = self.retry.problem() {
            return Err(Error::Config(format!("the retry policy cannot be used: {problem}")));
        }
        let max_response_size = match self.max_response_size {
            Some(0) => return Err(Error::Config("the maximum response size must be above zero".into())),
            size => size.unwrap_or(DEFAULT_MAX_RESPONSE_SIZE),
        };
        if self.http_client.is_some() && (self.no_proxy || !self.proxies.is_empty()) {
            return Err(Error::Config(
                "proxy and no_proxy do not apply to a client given with http_client; set them on it".into(),
            ));
        }
        let http = match (self.http_client, self.pooled) {
            (Some(client), _) => client,
            // Derived with the same connection settings: the same pool.
            (None, Some(pooled)) => pooled,
            // The transport bounds each attempt itself (the timeout covers the whole body);
            // the API never redirects, so a redirect is an error, not followed.
            (None, None) => {
                crate::tls::install_crypto_provider();
                let mut http = reqwest::Client::builder()
                    .connect_timeout(connect_timeout)
                    .redirect(reqwest::redirect::Policy::none());
                if self.no_proxy {
                    http = http.no_proxy();
                } else {
                    for proxy in self.proxies {
                        http = http.proxy(proxy);
                    }
                }
                http.build().map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        let mut headers = crate::template::operation_headers();
        crate::headers::overlay(&mut headers, &default_headers);
        headers.insert(AUTHORIZATION, authorization);
        Ok(Client {
            config: Arc::new(Config {
                http,
                base: parsed,
                base_url,
                headers,
                secret: key.as_str().into(),
                timeout,
                deadline,
                max_response_size,
                retry: self.retry,
                interceptors: self.interceptors.into(),
                uncertain: self.uncertain.unwrap_or_default(),
                settings,
            }),
        })
    }
}

/// Parses and checks a base URL: an http(s) URL with a host, and nothing that would change
/// where requests go (credentials, a query, a fragment, or the API's own version segment,
/// which every operation's path already starts with).
fn parse_base_url(base_url: &str) -> Result<reqwest::Url> {
    let shown = without_credentials(base_url);
    let bad = |problem: &str| Error::Config(format!("the base URL `{shown}` {problem}"));
    let parsed = reqwest::Url::parse(base_url).map_err(|e| bad(&format!("is not a valid URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(bad("must be an http(s) URL with a host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad("may not hold credentials (`user:password@`); the API key is sent by the client"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(bad("may not have a query (`?`) or a fragment (`#`)"));
    }
    // The last segment as a server would read it: decoded, in any case, without `;` parameters.
    let last = parsed.path_segments().and_then(|mut segments| segments.rfind(|s| !s.is_empty()));
    let last = last.map(|segment| {
        let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy().to_ascii_lowercase();
        decoded.split([';', '/']).next().unwrap_or_default().to_owned()
    });
    if let Some(last) = last
        && crate::operations::ALL.iter().any(|op| op.path.split('/').nth(1) == Some(last.as_str()))
    {
        return Err(bad(&format!(
            "ends with `/{last}`, which every operation's path already starts with; leave it out"
        )));
    }
    Ok(parsed)
}

/// `url` with any `user:password@` replaced, for messages and `Debug`: everything between
/// the scheme and the last `@` (a password may hold `/`, `?` or `#`).
fn without_credentials(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    match url[start..].rfind('@') {
        Some(at) => format!("{}<redacted>@{}", &url[..start], &url[start + at + 1..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_is_send_sync_and_cheap_to_clone() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Client>();
    }

    #[test]
    fn debug_hides_the_api_key() {
        let builder = Client::builder().api_key("sk_live_secret_123");
        assert!(!format!("{builder:?}").contains("sk_live_secret_123"));
        let client = builder.build().unwrap();
        let shown = format!("{client:?} {client:#?}");
        assert!(!shown.contains("sk_live_secret_123"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }

    #[test]
    fn defaults_and_environments() {
        let client = Client::new("k").unwrap();
        assert_eq!(client.base_url(), "https://api.vitablehealth.com");
        assert_eq!(client.timeout(), Duration::from_secs(60));
        assert_eq!(client.max_retries(), 2);
        let uat = Client::builder().api_key("k").environment(Environment::Uat).build().unwrap();
        assert_eq!(uat.base_url(), "https://api.uat.vitablehealth.com");
        let local = Client::builder().api_key("k").base_url("http://127.0.0.1:4010/").build().unwrap();
        assert_eq!(local.base_url(), "http://127.0.0.1:4010");
    }

    #[test]
    fn configuration_errors_are_clear() {
        let missing = Client::builder().build().unwrap_err().to_string();
        assert!(missing.contains("API key is required"), "{missing}");
        let bad_url = Client::builder().api_key("k").base_url("not a url").build().unwrap_err();
        assert!(bad_url.to_string().contains("not a valid URL"), "{bad_url}");
        let bad_header =
            Client::builder().api_key("k").default_header("bad header", "v").build().unwrap_err();
        assert!(
            bad_header.to_string().contains("name (10 bytes) is not a valid header name"),
            "{bad_header}"
        );
        let key_in_error = Client::builder().api_key("sk\nsecret").build().unwrap_err().to_string();
        assert!(!key_in_error.contains("secret"), "{key_in_error}");
    }
}
