//! Remembered responses of POSTs sent with an `Idempotency-Key`.
//!
//! A key is remembered with the operation, the path and the body of the request that first
//! used it, and the response that request got, for successful (2xx) responses only: a failed
//! request changed nothing, so it may be retried with the same key and a corrected body.
//! Bodies are compared as JSON values, so key order and whitespace do not matter.

use std::collections::{HashMap, VecDeque};

use http::StatusCode;

/// How many keys are kept; the oldest are forgotten first.
const CAPACITY: usize = 10_000;

/// A response as it was first sent.
#[derive(Debug, Clone)]
pub(crate) struct StoredResponse {
    pub status: StatusCode,
    pub body: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq)]
enum Fingerprint {
    Json(serde_json::Value),
    Raw(Vec<u8>),
}

impl Fingerprint {
    fn of(body: &[u8]) -> Self {
        match serde_json::from_slice(body) {
            Ok(value) => Self::Json(value),
            Err(_) => Self::Raw(body.to_vec()),
        }
    }
}

#[derive(Debug, Clone)]
struct Record {
    operation: &'static str,
    path: String,
    body: Fingerprint,
    response: StoredResponse,
}

/// What to do with a request that carries a key.
#[derive(Debug)]
pub(crate) enum Lookup {
    /// Never seen: run the request.
    New,
    /// Seen with the same request: send this again.
    Replay(StoredResponse),
    /// Seen with another request: refuse (the message says why).
    Conflict(&'static str),
}

/// The remembered keys.
#[derive(Debug, Default)]
pub(crate) struct IdempotencyStore {
    records: HashMap<String, Record>,
    order: VecDeque<String>,
}

impl IdempotencyStore {
    /// Looks `key` up for a request of `operation` on `path` with `body`.
    pub fn lookup(&self, key: &str, operation: &str, path: &str, body: &[u8]) -> Lookup {
        let Some(record) = self.records.get(key) else { return Lookup::New };
        if record.operation != operation || record.path != path {
            return Lookup::Conflict(
                "This Idempotency-Key was already used for a different operation or path; use a new key for a new request.",
            );
        }
        if record.body != Fingerprint::of(body) {
            return Lookup::Conflict(
                "This Idempotency-Key was already used with a different request body; use a new key for a new request.",
            );
        }
        Lookup::Replay(record.response.clone())
    }

    /// Remembers the response to a request sent with `key`.
    pub fn store(
        &mut self,
        key: &str,
        operation: &'static str,
        path: &str,
        body: &[u8],
        response: StoredResponse,
    ) {
        let record = Record { operation, path: path.to_owned(), body: Fingerprint::of(body), response };
        if self.records.insert(key.to_owned(), record).is_none() {
            self.order.push_back(key.to_owned());
        }
        while self.order.len() > CAPACITY {
            if let Some(oldest) = self.order.pop_front() {
                self.records.remove(&oldest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok() -> StoredResponse {
        StoredResponse { status: StatusCode::CREATED, body: Some(b"{}".to_vec()) }
    }

    #[test]
    fn same_request_replays_and_another_conflicts() {
        let mut store = IdempotencyStore::default();
        assert!(matches!(store.lookup("k", "op", "/p", b"{\"a\":1}"), Lookup::New));
        store.store("k", "op", "/p", b"{\"a\":1,\"b\":2}", ok());
        assert!(matches!(store.lookup("k", "op", "/p", b"{ \"b\": 2, \"a\": 1 }"), Lookup::Replay(_)));
        assert!(matches!(store.lookup("k", "op", "/p", b"{\"a\":2}"), Lookup::Conflict(_)));
        assert!(matches!(store.lookup("k", "op", "/q", b"{\"a\":1,\"b\":2}"), Lookup::Conflict(_)));
        assert!(matches!(store.lookup("k", "other", "/p", b"{\"a\":1,\"b\":2}"), Lookup::Conflict(_)));
    }

    #[test]
    fn old_keys_are_forgotten() {
        let mut store = IdempotencyStore::default();
        for i in 0..=CAPACITY {
            store.store(&i.to_string(), "op", "/p", b"{}", ok());
        }
        assert!(matches!(store.lookup("0", "op", "/p", b"{}"), Lookup::New));
        assert!(matches!(store.lookup("1", "op", "/p", b"{}"), Lookup::Replay(_)));
    }
}
