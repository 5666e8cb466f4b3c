//! What every operation builder shares: per-request options, the raw-response wrapper, and
//! the call into the generated client with its error mapping.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use vitable_connect_api as api;

use crate::client::Client;
use crate::error::{ApiError, DecodeError, Error, InvalidInput, Result};
use crate::operations::Operation;
use crate::transport::RequestExecutor;

/// Settings of one request that override the client's.
#[derive(Clone, Default)]
pub(crate) struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) headers: HeaderMap,
    pub(crate) idempotency_key: Option<HeaderValue>,
    /// A header or key given by the caller that is not valid, reported when sending.
    pub(crate) invalid: Option<InvalidInput>,
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("idempotency_key", &self.idempotency_key)
            .finish()
    }
}

impl RequestOptions {
    pub(crate) fn header(&mut self, operation: &'static Operation, name: &str, value: &str) {
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            _ => self.reject(operation, "header", format!("`{name}` is not a valid header name and value")),
        }
    }

    pub(crate) fn idempotency_key(&mut self, operation: &'static Operation, key: &str) {
        match HeaderValue::from_str(key) {
            Ok(value) if !key.is_empty() && key.len() <= 255 => self.idempotency_key = Some(value),
            _ => self.reject(
                operation,
                "idempotency_key",
                "must be 1 to 255 visible ASCII characters".to_owned(),
            ),
        }
    }

    fn reject(&mut self, operation: &'static Operation, field: &'static str, problem: String) {
        self.invalid.get_or_insert(InvalidInput {
            operation: operation.name,
            field: field.to_owned(),
            problem,
        });
    }
}

/// Adds the per-request setters every operation builder has: `timeout`, `max_retries`,
/// `header` and `idempotency_key`.
macro_rules! request_options {
    ($builder:ty) => {
        impl $builder {
            /// Overrides the client's timeout for each attempt of this request.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.options.timeout = Some(timeout);
                self
            }

            /// Overrides the client's number of retries for this request (0 disables them).
            pub fn max_retries(mut self, retries: u32) -> Self {
                self.options.max_retries = Some(retries);
                self
            }

            /// Adds a header to this request. An invalid name or value is reported by `send`.
            pub fn header(mut self, name: &str, value: &str) -> Self {
                self.options.header(Self::OPERATION, name, value);
                self
            }

            /// Sets the `Idempotency-Key` of this request (by default writes get a fresh
            /// random key, the same on every retry). Reuse a key to make a write safe to repeat
            /// across processes.
            pub fn idempotency_key(mut self, key: &str) -> Self {
                self.options.idempotency_key(Self::OPERATION, key);
                self
            }
        }
    };
}
pub(crate) use request_options;

/// A decoded response together with its status and headers.
///
/// Returned by every builder's `send_with_response()`. Derefs to the value.
#[derive(Debug, Clone)]
pub struct ApiResponse<T> {
    status: StatusCode,
    headers: HeaderMap,
    value: T,
}

impl<T> ApiResponse<T> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `x-request-id` header, when the server sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.headers.get("x-request-id").and_then(|v| v.to_str().ok())
    }

    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// Status, headers and value.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, self.headers, self.value)
    }
}

impl<T> std::ops::Deref for ApiResponse<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// One call into the generated client: a generated client whose requests run through a
/// [`RequestExecutor`] with this request's options.
pub(crate) struct Call {
    pub(crate) api: api::Client,
    executor: Arc<RequestExecutor>,
    operation: &'static Operation,
}

type ApiResult<T> = std::result::Result<api::ResponseValue<T>, api::Error<api::types::Error>>;

impl Client {
    /// Prepares a call of `operation`, failing early on an invalid per-request option.
    pub(crate) fn call(&self, operation: &'static Operation, options: RequestOptions) -> Result<Call> {
        if let Some(invalid) = options.invalid.clone() {
            return Err(invalid.into());
        }
        let executor = Arc::new(RequestExecutor::new(self.config.clone(), operation, options));
        let inner = api::hooks::Inner::new(executor.clone());
        let api = api::Client::new_with_client(&self.config.base_url, self.config.http.clone(), inner);
        Ok(Call { api, executor, operation })
    }
}

impl Call {
    /// Turns the generated client's result into the SDK's.
    pub(crate) async fn finish<T: DeserializeOwned>(self, result: ApiResult<T>) -> Result<ApiResponse<T>> {
        let executor = self.executor.clone();
        self.convert(result).await.map_err(|error| hide_api_key(error, executor.api_key()))
    }

