//! Spec-driven checks of the hand-written pieces a spec change may need: each finding names
//! the operation, property or schema and the file to change.
//!
//! What generation reaches by construction (resource handles and entry points, request
//! builders, setters, tables, enums) needs no check here; what stays hand-written does:
//! * every operation has a sandbox handler (`router.rs`), whose function (with the functions
//!   of its module it calls) reads every body property and query parameter the spec gives it.
//!
//! The Rust files are parsed (`syn`) and only code counts: a comment, a doc line or another
//! function mentioning a builder or a property does not.
//! * every ID schema has a hand-written type in `ids.rs`.
//!
//! `cargo xtask coverage` prints the findings; a unit test keeps the workspace free of them,
//! and the drills in `drills.rs` show that a spec change makes them name what is missing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use quote::ToTokens;
use syn::visit::Visit;

use crate::codegen::spec::{Api, Location, ModelKind};

const ROUTER: &str = "crates/vitable-connect-sandbox/src/router.rs";
const HANDLERS: &str = "crates/vitable-connect-sandbox/src/handlers";
const IDS: &str = "crates/vitable-connect-api/src/ids.rs";

fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).unwrap_or_default()
}

fn parse(root: &Path, path: &str) -> syn::File {
    syn::parse_file(&read(root, path)).unwrap_or_else(|_| syn::parse_quote!())
}

/// The code of a function body as text without whitespace (`request\n    .rules` reads as
/// `request.rules`); comments are not tokens, so they are not in it.
fn code(block: &syn::Block) -> String {
    block.to_token_stream().to_string().chars().filter(|c| !c.is_whitespace()).collect()
}

/// The functions each function of `file` calls by a plain name (`insert(..)`), and its code.
struct Functions {
    code: BTreeMap<String, String>,
    calls: BTreeMap<String, BTreeSet<String>>,
}

impl Functions {
    fn of(file: &syn::File) -> Self {
        #[derive(Default)]
        struct Calls(BTreeSet<String>);
        impl<'ast> Visit<'ast> for Calls {
            fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
                if let syn::Expr::Path(path) = &*call.func
                    && let Some(last) = path.path.segments.last()
                {
                    self.0.insert(last.ident.to_string());
                }
                syn::visit::visit_expr_call(self, call);
            }
        }
        let mut functions = Functions { code: BTreeMap::new(), calls: BTreeMap::new() };
        for item in &file.items {
            if let syn::Item::Fn(f) = item {
                let mut calls = Calls::default();
                calls.visit_block(&f.block);
                let name = f.sig.ident.to_string();
                functions.code.insert(name.clone(), code(&f.block));
                functions.calls.insert(name, calls.0);
            }
        }
        functions
    }

    /// The code of `function` and of every function of the file it calls, directly or not;
    /// `None` when the file has no such function.
    fn reachable_code(&self, function: &str) -> Option<String> {
        self.code.get(function)?;
        let mut seen = BTreeSet::new();
        let mut todo = vec![function.to_owned()];
        let mut text = String::new();
        while let Some(name) = todo.pop() {
            let Some(body) = self.code.get(&name) else { continue };
            if !seen.insert(name.clone()) {
                continue;
            }
            text.push_str(body);
            todo.extend(self.calls[&name].iter().cloned());
        }
        Some(text)
    }
}

