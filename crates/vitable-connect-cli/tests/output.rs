//! Output formats, jq, every page with `--all`, colour, `--dry-run` and `--debug`.

mod support;

use support::{KEY, Recorder, against, run, sandbox};

fn state(name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = support::temp_dir(name);
    let state = dir.join("state.json");
    (dir, state)
}

#[test]
fn formats_and_jq() {
    let (dir, state) = state("formats");
    let employer =
        sandbox(&state, &["sandbox", "demo", "--jq", ".employer_id", "-r"]).stdout.trim().to_owned();
    assert!(employer.starts_with("empr_"), "{employer}");

    // Piped, `auto` is JSON.
    let list = sandbox(&state, &["employers", "employees", "list", &employer]);
    assert_eq!(list.code, 0, "{list:?}");
    let employees = list.json();
    let count = employees.as_array().unwrap().len();
    assert!(count >= 3);

    let jsonl = sandbox(&state, &["employers", "employees", "list", &employer, "--format", "jsonl"]);
    assert_eq!(jsonl.stdout.lines().count(), count);
    for line in jsonl.stdout.lines() {
        assert!(serde_json::from_str::<serde_json::Value>(line).unwrap().is_object());
    }

    let yaml = sandbox(&state, &["employers", "retrieve", &employer, "--format", "yaml"]);
    assert!(yaml.stdout.contains(&format!("id: {employer}")), "{}", yaml.stdout);

    let table = sandbox(&state, &["employers", "employees", "list", &employer, "--format", "table"]);
    let header = table.stdout.lines().nth(1).unwrap();
    assert!(header.trim_start().starts_with("id ") && header.contains("employee_class"), "{}", table.stdout);
    assert!(table.stdout.contains("Full Time"), "{}", table.stdout);

    let record = sandbox(&state, &["employers", "retrieve", &employer, "--format", "table"]);
    assert!(
        record.stdout.lines().any(|l| l.starts_with("id") && l.ends_with(&employer)),
        "{}",
        record.stdout
    );

    let raw = sandbox(&state, &["employers", "retrieve", &employer, "--format", "raw"]);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&raw.stdout).unwrap()["id"], employer.as_str());

    let names =
        sandbox(&state, &["employers", "employees", "list", &employer, "--jq", ".[].employee_class", "-r"]);
    assert!(names.stdout.lines().any(|l| l == "Full Time"), "{}", names.stdout);

    // No colour when piped.
    for out in [&list, &table, &record, &names] {
        assert!(!out.stdout.contains('\x1b'), "no escape codes when piped");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn all_streams_every_page() {
    let (dir, state) = state("all");
    let employer =
        sandbox(&state, &["sandbox", "demo", "--jq", ".employer_id", "-r"]).stdout.trim().to_owned();
    let one_page = sandbox(&state, &["employers", "employees", "list", &employer]).json();
    let total = one_page.as_array().unwrap().len();
    // One item per page: every page fetched, each item one JSON line.
    let all = sandbox(&state, &["employers", "employees", "list", &employer, "--all", "--limit", "1"]);
    assert_eq!(all.code, 0, "{all:?}");
    let items: Vec<serde_json::Value> =
        all.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(items.len(), total);
    assert_eq!(serde_json::Value::Array(items), one_page);
    // `--format json` makes it one array; `--jq` applies to each item.
    let array = sandbox(
        &state,
        &["employers", "employees", "list", &employer, "--all", "--limit", "2", "--format", "json"],
    );
    assert_eq!(array.json(), one_page);
    // As a table: one table per page, not one per item.
    let tables = sandbox(
        &state,
        &["employers", "employees", "list", &employer, "--all", "--limit", "2", "--format", "table"],
    );
    let headers = tables.stdout.lines().filter(|l| l.trim_start().starts_with("id ")).count();
    assert_eq!(headers, total.div_ceil(2), "{}", tables.stdout);
    let ids = sandbox(
        &state,
        &["employers", "employees", "list", &employer, "--all", "--limit", "2", "--jq", ".id", "-r"],
    );
    assert_eq!(ids.stdout.lines().count(), total);
    assert!(ids.stdout.lines().all(|l| l.starts_with("empl_")));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn dry_run_prints_the_request_and_sends_nothing() {
    let recorder = Recorder::start(200, "{}");
    let out = run(against(&recorder).args([
        "employers",
        "employees",
        "create",
        "empr_1Xy2Za",
        "--dry-run",
        "--body",
        r#"{"first_name":"Ana","last_name":"Lima","email":"ana@example.com","date_of_birth":"1990-04-01","sex":"Female","start_date":"2026-01-05","ssn":"123-45-6789"}"#,
        "--idempotency-key",
        "key-dry-1",
    ]));
    if out.code != 0 {
        // The body above must satisfy the spec; show why not.
        panic!("{out:?}");
    }
    let first = out.stdout.lines().next().unwrap();
    assert_eq!(first, format!("POST {}/v1/employers/empr_1Xy2Za/employees", recorder.url));
    assert!(out.stdout.contains("authorization: Bearer [hidden]"), "{}", out.stdout);
    assert!(out.stdout.contains("idempotency-key: key-dry-1"));
    assert!(out.stdout.contains("\"first_name\": \"Ana\""));
    assert!(!out.stdout.contains(KEY) && !out.stdout.contains("123-45-6789"), "{}", out.stdout);
    assert!(out.stdout.contains("***-**-6789"));
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(recorder.connections(), 0, "a dry run sends nothing");
}

#[test]
fn debug_logs_each_exchange_without_the_key() {
    let recorder = Recorder::start(404, r#"{"detail":"no"}"#);
    let out = run(against(&recorder).args(["employers", "retrieve", "empr_1Xy2Za", "--debug"]));
    assert!(out.stderr.contains("[debug] → GET /v1/employers/empr_1Xy2Za"), "{}", out.stderr);
    assert!(out.stderr.contains("authorization: [hidden]"), "{}", out.stderr);
    assert!(out.stderr.contains("[debug] ← 404"), "{}", out.stderr);
    assert!(!out.stderr.contains(KEY));
}

#[test]
fn completions_and_man_pages() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = run(support::cli().args(["completions", shell]));
        assert_eq!(out.code, 0);
        assert!(out.stdout.contains("qualifying-life-events"), "{shell}");
    }
    let man = run(support::cli().arg("man"));
    assert!(man.stdout.contains(".TH vitable-connect"), "{}", &man.stdout[..200.min(man.stdout.len())]);
    let dir = support::temp_dir("man");
    let out = run(support::cli().args(["man", "--out-dir"]).arg(&dir));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(dir.join("vitable-connect-enrollments-reissue.1").exists());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn dry_run_reads_a_key_from_stdin_once() {
    let out = support::run_with_stdin(
        support::cli().args(["employers", "list", "--dry-run", "--api-key-file", "-"]),
        KEY,
    );
    let stdout = &out.stdout;
    assert!(stdout.contains("authorization: Bearer [hidden]"), "the key was given: {stdout}");
    assert!(!stdout.contains(KEY));
}
