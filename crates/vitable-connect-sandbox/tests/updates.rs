//! Updates change only what the body names, and bodies hold only what the spec allows.
//!
//! The rules under test (the provider's sandbox rules): a property left out of a `PUT` keeps its
//! value; a nullable property sent as `null` clears the field, or, where the resource can't lose
//! the field, is a 400 naming the property and changes nothing; an enum property holds one of
//! the spec's values; `null` where the spec does not say `nullable` is a 400 naming the field.
//!
//! The operations, properties, enum values and nullability all come from the spec's tables
//! ([`spec::OPERATIONS`], [`spec::properties`]): a property or update operation added to
//! `openapi.yaml` is tested here with no change. The only hand-written inputs are the create
//! bodies of the resources that get updated ([`fixture`]) and the demo IDs behind path
//! parameters ([`demo_id`]); both fail loudly, naming what is missing, when the spec outgrows
//! them.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Map, Value, json};
use support::{Api, Res, today};
use vitable_connect_api::spec::{self, Location, Operation, Property, SchemaKind};

/// A value no enum of the spec has.
const NOT_A_VALUE: &str = "Not A Value";

/// The update operations: every `PUT` of the spec.
fn update_operations() -> Vec<&'static Operation> {
    let ops: Vec<_> = spec::OPERATIONS.iter().filter(|op| op.method == "PUT").collect();
    assert!(!ops.is_empty(), "the spec has update operations");
    ops
}

/// The body schema of `op`.
fn body_schema(op: &Operation) -> &'static str {
    op.body.unwrap_or_else(|| panic!("{} has no request body", op.id))
}

/// The ID of the demo seed that fills path parameter `name`.
fn demo_id(api: &Api, name: &str) -> String {
    let demo = api.demo();
    let dana = api.employee(0);
    match name {
        "employer_id" => demo.employer_id.to_string(),
        "employee_id" => dana.employee_id.to_string(),
        "member_id" => dana.member_id.to_string(),
        "dependent_id" => dana.dependent_ids[0].to_string(),
        "enrollment_id" => dana.enrollment_id.to_string(),
        "plan_year_id" => demo.plan_year_id.to_string(),
        // The Dental product: active, with no plan year yet.
        "benefit_product_id" => demo.dental_product_id.to_string(),
        other => panic!("path parameter `{other}` has no demo ID here: add one to demo_id"),
    }
}

/// `op.path` with its path parameters filled by `value(name)`.
fn fill_path(op: &Operation, mut value: impl FnMut(&str) -> String) -> String {
    let mut path = op.path.to_owned();
    for param in op.params.iter().filter(|p| p.location == Location::Path) {
        path = path.replace(&format!("{{{}}}", param.name), &value(param.name));
    }
    path
}

/// Makes each fixture unique (SSNs must be).
static SERIAL: AtomicUsize = AtomicUsize::new(1);

/// A create body of the resource schema `resource`, with every optional field filled so that
/// an update has something to clear, and valid under the sandbox's own rules.
fn fixture(resource: &str) -> Value {
    let n = SERIAL.fetch_add(1, Ordering::Relaxed);
    let address = json!({
        "street_1": "9 Pine Street", "street_2": "Apt 2", "city": "Berkeley", "state": "CA",
        "zip_code": "94704", "country": "US"
    });
    match resource {
        "Employer" => json!({
            "name": format!("Fixture {n}"), "legal_name": format!("Fixture {n} LLC"),
            "ein": "12-3456789", "address": address
        }),
        "Employee" => json!({
            "first_name": "Marcus", "last_name": "Bell", "suffix": "Jr.", "sex": "Male",
            "gender": "Male", "date_of_birth": "1992-08-14", "ssn": format!("678-{:02}-{:04}", n % 100, n),
            "email": "marcus.bell@example.com", "phone": "+14155550142",
            "start_date": "2026-05-04", "employee_class": "Full Time", "address": address
        }),
        "Dependent" => json!({
            "first_name": "Maya", "last_name": "Rivera", "suffix": "II", "date_of_birth": "2020-02-02",
            "sex": "Female", "gender": "Female", "relationship": "Child",
            "ssn": format!("567-{:02}-{:04}", n % 100, n)
        }),
        // A draft plan year: open enrollment starts after today, so it can still change.
        "PlanYear" => json!({
            "employer_id": "{employer_id}",
            "coverage_start": "2027-01-01", "coverage_end": "2027-12-31",
            "open_enrollment_start": "2026-09-01", "open_enrollment_end": "2026-11-30",
            "contribution_classes": [{
                "employment": "full_time", "family_status": "EE",
                "employee_contribution_cents": 2500, "employer_contribution_cents": 17500
            }]
        }),
        other => panic!("no create fixture for `{other}`: add one to fixture() so its update is tested"),
    }
}

