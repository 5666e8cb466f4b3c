//! One operation's call: the values given, their conversion into the builder's types, the
//! reply printed, and every way it can fail, with its exit code.

use std::future::Future;
use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde_json::Value;
use vitable_connect::{ApiResponse, Client, Error};
use vitable_connect_api::spec::Operation;

use crate::exit::Code;
use crate::output::Printer;
use crate::redact;
use crate::values::Values;

/// Why a command did not succeed: its exit code and one line for stderr.
#[derive(Debug)]
pub(crate) struct Failure {
    pub code: Code,
    pub message: String,
    /// The SDK's error, when the failure came from a call.
    pub error: Option<Box<Error>>,
}

impl Failure {
    /// Bad usage or invalid input, found before anything was sent.
    pub fn usage(message: String) -> Failure {
        Failure { code: Code::Usage, message, error: None }
    }

    /// Something else went wrong on this side (a file, the sandbox).
    pub fn local(message: String) -> Failure {
        Failure { code: Code::Other, message, error: None }
    }
}

/// Reads a JSON string with the type's `FromStr`: IDs and SSNs, checked as the SDK checks
/// user input.
pub(crate) fn parse<T>(value: &Value) -> Result<T, String>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    match value {
        Value::String(text) => text.parse::<T>().map_err(|e| e.to_string()),
        other => Err(format!("must be a string, not {other}")),
    }
}

/// A JSON array of strings, each read with [`parse`] (for a list of IDs; the generated code
/// uses it whenever the spec has one).
#[allow(dead_code)]
pub(crate) fn parse_each<T>(value: &Value) -> Result<Vec<T>, String>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    let Value::Array(items) = value else { return Err(format!("must be a list, not {value}")) };
    items.iter().enumerate().map(|(i, item)| parse(item).map_err(|e| format!("item {i}: {e}"))).collect()
}

/// Any other value, through serde.
pub(crate) fn decode<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
    // An unsigned value (the API's `minimum: 1` counts) given a negative number.
    if value.as_i64().is_some_and(|n| n < 0) && serde_json::from_value::<T>(Value::from(0u64)).is_ok() {
        return Err("must not be negative".to_owned());
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        if path == "." { e.into_inner().to_string() } else { format!("{path}: {}", e.into_inner()) }
    })
}

/// What one command holds while it runs.
pub(crate) struct Ctx {
    pub client: Client,
    pub operation: &'static Operation,
    pub values: Values,
    pub idempotency_key: String,
    pub all: bool,
    pub printer: Printer,
    /// The API key, hidden wherever a server echoes it.
    pub api_key: String,
}

impl Ctx {
    /// Sends the operation with the values held, through its generated function.
    pub async fn send(&mut self) -> Result<(), Failure> {
        let id = self.operation.id;
        let send = crate::generated_commands::SENDERS
            .iter()
            .find(|(op, _)| *op == id)
            .map(|(_, send)| *send)
            .expect("every operation of the table has a sender");
        send(self).await
    }

    /// The client to call.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The idempotency key of this write.
    pub fn idempotency_key(&self) -> &str {
        &self.idempotency_key
    }

    /// Whether `--all` asks for every page.
    pub fn all_pages(&self) -> bool {
        self.all
    }

    fn convert<T>(
        &self,
        name: &str,
        value: &Value,
        conv: impl Fn(&Value) -> Result<T, String>,
    ) -> Result<T, Failure> {
        conv(value).map_err(|problem| Failure::usage(format!("{}: {problem}", self.values.shown(name))))
    }

    /// A required value (the values were checked for presence when gathered).
    pub fn required<T>(&self, name: &str, conv: impl Fn(&Value) -> Result<T, String>) -> Result<T, Failure> {
        match self.values.get(name) {
            Some(value) if !value.is_null() => self.convert(name, value, conv),
            _ => Err(Failure::usage(format!("missing {}", self.values.shown(name)))),
        }
    }

    /// An optional value.
    pub fn optional<T, F>(&self, name: &str, conv: F) -> Result<Option<T>, Failure>
    where
        F: Fn(&Value) -> Result<T, String>,
    {
        match self.values.get(name) {
            None => Ok(None),
            Some(Value::Null) => {
                Err(Failure::usage(format!("{}: must not be null", self.values.shown(name))))
            }
            Some(value) => self.convert(name, value, conv).map(Some),
        }
    }

