//! Writes the SDK's request builders (`crates/vitable-connect/src/generated_builders.rs`) and
//! the values users build to send (`generated_inputs.rs`) from the spec.
//!
//! Each operation gets one builder: required parameters and body properties are arguments of
//! `new`, every optional query parameter and body property is a setter documented from the
//! spec, and `send_with_response` checks every limit the spec states before building the
//! generated request body, whose struct literal names every field, so nothing can be dropped.
//! The hand-written part of the SDK is the entry point that calls `new`.

use std::fmt::Write as _;

use crate::codegen::samples::Sampler;
use crate::codegen::spec::{Api, Limits, Location, ModelKind, Op, Ty, camel, screaming};
use crate::codegen::tables::builder_name;

/// Paths of the generated files, relative to the workspace root.
pub const BUILDERS: &str = "crates/vitable-connect/src/generated_builders.rs";
pub const INPUTS: &str = "crates/vitable-connect/src/generated_inputs.rs";

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "gen",
];

/// A Rust identifier for a wire name (`type` → `r#type`).
pub(crate) fn ident(name: &str) -> String {
    if KEYWORDS.contains(&name) { format!("r#{name}") } else { name.to_owned() }
}

/// One value the builder or an input type holds: a parameter or a body property.
pub(crate) struct Field<'a> {
    pub(crate) name: &'a str,
    pub(crate) ty: &'a Ty,
    pub(crate) required: bool,
    pub(crate) description: &'a str,
    pub(crate) limits: &'a Limits,
    pub(crate) deprecated: Option<&'a str>,
    /// Sent as a query parameter (else a path parameter or body property).
    pub(crate) query: bool,
    pub(crate) path: bool,
    /// A nullable optional property of an update (`PUT`/`PATCH`) body: left out, set, or sent
    /// as `null` to clear it (`clear_<name>()`).
    pub(crate) clearable: bool,
    /// Why an update cannot clear it, for a nullable property the spec marks `x-not-clearable`.
    pub(crate) not_clearable: Option<&'a str>,
}

impl<'a> Field<'a> {
    /// A body property (or a property of an input value), as sent outside an update.
    fn of_property(p: &'a crate::codegen::spec::Prop) -> Self {
        Field {
            name: &p.name,
            ty: &p.ty,
            required: p.required,
            description: &p.description,
            limits: &p.limits,
            deprecated: p.deprecated.as_deref(),
            query: false,
            path: false,
            clearable: false,
            not_clearable: None,
        }
    }
}

impl Api {
    fn is_id(&self, name: &str) -> bool {
        matches!(self.kind(name), Some(ModelKind::Id))
    }

    /// The type the SDK stores for a value of `ty`.
    pub(crate) fn store(&self, ty: &Ty, limits: &Limits) -> String {
        match ty {
            Ty::String => "String".into(),
            Ty::Date => "chrono::NaiveDate".into(),
            Ty::DateTime => "chrono::DateTime<chrono::Utc>".into(),
            Ty::Integer if limits.minimum.is_some_and(|m| m >= 1) => "u64".into(),
            Ty::Integer => "i64".into(),
            Ty::Number => "f64".into(),
            Ty::Boolean => "bool".into(),
            Ty::Any => "serde_json::Value".into(),
            Ty::Array(item) => format!("Vec<{}>", self.store(item, &Limits::default())),
            Ty::Map(value) => {
                format!("std::collections::BTreeMap<String, {}>", self.store(value, &Limits::default()))
            }
            Ty::Ref(name) => match self.kind(name) {
                Some(ModelKind::Id) => format!("crate::ids::{name}"),
                Some(ModelKind::String(_)) if name == "Ssn" => "crate::Ssn".into(),
                Some(ModelKind::String(_)) => "String".into(),
                Some(ModelKind::Enum(_)) => format!("crate::types::{name}"),
                Some(ModelKind::Object(_)) => format!("crate::input::{name}"),
                None => format!("crate::types::{name}"),
            },
        }
    }

    /// The argument type of a setter or `new` for a value of `ty`, and how it becomes the
    /// stored type (`{}` is the argument).
    pub(crate) fn arg(&self, ty: &Ty, limits: &Limits, owned_ids: bool) -> (String, &'static str) {
        match ty {
            Ty::String => ("impl Into<String>".into(), "{}.into()"),
            Ty::Ref(name) if matches!(self.kind(name), Some(ModelKind::String(_))) && name != "Ssn" => {
                ("impl Into<String>".into(), "{}.into()")
            }
            Ty::Ref(name) if self.is_id(name) && !owned_ids => (format!("&crate::ids::{name}"), "{}.clone()"),
            Ty::Array(item) => (
                format!("impl IntoIterator<Item = {}>", self.store(item, &Limits::default())),
                "{}.into_iter().collect()",
            ),
            other => (self.store(other, limits), "{}"),
        }
    }
}

