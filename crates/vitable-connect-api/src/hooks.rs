//! The generated client's hooks: it executes its requests directly.
//!
//! The generated [`Client`] carries an [`Inner`] value (progenitor's "inner type"), and
//! every operation's `send()` runs through `impl ClientHooks<Inner> for Client`. Both are
//! trivial here: a request is executed once by the client's `reqwest::Client`.
//!
//! The ergonomic `vitable-connect` crate does not send through this client. It builds each
//! request itself from the operation table ([`crate::spec`]) and the generated body types,
//! and executes it with its own headers, retries, timeouts and tracing; that way a call
//! builds its URL once and makes no generated client, copied header map or boxed future.

use progenitor_client::ClientHooks;

use crate::Client;

/// The generated client's inner value. It carries nothing: requests are executed directly.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inner {
    _private: (),
}

impl Inner {
    /// Requests are executed directly by the `reqwest::Client`, once each.
    pub fn direct() -> Self {
        Self::default()
    }
}

/// Every hook keeps progenitor's default: `exec` runs the request once with the
/// `reqwest::Client`.
impl ClientHooks<Inner> for Client {}
