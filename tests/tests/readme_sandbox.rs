use vitable_connect::{Client, EmployeeId, EnrollmentStatus};
use vitable_connect_sandbox::{Sandbox, SandboxOptions};

// Your application's code: it takes the client it is given.
async fn pending_enrollments(client: &Client, employee: &EmployeeId) -> vitable_connect::Result<usize> {
    let pending =
        client.employees().enrollments().list(employee).status(EnrollmentStatus::Pending).send().await?;
    Ok(pending.len())
}

#[tokio::test]
async fn counts_pending_enrollments_through_a_503() {
    // A sandbox seeded with the demo organization, on a free port.
    let sandbox = Sandbox::start(SandboxOptions::new().seed(true)).await.unwrap();
    let dana = &sandbox.demo().unwrap().employees[0];
    // The next list answers 503 once: the client retries it.
    sandbox.faults().fail_next("employees.enrollments.list", 1, 503, None);

    // A client for the sandbox (or `client_builder()` to change its settings first).
    let client = sandbox.client();
    assert_eq!(pending_enrollments(&client, &dana.employee_id).await.unwrap(), 1);
    assert_eq!(sandbox.faults().requests("employees.enrollments.list"), 2);
    sandbox.shutdown().await;
}
