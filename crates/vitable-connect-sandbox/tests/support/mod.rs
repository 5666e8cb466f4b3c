//! Helpers shared by the integration tests: a seeded sandbox on 127.0.0.1 with a pinned date,
//! and a small JSON client around reqwest.

#![allow(dead_code)]

use std::time::Duration;

use chrono::NaiveDate;
use reqwest::header::HeaderMap;
use serde_json::Value;
use vitable_connect_api::spec::{self, Limits};
use vitable_connect_sandbox::{Demo, DemoEmployee, Sandbox, SandboxOptions};

/// The date every test sandbox takes for today.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 5, 20).expect("valid date")
}

/// A client that talks to 127.0.0.1 only: no proxy, no automatic retries.
pub fn client(timeout: Option<Duration>) -> reqwest::Client {
    // reqwest is built without a rustls provider of its own (the SDK's default TLS feature):
    // a plain client needs the one the SDK installs.
    vitable_connect::install_crypto_provider();
    let mut builder = reqwest::Client::builder().no_proxy().retry(reqwest::retry::never());
    if let Some(timeout) = timeout {
        builder = builder.timeout(timeout);
    }
    builder.build().expect("client")
}

/// A response: status, headers and the body as JSON (`Null` when empty).
#[derive(Debug)]
pub struct Res {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Res {
    pub async fn from(response: reqwest::Response) -> Res {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).expect("JSON body") };
        Res { status, headers, text, body }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The per-field messages of a validation error.
    pub fn field_errors(&self, field: &str) -> Vec<String> {
        self.body["errors"][field]
            .as_array()
            .map(|a| a.iter().filter_map(|m| m.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }

    /// Asserts a status, showing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Res {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.text);
        self
    }
}

/// A sandbox and a client for it.
pub struct Api {
    pub sandbox: Sandbox,
    pub client: reqwest::Client,
    pub token: String,
}

impl Api {
    /// A seeded sandbox whose today is [`today`].
    pub async fn seeded() -> Api {
        Api::with(SandboxOptions::new().seed(true).today(today())).await
    }

    pub async fn with(options: SandboxOptions) -> Api {
        let sandbox = Sandbox::start(options).await.expect("sandbox starts");
        Api { sandbox, client: client(None), token: "test-token".to_owned() }
    }

    pub fn demo(&self) -> &Demo {
        self.sandbox.demo().expect("seeded")
    }

    /// Dana Rivera (Full Time, spouse and child), Sam Okafor (Full Time), Priya Natarajan
    /// (Part Time).
    pub fn employee(&self, index: usize) -> &DemoEmployee {
        &self.demo().employees[index]
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.base_url())
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, self.url(path)).bearer_auth(&self.token)
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Res {
        Res::from(request.send().await.expect("request sent")).await
    }

    pub async fn get(&self, path: &str) -> Res {
        self.send(self.request(reqwest::Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Res {
        self.send(self.request(reqwest::Method::POST, path).json(body)).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Res {
        self.send(self.request(reqwest::Method::PUT, path).json(body)).await
    }

    pub async fn delete(&self, path: &str) -> Res {
        self.send(self.request(reqwest::Method::DELETE, path)).await
    }

    /// Records a QLE for a member and returns the response.
    pub async fn record_qle(&self, member_id: &str, event_type: &str, event_date: &str) -> Res {
        let body = serde_json::json!({ "event_type": event_type, "event_date": event_date });
        self.post(&format!("/v1/members/{member_id}/qualifying-life-events"), &body).await
    }
}

/// A date-time field parsed for comparisons.
pub fn timestamp(value: &Value) -> chrono::DateTime<chrono::Utc> {
    value.as_str().and_then(|s| s.parse().ok()).expect("an ISO 8601 timestamp")
}

/// The limits `openapi.yaml` gives property `prop` of schema `schema`.
#[track_caller]
pub fn limits(schema: &str, prop: &str) -> Limits {
    spec::properties(schema)
        .and_then(|props| props.iter().find(|p| p.name == prop))
        .unwrap_or_else(|| panic!("{schema}.{prop} is not in the spec"))
        .limits
}

/// The limits `openapi.yaml` gives parameter `param` of operation `op_id`.
#[track_caller]
pub fn param_limits(op_id: &str, param: &str) -> Limits {
    spec::operation(op_id)
        .and_then(|op| op.param(param))
        .unwrap_or_else(|| panic!("{op_id} has no parameter `{param}` in the spec"))
        .limits
}

/// The spec's `default` of parameter `param` of `op_id`, as a number.
#[track_caller]
pub fn param_default(op_id: &str, param: &str) -> u64 {
    let default =
        param_limits(op_id, param).default.unwrap_or_else(|| panic!("{op_id}.{param} has a default"));
    default
        .parse()
        .unwrap_or_else(|e| panic!("{op_id}.{param}: the default `{default}` is not a number: {e}"))
}

/// The spec's `maxLength` of `schema.prop`.
#[track_caller]
pub fn max_len(schema: &str, prop: &str) -> usize {
    let max = limits(schema, prop).max_length.unwrap_or_else(|| panic!("{schema}.{prop} has no maxLength"));
    usize::try_from(max).expect("a length")
}
