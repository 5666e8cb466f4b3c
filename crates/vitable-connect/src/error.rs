//! The one error type of the SDK, and everything it carries.
//!
//! Every fallible call returns [`Error`]. Its variants keep apart what went wrong where:
//! bad input caught before sending ([`Error::InvalidInput`], [`Error::InvalidId`]), an
//! answer from the API that is an error ([`Error::Api`]), a request that timed out or never
//! got an answer ([`Error::Timeout`], [`Error::Connection`]), a success response whose body
//! does not match the API's types ([`Error::Decode`]), and configuration problems
//! ([`Error::Config`]). No message ever contains the API key, and SSN-shaped numbers in
//! server text are masked.
//!
//! What a server sends is kept bounded: see [`Error`].

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use http::{HeaderMap, StatusCode};

use crate::redact::{bounded, guarded_headers, one_line, plural, request_id, snippet, thousands};

/// Longest `detail` kept, in characters (before the cut marker).
pub(crate) const MAX_DETAIL_CHARS: usize = 2048;
/// Longest `code` kept, in characters.
pub(crate) const MAX_CODE_CHARS: usize = 256;
/// Most fields of `errors` kept; the rest are counted in `ApiError::omitted_field_errors`.
pub(crate) const MAX_FIELD_ERRORS: usize = 20;
/// Longest field name (a key of `errors`) kept, in characters.
pub(crate) const MAX_FIELD_NAME_CHARS: usize = 128;
/// Most messages kept per field; more are replaced by one `… and N more messages`.
pub(crate) const MAX_MESSAGES_PER_FIELD: usize = 3;
/// Longest field message kept, in characters.
pub(crate) const MAX_FIELD_MESSAGE_CHARS: usize = 256;
/// Longest decode message kept, in characters.
pub(crate) const MAX_DECODE_MESSAGE_CHARS: usize = 1024;
/// Longest JSON path of a decode error kept, in characters.
pub(crate) const MAX_DECODE_PATH_CHARS: usize = 256;

pub use vitable_connect_api::ids::{IdError, IdProblem};

