//! Hooks around every attempt of every request: change a request before it is sent (a token
//! that rotates, a signing header) and observe how each attempt ended (metrics).
//!
//! Register an [`Interceptor`] with
//! [`ClientBuilder::interceptor`](crate::ClientBuilder::interceptor); several run in the
//! order they were added. Both methods have empty defaults, so an interceptor implements only
//! what it needs:
//!
//! ```
//! use std::sync::atomic::{AtomicU64, Ordering};
//! use vitable_connect::interceptor::{AttemptOutcome, AttemptRequest, Interceptor};
//!
//! /// Counts failed attempts per operation (a stand-in for a metrics library).
//! #[derive(Default)]
//! struct FailedAttempts(AtomicU64);
//!
//! impl Interceptor for FailedAttempts {
//!     fn after_attempt(&self, attempt: &AttemptOutcome<'_>) {
//!         if attempt.error_type().is_some() {
//!             self.0.fetch_add(1, Ordering::Relaxed);
//!         }
//!     }
//! }
//!
//! /// Signs every attempt with a header of its own.
//! struct Signer;
//!
//! impl Interceptor for Signer {
//!     fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
//!         let signature = format!("{}:{}", request.operation(), request.attempt());
//!         request.set_header("x-signature", &signature).expect("a valid header");
//!     }
//! }
//!
//! // Registered through an `Arc`, so that the application keeps a handle to read the count.
//! let failed = std::sync::Arc::new(FailedAttempts::default());
//! let client = vitable_connect::Client::builder()
//!     .api_key("sk_test_123")
//!     .interceptor(failed.clone())
//!     .interceptor(Signer)
//!     .build()?;
//! println!("failed attempts so far: {}", failed.0.load(Ordering::Relaxed));
//! # Ok::<(), vitable_connect::Error>(())
//! ```
//!
//! What an interceptor sees is what the SDK's own logs may show: the operation, the method,
//! the path, the attempt number, the idempotency key, headers by name. A header it sets is
//! sent, never logged; an `Authorization` it sets is marked sensitive like the client's own,
//! and the token in it is hidden from error messages like the API key.

use std::fmt;
use std::time::Duration;

use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, Method, StatusCode};

/// Called around every attempt of every request of a client (retries included).
///
/// Both methods run on the task that sends the request, between the attempts: keep them
/// quick and non-blocking (hand work to a channel or an atomic counter).
pub trait Interceptor: Send + Sync + 'static {
    /// Called before each attempt is sent, with the request as built (the client's and the
    /// request's headers, the API key and the idempotency key already set). May add or
    /// replace headers, e.g. `Authorization` with a fresh token.
    fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
        let _ = request;
    }

    /// Called after each attempt, once its response head arrived or it failed, before the
    /// client decides whether to retry.
    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
        let _ = outcome;
    }
}

/// An interceptor shared behind an `Arc` is one too: register a clone and keep the other to
/// read what it gathered (see the [module docs](self)).
impl<T: Interceptor + ?Sized> Interceptor for std::sync::Arc<T> {
    fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
        (**self).before_attempt(request);
    }

    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
        (**self).after_attempt(outcome);
    }
}

/// One attempt's request, as [`Interceptor::before_attempt`] sees it.
pub struct AttemptRequest<'r> {
    pub(crate) operation: &'static str,
    pub(crate) attempt: u32,
    pub(crate) request: &'r mut reqwest::Request,
}

