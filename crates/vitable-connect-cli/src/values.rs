//! The values of one operation, gathered from the command line: positional path parameters,
//! flags, and `--body` (JSON, `@file.json` or `-` for stdin) whose fields the flags override.
//! JSON values are checked against the spec's schemas (known properties, enum values, IDs,
//! required properties) before the typed builder checks the limits.

use std::io::Read as _;

use clap::ArgMatches;
use serde_json::{Map, Value};
use vitable_connect_api::spec::{self, Operation, SchemaKind};

use crate::call::Failure;
use crate::generated_commands::check_id;
use crate::options;
use crate::tree::{self, Field, Kind, Place, Scalar};

/// The values given for one operation, by wire name, with where each came from.
#[derive(Debug, Default)]
pub(crate) struct Values {
    values: Map<String, Value>,
    /// For each value, how the user wrote it (`--qle-id`, `ENROLLMENT_ID`, `--body`).
    shown: Vec<(String, String)>,
    /// The values came as named arguments (an MCP tool call), not flags.
    arguments: bool,
}

impl Values {
    /// The value of `name`, if one was given (`null` clears it).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    /// How the user wrote `name`: its flag or positional name.
    pub fn shown(&self, name: &str) -> String {
        self.shown.iter().find(|(n, _)| n == name).map(|(_, shown)| shown.clone()).unwrap_or_else(|| {
            if self.arguments { name.to_owned() } else { format!("--{}", name.replace('_', "-")) }
        })
    }

    fn set(&mut self, field: &Field, value: Value, shown: String) {
        self.values.insert(field.name.to_owned(), value);
        self.shown.retain(|(n, _)| n != field.name);
        self.shown.push((field.name.to_owned(), shown));
    }
}

/// Reads `@file` or `-` (stdin) or takes the text itself.
pub(crate) fn read_text(text: &str, shown: &str) -> Result<String, Failure> {
    if text == "-" {
        let mut buffer = String::new();
        std::io::stdin()
            .read_to_string(&mut buffer)
            .map_err(|e| Failure::usage(format!("{shown}: cannot read stdin: {e}")))?;
        return Ok(buffer);
    }
    if let Some(path) = text.strip_prefix('@') {
        return std::fs::read_to_string(path)
            .map_err(|e| Failure::usage(format!("{shown}: cannot read {path}: {e}")));
    }
    Ok(text.to_owned())
}

fn parse_json(text: &str, shown: &str) -> Result<Value, Failure> {
    let text = read_text(text, shown)?;
    serde_json::from_str(&text).map_err(|e| Failure::usage(format!("{shown}: not valid JSON: {e}")))
}

/// One command-line text as the JSON value of a scalar type.
fn scalar_value(scalar: Scalar, text: &str, shown: &str) -> Result<Value, Failure> {
    Ok(match scalar {
        Scalar::Integer => match text.trim().parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) if text.trim().parse::<i128>().is_ok() => {
                return Err(Failure::usage(format!("{shown}: `{text}` is too large")));
            }
            Err(_) => return Err(Failure::usage(format!("{shown}: `{text}` is not a whole number"))),
        },
        Scalar::Number => {
            let n: f64 = text
                .trim()
                .parse()
                .map_err(|_| Failure::usage(format!("{shown}: `{text}` is not a number")))?;
            serde_json::Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(|| Failure::usage(format!("{shown}: `{text}` is not a finite number")))?
        }
        Scalar::Boolean => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(Failure::usage(format!("{shown}: `{text}` is not true or false"))),
        },
        Scalar::Text | Scalar::Date | Scalar::DateTime => Value::String(text.to_owned()),
    })
}

/// Gathers and checks the values of `op` from its command's matches.
pub(crate) fn gather(op: &Operation, matches: &ArgMatches) -> Result<Values, Failure> {
    let fields = tree::fields(op);
    let mut values = Values::default();
    if let Ok(Some(body)) = matches.try_get_one::<String>(options::BODY) {
        let Value::Object(object) = parse_json(body, "--body")? else {
            return Err(Failure::usage("--body: must be a JSON object".to_owned()));
        };
        for (name, value) in object {
            let Some(field) = fields.iter().find(|f| f.place == Place::Body && f.name == name) else {
                let known: Vec<&str> =
                    fields.iter().filter(|f| f.place == Place::Body).map(|f| f.name).collect();
                return Err(Failure::usage(format!(
                    "--body: unknown property `{name}` (the body of {} has: {})",
                    op.name,
                    known.join(", ")
                )));
            };
            values.set(field, value, format!("--body: {name}"));
        }
    }
    for field in &fields {
        if matches.get_flag_opt(&tree::clear_id(field.name)) {
            values.set(field, Value::Null, format!("--clear-{}", field.flag()));
            continue;
        }
        let shown = field.shown();
        let Some(raw) = matches.get_many::<String>(field.name) else { continue };
        let raw: Vec<&String> = raw.collect();
        let value = match tree::kind_of(field.ty) {
            Kind::Scalar(scalar) => scalar_value(scalar, raw[0], &shown)?,
            Kind::List(_) if raw.len() == 1 && raw[0].trim_start().starts_with('[') => {
                parse_json(raw[0], &shown)?
            }
            Kind::List(scalar) => Value::Array(
                raw.iter().map(|text| scalar_value(scalar, text, &shown)).collect::<Result<_, _>>()?,
            ),
            Kind::Json => parse_json(raw[0], &shown)?,
        };
        values.set(field, value, shown);
    }
    for field in &fields {
        let shown = values.shown(field.name);
        match values.get(field.name) {
            None if field.required => {
                let how = match field.place {
                    Place::Body if op.body.is_some() => {
                        format!("{} (or `{}` in --body)", field.shown(), field.name)
                    }
                    _ => field.shown(),
                };
                return Err(Failure::usage(format!("missing {how}: {}", required_note(field))));
            }
            Some(value) => check(value, field.ty, &shown, field.clearable)?,
            None => {}
        }
    }
    Ok(values)
}

