//! The command tree, built from the operation table of `openapi.yaml`
//! ([`vitable_connect_api::spec`]): one command per operation, named after the SDK's dotted name
//! (`members.qualifying_life_events.record` → `members qualifying-life-events record`), with
//! path parameters as positional arguments and every query parameter and body property as a
//! flag whose help is the spec's description, type, enum values, default and limits.

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command};
use vitable_connect_api::spec::{self, Limits, Location, Operation, SchemaKind};

use crate::options;

/// One value an operation takes from the command line: a parameter or a body property.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    /// Its name on the wire (`qle_id`).
    pub name: &'static str,
    /// Its type as the tables write it (`QleId`, `[Election]`, `date`).
    pub ty: &'static str,
    pub required: bool,
    pub description: &'static str,
    pub limits: Limits,
    pub deprecated: Option<&'static str>,
    pub place: Place,
    /// Sending `null` clears it (a nullable property of an update).
    pub clearable: bool,
}

/// Where a field goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    Path,
    Query,
    Body,
}

impl Field {
    /// The flag (`--qle-id`) or, for a path parameter, the positional value name
    /// (`ENROLLMENT_ID`) the user writes.
    pub fn shown(&self) -> String {
        match self.place {
            Place::Path => self.value_name(),
            _ => format!("--{}", self.flag()),
        }
    }

    /// The flag's long name, without dashes.
    pub fn flag(&self) -> String {
        self.name.replace('_', "-")
    }

    /// The value name in usage lines.
    fn value_name(&self) -> String {
        match kind_of(self.ty) {
            Kind::Json => "JSON|@FILE".to_owned(),
            _ if self.place == Place::Path => self.name.to_uppercase(),
            Kind::Scalar(Scalar::Integer) => "INTEGER".to_owned(),
            Kind::Scalar(Scalar::Number) => "NUMBER".to_owned(),
            Kind::Scalar(Scalar::Boolean) => "BOOL".to_owned(),
            Kind::Scalar(Scalar::Date) => "YYYY-MM-DD".to_owned(),
            Kind::Scalar(Scalar::DateTime) => "DATE-TIME".to_owned(),
            Kind::Scalar(Scalar::Text) | Kind::List(_) => {
                let inner = self.ty.trim_start_matches('[').trim_end_matches(']');
                match spec::schema(inner).map(|s| s.kind) {
                    Some(SchemaKind::Id | SchemaKind::Enum(_) | SchemaKind::String(_)) => to_screaming(inner),
                    _ => "TEXT".to_owned(),
                }
            }
        }
    }
}

/// How a value is written on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// One value.
    Scalar(Scalar),
    /// Repeat the flag for each item (or give a JSON array).
    List(Scalar),
    /// JSON text, `@file.json`, or `-` for stdin.
    Json,
}

/// The JSON type a single value becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scalar {
    Text,
    Integer,
    Number,
    Boolean,
    Date,
    DateTime,
}

fn scalar(ty: &str) -> Option<Scalar> {
    Some(match ty {
        "string" => Scalar::Text,
        "integer" => Scalar::Integer,
        "number" => Scalar::Number,
        "boolean" => Scalar::Boolean,
        "date" => Scalar::Date,
        "date-time" => Scalar::DateTime,
        name => match spec::schema(name)?.kind {
            SchemaKind::Id | SchemaKind::String(_) | SchemaKind::Enum(_) => Scalar::Text,
            SchemaKind::Object(_) => return None,
        },
    })
}

/// How a value of type `ty` (as the tables write it) is written on the command line.
pub(crate) fn kind_of(ty: &str) -> Kind {
    if let Some(item) = ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return scalar(item).map_or(Kind::Json, Kind::List);
    }
    scalar(ty).map_or(Kind::Json, Kind::Scalar)
}

