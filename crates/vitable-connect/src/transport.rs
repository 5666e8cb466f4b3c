//! The attempts of a call: the only place that loops or sleeps. Each attempt sends the
//! request its builder described once ([`RequestParts`], finished on the client's base URL),
//! with the client's and the request's headers and the idempotency key, within its timeout
//! and the call's deadline; then the response is read within the size limit and decoded, or
//! the attempt is retried with backoff, and the span and the interceptors hear how it went.

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;

use futures::future::Either;
use http::header::{AUTHORIZATION, HeaderName, LOCATION};
use http::{HeaderMap, Method, StatusCode};
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::Instrument as _;
use vitable_connect_api as api;

use crate::client::{Client, Config};
use crate::error::{ApiError, DecodeError, Error, InvalidInput, Result, WriteAttempt};
use crate::headers::{IDEMPOTENCY_KEY, new_key, overlay};
use crate::interceptor::{AttemptFailure, AttemptOutcome, AttemptRequest};
use crate::operations::Operation;
use crate::request::{ApiResponse, Options, RequestOptions};
use crate::retry::{self, RetryPolicy};
use crate::template::{RequestParts, shown_url};

impl Client {
    /// Prepares a call of `operation`, failing early on an invalid per-request option. The
    /// generated builder then sends the request it describes with [`Call::send`].
    pub(crate) fn call(&self, operation: &'static Operation, options: RequestOptions) -> Result<Call<'_>> {
        let method = Method::from_bytes(operation.method.as_bytes()).map_err(|_| InvalidInput {
            operation: operation.name,
            field: "request".to_owned(),
            problem: format!("`{}` is not an HTTP method", operation.method),
        })?;
        self.call_to(operation.name, method, operation.path, operation.params, options)
    }

    /// Prepares a call of `method path` (a path template, see [`RequestParts`]), named `name`
    /// in errors and traces,
    /// whose parameters the spec describes in `params` (none for a raw request).
    pub(crate) fn call_to<'a>(
        &'a self,
        name: &'static str,
        method: Method,
        path: &'a str,
        params: &'static [api::spec::Param],
        options: RequestOptions,
    ) -> Result<Call<'a>> {
        let mut options = options.0;
        if let Some(mut invalid) = options.as_mut().and_then(|o| o.invalid.take()) {
            invalid.operation = name;
            return Err(invalid.into());
        }
        Ok(Call { config: &self.config, name, method, path, params, options, token: None })
    }
}

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
    /// Sends the request `parts` describes (each attempt's built from it on the client's base
    /// URL), retrying as configured, and decodes the response. A request that cannot be built
    /// fails before anything is sent.
    ///
    /// The span follows OpenTelemetry's HTTP client conventions (`http.request.method`,
    /// `server.address`, `server.port`, `url.full` with values hidden as [`shown_url`] says,
    /// `url.template`, `http.response.status_code`, `http.request.resend_count`,
    /// `error.type`), with the SDK's `operation` and the response's `request_id`.
    pub(crate) fn send<'s, T>(
        self,
        parts: RequestParts<'s>,
    ) -> impl Future<Output = Result<ApiResponse<T>>> + use<'a, 's, T>
    where
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
            Either::Left(self.run(parts, span))
        } else {
            // The conventions' span name: `{method} {url.template}`.
            span.record("otel.name", format!("{} {}", self.method, self.path).as_str());
            let entered = span.clone();
            Either::Right(self.run(parts, span).instrument(entered))
        }
    }

    // `run` returns an `async move` block rather than being an `async fn`: an `async fn`
    // keeps a second copy of its arguments in its future, which every call would carry.
    #[allow(clippy::manual_async_fn)]
    fn run<'s, T>(
        mut self,
        parts: RequestParts<'s>,
        span: tracing::Span,
    ) -> impl Future<Output = Result<ApiResponse<T>>> + use<'a, 's, T>
    where
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
                let (sent, pending) = self.start(&parts, retry + 1)?;
                let started = Instant::now();
                let end = Ending::of(started, self.timeout(), until);
                let head = match tokio::time::timeout_at(end.at, pending).await {
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
                    span.record("error.type", error.otel_type().as_ref());
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
                let error = error.with_write(attempt).without_api_key(self.config.api_key());
                match &self.token {
                    Some(token) => error.without_api_key(token),
                    None => error,
                }
            })
        }
    }

    /// Starts attempt number `attempt`: the request `parts` describes, with the headers of the
    /// client, the request and the idempotency key, as the interceptors leave it; also returns
    /// the URL it is sent to. A credential an interceptor set in place of the API key is kept
    /// in `self.token`. (Not `async`: what it builds is not kept in the call's future.)
    fn start(
        &mut self,
        parts: &RequestParts<'_>,
        attempt: u32,
    ) -> Result<(reqwest::Url, impl Future<Output = reqwest::Result<reqwest::Response>> + use<>)> {
        let config: &'a Config = self.config;
        let mut request = parts
            .finish(&config.base, self.method.clone(), config.headers.clone())
            .map_err(|problem| self.invalid(problem))?;
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

    /// Adds the request's own headers and the idempotency key (the client's are there already).
    fn prepare(&mut self, request: &mut reqwest::Request) {
        let write = !matches!(*request.method(), Method::GET | Method::HEAD);
        let headers = request.headers_mut();
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
        // The request id is shown only when asked for: most successes never are.
        let (secret, token) = (self.config.secret.clone(), self.token.clone());
        Ok(ApiResponse {
            http_status: status,
            headers,
            value,
            body,
            operation,
            secret,
            token,
            request_id: Default::default(),
        })
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
        let location = location.map(|l| crate::redact::shown_text(&l));
        Error::Redirect { operation: self.name, status, location, write: None }
    }

    /// A request that cannot be built from what the builder gave.
    fn invalid(&self, problem: String) -> Error {
        InvalidInput { operation: self.name, field: "request".to_owned(), problem }.into()
    }

    /// The `x-request-id` of a response as it may be logged: SSNs masked, bounded, and the
    /// API key hidden should the server echo it there.
    fn request_id(&self, headers: &HeaderMap) -> Option<String> {
        crate::redact::request_id_hiding(headers, [Some(self.config.api_key()), self.token.as_deref()])
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
                crate::redact::shown_text(&error.without_url().to_string())
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
