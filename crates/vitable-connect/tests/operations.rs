//! The operations against a local HTTP server, each by hand: exact method, path, query,
//! headers and JSON body on the wire, the spec's success status, and the decoded response.
//! Methods and path templates come from the operations table (generated from `openapi.yaml`;
//! `tests/tests/api_surface.rs` checks the table against the spec); the IDs filled in
//! are this file's test data.
//!
//! Each operation has an `exercise_*` function that mounts its mocks (each `.expect(1)`),
//! calls the SDK and checks what came back; [`check_received`] then checks every request the
//! server received against the operation's entry in [`operations::ALL`]: method, path
//! template, credentials and the idempotency key. The spec-driven tests of the workspace
//! (`tests/tests/maximal_requests.rs`) cover every operation, including new ones.

mod support;

use std::collections::BTreeSet;

use serde_json::{Value, json};
use support::*;
use vitable_connect::operations::{self, Operation};
use vitable_connect::{
    AddressInput, BenefitProductId, Category, Client, ContributionClassInput, CoverageTier, DependentId,
    Election, EligibilityPolicyId, EmployeeClass, EmployeeId, EmployerId, EnrollmentId, EnrollmentStatus,
    EventType, MemberId, PlanId, PlanTier, PlanYearId, PlanYearStatus, ProductCode, QleId,
    QualifyingLifeEventStatus, Relationship, RuleInput, Sex, Ssn,
};
use wiremock::matchers::{body_json, query_param};
use wiremock::{MockServer, Request, ResponseTemplate};

// ---------------------------------------------------------------------------------------------
// The runner
// ---------------------------------------------------------------------------------------------

/// Whether `actual` (a URL path) fits `template` (`/v1/employees/{employee_id}`): same number
/// of segments, literal segments equal, each `{param}` one non-empty segment.
fn path_fits(template: &str, actual: &str) -> bool {
    let template: Vec<&str> = template.split('/').collect();
    let actual: Vec<&str> = actual.split('/').collect();
    template.len() == actual.len()
        && template
            .iter()
            .zip(&actual)
            .all(|(t, a)| if t.starts_with('{') && t.ends_with('}') { !a.is_empty() } else { t == a })
}

/// The operations of the table that `request` fits.
fn operations_matching(request: &Request) -> Vec<&'static str> {
    operations::ALL
        .iter()
        .filter(|op| op.method == request.method.as_str() && path_fits(op.path, request.url.path()))
        .map(|op| op.id)
        .collect()
}

/// After an operation's exercise ran against `server`, checks every request received:
/// it is `op` (and no other operation of the table), carries the API key and the SDK's
/// `User-Agent`, and has an idempotency key exactly when it is a write.
async fn check_received(op: &'static Operation, server: &MockServer) {
    server.verify().await;

    let requests = server.received_requests().await.expect("request recording is on");
    assert!(!requests.is_empty(), "{}: the exercise sent nothing", op.id);
    for request in &requests {
        assert_eq!(operations_matching(request), [op.id], "{}: {} {}", op.id, request.method, request.url);
        assert_eq!(request.headers["authorization"], "Bearer test-key");
        let user_agent = request.headers["user-agent"].to_str().unwrap();
        assert!(user_agent.starts_with("vitable-connect-rust/"), "{user_agent}");
        let idempotency_key = request.headers.get(vitable_connect::IDEMPOTENCY_KEY);
        if op.method == "GET" {
            assert!(idempotency_key.is_none(), "{}: a GET carries no idempotency key", op.id);
        } else {
            let key =
                idempotency_key.unwrap_or_else(|| panic!("{}: a write needs an idempotency key", op.id));
            assert!(!key.is_empty(), "{}", op.id);
        }
    }
}

/// Checks that the requests received so far are, in order, the list calls made with the
/// filters in `expected` (one entry per call): each query holds exactly those pairs, so
/// every filter left unset is absent.
async fn assert_queries(server: &MockServer, expected: &[&[(&str, &str)]]) {
    let requests = server.received_requests().await.unwrap();
    let actual: Vec<_> = requests.iter().map(query_pairs).collect();
    let expected: Vec<_> = expected.iter().map(|p| pairs(p)).collect();
    assert_eq!(actual, expected);
}

/// `op`'s path with its parameters filled in, in order: the table's template, never a path
/// written here.
fn path_of(op: &Operation, values: &[&str]) -> String {
    let mut values = values.iter();
    let path: Vec<String> = op
        .path
        .split('/')
        .map(|segment| match segment.starts_with('{') {
            true => values.next().unwrap_or_else(|| panic!("{}: too few path values", op.id)).to_string(),
            false => segment.to_owned(),
        })
        .collect();
    assert!(values.next().is_none(), "{}: too many path values", op.id);
    path.join("/")
}

/// A mock for operation `op` (its method, and its path with `values` filled in) that also
/// requires the API key and the SDK's `User-Agent`.
fn given_op(op: &Operation, values: &[&str]) -> wiremock::MockBuilder {
    given(op.method, &path_of(op, values))
}

fn id<T: std::str::FromStr<Err = vitable_connect::IdError>>(text: &str) -> T {
    text.parse().unwrap_or_else(|e| panic!("{e}"))
}

// ---------------------------------------------------------------------------------------------
// One test per operation with a hand-written exercise. Every operation of the spec, these
// and any new one, also goes through `tests/tests/maximal_requests.rs` (wire form against the
// spec) and the sandbox's response coverage test, so a new operation needs no entry here.
// ---------------------------------------------------------------------------------------------

macro_rules! operation_tests {
    ($($name:ident => $op:ident by $exercise:ident,)+) => {
        $(
            #[tokio::test]
            async fn $name() {
                let server = MockServer::start().await;
                let client = client(&server);
                $exercise(&server, &client).await;
                check_received(&operations::$op, &server).await;
            }
        )+
    };
}

