//! Every value of every enum a request carries is handled, not only parsed: each value the
//! spec lists for a query parameter or a body property (nested ones included) is sent through
//! the sandbox's real handler, over HTTP, and must be accepted and applied: a filter returns
//! only matching items, a write answers 2xx with the value where it was sent.
//!
//! The inputs and their values come from `openapi.yaml` (the generated `spec` tables). What a
//! valid request of each operation looks like apart from the enum is this file's test data, in
//! [`baseline`]; an operation that takes an enum and has no baseline fails the test, so a new
//! one cannot go unchecked.

mod common;

use common::{Api, today};
use serde_json::{Value, json};
use vitable_connect_api::spec::{self, Location, Operation};

/// Where an enum goes in a request: a query parameter, or a body property given as a path of
/// property names (`[]` after a name for "each item of the array").
#[derive(Debug, Clone)]
enum Input {
    Query(&'static str),
    Body(Vec<String>),
}

/// Every enum input of `op`, with the enum's name.
fn enum_inputs(op: &Operation) -> Vec<(Input, &'static str)> {
    let mut inputs = Vec::new();
    for param in op.params.iter().filter(|p| p.location == Location::Query) {
        if spec::enum_values(param.ty).is_some() {
            inputs.push((Input::Query(param.name), param.ty));
        }
    }
    if let Some(body) = op.body {
        body_inputs(body, &mut Vec::new(), &mut inputs, 0);
    }
    inputs
}

fn body_inputs(schema: &str, at: &mut Vec<String>, inputs: &mut Vec<(Input, &'static str)>, depth: usize) {
    assert!(depth < 8, "schemas nest deeper than expected at {at:?}");
    for prop in spec::properties(schema).unwrap_or_default() {
        let (item, array) = match prop.ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            Some(item) => (item, true),
            None => (prop.ty, false),
        };
        at.push(if array { format!("{}[]", prop.name) } else { prop.name.to_owned() });
        if spec::enum_values(item).is_some() {
            inputs.push((Input::Body(at.clone()), item));
        } else if spec::properties(item).is_some() {
            body_inputs(item, at, inputs, depth + 1);
        }
        at.pop();
    }
}

/// A valid request of `op` against the seeded sandbox: its path and its body (`Null` without
/// one). `None` for an operation this file has no baseline for.
async fn baseline(op: &Operation, api: &Api) -> Option<(String, Value)> {
    let demo = api.demo();
    let dana = api.employee(0);
    let plan_year_body = json!({
        "employer_id": demo.employer_id,
        "coverage_start": format!("{}-01-01", today().format("%Y")),
        "coverage_end": format!("{}-12-31", today().format("%Y")),
        "open_enrollment_start": today().to_string(),
        "open_enrollment_end": today().to_string(),
        "contribution_classes": [{
            "employment": "full_time",
            "family_status": "EE",
            "employer_contribution_cents": 30000,
            "employee_contribution_cents": 2000,
        }],
    });
    let path = |id: &str| fill(op.path, &[id]);
    Some(match op.id {
        "benefit_products_list" => (op.path.to_owned(), Value::Null),
        "benefit_products_plan_years_create" => (path(demo.dental_product_id.as_str()), plan_year_body),
        "benefit_products_plan_years_list" => (path(demo.medical_product_id.as_str()), Value::Null),
        // Only a draft plan year can change: one whose open enrollment starts next year.
        "plan_years_update" => {
            let next = today().format("%Y").to_string().parse::<i32>().expect("a year") + 1;
            let mut draft = plan_year_body.clone();
            draft["coverage_start"] = json!(format!("{}-01-01", next + 1));
            draft["coverage_end"] = json!(format!("{}-12-31", next + 1));
            draft["open_enrollment_start"] = json!(format!("{next}-11-01"));
            draft["open_enrollment_end"] = json!(format!("{next}-11-30"));
            let create = format!("/v1/benefit-products/{}/plan-years", demo.dental_product_id);
            let created = api.post(&create, &draft).await.expect(201);
            let id = created.body["id"].as_str().expect("a plan year ID").to_owned();
            (path(&id), json!({ "contribution_classes": plan_year_body["contribution_classes"] }))
        }
        "dependents_update" => (path(dana.dependent_ids[1].as_str()), json!({ "relationship": "Child" })),
        "employees_update" => (path(dana.employee_id.as_str()), json!({ "employee_class": "Full Time" })),
        "employees_enrollments_list" => (path(dana.employee_id.as_str()), Value::Null),
        "employees_enrollments_submit_elections" => (
            path(dana.employee_id.as_str()),
            json!({ "elections": [{
                "enrollment_id": dana.enrollment_id,
                "decision": "Enrolled",
                "selected_plan_id": demo.silver_plan_id,
                "coverage_tier": "EE",
            }] }),
        ),
        "employers_employees_create" => (
            path(demo.employer_id.as_str()),
            json!({
                "first_name": "Lee", "last_name": "Moreau", "date_of_birth": "1990-04-02",
                "sex": "Female", "ssn": "501-23-4567", "email": "lee@example.com",
                "start_date": today().to_string(), "employee_class": "Full Time",
            }),
        ),
        "employers_employees_list" => (path(demo.employer_id.as_str()), Value::Null),
        "members_dependents_create" => (
            path(dana.member_id.as_str()),
            json!({
                "first_name": "Ari", "last_name": "Rivera", "date_of_birth": "2020-06-01",
                "sex": "Male", "relationship": "Child",
            }),
        ),
        "members_dependents_list" => (path(dana.member_id.as_str()), Value::Null),
        "members_qualifying_life_events_list" => (path(dana.member_id.as_str()), Value::Null),
        "members_qualifying_life_events_record" => (
            path(dana.member_id.as_str()),
            json!({ "event_type": "Marriage", "event_date": today().to_string() }),
        ),
        _ => return None,
    })
}

/// `template` with its `{param}` segments replaced by `values`, in order.
fn fill(template: &str, values: &[&str]) -> String {
    let mut values = values.iter();
    template
        .split('/')
        .map(|s| {
            if s.starts_with('{') {
                values.next().expect("a value per parameter").to_string()
            } else {
                s.into()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Sets every value at `at` (a property path, `[]` for each item) in `body` to `value`.
fn set(body: &mut Value, at: &[String], value: &str) {
    let Some((first, rest)) = at.split_first() else { return };
    let (name, each) = match first.strip_suffix("[]") {
        Some(name) => (name, true),
        None => (first.as_str(), false),
    };
    let slot = &mut body[name];
    match (each, rest.is_empty()) {
        (false, true) => *slot = json!(value),
        (false, false) => set(slot, rest, value),
        (true, true) => slot.as_array_mut().into_iter().flatten().for_each(|v| *v = json!(value)),
        (true, false) => slot.as_array_mut().into_iter().flatten().for_each(|v| set(v, rest, value)),
    }
}

/// Whether `response` (an object, or an array of them) holds `value` under `name` somewhere:
/// the value was applied, not dropped. Case aside: an enrollment's `decision` is free-form
/// text, which the sandbox writes in lower case like the enrollment's status.
fn holds(response: &Value, name: &str, value: &str) -> bool {
    let same = |v: &Value| v.as_str().is_some_and(|v| v.eq_ignore_ascii_case(value));
    match response {
        Value::Object(map) => map.iter().any(|(k, v)| {
            (k == name && (same(v) || v.as_array().is_some_and(|a| a.iter().any(same))))
                || holds(v, name, value)
        }),
        Value::Array(items) => items.iter().any(|item| holds(item, name, value)),
        _ => false,
    }
}

#[tokio::test]
async fn every_enum_value_of_every_request_is_applied_by_its_handler() {
    let mut failures = Vec::new();
    let mut sent = 0;
    for op in spec::OPERATIONS {
        for (input, enum_name) in enum_inputs(op) {
            for value in spec::enum_values(enum_name).expect("an enum") {
                // A fresh seeded sandbox per value: no request sees another's changes.
                let api = Api::seeded().await;
                let Some((path, mut body)) = baseline(op, &api).await else {
                    failures.push(format!("{}: takes enum `{enum_name}` but has no baseline here", op.id));
                    break;
                };
                let method = reqwest::Method::from_bytes(op.method.as_bytes()).expect("a method");
                let (request, name) = match &input {
                    Input::Query(name) => {
                        (api.request(method, &path).query(&[(*name, *value)]), name.to_string())
                    }
                    Input::Body(at) => {
                        set(&mut body, at, value);
                        let name = at.last().expect("a path").trim_end_matches("[]").to_owned();
                        (api.request(method, &path).json(&body), name)
                    }
                };
                let res = api.send(request).await;
                sent += 1;
                let what = format!("{} {input:?} = {value:?}", op.id);
                if !(200..300).contains(&res.status) {
                    failures.push(format!("{what}: {} {}", res.status, res.text));
                    continue;
                }
                match &input {
                    // A filter keeps only items with the value (where the items carry it).
                    Input::Query(name) => {
                        for item in res.body.as_array().into_iter().flatten() {
                            if let Some(field) = item.get(*name).filter(|f| !f.is_null())
                                && field != *value
                            {
                                failures.push(format!("{what}: returned an item with {name} = {field}"));
                            }
                        }
                    }
                    Input::Body(_) => {
                        // A sandbox rule: an election's `Unspecified` tier becomes the tier of
                        // its dependents (none in the baseline: `EE`).
                        let applied = match (enum_name, *value) {
                            ("CoverageTier", "Unspecified") if op.id.ends_with("submit_elections") => "EE",
                            _ => value,
                        };
                        if !holds(&res.body, &name, applied) {
                            failures.push(format!("{what}: the response does not hold it: {}", res.body));
                        }
                    }
                }
            }
        }
    }
    assert!(sent > 0, "the spec has enum inputs");
    assert!(failures.is_empty(), "{} of {sent} values not applied:\n{}", failures.len(), failures.join("\n"));
}

/// The walk finds nested and array inputs (the elections' decision and tier).
#[test]
fn enum_inputs_include_nested_array_items() {
    let op = spec::operation("employees_enrollments_submit_elections").expect("the operation");
    let inputs: Vec<String> = enum_inputs(op).iter().map(|(input, ty)| format!("{input:?} {ty}")).collect();
    assert!(inputs.iter().any(|i| i.contains("\"elections[]\", \"decision\"")), "{inputs:?}");
    let mut body = json!({ "elections": [{ "decision": "Enrolled" }, { "decision": "Enrolled" }] });
    set(&mut body, &["elections[]".into(), "decision".into()], "Waived");
    assert_eq!(body, json!({ "elections": [{ "decision": "Waived" }, { "decision": "Waived" }] }));
    assert!(holds(&json!([{ "a": { "decision": "Waived" } }]), "decision", "Waived"));
    assert!(!holds(&json!([{ "decision": "Enrolled" }]), "decision", "Waived"));
}
