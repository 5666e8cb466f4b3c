// A `MemberId` where an `EmployeeId` belongs: the person is not the employment record.
use vitable_connect::{Client, MemberId};

fn main() {
    let client = Client::new("test-key").unwrap();
    let member_id: MemberId = "mbr_Q2w7Lp".parse().unwrap();
    let _request = client.employees().retrieve(&member_id);
}
