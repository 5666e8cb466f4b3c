//! How every request is executed: headers, idempotency key, timeout, retries with backoff,
//! and tracing. This is the only place that loops or sleeps.
//!
//! The generated client hands each request to [`RequestExecutor`] through the
//! `vitable_connect_api::hooks::Execute` seam.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http::header::{AUTHORIZATION, HeaderName, HeaderValue};
use http::{HeaderMap, Method, StatusCode};
use tracing::Instrument as _;
use vitable_connect_api::OperationInfo;
use vitable_connect_api::hooks::{BoxFuture, Execute};

use crate::client::Config;
use crate::operations::Operation;
use crate::request::RequestOptions;
use crate::retry;

/// The header carrying the idempotency key of a write.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// What the last attempt received, for building errors (the generated client may drop it).
#[derive(Debug, Default)]
pub(crate) struct Received {
    pub(crate) status: Option<StatusCode>,
    pub(crate) headers: HeaderMap,
    /// The body of an error response, read here so its text is never lost.
    pub(crate) error_body: Option<bytes::Bytes>,
}

/// Executes one logical request, with its own options, on behalf of the generated client.
pub(crate) struct RequestExecutor {
    config: Arc<Config>,
    operation: &'static Operation,
    options: RequestOptions,
    pub(crate) received: Mutex<Received>,
}

impl RequestExecutor {
    pub(crate) fn new(config: Arc<Config>, operation: &'static Operation, options: RequestOptions) -> Self {
        Self { config, operation, options, received: Mutex::new(Received::default()) }
    }

    /// The timeout of each attempt.
    pub(crate) fn timeout(&self) -> Duration {
        self.options.timeout.unwrap_or(self.config.timeout)
    }

    /// The API key (the `Authorization` value without `Bearer `).
    pub(crate) fn api_key(&self) -> &str {
        let value = self.config.authorization.to_str().unwrap_or_default();
        value.strip_prefix("Bearer ").unwrap_or_default()
    }

    fn max_retries(&self) -> u32 {
        self.options.max_retries.unwrap_or(self.config.max_retries)
    }

    /// Adds the client's and the request's headers, the idempotency key and the timeout.
    fn prepare(&self, request: &mut reqwest::Request) {
        let headers = request.headers_mut();
        overlay(headers, &self.config.default_headers);
        headers.insert(AUTHORIZATION, self.config.authorization.clone());
        overlay(headers, &self.options.headers);
        if request.method() != Method::GET && !request.headers().contains_key(IDEMPOTENCY_KEY) {
            let key = match &self.options.idempotency_key {
                Some(key) => key.clone(),
                None => HeaderValue::from_str(&format!("vitable-rs-{}", uuid::Uuid::new_v4()))
                    .expect("a UUID is a valid header value"),
            };
            request.headers_mut().insert(HeaderName::from_static(IDEMPOTENCY_KEY), key);
        }
        // The client's own timeout already applies unless the request overrides it or the
        // reqwest client is the user's.
        if self.options.timeout.is_some() || !self.config.http_has_timeout {
            *request.timeout_mut() = Some(self.timeout());
        }
    }

    async fn run(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        self.prepare(&mut request);
        let max_retries = self.max_retries();
        let mut retry = 0;
        loop {
            // Bodies built by the generated client are buffered, so cloning succeeds; if one
            // ever is not, it is sent once without retries.
            // The last allowed attempt needs no spare copy.
            let (attempt, spare) = match (retry < max_retries).then(|| request.try_clone()).flatten() {
                Some(copy) => (copy, Some(request)),
                None => (request, None),
            };
            let started = Instant::now();
            let result = client.execute(attempt).await;
            let elapsed = started.elapsed();
            let delay = match &result {
                Ok(response) => {
                    let status = response.status();
                    // The fields are only evaluated when the event is enabled.
                    tracing::debug!(
                        attempt = retry + 1,
                        status = status.as_u16(),
                        duration_ms = elapsed.as_millis() as u64,
                        request_id = crate::error::request_id(response.headers()).as_deref(),
                        "vitable_connect attempt finished"
                    );
                    (!status.is_success() && retry::response_is_retryable(status, response.headers()))
                        .then(|| retry::delay_after_response(response.headers(), retry))
                }
                Err(error) => {
                    tracing::debug!(
                        attempt = retry + 1,
                        duration_ms = elapsed.as_millis() as u64,
                        error = %error,
                        "vitable_connect attempt failed"
                    );
                    retry::error_is_retryable(error).then(|| retry::backoff(retry))
                }
            };
            match (delay, spare) {
                (Some(delay), Some(spare)) => {
                    tracing::debug!(
                        retry = retry + 1,
                        delay_ms = delay.as_millis() as u64,
                        "vitable_connect retrying"
                    );
                    drop(result);
                    tokio::time::sleep(delay).await;
                    request = spare;
                    retry += 1;
                }
                _ => {
                    // The span records the outcome once: the final attempt's.
                    let span = tracing::Span::current();
                    span.record("attempts", retry + 1);
                    if let (false, Ok(response)) = (span.is_disabled(), &result) {
                        span.record("status", response.status().as_u16());
                        if let Some(id) = crate::error::request_id(response.headers()) {
                            span.record("request_id", id.as_str());
                        }
                    }
                    return self.keep_error_body(result?).await;
                }
            }
        }
    }

    /// Remembers status and headers; for an error status also reads the body, keeps it, and
    /// hands on an equivalent response so the generated client can still parse it.
    async fn keep_error_body(&self, response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
        let status = response.status();
        let headers = response.headers().clone();
        if status.is_success() {
            let mut received = self.received.lock().unwrap_or_else(|p| p.into_inner());
            received.status = Some(status);
            received.headers = headers;
            return Ok(response);
        }
        let version = response.version();
        let body = response.bytes().await?;
        {
            let mut received = self.received.lock().unwrap_or_else(|p| p.into_inner());
            received.status = Some(status);
            received.headers = headers.clone();
            received.error_body = Some(body.clone());
        }
        let mut rebuilt = http::Response::new(body);
        *rebuilt.status_mut() = status;
        *rebuilt.headers_mut() = headers;
        *rebuilt.version_mut() = version;
        Ok(reqwest::Response::from(rebuilt))
    }
}

/// Sets every header of `extra` on `headers`: earlier values of the same name are replaced,
/// and a name given several times in `extra` keeps all its values.
fn overlay(headers: &mut HeaderMap, extra: &HeaderMap) {
    for name in extra.keys() {
        headers.remove(name);
        for value in extra.get_all(name) {
            headers.append(name.clone(), value.clone());
        }
    }
}

impl Execute for RequestExecutor {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        _info: &'a OperationInfo,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        let span = tracing::info_span!(
            "vitable_connect.request",
            operation = self.operation.name,
            method = self.operation.method,
            path = self.operation.path,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        Box::pin(self.run(client, request).instrument(span))
    }
}
