//! What a server sends cannot make the tool show an SSN or the API key, break its output, or
//! loop for ever; and what a user types into the wrong field is not repeated in errors.
//! Each case was found by an adversarial review and failed before its fix.

mod support;

use support::{KEY, Recorder, against, run};

const EMPLOYEE: &str = r#"{"active":true,"address":{"city":"Oakland","country":"US","state":"CA","street_1":"18 Oak Avenue","zip_code":"94607"},"created_at":"2026-12-04T06:33:24.091345Z","employee_class":"Full Time","employer_id":"empr_00000001f0f6","id":"empl_123456789","member":{"date_of_birth":"1990-04-12","email":"dana@example.com","first_name":"Dana 123-45-6789","id":"mbr_00000001s1go","last_name":"sk_test_cli_secret_4242","sex":"Female"},"ssn":"123456789","extra":{"social":"111-22-3333"},"start_date":"2024-02-05","updated_at":"2026-12-04T06:33:24.091345Z"}"#;

/// An employer as the API returns it, with `name` and `legal_name` given.
fn employer(id: &str, name: &str, legal_name: &str) -> serde_json::Value {
    serde_json::json!({"active":true,"address":{"city":"San Francisco","country":"US","state":"CA","street_1":"250 Market Street","zip_code":"94105"},"created_at":"2026-12-04T06:33:24.090956Z","ein":"**-***4567","eligibility_policy_id":"epol_00000001l1l6","id":id,"legal_name":legal_name,"name":name,"organization_id":"org_sandbox","updated_at":"2026-12-04T06:33:24.091080Z"})
}

#[test]
fn a_successful_answer_shows_no_ssn_or_key_in_any_format() {
    let recorder = Recorder::start(200, EMPLOYEE);
    for format in ["json", "jsonl", "yaml", "table", "raw"] {
        let out = run(against(&recorder).args(["employees", "retrieve", "empl_5Nq1Zt", "--format", format]));
        for secret in ["123-45-6789", "111-22-3333", KEY] {
            assert!(!out.stdout.contains(secret), "{format}: `{secret}` shown: {}", out.stdout);
        }
        // The nine digits show only inside the ID.
        assert_eq!(
            out.stdout.matches("123456789").count(),
            out.stdout.matches("empl_123456789").count(),
            "{format}: {}",
            out.stdout
        );
        assert!(
            out.stdout.contains("***-**-6789") && out.stdout.contains("***-**-3333"),
            "{format}: {}",
            out.stdout
        );
        // IDs holding digits are left alone.
        assert!(out.stdout.contains("empl_123456789"), "{format}: {}", out.stdout);
    }
}

#[test]
fn a_value_in_the_wrong_field_is_not_repeated() {
    let recorder = Recorder::start(200, "{}");
    let out = run(against(&recorder).args([
        "members",
        "dependents",
        "create",
        "mbr_2Hs8Kq",
        "--body",
        r#"{"first_name":"A","last_name":"B","date_of_birth":"2020-01-01","sex":"Male","relationship":"Child","ssn":123456789}"#,
    ]));
    assert_eq!(out.code, 2);
    assert!(!out.stderr.contains("123456789"), "{}", out.stderr);
    assert!(out.stderr.contains("--body: ssn") && out.stderr.contains("not a number"), "{}", out.stderr);
}

#[test]
fn a_dry_run_refuses_what_a_real_run_refuses() {
    let out = run(support::cli().env("VITABLE_CONNECT_API_KEY", KEY).args([
        "employers",
        "list",
        "--dry-run",
        "--base-url",
        "http://user:secretpw@127.0.0.1:9",
    ]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(!out.stdout.contains("secretpw") && !out.stderr.contains("secretpw"), "{out:?}");
    let out = run(support::cli().args(["employers", "list", "--dry-run"]));
    assert!(out.stdout.contains("authorization: (no API key given)"), "{out:?}");
}

#[test]
fn all_pages_stay_valid_json_when_a_page_fails_and_stop_when_the_server_ignores_page() {
    let page: Vec<serde_json::Value> =
        (0..2).map(|i| employer(&format!("empr_page1x{i}"), "A", "A LLC")).collect();
    let page = serde_json::to_string(&page).unwrap();
    let recorder = Recorder::sequence(vec![(200, page.clone()), (500, r#"{"detail":"down"}"#.to_owned())]);
    let out =
        run(against(&recorder).args(["employers", "list", "--all", "--limit", "2", "--format", "json"]));
    assert_eq!(out.code, 5, "{out:?}");
    let printed: serde_json::Value = serde_json::from_str(&out.stdout).expect("stdout is one JSON array");
    assert_eq!(printed.as_array().unwrap().len(), 2);

    let same = Recorder::start(200, Box::leak(page.into_boxed_str()));
    let out = run(against(&same).args(["employers", "list", "--all", "--limit", "2", "--format", "jsonl"]));
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains("ignores `page`"), "{}", out.stderr);
    assert_eq!(same.requests().len(), 2, "stopped at the repeated page");
}

#[test]
fn control_characters_do_not_reach_the_terminal_in_a_table() {
    let page =
        serde_json::json!([employer("empr_1Xy2Za", "\u{1b}[31mred\u{1b}[0m\u{7}", "\r\roverwrite\tx")]);
    let recorder = Recorder::start(200, Box::leak(page.to_string().into_boxed_str()));
    let out = run(against(&recorder).args(["employers", "list", "--format", "table"]));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stdout.chars().any(|c| c.is_control() && c != '\n'), "{:?}", out.stdout);
}

#[test]
fn mcp_tools_that_match_nothing_are_a_usage_error() {
    let out =
        run(support::cli().env("VITABLE_CONNECT_API_KEY", KEY).args(["mcp", "--tools", "employers_create"]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("no tool matches") && out.stderr.contains("--allow-writes"),
        "{}",
        out.stderr
    );
}

#[test]
fn odd_numbers_and_keys_get_messages_naming_their_flag() {
    let recorder = Recorder::start(200, "[]");
    let out = run(against(&recorder).args(["employers", "list", "--page", "18446744073709551615"]));
    assert!(out.stderr.contains("--page") && out.stderr.contains("too large"), "{}", out.stderr);
    let out = run(against(&recorder).args(["employers", "list", "--page", "-1"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--page") && out.stderr.contains("negative"), "{}", out.stderr);
    let out = run(support::cli().env("VITABLE_CONNECT_API_KEY", "sk test").args([
        "--base-url",
        &recorder.url,
        "employers",
        "list",
    ]));
    assert!(out.stderr.contains("VITABLE_CONNECT_API_KEY"), "{}", out.stderr);
    assert_eq!(recorder.connections(), 0);
}

#[test]
fn an_api_error_is_one_line_with_its_request_id() {
    let recorder = Recorder::start(422, r#"{"detail":"bad thing"}"#);
    let out = run(against(&recorder).args(["employers", "retrieve", "empr_1Xy2Za"]));
    assert_eq!(out.code, 5);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert_eq!(out.stderr.matches("req_cli_test").count(), 1, "{}", out.stderr);
}
