//! The state file: data outlives the sandbox (records, demo IDs, ID counters, idempotency keys),
//! one sandbox at a time holds the file, a file that cannot be loaded stops the start and is
//! left alone, a killed sandbox leaves a loadable file, and `reset_state_file` starts afresh.

mod support;

use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use support::today;
use vitable_connect::AddressInput;
use vitable_connect_sandbox::{Sandbox, SandboxOptions, reset_state_file};

/// A directory of its own under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let dir = std::env::temp_dir().join(format!(
            "vitable-connect-sandbox-{name}-{}-{}",
            std::process::id(),
            nanos.as_nanos()
        ));
        std::fs::create_dir_all(&dir).expect("temporary directory");
        TempDir(dir)
    }

    fn file(&self) -> PathBuf {
        self.0.join("state.json")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn address() -> AddressInput {
    AddressInput::new("1 Main St", "Oakland", "CA", "94607")
}

/// Every employer of the sandbox, all pages.
async fn employers(sandbox: &Sandbox) -> Vec<vitable_connect::Employer> {
    let op = vitable_connect_api::spec::operation("employers.list").expect("an operation");
    let limit = op.param("limit").and_then(|p| p.limits.maximum).expect("a list's limit has a maximum");
    let limit = u64::try_from(limit).expect("a positive maximum");
    sandbox.client().employers().list().limit(limit).stream().try_collect().await.expect("employers listed")
}

/// Records, demo IDs, ID counters and timestamps, and a write's `Idempotency-Key` are all there
/// after a restart on the same file.
#[tokio::test]
async fn data_written_through_the_api_survives_a_restart() {
    let dir = TempDir::new("restart");
    let file = dir.file();
    let options = || SandboxOptions::new().seed(true).today(today()).state_file(&file);

    let sandbox = Sandbox::start(options()).await.expect("starts");
    assert!(file.is_file(), "the file is written at start");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the file holds SSNs: {mode:o}");
    }
    let demo = serde_json::to_value(sandbox.demo().expect("seeded")).unwrap();
    let sam = sandbox.demo().unwrap().employees[1].employee_id.clone();
    let client = sandbox.client();
    let created = client
        .employers()
        .create("Persisted Bakery", "Persisted Bakery LLC", "12-3456789", address())
        .idempotency_key("persisted-bakery")
        .send_with_response()
        .await
        .expect("created");
    assert_eq!(created.http_status().as_u16(), 201);
    let first_body = created.body().to_vec();
    let first = created.into_inner();
    client.employees().terminate(&sam).send().await.expect("terminated");
    sandbox.shutdown().await;

    // `seed(true)` again: the file wins, the demo is not seeded twice.
    let sandbox = Sandbox::start(options()).await.expect("restarts");
    assert_eq!(serde_json::to_value(sandbox.demo().expect("the demo IDs are kept")).unwrap(), demo);
    let client = sandbox.client();
    let all = employers(&sandbox).await;
    assert_eq!(all.len(), 2, "Acme Coffee and the new one: {all:?}");
    let fetched = client.employers().retrieve(&first.id).send().await.expect("the employer is kept");
    assert_eq!(fetched.name, "Persisted Bakery");
    let sam = client.employees().retrieve(&sam).send().await.expect("the employee is kept");
    assert!(!sam.active && sam.termination_date == Some(today()), "the termination is kept");

    // The same write with the same key is replayed, not applied again.
    let again = client
        .employers()
        .create("Persisted Bakery", "Persisted Bakery LLC", "12-3456789", address())
        .idempotency_key("persisted-bakery")
        .send_with_response()
        .await
        .expect("replayed");
    assert_eq!(again.http_status().as_u16(), 201);
    assert_eq!(again.headers().get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
    assert_eq!(again.body(), first_body.as_slice(), "the same response");
    assert_eq!(employers(&sandbox).await.len(), 2, "no duplicate");

    // New IDs and timestamps go on where they stopped.
    let next =
        client.employers().create("Next", "Next LLC", "98-7654321", address()).send().await.expect("created");
    assert!(next.id > first.id, "{} after {}", next.id, first.id);
    assert!(next.created_at > first.created_at);
    sandbox.shutdown().await;
}

/// A date pinned while running is kept; a date pinned by the options wins over it.
#[tokio::test]
async fn a_pinned_today_is_kept_unless_the_options_pin_another() {
    let dir = TempDir::new("today");
    let file = dir.file();
    let sandbox = Sandbox::start(SandboxOptions::new().state_file(&file)).await.expect("starts");
    sandbox.set_today(Some(today()));
    sandbox.shutdown().await;
    let sandbox = Sandbox::start(SandboxOptions::new().state_file(&file)).await.expect("restarts");
    assert_eq!(sandbox.today(), today());
    sandbox.shutdown().await;
    let other = chrono::NaiveDate::from_ymd_opt(2027, 1, 2).unwrap();
    let sandbox =
        Sandbox::start(SandboxOptions::new().today(other).state_file(&file)).await.expect("restarts");
    assert_eq!(sandbox.today(), other);
    sandbox.shutdown().await;
}

/// One sandbox at a time: a second start waits for the lock and gives up with `WouldBlock`,
/// or gets the file (with every write of the first) once the first lets it go, on shutdown
/// as on drop.
#[tokio::test]
async fn a_second_sandbox_on_the_file_waits_for_the_first() {
    let dir = TempDir::new("lock");
    let file = dir.file();
    let first = Sandbox::start(SandboxOptions::new().state_file(&file)).await.expect("starts");

    let wait = Duration::from_millis(300);
    let started = Instant::now();
    let err = Sandbox::start(SandboxOptions::new().state_file(&file).state_lock_wait(wait))
        .await
        .expect_err("the file is in use");
    assert!(started.elapsed() >= wait, "gave up after {:?}", started.elapsed());
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock, "{err}");
    let message = err.to_string();
    assert!(message.contains("in use by another process"), "{message}");
    assert!(message.contains(&file.display().to_string()), "{message}");

    // Waiting while the first writes, then shuts down: the second starts with that write.
    let second =
        Sandbox::start(SandboxOptions::new().state_file(&file).state_lock_wait(Duration::from_secs(20)));
    let first_finishes = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        first
            .client()
            .employers()
            .create("Written", "Written LLC", "12-3456789", address())
            .send()
            .await
            .unwrap();
        first.shutdown().await;
    };
    let (second, ()) = tokio::join!(second, first_finishes);
    let second = second.expect("starts once the first is down");
    assert_eq!(employers(&second).await.len(), 1, "the first's write is there");

    // Dropping a sandbox lets the file go at once.
    drop(second);
    let third = Sandbox::start(SandboxOptions::new().state_file(&file).state_lock_wait(Duration::ZERO))
        .await
        .expect("the dropped sandbox let the file go");
    third.shutdown().await;
}

