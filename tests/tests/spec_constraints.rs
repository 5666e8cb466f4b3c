//! Snapshot of every constraint `openapi.yaml` states, straight from the spec.
//!
//! Some limits never reach the generated code (progenitor drops `minimum: 0`, `maximum`,
//! `minItems`, `default` and `format: email`), so the snapshots of the generated surface
//! alone would not show a change to them. This snapshot lists, for every schema property and
//! every operation parameter, its type, format, required and nullable flags, enum values and
//! limits, so that any such edit to the spec is a reviewable diff.
//!
//! The tables generated from the spec (`vitable_connect_api::spec`), from which the SDK checks
//! its input and the other tests take their expectations, are cross-checked here against the
//! spec: the same schemas, properties, limits, enum values, operations and deprecations.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_yaml::{Mapping, Value};
use vitable_connect_api::spec;

use crate::support::Failures;

const HTTP_METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

const KEYS: &[&str] = &[
    "format",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "default",
    "pattern",
    "x-shapes",
];

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(path).expect("openapi.yaml is readable"))
        .expect("valid YAML")
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other).expect("a scalar serialises").trim().to_owned(),
    }
}

/// The forms of an `x-shapes` extension, comma-separated (its reason is for readers).
fn shapes(value: &Value) -> String {
    value["forms"].as_sequence().into_iter().flatten().map(scalar).collect::<Vec<_>>().join(",")
}

/// One line describing a schema as used at one place: `$ref`, type, nullable and limits.
fn describe(schema: &Value) -> String {
    let Some(map) = schema.as_mapping() else { return "any".into() };
    let get = |k: &str| map.get(Value::from(k));
    let mut parts = Vec::new();
    if let Some(r) = get("$ref") {
        parts.push(scalar(r).rsplit('/').next().unwrap_or_default().to_owned());
    }
    if let Some(Value::Sequence(all)) = get("allOf") {
        for item in all {
            parts.push(describe(item));
        }
    }
    if let Some(t) = get("type") {
        let mut t = scalar(t);
        if t == "array" {
            t = format!("array of {}", get("items").map(describe).unwrap_or_else(|| "any".into()));
        }
        if let (true, Some(extra)) = (t == "object", get("additionalProperties")) {
            t = format!("map of {}", describe(extra));
        }
        parts.push(t);
    }
    if parts.is_empty() {
        parts.push("any".into());
    }
    if get("nullable").and_then(Value::as_bool) == Some(true) {
        parts.push("nullable".into());
    }
    for key in KEYS {
        if let Some(v) = get(key) {
            parts.push(format!("{key}={}", if *key == "x-shapes" { shapes(v) } else { scalar(v) }));
        }
    }
    if let Some(Value::Sequence(values)) = get("enum") {
        let values: Vec<String> = values.iter().map(scalar).collect();
        parts.push(format!("enum=[{}]", values.join(", ")));
    }
    parts.join(" ")
}

fn resolve<'a>(spec: &'a Value, maybe_ref: &'a Value) -> &'a Value {
    match maybe_ref.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let mut node = spec;
            for part in r.trim_start_matches("#/").split('/') {
                node = &node[part];
            }
            node
        }
        None => maybe_ref,
    }
}

