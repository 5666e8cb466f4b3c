//! The extension points against local servers (127.0.0.1): interceptors (a rotating bearer
//! token, per-attempt metrics, no way around redaction), the retry policy, and raw requests
//! to endpoints the spec does not have. (The request span's fields: `span_fields.rs`.)

mod support;
use support::raw_server;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::StatusCode;
use raw_server::Act;
use serde_json::json;
use tokio::time::Instant;
use vitable_connect::interceptor::{
    AttemptFailure, AttemptOutcome, AttemptRequest, HeaderError, Interceptor,
};
use vitable_connect::{Client, Error, Method, RetryPolicy};

const API_KEY: &str = "sk_test_extensions_key";

fn builder(uri: &str) -> vitable_connect::ClientBuilder {
    Client::builder().api_key(API_KEY).base_url(uri)
}

/// The shared employer fixture with another ID.
fn employer(id: &str) -> serde_json::Value {
    support::with(support::employer(), json!({ "id": id }))
}

/// Answers `statuses[n]` to the `n`th request (the last one after that), with an employer
/// list for a success.
async fn scripted(statuses: &'static [u16]) -> raw_server::Server {
    raw_server::start(move |_, n| {
        let status = statuses[n.min(statuses.len() - 1)];
        if status < 300 {
            raw_server::json(status, &json!([employer("empr_A1b2C3")]))
        } else {
            raw_server::response(
                status,
                &[("retry-after", "0"), ("x-request-id", &format!("req_{n}"))],
                b"{}",
            )
        }
    })
    .await
}

// --- Interceptors ---------------------------------------------------------------------------

/// Hands out a new token for every attempt: `token-1`, `token-2`, ...
struct RotatingToken(AtomicU32);

impl Interceptor for RotatingToken {
    fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        request.set_header("authorization", &format!("Bearer sk_rotated_token_{n}")).unwrap();
    }
}

#[tokio::test]
async fn a_rotating_bearer_token_replaces_the_api_key_on_every_attempt() {
    let server = scripted(&[503, 503, 200]).await;
    let client = builder(&server.uri).interceptor(RotatingToken(AtomicU32::new(0))).build().unwrap();
    client.employers().list().send().await.unwrap();
    let sent: Vec<String> =
        server.requests().iter().map(|r| r.header("authorization").unwrap().to_owned()).collect();
    assert_eq!(sent, ["Bearer sk_rotated_token_1", "Bearer sk_rotated_token_2", "Bearer sk_rotated_token_3"]);
}

#[derive(Default)]
struct Metrics(Mutex<Vec<String>>);

impl Interceptor for Metrics {
    fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
        let key = request.idempotency_key().map(|k| k.len()).unwrap_or(0);
        self.0.lock().unwrap().push(format!(
            "before {} #{} {} {} key:{key}",
            request.operation(),
            request.attempt(),
            request.method(),
            request.path()
        ));
    }

    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
        self.0.lock().unwrap().push(format!(
            "after {} #{} {:?} {:?} error:{:?} retry:{} id:{:?}",
            outcome.operation(),
            outcome.attempt(),
            outcome.status().map(|s| s.as_u16()),
            outcome.failure(),
            outcome.error_type(),
            outcome.will_retry(),
            outcome.request_id(),
        ));
        assert!(outcome.latency() < Duration::from_secs(60));
    }
}

#[tokio::test]
async fn per_attempt_metrics_match_the_retries_the_transport_made() {
    let server = scripted(&[503, 429, 200]).await;
    let metrics = Arc::new(Metrics::default());
    let client = builder(&server.uri).interceptor(SharedMetrics(metrics.clone())).build().unwrap();
    client.employers().list().send().await.unwrap();
    assert_eq!(server.requests().len(), 3);
    assert_eq!(
        *metrics.0.lock().unwrap(),
        [
            "before employers.list #1 GET /v1/employers key:0",
            "after employers.list #1 Some(503) None error:Some(\"503\") retry:true id:Some(\"req_0\")",
            "before employers.list #2 GET /v1/employers key:0",
            "after employers.list #2 Some(429) None error:Some(\"429\") retry:true id:Some(\"req_1\")",
            "before employers.list #3 GET /v1/employers key:0",
            "after employers.list #3 Some(200) None error:None retry:false id:None",
        ]
    );

    // Out of retries: the last attempt says it is not retried; a write shows its key.
    let failing = scripted(&[500]).await;
    let metrics = Arc::new(Metrics::default());
    let client =
        builder(&failing.uri).max_retries(1).interceptor(SharedMetrics(metrics.clone())).build().unwrap();
    let qle = "qle_3Jd82k".parse().unwrap();
    let error = client.enrollments().reissue(&"enrl_8fK2x9".parse().unwrap(), &qle).send().await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    let seen = metrics.0.lock().unwrap().clone();
    assert_eq!(seen.len(), 4, "{seen:?}");
    assert!(
        seen[0].starts_with("before enrollments.reissue #1 POST /v1/enrollments/enrl_8fK2x9/reissue key:")
    );
    assert!(!seen[0].ends_with("key:0"), "a write's attempt sees its idempotency key: {}", seen[0]);
    assert!(seen[1].contains("retry:true") && seen[3].contains("retry:false"), "{seen:?}");
}

