//! The SDK against servers that misbehave: bodies that never end or are far too large,
//! redirects, answers that never come, pages longer than asked for, IDs that try to change the
//! path. Every server is local (127.0.0.1). Where time matters, the test runs on tokio's paused
//! clock with the server on the same runtime, so durations are virtual and exact.

mod support;
use support::raw_server;

use std::time::Duration;

use http::StatusCode;
use raw_server::Act;
use serde_json::json;
use vitable_connect::{Client, EnrollmentId, Error, QleId};

const API_KEY: &str = "sk_test_hostile_key";

fn client(base_url: &str) -> Client {
    Client::builder().api_key(API_KEY).base_url(base_url).build().unwrap()
}

/// The shared employer fixture with another ID.
fn employer(id: &str) -> serde_json::Value {
    support::with(support::employer(), json!({ "id": id }))
}

/// The shared enrollment fixture with another ID.
fn enrollment(id: &str) -> serde_json::Value {
    support::with(support::enrollment(), json!({ "id": id }))
}

fn enrollment_id() -> EnrollmentId {
    "enrl_8fK2x9".parse().unwrap()
}

fn employee_id() -> vitable_connect::EmployeeId {
    "empl_5Nq1Zt".parse().unwrap()
}

fn qle_id() -> QleId {
    "qle_3Jd82k".parse().unwrap()
}

/// Fails the test instead of hanging when the SDK does not bound a call.
async fn bounded<T>(what: &str, call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), call)
        .await
        .unwrap_or_else(|_| panic!("{what}: the call was still running after 30 s"))
}

// --- Response size and the timeout of the body ------------------------------------------

#[tokio::test]
async fn a_success_body_over_the_size_limit_is_refused_while_it_streams_in() {
    // A body that never ends, sent as fast as the client reads it.
    let server = raw_server::start(|_, _| Act::Stream {
        head: raw_server::chunked_head(200),
        chunk: 64 * 1024,
        fill: b' ',
        every: Duration::ZERO,
    })
    .await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(&server.uri)
        .max_response_size(1024 * 1024)
        .max_retries(0)
        .build()
        .unwrap();
    let error = bounded("endless body", client.employers().list().send()).await.unwrap_err();
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: 1_048_576, status: StatusCode::OK, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("larger than the limit of 1048576 bytes"), "{error}");
    assert!(!error.is_retryable());
    assert!(
        server.streamed() < 64 * 1024 * 1024,
        "the client stopped reading: {} bytes sent",
        server.streamed()
    );
}

#[tokio::test]
async fn the_default_size_limit_applies_without_configuration() {
    let over = vitable_connect::DEFAULT_MAX_RESPONSE_SIZE as usize + 1;
    let server = raw_server::start(move |_, _| {
        let mut body = b"[".to_vec();
        body.resize(over - 1, b' ');
        body.push(b']');
        raw_server::response(200, &[("content-type", "application/json")], &body)
    })
    .await;
    let error = bounded("large body", client(&server.uri).employers().list().send()).await.unwrap_err();
    assert!(matches!(error, Error::ResponseTooLarge { .. }), "{error:?}");
    assert_eq!(server.requests().len(), 1, "not retried");
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_before_reading() {
    // The head announces 1 GiB; not one byte of it follows, so only the head can decide.
    let server = raw_server::start(|_, _| {
        Act::Send(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1073741824\r\n\r\n"
                .to_vec(),
        )
    })
    .await;
    let error = bounded("announced body", client(&server.uri).employers().list().send()).await.unwrap_err();
    assert!(matches!(error, Error::ResponseTooLarge { .. }), "{error:?}");
}

#[tokio::test]
async fn a_large_error_body_is_read_only_as_far_as_the_error_needs() {
    // A 500 whose body never ends: the error is built from its start.
    let server = raw_server::start(|_, _| Act::Stream {
        head: raw_server::chunked_head(500),
        chunk: 64 * 1024,
        fill: b'x',
        every: Duration::ZERO,
    })
    .await;
    let client = Client::builder().api_key(API_KEY).base_url(&server.uri).max_retries(0).build().unwrap();
    let error = bounded("endless error body", client.employers().list().send()).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR), "{error:?}");
    let shown = error.to_string();
    assert!(shown.len() < 4096, "{} characters", shown.len());
    assert!(server.streamed() < 64 * 1024 * 1024, "{} bytes sent", server.streamed());
}

