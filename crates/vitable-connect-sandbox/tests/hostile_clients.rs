//! Clients that misbehave below the API: connections that fall silent halfway through a
//! request, bodies over the limit, oversized URIs and headers, malformed requests. Raw TCP
//! clients on 127.0.0.1, since an HTTP client would not send any of this.

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use vitable_connect_sandbox::limits::{MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_HEADERS, MAX_URI_BYTES};
use vitable_connect_sandbox::{Sandbox, SandboxOptions};

/// Only so that a server that keeps a connection open fails the test instead of hanging it:
/// far longer than any timeout the tests configure. Nothing is asserted on durations.
const GUARD: Duration = Duration::from_secs(20);

/// The short timeouts the tests configure.
const SHORT: Duration = Duration::from_millis(300);

async fn start(options: SandboxOptions) -> Sandbox {
    Sandbox::start(options.seed(true)).await.expect("sandbox starts")
}

async fn connect(sandbox: &Sandbox) -> TcpStream {
    TcpStream::connect(sandbox.addr()).await.expect("connects")
}

/// Reads until the server closes the connection (a read of 0 bytes or an error), and returns
/// what it sent. Fails when the connection is still open after [`GUARD`].
async fn read_until_closed(stream: &mut TcpStream, what: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = vec![0; 64 * 1024];
    loop {
        match tokio::time::timeout(GUARD, stream.read(&mut buf)).await {
            Err(_) => panic!(
                "{what}: the server still holds the connection open; it sent {:?}",
                String::from_utf8_lossy(&out)
            ),
            Ok(Ok(0) | Err(_)) => return out,
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
        }
    }
}

/// A response as read off the wire.
#[derive(Debug)]
struct Raw {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Raw {
    /// The first response in `bytes`.
    fn parse(bytes: &[u8], what: &str) -> Raw {
        let text = String::from_utf8_lossy(bytes);
        let (head, rest) =
            text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("{what}: no response: {text:?}"));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|line| line.split(' ').nth(1))
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("{what}: no status line: {text:?}"));
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length = headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok());
        let body = rest.as_bytes();
        let body = body[..length.unwrap_or(body.len()).min(body.len())].to_vec();
        Raw { status, headers, body }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// Asserts the sandbox's JSON error: status, `code`, a `detail`, `application/json` and
    /// an `x-request-id`.
    #[track_caller]
    fn assert_error(&self, status: u16, code: &str, what: &str) {
        let shown = String::from_utf8_lossy(&self.body);
        assert_eq!(self.status, status, "{what}: {shown}");
        let body = self.json();
        assert_eq!(body["code"], code, "{what}: {shown}");
        assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()), "{what}: {shown}");
        assert_eq!(self.header("content-type"), Some("application/json"), "{what}");
        assert!(self.header("x-request-id").is_some_and(|id| id.starts_with("req_")), "{what}: {self:?}");
    }
}

/// Sends `bytes` on a new connection, then reads until the server closes it.
async fn exchange(sandbox: &Sandbox, bytes: &[u8], what: &str) -> Vec<u8> {
    let mut stream = connect(sandbox).await;
    stream.write_all(bytes).await.expect("sent");
    read_until_closed(&mut stream, what).await
}

#[tokio::test]
async fn a_connection_silent_in_the_middle_of_a_request_head_is_closed() {
    let sandbox = start(SandboxOptions::new().header_read_timeout(SHORT)).await;
    let cases: [(&str, &[u8]); 4] = [
        ("nothing at all", b""),
        ("half a request line", b"GET /v1/empl"),
        ("half the headers", b"GET /v1/employers HTTP/1.1\r\nHost: sandbox\r\nAuthoriz"),
        ("all headers but the blank line", b"GET /v1/employers HTTP/1.1\r\nHost: sandbox\r\n"),
    ];
    for (what, bytes) in cases {
        let sent = exchange(&sandbox, bytes, what).await;
        assert!(sent.is_empty(), "{what}: no response to a request never received: {sent:?}");
    }
    // A keep-alive connection idle after a complete exchange is closed the same way.
    let request = b"GET /v1/employers HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer k\r\n\r\n";
    let sent = exchange(&sandbox, request, "idle after a request").await;
    assert_eq!(Raw::parse(&sent, "idle after a request").status, 200);
}