#[test]
fn spec_constraints_snapshot() {
    let spec = spec();
    let mut out = String::new();

    writeln!(out, "# schemas").unwrap();
    let schemas = spec["components"]["schemas"].as_mapping().expect("components.schemas");
    for (name, schema) in schemas {
        writeln!(out, "{}: {}", scalar(name), describe(schema)).unwrap();
        let required: Vec<&str> = schema["required"]
            .as_sequence()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let empty = Mapping::new();
        for (field, field_schema) in schema["properties"].as_mapping().unwrap_or(&empty) {
            let field = scalar(field);
            let flag = if required.contains(&field.as_str()) { "required" } else { "optional" };
            writeln!(out, "  {field} ({flag}): {}", describe(field_schema)).unwrap();
        }
    }

    writeln!(out, "\n# operations").unwrap();
    for (path, item) in spec["paths"].as_mapping().expect("paths") {
        for (method, op) in item.as_mapping().expect("path item") {
            let Some(id) = op["operationId"].as_str() else { continue };
            writeln!(out, "{id}: {} {}", scalar(method).to_uppercase(), scalar(path)).unwrap();
            for param in op["parameters"].as_sequence().into_iter().flatten() {
                let param = resolve(&spec, param);
                let flag = if param["required"].as_bool() == Some(true) { "required" } else { "optional" };
                writeln!(
                    out,
                    "  {} in {} ({flag}): {}",
                    scalar(&param["name"]),
                    scalar(&param["in"]),
                    describe(&param["schema"])
                )
                .unwrap();
            }
            if let Some(body) = op.get("requestBody") {
                let schema = &body["content"]["application/json"]["schema"];
                writeln!(out, "  body: {}", describe(schema)).unwrap();
            }
            for (status, response) in op["responses"].as_mapping().expect("responses") {
                let response = resolve(&spec, response);
                let schema = &response["content"]["application/json"]["schema"];
                let shown = if schema.is_null() { "no body".to_owned() } else { describe(schema) };
                writeln!(out, "  {}: {shown}", scalar(status)).unwrap();
            }
        }
    }
    insta::assert_snapshot!("spec_constraints", out);
}

// ---------------------------------------------------------------------------------------------
// The generated tables state what the spec states
// ---------------------------------------------------------------------------------------------

/// A schema's type in the words of the tables (`vitable_connect_api::spec`): `string`,
/// `date`, `date-time`, `integer`, `number`, `boolean`, a schema name, `[T]`, `{string: T}`
/// or `any`.
fn ty(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return reference.rsplit('/').next().unwrap_or_default().to_owned();
    }
    if let Some([only]) = schema.get("allOf").and_then(Value::as_sequence).map(Vec::as_slice) {
        return ty(only);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some(format @ ("date" | "date-time")) => format.to_owned(),
            _ => "string".to_owned(),
        },
        Some("array") => format!("[{}]", ty(&schema["items"])),
        Some("object") => match schema.get("additionalProperties") {
            Some(value @ Value::Mapping(_)) => format!("{{string: {}}}", ty(value)),
            _ => "{string: any}".to_owned(),
        },
        Some(other) => other.to_owned(),
        None => "any".to_owned(),
    }
}

/// The limits a schema states itself, as `key=value` with the spec's key names. The formats of
/// numbers (`int32`, `int64`, ...) are their representation, not a limit, and the formats
/// `date` and `date-time` are types.
fn spec_limits(schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let is_string = schema.get("type").and_then(Value::as_str) == Some("string");
    let exclusive = |key: &str| schema.get(key).and_then(Value::as_bool) == Some(true);
    for key in KEYS {
        let Some(value) = schema.get(*key) else { continue };
        let value = match *key {
            "format" if !is_string || matches!(value.as_str(), Some("date" | "date-time")) => continue,
            "default" => serde_json::to_value(value).expect("a default is JSON").to_string(),
            "x-shapes" => shapes(value),
            "minimum" if exclusive("exclusiveMinimum") => {
                (value.as_i64().expect("an integer") + 1).to_string()
            }
            "maximum" if exclusive("exclusiveMaximum") => {
                (value.as_i64().expect("an integer") - 1).to_string()
            }
            _ => scalar(value),
        };
        out.push(format!("{key}={value}"));
    }
    out
}

/// The same for the limits of the tables.
fn table_limits(limits: &spec::Limits) -> Vec<String> {
    let spec::Limits {
        min_length,
        max_length,
        minimum,
        maximum,
        min_items,
        max_items,
        pattern,
        format,
        default,
        shapes,
    } = *limits;
    let fields = [
        ("format", format.map(str::to_owned)),
        ("minLength", min_length.map(|v| v.to_string())),
        ("maxLength", max_length.map(|v| v.to_string())),
        ("minimum", minimum.map(|v| v.to_string())),
        ("maximum", maximum.map(|v| v.to_string())),
        ("minItems", min_items.map(|v| v.to_string())),
        ("maxItems", max_items.map(|v| v.to_string())),
        ("default", default.map(str::to_owned)),
        ("pattern", pattern.map(str::to_owned)),
        ("x-shapes", (!shapes.is_empty()).then(|| shapes.join(","))),
    ];
    KEYS.iter()
        .filter_map(|key| {
            let (_, value) = fields.iter().find(|(k, _)| k == key).expect("every key of KEYS is a limit");
            value.as_ref().map(|v| format!("{key}={v}"))
        })
        .collect()
}