/// Whether `text` contains `needle` not followed by an identifier character.
fn contains_word(text: &str, needle: &str) -> bool {
    text.match_indices(needle).any(|(at, _)| {
        !text[at + needle.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The types of the `id_types! { Name, "prefix", ..; .. }` invocation: the first identifier of
/// each `;`-separated entry.
fn id_types(file: &syn::File) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for item in &file.items {
        let syn::Item::Macro(m) = item else { continue };
        if !m.mac.path.is_ident("id_types") {
            continue;
        }
        let mut first = true;
        for token in m.mac.tokens.clone() {
            match token {
                proc_macro2::TokenTree::Ident(ident) if first => {
                    names.insert(ident.to_string());
                    first = false;
                }
                proc_macro2::TokenTree::Punct(p) if p.as_char() == ';' => first = true,
                _ => first = false,
            }
        }
    }
    names
}

/// The sandbox router's routes: each match arm `"operation_id" => module::function` of
/// `router.rs`, read from the code (a commented-out arm is not a route).
fn routes(router: &syn::File) -> BTreeMap<String, (String, String)> {
    #[derive(Default)]
    struct Arms(BTreeMap<String, (String, String)>);
    impl<'ast> Visit<'ast> for Arms {
        fn visit_arm(&mut self, arm: &'ast syn::Arm) {
            if let syn::Pat::Lit(syn::PatLit { lit: syn::Lit::Str(id), .. }) = &arm.pat
                // An operationId (the router also matches HTTP methods).
                && id.value().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                && let syn::Expr::Path(path) = &*arm.body
                && let [.., module, function] = path.path.segments.iter().collect::<Vec<_>>().as_slice()
            {
                self.0.insert(id.value(), (module.ident.to_string(), function.ident.to_string()));
            }
            syn::visit::visit_arm(self, arm);
        }
    }
    let mut arms = Arms::default();
    arms.visit_file(router);
    arms.0
}

/// Every finding for the workspace at `root`; empty when nothing is missing.
pub fn check(root: &Path, api: &Api) -> Vec<String> {
    let mut findings = Vec::new();
    let routes = routes(&parse(root, ROUTER));
    let ids = id_types(&parse(root, IDS));
    for op in &api.operations {
        let Some((module, function)) = routes.get(&op.id) else {
            findings.push(format!(
                "operation `{}` ({} {}) has no sandbox handler: add `\"{}\" => <module>::<function>` to {ROUTER}",
                op.id, op.method, op.path, op.id
            ));
            continue;
        };
        let file = format!("{HANDLERS}/{module}.rs");
        let Some(handler) = Functions::of(&parse(root, &file)).reachable_code(function) else {
            findings.push(format!(
                "the sandbox's router sends `{}` to `{module}::{function}`, which {file} does not define",
                op.id
            ));
            continue;
        };
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
    for routed in routes.keys() {
        if !api.operations.iter().any(|op| &op.id == routed) {
            findings.push(format!(
                "the sandbox's router routes `{routed}`, which openapi.yaml does not have: remove it from {ROUTER} (and its handler)"
            ));
        }
    }
    for model in api.schemas.values() {
        if matches!(model.kind, ModelKind::Id) && !ids.contains(&model.name) {
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
    let root = crate::workspace::root();
    let (_, api) = crate::codegen::load(&root)?;
    let findings = check(&root, &api);
    if findings.is_empty() {
        println!("every operation has a sandbox handler reading all its inputs, and every ID schema a type");
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
        let root = crate::workspace::root();
        let (_, api) = crate::codegen::load(&root).unwrap();
        let findings = check(&root, &api);
        assert!(findings.is_empty(), "missing pieces:\n{}", findings.join("\n"));
    }

    /// A property read by one handler does not count for another of the same module, but does
    /// for a handler calling the function that reads it; comments count for nothing.
    #[test]
    fn handlers_are_checked_per_function() {
        let file: syn::File = syn::parse_quote! {
            fn create(call: &Call) { let request = call.json(); insert(request); }
            fn insert(request: Request) { let _ = request.website; }
            fn update(call: &Call) {
                // request.website is not read here
                let request = call.json(); let _ = request.name;
            }
            fn list(call: &Call) { let q = call.reader(); q.text("website_domain"); }
        };
        let functions = Functions::of(&file);
        let create = functions.reachable_code("create").unwrap();
        let update = functions.reachable_code("update").unwrap();
        assert!(contains_word(&create, "request.website"), "{create}");
        assert!(!contains_word(&update, "request.website"), "{update}");
        assert!(contains_word(&update, "request.name"));
        assert!(!update.contains("\"website_domain\""));
        assert!(functions.reachable_code("list").unwrap().contains("\"website_domain\""));
        assert_eq!(functions.reachable_code("retrieve"), None);
    }

    #[test]
    fn id_types_are_read_from_the_macro() {
        let file: syn::File = syn::parse_quote! {
            /// Not `PlanId`.
            id_types! {
                BenefitProductId, "bprd_", "benefit product", "bprd_2Mx8Qa";
                EmployeeId, "empl_", "employee", "empl_5Nq1Zt";
            }
        };
        let names = id_types(&file);
        assert_eq!(names, BTreeSet::from(["BenefitProductId".to_owned(), "EmployeeId".to_owned()]));
    }

    #[test]
    fn routes_are_match_arms_and_words_are_whole() {
        let router: syn::File = syn::parse_quote! {
            fn route(id: &str) -> Option<Handler> {
                Some(match id {
                    "employers_list" => employers::list,
                    // "employers_create" => employers::create,
                    "plan_years_update" => crate::handlers::plan_years::update,
                    _ => return None,
                })
            }
        };
        let routes = routes(&router);
        assert_eq!(routes.len(), 2, "{routes:?}");
        assert_eq!(routes["employers_list"], ("employers".to_owned(), "list".to_owned()));
        assert_eq!(routes["plan_years_update"], ("plan_years".to_owned(), "update".to_owned()));
        assert!(contains_word("x = request.notes;", "request.notes"));
        assert!(!contains_word("x = request.notes_extra;", "request.notes"));
        let spread: String =
            "let rules = request\n        .rules".chars().filter(|c| !c.is_whitespace()).collect();
        assert!(contains_word(&spread, "request.rules"));
    }
}
