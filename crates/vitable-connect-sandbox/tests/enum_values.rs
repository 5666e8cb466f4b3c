//! Every value of every enum a request carries is handled, not only parsed: each value the
//! spec lists for a query parameter or a body property (nested ones included) is sent through
//! the sandbox's real handler, over HTTP, and must be accepted and applied: a filter returns
//! exactly the items of the unfiltered list that have the value (so a filter the handler
//! ignores or misreads fails), a write answers 2xx with the value where it was sent.
//!
//! The inputs and their values come from `openapi.yaml` (the generated `spec` tables). What a
//! valid request of each operation looks like apart from the enum is this file's test data, in
//! [`baseline`]; an operation that takes an enum and has no baseline fails the test, so a new
//! one cannot go unchecked. Before a filter is checked, [`populate`] gives the list an item with
//! each value where the API can make one; a filter value that no item has fails the test unless
//! [`NOT_EVERY_VALUE`] says why no item can have it.

mod support;

use serde_json::{Value, json};
use support::{Api, today};
use vitable_connect_api::ids::QleId;
use vitable_connect_api::spec::{self, Location, Operation};
use vitable_connect_api::types::QualifyingLifeEventStatus;

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
    let plan_year_body = plan_year_body(api);
    let path = |id: &str| fill(op.path, &[id]);
    Some(match op.id {
        "benefit_products_list" => (op.path.to_owned(), Value::Null),
        "benefit_products_plan_years_create" => (path(demo.dental_product_id.as_str()), plan_year_body),
        "benefit_products_plan_years_list" => (path(demo.medical_product_id.as_str()), Value::Null),
        // Only a draft plan year can change: one whose open enrollment starts next year.
        "plan_years_update" => {
            let id = draft_plan_year(api, demo.dental_product_id.as_str(), &plan_year_body, 0).await;
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
        "employers_employees_create" => (path(demo.employer_id.as_str()), new_employee(0)),
        "employers_employees_list" => (path(demo.employer_id.as_str()), Value::Null),
        "members_dependents_create" => (path(dana.member_id.as_str()), new_dependent()),
        "members_dependents_list" => (path(dana.member_id.as_str()), Value::Null),
        "members_qualifying_life_events_list" => (path(dana.member_id.as_str()), Value::Null),
        "members_qualifying_life_events_record" => (
            path(dana.member_id.as_str()),
            json!({ "event_type": "Marriage", "event_date": today().to_string() }),
        ),
        _ => return None,
    })
}

/// The body of a plan year create request for the demo employer, covering today's year.
fn plan_year_body(api: &Api) -> Value {
    json!({
        "employer_id": api.demo().employer_id,
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
    })
}

/// Creates a `draft` plan year of `product_id` (`body` with its open enrollment in November of
/// next year, or `n` years later, and coverage the year after) and returns its ID.
async fn draft_plan_year(api: &Api, product_id: &str, body: &Value, n: i32) -> String {
    let next = today().format("%Y").to_string().parse::<i32>().expect("a year") + 1 + n;
    let mut draft = body.clone();
    draft["coverage_start"] = json!(format!("{}-01-01", next + 1));
    draft["coverage_end"] = json!(format!("{}-12-31", next + 1));
    draft["open_enrollment_start"] = json!(format!("{next}-11-01"));
    draft["open_enrollment_end"] = json!(format!("{next}-11-30"));
    let created =
        api.post(&format!("/v1/benefit-products/{product_id}/plan-years"), &draft).await.expect(201);
    created.body["id"].as_str().expect("a plan year ID").to_owned()
}

/// The body of an employee create request, the `n`th of its kind (its own SSN and email).
fn new_employee(n: u16) -> Value {
    json!({
        "first_name": "Lee", "last_name": "Moreau", "date_of_birth": "1990-04-02",
        "sex": "Female", "ssn": format!("501-23-{:04}", 4567 + n), "email": format!("lee{n}@example.com"),
        "start_date": today().to_string(), "employee_class": "Full Time",
    })
}

/// The body of a dependent create request.
fn new_dependent() -> Value {
    json!({
        "first_name": "Ari", "last_name": "Rivera", "date_of_birth": "2020-06-01",
        "sex": "Male", "relationship": "Child",
    })
}

/// The values the spec lists for query parameter `name` of `op`.
fn values_of(op: &Operation, name: &str) -> &'static [&'static str] {
    let param = op.param(name).unwrap_or_else(|| panic!("{} has no parameter {name}", op.id));
    spec::enum_values(param.ty).unwrap_or_else(|| panic!("{}.{name} is not an enum", op.id))
}

/// Filters whose every value cannot be given an item through the API, with the reason. Each
/// value is still sent and compared with the unfiltered list; one that no item has only shows
/// that the filter drops the others.
const NOT_EVERY_VALUE: &[(&str, &str, &str)] = &[
    ("benefit_products_list", "product_code", "the catalog is the seed's, and no operation adds a product"),
    ("employees_enrollments_list", "status", "the employee has one enrollment, in one status at a time"),
];