fn is_deprecated(schema: &Value) -> bool {
    schema.get("deprecated").and_then(Value::as_bool) == Some(true)
}

fn one_line(text: &Value) -> String {
    text.as_str().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ")
}

fn compare_schema(failures: &mut Failures, name: &str, schema: &Value, table: &spec::Schema) {
    let is_string = schema.get("type").and_then(Value::as_str) == Some("string");
    match table.kind {
        spec::SchemaKind::Enum(values) => {
            let in_spec: Vec<String> =
                schema["enum"].as_sequence().into_iter().flatten().map(scalar).collect();
            failures.check_eq(
                format!("{name}: enum values (spec left, table right)"),
                in_spec,
                values.iter().map(|v| v.to_string()).collect(),
            );
        }
        spec::SchemaKind::Id => {
            failures.check(is_string && name.ends_with("Id") && schema.get("enum").is_none(), || {
                format!(
                    "{name} is an ID in the tables, but not a plain string schema named `...Id` in the spec"
                )
            });
            let limits = spec_limits(schema);
            failures.check(limits.is_empty(), || {
                format!("{name}: the tables drop the limits {limits:?} of this ID")
            });
        }
        spec::SchemaKind::String(limits) => {
            failures.check(is_string && schema.get("enum").is_none(), || {
                format!("{name} is a string in the tables, but not in the spec")
            });
            failures.check_eq(
                format!("{name}: limits (spec left, table right)"),
                spec_limits(schema),
                table_limits(&limits),
            );
        }
        spec::SchemaKind::Object(props) => {
            let empty = Mapping::new();
            let in_spec = schema["properties"].as_mapping().unwrap_or(&empty);
            let names: Vec<String> = in_spec.keys().map(scalar).collect();
            failures.check_eq(
                format!("{name}: properties (spec left, table right)"),
                names,
                props.iter().map(|p| p.name.to_owned()).collect(),
            );
            let required: Vec<&str> = schema["required"]
                .as_sequence()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for prop in props {
                let Some(prop_schema) = in_spec.get(prop.name) else { continue };
                let at = |what: &str| format!("{name}.{}: {what} (spec left, table right)", prop.name);
                failures.check_eq(at("type"), ty(prop_schema), prop.ty.to_owned());
                failures.check_eq(at("required"), required.contains(&prop.name), prop.required);
                let nullable = prop_schema.get("nullable").and_then(Value::as_bool) == Some(true);
                failures.check_eq(at("nullable"), nullable, prop.nullable);
                failures.check_eq(at("limits"), spec_limits(prop_schema), table_limits(&prop.limits));
                failures.check_eq(at("deprecated"), is_deprecated(prop_schema), prop.deprecated.is_some());
            }
        }
    }
}

