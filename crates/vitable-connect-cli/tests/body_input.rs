//! `--body` given as `@file.json` or `-` (stdin), and flags overriding its fields, checked on
//! the wire: for every operation of the spec that takes a body, the request the recorder
//! receives is the one the generated invocations expect.

#[path = "support/generated_invocations.rs"]
#[rustfmt::skip]
mod generated_invocations;
mod support;

use generated_invocations::{INVOCATIONS, Invocation};
use serde_json::Value;
use support::{Recorder, against, run, run_with_stdin};
use vitable_connect_api::spec::{self, Location, Operation};

/// Every operation that takes a body, with its generated invocation.
fn with_body() -> Vec<(&'static Operation, &'static Invocation)> {
    let pairs: Vec<_> = spec::OPERATIONS
        .iter()
        .filter(|op| op.body.is_some())
        .map(|op| (op, INVOCATIONS.iter().find(|i| i.operation == op.id).expect("an invocation")))
        .collect();
    assert!(!pairs.is_empty(), "the spec has operations with a body");
    pairs
}

/// The command and its path parameters (positional), with no flag.
fn command_line(op: &Operation, invocation: &Invocation) -> Vec<String> {
    let arguments: Value = serde_json::from_str(invocation.arguments).unwrap();
    let mut args: Vec<String> = op.name.split('.').map(|part| part.replace('_', "-")).collect();
    for p in op.params.iter().filter(|p| p.location == Location::Path) {
        args.push(arguments[p.name].as_str().expect("a path parameter is text").to_owned());
    }
    args
}

/// The request expected, without its query (the command lines here give no query flag).
fn expected(invocation: &Invocation) -> Value {
    let mut expected: Value = serde_json::from_str(invocation.expected).unwrap();
    expected["query"] = serde_json::json!({});
    assert!(expected["body"].is_object(), "{}: a body is expected", invocation.operation);
    expected
}

/// The request the recorder received for the command just run.
fn received(recorder: &Recorder, before: usize, op: &Operation, out: &support::Run) -> Value {
    let requests = recorder.requests();
    let request = requests
        .get(before)
        .unwrap_or_else(|| panic!("{}: nothing was sent (exit {}): {}", op.id, out.code, out.stderr));
    assert_eq!(requests.len(), before + 1, "{}: one request", op.id);
    let mut actual = request.as_expected();
    actual["query"] = serde_json::json!({});
    actual
}

#[test]
fn a_body_from_a_file_reaches_the_wire_as_written() {
    let recorder = Recorder::start(404, r#"{"detail":"recorded"}"#);
    let dir = support::temp_dir("body-file");
    for (op, invocation) in with_body() {
        let expected = expected(invocation);
        let file = dir.join(format!("{}.json", op.id));
        std::fs::write(&file, serde_json::to_string_pretty(&expected["body"]).unwrap()).unwrap();
        let before = recorder.requests().len();
        let out = run(against(&recorder)
            .args(command_line(op, invocation))
            .arg("--body")
            .arg(format!("@{}", file.display())));
        assert_eq!(out.code, 3, "{}: the recorder answers 404: {out:?}", op.id);
        assert_eq!(received(&recorder, before, op, &out), expected, "{}", op.id);
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_body_from_stdin_reaches_the_wire_as_written() {
    let recorder = Recorder::start(404, r#"{"detail":"recorded"}"#);
    for (op, invocation) in with_body() {
        let expected = expected(invocation);
        let before = recorder.requests().len();
        let out = run_with_stdin(
            against(&recorder).args(command_line(op, invocation)).args(["--body", "-"]),
            &serde_json::to_string_pretty(&expected["body"]).unwrap(),
        );
        assert_eq!(out.code, 3, "{}: the recorder answers 404: {out:?}", op.id);
        assert_eq!(received(&recorder, before, op, &out), expected, "{}", op.id);
    }
}

#[test]
fn a_missing_body_file_is_a_usage_error_and_sends_nothing() {
    let recorder = Recorder::start(200, "{}");
    let dir = support::temp_dir("body-missing");
    let (op, invocation) = with_body()[0];
    let missing = dir.join("absent.json");
    let out = run(against(&recorder)
        .args(command_line(op, invocation))
        .arg("--body")
        .arg(format!("@{}", missing.display())));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("--body") && out.stderr.contains("absent.json"), "{}", out.stderr);
    assert_eq!(recorder.connections(), 0);
    let _ = std::fs::remove_dir_all(dir);
}

/// For every body property that is one of an enum's values: the body holds another value, the
/// flag the invocation's; the flag's value is sent, and every other field of the body with it.
#[test]
fn a_flag_overrides_its_field_of_the_body_and_the_other_fields_are_kept() {
    let recorder = Recorder::start(404, r#"{"detail":"recorded"}"#);
    let mut cases = 0;
    for (op, invocation) in with_body() {
        let expected = expected(invocation);
        let properties = op.body.and_then(spec::properties).unwrap_or_default();
        for p in properties {
            let Some(values) = spec::enum_values(p.ty) else { continue };
            let Some(wanted) = expected["body"][p.name].as_str() else { continue };
            let Some(other) = values.iter().find(|v| **v != wanted) else { continue };
            let mut body = expected["body"].clone();
            body[p.name] = Value::from(*other);
            let flag = format!("--{}", p.name.replace('_', "-"));
            let before = recorder.requests().len();
            // The flag before and after `--body`: the order on the command line does not matter.
            for flag_first in [false, true] {
                let mut cmd = against(&recorder);
                cmd.args(command_line(op, invocation));
                if flag_first {
                    cmd.args([flag.as_str(), wanted]);
                }
                cmd.arg("--body").arg(body.to_string());
                if !flag_first {
                    cmd.args([flag.as_str(), wanted]);
                }
                let before = recorder.requests().len();
                let out = run(&mut cmd);
                assert_eq!(out.code, 3, "{} {flag}: {out:?}", op.id);
                assert_eq!(received(&recorder, before, op, &out), expected, "{} {flag} {wanted}", op.id);
            }
            assert_eq!(recorder.requests().len(), before + 2);
            cases += 1;
        }
    }
    assert!(cases > 0, "some body property of the spec is an enum");
}
