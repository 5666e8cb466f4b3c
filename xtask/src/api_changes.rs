//! `cargo xtask api-changes [--base <rev>]`: fails when the SDK's public API changed since
//! `<rev>` (default `HEAD~1`, the previous commit) while the `[Unreleased]` section of
//! `CHANGELOG.md` did not.
//!
//! The public API is listed from the source with `syn`, on stable Rust and without building
//! anything: every `pub` item of `crates/vitable-connect/src` and of the parts of
//! `crates/vitable-connect-api/src` that the SDK re-exports (the models and enums, the IDs,
//! `Ssn`, the spec tables), one line per item with its signature: functions and methods with
//! their parameters and return types, structs with their public fields (and whether they have
//! private ones), enum variants with their fields, trait items, trait impls, `pub use`
//! re-exports, and the attributes that change what users may do (`derive`, `non_exhaustive`,
//! `cfg`, `deprecated`, `repr`, `doc(hidden)`). Bodies, private items, doc comments and
//! formatting are left out, so a refactor or a doc fix passes. Macros that generate API are
//! covered too: the `pub fn`s written inside a `macro_rules!`, and every macro invocation at
//! item level with its tokens (the ID types come from one).
//!
//! The listing is conservative: a `pub` item of a private module counts even when it is not
//! re-exported. It does not judge whether a change is breaking (cargo-semver-checks does, but
//! it builds rustdoc JSON of both revisions and takes a long `cargo install`); it asks that
//! every change be written down, and the changelog entry says whether it breaks.
//!
//! `cargo xtask api-changes --list` prints the listing of the working tree.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Attribute, Fields, ImplItem, Item, TraitItem, Visibility};

use crate::codegen::workspace_root;

/// The changelog, relative to the workspace root.
pub const CHANGELOG: &str = "CHANGELOG.md";

/// Where the public API is read from.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// Every `.rs` file under this folder.
    Dir(&'static str),
    /// One file, every item.
    File(&'static str),
    /// One file, only the items of this inline module.
    Module(&'static str, &'static str),
}

/// The SDK's sources, and the low-level crate's files the SDK re-exports from. Its generated
/// client (`generated.rs` outside `types`) and `hooks.rs` are left out: the SDK does not expose
/// them, and their changes follow the spec.
const SOURCES: &[Source] = &[
    Source::Dir("crates/vitable-connect/src"),
    Source::Module("crates/vitable-connect-api/src/generated.rs", "types"),
    Source::File("crates/vitable-connect-api/src/generated_enums.rs"),
    Source::File("crates/vitable-connect-api/src/generated_spec.rs"),
    Source::File("crates/vitable-connect-api/src/ids.rs"),
    Source::File("crates/vitable-connect-api/src/spec.rs"),
    Source::File("crates/vitable-connect-api/src/ssn.rs"),
    Source::File("crates/vitable-connect-api/src/unrecognized.rs"),
];

/// `cargo xtask api-changes [--base <rev>]`.
pub fn run(args: &[&str]) -> Result<(), String> {
    let root = workspace_root();
    let current =
        || listing(|path| Ok(std::fs::read_to_string(root.join(path)).ok()), |dir| Ok(files_in(&root, dir)));
    let base = match args {
        [] => "HEAD~1",
        ["--base", rev] => rev,
        ["--list"] => {
            current()?.iter().for_each(|line| println!("{line}"));
            return Ok(());
        }
        _ => return Err("usage: cargo xtask api-changes [--base <rev> | --list]".into()),
    };
    let git = Git { root: &root };
    if !git.has_commit(base) {
        println!(
            "api-changes: skipped: `{base}` is not in this clone (no history, e.g. a shallow clone), so there is nothing to compare with"
        );
        return Ok(());
    }
    let old = listing(|path| git.file_at(base, path), |dir| git.files_at(base, dir))?;
    let new = current()?;
    let old_changelog = git.file_at(base, CHANGELOG)?.unwrap_or_default();
    let new_changelog =
        std::fs::read_to_string(root.join(CHANGELOG)).map_err(|e| format!("cannot read {CHANGELOG}: {e}"))?;
    match verdict(&old, &new, &old_changelog, &new_changelog)? {
        Verdict::Unchanged => {
            println!("api-changes: the public API is the same as at `{base}`");
            Ok(())
        }
        Verdict::Recorded(changes) => {
            println!(
                "api-changes: the public API changed since `{base}` ({}), and {CHANGELOG}'s [Unreleased] section did too:\n{}",
                lines(changes.len()),
                show(&changes)
            );
            Ok(())
        }
        Verdict::Unrecorded(changes) => Err(format!(
            "the public API of vitable-connect changed since `{base}` ({}) but {CHANGELOG}'s [Unreleased] section did not: add an entry saying what changed (and **Breaking** when it is):\n{}",
            lines(changes.len()),
            show(&changes)
        )),
    }
}

/// The outcome of a comparison.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// The public API is the same.
    Unchanged,
    /// It changed, and so did the changelog's `[Unreleased]` section.
    Recorded(Vec<Change>),
    /// It changed, and the changelog's `[Unreleased]` section did not.
    Unrecorded(Vec<Change>),
}

