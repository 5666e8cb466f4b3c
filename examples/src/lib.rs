//! A small payroll integration, the "application" the examples and tests of this package use:
//! the code you would write, taking the [`Client`] it is given so that tests can give it the
//! sandbox's.
//!
//! Run the examples against the in-process sandbox (no credentials, no network beyond
//! 127.0.0.1):
//!
//! ```sh
//! cargo run -p vitable-connect-examples --example pagination
//! cargo run -p vitable-connect-examples --example errors
//! cargo run -p vitable-connect-examples --example interceptors
//! cargo run -p vitable-connect-examples --example tracing
//! ```
//!
//! and the tests of this application against the sandbox and its fault injection with
//! `cargo test -p vitable-connect-examples` (see `tests/application.rs`).

use vitable_connect::chrono::NaiveDate;
use vitable_connect::{Client, Enrollment, EnrollmentId, EnrollmentStatus, EventType, MemberId};
use vitable_connect_sandbox::{Sandbox, SandboxOptions};

/// How many of an employer's employees have an enrollment still `pending`.
pub async fn pending_enrollments(
    client: &Client,
    employer: &vitable_connect::EmployerId,
) -> vitable_connect::Result<usize> {
    let mut pending = 0;
    let mut employees = client.employers().employees().list(employer).stream();
    while let Some(employee) = employees.try_next().await? {
        let enrollments =
            client.employees().enrollments().list(&employee.id).status(EnrollmentStatus::Pending).await?;
        pending += enrollments.len();
    }
    Ok(pending)
}

/// Records a birth for `member` and reopens `enrollment` for it: the seeds' workflow.
///
/// The reissue is one logical write, resent while it may still succeed: the same builder (and
/// so the same idempotency key) every time, so the API applies it at most once. An error
/// whose outcome is unknown is returned as it is, for the caller to resend later with
/// [`Error::idempotency_key`](vitable_connect::Error::idempotency_key).
pub async fn record_birth_and_reissue(
    client: &Client,
    member: &MemberId,
    enrollment: &EnrollmentId,
    born: NaiveDate,
) -> vitable_connect::Result<Enrollment> {
    let qle = client
        .members()
        .qualifying_life_events()
        .record(member, EventType::Birth, born)
        .notes("Daughter born at St. Mary's")
        .await?;
    let reissue = client.enrollments().reissue(enrollment, &qle.id).reason("New child");
    let mut resends = 0;
    loop {
        match reissue.clone().send().await {
            Err(e) if e.is_retryable() && resends < 5 => resends += 1,
            result => return result,
        }
    }
}

/// A sandbox seeded with the demo organization, on a free port of 127.0.0.1.
pub async fn demo_sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::new().seed(true)).await.expect("the sandbox starts on 127.0.0.1")
}
