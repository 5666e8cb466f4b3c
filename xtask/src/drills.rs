//! Spec-change drills: the safety net tested. Each fixture in `xtask/drills/` edits a copy of
//! `openapi.yaml` the way the provider's spec changes (a new operation, new optional fields, a
//! new enum value, a deprecation, a field renamed and an operation removed). The drill applies
//! it to a temporary copy of the workspace, runs what a maintainer runs (`cargo xtask codegen`,
//! first as `--check`), and asserts that the checks fail and name each missing piece, that
//! what generation covers did arrive, and whether the public API changed in a breaking way
//! (the classification of `cargo xtask api-changes`).
//!
//! Then it builds: each fixture's `build` runs cargo commands in the copy and says what must
//! happen: the tests that must fail (the coverage test naming a missing handler), the tests
//! that must pass with no hand-written line (a new operation sent through its generated entry
//! point), or the hand-written files where the build must fail (every site using a renamed
//! field or a removed operation that the build reaches).
//! The copy lives in `target/drills/workspace` and builds into the workspace's own target
//! directory, so the dependencies are built once and each drill compiles only our crates.
//!
//! `cargo test -p xtask` runs every drill up to the build (seconds); `cargo xtask drill` runs
//! them whole (CI's drill step; a few minutes).

use std::path::{Path, PathBuf};

use serde_yaml::Value;

use crate::{codegen, coverage};

/// Folder of the fixtures, relative to the workspace root.
pub const FIXTURES: &str = "xtask/drills";

fn strings(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(Value::as_sequence)
        .map(|s| s.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Copies `from` to `to` except `target/` and `.git/`, rewriting only the files whose content
/// differs (so cargo sees unchanged files as unchanged), and removing files `from` lacks.
fn sync_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    let mut names = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        names.insert(name.clone());
        let target = to.join(&name);
        if entry.file_type()?.is_dir() {
            sync_dir(&entry.path(), &target)?;
        } else {
            let content = std::fs::read(entry.path())?;
            if std::fs::read(&target).ok().as_ref() != Some(&content) {
                std::fs::write(&target, content)?;
            }
        }
    }
    for entry in std::fs::read_dir(to)? {
        let entry = entry?;
        if !names.contains(&entry.file_name()) && entry.file_name() != "target" {
            if entry.file_type()?.is_dir() {
                std::fs::remove_dir_all(entry.path())?;
            } else {
                std::fs::remove_file(entry.path())?;
            }
        }
    }
    Ok(())
}

/// A copy of the workspace (without `target/` and `.git/`).
struct Scratch {
    dir: PathBuf,
    /// Removed when done (a temporary copy), or kept for the next build (`target/drills`).
    temporary: bool,
}

impl Scratch {
    /// A temporary copy, removed when dropped.
    fn temporary(root: &Path, name: &str) -> Result<Self, String> {
        let dir = std::env::temp_dir().join(format!("vitable-drill-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        sync_dir(root, &dir).map_err(|e| format!("copying the workspace: {e}"))?;
        Ok(Scratch { dir, temporary: true })
    }

    /// The copy every building drill uses in turn (`target/drills/workspace`), synced.
    fn for_building(root: &Path) -> Result<Self, String> {
        let dir = root.join("target/drills/workspace");
        sync_dir(root, &dir).map_err(|e| format!("copying the workspace: {e}"))?;
        Ok(Scratch { dir, temporary: false })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
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
                return Err(format!(
                    "text to replace not found in the spec ({} bytes, {} occurrences of its first line): {old:?}",
                    spec.len(),
                    spec.matches(old.lines().next().unwrap_or("")).count()
                ));
            }
            spec = spec.replacen(old, new, 1);
        } else {
            return Err(format!("an edit needs `before` + `insert` or `replace` + `with`: {edit:?}"));
        }
    }
    Ok(spec)
}

/// Whether a drill builds and runs its `build` commands too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Up to the checks that read files: codegen, coverage, API changes.
    Checks,
    /// Also each fixture's `build` commands.
    Build,
}

