//! Spec-driven: every operation of `openapi.yaml` has a command, every parameter and body
//! property a flag (or a positional argument), and every value given on the command line
//! reaches the wire as the API expects it.

#[path = "support/generated_invocations.rs"]
#[rustfmt::skip]
mod generated_invocations;
mod support;

use generated_invocations::INVOCATIONS;
use serde_json::Value;
use support::{Recorder, against, run};
use vitable_connect_api::spec::{self, Location};

/// The command of `name` (`members.qualifying_life_events.record`), if the tree has one.
fn find_command(name: &str) -> Option<clap::Command> {
    let mut current = vitable_connect_cli::command();
    for part in name.split('.') {
        current = current.find_subcommand(part.replace('_', "-"))?.clone();
    }
    Some(current)
}

#[test]
fn every_operation_has_a_command_and_every_value_a_flag() {
    let mut missing = Vec::new();
    for op in spec::OPERATIONS {
        let Some(cmd) = find_command(op.name) else {
            missing.push(format!("{} has no command", op.id));
            continue;
        };
        let has = |name: &str, positional: bool| {
            cmd.get_arguments().any(|a| {
                a.get_id() == name
                    && if positional {
                        a.is_positional()
                    } else {
                        a.get_long() == Some(name.replace('_', "-").as_str())
                    }
            })
        };
        for p in op.params {
            if !has(p.name, p.location == Location::Path) {
                missing.push(format!("{}: parameter `{}` has no flag", op.id, p.name));
            }
        }
        for p in op.body.and_then(spec::properties).unwrap_or_default() {
            if !has(p.name, false) {
                missing.push(format!("{}: body property `{}` has no flag", op.id, p.name));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    let invoked: Vec<&str> = INVOCATIONS.iter().map(|i| i.operation).collect();
    let all: Vec<&str> = spec::OPERATIONS.iter().map(|op| op.id).collect();
    assert_eq!(invoked, all, "the generated invocations cover every operation");
}

#[test]
fn every_value_given_on_the_command_line_reaches_the_wire() {
    let recorder = Recorder::start(404, r#"{"detail":"recorded"}"#);
    let mut failures = Vec::new();
    for invocation in INVOCATIONS {
        let before = recorder.requests().len();
        let out = run(against(&recorder).args(invocation.args));
        let requests = recorder.requests();
        let Some(request) = requests.get(before) else {
            failures.push(format!(
                "{}: nothing was sent (exit {}): {}",
                invocation.operation, out.code, out.stderr
            ));
            continue;
        };
        assert_eq!(out.code, 3, "{}: a 404 exits with 3: {out:?}", invocation.operation);
        let actual = request.as_expected();
        let expected: Value = serde_json::from_str(invocation.expected).unwrap();
        if actual != expected {
            failures.push(format!("{}:\n  expected {expected}\n  received {actual}", invocation.operation));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_operation_runs_against_the_sandbox() {
    let dir = support::temp_dir("every-op");
    let state = dir.join("state.json");
    for invocation in INVOCATIONS {
        let out = support::sandbox(&state, invocation.args);
        // The sample IDs are not the sandbox's: the answer is an API error, never a local one.
        assert!(
            [0, 3, 4, 5].contains(&out.code),
            "{}: exit {} (stderr: {})",
            invocation.operation,
            out.code,
            out.stderr
        );
        assert!(
            out.code == 0 || out.stderr.contains("request id"),
            "{}: the API answered: {}",
            invocation.operation,
            out.stderr
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}
