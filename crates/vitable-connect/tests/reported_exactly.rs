//! What the SDK reports is exactly what happened (issue 18): request IDs as the server sent
//! them, the outcome of a logical write across its resends, no personal data in `Debug`, the
//! API key hidden in its encoded forms, IDs that would address another resource refused, a
//! floor under server-asked retry delays, and decoding edge cases.

mod support;
use support::raw_server;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use proptest::prelude::*;
use serde_json::json;
use tokio::time::Instant;
use vitable_connect::interceptor::{AttemptOutcome, Interceptor};
use vitable_connect::{Client, EnrollmentId, Error, Method, QleId, Ssn};

const API_KEY: &str = "sk_test_reported_exactly_9f3k";

fn client(uri: &str) -> Client {
    Client::builder().api_key(API_KEY).base_url(uri).max_retries(0).build().unwrap()
}

/// The request IDs interceptors see, in order.
#[derive(Clone, Default)]
struct SeenIds(Arc<Mutex<Vec<Option<String>>>>);

impl Interceptor for SeenIds {
    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
        self.0.lock().unwrap().push(outcome.request_id().map(str::to_owned));
    }
}

// Item 1: a request ID is kept as the server sent it, in errors, responses and interceptors
// alike: nine digits in a row inside a hex ID are not an SSN.
#[tokio::test]
async fn request_ids_with_digit_runs_are_kept_as_sent_everywhere() {
    const IDS: [&str; 3] =
        ["req_d795479794d6f1a0b2c3d4e5f6a7b8c9", "req_123456789abcdef0123456789abcdef", "req_0a123456789"];
    let server = raw_server::start(|_, n| {
        let id = IDS[n / 2 % IDS.len()];
        match n % 2 {
            0 => raw_server::response(200, &[("x-request-id", id)], b"[]"),
            _ => raw_server::response(404, &[("x-request-id", id)], b"{\"detail\":\"gone\"}"),
        }
    })
    .await;
    let seen = SeenIds::default();
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(&server.uri)
        .max_retries(0)
        .interceptor(seen.clone())
        .build()
        .unwrap();
    for id in IDS {
        let ok = client.employers().list().send_with_response().await.unwrap();
        assert_eq!(ok.request_id(), Some(id));
        let error = client.employers().retrieve(&"empr_A1b2C3".parse().unwrap()).send().await.unwrap_err();
        assert_eq!(error.request_id(), Some(id), "{error}");
        assert!(error.to_string().ends_with(&format!("(request id {id})")), "{error}");
    }
    let seen = seen.0.lock().unwrap().clone();
    let expected: Vec<Option<String>> =
        IDS.iter().flat_map(|id| [Some(id.to_string()), Some(id.to_string())]).collect();
    assert_eq!(seen, expected);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Random `req_<32 hex>` IDs come back unchanged from an error and from a success.
    #[test]
    fn random_hex_request_ids_are_unchanged(hex in "[0-9a-f]{32}") {
        let id = format!("req_{hex}");
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let (from_error, from_success) = runtime.block_on(async {
            let sent = id.clone();
            let server = raw_server::start(move |_, n| match n {
                0 => raw_server::response(500, &[("x-request-id", &sent)], b"{\"detail\":\"x\"}"),
                _ => raw_server::response(200, &[("x-request-id", &sent)], b"[]"),
            })
            .await;
            let client = client(&server.uri);
            let error = client.employers().list().send().await.unwrap_err();
            let ok = client.employers().list().send_with_response().await.unwrap();
            (error.request_id().map(str::to_owned), ok.request_id().map(str::to_owned))
        });
        prop_assert_eq!(from_error.as_deref(), Some(id.as_str()));
        prop_assert_eq!(from_success.as_deref(), Some(id.as_str()));
    }
}

// Item 1: a request ID is bounded and never shows the API key, on a success as on an error.
#[tokio::test]
async fn request_ids_are_bounded_and_hide_the_key_on_success_too() {
    let long = format!("req_{}", "a".repeat(300));
    let echoed = format!("req_{API_KEY}");
    let ids = [long.clone(), echoed.clone()];
    let server = raw_server::start(move |_, n| {
        raw_server::response(200, &[("x-request-id", ids[n % 2].as_str())], b"[]")
    })
    .await;
    let client = client(&server.uri);
    let ok = client.employers().list().send_with_response().await.unwrap();
    let shown = ok.request_id().unwrap();
    assert!(shown.starts_with(&long[..128]) && shown.len() < long.len(), "{shown}");
    let ok = client.employers().list().send_with_response().await.unwrap();
    assert_eq!(ok.request_id(), Some("req_<redacted>"));
}

