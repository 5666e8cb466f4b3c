//! How every request is built and executed: URL, headers, idempotency key, timeout, retries
//! with backoff, tracing, and reading the response. This is the only place that loops or
//! sleeps.
//!
//! A generated request builder describes its request to [`Call::send`] with a closure that
//! fills [`RequestParts`] (path parameters, query parameters, JSON body); the method and the
//! path template come from the operation table. Each attempt builds its request from that
//! description: the URL is the client's parsed base URL with the path segments pushed onto
//! it (nothing is formatted and parsed again), and a retry needs no copy of a request.

use std::borrow::Cow;
use std::future::Future;
use std::time::Duration;

use bytes::Bytes;

use futures::future::Either;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, LOCATION};
use http::{HeaderMap, Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::Instrument as _;
use vitable_connect_api as api;

use crate::client::Config;
use crate::error::{ApiError, DecodeError, Error, InvalidInput, Result, WriteAttempt};
use crate::interceptor::{AttemptFailure, AttemptOutcome, AttemptRequest};
use crate::request::{ApiResponse, Options};
use crate::retry::{self, RetryPolicy};

/// The header carrying the idempotency key of a write.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The header carrying the version of the API the SDK was generated from (`info.version`).
const API_VERSION: HeaderName = HeaderName::from_static("api-version");

/// `application/json`, the type of every body sent and accepted.
const JSON: HeaderValue = HeaderValue::from_static("application/json");

/// One call of an operation, with the settings of the request (see
/// [`Client::call`](crate::Client)). Small: it is kept in the future of every `send()`.
pub(crate) struct Call<'a> {
    pub(crate) config: &'a Config,
    /// The operation's name, for errors and traces (e.g. `enrollments.reissue`).
    pub(crate) name: &'static str,
    pub(crate) method: Method,
    /// The path template, e.g. `/v1/enrollments/{enrollment_id}` (see [`RequestParts`]).
    pub(crate) path: &'a str,
    /// The operation's parameters as the spec describes them (none for a raw request): which
    /// query values traces may show.
    pub(crate) params: &'static [api::spec::Param],
    /// The request's own settings, if it has any; the idempotency key made for a write is
    /// kept here too, so that every retry sends the same one.
    pub(crate) options: Option<Box<Options>>,
    /// A credential an interceptor put in `Authorization` in place of the API key: hidden from
    /// errors, logs and interceptors like the key.
    pub(crate) token: Option<Box<str>>,
}

