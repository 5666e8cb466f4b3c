//! The conventions a Rust user expects of an SDK: a builder can be awaited, a list streams
//! without importing a trait (this file imports none from `futures`), a configured client can
//! be derived into a variant, and a response's HTTP accessors cannot be taken for the model's
//! fields.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::raw_server;
use support::*;
use vitable_connect::{Client, Employer, EnrollmentId, QleId};
use wiremock::matchers::{header, header_exists, query_param};
use wiremock::{MockServer, ResponseTemplate};

/// `count` employers with distinct IDs.
fn employers(start: usize, count: usize) -> Value {
    let all: Vec<Value> =
        (start..start + count).map(|i| with(employer(), json!({ "id": format!("empr_{i:06}") }))).collect();
    Value::Array(all)
}

/// A server listing 5 employers, 2 per page.
async fn five_employers() -> MockServer {
    let server = MockServer::start().await;
    for (page, start, count) in [(1, 0, 2), (2, 2, 2), (3, 4, 1)] {
        given("GET", "/v1/employers")
            .and(query_param("page", page.to_string()))
            .and(query_param("limit", "2"))
            .respond_with(ok(employers(start, count)))
            .expect(1..)
            .mount(&server)
            .await;
    }
    server
}

fn ids(employers: &[Employer]) -> Vec<String> {
    employers.iter().map(|e| e.id.to_string()).collect()
}

#[tokio::test]
async fn awaiting_a_builder_sends_it() {
    let server = MockServer::start().await;
    given("GET", "/v1/employers").respond_with(ok(employers(0, 1))).expect(2).mount(&server).await;
    given("POST", &format!("/v1/enrollments/{ENROLLMENT}/reissue"))
        .and(header_exists("idempotency-key"))
        .respond_with(ok(enrollment()))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let awaited = client.employers().list().await.unwrap();
    let sent = client.employers().list().send().await.unwrap();
    assert_eq!(ids(&awaited), ids(&sent));

    let enrollment: EnrollmentId = ENROLLMENT.parse().unwrap();
    let qle: QleId = QLE.parse().unwrap();
    let reissued = client.enrollments().reissue(&enrollment, &qle).reason("New child").await.unwrap();
    assert_eq!(reissued.id, enrollment);
}

#[tokio::test]
async fn an_awaited_builder_checks_its_input_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);
    let error = client.employers().list().limit(0).await.unwrap_err();
    assert!(matches!(error, vitable_connect::Error::InvalidInput(_)), "{error}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_stream_collects_without_a_trait_import() {
    let server = five_employers().await;
    let client = client(&server);
    let all: Vec<Employer> = client.employers().list().limit(2).stream().try_collect().await.unwrap();
    assert_eq!(ids(&all), ["empr_000000", "empr_000001", "empr_000002", "empr_000003", "empr_000004"]);
}

#[tokio::test]
async fn a_stream_gives_its_items_one_at_a_time() {
    let server = five_employers().await;
    let client = client(&server);
    let mut stream = client.employers().list().limit(2).stream();
    let first = stream.try_next().await.unwrap().expect("a first employer");
    assert_eq!(first.id.to_string(), "empr_000000");
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "one page fetched for one item");
    let second = stream.next().await.expect("a second item").unwrap();
    assert_eq!(second.id.to_string(), "empr_000001");
    let mut rest = 0;
    while let Some(employer) = stream.try_next().await.unwrap() {
        assert!(employer.id.to_string().starts_with("empr_"));
        rest += 1;
    }
    assert_eq!(rest, 3);
    assert!(stream.next().await.is_none(), "the end stays the end");
}

#[tokio::test]
async fn pages_come_a_page_at_a_time() {
    let server = five_employers().await;
    let client = client(&server);
    let mut pages = client.employers().list().limit(2).pages();
    let mut sizes = Vec::new();
    while let Some(page) = pages.try_next().await.unwrap() {
        sizes.push(page.len());
    }
    assert_eq!(sizes, [2, 2, 1]);

    let all: Vec<Vec<Employer>> =
        client.employers().list().limit(2).page(2).pages().try_collect().await.unwrap();
    assert_eq!(
        all.iter().map(|p| ids(p)).collect::<Vec<_>>(),
        [vec!["empr_000002", "empr_000003"], vec!["empr_000004"]]
    );
}

#[tokio::test]
async fn a_stream_ends_with_the_error_that_stopped_it() {
    let server = MockServer::start().await;
    given("GET", "/v1/employers")
        .and(query_param("page", "1"))
        .respond_with(ok(employers(0, 2)))
        .mount(&server)
        .await;
    given("GET", "/v1/employers")
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({ "detail": "gone" })))
        .mount(&server)
        .await;
    let client = client(&server);
    let collected: vitable_connect::Result<Vec<Employer>> =
        client.employers().list().limit(2).stream().try_collect().await;
    assert_eq!(collected.unwrap_err().status().map(|s| s.as_u16()), Some(404));
    let mut pages = client.employers().list().limit(2).pages();
    assert_eq!(pages.try_next().await.unwrap().map(|p| p.len()), Some(2));
    assert!(pages.try_next().await.is_err());
    assert!(pages.try_next().await.unwrap().is_none());
}

