//! Bad input: one clear line on stderr naming the flag, exit code 2, and nothing sent.

mod support;

use support::{Recorder, against, run};

/// Runs `args` against a recorder and checks the failure: exit 2, one line on stderr holding
/// every piece of `expected`, and no connection made.
fn refused(args: &[&str], expected: &[&str]) {
    let recorder = Recorder::start(200, "{}");
    let out = run(against(&recorder).args(args));
    assert_eq!(out.code, 2, "{args:?}: {out:?}");
    assert_eq!(out.stderr.lines().count(), 1, "{args:?}: one line: {}", out.stderr);
    for piece in expected {
        assert!(out.stderr.contains(piece), "{args:?}: `{piece}` in {}", out.stderr);
    }
    assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(recorder.connections(), 0, "{args:?}: nothing may reach the server");
}

#[test]
fn an_id_of_the_wrong_kind() {
    refused(
        &["enrollments", "reissue", "empl_5Nq1Zt", "--qle-id", "qle_3Hc8Vb"],
        &["ENROLLMENT_ID", "expected an enrollment ID", "that is an employee ID"],
    );
    refused(&["enrollments", "reissue", "enrl_8fK2x9", "--qle-id", "mbr_2Hs8Kq"], &["--qle-id", "member ID"]);
}

#[test]
fn an_unknown_enum_value() {
    refused(
        &[
            "members",
            "qualifying-life-events",
            "record",
            "mbr_2Hs8Kq",
            "--event-type",
            "Birthday",
            "--event-date",
            "2026-11-02",
        ],
        &["--event-type", "Birthday", "Birth"],
    );
    refused(
        &[
            "members",
            "qualifying-life-events",
            "record",
            "mbr_2Hs8Kq",
            "--body",
            r#"{"event_type":"Birthday","event_date":"2026-11-02"}"#,
        ],
        &["--body: event_type", "`Birthday` is not one of", "Birth"],
    );
}

#[test]
fn an_over_long_field() {
    let reason = "x".repeat(501);
    refused(
        &["enrollments", "reissue", "enrl_8fK2x9", "--qle-id", "qle_3Hc8Vb", "--reason", &reason],
        &["--reason", "must be at most 500 characters (got 501)"],
    );
}

#[test]
fn malformed_json() {
    refused(
        &["employees", "enrollments", "submit-elections", "empl_5Nq1Zt", "--elections", "[{"],
        &["--elections", "not valid JSON"],
    );
    refused(&["enrollments", "reissue", "enrl_8fK2x9", "--body", "{bad"], &["--body", "not valid JSON"]);
    refused(
        &[
            "employees",
            "enrollments",
            "submit-elections",
            "empl_5Nq1Zt",
            "--elections",
            r#"[{"enrollment_id":"enrl_8fK2x9","decision":"Waived","colour":"red"}]"#,
        ],
        &["--elections[0]", "unknown property `colour`"],
    );
}

#[test]
fn a_missing_required_argument() {
    refused(&["enrollments", "reissue", "--qle-id", "qle_3Hc8Vb"], &["<ENROLLMENT_ID>"]);
    refused(&["enrollments", "reissue", "enrl_8fK2x9"], &["missing --qle-id"]);
}

#[test]
fn a_bad_number_date_or_flag() {
    refused(&["employers", "list", "--limit", "ten"], &["--limit", "`ten` is not a whole number"]);
    refused(&["employers", "list", "--limit", "1000"], &["--limit", "must be between 1 and 100"]);
    refused(
        &[
            "members",
            "qualifying-life-events",
            "record",
            "mbr_2Hs8Kq",
            "--event-type",
            "Birth",
            "--event-date",
            "02/11/2026",
        ],
        &["--event-date"],
    );
    refused(&["enrollments", "reissue", "enrl_8fK2x9", "--reasn", "x"], &["--reasn", "--reason"]);
    refused(&["employers", "list", "--jq", ".[] | nosuchfilter"], &["--jq"]);
}

#[test]
fn errors_are_json_with_format_json() {
    let recorder = Recorder::start(200, "{}");
    let out = run(against(&recorder).args([
        "--format",
        "json",
        "enrollments",
        "reissue",
        "empl_5Nq1Zt",
        "--qle-id",
        "qle_3Hc8Vb",
    ]));
    assert_eq!(out.code, 2);
    let error: serde_json::Value = serde_json::from_str(out.stderr.trim()).expect("a JSON error");
    assert_eq!(error["error"], "invalid_input");
    assert_eq!(error["exit_code"], 2);
    assert!(error["message"].as_str().unwrap().contains("ENROLLMENT_ID"));
}
