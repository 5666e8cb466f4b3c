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

use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

use crate::redact::{mask_ssns, request_id_shown};

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
/// Longest `x-request-id` kept, in characters.
pub(crate) const MAX_REQUEST_ID_CHARS: usize = 128;
/// Longest decode message kept, in characters.
pub(crate) const MAX_DECODE_MESSAGE_CHARS: usize = 1024;
/// Longest JSON path of a decode error kept, in characters.
pub(crate) const MAX_DECODE_PATH_CHARS: usize = 256;
/// Longest response header value an [`ApiError`] keeps, in bytes.
pub(crate) const MAX_HEADER_VALUE_BYTES: usize = 512;

pub use vitable_connect_api::ids::{IdError, IdProblem};

/// The result type of the SDK.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Anything that can go wrong when calling the Vitable Connect API.
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

/// How much of an unexpected body an error keeps.
pub(crate) const SNIPPET_CHARS: usize = 512;

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

/// `text` with its SSNs masked, then cut after `max` characters (at a character boundary),
/// ending with `… (N more characters)`. Masking comes first, so that no part of an SSN is
/// left at the cut.
pub(crate) fn bounded(text: &str, max: usize) -> String {
    cut(mask_ssns(text), max)
}

/// `text` cut after `max` characters (at a character boundary), ending with
/// `… (N more characters)`.
fn cut(text: Cow<'_, str>, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.into_owned(),
        Some((cut, _)) => {
            let more = text[cut..].chars().count();
            format!("{}{CUT_MARK} ({} more character{})", &text[..cut], thousands(more), plural(more))
        }
    }
}

/// What ends the kept part of a cut text.
const CUT_MARK: &str = "…";

/// What ends the kept part of a cut header value (ASCII, as a header value wants).
const HEADER_CUT_MARK: &str = "...";

/// The part of `text` kept before a cut, when it was cut by [`bounded`], [`snippet`] or
/// [`guarded_headers`] (as far as the text shows: a server can end a text with the same
/// marker, which only makes this answer more often).
pub(crate) fn kept_before_cut(text: &str) -> Option<&str> {
    let counted = |marker: &str, unit: &str| {
        let rest = text.strip_suffix(')')?;
        let at = rest.rfind(marker)?;
        let count = rest[at + marker.len()..].strip_prefix(" (")?.strip_suffix(unit)?;
        let count = count.strip_suffix(' ').unwrap_or(count);
        count.bytes().all(|b| b.is_ascii_digit() || b == b',').then_some(&text[..at])
    };
    counted(CUT_MARK, "more characters")
        .or_else(|| counted(CUT_MARK, "more character"))
        .or_else(|| counted(HEADER_CUT_MARK, "more bytes"))
        .or_else(|| counted(HEADER_CUT_MARK, "more byte"))
        .or_else(|| text.strip_suffix(CUT_MARK))
}

/// `n` with a comma between thousands, e.g. `49,997,952`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The response headers as an [`ApiError`] keeps them: credentials and values holding an SSN
/// marked sensitive, a header whose name holds an SSN left out, values longer than
/// [`MAX_HEADER_VALUE_BYTES`] cut (after the check for SSNs, so a cut one is still marked).
fn guarded_headers(headers: HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::with_capacity(headers.len());
    let mut current: Option<HeaderName> = None;
    for (name, mut value) in headers {
        if let Some(name) = name {
            current = Some(name);
        }
        let Some(name) = &current else { continue };
        if mask_ssns(name.as_str()) != name.as_str() {
            continue;
        }
        if crate::redact::is_secret_header(name) || shows_ssn(value.as_bytes()) {
            value.set_sensitive(true);
        }
        if value.len() > MAX_HEADER_VALUE_BYTES {
            value = cut_header_value(&value);
        }
        out.append(name.clone(), value);
    }
    out
}

/// Whether `bytes`, read as text, hold an SSN.
fn shows_ssn(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    mask_ssns(&text) != text
}

/// A header value cut to [`MAX_HEADER_VALUE_BYTES`] (not inside a UTF-8 character), ending
/// with `... (N more bytes)`, sensitive if `value` was.
fn cut_header_value(value: &HeaderValue) -> HeaderValue {
    let bytes = value.as_bytes();
    let mut cut = MAX_HEADER_VALUE_BYTES;
    while cut > 0 && bytes[cut] & 0xC0 == 0x80 {
        cut -= 1;
    }
    let more = bytes.len() - cut;
    let mut kept = bytes[..cut].to_vec();
    kept.extend_from_slice(
        format!("{HEADER_CUT_MARK} ({} more byte{})", thousands(more), plural(more)).as_bytes(),
    );
    let mut cut =
        HeaderValue::from_bytes(&kept).expect("part of a header value and ASCII are a header value");
    cut.set_sensitive(value.is_sensitive());
    cut
}

/// The first [`SNIPPET_CHARS`] characters of a body, lossily decoded, with SSNs masked.
pub(crate) fn snippet(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    // Mask before cutting, so that an SSN straddling the limit is not left half visible.
    let masked = mask_ssns(trimmed);
    let mut out: String = masked.chars().take(SNIPPET_CHARS).collect();
    if masked.chars().count() > SNIPPET_CHARS {
        out.push_str(CUT_MARK);
    }
    Some(out)
}

/// Text from outside (a URL, an HTTP client's message) as an error may show it: SSNs masked,
/// one line, at most [`SNIPPET_CHARS`] characters.
pub(crate) fn shown_text(text: &str) -> String {
    one_line(&snippet(text.as_bytes()).unwrap_or_default())
}