#[tokio::test]
async fn an_attempt_without_a_response_is_reported_with_its_failure() {
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let metrics = Arc::new(Metrics::default());
    let client = builder(&uri).max_retries(0).interceptor(SharedMetrics(metrics.clone())).build().unwrap();
    client.employers().list().send().await.unwrap_err();
    let seen = metrics.0.lock().unwrap().clone();
    assert_eq!(
        seen[1],
        "after employers.list #1 None Some(Connect) error:Some(\"connect\") retry:false id:None"
    );

    let hanging = raw_server::start(|_, _| Act::Hang).await;
    let metrics = Arc::new(Metrics::default());
    let client = builder(&hanging.uri)
        .max_retries(0)
        .timeout(Duration::from_millis(50))
        .interceptor(SharedMetrics(metrics.clone()))
        .build()
        .unwrap();
    client.employers().list().send().await.unwrap_err();
    let seen = metrics.0.lock().unwrap().clone();
    assert!(seen[1].contains(&format!("{:?}", Some(AttemptFailure::Timeout))), "{seen:?}");
}

/// An `Arc` of an interceptor is one too, so a test can keep a handle on it.
struct SharedMetrics(Arc<Metrics>);

impl Interceptor for SharedMetrics {
    fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
        self.0.before_attempt(request)
    }
    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
        self.0.after_attempt(outcome)
    }
}

#[tokio::test]
async fn an_interceptor_cannot_change_framing_headers_or_the_idempotency_key() {
    struct Meddler(Mutex<Vec<HeaderError>>);
    impl Interceptor for Meddler {
        fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
            let mut refused = self.0.lock().unwrap();
            for name in ["host", "content-length", "transfer-encoding", "idempotency-key"] {
                refused.push(request.set_header(name, "x").unwrap_err());
            }
            refused.push(request.remove_header("authorization").unwrap_err());
            refused.push(request.set_header("bad header", "x").unwrap_err());
            request.set_header("x-extra", "yes").unwrap();
        }
    }
    let server = scripted(&[200]).await;
    let meddler = Arc::new(Meddler(Mutex::new(Vec::new())));
    struct Shared(Arc<Meddler>);
    impl Interceptor for Shared {
        fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
            self.0.before_attempt(request)
        }
    }
    let client = builder(&server.uri).interceptor(Shared(meddler.clone())).build().unwrap();
    client.employers().list().send().await.unwrap();
    assert_eq!(
        *meddler.0.lock().unwrap(),
        [
            HeaderError::Reserved,
            HeaderError::Reserved,
            HeaderError::Reserved,
            HeaderError::Reserved,
            HeaderError::Reserved,
            HeaderError::Invalid
        ]
    );
    let request = &server.requests()[0];
    assert_eq!(request.header("x-extra"), Some("yes"));
    assert_eq!(request.header("authorization"), Some(format!("Bearer {API_KEY}").as_str()));
}

#[tokio::test]
async fn a_token_set_by_an_interceptor_is_hidden_like_the_api_key() {
    // The server echoes the token it got into its error, its request id and a header.
    let server = raw_server::start(|request, _| {
        let value = request.header("authorization").unwrap_or_default();
        let token = value.split_once(' ').map_or(value, |(_, t)| t).to_owned();
        let body = json!({ "detail": format!("token {token} has expired"), "code": token }).to_string();
        raw_server::response(401, &[("x-request-id", &token), ("x-echo", &token)], body.as_bytes())
    })
    .await;
    /// Sets a token under `scheme` and keeps the request id each attempt reports.
    struct Token(&'static str, Mutex<Vec<Option<String>>>);
    impl Interceptor for Token {
        fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
            request.set_header("authorization", &format!("{} sk_rotated_token_1", self.0)).unwrap();
        }
        fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
            self.1.lock().unwrap().push(outcome.request_id().map(str::to_owned));
        }
    }
    struct Shared(Arc<Token>);
    impl Interceptor for Shared {
        fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
            self.0.before_attempt(request)
        }
        fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
            self.0.after_attempt(outcome)
        }
    }
    for scheme in ["Bearer", "bearer", "Basic", "Token"] {
        let token = Arc::new(Token(scheme, Mutex::new(Vec::new())));
        let client = builder(&server.uri).interceptor(Shared(token.clone())).build().unwrap();
        let error = client.employers().list().send().await.unwrap_err();
        let shown = format!("{error} {error:?} {:?}", token.1.lock().unwrap());
        assert!(!shown.contains("sk_rotated_token_1"), "{scheme}: {shown}");
        assert!(shown.contains("has expired") && shown.contains("<redacted>"), "{scheme}: {shown}");
    }
}

