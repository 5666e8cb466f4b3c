//! `cargo xtask api-changes [--base <rev>]`: fails when the SDK's public API changed since
//! `<rev>` (default: the commit in `xtask/api-baseline`, the last release) and the text the
//! `[Unreleased]` section of `CHANGELOG.md` gained since then does not name each changed item
//! (an identifier of its line: the type, field, method or function), or a line was removed or
//! changed and that text does not say **Breaking**.
//!
//! Comparing with a fixed baseline, not the previous commit, leaves no way round it: an API
//! change in one commit and a changelog edit in the next still have to match, whatever the
//! commits of a push. In a shallow clone the history is fetched first; without its base the
//! check fails.
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
//! re-exported. A line removed or changed is breaking (an item gone, its signature, fields or
//! attributes different; marking it `#[deprecated]` excepted); lines only added are not.
//! cargo-semver-checks judges breakage more finely, from rustdoc JSON of both revisions, but
//! it costs a long install (see BENCHMARKS.md, "CI cost of cargo-semver-checks") and covers
//! neither the macro-made items nor the changelog, which this check is for.
//!
//! `cargo xtask api-changes --list` prints the listing of the working tree.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Attribute, Fields, ImplItem, Item, TraitItem, Visibility};

use crate::workspace;

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

/// The file naming the commit the check compares with by default, relative to the workspace
/// root: the last release, or the commit the check started from before the first one.
pub const BASELINE: &str = "xtask/api-baseline";

/// `cargo xtask api-changes [--base <rev> | --list]`.
pub fn run(args: &[&str]) -> Result<(), String> {
    let root = workspace::root();
    let base = match args {
        [] => None,
        ["--base", rev] => Some(*rev),
        ["--list"] => {
            listing_of(&root)?.iter().for_each(|line| println!("{line}"));
            return Ok(());
        }
        _ => return Err("usage: cargo xtask api-changes [--base <rev> | --list]".into()),
    };
    println!("{}", check(&root, base)?);
    Ok(())
}

/// The commit written in [`BASELINE`] (its first line that is not a comment).
fn baseline(root: &Path) -> Result<String, String> {
    let text =
        std::fs::read_to_string(root.join(BASELINE)).map_err(|e| format!("cannot read {BASELINE}: {e}"))?;
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .ok_or_else(|| format!("{BASELINE} names no commit"))
}

/// Compares the working tree at `root` with `base` (default: the [`BASELINE`] commit): every
/// public API change since then must be named in what `[Unreleased]` gained since then, and
/// marked **Breaking** when it breaks. Returns what it found, or why it fails. A clone without
/// the base commit (a shallow one) is deepened first; a check that cannot run fails.
pub fn check(root: &Path, base: Option<&str>) -> Result<String, String> {
    let base = match base {
        Some(base) => base.to_owned(),
        None => baseline(root)?,
    };
    let git = Git { root };
    git.ensure_commit(&base)?;
    let old = listing(|path| git.file_at(&base, path), |dir| git.files_at(&base, dir))?;
    let new = listing_of(root)?;
    let old_changelog = git.file_at(&base, CHANGELOG)?.unwrap_or_default();
    let new_changelog =
        std::fs::read_to_string(root.join(CHANGELOG)).map_err(|e| format!("cannot read {CHANGELOG}: {e}"))?;
    match verdict(&old, &new, &old_changelog, &new_changelog)? {
        Verdict::Unchanged => Ok(format!("api-changes: the public API is the same as at `{base}`")),
        Verdict::Recorded(changes) => Ok(format!(
            "api-changes: the public API changed since `{base}` ({}), and {CHANGELOG}'s [Unreleased] section names each change:\n{}",
            lines(changes.len()),
            show(&changes)
        )),
        Verdict::Unrecorded(changes) => Err(format!(
            "the public API of vitable-connect changed since `{base}`, and {CHANGELOG}'s [Unreleased] section does not name these changes ({}): add an entry naming each changed item (and **Breaking** when it breaks):\n{}",
            lines(changes.len()),
            show(&changes)
        )),
        Verdict::UnmarkedBreaking(breaking) => Err(format!(
            "the public API of vitable-connect changed since `{base}` in a breaking way, and {CHANGELOG}'s [Unreleased] section does not say **Breaking**: mark the entry. Removed or changed:\n{}",
            breaking.iter().take(40).map(|l| format!("  - {l}\n")).collect::<String>()
        )),
    }
}

