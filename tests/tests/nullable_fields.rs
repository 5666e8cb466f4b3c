//! Proves, straight from `openapi.yaml`, that the generated types accept what the spec allows:
//!
//! * `null` decodes for every nullable property of every object schema (and comes back as an
//!   absent key or `null`, i.e. `None`);
//! * every `example` of every schema decodes into its Rust type and round-trips;
//! * every `enum` value decodes.
//!
//! The tests are data-driven: a new schema or a new nullable property in the spec is picked up
//! without touching this file; the schema → Rust type table is generated
//! (`generated_roundtrip.rs`) and checked to list every schema of the spec. What they find in the spec (the nullable
//! properties, the object schemas, the enum values, the required properties) is cross-checked
//! against the tables generated from it (`vitable_connect_api::spec`), so that neither side can
//! silently check less than the spec states; no count is written down here.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use serde_yaml::Value as Yaml;
use vitable_connect_api::spec::{self, SchemaKind};

use crate::generated_roundtrip::{RustType, TYPES};
use crate::support::Failures;

/// Minimal valid objects for object schemas that have no `example` in the spec (none do today;
/// add one here rather than skipping a schema).
const FALLBACK_EXAMPLES: &[(&str, &str)] = &[];

/// Schema name → its Rust type, from the table `cargo xtask codegen` writes.
fn spec_types() -> BTreeMap<&'static str, &'static RustType> {
    TYPES.iter().map(|t| (t.schema, t)).collect()
}

// ---------------------------------------------------------------------------------------------
// Reading the spec
// ---------------------------------------------------------------------------------------------

fn schemas() -> serde_yaml::Mapping {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi.yaml");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let spec: Yaml = serde_yaml::from_str(&text).expect("openapi.yaml is YAML");
    spec["components"]["schemas"].as_mapping().expect("components.schemas is a mapping").clone()
}

fn name_of(key: &Yaml) -> &str {
    key.as_str().expect("schema names are strings")
}

/// Whether a property schema admits `null`: `nullable: true` on the property itself (also in
/// the `nullable: true` + `allOf: [$ref]` form), or a `$ref`/single `allOf` to a nullable schema.
fn is_nullable(schema: &Yaml, schemas: &serde_yaml::Mapping) -> bool {
    if schema.get("nullable").and_then(Yaml::as_bool) == Some(true) {
        return true;
    }
    if let Some(reference) = schema.get("$ref").and_then(Yaml::as_str) {
        let name = reference.strip_prefix("#/components/schemas/").expect("local $ref");
        return is_nullable(&schemas[name], schemas);
    }
    match schema.get("allOf").and_then(Yaml::as_sequence).map(Vec::as_slice) {
        Some([only]) => is_nullable(only, schemas),
        _ => false,
    }
}

/// The object schemas of the spec (those with `properties`).
fn object_schemas(schemas: &serde_yaml::Mapping) -> Vec<(&str, &Yaml)> {
    schemas.iter().filter(|(_, s)| s.get("properties").is_some()).map(|(k, s)| (name_of(k), s)).collect()
}

/// `(schema, property)` of every nullable property, in spec order.
fn nullable_properties(schemas: &serde_yaml::Mapping) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, schema) in object_schemas(schemas) {
        for (property, property_schema) in schema["properties"].as_mapping().unwrap() {
            if is_nullable(property_schema, schemas) {
                out.push((name.to_string(), name_of(property).to_string()));
            }
        }
    }
    out
}

/// The example of an object schema as JSON, or its fallback.
fn base_object(name: &str, schema: &Yaml) -> Result<Value, String> {
    if let Some(example) = schema.get("example") {
        return Ok(serde_json::to_value(example).expect("the example converts to JSON"));
    }
    let (_, fallback) = FALLBACK_EXAMPLES.iter().find(|(n, _)| *n == name).ok_or_else(|| {
        format!("object schema {name} has no example: add one to openapi.yaml or to FALLBACK_EXAMPLES")
    })?;
    Ok(serde_json::from_str(fallback).expect("fallback examples are JSON"))
}

/// `value` without object keys whose value is `null`, recursively: the generated types skip
/// `None` when serializing, so `"key": null` comes back as no key.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, without_nulls(v))).collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

/// The Rust type of schema `name`; a failure if `spec_types!` has none (the schema's checks are
/// then skipped, and reported).
fn rust_type<'t>(
    table: &'t BTreeMap<&'static str, &'static RustType>,
    name: &str,
    failures: &mut Failures,
) -> Option<&'t RustType> {
    let found = table.get(name).copied();
    failures.check(found.is_some(), || {
        format!("{name} has no Rust type in generated_roundtrip.rs (run `cargo xtask codegen`)")
    });
    found
}

/// The object schemas of the generated tables, with their properties.
fn table_objects() -> impl Iterator<Item = (&'static str, &'static [spec::Property])> {
    spec::SCHEMAS.iter().filter_map(|s| match s.kind {
        SchemaKind::Object(props) => Some((s.name, props)),
        _ => None,
    })
}

