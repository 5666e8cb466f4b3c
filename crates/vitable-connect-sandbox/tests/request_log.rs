//! The request log of the `vitable-connect-sandbox` binary (`--log`): one line per request, and
//! never an SSN, even one sent as an ID in the path.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The sandbox process this test started: stopped when the test ends, even by a failure.
struct Started(Child);

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_request_log_never_shows_an_ssn() {
    let mut started = Started(
        Command::new(env!("CARGO_BIN_EXE_vitable-connect-sandbox"))
            .args(["--port", "0", "--log"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the sandbox binary starts"),
    );
    let child = &mut started.0;
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut base = String::new();
    stdout.read_line(&mut base).expect("the base URL");
    let base = base.trim().to_owned();
    vitable_connect::install_crypto_provider();
    let client = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(10)).build().unwrap();
    let paths = [
        "/v1/employees/123-45-6789",
        "/v1/employees/123456789/enrollments",
        "/v1/enrollments/enrl_123-45-6789",
        "/v1/employees/123%2D45%2D6789",
        "/v1/employees/%31%32%33%34%35%36%37%38%39",
    ];
    for path in paths {
        let res = client.get(format!("{base}{path}")).bearer_auth("k").send().await.expect("answered");
        assert_eq!(res.status(), 404, "{path}");
    }
    // Each log line is written before its response is sent; stop the process to close stderr.
    child.kill().expect("stopped");
    child.wait().expect("exited");
    let mut log = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut log).expect("the log");
    assert_eq!(log.lines().filter(|line| line.contains("-> 404")).count(), paths.len(), "{log}");
    for ssn in ["123-45-6789", "123456789", "123%2D45%2D6789", "%31%32%33"] {
        assert!(!log.contains(ssn), "the log shows {ssn}: {log}");
    }
}
