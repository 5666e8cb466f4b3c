//! Helpers shared by the modules of this test binary.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// The workspace root (`tests/` is one of its members).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ lives in the workspace").to_path_buf()
}

/// The text of a file, by its path relative to the workspace root.
pub fn read(relative: &str) -> String {
    let path = workspace_root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The failures of a test that checks many things. Each check records what is wrong and the
/// test goes on, so that one run reports every problem, and shows every snapshot diff, of a
/// spec change; [`Failures::finish`] then fails the test with all of them.
#[derive(Debug, Default)]
pub struct Failures(Vec<String>);

impl Failures {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a failure.
    pub fn push(&mut self, failure: impl Into<String>) {
        self.0.push(failure.into());
    }

    /// Records `failure()` unless `ok`.
    pub fn check(&mut self, ok: bool, failure: impl FnOnce() -> String) {
        if !ok {
            self.push(failure());
        }
    }

    /// Records the values that differ, unless `left == right`.
    pub fn check_eq<T: PartialEq + Debug>(&mut self, what: impl Into<String>, left: T, right: T) {
        if left != right {
            self.push(format!("{}: {left:?} != {right:?}", what.into()));
        }
    }

    /// Records what only one of two sets has, naming each set.
    pub fn check_same_set<T: Ord + Debug>(
        &mut self,
        what: &str,
        (left_name, left): (&str, &BTreeSet<T>),
        (right_name, right): (&str, &BTreeSet<T>),
    ) {
        let only_left: Vec<_> = left.difference(right).collect();
        if !only_left.is_empty() {
            self.push(format!("{what} only in {left_name}, not in {right_name}: {only_left:?}"));
        }
        let only_right: Vec<_> = right.difference(left).collect();
        if !only_right.is_empty() {
            self.push(format!("{what} only in {right_name}, not in {left_name}: {only_right:?}"));
        }
    }

    /// Runs `assertion`, typically one insta assertion, and records a panic as the failure of
    /// `name` instead of ending the test. insta prints the diff (and writes the `.snap.new` to
    /// review) before it panics, so a loop of snapshots shows every diff in one run. (insta's
    /// hint "Stopped on the first failure" under each diff is not true here: the loop goes on.)
    pub fn catch(&mut self, name: &str, assertion: impl FnOnce()) {
        if let Err(panic) = catch_unwind(AssertUnwindSafe(assertion)) {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("panicked");
            let first_line = message.lines().next().unwrap_or_default();
            self.push(format!("{name}: {first_line}"));
        }
    }

    /// Fails the test with every recorded failure, if there is any.
    pub fn finish(self, what: &str) {
        assert!(self.0.is_empty(), "{what}: {} failure(s):\n- {}", self.0.len(), self.0.join("\n- "));
    }
}

/// Decodes a JSON value into a Rust type and serializes it back (the path of a failure is
/// named); the entries of `generated_roundtrip::TYPES`.
/// The JSON Schema of a type.
pub type SchemaOf = fn() -> schemars::Schema;

/// The JSON Schema of `T`.
pub fn schema_of<T: schemars::JsonSchema>() -> schemars::Schema {
    schemars::schema_for!(T)
}

pub type Roundtrip = fn(serde_json::Value) -> Result<serde_json::Value, String>;
/// Parses a string with a Rust type's `FromStr`.
pub type Parse = fn(&str) -> Result<(), String>;
/// An enum's known values, and whether text decodes to one of its known variants.
pub type Known = (&'static [&'static str], fn(&str) -> bool);

/// JSON → `T` → JSON.
pub fn roundtrip<T: serde::de::DeserializeOwned + serde::Serialize>(
    value: serde_json::Value,
) -> Result<serde_json::Value, String> {
    let decoded: T =
        serde_path_to_error::deserialize(value).map_err(|e| format!("at `{}`: {}", e.path(), e))?;
    serde_json::to_value(&decoded).map_err(|e| e.to_string())
}

/// `text` parses as `T`.
pub fn parse<T: std::str::FromStr>(text: &str) -> Result<(), String>
where
    T::Err: std::fmt::Display,
{
    text.parse::<T>().map(|_| ()).map_err(|e| e.to_string())
}