impl<'a> Call<'a> {
    /// Sends the request that `describe` describes (see [`RequestParts`]), retrying as
    /// configured, and decodes the response.
    ///
    /// The span follows OpenTelemetry's HTTP client conventions (`http.request.method`,
    /// `server.address`, `server.port`, `url.full` with values hidden as [`shown_url`] says,
    /// `url.template`, `http.response.status_code`, `http.request.resend_count`,
    /// `error.type`), with the SDK's `operation` and the response's `request_id`.
    pub(crate) fn send<'s, T, F>(
        self,
        describe: F,
    ) -> impl Future<Output = Result<ApiResponse<T>>> + use<'a, 's, T, F>
    where
        'a: 's,
        F: Fn(&mut RequestParts<'s>),
        T: DeserializeOwned,
    {
        let base = &self.config.base;
        let span = tracing::info_span!(
            "vitable_connect.request",
            otel.kind = "client",
            operation = self.name,
            http.request.method = self.method.as_str(),
            server.address = base.host_str(),
            server.port = base.port_or_known_default(),
            url.template = self.path,
            otel.name = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            url.full = tracing::field::Empty,
            http.response.status_code = tracing::field::Empty,
            http.request.resend_count = tracing::field::Empty,
            error.type = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        // Without a subscriber for the span, it need not be entered on every poll.
        if span.is_disabled() {
            Either::Left(self.run(describe, span))
        } else {
            // The conventions' span name: `{method} {url.template}`.
            span.record("otel.name", format!("{} {}", self.method, self.path).as_str());
            let entered = span.clone();
            Either::Right(self.run(describe, span).instrument(entered))
        }
    }

    // `run` returns an `async move` block rather than being an `async fn`: an `async fn`
    // keeps a second copy of its arguments in its future, which every call would carry.
    #[allow(clippy::manual_async_fn)]
    fn run<'s, T, F>(
        mut self,
        describe: F,
        span: tracing::Span,
    ) -> impl Future<Output = Result<ApiResponse<T>>> + use<'a, 's, T, F>
    where
        'a: 's,
        F: Fn(&mut RequestParts<'s>),
        T: DeserializeOwned,
    {
        async move {
            let options = self.options.as_deref();
            let mut policy = options.and_then(|o| o.retry).unwrap_or(self.config.retry);
            if let Some(retries) = options.and_then(|o| o.max_retries) {
                policy = policy.with_max_retries(retries);
            }
            let deadline = options.and_then(|o| o.deadline).or(self.config.deadline);
            let until = deadline
                .and_then(|d| Instant::now().checked_add(d))
                .map(|at| (at, deadline.unwrap_or_default()));
            let write = !matches!(self.method, Method::GET | Method::HEAD);
            // Whether an attempt of a write may have been applied without a success arriving.
            let mut unknown = false;
            let mut retry = 0;
            let (outcome, end, sent) = loop {
                let (sent, request) = self.start(&describe, retry + 1)?;
                let started = Instant::now();
                let end = Ending::of(started, self.timeout(), until);
                let head = match tokio::time::timeout_at(end.at, request).await {
                    Ok(Ok(response)) => Ok(response),
                    Ok(Err(error)) => Err(Failure::Http(error.without_url())),
                    Err(_) => Err(Failure::Timeout),
                };
                // How long to wait before the next attempt, if there is to be one.
                let mut delay = None;
                let mut outcome = match head {
                    Ok(response) => {
                        let status = response.status();
                        // The fields are only evaluated when the event is enabled.
                        tracing::debug!(
                            attempt = retry + 1,
                            status = status.as_u16(),
                            duration_ms = started.elapsed().as_millis() as u64,
                            request_id = self.request_id(response.headers()).as_deref(),
                            "vitable_connect attempt finished"
                        );
                        if response.url() != &sent || status.is_redirection() {
                            Attempt::Refused(status, self.redirect(&response))
                        } else {
                            unknown |= write && (status.is_server_error() || status.is_informational());
                            if !status.is_success()
                                && retry::response_is_retryable(status, response.headers())
                            {
                                delay = Some(policy.delay_after_response(response.headers(), retry));
                            }
                            Attempt::Head(response)
                        }
                    }
                    Err(failure) => {
                        delay = self.failed(&failure, retry, &policy, end, write, &mut unknown);
                        Attempt::Failed(failure)
                    }
                };
                // A wait that would end past the deadline is not begun.
                let can_wait = |delay: &Duration| {
                    retry < policy.max_retries() && until.is_none_or(|(u, _)| Instant::now() + *delay < u)
                };
                delay = delay.filter(can_wait);
                // The response of the last attempt is read whole within the attempt's time: a
                // body that breaks off or stalls fails the attempt like a missing answer.
                if delay.is_none()
                    && let Attempt::Head(response) = outcome
                {
                    outcome = self.receive(response, end).await;
                    if let Attempt::Failed(failure) = &outcome {
                        delay =
                            self.failed(failure, retry, &policy, end, write, &mut unknown).filter(can_wait);
                    }
                }
                // The server answered a write with a redirect or an oversized body: it did something.
                unknown |= write && matches!(outcome, Attempt::Refused(..));
                self.after_attempt(retry + 1, &outcome, started.elapsed(), delay.is_some());
                match delay {
                    Some(delay) => {
                        tracing::debug!(
                            retry = retry + 1,
                            delay_ms = delay.as_millis() as u64,
                            "vitable_connect retrying"
                        );
                        drop(outcome);
                        tokio::time::sleep(delay).await;
                        retry += 1;
                    }
                    None => break (outcome, end, sent),
                }
            };
            // The span records the outcome once: the final attempt's.
            if !span.is_disabled() {
                span.record("url.full", shown_url(&sent, &self.config.base, self.path, self.params).as_str());
                if retry > 0 {
                    span.record("http.request.resend_count", retry);
                }
                if let Some(status) = outcome.status() {
                    span.record("http.response.status_code", status.as_u16());
                }
                if let Some(id) = outcome.headers().and_then(|h| self.request_id(h)) {
                    span.record("request_id", id.as_str());
                }
            }
            let outcome = match outcome {
                Attempt::Done(received) => self.decode(received),
                Attempt::Failed(failure) => Err(self.failure(failure, end)),
                Attempt::Refused(_, error) => Err(error),
                // Not left unread: see above.
                Attempt::Head(response) => {
                    Err(self.invalid(format!("unread response ({})", response.status())))
                }
            };
            outcome.map_err(|error| {
                if !span.is_disabled() {
                    span.record("error.type", error_type(&error).as_ref());
                    span.record("otel.status_code", "ERROR");
                }
                // A failed write says which key it carried, and whether it may have been applied:
                // by an attempt of this call, or of an earlier call of the same logical write
                // (the same key: a clone of the builder, or the key given again).
                let key =
                    write.then(|| self.options.as_ref()?.idempotency_key.as_ref()?.to_str().ok()).flatten();
                let attempt = key.map(|key| {
                    let uncertain = &self.config.uncertain;
                    if unknown {
                        uncertain.remember(key);
                    }
                    WriteAttempt {
                        idempotency_key: key.to_owned(),
                        // A decode error follows a success: the write was applied.
                        outcome_unknown: !matches!(error, Error::Decode(_))
                            && (unknown || uncertain.contains(key)),
                    }
                });
                let error = crate::redact::hide_api_key(error.with_write(attempt), self.config.api_key());
                match &self.token {
                    Some(token) => crate::redact::hide_api_key(error, token),
                    None => error,
                }
            })
        }
    }

    /// Builds the request of attempt number `attempt` from `describe`, lets the interceptors
    /// change it, and starts executing it; also returns the URL it is sent to. A credential an
    /// interceptor set in place of the API key is kept in `self.token`. (Not `async`: what it
    /// builds is not kept in the call's future.)
    fn start<'s, F>(
        &mut self,
        describe: &F,
        attempt: u32,
    ) -> Result<(reqwest::Url, impl Future<Output = reqwest::Result<reqwest::Response>> + use<'s, F>)>
    where
        'a: 's,
        F: Fn(&mut RequestParts<'s>),
    {
        let config: &'a Config = self.config;
        let mut parts = RequestParts::new(self.path, &config.base);
        describe(&mut parts);
        let mut request = parts.finish(self.method.clone()).map_err(|problem| self.invalid(problem))?;
        self.prepare(&mut request);
        if !config.interceptors.is_empty() {
            for interceptor in config.interceptors.iter() {
                interceptor.before_attempt(&mut AttemptRequest {
                    operation: self.name,
                    attempt,
                    request: &mut request,
                });
            }
            // The credential after the scheme (`Bearer`, `Basic`, ... in any case), or the whole value.
            let value =
                request.headers().get(AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or_default();
            let credential = value.split_once(' ').map_or(value, |(_, rest)| rest).trim();
            if !credential.is_empty() && credential != config.api_key() {
                self.token = Some(credential.into());
            }
        }
        Ok((request.url().clone(), config.http.execute(request)))
    }

    /// Tells the interceptors how attempt number `attempt` ended.
    fn after_attempt(&self, attempt: u32, outcome: &Attempt, latency: Duration, will_retry: bool) {
        if self.config.interceptors.is_empty() {
            return;
        }
        let request_id = outcome.headers().and_then(|h| self.request_id(h));
        let outcome = AttemptOutcome {
            operation: self.name,
            attempt,
            method: &self.method,
            status: outcome.status(),
            latency,
            failure: match outcome {
                Attempt::Failed(failure) => Some(failure.kind()),
                _ => None,
            },
            will_retry,
            request_id: request_id.as_deref(),
        };
        for interceptor in self.config.interceptors.iter() {
            interceptor.after_attempt(&outcome);
        }
    }

    /// Notes what a failed attempt means for a write, and returns the backoff before the next
    /// attempt if the failure is worth one.
    fn failed(
        &self,
        failure: &Failure,
        retry: u32,
        policy: &RetryPolicy,
        end: Ending,
        write: bool,
        unknown: &mut bool,
    ) -> Option<Duration> {
        tracing::debug!(attempt = retry + 1, error = %failure, "vitable_connect attempt failed");
        // Only a connection that was never made certainly carried nothing.
        *unknown |= write && !matches!(failure, Failure::Http(e) if e.is_connect());
        match failure {
            Failure::Http(error) => retry::error_is_retryable(error).then(|| policy.backoff(retry)),
            // A body that broke off: the answer was lost like a dropped connection.
            Failure::Body(_) => Some(policy.backoff(retry)),
            Failure::Timeout if end.by_deadline => None,
            Failure::Timeout => Some(policy.backoff(retry)),
        }
    }

    /// Adds the client's and the request's headers and the idempotency key.
    fn prepare(&mut self, request: &mut reqwest::Request) {
        let write = !matches!(*request.method(), Method::GET | Method::HEAD);
        let config = self.config;
        let headers = request.headers_mut();
        overlay(headers, &config.default_headers);
        headers.insert(AUTHORIZATION, config.authorization.clone());
        if let Some(options) = &self.options {
            overlay(headers, &options.headers);
        }
        if write {
            // Builders of writes are made with a key (see `RequestOptions::new`), which is
            // always the one sent: errors report it for resending.
            let key =
                self.options.get_or_insert_with(Box::default).idempotency_key.get_or_insert_with(new_key);
            headers.insert(const { HeaderName::from_static(IDEMPOTENCY_KEY) }, key.clone());
        }
    }

    /// Reads the body of the last attempt's response, until `end` and up to the size limit
    /// (an error status's only as far as its message needs).
    async fn receive(&self, mut response: reqwest::Response, end: Ending) -> Attempt {
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let (limit, cut) = match status.is_success() {
            true => (self.config.max_response_size, false),
            false => (ERROR_BODY_LIMIT.min(self.config.max_response_size), true),
        };
        match tokio::time::timeout_at(end.at, read_body(response, limit, cut)).await {
            Err(_) => Attempt::Failed(Failure::Timeout),
            Ok(Err(BodyError::Http(e))) => Attempt::Failed(Failure::Body(e.without_url())),
            Ok(Err(BodyError::TooLarge)) => {
                let error = Error::ResponseTooLarge { operation: self.name, status, limit, write: None };
                Attempt::Refused(status, error)
            }
            Ok(Ok(body)) => Attempt::Done(Received { status, headers, body }),
        }
    }

    /// The result of a response read whole: a success decodes into `T`; any other status is
    /// an error, with the server's message.
    fn decode<T: DeserializeOwned>(&self, received: Received) -> Result<ApiResponse<T>> {
        let Received { status, headers, body } = received;
        let operation = self.name;
        if !status.is_success() {
            return Err(ApiError::from_parts(operation, status, headers, &body).into());
        }
        // Any 2xx is a success, even one the spec does not list. A body that an operation
        // without one does not expect (e.g. terminate answered with 200 and JSON) is ignored:
        // `()` decodes from `null`.
        let value = match serde_json::from_slice::<T>(&body) {
            Ok(value) => value,
            Err(e) => match crate::decode::retry_decode::<T>(&body) {
                Some(value) => value,
                None => return Err(DecodeError::locate::<T>(operation, status, &headers, &body, &e).into()),
            },
        };
        let request_id = self.request_id(&headers).map(String::into_boxed_str);
        let secret = self.config.secret.clone();
        Ok(ApiResponse { status, headers, value, body, operation, secret, request_id })
    }

    /// The error of a redirect: its status and where it pointed.
    fn redirect(&self, response: &reqwest::Response) -> Error {
        let status = response.status();
        let location = if status.is_redirection() {
            response.headers().get(LOCATION).map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned())
        } else {
            // The caller's own HTTP client followed a redirect.
            Some(response.url().to_string())
        };
        let location = location.map(|l| crate::error::shown_text(&l));
        Error::Redirect { operation: self.name, status, location, write: None }
    }

    /// A request that cannot be built from what the builder gave.
    fn invalid(&self, problem: String) -> Error {
        InvalidInput { operation: self.name, field: "request".to_owned(), problem }.into()
    }

    /// The `x-request-id` of a response as it may be logged: SSNs masked, bounded, and the
    /// API key hidden should the server echo it there.
    fn request_id(&self, headers: &HeaderMap) -> Option<String> {
        let id = crate::error::request_id(headers)
            .map(|id| crate::redact::without_api_key(id, self.config.api_key()));
        match &self.token {
            Some(token) => id.map(|id| crate::redact::without_api_key(id, token)),
            None => id,
        }
    }

    /// The timeout of each attempt.
    fn timeout(&self) -> Duration {
        self.options.as_ref().and_then(|o| o.timeout).unwrap_or(self.config.timeout)
    }

    /// The error of an attempt that got no (complete) answer.
    fn failure(&self, failure: Failure, end: Ending) -> Error {
        let operation = self.name;
        match failure {
            Failure::Timeout => Error::Timeout {
                operation,
                after: Some(end.after),
                deadline: end.by_deadline,
                write: None,
                source: None,
            },
            Failure::Http(error) if error.is_timeout() => Error::Timeout {
                operation,
                after: Some(self.timeout()),
                deadline: false,
                write: None,
                source: Some(error),
            },
            // The request could not be made from what was given: nothing was sent.
            Failure::Http(error) if error.is_builder() => self.invalid(format!(
                "the request cannot be sent: {}",
                crate::error::shown_text(&error.without_url().to_string())
            )),
            Failure::Http(error) | Failure::Body(error) => {
                Error::Connection { operation, write: None, source: error }
            }
        }
    }
}

/// How an attempt went.
enum Attempt {
    /// A response whose body is not read yet (it is read only for the last attempt).
    Head(reqwest::Response),
    /// A response read whole.
    Done(Received),
    /// No (complete) response.
    Failed(Failure),
    /// A response that ends the call with this error (a redirect, a body over the limit).
    Refused(StatusCode, Error),
}

impl Attempt {
    fn status(&self) -> Option<StatusCode> {
        match self {
            Attempt::Head(response) => Some(response.status()),
            Attempt::Done(received) => Some(received.status),
            Attempt::Refused(status, _) => Some(*status),
            Attempt::Failed(_) => None,
        }
    }

    fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Attempt::Head(response) => Some(response.headers()),
            Attempt::Done(received) => Some(&received.headers),
            _ => None,
        }
    }
}

