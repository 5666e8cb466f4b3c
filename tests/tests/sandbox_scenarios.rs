//! End-to-end scenarios through the SDK against the in-process sandbox on 127.0.0.1:
//! the seed workflow step by step, reissue refusals, streaming, idempotent retries under
//! injected faults, and concurrent writes.

use std::collections::HashMap;
use std::time::Duration;

use futures::TryStreamExt;
use vitable_connect::chrono::{Duration as Days, NaiveDate};
use vitable_connect::operations::{
    EMPLOYERS_EMPLOYEES_LIST, ENROLLMENTS_REISSUE, ENROLLMENTS_RETRIEVE, MEMBERS_QUALIFYING_LIFE_EVENTS_LIST,
    MEMBERS_QUALIFYING_LIFE_EVENTS_RECORD, Operation,
};
use vitable_connect::{
    AddressInput, ApiErrorKind, Client, CoverageTier, Election, EnrollmentStatus, Error, EventType,
    QualifyingLifeEventStatus, Relationship, Sex, Ssn,
};
use vitable_connect_sandbox::{Demo, DemoEmployee, Sandbox, SandboxOptions};

/// A fixed "today", so windows and dates are the same on every run.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
}

async fn seeded() -> (Sandbox, Client) {
    let sandbox = Sandbox::start(SandboxOptions::new().seed(true).today(today())).await.unwrap();
    let client = sandbox.client();
    (sandbox, client)
}

/// The largest `limit` a list operation takes, from the spec.
fn max_limit(op: &Operation) -> u64 {
    let max = op.param("limit").and_then(|p| p.limits.maximum).expect("a list's limit has a maximum");
    u64::try_from(max).expect("a positive maximum")
}

fn demo(sandbox: &Sandbox) -> &Demo {
    sandbox.demo().expect("the sandbox was seeded")
}

fn family(demo: &Demo) -> &DemoEmployee {
    demo.family_employee().expect("the seed has an employee with a spouse")
}

