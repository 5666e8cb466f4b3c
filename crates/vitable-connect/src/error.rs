//! The one error type of the SDK, and everything it carries.
//!
//! Every fallible call returns [`Error`]. Its variants keep apart what went wrong where:
//! bad input caught before sending ([`Error::InvalidInput`], [`Error::InvalidId`]), an
//! answer from the API that is an error ([`Error::Api`]), a request that timed out or never
//! got an answer ([`Error::Timeout`], [`Error::Connection`]), a success response whose body
//! does not match the API's types ([`Error::Decode`]), and configuration problems
//! ([`Error::Config`]). No message ever contains the API key, and SSN-shaped numbers in
//! server text are masked.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use http::{HeaderMap, StatusCode};

use crate::redact::mask_ssns;

pub use vitable_connect_api::ids::{IdError, IdProblem};

/// The result type of the SDK.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Anything that can go wrong when calling the Vitable Connect API.
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
    #[error(transparent)]
    Api(Box<ApiError>),

    /// No complete answer arrived within the configured timeout (after any retries).
    #[error("{operation} timed out{}", after.map(|d| format!(" after {d:?}")).unwrap_or_default())]
    Timeout {
        /// The operation, e.g. `enrollments.reissue`.
        operation: &'static str,
        /// The timeout in force, when known.
        after: Option<Duration>,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// The request could not be delivered or the connection broke before a full answer.
    #[error("{operation} failed to reach the API: {}", error_chain(source))]
    Connection {
        /// The operation, e.g. `enrollments.reissue`.
        operation: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
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

    /// The `x-request-id` of the response, when there was one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Decode(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// `true` for a timeout, a connection failure, 408, 409, 429 and 5xx: the kinds of
    /// failure the client retries automatically.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::Connection { .. } => true,
            Error::Api(e) => crate::retry::status_is_retryable(e.status),
            _ => false,
        }
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
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation, e.g. `enrollments.reissue`.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The class of error.
    pub kind: ApiErrorKind,
    /// The server's human-readable message (`detail`), when the body was JSON with one.
    pub detail: Option<String>,
    /// The server's machine-readable `code`, when present.
    pub code: Option<String>,
    /// Per-field validation messages (`errors`), when present.
    pub field_errors: BTreeMap<String, Vec<String>>,
    /// The start of the body (at most 512 characters), when it was not the expected JSON.
    pub body_snippet: Option<String>,
    /// The `x-request-id` response header, when present.
    pub request_id: Option<String>,
    /// All response headers.
    pub headers: HeaderMap,
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
            body_snippet: None,
            request_id: request_id(&headers),
            headers,
        };
        let parsed = serde_json::from_slice::<serde_json::Value>(body).ok();
        let object = parsed.as_ref().and_then(serde_json::Value::as_object);
        if let Some(object) = object {
            let text =
                |key: &str| object.get(key).and_then(|v| v.as_str()).map(|s| mask_ssns(s).into_owned());
            error.detail = text("detail").or_else(|| text("message")).or_else(|| text("error"));
            error.code = text("code");
            if let Some(fields) = object.get("errors").and_then(|v| v.as_object()) {
                for (field, messages) in fields {
                    let messages = match messages {
                        serde_json::Value::Array(items) => items.iter().map(value_text).collect(),
                        other => vec![value_text(other)],
                    };
                    error.field_errors.insert(field.clone(), messages);
                }
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

fn value_text(value: &serde_json::Value) -> String {
    let text = match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    mask_ssns(&text).into_owned()
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
        out.push('…');
    }
    Some(out)
}

/// The `x-request-id` header, if present and readable.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned)
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} from {}: {}", self.status, self.operation, one_line(self.message()))?;
        if !self.field_errors.is_empty() {
            let fields: Vec<String> = self
                .field_errors
                .iter()
                .map(|(field, messages)| format!("{field}: {}", messages.join("; ")))
                .collect();
            write!(f, " [{}]", one_line(&fields.join(", ")))?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// `text` with line breaks turned into spaces, so that a `Display` stays one line.
fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

/// A success response whose body does not match the API's types.
///
/// `Display` names the operation and the JSON path of the bad field, e.g.
/// ``cannot decode the response of enrollments.retrieve at `enrolled_dependents[0].relationship`: invalid type: integer `42`, expected a string ...``.
/// (Values and fields the SDK does not know are not errors: see [`crate::compatibility`].)
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// The operation, e.g. `enrollments.retrieve`.
    pub operation: &'static str,
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// JSON path of the value that failed, e.g. `enrolled_dependents[0].relationship`
    /// (`.` for the whole document).
    pub path: String,
    /// What the decoder said.
    pub message: String,
    /// The start of the body (at most 512 characters).
    pub body_snippet: Option<String>,
    /// The `x-request-id` response header, when present.
    pub request_id: Option<String>,
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
            path,
            message: mask_ssns(&message).into_owned(),
            body_snippet: snippet(body),
            request_id: request_id(headers),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot decode the response of {} at `{}`: {}",
            self.operation,
            self.path,
            one_line(&self.message)
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
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
    use super::{SNIPPET_CHARS, snippet};

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