fn compare_operation(
    failures: &mut Failures,
    yaml: &Value,
    path: &str,
    method: &str,
    op: &Value,
    table: &spec::Operation,
) {
    let id = table.id;
    let at = |what: &str| format!("{id}: {what} (spec left, table right)");
    failures.check_eq(at("method"), method.to_uppercase(), table.method.to_owned());
    failures.check_eq(at("path"), path.to_owned(), table.path.to_owned());
    let tag = op["tags"][0].as_str().unwrap_or_default().replace('-', "_");
    failures.check_eq(at("tag"), tag, table.tag.to_owned());
    failures.check_eq(at("summary"), one_line(&op["summary"]), table.summary.to_owned());
    failures.check_eq(at("deprecated"), is_deprecated(op), table.deprecated.is_some());

    let params: Vec<&Value> = yaml["paths"][path]["parameters"]
        .as_sequence()
        .into_iter()
        .chain(op["parameters"].as_sequence())
        .flatten()
        .map(|p| resolve(yaml, p))
        .collect();
    failures.check_eq(
        at("parameters"),
        params.iter().map(|p| scalar(&p["name"])).collect::<Vec<_>>(),
        table.params.iter().map(|p| p.name.to_owned()).collect(),
    );
    for param in table.params {
        let Some(p) = params.iter().find(|p| p["name"].as_str() == Some(param.name)) else { continue };
        let at = |what: &str| format!("{id}.{}: {what} (spec left, table right)", param.name);
        let location = match param.location {
            spec::Location::Path => "path",
            spec::Location::Query => "query",
        };
        failures.check_eq(at("location"), scalar(&p["in"]), location.to_owned());
        failures.check_eq(at("required"), p["required"].as_bool() == Some(true), param.required);
        failures.check_eq(at("type"), ty(&p["schema"]), param.ty.to_owned());
        failures.check_eq(at("limits"), spec_limits(&p["schema"]), table_limits(&param.limits));
        failures.check_eq(
            at("deprecated"),
            is_deprecated(p) || is_deprecated(&p["schema"]),
            param.deprecated.is_some(),
        );
    }

    let body = op.get("requestBody").map(|b| ty(&b["content"]["application/json"]["schema"]));
    failures.check_eq(at("body"), body, table.body.map(str::to_owned));
    let success = op["responses"]
        .as_mapping()
        .into_iter()
        .flatten()
        .find(|(status, _)| scalar(status).starts_with('2'));
    match success {
        None => failures.push(format!("{id} has no 2xx response in the spec")),
        Some((status, response)) => {
            failures.check_eq(at("success status"), scalar(status), table.success_status.to_string());
            let schema = &resolve(yaml, response)["content"]["application/json"]["schema"];
            let success = (!schema.is_null()).then(|| ty(schema));
            failures.check_eq(at("success type"), success, table.success.map(str::to_owned));
        }
    }
}

/// The tables generated from the spec (`vitable_connect_api::spec`), which the SDK, the sandbox
/// and the other tests iterate, state what `openapi.yaml` states: every schema with its kind,
/// enum values, properties and limits, every operation with its parameters, body, success
/// status and type, and every deprecation.
#[test]
fn the_generated_tables_state_what_the_spec_states() {
    let yaml = spec();
    let mut failures = Failures::new();

    let schemas = yaml["components"]["schemas"].as_mapping().expect("components.schemas");
    let in_spec: BTreeSet<String> = schemas.keys().map(scalar).collect();
    let in_table: BTreeSet<String> = spec::SCHEMAS.iter().map(|s| s.name.to_owned()).collect();
    failures.check_same_set("schemas", ("openapi.yaml", &in_spec), ("spec::SCHEMAS", &in_table));
    for (name, schema) in schemas {
        let name = scalar(name);
        if let Some(table) = spec::schema(&name) {
            compare_schema(&mut failures, &name, schema, table);
        }
    }

    let mut ids = BTreeSet::new();
    for (path, item) in yaml["paths"].as_mapping().expect("paths") {
        let path = scalar(path);
        for (method, op) in item.as_mapping().expect("path item") {
            let method = scalar(method);
            if !HTTP_METHODS.contains(&method.as_str()) {
                continue;
            }
            let Some(id) = op["operationId"].as_str() else {
                failures.push(format!("{method} {path} has no operationId"));
                continue;
            };
            ids.insert(id.to_owned());
            if let Some(table) = spec::operation(id) {
                compare_operation(&mut failures, &yaml, &path, &method, op, table);
            }
        }
    }
    let in_table: BTreeSet<String> = spec::OPERATIONS.iter().map(|op| op.id.to_owned()).collect();
    failures.check_same_set("operations", ("openapi.yaml", &ids), ("spec::OPERATIONS", &in_table));
    failures.check_eq(
        "spec::SPEC_VERSION (spec left, table right)",
        scalar(&yaml["info"]["version"]),
        spec::SPEC_VERSION.to_owned(),
    );

    failures.finish("the generated tables and openapi.yaml");
}
