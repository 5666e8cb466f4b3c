//! The seeded sandbox fills every response property of `openapi.yaml` at least once.
//!
//! The test starts the seeded sandbox, runs the few writes whose results the seed alone does
//! not contain (a reviewed qualifying life event with notes, a newborn dependent, a reissue and
//! a family election, an employee with every optional field, a terminated employee, a replaced
//! eligibility policy), and then calls every `GET` operation of the spec with every ID found in
//! earlier responses. Every JSON body is walked against the operation's response schema in
//! [`spec`], recording which properties were ever present and not null. Every property of every
//! object schema reachable from a response must have been filled at least once; the failure
//! names each one that never was (`Schema.property`).
//!
//! Nothing here lists operations, schemas or properties: they all come from the spec's tables,
//! so a property added to `openapi.yaml` fails this test until the sandbox shows it.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use chrono::Days;
use serde_json::{Value, json};
use support::{Api, today};
use vitable_connect_api::ids::QleId;
use vitable_connect_api::spec::{self, Location, Operation, SchemaKind};
use vitable_connect_api::types::QualifyingLifeEventStatus;

/// Properties the sandbox cannot fill, with the reason. Empty: every property is filled.
const NEVER_FILLED: &[(&str, &str)] = &[];

/// What the walk of the responses found.
#[derive(Default)]
struct Coverage {
    /// `(schema, property)` pairs seen present and not null.
    filled: BTreeSet<(&'static str, &'static str)>,
    /// Every string under a key `id`, `…_id` or `…_ids`: candidates for path parameters.
    ids: BTreeSet<String>,
    /// Operations that answered with their documented success status.
    succeeded: BTreeSet<&'static str>,
}

impl Coverage {
    /// Records a response of `op`: the properties it fills and the IDs it holds.
    fn record(&mut self, op: &'static Operation, status: u16, body: &Value) {
        assert!((200..300).contains(&status), "{} answered {status}: {body}", op.id);
        if status == op.success_status {
            self.succeeded.insert(op.id);
        }
        if let Some(ty) = op.success {
            self.walk(ty, body);
        }
        collect_ids(body, &mut self.ids);
    }

    /// Walks `value` as an instance of `ty` (a schema name, `[T]` or a primitive type).
    fn walk(&mut self, ty: &'static str, value: &Value) {
        if let Some(item) = ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            for element in value.as_array().into_iter().flatten() {
                self.walk(item, element);
            }
            return;
        }
        let (Some(properties), Some(object)) = (spec::properties(ty), value.as_object()) else {
            return;
        };
        for property in properties {
            if let Some(v) = object.get(property.name).filter(|v| !v.is_null()) {
                self.filled.insert((ty, property.name));
                self.walk(property.ty, v);
            }
        }
    }
}

/// Adds every string under a key `id`, `…_id` or `…_ids` in `value` to `ids`.
fn collect_ids(value: &Value, ids: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "id" || key.ends_with("_id") || key.ends_with("_ids") {
                    let strings = v
                        .as_str()
                        .into_iter()
                        .chain(v.as_array().into_iter().flatten().filter_map(Value::as_str));
                    ids.extend(strings.map(str::to_owned));
                }
                collect_ids(v, ids);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_ids(v, ids)),
        _ => {}
    }
}

/// Every `(schema, property)` of the object schemas reachable from a success response.
fn response_properties() -> BTreeSet<(&'static str, &'static str)> {
    fn visit(
        ty: &'static str,
        seen: &mut BTreeSet<&'static str>,
        out: &mut BTreeSet<(&'static str, &'static str)>,
    ) {
        let ty = ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(ty);
        let Some(properties) = spec::properties(ty) else { return };
        if !seen.insert(ty) {
            return;
        }
        for property in properties {
            out.insert((ty, property.name));
            visit(property.ty, seen, out);
        }
    }
    let (mut seen, mut out) = (BTreeSet::new(), BTreeSet::new());
    for op in spec::OPERATIONS {
        if let Some(ty) = op.success {
            visit(ty, &mut seen, &mut out);
        }
    }
    out
}

