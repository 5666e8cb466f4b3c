//! `cargo xtask msrv`: the minimum supported Rust version we declare is true of our
//! dependencies.
//!
//! The workspace declares one `rust-version` (`[workspace.package]`). This task fails when a
//! package would need a newer Rust:
//!
//! 1. **The lock file**: every package of `Cargo.lock` (all platforms) that declares a
//!    `rust-version` declares one no newer than ours (`cargo metadata --locked`).
//! 2. **A fresh resolve**: a copy of the workspace without `Cargo.lock`, resolved again by
//!    cargo's MSRV-aware resolver (resolver 3, `incompatible-rust-versions = "fallback"`: the
//!    newest version that supports our Rust, or, when none does, the newest at all), holds
//!    no such package either. This is what a user gets who adds the SDK to a new project, or
//!    runs `cargo update`. It reads crates.io's index.
//! 3. **The docs**: the SDK's README states the same version.
//!
//! Our own code is held to the declared version by clippy's `incompatible_msrv` lint, which
//! CI denies with the other warnings (it reads `rust-version` and refuses standard library
//! items stabilised later). No other toolchain than the machine's is installed in CI.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// A Rust version, `major.minor.patch` (a missing part is 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RustVersion(u64, u64, u64);

impl RustVersion {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut parts = text.trim().split('.').map(|p| p.parse::<u64>());
        let mut next = |required: bool| match parts.next() {
            Some(Ok(n)) => Ok(n),
            None if !required => Ok(0),
            _ => Err(format!("`{text}` is not a Rust version")),
        };
        let version = RustVersion(next(true)?, next(true)?, next(false)?);
        if parts.next().is_some() {
            return Err(format!("`{text}` is not a Rust version"));
        }
        Ok(version)
    }
}

impl std::fmt::Display for RustVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RustVersion(major, minor, 0) => write!(f, "{major}.{minor}"),
            RustVersion(major, minor, patch) => write!(f, "{major}.{minor}.{patch}"),
        }
    }
}

/// A package of a resolve that needs a newer Rust than ours.
#[derive(Debug, PartialEq)]
pub struct TooNew {
    pub package: String,
    pub needs: RustVersion,
}

/// What one resolve holds: our declared version, the registry packages that need more, and
/// the highest requirement seen.
#[derive(Debug)]
pub struct Findings {
    pub declared: RustVersion,
    pub packages: usize,
    pub highest: Option<(RustVersion, String)>,
    pub too_new: Vec<TooNew>,
}

/// Reads `cargo metadata` output: our version is the `rust_version` of the workspace's own
/// packages (they must agree), and every other package is checked against it.
pub fn findings(metadata: &Value) -> Result<Findings, String> {
    let packages = metadata["packages"].as_array().ok_or("cargo metadata printed no packages")?;
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .ok_or("cargo metadata printed no workspace members")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut declared: Option<RustVersion> = None;
    let mut others = Vec::new();
    for package in packages {
        let id = package["id"].as_str().unwrap_or_default();
        let name = package["name"].as_str().unwrap_or_default();
        let version = package["version"].as_str().unwrap_or_default();
        let needs = package["rust_version"].as_str().map(RustVersion::parse).transpose()?;
        if members.contains(&id) {
            // The published crates declare it; chores (xtask) may not.
            if let Some(needs) = needs {
                match declared {
                    Some(d) if d != needs => {
                        return Err(format!(
                            "workspace packages declare different rust-versions ({d}, {needs})"
                        ));
                    }
                    _ => declared = Some(needs),
                }
            }
        } else {
            others.push((format!("{name} {version}"), needs));
        }
    }
    let declared = declared.ok_or("no workspace package declares a rust-version")?;
    let count = others.len();
    let highest = others.iter().filter_map(|(p, n)| n.map(|n| (n, p.clone()))).max();
    let mut too_new: Vec<TooNew> = others
        .into_iter()
        .filter_map(|(package, needs)| needs.filter(|n| *n > declared).map(|needs| TooNew { package, needs }))
        .collect();
    too_new.sort_by(|a, b| b.needs.cmp(&a.needs).then(a.package.cmp(&b.package)));
    Ok(Findings { declared, packages: count, highest, too_new })
}

fn metadata(dir: &Path, locked: bool) -> Result<Value, String> {
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo.current_dir(dir).args(["metadata", "--format-version", "1"]);
    if locked {
        cargo.arg("--locked");
    }
    let out = cargo.output().map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed in {}:\n{}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata printed no JSON: {e}"))
}

