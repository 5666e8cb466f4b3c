//! The `vitable-connect-sandbox` binary, run as a user runs it: `--help` lists a flag for every
//! timeout and limit of `SandboxOptions` with the library's default, the flags take effect, and
//! a bad value is one line on stderr naming the flag, with exit status 2.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::time::Duration;

use vitable_connect_sandbox::{
    DEFAULT_BODY_READ_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_IDEMPOTENCY_MAX_BYTES,
    DEFAULT_IDEMPOTENCY_MAX_KEYS, DEFAULT_MAX_CONNECTIONS, DEFAULT_STATE_LOCK_WAIT, DEFAULT_WRITE_TIMEOUT,
    SandboxOptions,
};

const BIN: &str = env!("CARGO_BIN_EXE_vitable-connect-sandbox");

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).stdin(Stdio::null()).output().expect("the binary runs")
}

/// `--help`, cut into one entry per flag (`--write-timeout` → its lines), and the text after.
fn help_entries() -> Vec<(String, String)> {
    let output = run(&["--help"]);
    assert!(output.status.success(), "{output:?}");
    let help = String::from_utf8(output.stdout).unwrap();
    let mut entries: Vec<(String, String)> = Vec::new();
    for line in help.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('-') && line.len() > trimmed.len() {
            let long = trimmed
                .split([' ', ',', '='])
                .find(|word| word.starts_with("--"))
                .unwrap_or_else(|| panic!("a flag's line names its long form: {line}"));
            entries.push((long.to_owned(), String::new()));
        }
        if let Some((_, text)) = entries.last_mut() {
            text.push_str(trimmed);
            text.push(' ');
        }
    }
    entries
}

fn duration(d: Duration) -> String {
    humantime::format_duration(d).to_string()
}

#[test]
fn help_lists_every_timeout_and_limit_with_the_librarys_default() {
    let entries = help_entries();
    let entry = |flag: &str| {
        entries.iter().find(|(f, _)| f == flag).map(|(_, text)| text.as_str()).unwrap_or_else(|| {
            panic!("--help lists {flag}: {:?}", entries.iter().map(|(f, _)| f).collect::<Vec<_>>())
        })
    };
    let defaults = [
        ("--header-read-timeout", duration(DEFAULT_HEADER_READ_TIMEOUT)),
        ("--body-read-timeout", duration(DEFAULT_BODY_READ_TIMEOUT)),
        ("--write-timeout", duration(DEFAULT_WRITE_TIMEOUT)),
        ("--state-lock-wait", duration(DEFAULT_STATE_LOCK_WAIT)),
        ("--max-connections", DEFAULT_MAX_CONNECTIONS.to_string()),
        ("--idempotency-max-keys", DEFAULT_IDEMPOTENCY_MAX_KEYS.to_string()),
        ("--idempotency-max-bytes", DEFAULT_IDEMPOTENCY_MAX_BYTES.to_string()),
    ];
    for (flag, default) in &defaults {
        let text = entry(flag);
        assert!(text.contains(&format!("[default: {default}]")), "{flag}: {text}");
    }
    // Every setting of the options has its flag: the fields of `SandboxOptions`' `Debug`, the
    // timeouts and limits under their own names, the others under the flags they always had.
    let options = format!("{:?}", SandboxOptions::new());
    let fields = options
        .trim_start_matches("SandboxOptions {")
        .split(", ")
        .filter_map(|field| field.trim().split_once(':').map(|(name, _)| name.to_owned()));
    let mut checked = 0;
    for field in fields {
        let flag = match field.as_str() {
            "tokens" => "--token".to_owned(),
            "log_requests" => "--log".to_owned(),
            name => format!("--{}", name.replace('_', "-")),
        };
        entry(&flag);
        checked += 1;
    }
    assert!(checked >= defaults.len() + 5, "{options}");
    for flag in ["--port", "--seed", "--today", "--state-file", "--help", "--version"] {
        entry(flag);
    }
    assert!(entry("--port").contains("[default: 4010]"));
}

