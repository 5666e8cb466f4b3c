// `ApiResponse` does not dereference to the model: `response.status` cannot be mistaken for
// the HTTP status or the model's field. The model's is `response.value().status`; the HTTP
// status is `response.http_status()`.
use vitable_connect::{ApiResponse, Enrollment, EnrollmentStatus};

fn model_status(response: &ApiResponse<Enrollment>) -> &EnrollmentStatus {
    &response.status
}

fn main() {}