/// `EventType` → `EVENT_TYPE`.
fn to_screaming(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// The values of `op` the command line can give, in order: path parameters, query
/// parameters, body properties.
pub(crate) fn fields(op: &Operation) -> Vec<Field> {
    let mut fields: Vec<Field> = op
        .params
        .iter()
        .map(|p| Field {
            name: p.name,
            ty: p.ty,
            required: p.required,
            description: p.description,
            limits: p.limits,
            deprecated: p.deprecated,
            place: if p.location == Location::Path { Place::Path } else { Place::Query },
            clearable: false,
        })
        .collect();
    fields.sort_by_key(|f| f.place != Place::Path);
    let update = matches!(op.method, "PUT" | "PATCH");
    for p in op.body.and_then(spec::properties).unwrap_or_default() {
        fields.push(Field {
            name: p.name,
            ty: p.ty,
            required: p.required,
            description: p.description,
            limits: p.limits,
            deprecated: p.deprecated,
            place: Place::Body,
            clearable: update && p.clearable && !p.required,
        });
    }
    fields
}

/// A sentence on the type and limits of a field, for help: `[integer, 1 to 100, default 20]`.
fn facts(field: &Field) -> String {
    // A named string schema (`Ssn`) carries its own limits.
    let l = &match spec::schema(field.ty).map(|s| s.kind) {
        Some(SchemaKind::String(limits)) if field.limits == Limits::default() => limits,
        _ => field.limits,
    };
    let mut parts = vec![match spec::schema(field.ty.trim_matches(['[', ']'])).map(|s| s.kind) {
        Some(SchemaKind::Id) => format!("ID ({})", field.ty),
        Some(SchemaKind::Object(_)) if field.ty.starts_with('[') => {
            format!("JSON array of {} objects, or @file.json", field.ty.trim_matches(['[', ']']))
        }
        Some(SchemaKind::Object(_)) => format!("JSON {} object, or @file.json", field.ty),
        _ if kind_of(field.ty) == Kind::Json => format!("JSON ({}), or @file.json", field.ty),
        _ => field.ty.to_owned(),
    }];
    if field.ty.starts_with('[') && kind_of(field.ty) != Kind::Json {
        parts.push("repeat the flag for each item".to_owned());
    }
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
    if !l.shapes.is_empty() {
        parts.push(format!("written {}", l.shapes.join(" or ")));
    }
    if let Some(format) = l.format {
        parts.push(format!("format {format}"));
    }
    if let Some(default) = l.default {
        parts.push(format!("default {default}"));
    }
    if field.required && field.place == Place::Body {
        parts.push("required".to_owned());
    }
    format!("[{}]", parts.join("; "))
}

fn help(field: &Field) -> String {
    let mut text = String::new();
    if let Some(note) = field.deprecated {
        text.push_str(&format!("DEPRECATED: {note}. "));
    }
    text.push_str(field.description);
    if !text.is_empty() && !text.ends_with('.') {
        text.push('.');
    }
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(&facts(field));
    text
}

/// The argument of one field.
fn arg(field: &Field) -> Arg {
    let mut arg = Arg::new(field.name).help(help(field)).value_name(field.value_name());
    arg = match field.place {
        Place::Path => arg.required(true),
        _ => arg.long(field.flag()),
    };
    let item = field.ty.trim_start_matches('[').trim_end_matches(']');
    if let Some(values) = spec::enum_values(item) {
        arg = arg.value_parser(PossibleValuesParser::new(values.iter().copied()));
    } else if kind_of(field.ty) == Kind::Scalar(Scalar::Boolean) {
        arg = arg.value_parser(PossibleValuesParser::new(["true", "false"]));
    }
    if matches!(kind_of(field.ty), Kind::List(_)) {
        arg = arg.action(ArgAction::Append);
    }
    if field.deprecated.is_some() {
        arg = arg.help_heading("Deprecated options");
    }
    arg
}

/// `employers.create_eligibility_policy` → `["employers", "create-eligibility-policy"]`.
pub(crate) fn command_path(op: &Operation) -> Vec<String> {
    op.name.split('.').map(|part| part.replace('_', "-")).collect()
}

/// The command of one operation.
fn operation_command(op: &'static Operation, name: &str) -> Command {
    let mut about = op.summary.trim_end_matches('.').to_owned();
    if op.deprecated.is_some() {
        about = format!("[DEPRECATED] {about}");
    }
    let mut long = format!("{}.", op.summary.trim_end_matches('.'));
    if !op.description.is_empty() {
        long.push_str("\n\n");
        long.push_str(op.description);
    }
    if let Some(note) = op.deprecated {
        long.push_str(&format!("\n\nDEPRECATED by the API: {note}"));
    }
    long.push_str(&format!("\n\n{} {}", op.method, op.path));
    if op.is_write() {
        long.push_str(
            "\n\nA write: it is sent with an idempotency key (printed on stderr; give your own with \
             --idempotency-key), so resending it with the same key never applies it twice.",
        );
    }
    // `--page -1` reaches the checks (and their message) instead of reading as a flag.
    let mut cmd = Command::new(name.to_owned()).about(about).long_about(long).allow_negative_numbers(true);
    let fields = fields(op);
    for field in &fields {
        cmd = cmd.arg(arg(field));
        if field.clearable {
            cmd = cmd.arg(
                Arg::new(clear_id(field.name))
                    .long(format!("clear-{}", field.flag()))
                    .action(ArgAction::SetTrue)
                    .conflicts_with(field.name)
                    .help(format!("Clear `{}`: send it as null", field.name)),
            );
        }
    }
    if op.body.is_some() {
        cmd = cmd.arg(Arg::new(options::BODY).long("body").value_name("JSON|@FILE|-").help(
            "The whole request body as JSON, @file.json, or - for stdin; the flags above override its fields",
        ));
    }
    if is_paged(op) {
        cmd = cmd.arg(
            Arg::new(options::ALL)
                .long("all")
                .action(ArgAction::SetTrue)
                .conflicts_with("page")
                .help("Fetch every page, one at a time, and print every item (JSON Lines when piped)"),
        );
    }
    if op.is_write() {
        cmd = cmd.arg(Arg::new(options::IDEMPOTENCY_KEY).long("idempotency-key").value_name("KEY").help(
            "Send this idempotency key (to resend a write whose outcome is unknown); default: a new one",
        ));
    }
    cmd
}

/// The id of the `--clear-<name>` flag of a clearable field.
pub(crate) fn clear_id(name: &str) -> String {
    format!("clear-{name}")
}

/// Whether the operation pages with `page` and `limit`.
pub(crate) fn is_paged(op: &Operation) -> bool {
    op.param("page").is_some_and(|p| p.location == Location::Query && p.ty == "integer")
        && op.param("limit").is_some_and(|p| p.location == Location::Query && p.ty == "integer")
        && op.success.is_some_and(|s| s.starts_with('['))
}

/// A group of commands (`members`, `members qualifying-life-events`) and what it holds.
#[derive(Default)]
struct Group {
    operations: Vec<(String, &'static Operation)>,
    groups: std::collections::BTreeMap<String, Group>,
}

impl Group {
    fn insert(&mut self, path: &[String], op: &'static Operation) {
        match path {
            [name] => self.operations.push((name.clone(), op)),
            [group, rest @ ..] => self.groups.entry(group.clone()).or_default().insert(rest, op),
            [] => {}
        }
    }

    fn into_command(self, cmd: Command) -> Command {
        let mut cmd = cmd;
        for (name, op) in self.operations {
            cmd = cmd.subcommand(operation_command(op, &name));
        }
        for (name, group) in self.groups {
            cmd = cmd.subcommand(group.into_command(group_command(&name)));
        }
        cmd
    }
}

/// The command of a group: a resource (with the tag's description) or a resource below one.
fn group_command(name: &str) -> Command {
    let tag = name.replace('-', "_");
    let about = spec::TAGS
        .iter()
        .find(|t| t.name == tag)
        .map(|t| t.description.trim_end_matches('.').to_owned())
        .unwrap_or_else(|| format!("Operations on {}", name.replace('-', " ")));
    Command::new(name.to_owned()).about(about).subcommand_required(true).arg_required_else_help(true)
}

/// Adds a command for every operation of the table to `root`.
pub(crate) fn with_operations(root: Command) -> Command {
    let mut tree = Group::default();
    for op in spec::OPERATIONS {
        tree.insert(&command_path(op), op);
    }
    tree.into_command(root)
}

/// The operation whose command path is `path`.
pub(crate) fn find(path: &[&str]) -> Option<&'static Operation> {
    spec::OPERATIONS.iter().find(|op| command_path(op).iter().map(String::as_str).eq(path.iter().copied()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `openapi.yaml` deprecates no parameter or property today, so a real operation is copied
    /// with one of its query parameters marked deprecated: its flag's help must say so, under
    /// the "Deprecated options" heading, and the other flags must not.
    #[test]
    fn a_deprecated_flag_says_so_in_its_help() {
        let note = "use something else instead";
        let (op, deprecated) = spec::OPERATIONS
            .iter()
            .find_map(|op| {
                let query = op.params.iter().position(|p| p.location == Location::Query)?;
                let other =
                    op.params.iter().enumerate().any(|(i, p)| i != query && p.location == Location::Query);
                other.then_some((op, query))
            })
            .expect("an operation with two query parameters");
        let mut params = op.params.to_vec();
        params[deprecated].deprecated = Some(note);
        let name = params[deprecated].name;
        let mut copy = *op;
        copy.params = Box::leak(params.into_boxed_slice());
        let copy: &'static Operation = Box::leak(Box::new(copy));

        let field = fields(copy).into_iter().find(|f| f.name == name).unwrap();
        let text = help(&field);
        assert!(text.starts_with(&format!("DEPRECATED: {note}. ")), "{text}");
        assert!(text.contains(field.description.trim_end_matches('.')), "{text}");

        let mut cmd = operation_command(copy, "x").term_width(0);
        let rendered = cmd.render_long_help().to_string();
        let (before, section) =
            rendered.split_once("Deprecated options:").unwrap_or_else(|| panic!("no heading: {rendered}"));
        let flag = format!("--{}", name.replace('_', "-"));
        assert!(!before.contains(&format!("{flag} ")), "{flag} is listed under its heading only: {rendered}");
        let entry = section.split_once(&flag).map(|(_, rest)| rest).unwrap_or_else(|| panic!("{rendered}"));
        assert!(entry.contains(&format!("DEPRECATED: {note}.")), "{rendered}");
        assert_eq!(rendered.matches("DEPRECATED").count(), 1, "only the deprecated flag says so: {rendered}");

        // The same flag of the operation as the spec has it says nothing of the kind.
        let plain = operation_command(op, "x").term_width(0).render_long_help().to_string();
        assert!(!plain.contains("DEPRECATED") && !plain.contains("Deprecated options"), "{plain}");
    }
}
