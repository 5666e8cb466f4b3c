// An `EmployeeId` where an `EnrollmentId` belongs.
use vitable_connect::{Client, EmployeeId};

fn main() {
    let client = Client::new("test-key").unwrap();
    let employee_id: EmployeeId = "empl_5Nq1Zt".parse().unwrap();
    let _request = client.enrollments().retrieve(&employee_id);
}
