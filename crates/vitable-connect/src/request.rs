//! What every operation builder shares: per-request options, the raw-response wrapper, and
//! the start of a call (executed by [`transport`](crate::transport)).

use std::fmt;
use std::time::Duration;

use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};

use crate::error::{DecodeError, InvalidInput, Result};
use crate::operations::Operation;
use crate::retry::RetryPolicy;

/// Settings of one request that override the client's; none by default. Boxed, and only
/// when a setting is given, so that a request builder (and the future of its `send()`) stays
/// small.
#[derive(Clone, Default)]
pub(crate) struct RequestOptions(pub(crate) Option<Box<Options>>);

/// The settings of [`RequestOptions`].
#[derive(Clone, Default)]
pub(crate) struct Options {
    pub(crate) timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) headers: HeaderMap,
    pub(crate) idempotency_key: Option<HeaderValue>,
    /// A header or key given by the caller that is not valid, reported when sending.
    pub(crate) invalid: Option<InvalidInput>,
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let options = self.0.as_deref();
        f.debug_struct("RequestOptions")
            .field("timeout", &options.and_then(|o| o.timeout))
            .field("deadline", &options.and_then(|o| o.deadline))
            .field("retry_policy", &options.and_then(|o| o.retry))
            .field("max_retries", &options.and_then(|o| o.max_retries))
            .field("headers", &options.map(|o| o.headers.keys().collect::<Vec<_>>()).unwrap_or_default())
            .field("idempotency_key", &options.and_then(|o| o.idempotency_key.as_ref()))
            .finish()
    }
}

impl RequestOptions {
    /// The options a builder of `operation` starts with: none for a read; for a write, a fresh
    /// idempotency key, so that the builder and its clones are one logical write (see
    /// [`Error::outcome_unknown`](crate::Error::outcome_unknown)).
    pub(crate) fn new(operation: &'static Operation) -> Self {
        Self::for_method(operation.method)
    }

    /// The options a request with HTTP method `method` starts with (see [`Self::new`]).
    pub(crate) fn for_method(method: &str) -> Self {
        if matches!(method, "GET" | "HEAD") {
            return Self::default();
        }
        Self(Some(Box::new(Options {
            idempotency_key: Some(crate::headers::new_key()),
            ..Options::default()
        })))
    }

    /// The settings, to change one.
    pub(crate) fn set(&mut self) -> &mut Options {
        self.0.get_or_insert_with(Box::default)
    }

    pub(crate) fn header(&mut self, name: &str, value: &str) {
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            (Ok(header), _) if header.as_str() == crate::headers::IDEMPOTENCY_KEY => {
                self.idempotency_key(value)
            }
            (Ok(header), _) if crate::headers::is_reserved(&header) => self
                .reject("header", format!("`{header}` is set by the client and cannot be given per request")),
            (Ok(header), Ok(value)) => {
                self.set().headers.append(header, value);
            }
            // Not echoed: a whole header line pasted as a name may hold a secret.
            _ => self.reject(
                "header",
                format!("not a valid header name and value (a name of {} bytes)", name.len()),
            ),
        }
    }

    pub(crate) fn idempotency_key(&mut self, key: &str) {
        let visible = |b: &u8| (0x21..=0x7e).contains(b);
        match HeaderValue::from_str(key) {
            Ok(value) if !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| visible(&b)) => {
                self.set().idempotency_key = Some(value)
            }
            _ => self.reject(
                "idempotency_key",
                "must be 1 to 255 visible ASCII characters (no spaces)".to_owned(),
            ),
        }
    }

    pub(crate) fn timeout(&mut self, field: &'static str, value: Duration) {
        if value.is_zero() {
            return self.reject(field, "must be longer than zero".to_owned());
        }
        let options = self.set();
        match field {
            "deadline" => options.deadline = Some(value),
            _ => options.timeout = Some(value),
        }
    }

    pub(crate) fn retry_policy(&mut self, policy: RetryPolicy) {
        match policy.problem() {
            Some(problem) => self.reject("retry_policy", problem.to_owned()),
            None => self.set().retry = Some(policy),
        }
    }

    /// Records a problem with a setting, reported by `send` (the operation's name is filled in
    /// by [`Client::call`]).
    pub(crate) fn reject(&mut self, field: &'static str, problem: String) {
        self.set().invalid.get_or_insert(InvalidInput { operation: "", field: field.to_owned(), problem });
    }
}