pub(crate) fn doc(out: &mut String, indent: &str, text: &str) {
    for line in text.lines() {
        if line.is_empty() {
            writeln!(out, "{indent}///").unwrap();
        } else {
            writeln!(out, "{indent}/// {line}").unwrap();
        }
    }
}

/// A sentence describing the limits, for docs: `at most 500 characters`.
fn limits_doc(l: &Limits) -> String {
    let mut parts = Vec::new();
    match (l.min_length, l.max_length) {
        (Some(a), Some(b)) if a == b => parts.push(format!("exactly {a} characters")),
        (Some(a), Some(b)) => parts.push(format!("{a} to {b} characters")),
        (Some(1), None) => parts.push("not empty".to_owned()),
        (Some(a), None) => parts.push(format!("at least {a} characters")),
        (None, Some(b)) => parts.push(format!("at most {b} characters")),
        (None, None) => {}
    }
    match (l.minimum, l.maximum) {
        (Some(a), Some(b)) => parts.push(format!("{a} to {b}")),
        (Some(a), None) => parts.push(format!("at least {a}")),
        (None, Some(b)) => parts.push(format!("at most {b}")),
        (None, None) => {}
    }
    match (l.min_items, l.max_items) {
        (Some(a), Some(b)) => parts.push(format!("{a} to {b} items")),
        (Some(a), None) => parts.push(format!("at least {a} item{}", if a == 1 { "" } else { "s" })),
        (None, Some(b)) => parts.push(format!("at most {b} items")),
        (None, None) => {}
    }
    if let Some(p) = &l.pattern {
        parts.push(format!("matching `{p}`"));
    }
    if let Some(f) = &l.format {
        parts.push(format!("format `{f}`"));
    }
    if let Some(d) = &l.default {
        parts.push(format!("the API's default is `{d}`"));
    }
    parts.join("; ")
}

fn field_doc(f: &Field) -> String {
    let mut text =
        if f.description.is_empty() { format!("Sets `{}`", f.name) } else { f.description.to_owned() };
    let limits = limits_doc(f.limits);
    if !limits.is_empty() {
        let stop = text.ends_with('.');
        if stop {
            text.pop();
        }
        write!(text, " ({limits})").unwrap();
    }
    if !text.ends_with('.') {
        text.push('.');
    }
    if let Some(reason) = f.not_clearable {
        write!(text, " It cannot be cleared: {reason}").unwrap();
    }
    text
}

fn opt_lit<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or("None".into(), |v| format!("Some({v})"))
}

/// Statements that check `value` (an expression of the stored type, by reference) against the
/// spec's limits for `field` (an expression of type `&str`).
fn checks(api: &Api, out: &mut String, ty: &Ty, limits: &Limits, value: &str, field: &str) {
    if limits.min_length.is_some() || limits.max_length.is_some() {
        writeln!(
            out,
            "validate::chars(op, {field}, {value}, {}, {})?;",
            opt_lit(limits.min_length),
            opt_lit(limits.max_length)
        )
        .unwrap();
    }
    if limits.minimum.is_some() || limits.maximum.is_some() {
        writeln!(
            out,
            "validate::range(op, {field}, i128::from(*{value}), {}, {})?;",
            opt_lit(limits.minimum),
            opt_lit(limits.maximum)
        )
        .unwrap();
    }
    if limits.min_items.is_some() || limits.max_items.is_some() {
        writeln!(
            out,
            "validate::items(op, {field}, ({value}).len(), {}, {})?;",
            opt_lit(limits.min_items),
            opt_lit(limits.max_items)
        )
        .unwrap();
    }
    if limits.format.as_deref() == Some("email") {
        writeln!(out, "validate::email(op, {field}, {value})?;").unwrap();
    }
    // Named string schemas carry their own limits (e.g. `Ssn`); their types check them.
    let _ = api;
    let _ = ty;
}

/// An expression turning `value` (the stored type, owned) into the generated client's type
/// for `field`; may use `?`.
fn to_api(api: &Api, ty: &Ty, value: &str, field: &str) -> String {
    match ty {
        Ty::String => format!("validate::convert(op, {field}, {value})?"),
        Ty::Integer => format!("validate::convert(op, {field}, {value})?"),
        Ty::Ref(name) => match api.kind(name) {
            Some(ModelKind::Object(_)) => format!("{value}.into_api(op, {field})?"),
            Some(ModelKind::String(_)) if name != "Ssn" => {
                format!("validate::convert(op, {field}, {value})?")
            }
            _ => value.to_owned(),
        },
        Ty::Array(item) => {
            let inner = to_api(api, item, "item", "&validate::at(field, index)");
            if inner == "item" {
                value.to_owned()
            } else {
                format!(
                    "{{ let field: &str = {field}; {value}.into_iter().enumerate().map(|(index, item)| -> std::result::Result<_, InvalidInput> {{ Ok({inner}) }}).collect::<std::result::Result<Vec<_>, InvalidInput>>()? }}"
                )
            }
        }
        _ => value.to_owned(),
    }
}

