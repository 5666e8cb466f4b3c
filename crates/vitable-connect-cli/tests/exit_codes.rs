//! Exit codes by kind of error, the request ID in errors, and writes: the idempotency key on
//! stderr, a given key sent, and the resend command when the outcome is unknown.

mod support;

use support::{KEY, Recorder, against, cli, run};

const ERROR: &str = r#"{"detail":"something is off","code":"x"}"#;

#[test]
fn api_errors_exit_by_kind_with_the_request_id() {
    for (status, code) in [(404, 3), (409, 4), (400, 5), (401, 5), (422, 5), (500, 5)] {
        let recorder = Recorder::start(status, ERROR);
        let out = run(against(&recorder).args(["employers", "retrieve", "empr_1Xy2Za"]));
        assert_eq!(out.code, code, "{status}: {out:?}");
        assert!(out.stderr.contains("something is off"), "{status}: the server's message: {}", out.stderr);
        assert!(out.stderr.contains("req_cli_test"), "{status}: the request id: {}", out.stderr);
        assert!(!out.stderr.contains(KEY), "the key never shows");
    }
}

#[test]
fn an_unreachable_api_exits_6() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let out = run(cli().env("VITABLE_CONNECT_API_KEY", KEY).args([
        "--base-url",
        &url,
        "--max-retries",
        "0",
        "employers",
        "list",
    ]));
    assert_eq!(out.code, 6, "{out:?}");
}

#[test]
fn no_api_key_is_a_usage_error_that_points_to_the_sandbox() {
    let out = run(cli().args(["employers", "list"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("VITABLE_CONNECT_API_KEY") && out.stderr.contains("--sandbox"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_key_comes_from_a_file_or_stdin() {
    let recorder = Recorder::start(404, ERROR);
    let dir = support::temp_dir("keyfile");
    let file = dir.join("key");
    std::fs::write(&file, format!("{KEY}\n")).unwrap();
    let out = run(cli()
        .args(["--base-url", &recorder.url, "--api-key-file"])
        .arg(&file)
        .args(["employers", "list"]));
    assert_eq!(out.code, 3, "{out:?}");
    let out = support::run_with_stdin(
        cli().args(["--base-url", &recorder.url, "--api-key-file", "-", "employers", "list"]),
        KEY,
    );
    assert_eq!(out.code, 3, "{out:?}");
    for request in recorder.requests() {
        assert_eq!(request.header("authorization"), Some(format!("Bearer {KEY}").as_str()));
    }
    assert_eq!(recorder.requests().len(), 2);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_write_prints_its_idempotency_key_and_sends_a_given_one() {
    let recorder = Recorder::start(404, ERROR);
    let out =
        run(against(&recorder).args(["enrollments", "reissue", "enrl_8fK2x9", "--qle-id", "qle_3Hc8Vb"]));
    let sent = recorder.requests()[0].header("idempotency-key").unwrap().to_owned();
    assert!(out.stderr.contains(&format!("idempotency key: {sent}")), "{}", out.stderr);
    let out = run(against(&recorder).args([
        "enrollments",
        "reissue",
        "enrl_8fK2x9",
        "--qle-id",
        "qle_3Hc8Vb",
        "--idempotency-key",
        "my-key-1",
    ]));
    assert_eq!(recorder.requests()[1].header("idempotency-key"), Some("my-key-1"));
    assert!(out.stderr.contains("idempotency key: my-key-1"));
}

#[test]
fn an_unknown_outcome_names_the_key_and_the_command_that_resends_it() {
    let recorder = Recorder::start(500, ERROR);
    let out = run(against(&recorder).args([
        "members",
        "dependents",
        "create",
        "mbr_2Hs8Kq",
        "--first-name",
        "Ana",
        "--last-name",
        "Rivera",
        "--date-of-birth",
        "2026-11-02",
        "--sex",
        "Female",
        "--relationship",
        "Child",
        "--ssn",
        "123-45-6789",
    ]));
    assert_eq!(out.code, 7, "{out:?}");
    let key = recorder.requests()[0].header("idempotency-key").unwrap().to_owned();
    assert!(out.stderr.contains(&key), "{}", out.stderr);
    let resend = out.stderr.lines().last().unwrap().trim();
    assert!(
        resend.starts_with("vitable-connect ") && resend.ends_with(&format!("--idempotency-key {key}")),
        "{resend}"
    );
    assert!(resend.contains("--first-name Ana"), "{resend}");
    assert!(
        !out.stderr.contains("123-45-6789") && resend.contains("***-**-6789"),
        "the SSN is masked: {resend}"
    );
    // Resending it (SSN put back) sends the same key.
    let words = shell_words(resend).into_iter().skip(1).map(|w| w.replace("***-**-6789", "123-45-6789"));
    let again = run(cli().env("VITABLE_CONNECT_API_KEY", KEY).args(words));
    assert_eq!(again.code, 7);
    assert_eq!(recorder.requests()[1].header("idempotency-key"), Some(key.as_str()));
    let body: serde_json::Value = serde_json::from_slice(&recorder.requests()[1].body).unwrap();
    assert_eq!(body["ssn"], "123-45-6789");
}

/// Splits a command line the way a POSIX shell does, for the quoting the tool prints.
fn shell_words(line: &str) -> Vec<String> {
    let out = std::process::Command::new("sh")
        .args(["-c", &format!("for w in {line}; do printf '%s\\0' \"$w\"; done")])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().split('\0').filter(|w| !w.is_empty()).map(str::to_owned).collect()
}