/// The result type of the SDK.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Anything that can go wrong when calling the Vitable Connect API.
///
/// Match on the variant for what happened, and use the methods for what to do next:
/// [`is_retryable`](Self::is_retryable) (may it succeed if sent again?),
/// [`outcome_unknown`](Self::outcome_unknown) (may a write have been applied?),
/// [`status`](Self::status) and [`request_id`](Self::request_id) (for a support ticket).
///
/// ```no_run
/// use vitable_connect::{ApiErrorKind, Client, EmployeeId, Error};
///
/// async fn show(client: &Client, id: &EmployeeId) -> vitable_connect::Result<()> {
///     match client.employees().retrieve(id).await {
///         Ok(employee) => println!("{} {}", employee.member.first_name, employee.member.last_name),
///         // The API answered with an error: its status, kind, message and request id.
///         Err(Error::Api(e)) if e.kind == ApiErrorKind::NotFound => {
///             println!("no such employee (request id {:?})", e.request_id)
///         }
///         Err(Error::Api(e)) => println!("{} refused: {}", e.status, e.message()),
///         // Caught before anything was sent: a limit of the API, or a malformed ID.
///         Err(Error::InvalidInput(e)) => println!("fix the input: {e}"),
///         Err(Error::InvalidId(e)) => println!("not an ID: {e}"),
///         // No answer in time, or none at all; the client already retried.
///         Err(e @ (Error::Timeout { .. } | Error::Connection { .. })) => {
///             println!("the API could not be reached: {e} (retryable: {})", e.is_retryable())
///         }
///         // A new kind of error may be added in a minor release.
///         Err(e) => return Err(e),
///     }
///     Ok(())
/// }
/// ```
///
/// # Bounded and redacted
///
/// What a server sends is kept bounded, so that a hostile or broken server cannot make an
/// error huge: the `detail` keeps at most 2,048 characters, a `code` 256, a request id 128, a
/// decode message 1,024 and its JSON path 256; at most 20 field errors are kept, each name
/// cut to 128 characters, with at most 3 messages of 256 characters each; a header value keeps
/// at most 512 bytes. A cut text ends with `…` and how much was left out, e.g.
/// `… (57,952 more characters)` or `… and 980 more fields`. (An error response's body is read
/// only to its first 64 KiB: a longer one is not parsed, and its start shows as a snippet.)
/// SSNs are masked before
/// anything is cut, so no part of one is left at a cut. The `Display` of an API or decode
/// error is one line of at most about 24,000 characters (most of it field errors), whatever
/// the server sent.
///
/// Nor can a server make an error show a secret: the API key (or a token an interceptor set),
/// wherever the server echoed it (message, code, field names and messages, body, request id,
/// decode message, a redirect's location), is replaced
/// by `<redacted>`, also when a cut left only its start; response headers holding the key or
/// an SSN, and credential headers (`set-cookie`, `www-authenticate`, ...), are marked
/// sensitive, so that `Debug` shows them as `Sensitive`. An [`IdError`] never shows the
/// rejected value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument broke a limit of the API; nothing was sent.
    #[error(transparent)]
    InvalidInput(#[from] InvalidInput),

    /// A string could not be parsed as an ID of the expected kind; nothing was sent.
    #[error(transparent)]
    InvalidId(#[from] IdError),

    /// The API answered with an error status (4xx or 5xx, or another non-success status).
    #[error("{}{}", .0, write_note(.0.write.as_ref()))]
    Api(Box<ApiError>),

    /// No complete answer arrived in time: within the timeout of an attempt (after any
    /// retries), or before the deadline of the whole call.
    #[error(
        "{operation} timed out{}{}{}",
        after.map(|d| format!(" after {d:?}")).unwrap_or_default(),
        if *deadline { " (the deadline of the call)" } else { "" },
        write_note(write.as_ref())
    )]
    #[non_exhaustive]
    Timeout {
        /// The operation, e.g. `enrollments.reissue`.
        operation: &'static str,
        /// The timeout or deadline in force, when known.
        after: Option<Duration>,
        /// Whether the deadline of the whole call ran out, rather than one attempt's timeout.
        deadline: bool,
        /// For a write: its idempotency key and whether it may have been applied.
        write: Option<WriteAttempt>,
        /// The underlying error, when the HTTP client raised it.
        #[source]
        source: Option<reqwest::Error>,
    },

    /// The request could not be delivered or the connection broke before a full answer.
    #[error("{operation} failed to reach the API: {}{}", error_chain(source), write_note(write.as_ref()))]
    #[non_exhaustive]
    Connection {
        /// The operation, e.g. `enrollments.reissue`.
        operation: &'static str,
        /// For a write: its idempotency key and whether it may have been applied.
        write: Option<WriteAttempt>,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// The server answered with a redirect. The API never redirects, so it is not followed:
    /// following it could send a write to another host, or turn it into a read.
    #[error(
        "{operation} was answered with a redirect ({status}) to {}; redirects are not followed",
        location.as_deref().map_or_else(|| "no location".to_owned(), |l| format!("`{l}`"))
    )]
    #[non_exhaustive]
    Redirect {
        /// The operation, e.g. `enrollments.reissue`.
        operation: &'static str,
        /// The redirect's status (or, when a caller's own HTTP client followed redirects, the
        /// status of the response it ended at).
        status: StatusCode,
        /// Where the server pointed (its `Location`, or the URL a caller's HTTP client ended
        /// at), masked like every text from the server.
        location: Option<String>,
        /// For a write: its idempotency key and whether it may have been applied.
        write: Option<WriteAttempt>,
    },

    /// The response's body was larger than the client's maximum response size
    /// ([`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size)); the
    /// rest of it was not read.
    #[error("the response of {operation} ({status}) is larger than the limit of {limit} bytes{}", write_note(write.as_ref()))]
    #[non_exhaustive]
    ResponseTooLarge {
        /// The operation, e.g. `employers.list`.
        operation: &'static str,
        /// The HTTP status of the response.
        status: StatusCode,
        /// The limit in force, in bytes.
        limit: u64,
        /// For a write: its idempotency key and whether it may have been applied.
        write: Option<WriteAttempt>,
    },

    /// A page of a [stream](crate::pagination) held more items than the `limit` it was asked
    /// for: a fault of the server, so the stream ends here instead of trusting the page.
    #[error("page {page} of {operation} held {items} items, more than the limit of {limit} it was asked for")]
    #[non_exhaustive]
    PageTooLong {
        /// The list operation, e.g. `employers.list`.
        operation: &'static str,
        /// The page number.
        page: u64,
        /// The `limit` sent.
        limit: u64,
        /// How many items the page held.
        items: usize,
    },

    /// A success response whose body does not match the API's types.
    #[error(transparent)]
    Decode(Box<DecodeError>),

    /// The client is misconfigured (missing API key, bad base URL, bad header, ...).
    #[error("configuration error: {0}")]
    Config(String),
}