/// The `x-request-id` header, if present and readable, as the server sent it (only an SSN
/// standing alone in it is masked: see [`request_id_shown`]), at most
/// [`MAX_REQUEST_ID_CHARS`] characters. The API key is hidden by the caller.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    let id = headers.get("x-request-id")?.to_str().ok()?;
    Some(cut(request_id_shown(id), MAX_REQUEST_ID_CHARS))
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

/// Characters that end a line somewhere: CR, LF, vertical tab, form feed, NEL and the Unicode
/// line and paragraph separators.
const LINE_BREAKS: [char; 7] = ['\r', '\n', '\u{0B}', '\u{0C}', '\u{85}', '\u{2028}', '\u{2029}'];

/// `text` with line breaks turned into spaces, so that a `Display` stays one line.
fn one_line(text: &str) -> String {
    text.replace(LINE_BREAKS, " ")
}

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
mod tests {
    use http::{HeaderMap, HeaderValue};

    use super::{
        MAX_HEADER_VALUE_BYTES, SNIPPET_CHARS, bounded, guarded_headers, kept_before_cut, snippet, thousands,
    };

    #[test]
    fn counts_have_commas_between_thousands() {
        let shown: Vec<String> =
            [0, 7, 999, 1000, 12_345, 999_999, 1_000_000, 49_997_952].map(thousands).into();
        assert_eq!(shown, ["0", "7", "999", "1,000", "12,345", "999,999", "1,000,000", "49,997,952"]);
    }

    #[test]
    fn bounded_text_is_whole_up_to_the_limit_and_cut_after_it() {
        assert_eq!(bounded("abc", 3), "abc");
        assert_eq!(bounded("abcd", 3), "abc… (1 more character)");
        assert_eq!(bounded(&"é".repeat(1005), 5), "ééééé… (1,000 more characters)");
        // Masked first: the cut falls inside the mask, not inside the SSN.
        assert_eq!(bounded("ssn 123-45-6789", 8), "ssn ***-… (7 more characters)");
    }

    #[test]
    fn the_kept_part_of_a_cut_text_is_found() {
        assert_eq!(kept_before_cut("abc… (1 more character)"), Some("abc"));
        assert_eq!(kept_before_cut("a…b… (1,234 more characters)"), Some("a…b"));
        assert_eq!(kept_before_cut("abc... (12 more bytes)"), Some("abc"));
        assert_eq!(kept_before_cut("snippet…"), Some("snippet"));
        for whole in ["abc", "abc (3 more characters)", "abc… (many more characters)", ""] {
            assert_eq!(kept_before_cut(whole), None, "{whole:?}");
        }
    }

    #[test]
    fn long_header_values_are_cut_and_credentials_and_ssns_marked_sensitive() {
        let mut headers = HeaderMap::new();
        headers.insert("x-long", HeaderValue::from_str(&"v".repeat(MAX_HEADER_VALUE_BYTES + 10)).unwrap());
        headers.insert("x-exact", HeaderValue::from_str(&"v".repeat(MAX_HEADER_VALUE_BYTES)).unwrap());
        let mut utf8 = "v".repeat(MAX_HEADER_VALUE_BYTES - 1).into_bytes();
        utf8.extend_from_slice("éé".as_bytes());
        headers.insert("x-utf8", HeaderValue::from_bytes(&utf8).unwrap());
        let ssn_at_end = format!("{}123-45-6789", "v".repeat(MAX_HEADER_VALUE_BYTES));
        headers.insert("x-ssn", HeaderValue::from_str(&ssn_at_end).unwrap());
        headers.append("set-cookie", HeaderValue::from_static("a=1"));
        headers.append("set-cookie", HeaderValue::from_static("b=2"));
        headers.insert("x-123456789", HeaderValue::from_static("dropped"));

        let guarded = guarded_headers(headers);

        assert_eq!(
            guarded["x-long"],
            format!("{}... (10 more bytes)", "v".repeat(MAX_HEADER_VALUE_BYTES)).as_str()
        );
        assert_eq!(guarded["x-exact"].len(), MAX_HEADER_VALUE_BYTES);
        let cut = guarded["x-utf8"].as_bytes();
        assert!(cut.starts_with(&utf8[..MAX_HEADER_VALUE_BYTES - 1]) && cut.ends_with(b"... (4 more bytes)"));
        assert!(guarded["x-ssn"].is_sensitive(), "an SSN beyond the cut still marks the value");
        assert!(guarded.get_all("set-cookie").iter().all(|v| v.is_sensitive()));
        assert_eq!(guarded.get_all("set-cookie").iter().count(), 2);
        assert!(!guarded["x-long"].is_sensitive());
        assert!(!guarded.contains_key("x-123456789"));
    }

    #[test]
    fn a_body_of_exactly_the_limit_is_whole_and_unmarked() {
        let body = "é".repeat(SNIPPET_CHARS);
        assert_eq!(snippet(body.as_bytes()).as_deref(), Some(body.as_str()));
    }

    #[test]
    fn a_longer_body_is_cut_at_the_limit_and_ends_with_the_marker() {
        let body = "é".repeat(SNIPPET_CHARS + 1);
        let cut = snippet(body.as_bytes()).unwrap();
        assert!(cut.ends_with('…'), "{cut}");
        assert_eq!(cut.chars().count(), SNIPPET_CHARS + 1);
        assert_eq!(cut.trim_end_matches('…'), "é".repeat(SNIPPET_CHARS));
    }

    #[test]
    fn a_shorter_body_is_unmarked_and_blank_is_none() {
        assert_eq!(snippet(b" short \n").as_deref(), Some("short"));
        assert_eq!(snippet(b" \n\t"), None);
    }
}