pub(crate) fn deprecated_attr(out: &mut String, note: Option<&str>) {
    if let Some(note) = note {
        writeln!(out, "#[deprecated(note = {note:?})]").unwrap();
    }
}

/// The setter of one optional field.
fn setter(api: &Api, out: &mut String, f: &Field, owned_ids: bool) {
    let (arg, conv) = api.arg(f.ty, f.limits, owned_ids);
    doc(out, "", &field_doc(f));
    deprecated_attr(out, f.deprecated);
    let name = ident(f.name);
    let value = conv.replace("{}", "value");
    if !f.clearable {
        writeln!(
            out,
            "pub fn {name}(mut self, value: {arg}) -> Self {{ self.{name} = Some({value}); self }}"
        )
        .unwrap();
        return;
    }
    writeln!(
        out,
        "pub fn {name}(mut self, value: {arg}) -> Self {{ self.{name} = Update::Set({value}); self }}"
    )
    .unwrap();
    writeln!(out).unwrap();
    doc(
        out,
        "",
        &format!(
            "Clears `{}`: sends it as `null`. Without this or [`{name}`](Self::{name}) the request \
             leaves it out and the API keeps its value; the last call of the two wins.",
            f.name
        ),
    );
    deprecated_attr(out, f.deprecated);
    writeln!(out, "pub fn clear_{}(mut self) -> Self {{ self.{name} = Update::Clear; self }}", f.name)
        .unwrap();
}

/// Whether the operation changes only what its body names (`PUT`, `PATCH`): its nullable
/// properties can then be cleared by sending `null`.
fn is_update(op: &Op) -> bool {
    matches!(op.method.as_str(), "PUT" | "PATCH")
}

/// The required arguments of an operation's builder `new` and of its entry point, in order:
/// each name and the type taken.
pub(crate) fn required_args(api: &Api, fields: &[Field]) -> Vec<(String, String)> {
    fields.iter().filter(|f| f.required).map(|f| (ident(f.name), api.arg(f.ty, f.limits, false).0)).collect()
}

pub(crate) fn fields_of<'a>(api: &'a Api, op: &'a Op) -> Result<Vec<Field<'a>>, String> {
    let mut fields = Vec::new();
    for p in &op.params {
        fields.push(Field {
            name: &p.name,
            ty: &p.ty,
            required: p.required,
            description: &p.description,
            limits: &p.limits,
            deprecated: p.deprecated.as_deref(),
            query: p.location == Location::Query,
            path: p.location == Location::Path,
            clearable: false,
            not_clearable: None,
        });
    }
    if let Some(body) = &op.body {
        for p in api.props(body) {
            if fields.iter().any(|f| f.name == p.name) {
                return Err(format!(
                    "{}: body property `{}` has the name of a parameter; the builder cannot hold both",
                    op.id, p.name
                ));
            }
            fields.push(Field {
                clearable: is_update(op) && p.clearable() && !p.required,
                not_clearable: p.not_clearable.as_deref().filter(|_| is_update(op)),
                ..Field::of_property(p)
            });
        }
    }
    Ok(fields)
}

/// The Rust type of the decoded success body.
fn output(api: &Api, op: &Op) -> String {
    match &op.success {
        None => "()".into(),
        Some(ty) => rust_response(api, ty),
    }
}

fn rust_response(api: &Api, ty: &Ty) -> String {
    match ty {
        Ty::Ref(name) if matches!(api.kind(name), Some(ModelKind::Id)) => format!("crate::ids::{name}"),
        Ty::Ref(name) => format!("crate::types::{name}"),
        Ty::Array(item) => format!("Vec<{}>", rust_response(api, item)),
        other => api.store(other, &Limits::default()),
    }
}

/// Whether the operation pages with `page` and `limit` and returns an array.
pub(crate) fn paged(op: &Op) -> Option<(&Ty, String)> {
    let page = op.params.iter().find(|p| p.name == "page" && p.location == Location::Query)?;
    let limit = op.params.iter().find(|p| p.name == "limit" && p.location == Location::Query)?;
    let (Ty::Integer, Ty::Integer) = (&page.ty, &limit.ty) else { return None };
    let Some(Ty::Array(item)) = &op.success else { return None };
    let default = limit.limits.default.clone().or(limit.limits.maximum.map(|m| m.to_string()))?;
    Some((item, default))
}

/// The initialisers of `new`: each required field from its argument, each optional one `None`.
fn emit_field_inits(api: &Api, out: &mut String, fields: &[Field], owned_ids: bool) {
    for f in fields {
        let n = ident(f.name);
        if f.required {
            let conv = api.arg(f.ty, f.limits, owned_ids).1.replace("{}", &n);
            writeln!(out, "            {n}: {conv},").unwrap();
        } else if f.clearable {
            writeln!(out, "            {n}: Update::Keep,").unwrap();
        } else {
            writeln!(out, "            {n}: None,").unwrap();
        }
    }
}