/// Runs the drill in `fixture` against a copy of the workspace at `root`; returns its report,
/// or what did not go as the fixture expects.
pub fn run(root: &Path, fixture: &Path, depth: Depth) -> Result<String, String> {
    let name = fixture.file_stem().and_then(|s| s.to_str()).unwrap_or("drill").to_owned();
    let text = std::fs::read_to_string(fixture).map_err(|e| format!("{}: {e}", fixture.display()))?;
    let drill: Value = serde_yaml::from_str(&text).map_err(|e| format!("{name}: {e}"))?;
    let expect = drill.get("expect").ok_or_else(|| format!("{name}: no `expect`"))?;
    let scratch = match depth {
        Depth::Checks => Scratch::temporary(root, &name)?,
        Depth::Build => Scratch::for_building(root)?,
    };
    let dir = &scratch.dir;
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

    // 5. The API-change check sees a breaking change exactly when the fixture says so.
    let old = crate::api_changes::listing_of(root)?;
    let new = crate::api_changes::listing_of(dir)?;
    let breaking = crate::api_changes::breaking_changes(&old, &new);
    let added = new.difference(&old).count();
    report.push_str(&format!(
        "  cargo xtask api-changes: {} line(s) removed or changed (breaking), {added} added\n",
        breaking.len()
    ));
    for line in breaking.iter().take(5) {
        report.push_str(&format!("    breaking: {line}\n"));
    }
    let expect_breaking = expect.get("breaking").and_then(Value::as_bool).unwrap_or(false);
    if breaking.is_empty() == expect_breaking {
        problems.push(format!(
            "the API-change check should call this change {}, but found {} breaking line(s)",
            if expect_breaking { "breaking" } else { "compatible" },
            breaking.len()
        ));
    }
    for needle in strings(expect, "breaking_lines") {
        if !breaking.iter().any(|line| line.contains(&needle)) {
            problems.push(format!("no breaking change names {needle:?}"));
        }
    }

    // 6. The builds and tests of the fixture fail (or pass) as it says.
    if depth == Depth::Build {
        for step in drill.get("build").and_then(Value::as_sequence).into_iter().flatten() {
            build_step(root, dir, step, &mut report, &mut problems);
        }
    }

    if problems.is_empty() {
        Ok(report)
    } else {
        Err(format!("{report}drill `{name}` failed:\n  {}", problems.join("\n  ")))
    }
}

/// What a cargo command in the copy did.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    /// `pass`, `fail` (tests ran, some failed) or `compile_error`.
    kind: &'static str,
    /// The files (relative to the copy) with a compile error.
    error_sites: std::collections::BTreeSet<String>,
    /// The tests that failed.
    failed_tests: Vec<String>,
}

/// Reads cargo's `--message-format=short` output and the test harness's.
fn outcome(success: bool, output: &str) -> Outcome {
    let mut error_sites = std::collections::BTreeSet::new();
    let mut failed_tests = Vec::new();
    for line in output.lines() {
        // `path/to/file.rs:12:5: error[E0599]: no method named ...`
        if let Some((site, rest)) = line.split_once(": error")
            && rest.starts_with(['[', ':'])
            && let Some(file) = site.split(':').next()
        {
            error_sites.insert(file.to_owned());
        }
        if let Some(name) = line.strip_prefix("---- ").and_then(|l| l.strip_suffix(" stdout ----")) {
            failed_tests.push(name.to_owned());
        }
    }
    let compile_error = output.contains("error: could not compile");
    let kind = if success {
        "pass"
    } else if compile_error {
        "compile_error"
    } else {
        "fail"
    };
    Outcome { kind, error_sites, failed_tests }
}

/// The codegen units of the workspace members when a drill builds them (not the default 256
/// of a dev build, so that their artifacts are the drill's own).
const DRILL_CODEGEN_UNITS: u32 = 255;

/// The names of the workspace members at `dir` (`cargo metadata --no-deps`).
fn member_names(cargo: &std::ffi::OsStr, dir: &Path) -> Result<Vec<String>, String> {
    let output = std::process::Command::new(cargo)
        .args(["metadata", "--no-deps", "--format-version", "1", "--offline"])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata: {e}: {}", String::from_utf8_lossy(&output.stderr)))?;
    let names: Vec<String> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect();
    if names.is_empty() {
        return Err("cargo metadata lists no workspace member".into());
    }
    Ok(names)
}

