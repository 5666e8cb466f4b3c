//! Remembered responses of writes (`POST`, `PUT`, `PATCH`, `DELETE`) sent with an
//! `Idempotency-Key`.
//!
//! A key is remembered with a [`Fingerprint`] of the request that first used it (SHA-256 digests
//! of its operation and path, and of its body) and the response that request got, for
//! successful (2xx) responses only: a failed request changed nothing, so it may be retried with
//! the same key and a corrected body. The body itself is never kept, so what a key costs does
//! not depend on the size of its request. Bodies are digested as canonical JSON (object keys
//! sorted, no whitespace), so key order and whitespace do not matter; a body that is not JSON is
//! digested as it is.
//!
//! The store is bounded by the number of keys and by the bytes it accounts for (each key, its
//! response body and a fixed overhead per record); past either bound, the oldest keys are
//! forgotten first.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use http::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The default bound on the number of keys.
pub(crate) const DEFAULT_MAX_KEYS: usize = 10_000;

/// The default bound on the bytes kept.
pub(crate) const DEFAULT_MAX_BYTES: usize = 32 * 1024 * 1024;

/// What a record costs besides its key and its response body: the record itself, the key's
/// `Arc` header, the hash map's and the queue's slots (generously rounded up).
const RECORD_OVERHEAD: usize = std::mem::size_of::<Record>() + 128;

/// A response as it was first sent.
#[derive(Debug, Clone)]
pub(crate) struct StoredResponse {
    pub status: StatusCode,
    pub body: Option<Vec<u8>>,
}

/// What identifies a request: digests of its operation and path, and of its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fingerprint {
    target: [u8; 32],
    body: [u8; 32],
}

impl Fingerprint {
    /// The fingerprint of a request of `operation` on `path` with `body`.
    pub fn of(operation: &str, path: &str, body: &[u8]) -> Self {
        let mut target = Sha256::new();
        feed_str(&mut target, operation);
        feed_str(&mut target, path);
        let mut digest = Sha256::new();
        match serde_json::from_slice::<Value>(body) {
            Ok(value) => {
                digest.update(b"json");
                feed_json(&mut digest, &value);
            }
            Err(_) => {
                digest.update(b"raw");
                digest.update(body);
            }
        }
        Self { target: target.finalize().into(), body: digest.finalize().into() }
    }
}

/// A string, prefixed with its length so that two strings can't run into each other.
fn feed_str(hasher: &mut Sha256, text: &str) {
    hasher.update((text.len() as u64).to_le_bytes());
    hasher.update(text.as_bytes());
}

/// A canonical serialization of `value`: a tag per type, lengths before contents, and object
/// entries sorted by key (whatever order the map keeps them in).
fn feed_json(hasher: &mut Sha256, value: &Value) {
    match value {
        Value::Null => hasher.update(b"n"),
        Value::Bool(b) => hasher.update(if *b { b"t" } else { b"f" }),
        Value::Number(n) => {
            hasher.update(b"#");
            feed_str(hasher, &n.to_string());
        }
        Value::String(s) => {
            hasher.update(b"s");
            feed_str(hasher, s);
        }
        Value::Array(items) => {
            hasher.update(b"[");
            hasher.update((items.len() as u64).to_le_bytes());
            for item in items {
                feed_json(hasher, item);
            }
        }
        Value::Object(map) => {
            hasher.update(b"{");
            hasher.update((map.len() as u64).to_le_bytes());
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            for (key, value) in entries {
                feed_str(hasher, key);
                feed_json(hasher, value);
            }
        }
    }
}

#[derive(Debug, Clone)]
struct Record {
    fingerprint: Fingerprint,
    response: StoredResponse,
}

impl Record {
    /// The bytes this record is accounted for, with its key.
    fn cost(&self, key: &str) -> usize {
        key.len() + self.response.body.as_ref().map_or(0, Vec::len) + RECORD_OVERHEAD
    }
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

/// The remembered keys, oldest first.
#[derive(Debug)]
pub(crate) struct IdempotencyStore {
    records: HashMap<Arc<str>, Record>,
    order: VecDeque<Arc<str>>,
    bytes: usize,
    max_keys: usize,
    max_bytes: usize,
}

impl Default for IdempotencyStore {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_KEYS, DEFAULT_MAX_BYTES)
    }
}

impl IdempotencyStore {
    /// A store that keeps at most `max_keys` keys and `max_bytes` accounted bytes.
    pub fn new(max_keys: usize, max_bytes: usize) -> Self {
        Self { records: HashMap::new(), order: VecDeque::new(), bytes: 0, max_keys, max_bytes }
    }

    /// Looks `key` up for a request with `fingerprint`.
    pub fn lookup(&self, key: &str, fingerprint: &Fingerprint) -> Lookup {
        let Some(record) = self.records.get(key) else { return Lookup::New };
        if record.fingerprint.target != fingerprint.target {
            return Lookup::Conflict(
                "This Idempotency-Key was already used for a different operation or path; use a new key for a new request.",
            );
        }
        if record.fingerprint.body != fingerprint.body {
            return Lookup::Conflict(
                "This Idempotency-Key was already used with a different request body; use a new key for a new request.",
            );
        }
        Lookup::Replay(record.response.clone())
    }

    /// Remembers the response to a request sent with `key`, then forgets the oldest keys until
    /// the store is within its bounds again. A record larger than the whole byte bound is not
    /// kept at all.
    pub fn store(&mut self, key: &str, fingerprint: Fingerprint, response: StoredResponse) {
        let record = Record { fingerprint, response };
        let cost = record.cost(key);
        if let Some(old) = self.records.remove(key) {
            self.bytes -= old.cost(key);
            self.order.retain(|k| &**k != key);
        }
        if cost > self.max_bytes || self.max_keys == 0 {
            return;
        }
        let key: Arc<str> = Arc::from(key);
        self.records.insert(Arc::clone(&key), record);
        self.order.push_back(key);
        self.bytes += cost;
        while self.order.len() > self.max_keys || self.bytes > self.max_bytes {
            let Some(oldest) = self.order.pop_front() else { break };
            if let Some(old) = self.records.remove(&oldest) {
                self.bytes -= old.cost(&oldest);
            }
        }
    }