/// One line of the listing, removed or added.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// In the old listing only.
    Removed(String),
    /// In the new listing only.
    Added(String),
}

/// Compares two listings and two changelogs.
pub fn verdict(
    old: &BTreeSet<String>,
    new: &BTreeSet<String>,
    old_changelog: &str,
    new_changelog: &str,
) -> Result<Verdict, String> {
    let new_unreleased =
        unreleased(new_changelog).ok_or_else(|| format!("{CHANGELOG} has no `## [Unreleased]` section"))?;
    let mut changes: Vec<Change> = old.difference(new).map(|l| Change::Removed(l.clone())).collect();
    changes.extend(new.difference(old).map(|l| Change::Added(l.clone())));
    if changes.is_empty() {
        return Ok(Verdict::Unchanged);
    }
    let recorded = unreleased(old_changelog).map(str::trim) != Some(new_unreleased.trim());
    Ok(if recorded { Verdict::Recorded(changes) } else { Verdict::Unrecorded(changes) })
}

/// The body of the changelog's `## [Unreleased]` section: up to the next `## ` heading.
pub fn unreleased(changelog: &str) -> Option<&str> {
    let start = changelog
        .find("\n## [Unreleased]")
        .map(|i| i + 1)
        .or_else(|| changelog.starts_with("## [Unreleased]").then_some(0))?;
    let body = &changelog[start..];
    let body = &body[body.find('\n').map_or(body.len(), |i| i + 1)..];
    let end = body.find("\n## ").map_or(body.len(), |i| i + 1);
    Some(&body[..end])
}

fn lines(n: usize) -> String {
    if n == 1 { "1 line".into() } else { format!("{n} lines") }
}

fn show(changes: &[Change]) -> String {
    const SHOWN: usize = 40;
    let mut out: String = changes
        .iter()
        .take(SHOWN)
        .map(|c| match c {
            Change::Removed(l) => format!("  - {l}\n"),
            Change::Added(l) => format!("  + {l}\n"),
        })
        .collect();
    if changes.len() > SHOWN {
        out.push_str(&format!("  ... and {} more\n", changes.len() - SHOWN));
    }
    out
}

/// The public API of [`SOURCES`], read through `read` (a file's text, `None` when it does not
/// exist) and `list` (the `.rs` files under a folder, recursively).
/// The public-API listing of the working tree at `root` (a checkout or a copy of the workspace).
pub fn listing_of(root: &Path) -> Result<BTreeSet<String>, String> {
    listing(|path| Ok(std::fs::read_to_string(root.join(path)).ok()), |dir| Ok(files_in(root, dir)))
}

/// The lines of `old` that `new` removed or changed: an item gone, or its signature, fields or
/// attributes different. Empty when the change only adds; marking an item `#[deprecated]`
/// breaks nothing either.
pub fn breaking_changes(old: &BTreeSet<String>, new: &BTreeSet<String>) -> Vec<String> {
    let kept: BTreeSet<String> = new.iter().map(|line| without_deprecated(line)).collect();
    old.iter().filter(|line| !kept.contains(&without_deprecated(line))).cloned().collect()
}

