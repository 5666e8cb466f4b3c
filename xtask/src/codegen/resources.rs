//! The SDK's resource handles and entry points (`crates/vitable-connect/src/generated_resources.rs`),
//! from the operation table and the words of `rust-sdk.yaml`.
//!
//! Every dotted operation name (`members.qualifying_life_events.record`) gives a path of
//! handles: `Client::members()` returns `resources::members::Members`, whose
//! `qualifying_life_events()` returns `MemberQualifyingLifeEvents`, whose `record(..)` takes the
//! operation's required values (the same arguments as its builder's `new`) and returns the
//! builder. What is not in the spec — the Rust names of the handles, their docs and the doc
//! example of each entry point — comes from `rust-sdk.yaml`; a handle or operation the file
//! does not describe gets a name, a doc and an example made from the spec, so a new operation
//! needs no line there to get its entry point.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_yaml::Value;

use super::builders::{self, doc, examples, fields_of, required_args, sample_args};
use super::samples::Sampler;
use super::spec::{Api, Op, camel};
use super::tables::builder_name;

/// The SDK's words around the spec, relative to the workspace root.
pub const WORDS: &str = "rust-sdk.yaml";
/// The generated handles, relative to the workspace root.
pub const RESOURCES: &str = "crates/vitable-connect/src/generated_resources.rs";

/// What `rust-sdk.yaml` says about one handle.
#[derive(Debug, Default, Clone)]
struct HandleWords {
    /// The handle's Rust type name.
    rust_type: Option<String>,
    /// The doc of the resource's module (top-level handles only).
    module: Option<String>,
    /// The handle type's doc (its first sentence; where to get it is added).
    doc: Option<String>,
    /// The doc of the method that returns the handle.
    accessor: Option<String>,
}

/// What `rust-sdk.yaml` says about one operation's entry point.
#[derive(Debug, Default, Clone)]
struct OperationWords {
    doc: Option<String>,
    /// The body of the doc example, run inside an `async fn` that has a `client`.
    example: Option<String>,
}

/// The contents of `rust-sdk.yaml`.
#[derive(Debug, Default)]
pub struct Words {
    handles: BTreeMap<String, HandleWords>,
    operations: BTreeMap<String, OperationWords>,
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(|s| s.trim_end().to_owned())
}

impl Words {
    /// Reads `rust-sdk.yaml` from the workspace at `root`.
    pub fn load(root: &Path) -> Result<Words, String> {
        let path = root.join(WORDS);
        let source =
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Words::parse(&source)
    }

    fn parse(source: &str) -> Result<Words, String> {
        let value: Value = serde_yaml::from_str(source).map_err(|e| format!("{WORDS}: {e}"))?;
        let section = |name: &str| -> Result<Vec<(String, Value)>, String> {
            match value.get(name) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Mapping(map)) => map
                    .iter()
                    .map(|(k, v)| {
                        let key = k
                            .as_str()
                            .ok_or_else(|| format!("{WORDS}: `{name}` has a key that is not text"))?;
                        Ok((key.to_owned(), v.clone()))
                    })
                    .collect(),
                Some(_) => Err(format!("{WORDS}: `{name}` must be a mapping")),
            }
        };
        let handles = section("handles")?
            .into_iter()
            .map(|(name, v)| {
                let words = HandleWords {
                    rust_type: text(&v, "type"),
                    module: text(&v, "module"),
                    doc: text(&v, "doc"),
                    accessor: text(&v, "accessor"),
                };
                (name, words)
            })
            .collect();
        let operations = section("operations")?
            .into_iter()
            .map(|(name, v)| (name, OperationWords { doc: text(&v, "doc"), example: text(&v, "example") }))
            .collect();
        Ok(Words { handles, operations })
    }

    /// Entries that name no handle or operation of the spec: left from an operation that was
    /// removed or renamed (codegen ignores them; a test keeps the file free of them).
    pub fn stale(&self, api: &Api) -> Vec<String> {
        let paths = handle_paths(api);
        let mut stale: Vec<String> = self
            .handles
            .keys()
            .filter(|name| !paths.contains_key(name.as_str()))
            .map(|name| format!("{WORDS}: handle `{name}` is not a resource of openapi.yaml"))
            .collect();
        stale.extend(
            self.operations
                .keys()
                .filter(|name| !api.operations.iter().any(|op| &op.name == *name))
                .map(|name| format!("{WORDS}: operation `{name}` is not in openapi.yaml")),
        );
        stale
    }
}

/// Every handle path (`members`, `members.dependents`), with the operations directly on it.
fn handle_paths(api: &Api) -> BTreeMap<String, Vec<&Op>> {
    let mut paths: BTreeMap<String, Vec<&Op>> = BTreeMap::new();
    for op in &api.operations {
        let segments: Vec<&str> = op.name.split('.').collect();
        for depth in 1..segments.len() {
            paths.entry(segments[..depth].join(".")).or_default();
        }
        paths.entry(segments[..segments.len() - 1].join(".")).or_default().push(op);
    }
    paths
}