/// A value for a property of spec type `ty`, built from the spec (for a field a fresh resource
/// does not have yet). Dates fall inside the fixture plan year's open enrollment and after today.
fn sample(ty: &str, limits: &spec::Limits) -> Value {
    if let Some(item) = ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return json!([sample(item, &spec::Limits::default())]);
    }
    match ty {
        "string" if limits.format == Some("email") => json!("sample@example.com"),
        "string" => {
            let len = limits.min_length.unwrap_or(1).max(1);
            json!("S".repeat(usize::try_from(len).expect("a length")))
        }
        "date" => json!("2026-10-15"),
        "boolean" => json!(true),
        "integer" => json!(limits.minimum.unwrap_or(0)),
        _ => match spec::schema(ty).map(|s| s.kind) {
            Some(SchemaKind::Enum(values)) => json!(values[0]),
            Some(SchemaKind::Object(props)) => {
                Value::Object(props.iter().map(|p| (p.name.to_owned(), sample(p.ty, &p.limits))).collect())
            }
            _ => panic!("no sample value for type `{ty}`"),
        },
    }
}

/// A resource that `op` (an update) can change: made fresh through the spec's create operation
/// of the same resource (the `POST` whose success type is `op`'s). Returns its path.
async fn fresh(api: &Api, op: &Operation) -> String {
    let resource = op.success.unwrap_or_else(|| panic!("{} returns no resource", op.id));
    let create = spec::OPERATIONS
        .iter()
        .find(|c| c.method == "POST" && c.success == Some(resource))
        .unwrap_or_else(|| panic!("no create operation for {resource}, updated by {}", op.id));
    let mut body = fixture(resource);
    for value in body.as_object_mut().expect("an object").values_mut() {
        if let Some(param) =
            value.as_str().and_then(|s| s.strip_prefix('{')).and_then(|s| s.strip_suffix('}'))
        {
            *value = json!(demo_id(api, param));
        }
    }
    let created = api.post(&fill_path(create, |name| demo_id(api, name)), &body).await.expect(201).body;
    let id = created["id"].as_str().expect("an ID").to_owned();
    let path = fill_path(op, |_| id.clone());
    assert!(
        spec::OPERATIONS.iter().any(|r| r.method == "GET" && r.path == op.path),
        "{} has no GET on the same path to read the resource back",
        op.id
    );
    path
}

/// The first non-null value under a key called `name`, at any depth.
fn find_key<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    match value {
        Value::Object(map) => {
            map.get(name).filter(|v| !v.is_null()).or_else(|| map.values().find_map(|v| find_key(v, name)))
        }
        Value::Array(items) => items.iter().find_map(|v| find_key(v, name)),
        _ => None,
    }
}

/// Every non-null leaf of `value` by its path (`member.email`, `address.city`,
/// `contribution_classes[0].id`).
fn leaves(value: &Value) -> BTreeMap<String, Value> {
    fn walk(value: &Value, at: String, out: &mut BTreeMap<String, Value>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    walk(v, if at.is_empty() { k.clone() } else { format!("{at}.{k}") }, out);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, format!("{at}[{i}]"), out);
                }
            }
            Value::Null => {}
            other => {
                out.insert(at, other.clone());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(value, String::new(), &mut out);
    out
}

/// Whether `path` (`member.email`, `address.city`) passes through a key called `name`.
fn under(path: &str, name: &str) -> bool {
    path.split('.').any(|segment| segment.split('[').next() == Some(name))
}

/// Asserts that `after` is `before` with the fields of `props` cleared and nothing else changed
/// but `updated_at`.
#[track_caller]
fn assert_cleared(before: &Value, after: &Value, props: &[&str], what: &str) {
    let (old, new) = (leaves(before), leaves(after));
    let removed: Vec<&String> = old.keys().filter(|k| !new.contains_key(*k)).collect();
    let other: Vec<&String> =
        new.iter().filter(|(k, v)| *k != "updated_at" && old.get(*k) != Some(*v)).map(|(k, _)| k).collect();
    assert!(other.is_empty(), "{what}: fields other than {props:?} changed: {other:?}");
    for prop in props {
        assert!(removed.iter().any(|k| under(k, prop)), "{what}: nothing under `{prop}` was cleared");
        assert!(find_key(after, prop).is_none(), "{what}: `{prop}` still reads {:?}", find_key(after, prop));
    }
    let stray: Vec<_> = removed.iter().filter(|k| !props.iter().any(|p| under(k, p))).collect();
    assert!(stray.is_empty(), "{what}: fields not named in the body were cleared: {stray:?}");
}

