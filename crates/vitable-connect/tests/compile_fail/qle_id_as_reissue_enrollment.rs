// A `QleId` in the enrollment slot of `reissue` (the QLE slot is right).
use vitable_connect::{Client, QleId};

fn main() {
    let client = Client::new("test-key").unwrap();
    let qle_id: QleId = "qle_3Jd82k".parse().unwrap();
    let _request = client.enrollments().reissue(&qle_id, &qle_id);
}