#[tokio::test(start_paused = true)]
async fn the_timeout_covers_reading_the_body() {
    // The head at once, then one byte of body every second, forever.
    let server = raw_server::start(|_, _| Act::Stream {
        head: raw_server::chunked_head(200),
        chunk: 1,
        fill: b' ',
        every: Duration::from_secs(1),
    })
    .await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(&server.uri)
        .timeout(Duration::from_secs(8))
        .max_retries(0)
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let error = bounded("trickling body", client.employers().list().send()).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert_eq!(started.elapsed(), Duration::from_secs(8), "virtual time");
}

// --- Redirects ------------------------------------------------------------------------------

#[tokio::test]
async fn a_redirected_write_is_not_followed_to_another_host() {
    for status in [301, 302, 303, 307, 308] {
        let elsewhere =
            raw_server::start(|_, n| raw_server::json(200, &enrollment(&format!("enrl_{n}")))).await;
        let location = format!("{}/v1/enrollments/enrl_8fK2x9/reissue", elsewhere.uri);
        let redirecting = {
            let location = location.clone();
            raw_server::start(move |_, _| raw_server::response(status, &[("location", &location)], b"")).await
        };
        let result = bounded(
            "redirected write",
            client(&redirecting.uri).enrollments().reissue(&enrollment_id(), &qle_id()).send(),
        )
        .await;
        let error = result.expect_err("a redirected write is not a success");
        assert!(elsewhere.requests().is_empty(), "{status}: the write went to the other host");
        assert_eq!(redirecting.requests().len(), 1, "{status}: not retried");
        assert!(!error.is_retryable(), "{status}");
        let Error::Redirect { status: got, location: Some(shown), .. } = &error else {
            panic!("{status}: expected Error::Redirect, got {error:?}")
        };
        assert_eq!(got.as_u16(), status);
        assert_eq!(shown, &location);
        assert!(error.to_string().contains(&location), "{error}");
    }
}

#[tokio::test]
async fn a_redirected_read_names_the_status_and_the_location() {
    let server =
        raw_server::start(|_, _| raw_server::response(302, &[("location", "/v1/elsewhere")], b"")).await;
    let error = bounded("redirected read", client(&server.uri).employers().list().send()).await.unwrap_err();
    assert_eq!(server.requests().len(), 1, "neither followed nor retried");
    let shown = error.to_string();
    assert!(shown.contains("302") && shown.contains("/v1/elsewhere"), "{shown}");
}

#[tokio::test]
async fn a_redirect_followed_by_the_callers_own_http_client_is_not_a_success() {
    let elsewhere = raw_server::start(|_, _| raw_server::json(200, &json!([]))).await;
    let location = format!("{}/v1/employers", elsewhere.uri);
    let server =
        raw_server::start(move |_, _| raw_server::response(302, &[("location", &location)], b"")).await;
    // A client of the caller's that follows redirects (reqwest's default).
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(&server.uri)
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    let error = bounded("followed redirect", client.employers().list().send()).await.unwrap_err();
    assert!(matches!(error, Error::Redirect { .. }), "{error:?}");
}

// --- The deadline of a whole call ---------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn a_deadline_bounds_the_whole_call_against_a_server_that_never_answers() {
    let server = raw_server::start(|_, _| Act::Hang).await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(&server.uri)
        .deadline(Duration::from_secs(10))
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let error = bounded("hanging server", client.employers().list().send()).await.unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_secs(10), "virtual time");
    assert!(
        matches!(error, Error::Timeout { after: Some(d), .. } if d == Duration::from_secs(10)),
        "{error:?}"
    );
    assert!(error.to_string().contains("deadline"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn without_a_deadline_the_defaults_take_three_timeouts_and_the_backoff() {
    // The documented worst case of the defaults against a server that never answers.
    let server = raw_server::start(|_, _| Act::Hang).await;
    let started = tokio::time::Instant::now();
    let error = bounded_long(client(&server.uri).employers().list().send()).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    let took = started.elapsed();
    assert_eq!(server.requests().len(), 3);
    // 3 × 60 s, and between them backoffs of at most 0.5 s and 1 s.
    assert!(took >= Duration::from_secs(180) && took <= Duration::from_millis(181_500), "{took:?}");
}

async fn bounded_long<T>(call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(3600), call).await.expect("bounded")
}

#[tokio::test(start_paused = true)]
async fn a_wait_the_server_asks_for_is_not_taken_past_the_deadline() {
    let server = raw_server::start(|_, _| {
        raw_server::response(503, &[("retry-after", "60")], b"{\"detail\":\"busy\"}")
    })
    .await;
    let started = tokio::time::Instant::now();
    let error = client(&server.uri)
        .employers()
        .list()
        .timeout(Duration::from_secs(2))
        .deadline(Duration::from_secs(30))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE), "{error:?}");
    assert_eq!(server.requests().len(), 1, "a 60 s wait does not fit in a 30 s deadline");
    assert_eq!(started.elapsed(), Duration::ZERO, "nothing was waited for");
}