#[test]
fn every_schema_of_the_spec_has_a_rust_type_in_the_table() {
    let schemas = schemas();
    let in_spec: BTreeSet<&str> = schemas.keys().map(name_of).collect();
    let table = spec_types();
    let in_table: BTreeSet<&str> = table.keys().copied().collect();
    let mut failures = Failures::new();
    failures.check_same_set("schemas", ("openapi.yaml", &in_spec), ("generated_roundtrip.rs", &in_table));

    // Objects are listed as objects, everything else as strings.
    for (name, schema) in &schemas {
        let name = name_of(name);
        let is_object = schema.get("properties").is_some();
        if let Some(rust) = table.get(name) {
            failures.check(rust.parse.is_none() == is_object, || {
                format!("{name}: `parse` is set for objects or missing for strings (an object: {is_object})")
            });
        }
    }
    failures.finish("the Rust types of the spec's schemas");
}

#[test]
fn every_object_schema_has_an_example() {
    let schemas = schemas();
    let objects = object_schemas(&schemas);
    let mut failures = Failures::new();
    let in_spec: BTreeSet<&str> = objects.iter().map(|(name, _)| *name).collect();
    let in_table: BTreeSet<&str> = table_objects().map(|(name, _)| name).collect();
    failures.check_same_set("object schemas", ("openapi.yaml", &in_spec), ("spec::SCHEMAS", &in_table));
    for (name, schema) in &objects {
        failures.check(
            schema.get("example").is_some() || FALLBACK_EXAMPLES.iter().any(|(f, _)| f == name),
            || format!("object schema {name} has neither an example nor a fallback"),
        );
    }
    failures.finish("examples of object schemas");
}

/// The nullable properties as a list, so that a change of nullability is a reviewable diff;
/// the list read from `openapi.yaml` is the list of the generated tables.
#[test]
fn nullable_properties_snapshot() {
    let nullable = nullable_properties(&schemas());
    let listing: String = nullable.iter().map(|(s, p)| format!("{s}.{p}\n")).collect();
    let mut failures = Failures::new();
    failures
        .catch("snapshot `nullable_properties`", || insta::assert_snapshot!("nullable_properties", listing));

    let from_yaml: BTreeSet<(String, String)> = nullable.into_iter().collect();
    let from_table: BTreeSet<(String, String)> = table_objects()
        .flat_map(|(schema, props)| {
            props.iter().filter(|p| p.nullable).map(move |p| (schema.to_string(), p.name.to_string()))
        })
        .collect();
    failures.check_same_set(
        "nullable properties (schema, property)",
        ("openapi.yaml", &from_yaml),
        ("spec::SCHEMAS", &from_table),
    );
    failures.finish("nullable properties");
}

