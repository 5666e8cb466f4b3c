//! The SDK's modules form layers: no module uses one that, directly or through others, uses it.
//!
//! Each file module of `crates/vitable-connect/src` (as `lib.rs` declares them) uses the modules
//! its code names as `crate::<module>` (in `use` items, paths and macro calls), and the module
//! a `crate::<Name>` re-exported by `lib.rs` comes from. A cycle among them is reported with its
//! path, e.g. `request → transport → request`. `cargo xtask layers` prints the layers; a unit
//! test (run by `cargo test --workspace`) fails on a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;

/// The SDK's source folder, relative to the workspace root.
const SDK_SRC: &str = "crates/vitable-connect/src";

/// Which modules each module of the SDK uses: module name → names of the modules it uses.
pub type Uses = BTreeMap<String, BTreeSet<String>>;

/// The `crate::` paths of `tokens`: the first segment of each, and the second when the first
/// is `{..}` (`use crate::{a, b::c}` uses `a` and `b`).
fn crate_paths(tokens: TokenStream, out: &mut BTreeSet<String>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Group(group) => crate_paths(group.stream(), out),
            TokenTree::Ident(ident) if ident == "crate" => {
                let colons = matches!(
                    (tokens.get(i + 1), tokens.get(i + 2)),
                    (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b))) if a.as_char() == ':' && b.as_char() == ':'
                );
                if !colons {
                    continue;
                }
                match tokens.get(i + 3) {
                    Some(TokenTree::Ident(name)) => {
                        out.insert(name.to_string());
                    }
                    Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => {
                        // The first identifier of each comma-separated element.
                        let mut at_start = true;
                        for inner in group.stream() {
                            match inner {
                                TokenTree::Ident(name) if at_start => {
                                    out.insert(name.to_string());
                                    at_start = false;
                                }
                                TokenTree::Punct(p) if p.as_char() == ',' => at_start = true,
                                _ => at_start = false,
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

/// The names `lib.rs` re-exports from its file modules (`pub use client::{Client, ..}`), with
/// the module each comes from.
fn reexports(lib: &syn::File, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    fn walk(
        tree: &syn::UseTree,
        module: Option<&str>,
        modules: &BTreeSet<String>,
        out: &mut BTreeMap<String, String>,
    ) {
        match tree {
            syn::UseTree::Path(path) => {
                let name = path.ident.to_string();
                let module = module.or_else(|| modules.get(&name).map(String::as_str));
                walk(&path.tree, module, modules, out);
            }
            syn::UseTree::Group(group) => group.items.iter().for_each(|t| walk(t, module, modules, out)),
            syn::UseTree::Name(name) => {
                if let Some(module) = module {
                    out.insert(name.ident.to_string(), module.to_owned());
                }
            }
            syn::UseTree::Rename(rename) => {
                if let Some(module) = module {
                    out.insert(rename.rename.to_string(), module.to_owned());
                }
            }
            syn::UseTree::Glob(_) => {}
        }
    }
    let mut out = BTreeMap::new();
    for item in &lib.items {
        if let syn::Item::Use(item) = item {
            walk(&item.tree, None, modules, &mut out);
        }
    }
    out
}

/// What each file module of the crate whose source folder is `src` uses.
pub fn uses(src: &Path) -> Result<Uses, String> {
    let read = |file: &str| {
        std::fs::read_to_string(src.join(file))
            .map_err(|e| format!("cannot read {}: {e}", src.join(file).display()))
    };
    let lib_text = read("lib.rs")?;
    let declared = crate::workspace::declared_modules(&lib_text)?;
    let names: BTreeSet<String> = declared.iter().map(|m| m.name.clone()).collect();
    let lib = syn::parse_file(&lib_text).map_err(|e| format!("lib.rs does not parse: {e}"))?;
    let reexported = reexports(&lib, &names);
    let mut uses = Uses::new();
    for module in &declared {
        let text = read(&module.file)?;
        let file = syn::parse_file(&text).map_err(|e| format!("{} does not parse: {e}", module.file))?;
        let mut paths = BTreeSet::new();
        crate_paths(file.into_token_stream(), &mut paths);
        let used = paths
            .into_iter()
            .filter_map(|name| match names.contains(&name) {
                true => Some(name),
                false => reexported.get(&name).cloned(),
            })
            .filter(|name| name != &module.name)
            .collect();
        uses.insert(module.name.clone(), used);
    }
    Ok(uses)
}

/// Every cycle of `uses`, each as the path that closes it (`a → b → a`), found from each module
/// in name order; a cycle is reported once.
pub fn cycles(uses: &Uses) -> Vec<String> {
    fn visit<'a>(
        module: &'a str,
        uses: &'a Uses,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
        found: &mut Vec<String>,
        seen: &mut BTreeSet<BTreeSet<&'a str>>,
    ) {
        if let Some(at) = path.iter().position(|m| *m == module) {
            let members: BTreeSet<&str> = path[at..].iter().copied().collect();
            if seen.insert(members) {
                let mut cycle = path[at..].to_vec();
                cycle.push(module);
                found.push(cycle.join(" → "));
            }
            return;
        }
        if done.contains(module) {
            return;
        }
        path.push(module);
        for next in uses.get(module).into_iter().flatten() {
            visit(next, uses, path, done, found, seen);
        }
        path.pop();
        done.insert(module);
    }
    let (mut done, mut found, mut seen) = (BTreeSet::new(), Vec::new(), BTreeSet::new());
    for module in uses.keys() {
        visit(module, uses, &mut Vec::new(), &mut done, &mut found, &mut seen);
    }
    found
}

/// The modules in layers: the first uses no other module, each later one only modules of the
/// layers before it. `None` when there is a cycle.
pub fn layers(uses: &Uses) -> Option<Vec<Vec<String>>> {
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    let mut layers = Vec::new();
    while placed.len() < uses.len() {
        let layer: Vec<String> = uses
            .iter()
            .filter(|(m, used)| {
                !placed.contains(m.as_str())
                    && used.iter().all(|u| placed.contains(u.as_str()) || !uses.contains_key(u))
            })
            .map(|(m, _)| m.clone())
            .collect();
        if layer.is_empty() {
            return None;
        }
        for module in &layer {
            placed.insert(uses.get_key_value(module).map(|(k, _)| k.as_str()).unwrap_or_default());
        }
        layers.push(layer);
    }
    Some(layers)
}

/// `cargo xtask layers`: prints the SDK's layers, or fails naming every cycle.
pub fn run() -> Result<(), String> {
    let uses = uses(&crate::workspace::root().join(SDK_SRC))?;
    let cycles = cycles(&uses);
    if !cycles.is_empty() {
        return Err(format!("the SDK's modules import each other in a circle:\n  {}", cycles.join("\n  ")));
    }
    for (i, layer) in layers(&uses).unwrap_or_default().iter().enumerate() {
        println!("layer {i}: {}", layer.join(", "));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uses_of(pairs: &[(&str, &[&str])]) -> Uses {
        pairs
            .iter()
            .map(|(m, used)| ((*m).to_owned(), used.iter().map(|u| (*u).to_owned()).collect()))
            .collect()
    }

    #[test]
    fn the_sdk_modules_have_no_import_cycle() {
        let uses = uses(&crate::workspace::root().join(SDK_SRC)).unwrap();
        assert!(uses.len() > 10, "the SDK's modules are read: {uses:?}");
        let cycles = cycles(&uses);
        assert!(cycles.is_empty(), "the SDK's modules import each other in a circle:\n{}", cycles.join("\n"));
    }

    #[test]
    fn cycles_are_named_by_their_path_and_reported_once() {
        let uses = uses_of(&[("a", &["b"]), ("b", &["c"]), ("c", &["a"]), ("d", &["a"]), ("e", &[])]);
        assert_eq!(cycles(&uses), ["a → b → c → a"]);
        assert_eq!(layers(&uses), None);
        let layered = uses_of(&[("a", &["b", "c"]), ("b", &["c"]), ("c", &[])]);
        assert!(cycles(&layered).is_empty());
        assert_eq!(
            layers(&layered),
            Some(vec![vec!["c".to_owned()], vec!["b".to_owned()], vec!["a".to_owned()]])
        );
    }

    #[test]
    fn crate_paths_are_found_in_uses_paths_groups_and_macros() {
        let file: syn::File = syn::parse_quote! {
            use crate::{client::Client, error::{Error, Result}};
            use crate::retry;
            fn f() { let _ = crate::redact::mask("x"); crate::request::request_options!(X); }
            // crate::comment is not code
        };
        let mut paths = BTreeSet::new();
        crate_paths(file.into_token_stream(), &mut paths);
        let expected: BTreeSet<String> =
            ["client", "error", "retry", "redact", "request"].iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(paths, expected);
    }

    #[test]
    fn names_reexported_by_the_root_lead_to_their_module() {
        let lib: syn::File = syn::parse_quote! {
            pub use client::{Client, ClientBuilder as Builder};
            pub use retry::RetryPolicy;
            pub use types::*;
            pub use vitable_connect_api::Ssn;
        };
        let modules: BTreeSet<String> =
            ["client", "retry", "types"].iter().map(|s| (*s).to_owned()).collect();
        let found = reexports(&lib, &modules);
        assert_eq!(found.get("Client").map(String::as_str), Some("client"));
        assert_eq!(found.get("Builder").map(String::as_str), Some("client"));
        assert_eq!(found.get("RetryPolicy").map(String::as_str), Some("retry"));
        assert_eq!(found.get("Ssn"), None);
    }
}
