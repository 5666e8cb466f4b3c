//! Testing an application against the sandbox: the functions of `src/lib.rs` run against
//! an in-process sandbox seeded with the demo organization, with faults injected where the
//! real API could fail. No credentials, no network beyond 127.0.0.1.

use std::time::Duration;

use vitable_connect::{ApiErrorKind, EnrollmentId, Error};
use vitable_connect_examples::{demo_sandbox, pending_enrollments, record_birth_and_reissue};

#[tokio::test]
async fn counts_pending_enrollments_through_a_flaky_list() {
    let sandbox = demo_sandbox().await;
    let demo = sandbox.demo().unwrap();
    // The first list of employees answers 503: the client retries it by itself.
    sandbox.faults().fail_next("employers.employees.list", 1, 503, None);

    let pending = pending_enrollments(&sandbox.client(), &demo.employer_id).await.unwrap();

    assert_eq!(pending, demo.employees.len(), "every demo employee starts with a pending enrollment");
    assert_eq!(sandbox.faults().requests("employers.employees.list"), 2);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn reissues_once_even_when_the_answer_is_lost() {
    let sandbox = demo_sandbox().await;
    let dana = &sandbox.demo().unwrap().employees[0];
    // The server applies the reissue, then drops the connection: the client cannot know
    // whether it was applied, and sends it again with the same idempotency key.
    sandbox.faults().drop_connection_after_write("enrollments_reissue", 1);

    let client = sandbox.client_builder().max_retries(0).build().unwrap();
    let today = sandbox.today();
    let reissued =
        record_birth_and_reissue(&client, &dana.member_id, &dana.enrollment_id, today).await.unwrap();

    assert_eq!(reissued.id, dana.enrollment_id);
    assert_eq!(sandbox.faults().requests("enrollments.reissue"), 2, "sent twice");
    let events = client.members().qualifying_life_events().list(&dana.member_id).await.unwrap();
    assert_eq!(events.len(), 1, "one event recorded");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_missing_enrollment_is_a_not_found_error() {
    let sandbox = demo_sandbox().await;
    let dana = &sandbox.demo().unwrap().employees[0];
    let missing: EnrollmentId = "enrl_doesnotexist".parse().unwrap();

    let error = record_birth_and_reissue(&sandbox.client(), &dana.member_id, &missing, sandbox.today())
        .await
        .unwrap_err();

    match &error {
        Error::Api(e) => assert_eq!(e.kind, ApiErrorKind::NotFound, "{error}"),
        other => panic!("expected a 404, got {other}"),
    }
    assert!(error.request_id().is_some());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn gives_up_on_a_server_that_stays_down() {
    let sandbox = demo_sandbox().await;
    let demo = sandbox.demo().unwrap();
    sandbox.faults().fail_next("employers.employees.list", 10, 503, Some(Duration::from_millis(1)));

    let error = pending_enrollments(&sandbox.client(), &demo.employer_id).await.unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.is_retryable());
    assert_eq!(sandbox.faults().requests("employers.employees.list"), 3, "one attempt and two retries");
    sandbox.shutdown().await;
}
