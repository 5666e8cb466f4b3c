//! `--dry-run`: the SDK builds the request exactly as it would send it, and sends it to a
//! recorder on 127.0.0.1 in this process, which keeps it and answers 400 so the SDK stops at
//! once. The command then prints what was recorded, addressed to the real base URL, with the
//! API key and SSNs hidden. Nothing leaves the machine.

use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use vitable_connect_api::spec::Operation;

use crate::redact::mask_ssns;

/// One recorded request.
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// The recorder: a listener on loopback and what it recorded.
pub(crate) struct Recorder {
    pub base_url: String,
    recorded: Arc<Mutex<Option<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

/// The most a recorded request may hold (head and body): the SDK's own limits are far below.
const MAX_REQUEST: usize = 64 * 1024 * 1024;

impl Recorder {
    /// Starts a recorder on 127.0.0.1.
    pub async fn start() -> std::io::Result<Recorder> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let recorded = Arc::new(Mutex::new(None));
        let slot = recorded.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut buffer = Vec::new();
                let request = loop {
                    let mut chunk = [0u8; 8192];
                    let Ok(n) = stream.read(&mut chunk).await else { break None };
                    if n == 0 {
                        break None;
                    }
                    buffer.extend_from_slice(&chunk[..n]);
                    if buffer.len() > MAX_REQUEST {
                        break None;
                    }
                    if let Some(request) = parse(&buffer) {
                        break Some(request);
                    }
                };
                if let Some(request) = request {
                    *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(request);
                }
                let body = r#"{"detail":"recorded by --dry-run, not sent"}"#;
                let answer = format!(
                    "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.shutdown().await;
            }
        });
        Ok(Recorder { base_url, recorded, task })
    }

    /// What was recorded, if a request arrived.
    pub fn take(&self) -> Option<Recorded> {
        self.recorded.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A whole request in `buffer`, once its head and `content-length` bytes of body are there.
fn parse(buffer: &[u8]) -> Option<Recorded> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    let httparse::Status::Complete(head) = request.parse(buffer).ok()? else { return None };
    let length = request
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
        .and_then(|h| std::str::from_utf8(h.value).ok()?.trim().parse::<usize>().ok())
        .unwrap_or(0);
    if buffer.len() < head + length {
        return None;
    }
    Some(Recorded {
        method: request.method?.to_owned(),
        target: request.path?.to_owned(),
        headers: request
            .headers
            .iter()
            .map(|h| (h.name.to_ascii_lowercase(), String::from_utf8_lossy(h.value).into_owned()))
            .collect(),
        body: buffer[head..head + length].to_vec(),
    })
}

/// The recorded request as text: request line on the real base URL, headers (the API key
/// hidden, the recorder's `host` left out), and the JSON body (SSNs masked).
pub(crate) fn describe(recorded: &Recorded, base_url: &str, op: &Operation, has_key: bool) -> String {
    let mut out = format!("{} {}{}\n", recorded.method, base_url.trim_end_matches('/'), recorded.target);
    for (name, value) in &recorded.headers {
        match name.as_str() {
            "host" | "content-length" | "accept-encoding" => continue,
            "authorization" if !has_key => out.push_str(&format!("{name}: (no API key given)\n")),
            "authorization" => {
                let scheme = value.split_once(' ').map_or("", |(scheme, _)| scheme);
                out.push_str(&format!("{name}: {scheme} [hidden]\n"));
            }
            _ => out.push_str(&format!("{name}: {value}\n")),
        }
    }
    if !recorded.body.is_empty() {
        out.push('\n');
        match serde_json::from_slice::<Value>(&recorded.body) {
            Ok(mut body) => {
                if let Some(schema) = op.body {
                    mask_ssns(&mut body, schema);
                }
                out.push_str(&serde_json::to_string_pretty(&body).unwrap_or_default());
                out.push('\n');
            }
            Err(_) => out.push_str(&format!("({} bytes, not JSON)\n", recorded.body.len())),
        }
    }
    out
}