/// The outcome of a comparison.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// The public API is the same.
    Unchanged,
    /// It changed, and `[Unreleased]` gained an entry naming every change (marked **Breaking**
    /// when one breaks).
    Recorded(Vec<Change>),
    /// These changes are not named by anything `[Unreleased]` gained.
    Unrecorded(Vec<Change>),
    /// Every change is named, but these lines were removed or changed and no added entry
    /// says **Breaking**.
    UnmarkedBreaking(Vec<String>),
}

/// One line of the listing, removed or added.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// In the old listing only.
    Removed(String),
    /// In the new listing only.
    Added(String),
}

impl Change {
    fn line(&self) -> &str {
        match self {
            Change::Removed(line) | Change::Added(line) => line,
        }
    }
}

/// Compares two listings and two changelogs: each change must be named (one of its
/// [`names`]) in the text `[Unreleased]` gained, which must say **Breaking** when a line was
/// removed or changed ([`breaking_changes`]).
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
    let added = added_text(unreleased(old_changelog).unwrap_or(""), new_unreleased);
    let words = identifiers(&added);
    let (named, unnamed): (Vec<Change>, Vec<Change>) =
        changes.into_iter().partition(|change| names(change.line()).iter().any(|n| words.contains(n)));
    if !unnamed.is_empty() {
        return Ok(Verdict::Unrecorded(unnamed));
    }
    let breaking = breaking_changes(old, new);
    if !breaking.is_empty() && !added.contains("**Breaking**") {
        return Ok(Verdict::UnmarkedBreaking(breaking));
    }
    Ok(Verdict::Recorded(named))
}

/// The lines of `new` that `old` does not have (each line counted as often as it occurs).
fn added_text(old: &str, new: &str) -> String {
    let mut old_lines: Vec<&str> = old.lines().map(str::trim).collect();
    let mut added = String::new();
    for line in new.lines() {
        match old_lines.iter().position(|l| *l == line.trim()) {
            Some(at) => {
                old_lines.swap_remove(at);
            }
            None => {
                added.push_str(line);
                added.push('\n');
            }
        }
    }
    added
}

