//! Proves, straight from `openapi.yaml`, that the generated types accept what the spec allows:
//!
//! * `null` decodes for every nullable property of every object schema (and comes back as an
//!   absent key or `null`, i.e. `None`);
//! * every `example` of every schema decodes into its Rust type and round-trips;
//! * every `enum` value decodes.
//!
//! The tests are data-driven: a new schema or a new nullable property in the spec is picked up
//! without touching this file, except for the table mapping schema names to Rust types, which
//! must list every schema of the spec (checked).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_yaml::Value as Yaml;
use vitable_connect_api::{Ssn, ids, types};

/// The number of nullable properties in `openapi.yaml`, pinned so that the test can never
/// silently check nothing. Update it together with the spec (and the snapshot of the list).
const NULLABLE_PROPERTY_COUNT: usize = 71;

/// Minimal valid objects for object schemas that have no `example` in the spec (none do today;
/// add one here rather than skipping a schema).
const FALLBACK_EXAMPLES: &[(&str, &str)] = &[];

/// Decodes a JSON value into the Rust type of a schema and serializes it back.
type Decode = fn(Value) -> Result<Value, String>;
/// Parses a string with the Rust type's `FromStr` (the checked way in, for strings).
type Parse = fn(&str) -> Result<(), String>;

fn decode<T: DeserializeOwned + Serialize>(value: Value) -> Result<Value, String> {
    let decoded: T =
        serde_path_to_error::deserialize(value).map_err(|e| format!("at `{}`: {}", e.path(), e))?;
    serde_json::to_value(&decoded).map_err(|e| e.to_string())
}

fn parse<T: std::str::FromStr>(s: &str) -> Result<(), String>
where
    T::Err: std::fmt::Display,
{
    s.parse::<T>().map(|_| ()).map_err(|e| e.to_string())
}

struct RustType {
    name: &'static str,
    decode: Decode,
    /// For string schemas (enums, IDs, the SSN): `FromStr`.
    parse: Option<Parse>,
}

/// Schema name (as in `components.schemas`) → Rust type.
macro_rules! spec_types {
    (
        objects { $($object:ident => $object_ty:ty),* $(,)? }
        strings { $($string:ident => $string_ty:ty),* $(,)? }
    ) => {
        fn spec_types() -> BTreeMap<&'static str, RustType> {
            let mut table = BTreeMap::new();
            $(table.insert(stringify!($object), RustType {
                name: stringify!($object_ty),
                decode: decode::<$object_ty>,
                parse: None,
            });)*
            $(table.insert(stringify!($string), RustType {
                name: stringify!($string_ty),
                decode: decode::<$string_ty>,
                parse: Some(parse::<$string_ty>),
            });)*
            table
        }
    };
}

