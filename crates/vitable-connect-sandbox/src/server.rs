//! Serving connections by hand, so that a response can be swapped for a closed connection.
//!
//! Each accepted TCP connection is served by hyper's HTTP/1 connection driver with a
//! `service_fn` that runs the axum router. When the router's response carries the
//! [`DropConnection`] marker (set by the drop-connection fault *after* the request was applied),
//! the service returns an error instead of the response: hyper then closes the connection without
//! writing a single byte of the response, and the client sees the connection closed before a
//! response arrived.
//!
//! hyper enforces the header read timeout (a connection that does not finish sending a request
//! head in time, including a keep-alive connection idle between requests, is closed) and its own
//! hard limits on a request head ([`crate::limits`]). These are set wider than the limits the
//! sandbox answers in JSON, so that a request just over them still reaches the router.
//!
//! hyper has no timeout for writing a response, so each stream is wrapped in a
//! [`WriteTimeout`]: a write the client has made no room for within the write timeout fails,
//! hyper drops the connection, and a client that pipelines requests without reading the
//! responses cannot hold its connection slot.

use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower::ServiceExt;

use crate::dispatch::DropConnection;
use crate::write_timeout::WriteTimeout;

/// How long a shutdown waits for requests in flight before cutting them off.
const GRACE: Duration = Duration::from_secs(5);

/// The error that makes hyper close a connection without a response.
#[derive(Debug)]
struct ConnectionDropped;

impl std::fmt::Display for ConnectionDropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for ConnectionDropped {}

/// What bounds each connection (from [`SandboxOptions`](crate::SandboxOptions)).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnectionLimits {
    pub header_read_timeout: Duration,
    pub write_timeout: Duration,
    pub max_connections: usize,
}

/// Accepts connections (at most `max_connections` served at once) until `shutdown` turns true
/// (or its sender is dropped), then lets open connections finish their current request (up to
/// [`GRACE`]) and closes them.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    mut shutdown: watch::Receiver<bool>,
) {
    let ConnectionLimits { header_read_timeout, write_timeout, max_connections } = limits;
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .max_headers(crate::limits::HARD_MAX_HEADERS)
        .max_buf_size(crate::limits::MAX_HEAD_BUFFER);
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            // At the cap, new connections wait in the listen queue until one of these ends.
            accepted = listener.accept(), if connections.len() < max_connections => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let stream = WriteTimeout::new(stream, write_timeout);
                    connections.spawn(serve_connection(stream, http.clone(), router.clone(), shutdown.clone()));
                }
                // Out of file descriptors and the like: back off a little instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = stopped(&mut shutdown) => break,
        }
    }
    drop(listener);
    let drained =
        tokio::time::timeout(GRACE, async { while connections.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        connections.shutdown().await;
    }
}

/// Resolves once shutdown was asked for (or the sandbox is gone).
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

async fn serve_connection(
    stream: WriteTimeout<TcpStream>,
    http: http1::Builder,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let router = router.clone();
        async move {
            let response = match router.oneshot(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            if response.extensions().get::<DropConnection>().is_some() {
                return Err(ConnectionDropped);
            }
            Ok(response)
        }
    });
    let connection = http.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        () = stopped(&mut shutdown) => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}