/// The future of an operation builder awaited directly (`client.employers().list().await`):
/// the builder's `send()`, boxed so that its type can be named (one allocation per call,
/// which `.send().await` does without).
pub type SendFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T>> + Send + 'static>>;

/// Adds the per-request setters every operation builder has (`timeout`, `deadline`,
/// `max_retries`, `retry_policy`, `header` and `idempotency_key`), and `IntoFuture`, so that
/// awaiting a builder sends it.
macro_rules! request_options {
    ($builder:ty, $output:ty) => {
        /// `.await` on the builder sends it: the same as [`send`](Self::send).
        impl ::std::future::IntoFuture for $builder {
            type Output = $crate::Result<$output>;
            type IntoFuture = $crate::SendFuture<$output>;

            fn into_future(self) -> Self::IntoFuture {
                #[allow(deprecated)]
                ::std::boxed::Box::pin(self.send())
            }
        }

        $crate::request::request_options!($builder);
    };
    ($builder:ty) => {
        impl $builder {
            /// Overrides the client's timeout for each attempt of this request (it covers
            /// sending the request and reading the whole response). Zero is refused by `send`.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.options.timeout("timeout", timeout);
                self
            }

            /// Overrides the client's deadline for the whole call: every attempt and every wait
            /// between attempts end by then. Zero is refused by `send`.
            pub fn deadline(mut self, deadline: ::std::time::Duration) -> Self {
                self.options.timeout("deadline", deadline);
                self
            }

            /// Overrides the number of retries of the client's (or this request's) retry policy
            /// for this request (0 disables them).
            pub fn max_retries(mut self, retries: u32) -> Self {
                self.options.set().max_retries = Some(retries);
                self
            }

            /// Overrides the client's retry policy for this request. A policy that cannot be
            /// used (a jitter outside 0 to 1, an initial backoff longer than the maximum) is
            /// reported by `send`.
            pub fn retry_policy(mut self, policy: $crate::RetryPolicy) -> Self {
                self.options.retry_policy(policy);
                self
            }

            /// Adds a header to this request. An invalid name or value, or a header the client
            /// sets itself (`authorization`, `host`, `content-length`, ...), is reported by
            /// `send`. An `idempotency-key` header is the same as
            /// [`idempotency_key`](Self::idempotency_key).
            pub fn header(mut self, name: &str, value: &str) -> Self {
                self.options.header(name, value);
                self
            }

            /// Sets the `Idempotency-Key` of this request: 1 to 255 visible ASCII characters.
            /// By default a write's builder gets a fresh random key when it is made, which its
            /// clones share and every retry sends: one builder is one logical write. Set your
            /// own key (e.g. from an ID of yours) to make a write safe to repeat across
            /// processes, or the one of [`Error::idempotency_key`](crate::Error::idempotency_key)
            /// to resend a failed write.
            pub fn idempotency_key(mut self, key: &str) -> Self {
                self.options.idempotency_key(key);
                self
            }
        }
    };
}
pub(crate) use request_options;

/// What an update builder holds for a nullable property: leave it out (the API keeps the
/// value), set it, or clear it (sent as `null`). Set with `.name(value)`, cleared with
/// `.clear_name()`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum Update<T> {
    /// Not sent.
    #[default]
    Keep,
    /// Sent with this value.
    Set(T),
    /// Sent as `null`.
    Clear,
}

impl<T> Update<T> {
    /// Whether the property is sent as `null`.
    pub(crate) fn is_clear(&self) -> bool {
        matches!(self, Self::Clear)
    }
}

