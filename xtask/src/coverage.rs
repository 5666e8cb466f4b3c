//! Spec-driven checks of the hand-written pieces a spec change may need: each finding names
//! the operation, property or schema and the file to change.
//!
//! What generation reaches by construction (request builders, setters, tables, enums) needs no
//! check here; what stays hand-written does:
//! * every operation has an SDK entry point (a method in `crates/vitable-connect/src/resources/`
//!   that calls its builder's `new`);
//! * every operation has a sandbox handler (`router.rs`), which reads every body property
//!   and query parameter the spec gives it;
//! * every ID schema has a hand-written type in `ids.rs`.
//!
//! `cargo xtask coverage` prints the findings; a unit test keeps the workspace free of them,
//! and the drills in `drills.rs` show that a spec change makes them name what is missing.

use std::path::Path;

use crate::spec::{Api, Location, ModelKind};
use crate::tables::builder_name;

const RESOURCES: &str = "crates/vitable-connect/src/resources";
const ROUTER: &str = "crates/vitable-connect-sandbox/src/router.rs";
const HANDLERS: &str = "crates/vitable-connect-sandbox/src/handlers";
const IDS: &str = "crates/vitable-connect-api/src/ids.rs";

fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).unwrap_or_default()
}

fn read_dir(root: &Path, dir: &str) -> String {
    let mut text = String::new();
    let mut entries: Vec<_> = std::fs::read_dir(root.join(dir)).into_iter().flatten().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        if entry.path().extension().is_some_and(|e| e == "rs") {
            text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
    }
    text
}

/// Whether `text` contains `needle` not followed by an identifier character.
fn contains_word(text: &str, needle: &str) -> bool {
    text.match_indices(needle).any(|(at, _)| {
        !text[at + needle.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The handler module of `operation_id` in the sandbox's router (`"id" => module::function`).
fn handler_module(router: &str, operation_id: &str) -> Option<String> {
    let key = format!("\"{operation_id}\" =>");
    let rest = router[router.find(&key)? + key.len()..].trim_start();
    let module: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    (!module.is_empty() && rest[module.len()..].starts_with("::")).then_some(module)
}

/// Every finding for the workspace at `root`; empty when nothing is missing.
pub fn check(root: &Path, api: &Api) -> Vec<String> {
    let mut findings = Vec::new();
    let resources = read_dir(root, RESOURCES);
    let router = read(root, ROUTER);
    let ids = read(root, IDS);
    for op in &api.operations {
        let builder = builder_name(op);
        if !resources.contains(&format!("{builder}::new(")) {
            findings.push(format!(
                "operation `{}` ({} {}) has no SDK entry point: add `client.{}(..)` to {RESOURCES}/, calling `{builder}::new`",
                op.id,
                op.method,
                op.path,
                op.name.replace('.', "().")
            ));
        }
        let Some(module) = handler_module(&router, &op.id) else {
            findings.push(format!(
                "operation `{}` ({} {}) has no sandbox handler: add `\"{}\" => <module>::<function>` to {ROUTER}",
                op.id, op.method, op.path, op.id
            ));
            continue;
        };
        let file = format!("{HANDLERS}/{module}.rs");
        // Without whitespace, so that `request\n    .rules` reads as `request.rules`.
        let handler: String = read(root, &file).chars().filter(|c| !c.is_whitespace()).collect();
        if let Some(body) = &op.body {
            for prop in api.props(body) {
                if !contains_word(&handler, &format!("request.{}", prop.name)) {
                    findings.push(format!(
                        "the sandbox's handler of `{}` ({file}) never reads body property `{}.{}`: store or check it (`request.{}`)",
                        op.id, body, prop.name, prop.name
                    ));
                }
            }
        }
        for param in op.params.iter().filter(|p| p.location == Location::Query) {
            let paging = matches!(param.name.as_str(), "page" | "limit") && handler.contains(".paging()");
            if !paging && !handler.contains(&format!("\"{}\"", param.name)) {
                findings.push(format!(
                    "the sandbox's handler of `{}` ({file}) never reads query parameter `{}`",
                    op.id, param.name
                ));
            }
        }
    }
    for model in api.schemas.values() {
        if matches!(model.kind, ModelKind::Id) && !contains_word(&ids, &model.name) {
            findings.push(format!(
                "ID schema `{}` has no hand-written type in {IDS}: add it to the `id_types!` list with its prefix",
                model.name
            ));
        }
    }
    findings
}

/// `cargo xtask coverage`.
pub fn run() -> Result<(), String> {
    let root = crate::codegen::workspace_root();
    let (_, api) = crate::codegen::load(&root)?;
    let findings = check(&root, &api);
    if findings.is_empty() {
        println!("every operation has an SDK entry point and a sandbox handler reading all its inputs");
        return Ok(());
    }
    for finding in &findings {
        println!("{finding}");
    }
    Err(format!("{} missing piece(s)", findings.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The workspace as committed has every hand-written piece the spec needs.
    #[test]
    fn nothing_is_missing_for_the_current_spec() {
        let root = crate::codegen::workspace_root();
        let (_, api) = crate::codegen::load(&root).unwrap();
        let findings = check(&root, &api);
        assert!(findings.is_empty(), "missing pieces:\n{}", findings.join("\n"));
    }

    #[test]
    fn handler_modules_and_words() {
        let router = r#"        "employers_list" => employers::list,"#;
        assert_eq!(handler_module(router, "employers_list").as_deref(), Some("employers"));
        assert_eq!(handler_module(router, "employers_create"), None);
        assert!(contains_word("x = request.notes;", "request.notes"));
        assert!(!contains_word("x = request.notes_extra;", "request.notes"));
        let spread: String =
            "let rules = request\n        .rules".chars().filter(|c| !c.is_whitespace()).collect();
        assert!(contains_word(&spread, "request.rules"));
    }
}