#[tokio::test(start_paused = true)]
async fn retries_stop_at_the_deadline() {
    let server = raw_server::start(|_, _| raw_server::response(503, &[("retry-after", "4")], b"")).await;
    let started = tokio::time::Instant::now();
    let error = client(&server.uri)
        .employers()
        .list()
        .max_retries(10)
        .deadline(Duration::from_secs(10))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    // Attempts at 0, 4 and 8 s; the next wait would end at 12 s, past the deadline.
    assert_eq!(server.requests().len(), 3);
    assert_eq!(started.elapsed(), Duration::from_secs(8));
}

// --- Kinds of error -------------------------------------------------------------------------

#[tokio::test]
async fn a_url_too_long_to_send_is_invalid_input_and_nothing_is_sent() {
    let server = raw_server::start(|_, _| raw_server::json(200, &json!([]))).await;
    let error = client(&server.uri).employers().list().name("x".repeat(64 * 1024)).send().await.unwrap_err();
    assert!(matches!(&error, Error::InvalidInput(e) if e.field == "request"), "{error:?}");
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("URL"), "{error}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_conflict_is_not_retried_unless_the_server_says_so() {
    let conflict = b"{\"detail\":\"an active employee has this SSN\",\"code\":\"duplicate_employee\"}";
    let server = raw_server::start(move |_, _| raw_server::response(409, &[], conflict)).await;
    let error =
        client(&server.uri).enrollments().reissue(&enrollment_id(), &qle_id()).send().await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::CONFLICT));
    assert!(!error.is_retryable(), "a conflict does not go away by itself");
    assert_eq!(server.requests().len(), 1);

    let transient = raw_server::start(move |_, n| match n {
        0 => raw_server::response(409, &[("x-should-retry", "true")], conflict),
        _ => raw_server::json(200, &enrollment("enrl_8fK2x9")),
    })
    .await;
    client(&transient.uri).enrollments().reissue(&enrollment_id(), &qle_id()).send().await.unwrap();
    assert_eq!(transient.requests().len(), 2, "x-should-retry: true is honoured first");
}

// --- Writes whose outcome is unknown -------------------------------------------------------

#[tokio::test]
async fn a_write_whose_response_was_lost_says_so_and_carries_its_key() {
    // The first attempt is dropped after the request arrived; the next ones get 503.
    let server = raw_server::start(|_, n| match n {
        0 => Act::Drop,
        _ => raw_server::json(503, &json!({ "detail": "unavailable" })),
    })
    .await;
    let reissue = client(&server.uri).enrollments().reissue(&enrollment_id(), &qle_id());
    let error = reissue.clone().send().await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert!(error.outcome_unknown(), "the first attempt may have been applied");
    let requests = server.requests();
    let sent = requests[0].header("idempotency-key").unwrap().to_owned();
    assert_eq!(error.idempotency_key(), Some(sent.as_str()));
    assert!(error.to_string().contains(&sent), "{error}");

    // A clone of the builder is the same logical write: it sends the same key.
    let _ = reissue.clone().max_retries(0).send().await;
    assert_eq!(server.requests().last().unwrap().header("idempotency-key"), Some(sent.as_str()));
}

