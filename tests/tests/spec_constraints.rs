//! Snapshot of every constraint `openapi.yaml` states, straight from the spec.
//!
//! Some limits never reach the generated code (progenitor drops `minimum: 0`, `maximum`,
//! `minItems`, `default` and `format: email`), so the snapshots of the generated surface
//! alone would not show a change to them. This snapshot lists, for every schema property and
//! every operation parameter, its type, format, required and nullable flags, enum values and
//! limits, so that any such edit to the spec is a reviewable diff.

use std::fmt::Write as _;

use serde_yaml::{Mapping, Value};

const KEYS: &[&str] =
    &["format", "minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems", "default", "pattern"];

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
            parts.push(format!("{key}={}", scalar(v)));
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
