//! Every client-side limit fails before anything is sent, with `Error::InvalidInput` naming
//! the operation, the field and the limit. The servers of the rejection tests have no mocks:
//! `wiremock` records every request it gets, so an empty record proves nothing was sent.
//! Values just inside a limit are sent (against a mock) to show the limit is not too strict.

mod support;

use serde_json::json;
use support::*;
use vitable_connect::{
    AddressInput, Client, ContributionClassInput, CoverageTier, EnrollmentId, Error, IdProblem, InvalidInput,
    RuleInput, Sex, Ssn,
};
use vitable_connect_api::spec::{self, Limits, Operation};
use wiremock::MockServer;
use wiremock::matchers::{body_json, query_param};

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = client(&server);
    (server, client)
}

fn id<T: std::str::FromStr<Err = vitable_connect::IdError>>(text: &str) -> T {
    text.parse().unwrap_or_else(|e| panic!("{e}"))
}

/// The `InvalidInput` of a result that must be one.
#[track_caller]
fn invalid_input<T: std::fmt::Debug>(result: vitable_connect::Result<T>) -> InvalidInput {
    match result {
        Err(Error::InvalidInput(invalid)) => invalid,
        other => panic!("expected Error::InvalidInput, got {other:?}"),
    }
}

/// Checks the rejection names `operation`, `field` and a problem containing `limit`, and
/// that the server received nothing.
async fn assert_rejected<T: std::fmt::Debug>(
    server: &MockServer,
    result: vitable_connect::Result<T>,
    operation: &str,
    field: &str,
    limit: &str,
) {
    let invalid = invalid_input(result);
    assert_eq!((invalid.operation, invalid.field.as_str()), (operation, field), "{invalid}");
    assert!(invalid.problem.contains(limit), "`{}` should mention `{limit}`", invalid.problem);
    assert_eq!(invalid.to_string(), format!("invalid {field} for {operation}: {}", invalid.problem));
    let received = server.received_requests().await.unwrap();
    assert!(received.is_empty(), "nothing may be sent, but {} request(s) were", received.len());
}

fn acme_address() -> AddressInput {
    AddressInput::new("500 Market St", "San Francisco", "CA", "94105")
}

fn ssn() -> Ssn {
    "123-45-6789".parse().unwrap()
}

// ---------------------------------------------------------------------------------------------
// The limits, read from `openapi.yaml` through `vitable_connect_api::spec`, and the SDK's
// message for a value outside them (the wording of `validate.rs`)
// ---------------------------------------------------------------------------------------------

/// The limits the spec gives property `prop` of schema `schema`.
#[track_caller]
fn limits(schema: &str, prop: &str) -> Limits {
    spec::properties(schema)
        .and_then(|props| props.iter().find(|p| p.name == prop))
        .unwrap_or_else(|| panic!("{schema}.{prop} is not in the spec"))
        .limits
}

/// The limits the spec gives parameter `param` of `op`.
#[track_caller]
fn param_limits(op: &Operation, param: &str) -> Limits {
    op.param(param).unwrap_or_else(|| panic!("{} has no parameter `{param}`", op.id)).limits
}

/// The spec's `maxLength` of `schema.prop`.
#[track_caller]
fn max_len(schema: &str, prop: &str) -> usize {
    let max = limits(schema, prop).max_length.unwrap_or_else(|| panic!("{schema}.{prop} has no maxLength"));
    usize::try_from(max).unwrap()
}

/// The spec's `minItems` of `schema.prop`.
#[track_caller]
fn min_items(schema: &str, prop: &str) -> usize {
    let min = limits(schema, prop).min_items.unwrap_or_else(|| panic!("{schema}.{prop} has no minItems"));
    usize::try_from(min).unwrap()
}

/// The spec's `minimum` of `schema.prop`.
#[track_caller]
fn minimum(schema: &str, prop: &str) -> i64 {
    limits(schema, prop).minimum.unwrap_or_else(|| panic!("{schema}.{prop} has no minimum"))
}