impl Error {
    /// The API error, when the server answered with an error status.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// The `x-request-id` of the response, when there was one: exactly as the server sent it,
    /// for a support ticket, except that it is cut after 128 characters, the API key is
    /// replaced by `<redacted>` should the server echo it there, and an SSN standing as a word
    /// of its own (`123-45-6789`, or nine digits with no letter, digit or `_` beside them) is
    /// masked. Digits inside an ID (`req_d795479794d6f1`) are kept. The same as
    /// [`ApiResponse::request_id`](crate::ApiResponse::request_id) gives for a success.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Decode(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// Whether sending the same request again may succeed: a timeout, a connection failure,
    /// 408, 429 and 5xx, unless the server said otherwise with `x-should-retry`. These are the
    /// failures the client retries by itself. A conflict (409) is not: it does not go away
    /// by itself, unless the server sends `x-should-retry: true`.
    ///
    /// To send a write again, send a clone of its builder, or a new one with the same
    /// [`idempotency_key`](Self::idempotency_key): the API then applies it at most once.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::Connection { .. } => true,
            Error::Api(e) => crate::retry::response_is_retryable(e.status, &e.headers),
            _ => false,
        }
    }

    /// The `Idempotency-Key` that every attempt of a failed write carried (`None` for a read,
    /// or when nothing was sent). Send the write again with this key, and the API applies it
    /// at most once, however many of the attempts reached it.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.write().map(|w| w.idempotency_key.as_str())
    }

    /// `true` when a write failed but may have been applied: an attempt reached the server
    /// and its answer was lost (a timeout, a broken connection) or was a server error (5xx).
    /// It covers the logical write, not only this call: once any attempt with the write's
    /// idempotency key may have been applied, every later error of a call with that key from
    /// the same client (a clone of the builder sent again, or the key given to a new builder)
    /// says `true`, whatever it is (a 429, a 401, ...). The client remembers the last 4,096
    /// such keys.
    ///
    /// Do not treat such a write as not done: send it again with the same
    /// [`idempotency_key`](Self::idempotency_key) (a clone of the builder does), and the API
    /// either applies it or returns the first result.
    pub fn outcome_unknown(&self) -> bool {
        self.write().is_some_and(|w| w.outcome_unknown)
    }

    fn write(&self) -> Option<&WriteAttempt> {
        match self {
            Error::Api(e) => e.write.as_ref(),
            Error::Decode(e) => e.write.as_ref(),
            Error::Timeout { write, .. }
            | Error::Connection { write, .. }
            | Error::Redirect { write, .. }
            | Error::ResponseTooLarge { write, .. } => write.as_ref(),
            _ => None,
        }
    }

    /// Attaches what is known of the write to an error of its call.
    pub(crate) fn with_write(mut self, attempt: Option<WriteAttempt>) -> Self {
        match &mut self {
            Error::Api(e) => e.write = attempt,
            Error::Decode(e) => e.write = attempt,
            Error::Timeout { write, .. }
            | Error::Connection { write, .. }
            | Error::Redirect { write, .. }
            | Error::ResponseTooLarge { write, .. } => *write = attempt,
            _ => {}
        }
        self
    }
}

/// What is known of a write (`POST`, `PUT`, `PATCH`, `DELETE`) that failed; see
/// [`Error::idempotency_key`] and [`Error::outcome_unknown`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WriteAttempt {
    /// The `Idempotency-Key` every attempt carried.
    pub idempotency_key: String,
    /// Whether an attempt with this key may have been applied although no success arrived
    /// (see [`Error::outcome_unknown`]).
    pub outcome_unknown: bool,
}

