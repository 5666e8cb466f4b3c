//! Every client-side limit fails before anything is sent, with `Error::InvalidInput` naming
//! the operation, the field and the limit. The servers of the rejection tests have no mocks:
//! `wiremock` records every request it gets, so an empty record proves nothing was sent.
//! Values just inside a limit are sent (against a mock) to show the limit is not too strict.

mod support;

use futures::StreamExt;
use serde_json::json;
use support::*;
use vitable_connect::{
    AddressInput, Client, ContributionClassInput, CoverageTier, EnrollmentId, Error, IdProblem, InvalidInput,
    Sex, Ssn,
};
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
// Lengths of text
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_reason_of_501_characters_is_rejected() {
    let (server, client) = setup().await;

    let result = client.enrollments().reissue(&id(ENROLLMENT), &id(QLE)).reason("x".repeat(501)).send().await;

    let invalid = invalid_input(result);
    assert_eq!(
        invalid.to_string(),
        "invalid reason for enrollments.reissue: must be at most 500 characters (got 501)"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_reason_limit_counts_characters_not_bytes() {
    let (server, client) = setup().await;
    let reissue =
        |reason: String| client.enrollments().reissue(&id(ENROLLMENT), &id(QLE)).reason(reason).send();

    // 501 two-byte characters: over the limit, counted as 501 (not 1002).
    let result = reissue("é".repeat(501)).await;
    assert_rejected(&server, result, "enrollments.reissue", "reason", "at most 500 characters (got 501)")
        .await;

    // 500 characters of two and four bytes (1000 and 2000 bytes) are within it.
    for reason in ["é".repeat(500), "👶".repeat(500)] {
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
async fn notes_of_1001_characters_are_rejected_and_1000_are_sent() {
    let (server, client) = setup().await;
    let record = |notes: String| {
        client
            .members()
            .qualifying_life_events()
            .record(&id(MEMBER), vitable_connect::EventType::Birth, date(2026, 11, 2))
            .notes(notes)
            .send()
    };

    let result = record("ñ".repeat(1001)).await;
    assert_rejected(
        &server,
        result,
        "members.qualifying_life_events.record",
        "notes",
        "at most 1000 characters (got 1001)",
    )
    .await;

    given("POST", "/v1/members/mbr_Q2w7Lp/qualifying-life-events")
        .respond_with(created(qualifying_life_event()))
        .expect(1)
        .mount(&server)
        .await;
    record("ñ".repeat(1000)).await.unwrap();
    server.verify().await;
}

#[tokio::test]
async fn empty_names_of_an_employee_are_rejected() {
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

    let result = create("", "Rivera").await;
    assert_rejected(&server, result, "employers.employees.create", "first_name", "must not be empty").await;
    let result = create("Maya", "").await;
    assert_rejected(&server, result, "employers.employees.create", "last_name", "must not be empty").await;
}

#[tokio::test]
async fn empty_names_of_a_dependent_are_rejected() {
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

    let result = create("", "Rivera").await;
    assert_rejected(&server, result, "members.dependents.create", "first_name", "must not be empty").await;
    let result = create("Ava", "").await;
    assert_rejected(&server, result, "members.dependents.create", "last_name", "must not be empty").await;
}

#[tokio::test]
async fn empty_employer_names_are_rejected_on_create_and_update() {
    let (server, client) = setup().await;

    let result = client.employers().create("", "Acme Bakery LLC", "12-3456789", acme_address()).send().await;
    assert_rejected(&server, result, "employers.create", "name", "must not be empty").await;
    let result = client.employers().create("Acme Bakery", "", "12-3456789", acme_address()).send().await;
    assert_rejected(&server, result, "employers.create", "legal_name", "must not be empty").await;
    let result = client.employers().update(&id(EMPLOYER)).name("").send().await;
    assert_rejected(&server, result, "employers.update", "name", "must not be empty").await;
    let result = client.employers().update(&id(EMPLOYER)).legal_name("").send().await;
    assert_rejected(&server, result, "employers.update", "legal_name", "must not be empty").await;
}

#[tokio::test]
async fn an_empty_eligibility_policy_name_is_rejected() {
    let (server, client) = setup().await;

    let rules = [vitable_connect::RuleInput::new("hours_per_week", "greater_than", "30")];
    let result =
        client.employers().create_eligibility_policy(&id(EMPLOYER), "", date(2027, 1, 1), rules).send().await;

    assert_rejected(&server, result, "employers.create_eligibility_policy", "name", "must not be empty")
        .await;
}

#[tokio::test]
async fn an_ein_of_8_or_11_characters_is_rejected() {
    let (server, client) = setup().await;

    for (ein, length) in [("12345678", 8), ("12-34567890", 11)] {
        let result =
            client.employers().create("Acme Bakery", "Acme Bakery LLC", ein, acme_address()).send().await;
        let limit = format!("must be 9 to 10 characters (got {length})");
        assert_rejected(&server, result, "employers.create", "ein", &limit).await;
    }
}

#[tokio::test]
async fn an_address_state_of_1_or_3_characters_is_rejected_wherever_an_address_is_sent() {
    let (server, client) = setup().await;

    for (state, length) in [("C", 1), ("CAL", 3)] {
        let address = || AddressInput::new("500 Market St", "San Francisco", state, "94105");
        let limit = format!("must be exactly 2 characters (got {length})");

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

/// Sends one page of every list operation with `page` and `limit` set as given, and returns
/// each operation's name with its result.
async fn every_list(client: &Client, page: u64, limit: u64) -> Vec<(&'static str, Result<usize, Error>)> {
    vec![
        (
            "benefit_products.list",
            client.benefit_products().list().page(page).limit(limit).send().await.map(|v| v.len()),
        ),
        (
            "benefit_products.plan_years.list",
            client
                .benefit_products()
                .plan_years()
                .list(&id(BENEFIT_PRODUCT))
                .page(page)
                .limit(limit)
                .send()
                .await
                .map(|v| v.len()),
        ),
        (
            "employees.enrollments.list",
            client
                .employees()
                .enrollments()
                .list(&id(EMPLOYEE))
                .page(page)
                .limit(limit)
                .send()
                .await
                .map(|v| v.len()),
        ),
        ("employers.list", client.employers().list().page(page).limit(limit).send().await.map(|v| v.len())),
        (
            "employers.employees.list",
            client
                .employers()
                .employees()
                .list(&id(EMPLOYER))
                .page(page)
                .limit(limit)
                .send()
                .await
                .map(|v| v.len()),
        ),
        (
            "members.dependents.list",
            client
                .members()
                .dependents()
                .list(&id(MEMBER))
                .page(page)
                .limit(limit)
                .send()
                .await
                .map(|v| v.len()),
        ),
        (
            "members.qualifying_life_events.list",
            client
                .members()
                .qualifying_life_events()
                .list(&id(MEMBER))
                .page(page)
                .limit(limit)
                .send()
                .await
                .map(|v| v.len()),
        ),
    ]
}

#[tokio::test]
async fn page_0_is_rejected_by_every_list() {
    let (server, client) = setup().await;

    let results = every_list(&client, 0, 20).await;

    assert_eq!(results.len(), 7);
    for (operation, result) in results {
        assert_rejected(&server, result, operation, "page", "must be at least 1 (got 0)").await;
    }
}

#[tokio::test]
async fn limit_0_and_101_are_rejected_by_every_list() {
    let (server, client) = setup().await;

    for limit in [0, 101] {
        for (operation, result) in every_list(&client, 1, limit).await {
            let problem = format!("must be between 1 and 100 (got {limit})");
            assert_rejected(&server, result, operation, "limit", &problem).await;
        }
    }
}

#[tokio::test]
async fn limit_100_and_page_1_are_sent_by_every_list() {
    let (server, client) = setup().await;
    wiremock::Mock::given(query_param("page", "1"))
        .and(query_param("limit", "100"))
        .respond_with(ok(json!([])))
        .expect(7)
        .mount(&server)
        .await;

    for (operation, result) in every_list(&client, 1, 100).await {
        assert_eq!(result.unwrap_or_else(|e| panic!("{operation}: {e}")), 0);
    }
    server.verify().await;
}

#[tokio::test]
async fn a_stream_with_an_invalid_limit_or_page_yields_the_error_and_sends_nothing() {
    let (server, client) = setup().await;

    let mut stream = client.employers().list().limit(0).stream();
    let first = stream.next().await.expect("the error is yielded");
    assert_rejected(&server, first, "employers.list", "limit", "got 0").await;
    assert!(stream.next().await.is_none(), "the stream ends after the error");

    let mut stream = client.employers().list().page(0).stream();
    let first = stream.next().await.expect("the error is yielded");
    assert_rejected(&server, first, "employers.list", "page", "got 0").await;
}

// ---------------------------------------------------------------------------------------------
// Lists and numbers in bodies
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_eligibility_policy_without_rules_is_rejected() {
    let (server, client) = setup().await;

    let result = client
        .employers()
        .create_eligibility_policy(&id(EMPLOYER), "Everyone", date(2027, 1, 1), Vec::new())
        .send()
        .await;

    assert_rejected(&server, result, "employers.create_eligibility_policy", "rules", "at least one item")
        .await;
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
async fn a_plan_year_without_contribution_classes_is_rejected() {
    let (server, client) = setup().await;

    let result = create_plan_year(&client, []).send().await;

    let operation = "benefit_products.plan_years.create";
    assert_rejected(&server, result, operation, "contribution_classes", "at least one item").await;
}

#[tokio::test]
async fn negative_contribution_cents_are_rejected_on_create_and_update() {
    let (server, client) = setup().await;
    let employee_share = ContributionClassInput::new("full_time", CoverageTier::Ee, -1, 35_000);
    let employer_share = ContributionClassInput::new("full_time", CoverageTier::Ee, 5_000, -35_000);

    let valid = ContributionClassInput::new("full_time", CoverageTier::Ef, 20_000, 0);

    let result = create_plan_year(&client, [employee_share.clone()]).send().await;
    let (operation, field) =
        ("benefit_products.plan_years.create", "contribution_classes[0].employee_contribution_cents");
    assert_rejected(&server, result, operation, field, "must not be negative (got -1)").await;

    let result = create_plan_year(&client, [valid.clone(), employer_share.clone()]).send().await;
    let field = "contribution_classes[1].employer_contribution_cents";
    assert_rejected(&server, result, operation, field, "must not be negative (got -35000)").await;

    let update = || client.plan_years().update(&id(PLAN_YEAR));
    let result = update().contribution_classes([employee_share]).send().await;
    let field = "contribution_classes[0].employee_contribution_cents";
    assert_rejected(&server, result, "plan_years.update", field, "got -1").await;
    let result = update().contribution_classes([valid, employer_share]).send().await;
    let field = "contribution_classes[1].employer_contribution_cents";
    assert_rejected(&server, result, "plan_years.update", field, "got -35000").await;
}

#[tokio::test]
async fn zero_contribution_cents_are_sent() {
    let (server, client) = setup().await;
    given("POST", "/v1/benefit-products/bprd_M3dK7q/plan-years")
        .respond_with(created(plan_year()))
        .expect(1)
        .mount(&server)
        .await;

    create_plan_year(&client, [ContributionClassInput::new("full_time", CoverageTier::Ee, 0, 0)])
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
        "expected an enrollment ID (enrl_…), got `empl_9x`: that is an employee ID"
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
        "expected an enrollment ID (enrl_…), got `empl_9x`: that is an employee ID"
    );
    assert_eq!(error.status(), None);
    assert!(!error.is_retryable());
}