fn required_note(field: &Field) -> String {
    let text = field.description.trim_end_matches('.');
    if text.is_empty() { format!("a {} is required", field.ty) } else { text.to_owned() }
}

/// `ArgMatches::get_flag` for a flag that only some commands have.
trait FlagOpt {
    fn get_flag_opt(&self, id: &str) -> bool;
}

impl FlagOpt for ArgMatches {
    fn get_flag_opt(&self, id: &str) -> bool {
        matches!(self.try_get_one::<bool>(id), Ok(Some(true)))
    }
}

/// What kind of JSON value `value` is, for messages that must not repeat it.
fn kind_of_value(value: &Value) -> &'static str {
    match value {
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
        Value::Null => "null",
    }
}

/// Checks a JSON value against the spec's type `ty` (as the tables write it): the JSON type,
/// known properties, required properties, enum values and IDs. Limits are left to the SDK.
pub(crate) fn check(value: &Value, ty: &str, at: &str, nullable: bool) -> Result<(), Failure> {
    let bad = |what: String| Err(Failure::usage(format!("{at}: {what}")));
    if value.is_null() {
        return if nullable { Ok(()) } else { bad("must not be null".to_owned()) };
    }
    if let Some(item) = ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        let Value::Array(items) = value else {
            return bad(format!("must be a JSON array of {item}, not {}", kind_of_value(value)));
        };
        for (i, item_value) in items.iter().enumerate() {
            check(item_value, item, &format!("{at}[{i}]"), false)?;
        }
        return Ok(());
    }
    if let Some(inner) = ty.strip_prefix("{string: ").and_then(|t| t.strip_suffix('}')) {
        let Value::Object(map) = value else {
            return bad(format!("must be a JSON object, not {}", kind_of_value(value)));
        };
        for (key, v) in map {
            check(v, inner, &format!("{at}.{key}"), false)?;
        }
        return Ok(());
    }
    // The value itself is not repeated: it may be personal data typed into the wrong field.
    let kind = kind_of_value(value);
    let expect = |ok: bool, what: &str| if ok { Ok(()) } else { bad(format!("must be {what}, not {kind}")) };
    match ty {
        "string" | "date" | "date-time" => expect(value.is_string(), "a string"),
        "integer" => expect(value.is_i64() || value.is_u64(), "a whole number"),
        "number" => expect(value.is_number(), "a number"),
        "boolean" => expect(value.is_boolean(), "true or false"),
        "any" => Ok(()),
        schema => match spec::schema(schema).map(|s| s.kind) {
            Some(SchemaKind::Id) => {
                let Value::String(text) = value else {
                    return bad(format!("must be a {schema} string, not {kind}"));
                };
                match check_id(schema, text) {
                    Some(Err(problem)) => bad(problem),
                    _ => Ok(()),
                }
            }
            Some(SchemaKind::String(_)) => expect(value.is_string(), "a string"),
            Some(SchemaKind::Enum(known)) => match value.as_str() {
                Some(text) if known.contains(&text) => Ok(()),
                Some(text) => bad(format!("`{text}` is not one of {}", known.join(", "))),
                None => bad(format!("must be one of {}, not {kind}", known.join(", "))),
            },
            Some(SchemaKind::Object(props)) => {
                let Value::Object(map) = value else {
                    return bad(format!("must be a JSON {schema} object, not {kind}"));
                };
                for (key, v) in map {
                    let Some(prop) = props.iter().find(|p| p.name == key) else {
                        let names: Vec<&str> = props.iter().map(|p| p.name).collect();
                        return bad(format!("unknown property `{key}` ({schema} has: {})", names.join(", ")));
                    };
                    check(v, prop.ty, &format!("{at}.{key}"), prop.nullable)?;
                }
                if let Some(missing) = props.iter().find(|p| p.required && !map.contains_key(p.name)) {
                    return bad(format!("missing required property `{}`", missing.name));
                }
                Ok(())
            }
            None => Ok(()),
        },
    }
}

/// Gathers and checks the values of `op` from the JSON arguments of an MCP tool call: one
/// argument per parameter and body property, by wire name; `extra` names the arguments the
/// caller takes itself (the idempotency key). Failures name the argument.
pub(crate) fn from_arguments(
    op: &Operation,
    arguments: &Map<String, Value>,
    extra: &[&str],
) -> Result<Values, Failure> {
    let fields = tree::fields(op);
    let mut values = Values { arguments: true, ..Values::default() };
    for (name, value) in arguments {
        if extra.contains(&name.as_str()) {
            continue;
        }
        let Some(field) = fields.iter().find(|f| f.name == name) else {
            let known: Vec<&str> = fields.iter().map(|f| f.name).chain(extra.iter().copied()).collect();
            return Err(Failure::usage(format!(
                "unknown argument `{name}` ({} takes: {})",
                op.id,
                known.join(", ")
            )));
        };
        check(value, field.ty, name, field.clearable)?;
        values.set(field, value.clone(), name.clone());
    }
    if let Some(missing) = fields.iter().find(|f| f.required && !values.values.contains_key(f.name)) {
        return Err(Failure::usage(format!(
            "missing required argument `{}`: {}",
            missing.name,
            required_note(missing)
        )));
    }
    Ok(values)
}