/// The handle at `path` as generated: its Rust type and the words for it.
struct Handle<'a> {
    path: &'a str,
    rust_type: String,
    words: HandleWords,
}

impl<'a> Handle<'a> {
    fn new(api: &Api, words: &Words, path: &'a str) -> Self {
        let given = words.handles.get(path).cloned().unwrap_or_default();
        let rust_type = given.rust_type.clone().unwrap_or_else(|| camel(&path.replace('.', "_")));
        let top = path.split('.').next().unwrap_or(path);
        let default_doc = match path.contains('.') {
            false => api.resource_docs.get(top).cloned().unwrap_or_default(),
            true => format!("The `{}` of one `{}`.", last(path), parent(path).unwrap_or(top)),
        };
        let words = HandleWords {
            module: given.module.or_else(|| api.resource_docs.get(top).cloned()),
            doc: given.doc.or_else(|| Some(default_doc.clone())),
            accessor: given.accessor.or(Some(default_doc)),
            rust_type: None,
        };
        Handle { path, rust_type, words }
    }

    /// The Rust path of the handle type from the `resources` module.
    fn rust_path(&self) -> String {
        format!("{}::{}", top(self.path), self.rust_type)
    }
}

fn top(path: &str) -> &str {
    path.split('.').next().unwrap_or(path)
}

fn last(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

fn parent(path: &str) -> Option<&str> {
    path.rsplit_once('.').map(|(parent, _)| parent)
}

fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '!', '?', ':']) { text.to_owned() } else { format!("{text}.") }
}

/// The doc example of an operation the words do not cover: a call with sample values made from
/// the spec's examples.
fn sample_example(api: &Api, op: &Op) -> Result<String, String> {
    let fields = fields_of(api, op)?;
    let args = sample_args(api, &mut Sampler::new("vitable_connect"), &fields, &examples(api, op));
    let allow = if op.deprecated.is_some() { "#[allow(deprecated)]\n" } else { "" };
    Ok(format!("{allow}let response = {}.send().await?;", builders::entry_call(op, &args)))
}

/// The entry point of `op` on its handle.
fn entry_point(api: &Api, words: &Words, out: &mut String, op: &Op) -> Result<(), String> {
    let given = words.operations.get(&op.name).cloned().unwrap_or_default();
    let mut text = given.doc.unwrap_or_else(|| {
        let summary = sentence(&op.summary);
        if op.description.is_empty() { summary } else { format!("{summary}\n\n{}", op.description) }
    });
    text.push_str(&format!("\n\n`{} {}`; the request is [`{}`].", op.method, op.path, builder_name(op)));
    if let Some(note) = &op.deprecated {
        text.push_str(&format!("\n\n**Deprecated by the API**: {note}"));
    }
    let example = match given.example {
        Some(example) => example,
        None => sample_example(api, op)?,
    };
    text.push_str(
        "\n\n```no_run\n# async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {\n",
    );
    text.push_str(&example);
    text.push_str("\n# Ok(()) }\n```");
    writeln!(out).unwrap();
    doc(out, "    ", &text);
    builders::deprecated_attr(out, op.deprecated.as_deref());
    let fields = fields_of(api, op)?;
    let args = required_args(api, &fields);
    let params: Vec<String> = args.iter().map(|(name, ty)| format!("{name}: {ty}")).collect();
    let names: Vec<&str> = args.iter().map(|(name, _)| name.as_str()).collect();
    let builder = builder_name(op);
    writeln!(out, "    #[allow(clippy::too_many_arguments)]").unwrap();
    writeln!(out, "    pub fn {}(&self, {}) -> {builder} {{", last(&op.name), params.join(", ")).unwrap();
    let mut values = vec!["self.client.clone()"];
    values.extend(names);
    writeln!(out, "        {builder}::new({})", values.join(", ")).unwrap();
    writeln!(out, "    }}").unwrap();
    Ok(())
}

/// The method on a handle (or on `Client`) that returns the handle `child`, whose methods
/// (sub-handles, then entry points) are `methods`.
fn accessor(out: &mut String, child: &Handle, methods: &[&str], from_client: bool) {
    writeln!(out).unwrap();
    let ty = if from_client { child.rust_path() } else { child.rust_type.clone() };
    let links: Vec<String> = methods.iter().map(|m| format!("[`{m}`]({ty}::{m})")).collect();
    let about = sentence(child.words.accessor.as_deref().unwrap_or_default());
    doc(out, "    ", &format!("{about}\n\nHas {}.", links.join(", ")));
    writeln!(out, "    pub fn {}(&self) -> {ty} {{", last(child.path)).unwrap();
    let client = if from_client { "self.clone()" } else { "self.client.clone()" };
    writeln!(out, "        {ty} {{ client: {client} }}").unwrap();
    writeln!(out, "    }}").unwrap();
}