spec_types! {
    objects {
        Address => types::Address,
        AddressInput => types::AddressInput,
        BenefitEligibilityPolicy => types::BenefitEligibilityPolicy,
        BenefitProduct => types::BenefitProduct,
        ContributionClass => types::ContributionClass,
        ContributionClassInput => types::ContributionClassInput,
        Dependent => types::Dependent,
        DependentCreateRequest => types::DependentCreateRequest,
        DependentUpdateRequest => types::DependentUpdateRequest,
        Election => types::Election,
        EligibilityPolicyCreateRequest => types::EligibilityPolicyCreateRequest,
        Employee => types::Employee,
        EmployeeCreateRequest => types::EmployeeCreateRequest,
        EmployeeUpdateRequest => types::EmployeeUpdateRequest,
        Employer => types::Employer,
        EmployerCreateRequest => types::EmployerCreateRequest,
        EmployerUpdateRequest => types::EmployerUpdateRequest,
        EnrolledDependent => types::EnrolledDependent,
        Enrollment => types::Enrollment,
        EnrollmentPlan => types::EnrollmentPlan,
        EnrollmentPlanCost => types::EnrollmentPlanCost,
        EnrollmentReissueRequest => types::EnrollmentReissueRequest,
        EnrollmentSubmitElectionsRequest => types::EnrollmentSubmitElectionsRequest,
        Error => types::Error,
        Member => types::Member,
        Plan => types::Plan,
        PlanYear => types::PlanYear,
        PlanYearCreateRequest => types::PlanYearCreateRequest,
        PlanYearUpdateRequest => types::PlanYearUpdateRequest,
        QualifyingLifeEvent => types::QualifyingLifeEvent,
        QualifyingLifeEventRecordRequest => types::QualifyingLifeEventRecordRequest,
        Rule => types::Rule,
        RuleInput => types::RuleInput,
    }
    strings {
        Category => types::Category,
        CoverageTier => types::CoverageTier,
        ElectionDecision => types::ElectionDecision,
        EmployeeClass => types::EmployeeClass,
        EnrollmentStatus => types::EnrollmentStatus,
        EventType => types::EventType,
        PlanTier => types::PlanTier,
        PlanYearStatus => types::PlanYearStatus,
        ProductCode => types::ProductCode,
        QualifyingLifeEventStatus => types::QualifyingLifeEventStatus,
        Relationship => types::Relationship,
        Sex => types::Sex,
        BenefitProductId => ids::BenefitProductId,
        CarrierPlanId => ids::CarrierPlanId,
        DependentId => ids::DependentId,
        EligibilityPolicyId => ids::EligibilityPolicyId,
        EmployeeId => ids::EmployeeId,
        EmployerId => ids::EmployerId,
        EnrollmentId => ids::EnrollmentId,
        MemberId => ids::MemberId,
        OrganizationId => ids::OrganizationId,
        PlanId => ids::PlanId,
        PlanYearId => ids::PlanYearId,
        QleId => ids::QleId,
        Ssn => Ssn,
    }
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
fn base_object(name: &str, schema: &Yaml) -> Value {
    if let Some(example) = schema.get("example") {
        return serde_json::to_value(example).expect("the example converts to JSON");
    }
    let (_, fallback) = FALLBACK_EXAMPLES.iter().find(|(n, _)| *n == name).unwrap_or_else(|| {
        panic!("object schema {name} has no example: add one to openapi.yaml or to FALLBACK_EXAMPLES")
    });
    serde_json::from_str(fallback).expect("fallback examples are JSON")
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

#[test]
fn every_schema_of_the_spec_has_a_rust_type_in_the_table() {
    let schemas = schemas();
    let in_spec: BTreeSet<&str> = schemas.keys().map(name_of).collect();
    let table = spec_types();
    let in_table: BTreeSet<&str> = table.keys().copied().collect();
    let missing: Vec<_> = in_spec.difference(&in_table).collect();
    assert!(
        missing.is_empty(),
        "schemas of openapi.yaml missing from `spec_types!` in nullable_fields.rs: {missing:?}"
    );
    let stale: Vec<_> = in_table.difference(&in_spec).collect();
    assert!(stale.is_empty(), "`spec_types!` lists schemas that openapi.yaml no longer has: {stale:?}");

    // Objects are listed as objects, everything else as strings.
    for (name, schema) in &schemas {
        let name = name_of(name);
        let is_object = schema.get("properties").is_some();
        assert_eq!(table[name].parse.is_none(), is_object, "{name} is in the wrong half of `spec_types!`");
    }
}

#[test]
fn every_object_schema_has_an_example() {
    let schemas = schemas();
    let objects = object_schemas(&schemas);
    assert_eq!(objects.len(), 33, "object schemas in openapi.yaml");
    let without: Vec<&str> =
        objects.iter().filter(|(_, s)| s.get("example").is_none()).map(|(n, _)| *n).collect();
    let without_fallback: Vec<&&str> =
        without.iter().filter(|n| !FALLBACK_EXAMPLES.iter().any(|(f, _)| f == *n)).collect();
    assert!(
        without_fallback.is_empty(),
        "object schemas with neither an example nor a fallback: {without_fallback:?}"
    );
}

/// The nullable properties as a list, so that a change of nullability is a reviewable diff.
#[test]
fn nullable_properties_snapshot() {
    let nullable = nullable_properties(&schemas());
    assert_eq!(nullable.len(), NULLABLE_PROPERTY_COUNT, "nullable properties found in openapi.yaml");
    let listing: String = nullable.iter().map(|(s, p)| format!("{s}.{p}\n")).collect();
    insta::assert_snapshot!("nullable_properties", listing);
}

#[test]
fn null_decodes_for_every_nullable_property() {
    let schemas = schemas();
    let table = spec_types();
    let nullable = nullable_properties(&schemas);
    assert_eq!(nullable.len(), NULLABLE_PROPERTY_COUNT, "nullable properties found in openapi.yaml");

    let mut failures = Vec::new();
    for (schema_name, property) in &nullable {
        let schema = &schemas[schema_name.as_str()];
        let mut object = base_object(schema_name, schema);
        // Insert the key even where the example leaves it out.
        object
            .as_object_mut()
            .expect("examples of object schemas are objects")
            .insert(property.clone(), Value::Null);
        let rust = &table[schema_name.as_str()];
        match (rust.decode)(object) {
            Err(e) => failures
                .push(format!("{schema_name}.{property} = null does not decode into {}: {e}", rust.name)),
            Ok(again) => match again.get(property) {
                None | Some(Value::Null) => {}
                Some(other) => failures.push(format!("{schema_name}.{property} = null came back as {other}")),
            },
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} nullable properties fail:\n{}",
        failures.len(),
        nullable.len(),
        failures.join("\n")
    );
}

/// Required properties that accept `null` although the spec does not mark them nullable, and why.
const NULL_ACCEPTING_REQUIRED: &[(&str, &str, &str)] =
    &[("Rule", "value", "untyped in the spec, so `serde_json::Value`, which holds null too")];

/// The control for the test above: `null` in a required, non-nullable property must be
/// rejected, so decoding is not simply lenient about everything.
#[test]
fn null_is_rejected_for_required_non_nullable_properties() {
    let schemas = schemas();
    let table = spec_types();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (schema_name, schema) in object_schemas(&schemas) {
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
            let mut object = base_object(schema_name, schema);
            object.as_object_mut().unwrap().insert(property.to_string(), Value::Null);
            let accepted = (table[schema_name].decode)(object).is_ok();
            let expected =
                NULL_ACCEPTING_REQUIRED.iter().any(|(s, p, _)| *s == schema_name && *p == property);
            if accepted != expected {
                failures.push(format!(
                    "{schema_name}.{property}: null accepted = {accepted}, expected {expected}"
                ));
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "checked only {checked} required properties");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every schema's `example` decodes into its Rust type and serializes back to the same JSON
/// (ignoring `null`s, which come back as absent keys). A field the Rust type drops, renames or
/// reformats shows up as a difference. String examples also parse with `FromStr` (so the ID
/// examples carry the right prefix).
#[test]
fn every_example_in_the_spec_decodes_and_round_trips() {
    let schemas = schemas();
    let table = spec_types();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (name, schema) in &schemas {
        let name = name_of(name);
        let Some(example) = schema.get("example") else { continue };
        let example = serde_json::to_value(example).expect("the example converts to JSON");
        let rust = &table[name];
        match (rust.decode)(example.clone()) {
            Err(e) => failures.push(format!("the example of {name} does not decode into {}: {e}", rust.name)),
            Ok(again) if without_nulls(again.clone()) != without_nulls(example.clone()) => failures.push(
                format!("the example of {name} changes in a round trip:\n  spec: {example}\n  back: {again}"),
            ),
            Ok(_) => {}
        }
        if let Some(parse) = rust.parse {
            let text =
                example.as_str().unwrap_or_else(|| panic!("the example of string schema {name} is a string"));
            if let Err(e) = parse(text) {
                failures
                    .push(format!("the example of {name} ({text:?}) does not parse as {}: {e}", rust.name));
            }
        }
        checked += 1;
    }
    assert_eq!(checked, schemas.len(), "every schema of the spec has an example");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every value of every `enum` in the spec decodes into its Rust enum and serializes back
/// unchanged.
#[test]
fn every_enum_value_in_the_spec_decodes() {
    let schemas = schemas();
    let table = spec_types();
    let mut values = 0;
    for (name, schema) in &schemas {
        let name = name_of(name);
        let Some(variants) = schema.get("enum").and_then(Yaml::as_sequence) else { continue };
        for variant in variants {
            let variant = serde_json::to_value(variant).unwrap();
            let again = (table[name].decode)(variant.clone())
                .unwrap_or_else(|e| panic!("{name} value {variant} does not decode: {e}"));
            assert_eq!(again, variant, "{name} value round trip");
            values += 1;
        }
    }
    assert!(values > 50, "found only {values} enum values");
}