/// A response read whole.
struct Received {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// How an attempt ended without a (complete) response.
enum Failure {
    /// The HTTP client's error, before a response.
    Http(reqwest::Error),
    /// The HTTP client's error while reading the body of the response.
    Body(reqwest::Error),
    /// The attempt's timeout or the call's deadline passed.
    Timeout,
}

impl Failure {
    /// The failure as interceptors see it.
    fn kind(&self) -> AttemptFailure {
        match self {
            Failure::Timeout => AttemptFailure::Timeout,
            Failure::Http(error) if error.is_timeout() => AttemptFailure::Timeout,
            Failure::Http(error) if error.is_connect() => AttemptFailure::Connect,
            Failure::Http(_) | Failure::Body(_) => AttemptFailure::Connection,
        }
    }
}

/// OpenTelemetry's `error.type` of an error of a call: the status code for an error status,
/// otherwise a short name of the kind of error.
fn error_type(error: &Error) -> Cow<'static, str> {
    Cow::Borrowed(match error {
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

/// What replaces a value that traces do not show.
const HIDDEN: &str = "REDACTED";

/// A URL as traces show it: the base URL and the path template with each path parameter's
/// value replaced by `REDACTED` (an ID a server sent may hold anything, a raw request's path
/// anything the caller put there), and the query with each value replaced too, unless the
/// spec makes the parameter harmless: an integer, a boolean or an enum value (`page`,
/// `limit`, a status filter), which cannot hold personal data. Free text (a name or an email
/// to filter by), dates and every query value of a raw request are hidden.
fn shown_url(
    sent: &reqwest::Url,
    base: &reqwest::Url,
    template: &str,
    params: &[api::spec::Param],
) -> String {
    let mut shown = base.clone();
    if let Ok(mut segments) = shown.path_segments_mut() {
        segments.pop_if_empty();
        for segment in template.split('/').filter(|s| !s.is_empty()) {
            segments.push(&fill_segment(template, segment, |_| Ok(HIDDEN)).unwrap_or(Cow::Borrowed(HIDDEN)));
        }
    }
    if sent.query().is_some() {
        let harmless = |name: &str, value: &str| {
            params.iter().any(|p| {
                p.name == name
                    && p.location == api::spec::Location::Query
                    && match p.ty {
                        "integer" | "boolean" => true,
                        // One of the spec's values: an unrecognized one may be any text.
                        ty => api::spec::enum_values(ty).is_some_and(|values| values.contains(&value)),
                    }
            })
        };
        let pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> = sent.query_pairs().collect();
        shown.query_pairs_mut().extend_pairs(pairs.iter().map(|(name, value)| {
            (name.as_ref(), if harmless(name, value) { value.as_ref() } else { HIDDEN })
        }));
    }
    shown.to_string()
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Http(error) => error.fmt(f),
            Failure::Body(error) => write!(f, "the body broke off: {error}"),
            Failure::Timeout => f.write_str("timed out"),
        }
    }
}

/// When an attempt must be over: its timeout, or the call's deadline if that comes first.
#[derive(Clone, Copy)]
struct Ending {
    at: Instant,
    /// The time allowed: the attempt's timeout, or the call's deadline.
    after: Duration,
    by_deadline: bool,
}

impl Ending {
    /// The end of an attempt started at `started`, with `timeout`, in a call that must end at
    /// `until` (an instant, and the deadline it came from), if it must.
    fn of(started: Instant, timeout: Duration, until: Option<(Instant, Duration)>) -> Self {
        let at = started.checked_add(timeout);
        match (at, until) {
            (Some(at), Some((until, _))) if at < until => Ending { at, after: timeout, by_deadline: false },
            (_, Some((until, deadline))) => Ending { at: until, after: deadline, by_deadline: true },
            (Some(at), None) => Ending { at, after: timeout, by_deadline: false },
            // A timeout too long to add to the clock: in effect none.
            (None, None) => Ending { at: far_future(started), after: timeout, by_deadline: false },
        }
    }
}

/// About 30 years from `now`: what tokio itself uses for "never".
fn far_future(now: Instant) -> Instant {
    now + Duration::from_secs(86400 * 365 * 30)
}

/// A fresh idempotency key: `vitable-rs-` and a random UUID.
pub(crate) fn new_key() -> HeaderValue {
    HeaderValue::from_str(&format!("vitable-rs-{}", uuid::Uuid::new_v4()))
        .expect("a UUID is a valid header value")
}

/// How much of an error response's body is read: enough for any message of the API; the
/// rest is not read.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;

/// Why a body was not read whole.
enum BodyError {
    Http(reqwest::Error),
    TooLarge,
}

/// Reads a body of at most `limit` bytes, refusing a longer one as soon as its length is
/// announced or its bytes go past the limit (or, with `cut`, keeping only the first `limit`
/// bytes and reading no further). A body that arrives in one chunk is kept as it is; others
/// are copied into one buffer as they arrive, sized from the announced length or grown up to
/// the limit, so a call holds at most about `limit` bytes of body (and one chunk).
async fn read_body(mut response: reqwest::Response, limit: u64, cut: bool) -> Result<Bytes, BodyError> {
    let announced = response.content_length();
    if !cut && announced.is_some_and(|n| n > limit) {
        return Err(BodyError::TooLarge);
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let over = |body: Bytes| if cut { Ok(body.slice(..limit)) } else { Err(BodyError::TooLarge) };
    let Some(first) = response.chunk().await.map_err(BodyError::Http)? else { return Ok(Bytes::new()) };
    if first.len() > limit {
        return over(first);
    }
    if cut && first.len() == limit {
        return Ok(first);
    }
    let Some(second) = response.chunk().await.map_err(BodyError::Http)? else { return Ok(first) };
    let mut body =
        Vec::with_capacity(announced.map_or(2 * (first.len() + second.len()), |n| n as usize).min(limit));
    let mut next = Some(second);
    body.extend_from_slice(&first);
    drop(first);
    while let Some(chunk) = next {
        let room = limit - body.len();
        if chunk.len() > room && !cut {
            return Err(BodyError::TooLarge);
        }
        let take = chunk.len().min(room);
        if body.capacity() - body.len() < take {
            // Grow by doubling, but never past the limit.
            let target = (body.capacity() * 2).max(body.len() + take).min(limit);
            body.reserve_exact(target - body.len());
        }
        body.extend_from_slice(&chunk[..take]);
        if cut && body.len() == limit {
            break;
        }
        next = response.chunk().await.map_err(BodyError::Http)?;
    }
    Ok(body.into())
}

/// The longest URL a request can have (the `http` crate's limit on a URI).
const MAX_URL_LEN: usize = u16::MAX as usize - 1;

/// Path parameters a request can have.
const MAX_PATH_PARAMS: usize = 4;

/// What a request builder gives to build one attempt's request: path parameters, then query
/// parameters, then the JSON body (see [`Call::send`]).
pub(crate) struct RequestParts<'s> {
    /// The operation's path template, e.g. `/v1/enrollments/{enrollment_id}`.
    template: &'s str,
    base: &'s reqwest::Url,
    path: [(&'s str, &'s str); MAX_PATH_PARAMS],
    path_len: usize,
    /// The URL, once its path is complete (at the first query parameter or at the end).
    url: Option<reqwest::Url>,
    body: Option<Vec<u8>>,
    /// Why the request cannot be built.
    problem: Option<String>,
}

impl<'s> RequestParts<'s> {
    fn new(template: &'s str, base: &'s reqwest::Url) -> Self {
        Self {
            template,
            base,
            path: [("", ""); MAX_PATH_PARAMS],
            path_len: 0,
            url: None,
            body: None,
            problem: None,
        }
    }