    async fn convert<T: DeserializeOwned>(self, result: ApiResult<T>) -> Result<ApiResponse<T>> {
        let op = self.operation.name;
        let error = match result {
            Ok(value) => {
                let status = value.status();
                // The executor kept a copy of these headers; take it rather than copy again.
                let headers = self.take_success_headers(status).unwrap_or_else(|| value.headers().clone());
                return Ok(ApiResponse { status, headers, value: value.into_inner() });
            }
            Err(error) => error,
        };
        Err(match error {
            api::Error::CommunicationError(e) | api::Error::ResponseBodyError(e) => self.transport_error(e),
            api::Error::UnexpectedResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                let body = match response.bytes().await {
                    Ok(body) => body,
                    Err(e) => return Err(self.transport_error(e)),
                };
                if status.is_success() {
                    // Any 2xx is a success, even one the spec does not list. A body that an
                    // operation without one does not expect (e.g. terminate answered with
                    // 200 and JSON) is ignored: `()` decodes from `null`.
                    return match serde_json::from_slice::<T>(&body) {
                        Ok(value) => Ok(ApiResponse { status, headers, value }),
                        Err(e) => match serde_json::from_slice::<T>(b"null") {
                            Ok(value) => Ok(ApiResponse { status, headers, value }),
                            Err(_) => Err(DecodeError::locate::<T>(op, status, &headers, &body, &e).into()),
                        },
                    };
                }
                ApiError::from_parts(op, status, headers, &body).into()
            }
            api::Error::InvalidResponsePayload(body, e) => {
                let (status, headers, error_body) = self.received();
                match (status, error_body) {
                    (Some(status), Some(error_body)) if !status.is_success() => {
                        ApiError::from_parts(op, status, headers, &error_body).into()
                    }
                    (status, _) => {
                        DecodeError::locate::<T>(op, status.unwrap_or(StatusCode::OK), &headers, &body, &e)
                            .into()
                    }
                }
            }
            api::Error::ErrorResponse(value) => {
                let (_, _, error_body) = self.received();
                let status = value.status();
                let headers = value.headers().clone();
                match error_body {
                    Some(body) => ApiError::from_parts(op, status, headers, &body).into(),
                    None => {
                        let body = serde_json::to_vec(&value.into_inner()).unwrap_or_default();
                        ApiError::from_parts(op, status, headers, &body).into()
                    }
                }
            }
            api::Error::InvalidRequest(problem) | api::Error::Custom(problem) => {
                InvalidInput { operation: op, field: "request".to_owned(), problem }.into()
            }
            api::Error::InvalidUpgrade(e) => {
                Error::Config(format!("unexpected protocol upgrade in {op}: {e}"))
            }
        })
    }

    /// The headers of the successful response the executor received, if it kept them.
    fn take_success_headers(&self, status: StatusCode) -> Option<HeaderMap> {
        let mut received = self.executor.received.lock().unwrap_or_else(|p| p.into_inner());
        (received.status == Some(status) && received.error_body.is_none())
            .then(|| std::mem::take(&mut received.headers))
    }

    fn received(&self) -> (Option<StatusCode>, HeaderMap, Option<bytes::Bytes>) {
        let mut received = self.executor.received.lock().unwrap_or_else(|p| p.into_inner());
        (received.status, std::mem::take(&mut received.headers), received.error_body.take())
    }

    fn transport_error(&self, error: reqwest::Error) -> Error {
        let operation = self.operation.name;
        if error.is_timeout() {
            Error::Timeout { operation, after: Some(self.executor.timeout()), source: error }
        } else {
            Error::Connection { operation, source: error }
        }
    }
}

/// Replaces the API key wherever the server echoed it into the text of an error, so that no
/// message shows it. A key too short to be a real one is left alone (replacing it would
/// garble messages).
fn hide_api_key(mut error: Error, key: &str) -> Error {
    if key.len() < 8 {
        return error;
    }
    let hide = |text: &mut String| {
        if text.contains(key) {
            *text = text.replace(key, "<redacted>");
        }
    };
    match &mut error {
        Error::Api(e) => {
            e.detail.iter_mut().chain(&mut e.code).chain(&mut e.body_snippet).for_each(hide);
            e.field_errors.values_mut().flatten().for_each(hide);
        }
        Error::Decode(e) => {
            hide(&mut e.message);
            e.body_snippet.iter_mut().for_each(hide);
        }
        _ => {}
    }
    error
}