operation_tests! {
    benefit_eligibility_policy_retrieve => BENEFIT_ELIGIBILITY_POLICY_RETRIEVE by exercise_benefit_eligibility_policy_retrieve,
    benefit_products_list => BENEFIT_PRODUCTS_LIST by exercise_benefit_products_list,
    benefit_products_plan_years_create => BENEFIT_PRODUCTS_PLAN_YEARS_CREATE by exercise_benefit_products_plan_years_create,
    benefit_products_plan_years_list => BENEFIT_PRODUCTS_PLAN_YEARS_LIST by exercise_benefit_products_plan_years_list,
    dependents_retrieve => DEPENDENTS_RETRIEVE by exercise_dependents_retrieve,
    dependents_update => DEPENDENTS_UPDATE by exercise_dependents_update,
    employees_enrollments_list => EMPLOYEES_ENROLLMENTS_LIST by exercise_employees_enrollments_list,
    employees_enrollments_submit_elections => EMPLOYEES_ENROLLMENTS_SUBMIT_ELECTIONS by exercise_employees_enrollments_submit_elections,
    employees_retrieve => EMPLOYEES_RETRIEVE by exercise_employees_retrieve,
    employees_terminate => EMPLOYEES_TERMINATE by exercise_employees_terminate,
    employees_update => EMPLOYEES_UPDATE by exercise_employees_update,
    employers_create => EMPLOYERS_CREATE by exercise_employers_create,
    employers_create_eligibility_policy => EMPLOYERS_CREATE_ELIGIBILITY_POLICY by exercise_employers_create_eligibility_policy,
    employers_employees_create => EMPLOYERS_EMPLOYEES_CREATE by exercise_employers_employees_create,
    employers_employees_list => EMPLOYERS_EMPLOYEES_LIST by exercise_employers_employees_list,
    employers_list => EMPLOYERS_LIST by exercise_employers_list,
    employers_retrieve => EMPLOYERS_RETRIEVE by exercise_employers_retrieve,
    employers_update => EMPLOYERS_UPDATE by exercise_employers_update,
    enrollments_list_plans => ENROLLMENTS_LIST_PLANS by exercise_enrollments_list_plans,
    enrollments_reissue => ENROLLMENTS_REISSUE by exercise_enrollments_reissue,
    enrollments_retrieve => ENROLLMENTS_RETRIEVE by exercise_enrollments_retrieve,
    members_dependents_create => MEMBERS_DEPENDENTS_CREATE by exercise_members_dependents_create,
    members_dependents_list => MEMBERS_DEPENDENTS_LIST by exercise_members_dependents_list,
    members_qualifying_life_events_list => MEMBERS_QUALIFYING_LIFE_EVENTS_LIST by exercise_members_qualifying_life_events_list,
    members_qualifying_life_events_record => MEMBERS_QUALIFYING_LIFE_EVENTS_RECORD by exercise_members_qualifying_life_events_record,
    plan_years_retrieve => PLAN_YEARS_RETRIEVE by exercise_plan_years_retrieve,
    plan_years_update => PLAN_YEARS_UPDATE by exercise_plan_years_update,
    qualifying_life_events_retrieve => QUALIFYING_LIFE_EVENTS_RETRIEVE by exercise_qualifying_life_events_retrieve,
}

// ---------------------------------------------------------------------------------------------
// Benefit eligibility policies
// ---------------------------------------------------------------------------------------------

async fn exercise_benefit_eligibility_policy_retrieve(server: &MockServer, client: &Client) {
    given_op(&operations::BENEFIT_ELIGIBILITY_POLICY_RETRIEVE, &["epol_T4s9Vb"])
        .and(without_query)
        .respond_with(ok(eligibility_policy()))
        .expect(1)
        .mount(server)
        .await;

    let policy = client.benefit_eligibility_policy().retrieve(&id(POLICY)).send().await.unwrap();

    assert_eq!(policy.id, POLICY);
    assert_eq!(policy.employer_id, EMPLOYER);
    assert_eq!(policy.name, "Full-time after 30 days");
    assert!(policy.active);
    assert_eq!(policy.effective_date, date(2027, 1, 1));
    assert_eq!(policy.rules.len(), 2);
    assert_eq!(policy.rules[0].rule_type, "hours_per_week");
    assert_eq!(policy.rules[0].value, json!(30), "a rule's value keeps its JSON type");
    assert_eq!(policy.rules[1].value, json!(["full_time", "part_time"]));
    assert_eq!(policy.replaced_policy_id, None);
    assert_eq!(policy.created_at, utc(2026, 1, 5, 17, 30, 0));
}

// ---------------------------------------------------------------------------------------------
// Benefit products and their plan years
// ---------------------------------------------------------------------------------------------

async fn exercise_benefit_products_list(server: &MockServer, client: &Client) {
    let dental = with(
        benefit_product(),
        json!({ "id": "bprd_Dn7a1x", "name": "Dental Plus", "category": "Dental", "product_code": "VD",
                "carrier_name": "Guardian", "active": false }),
    );
    given_op(&operations::BENEFIT_PRODUCTS_LIST, &[])
        .and(query_param("active_in", "true"))
        .and(query_param("category", "Medical"))
        .and(query_param("product_code", "VPC_CORE"))
        .and(query_param("page", "2"))
        .and(query_param("limit", "50"))
        .respond_with(ok(json!([benefit_product(), dental])))
        .expect(1)
        .mount(server)
        .await;
    given_op(&operations::BENEFIT_PRODUCTS_LIST, &[])
        .and(without_query)
        .respond_with(ok(json!([])))
        .expect(1)
        .mount(server)
        .await;

    let products = client
        .benefit_products()
        .list()
        .active_in(true)
        .category(Category::Medical)
        .product_code(ProductCode::VpcCore)
        .page(2)
        .limit(50)
        .send()
        .await
        .unwrap();
    let unfiltered = client.benefit_products().list().send().await.unwrap();

    assert_eq!(products.len(), 2);
    assert_eq!(products[0].id, BENEFIT_PRODUCT);
    assert_eq!(products[0].category, Category::Medical);
    assert_eq!(products[0].product_code, ProductCode::VpcCore);
    assert_eq!(products[0].carrier_name, None);
    assert_eq!(products[1].category, Category::Dental);
    assert_eq!(products[1].product_code, ProductCode::Vd);
    assert_eq!(products[1].carrier_name.as_deref(), Some("Guardian"));
    assert!(!products[1].active);
    assert!(unfiltered.is_empty());
    assert_queries(
        server,
        &[
            &[
                ("active_in", "true"),
                ("category", "Medical"),
                ("product_code", "VPC_CORE"),
                ("page", "2"),
                ("limit", "50"),
            ],
            &[],
        ],
    )
    .await;
}

async fn exercise_benefit_products_plan_years_create(server: &MockServer, client: &Client) {
    given_op(&operations::BENEFIT_PRODUCTS_PLAN_YEARS_CREATE, &["bprd_M3dK7q"])
        .and(without_query)
        .and(body_json(json!({
            "employer_id": EMPLOYER,
            "coverage_start": "2027-01-01",
            "coverage_end": "2027-12-31",
            "open_enrollment_start": "2026-11-01",
            "open_enrollment_end": "2026-11-30",
            "contribution_classes": [
                { "employment": "full_time", "family_status": "EE",
                  "employee_contribution_cents": 5000, "employer_contribution_cents": 35000 },
                { "employment": "full_time", "family_status": "EF",
                  "employee_contribution_cents": 20000, "employer_contribution_cents": 0 }
            ]
        })))
        .respond_with(created(plan_year()))
        .expect(1)
        .mount(server)
        .await;

    let year = client
        .benefit_products()
        .plan_years()
        .create(
            &id::<BenefitProductId>(BENEFIT_PRODUCT),
            &id::<EmployerId>(EMPLOYER),
            date(2027, 1, 1),
            date(2027, 12, 31),
            date(2026, 11, 1),
            date(2026, 11, 30),
            [
                ContributionClassInput::new("full_time", CoverageTier::Ee, 5_000, 35_000),
                ContributionClassInput::new("full_time", CoverageTier::Ef, 20_000, 0),
            ],
        )
        .send_with_response()
        .await
        .unwrap();

    assert_eq!(year.http_status().as_u16(), 201);
    assert_eq!(year.value().id, PLAN_YEAR);
    assert_eq!(year.value().benefit_product_id, BENEFIT_PRODUCT);
    assert_eq!(year.value().status, PlanYearStatus::Draft);
    assert_eq!(year.value().open_enrollment_start_date, date(2026, 11, 1));
    assert_eq!(year.value().open_enrollment_end_date, date(2026, 11, 30));
    assert_eq!(year.value().plans[0].id, PLAN);
    assert_eq!(year.value().plans[0].carrier_plan_id, CARRIER_PLAN);
    assert_eq!(year.value().plans[0].tier, Some(PlanTier::Gold));
    assert_eq!(year.value().plans[0].monthly_premium_cents, 52_000);
    assert_eq!(year.value().contribution_classes[0].family_status, CoverageTier::Ee);
    assert_eq!(year.value().contribution_classes[0].employer_contribution_cents, 35_000);
}