#[tokio::test]
async fn a_connection_silent_in_the_middle_of_a_body_gets_a_408_and_is_closed() {
    let sandbox = start(SandboxOptions::new().body_read_timeout(SHORT)).await;
    let head = |method: &str, path: &str, framing: &str| {
        format!(
            "{method} {path} HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\n{framing}\r\n"
        )
    };
    let member = sandbox.demo().unwrap().employees[0].member_id.to_string();
    let qles = format!("/v1/members/{member}/qualifying-life-events");
    let cases = [
        (
            "half a declared body",
            head("POST", "/v1/employers", "Content-Length: 100\r\n") + "{\"name\": \"Ac",
        ),
        (
            "half a chunked body",
            head("POST", &qles, "Transfer-Encoding: chunked\r\n") + "20\r\n{\"event_type\": \"Bi",
        ),
        ("a declared body never sent", head("PUT", "/v1/employees/empl_x", "Content-Length: 10\r\n")),
        (
            "half a body to an admin route",
            head("POST", "/_sandbox/faults/delay", "Content-Length: 50\r\n") + "{\"millis",
        ),
    ];
    for (what, request) in cases {
        let sent = exchange(&sandbox, request.as_bytes(), what).await;
        Raw::parse(&sent, what).assert_error(408, "request_timeout", what);
    }
    // Where nothing reads the body (an unknown path), the answer comes at once and the
    // connection is closed all the same.
    let what = "half a body to an unknown path";
    let sent =
        exchange(&sandbox, (head("POST", "/v1/nowhere", "Content-Length: 100\r\n") + "{").as_bytes(), what)
            .await;
    Raw::parse(&sent, what).assert_error(404, "not_found", what);
}

/// The review's reproduction: 301 connections that send part of a request and fall silent are
/// all closed by the server, none held.
#[tokio::test]
async fn three_hundred_half_open_connections_are_all_closed() {
    let sandbox = start(SandboxOptions::new().header_read_timeout(SHORT).body_read_timeout(SHORT)).await;
    let mut streams = Vec::new();
    for i in 0..301 {
        let mut stream = connect(&sandbox).await;
        let partial = if i % 2 == 0 {
            "GET /v1/employers HTTP/1.1\r\nHost: sand".to_owned()
        } else {
            "POST /v1/employers HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer k\r\nContent-Length: 100\r\n\r\n{".to_owned()
        };
        stream.write_all(partial.as_bytes()).await.expect("sent");
        streams.push(stream);
    }
    let closed =
        futures::future::join_all(streams.iter_mut().map(|s| read_until_closed(s, "half-open"))).await;
    assert_eq!(closed.len(), 301);
}

/// Connections past `max_connections` wait in the listen queue, unserved, until one closes.
#[tokio::test]
async fn connections_past_the_cap_wait_until_one_closes() {
    let sandbox = start(SandboxOptions::new().max_connections(2).header_read_timeout(GUARD * 3)).await;
    let request = b"GET /v1/employers HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer k\r\nConnection: close\r\n\r\n";
    // Two connections that are served: each gets an answer, and then stays open, idle.
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut stream = connect(&sandbox).await;
        stream
            .write_all(b"GET /v1/employers HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer k\r\n\r\n")
            .await
            .unwrap();
        let mut buf = vec![0; 64 * 1024];
        let n = tokio::time::timeout(GUARD, stream.read(&mut buf)).await.expect("answered").unwrap();
        assert_eq!(Raw::parse(&buf[..n], "a served connection").status, 200);
        held.push(stream);
    }
    let mut waiting = connect(&sandbox).await;
    waiting.write_all(request).await.unwrap();
    let mut buf = [0; 1024];
    let early = tokio::time::timeout(Duration::from_millis(300), waiting.read(&mut buf)).await;
    assert!(early.is_err(), "a third connection is not served while two are open: {early:?}");
    drop(held.pop());
    let sent = read_until_closed(&mut waiting, "the third connection").await;
    assert_eq!(Raw::parse(&sent, "the third connection").status, 200);
}

/// The review's reproduction: with `max_connections(2)`, two connections that pipeline requests
/// without end and never read a response. Once their responses fill the socket buffers, the
/// server's writes stall; they are given up after the write timeout and both connections are
/// closed, so that a third client is served.
#[tokio::test]
async fn clients_that_pipeline_requests_and_never_read_are_disconnected() {
    // Generous, only so that a held connection fails the test instead of hanging it.
    const HANG_GUARD: Duration = Duration::from_secs(30);
    let options =
        SandboxOptions::new().max_connections(2).write_timeout(SHORT).header_read_timeout(GUARD * 3);
    let sandbox = start(options).await;
    // The largest page the spec allows: as much to write back as one request can ask for.
    let largest = vitable_connect_api::spec::operation("employers_list")
        .and_then(|op| op.param("limit"))
        .and_then(|limit| limit.limits.maximum)
        .expect("employers_list has a maximum limit");
    let requests = format!(
        "GET /v1/employers?limit={largest} HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer k\r\n\r\n"
    )
    .repeat(1000)
    .into_bytes();
    let mut pipelining = Vec::new();
    for _ in 0..2 {
        let (reader, mut writer) = connect(&sandbox).await.into_split();
        let requests = requests.clone();
        // Sends requests until the connection fails, and never reads.
        let task = tokio::spawn(async move {
            let error = loop {
                if let Err(error) = writer.write_all(&requests).await {
                    break error;
                }
            };
            (writer, error)
        });
        pipelining.push((reader, task));
    }

    let fresh = tokio::time::timeout(HANG_GUARD, async {
        let mut stream = connect(&sandbox).await;
        stream
            .write_all(b"GET /v1/employers HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer k\r\nConnection: close\r\n\r\n")
            .await
            .expect("sent");
        read_until_closed(&mut stream, "a fresh client").await
    })
    .await
    .expect("a fresh client is served once the clients that do not read are disconnected");
    assert_eq!(Raw::parse(&fresh, "a fresh client").status, 200);

    for (reader, task) in pipelining {
        let (writer, error) = tokio::time::timeout(HANG_GUARD, task)
            .await
            .expect("the server closes a connection that does not read")
            .expect("the writer does not panic");
        assert!(
            matches!(
                error.kind(),
                std::io::ErrorKind::BrokenPipe
                    | std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
            ),
            "{error:?}"
        );
        let mut stream = reader.reunite(writer).expect("the two halves of one stream");
        read_until_closed(&mut stream, "a client that does not read").await;
    }
}

