//! Requests to endpoints that `openapi.yaml` does not describe yet: any method and path, with
//! the client's auth, retries, idempotency keys, interceptors, errors and redaction.

use http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::Result;
use crate::request::{ApiResponse, RequestOptions};
use crate::template::RequestParts;

/// The name a raw request has in errors and traces unless [`RawRequestBuilder::name`] gives
/// one.
pub const RAW_REQUEST: &str = "raw_request";

/// A request to any method and path of the API, for an endpoint the SDK does not have yet.
/// Get one with [`Client::raw`].
///
/// It goes through everything a generated operation does: the API key, default headers,
/// timeout, deadline, retry policy, an idempotency key for a write (the same on every retry
/// and in every clone), interceptors, the size limit, and the same errors with the same
/// redaction. Only the checks taken from the spec are missing, since there is no spec for it.
///
/// ```no_run
/// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
/// use vitable_connect::Method;
///
/// #[derive(serde::Deserialize)]
/// struct Document {
///     id: String,
///     url: String,
/// }
///
/// // `POST /v1/employees/{employee_id}/documents`, not in the SDK's spec yet.
/// let document: Document = client
///     .raw(Method::POST, "/v1/employees/{employee_id}/documents")
///     .name("employees.documents.create")
///     .path_param("employee_id", "empl_5Nq1Zt")
///     .json(&vitable_connect::serde_json::json!({ "kind": "w4" }))
///     .send()
///     .await?;
/// println!("{} at {}", document.id, document.url);
///
/// // The raw response: status, headers and body, whatever its shape.
/// let response = client.raw(Method::GET, "/v1/health").send_raw().await?;
/// println!("{} {}", response.http_status(), String::from_utf8_lossy(response.body()));
/// # Ok(()) }
/// ```
#[derive(Clone)]
#[must_use = "a request does nothing until it is sent with `.send()`"]
pub struct RawRequestBuilder {
    client: Client,
    options: RequestOptions,
    name: &'static str,
    method: Method,
    path: String,
    path_params: Vec<(String, String)>,
    query: Vec<(String, serde_json::Value)>,
    body: Option<serde_json::Value>,
}

/// Shows the request's shape: name, method, path template, the names of its path and query
/// parameters, whether it has a body, and its options. No value is shown: a path parameter, a
/// query value or the body may hold personal data (an SSN, a date of birth, an address).
impl std::fmt::Debug for RawRequestBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawRequestBuilder")
            .field("name", &self.name)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("path_params", &self.path_params.iter().map(|(name, _)| name).collect::<Vec<_>>())
            .field("query", &self.query.iter().map(|(name, _)| name).collect::<Vec<_>>())
            .field("body", &self.body.as_ref().map(|_| "<not shown>"))
            .field("options", &self.options)
            .field("client", &self.client)
            .finish()
    }
}

/// # Endpoints the SDK does not have yet
impl Client {
    /// A request to `method path` for an endpoint the SDK does not describe yet (see
    /// [`RawRequestBuilder`]). `path` is the path from the API's root, e.g.
    /// `/v1/employees/{employee_id}/documents`; a `{name}` segment is filled in (and
    /// percent-encoded) from [`path_param`](RawRequestBuilder::path_param).
    pub fn raw(&self, method: Method, path: &str) -> RawRequestBuilder {
        let mut options = RequestOptions::for_method(method.as_str());
        if let Some(problem) = path_problem(path) {
            options.reject("path", problem);
        }
        RawRequestBuilder {
            client: self.clone(),
            options,
            name: RAW_REQUEST,
            method,
            path: path.to_owned(),
            path_params: Vec::new(),
            query: Vec::new(),
            body: None,
        }
    }
}

/// Why `path` cannot be a raw request's path, if it cannot.
fn path_problem(path: &str) -> Option<String> {
    if !path.starts_with('/') {
        return Some(format!("must start with `/`, e.g. `/v1/things` (got {} characters)", path.len()));
    }
    if path.contains(['?', '#']) {
        return Some("may not hold a query or a fragment: use `.query(..)`".to_owned());
    }
    if path.split('/').any(|segment| matches!(segment, "." | "..")) {
        return Some("may not hold `.` or `..` segments".to_owned());
    }
    None
}

impl RawRequestBuilder {
    /// The name the request has in errors, traces and interceptors (default `raw_request`),
    /// e.g. `employees.documents.create`.
    pub fn name(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }

    /// The value of the path's `{name}` segment (percent-encoded when sent).
    pub fn path_param(mut self, name: &str, value: &str) -> Self {
        self.path_params.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Adds a query parameter: a string, a number or a boolean.
    pub fn query(mut self, name: &str, value: impl Serialize) -> Self {
        match serde_json::to_value(value) {
            Ok(
                value @ (serde_json::Value::String(_)
                | serde_json::Value::Number(_)
                | serde_json::Value::Bool(_)),
            ) => self.query.push((name.to_owned(), value)),
            _ => self.options.reject("query", format!("`{name}` must be a string, a number or a boolean")),
        }
        self
    }

    /// The body, sent as JSON.
    pub fn json(mut self, body: &impl Serialize) -> Self {
        match serde_json::to_value(body) {
            Ok(body) => self.body = Some(body),
            Err(e) => self.options.reject("body", format!("cannot be encoded as JSON: {e}")),
        }
        self
    }

    /// Sends the request and decodes a success response's body as `T` (use `()` for none,
    /// `serde_json::Value` for any JSON).
    pub async fn send<T: DeserializeOwned>(self) -> Result<T> {
        self.send_with_response().await.map(ApiResponse::into_inner)
    }

    /// Sends the request; returns the decoded body with the status, headers and raw body.
    pub async fn send_with_response<T: DeserializeOwned>(self) -> Result<ApiResponse<T>> {
        let RawRequestBuilder { client, options, name, method, path, path_params, query, body } = self;
        let call = client.call_to(name, method, &path, &[], options)?;
        let mut request = RequestParts::new(&path);
        for (name, value) in &path_params {
            request.path(name, value);
        }
        for (name, value) in &query {
            request.query(name, value);
        }
        if let Some(body) = &body {
            request.json(body);
        }
        call.send(request).await
    }

    /// Sends the request and returns the response as received, without decoding its body:
    /// read it with [`ApiResponse::body`] or [`ApiResponse::json`]. An error status is still
    /// an error.
    pub async fn send_raw(self) -> Result<ApiResponse<()>> {
        self.send_with_response::<()>().await
    }
}

crate::request::request_options!(RawRequestBuilder);