/// A server that applies a keyed reissue once, answers its first application with a 500,
/// and then answers every attempt of that key with the statuses of `after` in turn.
async fn applies_then_answers(after: &'static [u16]) -> (raw_server::Server, Arc<Mutex<usize>>) {
    let applied = Arc::new(Mutex::new(0));
    let count = applied.clone();
    let server = raw_server::start(move |_, n| {
        if n == 0 {
            *count.lock().unwrap() += 1;
            return raw_server::json(500, &json!({ "detail": "failed after commit" }));
        }
        let status = after.get(n - 1).copied().unwrap_or(401);
        let retry = if status == 429 { &[("retry-after", "0")][..] } else { &[] };
        raw_server::response(status, retry, b"{\"detail\":\"no\"}")
    })
    .await;
    (server, applied)
}

// Item 2: once an attempt of a write may have been applied, every later error of that write
// (its builder and the clones sent again) says so, whatever it is.
#[tokio::test]
async fn a_write_that_may_have_been_applied_says_so_in_every_later_error() {
    let (server, applied) = applies_then_answers(&[429, 401, 403, 409, 400]).await;
    let client = client(&server.uri);
    let enrollment: EnrollmentId = support::ENROLLMENT.parse().unwrap();
    let qle: QleId = support::QLE.parse().unwrap();
    let reissue = client.enrollments().reissue(&enrollment, &qle).reason("New child");

    let first = reissue.clone().send().await.unwrap_err();
    assert!(first.outcome_unknown(), "a 500 to a write: {first}");
    for status in [429, 401, 403, 409, 400] {
        let later = reissue.clone().send().await.unwrap_err();
        assert_eq!(later.status().map(|s| s.as_u16()), Some(status));
        assert!(later.outcome_unknown(), "the first attempt may have been applied: {later}");
        assert_eq!(later.idempotency_key(), first.idempotency_key());
        assert!(later.to_string().contains("may have been applied"), "{later}");
    }
    assert_eq!(*applied.lock().unwrap(), 1);

    // Another builder is another logical write: its errors know nothing of the first.
    let other = client.enrollments().reissue(&enrollment, &qle).reason("New child").send().await.unwrap_err();
    assert!(!other.outcome_unknown(), "{other}");
}

// Item 2, within one call: a 500 after applying, then retries answered 429 and 401.
#[tokio::test]
async fn a_retried_write_that_ends_with_a_401_after_a_500_says_it_may_have_been_applied() {
    let (server, _) = applies_then_answers(&[429, 401]).await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(&server.uri)
        .retry_policy(vitable_connect::RetryPolicy::default().with_initial_backoff(Duration::ZERO))
        .build()
        .unwrap();
    let enrollment: EnrollmentId = support::ENROLLMENT.parse().unwrap();
    let qle: QleId = support::QLE.parse().unwrap();
    let error = client.enrollments().reissue(&enrollment, &qle).send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert!(error.outcome_unknown(), "{error}");
    assert_eq!(server.requests().len(), 3);
}

// Item 4: a raw request's `Debug` shows its shape, never its values.
#[test]
fn a_raw_request_debug_shows_no_values() {
    let client = Client::builder().api_key(API_KEY).base_url("http://127.0.0.1:9").build().unwrap();
    let ssn: Ssn = "123-45-6789".parse().unwrap();
    let request = client
        .raw(Method::POST, "/v1/people/{ssn}/notes")
        .path_param("ssn", ssn.expose())
        .query("dob", "1990-04-01")
        .query("ssn", ssn.expose())
        .json(&json!({ "ssn": ssn, "note": "Dana Smith, 1 Main St" }));
    let shown = format!("{request:?}");
    for secret in ["6789", "123456789", "1990-04-01", "Dana", "Main St", API_KEY] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    for shape in ["POST", "/v1/people/{ssn}/notes", "dob", "raw_request"] {
        assert!(shown.contains(shape), "{shape} missing from {shown}");
    }
}

/// `text` with every byte percent-encoded (as a server may echo it in a URL).
fn percent_encoded(text: &str, upper: bool) -> String {
    text.bytes().map(|b| if upper { format!("%{b:02X}") } else { format!("%{b:02x}") }).collect()
}

