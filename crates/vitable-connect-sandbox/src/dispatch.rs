//! The path of one API request: faults, auth, parsing, the locked handler, idempotency.

use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::{Body, HttpBody};
use axum::extract::{FromRequestParts, RawPathParams, Request};
use axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};

use crate::error::ApiError;
use crate::faults::{Failure, Faults};
use crate::handlers::{Call, Handler, Reply};
use crate::idempotency::{Fingerprint, Lookup, StoredResponse};
use crate::options::SandboxOptions;
use crate::query::Query;
use crate::state::State;
use crate::state_file::StateFile;

/// The largest request body accepted.
pub(crate) const MAX_BODY: usize = crate::limits::MAX_BODY_BYTES;

/// Longest `Idempotency-Key` accepted.
const MAX_KEY: usize = 255;

/// Marks a response whose connection must be closed instead of answered.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DropConnection;

/// What every request handler shares.
pub(crate) struct App {
    state: Mutex<State>,
    pub faults: Faults,
    tokens: Option<Vec<String>>,
    pub log_requests: bool,
    /// How long a request's body may take to arrive.
    pub body_read_timeout: Duration,
    /// The state file, when the sandbox has one: `Some(None)` once it was let go (the sandbox
    /// stopped). Locked only while `state` is, after it.
    state_file: Option<Mutex<Option<StateFile>>>,
}

impl App {
    pub fn new(state: State, faults: Faults, options: &SandboxOptions) -> Self {
        Self {
            state: Mutex::new(state),
            faults,
            tokens: options.tokens.clone(),
            log_requests: options.log_requests,
            body_read_timeout: options.body_read_timeout,
            state_file: None,
        }
    }

    /// The same app, saving its state to `file` ([`App::save`]).
    pub fn with_state_file(mut self, file: StateFile) -> Self {
        self.state_file = Some(Mutex::new(Some(file)));
        self
    }

    /// Saves `state` (the guard of [`App::lock`], still held, so that saves are ordered) to the
    /// state file, if the sandbox has one. A failure is reported on stderr and returned as the
    /// 500 the request answers.
    pub fn save(&self, state: &State) -> Result<(), ApiError> {
        let Some(slot) = &self.state_file else { return Ok(()) };
        let file = slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let result = match file.as_ref() {
            Some(file) => file.save(state),
            None => Err(std::io::Error::other(
                "the sandbox has stopped and let its state file go, so the state file is no longer written",
            )),
        };
        result.map_err(|e| {
            eprintln!("vitable-connect-sandbox: {e}");
            crate::state_file::not_saved(&e)
        })
    }

    /// Lets the state file (and its lock) go, after the save in progress, if any: from now on
    /// [`App::save`] fails. Does nothing without a state file or the second time.
    pub fn release_state_file(&self) {
        let Some(slot) = &self.state_file else { return };
        let _state = self.lock();
        let file = slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        drop(file);
    }

    /// A token this app accepts: the first configured one, or any when none are configured.
    pub fn accepted_token(&self) -> &str {
        self.tokens.as_ref().and_then(|t| t.first()).map_or("sandbox-key", String::as_str)
    }