/// Runs one `build` step of a fixture (`cargo` with `args` in the copy) and checks its
/// `outcome`, its `failing_tests`, its `error_sites` and what its output must mention
/// (`output_mentions`: that a test failed for the reason the drill is about).
fn build_step(root: &Path, dir: &Path, step: &Value, report: &mut String, problems: &mut Vec<String>) {
    let args = strings(step, "cargo");
    let started = std::time::Instant::now();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // Cargo names a workspace member's artifacts the same wherever the workspace is, so in the
    // shared target directory the copy's crates would replace the workspace's own. A profile
    // setting of their own (codegen units, which changes nothing they do) gives them other
    // names; the dependencies, untouched, are shared.
    let members = match member_names(&cargo, dir) {
        Ok(members) => members,
        Err(e) => {
            problems.push(e);
            return;
        }
    };
    let mut separate = Vec::new();
    for name in members {
        separate.push("--config".to_owned());
        separate.push(format!("profile.dev.package.{name:?}.codegen-units={DRILL_CODEGEN_UNITS}"));
    }
    let output = std::process::Command::new(&cargo)
        .args(&separate)
        .args(&args)
        .current_dir(dir)
        // The workspace's own target directory: the dependencies are built already.
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env("CARGO_TERM_COLOR", "never")
        .output();
    let output = match output {
        Ok(output) => output,
        Err(e) => {
            problems.push(format!("cannot run cargo {}: {e}", args.join(" ")));
            return;
        }
    };
    let text =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let got = outcome(output.status.success(), &text);
    report.push_str(&format!("  cargo {}: {} in {:.0?}\n", args.join(" "), got.kind, started.elapsed()));
    for site in &got.error_sites {
        report.push_str(&format!("    compile error in {site}\n"));
    }
    for test in &got.failed_tests {
        report.push_str(&format!("    failed: {test}\n"));
    }
    let want = step.get("outcome").and_then(Value::as_str).unwrap_or("pass");
    if got.kind != want {
        let tail: Vec<&str> = text.lines().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect();
        problems.push(format!(
            "cargo {}: expected {want}, got {}:\n{}",
            args.join(" "),
            got.kind,
            tail.join("\n")
        ));
    }
    for test in strings(step, "failing_tests") {
        if !got.failed_tests.contains(&test) {
            problems.push(format!("cargo {}: test `{test}` should fail", args.join(" ")));
        }
    }
    for needle in strings(step, "output_mentions") {
        if !text.contains(&needle) {
            problems.push(format!("cargo {}: the output never mentions {needle:?}", args.join(" ")));
        }
    }
    for site in strings(step, "error_sites") {
        if !got.error_sites.contains(&site) {
            problems.push(format!("cargo {}: the build should fail in {site}", args.join(" ")));
        }
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

/// `cargo xtask drill [--quick]`: runs every drill to `depth` and prints its report.
pub fn run_all(depth: Depth) -> Result<(), String> {
    let root = crate::workspace::root();
    let mut failed = Vec::new();
    for fixture in fixtures(&root) {
        match run(&root, &fixture, depth) {
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
        let root = crate::workspace::root();
        let fixtures = fixtures(&root);
        assert!(fixtures.len() >= 3, "the drills live in {FIXTURES}");
        let mut failures = Vec::new();
        for fixture in fixtures {
            match run(&root, &fixture, Depth::Checks) {
                Ok(report) => println!("{report}"),
                Err(report) => failures.push(report),
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    }

    #[test]
    fn cargo_output_is_read() {
        let output = "crates/a/src/x.rs:3:5: error[E0599]: no method named `y`\n\
                      tests/z.rs:1:1: error: cannot find type\n\
                      crates/a/src/w.rs:9:1: warning: unused\n\
                      error: could not compile `a` (lib) due to 2 previous errors\n";
        let got = outcome(false, output);
        assert_eq!(got.kind, "compile_error");
        assert_eq!(got.error_sites.iter().collect::<Vec<_>>(), ["crates/a/src/x.rs", "tests/z.rs"]);
        let tests = "---- coverage::tests::all stdout ----\nthread panicked\ntest result: FAILED.";
        let got = outcome(false, tests);
        assert_eq!(
            (got.kind, got.failed_tests.as_slice()),
            ("fail", &["coverage::tests::all".to_owned()][..])
        );
        assert_eq!(outcome(true, "test result: ok.").kind, "pass");
    }

    #[test]
    fn edits_must_find_their_anchor() {
        let edits: Value = serde_yaml::from_str("- replace: nowhere\n  with: x").unwrap();
        assert!(apply("spec", &edits).unwrap_err().contains("not found"));
        let edits: Value = serde_yaml::from_str("- before: b\n  insert: 'x'").unwrap();
        assert_eq!(apply("ab", &edits).unwrap(), "axb");
    }
}
