//! `cargo xtask mutants [--diff <git-rev>]`: mutation testing of the SDK's hand-written core.
//!
//! Runs cargo-mutants (installed at the pinned version if missing) in place on the files that
//! `.cargo/mutants.toml` lists, with a timeout per mutant, against the SDK's own tests minus the
//! compile-fail suite (trybuild: slow, and about types, not behaviour). Equivalent mutants are
//! excluded in that file, each with its reason. Prints the score (caught and timed-out mutants
//! over all viable ones) and every survivor.
//!
//! With `--diff <rev>`, only mutants on lines changed since `<rev>` are tested (cargo-mutants'
//! `--in-diff`): quick enough to run before each submission.

use std::path::Path;
use std::process::Command;

use crate::workspace;

/// The cargo-mutants release this task was written against.
const VERSION: &str = "27.1.0";
/// The packages whose core is mutated (the files of `.cargo/mutants.toml` in each): the SDK,
/// and the low-level crate for `ssn.rs` (SSN parsing and masking).
const PACKAGES: &[&str] = &["vitable-connect", "vitable-connect-api"];
/// Test targets of the packages that are left out of every mutant's test run.
const SKIPPED_TESTS: &[&str] = &["compile_fail"];
/// Seconds a mutant's tests may run before it counts as timed out (a detection). The tests take
/// about 10 s; a mutant that loops forever (`i += len` → `i -= len`) would otherwise cost
/// minutes.
const TIMEOUT_SECS: &str = "60";

pub fn run(args: &[&str]) -> Result<(), String> {
    let diff = match args {
        [] => None,
        ["--diff", rev] => Some(*rev),
        _ => return Err("usage: cargo xtask mutants [--diff <git-rev>]".into()),
    };
    let root = workspace::root();
    install()?;
    let diff_file = root.join("target/mutants.diff");
    if let Some(rev) = diff {
        let output = Command::new("git")
            .current_dir(&root)
            .args(["diff", rev, "--", "crates/"])
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !output.status.success() {
            return Err(format!("git diff {rev} failed: {}", String::from_utf8_lossy(&output.stderr)));
        }
        std::fs::create_dir_all(root.join("target")).map_err(|e| e.to_string())?;
        std::fs::write(&diff_file, &output.stdout).map_err(|e| e.to_string())?;
    }
    let mut total = Counts::default();
    for package in PACKAGES {
        let counts = run_package(&root, package, diff.map(|_| diff_file.as_path()))?;
        total.add(&counts);
    }
    println!("all packages: {}", total.line());
    if total.missed > 0 { Err(format!("{} mutant(s) survived", total.missed)) } else { Ok(()) }
}

/// Runs cargo-mutants on `package` (its files among `.cargo/mutants.toml`'s) and prints its
/// summary.
fn run_package(root: &Path, package: &str, diff_file: Option<&Path>) -> Result<Counts, String> {
    let out = root.join("target/mutants").join(package);
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut command = Command::new("cargo");
    command.current_dir(root).args([
        "mutants",
        "--in-place",
        "--package",
        package,
        "--timeout",
        TIMEOUT_SECS,
    ]);
    command.arg("--no-shuffle").arg("--output").arg(&out);
    // Given to every cargo call (the build too), so that only these targets are built: not the
    // compile-fail suite, the examples or the benches.
    for target in test_targets(root, package)? {
        command.arg(format!("--cargo-arg=--test={target}"));
    }
    command.arg("--cargo-arg=--lib");
    // Each mutant relinks every test binary; without debug info that takes a fraction of the
    // time (its own artifacts: the normal build's stay as they are).
    command.env("CARGO_PROFILE_DEV_DEBUG", "0");
    if let Some(diff_file) = diff_file {
        command.arg("--in-diff").arg(diff_file);
    }
    eprintln!("running: {command:?}");
    // proptest saves the failures it finds next to the sources; under mutants those are the
    // mutants' failures, not the code's: put the files back as they were afterwards.
    let regressions = root.join("crates").join(package).join("proptest-regressions");
    let saved = read_dir_files(&regressions);
    // cargo-mutants exits non-zero when a mutant survives (or finds none in a diff); the
    // summary below says which.
    let status = command.status().map_err(|e| format!("cannot run cargo mutants: {e}"))?;
    for (path, _) in read_dir_files(&regressions) {
        if !saved.iter().any(|(p, _)| *p == path) {
            let _ = std::fs::remove_file(&path);
        }
    }
    for (path, text) in &saved {
        let _ = std::fs::write(path, text);
    }
    println!("{package}:");
    summarize(&out.join("mutants.out"), status.code())
}