    /// The state, locked. Never hold the guard across an `.await`.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Runs one request of operation `op` through `handler`, with the faults planned for it.
pub(crate) async fn dispatch(
    app: Arc<App>,
    op: &'static str,
    handler: Handler,
    request: Request,
) -> Response {
    let planned = app.faults.on_request(op);
    let mut response = match planned.failure {
        Some(failure) => injected(failure).into_response(),
        None => process(&app, op, handler, request).await.unwrap_or_else(IntoResponse::into_response),
    };
    if !planned.delay.is_zero() {
        tokio::time::sleep(planned.delay).await;
    }
    if planned.drop_connection {
        response.extensions_mut().insert(DropConnection);
    }
    response
}

fn injected(failure: Failure) -> ApiError {
    let mut err = match StatusCode::from_u16(failure.status) {
        Ok(status) if crate::faults::is_error_status(failure.status) => ApiError::new(
            status,
            "injected_fault",
            format!("The sandbox was told to fail this request with status {}.", status.as_u16()),
        ),
        _ => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "injected_fault",
            format!(
                "The sandbox was told to fail this request with status {}, which is not an error status (400 to 599), so it answers 500.",
                failure.status
            ),
        ),
    };
    if let Some(after) = failure.retry_after {
        let seconds = after.as_secs().saturating_add(u64::from(after.subsec_nanos() > 0));
        err = err.with_header(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    err
}

async fn process(
    app: &App,
    op: &'static str,
    handler: Handler,
    request: Request,
) -> Result<Response, ApiError> {
    let (mut parts, body) = request.into_parts();
    authorize(&parts.headers, app.tokens.as_deref())?;
    let params = RawPathParams::from_request_parts(&mut parts, &())
        .await
        .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", "No resource at this path."))?;
    let params = params.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
    let key = idempotency_key(&parts)?;
    let body = read_body(&parts.headers, body, app.body_read_timeout).await?;
    let content_type = match parts.headers.get(header::CONTENT_TYPE) {
        Some(value) => Some(
            value
                .to_str()
                .map_err(|_| {
                    ApiError::bad_request(
                        "unsupported_content_type",
                        "The Content-Type header is not readable.",
                    )
                })?
                .to_owned(),
        ),
        None => None,
    };
    let spec_op = vitable_connect_api::spec::operation(op)
        .ok_or_else(|| ApiError::internal(format!("`{op}` is not in the spec's operation table")))?;
    let call = Call { op: spec_op, params, query: Query::parse(parts.uri.query()), body, content_type };
    run_locked(app, op, handler, key.as_deref(), parts.uri.path(), &call)
}

/// The handler and the idempotency bookkeeping, with the state locked (no `.await` in here).
/// The request's fingerprint is taken under the lock too, like the handler's parse of the body,
/// so that only one request at a time holds a parsed body (parsed JSON can take many times the
/// memory of its text).
///
/// A handler that panics (a bug a request found) is a 500 `internal_error` rather than a
/// connection cut off; the state is left as the handler left it.
///
/// With a state file, every write (anything but `GET`, `HEAD` and `OPTIONS`) saves the state
/// before the lock is let go, whatever its outcome (a replay too: it saves a change whose first
/// save failed). A save that fails turns a success into a 500 `state_not_saved`; a request that
/// failed anyway keeps its own error (the failed save is reported on stderr).
fn run_locked(
    app: &App,
    op: &'static str,
    handler: Handler,
    key: Option<&str>,
    path: &str,
    call: &Call,
) -> Result<Response, ApiError> {
    let mut state = app.lock();
    let outcome = run_handler(&mut state, op, handler, key, path, call);
    if !matches!(call.op.method, "GET" | "HEAD" | "OPTIONS")
        && let Err(not_saved) = app.save(&state)
        && outcome.is_ok()
    {
        return Err(not_saved);
    }
    drop(state);
    outcome.map(|(reply, replayed)| respond(reply.status, reply.body, replayed))
}

/// The lookup of the idempotency key, the handler, and the record of its response: the reply
/// and whether it is a replay.
fn run_handler(
    state: &mut State,
    op: &'static str,
    handler: Handler,
    key: Option<&str>,
    path: &str,
    call: &Call,
) -> Result<(Reply, bool), ApiError> {
    let keyed = key.map(|key| (key, Fingerprint::of(op, path, &call.body)));
    if let Some((key, fingerprint)) = &keyed {
        match state.idempotency.lookup(key, fingerprint) {
            Lookup::Replay(stored) => return Ok((Reply { status: stored.status, body: stored.body }, true)),
            Lookup::Conflict(message) => return Err(ApiError::conflict("idempotency_key_reused", message)),
            Lookup::New => {}
        }
    }
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler(state, call)));
    let reply = run.unwrap_or_else(|_| {
        Err(ApiError::internal(format!(
            "The sandbox failed while handling {op}; this is a bug in the sandbox."
        )))
    })?;
    if let Some((key, fingerprint)) = keyed
        && reply.status.is_success()
    {
        state.idempotency.store(
            key,
            fingerprint,
            StoredResponse { status: reply.status, body: reply.body.clone() },
        );
    }
    Ok((reply, false))
}

fn respond(status: StatusCode, body: Option<Vec<u8>>, replayed: bool) -> Response {
    let mut response = match body {
        Some(bytes) => {
            let mut response = Response::new(Body::from(bytes));
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        None => Response::new(Body::empty()),
    };
    *response.status_mut() = status;
    if replayed {
        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}

/// `Authorization: Bearer <token>`; with a token list, the token must be on it.
fn authorize(headers: &HeaderMap, tokens: Option<&[String]>) -> Result<(), ApiError> {
    let unauthorized = |detail: &str| {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
            .with_header(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))
    };
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(unauthorized(
            "The Authorization header is missing; send `Authorization: Bearer <api key>`.",
        ));
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty() && !token.contains(char::is_whitespace));
    let Some(token) = token else {
        return Err(unauthorized(
            "The Authorization header is malformed; send `Authorization: Bearer <api key>`.",
        ));
    };
    match tokens {
        Some(allowed) if !allowed.iter().any(|t| t == token) => {
            Err(unauthorized("The bearer token is not accepted by this sandbox."))
        }
        _ => Ok(()),
    }
}