#[tokio::test]
async fn a_write_refused_before_it_reached_the_api_is_not_unknown() {
    let server = raw_server::start(|_, _| raw_server::response(429, &[("retry-after", "0")], b"")).await;
    let error =
        client(&server.uri).enrollments().reissue(&enrollment_id(), &qle_id()).send().await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert!(!error.outcome_unknown());
    assert!(error.idempotency_key().is_some(), "the key is there to resend with");
    let read = client(&server.uri).employers().list().send().await.unwrap_err();
    assert_eq!(read.idempotency_key(), None, "a read has no key");
}

#[tokio::test]
async fn a_write_that_timed_out_is_unknown() {
    let server = raw_server::start(|_, _| Act::Hang).await;
    let error = client(&server.uri)
        .enrollments()
        .reissue(&enrollment_id(), &qle_id())
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(error.outcome_unknown() && error.idempotency_key().is_some(), "{error:?}");
}

#[tokio::test]
async fn separately_built_writes_have_separate_keys_and_a_set_key_is_kept_by_clones() {
    let server = raw_server::start(|_, _| raw_server::json(200, &enrollment("enrl_8fK2x9"))).await;
    let client = client(&server.uri);
    let a = client.enrollments().reissue(&enrollment_id(), &qle_id());
    let b = client.enrollments().reissue(&enrollment_id(), &qle_id());
    a.clone().send().await.unwrap();
    a.send().await.unwrap();
    b.send().await.unwrap();
    let own = client.enrollments().reissue(&enrollment_id(), &qle_id()).idempotency_key("order-77-reissue");
    own.clone().send().await.unwrap();
    let keys: Vec<String> =
        server.requests().iter().map(|r| r.header("idempotency-key").unwrap().to_owned()).collect();
    assert_eq!(keys[0], keys[1], "a clone sends its builder's key");
    assert_ne!(keys[1], keys[2], "another builder, another write");
    assert_eq!(keys[3], "order-77-reissue");
}

// --- Pages and IDs from the server ----------------------------------------------------------

#[tokio::test]
async fn a_page_longer_than_the_limit_stops_the_stream_with_an_error() {
    let server = raw_server::start(|_, n| {
        let count = if n == 0 { 2 } else { 3 };
        let page: Vec<_> = (0..count).map(|i| employer(&format!("empr_{n}x{i}"))).collect();
        raw_server::json(200, &serde_json::Value::Array(page))
    })
    .await;
    let items: Vec<_> = client(&server.uri).employers().list().limit(2).stream().collect().await;
    assert_eq!(items.len(), 3, "two items of page 1, then the error: {items:?}");
    assert!(items[0].is_ok() && items[1].is_ok());
    let error = items[2].as_ref().unwrap_err();
    assert!(matches!(error, Error::PageTooLong { page: 2, limit: 2, items: 3, .. }), "{error:?}");
    assert_eq!(server.requests().len(), 2, "no page after the bad one");
}

#[tokio::test]
async fn ids_from_the_server_cannot_change_the_path_they_are_sent_in() {
    for hostile in ["enrl_../../v1/employers", "enrl_x/../../admin", "enrl_%2e%2e", "enrl_?page=2#x"] {
        let server = raw_server::start(move |_, n| match n {
            0 => raw_server::json(200, &json!([enrollment(hostile)])),
            _ => raw_server::json(200, &enrollment(hostile)),
        })
        .await;
        let client = client(&server.uri);
        let listed = client.employees().enrollments().list(&employee_id()).send().await.unwrap();
        let id = &listed[0].id;
        client.enrollments().retrieve(id).send().await.unwrap();
        let target = server.requests()[1].target.clone();
        let segments: Vec<&str> = target.split('?').next().unwrap().split('/').collect();
        assert_eq!(segments.len(), 4, "{hostile}: {target}");
        assert_eq!(&segments[..3], ["", "v1", "enrollments"], "{hostile}: {target}");
        assert!(!target.contains('?') && !target.contains('#'), "{hostile}: {target}");
    }
    for dots in ["", ".", ".."] {
        let server = raw_server::start(move |_, _| raw_server::json(200, &json!([enrollment(dots)]))).await;
        let client = client(&server.uri);
        let listed = client.employees().enrollments().list(&employee_id()).send().await.unwrap();
        let error = client.enrollments().retrieve(&listed[0].id).send().await.unwrap_err();
        assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
        assert_eq!(server.requests().len(), 1, "nothing sent for {dots:?}");
    }
}