/// `line` without its `# [deprecated ..]` attributes (as `syn` prints them).
fn without_deprecated(line: &str) -> String {
    let mut out = line.to_owned();
    while let Some(start) = out.find("# [deprecated") {
        let mut depth = 0;
        let mut end = out.len();
        for (i, c) in out[start..].char_indices() {
            match c {
                '[' => depth += 1,
                ']' => {
                    depth -= 1;
                    if depth == 0 {
                        end = start + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.replace_range(start..end, "");
        out = out.replacen("  ", " ", 1);
    }
    out
}

fn listing(
    read: impl Fn(&str) -> Result<Option<String>, String>,
    list: impl Fn(&str) -> Result<Vec<String>, String>,
) -> Result<BTreeSet<String>, String> {
    let mut out = BTreeSet::new();
    for source in SOURCES {
        let (files, module) = match *source {
            Source::Dir(dir) => (list(dir)?, None),
            Source::File(file) => (vec![file.to_owned()], None),
            Source::Module(file, module) => (vec![file.to_owned()], Some(module)),
        };
        for file in files {
            let Some(text) = read(&file)? else { continue };
            out.extend(api_of_file(&file, &text, module)?);
        }
    }
    Ok(out)
}

/// The `.rs` files under `dir` (relative to `root`), as paths relative to `root`.
fn files_in(root: &Path, dir: &str) -> Vec<String> {
    let mut files = Vec::new();
    let mut stack = vec![root.join(dir)];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && let Ok(relative) = path.strip_prefix(root)
            {
                files.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files.sort();
    files
}

struct Git<'a> {
    root: &'a Path,
}

impl Git<'_> {
    fn output(&self, args: &[&str]) -> Result<std::process::Output, String> {
        Command::new("git")
            .arg("-C")
            .arg(self.root)
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))
    }

    fn has_commit(&self, rev: &str) -> bool {
        self.output(&["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])
            .is_ok_and(|o| o.status.success())
    }

    fn file_at(&self, rev: &str, path: &str) -> Result<Option<String>, String> {
        let out = self.output(&["show", &format!("{rev}:{path}")])?;
        if !out.status.success() {
            return Ok(None);
        }
        String::from_utf8(out.stdout).map(Some).map_err(|_| format!("{path} at {rev} is not UTF-8"))
    }

    fn files_at(&self, rev: &str, dir: &str) -> Result<Vec<String>, String> {
        let out = self.output(&["ls-tree", "-r", "--name-only", rev, "--", dir])?;
        if !out.status.success() {
            return Err(format!("git ls-tree {rev} {dir}: {}", String::from_utf8_lossy(&out.stderr)));
        }
        Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.ends_with(".rs"))
            .map(str::to_owned)
            .collect())
    }
}

/// The public API lines of one file (of its inline `module` only, when given).
pub fn api_of_file(path: &str, text: &str, module: Option<&str>) -> Result<BTreeSet<String>, String> {
    let file = syn::parse_file(text).map_err(|e| format!("{path} does not parse: {e}"))?;
    let mut out = BTreeSet::new();
    match module {
        None => walk(&file.items, path, &mut out),
        Some(name) => {
            for item in &file.items {
                if let Item::Mod(m) = item
                    && m.ident == name
                    && let Some((_, items)) = &m.content
                {
                    walk(items, &format!("{path}::{name}"), &mut out);
                }
            }
        }
    }
    Ok(out)
}

fn tokens(t: &impl ToTokens) -> String {
    strip_docs(t.to_token_stream()).to_string()
}

/// `tokens` without doc attributes (`#[doc = ".."]`, which `///` comments become).
fn strip_docs(tokens: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some(tree) = iter.next() {
        match tree {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                let is_doc = match iter.peek() {
                    Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => {
                        matches!(g.stream().into_iter().next(), Some(TokenTree::Ident(i)) if i == "doc")
                            && !g.stream().to_string().contains("hidden")
                    }
                    _ => false,
                };
                if is_doc {
                    iter.next();
                } else {
                    out.push(TokenTree::Punct(p));
                }
            }
            TokenTree::Group(g) => {
                let mut group = proc_macro2::Group::new(g.delimiter(), strip_docs(g.stream()));
                group.set_span(g.span());
                out.push(TokenTree::Group(group));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

/// The attributes that change what users of an item may do, as text (empty when none).
fn kept_attrs(attrs: &[Attribute]) -> String {
    let mut out = String::new();
    for attr in attrs {
        let path = attr.path();
        let keep = ["derive", "non_exhaustive", "cfg", "deprecated", "repr", "macro_export"]
            .iter()
            .any(|name| path.is_ident(name))
            || (path.is_ident("doc") && attr.to_token_stream().to_string().contains("hidden"));
        if keep {
            out.push_str(&attr.to_token_stream().to_string());
            out.push(' ');
        }
    }
    out
}

/// Test-only items are not API.
fn test_only(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && {
            let text = a.to_token_stream().to_string();
            text.contains("cfg (test)") || text.contains("cfg (doctest)")
        }
    })
}

fn public(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn walk(items: &[Item], at: &str, out: &mut BTreeSet<String>) {
    let line = |out: &mut BTreeSet<String>, text: String| {
        out.insert(format!("{at}: {text}"));
    };
    for item in items {
        match item {
            Item::Const(c) if public(&c.vis) && !test_only(&c.attrs) => {
                line(out, format!("{}const {}: {}", kept_attrs(&c.attrs), c.ident, tokens(&c.ty)));
            }
            Item::Static(s) if public(&s.vis) && !test_only(&s.attrs) => {
                line(out, format!("{}static {}: {}", kept_attrs(&s.attrs), s.ident, tokens(&s.ty)));
            }
            Item::Fn(f) if public(&f.vis) && !test_only(&f.attrs) => {
                line(out, format!("{}{}", kept_attrs(&f.attrs), tokens(&f.sig)));
            }
            Item::Type(t) if public(&t.vis) && !test_only(&t.attrs) => {
                line(
                    out,
                    format!(
                        "{}type {}{} = {}",
                        kept_attrs(&t.attrs),
                        t.ident,
                        tokens(&t.generics),
                        tokens(&t.ty)
                    ),
                );
            }
            Item::Use(u) if public(&u.vis) && !test_only(&u.attrs) => {
                line(out, format!("{}use {}", kept_attrs(&u.attrs), tokens(&u.tree)));
            }
            Item::Struct(s) if public(&s.vis) && !test_only(&s.attrs) => {
                let name = format!("{}{}", s.ident, tokens(&s.generics));
                let private = s.fields.iter().filter(|f| !public(&f.vis)).count();
                let shape = match &s.fields {
                    Fields::Named(_) => "{ .. }",
                    Fields::Unnamed(_) => "( .. )",
                    Fields::Unit => ";",
                };
                let where_clause = s.generics.where_clause.as_ref().map(tokens).unwrap_or_default();
                let private = if private > 0 { " with private fields" } else { "" };
                line(out, format!("{}struct {name} {where_clause}{shape}{private}", kept_attrs(&s.attrs)));
                for (i, field) in s.fields.iter().enumerate().filter(|(_, f)| public(&f.vis)) {
                    let field_name = field.ident.as_ref().map_or(i.to_string(), ToString::to_string);
                    line(
                        out,
                        format!("{name}.{field_name}: {}{}", kept_attrs(&field.attrs), tokens(&field.ty)),
                    );
                }
            }
            Item::Enum(e) if public(&e.vis) && !test_only(&e.attrs) => {
                let name = format!("{}{}", e.ident, tokens(&e.generics));
                line(out, format!("{}enum {name}", kept_attrs(&e.attrs)));
                for variant in &e.variants {
                    line(
                        out,
                        format!(
                            "{name}::{}{}{}",
                            kept_attrs(&variant.attrs),
                            variant.ident,
                            tokens(&variant.fields)
                        ),
                    );
                }
            }
            Item::Trait(t) if public(&t.vis) && !test_only(&t.attrs) => {
                let name = format!("{}{}", t.ident, tokens(&t.generics));
                let supertraits = t.supertraits.iter().map(tokens).collect::<Vec<_>>().join(" + ");
                let sealed = if t.unsafety.is_some() { "unsafe " } else { "" };
                line(out, format!("{}{sealed}trait {name}: {supertraits}", kept_attrs(&t.attrs)));
                for item in &t.items {
                    let text = match item {
                        TraitItem::Fn(f) => format!("{}{}", kept_attrs(&f.attrs), tokens(&f.sig)),
                        TraitItem::Const(c) => {
                            format!("{}const {}: {}", kept_attrs(&c.attrs), c.ident, tokens(&c.ty))
                        }
                        TraitItem::Type(ty) => {
                            format!(
                                "{}type {}{}: {}",
                                kept_attrs(&ty.attrs),
                                ty.ident,
                                tokens(&ty.generics),
                                tokens(&ty.bounds)
                            )
                        }
                        other => tokens(other),
                    };
                    line(out, format!("{name}: {text}"));
                }
            }
            Item::Impl(i) if !test_only(&i.attrs) => {
                let self_ty = tokens(&i.self_ty);
                let generics = tokens(&i.generics);
                match &i.trait_ {
                    Some((path, _)) => {
                        line(
                            out,
                            format!("{}impl{generics} {} for {self_ty}", kept_attrs(&i.attrs), tokens(path)),
                        );
                    }
                    None => {
                        for item in &i.items {
                            let text = match item {
                                ImplItem::Fn(f) if public(&f.vis) && !test_only(&f.attrs) => {
                                    format!("{}{}", kept_attrs(&f.attrs), tokens(&f.sig))
                                }
                                ImplItem::Const(c) if public(&c.vis) && !test_only(&c.attrs) => {
                                    format!("{}const {}: {}", kept_attrs(&c.attrs), c.ident, tokens(&c.ty))
                                }
                                ImplItem::Type(t) if public(&t.vis) => {
                                    format!("type {} = {}", t.ident, tokens(&t.ty))
                                }
                                ImplItem::Macro(m) => {
                                    format!("{}!{}", tokens(&m.mac.path), tokens(&m.mac.tokens))
                                }
                                _ => continue,
                            };
                            line(out, format!("impl{generics} {self_ty}: {text}"));
                        }
                    }
                }
            }
            Item::Mod(m) if !test_only(&m.attrs) => {
                if public(&m.vis) {
                    line(out, format!("{}mod {}", kept_attrs(&m.attrs), m.ident));
                }
                if let Some((_, items)) = &m.content {
                    walk(items, &format!("{at}::{}", m.ident), out);
                }
            }
            Item::Macro(m) if !test_only(&m.attrs) => {
                let name = m.ident.as_ref().map(ToString::to_string);
                match name {
                    // A `macro_rules!` definition: the API it writes (its `pub fn`s), and the
                    // macro itself when exported.
                    Some(name) => {
                        if kept_attrs(&m.attrs).contains("macro_export") {
                            line(out, format!("macro_rules! {name}"));
                        }
                        for signature in pub_fns(m.mac.tokens.clone()) {
                            line(out, format!("macro_rules! {name} writes {signature}"));
                        }
                    }
                    // An invocation: what it is given.
                    None => line(out, format!("{}!{}", tokens(&m.mac.path), tokens(&m.mac.tokens))),
                }
            }
            _ => {}
        }
    }
}

/// The signatures of the `pub fn`s written in a macro's tokens: `pub fn name ... ` up to the
/// body, at any depth.
fn pub_fns(tokens: TokenStream) -> Vec<String> {
    let trees: Vec<TokenTree> = strip_docs(tokens).into_iter().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < trees.len() {
        if let TokenTree::Group(g) = &trees[i] {
            found.extend(pub_fns(g.stream()));
        }
        let is_pub_fn = matches!(&trees[i], TokenTree::Ident(p) if p == "pub")
            && matches!(trees.get(i + 1), Some(TokenTree::Ident(f)) if f == "fn");
        if is_pub_fn {
            let end = trees[i..]
                .iter()
                .position(|t| matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace))
                .map_or(trees.len(), |p| i + p);
            let signature: TokenStream = trees[i..end].iter().cloned().collect();
            found.push(signature.to_string());
            i = end + 1;
            continue;
        }
        i += 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(text: &str) -> BTreeSet<String> {
        api_of_file("lib.rs", text, None)
            .unwrap()
            .into_iter()
            .map(|l| l["lib.rs: ".len()..].to_owned())
            .collect()
    }

    const BEFORE: &str = r#"
        /// A client.
        #[derive(Clone)]
        pub struct Client { inner: u8, pub name: String }
        impl Client {
            /// Makes one.
            pub fn new(name: &str) -> Self { Self { inner: 0, name: name.into() } }
            fn helper(&self) {}
        }
        impl std::fmt::Debug for Client { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { Ok(()) } }
        #[non_exhaustive]
        pub enum Kind { A, B(u8) }
        pub(crate) fn internal() {}
        fn private() {}
        pub use other::Thing;
        pub mod nested { pub const LIMIT: u32 = 3; }
        #[cfg(test)]
        mod tests { pub fn test_helper() {} }
        macro_rules! setters { ($t:ty) => { impl $t { /// Sets it.
            pub fn timeout(mut self, d: Duration) -> Self { self } } } }
        setters!(Builder);
    "#;

    #[test]
    fn lists_public_items_with_their_signatures() {
        let listed = api(BEFORE);
        for expected in [
            "# [derive (Clone)] struct Client { .. } with private fields",
            "Client.name: String",
            "impl Client: fn new (name : & str) -> Self",
            "impl std :: fmt :: Debug for Client",
            "# [non_exhaustive] enum Kind",
            "Kind::A",
            "Kind::B(u8)",
            "use other :: Thing",
            "mod nested",
            "macro_rules! setters writes pub fn timeout (mut self , d : Duration) -> Self",
            "setters!Builder",
        ] {
            assert!(listed.contains(expected), "{expected:?} not in {listed:#?}");
        }
        // Items of an inline module carry its path.
        assert!(listed.contains("nested: const LIMIT: u32"), "{listed:#?}");
        for absent in ["helper", "internal", "fn private", "test_helper", "inner", "Makes one", "Sets it"] {
            assert!(!listed.iter().any(|l| l.contains(absent)), "{absent:?} listed: {listed:#?}");
        }
    }

    #[test]
    fn docs_bodies_private_items_and_formatting_are_not_api() {
        let refactored = BEFORE
            .replace("/// A client.", "/// A client of the API, documented better.")
            .replace("Self { inner: 0, name: name.into() }", "Self {\n inner: 1,\n name: name.to_owned() }")
            .replace("fn helper(&self) {}", "fn helper(&self) -> u8 { 2 }\n fn more() {}")
            .replace("/// Sets it.", "/// Sets the timeout.")
            .replace("pub fn new(name: &str)", "pub  fn  new( name : &str )");
        assert_eq!(api(BEFORE), api(&refactored));
    }

    #[test]
    fn each_kind_of_api_change_is_seen() {
        let before = api(BEFORE);
        for (what, from, to) in [
            ("a parameter type", "pub fn new(name: &str)", "pub fn new(name: String)"),
            ("a new method", "fn helper(&self) {}", "pub fn helper(&self) {}"),
            ("a removed derive", "#[derive(Clone)]", ""),
            ("non_exhaustive", "#[non_exhaustive]\n", ""),
            ("a variant", "B(u8) }", "B(u8), C }"),
            ("a public field", "inner: u8,", "pub inner: u8,"),
            ("a trait impl", "impl std::fmt::Debug for Client", "impl std::fmt::Display for Client"),
            ("a re-export", "pub use other::Thing;", "pub use other::{Thing, Other};"),
            (
                "a setter a macro writes",
                "pub fn timeout(mut self, d: Duration)",
                "pub fn timeout(mut self, d: u64)",
            ),
            ("a macro invocation", "setters!(Builder);", "setters!(Builder);\nsetters!(Other);"),
            ("a constant's type", "pub const LIMIT: u32", "pub const LIMIT: u64"),
            ("a feature gate", "pub use other::Thing;", "#[cfg(feature = \"x\")]\npub use other::Thing;"),
        ] {
            let changed = BEFORE.replacen(from, to, 1);
            assert_ne!(changed, BEFORE, "{what}: the edit must apply");
            assert_ne!(api(&changed), before, "{what} is not seen");
        }
    }

    #[test]
    fn only_the_named_inline_module_is_listed() {
        let text = "pub struct Client; pub mod types { pub struct Employee { pub id: u8 } }";
        let listed = api_of_file("generated.rs", text, Some("types")).unwrap();
        assert_eq!(
            listed.into_iter().collect::<Vec<_>>(),
            ["generated.rs::types: Employee.id: u8", "generated.rs::types: struct Employee { .. }"]
        );
    }

    #[test]
    fn removals_and_changes_break_additions_and_deprecations_do_not() {
        let old: BTreeSet<String> =
            ["a: fn x (self)", "a: fn y (self)", "a: fn z (self)"].map(String::from).into();
        let new: BTreeSet<String> =
            ["a: # [deprecated (note = \"use w\")] fn x (self)", "a: fn y (self , n : u8)", "a: fn w (self)"]
                .map(String::from)
                .into();
        assert_eq!(breaking_changes(&old, &new), ["a: fn y (self)", "a: fn z (self)"]);
        assert!(breaking_changes(&old, &old).is_empty());
    }

    const CHANGELOG_TEXT: &str = "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n### Added\n- One thing.\n\n## [0.1.0] - 2026-01-01\n\n- Old.\n";

    #[test]
    fn the_unreleased_section_is_found() {
        assert_eq!(unreleased(CHANGELOG_TEXT), Some("\n### Added\n- One thing.\n\n"));
        assert_eq!(unreleased("## [Unreleased]\n- a\n"), Some("- a\n"));
        assert_eq!(unreleased("# Changelog\n\n## [0.1.0]\n"), None);
    }

    #[test]
    fn an_api_change_needs_an_unreleased_entry() {
        let old: BTreeSet<String> = ["a: fn f ()".to_owned()].into();
        let new: BTreeSet<String> = ["a: fn f (x : u8)".to_owned()].into();
        let changes = vec![Change::Removed("a: fn f ()".into()), Change::Added("a: fn f (x : u8)".into())];
        // No API change: the changelog does not matter.
        assert_eq!(verdict(&old, &old, CHANGELOG_TEXT, CHANGELOG_TEXT).unwrap(), Verdict::Unchanged);
        // A change without an entry fails; an edit elsewhere in the changelog does not count.
        assert_eq!(
            verdict(&old, &new, CHANGELOG_TEXT, CHANGELOG_TEXT).unwrap(),
            Verdict::Unrecorded(changes)
        );
        let elsewhere = CHANGELOG_TEXT.replace("- Old.", "- Old, reworded.");
        assert!(matches!(verdict(&old, &new, CHANGELOG_TEXT, &elsewhere).unwrap(), Verdict::Unrecorded(_)));
        // With an entry it passes, also when the previous commit had no changelog at all.
        let entry = CHANGELOG_TEXT.replace("- One thing.", "- One thing.\n- `f` takes `x`.");
        assert!(matches!(verdict(&old, &new, CHANGELOG_TEXT, &entry).unwrap(), Verdict::Recorded(_)));
        assert!(matches!(verdict(&old, &new, "", CHANGELOG_TEXT).unwrap(), Verdict::Recorded(_)));
        // The changelog must keep its Unreleased section.
        assert!(verdict(&old, &new, CHANGELOG_TEXT, "# Changelog\n").unwrap_err().contains("[Unreleased]"));
    }

    #[test]
    fn the_workspace_listing_covers_the_sdk_and_the_reexported_types() {
        let root = workspace_root();
        let listed =
            listing(|path| Ok(std::fs::read_to_string(root.join(path)).ok()), |dir| Ok(files_in(&root, dir)))
                .unwrap();
        for needle in [
            "crates/vitable-connect/src/client.rs: impl ClientBuilder: fn timeout",
            "crates/vitable-connect/src/generated_builders.rs",
            "crates/vitable-connect-api/src/generated.rs::types: ",
            "crates/vitable-connect-api/src/generated_enums.rs: ",
            "crates/vitable-connect-api/src/ids.rs: id_types!",
        ] {
            assert!(listed.iter().any(|l| l.starts_with(needle)), "nothing listed starts with {needle:?}");
        }
        assert!(
            !listed.iter().any(|l| l.contains("generated.rs: ")),
            "progenitor's client is not the SDK's API"
        );
    }

    #[test]
    fn a_missing_revision_is_reported_as_missing() {
        let root = workspace_root();
        assert!(!Git { root: &root }.has_commit("no-such-revision-0123456789"));
    }
}