/// The `Idempotency-Key` of a write (`POST`, `PUT`, `PATCH`, `DELETE`; ignored on reads).
fn idempotency_key(parts: &Parts) -> Result<Option<String>, ApiError> {
    if !matches!(parts.method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE) {
        return Ok(None);
    }
    let Some(value) = parts.headers.get("idempotency-key") else { return Ok(None) };
    match value.to_str() {
        Ok(key) if !key.trim().is_empty() && key.len() <= MAX_KEY => Ok(Some(key.to_owned())),
        _ => Err(ApiError::bad_request(
            "invalid_idempotency_key",
            format!("The Idempotency-Key header must be 1 to {MAX_KEY} visible ASCII characters."),
        )),
    }
}

/// The body of a request, read within `timeout` and [`MAX_BODY`] bytes: a 413
/// `payload_too_large` when its `Content-Length` or the bytes that arrive (a chunked body) go
/// over the limit, a 408 `request_timeout` when it does not arrive in time. Both close the
/// connection (the rest of the body is never read).
pub(crate) async fn read_body(headers: &HeaderMap, body: Body, timeout: Duration) -> Result<Bytes, ApiError> {
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large());
    }
    match tokio::time::timeout(timeout, collect(body, MAX_BODY)).await {
        Ok(read) => read,
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            format!(
                "The request body did not arrive within {} ms; send the whole body without pausing.",
                timeout.as_millis()
            ),
        )
        .with_header(header::CONNECTION, HeaderValue::from_static("close"))),
    }
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("Request bodies may be at most {MAX_BODY} bytes."),
    )
    .with_header(header::CONNECTION, HeaderValue::from_static("close"))
}

/// Reads `body` to its end, failing with a 413 as soon as it holds more than `limit` bytes.
async fn collect(mut body: Body, limit: usize) -> Result<Bytes, ApiError> {
    let mut out = BytesMut::new();
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|_| {
            ApiError::bad_request(
                "unreadable_body",
                "The request body could not be read: the connection failed.",
            )
        })?;
        if let Ok(data) = frame.into_data() {
            if data.len() > limit.saturating_sub(out.len()) {
                return Err(too_large());
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out.freeze())
}

/// How long to wait, in whole seconds rounded up (for tests of `Retry-After`).
#[cfg(test)]
fn retry_after_of(d: std::time::Duration) -> Option<String> {
    let err = injected(Failure::for_test(503, Some(d)));
    err.headers
        .iter()
        .find(|(n, _)| n == header::RETRY_AFTER)
        .and_then(|(_, v)| v.to_str().ok().map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn headers(value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        map
    }

    #[test]
    fn bearer_tokens() {
        assert!(authorize(&HeaderMap::new(), None).is_err());
        assert!(authorize(&headers("Bearer abc"), None).is_ok());
        assert!(authorize(&headers("bearer abc"), None).is_ok());
        assert!(authorize(&headers("Bearer "), None).is_err());
        assert!(authorize(&headers("Basic abc"), None).is_err());
        assert!(authorize(&headers("Bearer a b"), None).is_err());
        let allowed = vec!["good".to_owned()];
        assert!(authorize(&headers("Bearer good"), Some(&allowed)).is_ok());
        let err = authorize(&headers("Bearer sekrit"), Some(&allowed)).unwrap_err();
        assert!(!err.detail.contains("sekrit"));
    }

    fn boom(_: &mut State, _: &Call) -> Result<Reply, ApiError> {
        panic!("a handler bug");
    }

    fn quiet(_: &mut State, _: &Call) -> Result<Reply, ApiError> {
        Ok(Reply { status: StatusCode::OK, body: None })
    }

    /// A handler that panics (a bug a hostile request found) is a JSON 500, and the sandbox
    /// goes on serving.
    #[tokio::test]
    async fn a_panicking_handler_is_a_json_500() {
        let app = App::new(State::new(None), Faults::default(), &SandboxOptions::new());
        let op = vitable_connect_api::spec::OPERATIONS[0].id;
        let call = Call {
            op: &vitable_connect_api::spec::OPERATIONS[0],
            params: Vec::new(),
            query: Query::default(),
            body: Bytes::new(),
            content_type: None,
        };
        let err = run_locked(&app, op, boom, Some("k"), "/p", &call).expect_err("a 500");
        assert_eq!(err.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(err.code, "internal_error");
        let ok = run_locked(&app, op, quiet, Some("k"), "/p", &call).expect("served again");
        assert_eq!(ok.status(), StatusCode::OK);
    }

    #[test]
    fn retry_after_is_rounded_up() {
        assert_eq!(retry_after_of(Duration::from_secs(2)).as_deref(), Some("2"));
        assert_eq!(retry_after_of(Duration::from_millis(1500)).as_deref(), Some("2"));
        assert_eq!(retry_after_of(Duration::ZERO).as_deref(), Some("0"));
        assert_eq!(retry_after_of(Duration::MAX).as_deref(), Some(u64::MAX.to_string().as_str()));
    }
}
