//! The writes of a client that may have been applied without a success arriving, remembered
//! by idempotency key, so that every later error of the same logical write says so (see
//! [`Error::outcome_unknown`](crate::Error::outcome_unknown)).

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

/// How many keys a client remembers; past that, the oldest is forgotten first.
pub(crate) const REMEMBERED_KEYS: usize = 4096;

/// The idempotency keys of writes that may have been applied, at most [`REMEMBERED_KEYS`].
/// Only a failed write looks here, so a call that succeeds never takes the lock.
#[derive(Default)]
pub(crate) struct UncertainWrites(Mutex<Keys>);

#[derive(Default)]
struct Keys {
    known: HashSet<Arc<str>>,
    /// The same keys, oldest first.
    order: VecDeque<Arc<str>>,
}

impl UncertainWrites {
    /// Records that a write with idempotency key `key` may have been applied.
    pub(crate) fn remember(&self, key: &str) {
        let mut keys = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if keys.known.contains(key) {
            return;
        }
        if keys.order.len() == REMEMBERED_KEYS
            && let Some(oldest) = keys.order.pop_front()
        {
            keys.known.remove(&oldest);
        }
        let key: Arc<str> = key.into();
        keys.known.insert(key.clone());
        keys.order.push_back(key);
    }

    /// Whether an attempt of the write with idempotency key `key` may have been applied.
    pub(crate) fn contains(&self, key: &str) -> bool {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).known.contains(key)
    }
}

#[cfg(test)]
mod tests {
    use super::{REMEMBERED_KEYS, UncertainWrites};

    #[test]
    fn keys_are_remembered_up_to_the_limit_and_the_oldest_forgotten_first() {
        let writes = UncertainWrites::default();
        assert!(!writes.contains("k0"));
        for i in 0..REMEMBERED_KEYS {
            writes.remember(&format!("k{i}"));
        }
        // Remembering a known key again changes nothing.
        writes.remember("k0");
        assert!((0..REMEMBERED_KEYS).all(|i| writes.contains(&format!("k{i}"))));
        writes.remember("new");
        assert!(writes.contains("new") && !writes.contains("k0") && writes.contains("k1"));
        let keys = writes.0.lock().unwrap();
        assert_eq!((keys.known.len(), keys.order.len()), (REMEMBERED_KEYS, REMEMBERED_KEYS));
    }
}
