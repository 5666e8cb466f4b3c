//! The seeds' workflow as the README shows it: a shell session against a sandbox state file,
//! each command a separate process. And the state file under concurrent and killed commands.

mod support;

use std::path::Path;
use std::process::{Command, Stdio};

use support::sandbox;

/// The README's workflow block.
fn readme_workflow() -> String {
    let readme = include_str!("../README.md");
    let start = readme.find("<!-- workflow:start -->").expect("the README marks its workflow");
    let end = readme.find("<!-- workflow:end -->").expect("the README marks its workflow's end");
    let block = &readme[start..end];
    let code = block.split("```sh\n").nth(1).expect("a sh block").split("```").next().unwrap();
    code.to_owned()
}

#[test]
fn the_readme_workflow_runs_as_written() {
    let dir = support::temp_dir("workflow");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_vitable-connect")).parent().unwrap().to_owned();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &readme_workflow()])
        .current_dir(&dir)
        .env("PATH", path)
        .env_remove("VITABLE_CONNECT_API_KEY")
        .env_remove("VITABLE_CONNECT_SANDBOX")
        .stdin(Stdio::null())
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the workflow failed:\n{stdout}\n{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.first(), Some(&"pending"), "the reissued enrollment waits for an election: {stdout}");
    assert_eq!(lines.last(), Some(&"enrolled"), "the election enrolled: {stdout}");
    assert!(lines.len() >= 3, "plans were listed: {stdout}");
    assert_eq!(
        stderr.matches("idempotency key: ").count(),
        4,
        "each of the 4 writes printed its key: {stderr}"
    );
    // The state lasted: the child is a dependent of the member, seen by a later process.
    let state = dir.join("demo-state.json");
    let member = sandbox(&state, &["sandbox", "demo", "--jq", ".employees[1].member_id", "-r"])
        .stdout
        .trim()
        .to_owned();
    let names = sandbox(&state, &["members", "dependents", "list", &member, "--jq", ".[].first_name", "-r"]);
    assert_eq!(names.stdout.trim(), "Ava");
    let _ = std::fs::remove_dir_all(dir);
}

fn employer_count(state: &Path) -> usize {
    let out = sandbox(state, &["employers", "list", "--all", "--format", "jsonl"]);
    assert_eq!(out.code, 0, "{out:?}");
    out.stdout.lines().count()
}

fn create_employer(state: &Path, name: &str) -> Command {
    let mut cmd = support::cli();
    cmd.arg("--sandbox").arg(state).args([
        "employers",
        "create",
        "--name",
        name,
        "--legal-name",
        &format!("{name} LLC"),
        "--ein",
        "12-3456789",
        "--address",
        r#"{"street_1":"1 Main St","city":"Oakland","state":"CA","zip_code":"94607"}"#,
    ]);
    cmd
}

#[test]
fn concurrent_commands_on_one_file_keep_every_write() {
    let dir = support::temp_dir("concurrent");
    let state = dir.join("state.json");
    let before = employer_count(&state);
    let children: Vec<_> = (0..8)
        .map(|i| {
            create_employer(&state, &format!("Shop {i}"))
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(employer_count(&state), before + 8, "no write was lost");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_command_killed_mid_write_leaves_a_loadable_file() {
    let dir = support::temp_dir("killed");
    let state = dir.join("state.json");
    let mut expected_at_least = employer_count(&state);
    for round in 0..12u64 {
        let mut child = create_employer(&state, &format!("Killed {round}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill at a different moment each round: before, during or after the save.
        std::thread::sleep(std::time::Duration::from_millis(2 + round * 3));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let count = employer_count(&state);
        if status.success() {
            expected_at_least += 1;
        }
        assert!(
            count >= expected_at_least,
            "round {round}: {count} employers, at least {expected_at_least} expected"
        );
        expected_at_least = count;
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn reset_starts_over() {
    let dir = support::temp_dir("reset");
    let state = dir.join("state.json");
    let before = employer_count(&state);
    assert!(create_employer(&state, "Extra").status().unwrap().success());
    assert_eq!(employer_count(&state), before + 1);
    let out = sandbox(&state, &["sandbox", "reset"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(employer_count(&state), before);
    let _ = std::fs::remove_dir_all(dir);
}