/// What `{prop: null}` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Cleared,
    Refused,
}

/// Sends `body` to update `path`, then reads the resource back.
async fn put_and_read(api: &Api, path: &str, body: &Value) -> (Res, Value) {
    let res = api.put(path, body).await;
    let after = api.get(path).await.expect(200).body;
    (res, after)
}

/// For every update operation and every nullable property of its body: `{prop: null}` clears
/// the field (200, the field reads back absent, nothing else changed) where the spec says it is
/// clearable, and is refused otherwise (400 naming `prop`, and a re-read shows nothing changed,
/// not even `updated_at`). Then all of an
/// operation's nullable properties at once: refused as a whole, naming each refused property,
/// when any one is refused.
#[tokio::test]
async fn null_clears_a_field_or_is_refused_for_every_nullable_update_property() {
    let api = Api::seeded().await;
    let mut table: Vec<(&str, &str, Outcome)> = Vec::new();
    for op in update_operations() {
        let schema = body_schema(op);
        let nullable: Vec<&Property> =
            spec::properties(schema).expect("an object schema").iter().filter(|p| p.nullable).collect();
        for prop in &nullable {
            let what = format!("{} `{}: null`", op.id, prop.name);
            let path = fresh(&api, op).await;
            if find_key(&api.get(&path).await.expect(200).body, prop.name).is_none() {
                // Give the field a value first, so that clearing it shows.
                let value = sample(prop.ty, &prop.limits);
                api.put(&path, &json!({ prop.name: value })).await.expect(200);
            }
            let before = api.get(&path).await.expect(200).body;
            let (res, after) = put_and_read(&api, &path, &json!({ prop.name: null })).await;
            let outcome = match res.status {
                200 => {
                    assert_eq!(res.body, after, "{what}: the response is the stored resource");
                    assert_cleared(&before, &after, &[prop.name], &what);
                    Outcome::Cleared
                }
                400 => {
                    assert!(
                        !res.field_errors(prop.name).is_empty(),
                        "{what}: the error names it: {}",
                        res.text
                    );
                    assert_eq!(after, before, "{what}: a refused update changes nothing");
                    Outcome::Refused
                }
                status => panic!("{what}: {status} {}", res.text),
            };
            // The spec says which: cleared unless the property is marked `x-not-clearable`.
            let expected = if prop.clearable { Outcome::Cleared } else { Outcome::Refused };
            assert_eq!(outcome, expected, "{what}: openapi.yaml says clearable = {}", prop.clearable);
            table.push((op.id, prop.name, outcome));
        }

        // Every nullable property at once: all or nothing.
        let outcomes: Vec<_> = table.iter().filter(|(id, ..)| *id == op.id).collect();
        let refused: Vec<&str> =
            outcomes.iter().filter(|(.., o)| *o == Outcome::Refused).map(|(_, p, _)| *p).collect();
        let cleared: Vec<&str> =
            outcomes.iter().filter(|(.., o)| *o == Outcome::Cleared).map(|(_, p, _)| *p).collect();
        let path = fresh(&api, op).await;
        let before = api.get(&path).await.expect(200).body;
        let body: Map<String, Value> = nullable.iter().map(|p| (p.name.to_owned(), Value::Null)).collect();
        let (res, after) = put_and_read(&api, &path, &Value::Object(body)).await;
        let what = format!("{} with every nullable property null", op.id);
        if refused.is_empty() {
            res.expect(200);
            let present: Vec<&str> =
                cleared.iter().copied().filter(|p| find_key(&before, p).is_some()).collect();
            assert_cleared(&before, &after, &present, &what);
        } else {
            let res = res.expect(400);
            let named: BTreeSet<&str> =
                res.body["errors"].as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(named, refused.iter().copied().collect(), "{what}: {}", res.text);
            assert_eq!(after, before, "{what}: nothing is cleared when anything is refused");
        }
    }
    eprintln!("| operation | property | null |\n|---|---|---|");
    for (op, prop, outcome) in &table {
        eprintln!("| {op} | {prop} | {outcome:?} |");
    }
    assert!(
        table.iter().any(|(.., o)| *o == Outcome::Cleared)
            && table.iter().any(|(.., o)| *o == Outcome::Refused),
        "both outcomes were exercised: {table:?}"
    );
}