/// The lengths just outside the spec's `minLength` and `maxLength` of `schema.prop`: one
/// short of the minimum (when it is above 0) and one over the maximum.
#[track_caller]
fn lengths_outside(schema: &str, prop: &str) -> Vec<usize> {
    let limits = limits(schema, prop);
    let below = limits.min_length.filter(|&min| min > 0).map(|min| min - 1);
    let above = limits.max_length.map(|max| max + 1);
    let lengths: Vec<usize> = below.into_iter().chain(above).map(|n| usize::try_from(n).unwrap()).collect();
    assert!(!lengths.is_empty(), "{schema}.{prop} has no length limit");
    lengths
}

/// A text one character shorter than the spec's `minLength` of `schema.prop` (empty for a
/// minimum of 1), with the SDK's message for it.
#[track_caller]
fn too_short(schema: &str, prop: &str) -> (String, String) {
    let limits = limits(schema, prop);
    let min = limits.min_length.unwrap_or_else(|| panic!("{schema}.{prop} has no minLength"));
    let length = usize::try_from(min.checked_sub(1).expect("a minLength above 0")).unwrap();
    ("x".repeat(length), length_problem(limits, length))
}

/// The SDK's message for a text of `count` characters outside `limits`.
fn length_problem(limits: Limits, count: usize) -> String {
    match (limits.min_length, limits.max_length) {
        (Some(1), None) => "must not be empty".to_owned(),
        (Some(min), Some(max)) if min == max => format!("must be exactly {min} characters (got {count})"),
        (Some(min), Some(max)) => format!("must be {min} to {max} characters (got {count})"),
        (Some(min), None) => format!("must be at least {min} characters (got {count})"),
        (None, Some(max)) => format!("must be at most {max} characters (got {count})"),
        (None, None) => panic!("no length limit in {limits:?}"),
    }
}

/// The SDK's message for a number `value` outside `limits`.
fn range_problem(limits: Limits, value: i128) -> String {
    match (limits.minimum, limits.maximum) {
        (Some(0), None) => format!("must not be negative (got {value})"),
        (Some(min), Some(max)) => format!("must be between {min} and {max} (got {value})"),
        (Some(min), None) => format!("must be at least {min} (got {value})"),
        (None, Some(max)) => format!("must be at most {max} (got {value})"),
        (None, None) => panic!("no range in {limits:?}"),
    }
}

/// The SDK's message for a list of `len` items outside `limits`.
fn items_problem(limits: Limits, len: usize) -> String {
    match (limits.min_items, limits.max_items) {
        (Some(1), _) if len < 1 => "must contain at least one item".to_owned(),
        (Some(min), _) if (len as u64) < min => format!("must contain at least {min} items (got {len})"),
        (_, Some(max)) if (len as u64) > max => format!("must contain at most {max} items (got {len})"),
        _ => panic!("{len} items are within {limits:?}"),
    }
}

/// `len` digits, to stand for an EIN of that length.
fn digits(len: usize) -> String {
    "1234567890".chars().cycle().take(len).collect()
}