/// The end of an error's `Display` for a write that may have been applied.
fn write_note(write: Option<&WriteAttempt>) -> String {
    match write {
        Some(w) if w.outcome_unknown => format!(
            "; the write may have been applied: send it again with idempotency key `{}`",
            w.idempotency_key
        ),
        _ => String::new(),
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

/// An argument that breaks a limit of the API. Raised before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field} for {operation}: {problem}")]
#[non_exhaustive]
pub struct InvalidInput {
    /// The operation, e.g. `enrollments.reissue`.
    pub operation: &'static str,
    /// The argument's name as on the wire, e.g. `reason`, or its path inside the body,
    /// e.g. `address.state` or `contribution_classes[0].employer_contribution_cents`.
    pub field: String,
    /// What is wrong, e.g. `must be at most 500 characters (got 612)`.
    pub problem: String,
}

/// The broad class of an API error, from its HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 400: the request was malformed or failed validation.
    BadRequest,
    /// 401: the API key is missing or not accepted.
    Unauthorized,
    /// 403: the API key may not do this.
    Forbidden,
    /// 404: no such resource.
    NotFound,
    /// 409: conflicts with the current state (or an idempotency key reused with another body).
    Conflict,
    /// 422: well-formed but semantically invalid.
    Unprocessable,
    /// 429: too many requests.
    RateLimited,
    /// 5xx: the server failed.
    Server,
    /// Any other non-success status.
    Other,
}

impl ApiErrorKind {
    /// The kind of an HTTP status.
    pub fn from_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            409 => Self::Conflict,
            422 => Self::Unprocessable,
            429 => Self::RateLimited,
            500..=599 => Self::Server,
            _ => Self::Other,
        }
    }
}

/// An error answer from the API.
///
/// `Display` is one line: status, operation, the server's message and the request id, e.g.
/// `404 Not Found from enrollments.reissue: No enrollment matches enrl_8fK2x9 (request id req_123)`.
///
/// Everything taken from the response is bounded (see [`Error`]), SSN-shaped
/// numbers in it are masked, and the API key is replaced by `<redacted>` wherever the server
/// echoed it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation, e.g. `enrollments.reissue`.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The class of error.
    pub kind: ApiErrorKind,
    /// The server's human-readable message (`detail`, else `message` or `error`), when the body
    /// was JSON with one: at most 2,048 characters, then `… (N more characters)`.
    pub detail: Option<String>,
    /// The server's machine-readable `code`, when present: at most 256 characters.
    pub code: Option<String>,
    /// Per-field validation messages (`errors`), when present: at most 20 fields, each name at
    /// most 128 characters, each with at most 3 messages of at most 256 characters (then one
    /// `… and N more messages`).
    pub field_errors: BTreeMap<String, Vec<String>>,
    /// How many fields of `errors` were left out of `field_errors` (beyond the first 20).
    pub omitted_field_errors: usize,
    /// The start of the body (at most 512 characters), when it was not the expected JSON.
    pub body_snippet: Option<String>,
    /// The `x-request-id` response header, when present, as the server sent it (see
    /// [`Error::request_id`]): at most 128 characters.
    pub request_id: Option<String>,
    /// The response headers. A value longer than 512 bytes is cut (ending in
    /// `... (N more bytes)`). Values that are credentials (`set-cookie`, `www-authenticate`,
    /// `authorization`, ...) or that hold the API key or an SSN are marked
    /// [sensitive](http::HeaderValue::is_sensitive), so that `Debug` does not show them; a
    /// header whose name holds the API key or an SSN is left out.
    pub headers: HeaderMap,
    /// For a write: its idempotency key and whether it may have been applied (see
    /// [`Error::outcome_unknown`]).
    pub write: Option<WriteAttempt>,
}

impl ApiError {
    /// Builds the error from a raw response: status, headers and body bytes. The body is read
    /// leniently: JSON with `detail`/`message`, `code` and `errors` is picked apart, anything
    /// else (other JSON, HTML, nothing) is kept as a bounded snippet.
    pub(crate) fn from_parts(
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        body: &[u8],
    ) -> Self {
        let mut error = ApiError {
            operation,
            status,
            kind: ApiErrorKind::from_status(status),
            detail: None,
            code: None,
            field_errors: BTreeMap::new(),
            omitted_field_errors: 0,
            body_snippet: None,
            request_id: request_id(&headers),
            headers: guarded_headers(headers),
            write: None,
        };
        let parsed = serde_json::from_slice::<serde_json::Value>(body).ok();
        let object = parsed.as_ref().and_then(serde_json::Value::as_object);
        if let Some(object) = object {
            let text =
                |key: &str, max: usize| object.get(key).and_then(|v| v.as_str()).map(|s| bounded(s, max));
            error.detail = text("detail", MAX_DETAIL_CHARS)
                .or_else(|| text("message", MAX_DETAIL_CHARS))
                .or_else(|| text("error", MAX_DETAIL_CHARS));
            error.code = text("code", MAX_CODE_CHARS);
            if let Some(fields) = object.get("errors").and_then(|v| v.as_object()) {
                (error.field_errors, error.omitted_field_errors) = field_errors(fields);
            }
        }
        if error.detail.is_none() && error.field_errors.is_empty() {
            error.body_snippet = snippet(body);
        }
        error
    }