#[test]
fn null_decodes_for_every_nullable_property() {
    let schemas = schemas();
    let table = spec_types();
    let nullable = nullable_properties(&schemas);

    let mut failures = Failures::new();
    for (schema_name, property) in &nullable {
        let Some(rust) = rust_type(&table, schema_name, &mut failures) else { continue };
        let schema = &schemas[schema_name.as_str()];
        let mut object = match base_object(schema_name, schema) {
            Ok(object) => object,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        // Insert the key even where the example leaves it out.
        object
            .as_object_mut()
            .expect("examples of object schemas are objects")
            .insert(property.clone(), Value::Null);
        match (rust.decode)(object) {
            Err(e) => failures
                .push(format!("{schema_name}.{property} = null does not decode into {}: {e}", rust.rust)),
            Ok(again) => match again.get(property) {
                None | Some(Value::Null) => {}
                Some(other) => failures.push(format!("{schema_name}.{property} = null came back as {other}")),
            },
        }
    }
    failures.finish(&format!("null in the {} nullable properties", nullable.len()));
}

/// Whether `null` is accepted for the required, non-nullable property `schema.property`
/// although the spec does not mark it nullable, and why: an untyped property (`any` in the
/// generated tables) is a `serde_json::Value`, which holds null too.
fn accepts_null_anyway(schema: &str, property: &str) -> bool {
    spec::properties(schema)
        .and_then(|props| props.iter().find(|p| p.name == property))
        .is_some_and(|p| p.ty == "any")
}

/// The control for the test above: `null` in a required, non-nullable property must be
/// rejected, so decoding is not simply lenient about everything.
#[test]
fn null_is_rejected_for_required_non_nullable_properties() {
    let schemas = schemas();
    let table = spec_types();
    let mut checked = 0;
    let mut failures = Failures::new();
    for (schema_name, schema) in object_schemas(&schemas) {
        let Some(rust) = rust_type(&table, schema_name, &mut failures) else { continue };
        let required: BTreeSet<&str> = schema
            .get("required")
            .and_then(Yaml::as_sequence)
            .map(|names| names.iter().filter_map(Yaml::as_str).collect())
            .unwrap_or_default();
        for (property, property_schema) in schema["properties"].as_mapping().unwrap() {
            let property = name_of(property);
            if !required.contains(property) || is_nullable(property_schema, &schemas) {
                continue;
            }
            let mut object = match base_object(schema_name, schema) {
                Ok(object) => object,
                Err(e) => {
                    failures.push(e);
                    break;
                }
            };
            object.as_object_mut().unwrap().insert(property.to_string(), Value::Null);
            let accepted = (rust.decode)(object).is_ok();
            let expected = accepts_null_anyway(schema_name, property);
            failures.check(accepted == expected, || {
                format!("{schema_name}.{property}: null accepted = {accepted}, expected {expected}")
            });
            checked += 1;
        }
    }
    let in_table =
        table_objects().flat_map(|(_, props)| props.iter()).filter(|p| p.required && !p.nullable).count();
    failures.check(checked == in_table, || {
        format!("checked {checked} required non-nullable properties, spec::SCHEMAS has {in_table}")
    });
    failures.finish("null in required non-nullable properties");
}

/// Every schema's `example` decodes into its Rust type and serializes back to the same JSON
/// (ignoring `null`s, which come back as absent keys). A field the Rust type drops, renames or
/// reformats shows up as a difference. String examples also parse with `FromStr` (so the ID
/// examples carry the right prefix).
#[test]
fn every_example_in_the_spec_decodes_and_round_trips() {
    let schemas = schemas();
    let table = spec_types();
    let mut failures = Failures::new();
    for (name, schema) in &schemas {
        let name = name_of(name);
        let Some(example) = schema.get("example") else {
            failures.push(format!("schema {name} has no example"));
            continue;
        };
        let Some(rust) = rust_type(&table, name, &mut failures) else { continue };
        let example = serde_json::to_value(example).expect("the example converts to JSON");
        match (rust.decode)(example.clone()) {
            Err(e) => failures.push(format!("the example of {name} does not decode into {}: {e}", rust.rust)),
            Ok(again) if without_nulls(again.clone()) != without_nulls(example.clone()) => failures.push(
                format!("the example of {name} changes in a round trip:\n  spec: {example}\n  back: {again}"),
            ),
            Ok(_) => {}
        }
        if let Some(parse) = rust.parse {
            match example.as_str() {
                None => {
                    failures.push(format!("the example of string schema {name} is not a string: {example}"))
                }
                Some(text) => {
                    if let Err(e) = parse(text) {
                        failures.push(format!(
                            "the example of {name} ({text:?}) does not parse as {}: {e}",
                            rust.rust
                        ));
                    }
                }
            }
        }
    }
    failures.finish("examples of the spec");
}

/// Every value of every `enum` in the spec decodes into a known variant of its Rust enum (and
/// parses) and serializes back unchanged, while other text decodes as `Unrecognized` (and does
/// not parse); the enums and their values are those of the generated tables.
#[test]
fn every_enum_value_in_the_spec_decodes() {
    let schemas = schemas();
    let table = spec_types();
    let mut failures = Failures::new();
    let mut enums = BTreeSet::new();
    for (name, schema) in &schemas {
        let name = name_of(name);
        let Some(variants) = schema.get("enum").and_then(Yaml::as_sequence) else { continue };
        enums.insert(name);
        let in_spec: Vec<&str> = variants.iter().filter_map(Yaml::as_str).collect();
        failures.check_eq(
            format!("values of enum {name} in openapi.yaml (left) and spec::enum_values (right)"),
            Some(in_spec.as_slice()),
            spec::enum_values(name),
        );
        let Some(rust) = rust_type(&table, name, &mut failures) else { continue };
        // The Rust enum knows exactly the spec's values, each as a known variant (the enums are
        // open, so a round trip alone would pass for any text).
        let Some((known, recognizes)) = rust.known else {
            failures.push(format!("{name}: no `known` entry in generated_roundtrip.rs"));
            continue;
        };
        failures.check_eq(
            format!("{}::KNOWN (left) and the spec (right)", rust.rust),
            known,
            in_spec.as_slice(),
        );
        for variant in &in_spec {
            failures
                .check(recognizes(variant), || format!("{name} value {variant:?} decodes as Unrecognized"));
            if let Some(parse) = rust.parse {
                failures.check(parse(variant).is_ok(), || format!("{name} value {variant:?} does not parse"));
            }
        }
        let unknown = format!("{name} value added later");
        failures.check(!recognizes(&unknown), || format!("{name}: {unknown:?} decodes as a known variant"));
        if let Some(parse) = rust.parse {
            failures.check(parse(&unknown).is_err(), || format!("{name}: {unknown:?} parses"));
        }
        for variant in variants {
            let variant = serde_json::to_value(variant).unwrap();
            match (rust.decode)(variant.clone()) {
                Err(e) => failures.push(format!("{name} value {variant} does not decode: {e}")),
                Ok(again) => failures.check_eq(format!("{name} value round trip"), again, variant),
            }
        }
    }
    let in_table: BTreeSet<&str> =
        spec::SCHEMAS.iter().filter(|s| matches!(s.kind, SchemaKind::Enum(_))).map(|s| s.name).collect();
    failures.check_same_set("enums", ("openapi.yaml", &enums), ("spec::SCHEMAS", &in_table));
    failures.finish("enum values");
}
