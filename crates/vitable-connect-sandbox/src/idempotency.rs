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
//!
//! A state file keeps the store as its records, oldest first (digests in hex, response bodies as
//! text); the bounds are not kept but come from the options of the sandbox that loads it
//! ([`IdempotencyStore::with_limits`]).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use http::StatusCode;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The default bound on the number of keys.
pub(crate) const DEFAULT_MAX_KEYS: usize = crate::options::DEFAULT_IDEMPOTENCY_MAX_KEYS;

/// The default bound on the bytes kept.
pub(crate) const DEFAULT_MAX_BYTES: usize = crate::options::DEFAULT_IDEMPOTENCY_MAX_BYTES;

/// What a record costs besides its key and its response body: the record itself, the key's
/// `Arc` header, the hash map's and the queue's slots (generously rounded up).
const RECORD_OVERHEAD: usize = std::mem::size_of::<Record>() + 128;

/// A response as it was first sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredResponse {
    #[serde(with = "status_code")]
    pub status: StatusCode,
    #[serde(with = "body_text")]
    pub body: Option<Vec<u8>>,
}

/// What identifies a request: digests of its operation and path, and of its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Fingerprint {
    #[serde(with = "hex_digest")]
    target: [u8; 32],
    #[serde(with = "hex_digest")]
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

#[derive(Debug, Clone, Serialize, Deserialize)]
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
        self.trim();
    }

    /// The same records under other bounds (those of the options of a sandbox that loaded them
    /// from a state file): past them, the oldest keys are forgotten first.
    pub fn with_limits(mut self, max_keys: usize, max_bytes: usize) -> Self {
        self.max_keys = max_keys;
        self.max_bytes = max_bytes;
        self.trim();
        self
    }

    /// Forgets the oldest keys until the store is within its bounds.
    fn trim(&mut self) {
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

/// One remembered key, as a state file keeps it.
#[derive(Serialize)]
struct SavedKeyRef<'a> {
    key: &'a str,
    #[serde(flatten)]
    record: &'a Record,
}

#[derive(Deserialize)]
struct SavedKey {
    key: String,
    fingerprint: Fingerprint,
    response: StoredResponse,
}

#[derive(Serialize)]
struct SavedRef<'a> {
    /// Oldest first.
    keys: Vec<SavedKeyRef<'a>>,
}

#[derive(Deserialize)]
struct Saved {
    keys: Vec<SavedKey>,
}

impl Serialize for IdempotencyStore {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let keys = self
            .order
            .iter()
            .filter_map(|key| self.records.get(key).map(|record| SavedKeyRef { key, record }))
            .collect();
        SavedRef { keys }.serialize(serializer)
    }
}

/// The records, oldest first, without bounds: [`IdempotencyStore::with_limits`] sets them.
impl<'de> Deserialize<'de> for IdempotencyStore {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let saved = Saved::deserialize(deserializer)?;
        let mut store = Self::new(usize::MAX, usize::MAX);
        for SavedKey { key, fingerprint, response } in saved.keys {
            store.store(&key, fingerprint, response);
        }
        Ok(store)
    }
}

/// A status code as its number.
mod status_code {
    use http::StatusCode;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(status: &StatusCode, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u16(status.as_u16())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<StatusCode, D::Error> {
        let code = u16::deserialize(deserializer)?;
        StatusCode::from_u16(code).map_err(serde::de::Error::custom)
    }
}

/// A response body as text (it is JSON, so UTF-8), or as an array of bytes if it ever is not.
mod body_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Body<'a> {
        Text(std::borrow::Cow<'a, str>),
        Bytes(Vec<u8>),
    }

    pub fn serialize<S: Serializer>(body: &Option<Vec<u8>>, serializer: S) -> Result<S::Ok, S::Error> {
        let body = body.as_deref().map(|bytes| match std::str::from_utf8(bytes) {
            Ok(text) => Body::Text(text.into()),
            Err(_) => Body::Bytes(bytes.to_vec()),
        });
        body.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<u8>>, D::Error> {
        Ok(Option::<Body<'_>>::deserialize(deserializer)?.map(|body| match body {
            Body::Text(text) => text.into_owned().into_bytes(),
            Body::Bytes(bytes) => bytes,
        }))
    }
}

/// A SHA-256 digest as 64 lowercase hex digits.
mod hex_digest {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(digest: &[u8; 32], serializer: S) -> Result<S::Ok, S::Error> {
        let text: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        serializer.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<[u8; 32], D::Error> {
        let text = String::deserialize(deserializer)?;
        let invalid = || serde::de::Error::custom("a digest is 64 hex digits");
        if text.len() != 64 || !text.is_ascii() {
            return Err(invalid());
        }
        let mut digest = [0; 32];
        for (byte, pair) in digest.iter_mut().zip(text.as_bytes().chunks(2)) {
            let pair = std::str::from_utf8(pair).map_err(|_| invalid())?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| invalid())?;
        }
        Ok(digest)
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

    /// A store written to a state file and read back replays and conflicts as before, keeps
    /// its order (the oldest are forgotten first) and takes the bounds of the loading sandbox.
    #[test]
    fn a_saved_store_loads_with_its_records_in_order() {
        let mut store = IdempotencyStore::default();
        for i in 0..4 {
            store.store(&format!("k{i}"), fp(format!("{{\"n\":{i}}}").as_bytes()), ok());
        }
        let odd = StoredResponse { status: StatusCode::OK, body: Some(vec![0xff, 0x00]) };
        store.store("bytes", fp(b"{}"), odd);
        store.store("empty", fp(b"{}"), StoredResponse { status: StatusCode::NO_CONTENT, body: None });
        let text = serde_json::to_string(&store).unwrap();
        let loaded: IdempotencyStore = serde_json::from_str(&text).unwrap();
        assert_eq!(serde_json::to_string(&loaded).unwrap(), text);
        assert_eq!(loaded.accounted_bytes(), store.accounted_bytes());
        assert!(
            matches!(loaded.lookup("k1", &fp(b"{\"n\":1}")), Lookup::Replay(r) if r.status == StatusCode::CREATED && r.body.as_deref() == Some(b"{}".as_slice()))
        );
        assert!(matches!(loaded.lookup("k1", &fp(b"{\"n\":2}")), Lookup::Conflict(_)));
        assert!(
            matches!(loaded.lookup("bytes", &fp(b"{}")), Lookup::Replay(r) if r.body == Some(vec![0xff, 0x00]))
        );
        assert!(matches!(loaded.lookup("empty", &fp(b"{}")), Lookup::Replay(r) if r.body.is_none()));
        let bounded = loaded.with_limits(2, usize::MAX);
        assert_eq!(bounded.len(), 2);
        assert!(matches!(bounded.lookup("k3", &fp(b"{\"n\":3}")), Lookup::New));
        assert!(matches!(bounded.lookup("empty", &fp(b"{}")), Lookup::Replay(_)));
        let bad = text.replacen("\"target\":\"", "\"target\":\"zz", 1);
        assert!(serde_json::from_str::<IdempotencyStore>(&bad).is_err());
    }
}