    /// The server's message, or the body snippet, or the status's reason phrase.
    pub fn message(&self) -> &str {
        self.detail
            .as_deref()
            .or(self.body_snippet.as_deref())
            .unwrap_or_else(|| self.status.canonical_reason().unwrap_or("no message"))
    }
}

/// The fields of `errors`, bounded (see [`MAX_FIELD_ERRORS`] and the constants after it),
/// and how many fields were left out. Field names are masked and cut like any text; two names
/// that become the same keep their messages together.
fn field_errors(
    fields: &serde_json::Map<String, serde_json::Value>,
) -> (BTreeMap<String, Vec<String>>, usize) {
    // Per field: the messages kept and how many more there were.
    let mut kept: BTreeMap<String, (Vec<String>, usize)> = BTreeMap::new();
    let mut omitted = 0;
    for (name, messages) in fields {
        let name = bounded(name, MAX_FIELD_NAME_CHARS);
        if kept.len() == MAX_FIELD_ERRORS && !kept.contains_key(&name) {
            omitted += 1;
            continue;
        }
        let (list, more) = kept.entry(name).or_default();
        let messages = match messages {
            serde_json::Value::Array(items) => items.as_slice(),
            other => std::slice::from_ref(other),
        };
        for message in messages {
            if list.len() < MAX_MESSAGES_PER_FIELD {
                list.push(value_text(message));
            } else {
                *more += 1;
            }
        }
    }
    let fields = kept
        .into_iter()
        .map(|(name, (mut list, more))| {
            if more > 0 {
                list.push(format!("… and {} more message{}", thousands(more), plural(more)));
            }
            (name, list)
        })
        .collect();
    (fields, omitted)
}

/// A field message as text (a string as it is, anything else as JSON), masked and cut.
fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => bounded(s, MAX_FIELD_MESSAGE_CHARS),
        other => bounded(&other.to_string(), MAX_FIELD_MESSAGE_CHARS),
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} from {}: {}", self.status, self.operation, one_line(self.message()))?;
        if !self.field_errors.is_empty() || self.omitted_field_errors > 0 {
            let mut fields: Vec<String> = self
                .field_errors
                .iter()
                .map(|(field, messages)| format!("{field}: {}", messages.join("; ")))
                .collect();
            if self.omitted_field_errors > 0 {
                let more = self.omitted_field_errors;
                fields.push(format!("… and {} more field{}", thousands(more), plural(more)));
            }
            write!(f, " [{}]", one_line(&fields.join(", ")))?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {})", one_line(id))?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A success response whose body does not match the API's types.
///
/// `Display` names the operation and the JSON path of the bad field, e.g.
/// ``cannot decode the response of enrollments.retrieve at `enrolled_dependents[0].relationship`: invalid type: integer `42`, expected a string ...``.
/// (Values and fields the SDK does not know are not errors: see [`crate::compatibility`].)
///
/// The server answered with success, so a write that ends with this error was applied:
/// do not send it again as if it were not (its `write` says which key it carried).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// The operation, e.g. `enrollments.retrieve`.
    pub operation: &'static str,
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// JSON path of the value that failed, e.g. `enrolled_dependents[0].relationship`
    /// (`.` for the whole document): at most 256 characters.
    pub path: String,
    /// What the decoder said: at most 1,024 characters, then `… (N more characters)`.
    pub message: String,
    /// The start of the body (at most 512 characters).
    pub body_snippet: Option<String>,
    /// The `x-request-id` response header, when present, as the server sent it (see
    /// [`Error::request_id`]): at most 128 characters.
    pub request_id: Option<String>,
    /// For a write: the idempotency key it carried (it was applied: the answer was a success).
    pub write: Option<WriteAttempt>,
}

