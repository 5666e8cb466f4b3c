//! Forward compatibility, from the spec: responses from a server newer than the SDK decode.
//!
//! A newer server sends enum values and fields that `openapi.yaml` does not have yet. For every
//! response type of the spec (every object schema that is neither a request body nor part of
//! one), and for every operation that reads:
//!
//! * a value where every enum-typed property holds a value the spec does not list and every
//!   object carries a property the spec does not have decodes, and serializes back to exactly
//!   what was sent, minus the unknown properties (`every_response_type_keeps_unknown_values`);
//! * the same for arbitrary values valid under the spec, with arbitrary unknown enum text and
//!   extra properties (`any_valid_response_decodes_and_keeps_its_known_part`, a property test);
//! * through the SDK against a local server: every retrieve, every list and every `.stream()`
//!   over two pages (`every_read_operation_accepts_a_newer_server`);
//! * typed: the unknown value is an `Unrecognized` variant with the text as sent, and the raw
//!   body of `send_with_response()` still holds the unknown property.
//!
//! Nothing here names a schema, property, enum value or operation: all come from the tables
//! generated from the spec (`vitable_connect_api::spec`, `generated_roundtrip.rs`).

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value, json};
use vitable_connect::Client;
#[path = "generated_minimal.rs"]
#[rustfmt::skip]
mod generated_minimal;
use generated_minimal::{send_minimal, stream_minimal};
use vitable_connect_api::spec::{self, Limits, Property, SchemaKind};
use wiremock::matchers::{method, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::generated_roundtrip::TYPES;
use crate::support::Failures;

/// Days of the month valid in every month, for generated dates.
const LAST_DAY_OF_EVERY_MONTH: u32 = 28;

/// The name of the property every object gets in the fixed instances: not in any schema.
const ADDED_FIELD: &str = "x_added_after_this_sdk";

// ---------------------------------------------------------------------------------------------
// Which types are responses
// ---------------------------------------------------------------------------------------------

/// `[T]` → `T`.
fn item_of(ty: &str) -> Option<&str> {
    ty.strip_prefix('[').and_then(|t| t.strip_suffix(']'))
}

/// `{string: T}` → `T`.
fn map_value_of(ty: &str) -> Option<&str> {
    ty.strip_prefix("{string: ").and_then(|t| t.strip_suffix('}'))
}

fn object_props(ty: &str) -> Option<&'static [Property]> {
    match spec::schema(ty)?.kind {
        SchemaKind::Object(props) => Some(props),
        _ => None,
    }
}