/// The checks of every field's limits (`field` makes the expression naming a field).
fn emit_checks(api: &Api, out: &mut String, fields: &[Field], field: impl Fn(&str) -> String) {
    for f in fields {
        let n = ident(f.name);
        let mut body = String::new();
        let value = if f.required { format!("&self.{n}") } else { "value".to_owned() };
        checks(api, &mut body, f.ty, f.limits, &value, &field(f.name));
        if body.is_empty() {
            continue;
        }
        if f.required {
            out.push_str(&body);
        } else if f.clearable {
            writeln!(out, "        if let Update::Set(value) = &self.{n} {{ {body} }}").unwrap();
        } else {
            writeln!(out, "        if let Some(value) = &self.{n} {{ {body} }}").unwrap();
        }
    }
}

/// The fields of the generated type's struct literal, one per property of the schema, each
/// converted from `self` (`field` makes the expression naming a field).
fn emit_literal_fields(
    api: &Api,
    out: &mut String,
    props: &[crate::codegen::spec::Prop],
    clearable: &[&str],
    field: impl Fn(&str) -> String,
) {
    for p in props {
        let n = ident(&p.name);
        let field = field(&p.name);
        if p.required {
            let value = to_api(api, &p.ty, &format!("self.{n}"), &field);
            if p.nullable {
                writeln!(out, "            {n}: Some({value}),").unwrap();
            } else {
                writeln!(out, "            {n}: {value},").unwrap();
            }
        } else {
            let inner = to_api(api, &p.ty, "value", &field);
            if clearable.contains(&p.name.as_str()) {
                writeln!(
                    out,
                    "            {n}: match self.{n} {{ Update::Set(value) => Some({inner}), _ => None }},"
                )
                .unwrap();
            } else if inner == "value" {
                writeln!(out, "            {n}: self.{n},").unwrap();
            } else {
                writeln!(
                    out,
                    "            {n}: match self.{n} {{ Some(value) => Some({inner}), None => None }},"
                )
                .unwrap();
            }
        }
    }
}