impl DecodeError {
    /// Decodes `body` as `T` only to find where it fails, and describes that place.
    pub(crate) fn locate<T: serde::de::DeserializeOwned>(
        operation: &'static str,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        fallback: &dyn fmt::Display,
    ) -> Self {
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        let (path, message) = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Err(e) => (e.path().to_string(), e.inner().to_string()),
            // The value itself decodes (e.g. trailing bytes after it): report the original error.
            Ok(_) => (".".to_owned(), fallback.to_string()),
        };
        DecodeError {
            operation,
            status,
            path: bounded(&path, MAX_DECODE_PATH_CHARS),
            message: bounded(&message, MAX_DECODE_MESSAGE_CHARS),
            body_snippet: snippet(body),
            request_id: request_id(headers),
            write: None,
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot decode the response of {} at `{}`: {}",
            self.operation,
            one_line(&self.path),
            one_line(&self.message)
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {})", one_line(id))?;
        }
        if let Some(body) = &self.body_snippet {
            write!(f, "; body starts: {}", one_line(body))?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

/// Replaces the API key wherever the server echoed it into an error, so that neither its
/// `Display` nor its `Debug` shows it: detail, code, field names and messages, body snippet,
/// request id, decode message and path, and header values (a value holding the key is marked
/// sensitive; a header whose name holds it is left out). The key is also found in the form
/// SSN masking gave it (a key with nine digits in a row), and the start of the key left at
/// the end of a text that was cut is replaced too. A key too short to be a real one is left
/// alone (replacing it would garble messages).
impl Error {
    /// The error with the API key (or another credential) hidden wherever the server echoed it:
    /// see [`hide_api_key`].
    pub(crate) fn without_api_key(self, key: &str) -> Self {
        hide_api_key(self, key)
    }
}

fn hide_api_key(mut error: Error, key: &str) -> Error {
    if key.len() < 8 {
        return error;
    }
    let key = crate::redact::KeyForms::new(key);
    let hide = |text: &mut String| key.hide(text);
    match &mut error {
        Error::Api(e) => {
            e.detail
                .iter_mut()
                .chain(&mut e.code)
                .chain(&mut e.body_snippet)
                .chain(&mut e.request_id)
                .for_each(hide);
            if e.field_errors.keys().any(|name| key.shows(name)) {
                let fields = std::mem::take(&mut e.field_errors);
                for (mut name, messages) in fields {
                    hide(&mut name);
                    e.field_errors.entry(name).or_default().extend(messages);
                }
            }
            e.field_errors.values_mut().flatten().for_each(hide);
            key.guard_headers(&mut e.headers);
        }
        Error::Decode(e) => {
            [&mut e.message, &mut e.path].into_iter().for_each(hide);
            e.body_snippet.iter_mut().chain(&mut e.request_id).for_each(hide);
        }
        Error::Redirect { location, .. } => location.iter_mut().for_each(hide),
        _ => {}
    }
    error
}

impl Error {
    /// OpenTelemetry's `error.type` of this error: the status code for an error status,
    /// otherwise a short name of the kind of error.
    pub(crate) fn otel_type(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Error::Api(e) => return Cow::Owned(e.status.as_str().to_owned()),
            Error::Timeout { .. } => "timeout",
            Error::Connection { source, .. } if source.is_connect() => "connect",
            Error::Connection { .. } => "connection",
            Error::Redirect { .. } => "redirect",
            Error::ResponseTooLarge { .. } => "response_too_large",
            Error::Decode(_) => "decode",
            Error::InvalidInput(_) | Error::InvalidId(_) => "invalid_input",
            _ => "_OTHER",
        })
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error::Decode(Box::new(e))
    }
}

#[cfg(test)]
mod hide_api_key_tests {
    use http::{HeaderMap, HeaderValue, StatusCode};

    use super::hide_api_key;
    use super::{ApiError, Error};

    const KEY: &str = "sk_live_ABCDEFGH";

