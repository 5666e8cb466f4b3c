//! Spec-change drills: the safety net tested. Each fixture in `xtask/drills/` edits a copy of
//! `openapi.yaml` the way the provider's spec changes (a new operation, new optional fields, a
//! new enum value, a deprecation). The drill applies it to a temporary copy of the workspace,
//! runs what a maintainer runs (`cargo xtask codegen`, first as `--check`), and asserts that
//! the checks fail and name each missing piece, and that what generation covers did arrive.
//!
//! `cargo xtask drill` prints each drill's report; `cargo test -p xtask` runs them all.

use std::path::{Path, PathBuf};

use serde_yaml::Value;

use crate::{codegen, coverage};

/// Folder of the fixtures, relative to the workspace root.
pub const FIXTURES: &str = "xtask/drills";

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            if entry.file_name() != "target" && entry.file_name() != "snapshots" {
                copy_dir(&entry.path(), &target)?;
            }
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

fn strings(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(Value::as_sequence)
        .map(|s| s.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// A temporary copy of the parts of the workspace the generators and checks read.
struct Scratch(PathBuf);

impl Scratch {
    fn new(root: &Path, name: &str) -> Result<Self, String> {
        let dir = std::env::temp_dir().join(format!("vitable-drill-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(&root.join("crates"), &dir.join("crates")).map_err(|e| format!("copying crates/: {e}"))?;
        std::fs::copy(root.join(codegen::SPEC), dir.join(codegen::SPEC)).map_err(|e| e.to_string())?;
        // The workspace version, which the low-level crate's version starts with.
        let manifest = crate::version::WORKSPACE_MANIFEST;
        std::fs::copy(root.join(manifest), dir.join(manifest)).map_err(|e| e.to_string())?;
        // The one generated file outside `crates/`: the tests' schema table.
        let roundtrip = dir.join(crate::tables::ROUNDTRIP);
        std::fs::create_dir_all(roundtrip.parent().expect("a file in a directory"))
            .map_err(|e| e.to_string())?;
        std::fs::copy(root.join(crate::tables::ROUNDTRIP), roundtrip).map_err(|e| e.to_string())?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Applies the fixture's edits to `spec`.
fn apply(spec: &str, edits: &Value) -> Result<String, String> {
    let mut spec = spec.to_owned();
    for edit in edits.as_sequence().ok_or("`edits` must be a list")? {
        let text = |key: &str| edit.get(key).and_then(Value::as_str);
        if let (Some(anchor), Some(insert)) = (text("before"), text("insert")) {
            let at = spec.find(anchor).ok_or_else(|| format!("anchor not found in the spec: {anchor:?}"))?;
            spec.insert_str(at, insert);
        } else if let (Some(old), Some(new)) = (text("replace"), text("with")) {
            if !spec.contains(old) {
                return Err(format!("text to replace not found in the spec: {old:?}"));
            }
            spec = spec.replacen(old, new, 1);
        } else {
            return Err(format!("an edit needs `before` + `insert` or `replace` + `with`: {edit:?}"));
        }
    }
    Ok(spec)
}

/// Runs the drill in `fixture` against a copy of the workspace at `root`; returns its report,
/// or what did not go as the fixture expects.
pub fn run(root: &Path, fixture: &Path) -> Result<String, String> {
    let name = fixture.file_stem().and_then(|s| s.to_str()).unwrap_or("drill").to_owned();
    let text = std::fs::read_to_string(fixture).map_err(|e| format!("{}: {e}", fixture.display()))?;
    let drill: Value = serde_yaml::from_str(&text).map_err(|e| format!("{name}: {e}"))?;
    let expect = drill.get("expect").ok_or_else(|| format!("{name}: no `expect`"))?;
    let scratch = Scratch::new(root, &name)?;
    let dir = &scratch.0;
    let spec = std::fs::read_to_string(dir.join(codegen::SPEC)).map_err(|e| e.to_string())?;
    let edited = apply(&spec, drill.get("edits").ok_or("no `edits`")?).map_err(|e| format!("{name}: {e}"))?;
    std::fs::write(dir.join(codegen::SPEC), edited).map_err(|e| e.to_string())?;

    let mut report =
        format!("drill `{name}`: {}\n", drill.get("description").and_then(Value::as_str).unwrap_or(""));
    let mut problems = Vec::new();

    // 1. A crate the new code needs is named before anything else.
    if let Some(dependency) = drill.get("missing_dependency").and_then(Value::as_str) {
        match codegen::stale_diff(dir) {
            Err(message) if message.contains(&format!("`{dependency}`")) => {
                report.push_str(&format!("  cargo xtask codegen --check: error: {message}\n"));
            }
            other => problems
                .push(format!("codegen should name the missing dependency `{dependency}`, got {other:?}")),
        }
        let manifest = dir.join("crates/vitable-connect-api/Cargo.toml");
        let text = std::fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
        let added = text.replacen("[dependencies]\n", &format!("[dependencies]\n{dependency} = \"*\"\n"), 1);
        std::fs::write(&manifest, added).map_err(|e| e.to_string())?;
        report.push_str(&format!("  (added `{dependency}` to the low-level crate, as the message says)\n"));
    }

    // 2. `codegen --check` fails and names every stale file.
    let diff = codegen::stale_diff(dir)?.unwrap_or_default();
    let stale: Vec<String> = codegen::generate(dir)?
        .into_iter()
        .map(|(path, _)| path.to_owned())
        .filter(|path| diff.contains(&format!("--- {path} (committed)")))
        .collect();
    report.push_str(&format!("  cargo xtask codegen --check: stale: {}\n", stale.join(", ")));
    let mut expected_stale = strings(expect, "stale");
    expected_stale.sort();
    let mut stale_sorted = stale.clone();
    stale_sorted.sort();
    if stale_sorted != expected_stale {
        problems.push(format!("stale files: expected {expected_stale:?}, got {stale_sorted:?}"));
    }

    // 3. `cargo xtask codegen` regenerates; what generation covers arrives.
    let generated = codegen::generate(dir)?;
    for (path, text) in &generated {
        std::fs::write(dir.join(path), text).map_err(|e| e.to_string())?;
    }
    for needle in strings(expect, "generated") {
        if generated.iter().any(|(_, text)| text.contains(&needle)) {
            report.push_str(&format!("  generated: {needle}\n"));
        } else {
            problems.push(format!("no generated file contains {needle:?}"));
        }
    }

    // 4. The coverage checks name each hand-written piece still missing, and nothing else.
    let (_, api) = codegen::load(dir)?;
    let findings = coverage::check(dir, &api);
    for finding in &findings {
        report.push_str(&format!("  missing: {finding}\n"));
    }
    if findings.is_empty() {
        report.push_str("  missing: nothing hand-written\n");
    }
    let expected = strings(expect, "findings");
    for needle in &expected {
        if !findings.iter().any(|f| f.contains(needle.as_str())) {
            problems.push(format!("no finding names {needle:?}"));
        }
    }
    if findings.len() != expected.len() {
        problems.push(format!("expected {} findings, got {}: {findings:#?}", expected.len(), findings.len()));
    }

    if problems.is_empty() {
        Ok(report)
    } else {
        Err(format!("{report}drill `{name}` failed:\n  {}", problems.join("\n  ")))
    }
}

/// Every fixture, in name order.
pub fn fixtures(root: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(FIXTURES))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
}

/// `cargo xtask drill`: runs every drill and prints its report.
pub fn run_all() -> Result<(), String> {
    let root = codegen::workspace_root();
    let mut failed = Vec::new();
    for fixture in fixtures(&root) {
        match run(&root, &fixture) {
            Ok(report) => println!("{report}  ok\n"),
            Err(report) => {
                println!("{report}\n");
                failed.push(fixture.display().to_string());
            }
        }
    }
    if failed.is_empty() { Ok(()) } else { Err(format!("drills failed: {}", failed.join(", "))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each spec-change fixture makes the checks fail, naming every missing piece.
    #[test]
    fn every_drill_names_what_is_missing() {
        let root = codegen::workspace_root();
        let fixtures = fixtures(&root);
        assert!(fixtures.len() >= 3, "the drills live in {FIXTURES}");
        let mut failures = Vec::new();
        for fixture in fixtures {
            match run(&root, &fixture) {
                Ok(report) => println!("{report}"),
                Err(report) => failures.push(report),
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    }

    #[test]
    fn edits_must_find_their_anchor() {
        let edits: Value = serde_yaml::from_str("- replace: nowhere\n  with: x").unwrap();
        assert!(apply("spec", &edits).unwrap_err().contains("not found"));
        let edits: Value = serde_yaml::from_str("- before: b\n  insert: 'x'").unwrap();
        assert_eq!(apply("ab", &edits).unwrap(), "axb");
    }
}