/// The identifiers of `text` (runs of letters, digits and `_`).
fn identifiers(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Words of a listing line that are Rust syntax or its own wording, not names of the API.
const NOT_NAMES: &[&str] = &[
    "as",
    "async",
    "const",
    "crate",
    "derive",
    "doc",
    "dyn",
    "enum",
    "fields",
    "fn",
    "for",
    "hidden",
    "impl",
    "in",
    "mod",
    "mut",
    "non_exhaustive",
    "private",
    "pub",
    "ref",
    "repr",
    "self",
    "Self",
    "static",
    "struct",
    "super",
    "trait",
    "type",
    "unsafe",
    "use",
    "where",
    "with",
    "cfg",
    "deprecated",
    "note",
];

/// The names a changelog entry can use for the item of a listing line: the identifiers of the
/// line's item (`Type.field`, `impl Type: fn method`, `struct Name`, a macro's tokens), without
/// its file, attributes or signature.
pub fn names(line: &str) -> BTreeSet<String> {
    // `path/to/file.rs[::module]: item`
    let item = line.split_once(".rs").map_or(line, |(_, rest)| rest);
    let item = item.split_once(": ").map_or(item, |(_, rest)| rest);
    let mut item = without_attributes(item);
    if let Some(at) = item.find('(') {
        item.truncate(at);
    }
    // `Type.field: T`: the type is not the item (`::` in a path is not a `: `).
    let colon = item.match_indices(": ").map(|(at, _)| at).find(|&at| !item[..at].ends_with(':'));
    let is_impl = item.starts_with("impl ") || item.starts_with("impl<");
    if !is_impl && let Some(at) = colon {
        item.truncate(at);
    }
    let mut names: BTreeSet<String> = identifiers(&item)
        .into_iter()
        .filter(|w| !NOT_NAMES.contains(&w.as_str()) && !w.starts_with(char::is_numeric))
        .collect();
    // A trait an item derives names the change of that derive (`JsonSchema` behind a feature),
    // except the everyday ones, which would name almost every line.
    names.extend(derived_traits(line).into_iter().filter(|t| !COMMON_DERIVES.contains(&t.as_str())));
    names
}

/// Traits derived by so many items that naming one names nothing in particular.
const COMMON_DERIVES: &[&str] = &[
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Deserialize",
    "Eq",
    "Hash",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Serialize",
];

/// The last segment of each path in the `# [derive (..)]` attributes of `line` (also inside a
/// `cfg_attr`).
fn derived_traits(line: &str) -> Vec<String> {
    let mut traits = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("derive (") {
        let inside = &rest[at + "derive (".len()..];
        let end = inside.find(')').unwrap_or(inside.len());
        for path in inside[..end].split(',') {
            // The last identifier of the path (`schemars :: JsonSchema`, however it is spaced).
            let mut words = path.split(|c: char| !(c.is_alphanumeric() || c == '_'));
            if let Some(name) = words.rfind(|w| !w.is_empty()) {
                traits.push(name.to_owned());
            }
        }
        rest = &inside[end..];
    }
    traits
}

/// `line` without its `# [..]` attributes (as `syn` prints them).
fn without_attributes(line: &str) -> String {
    without_attributes_starting(line, "# [")
}

/// `line` without its `# [deprecated ..]` attributes.
fn without_deprecated(line: &str) -> String {
    without_attributes_starting(line, "# [deprecated")
}

/// `line` without the attributes that start with `prefix` (`# [deprecated`), and the space
/// each leaves.
fn without_attributes_starting(line: &str, prefix: &str) -> String {
    let mut out = line.to_owned();
    while let Some(start) = out.find(prefix) {
        out.replace_range(start..bracket_end(&out, start), "");
        out = out.replacen("  ", " ", 1);
    }
    out.trim_start().to_owned()
}

/// An item as the listing compares it: lint attributes (`# [allow (..)]`) left out, every path
/// shortened to its last segment (`& crate :: ids :: MemberId` is `& MemberId`: the SDK
/// re-exports its types, so where code names them from is not part of the API), and no
/// trailing comma before a closing bracket.
fn normalized(item: &str) -> String {
    let mut out = without_attributes_starting(item, "# [allow");
    if out.starts_with("use ") || out.contains(" use ") {
        // A re-export: its path is what it exports.
        return out;
    }
    let tokens: Vec<&str> = out.split(' ').collect();
    let mut kept: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        // `a :: b :: C` → `C`; a leading `::` goes too.
        let ident = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '#');
        if ident(tokens[i]) && tokens.get(i + 1) == Some(&"::") {
            i += 2;
            continue;
        }
        if tokens[i] == "::" {
            i += 1;
            continue;
        }
        // A trailing comma (`, >`, `,)`): how the code was formatted, not the API.
        let closes = |t: &str| t.starts_with([')', '>', ']', '}']);
        if tokens[i] == "," && tokens.get(i + 1).is_some_and(|t| closes(t)) {
            i += 1;
            continue;
        }
        if let Some(rest) = tokens[i].strip_prefix(',').filter(|rest| closes(rest)) {
            match kept.last_mut() {
                Some(last) => last.push_str(rest),
                None => kept.push(rest.to_owned()),
            }
            i += 1;
            continue;
        }
        kept.push(tokens[i].to_owned());
        i += 1;
    }
    out = kept.join(" ");
    out
}