    /// A value an update can clear: `Some(None)` when given as `null` (`--clear-<name>`).
    pub fn update<T, F>(&self, name: &str, conv: F) -> Result<Option<Option<T>>, Failure>
    where
        F: Fn(&Value) -> Result<T, String>,
    {
        match self.values.get(name) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(value) => self.convert(name, value, conv).map(|v| Some(Some(v))),
        }
    }

    /// Prints the reply of a call, or turns its error into a failure.
    pub fn reply<T>(&mut self, result: vitable_connect::Result<ApiResponse<T>>) -> Result<(), Failure> {
        let response = result.map_err(|error| self.failure(error))?;
        let body = self.scrubbed(response.body());
        self.printer.response(response.http_status().as_u16(), &body).map_err(Failure::local)
    }

    /// The body as the tool shows it: SSNs masked and the API key hidden, whatever the server
    /// sent (see [`redact::scrub`]); JSON stays JSON, anything else is treated as text.
    fn scrubbed(&self, body: &[u8]) -> Vec<u8> {
        if body.is_empty() {
            return Vec::new();
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(mut value) => {
                redact::scrub(&mut value, self.operation.success, &self.api_key);
                serde_json::to_vec(&value).unwrap_or_default()
            }
            Err(_) => redact::scrub_text(&String::from_utf8_lossy(body), &self.api_key).into_bytes(),
        }
    }

    /// Fetches every page with `fetch(page, limit)` from `--page` (default 1) at `--limit`
    /// (default: the largest the spec allows), printing each item as it comes: one page in
    /// memory at a time. A page longer than asked for, or the same page twice (a server that
    /// ignores `page`), is a fault of the server and ends it; what was printed stays
    /// well-formed (a JSON array is closed).
    pub async fn pages<T, F, Fut>(&mut self, mut fetch: F) -> Result<(), Failure>
    where
        F: FnMut(u64, u64) -> Fut,
        Fut: Future<Output = vitable_connect::Result<ApiResponse<T>>>,
    {
        let op = self.operation;
        let limit = match self.values.get("limit").and_then(Value::as_u64) {
            Some(limit) => limit,
            None => op
                .param("limit")
                .and_then(|p| p.limits.maximum.or_else(|| p.limits.default.and_then(|d| d.parse().ok())))
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(20),
        };
        let first = self.values.get("page").and_then(Value::as_u64).unwrap_or(1);
        self.printer.begin_items();
        let result = self.each_page(&mut fetch, first, limit).await;
        let ended = self.printer.end_items().map_err(Failure::local);
        result.and(ended)
    }

    async fn each_page<T, F, Fut>(&mut self, fetch: &mut F, first: u64, limit: u64) -> Result<(), Failure>
    where
        F: FnMut(u64, u64) -> Fut,
        Fut: Future<Output = vitable_connect::Result<ApiResponse<T>>>,
    {
        let op = self.operation;
        let item_type = op.success.map(|s| s.trim_start_matches('[').trim_end_matches(']'));
        let server_fault = |message: String| Failure { code: Code::Api, message, error: None };
        let mut previous: Option<Vec<u8>> = None;
        let (mut page, mut count) = (first, 0u64);
        loop {
            let response = fetch(page, limit).await.map_err(|error| self.failure(error))?;
            let mut items: Vec<Value> = match serde_json::from_slice(response.body()) {
                Ok(Value::Array(items)) => items,
                _ => return Err(server_fault(format!("page {page} of {} is not a JSON array", op.name))),
            };
            drop(response);
            if items.len() as u64 > limit {
                return Err(server_fault(format!(
                    "page {page} of {} held {} items, more than the limit of {limit} it was asked for",
                    op.name,
                    items.len()
                )));
            }
            let fingerprint = serde_json::to_vec(&items).unwrap_or_default();
            if !items.is_empty() && previous.as_ref() == Some(&fingerprint) {
                return Err(server_fault(format!(
                    "page {page} of {} is the same as page {}: the server ignores `page`",
                    op.name,
                    page - 1
                )));
            }
            previous = Some(fingerprint);
            let short = (items.len() as u64) < limit;
            count += items.len() as u64;
            for item in &mut items {
                redact::scrub(item, item_type, &self.api_key);
            }
            self.printer.page(items).map_err(Failure::local)?;
            self.printer.progress(page, count);
            if short {
                return Ok(());
            }
            page += 1;
        }
    }

    /// The failure of an SDK error: its exit code and message, with the flag named for
    /// invalid input and the resend command for an unknown outcome.
    pub fn failure(&self, error: Error) -> Failure {
        let code = Code::of(&error);
        let message = match &error {
            Error::InvalidInput(invalid) => {
                let top = invalid.field.split(['.', '[']).next().unwrap_or(&invalid.field);
                let shown = self.values.shown(top);
                let inner = invalid.field.strip_prefix(top).unwrap_or("");
                format!("{shown}{inner}: {}", invalid.problem)
            }
            _ => error.to_string(),
        };
        Failure { code, message, error: Some(Box::new(error)) }
    }
}
