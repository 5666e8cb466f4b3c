//! The seam through which every generated request is executed.
//!
//! The generated [`Client`] carries an [`Inner`] value. Every operation's
//! `send()` hands its finished `reqwest::Request` to `Inner`'s [`Execute`] implementation,
//! which decides how to run it: once, with retries, with tracing, with per-request
//! headers or timeouts. The ergonomic `vitable-connect` crate supplies that implementation;
//! without one, requests are executed directly by the `reqwest::Client`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::Client;

/// A boxed, `Send` future, as returned by [`Execute::execute`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Runs a request prepared by a generated operation.
pub trait Execute: Send + Sync {
    /// Executes `request` (built by the operation named in `info`) with `client`.
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        info: &'a OperationInfo,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>>;
}

/// The generated client's inner value: the executor its requests go through, if any.
#[derive(Clone, Default)]
pub struct Inner {
    executor: Option<Arc<dyn Execute>>,
}

impl Inner {
    /// Requests go through `executor`.
    pub fn new(executor: Arc<dyn Execute>) -> Self {
        Self { executor: Some(executor) }
    }

    /// Requests are executed directly by the `reqwest::Client`, once each.
    pub fn direct() -> Self {
        Self::default()
    }
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inner").field("custom_executor", &self.executor.is_some()).finish()
    }
}

impl ClientHooks<Inner> for Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        match &self.inner().executor {
            Some(executor) => executor.execute(self.client(), request, info).await,
            None => self.client().execute(request).await,
        }
    }
}