// --- Generated answers ----------------------------------------------------------------------

mod generated {
    use proptest::prelude::*;

    use super::*;

    /// Header names the SDK reads, and one it does not.
    const NAMES: [&str; 8] = [
        "retry-after",
        "retry-after-ms",
        "x-should-retry",
        "x-request-id",
        "location",
        "content-type",
        "content-encoding",
        "x-other",
    ];

    /// Bytes a server can put in a header value (no CR or LF).
    fn value() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::collection::vec(prop_oneof![Just(b'\t'), 0x20u8..0x7f, 0x80u8..=0xff], 0..64),
            any::<f64>().prop_map(|n| n.to_string().into_bytes()),
            any::<u64>().prop_map(|n| n.to_string().into_bytes()),
            Just(API_KEY.as_bytes().to_vec()),
            Just(b"123-45-6789".to_vec()),
        ]
    }

    /// A body: random bytes, or JSON shaped like the API's errors and models with random parts.
    fn body() -> impl Strategy<Value = Vec<u8>> {
        let text = "[ -~]{0,40}|123-45-6789|sk_test_hostile_key";
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..512),
            (text, text, proptest::collection::btree_map(text, proptest::collection::vec(text, 0..3), 0..4))
                .prop_map(|(detail, code, errors)| {
                    json!({ "detail": detail, "code": code, "errors": errors }).to_string().into_bytes()
                }),
            (text, any::<i64>(), any::<bool>()).prop_map(|(s, n, b)| {
                json!({ "id": s, "status": s, "name": n, "active": b, "created_at": s })
                    .to_string()
                    .into_bytes()
            }),
            Just(b"[".repeat(10_000)),
        ]
    }

    fn answer(status: u16, headers: &[(usize, Vec<u8>)], body: &[u8], chunked: bool) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {status} X\r\nconnection: close\r\n").into_bytes();
        for (name, value) in headers {
            out.extend_from_slice(NAMES[*name].as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value);
            out.extend_from_slice(b"\r\n");
        }
        if chunked {
            out.extend_from_slice(
                format!("transfer-encoding: chunked\r\n\r\n{:x}\r\n", body.len()).as_bytes(),
            );
            out.extend_from_slice(body);
            out.extend_from_slice(b"\r\n0\r\n\r\n");
        } else {
            out.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
            out.extend_from_slice(body);
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        /// Any status, headers and body, for a read and for a write: no panic, the call ends
        /// by its deadline, and no error shows the API key or an SSN.
        #[test]
        fn any_answer_is_a_result_within_the_deadline(
            status in 200u16..600,
            headers in proptest::collection::vec((0..NAMES.len(), value()), 0..6),
            body in body(),
            chunked in any::<bool>(),
            write in any::<bool>(),
        ) {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap();
            runtime.block_on(async {
                let raw = answer(status, &headers, &body, chunked);
                let server = raw_server::start(move |_, _| Act::Send(raw.clone())).await;
                let client = Client::builder()
                    .api_key(API_KEY)
                    .base_url(&server.uri)
                    .deadline(Duration::from_secs(120))
                    .build()
                    .unwrap();
                let started = tokio::time::Instant::now();
                let shown = if write {
                    let result = client.enrollments().reissue(&enrollment_id(), &qle_id()).send().await;
                    result.err().map(|e| format!("{e} {e:?}"))
                } else {
                    let result = client.employers().list().send().await;
                    result.err().map(|e| format!("{e} {e:?}"))
                };
                prop_assert!(started.elapsed() <= Duration::from_secs(120));
                if let Some(shown) = shown {
                    prop_assert!(!shown.contains(API_KEY), "{}", shown);
                    prop_assert!(!shown.contains("123-45-6789"), "{}", shown);
                }
                Ok(())
            })?;
        }
    }
}

// --- Findings of the review of the fixes ----------------------------------------------------