    /// The path parameter `name` (its segment is percent-encoded).
    pub(crate) fn path(&mut self, name: &'s str, value: &'s str) {
        if self.url.is_some() || self.path_len == MAX_PATH_PARAMS {
            return self.fail(format!("path parameter `{name}` given too late or one too many"));
        }
        self.path[self.path_len] = (name, value);
        self.path_len += 1;
    }

    /// The query parameter `name`, encoded as `application/x-www-form-urlencoded` (as the
    /// generated client does).
    pub(crate) fn query(&mut self, name: &str, value: &impl Serialize) {
        let Some(url) = self.url() else { return };
        let mut pairs = url.query_pairs_mut();
        if let Err(e) = [(name, value)].serialize(serde_urlencoded::Serializer::new(&mut pairs)) {
            drop(pairs);
            self.fail(format!("query parameter `{name}` cannot be encoded: {e}"));
        }
    }

    /// The body, sent as JSON.
    pub(crate) fn json(&mut self, body: &impl Serialize) {
        match serde_json::to_vec(body) {
            Ok(body) => self.body = Some(body),
            Err(e) => self.fail(format!("the body cannot be encoded as JSON: {e}")),
        }
    }

    /// The body, sent as JSON, with each property `name` of `nulls` whose flag is set sent as
    /// `null` (the typed body cannot say `null`: it leaves out what it does not hold).
    pub(crate) fn json_with_nulls(&mut self, body: &impl Serialize, nulls: &[(&'static str, bool)]) {
        if !nulls.iter().any(|(_, null)| *null) {
            return self.json(body);
        }
        match serde_json::to_value(body) {
            Ok(serde_json::Value::Object(mut object)) => {
                for (name, _) in nulls.iter().filter(|(_, null)| *null) {
                    object.insert((*name).to_owned(), serde_json::Value::Null);
                }
                self.json(&object);
            }
            Ok(_) => self.fail("the body is not a JSON object, so no property can be cleared".to_owned()),
            Err(e) => self.fail(format!("the body cannot be encoded as JSON: {e}")),
        }
    }

    fn fail(&mut self, problem: String) {
        self.problem.get_or_insert(problem);
    }

    /// The URL, its path complete (see [`Self::complete_path`]); `None` after a problem.
    fn url(&mut self) -> Option<&mut reqwest::Url> {
        if self.url.is_none() && self.problem.is_none() {
            match self.complete_path() {
                Ok(url) => self.url = Some(url),
                Err(problem) => self.fail(problem),
            }
        }
        self.url.as_mut()
    }

    /// The URL with its path complete: the base URL with each segment of the template
    /// pushed onto it (percent-encoded), each `{name}` in it replaced by the value of path
    /// parameter `name` (see [`fill_segment`]).
    fn complete_path(&self) -> std::result::Result<reqwest::Url, String> {
        let given = &self.path[..self.path_len];
        let value = |name: &str| match given.iter().find(|(n, _)| *n == name) {
            // `PathSegmentsMut` would skip these, and an empty one would drop a segment:
            // either way the request would go to another path.
            Some((_, "" | "." | "..")) => Err(format!("`{name}` cannot be empty, `.` or `..`")),
            // The URL parser drops tabs and line breaks: the request would go to another path.
            Some((_, value)) if value.contains(char::is_control) => Err(format!(
                "`{name}` cannot hold a control character (a line break, a tab, ...): it would be \
                 dropped from the URL, which would then address another resource"
            )),
            Some((_, value)) => Ok(*value),
            None => Err(format!("{name} was not given")),
        };
        let mut problem = None;
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| "the base URL cannot have a path".to_owned())?
            .pop_if_empty()
            .extend(self.template.split('/').filter(|s| !s.is_empty()).map(|text| {
                fill_segment(self.template, text, value).unwrap_or_else(|e| {
                    problem.get_or_insert(e);
                    Cow::Borrowed("")
                })
            }));
        match problem {
            None => Ok(url),
            Some(problem) => Err(problem),
        }
    }

    /// The request, with the headers every operation sends (`Accept`, `api-version`, and
    /// `Content-Type` with a body).
    fn finish(mut self, method: Method) -> std::result::Result<reqwest::Request, String> {
        self.url();
        if let Some(problem) = self.problem {
            return Err(problem);
        }
        let url = self.url.expect("a URL when there is no problem");
        if url.as_str().len() > MAX_URL_LEN {
            return Err(format!(
                "the URL would be {} bytes long, more than the {MAX_URL_LEN} an HTTP request can carry \
                 (shorten the query parameters)",
                url.as_str().len()
            ));
        }
        let mut request = reqwest::Request::new(method, url);
        let headers = request.headers_mut();
        headers.insert(ACCEPT, JSON);
        headers.insert(API_VERSION, HeaderValue::from_static(api::spec::SPEC_VERSION));
        if let Some(body) = self.body {
            headers.insert(CONTENT_TYPE, JSON);
            *request.body_mut() = Some(body.into());
        }
        Ok(request)
    }
}

/// Segment `text` of path template `template` with each `{name}` in it replaced by
/// `value(name)`, e.g. `{id}.json`; a segment without braces as it is. A brace without its
/// pair, or an empty or nested name, is a bad template.
fn fill_segment<'t, 'v>(
    template: &str,
    text: &'t str,
    value: impl Fn(&str) -> std::result::Result<&'v str, String>,
) -> std::result::Result<Cow<'t, str>, String> {
    let Some(mut at) = text.find(['{', '}']) else { return Ok(Cow::Borrowed(text)) };
    let bad = || format!("bad path template `{template}`: each `{{` needs a name and a `}}` after it");
    let mut filled = String::new();
    let mut rest = text;
    loop {
        let (before, brace) = rest.split_at(at);
        let (name, after) = brace.strip_prefix('{').and_then(|b| b.split_once('}')).ok_or_else(bad)?;
        if name.is_empty() || name.contains('{') {
            return Err(bad());
        }
        filled.push_str(before);
        filled.push_str(value(name)?);
        rest = after;
        match rest.find(['{', '}']) {
            Some(next) => at = next,
            None => break,
        }
    }
    filled.push_str(rest);
    Ok(Cow::Owned(filled))
}

/// Sets every header of `extra` on `headers`: earlier values of the same name are replaced,
/// and a name given several times in `extra` keeps all its values.
fn overlay(headers: &mut HeaderMap, extra: &HeaderMap) {
    for name in extra.keys() {
        let mut values = extra.get_all(name).iter();
        if let Some(first) = values.next() {
            // `insert` drops every earlier value of the name.
            headers.insert(name.clone(), first.clone());
        }
        for value in values {
            headers.append(name.clone(), value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(
        base: &str,
        template: &'static str,
        describe: impl FnOnce(&mut RequestParts<'_>),
    ) -> std::result::Result<reqwest::Request, String> {
        let base = reqwest::Url::parse(base).unwrap();
        let mut parts = RequestParts::new(template, &base);
        describe(&mut parts);
        parts.finish(Method::GET)
    }

    fn url(base: &str, template: &'static str, describe: impl FnOnce(&mut RequestParts<'_>)) -> String {
        build(base, template, describe).unwrap().url().to_string()
    }

    #[test]
    fn the_path_is_the_template_filled_in_on_the_base_url() {
        let id = |r: &mut RequestParts<'_>| r.path("enrollment_id", "enrl_8fK2x9");
        assert_eq!(
            url("http://127.0.0.1:4010", "/v1/enrollments/{enrollment_id}", id),
            "http://127.0.0.1:4010/v1/enrollments/enrl_8fK2x9"
        );
        assert_eq!(
            url("https://api.example.com/", "/v1/enrollments/{enrollment_id}/reissue", id),
            "https://api.example.com/v1/enrollments/enrl_8fK2x9/reissue"
        );
        assert_eq!(
            url("https://api.example.com/stem/", "/v1/enrollments/{enrollment_id}", id),
            "https://api.example.com/stem/v1/enrollments/enrl_8fK2x9"
        );
        let two = |r: &mut RequestParts<'_>| {
            r.path("qle_id", "qle_2");
            r.path("member_id", "mbr_1");
        };
        assert_eq!(
            url("http://h", "/v1/members/{member_id}/qles/{qle_id}", two),
            "http://h/v1/members/mbr_1/qles/qle_2"
        );
        let mixed = |r: &mut RequestParts<'_>| r.path("id", "a b");
        assert_eq!(url("http://h", "/v1/files/{id}.json", mixed), "http://h/v1/files/a%20b.json");
    }

    #[test]
    fn path_values_are_percent_encoded_as_the_generated_client_did() {
        // The generated client's set: controls, space, `"#<>?`{}/%`; `\` is encoded too,
        // rather than read as a separator.
        let odd = |r: &mut RequestParts<'_>| r.path("id", "a/b?c#d%e f\"g{h}\\i");
        assert_eq!(url("http://h", "/v1/x/{id}", odd), "http://h/v1/x/a%2Fb%3Fc%23d%25e%20f%22g%7Bh%7D%5Ci");
    }

    #[test]
    fn a_path_value_that_would_change_the_path_or_a_missing_one_is_refused() {
        for value in ["", ".", ".."] {
            let problem = build("http://h", "/v1/x/{id}", |r| r.path("id", value)).unwrap_err();
            assert!(problem.contains("cannot be empty, `.` or `..`"), "{problem}");
        }
        let problem = build("http://h", "/v1/x/{id}", |_| {}).unwrap_err();
        assert_eq!(problem, "id was not given");
        // Path parameters come first: the path is complete at the first query parameter.
        let late = build("http://h", "/v1/x/{id}", |r| {
            r.query("page", &1);
            r.path("id", "x");
        });
        assert!(late.is_err());
    }

    #[test]
    fn a_path_parameter_after_the_query_or_beyond_the_limit_is_refused() {
        let late = build("http://h", "/v1/x", |r| {
            r.query("page", &1);
            r.path("id", "x");
        })
        .unwrap_err();
        assert!(late.contains("given too late"), "{late}");
        let many = build("http://h", "/v1/{a}/{b}/{c}/{d}", |r| {
            for name in ["a", "b", "c", "d", "e"] {
                r.path(name, "v");
            }
        })
        .unwrap_err();
        assert!(many.contains("one too many"), "{many}");
    }

    #[test]
    fn text_around_a_parameter_is_kept_and_a_brace_without_its_pair_is_a_bad_template() {
        let id = |r: &mut RequestParts<'_>| r.path("id", "v1");
        assert_eq!(url("http://h", "/x/é{id}", id), "http://h/x/%C3%A9v1");
        assert_eq!(url("http://h", "/x/{id}é", id), "http://h/x/v1%C3%A9");
        assert_eq!(url("http://h", "/x/é{id}é{id}", id), "http://h/x/%C3%A9v1%C3%A9v1");
        assert_eq!(url("http://h", "/é/x", id), "http://h/%C3%A9/x");
        for template in ["/x/{id", "/x/id}", "/x/{id}}", "/x/{}", "/x/{a{id}", "/x/}{id}", "/x/{id}{", "/{"] {
            let problem = build("http://h", template, id).unwrap_err();
            assert_eq!(
                problem,
                format!("bad path template `{template}`: each `{{` needs a name and a `}}` after it")
            );
        }
    }

    #[test]
    fn a_path_value_with_a_control_character_is_refused() {
        for value in ["a\nb", "a\r", "\tb", "a\u{7f}", "a\u{85}b", "\0"] {
            let problem = build("http://h", "/v1/x/{id}", |r| r.path("id", value)).unwrap_err();
            assert!(problem.starts_with("`id` cannot hold a control character"), "{problem}");
        }
        assert!(build("http://h", "/v1/x/{id}", |r| r.path("id", "a b\u{a0}é")).is_ok());
    }

    #[test]
    fn traces_show_the_template_and_only_harmless_query_values() {
        let base = reqwest::Url::parse("http://h:1/stem/").unwrap();
        let list = api::spec::operation("employers_list").unwrap();
        let sent =
            reqwest::Url::parse("http://h:1/stem/v1/employers?page=2&limit=5&active_in=true&name=Dana+S")
                .unwrap();
        assert_eq!(
            shown_url(&sent, &base, list.path, list.params),
            "http://h:1/stem/v1/employers?page=2&limit=5&active_in=true&name=REDACTED"
        );
        // An enum filter shows a value of the spec, and hides any other text.
        let years = api::spec::operation("benefit_products_plan_years_list").unwrap();
        let status = api::spec::enum_values("PlanYearStatus").unwrap()[0];
        let sent =
            reqwest::Url::parse(&format!("http://h:1/v1/x?status={status}&employer_id=empr_1")).unwrap();
        let shown = shown_url(&sent, &base, "/v1/x", years.params);
        assert_eq!(shown, format!("http://h:1/stem/v1/x?status={status}&employer_id=REDACTED"));
        let sent = reqwest::Url::parse("http://h:1/v1/x?status=Dana").unwrap();
        assert_eq!(shown_url(&sent, &base, "/v1/x", years.params), "http://h:1/stem/v1/x?status=REDACTED");
        // A parameter of the same name in the path is not a query parameter.
        let retrieve = api::spec::operation("employers_retrieve").unwrap();
        let sent = reqwest::Url::parse("http://h:1/v1/employers/123456789?employer_id=1").unwrap();
        assert_eq!(
            shown_url(&sent, &base, retrieve.path, retrieve.params),
            "http://h:1/stem/v1/employers/REDACTED?employer_id=REDACTED"
        );
        // No spec (a raw request): every value hidden; no query, none shown.
        let sent = reqwest::Url::parse("http://h:1/v1/p/123-45-6789/x7?page=1").unwrap();
        assert_eq!(
            shown_url(&sent, &base, "/v1/p/{ssn}/x{n}", &[]),
            "http://h:1/stem/v1/p/REDACTED/xREDACTED?page=REDACTED"
        );
        let sent = reqwest::Url::parse("http://h:1/v1/p").unwrap();
        assert_eq!(shown_url(&sent, &base, "/v1/p", &[]), "http://h:1/stem/v1/p");
    }

    #[test]
    fn a_segment_with_several_parameters_is_filled_in_whole() {
        let pair = |r: &mut RequestParts<'_>| {
            r.path("a", "1");
            r.path("b", "2");
        };
        assert_eq!(url("http://h", "/v1/x/{a}-{b}", pair), "http://h/v1/x/1-2");
        assert_eq!(url("http://h", "/v1/x/{a}{b}", pair), "http://h/v1/x/12");
    }

    #[test]
    fn cleared_properties_are_sent_as_null_and_the_rest_as_the_body_says() {
        let body = serde_json::json!({ "phone": "+14155550123" });
        let sent = |nulls: &[(&'static str, bool)]| -> serde_json::Value {
            let request = build("http://h", "/v1/x", |r| r.json_with_nulls(&body, nulls)).unwrap();
            serde_json::from_slice(request.body().and_then(reqwest::Body::as_bytes).unwrap()).unwrap()
        };
        assert_eq!(
            sent(&[("email", true), ("gender", false)]),
            serde_json::json!({ "phone": "+14155550123", "email": null })
        );
        assert_eq!(sent(&[("email", false)]), body);
        assert_eq!(sent(&[]), body);
    }

    #[test]
    fn query_parameters_and_body_are_encoded_like_the_generated_client() {
        let request = build("http://h", "/v1/employers", |r| {
            r.query("page", &2u64);
            r.query("active_in", &true);
            r.query("name", &"Acme & Co");
            r.json(&serde_json::json!({ "name": "Acme" }));
        })
        .unwrap();
        assert_eq!(request.url().as_str(), "http://h/v1/employers?page=2&active_in=true&name=Acme+%26+Co");
        assert_eq!(request.headers()[ACCEPT], "application/json");
        assert_eq!(request.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(request.headers()["api-version"], api::spec::SPEC_VERSION);
        let body = request.body().and_then(reqwest::Body::as_bytes).unwrap();
        assert_eq!(body, br#"{"name":"Acme"}"#);
        let get = build("http://h", "/v1/employers", |_| {}).unwrap();
        assert!(get.body().is_none() && !get.headers().contains_key(CONTENT_TYPE));
    }
}