fn builder(api: &Api, out: &mut String, op: &Op) -> Result<(), String> {
    let name = builder_name(op);
    let fields = fields_of(api, op)?;
    let output = output(api, op);
    let konst = screaming(&camel(&op.id));
    let mut summary =
        format!("Request builder of `{}` (`{} {}`): {}", op.name, op.method, op.path, op.summary);
    if !summary.ends_with('.') {
        summary.push('.');
    }
    writeln!(out).unwrap();
    doc(out, "", &summary);
    if !op.description.is_empty() {
        doc(out, "", &format!("\n{}", op.description));
    }
    if let Some(note) = &op.deprecated {
        doc(out, "", &format!("\n**Deprecated by the API**: {note}"));
    }
    doc(out, "", "\nGet one from the client's resource handles; send it with [`send`](Self::send).");
    writeln!(out, "#[derive(Debug, Clone)]").unwrap();
    writeln!(out, "#[must_use = \"a request does nothing until it is sent with `.send()`\"]").unwrap();
    writeln!(out, "pub struct {name} {{").unwrap();
    writeln!(out, "    client: Client,").unwrap();
    writeln!(out, "    options: RequestOptions,").unwrap();
    for f in &fields {
        let store = api.store(f.ty, f.limits);
        if f.required {
            writeln!(out, "    {}: {store},", ident(f.name)).unwrap();
        } else if f.clearable {
            writeln!(out, "    {}: Update<{store}>,", ident(f.name)).unwrap();
        } else {
            writeln!(out, "    {}: Option<{store}>,", ident(f.name)).unwrap();
        }
    }
    writeln!(out, "}}").unwrap();
    writeln!(out).unwrap();
    writeln!(out, "impl {name} {{").unwrap();
    writeln!(out, "    /// The operation this builder sends.").unwrap();
    writeln!(out, "    pub const OPERATION: &'static Operation = &operations::{konst};").unwrap();
    writeln!(out).unwrap();
    // new()
    let args: Vec<String> =
        required_args(api, &fields).into_iter().map(|(n, t)| format!("{n}: {t}")).collect();
    writeln!(
        out,
        "    /// A request with its required values; called by the entry point on the client's resource handle."
    )
    .unwrap();
    writeln!(out, "    #[allow(clippy::too_many_arguments)]").unwrap();
    writeln!(out, "    pub(crate) fn new(client: Client, {}) -> Self {{", args.join(", ")).unwrap();
    writeln!(out, "        Self {{ client, options: RequestOptions::new(Self::OPERATION),").unwrap();
    emit_field_inits(api, out, &fields, false);
    writeln!(out, "        }}").unwrap();
    writeln!(out, "    }}").unwrap();
    for f in fields.iter().filter(|f| !f.required) {
        writeln!(out).unwrap();
        setter(api, out, f, false);
    }
    // send
    let deprecation = op.deprecated.as_deref();
    writeln!(out).unwrap();
    writeln!(
        out,
        "    /// Sends the request and returns the decoded response (awaiting the builder does the"
    )
    .unwrap();
    writeln!(
        out,
        "    /// same). Every limit `openapi.yaml` states is checked first: a value outside one fails"
    )
    .unwrap();
    writeln!(out, "    /// with [`Error::InvalidInput`](crate::Error::InvalidInput) and nothing is sent.")
        .unwrap();
    deprecated_attr(out, deprecation);
    writeln!(out, "    pub async fn send(self) -> Result<{output}> {{").unwrap();
    writeln!(out, "        #[allow(deprecated)]").unwrap();
    writeln!(out, "        let response = self.send_with_response().await?;").unwrap();
    writeln!(out, "        Ok(response.into_inner())").unwrap();
    writeln!(out, "    }}").unwrap();
    writeln!(out).unwrap();
    writeln!(
        out,
        "    /// Sends the request; returns the decoded value with the response's status, headers and raw body."
    )
    .unwrap();
    writeln!(out, "    ///").unwrap();
    writeln!(
        out,
        "    /// Every limit `openapi.yaml` states is checked first: a value outside one fails with"
    )
    .unwrap();
    writeln!(out, "    /// [`Error::InvalidInput`](crate::Error::InvalidInput) and nothing is sent.")
        .unwrap();
    deprecated_attr(out, deprecation);
    writeln!(out, "    pub async fn send_with_response(self) -> Result<ApiResponse<{output}>> {{").unwrap();
    writeln!(out, "        let op = Self::OPERATION;").unwrap();
    emit_checks(api, out, &fields, |name| format!("{name:?}"));
    let clearable: Vec<&str> = fields.iter().filter(|f| f.clearable).map(|f| f.name).collect();
    if !clearable.is_empty() {
        let nulls: Vec<String> =
            clearable.iter().map(|n| format!("({n:?}, self.{}.is_clear())", ident(n))).collect();
        writeln!(out, "        let nulls = [{}];", nulls.join(", ")).unwrap();
    }
    if let Some(body_schema) = &op.body {
        writeln!(out, "        let body = api::types::{body_schema} {{").unwrap();
        emit_literal_fields(api, out, api.props(body_schema), &clearable, |name| format!("{name:?}"));
        writeln!(out, "        }};").unwrap();
    }
    // The request is described once, as a value: the transport builds it on the client's base
    // URL with the operation table's method and path template, and sends it on every attempt.
    writeln!(out, "        let call = self.client.call(op, self.options)?;").unwrap();
    let described = fields.iter().any(|f| f.path || f.query) || op.body.is_some();
    let binding = if described { "let mut request" } else { "let request" };
    writeln!(out, "        {binding} = RequestParts::new(op.path);").unwrap();
    for f in fields.iter().filter(|f| f.path) {
        writeln!(out, "        request.path({:?}, self.{}.as_ref());", f.name, ident(f.name)).unwrap();
    }
    for f in fields.iter().filter(|f| f.query) {
        let n = ident(f.name);
        if f.required {
            writeln!(out, "        request.query({:?}, &self.{n});", f.name).unwrap();
        } else {
            writeln!(out, "        if let Some(value) = &self.{n} {{ request.query({:?}, value); }}", f.name)
                .unwrap();
        }
    }
    if op.body.is_some() && clearable.is_empty() {
        writeln!(out, "        request.json(&body);").unwrap();
    } else if op.body.is_some() {
        writeln!(out, "        request.json_with_nulls(&body, &nulls);").unwrap();
    }
    writeln!(out, "        call.send(request).await").unwrap();
    writeln!(out, "    }}").unwrap();
    if let Some((item, default_limit)) = paged(op) {
        let item = rust_response(api, item);
        writeln!(out).unwrap();
        let doc = [
            "Streams the items of every page from `page` (default 1) on, fetching each page only when",
            "the previous one is used up and stopping after a short page. An error ends the stream as",
            "its last item, and so does a page longer than the limit (a fault of the server:",
            "[`Error::PageTooLong`](crate::Error::PageTooLong)). Every other parameter applies to",
            "every page. `try_collect`, `collect`, `try_next` and `next` need no import (see",
            "[`pagination`](crate::pagination)).",
        ];
        for line in doc {
            writeln!(out, "    /// {line}").unwrap();
        }
        deprecated_attr(out, deprecation);
        writeln!(out, "    pub fn stream(self) -> crate::pagination::ItemStream<{item}> {{").unwrap();
        writeln!(out, "        #[allow(deprecated)]").unwrap();
        writeln!(out, "        self.pages().items()").unwrap();
        writeln!(out, "    }}").unwrap();
        writeln!(out).unwrap();
        writeln!(
            out,
            "    /// Like [`stream`](Self::stream), but yields each page's items together, a page at a time."
        )
        .unwrap();
        deprecated_attr(out, deprecation);
        writeln!(out, "    pub fn pages(self) -> crate::pagination::PageStream<{item}> {{").unwrap();
        writeln!(out, "        let limit = self.limit.unwrap_or({default_limit});").unwrap();
        writeln!(out, "        let first = self.page.unwrap_or(1);").unwrap();
        writeln!(out, "        crate::pagination::pages(Self::OPERATION.name, first, limit, move |page| {{")
            .unwrap();
        writeln!(out, "            #[allow(deprecated)]").unwrap();
        writeln!(out, "            self.clone().page(page).limit(limit).send()").unwrap();
        writeln!(out, "        }})").unwrap();
        writeln!(out, "    }}").unwrap();
    }
    writeln!(out, "}}").unwrap();
    writeln!(out).unwrap();
    writeln!(out, "crate::request::request_options!({name}, {output});").unwrap();
    Ok(())
}