/// A property left out keeps its value: an empty update changes nothing but `updated_at`
/// (a PUT always counts as a change), for every update operation.
#[tokio::test]
async fn a_property_left_out_keeps_its_value() {
    let api = Api::seeded().await;
    for op in update_operations() {
        let path = fresh(&api, op).await;
        let before = api.get(&path).await.expect(200).body;
        let (res, after) = put_and_read(&api, &path, &json!({})).await;
        res.expect(200);
        assert_cleared(&before, &after, &[], op.id);
        assert_ne!(after["updated_at"], before["updated_at"], "{}", op.id);
    }
}

/// Setting an employee's termination date, then clearing it with `null`: the date is gone and
/// the employee is active again (a rehire). A rehire that would make two active employees of the
/// employer share an SSN is a 409 and changes nothing.
#[tokio::test]
async fn clearing_the_termination_date_rehires_the_employee() {
    let api = Api::seeded().await;
    let employer = api.demo().employer_id.to_string();
    let hire = |ssn: &str| {
        let mut body = fixture("Employee");
        body["ssn"] = json!(ssn);
        body
    };
    let hires = format!("/v1/employers/{employer}/employees");
    let created = api.post(&hires, &hire("123-45-0001")).await.expect(201).body;
    let path = format!("/v1/employees/{}", created["id"].as_str().unwrap());

    let set = api.put(&path, &json!({ "termination_date": today() })).await.expect(200).body;
    assert_eq!(set["termination_date"], json!(today()));
    assert_eq!(set["active"], false);
    let res = api.put(&path, &json!({ "termination_date": null })).await.expect(200);
    let read = api.get(&path).await.expect(200).body;
    assert_eq!(res.body, read);
    assert!(read.get("termination_date").is_none_or(Value::is_null), "{read}");
    assert_eq!(read["active"], true);

    // A later termination date is scheduled: the employee stays active until then.
    let later = api.put(&path, &json!({ "termination_date": "2026-12-31" })).await.expect(200).body;
    assert_eq!(later["active"], true);

    // Terminated through DELETE, then rehired while a new hire holds the same SSN.
    api.delete(&path).await.expect(204);
    api.post(&hires, &hire("123-45-0001")).await.expect(201);
    let before = api.get(&path).await.expect(200).body;
    let res = api.put(&path, &json!({ "termination_date": null })).await.expect(409);
    assert_eq!(res.body["code"], "duplicate_employee");
    assert_eq!(api.get(&path).await.expect(200).body, before);
}

/// The element type of `ty` and whether it is an array (`[CoverageTier]` → `CoverageTier`).
fn element(ty: &str) -> (&str, bool) {
    match ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        Some(item) => (item, true),
        None => (ty, false),
    }
}

/// Bodies of `schema` that each hold one bad value and nothing else, with the path of that value,
/// for every property at any depth (through objects and arrays) where `leaf` places one:
/// `("elections[0].decision", {"elections": [{"decision": "Not A Value"}]})`.
fn leaf_bodies(schema: &str, leaf: &dyn Fn(&Property) -> Option<(String, Value)>) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for prop in spec::properties(schema).unwrap_or_default() {
        if let Some((at, value)) = leaf(prop) {
            out.push((at, json!({ prop.name: value })));
        }
        let (item, array) = element(prop.ty);
        for (inner, body) in leaf_bodies(item, leaf) {
            let (at, value) = if array {
                (format!("{}[0].{inner}", prop.name), json!([body]))
            } else {
                (format!("{}.{inner}", prop.name), body)
            };
            out.push((at, json!({ prop.name: value })));
        }
    }
    out
}

/// [`NOT_A_VALUE`] for an enum property (in an array's first item for an array of enums).
fn unknown_enum_value(prop: &Property) -> Option<(String, Value)> {
    let (item, array) = element(prop.ty);
    spec::enum_values(item)?;
    Some(if array {
        (format!("{}[0]", prop.name), json!([NOT_A_VALUE]))
    } else {
        (prop.name.to_owned(), json!(NOT_A_VALUE))
    })
}