/// Object schemas reachable from `roots` through properties (the roots included).
fn reachable(roots: impl IntoIterator<Item = &'static str>) -> BTreeSet<&'static str> {
    let mut found = BTreeSet::new();
    let mut stack: Vec<&'static str> = roots.into_iter().collect();
    while let Some(ty) = stack.pop() {
        let ty = item_of(ty).or_else(|| map_value_of(ty)).unwrap_or(ty);
        if let Some(props) = object_props(ty)
            && found.insert(ty)
        {
            stack.extend(props.iter().map(|p| p.ty));
        }
    }
    found
}

/// The object schemas the API sends: every object schema that is neither a request body nor
/// reachable from one (the rule `cargo xtask codegen` uses to mark them `#[non_exhaustive]`).
fn response_schemas() -> Vec<&'static str> {
    let sent = reachable(spec::OPERATIONS.iter().filter_map(|op| op.body));
    spec::SCHEMAS
        .iter()
        .filter(|s| matches!(s.kind, SchemaKind::Object(_)) && !sent.contains(s.name))
        .map(|s| s.name)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Values from the spec
// ---------------------------------------------------------------------------------------------

/// A fixed value of spec type `ty`: every optional property present, every enum-typed value
/// one the spec does not list, every object with [`ADDED_FIELD`].
fn newer_instance(ty: &str, limits: &Limits) -> Value {
    if let Some(item) = item_of(ty) {
        let count = limits.min_items.unwrap_or(1).max(1);
        return Value::Array((0..count).map(|_| newer_instance(item, &Limits::NONE)).collect());
    }
    if let Some(value) = map_value_of(ty) {
        return json!({ "key": newer_instance(value, &Limits::NONE) });
    }
    match ty {
        "string" => Value::String(text_within(limits)),
        "date" => json!("2026-02-03"),
        "date-time" => json!("2026-02-03T04:05:06Z"),
        "integer" => json!(limits.minimum.unwrap_or(7).max(limits.maximum.map_or(i64::MIN, |m| m.min(7)))),
        "number" => json!(12.5),
        "boolean" => json!(true),
        "any" => json!({ "nested": [1, "two", null] }),
        schema => match spec::schema(schema).map(|s| s.kind) {
            Some(SchemaKind::Id) => json!(format!("{}_future1", schema.to_lowercase())),
            Some(SchemaKind::String(limits)) => Value::String(text_within(&limits)),
            Some(SchemaKind::Enum(_)) => json!(format!("{schema} value added later")),
            Some(SchemaKind::Object(props)) => {
                let mut object: Map<String, Value> =
                    props.iter().map(|p| (p.name.to_owned(), newer_instance(p.ty, &p.limits))).collect();
                object.insert(ADDED_FIELD.to_owned(), json!({ "nested": [1, "two"] }));
                Value::Object(object)
            }
            None => panic!("spec type `{schema}` is not in spec::SCHEMAS"),
        },
    }
}

/// Text of a length the limits allow.
fn text_within(limits: &Limits) -> String {
    if limits.format == Some("email") {
        return "someone@example.com".to_owned();
    }
    let len = limits.min_length.unwrap_or(4).max(1);
    let len = limits.max_length.map_or(len, |max| len.min(max));
    "t".repeat(len as usize)
}

/// Any value valid under spec type `ty`, with arbitrary unknown enum text and extra properties.
fn arbitrary(ty: &'static str, limits: Limits) -> BoxedStrategy<Value> {
    if let Some(item) = item_of(ty) {
        let min = limits.min_items.unwrap_or(0) as usize;
        let max = limits.max_items.map_or(min + 3, |m| m as usize);
        return proptest::collection::vec(arbitrary(item, Limits::NONE), min..=max)
            .prop_map(Value::Array)
            .boxed();
    }
    if let Some(value) = map_value_of(ty) {
        return proptest::collection::btree_map("[a-z]{1,8}", arbitrary(value, Limits::NONE), 0..3)
            .prop_map(|m| Value::Object(m.into_iter().collect()))
            .boxed();
    }
    match ty {
        "string" => text(limits),
        "date" => (1900i32..2100, 1u32..=12, 1u32..=LAST_DAY_OF_EVERY_MONTH)
            .prop_map(|(y, m, d)| json!(format!("{y:04}-{m:02}-{d:02}")))
            .boxed(),
        "date-time" => (
            (1971i32..2100, 1u32..=12, 1u32..=LAST_DAY_OF_EVERY_MONTH, 0u32..24, 0u32..60, 0u32..60),
            // Any RFC 3339 form: with or without fractions, in UTC or at an offset.
            prop_oneof![Just(String::new()), "\\.[0-9]{1,9}"],
            prop_oneof![
                Just("Z".to_owned()),
                (-23i32..24, 0u32..60).prop_map(|(h, m)| format!("{h:+03}:{m:02}"))
            ],
        )
            .prop_map(|((y, mo, d, h, mi, s), fraction, zone)| {
                json!(format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{fraction}{zone}"))
            })
            .boxed(),
        "integer" => {
            let min = limits.minimum.unwrap_or(-1_000_000_000);
            let max = limits.maximum.unwrap_or(1_000_000_000);
            (min..=max).prop_map(|n| json!(n)).boxed()
        }
        "number" => (-1.0e9f64..1.0e9).prop_map(|n| json!(n)).boxed(),
        "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
        "any" => any_json(),
        schema => match spec::schema(schema).map(|s| s.kind) {
            Some(SchemaKind::Id) => "[a-z]{2,4}_[A-Za-z0-9]{1,16}".prop_map(Value::String).boxed(),
            Some(SchemaKind::String(limits)) => text(limits),
            Some(SchemaKind::Enum(values)) => prop_oneof![
                proptest::sample::select(values).prop_map(|v| json!(v)),
                // Any text at all: a value the spec may add later.
                any::<String>().prop_map(Value::String),
            ]
            .boxed(),
            Some(SchemaKind::Object(props)) => object(props),
            None => panic!("spec type `{schema}` is not in spec::SCHEMAS"),
        },
    }
}

fn text(limits: Limits) -> BoxedStrategy<Value> {
    if limits.format == Some("email") {
        return "[a-z]{1,8}@[a-z]{1,8}\\.com".prop_map(Value::String).boxed();
    }
    let min = limits.min_length.unwrap_or(0) as usize;
    let max = limits.max_length.map_or(min + 24, |m| m as usize);
    proptest::collection::vec(any::<char>(), min..=max)
        .prop_map(|c| Value::String(c.into_iter().collect()))
        .boxed()
}

fn any_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "[ -~]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z]{1,6}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// An object of the schema's properties (each required one present, each nullable one maybe
/// `null`, each optional one maybe absent) plus up to three properties the schema lacks.
fn object(props: &'static [Property]) -> BoxedStrategy<Value> {
    let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = props
        .iter()
        .map(|p| {
            let value = arbitrary(p.ty, p.limits);
            let value =
                if p.nullable { prop_oneof![3 => value, 1 => Just(Value::Null)].boxed() } else { value };
            let name = p.name.to_owned();
            let present = value.prop_map(move |v| Some((name.clone(), v)));
            if p.required { present.boxed() } else { prop_oneof![Just(None), present].boxed() }
        })
        .collect();
    let extra = proptest::collection::btree_map("x_[a-z_]{1,10}", any_json(), 0..3);
    (fields, extra)
        .prop_map(|(fields, extra)| {
            let mut object: Map<String, Value> = extra.into_iter().collect();
            object.extend(fields.into_iter().flatten());
            Value::Object(object)
        })
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// Comparing
// ---------------------------------------------------------------------------------------------

/// The part of `value` (of spec type `ty`) that the SDK models, in the form serde gives it
/// back: unknown properties dropped; optional properties that are `null`, an empty list or map,
/// or the spec's default dropped (the generated types write them so or leave them out); numbers of
/// type `number` as floats; timestamps as the instant they name, in UTC.
fn known_part(ty: &str, value: &Value) -> Value {
    if let (Some(item), Value::Array(items)) = (item_of(ty), value) {
        return Value::Array(items.iter().map(|v| known_part(item, v)).collect());
    }
    if let (Some(inner), Value::Object(map)) = (map_value_of(ty), value) {
        return Value::Object(map.iter().map(|(k, v)| (k.clone(), known_part(inner, v))).collect());
    }
    match (ty, value, object_props(ty)) {
        ("number", Value::Number(n), _) => json!(n.as_f64()),
        // The same instant, however written: timestamps come back in UTC.
        ("date-time", Value::String(text), _) => match chrono::DateTime::parse_from_rfc3339(text) {
            Ok(at) => {
                json!(at.with_timezone(&chrono::Utc).to_rfc3339_opts(chrono::SecondsFormat::Nanos, true))
            }
            Err(_) => value.clone(),
        },
        (_, Value::Object(map), Some(props)) => Value::Object(
            props
                .iter()
                .filter_map(|p| {
                    let v = map.get(p.name)?;
                    let default = p.limits.default.map(|d| serde_json::from_str::<Value>(d).ok());
                    let empty_map = map_value_of(p.ty).is_some() && v.as_object().is_some_and(Map::is_empty);
                    let empty = v.is_null()
                        || v.as_array().is_some_and(Vec::is_empty)
                        || empty_map
                        || default == Some(Some(v.clone()));
                    if !p.required && empty {
                        return None;
                    }
                    Some((p.name.to_owned(), known_part(p.ty, v)))
                })
                .collect(),
        ),
        _ => value.clone(),
    }
}

/// Decodes `value` as schema `schema`'s Rust type and serializes it back, or says why not.
fn decode(schema: &str, value: &Value) -> Result<Value, String> {
    let rust =
        TYPES.iter().find(|t| t.schema == schema).ok_or_else(|| format!("{schema} has no Rust type"))?;
    (rust.decode)(value.clone()).map_err(|e| format!("{} does not decode: {e}", rust.rust))
}

/// Every enum-typed string in `value` (of spec type `ty`), with its path.
fn enum_strings(ty: &str, value: &Value, at: &str, out: &mut Vec<(String, String)>) {
    if let (Some(item), Value::Array(items)) = (item_of(ty), value) {
        for (i, v) in items.iter().enumerate() {
            enum_strings(item, v, &format!("{at}[{i}]"), out);
        }
        return;
    }
    match (spec::schema(ty).map(|s| s.kind), value) {
        (Some(SchemaKind::Enum(_)), Value::String(text)) => out.push((at.to_owned(), text.clone())),
        (Some(SchemaKind::Object(props)), Value::Object(map)) => {
            for p in props {
                if let Some(v) = map.get(p.name) {
                    enum_strings(p.ty, v, &format!("{at}.{}", p.name), out);
                }
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[test]
fn every_response_type_keeps_unknown_values() {
    let schemas = response_schemas();
    let mut failures = Failures::new();
    failures.check(!schemas.is_empty(), || "no response schema found in spec::SCHEMAS".to_owned());
    let mut unknown_enums = 0;
    for schema in &schemas {
        let sent = newer_instance(schema, &Limits::NONE);
        let mut enums = Vec::new();
        enum_strings(schema, &sent, schema, &mut enums);
        unknown_enums += enums.len();
        match decode(schema, &sent) {
            Err(e) => failures.push(format!("{schema} with unknown values: {e}")),
            Ok(back) => {
                failures.check_eq(
                    format!("{schema}: what comes back"),
                    known_part(schema, &back),
                    known_part(schema, &sent),
                );
                let mut kept = Vec::new();
                enum_strings(schema, &back, schema, &mut kept);
                failures.check_eq(format!("{schema}: unknown enum values as sent"), kept, enums);
            }
        }
    }
    // Some response type has an enum-typed property, so the test did test unknown values.
    failures.check(unknown_enums > 0, || "no enum-typed property in any response type".to_owned());
    failures.finish("decoding responses with unknown values and fields");
}

#[test]
fn any_valid_response_decodes_and_keeps_its_known_part() {
    let mut failures = Failures::new();
    for schema in response_schemas() {
        let mut runner =
            TestRunner::new(Config { cases: 48, failure_persistence: None, ..Config::default() });
        let result = runner.run(&arbitrary(schema, Limits::NONE), |sent| {
            let back =
                decode(schema, &sent).map_err(|e| TestCaseError::fail(format!("{e}\n  sent: {sent}")))?;
            prop_assert_eq!(known_part(schema, &back), known_part(schema, &sent), "sent: {}", sent);
            Ok(())
        });
        if let Err(e) = result {
            failures.push(format!("{schema}: {e}"));
        }
    }
    failures.finish("arbitrary responses valid under the spec");
}

/// The success type of a read operation as a value a newer server could send: a list gets
/// `count` items.
fn newer_response(success: &str, count: usize) -> Value {
    match item_of(success) {
        Some(item) => Value::Array((0..count).map(|_| newer_instance(item, &Limits::NONE)).collect()),
        None => newer_instance(success, &Limits::NONE),
    }
}

#[tokio::test]
async fn every_read_operation_accepts_a_newer_server() {
    let mut failures = Failures::new();
    let mut checked = 0;
    for op in spec::OPERATIONS.iter().filter(|op| op.method == "GET") {
        let Some(success) = op.success else { continue };
        let server = MockServer::start().await;
        let sent = newer_response(success, 2);
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(op.success_status).set_body_json(&sent))
            .mount(&server)
            .await;
        let client = Client::builder().api_key("test-key").base_url(server.uri()).build().expect("a client");
        match send_minimal(&client, op.id, None).await {
            None => failures.push(format!("{}: no generated call", op.id)),
            Some(Err(e)) => failures.push(format!("{} against a newer server: {e}", op.id)),
            Some(Ok(back)) => failures.check_eq(
                format!("{}: decoded response (known part)", op.id),
                known_part(success, &back),
                known_part(success, &sent),
            ),
        }
        checked += 1;
    }
    failures.check(checked > 0, || "no read operation in spec::OPERATIONS".to_owned());
    failures.finish("read operations against a newer server");
}

#[tokio::test]
async fn every_stream_reads_every_page_from_a_newer_server() {
    let mut failures = Failures::new();
    let mut streams = 0;
    for op in spec::OPERATIONS.iter() {
        let (Some(limit), Some(success)) = (op.param("limit"), op.success) else { continue };
        if op.param("page").is_none() || item_of(success).is_none() {
            continue;
        }
        // A full first page (the default page size), then a short one: the stream reads both.
        let page_size: usize = limit
            .limits
            .default
            .and_then(|d| d.parse().ok())
            .or(limit.limits.maximum.and_then(|m| usize::try_from(m).ok()))
            .expect("a page size from the spec");
        let server = MockServer::start().await;
        let first = newer_response(success, page_size);
        let second = newer_response(success, 1);
        for (page, body) in [("1", &first), ("2", &second)] {
            Mock::given(method("GET"))
                .and(query_param("page", page))
                .respond_with(ResponseTemplate::new(op.success_status).set_body_json(body))
                .mount(&server)
                .await;
        }
        let client = Client::builder().api_key("test-key").base_url(server.uri()).build().expect("a client");
        match stream_minimal(&client, op.id).await {
            None => failures.push(format!("{}: no generated stream", op.id)),
            Some(Err(e)) => failures.push(format!("{}: the stream failed: {e}", op.id)),
            Some(Ok(items)) => {
                let mut sent = first.as_array().cloned().unwrap_or_default();
                sent.extend(second.as_array().cloned().unwrap_or_default());
                failures.check_eq(
                    format!("{}: streamed items (known part)", op.id),
                    known_part(success, &Value::Array(items)),
                    known_part(success, &Value::Array(sent)),
                );
            }
        }
        streams += 1;
    }
    failures.check(streams > 0, || "no list operation with pages in spec::OPERATIONS".to_owned());
    failures.finish("streams against a newer server");
}

/// The typed view, as an application sees it: an unknown status is `Unrecognized` with its
/// text, and a field the SDK does not model is read from the raw body.
#[tokio::test]
async fn unknown_values_are_typed_and_unknown_fields_are_in_the_raw_body() {
    use vitable_connect::types::EnrollmentStatus;

    let server = MockServer::start().await;
    let sent = newer_instance("Enrollment", &Limits::NONE);
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&sent))
        .mount(&server)
        .await;
    let client = Client::builder().api_key("test-key").base_url(server.uri()).build().unwrap();
    let id = format!("{}1", vitable_connect::ids::EnrollmentId::PREFIX).parse().unwrap();
    let response = client.enrollments().retrieve(&id).send_with_response().await.expect("decodes");

    let status_sent = sent["status"].as_str().unwrap();
    assert!(!EnrollmentStatus::KNOWN.contains(&status_sent));
    match &response.value().status {
        EnrollmentStatus::Unrecognized(value) => assert_eq!(value.as_str(), status_sent),
        other => panic!("expected an unrecognized status, got {other:?}"),
    }
    assert!(response.value().status.is_unrecognized());
    assert_eq!(response.value().status.as_str(), status_sent);
    assert_eq!(response.value().status.to_string(), status_sent);
    assert_eq!(serde_json::to_value(&response.value().status).unwrap(), sent["status"]);

    let raw = response.json().expect("the raw body is JSON");
    assert_eq!(raw[ADDED_FIELD], sent[ADDED_FIELD]);
    assert_eq!(serde_json::from_slice::<Value>(response.body()).unwrap(), sent);
}