#[tokio::test]
async fn the_debug_of_an_attempt_shows_header_names_only() {
    struct Show(Mutex<String>);
    impl Interceptor for Show {
        fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
            request.set_header("authorization", "Bearer sk_rotated_secret_9").unwrap();
            *self.0.lock().unwrap() = format!("{request:?} {:?}", request.headers());
        }
    }
    struct Shared(Arc<Show>);
    impl Interceptor for Shared {
        fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
            self.0.before_attempt(request)
        }
    }
    let server = scripted(&[200]).await;
    let show = Arc::new(Show(Mutex::new(String::new())));
    let client = builder(&server.uri).interceptor(Shared(show.clone())).build().unwrap();
    client.employers().list().send().await.unwrap();
    let shown = show.0.lock().unwrap().clone();
    assert!(shown.contains("authorization") && shown.contains("Sensitive"), "{shown}");
    assert!(!shown.contains("sk_rotated_secret_9") && !shown.contains(API_KEY), "{shown}");
}

// --- Retry policy -----------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn the_retry_policy_sets_the_count_and_the_backoff() {
    let server = raw_server::start(|_, _| raw_server::response(503, &[], b"{}")).await;
    let policy = RetryPolicy::default()
        .with_max_retries(3)
        .with_initial_backoff(Duration::from_secs(1))
        .with_max_backoff(Duration::from_secs(3))
        .with_jitter(0.0);
    let client = builder(&server.uri).retry_policy(policy).build().unwrap();
    assert_eq!(client.retry_policy(), policy);
    assert_eq!(client.max_retries(), 3);
    let started = Instant::now();
    client.employers().list().send().await.unwrap_err();
    assert_eq!(server.requests().len(), 4);
    // 1 s, 2 s, then 4 s capped at 3 s, without jitter.
    assert_eq!(started.elapsed(), Duration::from_secs(6));
}

#[tokio::test(start_paused = true)]
async fn a_request_overrides_the_clients_policy_and_max_retries_its_count() {
    let server = raw_server::start(|_, _| raw_server::response(503, &[], b"{}")).await;
    let client = builder(&server.uri).retry_policy(RetryPolicy::none()).build().unwrap();
    let policy = RetryPolicy::default().with_initial_backoff(Duration::from_millis(100)).with_jitter(0.0);
    let started = Instant::now();
    client.employers().list().retry_policy(policy).send().await.unwrap_err();
    assert_eq!(server.requests().len(), 3, "the request's policy: 2 retries");
    assert_eq!(started.elapsed(), Duration::from_millis(300));
    client.employers().list().retry_policy(policy).max_retries(1).send().await.unwrap_err();
    assert_eq!(server.requests().len(), 5, "max_retries overrides the count only");
}

#[tokio::test(start_paused = true)]
async fn the_default_policy_is_the_documented_behaviour() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.max_retries(), vitable_connect::DEFAULT_MAX_RETRIES);
    assert_eq!(policy.initial_backoff(), vitable_connect::INITIAL_BACKOFF);
    assert_eq!(policy.max_backoff(), vitable_connect::MAX_BACKOFF);
    assert_eq!(policy.jitter(), vitable_connect::JITTER);
    let server = raw_server::start(|_, _| raw_server::response(503, &[], b"{}")).await;
    let started = Instant::now();
    builder(&server.uri).build().unwrap().employers().list().send().await.unwrap_err();
    let waited = started.elapsed();
    // 0.5 s + 1 s, each less up to 25%.
    assert!(waited <= Duration::from_millis(1500) && waited >= Duration::from_millis(1125), "{waited:?}");
}

