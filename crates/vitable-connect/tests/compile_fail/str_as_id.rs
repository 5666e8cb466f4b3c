// A plain `&str` where an ID type is required: it must be parsed (and checked) first.
use vitable_connect::Client;

fn main() {
    let client = Client::new("test-key").unwrap();
    let _request = client.enrollments().retrieve("enrl_8fK2x9");
}