/// `generated_builders.rs`.
pub fn render_builders(api: &Api) -> Result<String, String> {
    let mut out = String::new();
    out.push_str(
        "//! One request builder per operation of `openapi.yaml`, named after its `operationId`\n\
         //! (`enrollments_reissue` → [`EnrollmentsReissueBuilder`]).\n\
         //!\n\
         //! Required values are taken by the entry point on the client's resource handle\n\
         //! (`client.enrollments().reissue(..)`); every optional parameter and body property is a\n\
         //! setter; `send()` checks the spec's limits, then sends. Per-request options (`timeout`,\n\
         //! `max_retries`, `header`, `idempotency_key`) are on every builder.\n\n\
         use vitable_connect_api as api;\n\n\
         use crate::client::Client;\n\
         use crate::error::{InvalidInput, Result};\n\
         use crate::operations::{self, Operation};\n\
         use crate::request::{ApiResponse, RequestOptions, Update};\n\
         use crate::template::RequestParts;\n\
         use crate::validate;\n",
    );
    for op in &api.operations {
        builder(api, &mut out, op)?;
    }
    out.push_str("\n#[allow(dead_code)]\nfn _uses(_: InvalidInput) {}\n");
    Ok(out)
}

/// `generated_inputs.rs`.
pub fn render_inputs(api: &Api) -> Result<String, String> {
    let mut out = String::new();
    out.push_str(
        "//! The values users build to send inside a request body (addresses, rules, ...), one per\n\
         //! object schema of `openapi.yaml` that request bodies use: required properties are\n\
         //! arguments of `new`, optional ones setters. Limits are checked when the request is sent.\n\n\
         use vitable_connect_api as api;\n\n\
         use crate::error::InvalidInput;\n\
         use crate::operations::Operation;\n\
         use crate::validate;\n",
    );
    for model in api.input_models() {
        let ModelKind::Object(props) = &model.kind else { continue };
        let name = &model.name;
        let fields: Vec<Field> = props.iter().map(Field::of_property).collect();
        writeln!(out).unwrap();
        doc(&mut out, "", if model.description.is_empty() { name } else { &model.description });
        doc(
            &mut out,
            "",
            "\nIt also reads from JSON with the API's property names (an unknown property is refused);\n\
             the limits are checked when the request is sent, as for a value built with `new`.",
        );
        writeln!(out, "#[derive(Debug, Clone, PartialEq, serde::Deserialize)]").unwrap();
        writeln!(out, "#[serde(deny_unknown_fields)]").unwrap();
        writeln!(out, "pub struct {name} {{").unwrap();
        for f in &fields {
            let store = api.store(f.ty, f.limits);
            if f.required {
                writeln!(out, "    {}: {store},", ident(f.name)).unwrap();
            } else {
                writeln!(out, "    {}: Option<{store}>,", ident(f.name)).unwrap();
            }
        }
        writeln!(out, "}}").unwrap();
        writeln!(out).unwrap();
        writeln!(out, "impl {name} {{").unwrap();
        let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
        let mut new_doc = format!("`{name}` with its required properties:");
        for f in &required {
            write!(new_doc, "\n* `{}`: {}", f.name, field_doc(f)).unwrap();
        }
        doc(&mut out, "    ", &new_doc);
        let args: Vec<String> = required
            .iter()
            .map(|f| format!("{}: {}", ident(f.name), api.arg(f.ty, f.limits, true).0))
            .collect();
        writeln!(out, "    #[allow(clippy::too_many_arguments)]").unwrap();
        writeln!(out, "    pub fn new({}) -> Self {{", args.join(", ")).unwrap();
        writeln!(out, "        Self {{").unwrap();
        emit_field_inits(api, &mut out, &fields, true);
        writeln!(out, "        }}").unwrap();
        writeln!(out, "    }}").unwrap();
        for f in fields.iter().filter(|f| !f.required) {
            writeln!(out).unwrap();
            setter(api, &mut out, f, true);
        }
        writeln!(out).unwrap();
        writeln!(
            out,
            "    /// Checks the spec's limits and converts to the generated client's type; `at` is where this value sits in the request (`address`, `rules[0]`)."
        )
        .unwrap();
        writeln!(out, "    #[allow(unused_variables)]").unwrap();
        writeln!(
            out,
            "    pub(crate) fn into_api(self, op: &Operation, at: &str) -> Result<api::types::{name}, InvalidInput> {{"
        )
        .unwrap();
        emit_checks(api, &mut out, &fields, |name| format!("&validate::join(at, {name:?})"));
        writeln!(out, "        Ok(api::types::{name} {{").unwrap();
        emit_literal_fields(api, &mut out, props, &[], |name| format!("&validate::join(at, {name:?})"));
        writeln!(out, "        }})").unwrap();
        writeln!(out, "    }}").unwrap();
        writeln!(out, "}}").unwrap();
    }
    Ok(out)
}