/// A decoded response together with its status, headers and the body exactly as received.
///
/// Returned by every builder's `send_with_response()`. The model is [`value`](Self::value)
/// (or [`into_inner`](Self::into_inner)); the methods of `ApiResponse` itself are about the
/// HTTP response: [`http_status`](Self::http_status) is the HTTP status, never a field of the model. The
/// raw body makes a field reachable before the SDK models it (a field the server added later):
///
/// ```no_run
/// # async fn run(client: vitable_connect::Client, id: vitable_connect::ids::EnrollmentId) -> vitable_connect::Result<()> {
/// let response = client.enrollments().retrieve(&id).send_with_response().await?;
/// let status = &response.value().status; // the enrollment's status
/// assert!(response.http_status().is_success()); // the HTTP status
/// let raw = response.json()?; // the whole body, every field the server sent
/// if let Some(note) = raw.get("carrier_note").and_then(|v| v.as_str()) {
///     println!("{status}: {note}");
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ApiResponse<T> {
    pub(crate) http_status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) value: T,
    pub(crate) body: bytes::Bytes,
    pub(crate) operation: &'static str,
    /// The API key, hidden from errors of [`Self::json`].
    pub(crate) secret: std::sync::Arc<str>,
    /// A credential an interceptor sent in place of the API key, hidden like it.
    pub(crate) token: Option<Box<str>>,
    /// The `x-request-id` as shown (see [`Self::request_id`]), worked out when first asked for.
    pub(crate) request_id: std::sync::OnceLock<Option<Box<str>>>,
}

impl<T> ApiResponse<T> {
    /// The HTTP status (`200 OK`, `201 Created`, ...). Named so as not to be taken for a
    /// model's own `status` field, which is `response.value().status`.
    pub fn http_status(&self) -> StatusCode {
        self.http_status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `x-request-id` header, when the server sent one, the same as an error shows it
    /// ([`Error::request_id`](crate::Error::request_id)): as sent, cut after 128 characters,
    /// with the API key hidden and an SSN standing alone masked. The header itself is in
    /// [`headers`](Self::headers).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id
            .get_or_init(|| {
                crate::redact::request_id_hiding(&self.headers, [Some(&self.secret), self.token.as_deref()])
                    .map(String::into_boxed_str)
            })
            .as_deref()
    }

    /// The body as received, before decoding (empty for a response without one).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as a JSON value, with every field the server sent, modeled or not.
    ///
    /// Fails with [`Error::Decode`](crate::Error::Decode) when the body is not JSON (an
    /// operation without a response body has an empty one), and also for JSON that a
    /// [`serde_json::Value`] cannot hold although the typed value decoded (the typed decode
    /// skips fields it does not know, the `Value` keeps them): a number beyond the range of
    /// `f64`, or arrays and objects nested more than 127 deep. The error's message says which;
    /// the bytes are still in [`body`](Self::body).
    pub fn json(&self) -> Result<serde_json::Value> {
        serde_json::from_slice(&self.body).map_err(|e| {
            let (op, status) = (self.operation, self.http_status);
            let mut error =
                DecodeError::locate::<serde_json::Value>(op, status, &self.headers, &self.body, &e);
            if let Some(limit) = crate::decode::value_limit(&e) {
                error.message = format!(
                    "serde_json::Value cannot hold this body ({limit}: {}), although the typed value \
                     decoded; read the bytes with `body()`",
                    error.message
                );
            }
            crate::Error::from(error).without_api_key(&self.secret)
        })
    }

    /// The decoded value (the model), borrowed: `response.value().status` is, say, an
    /// enrollment's status, while [`http_status`](Self::http_status) is the HTTP status.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The decoded value (the model), taken.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// Status, headers and value.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.http_status, self.headers, self.value)
    }
}

/// Shows the status, the headers' names and the body's length: the raw body may hold personal
/// data the SDK does not model (and so cannot redact).
impl<T: fmt::Debug> fmt::Debug for ApiResponse<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiResponse")
            .field("operation", &self.operation)
            .field("http_status", &self.http_status)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("value", &self.value)
            .field("body_len", &self.body.len())
            .finish()
    }
}
