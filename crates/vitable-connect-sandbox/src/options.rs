//! [`SandboxOptions`]: how a sandbox starts.

use std::time::Duration;

use chrono::NaiveDate;

/// The default of [`SandboxOptions::header_read_timeout`].
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);

/// The default of [`SandboxOptions::body_read_timeout`].
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The default of [`SandboxOptions::write_timeout`].
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// The default of [`SandboxOptions::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// The longest timeout taken: longer ones (up to `Duration::MAX`) are cut to this.
pub(crate) const MAX_TIMEOUT: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// How a [`Sandbox`](crate::Sandbox) starts: seeded or empty, which tokens it accepts, which day
/// it takes for today, and whether it logs requests.
///
/// ```
/// use vitable_connect_sandbox::SandboxOptions;
/// let options = SandboxOptions::new()
///     .seed(true)
///     .token("test-key")
///     .today(chrono::NaiveDate::from_ymd_opt(2026, 5, 20).unwrap());
/// assert!(options.is_seeded());
/// ```
#[derive(Clone)]
pub struct SandboxOptions {
    pub(crate) seed: bool,
    pub(crate) tokens: Option<Vec<String>>,
    pub(crate) today: Option<NaiveDate>,
    pub(crate) log_requests: bool,
    pub(crate) header_read_timeout: Duration,
    pub(crate) body_read_timeout: Duration,
    pub(crate) write_timeout: Duration,
    pub(crate) idempotency_max_keys: usize,
    pub(crate) idempotency_max_bytes: usize,
    pub(crate) max_connections: usize,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        Self {
            seed: false,
            tokens: None,
            today: None,
            log_requests: false,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            idempotency_max_keys: crate::idempotency::DEFAULT_MAX_KEYS,
            idempotency_max_bytes: crate::idempotency::DEFAULT_MAX_BYTES,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

impl SandboxOptions {
    /// An empty sandbox that accepts any non-empty bearer token and follows the real date.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts with the demo organization (see [`Demo`](crate::Demo)) when `seed` is true.
    #[must_use]
    pub fn seed(mut self, seed: bool) -> Self {
        self.seed = seed;
        self
    }

    /// Accepts `token` (and the others added this way or by [`tokens`](Self::tokens)) and no
    /// other: every other bearer token gets a 401.
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.tokens.get_or_insert_with(Vec::new).push(token.into());
        self
    }

    /// Accepts exactly these tokens (`None`: any non-empty token).
    #[must_use]
    pub fn tokens<I, T>(mut self, tokens: Option<I>) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.tokens = tokens.map(|t| t.into_iter().map(Into::into).collect());
        self
    }

    /// Takes `today` as the current date (QLE dates and windows, terminations, plan year
    /// statuses, the seed's dates) instead of the real UTC date.
    #[must_use]
    pub fn today(mut self, today: NaiveDate) -> Self {
        self.today = Some(today);
        self
    }

    /// Prints one line per request to stderr: method, path (without query, percent-decoded, with
    /// SSN-shaped text masked as `***-**-****`), status, time taken and request ID. Never a
    /// header, a query or a body, so never a token or an SSN.
    #[must_use]
    pub fn log_requests(mut self, log: bool) -> Self {
        self.log_requests = log;
        self
    }

    /// How long a connection may take to send a request's head (request line and headers),
    /// counted from the moment the server waits for it: a connection that sends part of a head
    /// and falls silent, or stays idle between requests, is closed after this long (without a
    /// response: there is no request to answer). Default [`DEFAULT_HEADER_READ_TIMEOUT`] (5 s);
    /// anything over a year is taken as a year.
    #[must_use]
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout.min(MAX_TIMEOUT);
        self
    }

    /// How long a request's whole body may take to arrive once its head has: a request whose
    /// body is not complete in time gets a 408 `request_timeout` and its connection is closed.
    /// Default [`DEFAULT_BODY_READ_TIMEOUT`] (10 s); anything over a year is taken as a year.
    #[must_use]
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout.min(MAX_TIMEOUT);
        self
    }

    /// How long writing a response may wait for the client to make room: a connection whose
    /// client has read nothing for this long while the sandbox had a response (or part of one)
    /// to send is closed, and the rest of the response is never sent. Without it, a client that
    /// sends requests (pipelined, say) and never reads the responses would hold its connection,
    /// and one of the [`max_connections`](Self::max_connections), for as long as it liked. The
    /// clock runs only while a write waits, and starts over whenever the client takes some of
    /// the response, so a client that reads slowly is not cut off. Default
    /// [`DEFAULT_WRITE_TIMEOUT`] (5 s); anything over a year is taken as a year.
    #[must_use]
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.write_timeout = timeout.min(MAX_TIMEOUT);
        self
    }

    /// How many `Idempotency-Key`s are remembered at most (default 10,000); past it, the oldest
    /// are forgotten first.
    #[must_use]
    pub fn idempotency_max_keys(mut self, keys: usize) -> Self {
        self.idempotency_max_keys = keys;
        self
    }

    /// How many bytes the remembered `Idempotency-Key`s may take at most (default 32 MiB),
    /// counting each key, its path and the response kept for it; past it, the oldest are
    /// forgotten first.
    #[must_use]
    pub fn idempotency_max_bytes(mut self, bytes: usize) -> Self {
        self.idempotency_max_bytes = bytes;
        self
    }

    /// How many connections are served at once (default [`DEFAULT_MAX_CONNECTIONS`], 512; at
    /// least 1). Past it, new connections wait in the listen queue until one closes, so that
    /// clients opening connections without end cannot grow the sandbox's memory without bound.
    #[must_use]
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.max(1);
        self
    }

    /// Whether the sandbox starts seeded.
    pub fn is_seeded(&self) -> bool {
        self.seed
    }

    /// The pinned today, if any.
    pub fn pinned_today(&self) -> Option<NaiveDate> {
        self.today
    }
}

impl std::fmt::Debug for SandboxOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxOptions")
            .field("seed", &self.seed)
            .field("tokens", &self.tokens.as_ref().map(|t| format!("<{} redacted>", t.len())))
            .field("today", &self.today)
            .field("log_requests", &self.log_requests)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("write_timeout", &self.write_timeout)
            .field("idempotency_max_keys", &self.idempotency_max_keys)
            .field("idempotency_max_bytes", &self.idempotency_max_bytes)
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_tokens() {
        let options = SandboxOptions::new().token("super-secret").token("other");
        let shown = format!("{options:?}");
        assert!(!shown.contains("super-secret"), "{shown}");
        assert!(shown.contains("<2 redacted>"));
        let any = SandboxOptions::new().token("a").tokens(None::<Vec<String>>);
        assert!(any.tokens.is_none());
    }
}