#[tokio::test]
async fn a_policy_that_cannot_be_used_is_refused() {
    for (policy, problem) in [
        (RetryPolicy::default().with_jitter(1.5), "jitter"),
        (RetryPolicy::default().with_jitter(f64::NAN), "jitter"),
        (
            RetryPolicy::default()
                .with_initial_backoff(Duration::from_secs(9))
                .with_max_backoff(Duration::from_secs(1)),
            "initial backoff",
        ),
    ] {
        let error = Client::builder().api_key(API_KEY).retry_policy(policy).build().unwrap_err();
        assert!(error.to_string().contains(problem), "{error}");
        let server = scripted(&[200]).await;
        let error =
            builder(&server.uri).build().unwrap().employers().list().retry_policy(policy).send().await;
        let error = error.unwrap_err();
        assert!(matches!(&error, Error::InvalidInput(e) if e.field == "retry_policy"), "{error:?}");
        assert!(server.requests().is_empty());
    }
}

// --- Raw requests -----------------------------------------------------------------------------

#[tokio::test]
async fn a_raw_request_goes_through_auth_retries_keys_interceptors_and_errors() {
    let server = raw_server::start(|_, n| match n {
        0 => raw_server::response(503, &[("retry-after", "0")], b"{}"),
        _ => raw_server::json(201, &json!({ "id": "doc_1", "url": "https://files.example/doc_1" })),
    })
    .await;
    let metrics = Arc::new(Metrics::default());
    let client = builder(&server.uri).interceptor(SharedMetrics(metrics.clone())).build().unwrap();
    #[derive(serde::Deserialize)]
    struct Document {
        id: String,
    }
    let document: Document = client
        .raw(Method::POST, "/v1/employees/{employee_id}/documents")
        .name("employees.documents.create")
        .path_param("employee_id", "empl_5N/q1")
        .query("notify", true)
        .query("kind", "w4")
        .json(&json!({ "kind": "w4" }))
        .send()
        .await
        .unwrap();
    assert_eq!(document.id, "doc_1");
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "retried like any operation");
    for request in &requests {
        assert_eq!(request.method, "POST");
        assert_eq!(request.target, "/v1/employees/empl_5N%2Fq1/documents?notify=true&kind=w4");
        assert_eq!(request.header("authorization"), Some(format!("Bearer {API_KEY}").as_str()));
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(request.body, br#"{"kind":"w4"}"#);
    }
    let key = requests[0].header("idempotency-key").unwrap();
    assert_eq!(requests[1].header("idempotency-key"), Some(key), "one key across retries");
    assert!(metrics.0.lock().unwrap()[0].starts_with("before employees.documents.create #1 POST"));

    // Errors are the SDK's errors, named after the request.
    let failing =
        raw_server::start(|_, _| raw_server::json(404, &json!({ "detail": "no such document" }))).await;
    let client = builder(&failing.uri).build().unwrap();
    let error = client.raw(Method::GET, "/v1/documents/doc_9").send::<serde_json::Value>().await.unwrap_err();
    assert_eq!(error.to_string(), "404 Not Found from raw_request: no such document");
}

#[tokio::test]
async fn a_raw_response_is_returned_as_received() {
    let server = raw_server::start(|_, _| {
        raw_server::response(200, &[("x-request-id", "req_raw")], b"plain text, not JSON")
    })
    .await;
    let client = builder(&server.uri).build().unwrap();
    let response = client.raw(Method::GET, "/v1/health").send_raw().await.unwrap();
    assert_eq!(response.http_status(), StatusCode::OK);
    assert_eq!(response.body(), b"plain text, not JSON");
    assert_eq!(response.request_id(), Some("req_raw"));
    let value: serde_json::Value = client.raw(Method::GET, "/v1/health").send().await.unwrap_or_default();
    assert_eq!(value, serde_json::Value::Null, "not JSON: decoded as null");
}

#[tokio::test]
async fn a_raw_path_that_would_leave_the_api_is_refused_before_sending() {
    let server = scripted(&[200]).await;
    let client = builder(&server.uri).build().unwrap();
    for path in ["v1/x", "/v1/x?admin=1", "/v1/x#y", "/v1/../admin", "/v1/./x"] {
        let error = client.raw(Method::GET, path).send_raw().await.unwrap_err();
        assert!(matches!(&error, Error::InvalidInput(e) if e.field == "path"), "{path}: {error:?}");
    }
    let error = client.raw(Method::GET, "/v1/x/{id}").send_raw().await.unwrap_err();
    assert!(error.to_string().contains("id was not given"), "{error}");
    let error = client.raw(Method::GET, "/v1/x/{id}").path_param("id", "..").send_raw().await.unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
    let error =
        client.raw(Method::GET, "/v1/x").query("filter", json!({ "a": 1 })).send_raw().await.unwrap_err();
    assert!(matches!(&error, Error::InvalidInput(e) if e.field == "query"), "{error:?}");
    assert!(server.requests().is_empty());
}