impl AttemptRequest<'_> {
    /// The operation, e.g. `enrollments.reissue` (or the name given to a
    /// [raw request](crate::Client::raw)).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The attempt's number: 1 for the first, 2 for the first retry, ...
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        self.request.method()
    }

    /// The URL's path, e.g. `/v1/enrollments/enrl_8fK2x9/reissue` (without the query, which
    /// may hold personal data).
    pub fn path(&self) -> &str {
        self.request.url().path()
    }

    /// The idempotency key of a write (the same on every attempt).
    pub fn idempotency_key(&self) -> Option<&str> {
        self.request.headers().get(crate::headers::IDEMPOTENCY_KEY).and_then(|v| v.to_str().ok())
    }

    /// The headers to be sent. (Sensitive values, like `Authorization`, show as `Sensitive`
    /// in `Debug`.)
    pub fn headers(&self) -> &HeaderMap {
        self.request.headers()
    }

    /// Sets header `name` to `value`, replacing any value it had. `Authorization` may be
    /// replaced (its value is marked sensitive); the headers that frame and route the request
    /// (`host`, `content-length`, `transfer-encoding`, ...) and the idempotency key may not.
    pub fn set_header(&mut self, name: &str, value: &str) -> Result<(), HeaderError> {
        let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| HeaderError::Invalid)?;
        if !crate::headers::interceptor_may_set(&header) {
            return Err(HeaderError::Reserved);
        }
        let mut value = HeaderValue::from_str(value).map_err(|_| HeaderError::Invalid)?;
        if crate::headers::is_secret_header(&header) {
            value.set_sensitive(true);
        }
        self.request.headers_mut().insert(header, value);
        Ok(())
    }

    /// Removes header `name` (not one the client needs: see [`Self::set_header`]).
    pub fn remove_header(&mut self, name: &str) -> Result<(), HeaderError> {
        let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| HeaderError::Invalid)?;
        if !crate::headers::interceptor_may_remove(&header) {
            return Err(HeaderError::Reserved);
        }
        self.request.headers_mut().remove(header);
        Ok(())
    }
}

impl fmt::Debug for AttemptRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttemptRequest")
            .field("operation", &self.operation)
            .field("attempt", &self.attempt)
            .field("method", self.method())
            .field("path", &self.path())
            .field("headers", &self.headers().keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Why [`AttemptRequest::set_header`] refused a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HeaderError {
    /// Not a valid header name or value.
    #[error("not a valid header name and value")]
    Invalid,
    /// A header the client sets itself and an interceptor may not change.
    #[error("a header the client sets itself")]
    Reserved,
}

/// How one attempt ended, as [`Interceptor::after_attempt`] sees it.
#[derive(Debug)]
pub struct AttemptOutcome<'r> {
    pub(crate) operation: &'static str,
    pub(crate) attempt: u32,
    pub(crate) method: &'r Method,
    pub(crate) status: Option<StatusCode>,
    pub(crate) latency: Duration,
    pub(crate) failure: Option<AttemptFailure>,
    pub(crate) will_retry: bool,
    pub(crate) request_id: Option<&'r str>,
}

/// Why an attempt got no response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptFailure {
    /// The attempt's timeout, or the call's deadline, passed.
    Timeout,
    /// No connection could be made: nothing was sent.
    Connect,
    /// The connection broke, or another transport error, after the request may have been sent.
    Connection,
}

impl AttemptOutcome<'_> {
    /// The operation, e.g. `enrollments.reissue`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The attempt's number: 1 for the first, 2 for the first retry, ...
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        self.method
    }

    /// The response's status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// Time from sending the attempt to its response head (or its failure).
    pub fn latency(&self) -> Duration {
        self.latency
    }

    /// Why no response arrived, when none did.
    pub fn failure(&self) -> Option<AttemptFailure> {
        self.failure
    }

    /// The kind of error, if the attempt failed, as OpenTelemetry's `error.type` names it: the
    /// status code (`"503"`) for an error status, `"timeout"`, `"connect"` or `"connection"`
    /// without a response; `None` for a success.
    pub fn error_type(&self) -> Option<String> {
        match (self.failure, self.status) {
            (Some(failure), _) => Some(failure_type(failure).to_owned()),
            (None, Some(status)) if !status.is_success() => Some(status.as_str().to_owned()),
            _ => None,
        }
    }

    /// Whether the client will retry after this attempt.
    pub fn will_retry(&self) -> bool {
        self.will_retry
    }

    /// The response's `x-request-id` (SSNs masked, bounded), when it had one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id
    }
}

/// `error.type` of a failure without a response.
pub(crate) fn failure_type(failure: AttemptFailure) -> &'static str {
    match failure {
        AttemptFailure::Timeout => "timeout",
        AttemptFailure::Connect => "connect",
        AttemptFailure::Connection => "connection",
    }
}