/// The files of `dir` with their contents (none if it does not exist).
fn read_dir_files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .filter_map(|e| {
            let path = e.ok()?.path();
            let text = std::fs::read(&path).ok()?;
            Some((path, text))
        })
        .collect()
}

/// Installs cargo-mutants at [`VERSION`] unless that version is already there.
fn install() -> Result<(), String> {
    let installed = Command::new("cargo")
        .args(["mutants", "--version"])
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains(VERSION));
    if installed {
        return Ok(());
    }
    eprintln!("installing cargo-mutants {VERSION} (once)...");
    let status = Command::new("cargo")
        .args(["install", "cargo-mutants", "--locked", "--version", VERSION])
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if status.success() { Ok(()) } else { Err("cargo install cargo-mutants failed".into()) }
}

/// The package's integration test targets, minus [`SKIPPED_TESTS`] (none without `tests/`).
fn test_targets(root: &Path, package: &str) -> Result<Vec<String>, String> {
    let dir = root.join("crates").join(package).join("tests");
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut targets: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".rs").map(str::to_owned)
        })
        .filter(|name| !SKIPPED_TESTS.contains(&name.as_str()))
        .collect();
    targets.sort();
    Ok(targets)
}

/// Mutants by outcome.
#[derive(Debug, Default)]
struct Counts {
    caught: u64,
    missed: u64,
    timeout: u64,
    unviable: u64,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.caught += other.caught;
        self.missed += other.missed;
        self.timeout += other.timeout;
        self.unviable += other.unviable;
    }

    fn line(&self) -> String {
        let viable = self.caught + self.missed + self.timeout;
        let score =
            if viable == 0 { 100.0 } else { 100.0 * (self.caught + self.timeout) as f64 / viable as f64 };
        format!(
            "{viable} viable ({} caught, {} timed out, {} missed), {} unviable; score {score:.1}% (timeouts count as caught)",
            self.caught, self.timeout, self.missed, self.unviable
        )
    }
}

/// Prints the score and the survivors from cargo-mutants' `outcomes.json` (no mutants when a
/// diff touched none of the package's files).
fn summarize(out: &Path, exit: Option<i32>) -> Result<Counts, String> {
    // cargo-mutants' exit codes: 0 all caught, 2 some missed, 3 some timed out, 4 the
    // unmutated tree failed its tests (nothing it says about mutants then counts).
    if !matches!(exit, Some(0 | 2 | 3)) {
        return Err(format!("cargo mutants failed (exit {exit:?}); see {}", out.display()));
    }
    let path = out.join("outcomes.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("  no mutants (none on the lines of the diff)");
        return Ok(Counts::default());
    };
    let outcomes: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
    let count = |key: &str| outcomes.get(key).and_then(serde_json::Value::as_u64).unwrap_or(0);
    let counts = Counts {
        caught: count("caught"),
        missed: count("missed"),
        timeout: count("timeout"),
        unviable: count("unviable"),
    };
    println!("  {}", counts.line());
    let missed_list = std::fs::read_to_string(out.join("missed.txt")).unwrap_or_default();
    if missed_list.trim().is_empty() {
        println!("  survivors: none");
    } else {
        println!("  survivors:");
        for line in missed_list.lines() {
            println!("    {line}");
        }
    }
    Ok(counts)
}