    fn api_error(body: &str, headers: HeaderMap) -> Box<ApiError> {
        let error = ApiError::from_parts("employers.list", StatusCode::BAD_REQUEST, headers, body.as_bytes());
        match hide_api_key(Error::from(error), KEY) {
            Error::Api(error) => error,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_start_of_the_key_left_at_a_cut_is_replaced_from_four_characters() {
        for (left, replaced) in [(3, false), (4, true), (KEY.len() - 1, true)] {
            let code = format!("{}{KEY}", "c".repeat(256 - left));
            let error = api_error(&serde_json::json!({ "code": code }).to_string(), HeaderMap::new());
            let code = error.code.unwrap();
            assert_eq!(code.contains("<redacted>"), replaced, "{left}: {code}");
            assert!(code.contains(&KEY[..left]) != replaced, "{left}: {code}");
        }
    }

    #[test]
    fn field_names_holding_the_key_are_renamed_and_merged() {
        let body = serde_json::json!({ "errors": { KEY: ["a"], format!("x{KEY}"): ["b"], "y": ["c"] } });
        let error = api_error(&body.to_string(), HeaderMap::new());
        let names: Vec<&str> = error.field_errors.keys().map(String::as_str).collect();
        assert_eq!(names, ["<redacted>", "x<redacted>", "y"]);
    }

    #[test]
    fn headers_showing_the_key_are_marked_sensitive_and_named_ones_left_out() {
        let mut headers = HeaderMap::new();
        headers.insert("x-echo", HeaderValue::from_str(&format!("Bearer {KEY}")).unwrap());
        headers.insert("x-plain", HeaderValue::from_static("plain"));
        let name = http::HeaderName::from_bytes(format!("x-{KEY}").to_ascii_lowercase().as_bytes()).unwrap();
        headers.insert(name, HeaderValue::from_static("1"));
        let error = api_error("{}", headers);
        assert!(error.headers["x-echo"].is_sensitive());
        assert!(!error.headers["x-plain"].is_sensitive());
        assert_eq!(error.headers.len(), 2);
    }
}

#[cfg(test)]
mod otel_type_tests {
    use http::{HeaderMap, StatusCode};

    use super::{ApiError, DecodeError, Error, InvalidInput};

    /// A connection error of each kind reqwest makes: refused (nothing listens), and one after
    /// connecting (a listener that closes every connection at once).
    async fn connection_errors() -> (reqwest::Error, reqwest::Error) {
        crate::tls::install_crypto_provider();
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let gone = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let refused_at = gone.local_addr().unwrap();
        drop(gone);
        let refused = client.get(format!("http://{refused_at}/")).send().await.unwrap_err();
        let closing = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let closing_at = closing.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((socket, _)) = closing.accept().await {
                drop(socket);
            }
        });
        let dropped = client.get(format!("http://{closing_at}/")).send().await.unwrap_err();
        (refused, dropped)
    }

    #[tokio::test]
    async fn each_kind_of_error_has_its_own_otel_type() {
        let (refused, dropped) = connection_errors().await;
        assert!(refused.is_connect() && !dropped.is_connect(), "{refused:?} / {dropped:?}");
        let api = ApiError::from_parts("x", StatusCode::NOT_FOUND, HeaderMap::new(), b"{}");
        let not_a_number = serde_json::from_slice::<u8>(b"\"a\"").unwrap_err();
        let decode =
            DecodeError::locate::<u8>("x", StatusCode::OK, &HeaderMap::new(), b"\"a\"", &not_a_number);
        let bad_id = "nope".parse::<crate::ids::EmployeeId>().unwrap_err();
        let cases: Vec<(Error, &str)> = vec![
            (api.into(), "404"),
            (
                Error::Timeout { operation: "x", after: None, deadline: false, write: None, source: None },
                "timeout",
            ),
            (Error::Connection { operation: "x", write: None, source: refused }, "connect"),
            (Error::Connection { operation: "x", write: None, source: dropped }, "connection"),
            (
                Error::Redirect { operation: "x", status: StatusCode::FOUND, location: None, write: None },
                "redirect",
            ),
            (
                Error::ResponseTooLarge { operation: "x", status: StatusCode::OK, limit: 1, write: None },
                "response_too_large",
            ),
            (decode.into(), "decode"),
            (InvalidInput { operation: "x", field: "f".into(), problem: "p".into() }.into(), "invalid_input"),
            (bad_id.into(), "invalid_input"),
            (Error::Config("c".into()), "_OTHER"),
        ];
        for (error, expected) in cases {
            assert_eq!(error.otel_type(), expected, "{error:?}");
        }
    }
}
