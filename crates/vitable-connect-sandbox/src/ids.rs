//! New IDs: the kind's prefix, a zero-padded counter and a short fixed-width suffix.
//!
//! `enrl_00000003k7qa` sorts after `enrl_00000002x1mb`: the counter, one per kind, makes IDs
//! unique and sortable in creation order; the suffix (derived from prefix and counter) only makes
//! them look like the opaque IDs of the real service. The same sequence of creations always gives
//! the same IDs, which keeps the demo seed stable.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Hands out IDs, one counter per prefix (kept in the state file, so that a restarted sandbox
/// goes on where it stopped).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct IdGen {
    #[serde(deserialize_with = "bounded_counters")]
    counters: BTreeMap<String, u64>,
}

/// The largest counter a state file may hold: far beyond what a sandbox makes (a trillion IDs
/// of one kind), and far from `u64::MAX`, so counting on from it cannot overflow.
const MAX_COUNTER: u64 = 1_000_000_000_000;

/// Counters as saved, each at most [`MAX_COUNTER`] (a larger one means the file was edited).
fn bounded_counters<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, u64>, D::Error> {
    let counters = BTreeMap::<String, u64>::deserialize(deserializer)?;
    if let Some((prefix, n)) = counters.iter().find(|(_, n)| **n > MAX_COUNTER) {
        return Err(serde::de::Error::custom(format!(
            "the ID counter of `{prefix}` is {n}, beyond the {MAX_COUNTER} a sandbox can reach"
        )));
    }
    Ok(counters)
}

impl IdGen {
    /// The next ID with `prefix`, as the typed ID `T`.
    pub fn next<T>(&mut self, prefix: &'static str) -> T
    where
        T: TryFrom<String>,
        T::Error: std::fmt::Debug,
    {
        let n = self.bump(prefix);
        let id = format!("{prefix}{n:08}{}", suffix(prefix, n));
        // Prefix, digits and lowercase letters only: always a valid ID of its kind.
        T::try_from(id).expect("generated IDs are well-formed")
    }

    /// The next contribution class ID, shaped like a UUID as in the API's examples.
    pub fn next_contribution_class(&mut self) -> String {
        let n = self.bump("contribution_class");
        format!("00000000-0000-4000-8000-{n:012x}")
    }

    fn bump(&mut self, prefix: &str) -> u64 {
        let counter = self.counters.entry(prefix.to_owned()).or_insert(0);
        *counter += 1;
        *counter
    }
}

/// Four characters from `[0-9a-z]`, a hash of prefix and counter.
fn suffix(prefix: &str, n: u64) -> String {
    const ALPHABET: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in prefix.bytes().chain(n.to_le_bytes()) {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (0..4)
        .map(|i| {
            let index = (hash >> (i * 13)) % 36;
            char::from(ALPHABET[usize::try_from(index).unwrap_or(0)])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitable_connect_api::ids::{EmployeeId, EnrollmentId};

    #[test]
    fn ids_are_prefixed_unique_and_sortable() {
        let mut ids = IdGen::default();
        let made: Vec<EnrollmentId> = (0..200).map(|_| ids.next(EnrollmentId::PREFIX)).collect();
        for pair in made.windows(2) {
            assert!(pair[0] < pair[1], "{pair:?}");
        }
        assert!(made.iter().all(|id| id.as_str().starts_with("enrl_") && id.as_str().len() == 17));
        let first: EmployeeId = ids.next(EmployeeId::PREFIX);
        assert!(first.as_str().starts_with("empl_00000001"));
        assert!(first.as_str().parse::<EmployeeId>().is_ok());
        assert_eq!(ids.next_contribution_class(), "00000000-0000-4000-8000-000000000001");
    }

    #[test]
    fn the_sequence_is_deterministic() {
        let (mut a, mut b) = (IdGen::default(), IdGen::default());
        let x: EmployeeId = a.next(EmployeeId::PREFIX);
        let y: EmployeeId = b.next(EmployeeId::PREFIX);
        assert_eq!(x, y);
    }
}

#[cfg(test)]
mod counter_tests {
    use super::*;

    #[test]
    fn a_counter_beyond_reach_is_refused_when_loaded() {
        // A counter at u64::MAX made the next ID overflow (a panic) before it was refused here.
        let loaded = serde_json::from_str::<IdGen>(r#"{"counters": {"dpnd_": 18446744073709551615}}"#);
        assert!(loaded.unwrap_err().to_string().contains("`dpnd_`"));
        let mut ids: IdGen = serde_json::from_str(r#"{"counters": {"dpnd_": 1000000000000}}"#).unwrap();
        let id: vitable_connect_api::ids::DependentId = ids.next("dpnd_");
        assert!(id.as_str().starts_with("dpnd_1000000000001"));
    }
}