#[tokio::test]
async fn a_body_that_breaks_off_is_retried_like_a_lost_answer() {
    let page = json!([employer("empr_A1b2C3")]).to_string();
    let server = raw_server::start(move |_, n| match n {
        // A chunked body cut off by the connection closing.
        0 => Act::Send(format!("{}10\r\n[{{\"id\":\"e", raw_server::chunked_head(200)).into_bytes()),
        // A declared length the body never reaches.
        1 => Act::Send(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n[".to_vec(),
        ),
        _ => raw_server::json(200, &serde_json::from_str(&page).unwrap()),
    })
    .await;
    let employers = client(&server.uri).employers().list().send().await.unwrap();
    assert_eq!(employers.len(), 1);
    assert_eq!(server.requests().len(), 3, "each broken body was retried");
}

#[tokio::test(start_paused = true)]
async fn a_body_that_stalls_is_retried_after_the_timeout() {
    let server = raw_server::start(|_, n| match n {
        0 => Act::Stream {
            head: raw_server::chunked_head(200),
            chunk: 1,
            fill: b' ',
            every: Duration::from_secs(3600),
        },
        _ => raw_server::json(200, &json!([])),
    })
    .await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(&server.uri)
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    client.employers().list().send().await.unwrap();
    assert_eq!(server.requests().len(), 2);
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(2) && waited <= Duration::from_millis(2500), "{waited:?}");
}

#[tokio::test]
async fn a_write_applied_but_answered_with_an_undecodable_body_carries_its_key() {
    let server = raw_server::start(|_, n| match n {
        0 => Act::Drop,
        _ => raw_server::json(200, &json!({ "id": 5 })),
    })
    .await;
    let error =
        client(&server.uri).enrollments().reissue(&enrollment_id(), &qle_id()).send().await.unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    let sent = server.requests()[1].header("idempotency-key").unwrap().to_owned();
    assert_eq!(error.idempotency_key(), Some(sent.as_str()));
    assert!(!error.outcome_unknown(), "the success says it was applied");
}

#[tokio::test]
async fn the_raw_json_of_a_response_hides_an_echoed_key() {
    let server = raw_server::start(|_, _| {
        raw_server::response(
            200,
            &[("x-request-id", &format!("req_{API_KEY}"))],
            format!("echo {API_KEY}").as_bytes(),
        )
    })
    .await;
    let response =
        client(&server.uri).employees().terminate(&"empl_5Nq1Zt".parse().unwrap()).send_with_response().await;
    let error = response.unwrap().json().unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(API_KEY), "{shown}");
}

#[tokio::test]
async fn a_connection_error_does_not_show_the_query() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let error =
        client(&uri).employers().list().name("Jane 123-45-6789").max_retries(0).send().await.unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    assert!(!shown.contains("6789") && !shown.contains("Jane"), "{shown}");
}

#[tokio::test(start_paused = true)]
async fn an_error_body_at_exactly_the_read_limit_is_not_waited_on() {
    // 64 KiB of an error body, then nothing more for an hour.
    let server = raw_server::start(|_, _| Act::Stream {
        head: raw_server::chunked_head(500),
        chunk: 64 * 1024,
        fill: b'x',
        every: Duration::from_secs(3600),
    })
    .await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(&server.uri)
        .timeout(Duration::from_secs(10))
        .max_retries(0)
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let error = client.employers().list().send().await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR), "{error:?}");
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_deadline_that_runs_out_on_a_later_attempt_is_reported_whole() {
    let server = raw_server::start(|_, n| match n {
        0 => raw_server::response(503, &[("retry-after", "4")], b""),
        _ => Act::Hang,
    })
    .await;
    let error =
        client(&server.uri).employers().list().deadline(Duration::from_secs(10)).send().await.unwrap_err();
    assert!(
        matches!(error, Error::Timeout { after: Some(d), deadline: true, .. } if d == Duration::from_secs(10)),
        "{error:?}"
    );
    assert!(error.to_string().contains("after 10s (the deadline of the call)"), "{error}");
}

#[tokio::test]
async fn an_informational_final_answer_to_a_write_leaves_its_outcome_unknown() {
    let server = raw_server::start(|_, _| {
        Act::Send(b"HTTP/1.1 101 Switching Protocols\r\nupgrade: x\r\nconnection: upgrade\r\n\r\n".to_vec())
    })
    .await;
    let result =
        client(&server.uri).enrollments().reissue(&enrollment_id(), &qle_id()).max_retries(0).send().await;
    let error = result.unwrap_err();
    assert!(error.outcome_unknown(), "{error:?}");
}
