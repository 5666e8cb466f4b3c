//! What can go wrong, and what to do about each, against the in-process sandbox:
//!
//! ```sh
//! cargo run -p vitable-connect-examples --example errors
//! ```
//!
//! A 404, a value refused before sending, a malformed ID, a retryable error the client
//! retried by itself, and a write whose answer was lost, resent safely with its idempotency
//! key. The sandbox's fault injection plays the failing server.

use std::time::Duration;

use vitable_connect::{ApiErrorKind, EnrollmentId, Error};
use vitable_connect_examples::demo_sandbox;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = demo_sandbox().await;
    let client = sandbox.client();
    let faults = sandbox.faults();
    let dana = &sandbox.demo().expect("a seeded sandbox").employees[0];

    // 1. Nothing has that ID: an API error with its status, kind, message and request id.
    let missing: EnrollmentId = "enrl_doesnotexist".parse()?;
    match client.enrollments().retrieve(&missing).await {
        Err(Error::Api(e)) if e.kind == ApiErrorKind::NotFound => {
            println!("1. not found: {} (request id {:?})", e.message(), e.request_id);
        }
        other => panic!("expected a 404, got {other:?}"),
    }

    // 2. A value outside the API's limits is refused before anything is sent.
    let before = faults.requests("employers.list");
    match client.employers().list().limit(1_000).await {
        Err(Error::InvalidInput(e)) => println!("2. refused locally: {e}"),
        other => panic!("expected a local refusal, got {other:?}"),
    }
    assert_eq!(faults.requests("employers.list"), before, "nothing was sent");

    // 3. A malformed ID fails when it is parsed, without echoing what was given.
    match "empl_5Nq1Zt".parse::<EnrollmentId>() {
        Err(e) => println!("3. not an enrollment ID: {e}"),
        Ok(id) => panic!("parsed {id}"),
    }

    // 4. The server is briefly unavailable: the client retries by itself (twice by default),
    //    waiting as the server asks.
    faults.fail_next("employers.list", 1, 503, Some(Duration::from_millis(50)));
    let employers = client.employers().list().await?;
    println!("4. listed {} employer(s) after a 503, retried by the client", employers.len());
    //    Without retries the error says it may succeed if sent again.
    faults.fail_next("employers.list", 1, 503, None);
    let error = client.employers().list().max_retries(0).await.unwrap_err();
    println!("   without retries: {error} (retryable: {})", error.is_retryable());
    assert!(error.is_retryable());

    // 5. A write applied by the server whose answer never arrived. One builder is one logical
    //    write: it and its clones carry one idempotency key, so sending it again is safe.
    let qle = client
        .members()
        .qualifying_life_events()
        .record(&dana.member_id, vitable_connect::EventType::Birth, sandbox.today())
        .await?;
    // (`max_retries(0)` leaves the resending to the loop below, to show it; with retries on,
    // the client resends a lost write by itself, with the same key.)
    let reissue =
        client.enrollments().reissue(&dana.enrollment_id, &qle.id).reason("New child").max_retries(0);
    faults.drop_connection_after_write("enrollments.reissue", 1);
    let mut resends = 0;
    let reissued = loop {
        match reissue.clone().await {
            Ok(enrollment) => break enrollment,
            Err(e) if (e.outcome_unknown() || e.is_retryable()) && resends < 3 => {
                println!("5. {e}");
                println!("   may have been applied: resending with the same key {:?}", e.idempotency_key());
                resends += 1;
            }
            Err(e) => return Err(e.into()),
        }
    };
    println!("   reissued {}: {} (after {resends} resend)", reissued.id, reissued.status);
    assert_eq!(faults.requests("enrollments.reissue"), 2, "sent twice, applied once");

    sandbox.shutdown().await;
    Ok(())
}