/// Where the public items of `file` are reached from, for the listing: `file` itself, except
/// in the SDK crate, whose files are named by their module (from `lib.rs`'s `mod` items and
/// their `#[path]`), and whose private modules' items count as the crate root's (they are
/// re-exported there). So moving code between files (a generated file replacing hand-written
/// ones, or a concern moving to its own module) changes no line.
fn place(file: &str, sdk_modules: &BTreeMap<String, String>) -> String {
    let Some(relative) = file.strip_prefix(SDK_SRC) else { return file.to_owned() };
    if let Some(module) = sdk_modules.get(relative) {
        return module.clone();
    }
    // A file of a module folder (`resources/members.rs`): the folder's module, then its name.
    match relative.rsplit_once('/') {
        Some((dir, name)) => {
            let parent = sdk_modules
                .get(&format!("{dir}/mod.rs"))
                .or_else(|| sdk_modules.get(&format!("{dir}.rs")))
                .cloned()
                .unwrap_or_else(|| format!("{SDK_CRATE}::{}", dir.replace('/', "::")));
            format!("{parent}::{}", name.trim_end_matches(".rs"))
        }
        None => SDK_CRATE.to_owned(),
    }
}

/// Where the items of each file the SDK's `lib.rs` declares are reached from: `vitable_connect::x`
/// for `pub mod x`, the crate root for a private module (the root re-exports its public items).
fn public_places(lib: &str) -> Result<BTreeMap<String, String>, String> {
    let mut places = BTreeMap::from([("lib.rs".to_owned(), SDK_CRATE.to_owned())]);
    for module in crate::workspace::declared_modules(lib)? {
        let place = match module.public {
            true => format!("{SDK_CRATE}::{}", module.name),
            false => SDK_CRATE.to_owned(),
        };
        places.insert(format!("{}/mod.rs", module.name), place.clone());
        places.insert(module.file, place);
    }
    Ok(places)
}

/// The SDK crate's source folder, and its name in paths.
const SDK_SRC: &str = "crates/vitable-connect/src/";
const SDK_CRATE: &str = "vitable_connect";

/// The end (exclusive) of the bracketed group opening at or after `start`.
fn bracket_end(text: &str, start: usize) -> usize {
    let mut depth = 0;
    for (i, c) in text[start..].char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return start + i + 1;
                }
            }
            _ => {}
        }
    }
    text.len()
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

