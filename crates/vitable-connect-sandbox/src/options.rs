//! [`SandboxOptions`]: how a sandbox starts.

use std::path::{Path, PathBuf};
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

/// The default of [`SandboxOptions::idempotency_max_keys`].
pub const DEFAULT_IDEMPOTENCY_MAX_KEYS: usize = 10_000;

/// The default of [`SandboxOptions::idempotency_max_bytes`] (32 MiB).
pub const DEFAULT_IDEMPOTENCY_MAX_BYTES: usize = 32 * 1024 * 1024;

/// The default of [`SandboxOptions::state_lock_wait`], and how long
/// [`reset_state_file`](crate::reset_state_file) waits for the lock.
pub const DEFAULT_STATE_LOCK_WAIT: Duration = Duration::from_secs(30);

/// The longest timeout taken: longer ones (up to `Duration::MAX`) are cut to this.
pub(crate) const MAX_TIMEOUT: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// How a [`Sandbox`](crate::Sandbox) starts: seeded or empty, which tokens it accepts, which day
/// it takes for today, whether it logs requests, and whether it keeps its data in a
/// [state file](Self::state_file).
///
/// ```
/// use vitable_connect_sandbox::SandboxOptions;
/// let options = SandboxOptions::new()
///     .seed(true)
///     .token("test-key")
///     .today(vitable_connect::chrono::NaiveDate::from_ymd_opt(2026, 5, 20).unwrap());
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
    pub(crate) state_file: Option<PathBuf>,
    pub(crate) state_lock_wait: Duration,
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
            idempotency_max_keys: DEFAULT_IDEMPOTENCY_MAX_KEYS,
            idempotency_max_bytes: DEFAULT_IDEMPOTENCY_MAX_BYTES,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            state_file: None,
            state_lock_wait: DEFAULT_STATE_LOCK_WAIT,
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

    /// How many `Idempotency-Key`s are remembered at most (default
    /// [`DEFAULT_IDEMPOTENCY_MAX_KEYS`], 10,000); past it, the oldest are forgotten first. With 0,
    /// none is remembered: every write runs, however often its key was sent.
    #[must_use]
    pub fn idempotency_max_keys(mut self, keys: usize) -> Self {
        self.idempotency_max_keys = keys;
        self
    }

    /// How many bytes the remembered `Idempotency-Key`s may take at most (default
    /// [`DEFAULT_IDEMPOTENCY_MAX_BYTES`], 32 MiB), counting each key, its path and the response
    /// kept for it; past it, the oldest are forgotten first. A response larger than the whole
    /// bound is not remembered at all.
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

    /// Keeps the sandbox's data in the file at `path` instead of only in memory: it is loaded
    /// at start and saved after every request that may have changed it, so the data outlives
    /// the process.
    ///
    /// * **Start.** The sandbox first takes an exclusive lock on `<path>.lock` (created next to
    ///   the file, and never removed), waiting up to [`state_lock_wait`](Self::state_lock_wait)
    ///   (default [`DEFAULT_STATE_LOCK_WAIT`], 30 s) for another sandbox, in this process or
    ///   another, to let it go; if it cannot, [`Sandbox::start`](crate::Sandbox::start) fails
    ///   with an [`io::ErrorKind::WouldBlock`](std::io::ErrorKind::WouldBlock) error saying that
    ///   the state file is in use by another process. The lock is held until
    ///   [`shutdown`](crate::Sandbox::shutdown) or until the `Sandbox` is dropped, so sandboxes
    ///   sharing a file take turns, and each starts from everything the previous ones saved.
    /// * **An existing file** is loaded whole: every record, the ID counters (new IDs go on
    ///   where they stopped), the clock (timestamps keep increasing; a date pinned by
    ///   [`Sandbox::set_today`](crate::Sandbox::set_today) or `PUT /_sandbox/today` stays
    ///   pinned, unless [`today`](Self::today) pins another), the remembered `Idempotency-Key`s
    ///   (a write resent with the same key after a restart gets its first response again) and,
    ///   when the file was made seeded, the [`Demo`](crate::Demo) IDs. The file wins over
    ///   [`seed`](Self::seed): a file made empty stays without the demo data, a seeded one does
    ///   not get it twice. A file that cannot be read, is not a sandbox state file or has a
    ///   format version this sandbox does not know makes `start` fail with an
    ///   [`io::ErrorKind::InvalidData`](std::io::ErrorKind::InvalidData) error naming the file and
    ///   the problem, and the file is left as it is: the sandbox never starts empty over it.
    /// * **A missing file** (and its missing directories) is created at once, holding what the
    ///   options make (empty, or the demo data).
    /// * **Saving.** After every `POST`, `PUT`, `PATCH` or `DELETE` of the API that gets past
    ///   authentication and reading its body (whether it succeeds, fails or is an idempotent
    ///   replay), after the `/_sandbox` admin routes that change data (today, QLE review) and
    ///   after [`Sandbox::set_today`](crate::Sandbox::set_today) and
    ///   [`Sandbox::set_qle_status`](crate::Sandbox::set_qle_status), the whole state is written
    ///   as JSON (`{"format": 1, ...}`) to `<path>.tmp`, synced to disk and renamed over the file
    ///   (and, on Unix, the directory synced), before the response is sent and while other
    ///   requests wait: a crash at any moment leaves the previous or the new file, whole, and a
    ///   response the client got is on disk. On Unix the file is created with mode `0600`: it
    ///   holds the SSNs sent to the sandbox.
    /// * **A save that fails** (a full disk, say) makes a request that would have succeeded
    ///   answer 500 `state_not_saved` with the reason, and is reported on stderr. The change
    ///   stays in memory and is written by the next save that succeeds: resending the request
    ///   with the same `Idempotency-Key` replays its response and saves again. A failed save
    ///   from [`Sandbox::set_today`](crate::Sandbox::set_today) or
    ///   [`Sandbox::set_qle_status`](crate::Sandbox::set_qle_status) is reported on stderr only.
    ///   A write still in flight when a dropped `Sandbox` has let the file go answers 500 too.
    ///
    /// Faults and request counters are not data and are not kept. [`reset_state_file`]
    /// deletes the file (under the same lock), so that the next start begins afresh.
    ///
    /// [`reset_state_file`]: crate::reset_state_file
    ///
    /// ```
    /// use std::time::Duration;
    /// use vitable_connect_sandbox::SandboxOptions;
    ///
    /// let file = std::env::temp_dir().join("my-app-sandbox.json");
    /// let options = SandboxOptions::new()
    ///     .seed(true) // the first start seeds; later ones load the file
    ///     .state_file(&file)
    ///     .state_lock_wait(Duration::from_secs(5));
    /// assert_eq!(options.state_file_path(), Some(file.as_path()));
    /// // `Sandbox::start(options).await?` now loads the file, or creates it.
    /// ```
    #[must_use]
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }

    /// How long [`Sandbox::start`](crate::Sandbox::start) waits for the lock of its
    /// [state file](Self::state_file) while another sandbox holds it (trying every 20 ms), before
    /// failing with [`io::ErrorKind::WouldBlock`](std::io::ErrorKind::WouldBlock). Default
    /// [`DEFAULT_STATE_LOCK_WAIT`] (30 s); anything over a year is taken as a year.
    #[must_use]
    pub fn state_lock_wait(mut self, wait: Duration) -> Self {
        self.state_lock_wait = wait.min(MAX_TIMEOUT);
        self
    }

    /// The [state file](Self::state_file), if any.
    pub fn state_file_path(&self) -> Option<&Path> {
        self.state_file.as_deref()
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
            .field("state_file", &self.state_file)
            .field("state_lock_wait", &self.state_lock_wait)
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