/// `generated_resources.rs`.
pub fn render(api: &Api, words: &Words) -> Result<String, String> {
    for problem in words.stale(api) {
        eprintln!("warning: {problem}");
    }
    let paths = handle_paths(api);
    let handles: BTreeMap<&str, Handle> =
        paths.keys().map(|path| (path.as_str(), Handle::new(api, words, path))).collect();
    let children =
        |path: &str| -> Vec<&Handle> { handles.values().filter(|h| parent(h.path) == Some(path)).collect() };
    let methods = |path: &str| -> Vec<&str> {
        let mut methods: Vec<&str> = children(path).iter().map(|h| last(h.path)).collect();
        methods.extend(paths[path].iter().map(|op| last(&op.name)));
        methods
    };
    let mut out = String::from(
        "//! One module per resource of the API, mirroring the official SDKs' resource tree:\n\
         //! `client.members().qualifying_life_events().record(..)` here is\n\
         //! `client.members.qualifying_life_events.record(..)` there.\n\
         //!\n\
         //! Each method that ends a path is the entry point of one operation: it takes the\n\
         //! operation's required values and returns its request builder from\n\
         //! [`builders`](crate::builders). Optional values are setters, and `send()` runs it\n\
         //! (`send_with_response()` also returns status and headers; list operations also have\n\
         //! `stream()` and `pages()`), as does awaiting the builder itself. Every builder can\n\
         //! override the timeout and the retries, add headers and set an idempotency key.\n\
         //!\n\
         //! Generated from the operation table of `openapi.yaml`, with the names, docs and examples\n\
         //! of `rust-sdk.yaml`: a new operation gets its entry point from `cargo xtask codegen`.\n\n\
         use crate::builders::*;\n\
         use crate::client::Client;\n\n\
         /// # Resources\n\
         ///\n\
         /// One handle per resource of the API; each operation is a method of a handle that\n\
         /// returns the operation's request builder (`client.enrollments().retrieve(&id)`), sent\n\
         /// by awaiting it or with `.send()`. A handle is cheap: it holds a clone of the client.\n\
         impl Client {\n",
    );
    for handle in handles.values().filter(|h| !h.path.contains('.')) {
        accessor(&mut out, handle, &methods(handle.path), true);
    }
    out.push_str("}\n");
    for (path, handle) in handles.iter().filter(|(path, _)| !path.contains('.')) {
        writeln!(out).unwrap();
        doc(&mut out, "", handle.words.module.as_deref().unwrap_or_default());
        writeln!(out, "pub mod {path} {{").unwrap();
        writeln!(out, "    use super::*;").unwrap();
        for handle in handles.values().filter(|h| top(h.path) == *path) {
            let getter = match parent(handle.path) {
                None => format!("[`Client::{}`]", handle.path),
                Some(parent) => format!("[`{}::{}`]", handles[parent].rust_type, last(handle.path)),
            };
            writeln!(out).unwrap();
            let about = handle.words.doc.as_deref().unwrap_or_default();
            doc(&mut out, "    ", &format!("{} Get it with {getter}.", sentence(about)));
            writeln!(out, "    #[derive(Debug, Clone)]").unwrap();
            writeln!(
                out,
                "    pub struct {} {{\n        pub(crate) client: Client,\n    }}",
                handle.rust_type
            )
            .unwrap();
            writeln!(out, "\n    impl {} {{", handle.rust_type).unwrap();
            for child in children(handle.path) {
                accessor(&mut out, child, &methods(child.path), false);
            }
            for op in &paths[handle.path] {
                entry_point(api, words, &mut out, op)?;
            }
            writeln!(out, "    }}").unwrap();
        }
        writeln!(out, "}}").unwrap();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_of_the_words_names_a_handle_or_operation_of_the_spec() {
        let root = crate::workspace::root();
        let (_, api) = super::super::load(&root).unwrap();
        let stale = Words::load(&root).unwrap().stale(&api);
        assert!(stale.is_empty(), "remove or rename these entries:\n{}", stale.join("\n"));
    }

    #[test]
    fn every_operation_of_the_spec_has_its_words() {
        // Not required (a new operation gets generated words), but the SDK as released
        // describes each one in its own words.
        let root = crate::workspace::root();
        let (_, api) = super::super::load(&root).unwrap();
        let words = Words::load(&root).unwrap();
        let missing: Vec<&str> = api
            .operations
            .iter()
            .filter(|op| words.operations.get(&op.name).is_none_or(|w| w.example.is_none()))
            .map(|op| op.name.as_str())
            .collect();
        assert!(missing.is_empty(), "no doc example in {WORDS} for: {missing:?}");
    }

    #[test]
    fn a_malformed_file_is_named() {
        let error = Words::parse("handles: [1, 2]").unwrap_err();
        assert!(error.contains("rust-sdk.yaml") && error.contains("mapping"), "{error}");
    }
}
