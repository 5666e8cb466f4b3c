//! `--debug` logs every exchange on stderr, and a write carrying an SSN (the spec's own example
//! of a body that has one, with an SSN of the spec's form) shows neither the SSN nor the API key
//! anywhere, against the sandbox.

mod support;

use serde_json::Value;
use support::{KEY, Run};
use vitable_connect_api::spec::{self, Location, Operation};
use vitable_connect_sandbox::{Sandbox, SandboxOptions};

/// The first write whose body has an `Ssn` property, and that property's name.
fn write_with_ssn() -> (&'static Operation, &'static str) {
    spec::OPERATIONS
        .iter()
        .filter(|op| op.is_write())
        .find_map(|op| {
            let props = op.body.and_then(spec::properties)?;
            props.iter().find(|p| p.ty == "Ssn").map(|p| (op, p.name))
        })
        .expect("a write of the spec carries an SSN")
}

/// An SSN of the same form as `example` whose digits are the example's, rotated by one (the
/// seed's employee already has the spec's example SSN, and the sandbox refuses it twice).
fn another_ssn(example: &str) -> String {
    let digits: Vec<char> = example.chars().filter(char::is_ascii_digit).collect();
    let mut rotated = digits.iter().cycle().skip(1);
    let ssn: String =
        example.chars().map(|c| if c.is_ascii_digit() { *rotated.next().unwrap() } else { c }).collect();
    assert_ne!(ssn, example);
    ssn
}

/// The command line of the write: its command, its path parameters from the seed's demo IDs,
/// and its body: the spec's example of it, with an SSN made from the spec's example SSN.
fn command_line(op: &Operation, ssn_property: &str, demo: &Value) -> (Vec<String>, String) {
    let openapi = support::openapi();
    let schema = support::request_body_schema(&openapi, op.id).expect("a body schema");
    let mut body = support::schema_example(&openapi, &schema).expect("the body schema has an example");
    let example = support::schema_example(&openapi, "Ssn").expect("the Ssn schema has an example");
    let ssn = Value::from(another_ssn(example.as_str().expect("an SSN is text")));
    body[ssn_property] = ssn.clone();
    let mut args: Vec<String> = op.name.split('.').map(|part| part.replace('_', "-")).collect();
    for p in op.params.iter().filter(|p| p.location == Location::Path) {
        let id = support::find_key(demo, p.name).unwrap_or_else(|| panic!("the demo has a `{}`", p.name));
        args.push(id.to_owned());
    }
    args.extend(["--body".to_owned(), body.to_string()]);
    (args, ssn.as_str().expect("an SSN is text").to_owned())
}

/// What must not be shown of `ssn`: its digits, dashed or not.
fn assert_hidden(out: &Run, ssn: &str, secrets: &[&str]) {
    let digits: String = ssn.chars().filter(char::is_ascii_digit).collect();
    assert!(digits.len() >= 9, "an SSN has nine digits: {ssn}");
    for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert!(!text.contains(ssn), "{stream} shows the SSN:\n{text}");
        assert!(!text.contains(&digits), "{stream} shows the SSN's digits:\n{text}");
        for secret in secrets {
            assert!(!text.contains(secret), "{stream} shows `{secret}`:\n{text}");
        }
    }
    // The debug log was written, with the headers sent, and the key's header hidden.
    let sent: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("[debug] →")).collect();
    assert!(!sent.is_empty(), "--debug logs the request: {}", out.stderr);
    assert!(
        out.stderr.lines().any(|l| l.starts_with("[debug] ←")),
        "--debug logs the answer: {}",
        out.stderr
    );
    let authorization: Vec<&str> = out
        .stderr
        .lines()
        .filter_map(|l| l.trim_start_matches("[debug]").trim().strip_prefix("authorization:"))
        .collect();
    assert!(!authorization.is_empty(), "the authorization header is logged: {}", out.stderr);
    assert!(authorization.iter().all(|v| v.trim() == "[hidden]"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_shows_no_ssn_and_no_key_for_a_write_that_carries_one() {
    let (op, ssn_property) = write_with_ssn();
    // The sandbox accepts only the test key: the write succeeding shows the key was sent.
    let sandbox =
        Sandbox::start(SandboxOptions::new().seed(true).token(KEY)).await.expect("the sandbox starts");
    let demo = serde_json::to_value(sandbox.demo().expect("seeded")).unwrap();
    let (args, ssn) = command_line(op, ssn_property, &demo);
    let url = sandbox.base_url();
    let out = tokio::task::spawn_blocking(move || {
        support::run(
            support::cli()
                .env("VITABLE_CONNECT_API_KEY", KEY)
                .args(["--base-url", &url, "--max-retries", "0", "--debug"])
                .args(&args),
        )
    })
    .await
    .unwrap();
    assert_eq!(out.code, 0, "{}: the sandbox takes the spec's example: {out:?}", op.id);
    assert!(out.json().is_object(), "{}: the created record: {}", op.id, out.stdout);
    assert_hidden(&out, &ssn, &[KEY]);
    sandbox.shutdown().await;
}

#[test]
fn debug_with_the_local_sandbox_shows_no_ssn_and_hides_the_key() {
    let (op, ssn_property) = write_with_ssn();
    let dir = support::temp_dir("debug-sandbox");
    let state = dir.join("state.json");
    let demo = support::sandbox(&state, &["sandbox", "demo"]);
    assert_eq!(demo.code, 0, "{demo:?}");
    let (args, ssn) = command_line(op, ssn_property, &demo.json());
    let mut full = vec!["--debug"];
    full.extend(args.iter().map(String::as_str));
    let out = support::sandbox(&state, &full);
    assert_eq!(out.code, 0, "{}: {out:?}", op.id);
    assert_hidden(&out, &ssn, &[]);
    // Again: the sandbox refuses the SSN it now has, and the refusal does not repeat it.
    let again = support::sandbox(&state, &full);
    assert_ne!(again.code, 0, "{}: {again:?}", op.id);
    assert!(again.stderr.contains("request id"), "the API answered: {again:?}");
    assert_hidden(&again, &ssn, &[]);
    let _ = std::fs::remove_dir_all(dir);
}