/// Before the filters of list operation `op` are checked: gives the list one item with each
/// value of its enum filters, where the API (or the sandbox's review hook) can make one. The
/// values are the spec's.
async fn populate(op: &Operation, api: &Api) {
    let demo = api.demo();
    match op.id {
        "members_qualifying_life_events_list" => {
            let statuses = values_of(op, "status");
            let member = api.employee(0).member_id.as_str();
            for (i, event_type) in values_of(op, "event_type").iter().enumerate() {
                let qle = api.record_qle(member, event_type, &today().to_string()).await.expect(201);
                let id = QleId::try_from(qle.body["id"].as_str().expect("a QLE ID")).expect("a QLE ID");
                let status = QualifyingLifeEventStatus::from(statuses[i % statuses.len()]);
                assert!(api.sandbox.set_qle_status(&id, status), "{id} is reviewed");
            }
        }
        "employers_employees_list" => {
            let path = fill(op.path, &[demo.employer_id.as_str()]);
            for (n, class) in (1..).zip(values_of(op, "employee_class")) {
                let mut body = new_employee(n);
                body["employee_class"] = json!(class);
                api.post(&path, &body).await.expect(201);
            }
        }
        "members_dependents_list" => {
            let path = fill(op.path, &[api.employee(0).member_id.as_str()]);
            for relationship in values_of(op, "relationship") {
                let mut body = new_dependent();
                body["relationship"] = json!(relationship);
                api.post(&path, &body).await.expect(201);
            }
        }
        "benefit_products_plan_years_list" => {
            let product = demo.medical_product_id.as_str();
            for (n, status) in (0..).zip(values_of(op, "status")) {
                let id = draft_plan_year(api, product, &plan_year_body(api), n).await;
                api.put(&format!("/v1/plan-years/{id}"), &json!({ "status": status })).await.expect(200);
            }
        }
        _ => {}
    }
}

/// Sends every value of enum query parameter `name` of list operation `op` to one seeded
/// sandbox that [`populate`] filled, and compares each answer with the unfiltered list (one
/// page of the spec's maximum `limit`) filtered here: the same items, in the same order.
/// Returns the number of values sent.
async fn check_filter(op: &Operation, name: &str, failures: &mut Vec<String>) -> usize {
    let api = Api::seeded().await;
    let Some((path, _)) = baseline(op, &api).await else {
        failures.push(format!("{}: takes enum parameter `{name}` but has no baseline here", op.id));
        return 0;
    };
    populate(op, &api).await;
    let method = reqwest::Method::from_bytes(op.method.as_bytes()).expect("a method");
    let limit = op.param("limit").and_then(|p| p.limits.maximum).expect("a list's limit has a maximum");
    let list = |mut query: Vec<(&str, String)>| {
        query.push(("limit", limit.to_string()));
        api.send(api.request(method.clone(), &path).query(&query))
    };
    let all = list(Vec::new()).await.expect(200).body;
    let all = all.as_array().expect("a list is an array");
    if all.is_empty() || all.len() >= usize::try_from(limit).expect("a small limit") {
        failures.push(format!(
            "{}: {} items unfiltered; the filters need some, on one page",
            op.id,
            all.len()
        ));
        return 0;
    }
    if let Some(item) = all.iter().find(|item| item.get(name).is_none()) {
        failures.push(format!("{}: an item has no `{name}` to compare the filter with: {item}", op.id));
        return 0;
    }
    let mut sent = 0;
    for value in values_of(op, name) {
        let res = list(vec![(name, (*value).to_owned())]).await;
        sent += 1;
        let what = format!("{} {name} = {value:?}", op.id);
        if !(200..300).contains(&res.status) {
            failures.push(format!("{what}: {} {}", res.status, res.text));
            continue;
        }
        let expected: Vec<&Value> = all.iter().filter(|item| item[name] == *value).collect();
        let got: Vec<&Value> = res.body.as_array().into_iter().flatten().collect();
        if got != expected {
            let ids =
                |items: &[&Value]| items.iter().map(|i| i["id"].to_string()).collect::<Vec<_>>().join(", ");
            failures.push(format!("{what}: returned [{}], expected [{}]", ids(&got), ids(&expected)));
        }
        if expected.is_empty() && !NOT_EVERY_VALUE.iter().any(|(o, n, _)| *o == op.id && *n == name) {
            failures.push(format!("{what}: no item has the value, so nothing shows the filter keeps it"));
        }
    }
    sent
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
            let at = match input {
                Input::Query(name) => {
                    sent += check_filter(op, name, &mut failures).await;
                    continue;
                }
                Input::Body(at) => at,
            };
            for value in spec::enum_values(enum_name).expect("an enum") {
                // A fresh seeded sandbox per value: no request sees another's changes.
                let api = Api::seeded().await;
                let Some((path, mut body)) = baseline(op, &api).await else {
                    failures.push(format!("{}: takes enum `{enum_name}` but has no baseline here", op.id));
                    break;
                };
                let method = reqwest::Method::from_bytes(op.method.as_bytes()).expect("a method");
                set(&mut body, &at, value);
                let name = at.last().expect("a path").trim_end_matches("[]");
                let res = api.send(api.request(method, &path).json(&body)).await;
                sent += 1;
                let what = format!("{} {at:?} = {value:?}", op.id);
                if !(200..300).contains(&res.status) {
                    failures.push(format!("{what}: {} {}", res.status, res.text));
                    continue;
                }
                // A sandbox rule: an election's `Unspecified` tier becomes the tier of its
                // dependents (none in the baseline: `EE`).
                let applied = match (enum_name, *value) {
                    ("CoverageTier", "Unspecified") if op.id.ends_with("submit_elections") => "EE",
                    _ => value,
                };
                if !holds(&res.body, name, applied) {
                    failures.push(format!("{what}: the response does not hold it: {}", res.body));
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
