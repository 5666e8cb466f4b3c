//! A minimal local API server for the benchmarks: `127.0.0.1:0`, HTTP/1.1 with keep-alive,
//! pre-serialised bodies, on its own one-worker tokio runtime in the background.
//!
//! * `GET /v1/enrollments/{id}`: one fixed enrollment ([`fixtures::enrollment_body`]).
//! * `GET /v1/employers?page=P&limit=100`: page `P` of [`fixtures::STREAM_PAGES`] full pages
//!   of employers, `[]` after the last one.
//!
//! Both check `Authorization` and `api-version`, so the baseline cannot skip a header the
//! SDK sends.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use serde::Deserialize;

use crate::{API_KEY, fixtures};

/// The bodies the server returns.
pub struct Fixtures {
    /// One enrollment.
    pub enrollment: Bytes,
    /// Employer pages, page 1 first, each of [`fixtures::page_limit`] items.
    pub employer_pages: Vec<Bytes>,
}

impl Fixtures {
    /// The standard fixtures (100 pages of 100 employers).
    pub fn standard() -> Self {
        Self {
            enrollment: fixtures::enrollment_body(),
            employer_pages: fixtures::employer_pages(fixtures::STREAM_PAGES, fixtures::page_limit()),
        }
    }
}

/// A running server; stops when dropped (outside any async context).
pub struct Server {
    base_url: String,
    _runtime: tokio::runtime::Runtime,
}

impl Server {
    /// Starts a server with [`Fixtures::standard`].
    pub fn start() -> Self {
        Self::with_fixtures(Fixtures::standard())
    }

    /// Starts a server returning `fixtures`.
    pub fn with_fixtures(fixtures: Fixtures) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("bench-server")
            .enable_all()
            .build()
            .expect("cannot build the server runtime");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("cannot bind 127.0.0.1:0");
        listener.set_nonblocking(true).expect("cannot make the listener non-blocking");
        let address = listener.local_addr().expect("a bound listener has an address");
        let app = router(Arc::new(fixtures));
        runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            axum::serve(listener, app).await.expect("the benchmark server failed");
        });
        Self { base_url: format!("http://{address}"), _runtime: runtime }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

/// The routes of the benchmark server.
pub fn router(fixtures: Arc<Fixtures>) -> Router {
    Router::new()
        .route("/v1/enrollments/{enrollment_id}", get(retrieve_enrollment))
        .route("/v1/employers", get(list_employers))
        .with_state(fixtures)
}

fn authorized(headers: &HeaderMap) -> bool {
    headers
        .get(AUTHORIZATION)
        .is_some_and(|v| v.as_bytes().strip_prefix(b"Bearer ") == Some(API_KEY.as_bytes()))
        && headers.contains_key("api-version")
}

fn json(body: Bytes) -> Response {
    ([(CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}

fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, [(CONTENT_TYPE, "application/json")], r#"{"detail":"bad credentials"}"#)
        .into_response()
}

async fn retrieve_enrollment(State(fixtures): State<Arc<Fixtures>>, headers: HeaderMap) -> Response {
    if !authorized(&headers) {
        return unauthorized();
    }
    json(fixtures.enrollment.clone())
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<usize>,
    limit: Option<u32>,
}

async fn list_employers(
    State(fixtures): State<Arc<Fixtures>>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&headers) {
        return unauthorized();
    }
    if query.limit != Some(fixtures::page_limit()) {
        let detail =
            format!(r#"{{"detail":"the benchmark server serves limit={} only"}}"#, fixtures::page_limit());
        return (StatusCode::BAD_REQUEST, [(CONTENT_TYPE, "application/json")], detail).into_response();
    }
    let page = query.page.unwrap_or(1).max(1);
    let body = fixtures.employer_pages.get(page - 1).cloned().unwrap_or_else(|| Bytes::from_static(b"[]"));
    json(body)
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::plain::PlainClient;

    #[test]
    fn both_clients_get_the_same_enrollment_and_the_stream_sees_every_employer() {
        let server = Server::start();
        let runtime = crate::client_runtime();
        let sdk = crate::sdk_client(server.base_url());
        let plain = PlainClient::new(server.base_url());
        let id: vitable_connect::EnrollmentId = fixtures::ENROLLMENT_ID.parse().unwrap();
        runtime.block_on(async {
            let a = sdk.enrollments().retrieve(&id).send().await.unwrap();
            let b = plain.retrieve_enrollment(fixtures::ENROLLMENT_ID).await.unwrap();
            assert_eq!(a.id.as_str(), b.id);
            assert_eq!(a.updated_at, b.updated_at);
            let all: Vec<_> = sdk
                .employers()
                .list()
                .limit(u64::from(fixtures::page_limit()))
                .stream()
                .try_collect()
                .await
                .unwrap();
            assert_eq!(all.len(), (fixtures::page_limit() * fixtures::STREAM_PAGES) as usize);
            assert_eq!(all.last().unwrap().id.as_str(), "empr_009999C3");
        });
    }
}