/// The public API of [`SOURCES`], read through `read` (a file's text, `None` when it does not
/// exist) and `list` (the `.rs` files under a folder, recursively).
fn listing(
    read: impl Fn(&str) -> Result<Option<String>, String>,
    list: impl Fn(&str) -> Result<Vec<String>, String>,
) -> Result<BTreeSet<String>, String> {
    let mut out = BTreeSet::new();
    let lib = read(&format!("{SDK_SRC}lib.rs"))?.unwrap_or_default();
    let sdk_modules = public_places(&lib)?;
    for source in SOURCES {
        let (files, module) = match *source {
            Source::Dir(dir) => (list(dir)?, None),
            Source::File(file) => (vec![file.to_owned()], None),
            Source::Module(file, module) => (vec![file.to_owned()], Some(module)),
        };
        for file in files {
            let Some(text) = read(&file)? else { continue };
            let place = place(&file, &sdk_modules);
            for line in api_of_file(&file, &text, module)? {
                let item = line.strip_prefix(file.as_str()).unwrap_or(&line);
                let (inner, item) = item.split_once(": ").unwrap_or(("", item));
                out.insert(format!("{place}{inner}: {}", normalized(item)));
            }
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

    /// Makes sure `rev` is in the clone: a shallow clone is deepened to its whole history
    /// first. A check without its base cannot run, and fails rather than pass.
    fn ensure_commit(&self, rev: &str) -> Result<(), String> {
        if self.has_commit(rev) {
            return Ok(());
        }
        let shallow = self
            .output(&["rev-parse", "--is-shallow-repository"])
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "true");
        if shallow {
            let fetched = self.output(&["fetch", "--quiet", "--unshallow"])?;
            if !fetched.status.success() {
                return Err(format!(
                    "`{rev}` is not in this shallow clone, and `git fetch --unshallow` failed: {}",
                    String::from_utf8_lossy(&fetched.stderr).trim()
                ));
            }
            if self.has_commit(rev) {
                return Ok(());
            }
        }
        Err(format!(
            "`{rev}` is not in this clone{}: the public API cannot be compared with it, so the check fails",
            if shallow { " even with its whole history" } else { "" }
        ))
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

/// The names a `use` tree brings in (`a :: { b , c as d }` gives `b` and `d`), and each glob
/// with its path (`types :: *`).
fn use_leaves(tree: &syn::UseTree, path: &str) -> Vec<String> {
    match tree {
        syn::UseTree::Path(p) => use_leaves(&p.tree, &format!("{path}{} :: ", p.ident)),
        syn::UseTree::Name(n) => vec![n.ident.to_string()],
        syn::UseTree::Rename(r) => vec![r.rename.to_string()],
        syn::UseTree::Glob(_) => vec![format!("{path}*")],
        syn::UseTree::Group(g) => g.items.iter().flat_map(|t| use_leaves(t, path)).collect(),
    }
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
                    // `#[doc = ".."]` (a doc comment), not `#[doc(hidden)]`.
                    Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => {
                        let mut inner = g.stream().into_iter();
                        matches!(inner.next(), Some(TokenTree::Ident(i)) if i == "doc")
                            && matches!(inner.next(), Some(TokenTree::Punct(p)) if p.as_char() == '=')
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

/// `#[doc(hidden)]` (a doc comment mentioning "hidden" is not).
fn is_doc_hidden(attr: &Attribute) -> bool {
    match &attr.meta {
        syn::Meta::List(list) => {
            list.tokens.clone().into_iter().any(|t| matches!(t, TokenTree::Ident(i) if i == "hidden"))
        }
        _ => false,
    }
}

/// The attributes that change what users of an item may do, as text (empty when none).
fn kept_attrs(attrs: &[Attribute]) -> String {
    let mut out = String::new();
    for attr in attrs {
        let path = attr.path();
        let keep = ["derive", "cfg_attr", "non_exhaustive", "cfg", "deprecated", "repr", "macro_export"]
            .iter()
            .any(|name| path.is_ident(name))
            || (path.is_ident("doc") && is_doc_hidden(attr));
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
                // One line per name re-exported: the name is the API, not the module it comes
                // from (a glob keeps its path: it re-exports what that module has).
                for leaf in use_leaves(&u.tree, "") {
                    line(out, format!("{}use {leaf}", kept_attrs(&u.attrs)));
                }
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
            "use Thing",
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
    fn an_api_change_needs_an_unreleased_entry_naming_it() {
        let old: BTreeSet<String> = ["a.rs: fn f ()".to_owned()].into();
        let new: BTreeSet<String> = ["a.rs: fn f ()".to_owned(), "a.rs: fn g (x : u8)".to_owned()].into();
        // No API change: the changelog does not matter.
        assert_eq!(verdict(&old, &old, CHANGELOG_TEXT, CHANGELOG_TEXT).unwrap(), Verdict::Unchanged);
        // A change without an entry fails; an edit elsewhere in the changelog does not count.
        let unnamed = Verdict::Unrecorded(vec![Change::Added("a.rs: fn g (x : u8)".into())]);
        assert_eq!(verdict(&old, &new, CHANGELOG_TEXT, CHANGELOG_TEXT).unwrap(), unnamed);
        let elsewhere = CHANGELOG_TEXT.replace("- Old.", "- Old, reworded, `g`.");
        assert_eq!(verdict(&old, &new, CHANGELOG_TEXT, &elsewhere).unwrap(), unnamed);
        // Failed before: any text added to [Unreleased] counted as the entry.
        let unrelated = CHANGELOG_TEXT.replace("- One thing.", "- One thing.\n- A typo fixed.");
        assert_eq!(verdict(&old, &new, CHANGELOG_TEXT, &unrelated).unwrap(), unnamed);
        // An entry naming it passes, also when the base had no changelog at all.
        let entry = CHANGELOG_TEXT.replace("- One thing.", "- One thing.\n- New `g`.");
        assert!(matches!(verdict(&old, &new, CHANGELOG_TEXT, &entry).unwrap(), Verdict::Recorded(_)));
        assert!(matches!(verdict(&old, &new, "", &entry).unwrap(), Verdict::Recorded(_)));
        // The changelog must keep its Unreleased section.
        assert!(verdict(&old, &new, CHANGELOG_TEXT, "# Changelog\n").unwrap_err().contains("[Unreleased]"));
    }

    #[test]
    fn a_breaking_change_must_say_so() {
        let old: BTreeSet<String> = ["a.rs: fn f ()".to_owned()].into();
        let new: BTreeSet<String> = ["a.rs: fn f (x : u8)".to_owned()].into();
        let plain = CHANGELOG_TEXT.replace("- One thing.", "- One thing.\n- `f` takes `x`.");
        assert_eq!(
            verdict(&old, &new, CHANGELOG_TEXT, &plain).unwrap(),
            Verdict::UnmarkedBreaking(vec!["a.rs: fn f ()".into()])
        );
        let marked = CHANGELOG_TEXT.replace("- One thing.", "- One thing.\n- **Breaking**: `f` takes `x`.");
        assert!(matches!(verdict(&old, &new, CHANGELOG_TEXT, &marked).unwrap(), Verdict::Recorded(_)));
    }

    /// Failed before: a doc comment with the word "hidden" was taken for `#[doc(hidden)]`, so
    /// rewording it changed the listing.
    #[test]
    fn a_doc_comment_saying_hidden_is_not_doc_hidden() {
        let before = api("/// Keeps secrets hidden.\npub fn f() {}\n#[doc(hidden)]\npub fn g() {}");
        let after =
            api("/// Keeps secrets out of sight, hidden.\npub fn f() {}\n#[doc(hidden)]\npub fn g() {}");
        assert_eq!(before, after);
        assert!(before.iter().any(|l| l.contains("doc (hidden)") && l.contains("fn g")), "{before:?}");
        assert!(before.iter().any(|l| l.starts_with("fn f")), "{before:?}");
    }

    #[test]
    fn names_are_the_identifiers_of_the_item() {
        let set = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<BTreeSet<_>>();
        assert_eq!(
            names("crates/a/src/spec.rs: Limits.shapes: & 'static [& 'static str]"),
            set(&["Limits", "shapes"])
        );
        assert_eq!(
            names("crates/a/src/spec.rs: impl Limits: fn fits_shape (& self , text : & str) -> bool"),
            set(&["Limits", "fits_shape"])
        );
        assert_eq!(
            names(
                "crates/a/src/b.rs::__coverage: async fn send_maximal (client : & Client ,) -> Option < () >"
            ),
            set(&["send_maximal"])
        );
        assert_eq!(
            names(
                "crates/a/src/b.rs: # [derive (Debug , Clone)] struct ThingBuilder { .. } with private fields"
            ),
            set(&["ThingBuilder"])
        );
        // A generic impl names its type and method, not just its type parameter.
        assert_eq!(
            names(
                "vitable_connect::pagination: impl< T : Send + 'static > PageStream < T >: fn items (self) -> X < T >"
            ),
            set(&["PageStream", "Send", "T", "items"])
        );
    }

    /// Every line of the workspace's listing has a name an entry can use.
    #[test]
    fn every_listed_item_has_a_name() {
        let nameless: Vec<String> =
            listing_of(&workspace::root()).unwrap().into_iter().filter(|l| names(l).is_empty()).collect();
        assert!(nameless.is_empty(), "{nameless:#?}");
    }

    #[test]
    fn a_derived_trait_names_the_item_unless_every_item_derives_it() {
        let line = "crates/a/src/generated.rs::types: # [derive (:: serde :: Deserialize , Clone , JsonSchema)] struct Address { .. }";
        let found = names(line);
        assert!(found.contains("JsonSchema") && found.contains("Address"), "{found:?}");
        assert!(!found.contains("Clone") && !found.contains("Deserialize"), "{found:?}");
        let gated = "x: # [cfg_attr (feature = \"schemars\" , derive (schemars :: JsonSchema))] struct A";
        assert!(names(gated).contains("JsonSchema"));
    }

    #[test]
    fn a_reexport_is_listed_by_the_names_it_brings_in() {
        let tree: syn::UseTree = syn::parse_quote!(retry::{RetryPolicy, backoff as delay, inner::*});
        assert_eq!(use_leaves(&tree, ""), ["RetryPolicy", "delay", "retry :: inner :: *"]);
    }

    #[test]
    fn items_compare_without_paths_lint_attributes_or_trailing_commas() {
        assert_eq!(
            normalized(
                "# [allow (clippy :: too_many_arguments)] fn f (& self , a : & crate :: ids :: MemberId ,) -> X"
            ),
            "fn f (& self , a : & MemberId) -> X"
        );
        assert_eq!(
            normalized(
                "fn g (x : impl IntoIterator < Item = crate :: input :: A , >) -> :: std :: string :: String"
            ),
            "fn g (x : impl IntoIterator < Item = A >) -> String"
        );
        assert_eq!(normalized("# [deprecated] fn h ()"), "# [deprecated] fn h ()");
        assert_eq!(normalized("use crate :: generated_inputs :: *"), "use crate :: generated_inputs :: *");
    }

    #[test]
    fn the_sdk_files_are_named_by_their_module() {
        let lib = "#[path = \"generated_resources.rs\"] pub mod resources; mod client; pub mod pagination; pub mod ids { }";
        let modules = public_places(lib).unwrap();
        let at = |file: &str| place(file, &modules);
        assert_eq!(at("crates/vitable-connect/src/generated_resources.rs"), "vitable_connect::resources");
        // The hand-written files the generated one replaced name the same modules.
        assert_eq!(
            at("crates/vitable-connect/src/resources/members.rs"),
            "vitable_connect::resources::members"
        );
        assert_eq!(at("crates/vitable-connect/src/pagination.rs"), "vitable_connect::pagination");
        assert_eq!(at("crates/vitable-connect/src/client.rs"), "vitable_connect");
        assert_eq!(at("crates/vitable-connect/src/lib.rs"), "vitable_connect");
        assert_eq!(at("crates/vitable-connect-api/src/ids.rs"), "crates/vitable-connect-api/src/ids.rs");
    }

    #[test]
    fn the_workspace_listing_covers_the_sdk_and_the_reexported_types() {
        let root = workspace::root();
        let listed =
            listing(|path| Ok(std::fs::read_to_string(root.join(path)).ok()), |dir| Ok(files_in(&root, dir)))
                .unwrap();
        for needle in [
            // The SDK's files are named by module: a private module's items by the crate root.
            "vitable_connect: impl ClientBuilder: fn timeout",
            "vitable_connect::builders: ",
            "vitable_connect::resources::members: impl MemberQualifyingLifeEvents: fn record",
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

    /// A throwaway git repository with the SDK's source folder, a changelog and a baseline.
    struct Repo(std::path::PathBuf);

    impl Repo {
        fn new(name: &str) -> Repo {
            let dir = std::env::temp_dir().join(format!("xtask-api-changes-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(dir.join("crates/vitable-connect/src")).unwrap();
            std::fs::create_dir_all(dir.join("xtask")).unwrap();
            let repo = Repo(dir);
            repo.git(&["init", "--quiet"]);
            repo
        }

        fn git(&self, args: &[&str]) -> String {
            let out = Command::new("git")
                .arg("-C")
                .arg(&self.0)
                .args(args)
                .env("GIT_AUTHOR_NAME", "t")
                .env("GIT_AUTHOR_EMAIL", "t@example.com")
                .env("GIT_COMMITTER_NAME", "t")
                .env("GIT_COMMITTER_EMAIL", "t@example.com")
                .output()
                .unwrap();
            assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        }

        /// Writes `files` and commits them; returns the commit.
        fn commit(&self, files: &[(&str, &str)]) -> String {
            for (path, text) in files {
                std::fs::write(self.0.join(path), text).unwrap();
            }
            self.git(&["add", "-A"]);
            self.git(&["commit", "--quiet", "-m", "change"]);
            self.git(&["rev-parse", "HEAD"])
        }
    }

    impl Drop for Repo {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const LIB: &str = "crates/vitable-connect/src/lib.rs";

    /// A repository whose baseline has `a`; a later commit adds `b` without an entry, the next
    /// rewords the changelog.
    fn repo_with_a_push(name: &str) -> Repo {
        let repo = Repo::new(name);
        let base = repo.commit(&[(LIB, "pub fn a() {}\n"), (CHANGELOG, CHANGELOG_TEXT)]);
        repo.commit(&[(BASELINE, &format!("# the baseline\n{base}\n"))]);
        repo.commit(&[(LIB, "pub fn a() {}\npub fn b() {}\n")]);
        repo.commit(&[(CHANGELOG, &CHANGELOG_TEXT.replace("- One thing.", "- One thing, reworded."))]);
        repo
    }

    /// Failed before: CI compared with `HEAD~1` when `HEAD` changed the changelog, so `b`,
    /// added one commit earlier, went through.
    #[test]
    fn a_change_in_an_earlier_commit_of_a_push_is_caught() {
        let repo = repo_with_a_push("push");
        assert!(check(&repo.0, Some("HEAD~1")).is_ok(), "the old comparison let it through");
        let err = check(&repo.0, None).unwrap_err();
        assert!(err.contains("fn b ()"), "{err}");
        repo.commit(&[(CHANGELOG, &CHANGELOG_TEXT.replace("- One thing.", "- One thing.\n- New `b`."))]);
        assert!(check(&repo.0, None).unwrap().contains("names each change"));
    }

    /// Failed before: without the base commit (a shallow clone) the check printed "skipped"
    /// and passed. It now fetches the history, and fails when the base cannot be found.
    #[test]
    fn a_shallow_clone_is_deepened_and_a_missing_base_fails() {
        let origin = repo_with_a_push("origin");
        let clone =
            Repo(std::env::temp_dir().join(format!("xtask-api-changes-shallow-{}", std::process::id())));
        let _ = std::fs::remove_dir_all(&clone.0);
        let url = format!("file://{}", origin.0.display());
        let out = Command::new("git")
            .args(["clone", "--quiet", "--depth", "1", &url])
            .arg(&clone.0)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(clone.git(&["rev-parse", "--is-shallow-repository"]), "true");
        let err = check(&clone.0, None).unwrap_err();
        assert!(err.contains("fn b ()"), "compared with the baseline after fetching it: {err}");
        let missing = check(&origin.0, Some("0123456789abcdef0123456789abcdef01234567")).unwrap_err();
        assert!(missing.contains("not in this clone"), "{missing}");
    }

    #[test]
    fn a_missing_revision_is_reported_as_missing() {
        let root = workspace::root();
        assert!(!Git { root: &root }.has_commit("no-such-revision-0123456789"));
    }
}
