//! The workspace-level tests, one module per file of `tests/tests/`, in one test binary.
//!
//! One binary, because `cargo test` stops after the first test binary that fails: with one
//! binary per file, a spec change showed the snapshot diffs of the first failing file only.
//! Here every snapshot of every module is compared in the same run, and within a module the
//! loops over the spec record their failures and go on (see [`support::Failures`]).
//!
//! The package sets `autotests = false`, so a new file in `tests/tests/` runs only once it is a
//! module here or a `[[test]]` of `tests/Cargo.toml`;
//! `every_test_file_is_a_module_or_a_test_target` checks that none is forgotten.
//!
//! Snapshot files are named `all__<module>__<name>.snap`.

mod support;

mod forward_compat;
#[rustfmt::skip]
mod generated_roundtrip;
mod api_surface;
mod nullable_fields;
// The SDK README's sandbox example, verbatim (see `the_readme_shows_the_sandbox_example`).
mod readme_sandbox;
mod sandbox_scenarios;
mod seed_wire;
mod spec_constraints;

use std::collections::BTreeSet;

#[test]
fn every_test_file_is_a_module_or_a_test_target() {
    let root = syn::parse_file(&support::read("tests/tests/all.rs")).expect("all.rs parses");
    let modules: BTreeSet<String> = root
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Mod(m) => Some(m.ident.to_string()),
            _ => None,
        })
        .collect();
    let manifest = support::read("tests/Cargo.toml");
    let dir = support::workspace_root().join("tests/tests");
    // The test targets of their own, whose `#[path = "file.rs"]` modules run with them.
    let targets: Vec<String> = manifest
        .lines()
        .filter_map(|line| line.trim().strip_prefix("path = \"tests/")?.strip_suffix('"').map(str::to_owned))
        .map(|file| support::read(&format!("tests/tests/{file}")))
        .collect();
    let mut forgotten = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/tests is a directory") {
        let file = entry.expect("a directory entry").file_name().to_string_lossy().into_owned();
        let Some(stem) = file.strip_suffix(".rs") else { continue };
        let is_target = manifest.contains(&format!("path = \"tests/{file}\""));
        let in_target = targets.iter().any(|text| text.contains(&format!("#[path = \"{file}\"]")));
        if !modules.contains(stem) && !is_target && !in_target {
            forgotten.push(file);
        }
    }
    assert!(
        forgotten.is_empty(),
        "files of tests/tests/ that never run: add `mod <name>;` to all.rs (or a [[test]] to \
         tests/Cargo.toml) for {forgotten:?}"
    );
}

/// The SDK README's example of testing an application against the sandbox is a test that
/// cannot run as a doctest (a doctest drops `#[tokio::test]` functions unchecked), so it runs
/// as `readme_sandbox.rs`, and the README must show that file exactly.
#[test]
fn the_readme_shows_the_sandbox_example() {
    let readme = support::read("crates/vitable-connect/README.md");
    let example = support::read("tests/tests/readme_sandbox.rs");
    let marker = "<!-- This block is tests/tests/readme_sandbox.rs";
    let after = &readme[readme.find(marker).expect("the README marks the sandbox example")..];
    let fence = "```rust,ignore\n";
    let start = after.find(fence).expect("a rust,ignore block follows the marker") + fence.len();
    let block = &after[start..start + after[start..].find("```\n").expect("the block ends")];
    assert_eq!(
        block, example,
        "crates/vitable-connect/README.md's sandbox example differs from tests/tests/readme_sandbox.rs: make them the same"
    );
}
