//! The sizes the sandbox accepts in a request, and what it answers beyond them.
//!
//! Within hyper's own hard limits, a request over one of these gets the usual JSON error with an
//! `x-request-id`: 414 `uri_too_long`, 431 `headers_too_large` or 413 `payload_too_large`.
//! Beyond hyper's hard limits (a head larger than [`MAX_HEAD_BUFFER`] bytes, a URI over 65,534
//! bytes, more than [`HARD_MAX_HEADERS`] header lines) and for a request hyper cannot parse at
//! all (a malformed request line or header), hyper answers by itself, before any of the
//! sandbox's code runs: a bare 400, 414 or 431 with no body and no `x-request-id`, and the
//! connection is closed.
//!
//! Time is bounded too, by [`SandboxOptions`](crate::SandboxOptions), so that a slow or stalled
//! client cannot hold one of the
//! [`max_connections`](crate::SandboxOptions::max_connections) slots:
//!
//! * [`header_read_timeout`](crate::SandboxOptions::header_read_timeout) (default 5 s): a
//!   request head not complete in time, or a keep-alive connection idle that long, is closed
//!   without a response;
//! * [`body_read_timeout`](crate::SandboxOptions::body_read_timeout) (default 10 s): a body not
//!   complete in time gets a 408 `request_timeout` and the connection is closed;
//! * [`write_timeout`](crate::SandboxOptions::write_timeout) (default 5 s): a response the
//!   client has taken nothing of for that long, its socket buffers full, is given up and the
//!   connection closed. This is what frees the slot of a client that pipelines requests and never
//!   reads the responses; a client that reads, however slowly, restarts the clock with every
//!   part it takes.

/// The largest request body read, in bytes (1 MiB): a body declared (`Content-Length`) or found
/// (chunked) to be longer gets a 413 `payload_too_large`.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The longest request target (path and query) accepted, in bytes: a longer one gets a 414
/// `uri_too_long`.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// The most header lines accepted: more get a 431 `headers_too_large`.
pub const MAX_HEADERS: usize = 100;

/// The most header bytes accepted (names and values, plus 4 for `": "` and the line end of
/// each): more get a 431 `headers_too_large`.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// hyper's own limit on header lines (over [`MAX_HEADERS`], so that the sandbox sees and answers
/// requests with a few too many).
pub const HARD_MAX_HEADERS: usize = 1000;

/// hyper's read buffer, and so the largest request head it parses, in bytes (over
/// [`MAX_HEADER_BYTES`] + [`MAX_URI_BYTES`], so that the sandbox sees and answers requests with
/// headers or a URI somewhat too large).
pub const MAX_HEAD_BUFFER: usize = 128 * 1024;
