//! Running the `vitable-connect` binary as a separate process, and a recording server on
//! 127.0.0.1 that answers what a test tells it to.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The API key the tests send (never a real one).
pub const KEY: &str = "sk_test_cli_secret_4242";

/// What a finished process left.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }
}

/// The binary, with a clean environment: no key, base URL or sandbox from the caller.
pub fn cli() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vitable-connect"));
    for var in ["VITABLE_CONNECT_API_KEY", "VITABLE_CONNECT_BASE_URL", "VITABLE_CONNECT_SANDBOX", "NO_COLOR"]
    {
        cmd.env_remove(var);
    }
    cmd.stdin(Stdio::null());
    cmd
}

/// Runs `cmd` to the end.
pub fn run(cmd: &mut Command) -> Run {
    finished(cmd.output().expect("the binary runs"))
}

/// What a finished run printed, and its exit code.
fn finished(out: std::process::Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs the binary with `args` against the sandbox in `state`.
pub fn sandbox(state: &Path, args: &[&str]) -> Run {
    run(cli().arg("--sandbox").arg(state).args(args))
}

/// A fresh temporary directory.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "vc-cli-{name}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One request the recorder received.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    /// The request as the generated invocations write what they expect: `method`, `path`
    /// (percent-decoded), `query` (name to text) and `body` (JSON, or `null` without one).
    pub fn as_expected(&self) -> serde_json::Value {
        let (path, query) = self.target.split_once('?').unwrap_or((&self.target, ""));
        let query: serde_json::Map<String, serde_json::Value> = form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), serde_json::Value::String(v.into_owned())))
            .collect();
        let body = if self.body.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_slice(&self.body).expect("the body is JSON")
        };
        serde_json::json!({
            "method": self.method,
            "path": percent_encoding::percent_decode_str(path).decode_utf8_lossy(),
            "query": query,
            "body": body,
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A server on 127.0.0.1 that records every request and answers each with `status` and
/// `body`.
pub struct Recorder {
    pub url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
    pub connections: Arc<Mutex<usize>>,
}

impl Recorder {
    pub fn start(status: u16, body: &'static str) -> Recorder {
        Recorder::sequence(vec![(status, body.to_owned())])
    }

    /// Answers the requests in turn with `answers` (the last one again once they run out).
    pub fn sequence(answers: Vec<(u16, String)>) -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(Mutex::new(0));
        let (r, c) = (received.clone(), connections.clone());
        std::thread::spawn(move || {
            for (n, stream) in listener.incoming().enumerate() {
                let Ok(mut stream) = stream else { continue };
                *c.lock().unwrap() += 1;
                let (status, body) = answers[n.min(answers.len() - 1)].clone();
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                if let Some(request) = read_request(&mut stream) {
                    r.lock().unwrap().push(request);
                }
                let answer = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\nx-request-id: req_cli_test\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        Recorder { url, received, connections }
    }

    pub fn requests(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn connections(&self) -> usize {
        *self.connections.lock().unwrap()
    }
}

fn read_request(stream: &mut std::net::TcpStream) -> Option<Received> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?.to_owned(), first.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize =
        headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    while buffer.len() < head_end + length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = buffer[head_end..(head_end + length).min(buffer.len())].to_vec();
    Some(Received { method, target, headers, body })
}

/// The binary with the API key set, pointed at `recorder`, without retries.
pub fn against(recorder: &Recorder) -> Command {
    let mut cmd = cli();
    cmd.env("VITABLE_CONNECT_API_KEY", KEY).args(["--base-url", &recorder.url, "--max-retries", "0"]);
    cmd
}

/// `openapi.yaml`, parsed (for what the spec tables do not carry: its `example:` objects).
pub fn openapi() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.yaml");
    let text = std::fs::read_to_string(path).expect("openapi.yaml is readable");
    serde_norway::from_str(&text).expect("openapi.yaml is valid YAML")
}

/// The `example:` of component schema `name` in `openapi.yaml`, if it has one.
pub fn schema_example(openapi: &serde_json::Value, name: &str) -> Option<serde_json::Value> {
    openapi["components"]["schemas"][name].get("example").cloned()
}

/// The request body schema of operation `id` as `openapi.yaml` writes it (the name its
/// `$ref` points to), if the operation takes a body.
pub fn request_body_schema(openapi: &serde_json::Value, id: &str) -> Option<String> {
    let paths = openapi["paths"].as_object()?;
    let operation = paths
        .values()
        .filter_map(serde_json::Value::as_object)
        .flat_map(|item| item.values())
        .find(|op| op["operationId"] == id)?;
    let reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str()?;
    Some(reference.rsplit('/').next()?.to_owned())
}

/// Runs `cmd` to the end with `input` on its stdin.
pub fn run_with_stdin(cmd: &mut Command, input: &str) -> Run {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child.stdin.take().unwrap().write_all(input.as_bytes()).expect("stdin is written");
    finished(child.wait_with_output().expect("the binary ends"))
}

/// The value of the first `name` key anywhere in `value`.
pub fn find_key<'a>(value: &'a serde_json::Value, name: &str) -> Option<&'a str> {
    match value {
        serde_json::Value::Object(map) => map
            .get(name)
            .and_then(serde_json::Value::as_str)
            .or_else(|| map.values().find_map(|v| find_key(v, name))),
        serde_json::Value::Array(items) => items.iter().find_map(|v| find_key(v, name)),
        _ => None,
    }
}