    /// The bytes accounted for by the keys kept (see the module docs).
    #[cfg(test)]
    pub fn accounted_bytes(&self) -> usize {
        self.bytes
    }

    /// How many keys are kept.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.records.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok() -> StoredResponse {
        StoredResponse { status: StatusCode::CREATED, body: Some(b"{}".to_vec()) }
    }

    fn fp(body: &[u8]) -> Fingerprint {
        Fingerprint::of("op", "/p", body)
    }

    #[test]
    fn same_request_replays_and_another_conflicts() {
        let mut store = IdempotencyStore::default();
        assert!(matches!(store.lookup("k", &fp(b"{\"a\":1}")), Lookup::New));
        store.store("k", fp(b"{\"a\":1,\"b\":{\"x\":[1,2],\"y\":null}}"), ok());
        let reordered = fp(b"{ \"b\": { \"y\": null, \"x\": [1, 2] }, \"a\": 1 }");
        assert!(matches!(store.lookup("k", &reordered), Lookup::Replay(_)));
        assert!(matches!(store.lookup("k", &fp(b"{\"a\":2}")), Lookup::Conflict(m) if m.contains("body")));
        assert!(matches!(
            store.lookup("k", &fp(b"{\"b\":{\"x\":[2,1],\"y\":null},\"a\":1}")),
            Lookup::Conflict(_)
        ));
        let other_path = Fingerprint::of("op", "/q", b"{\"a\":1,\"b\":{\"x\":[1,2],\"y\":null}}");
        assert!(matches!(store.lookup("k", &other_path), Lookup::Conflict(m) if m.contains("path")));
        let other_op = Fingerprint::of("other", "/p", b"{\"a\":1,\"b\":{\"x\":[1,2],\"y\":null}}");
        assert!(matches!(store.lookup("k", &other_op), Lookup::Conflict(_)));
    }

    #[test]
    fn fingerprints_tell_types_and_boundaries_apart() {
        let distinct = [
            fp(b""),
            fp(b"null"),
            fp(b"\"1\""),
            fp(b"1"),
            fp(b"[1]"),
            fp(b"{\"a\":\"bc\"}"),
            fp(b"{\"ab\":\"c\"}"),
            fp(b"[\"a\",\"b\"]"),
            fp(b"[\"ab\"]"),
            fp(b"not json"),
        ];
        for (i, a) in distinct.iter().enumerate() {
            for b in &distinct[i + 1..] {
                assert_ne!(a.body, b.body);
            }
        }
        assert_ne!(Fingerprint::of("ab", "/c", b"").target, Fingerprint::of("a", "b/c", b"").target);
        assert_eq!(fp(b" [1, 2] ").body, fp(b"[1,2]").body);
    }

    #[test]
    fn old_keys_are_forgotten_past_the_key_bound() {
        let mut store = IdempotencyStore::new(3, usize::MAX);
        for i in 0..4 {
            store.store(&i.to_string(), fp(b"{}"), ok());
        }
        assert_eq!(store.len(), 3);
        assert!(matches!(store.lookup("0", &fp(b"{}")), Lookup::New));
        assert!(matches!(store.lookup("1", &fp(b"{}")), Lookup::Replay(_)));
    }

    #[test]
    fn the_byte_bound_forgets_the_oldest_keys() {
        let response = || StoredResponse { status: StatusCode::OK, body: Some(vec![b'x'; 1000]) };
        let one = Record { fingerprint: fp(b"{}"), response: response() }.cost("k0");
        let mut store = IdempotencyStore::new(usize::MAX, one * 3);
        for i in 0..5 {
            store.store(&format!("k{i}"), fp(b"{}"), response());
            assert!(store.accounted_bytes() <= one * 3);
        }
        assert_eq!(store.len(), 3);
        assert_eq!(store.accounted_bytes(), one * 3);
        for forgotten in ["k0", "k1"] {
            assert!(matches!(store.lookup(forgotten, &fp(b"{}")), Lookup::New), "{forgotten}");
        }
        for kept in ["k2", "k3", "k4"] {
            assert!(matches!(store.lookup(kept, &fp(b"{}")), Lookup::Replay(_)), "{kept}");
        }
        assert!(matches!(store.lookup("k4", &fp(b"{\"a\":1}")), Lookup::Conflict(_)));
        // A response larger than the whole bound is not kept, and forgets nothing.
        let huge = StoredResponse { status: StatusCode::OK, body: Some(vec![b'x'; one * 4]) };
        store.store("huge", fp(b"{}"), huge);
        assert!(matches!(store.lookup("huge", &fp(b"{}")), Lookup::New));
        assert_eq!(store.len(), 3);
    }

    #[test]
    fn what_a_key_costs_does_not_grow_with_the_request_body() {
        let mut store = IdempotencyStore::default();
        store.store("small", fp(b"{\"a\":1}"), ok());
        let small = store.accounted_bytes();
        let big = serde_json::to_vec(&serde_json::json!({ "a": 1, "pad": "x".repeat(1 << 20) })).unwrap();
        store.store("large", fp(&big), ok());
        assert_eq!(store.accounted_bytes() - small, small, "the same response costs the same");
        assert!(matches!(store.lookup("large", &fp(&big)), Lookup::Replay(_)));
    }
}