/// The API error inside `result`, or a panic naming what came instead.
fn api_error<T: std::fmt::Debug>(result: vitable_connect::Result<T>) -> Box<vitable_connect::ApiError> {
    match result {
        Err(Error::Api(e)) => e,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_seed_workflow_from_birth_to_new_election() {
    let (sandbox, client) = seeded().await;
    let demo = demo(&sandbox);
    let employee = family(demo);

    // The starting point: a pending enrollment in the open plan year.
    let before = client.enrollments().retrieve(&employee.enrollment_id).send().await.unwrap();
    assert_eq!(before.status, EnrollmentStatus::Pending);
    assert_eq!(before.plan_year_id, demo.plan_year_id);

    // 1. Record the birth: pending, a 60-day window opening on the event date.
    let born = today() - Days::days(3);
    let qle = client
        .members()
        .qualifying_life_events()
        .record(&employee.member_id, EventType::Birth, born)
        .notes("Daughter born at St. Mary's")
        .send()
        .await
        .unwrap();
    assert_eq!(qle.status, QualifyingLifeEventStatus::Pending);
    assert_eq!(qle.event_type, "Birth");
    assert_eq!(qle.member_id, employee.member_id);
    assert_eq!(qle.employee_id, employee.employee_id);
    assert_eq!(qle.enrollment_window_start, born);
    assert_eq!(qle.enrollment_window_end, born + Days::days(60));
    assert_eq!(qle.notes.as_deref(), Some("Daughter born at St. Mary's"));

    // 2. Add the newborn.
    let baby = client
        .members()
        .dependents()
        .create(&employee.member_id, "Ava", "Rivera", born, Sex::Female, Relationship::Child)
        .send()
        .await
        .unwrap();
    assert_eq!(baby.member_id, employee.member_id);
    assert_eq!(baby.relationship, Relationship::Child);
    assert!(baby.active);
    assert_eq!(baby.ssn_last_four, None);

    // 3. Reissue: back to pending, same plan year, the previous choice cleared.
    let reissued = client
        .enrollments()
        .reissue(&employee.enrollment_id, &qle.id)
        .reason("New child")
        .send()
        .await
        .unwrap();
    assert_eq!(reissued.id, employee.enrollment_id);
    assert_eq!(reissued.status, EnrollmentStatus::Pending);
    assert_eq!(reissued.plan_year_id, demo.plan_year_id);
    assert_eq!(reissued.decision, None);
    assert_eq!(reissued.selected_plan_id, None);
    assert_eq!(reissued.selected_plan_name, None);

    // 4. The plans on offer, priced for every tier.
    let plans = client.enrollments().list_plans(&reissued.id).send().await.unwrap();
    let offered: Vec<_> = plans.iter().map(|p| p.id.clone()).collect();
    assert_eq!(offered.len(), demo.plan_ids().len());
    for id in demo.plan_ids() {
        assert!(offered.contains(id), "{id} is offered");
    }
    let gold = plans.iter().find(|p| p.id == demo.gold_plan_id).unwrap();
    let ef_cost = gold.costs.iter().find(|c| c.coverage_tier == CoverageTier::Ef).expect("an EF price");

    // 5. Elect Gold for the whole family at EF (spouse + children).
    let mut dependents: Vec<_> = employee.dependent_ids.clone();
    dependents.push(baby.id.clone());
    let election = Election::enroll(reissued.id.clone(), demo.gold_plan_id.clone(), CoverageTier::Ef)
        .dependents(dependents.iter().cloned());
    let updated = client
        .employees()
        .enrollments()
        .submit_elections(&employee.employee_id, [election])
        .send()
        .await
        .unwrap();
    let enrolled = updated.iter().find(|e| e.id == reissued.id).expect("the elected enrollment is returned");
    assert_eq!(enrolled.status, EnrollmentStatus::Enrolled);
    assert_eq!(enrolled.decision.as_deref(), Some("enrolled"));
    assert_eq!(enrolled.coverage_tier, Some(CoverageTier::Ef));
    assert_eq!(enrolled.selected_plan_id.as_ref(), Some(&demo.gold_plan_id));
    assert_eq!(enrolled.employee_contribution_cents, Some(ef_cost.employee_contribution_cents));
    assert_eq!(enrolled.employer_contribution_cents, Some(ef_cost.employer_contribution_cents));
    let covered: Vec<_> =
        enrolled.enrolled_dependents.iter().flatten().map(|d| d.dependent_id.clone()).collect();
    assert_eq!(covered.len(), dependents.len());
    assert!(covered.contains(&baby.id), "the newborn is covered");

    // The stored state matches what the election returned.
    let after = client.enrollments().retrieve(&reissued.id).send().await.unwrap();
    assert_eq!(after.status, EnrollmentStatus::Enrolled);
    assert_eq!(after.selected_plan_id.as_ref(), Some(&demo.gold_plan_id));
}

#[tokio::test]
async fn reissue_is_refused_when_the_window_has_closed() {
    let (sandbox, client) = seeded().await;
    let employee = family(demo(&sandbox));
    // A marriage has a 30-day window: 40 days ago it has closed.
    let married = today() - Days::days(40);
    let qle = client
        .members()
        .qualifying_life_events()
        .record(&employee.member_id, EventType::Marriage, married)
        .send()
        .await
        .unwrap();
    assert_eq!(qle.enrollment_window_end, married + Days::days(30));

    let error = api_error(client.enrollments().reissue(&employee.enrollment_id, &qle.id).send().await);
    assert_eq!(error.kind, ApiErrorKind::BadRequest);
    let detail = error.detail.as_deref().unwrap();
    assert!(detail.contains("window closed"), "{detail}");
    let prefix = format!("400 Bad Request from {}: ", ENROLLMENTS_REISSUE.name);
    assert!(error.to_string().starts_with(&prefix), "{error}");
    assert!(error.request_id.is_some(), "the sandbox sends a request id");
}

#[tokio::test]
async fn reissue_is_refused_for_another_employees_event() {
    let (sandbox, client) = seeded().await;
    let demo = demo(&sandbox);
    let (first, second) = (&demo.employees[0], &demo.employees[1]);
    let qle = client
        .members()
        .qualifying_life_events()
        .record(&second.member_id, EventType::Adoption, today())
        .send()
        .await
        .unwrap();
    let error = api_error(client.enrollments().reissue(&first.enrollment_id, &qle.id).send().await);
    assert_eq!(error.kind, ApiErrorKind::BadRequest);
    assert!(error.detail.as_deref().unwrap().contains("belongs to employee"), "{error}");
}

#[tokio::test]
async fn reissue_is_refused_for_a_denied_event_and_an_unknown_one() {
    let (sandbox, client) = seeded().await;
    let employee = family(demo(&sandbox));
    let qle = client
        .members()
        .qualifying_life_events()
        .record(&employee.member_id, EventType::Divorce, today())
        .send()
        .await
        .unwrap();
    assert!(sandbox.set_qle_status(&qle.id, QualifyingLifeEventStatus::Denied));
    let error = api_error(client.enrollments().reissue(&employee.enrollment_id, &qle.id).send().await);
    assert_eq!(error.kind, ApiErrorKind::BadRequest);
    assert!(error.detail.as_deref().unwrap().contains("denied"), "{error}");

    let unknown = "qle_doesnotexist".parse().unwrap();
    let error = api_error(client.enrollments().reissue(&employee.enrollment_id, &unknown).send().await);
    assert_eq!(error.kind, ApiErrorKind::NotFound);
}

#[tokio::test]
async fn streaming_250_employees_returns_each_exactly_once() {
    let (_sandbox, client) = seeded().await;
    let address = AddressInput::new("1 Ferry Building", "San Francisco", "CA", "94111");
    let employer =
        client.employers().create("Stream Co", "Stream Co Inc", "98-7654321", address).send().await.unwrap();
    let start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let birth = NaiveDate::from_ymd_opt(1990, 6, 1).unwrap();
    let mut created = Vec::new();
    for i in 0..250u32 {
        let ssn: Ssn = format!("{:09}", 200_000_000 + i).parse().unwrap();
        let employee = client
            .employers()
            .employees()
            .create(
                &employer.id,
                "Worker",
                format!("N{i}"),
                birth,
                Sex::Unknown,
                ssn,
                format!("w{i}@example.com"),
                start,
            )
            .send()
            .await
            .unwrap();
        created.push(employee.id);
    }

    let streamed: Vec<_> = client
        .employers()
        .employees()
        .list(&employer.id)
        .limit(max_limit(&EMPLOYERS_EMPLOYEES_LIST))
        .stream()
        .map_ok(|e| e.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed.len(), 250);
    let mut seen: HashMap<_, u32> = HashMap::new();
    for id in &streamed {
        *seen.entry(id.clone()).or_default() += 1;
    }
    assert!(seen.values().all(|n| *n == 1), "no employee appears twice");
    assert!(created.iter().all(|id| seen.contains_key(id)), "every employee appears");
    assert_eq!(streamed, created, "in creation order");
}

#[tokio::test]
async fn a_write_whose_connection_dropped_is_retried_and_applied_once() {
    let (sandbox, _) = seeded().await;
    let employee = family(demo(&sandbox));
    let client = sandbox.client_builder().max_retries(2).build().unwrap();
    let before =
        client.members().qualifying_life_events().list(&employee.member_id).send().await.unwrap().len();

    sandbox.faults().reset_counters();
    sandbox.faults().drop_connection_after_write(MEMBERS_QUALIFYING_LIFE_EVENTS_RECORD.id, 1);
    let qle = client
        .members()
        .qualifying_life_events()
        .record(&employee.member_id, EventType::Marriage, today())
        .send()
        .await
        .expect("the retry with the same idempotency key gets the first response");

    assert_eq!(sandbox.faults().requests(MEMBERS_QUALIFYING_LIFE_EVENTS_RECORD.id), 2, "one drop, one retry");
    let events = client.members().qualifying_life_events().list(&employee.member_id).send().await.unwrap();
    assert_eq!(events.len(), before + 1, "applied exactly once");
    assert!(events.iter().any(|e| e.id == qle.id));
}

#[tokio::test]
async fn a_dropped_write_without_retries_surfaces_as_a_connection_error() {
    let (sandbox, client) = seeded().await;
    let employee = family(demo(&sandbox));
    sandbox.faults().drop_connection_after_write(MEMBERS_QUALIFYING_LIFE_EVENTS_RECORD.id, 1);
    let result = client
        .members()
        .qualifying_life_events()
        .record(&employee.member_id, EventType::Marriage, today())
        .max_retries(0)
        .send()
        .await;
    assert!(
        matches!(result, Err(Error::Connection { operation, .. }) if operation == MEMBERS_QUALIFYING_LIFE_EVENTS_RECORD.name),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_503_with_retry_after_is_retried_and_succeeds() {
    let (sandbox, client) = seeded().await;
    let employee = family(demo(&sandbox));
    sandbox.faults().reset_counters();
    sandbox.faults().fail_next(ENROLLMENTS_RETRIEVE.id, 1, 503, Some(Duration::from_secs(1)));
    let enrollment = client.enrollments().retrieve(&employee.enrollment_id).send().await.unwrap();
    assert_eq!(enrollment.id, employee.enrollment_id);
    assert_eq!(sandbox.faults().requests(ENROLLMENTS_RETRIEVE.id), 2);
}

#[tokio::test]
async fn fifty_concurrent_recordings_are_all_kept() {
    let (sandbox, client) = seeded().await;
    let demo = demo(&sandbox);
    let before: usize = futures::future::try_join_all(demo.employees.iter().map(|e| {
        let limit = max_limit(&MEMBERS_QUALIFYING_LIFE_EVENTS_LIST);
        client.members().qualifying_life_events().list(&e.member_id).limit(limit).send()
    }))
    .await
    .unwrap()
    .iter()
    .map(Vec::len)
    .sum();

    let recordings = (0..50).map(|i| {
        let member = demo.employees[i % demo.employees.len()].member_id.clone();
        let client = client.clone();
        tokio::spawn(async move {
            client
                .members()
                .qualifying_life_events()
                .record(&member, EventType::Other, today() - Days::days(i as i64))
                .notes(format!("concurrent #{i}"))
                .send()
                .await
        })
    });
    let recorded: Vec<_> = futures::future::join_all(recordings).await;
    let ids: Vec<_> = recorded.into_iter().map(|r| r.unwrap().unwrap().id).collect();
    assert_eq!(ids.iter().collect::<std::collections::HashSet<_>>().len(), 50, "50 distinct events");

    let mut after = Vec::new();
    for employee in &demo.employees {
        let events: Vec<_> = client
            .members()
            .qualifying_life_events()
            .list(&employee.member_id)
            .stream()
            .try_collect()
            .await
            .unwrap();
        after.extend(events);
    }
    assert_eq!(after.len(), before + 50, "none lost");
    assert!(ids.iter().all(|id| after.iter().any(|e| &e.id == id)));
}

#[tokio::test]
async fn a_rehire_clears_the_termination_date_and_other_fields_are_kept() {
    let (sandbox, client) = seeded().await;
    let employee = family(demo(&sandbox));
    let id = &employee.employee_id;
    let leaving = today() + Days::days(30);

    // A termination date in the future, and a phone number.
    let set =
        client.employees().update(id).termination_date(leaving).phone("+14155550123").send().await.unwrap();
    assert_eq!(set.termination_date, Some(leaving));
    assert_eq!(set.member.phone.as_deref(), Some("+14155550123"));

    // The rehire: `null` clears the date; the phone, not named, stays.
    client.employees().update(id).clear_termination_date().send().await.unwrap();
    let read = client.employees().retrieve(id).send().await.unwrap();
    assert_eq!(read.termination_date, None);
    assert_eq!(read.member.phone.as_deref(), Some("+14155550123"));

    // Clearing the phone too.
    let cleared = client.employees().update(id).clear_phone().send().await.unwrap();
    assert_eq!(cleared.member.phone, None);
}

#[tokio::test]
async fn raw_requests_reach_the_sandbox_with_the_clients_auth_keys_and_errors() {
    let (sandbox, client) = seeded().await;
    let employer = demo(&sandbox).employer_id.clone();
    // An operation the SDK has, sent raw: the same answer as the typed call.
    let raw: vitable_connect::Employer = client
        .raw(vitable_connect::Method::GET, "/v1/employers/{employer_id}")
        .path_param("employer_id", employer.as_str())
        .send()
        .await
        .unwrap();
    let typed = client.employers().retrieve(&employer).send().await.unwrap();
    assert_eq!((raw.id, raw.name, raw.updated_at), (typed.id, typed.name, typed.updated_at));

    // A raw write carries an idempotency key: sent twice from one builder, applied once.
    let update = client
        .raw(vitable_connect::Method::PUT, "/v1/employers/{employer_id}")
        .path_param("employer_id", employer.as_str())
        .json(&serde_json::json!({ "name": "Acme Coffee & Tea" }));
    let first = update.clone().send_raw().await.unwrap();
    let again = update.send_raw().await.unwrap();
    assert_eq!(first.body(), again.body(), "the second send is a replay");
    assert_eq!(client.employers().retrieve(&employer).send().await.unwrap().name, "Acme Coffee & Tea");

    // An endpoint the sandbox does not have: the SDK's API error, named after the request.
    let error = client
        .raw(vitable_connect::Method::GET, "/v1/employers/{employer_id}/documents")
        .name("employers.documents.list")
        .path_param("employer_id", employer.as_str())
        .send_raw()
        .await
        .unwrap_err();
    let api = api_error::<()>(Err(error));
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.operation, "employers.documents.list");
    assert!(api.request_id.is_some(), "{api:?}");
}