/// The prefix of the IDs of schema `ty`, when it is an ID kind this test knows. For any other
/// parameter every collected ID is tried, and the ones that are not found (404) are skipped.
fn id_prefix(ty: &str) -> Option<&'static str> {
    use vitable_connect_api::ids::*;
    if !matches!(spec::schema(ty).map(|s| s.kind), Some(SchemaKind::Id)) {
        return None;
    }
    Some(match ty {
        "EmployerId" => EmployerId::PREFIX,
        "EmployeeId" => EmployeeId::PREFIX,
        "MemberId" => MemberId::PREFIX,
        "DependentId" => DependentId::PREFIX,
        "EnrollmentId" => EnrollmentId::PREFIX,
        "QleId" => QleId::PREFIX,
        "BenefitProductId" => BenefitProductId::PREFIX,
        "PlanYearId" => PlanYearId::PREFIX,
        "PlanId" => PlanId::PREFIX,
        "EligibilityPolicyId" => EligibilityPolicyId::PREFIX,
        "OrganizationId" => OrganizationId::PREFIX,
        "CarrierPlanId" => CarrierPlanId::PREFIX,
        // An ID kind added to the spec later: try every collected ID.
        _ => return None,
    })
}

/// Every path of `op` with its path parameters filled from `ids` (the values whose prefix
/// matches each parameter's ID kind), with the largest page the spec allows.
fn paths(op: &Operation, ids: &BTreeSet<String>) -> Vec<String> {
    let mut paths = vec![op.path.to_owned()];
    for param in op.params.iter().filter(|p| p.location == Location::Path) {
        let prefix = id_prefix(param.ty).unwrap_or("");
        let candidates: Vec<&String> = ids.iter().filter(|id| id.starts_with(prefix)).collect();
        let placeholder = &format!("{{{}}}", param.name);
        paths = paths
            .iter()
            .flat_map(|path| candidates.iter().map(move |id| path.replace(placeholder, id)))
            .collect();
    }
    let limit = op.param("limit").and_then(|p| p.limits.maximum);
    match limit {
        Some(max) => paths.into_iter().map(|path| format!("{path}?limit={max}")).collect(),
        None => paths,
    }
}

/// Sends one write and records its response.
async fn write(api: &Api, coverage: &mut Coverage, op_id: &str, path: &str, body: Option<Value>) -> Value {
    let op = spec::operation(op_id).unwrap_or_else(|| panic!("{op_id} is not in the spec"));
    let method = reqwest::Method::from_bytes(op.method.as_bytes()).expect("an HTTP method");
    let mut request = api.request(method, path);
    if let Some(body) = &body {
        request = request.json(body);
    }
    let res = api.send(request).await;
    coverage.record(op, res.status, &res.body);
    res.body
}

