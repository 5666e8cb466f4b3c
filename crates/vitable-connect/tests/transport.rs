//! The transport against real HTTP servers on 127.0.0.1: which failures are retried and how
//! often, how long the client waits between attempts, the idempotency key of writes,
//! timeouts, connection errors and `send_with_response()`.
//!
//! Two kinds of server are used:
//!
//! * `wiremock` (with the real clock) for everything that does not measure a delay;
//! * [`local`], a small HTTP/1.1 server running as a task on the test's own runtime, for the
//!   tests that measure delays on tokio's paused clock (`start_paused = true`).
//!
//! Why not wiremock on the paused clock: wiremock serves from its own thread, so while the
//! client waits for the answer its runtime has nothing to do, and the paused clock then
//! auto-advances to the next timer, which is the request's own timeout: every attempt "times
//! out" after 60 virtual seconds, whatever the timeout (a longer one only moves the jump).
//! With the server on the same runtime, each loopback read or write is ready as soon as the
//! runtime polls for I/O, which counts as a wake-up, so the clock does not move while a request
//! is in flight and only the SDK's sleeps between attempts advance it.
//! `a_request_without_retries_takes_no_virtual_time` checks exactly that, which is what makes
//! the measured delays meaningful.

use std::time::{Duration, SystemTime};

use futures::future::join_all;
use http::StatusCode;
use serde_json::json;
use tokio::time::Instant;
use vitable_connect::{Client, EmployeeId, EmployerId, EnrollmentId, Error, QleId};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const API_KEY: &str = "sk_test_transport_key";

fn client(base_url: &str) -> Client {
    Client::builder().api_key(API_KEY).base_url(base_url).build().unwrap()
}

fn employer(id: &str) -> serde_json::Value {
    json!({
        "id": id,
        "organization_id": "org_Vt6Yn1",
        "name": "Acme Bakery",
        "legal_name": "Acme Bakery LLC",
        "active": true,
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z"
    })
}

fn enrollment() -> serde_json::Value {
    json!({
        "id": "enrl_8fK2x9",
        "benefit_product_id": "bprd_M3dK7q",
        "employee_id": "empl_5Nq1Zt",
        "plan_year_id": "plyr_2027aa",
        "status": "pending",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z"
    })
}

fn employers_page() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!([employer("empr_A1b2C3")]))
}

fn failure(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({ "detail": format!("failure {status}") }))
}

fn enrollment_id() -> EnrollmentId {
    "enrl_8fK2x9".parse().unwrap()
}

fn qle_id() -> QleId {
    "qle_3Jd82k".parse().unwrap()
}

/// Mounts `first` for the first request to `GET /v1/employers` and a page of employers for
/// every later one.
async fn fail_once_then_succeed(server: &MockServer, first: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path("/v1/employers"))
        .respond_with(first)
        .up_to_n_times(1)
        .mount(server)
        .await;
    Mock::given(method("GET")).and(path("/v1/employers")).respond_with(employers_page()).mount(server).await;
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.expect("recording is on").len()
}

fn api_status(result: &vitable_connect::Result<impl std::fmt::Debug>) -> Option<StatusCode> {
    match result {
        Err(Error::Api(e)) => Some(e.status),
        _ => None,
    }
}

// --- Which statuses are retried ---------------------------------------------------------

#[tokio::test]
async fn each_retried_status_is_retried_then_succeeds() {
    let runs = [408u16, 429, 500, 502, 503, 504].map(|status| async move {
        let server = MockServer::start().await;
        fail_once_then_succeed(&server, failure(status)).await;
        let result = client(&server.uri()).employers().list().send().await;
        (status, result.map(|page| page.len()), request_count(&server).await)
    });
    for (status, result, requests) in join_all(runs).await {
        assert_eq!(result.as_ref().ok(), Some(&1), "{status}: {result:?}");
        assert_eq!(requests, 2, "{status} must be retried once, then succeed");
    }
}

#[tokio::test]
async fn other_error_statuses_are_not_retried() {
    let runs = [400u16, 401, 403, 404, 422].map(|status| async move {
        let server = MockServer::start().await;
        // A retry would succeed, so a retry would show.
        fail_once_then_succeed(&server, failure(status)).await;
        let result = client(&server.uri()).employers().list().send().await;
        (status, api_status(&result), request_count(&server).await)
    });
    for (status, got, requests) in join_all(runs).await {
        assert_eq!(got, Some(StatusCode::from_u16(status).unwrap()), "{status}");
        assert_eq!(requests, 1, "{status} must not be retried");
    }
}