#[tokio::test]
async fn a_derived_client_changes_only_what_it_sets() {
    let server = MockServer::start().await;
    given("GET", "/v1/employers")
        .and(header("x-partner", "acme"))
        .and(header("x-job", "nightly"))
        .respond_with(ok(employers(0, 1)))
        .expect(1)
        .mount(&server)
        .await;
    given("GET", "/v1/employers")
        .and(header("x-partner", "acme"))
        .respond_with(ok(employers(0, 0)))
        .expect(1)
        .mount(&server)
        .await;
    let original = Client::builder()
        .api_key("test-key")
        .base_url(server.uri())
        .max_retries(0)
        .default_header("x-partner", "acme")
        .build()
        .unwrap();
    let derived = original
        .to_builder()
        .timeout(Duration::from_secs(7))
        .deadline(Duration::from_secs(20))
        .default_header("x-job", "nightly")
        .build()
        .unwrap();

    assert_eq!(derived.timeout(), Duration::from_secs(7));
    assert_eq!(derived.deadline(), Some(Duration::from_secs(20)));
    assert_eq!(derived.base_url(), original.base_url());
    assert_eq!(derived.max_retries(), 0);
    assert_eq!(original.timeout(), vitable_connect::DEFAULT_TIMEOUT, "the original is unchanged");
    assert_eq!(original.deadline(), None);

    // The derived client sends both headers (and the API key); the original only its own.
    assert_eq!(derived.employers().list().await.unwrap().len(), 1);
    assert_eq!(original.employers().list().await.unwrap().len(), 0);

    let shown = format!("{:?}", original.to_builder());
    assert!(!shown.contains("test-key"), "{shown}");
}

#[tokio::test]
async fn a_derived_builder_is_checked_like_any_other() {
    let client = Client::new("test-key").unwrap();
    let error = client.to_builder().timeout(Duration::ZERO).build().unwrap_err();
    assert!(error.to_string().contains("timeout must be longer than zero"), "{error}");
    let error = client.to_builder().base_url("http://127.0.0.1:1/v1").build().unwrap_err();
    assert!(error.to_string().contains("leave it out"), "{error}");
}

/// A write whose outcome became unknown through one client is known as such by the clients
/// derived from it (they are one account's view of the same writes), not by a stranger.
#[tokio::test]
async fn a_derived_client_knows_which_writes_may_have_been_applied() {
    let server = raw_server::start(|_, n| match n {
        0 => raw_server::json(500, &json!({ "detail": "applied, then failed" })),
        _ => raw_server::json(401, &json!({ "detail": "key revoked" })),
    })
    .await;
    let original = client_for(&server.uri);
    let enrollment: EnrollmentId = ENROLLMENT.parse().unwrap();
    let qle: QleId = QLE.parse().unwrap();
    let first = original.enrollments().reissue(&enrollment, &qle).await.unwrap_err();
    assert!(first.outcome_unknown(), "{first}");
    let key = first.idempotency_key().expect("a write's key").to_owned();

    let derived = original.to_builder().timeout(Duration::from_secs(9)).build().unwrap();
    let resent = derived.enrollments().reissue(&enrollment, &qle).idempotency_key(&key).await.unwrap_err();
    assert_eq!(resent.status().map(|s| s.as_u16()), Some(401));
    assert!(resent.outcome_unknown(), "the derived client must say the write may be applied: {resent}");

    let stranger = client_for(&server.uri);
    let elsewhere =
        stranger.enrollments().reissue(&enrollment, &qle).idempotency_key(&key).await.unwrap_err();
    assert!(!elsewhere.outcome_unknown(), "an unrelated client knows nothing of it: {elsewhere}");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_response_names_its_http_status_apart_from_the_model() {
    let server = MockServer::start().await;
    given("GET", &format!("/v1/enrollments/{ENROLLMENT}"))
        .respond_with(ok(enrollment()).insert_header("x-request-id", "req_1"))
        .mount(&server)
        .await;
    let client = client(&server);
    let id: EnrollmentId = ENROLLMENT.parse().unwrap();
    let response = client.enrollments().retrieve(&id).send_with_response().await.unwrap();
    assert_eq!(response.http_status().as_u16(), 200);
    assert_eq!(response.value().status.as_str(), enrollment()["status"].as_str().unwrap());
    assert_eq!(response.request_id(), Some("req_1"));
    assert_eq!(response.into_inner().id, id);
}

/// Counts attempts, read back through the `Arc` the application kept.
#[derive(Default)]
struct Counter(std::sync::atomic::AtomicU32);

impl vitable_connect::Interceptor for Counter {
    fn after_attempt(&self, _: &vitable_connect::interceptor::AttemptOutcome<'_>) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

#[tokio::test]
async fn an_interceptor_registered_through_an_arc_can_be_read_back() {
    let server = MockServer::start().await;
    given("GET", "/v1/employers").respond_with(ok(employers(0, 1))).mount(&server).await;
    let counter = std::sync::Arc::new(Counter::default());
    let client = Client::builder()
        .api_key("test-key")
        .base_url(server.uri())
        .interceptor(counter.clone())
        .build()
        .unwrap();
    client.employers().list().await.unwrap();
    client.employers().list().await.unwrap();
    assert_eq!(counter.0.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[test]
fn the_http_client_is_reachable_through_the_sdk() {
    // The re-exported reqwest is the one `http_client` and `proxy` take.
    let http = vitable_connect::reqwest::Client::builder()
        .redirect(vitable_connect::reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let proxy = vitable_connect::reqwest::Proxy::http("http://127.0.0.1:9").unwrap();
    Client::builder().api_key("k").http_client(http.clone()).build().unwrap();
    Client::builder().api_key("k").proxy(proxy.clone()).build().unwrap();
    let both = Client::builder().api_key("k").http_client(http).proxy(proxy).build().unwrap_err();
    assert!(both.to_string().contains("set them on it"), "{both}");
}