/// A file that is not a state file, or of another format version, fails the start with
/// `InvalidData` naming the file, and is left exactly as it was (and unlocked).
#[tokio::test]
async fn a_file_that_cannot_be_loaded_stops_the_start_and_is_left_alone() {
    let dir = TempDir::new("corrupt");
    let file = dir.file();
    let cases: [(&str, &[u8]); 6] = [
        ("is not valid JSON", b"{\"format\": 1, \"state\": {\"employers\": {"),
        ("is not valid JSON", b"\x00\x01garbage"),
        ("is not valid JSON", b""),
        ("has format 999", b"{\"format\": 999, \"demo\": null, \"state\": {}}"),
        ("has no `format` field", b"{\"employers\": []}"),
        (
            "does not hold a valid sandbox state",
            b"{\"format\": 1, \"demo\": null, \"state\": {\"employers\": 5}}",
        ),
    ];
    for (says, content) in cases {
        std::fs::write(&file, content).unwrap();
        let options = SandboxOptions::new().seed(true).state_file(&file).state_lock_wait(Duration::ZERO);
        let err = Sandbox::start(options).await.expect_err("refused");
        assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{err}");
        let message = err.to_string();
        assert!(message.contains(says), "{message}");
        assert!(message.contains(&file.display().to_string()), "{message}");
        assert_eq!(std::fs::read(&file).unwrap(), content, "the file is untouched");
    }
}

/// A failed save answers 500 `state_not_saved` instead of a success; the change stays in
/// memory, and resending with the same key replays the response and saves it.
#[tokio::test]
async fn a_failed_save_is_a_500_and_a_resend_saves() {
    let dir = TempDir::new("failed-save");
    let file = dir.file();
    let sandbox = Sandbox::start(SandboxOptions::new().state_file(&file)).await.expect("starts");
    // A directory where the save's temporary file goes: the save cannot write it.
    let temp = PathBuf::from(format!("{}.tmp", file.display()));
    std::fs::create_dir(&temp).unwrap();
    let http = support::client(Some(Duration::from_secs(10)));
    let body = json!({ "name": "Unsaved", "legal_name": "Unsaved LLC", "ein": "12-3456789",
        "address": { "street_1": "1 Main St", "city": "Oakland", "state": "CA", "zip_code": "94607" } });
    let send = || async {
        let request = http
            .post(format!("{}/v1/employers", sandbox.base_url()))
            .bearer_auth("key")
            .header("idempotency-key", "unsaved")
            .json(&body);
        support::Res::from(request.send().await.expect("sent")).await
    };
    let failed = send().await.expect(500);
    assert_eq!(failed.body["code"], "state_not_saved", "{}", failed.text);
    assert!(failed.text.contains("state.json"), "{}", failed.text);
    std::fs::remove_dir(&temp).unwrap();
    let replayed = send().await.expect(201);
    assert_eq!(replayed.header("idempotent-replayed"), Some("true"));
    sandbox.shutdown().await;
    let sandbox = Sandbox::start(SandboxOptions::new().state_file(&file)).await.expect("restarts");
    let all = employers(&sandbox).await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].name, "Unsaved");
    sandbox.shutdown().await;
}