#[tokio::test]
async fn x_should_retry_false_stops_the_retry_of_a_503() {
    let server = MockServer::start().await;
    fail_once_then_succeed(&server, failure(503).insert_header("x-should-retry", "false")).await;
    let result = client(&server.uri()).employers().list().send().await;
    assert_eq!(api_status(&result), Some(StatusCode::SERVICE_UNAVAILABLE), "{result:?}");
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn x_should_retry_true_retries_a_400() {
    let server = MockServer::start().await;
    fail_once_then_succeed(&server, failure(400).insert_header("x-should-retry", "true")).await;
    let page = client(&server.uri()).employers().list().send().await.unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn an_unrecognised_x_should_retry_leaves_the_decision_to_the_status() {
    for value in ["1", "maybe", "", "yes please"] {
        // A retryable status is still retried...
        let server = MockServer::start().await;
        fail_once_then_succeed(&server, failure(503).insert_header("x-should-retry", value)).await;
        let result = client(&server.uri()).employers().list().send().await;
        assert!(result.is_ok(), "{value:?}: {result:?}");
        assert_eq!(request_count(&server).await, 2, "503 with x-should-retry {value:?} is retried");

        // ...and another one is not.
        let server = MockServer::start().await;
        fail_once_then_succeed(&server, failure(400).insert_header("x-should-retry", value)).await;
        let result = client(&server.uri()).employers().list().send().await;
        assert_eq!(api_status(&result), Some(StatusCode::BAD_REQUEST), "{value:?}");
        assert_eq!(request_count(&server).await, 1, "400 with x-should-retry {value:?} is not retried");
    }
}

#[tokio::test(start_paused = true)]
async fn a_redirect_is_neither_followed_nor_retried() {
    // A redirect loop: before, the HTTP client followed it up to its limit and the SDK reported
    // a connection error. The API never redirects: one request, an error naming the redirect,
    // and no backoff.
    let server = local::start(vec![local::reply(302, &[("location", "/v1/employers")], "")]).await;
    let started = Instant::now();
    let error = client(&server.uri).employers().list().send().await.unwrap_err();
    assert!(matches!(error, Error::Redirect { .. }), "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(started.elapsed(), Duration::ZERO, "no backoff was waited");
    assert_eq!(server.hits().len(), 1, "neither followed nor retried");
}

// --- How many retries -------------------------------------------------------------------

#[tokio::test]
async fn max_retries_zero_on_the_client_makes_one_attempt() {
    let server = MockServer::start().await;
    fail_once_then_succeed(&server, failure(503)).await;
    let client = Client::builder().api_key(API_KEY).base_url(server.uri()).max_retries(0).build().unwrap();
    assert_eq!(client.max_retries(), 0);
    let result = client.employers().list().send().await;
    assert_eq!(api_status(&result), Some(StatusCode::SERVICE_UNAVAILABLE), "{result:?}");
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn max_retries_zero_on_the_request_makes_one_attempt() {
    let server = MockServer::start().await;
    fail_once_then_succeed(&server, failure(503)).await;
    let client = client(&server.uri());
    assert_eq!(client.max_retries(), vitable_connect::DEFAULT_MAX_RETRIES);
    let result = client.employers().list().max_retries(0).send().await;
    assert_eq!(api_status(&result), Some(StatusCode::SERVICE_UNAVAILABLE), "{result:?}");
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn max_retries_on_the_request_overrides_a_client_without_retries() {
    let server = MockServer::start().await;
    fail_once_then_succeed(&server, failure(503)).await;
    let client = Client::builder().api_key(API_KEY).base_url(server.uri()).max_retries(0).build().unwrap();
    let page = client.employers().list().max_retries(1).send().await.unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test(start_paused = true)]
async fn max_retries_three_on_a_server_always_failing_makes_four_attempts() {
    let server =
        local::start(vec![local::reply(503, &[("x-request-id", "req_last")], r#"{"detail":"down"}"#)]).await;
    let client = Client::builder().api_key(API_KEY).base_url(&server.uri).max_retries(3).build().unwrap();
    let error = client.employers().list().send().await.unwrap_err();
    assert_eq!(server.hits().len(), 4);
    let Error::Api(api) = &error else { panic!("expected Error::Api, got {error:?}") };
    assert_eq!(api.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(api.detail.as_deref(), Some("down"));
    assert_eq!(error.request_id(), Some("req_last"));
    assert!(error.is_retryable());
}

#[tokio::test(start_paused = true)]
async fn the_default_is_two_retries() {
    let server = local::start(vec![local::reply(500, &[], "{}")]).await;
    let result = client(&server.uri).employers().list().send().await;
    assert_eq!(api_status(&result), Some(StatusCode::INTERNAL_SERVER_ERROR), "{result:?}");
    assert_eq!(server.hits().len(), 3);
}

// --- Connection errors ------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn a_dropped_connection_is_retried_on_a_new_one() {
    let ok = json!([employer("empr_A1b2C3")]).to_string();
    let server = local::start_dropping(1, vec![local::reply(200, &[], &ok)]).await;
    let started = Instant::now();
    let page = client(&server.uri).employers().list().send().await.unwrap();
    let waited = started.elapsed();
    assert_eq!(page.len(), 1);
    assert_eq!(server.connections(), 2, "the first connection was dropped, the second served");
    assert_eq!(server.hits().len(), 1);
    // A connection error waits the first backoff: 0.5 s less up to 25% jitter.
    assert!(waited >= Duration::from_millis(375) && waited <= Duration::from_millis(500), "{waited:?}");
}

#[tokio::test(start_paused = true)]
async fn connection_errors_are_retried_and_then_reported() {
    let server = local::start_dropping(usize::MAX, vec![local::reply(200, &[], "[]")]).await;
    let error = client(&server.uri).employers().list().send().await.unwrap_err();
    assert_eq!(server.connections(), 3, "one attempt and two retries");
    assert!(matches!(error, Error::Connection { operation: "employers.list", .. }), "{error:?}");
    assert!(error.is_retryable());
    assert!(error.to_string().contains("employers.list"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn connection_refused_is_retried_with_backoff() {
    // A port nothing listens on: bind one, note it, close it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let started = Instant::now();
    let error = client(&format!("http://{address}")).employers().list().send().await.unwrap_err();
    let waited = started.elapsed();
    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    // Two backoffs were waited: [0.375, 0.5] + [0.75, 1] seconds.
    assert!(waited >= Duration::from_millis(1125) && waited <= Duration::from_millis(1500), "{waited:?}");
}

// --- Idempotency keys -------------------------------------------------------------------

fn idempotency_keys(requests: &[Request]) -> Vec<Option<String>> {
    requests
        .iter()
        .map(|r| r.headers.get("idempotency-key").map(|v| v.to_str().unwrap().to_owned()))
        .collect()
}

async fn reissue_server(first: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    let reissue = || Mock::given(method("POST")).and(path("/v1/enrollments/enrl_8fK2x9/reissue"));
    reissue().respond_with(first).up_to_n_times(1).mount(&server).await;
    reissue().respond_with(ResponseTemplate::new(200).set_body_json(enrollment())).mount(&server).await;
    server
}

#[tokio::test]
async fn a_write_keeps_one_idempotency_key_across_retries() {
    let server = reissue_server(failure(503)).await;
    let enrollment = client(&server.uri())
        .enrollments()
        .reissue(&enrollment_id(), &qle_id())
        .reason("New child")
        .send()
        .await;
    assert_eq!(enrollment.unwrap().id.as_str(), "enrl_8fK2x9");
    let requests = server.received_requests().await.unwrap();
    let keys = idempotency_keys(&requests);
    assert_eq!(keys.len(), 2);
    let key = keys[0].clone().expect("a POST carries an Idempotency-Key");
    assert!(key.len() >= 16, "a random key: {key}");
    assert_eq!(keys[1].as_deref(), Some(key.as_str()), "the retry reuses the key");
    // Each attempt is the whole request again: same body, key and credentials.
    assert_eq!(requests[0].body, requests[1].body);
    for request in &requests {
        assert_eq!(request.headers["authorization"], format!("Bearer {API_KEY}").as_str());
        assert!(request.headers["user-agent"].to_str().unwrap().starts_with("vitable-connect-rust/"));
    }
}

#[tokio::test]
async fn separate_writes_get_different_keys() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/enrollments/enrl_8fK2x9/reissue"))
        .respond_with(ResponseTemplate::new(200).set_body_json(enrollment()))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server.uri());
    // Each builder is one logical write (its clones share its key: see `hostile_server.rs`).
    client.enrollments().reissue(&enrollment_id(), &qle_id()).send().await.unwrap();
    client.enrollments().reissue(&enrollment_id(), &qle_id()).send().await.unwrap();
    let keys = idempotency_keys(&server.received_requests().await.unwrap());
    assert!(keys.iter().all(Option::is_some), "{keys:?}");
    assert_ne!(keys[0], keys[1], "two builders are two writes");
}

#[tokio::test]
async fn a_caller_key_is_sent_as_is_on_every_attempt() {
    let server = reissue_server(failure(502)).await;
    client(&server.uri())
        .enrollments()
        .reissue(&enrollment_id(), &qle_id())
        .idempotency_key("k-1")
        .send()
        .await
        .unwrap();
    let keys = idempotency_keys(&server.received_requests().await.unwrap());
    assert_eq!(keys, [Some("k-1".to_owned()), Some("k-1".to_owned())]);
}

#[tokio::test]
async fn reads_carry_no_idempotency_key() {
    let server = MockServer::start().await;
    fail_once_then_succeed(&server, failure(503)).await;
    client(&server.uri()).employers().list().send().await.unwrap();
    let keys = idempotency_keys(&server.received_requests().await.unwrap());
    assert_eq!(keys, [None, None]);
}

#[tokio::test]
async fn put_and_delete_carry_an_idempotency_key() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/v1/employers/empr_A1b2C3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(employer("empr_A1b2C3")))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v1/employees/empl_5Nq1Zt"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let employer_id: EmployerId = "empr_A1b2C3".parse().unwrap();
    let employee_id: EmployeeId = "empl_5Nq1Zt".parse().unwrap();
    client.employers().update(&employer_id).name("Acme Bakeries").send().await.unwrap();
    client.employees().terminate(&employee_id).send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert!(request.headers.contains_key("idempotency-key"), "{} {}", request.method, request.url);
    }
}

// --- Delays, measured on the paused clock ----------------------------------------------

/// Sends `employers.list` to a server answering `first`, then a page; returns the virtual
/// time it took and the server.
async fn wait_after(first: local::Canned) -> (Duration, local::Server) {
    let ok = json!([employer("empr_A1b2C3")]).to_string();
    let server = local::start(vec![first, local::reply(200, &[], &ok)]).await;
    let started = Instant::now();
    let page = client(&server.uri).employers().list().send().await.unwrap();
    let waited = started.elapsed();
    assert_eq!(page.len(), 1);
    assert_eq!(server.hits().len(), 2, "one retry");
    (waited, server)
}

#[tokio::test(start_paused = true)]
async fn a_request_without_retries_takes_no_virtual_time() {
    // The control for every delay below: the I/O with the local server does not move the
    // paused clock (a jump to the request timeout would show as 60 s or a timeout error), so
    // a measured delay is the SDK's own sleep.
    let ok = json!([employer("empr_A1b2C3")]).to_string();
    let server = local::start(vec![local::reply(200, &[], &ok)]).await;
    let client = client(&server.uri);
    let started = Instant::now();
    for _ in 0..20 {
        client.employers().list().send().await.unwrap();
    }
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert_eq!(server.hits().len(), 20);
}

#[tokio::test(start_paused = true)]
async fn retry_after_ms_is_honoured() {
    let (waited, server) = wait_after(local::reply(503, &[("retry-after-ms", "1500")], "{}")).await;
    assert!(waited >= Duration::from_millis(1500) && waited < Duration::from_millis(1550), "{waited:?}");
    let hits = server.hits();
    assert_eq!(hits[1].at - hits[0].at, Duration::from_millis(1500));
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_ms_too_large_for_a_duration_falls_back_to_backoff() {
    // 1e30 ms does not fit a `Duration`: it used to panic, with retries on or off.
    let (waited, _) = wait_after(local::reply(503, &[("retry-after-ms", "1e30")], "{}")).await;
    assert!(waited >= Duration::from_millis(375) && waited <= Duration::from_millis(500), "{waited:?}");

    let server = local::start(vec![local::reply(503, &[("retry-after-ms", "1e30")], "{}")]).await;
    let result = client(&server.uri).employers().list().max_retries(0).send().await;
    assert_eq!(api_status(&result), Some(StatusCode::SERVICE_UNAVAILABLE));
}

#[tokio::test(start_paused = true)]
async fn retry_after_seconds_is_honoured() {
    let (waited, _) = wait_after(local::reply(429, &[("retry-after", "3")], "{}")).await;
    assert!(waited >= Duration::from_secs(3) && waited < Duration::from_millis(3050), "{waited:?}");
}

#[tokio::test(start_paused = true)]
async fn retry_after_as_an_http_date_is_honoured() {
    // 10 s from now, rounded up to the whole second an HTTP date can express.
    let since_epoch = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap();
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(since_epoch.as_secs() + 11);
    let date = httpdate::fmt_http_date(at);
    let (waited, _) = wait_after(local::reply(503, &[("retry-after", &date)], "{}")).await;
    // The SDK compares the date with the real time when the answer came: 10 to 11 s from the
    // moment the date was made, less the real time that passed since (a second of slack).
    assert!(waited >= Duration::from_secs(9) && waited <= Duration::from_secs(11), "{waited:?}");
}

#[tokio::test(start_paused = true)]
async fn retry_after_in_the_past_waits_only_the_floor() {
    let date = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(30));
    let (waited, _) = wait_after(local::reply(503, &[("retry-after", &date)], "{}")).await;
    // The floor and its jitter (25% by default), and no more.
    let floor = vitable_connect::MIN_RETRY_DELAY;
    assert!(waited >= floor && waited <= floor.mul_f64(1.25), "{waited:?}");
}

#[tokio::test(start_paused = true)]
async fn retry_after_ms_wins_over_retry_after() {
    let (waited, _) =
        wait_after(local::reply(503, &[("retry-after-ms", "250"), ("retry-after", "7")], "{}")).await;
    assert!(waited >= Duration::from_millis(250) && waited < Duration::from_millis(300), "{waited:?}");
}

#[tokio::test(start_paused = true)]
async fn a_server_delay_over_60_seconds_falls_back_to_backoff() {
    let (waited, _) = wait_after(local::reply(503, &[("retry-after", "120")], "{}")).await;
    assert!(waited >= Duration::from_millis(375) && waited <= Duration::from_millis(500), "{waited:?}");
    let (waited, _) = wait_after(local::reply(503, &[("retry-after-ms", "60001")], "{}")).await;
    assert!(waited >= Duration::from_millis(375) && waited <= Duration::from_millis(500), "{waited:?}");
}

#[tokio::test(start_paused = true)]
async fn a_server_delay_of_exactly_60_seconds_is_honoured() {
    let (waited, _) = wait_after(local::reply(503, &[("retry-after", "60")], "{}")).await;
    assert!(waited >= Duration::from_secs(60) && waited < Duration::from_millis(60_050), "{waited:?}");
}

#[tokio::test(start_paused = true)]
async fn without_a_server_delay_the_first_backoff_is_half_a_second_less_jitter() {
    for _ in 0..5 {
        let (waited, _) = wait_after(local::reply(503, &[], "{}")).await;
        assert!(waited >= Duration::from_millis(375) && waited <= Duration::from_millis(500), "{waited:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn x_should_retry_true_uses_the_server_delay() {
    let (waited, _) =
        wait_after(local::reply(400, &[("x-should-retry", "true"), ("retry-after-ms", "2000")], "{}")).await;
    assert!(waited >= Duration::from_secs(2) && waited < Duration::from_millis(2050), "{waited:?}");
}

#[tokio::test(start_paused = true)]
async fn backoff_doubles_between_attempts() {
    let server = local::start(vec![local::reply(503, &[], "{}")]).await;
    let client = Client::builder().api_key(API_KEY).base_url(&server.uri).max_retries(4).build().unwrap();
    let started = Instant::now();
    let result = client.employers().list().send().await;
    let waited = started.elapsed();
    assert_eq!(api_status(&result), Some(StatusCode::SERVICE_UNAVAILABLE), "{result:?}");
    let hits = server.hits();
    assert_eq!(hits.len(), 5);
    // Ceilings 0.5, 1, 2, 4 s; each wait is between 75% and 100% of its ceiling.
    let ceilings = [500u64, 1000, 2000, 4000].map(Duration::from_millis);
    for (i, ceiling) in ceilings.iter().enumerate() {
        let gap = hits[i + 1].at - hits[i].at;
        assert!(gap >= ceiling.mul_f64(0.75) && gap <= *ceiling, "wait {i}: {gap:?} for ceiling {ceiling:?}");
    }
    let total: Duration = ceilings.iter().sum();
    assert!(waited >= total.mul_f64(0.75) && waited <= total, "{waited:?} of at most {total:?}");
}

#[tokio::test(start_paused = true)]
async fn backoff_is_capped_at_eight_seconds() {
    let server = local::start(vec![local::reply(503, &[], "{}")]).await;
    let client = Client::builder().api_key(API_KEY).base_url(&server.uri).max_retries(6).build().unwrap();
    client.employers().list().send().await.unwrap_err();
    let hits = server.hits();
    assert_eq!(hits.len(), 7);
    for i in 4..6 {
        let gap = hits[i + 1].at - hits[i].at;
        assert!(gap >= Duration::from_secs(6) && gap <= Duration::from_secs(8), "wait {i}: {gap:?}");
    }
}

// --- Timeouts ---------------------------------------------------------------------------

#[tokio::test]
async fn a_request_timeout_fires_against_a_slow_server() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/employers"))
        .respond_with(employers_page().set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let error = client(&server.uri())
        .employers()
        .list()
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .send()
        .await
        .unwrap_err();
    let Error::Timeout { operation, after, .. } = &error else {
        panic!("expected Error::Timeout, got {error:?}")
    };
    assert_eq!(*operation, "employers.list");
    assert_eq!(*after, Some(Duration::from_millis(200)));
    let shown = error.to_string();
    assert!(shown.contains("employers.list") && shown.contains("timed out"), "{shown}");
    assert!(error.is_retryable());
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn the_client_timeout_applies_to_every_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/employers"))
        .respond_with(employers_page().set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .build()
        .unwrap();
    assert_eq!(client.timeout(), Duration::from_millis(200));
    let error = client.employers().list().send().await.unwrap_err();
    assert!(
        matches!(error, Error::Timeout { operation: "employers.list", after: Some(d), .. } if d == Duration::from_millis(200)),
        "{error:?}"
    );
}

#[tokio::test]
async fn the_client_timeout_applies_with_a_user_supplied_http_client() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/employers"))
        .respond_with(employers_page().set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    // A reqwest client with no timeout of its own: the SDK's timeout must still apply.
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .build()
        .unwrap();
    let error = client.employers().list().send().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { operation: "employers.list", .. }), "{error:?}");
}

#[tokio::test]
async fn the_request_timeout_overrides_the_client_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/employers"))
        .respond_with(employers_page().set_delay(Duration::from_millis(300)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(50))
        .max_retries(0)
        .build()
        .unwrap();
    let page = client.employers().list().timeout(Duration::from_secs(30)).send().await.unwrap();
    assert_eq!(page.len(), 1);
}

#[tokio::test]
async fn a_timed_out_attempt_is_retried() {
    let server = MockServer::start().await;
    fail_once_then_succeed(&server, employers_page().set_delay(Duration::from_secs(30))).await;
    let page =
        client(&server.uri()).employers().list().timeout(Duration::from_millis(200)).send().await.unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(request_count(&server).await, 2);
}

// --- The raw response -------------------------------------------------------------------

#[tokio::test]
async fn send_with_response_gives_status_headers_and_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/employers"))
        .and(header("authorization", format!("Bearer {API_KEY}").as_str()))
        .respond_with(
            employers_page()
                .insert_header("x-request-id", "req_8d2f")
                .insert_header("x-ratelimit-remaining", "99"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server.uri()).employers().list().send_with_response().await.unwrap();
    assert_eq!(response.http_status(), StatusCode::OK);
    assert_eq!(response.request_id(), Some("req_8d2f"));
    assert_eq!(response.headers()["x-ratelimit-remaining"], "99");
    assert_eq!(response.value().len(), 1, "derefs to the value");
    let (status, headers, employers) = response.into_parts();
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-request-id"], "req_8d2f");
    assert_eq!(employers[0].id.as_str(), "empr_A1b2C3");
}

#[tokio::test]
async fn send_with_response_after_a_retry_describes_the_last_attempt() {
    let server = reissue_server(failure(503).insert_header("x-request-id", "req_first")).await;
    let response = client(&server.uri())
        .enrollments()
        .reissue(&enrollment_id(), &qle_id())
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.http_status(), StatusCode::OK);
    assert_eq!(response.request_id(), None, "the headers are the successful attempt's");
    assert_eq!(response.into_inner().id.as_str(), "enrl_8fK2x9");
}

#[tokio::test]
async fn send_with_response_of_a_created_resource_has_status_201() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/enrollments/enrl_8fK2x9/reissue"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(enrollment()).insert_header("x-request-id", "req_201"),
        )
        .mount(&server)
        .await;
    let response = client(&server.uri())
        .enrollments()
        .reissue(&enrollment_id(), &qle_id())
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.http_status(), StatusCode::CREATED);
    assert_eq!(response.request_id(), Some("req_201"));
}

/// A minimal HTTP/1.1 server that runs as tasks on the calling runtime, so that it works on
/// tokio's paused clock (see the module docs). It answers each request with the next reply of
/// its script (the last one repeats), supports keep-alive and can drop connections unanswered.
mod local {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};
    use tokio::time::Instant;

    /// One scripted reply.
    #[derive(Clone)]
    pub struct Canned {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    }

    pub fn reply(status: u16, headers: &[(&str, &str)], body: &str) -> Canned {
        Canned {
            status,
            headers: headers.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            body: body.to_owned(),
        }
    }

    /// A request received: when (on the runtime's clock) and its head.
    #[derive(Clone, Debug)]
    pub struct Hit {
        pub at: Instant,
        #[allow(dead_code)]
        pub head: String,
    }

    pub struct Server {
        pub uri: String,
        hits: Arc<Mutex<Vec<Hit>>>,
        connections: Arc<AtomicUsize>,
    }

    impl Server {
        pub fn hits(&self) -> Vec<Hit> {
            self.hits.lock().unwrap().clone()
        }

        /// Connections accepted, including dropped ones.
        pub fn connections(&self) -> usize {
            self.connections.load(Ordering::SeqCst)
        }
    }

    pub async fn start(script: Vec<Canned>) -> Server {
        start_dropping(0, script).await
    }

    /// Like [`start`], but the first `drop_first` connections are closed as soon as accepted.
    pub async fn start_dropping(drop_first: usize, script: Vec<Canned>) -> Server {
        assert!(!script.is_empty());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let uri = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let script = Arc::new(script);
        let (hits2, connections2) = (hits.clone(), connections.clone());
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else { return };
                let n = connections2.fetch_add(1, Ordering::SeqCst);
                if n < drop_first {
                    drop(socket);
                    continue;
                }
                tokio::spawn(serve(socket, script.clone(), hits2.clone()));
            }
        });
        Server { uri, hits, connections }
    }

    async fn serve(mut socket: TcpStream, script: Arc<Vec<Canned>>, hits: Arc<Mutex<Vec<Hit>>>) {
        let mut buffer = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            let head_end = loop {
                if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                    break at + 4;
                }
                match socket.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                }
            };
            let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
            let length = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().unwrap())
                })
                .unwrap_or(0);
            while buffer.len() < head_end + length {
                match socket.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                }
            }
            buffer.drain(..head_end + length);
            let index = {
                let mut hits = hits.lock().unwrap();
                hits.push(Hit { at: Instant::now(), head });
                hits.len() - 1
            };
            let reply = &script[index.min(script.len() - 1)];
            let mut out = format!(
                "HTTP/1.1 {} Scripted\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
                reply.status,
                reply.body.len()
            );
            for (name, value) in &reply.headers {
                out.push_str(&format!("{name}: {value}\r\n"));
            }
            out.push_str("\r\n");
            out.push_str(&reply.body);
            if socket.write_all(out.as_bytes()).await.is_err() {
                return;
            }
        }
    }
}

#[tokio::test]
async fn a_header_given_several_times_is_sent_with_every_value() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/v1/employers")).respond_with(employers_page()).mount(&server).await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .default_header("x-tag", "client-a")
        .default_header("x-tag", "client-b")
        .default_header("x-replaced", "client")
        .build()
        .unwrap();
    client
        .employers()
        .list()
        .header("x-replaced", "request")
        .header("x-extra", "1")
        .header("x-extra", "2")
        .send()
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let values = |name: &str| -> Vec<String> {
        requests[0].headers.get_all(name).iter().map(|v| v.to_str().unwrap().to_owned()).collect()
    };
    assert_eq!(values("x-tag"), ["client-a", "client-b"]);
    assert_eq!(values("x-replaced"), ["request"], "a request header replaces the client's");
    assert_eq!(values("x-extra"), ["1", "2"]);
}