async fn exercise_benefit_products_plan_years_list(server: &MockServer, client: &Client) {
    let open = with(plan_year(), json!({ "status": "open_enrollment" }));
    let op = &operations::BENEFIT_PRODUCTS_PLAN_YEARS_LIST;
    let url = &path_of(op, &["bprd_M3dK7q"]);
    given(op.method, url)
        .and(query_param("employer_id", EMPLOYER))
        .and(query_param("status", "open_enrollment"))
        .and(query_param("page", "1"))
        .and(query_param("limit", "10"))
        .respond_with(ok(json!([open])))
        .expect(1)
        .mount(server)
        .await;
    given(op.method, url)
        .and(without_query)
        .respond_with(ok(json!([plan_year()])))
        .expect(1)
        .mount(server)
        .await;

    let product: BenefitProductId = id(BENEFIT_PRODUCT);
    let years = client
        .benefit_products()
        .plan_years()
        .list(&product)
        .employer_id(&id(EMPLOYER))
        .status(PlanYearStatus::OpenEnrollment)
        .page(1)
        .limit(10)
        .send()
        .await
        .unwrap();
    let all = client.benefit_products().plan_years().list(&product).send().await.unwrap();

    assert_eq!(years.len(), 1);
    assert_eq!(years[0].status, PlanYearStatus::OpenEnrollment);
    assert_eq!(years[0].coverage_start, date(2027, 1, 1));
    assert_eq!(all[0].status, PlanYearStatus::Draft);
    assert_queries(
        server,
        &[&[("employer_id", EMPLOYER), ("status", "open_enrollment"), ("page", "1"), ("limit", "10")], &[]],
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Dependents
// ---------------------------------------------------------------------------------------------

async fn exercise_dependents_retrieve(server: &MockServer, client: &Client) {
    given_op(&operations::DEPENDENTS_RETRIEVE, &["dpnd_7Rk2mQ"])
        .respond_with(ok(dependent()))
        .expect(1)
        .mount(server)
        .await;

    let dependent = client.dependents().retrieve(&id(DEPENDENT)).send().await.unwrap();

    assert_eq!(dependent.id, DEPENDENT);
    assert_eq!(dependent.member_id, MEMBER);
    assert_eq!(dependent.relationship, Relationship::Child);
    assert_eq!(dependent.sex, Sex::Female);
    assert_eq!(dependent.date_of_birth, date(2026, 11, 2));
    assert_eq!(dependent.ssn_last_four.as_deref(), Some("4321"));
    assert_eq!(dependent.suffix, None);
    assert_eq!(dependent.created_at, utc(2026, 11, 3, 8, 0, 0));
}

async fn exercise_dependents_update(server: &MockServer, client: &Client) {
    let op = &operations::DEPENDENTS_UPDATE;
    let url = &path_of(op, &["dpnd_7Rk2mQ"]);
    given(op.method, url)
        .and(body_json(json!({ "active": false, "gender": "Female", "relationship": "Spouse" })))
        .respond_with(ok(with(
            dependent(),
            json!({ "active": false, "gender": "Female", "relationship": "Spouse" }),
        )))
        .expect(1)
        .mount(server)
        .await;
    // Only the fields that are set are sent: unset ones are left out, not sent as null.
    given(op.method, url)
        .and(body_json(json!({ "active": true })))
        .respond_with(ok(dependent()))
        .expect(1)
        .mount(server)
        .await;

    let dependent_id: DependentId = id(DEPENDENT);
    let updated = client
        .dependents()
        .update(&dependent_id)
        .active(false)
        .gender("Female")
        .relationship(Relationship::Spouse)
        .send()
        .await
        .unwrap();
    let reactivated = client.dependents().update(&dependent_id).active(true).send().await.unwrap();

    assert!(!updated.active);
    assert_eq!(updated.gender.as_deref(), Some("Female"));
    assert_eq!(updated.relationship, Relationship::Spouse);
    assert!(reactivated.active);
}

// ---------------------------------------------------------------------------------------------
// Employees
// ---------------------------------------------------------------------------------------------

async fn exercise_employees_retrieve(server: &MockServer, client: &Client) {
    given_op(&operations::EMPLOYEES_RETRIEVE, &["empl_5Nq1Zt"])
        .respond_with(ok(employee()).insert_header("x-request-id", "req_emp_1"))
        .expect(1)
        .mount(server)
        .await;

    let response = client.employees().retrieve(&id(EMPLOYEE)).send_with_response().await.unwrap();

    assert_eq!(response.http_status().as_u16(), 200);
    assert_eq!(response.request_id(), Some("req_emp_1"));
    let employee = response.into_inner();
    assert_eq!(employee.id, EMPLOYEE);
    assert_eq!(employee.employer_id, EMPLOYER);
    assert_eq!(employee.member.id, MEMBER);
    assert_eq!(employee.member.first_name, "Maya");
    assert_eq!(employee.member.date_of_birth, date(1990, 4, 12));
    assert_eq!(employee.member.sex, Sex::Female);
    assert_eq!(employee.employee_class, Some(EmployeeClass::FullTime));
    assert_eq!(employee.start_date, date(2026, 1, 5));
    assert_eq!(employee.termination_date, None);
    let address = employee.address.expect("an address");
    assert_eq!((address.state.as_str(), address.street_2), ("CA", None));
}

async fn exercise_employees_update(server: &MockServer, client: &Client) {
    given_op(&operations::EMPLOYEES_UPDATE, &["empl_5Nq1Zt"])
        .and(body_json(json!({
            "email": "maya.rivera@acme.example",
            "phone": "+1 415 555 0199",
            "gender": "Female",
            "employee_class": "Part Time",
            "termination_date": "2026-12-31",
            "address": { "street_1": "1 Broadway", "city": "Oakland", "state": "CA", "zip_code": "94607" }
        })))
        .respond_with(ok(with(
            employee(),
            json!({ "employee_class": "Part Time", "termination_date": "2026-12-31" }),
        )))
        .expect(1)
        .mount(server)
        .await;

    let employee = client
        .employees()
        .update(&id(EMPLOYEE))
        .email("maya.rivera@acme.example")
        .phone("+1 415 555 0199")
        .gender("Female")
        .employee_class(EmployeeClass::PartTime)
        .termination_date(date(2026, 12, 31))
        .address(AddressInput::new("1 Broadway", "Oakland", "CA", "94607"))
        .send()
        .await
        .unwrap();

    assert_eq!(employee.employee_class, Some(EmployeeClass::PartTime));
    assert_eq!(employee.termination_date, Some(date(2026, 12, 31)));
}

async fn exercise_employees_terminate(server: &MockServer, client: &Client) {
    given_op(&operations::EMPLOYEES_TERMINATE, &["empl_5Nq1Zt"])
        .and(|request: &Request| request.body.is_empty())
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(server)
        .await;

    let response = client.employees().terminate(&id(EMPLOYEE)).send_with_response().await.unwrap();

    assert_eq!(response.http_status().as_u16(), 204);
    let () = response.into_inner();
}

async fn exercise_employees_enrollments_list(server: &MockServer, client: &Client) {
    let op = &operations::EMPLOYEES_ENROLLMENTS_LIST;
    let url = &path_of(op, &["empl_5Nq1Zt"]);
    // The largest page the spec allows.
    let largest = vitable_connect_api::spec::operation("employees_enrollments_list")
        .and_then(|op| op.param("limit"))
        .and_then(|limit| limit.limits.maximum)
        .expect("employees_enrollments_list has a limit with a maximum");
    let largest_text = largest.to_string();
    given(op.method, url)
        .and(query_param("coverage_effective_start_year", "2027"))
        .and(query_param("plan_year", "2026"))
        .and(query_param("status", "enrolled"))
        .and(query_param("page", "3"))
        .and(query_param("limit", largest_text.as_str()))
        .respond_with(ok(json!([enrollment()])))
        .expect(1)
        .mount(server)
        .await;
    given(op.method, url).and(without_query).respond_with(ok(json!([]))).expect(1).mount(server).await;

    let employee: EmployeeId = id(EMPLOYEE);
    let enrollments = client
        .employees()
        .enrollments()
        .list(&employee)
        .coverage_effective_start_year(2027)
        .plan_year(2026)
        .status(EnrollmentStatus::Enrolled)
        .page(3)
        .limit(u64::try_from(largest).unwrap())
        .send()
        .await
        .unwrap();
    let none = client.employees().enrollments().list(&employee).send().await.unwrap();

    assert_eq!(enrollments.len(), 1);
    assert_eq!(enrollments[0].id, ENROLLMENT);
    assert_eq!(enrollments[0].status, EnrollmentStatus::Enrolled);
    assert!(none.is_empty());
    assert_queries(
        server,
        &[
            &[
                ("coverage_effective_start_year", "2027"),
                ("plan_year", "2026"),
                ("status", "enrolled"),
                ("page", "3"),
                ("limit", largest_text.as_str()),
            ],
            &[],
        ],
    )
    .await;
}

async fn exercise_employees_enrollments_submit_elections(server: &MockServer, client: &Client) {
    let waived = with(
        enrollment(),
        json!({
            "id": "enrl_Zz91Aa", "benefit_product_id": "bprd_Dn7a1x", "status": "waived", "decision": "waived",
            "coverage_tier": null, "selected_plan_id": null, "selected_plan_name": null,
            "employee_contribution_cents": null, "employer_contribution_cents": null, "enrolled_dependents": []
        }),
    );
    given_op(&operations::EMPLOYEES_ENROLLMENTS_SUBMIT_ELECTIONS, &["empl_5Nq1Zt"])
        .and(body_json(json!({
            "elections": [
                { "enrollment_id": ENROLLMENT, "decision": "Enrolled", "selected_plan_id": PLAN,
                  "coverage_tier": "EC", "dependent_ids": [DEPENDENT] },
                { "enrollment_id": "enrl_Zz91Aa", "decision": "Waived" }
            ]
        })))
        .respond_with(ok(json!([enrollment(), waived])))
        .expect(1)
        .mount(server)
        .await;

    let elections = [
        Election::enroll(id(ENROLLMENT), id::<PlanId>(PLAN), CoverageTier::Ec).dependents([id(DEPENDENT)]),
        Election::waive(id("enrl_Zz91Aa")),
    ];
    let enrollments =
        client.employees().enrollments().submit_elections(&id(EMPLOYEE), elections).send().await.unwrap();

    assert_eq!(enrollments.len(), 2);
    assert_eq!(enrollments[0].status, EnrollmentStatus::Enrolled);
    assert_eq!(enrollments[0].coverage_tier, Some(CoverageTier::Ec));
    assert_eq!(enrollments[0].selected_plan_id.as_ref().map(PlanId::as_str), Some(PLAN));
    assert_eq!(enrollments[1].id, "enrl_Zz91Aa");
    assert_eq!(enrollments[1].status, EnrollmentStatus::Waived);
    assert_eq!(enrollments[1].decision.as_deref(), Some("waived"));
    assert_eq!(enrollments[1].coverage_tier, None);
    assert_eq!(enrollments[1].enrolled_dependents.as_deref().map(<[_]>::len), Some(0));
}

// ---------------------------------------------------------------------------------------------
// Employers, their employees and eligibility policies
// ---------------------------------------------------------------------------------------------

fn acme_address() -> AddressInput {
    AddressInput::new("500 Market St", "San Francisco", "CA", "94105").street_2("Suite 300").country("US")
}

async fn exercise_employers_create(server: &MockServer, client: &Client) {
    given_op(&operations::EMPLOYERS_CREATE, &[])
        .and(without_query)
        .and(body_json(json!({
            "name": "Acme Bakery",
            "legal_name": "Acme Bakery LLC",
            "ein": "12-3456789",
            "address": address()
        })))
        .respond_with(created(employer()))
        .expect(1)
        .mount(server)
        .await;

    let response = client
        .employers()
        .create("Acme Bakery", "Acme Bakery LLC", "12-3456789", acme_address())
        .send_with_response()
        .await
        .unwrap();

    assert_eq!(response.http_status().as_u16(), 201);
    assert_eq!(response.value().id, EMPLOYER);
    assert_eq!(response.value().organization_id, ORGANIZATION);
    assert_eq!(response.value().legal_name, "Acme Bakery LLC");
    assert_eq!(response.value().ein.as_deref(), Some("**-***6789"), "the EIN comes back masked");
    assert_eq!(
        response.value().eligibility_policy_id.as_ref().map(EligibilityPolicyId::as_str),
        Some(POLICY)
    );
    assert_eq!(response.value().updated_at, timestamp(UPDATED_AT));
}

async fn exercise_employers_list(server: &MockServer, client: &Client) {
    let inactive = with(employer(), json!({ "id": "empr_Zz0000", "name": "Acme Old", "active": false }));
    given_op(&operations::EMPLOYERS_LIST, &[])
        .and(query_param("active_in", "false"))
        .and(query_param("name", "Acme & Sons"))
        .and(query_param("page", "2"))
        .and(query_param("limit", "5"))
        .respond_with(ok(json!([inactive])))
        .expect(1)
        .mount(server)
        .await;
    given_op(&operations::EMPLOYERS_LIST, &[])
        .and(without_query)
        .respond_with(ok(json!([employer()])))
        .expect(1)
        .mount(server)
        .await;

    let filtered =
        client.employers().list().active_in(false).name("Acme & Sons").page(2).limit(5).send().await.unwrap();
    let all = client.employers().list().send().await.unwrap();

    assert_eq!(filtered.len(), 1);
    assert_eq!(filtered[0].id, "empr_Zz0000");
    assert!(!filtered[0].active);
    assert_eq!(all[0].id, EMPLOYER);
    assert_queries(
        server,
        &[&[("active_in", "false"), ("name", "Acme & Sons"), ("page", "2"), ("limit", "5")], &[]],
    )
    .await;
}

async fn exercise_employers_retrieve(server: &MockServer, client: &Client) {
    given_op(&operations::EMPLOYERS_RETRIEVE, &["empr_A1b2C3"])
        .respond_with(ok(employer()))
        .expect(1)
        .mount(server)
        .await;

    let employer = client.employers().retrieve(&id(EMPLOYER)).send().await.unwrap();

    assert_eq!(employer.id, EMPLOYER);
    assert_eq!(employer.name, "Acme Bakery");
    assert!(employer.active);
    let address = employer.address.expect("an address");
    assert_eq!(address.street_2.as_deref(), Some("Suite 300"));
    assert_eq!(address.country.as_deref(), Some("US"));
    assert_eq!(employer.created_at, utc(2026, 1, 5, 17, 30, 0));
}

async fn exercise_employers_update(server: &MockServer, client: &Client) {
    given_op(&operations::EMPLOYERS_UPDATE, &["empr_A1b2C3"])
        .and(body_json(json!({
            "name": "Acme Bakeries",
            "legal_name": "Acme Bakeries LLC",
            "active": false,
            "address": { "street_1": "1 Ferry Building", "city": "San Francisco", "state": "CA", "zip_code": "94111" }
        })))
        .respond_with(ok(with(
            employer(),
            json!({ "name": "Acme Bakeries", "legal_name": "Acme Bakeries LLC", "active": false }),
        )))
        .expect(1)
        .mount(server)
        .await;

    let employer = client
        .employers()
        .update(&id(EMPLOYER))
        .name("Acme Bakeries")
        .legal_name("Acme Bakeries LLC")
        .active(false)
        .address(AddressInput::new("1 Ferry Building", "San Francisco", "CA", "94111"))
        .send()
        .await
        .unwrap();

    assert_eq!(employer.name, "Acme Bakeries");
    assert!(!employer.active);
}

async fn exercise_employers_create_eligibility_policy(server: &MockServer, client: &Client) {
    let op = &operations::EMPLOYERS_CREATE_ELIGIBILITY_POLICY;
    let url = &path_of(op, &["empr_A1b2C3"]);
    given(op.method, url)
        .and(query_param("policy_to_replace_id", "epol_Old111"))
        .and(body_json(json!({
            "name": "Full-time after 30 days",
            "description": "Standard policy",
            "effective_date": "2027-01-01",
            "rules": [
                { "rule_type": "hours_per_week", "operator": "greater_than", "value": "30" },
                { "rule_type": "waiting_period", "operator": "equals", "value": "30_days" }
            ]
        })))
        .respond_with(created(with(eligibility_policy(), json!({ "replaced_policy_id": "epol_Old111" }))))
        .expect(1)
        .mount(server)
        .await;
    given(op.method, url)
        .and(without_query)
        .and(body_json(json!({
            "name": "Everyone",
            "effective_date": "2027-07-01",
            "rules": [{ "rule_type": "employment_status", "operator": "equals", "value": "active" }]
        })))
        .respond_with(created(with(eligibility_policy(), json!({ "id": "epol_Evr123", "name": "Everyone" }))))
        .expect(1)
        .mount(server)
        .await;

    let employer: EmployerId = id(EMPLOYER);
    let replacing = client
        .employers()
        .create_eligibility_policy(
            &employer,
            "Full-time after 30 days",
            date(2027, 1, 1),
            [
                RuleInput::new("hours_per_week", "greater_than", "30"),
                RuleInput::new("waiting_period", "equals", "30_days"),
            ],
        )
        .description("Standard policy")
        .policy_to_replace_id(&id("epol_Old111"))
        .send()
        .await
        .unwrap();
    let fresh = client
        .employers()
        .create_eligibility_policy(
            &employer,
            "Everyone",
            date(2027, 7, 1),
            [RuleInput::new("employment_status", "equals", "active")],
        )
        .send()
        .await
        .unwrap();

    assert_eq!(replacing.id, POLICY);
    assert_eq!(replacing.replaced_policy_id.as_ref().map(EligibilityPolicyId::as_str), Some("epol_Old111"));
    assert_eq!(fresh.id, "epol_Evr123");
    assert_queries(server, &[&[("policy_to_replace_id", "epol_Old111")], &[]]).await;
}

async fn exercise_employers_employees_create(server: &MockServer, client: &Client) {
    given_op(&operations::EMPLOYERS_EMPLOYEES_CREATE, &["empr_A1b2C3"])
        .and(body_json(json!({
            "first_name": "Maya",
            "last_name": "Rivera",
            "suffix": "Jr.",
            "date_of_birth": "1990-04-12",
            "sex": "Female",
            "gender": "Female",
            "ssn": "123-45-6789",
            "email": "maya@acme.example",
            "phone": "+1 415 555 0100",
            "start_date": "2026-01-05",
            "employee_class": "Individual Contractor",
            "address": { "street_1": "12 Valencia St", "city": "San Francisco", "state": "CA", "zip_code": "94103" }
        })))
        .respond_with(created(with(employee(), json!({ "employee_class": "Individual Contractor" }))))
        .expect(1)
        .mount(server)
        .await;

    let ssn: Ssn = "123-45-6789".parse().unwrap();
    let employee = client
        .employers()
        .employees()
        .create(
            &id(EMPLOYER),
            "Maya",
            "Rivera",
            date(1990, 4, 12),
            Sex::Female,
            ssn,
            "maya@acme.example",
            date(2026, 1, 5),
        )
        .suffix("Jr.")
        .gender("Female")
        .phone("+1 415 555 0100")
        .employee_class(EmployeeClass::IndividualContractor)
        .address(AddressInput::new("12 Valencia St", "San Francisco", "CA", "94103"))
        .send()
        .await
        .unwrap();

    assert_eq!(employee.id, EMPLOYEE);
    assert_eq!(employee.member.id, MEMBER);
    assert_eq!(employee.member.email.as_deref(), Some("maya@acme.example"));
    assert_eq!(employee.employee_class, Some(EmployeeClass::IndividualContractor));
}

async fn exercise_employers_employees_list(server: &MockServer, client: &Client) {
    let op = &operations::EMPLOYERS_EMPLOYEES_LIST;
    let url = &path_of(op, &["empr_A1b2C3"]);
    given(op.method, url)
        .and(query_param("active_in", "true"))
        .and(query_param("employee_class", "Full Time"))
        .and(query_param("page", "1"))
        .and(query_param("limit", "1"))
        .respond_with(ok(json!([employee()])))
        .expect(1)
        .mount(server)
        .await;
    given(op.method, url).and(without_query).respond_with(ok(json!([]))).expect(1).mount(server).await;

    let employer: EmployerId = id(EMPLOYER);
    let employees = client
        .employers()
        .employees()
        .list(&employer)
        .active_in(true)
        .employee_class(EmployeeClass::FullTime)
        .page(1)
        .limit(1)
        .send()
        .await
        .unwrap();
    let none = client.employers().employees().list(&employer).send().await.unwrap();

    assert_eq!(employees.len(), 1);
    assert_eq!(employees[0].member.last_name, "Rivera");
    assert!(none.is_empty());
    assert_queries(
        server,
        &[&[("active_in", "true"), ("employee_class", "Full Time"), ("page", "1"), ("limit", "1")], &[]],
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Enrollments
// ---------------------------------------------------------------------------------------------

async fn exercise_enrollments_retrieve(server: &MockServer, client: &Client) {
    given_op(&operations::ENROLLMENTS_RETRIEVE, &["enrl_8fK2x9"])
        .respond_with(ok(enrollment()))
        .expect(1)
        .mount(server)
        .await;

    let enrollment = client.enrollments().retrieve(&id(ENROLLMENT)).send().await.unwrap();

    assert_eq!(enrollment.id, ENROLLMENT);
    assert_eq!(enrollment.employee_id, EMPLOYEE);
    assert_eq!(enrollment.plan_year_id, PLAN_YEAR);
    assert_eq!(enrollment.status, EnrollmentStatus::Enrolled);
    assert_eq!(enrollment.coverage_tier, Some(CoverageTier::Ec));
    assert_eq!(enrollment.selected_plan_name.as_deref(), Some("Gold PPO 1500"));
    assert_eq!(enrollment.coverage_start_date, Some(date(2027, 1, 1)));
    assert_eq!(enrollment.employee_contribution_cents, Some(12_000));
    let dependents = enrollment.enrolled_dependents.expect("enrolled dependents");
    assert_eq!(dependents[0].dependent_id, DEPENDENT);
    assert_eq!(dependents[0].relationship, Relationship::Child);
}

async fn exercise_enrollments_list_plans(server: &MockServer, client: &Client) {
    given_op(&operations::ENROLLMENTS_LIST_PLANS, &["enrl_8fK2x9"])
        .respond_with(ok(json!([enrollment_plan()])))
        .expect(1)
        .mount(server)
        .await;

    let plans = client.enrollments().list_plans(&id(ENROLLMENT)).send().await.unwrap();

    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].id, PLAN);
    assert_eq!(plans[0].tier, Some(PlanTier::Gold));
    assert_eq!(plans[0].deductible_cents, Some(150_000));
    assert_eq!(plans[0].costs.len(), 2);
    assert_eq!(plans[0].costs[1].coverage_tier, CoverageTier::Ec);
    assert_eq!(plans[0].costs[1].total_monthly_premium_cents, 98_000);
    assert_eq!(plans[0].costs[1].employee_contribution_cents, 28_000);
}

async fn exercise_enrollments_reissue(server: &MockServer, client: &Client) {
    given_op(&operations::ENROLLMENTS_REISSUE, &["enrl_8fK2x9"])
        .and(without_query)
        .and(body_json(json!({ "qle_id": QLE, "reason": "New child" })))
        .respond_with(ok(reissued_enrollment()))
        .expect(1)
        .mount(server)
        .await;

    let enrollment: EnrollmentId = id(ENROLLMENT);
    let qle: QleId = id(QLE);
    let reissued = client.enrollments().reissue(&enrollment, &qle).reason("New child").send().await.unwrap();

    assert_eq!(reissued.id, ENROLLMENT);
    assert_eq!(reissued.status, EnrollmentStatus::Pending);
    assert_eq!(reissued.decision, None);
    assert_eq!(reissued.updated_at, utc(2026, 11, 3, 10, 5, 0));
}

/// The enrollment as the seed page shows it after a reissue: back to `pending`.
fn reissued_enrollment() -> Value {
    with(
        enrollment(),
        json!({
            "status": "pending", "decision": null, "selected_plan_id": null, "selected_plan_name": null,
            "updated_at": "2026-11-03T10:05:00Z"
        }),
    )
}

// ---------------------------------------------------------------------------------------------
// Members: dependents and qualifying life events
// ---------------------------------------------------------------------------------------------

async fn exercise_members_dependents_create(server: &MockServer, client: &Client) {
    given_op(&operations::MEMBERS_DEPENDENTS_CREATE, &["mbr_Q2w7Lp"])
        .and(body_json(json!({
            "first_name": "Ava",
            "last_name": "Rivera",
            "suffix": "II",
            "date_of_birth": "2026-11-02",
            "sex": "Female",
            "gender": "Female",
            "relationship": "Child",
            "ssn": "987654321"
        })))
        .respond_with(created(with(dependent(), json!({ "suffix": "II", "ssn_last_four": "4321" }))))
        .expect(1)
        .mount(server)
        .await;

    let dependent = client
        .members()
        .dependents()
        .create(&id(MEMBER), "Ava", "Rivera", date(2026, 11, 2), Sex::Female, Relationship::Child)
        .suffix("II")
        .gender("Female")
        .ssn("987654321".parse().unwrap())
        .send()
        .await
        .unwrap();

    assert_eq!(dependent.id, DEPENDENT);
    assert_eq!(dependent.suffix.as_deref(), Some("II"));
    assert_eq!(dependent.ssn_last_four.as_deref(), Some("4321"));
}

async fn exercise_members_dependents_list(server: &MockServer, client: &Client) {
    let op = &operations::MEMBERS_DEPENDENTS_LIST;
    let url = &path_of(op, &["mbr_Q2w7Lp"]);
    let spouse =
        with(dependent(), json!({ "id": "dpnd_Sp0use", "first_name": "Sam", "relationship": "Spouse" }));
    given(op.method, url)
        .and(query_param("active_in", "false"))
        .and(query_param("relationship", "Spouse"))
        .and(query_param("page", "4"))
        .and(query_param("limit", "2"))
        .respond_with(ok(json!([spouse])))
        .expect(1)
        .mount(server)
        .await;
    given(op.method, url)
        .and(without_query)
        .respond_with(ok(json!([dependent()])))
        .expect(1)
        .mount(server)
        .await;

    let member: MemberId = id(MEMBER);
    let spouses = client
        .members()
        .dependents()
        .list(&member)
        .active_in(false)
        .relationship(Relationship::Spouse)
        .page(4)
        .limit(2)
        .send()
        .await
        .unwrap();
    let all = client.members().dependents().list(&member).send().await.unwrap();

    assert_eq!(spouses[0].id, "dpnd_Sp0use");
    assert_eq!(spouses[0].relationship, Relationship::Spouse);
    assert_eq!(all[0].relationship, Relationship::Child);
    assert_queries(
        server,
        &[&[("active_in", "false"), ("relationship", "Spouse"), ("page", "4"), ("limit", "2")], &[]],
    )
    .await;
}

async fn exercise_members_qualifying_life_events_list(server: &MockServer, client: &Client) {
    let op = &operations::MEMBERS_QUALIFYING_LIFE_EVENTS_LIST;
    let url = &path_of(op, &["mbr_Q2w7Lp"]);
    let approved = with(
        qualifying_life_event(),
        json!({ "event_type": "Reduction In Hours", "status": "approved",
                "reviewed_at": "2026-11-04T12:00:00Z", "reviewed_by": "usr_Ops42" }),
    );
    given(op.method, url)
        .and(query_param("event_type", "Reduction In Hours"))
        .and(query_param("status", "approved"))
        .and(query_param("page", "2"))
        .and(query_param("limit", "25"))
        .respond_with(ok(json!([approved])))
        .expect(1)
        .mount(server)
        .await;
    given(op.method, url)
        .and(without_query)
        .respond_with(ok(json!([qualifying_life_event()])))
        .expect(1)
        .mount(server)
        .await;

    let member: MemberId = id(MEMBER);
    let events = client
        .members()
        .qualifying_life_events()
        .list(&member)
        .event_type(EventType::ReductionInHours)
        .status(QualifyingLifeEventStatus::Approved)
        .page(2)
        .limit(25)
        .send()
        .await
        .unwrap();
    let all = client.members().qualifying_life_events().list(&member).send().await.unwrap();

    assert_eq!(events[0].event_type, "Reduction In Hours");
    assert_eq!(events[0].status, QualifyingLifeEventStatus::Approved);
    assert_eq!(events[0].reviewed_at, Some(utc(2026, 11, 4, 12, 0, 0)));
    assert_eq!(all[0].status, QualifyingLifeEventStatus::Pending);
    assert_queries(
        server,
        &[
            &[("event_type", "Reduction In Hours"), ("status", "approved"), ("page", "2"), ("limit", "25")],
            &[],
        ],
    )
    .await;
}

const JOB_LOSS_NOTES: &str = "Laid off; employer coverage ends 2026-11-30.";

async fn exercise_members_qualifying_life_events_record(server: &MockServer, client: &Client) {
    given_op(&operations::MEMBERS_QUALIFYING_LIFE_EVENTS_RECORD, &["mbr_Q2w7Lp"])
        .and(without_query)
        .and(body_json(
            json!({ "event_type": "Job Loss", "event_date": "2026-11-02", "notes": JOB_LOSS_NOTES }),
        ))
        .respond_with(created(job_loss_event()))
        .expect(1)
        .mount(server)
        .await;

    let member: MemberId = id(MEMBER);
    let qle = client
        .members()
        .qualifying_life_events()
        .record(&member, EventType::JobLoss, date(2026, 11, 2))
        .notes(JOB_LOSS_NOTES)
        .send()
        .await
        .unwrap();

    assert_eq!(qle.id, QLE);
    assert_eq!(qle.member_id, MEMBER);
    assert_eq!(qle.event_type, "Job Loss");
    assert_eq!(qle.event_date, date(2026, 11, 2));
    assert_eq!(qle.status, QualifyingLifeEventStatus::Pending);
    assert_eq!(qle.enrollment_window_start, date(2026, 11, 2));
    assert_eq!(qle.enrollment_window_end, date(2027, 1, 1));
    assert_eq!(qle.notes.as_deref(), Some(JOB_LOSS_NOTES));
}

fn job_loss_event() -> Value {
    with(
        qualifying_life_event(),
        json!({ "event_type": "Job Loss", "enrollment_window_end": "2027-01-01", "notes": JOB_LOSS_NOTES }),
    )
}

// ---------------------------------------------------------------------------------------------
// Plan years and qualifying life events by ID
// ---------------------------------------------------------------------------------------------

async fn exercise_plan_years_retrieve(server: &MockServer, client: &Client) {
    given_op(&operations::PLAN_YEARS_RETRIEVE, &["plyr_2027aa"])
        .respond_with(ok(plan_year()))
        .expect(1)
        .mount(server)
        .await;

    let year = client.plan_years().retrieve(&id(PLAN_YEAR)).send().await.unwrap();

    assert_eq!(year.id, PLAN_YEAR);
    assert_eq!(year.employer_id, EMPLOYER);
    assert_eq!(year.coverage_end, date(2027, 12, 31));
    assert_eq!(year.plans[0].out_of_pocket_max_cents, Some(600_000));
    assert_eq!(year.contribution_classes[0].id, "ccls_Ft01Ee");
}

async fn exercise_plan_years_update(server: &MockServer, client: &Client) {
    given_op(&operations::PLAN_YEARS_UPDATE, &["plyr_2027aa"])
        .and(body_json(json!({
            "open_enrollment_start": "2026-11-05",
            "open_enrollment_end": "2026-12-15",
            "status": "open_enrollment",
            "contribution_classes": [
                { "employment": "part_time", "family_status": "ES",
                  "employee_contribution_cents": 15000, "employer_contribution_cents": 25000 }
            ]
        })))
        .respond_with(ok(with(
            plan_year(),
            json!({ "status": "open_enrollment", "open_enrollment_start_date": "2026-11-05",
                    "open_enrollment_end_date": "2026-12-15" }),
        )))
        .expect(1)
        .mount(server)
        .await;

    let year = client
        .plan_years()
        .update(&id::<PlanYearId>(PLAN_YEAR))
        .open_enrollment_start(date(2026, 11, 5))
        .open_enrollment_end(date(2026, 12, 15))
        .status(PlanYearStatus::OpenEnrollment.to_string())
        .contribution_classes([ContributionClassInput::new("part_time", CoverageTier::Es, 15_000, 25_000)])
        .send()
        .await
        .unwrap();

    assert_eq!(year.status, PlanYearStatus::OpenEnrollment);
    assert_eq!(year.open_enrollment_end_date, date(2026, 12, 15));
}

async fn exercise_qualifying_life_events_retrieve(server: &MockServer, client: &Client) {
    let reviewed = with(
        qualifying_life_event(),
        json!({ "status": "denied", "reviewed_at": "2026-11-05T16:45:30Z", "reviewed_by": "usr_Ops42",
                "notes": "No documentation" }),
    );
    given_op(&operations::QUALIFYING_LIFE_EVENTS_RETRIEVE, &["qle_3Jd82k"])
        .respond_with(ok(reviewed))
        .expect(1)
        .mount(server)
        .await;

    let qle = client.qualifying_life_events().retrieve(&id(QLE)).send().await.unwrap();

    assert_eq!(qle.id, QLE);
    assert_eq!(qle.employee_id, EMPLOYEE);
    assert_eq!(qle.event_type, "Birth");
    assert_eq!(qle.status, QualifyingLifeEventStatus::Denied);
    assert_eq!(qle.reviewed_at, Some(utc(2026, 11, 5, 16, 45, 30)));
    assert_eq!(qle.reviewed_by.as_deref(), Some("usr_Ops42"));
}

// ---------------------------------------------------------------------------------------------
// Seed flow, lenient success statuses, and the table against the spec
// ---------------------------------------------------------------------------------------------

/// The quickstart: record a birth, then reissue the enrollment with the recorded event's ID.
#[tokio::test]
async fn seed_flow_records_a_birth_then_reissues_the_enrollment_with_its_id() {
    let server = MockServer::start().await;
    let client = client(&server);
    given_op(&operations::MEMBERS_QUALIFYING_LIFE_EVENTS_RECORD, &["mbr_Q2w7Lp"])
        .and(body_json(json!({ "event_type": "Birth", "event_date": "2026-11-02", "notes": "Daughter born at St. Mary's" })))
        .respond_with(created(with(qualifying_life_event(), json!({ "id": "qle_N3wB4b" }))))
        .expect(1)
        .mount(&server)
        .await;
    given_op(&operations::ENROLLMENTS_REISSUE, &["enrl_8fK2x9"])
        .and(body_json(json!({ "qle_id": "qle_N3wB4b", "reason": "New child" })))
        .respond_with(ok(reissued_enrollment()))
        .expect(1)
        .mount(&server)
        .await;

    let qle = client
        .members()
        .qualifying_life_events()
        .record(&id(MEMBER), EventType::Birth, date(2026, 11, 2))
        .notes("Daughter born at St. Mary's")
        .send()
        .await
        .unwrap();
    let enrollment =
        client.enrollments().reissue(&id(ENROLLMENT), &qle.id).reason("New child").send().await.unwrap();

    assert_eq!(enrollment.status, EnrollmentStatus::Pending);
    server.verify().await;
}

#[tokio::test]
async fn reissue_without_a_reason_leaves_it_out_of_the_body() {
    let server = MockServer::start().await;
    given_op(&operations::ENROLLMENTS_REISSUE, &["enrl_8fK2x9"])
        .and(body_json(json!({ "qle_id": QLE })))
        .respond_with(ok(reissued_enrollment()))
        .expect(1)
        .mount(&server)
        .await;

    let enrollment = client(&server).enrollments().reissue(&id(ENROLLMENT), &id(QLE)).send().await.unwrap();

    assert_eq!(enrollment.status, EnrollmentStatus::Pending);
    server.verify().await;
}

#[tokio::test]
async fn a_create_answered_with_another_2xx_than_201_still_decodes() {
    let server = MockServer::start().await;
    let client = client(&server);
    given_op(&operations::EMPLOYERS_CREATE, &[]).respond_with(ok(employer())).expect(1).mount(&server).await;
    given_op(&operations::MEMBERS_QUALIFYING_LIFE_EVENTS_RECORD, &["mbr_Q2w7Lp"])
        .respond_with(ResponseTemplate::new(202).set_body_json(job_loss_event()))
        .expect(1)
        .mount(&server)
        .await;

    let employer = client
        .employers()
        .create("Acme Bakery", "Acme Bakery LLC", "123456789", acme_address())
        .send_with_response()
        .await
        .unwrap();
    let qle = client
        .members()
        .qualifying_life_events()
        .record(&id(MEMBER), EventType::JobLoss, date(2026, 11, 2))
        .send_with_response()
        .await
        .unwrap();

    assert_eq!(employer.http_status().as_u16(), 200);
    assert_eq!(employer.value().id, EMPLOYER);
    assert_eq!(qle.http_status().as_u16(), 202);
    assert_eq!(qle.value().event_type, "Job Loss");
    server.verify().await;
}

#[tokio::test]
async fn a_retrieve_answered_with_201_still_decodes() {
    let server = MockServer::start().await;
    given_op(&operations::ENROLLMENTS_RETRIEVE, &["enrl_8fK2x9"])
        .respond_with(created(enrollment()))
        .expect(1)
        .mount(&server)
        .await;

    let enrollment = client(&server).enrollments().retrieve(&id(ENROLLMENT)).send().await.unwrap();

    assert_eq!(enrollment.id, ENROLLMENT);
    server.verify().await;
}

#[tokio::test]
async fn terminate_answered_with_200_and_a_json_body_succeeds() {
    let server = MockServer::start().await;
    let client = client(&server);
    let terminated = with(employee(), json!({ "active": false, "termination_date": "2026-11-30" }));
    given_op(&operations::EMPLOYEES_TERMINATE, &["empl_5Nq1Zt"])
        .respond_with(ok(terminated))
        .expect(1)
        .mount(&server)
        .await;
    given_op(&operations::EMPLOYEES_TERMINATE, &["empl_Empty1"])
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    let with_body = client.employees().terminate(&id(EMPLOYEE)).send_with_response().await.unwrap();
    client.employees().terminate(&id("empl_Empty1")).send().await.unwrap();

    assert_eq!(with_body.http_status().as_u16(), 200);
    server.verify().await;
}

#[tokio::test]
async fn an_explicit_idempotency_key_is_sent_as_given() {
    let server = MockServer::start().await;
    given_op(&operations::ENROLLMENTS_REISSUE, &["enrl_8fK2x9"])
        .and(wiremock::matchers::header("idempotency-key", "reissue-enrl_8fK2x9-qle_3Jd82k"))
        .respond_with(ok(reissued_enrollment()))
        .expect(1)
        .mount(&server)
        .await;

    client(&server)
        .enrollments()
        .reissue(&id(ENROLLMENT), &id(QLE))
        .idempotency_key("reissue-enrl_8fK2x9-qle_3Jd82k")
        .send()
        .await
        .unwrap();

    server.verify().await;
}

#[test]
fn operation_names_are_unique_and_follow_the_resource_tree() {
    let mut names = BTreeSet::new();
    for op in operations::ALL {
        assert!(names.insert(op.name), "{} is used twice", op.name);
        assert_eq!(op.name.replace('.', "_"), op.id, "the name of {} spells its operationId", op.id);
    }
}