/// A pseudo-random number in `low..high`.
fn random(low: u64, high: u64) -> u64 {
    use std::hash::BuildHasher;
    low + std::collections::hash_map::RandomState::new().hash_one(Instant::now()) % (high - low)
}

/// The sandbox binary killed (SIGKILL on Unix) while writes pour in leaves a file that loads,
/// holding at least every write that was answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sandbox_killed_while_saving_leaves_a_loadable_file() {
    let dir = TempDir::new("crash");
    let file = dir.file();
    let http = support::client(Some(Duration::from_secs(5)));
    let answered = Arc::new(AtomicUsize::new(0));
    let sent = Arc::new(AtomicUsize::new(0));
    for round in 0..8 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vitable-connect-sandbox"))
            .args(["--port", "0", "--seed", "--state-file"])
            .arg(&file)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the sandbox binary runs");
        // Its first line is the base URL; the rest is drained so that its prints never fail.
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let base = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(20)))
            .await
            .unwrap()
            .expect("the sandbox prints its URL");
        assert!(base.starts_with("http://127.0.0.1:"), "{base}");

        let writers: Vec<_> = (0..4)
            .map(|w| {
                let (http, base, answered, sent) =
                    (http.clone(), base.clone(), Arc::clone(&answered), Arc::clone(&sent));
                tokio::spawn(async move {
                    for i in 0.. {
                        let body = json!({ "name": format!("R{round}W{w}N{i}"), "legal_name": "Crash LLC", "ein": "12-3456789",
                            "address": { "street_1": "1 Main St", "city": "Oakland", "state": "CA", "zip_code": "94607" } });
                        sent.fetch_add(1, Ordering::SeqCst);
                        let request = http.post(format!("{base}/v1/employers")).bearer_auth("key").json(&body);
                        match request.send().await {
                            Ok(response) if response.status().as_u16() == 201 => {
                                answered.fetch_add(1, Ordering::SeqCst);
                            }
                            Ok(response) => panic!("unexpected status {}", response.status()),
                            Err(_) => return, // killed
                        }
                    }
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(random(50, 400))).await;
        child.kill().expect("killed");
        child.wait().expect("reaped");
        let mid_save = Path::new(&format!("{}.tmp", file.display())).exists();
        for writer in writers {
            writer.await.expect("writer");
        }

        let sandbox =
            Sandbox::start(SandboxOptions::new().state_file(&file).state_lock_wait(Duration::from_secs(5)))
                .await
                .unwrap_or_else(|e| panic!("round {round}: the file does not load: {e}"));
        assert!(sandbox.demo().is_some(), "round {round}: the demo IDs are kept");
        let kept = employers(&sandbox).await.len() - 1;
        let (answered, sent) = (answered.load(Ordering::SeqCst), sent.load(Ordering::SeqCst));
        assert!(kept >= answered, "round {round}: {kept} employers kept, {answered} creations answered");
        assert!(kept <= sent, "round {round}: {kept} employers kept, {sent} sent");
        println!("round {round}: {kept} kept, {answered} answered, {sent} sent, killed mid-save: {mid_save}");
        sandbox.shutdown().await;
    }
    assert!(answered.load(Ordering::SeqCst) > 0, "some writes were answered");
}

/// `reset_state_file` deletes the data: the next start is fresh (empty, or seeded anew). It
/// waits for a running sandbox to let the file go.
#[tokio::test]
async fn reset_state_file_starts_afresh() {
    let dir = TempDir::new("reset");
    let file = dir.file();
    reset_state_file(&file).expect("nothing to reset is fine");
    reset_state_file(&dir.0.join("missing").join("state.json")).expect("no directory is fine");

    let sandbox = Sandbox::start(SandboxOptions::new().seed(true).state_file(&file)).await.expect("starts");
    sandbox.client().employers().create("Gone", "Gone LLC", "12-3456789", address()).send().await.unwrap();
    // Waits while the sandbox holds the file.
    let reset = {
        let file = file.clone();
        tokio::task::spawn_blocking(move || reset_state_file(&file))
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!reset.is_finished(), "reset waits for the lock");
    assert!(file.is_file());
    sandbox.shutdown().await;
    reset.await.unwrap().expect("reset once the sandbox is down");
    assert!(!file.exists());

    let sandbox = Sandbox::start(SandboxOptions::new().state_file(&file)).await.expect("starts empty");
    assert!(sandbox.demo().is_none());
    assert!(employers(&sandbox).await.is_empty());
    sandbox.shutdown().await;

    reset_state_file(&file).unwrap();
    let sandbox =
        Sandbox::start(SandboxOptions::new().seed(true).state_file(&file)).await.expect("seeds anew");
    assert!(sandbox.demo().is_some());
    assert_eq!(employers(&sandbox).await.len(), 1);
    sandbox.shutdown().await;
    assert!(file_in(&dir.0, "state.json.lock"), "the lock file stays");
}

fn file_in(dir: &Path, name: &str) -> bool {
    dir.join(name).is_file()
}
