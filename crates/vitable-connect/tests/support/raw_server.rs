//! A scripted HTTP/1.1 server on 127.0.0.1 that can misbehave in ways a mock server cannot:
//! drop the connection, never answer, announce a body it never sends, or stream a body forever.
//! Each connection serves one request and is then closed.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as received.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// The request target, e.g. `/v1/employers?page=2`.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// What the server does with a request.
pub enum Act {
    /// Writes these bytes, then closes the connection.
    Send(Vec<u8>),
    /// Closes the connection without answering.
    Drop,
    /// Keeps the connection open and never answers.
    Hang,
    /// Writes `head` (status line and headers, ending with the blank line), then `chunk` bytes
    /// of `fill` every `every`, forever: until the client goes away.
    Stream { head: String, chunk: usize, fill: u8, every: Duration },
    /// Writes `head`, then `total` bytes of `fill` in chunks of `chunk` bytes, then the end of
    /// the chunked body: a body of known size, never held whole by the server.
    Chunked { head: String, total: usize, chunk: usize, fill: u8 },
    /// Waits, then does the other act.
    After(Duration, Box<Act>),
}

/// A complete response with a `Content-Length`.
pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Act {
    let mut out = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    Act::Send(bytes)
}

/// A JSON response.
pub fn json(status: u16, body: &serde_json::Value) -> Act {
    response(status, &[("content-type", "application/json")], body.to_string().as_bytes())
}

/// The head of a chunked response with this status.
pub fn chunked_head(status: u16) -> String {
    format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
}

type Handler = dyn Fn(&Request, usize) -> Act + Send + Sync;

pub struct Server {
    pub uri: String,
    requests: Arc<Mutex<Vec<Request>>>,
    /// Bytes of body written by `Act::Stream`, over all connections.
    streamed: Arc<AtomicUsize>,
}

impl Server {
    /// The requests received so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// Body bytes written by streaming acts so far.
    pub fn streamed(&self) -> usize {
        self.streamed.load(Ordering::SeqCst)
    }
}

/// Starts a server answering the `n`th request (from 0) with `handler(request, n)`.
pub async fn start(handler: impl Fn(&Request, usize) -> Act + Send + Sync + 'static) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let streamed = Arc::new(AtomicUsize::new(0));
    let handler: Arc<Handler> = Arc::new(handler);
    let (requests2, streamed2) = (requests.clone(), streamed.clone());
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else { return };
            let (handler, requests, streamed) = (handler.clone(), requests2.clone(), streamed2.clone());
            tokio::spawn(async move {
                let Some((socket, request)) = read_request(socket).await else { return };
                let n = {
                    let mut requests = requests.lock().unwrap();
                    requests.push(request.clone());
                    requests.len() - 1
                };
                let act = handler(&request, n);
                perform(socket, act, &streamed).await;
            });
        }
    });
    Server { uri, requests, streamed }
}

async fn perform(mut socket: TcpStream, act: Act, streamed: &AtomicUsize) {
    let mut act = act;
    loop {
        match act {
            Act::After(wait, then) => {
                tokio::time::sleep(wait).await;
                act = *then;
                continue;
            }
            Act::Send(bytes) => {
                let _ = socket.write_all(&bytes).await;
                let _ = socket.shutdown().await;
                // Let the client read everything before the socket goes.
                let mut sink = [0u8; 1024];
                let _ = tokio::time::timeout(Duration::from_secs(5), socket.read(&mut sink)).await;
            }
            Act::Drop => drop(socket),
            Act::Hang => {
                let mut sink = [0u8; 1024];
                while let Ok(n) = socket.read(&mut sink).await {
                    if n == 0 {
                        break;
                    }
                }
            }
            Act::Chunked { head, total, chunk, fill } => {
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let piece = vec![fill; chunk];
                let mut left = total;
                while left > 0 {
                    let n = left.min(chunk);
                    let mut frame = format!("{n:x}\r\n").into_bytes();
                    frame.extend_from_slice(&piece[..n]);
                    frame.extend_from_slice(b"\r\n");
                    if socket.write_all(&frame).await.is_err() {
                        return;
                    }
                    streamed.fetch_add(n, Ordering::SeqCst);
                    left -= n;
                }
                let _ = socket.write_all(b"0\r\n\r\n").await;
                let mut sink = [0u8; 1024];
                let _ = tokio::time::timeout(Duration::from_secs(5), socket.read(&mut sink)).await;
            }
            Act::Stream { head, chunk, fill, every } => {
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let mut frame = format!("{chunk:x}\r\n").into_bytes();
                frame.extend(std::iter::repeat_n(fill, chunk));
                frame.extend_from_slice(b"\r\n");
                loop {
                    if socket.write_all(&frame).await.is_err() {
                        return;
                    }
                    streamed.fetch_add(chunk, Ordering::SeqCst);
                    if !every.is_zero() {
                        tokio::time::sleep(every).await;
                    }
                }
            }
        }
        return;
    }
}

async fn read_request(mut socket: TcpStream) -> Option<(TcpStream, Request)> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize =
        headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((socket, Request { method, target, headers, body }))
}