/// `null` for a property the spec does not mark `nullable`.
fn null_where_not_nullable(prop: &Property) -> Option<(String, Value)> {
    (!prop.nullable).then(|| (prop.name.to_owned(), Value::Null))
}

/// Every operation with a body (creates and updates alike), every enum property at any depth:
/// a value the spec doesn't list is a 400 naming the field and listing the allowed values,
/// whatever else is wrong with the body; an update refused this way changes nothing.
#[tokio::test]
async fn an_unknown_enum_value_in_any_body_is_a_400_naming_the_field() {
    let api = Api::seeded().await;
    let mut cases = 0;
    for op in spec::OPERATIONS.iter().filter(|op| op.body.is_some()) {
        for (field, body) in leaf_bodies(body_schema(op), &unknown_enum_value) {
            let path =
                if op.method == "PUT" { fresh(&api, op).await } else { fill_path(op, |n| demo_id(&api, n)) };
            let before = if op.method == "PUT" { Some(api.get(&path).await.expect(200).body) } else { None };
            let method = reqwest::Method::from_bytes(op.method.as_bytes()).unwrap();
            let res = api.send(api.request(method, &path).json(&body)).await.expect(400);
            let messages = res.field_errors(&field);
            let what = format!("{} {body}", op.id);
            assert_eq!(messages.len(), 1, "{what}: {}", res.text);
            assert!(
                messages[0].starts_with(&format!("`{NOT_A_VALUE}` is not a valid choice")),
                "{what}: {messages:?}"
            );
            if let Some(before) = before {
                assert_eq!(api.get(&path).await.expect(200).body, before, "{what}");
            }
            cases += 1;
        }
    }
    assert!(cases > 0, "the spec's bodies have enum properties");

    // A valid body but for one decision: nothing is elected.
    let dana = api.employee(0);
    let elect = format!("/v1/employees/{}/enrollments/elect", dana.employee_id);
    let enrollment = format!("/v1/enrollments/{}", dana.enrollment_id);
    let before = api.get(&enrollment).await.expect(200).body;
    let body = json!({ "elections": [{ "enrollment_id": dana.enrollment_id, "decision": "Maybe" }] });
    let res = api.post(&elect, &body).await.expect(400);
    let message = &res.field_errors("elections[0].decision")[0];
    for value in spec::enum_values("ElectionDecision").unwrap() {
        assert!(message.contains(&format!("`{value}`")), "{message}");
    }
    let body = json!({ "elections": [{
        "enrollment_id": dana.enrollment_id, "decision": "Enrolled",
        "selected_plan_id": api.demo().gold_plan_id, "coverage_tier": "XL"
    }] });
    assert!(!api.post(&elect, &body).await.expect(400).field_errors("elections[0].coverage_tier").is_empty());
    assert_eq!(api.get(&enrollment).await.expect(200).body, before);
}

/// Every operation with a body, every property the spec does not mark `nullable`, at any depth:
/// `null` is a 400 "This field may not be null." naming it, even for an optional property
/// (which a request type would take as left out).
#[tokio::test]
async fn null_where_the_spec_does_not_allow_it_is_a_400_naming_the_field() {
    let api = Api::seeded().await;
    let mut cases = 0;
    for op in spec::OPERATIONS.iter().filter(|op| op.body.is_some()) {
        for (field, body) in leaf_bodies(body_schema(op), &null_where_not_nullable) {
            let path =
                if op.method == "PUT" { fresh(&api, op).await } else { fill_path(op, |n| demo_id(&api, n)) };
            let method = reqwest::Method::from_bytes(op.method.as_bytes()).unwrap();
            let res = api.send(api.request(method, &path).json(&body)).await.expect(400);
            assert_eq!(
                res.field_errors(&field),
                ["This field may not be null."],
                "{} {body}: {}",
                op.id,
                res.text
            );
            cases += 1;
        }
    }
    assert!(cases > 0, "the spec's bodies have properties that are not nullable");

    // An optional property of a nested object, in a body otherwise valid: nothing is created.
    let employers = api.get("/v1/employers").await.expect(200).body;
    let mut body = fixture("Employer");
    body["address"]["country"] = Value::Null;
    let res = api.post("/v1/employers", &body).await.expect(400);
    assert_eq!(res.field_errors("address.country"), ["This field may not be null."]);
    assert_eq!(api.get("/v1/employers").await.expect(200).body, employers);
    body["address"]["street_2"] = Value::Null;
    body["address"]["country"] = json!("US");
    api.post("/v1/employers", &body).await.expect(201);
}