/// `text` with every character `\u`-escaped, as JSON may write it.
fn unicode_escaped(text: &str) -> String {
    text.chars().map(|c| format!("\\u{:04x}", c as u32)).collect()
}

// Item 5: the key echoed percent-encoded (in a `Location` or a `detail`) or `\u`-escaped
// (in a body that is not JSON) is hidden like the key itself.
#[tokio::test]
async fn the_key_echoed_in_encoded_forms_is_hidden() {
    let encoded_upper = percent_encoded(API_KEY, true);
    let encoded_lower = percent_encoded(API_KEY, false);
    // Only the characters outside the unreserved set encoded, as most encoders do.
    let partly = API_KEY.replace('_', "%5F");
    let escaped = unicode_escaped(API_KEY);
    let cases: Vec<raw_server::Act> = vec![
        raw_server::response(
            302,
            &[("location", &format!("https://elsewhere.example/?k={encoded_upper}"))],
            b"",
        ),
        raw_server::json(400, &json!({ "detail": format!("bad key {encoded_lower}") })),
        raw_server::json(400, &json!({ "detail": format!("bad key {partly}") })),
        raw_server::response(
            502,
            &[("content-type", "text/plain")],
            format!("{{bad json \"{escaped}\"").as_bytes(),
        ),
        raw_server::response(401, &[("x-echo", &format!("k={encoded_upper}"))], b"{}"),
    ];
    let cases = Arc::new(Mutex::new(cases.into_iter()));
    let server = raw_server::start(move |_, _| cases.lock().unwrap().next().unwrap()).await;
    let client = client(&server.uri);
    for case in 0..5 {
        let error = client.employers().list().send().await.unwrap_err();
        let shown = format!("{error} {error:?}");
        for form in [API_KEY, &encoded_upper, &encoded_lower, &partly, &escaped, &escaped[..30]] {
            assert!(!shown.contains(form), "case {case}: {form} in {shown}");
        }
        if case < 4 {
            assert!(shown.contains("<redacted>"), "case {case}: {shown}");
        }
        if case == 4 {
            assert!(error.as_api().unwrap().headers["x-echo"].is_sensitive());
        }
    }
}

// Item 6: an ID with a control character (possible in one the server sent) would go out with
// the character dropped, addressing another resource: it is refused before sending.
#[tokio::test]
async fn ids_with_control_characters_are_refused_before_sending() {
    let server = raw_server::start(|_, _| raw_server::json(200, &support::enrollment())).await;
    let client = client(&server.uri);
    for id in ["enrl_8fK\r\n2x9", "enrl_8fK2x9\n", "enrl_\t8fK2x9", "enrl_8fK\u{7f}2x9", "enrl_8fK\u{85}2x9"]
    {
        // As it would arrive in a response: IDs from the server are not checked on decoding.
        let id: EnrollmentId = serde_json::from_value(json!(id)).unwrap();
        let error = client.enrollments().retrieve(&id).send().await.unwrap_err();
        let Error::InvalidInput(invalid) = &error else { panic!("{error:?}") };
        assert!(invalid.problem.contains("control character"), "{invalid}");
        assert!(!invalid.problem.contains('\n') && !invalid.problem.contains('\r'), "{invalid}");
    }
    let raw = client.raw(Method::GET, "/v1/x/{id}").path_param("id", "a\r\nb").send_raw().await.unwrap_err();
    assert!(matches!(raw, Error::InvalidInput(_)), "{raw:?}");
    assert!(server.requests().is_empty(), "nothing is sent");
}

// Item 7: `Retry-After: 0` does not make attempts follow each other at once: a small floor,
// with jitter, stays between them.
#[tokio::test(start_paused = true)]
async fn retry_after_zero_keeps_a_floor_between_attempts() {
    let times = Arc::new(Mutex::new(Vec::new()));
    let seen = times.clone();
    let server = raw_server::start(move |_, _| {
        seen.lock().unwrap().push(Instant::now());
        raw_server::response(503, &[("retry-after", "0")], b"{}")
    })
    .await;
    let client = Client::builder().api_key(API_KEY).base_url(&server.uri).max_retries(5).build().unwrap();
    client.employers().list().send().await.unwrap_err();
    let times = times.lock().unwrap();
    assert_eq!(times.len(), 6);
    let gaps: Vec<Duration> = times.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.iter().all(|gap| *gap >= vitable_connect::MIN_RETRY_DELAY), "{gaps:?}");
    assert!(gaps.iter().all(|gap| *gap <= vitable_connect::MIN_RETRY_DELAY * 2), "{gaps:?}");
    // Jittered: not all the same.
    assert!(gaps.iter().any(|gap| *gap != gaps[0]), "{gaps:?}");
}