/// `generated_types.rs`: the models the API returns and every enum, re-exported from the
/// generated client (request bodies and input models are built through the builders).
pub fn render_types(api: &Api) -> String {
    let mut names: Vec<&str> = api.response_models().iter().map(|m| m.name.as_str()).collect();
    names.extend(crate::codegen::enums::enums(api).map(|(name, _, _)| name));
    names.sort_unstable();
    format!(
        "//! The API's models and enums, as returned by the operations: the generated types of\n\
         //! `vitable-connect-api`, re-exported. Every field is public, IDs are typed\n\
         //! ([`crate::ids`]), dates are [`chrono::NaiveDate`] and timestamps\n\
         //! `chrono::DateTime<Utc>`. Values you send are built with the builders and [`crate::input`].\n\n\
         pub use vitable_connect_api::types::{{{}}};\n",
        names.join(", ")
    )
}

/// The spec's example of each parameter and body property of `op` that has one.
pub(crate) fn examples<'a>(
    api: &'a Api,
    op: &'a Op,
) -> std::collections::BTreeMap<&'a str, &'a serde_json::Value> {
    let params = op.params.iter().filter_map(|p| Some((p.name.as_str(), p.example.as_ref()?)));
    let props = op.body.as_deref().map(|b| api.props(b)).unwrap_or_default();
    // A parameter's example wins over a body property's of the same name.
    props.iter().filter_map(|p| Some((p.name.as_str(), p.example.as_ref()?))).chain(params).collect()
}

/// Sample values for the required arguments of the builder's `new` (and of the entry point
/// that calls it): each a Rust expression and the JSON the API receives for it.
pub(crate) fn sample_args(
    api: &Api,
    sampler: &mut Sampler,
    fields: &[Field],
    examples: &std::collections::BTreeMap<&str, &serde_json::Value>,
) -> Vec<(String, serde_json::Value)> {
    fields
        .iter()
        .filter(|f| f.required)
        .map(|f| sampler.value(api, f.ty, f.limits, examples.get(f.name).copied(), true))
        .collect()
}

pub(crate) fn rust_args(args: &[(String, serde_json::Value)]) -> String {
    args.iter().map(|(rust, _)| rust.as_str()).collect::<Vec<_>>().join(", ")
}

/// The call of `op`'s public entry point (`client.members().qualifying_life_events().record(..)`)
/// with `args`, the Rust expressions of its required values.
pub(crate) fn entry_call(op: &Op, args: &[(String, serde_json::Value)]) -> String {
    format!("client.{}({})", op.name.replace('.', "()."), rust_args(args))
}

/// `op`'s fields, and the call of its entry point with sample values of its required ones only.
fn minimal_call<'a>(api: &'a Api, op: &'a Op) -> Result<(Vec<Field<'a>>, String), String> {
    let fields = fields_of(api, op)?;
    let required = sample_args(api, &mut Sampler::new("vitable_connect"), &fields, &examples(api, op));
    let call = entry_call(op, &required);
    Ok((fields, call))
}

/// Path of the minimal requests of the workspace tests.
pub const MINIMAL: &str = "tests/tests/generated_minimal.rs";