/// The writes whose results the seed alone does not hold, each one a step of the demo's
/// scenarios: a birth recorded with notes and reviewed, the newborn added (SSN, suffix,
/// gender), the enrollment reissued and elected for the whole family, a new hire with every
/// optional field, a termination, and a replaced eligibility policy.
async fn run_scenarios(api: &Api, coverage: &mut Coverage) {
    let demo = api.demo();
    let dana = api.employee(0);
    let birth = today().checked_sub_days(Days::new(3)).expect("a date");

    let qle = write(
        api,
        coverage,
        "members_qualifying_life_events_record",
        &format!("/v1/members/{}/qualifying-life-events", dana.member_id),
        Some(json!({ "event_type": "Birth", "event_date": birth, "notes": "Daughter born at St. Mary's" })),
    )
    .await;
    let qle_id: QleId = qle["id"].as_str().expect("a QLE ID").parse().expect("a QLE ID");
    assert!(api.sandbox.set_qle_status(&qle_id, QualifyingLifeEventStatus::Approved));

    let newborn = write(
        api,
        coverage,
        "members_dependents_create",
        &format!("/v1/members/{}/dependents", dana.member_id),
        Some(json!({
            "first_name": "Maya", "last_name": "Rivera", "suffix": "II", "date_of_birth": birth,
            "sex": "Female", "gender": "Female", "relationship": "Child", "ssn": "567-89-0123"
        })),
    )
    .await;

    write(
        api,
        coverage,
        "enrollments_reissue",
        &format!("/v1/enrollments/{}/reissue", dana.enrollment_id),
        Some(json!({ "qle_id": qle_id, "reason": "New child" })),
    )
    .await;
    let mut family: Vec<Value> = dana.dependent_ids.iter().map(|id| json!(id)).collect();
    family.push(newborn["id"].clone());
    write(
        api,
        coverage,
        "employees_enrollments_submit_elections",
        &format!("/v1/employees/{}/enrollments/elect", dana.employee_id),
        Some(json!({ "elections": [{
            "enrollment_id": dana.enrollment_id, "decision": "Enrolled",
            "selected_plan_id": demo.gold_plan_id, "coverage_tier": "EF", "dependent_ids": family
        }] })),
    )
    .await;

    write(
        api,
        coverage,
        "employers_employees_create",
        &format!("/v1/employers/{}/employees", demo.employer_id),
        Some(json!({
            "first_name": "Marcus", "last_name": "Bell", "suffix": "Jr.", "sex": "Male",
            "gender": "Male", "date_of_birth": "1992-08-14", "ssn": "678-90-1234",
            "email": "marcus.bell@example.com", "phone": "+14155550142",
            "start_date": "2026-05-04", "employee_class": "Full Time",
            "address": { "street_1": "9 Pine Street", "street_2": "Apt 2", "city": "Berkeley", "state": "CA", "zip_code": "94704", "country": "US" }
        })),
    )
    .await;

    let priya = api.employee(2);
    write(api, coverage, "employees_terminate", &format!("/v1/employees/{}", priya.employee_id), None).await;

    write(
        api,
        coverage,
        "employers_create_eligibility_policy",
        &format!(
            "/v1/employers/{}/benefit-eligibility-policy?policy_to_replace_id={}",
            demo.employer_id, demo.eligibility_policy_id
        ),
        Some(json!({
            "name": "Full-time after 60 days",
            "description": "Full-time staff become eligible after a 60 day wait.",
            "effective_date": "2026-07-01",
            "rules": [
                { "rule_type": "employment_status", "operator": "in", "value": "full_time" },
                { "rule_type": "waiting_period", "operator": "greater_than", "value": "60" }
            ]
        })),
    )
    .await;
}

/// Calls every `GET` operation with every candidate ID, until no response brings a new ID.
async fn read_everything(api: &Api, coverage: &mut Coverage) {
    let mut visited = BTreeSet::new();
    loop {
        let known = coverage.ids.len();
        for op in spec::OPERATIONS.iter().filter(|op| !op.is_write()) {
            for path in paths(op, &coverage.ids) {
                if !visited.insert(path.clone()) {
                    continue;
                }
                let res = api.get(&path).await;
                match res.status {
                    // A candidate of another kind, or an ID of something that is not there.
                    404 => continue,
                    _ => coverage.record(op, res.status, &res.body),
                }
            }
        }
        if coverage.ids.len() == known {
            break;
        }
    }
}

#[tokio::test]
async fn every_response_property_is_filled_at_least_once() {
    let api = Api::seeded().await;
    let mut coverage = Coverage::default();
    run_scenarios(&api, &mut coverage).await;
    read_everything(&api, &mut coverage).await;

    let excluded: BTreeMap<(&str, &str), &str> = NEVER_FILLED
        .iter()
        .map(|(name, reason)| (name.split_once('.').expect("`Schema.property`"), *reason))
        .collect();
    let expected = response_properties();
    let unfilled: Vec<String> = expected
        .iter()
        .filter(|key| !coverage.filled.contains(key) && !excluded.contains_key(key))
        .map(|(schema, property)| format!("{schema}.{property}"))
        .collect();
    // Every read must have been reached too, or its response schema was never walked.
    let unanswered: Vec<&str> = spec::OPERATIONS
        .iter()
        .filter(|op| !op.is_write() && !coverage.succeeded.contains(op.id))
        .map(|op| op.id)
        .collect();
    assert!(
        unfilled.is_empty() && unanswered.is_empty(),
        "{} response properties are never filled by the seeded sandbox and its scenarios (make the \
         seed or the scenarios show them): {}\nGET operations never answered with success: {unanswered:?}",
        unfilled.len(),
        unfilled.join(", ")
    );
    let stale: Vec<String> = excluded
        .keys()
        .filter(|key| !expected.contains(key) || coverage.filled.contains(key))
        .map(|(schema, property)| format!("{schema}.{property}"))
        .collect();
    assert!(stale.is_empty(), "NEVER_FILLED lists properties that are filled or gone: {stale:?}");
}