#[test]
fn version_is_the_crates() {
    let output = run(&["--version"]);
    assert!(output.status.success());
    let shown = String::from_utf8(output.stdout).unwrap();
    assert_eq!(shown.trim(), format!("vitable-connect-sandbox {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn a_bad_value_is_one_line_naming_the_flag_and_exit_status_2() {
    let cases: [(&[&str], &str); 6] = [
        (&["--header-read-timeout", "0s"], "must be longer than zero"),
        (&["--write-timeout=soon"], "write a duration like 30s"),
        (&["--body-read-timeout", "10"], "write a duration like 30s"),
        (&["--max-connections", "0"], "must be at least 1"),
        (&["--idempotency-max-bytes", "lots"], "give a whole number"),
        (&["--state-file", "s.json", "--state-lock-wait", "1 fortnight"], "write a duration like 30s"),
    ];
    for (args, why) in cases {
        let output = run(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        assert!(output.stdout.is_empty(), "{args:?}: nothing on stdout");
        let stderr = String::from_utf8(output.stderr).unwrap();
        let flag = args.iter().rev().find(|a| a.starts_with("--")).unwrap().split('=').next().unwrap();
        assert_eq!(stderr.lines().count(), 1, "{args:?}: one line: {stderr}");
        let named =
            format!("invalid value '{}' for '{flag} <", args.last().unwrap().rsplit('=').next().unwrap());
        assert!(stderr.starts_with("error: ") && stderr.contains(&named), "{args:?}: {stderr}");
        assert!(stderr.contains(why), "{args:?}: {stderr}");
    }
}

/// A running binary, killed when dropped.
struct Running {
    child: Child,
    addr: String,
    /// Kept open: the binary goes on printing, and a closed pipe would end it.
    _stdout: BufReader<ChildStdout>,
}

impl Running {
    fn start(args: &[&str]) -> Running {
        let mut child = Command::new(BIN)
            .args(["--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).expect("the base URL");
        let addr = first.trim().trim_start_matches("http://").to_owned();
        assert!(addr.starts_with("127.0.0.1:"), "the first line is the base URL: {first:?}");
        Running { child, addr, _stdout: stdout }
    }

    /// A connection whose reads give up after `patience`.
    fn connect(&self, patience: Duration) -> TcpStream {
        let stream = TcpStream::connect(&self.addr).expect("connects");
        stream.set_read_timeout(Some(patience)).unwrap();
        stream
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the server sends until it closes the connection; a panic if it holds it open past the
/// connection's read timeout.
fn read_until_closed(stream: &mut TcpStream, what: &str) -> String {
    let mut out = Vec::new();
    match stream.read_to_end(&mut out) {
        Ok(_) => {}
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            panic!("{what}: the connection is still open: the flag did not take effect")
        }
        Err(_) => {} // reset by the server: closed too
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn the_timeout_flags_take_effect() {
    // Well under the defaults (5 s and 10 s), which the reads' patience is too.
    let patience = DEFAULT_HEADER_READ_TIMEOUT.min(DEFAULT_BODY_READ_TIMEOUT) - Duration::from_secs(1);
    let sandbox = Running::start(&["--header-read-timeout", "200ms", "--body-read-timeout", "200ms"]);

    let mut silent = sandbox.connect(patience);
    let sent = read_until_closed(&mut silent, "a connection that sends nothing");
    assert_eq!(sent, "", "no response to a request never sent");

    let mut no_body = sandbox.connect(patience);
    no_body
        .write_all(
            b"POST /v1/employers HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer k\r\n\
              Content-Type: application/json\r\nContent-Length: 10\r\n\r\n",
        )
        .unwrap();
    let sent = read_until_closed(&mut no_body, "a body never sent");
    assert!(sent.starts_with("HTTP/1.1 408"), "{sent}");
    assert!(sent.contains("request_timeout"), "{sent}");
}

#[test]
fn the_limit_flags_take_effect() {
    // With no key remembered, a write resent with the same key runs again: a new employer.
    let sandbox = Running::start(&["--idempotency-max-keys", "0"]);
    let create = |stream: &mut TcpStream| {
        let body = r#"{"name": "Acme", "legal_name": "Acme Inc.", "ein": "12-3456789",
            "address": {"street_1": "1 Main St", "city": "Oakland", "state": "CA", "zip_code": "94607"}}"#;
        let request = format!(
            "POST /v1/employers HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer k\r\n\
             Content-Type: application/json\r\nIdempotency-Key: same\r\nConnection: close\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).unwrap();
        read_until_closed(stream, "a create")
    };
    let first = create(&mut sandbox.connect(Duration::from_secs(10)));
    let second = create(&mut sandbox.connect(Duration::from_secs(10)));
    let id = |response: &str| {
        let body = response.split_once("\r\n\r\n").map(|(_, body)| body).unwrap_or_default();
        let value: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("{response}"));
        value["id"].as_str().unwrap_or_else(|| panic!("{response}")).to_owned()
    };
    assert!(first.starts_with("HTTP/1.1 201"), "{first}");
    assert!(second.starts_with("HTTP/1.1 201"), "{second}");
    assert_ne!(id(&first), id(&second), "the key was not remembered, so the write ran twice");
}