/// `tests/tests/generated_minimal.rs`: every operation sent through its public entry point with
/// only its required values (and each clearable property cleared in turn), for the spec-driven
/// tests (`send_minimal`, `stream_minimal`). Test code: it is not part of the library.
pub fn render_minimal(api: &Api) -> Result<String, String> {
    let mut out = String::from(
        "//! Every operation of `openapi.yaml` sent through the SDK's public entry point with only\n\
         //! its required values (see `forward_compat.rs` and `maximal_requests.rs`).\n\n\
         use vitable_connect::{Client, Result};\n\n\
         /// Sends operation `operation_id` with only its required values, `property` cleared when\n\
         /// given, and returns the decoded response serialized again; `None` for an unknown\n\
         /// operation or a property that cannot be cleared.\n\
         #[allow(deprecated, dead_code)]\n\
         pub async fn send_minimal(client: &Client, operation_id: &str, property: Option<&str>) -> Option<Result<serde_json::Value>> {\n\
         fn json(value: impl serde::Serialize) -> serde_json::Value { serde_json::to_value(value).expect(\"a decoded response serializes\") }\n\
         Some(match (operation_id, property) {\n",
    );
    for op in &api.operations {
        let (fields, call) = minimal_call(api, op)?;
        writeln!(out, "({:?}, None) => {call}.send().await.map(json),", op.id).unwrap();
        for f in fields.iter().filter(|f| f.clearable) {
            writeln!(
                out,
                "({:?}, Some({:?})) => {call}.clear_{}().send().await.map(json),",
                op.id, f.name, f.name
            )
            .unwrap();
        }
    }
    out.push_str("_ => return None,\n})\n}\n");
    // Every page of each list operation, through its stream.
    out.push_str(
        "\n/// Streams every item of list operation `operation_id` (only its required values set),\n\
         /// each serialized again; `None` for an operation without pages.\n\
         #[allow(deprecated, dead_code)]\n\
         pub async fn stream_minimal(client: &Client, operation_id: &str) -> Option<Result<Vec<serde_json::Value>>> {\n\
         use futures::TryStreamExt as _;\n\
         fn json(value: impl serde::Serialize) -> serde_json::Value { serde_json::to_value(value).expect(\"a decoded item serializes\") }\n\
         Some(match operation_id {\n",
    );
    for op in api.operations.iter().filter(|op| paged(op).is_some()) {
        let (_, call) = minimal_call(api, op)?;
        writeln!(out, "{:?} => {call}.stream().map_ok(json).try_collect().await,", op.id).unwrap();
    }
    out.push_str("_ => return None,\n})\n}\n");
    Ok(out)
}

/// `op` with every parameter and body property set, each to a value of its own: the call of
/// its entry point with those values, each field's value as the API receives it (in the order
/// of `fields`), and the request the API should receive as JSON (`method`, `path`, `query`
/// name to text, `body` or `null`).
pub(crate) fn maximal(
    api: &Api,
    op: &Op,
    fields: &[Field],
) -> (String, Vec<serde_json::Value>, serde_json::Value) {
    let example = examples(api, op);
    let mut sampler = Sampler::new("vitable_connect");
    let required = sample_args(api, &mut sampler, fields, &example);
    let mut required_values = required.iter().map(|(_, w)| w.clone());
    let mut call = entry_call(op, &required);
    let mut values = Vec::new();
    for f in fields {
        if f.required {
            values.push(required_values.next().expect("one sample per required field"));
        } else {
            let (rust, value) = sampler.value(api, f.ty, f.limits, example.get(f.name).copied(), true);
            write!(call, ".{}({rust})", ident(f.name)).unwrap();
            values.push(value);
        }
    }
    let text = |value: &serde_json::Value| match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut path = op.path.clone();
    let mut query = serde_json::Map::new();
    let mut body = serde_json::Map::new();
    for (f, value) in fields.iter().zip(&values) {
        if f.path {
            path = path.replace(&format!("{{{}}}", f.name), &text(value));
        } else if f.query {
            query.insert(f.name.to_owned(), serde_json::Value::String(text(value)));
        } else {
            body.insert(f.name.to_owned(), value.clone());
        }
    }
    let expected = serde_json::json!({
        "method": op.method,
        "path": path,
        "query": query,
        "body": if op.body.is_some() { serde_json::Value::Object(body) } else { serde_json::Value::Null },
    });
    (call, values, expected)
}

/// Path of the maximal requests of the workspace tests.
pub const MAXIMAL: &str = "tests/tests/generated_maximal.rs";

/// `tests/tests/generated_maximal.rs`: every operation sent through its public entry point
/// (`client.<resource>()...<operation>(..)`, the hand-written part of the SDK) with every
/// parameter and body property set, each to a value of its own, together with the request the
/// API should then receive. A missing or differently shaped entry point does not compile; two
/// arguments swapped on the way to the wire differ from the expected request.
pub fn render_maximal(api: &Api) -> Result<String, String> {
    let mut out = String::from(
        "//! Every operation of `openapi.yaml` sent through the SDK's public entry point with every\n\
         //! parameter and body property set, each to a different value, and the request the API\n\
         //! should receive for it (see `maximal_requests.rs`).\n\n\
         use vitable_connect::Client;\n\n\
         /// Sends operation `operation_id` through `client`; returns what the call returned and,\n\
         /// as JSON, the request the API should receive: `method`, `path`, `query` (name to\n\
         /// value) and `body` (`null` without one). `None` for an unknown operation.\n\
         #[allow(deprecated)]\n\
         pub async fn send_maximal(client: &Client, operation_id: &str) -> Option<(vitable_connect::Result<()>, &'static str)> {\n\
         Some(match operation_id {\n",
    );
    for op in &api.operations {
        let fields = fields_of(api, op)?;
        let (call, _, expected) = maximal(api, op, &fields);
        writeln!(
            out,
            "{:?} => ({call}.send_with_response().await.map(|_| ()), {:?}),",
            op.id,
            expected.to_string()
        )
        .unwrap();
    }
    out.push_str("_ => return None,\n})\n}\n");
    Ok(out)
}