/// A copy of the workspace's files (tracked, or new and not ignored) without `Cargo.lock`.
fn copy_without_lock(root: &Path) -> Result<PathBuf, String> {
    let out = Command::new("git")
        .current_dir(root)
        .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .output()
        .map_err(|e| format!("cannot run git ls-files: {e}"))?;
    if !out.status.success() {
        return Err(format!("git ls-files failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let copy = std::env::temp_dir().join(format!("vitable-connect-msrv-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    for file in out.stdout.split(|b| *b == 0).filter(|f| !f.is_empty()) {
        let file = Path::new(std::str::from_utf8(file).map_err(|_| "a file name is not UTF-8")?);
        if file == Path::new("Cargo.lock") || !root.join(file).is_file() {
            continue;
        }
        let to = copy.join(file);
        std::fs::create_dir_all(to.parent().expect("a file has a parent")).map_err(|e| e.to_string())?;
        std::fs::copy(root.join(file), &to).map_err(|e| format!("cannot copy {}: {e}", file.display()))?;
    }
    Ok(copy)
}

fn report(what: &str, findings: &Findings) -> Result<(), String> {
    let highest = findings.highest.as_ref().map_or_else(|| "none".to_owned(), |(v, p)| format!("{v} ({p})"));
    println!(
        "msrv: {what}: {} packages, the highest rust-version any declares is {highest}",
        findings.packages
    );
    if findings.too_new.is_empty() {
        return Ok(());
    }
    let list: Vec<String> =
        findings.too_new.iter().map(|t| format!("  {} needs Rust {}", t.package, t.needs)).collect();
    Err(format!(
        "{what} holds packages that need a newer Rust than the declared rust-version {}:\n{}\n\
         Pin an older version (`cargo update -p <name> --precise <version>`), or raise \
         rust-version in the workspace's Cargo.toml (and the README that states it).",
        findings.declared,
        list.join("\n")
    ))
}

/// The version the SDK's README states, from "The minimum supported Rust version is X.".
pub fn stated_in_readme(readme: &str) -> Option<RustVersion> {
    let (_, rest) = readme.split_once("minimum supported Rust version is ")?;
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    RustVersion::parse(rest[..end].trim_end_matches('.')).ok()
}

pub fn run() -> Result<(), String> {
    let root = crate::workspace::root();
    let locked = findings(&metadata(&root, true)?)?;
    println!("msrv: declared rust-version {}", locked.declared);
    let readme =
        std::fs::read_to_string(root.join("crates/vitable-connect/README.md")).map_err(|e| e.to_string())?;
    match stated_in_readme(&readme) {
        Some(stated) if stated == locked.declared => {}
        Some(stated) => {
            return Err(format!(
                "crates/vitable-connect/README.md states Rust {stated}, Cargo.toml declares {}",
                locked.declared
            ));
        }
        None => {
            return Err(
                "crates/vitable-connect/README.md does not state the minimum supported Rust version".into()
            );
        }
    }
    let lock_result = report("Cargo.lock", &locked);

    let copy = copy_without_lock(&root)?;
    let resolved = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&copy)
        .args(["generate-lockfile", "--quiet"])
        .env("CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS", "fallback")
        .status()
        .map_err(|e| format!("cannot run cargo generate-lockfile: {e}"));
    let fresh = match resolved {
        Ok(status) if status.success() => metadata(&copy, true).and_then(|m| findings(&m)),
        Ok(status) => Err(format!("cargo generate-lockfile failed ({status})")),
        Err(e) => Err(e),
    };
    let _ = std::fs::remove_dir_all(&copy);
    let fresh_result = report("a fresh resolve (MSRV-aware)", &fresh?);
    lock_result.and(fresh_result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn versions_compare_as_numbers() {
        assert!(RustVersion::parse("1.89").unwrap() < RustVersion::parse("1.100").unwrap());
        assert_eq!(RustVersion::parse("1.89").unwrap(), RustVersion::parse("1.89.0").unwrap());
        assert!(RustVersion::parse("1.89.1").unwrap() > RustVersion::parse("1.89").unwrap());
        assert!(RustVersion::parse("1").is_err());
        assert!(RustVersion::parse("1.x").is_err());
        assert!(RustVersion::parse("1.2.3.4").is_err());
        assert_eq!(RustVersion::parse("1.89.0").unwrap().to_string(), "1.89");
    }

    fn package(id: &str, rust_version: Option<&str>) -> Value {
        let (name, version) = id.split_once(' ').unwrap();
        json!({ "id": id, "name": name, "version": version, "rust_version": rust_version })
    }

    #[test]
    fn a_dependency_needing_more_than_we_declare_is_found() {
        let metadata = json!({
            "workspace_members": ["ours 0.1.0", "xtask 0.0.0"],
            "packages": [
                package("ours 0.1.0", Some("1.89")),
                package("xtask 0.0.0", None),
                package("old 1.0.0", Some("1.60")),
                package("same 1.0.0", Some("1.89.0")),
                package("undeclared 1.0.0", None),
                package("newer 2.0.0", Some("1.90")),
                package("newest 3.1.0", Some("1.91.1")),
            ],
        });
        let found = findings(&metadata).unwrap();
        assert_eq!(found.declared, RustVersion(1, 89, 0));
        assert_eq!(found.packages, 5);
        assert_eq!(found.highest, Some((RustVersion(1, 91, 1), "newest 3.1.0".to_owned())));
        assert_eq!(
            found.too_new,
            [
                TooNew { package: "newest 3.1.0".into(), needs: RustVersion(1, 91, 1) },
                TooNew { package: "newer 2.0.0".into(), needs: RustVersion(1, 90, 0) },
            ]
        );
        let error = report("Cargo.lock", &found).unwrap_err();
        assert!(error.contains("newer 2.0.0 needs Rust 1.90"), "{error}");
    }

    #[test]
    fn nothing_newer_passes_and_members_must_agree() {
        let fine = json!({
            "workspace_members": ["ours 0.1.0"],
            "packages": [package("ours 0.1.0", Some("1.89")), package("dep 1.0.0", Some("1.89"))],
        });
        assert!(report("Cargo.lock", &findings(&fine).unwrap()).is_ok());
        let split = json!({
            "workspace_members": ["a 0.1.0", "b 0.1.0"],
            "packages": [package("a 0.1.0", Some("1.89")), package("b 0.1.0", Some("1.90"))],
        });
        assert!(findings(&split).unwrap_err().contains("different rust-versions"));
        let none = json!({ "workspace_members": ["a 0.1.0"], "packages": [package("a 0.1.0", None)] });
        assert!(findings(&none).is_err());
    }

    #[test]
    fn the_readme_statement_is_read() {
        let text = "Rust.\n\nThe minimum supported Rust version is 1.89. Nothing else";
        assert_eq!(stated_in_readme(text), Some(RustVersion(1, 89, 0)));
        assert_eq!(stated_in_readme("no statement"), None);
    }
}