// ---------------------------------------------------------------------------------------------
// Lengths of text
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_reason_one_character_over_the_maximum_is_rejected() {
    let (server, client) = setup().await;
    let max = max_len("EnrollmentReissueRequest", "reason");

    let result =
        client.enrollments().reissue(&id(ENROLLMENT), &id(QLE)).reason("x".repeat(max + 1)).send().await;

    let invalid = invalid_input(result);
    let problem = length_problem(limits("EnrollmentReissueRequest", "reason"), max + 1);
    assert_eq!(invalid.to_string(), format!("invalid reason for enrollments.reissue: {problem}"));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_reason_limit_counts_characters_not_bytes() {
    let (server, client) = setup().await;
    let reissue =
        |reason: String| client.enrollments().reissue(&id(ENROLLMENT), &id(QLE)).reason(reason).send();
    let max = max_len("EnrollmentReissueRequest", "reason");

    // One two-byte character over the maximum: counted in characters, not in bytes.
    let result = reissue("é".repeat(max + 1)).await;
    let problem = length_problem(limits("EnrollmentReissueRequest", "reason"), max + 1);
    assert_rejected(&server, result, "enrollments.reissue", "reason", &problem).await;

    // The maximum in characters of two and four bytes (twice and four times as many bytes) is within it.
    for reason in ["é".repeat(max), "👶".repeat(max)] {
        server.reset().await;
        given("POST", "/v1/enrollments/enrl_8fK2x9/reissue")
            .and(body_json(json!({ "qle_id": QLE, "reason": reason })))
            .respond_with(ok(enrollment()))
            .expect(1)
            .mount(&server)
            .await;
        reissue(reason).await.unwrap();
        server.verify().await;
    }
}

#[tokio::test]
async fn notes_over_the_maximum_are_rejected_and_the_maximum_is_sent() {
    let (server, client) = setup().await;
    let record = |notes: String| {
        client
            .members()
            .qualifying_life_events()
            .record(&id(MEMBER), vitable_connect::EventType::Birth, date(2026, 11, 2))
            .notes(notes)
            .send()
    };
    let max = max_len("QualifyingLifeEventRecordRequest", "notes");

    let result = record("ñ".repeat(max + 1)).await;
    let problem = length_problem(limits("QualifyingLifeEventRecordRequest", "notes"), max + 1);
    assert_rejected(&server, result, "members.qualifying_life_events.record", "notes", &problem).await;

    given("POST", "/v1/members/mbr_Q2w7Lp/qualifying-life-events")
        .respond_with(created(qualifying_life_event()))
        .expect(1)
        .mount(&server)
        .await;
    record("ñ".repeat(max)).await.unwrap();
    server.verify().await;
}

#[tokio::test]
async fn too_short_names_of_an_employee_are_rejected() {
    let (server, client) = setup().await;
    let create = |first: &str, last: &str| {
        client
            .employers()
            .employees()
            .create(
                &id(EMPLOYER),
                first,
                last,
                date(1990, 4, 12),
                Sex::Female,
                ssn(),
                "maya@acme.example",
                date(2026, 1, 5),
            )
            .send()
    };

    let (first, problem) = too_short("EmployeeCreateRequest", "first_name");
    let result = create(&first, "Rivera").await;
    assert_rejected(&server, result, "employers.employees.create", "first_name", &problem).await;
    let (last, problem) = too_short("EmployeeCreateRequest", "last_name");
    let result = create("Maya", &last).await;
    assert_rejected(&server, result, "employers.employees.create", "last_name", &problem).await;
}

#[tokio::test]
async fn too_short_names_of_a_dependent_are_rejected() {
    let (server, client) = setup().await;
    let create = |first: &str, last: &str| {
        client
            .members()
            .dependents()
            .create(
                &id(MEMBER),
                first,
                last,
                date(2026, 11, 2),
                Sex::Female,
                vitable_connect::Relationship::Child,
            )
            .send()
    };

    let (first, problem) = too_short("DependentCreateRequest", "first_name");
    let result = create(&first, "Rivera").await;
    assert_rejected(&server, result, "members.dependents.create", "first_name", &problem).await;
    let (last, problem) = too_short("DependentCreateRequest", "last_name");
    let result = create("Ava", &last).await;
    assert_rejected(&server, result, "members.dependents.create", "last_name", &problem).await;
}

#[tokio::test]
async fn too_short_employer_names_are_rejected_on_create_and_update() {
    let (server, client) = setup().await;

    let (name, problem) = too_short("EmployerCreateRequest", "name");
    let result =
        client.employers().create(name, "Acme Bakery LLC", "12-3456789", acme_address()).send().await;
    assert_rejected(&server, result, "employers.create", "name", &problem).await;
    let (legal_name, problem) = too_short("EmployerCreateRequest", "legal_name");
    let result =
        client.employers().create("Acme Bakery", legal_name, "12-3456789", acme_address()).send().await;
    assert_rejected(&server, result, "employers.create", "legal_name", &problem).await;
    let (name, problem) = too_short("EmployerUpdateRequest", "name");
    let result = client.employers().update(&id(EMPLOYER)).name(name).send().await;
    assert_rejected(&server, result, "employers.update", "name", &problem).await;
    let (legal_name, problem) = too_short("EmployerUpdateRequest", "legal_name");
    let result = client.employers().update(&id(EMPLOYER)).legal_name(legal_name).send().await;
    assert_rejected(&server, result, "employers.update", "legal_name", &problem).await;
}

#[tokio::test]
async fn a_too_short_eligibility_policy_name_is_rejected() {
    let (server, client) = setup().await;

    let (name, problem) = too_short("EligibilityPolicyCreateRequest", "name");
    let rules = [RuleInput::new("hours_per_week", "greater_than", "30")];
    let result = client
        .employers()
        .create_eligibility_policy(&id(EMPLOYER), name, date(2027, 1, 1), rules)
        .send()
        .await;

    assert_rejected(&server, result, "employers.create_eligibility_policy", "name", &problem).await;
}

#[tokio::test]
async fn an_ein_just_outside_its_lengths_is_rejected() {
    let (server, client) = setup().await;
    let limits = limits("EmployerCreateRequest", "ein");

    for length in lengths_outside("EmployerCreateRequest", "ein") {
        let ein = digits(length);
        let result =
            client.employers().create("Acme Bakery", "Acme Bakery LLC", ein, acme_address()).send().await;
        assert_rejected(&server, result, "employers.create", "ein", &length_problem(limits, length)).await;
    }
}

#[tokio::test]
async fn an_address_state_just_outside_its_length_is_rejected_wherever_an_address_is_sent() {
    let (server, client) = setup().await;

    for length in lengths_outside("AddressInput", "state") {
        let state = "C".repeat(length);
        let address = || AddressInput::new("500 Market St", "San Francisco", state.as_str(), "94105");
        let limit = length_problem(limits("AddressInput", "state"), length);

        let result =
            client.employers().create("Acme Bakery", "Acme Bakery LLC", "12-3456789", address()).send().await;
        assert_rejected(&server, result, "employers.create", "address.state", &limit).await;
        let result = client.employers().update(&id(EMPLOYER)).address(address()).send().await;
        assert_rejected(&server, result, "employers.update", "address.state", &limit).await;
        let result = client
            .employers()
            .employees()
            .create(
                &id(EMPLOYER),
                "Maya",
                "Rivera",
                date(1990, 4, 12),
                Sex::Female,
                ssn(),
                "maya@acme.example",
                date(2026, 1, 5),
            )
            .address(address())
            .send()
            .await;
        assert_rejected(&server, result, "employers.employees.create", "address.state", &limit).await;
        let result = client.employees().update(&id(EMPLOYEE)).address(address()).send().await;
        assert_rejected(&server, result, "employees.update", "address.state", &limit).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Paging
// ---------------------------------------------------------------------------------------------

/// The list operations of the spec: those with `page` and `limit` parameters.
fn list_operations() -> Vec<&'static Operation> {
    let lists: Vec<_> = spec::OPERATIONS
        .iter()
        .filter(|op| op.param("page").is_some() && op.param("limit").is_some())
        .collect();
    assert!(!lists.is_empty(), "the spec has list operations");
    lists
}

/// A value of `page` or `limit` within `limits`: the spec's default, else its minimum.
#[track_caller]
fn within(limits: Limits) -> u64 {
    let default = limits.default.map(|d| d.parse().unwrap_or_else(|e| panic!("default `{d}`: {e}")));
    default.or(limits.minimum.map(|m| u64::try_from(m).unwrap())).expect("a default or a minimum")
}

/// Sends one page of list operation `op` with `page` and `limit` as given; the number of
/// items it returned.
async fn list_page(client: &Client, op: &Operation, page: u64, limit: u64) -> Result<usize, Error> {
    match op.id {
        "benefit_products_list" => {
            client.benefit_products().list().page(page).limit(limit).send().await.map(|v| v.len())
        }
        "benefit_products_plan_years_list" => client
            .benefit_products()
            .plan_years()
            .list(&id(BENEFIT_PRODUCT))
            .page(page)
            .limit(limit)
            .send()
            .await
            .map(|v| v.len()),
        "employees_enrollments_list" => client
            .employees()
            .enrollments()
            .list(&id(EMPLOYEE))
            .page(page)
            .limit(limit)
            .send()
            .await
            .map(|v| v.len()),
        "employers_list" => client.employers().list().page(page).limit(limit).send().await.map(|v| v.len()),
        "employers_employees_list" => client
            .employers()
            .employees()
            .list(&id(EMPLOYER))
            .page(page)
            .limit(limit)
            .send()
            .await
            .map(|v| v.len()),
        "members_dependents_list" => client
            .members()
            .dependents()
            .list(&id(MEMBER))
            .page(page)
            .limit(limit)
            .send()
            .await
            .map(|v| v.len()),
        "members_qualifying_life_events_list" => client
            .members()
            .qualifying_life_events()
            .list(&id(MEMBER))
            .page(page)
            .limit(limit)
            .send()
            .await
            .map(|v| v.len()),
        other => panic!("`{other}` has `page` and `limit` in the spec: add its call to `list_page`"),
    }
}

#[tokio::test]
async fn a_page_below_the_minimum_is_rejected_by_every_list() {
    let (server, client) = setup().await;

    for op in list_operations() {
        let limits = param_limits(op, "page");
        let below = limits.minimum.expect("page has a minimum") - 1;
        let page = u64::try_from(below).expect("page's minimum leaves room below it");
        let result = list_page(&client, op, page, within(param_limits(op, "limit"))).await;
        assert_rejected(&server, result, op.name, "page", &range_problem(limits, below.into())).await;
    }
}

#[tokio::test]
async fn a_limit_just_outside_its_range_is_rejected_by_every_list() {
    let (server, client) = setup().await;

    for op in list_operations() {
        let limits = param_limits(op, "limit");
        let below = limits.minimum.and_then(|min| u64::try_from(min - 1).ok());
        let above = limits.maximum.map(|max| u64::try_from(max + 1).unwrap());
        let outside: Vec<u64> = below.into_iter().chain(above).collect();
        assert_eq!(outside.len(), 2, "{}: limit has a minimum above 0 and a maximum", op.id);
        for limit in outside {
            let result = list_page(&client, op, within(param_limits(op, "page")), limit).await;
            let problem = range_problem(limits, limit.into());
            assert_rejected(&server, result, op.name, "limit", &problem).await;
        }
    }
}

#[tokio::test]
async fn the_largest_limit_and_the_first_page_are_sent_by_every_list() {
    let (server, client) = setup().await;

    for op in list_operations() {
        let page = param_limits(op, "page").minimum.expect("page has a minimum");
        let limit = param_limits(op, "limit").maximum.expect("limit has a maximum");
        server.reset().await;
        wiremock::Mock::given(query_param("page", page.to_string()))
            .and(query_param("limit", limit.to_string()))
            .respond_with(ok(json!([])))
            .expect(1)
            .mount(&server)
            .await;

        let result =
            list_page(&client, op, u64::try_from(page).unwrap(), u64::try_from(limit).unwrap()).await;

        assert_eq!(result.unwrap_or_else(|e| panic!("{}: {e}", op.name)), 0);
        server.verify().await;
    }
}

#[tokio::test]
async fn a_stream_with_an_invalid_limit_or_page_yields_the_error_and_sends_nothing() {
    let (server, client) = setup().await;
    let op = spec::operation("employers_list").expect("employers_list is in the spec");
    let (page_limits, limit_limits) = (param_limits(op, "page"), param_limits(op, "limit"));
    let limit = limit_limits.minimum.expect("limit has a minimum") - 1;
    let page = page_limits.minimum.expect("page has a minimum") - 1;

    let mut stream = client.employers().list().limit(u64::try_from(limit).unwrap()).stream();
    let first = stream.next().await.expect("the error is yielded");
    assert_rejected(&server, first, "employers.list", "limit", &range_problem(limit_limits, limit.into()))
        .await;
    assert!(stream.next().await.is_none(), "the stream ends after the error");

    let mut stream = client.employers().list().page(u64::try_from(page).unwrap()).stream();
    let first = stream.next().await.expect("the error is yielded");
    assert_rejected(&server, first, "employers.list", "page", &range_problem(page_limits, page.into())).await;
}

// ---------------------------------------------------------------------------------------------
// Lists and numbers in bodies
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_eligibility_policy_with_too_few_rules_is_rejected() {
    let (server, client) = setup().await;
    let count = min_items("EligibilityPolicyCreateRequest", "rules") - 1;
    let rules = std::iter::repeat_n(RuleInput::new("hours_per_week", "greater_than", "30"), count);

    let result = client
        .employers()
        .create_eligibility_policy(&id(EMPLOYER), "Everyone", date(2027, 1, 1), rules)
        .send()
        .await;

    let problem = items_problem(limits("EligibilityPolicyCreateRequest", "rules"), count);
    assert_rejected(&server, result, "employers.create_eligibility_policy", "rules", &problem).await;
}

fn create_plan_year(
    client: &Client,
    contribution_classes: impl IntoIterator<Item = ContributionClassInput>,
) -> vitable_connect::builders::BenefitProductsPlanYearsCreateBuilder {
    client.benefit_products().plan_years().create(
        &id(BENEFIT_PRODUCT),
        &id(EMPLOYER),
        date(2027, 1, 1),
        date(2027, 12, 31),
        date(2026, 11, 1),
        date(2026, 11, 30),
        contribution_classes,
    )
}

#[tokio::test]
async fn a_plan_year_with_too_few_contribution_classes_is_rejected() {
    let (server, client) = setup().await;
    let count = min_items("PlanYearCreateRequest", "contribution_classes") - 1;
    let class = ContributionClassInput::new("full_time", CoverageTier::Ee, 5_000, 35_000);

    let result = create_plan_year(&client, std::iter::repeat_n(class, count)).send().await;

    let operation = "benefit_products.plan_years.create";
    let problem = items_problem(limits("PlanYearCreateRequest", "contribution_classes"), count);
    assert_rejected(&server, result, operation, "contribution_classes", &problem).await;
}

#[tokio::test]
async fn contribution_cents_below_the_minimum_are_rejected_on_create_and_update() {
    let (server, client) = setup().await;
    let employee_limits = limits("ContributionClassInput", "employee_contribution_cents");
    let employer_limits = limits("ContributionClassInput", "employer_contribution_cents");
    let employee_cents = minimum("ContributionClassInput", "employee_contribution_cents") - 1;
    let employer_cents = minimum("ContributionClassInput", "employer_contribution_cents") - 35_000;
    let employee_share = ContributionClassInput::new("full_time", CoverageTier::Ee, employee_cents, 35_000);
    let employer_share = ContributionClassInput::new("full_time", CoverageTier::Ee, 5_000, employer_cents);
    let employee_problem = range_problem(employee_limits, employee_cents.into());
    let employer_problem = range_problem(employer_limits, employer_cents.into());

    let valid = ContributionClassInput::new("full_time", CoverageTier::Ef, 20_000, 30_000);

    let result = create_plan_year(&client, [employee_share.clone()]).send().await;
    let (operation, field) =
        ("benefit_products.plan_years.create", "contribution_classes[0].employee_contribution_cents");
    assert_rejected(&server, result, operation, field, &employee_problem).await;

    let result = create_plan_year(&client, [valid.clone(), employer_share.clone()]).send().await;
    let field = "contribution_classes[1].employer_contribution_cents";
    assert_rejected(&server, result, operation, field, &employer_problem).await;

    let update = || client.plan_years().update(&id(PLAN_YEAR));
    let result = update().contribution_classes([employee_share]).send().await;
    let field = "contribution_classes[0].employee_contribution_cents";
    assert_rejected(&server, result, "plan_years.update", field, &employee_problem).await;
    let result = update().contribution_classes([valid, employer_share]).send().await;
    let field = "contribution_classes[1].employer_contribution_cents";
    assert_rejected(&server, result, "plan_years.update", field, &employer_problem).await;
}

#[tokio::test]
async fn contribution_cents_at_the_minimum_are_sent() {
    let (server, client) = setup().await;
    given("POST", "/v1/benefit-products/bprd_M3dK7q/plan-years")
        .respond_with(created(plan_year()))
        .expect(1)
        .mount(&server)
        .await;
    let employee_cents = minimum("ContributionClassInput", "employee_contribution_cents");
    let employer_cents = minimum("ContributionClassInput", "employer_contribution_cents");

    create_plan_year(
        &client,
        [ContributionClassInput::new("full_time", CoverageTier::Ee, employee_cents, employer_cents)],
    )
    .send()
    .await
    .unwrap();

    server.verify().await;
}

// ---------------------------------------------------------------------------------------------
// Email, headers and idempotency keys
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_bad_email_is_rejected_on_create_and_update() {
    let (server, client) = setup().await;

    for email in ["maya", "maya@", "@acme.example", "maya@localhost", "maya @acme.example", ""] {
        let result = client
            .employers()
            .employees()
            .create(
                &id(EMPLOYER),
                "Maya",
                "Rivera",
                date(1990, 4, 12),
                Sex::Female,
                ssn(),
                email,
                date(2026, 1, 5),
            )
            .send()
            .await;
        assert_rejected(&server, result, "employers.employees.create", "email", "email address").await;
        let result = client.employees().update(&id(EMPLOYEE)).email(email).send().await;
        assert_rejected(&server, result, "employees.update", "email", "email address").await;
    }
}

#[tokio::test]
async fn an_invalid_per_request_header_is_rejected() {
    let (server, client) = setup().await;

    for (name, value) in [("bad header", "v"), ("", "v"), ("x-partner", "line\nbreak")] {
        let result = client.enrollments().retrieve(&id(ENROLLMENT)).header(name, value).send().await;
        assert_rejected(&server, result, "enrollments.retrieve", "header", "not a valid header").await;
        let result = client.employees().terminate(&id(EMPLOYEE)).header(name, value).send().await;
        assert_rejected(&server, result, "employees.terminate", "header", "not a valid header").await;
    }
}

#[tokio::test]
async fn a_bad_idempotency_key_is_rejected() {
    let (server, client) = setup().await;

    for key in [String::new(), "key\nwith newline".to_owned(), "k".repeat(256)] {
        let result =
            client.enrollments().reissue(&id(ENROLLMENT), &id(QLE)).idempotency_key(&key).send().await;
        assert_rejected(&server, result, "enrollments.reissue", "idempotency_key", "1 to 255 visible ASCII")
            .await;
    }
}

// ---------------------------------------------------------------------------------------------
// IDs
// ---------------------------------------------------------------------------------------------

#[test]
fn an_id_of_another_kind_names_both_kinds() {
    let error = "empl_9x".parse::<EnrollmentId>().unwrap_err();

    assert_eq!(
        error.to_string(),
        "expected an enrollment ID (enrl_…), got `empl_…` (7 characters): that is an employee ID"
    );
    assert_eq!(error.problem(), IdProblem::OtherKind("employee"));
    assert_eq!((error.expected_kind(), error.expected_prefix()), ("enrollment", "enrl_"));
}

#[test]
fn the_question_mark_turns_an_id_error_into_error_invalid_id() {
    fn parse(text: &str) -> vitable_connect::Result<EnrollmentId> {
        Ok(text.parse::<EnrollmentId>()?)
    }

    assert_eq!(parse(ENROLLMENT).unwrap(), ENROLLMENT);
    let error = parse("empl_9x").unwrap_err();
    let Error::InvalidId(id_error) = &error else { panic!("expected Error::InvalidId, got {error:?}") };
    assert_eq!(id_error.problem(), IdProblem::OtherKind("employee"));
    assert_eq!(
        error.to_string(),
        "expected an enrollment ID (enrl_…), got `empl_…` (7 characters): that is an employee ID"
    );
    assert_eq!(error.status(), None);
    assert!(!error.is_retryable());
}