/// A chunked body of `len` bytes, without the last (empty) chunk: everything it sends is read
/// by the server before it answers, so the answer is never lost to a reset connection.
fn chunked(head: &str, len: usize) -> Vec<u8> {
    let mut out = head.as_bytes().to_vec();
    let chunk = 64 * 1024;
    let mut left = len;
    while left > 0 {
        let n = left.min(chunk);
        out.extend_from_slice(format!("{n:x}\r\n").as_bytes());
        out.extend(std::iter::repeat_n(b' ', n));
        out.extend_from_slice(b"\r\n");
        left -= n;
    }
    out
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_in_json_declared_or_chunked() {
    let sandbox = start(SandboxOptions::new()).await;
    let over = MAX_BODY_BYTES + 1;
    for path in ["/v1/employers", "/_sandbox/faults/delay"] {
        let what = format!("Content-Length over the limit on {path}");
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer k\r\nContent-Length: {over}\r\n\r\n"
        );
        let sent = exchange(&sandbox, head.as_bytes(), &what).await;
        Raw::parse(&sent, &what).assert_error(413, "payload_too_large", &what);

        let what = format!("a chunked body growing past the limit on {path}");
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer k\r\nTransfer-Encoding: chunked\r\n\r\n"
        );
        let sent = exchange(&sandbox, &chunked(&head, over), &what).await;
        Raw::parse(&sent, &what).assert_error(413, "payload_too_large", &what);
    }
    // Exactly at the limit is read (and refused for what it is: blanks, not JSON).
    let head = "POST /v1/employers HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer k\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    let mut request = chunked(head, MAX_BODY_BYTES);
    request.extend_from_slice(b"0\r\n\r\n");
    let sent = exchange(&sandbox, &request, "a body at the limit").await;
    Raw::parse(&sent, "a body at the limit").assert_error(400, "missing_body", "a body at the limit");
}

#[tokio::test]
async fn oversized_uris_and_headers_get_json_errors_with_a_request_id() {
    let sandbox = start(SandboxOptions::new()).await;
    let request = |target: &str, extra: &str| {
        format!(
            "GET {target} HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer k\r\n{extra}Connection: close\r\n\r\n"
        )
    };
    let long_path = format!("/v1/employers/empr_{}", "x".repeat(MAX_URI_BYTES));
    let long_query = format!("/v1/employers?name={}", "x".repeat(MAX_URI_BYTES));
    let many: String = (0..=MAX_HEADERS).map(|i| format!("X-Filler-{i}: {i}\r\n")).collect();
    let large = format!("X-Large: {}\r\n", "x".repeat(MAX_HEADER_BYTES));
    let cases = [
        ("a URI path over the limit", request(&long_path, ""), 414, "uri_too_long"),
        ("a query over the limit", request(&long_query, ""), 414, "uri_too_long"),
        ("too many headers", request("/v1/employers", &many), 431, "headers_too_large"),
        ("headers too large", request("/v1/employers", &large), 431, "headers_too_large"),
        ("too many headers on an unknown path", request("/nowhere", &many), 431, "headers_too_large"),
    ];
    for (what, request, status, code) in cases {
        let sent = exchange(&sandbox, request.as_bytes(), what).await;
        Raw::parse(&sent, what).assert_error(status, code, what);
    }
    // Just within the limits is served.
    let within: String = (0..MAX_HEADERS - 3).map(|i| format!("X-Filler-{i}: {i}\r\n")).collect();
    let sent = exchange(&sandbox, request("/v1/employers", &within).as_bytes(), "within the limits").await;
    assert_eq!(Raw::parse(&sent, "within the limits").status, 200);
}

/// What the sandbox cannot answer in JSON: hyper refuses a request it cannot parse before any
/// of the sandbox's code runs. The connection is still closed, not held.
#[tokio::test]
async fn a_malformed_request_line_gets_a_bare_400_and_the_connection_is_closed() {
    let sandbox = start(SandboxOptions::new()).await;
    for (what, bytes) in [
        ("a malformed request line", &b"GARBAGE\r\n\r\n"[..]),
        ("a header without a colon", &b"GET / HTTP/1.1\r\nHost sandbox\r\n\r\n"[..]),
    ] {
        let sent = exchange(&sandbox, bytes, what).await;
        let raw = Raw::parse(&sent, what);
        assert_eq!(raw.status, 400, "{what}");
        assert!(raw.header("x-request-id").is_none(), "{what}: documented as bare");
    }
}