// Item 7: the floor never lengthens a wait the server asked for.
#[tokio::test(start_paused = true)]
async fn a_longer_server_delay_is_kept_as_asked() {
    let times = Arc::new(Mutex::new(Vec::new()));
    let seen = times.clone();
    let server = raw_server::start(move |_, n| {
        seen.lock().unwrap().push(Instant::now());
        match n {
            0 => raw_server::response(503, &[("retry-after", "2")], b"{}"),
            _ => raw_server::response(200, &[], b"[]"),
        }
    })
    .await;
    let client = Client::builder().api_key(API_KEY).base_url(&server.uri).build().unwrap();
    client.employers().list().send().await.unwrap();
    let times = times.lock().unwrap();
    let gap = times[1] - times[0];
    assert!(gap >= Duration::from_secs(2) && gap < Duration::from_millis(2100), "{gap:?}");
}

// Item 8: `-0` is zero, in an integer field as anywhere.
#[tokio::test]
async fn negative_zero_in_an_integer_field_decodes_as_zero() {
    let mut body = support::plan_year();
    let text = body
        .to_string()
        .replace("\"employee_contribution_cents\":5000", "\"employee_contribution_cents\":-0");
    body = serde_json::from_str(&text).unwrap_or(body);
    assert!(text.contains(":-0"), "the fixture holds the field");
    let server = raw_server::start(move |_, _| {
        raw_server::response(200, &[("content-type", "application/json")], text.as_bytes())
    })
    .await;
    let _ = body;
    let client = client(&server.uri);
    let plan_year = client.plan_years().retrieve(&support::PLAN_YEAR.parse().unwrap()).send().await.unwrap();
    assert_eq!(plan_year.contribution_classes[0].employee_contribution_cents, 0);
}

// Item 8: what the typed decode takes, `ApiResponse::json()` takes too, or says clearly why not.
#[tokio::test]
async fn json_of_a_response_the_typed_decode_took_succeeds_or_says_why() {
    let huge = support::employer().to_string().replacen('{', "{\"future_amount\":1e400,", 1);
    let deep = support::employer().to_string().replacen(
        '{',
        &format!("{{\"future_tree\":{}1{},", "[".repeat(200), "]".repeat(200)),
        1,
    );
    let bodies = [huge, deep];
    let served = bodies.clone();
    let server = raw_server::start(move |_, n| {
        raw_server::response(200, &[("content-type", "application/json")], served[n].as_bytes())
    })
    .await;
    let client = client(&server.uri);
    for body in &bodies {
        let employer = client
            .employers()
            .retrieve(&support::EMPLOYER.parse().unwrap())
            .send_with_response()
            .await
            .expect("the typed decode ignores the unknown field");
        match employer.json() {
            Ok(value) => assert_eq!(value["id"], support::EMPLOYER),
            Err(Error::Decode(e)) => {
                assert!(
                    e.message.contains("serde_json::Value cannot hold") && e.message.contains("body()"),
                    "a clear reason and a way out: {e}"
                );
            }
            Err(other) => panic!("{other:?}"),
        }
        assert_eq!(employer.body(), body.as_bytes());
    }
}

// Item 9: a raw path whose segments hold a parameter after other text, or a brace left open.
#[tokio::test]
async fn raw_paths_with_text_before_a_parameter_or_an_open_brace() {
    let server = raw_server::start(|_, _| raw_server::response(200, &[], b"{}")).await;
    let client = client(&server.uri);
    client.raw(Method::GET, "/v1/x/é{id}").path_param("id", "a1").send_raw().await.unwrap();
    client.raw(Method::GET, "/v1/x/{id}é").path_param("id", "b2").send_raw().await.unwrap();
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/v1/x/%C3%A9a1", "/v1/x/b2%C3%A9"]);
    for path in ["/v1/x/{id", "/v1/x/id}", "/v1/x/{id}}"] {
        let error = client.raw(Method::GET, path).path_param("id", "a1").send_raw().await.unwrap_err();
        let Error::InvalidInput(invalid) = &error else { panic!("{path}: {error:?}") };
        assert!(invalid.problem.contains("bad path template"), "{path}: {invalid}");
    }
    assert_eq!(server.requests().len(), 2, "a bad template sends nothing");
}
