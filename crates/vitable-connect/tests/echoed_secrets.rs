//! The API key or an SSN echoed by a server never shows in an error's `Display` or `Debug`,
//! wherever the server put it: `x-request-id`, a field-error name or message, `code`,
//! `detail`, a non-JSON body, a decode message, any response header (value or name). Headers
//! that carry credentials are always marked sensitive. An SSN or the key pasted where an ID
//! belongs does not show in the `IdError` either. A property test sends arbitrary bodies and
//! headers holding a random key and a random SSN (security review, issue 11, item 5).

use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::json;
use vitable_connect::{Client, EnrollmentId, Error};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API_KEY: &str = "sk_test_ECHOED_KEY_42";
const SSN_DASHED: &str = "123-45-6789";
const SSN_DIGITS: &str = "123456789";
const RETRIEVE_PATH: &str = "/v1/enrollments/enrl_8fK2x9";

fn client(base_url: &str, key: &str) -> Client {
    Client::builder().api_key(key).base_url(base_url).max_retries(0).build().unwrap()
}

/// `enrollments.retrieve` with `key`, answered with `response` by a server on 127.0.0.1.
async fn error_from_key(key: &str, response: ResponseTemplate) -> Error {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path(RETRIEVE_PATH)).respond_with(response).expect(1).mount(&server).await;
    let id: EnrollmentId = "enrl_8fK2x9".parse().unwrap();
    client(&server.uri(), key).enrollments().retrieve(&id).send().await.unwrap_err()
}

async fn error_from(response: ResponseTemplate) -> Error {
    error_from_key(API_KEY, response).await
}

/// `Display`, `Debug`, `{:#?}` of the error and of each of its sources.
fn rendered(error: &Error) -> String {
    let mut out = format!("{error}\n{error:?}\n{error:#?}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        out.push_str(&format!("\n{cause}\n{cause:?}"));
        source = cause.source();
    }
    out
}

/// Panics if the error shows the key (in any case) or the SSN, in either form, or their ends.
#[track_caller]
fn assert_hidden(error: &Error) {
    let shown = rendered(error);
    let lower = shown.to_ascii_lowercase();
    for secret in [API_KEY, "ECHOED_KEY", SSN_DASHED, SSN_DIGITS, "45-6789", "3456789"] {
        assert!(!lower.contains(&secret.to_ascii_lowercase()), "the error shows `{secret}`:\n{shown}");
    }
}

#[tokio::test]
async fn a_request_id_echoing_the_key_and_an_ssn_hides_both() {
    for id in [format!("req_{API_KEY}_{SSN_DASHED}"), SSN_DIGITS.to_owned(), API_KEY.to_owned()] {
        let response = ResponseTemplate::new(500)
            .set_body_json(json!({ "detail": "boom" }))
            .insert_header("x-request-id", id.as_str());
        let error = error_from(response).await;
        assert_hidden(&error);
        assert!(error.request_id().is_some(), "the request id is kept, masked");
    }
    let error = error_from(
        ResponseTemplate::new(500)
            .set_body_json(json!({ "detail": "boom" }))
            .insert_header("x-request-id", format!("req_{API_KEY}_{SSN_DASHED}").as_str()),
    )
    .await;
    assert_eq!(error.request_id(), Some("req_<redacted>_***-**-****"));
}

#[tokio::test]
async fn a_decode_error_with_a_request_id_echoing_the_key_and_an_ssn_hides_both() {
    let response = ResponseTemplate::new(200)
        .set_body_json(json!({ "id": 7 }))
        .insert_header("x-request-id", format!("{SSN_DASHED}/{API_KEY}").as_str());
    let error = error_from(response).await;
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert_hidden(&error);
    assert_eq!(error.request_id(), Some("***-**-****/<redacted>"));
}

#[tokio::test]
async fn field_error_names_echoing_the_key_and_an_ssn_hide_both() {
    let body = json!({
        "detail": "Invalid",
        "errors": {
            SSN_DASHED: ["is already enrolled"],
            SSN_DIGITS: "taken",
            API_KEY: ["is not a field"],
            format!("ssn[{SSN_DASHED}]"): ["bad"],
            "reason": ["too long"],
        }
    });
    let error = error_from(ResponseTemplate::new(422).set_body_json(body)).await;
    assert_hidden(&error);
    let fields = &error.as_api().unwrap().field_errors;
    assert_eq!(fields["reason"], ["too long"]);
    assert_eq!(fields["ssn[***-**-****]"], ["bad"]);
    assert_eq!(fields["<redacted>"], ["is not a field"]);
    // The two SSN forms mask to the same name: their messages are kept together.
    assert_eq!(fields["***-**-****"].len(), 2);
}

#[tokio::test]
async fn the_key_and_an_ssn_in_a_code_detail_message_or_body_are_hidden() {
    let text = format!("{API_KEY} {SSN_DASHED} {SSN_DIGITS}");
    let bodies = [
        ResponseTemplate::new(400).set_body_json(json!({ "code": text, "detail": text })),
        ResponseTemplate::new(400).set_body_json(json!({ "message": text, "errors": { "x": [text, 5] } })),
        ResponseTemplate::new(400).set_body_json(json!({ "error": text, "errors": { "x": { "y": text } } })),
        ResponseTemplate::new(502).set_body_raw(format!("<html>{text}</html>"), "text/html"),
        ResponseTemplate::new(200).set_body_json(json!({ "status": text })),
    ];
    for response in bodies {
        assert_hidden(&error_from(response).await);
    }
}

#[tokio::test]
async fn response_headers_echoing_the_key_or_an_ssn_are_marked_sensitive() {
    let response = ResponseTemplate::new(401)
        .set_body_json(json!({ "detail": "Invalid API key" }))
        .insert_header("x-echo-authorization", format!("Bearer {API_KEY}").as_str())
        .insert_header("x-member-ssn", SSN_DASHED)
        .insert_header("x-member-ssn-digits", format!("ssn={SSN_DIGITS}").as_str())
        .insert_header("x-plain", "kept");
    let error = error_from(response).await;
    assert_hidden(&error);
    let headers = &error.as_api().unwrap().headers;
    for name in ["x-echo-authorization", "x-member-ssn", "x-member-ssn-digits"] {
        assert!(headers[name].is_sensitive(), "{name} is not marked sensitive");
    }
    assert!(!headers["x-plain"].is_sensitive());
    assert!(format!("{error:?}").contains("\"x-plain\": \"kept\""), "{error:?}");
    // The values are still there for a program to read.
    assert_eq!(headers["x-member-ssn"], SSN_DASHED);
}

#[tokio::test]
async fn credential_headers_are_always_marked_sensitive() {
    let response = ResponseTemplate::new(401)
        .set_body_json(json!({ "detail": "Invalid API key" }))
        .append_header("set-cookie", "session=s3cr3t-session; HttpOnly")
        .append_header("set-cookie", "csrf=s3cr3t-csrf")
        .insert_header("www-authenticate", "Bearer realm=\"s3cr3t-realm\"")
        .insert_header("proxy-authenticate", "Basic realm=\"s3cr3t-proxy\"")
        .insert_header("authorization", "Bearer s3cr3t-auth")
        .insert_header("cookie", "a=s3cr3t-cookie");
    let error = error_from(response).await;
    let shown = rendered(&error);
    assert!(!shown.contains("s3cr3t"), "{shown}");
    let headers = &error.as_api().unwrap().headers;
    assert_eq!(headers.get_all("set-cookie").iter().count(), 2);
    for name in ["set-cookie", "www-authenticate", "proxy-authenticate", "authorization", "cookie"] {
        assert!(headers.get_all(name).iter().all(|v| v.is_sensitive()), "{name} is not marked sensitive");
    }
}

#[tokio::test]
async fn a_header_whose_name_shows_the_key_or_an_ssn_is_left_out() {
    let key_name = format!("x-{}", API_KEY.to_ascii_lowercase());
    let response = ResponseTemplate::new(400)
        .set_body_json(json!({ "detail": "bad" }))
        .insert_header(format!("x-{SSN_DASHED}").as_str(), "1")
        .insert_header(format!("x-ssn-{SSN_DIGITS}").as_str(), "2")
        .insert_header(key_name.as_str(), "3")
        .insert_header("x-other", "4");
    let error = error_from(response).await;
    assert_hidden(&error);
    let headers = &error.as_api().unwrap().headers;
    assert_eq!(headers["x-other"], "4");
    assert!(!headers.contains_key(key_name.as_str()));
}

#[tokio::test]
async fn a_key_with_nine_digits_in_it_is_hidden_whole_although_the_digits_look_like_an_ssn() {
    const KEY: &str = "sk_live_abc123456789xyz_tail";
    let response = ResponseTemplate::new(400)
        .set_body_json(json!({ "detail": format!("key {KEY} revoked"), "code": KEY }))
        .insert_header("x-request-id", format!("req-{KEY}").as_str());
    let error = error_from_key(KEY, response).await;
    let shown = rendered(&error);
    for part in ["sk_live", "abc", "xyz_tail"] {
        assert!(!shown.contains(part), "shows {part:?}:\n{shown}");
    }
    assert_eq!(error.as_api().unwrap().detail.as_deref(), Some("key <redacted> revoked"));
}

#[test]
fn an_ssn_or_the_key_pasted_where_an_id_belongs_is_not_shown() {
    fn parse(text: &str) -> vitable_connect::Result<EnrollmentId> {
        Ok(text.parse::<EnrollmentId>()?)
    }
    for pasted in [SSN_DASHED, SSN_DIGITS, API_KEY, &format!("enrl_{SSN_DIGITS}x{API_KEY}!")] {
        let error = parse(pasted).unwrap_err();
        assert!(matches!(error, Error::InvalidId(_)), "{error:?}");
        assert_hidden(&error);
        assert!(error.to_string().starts_with("expected an enrollment ID (enrl_…), got "), "{error}");
    }
}

// ---------------------------------------------------------------------------------------------
// Arbitrary bodies and headers holding a random key and a random SSN
// ---------------------------------------------------------------------------------------------

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
    })
}

/// A piece of server text: filler, the key or the SSN.
#[derive(Debug, Clone)]
enum Piece {
    Filler(String),
    Key,
    Ssn,
}

/// Text without digits (the SSN is masked when it stands alone, as a server would echo it),
/// sometimes long enough to put a secret across one of the limits where text is cut.
fn filler() -> impl Strategy<Value = Piece> {
    let padding = prop_oneof![
        0usize..12,
        100usize..130,
        225usize..260,
        480usize..515,
        990usize..1025,
        2020usize..2050,
    ];
    prop_oneof![
        "[a-zA-Z .:=/_\\-]{0,12}".prop_map(Piece::Filler),
        (padding, "[a-z]").prop_map(|(n, c)| Piece::Filler(c.repeat(n))),
    ]
}

/// Text holding the key and the SSN, in some order, with filler around them.
fn text() -> impl Strategy<Value = Vec<Piece>> {
    proptest::collection::vec(prop_oneof![3 => filler(), 1 => Just(Piece::Key), 1 => Just(Piece::Ssn)], 1..6)
}

#[derive(Debug, Clone)]
struct Secrets {
    key: String,
    ssn: String,
}

fn secrets() -> impl Strategy<Value = Secrets> {
    ("[a-z]{2,4}_[A-Za-z0-9_]{6,30}", prop_oneof!["[0-9]{3}-[0-9]{2}-[0-9]{4}", "[0-9]{9}"])
        .prop_map(|(key, ssn)| Secrets { key, ssn })
}

impl Secrets {
    fn render(&self, pieces: &[Piece]) -> String {
        let mut out = String::new();
        for piece in pieces {
            match piece {
                Piece::Filler(text) => out.push_str(text),
                Piece::Key => out.push_str(&self.key),
                // Between non-digits, as an SSN stands in a message.
                Piece::Ssn => {
                    out.push(' ');
                    out.push_str(&self.ssn);
                    out.push(' ');
                }
            }
        }
        out
    }

    /// Panics unless `shown` is free of the key and the SSN (and of any 8 characters of the
    /// key, or 7 of the SSN, in a row).
    fn assert_hidden(&self, shown: &str) -> Result<(), TestCaseError> {
        let lower = shown.to_ascii_lowercase();
        let key = self.key.to_ascii_lowercase();
        for window in key.as_bytes().windows(8.min(key.len())) {
            let window = std::str::from_utf8(window).unwrap();
            prop_assert!(!lower.contains(window), "shows {:?} of the key {:?}:\n{}", window, self.key, shown);
        }
        for window in self.ssn.as_bytes().windows(7) {
            let window = std::str::from_utf8(window).unwrap();
            prop_assert!(!shown.contains(window), "shows {:?} of the SSN {:?}:\n{}", window, self.ssn, shown);
        }
        Ok(())
    }
}

/// A whole response: its shape, status, texts and headers.
#[derive(Debug, Clone)]
struct Answer {
    shape: u8,
    status: u16,
    texts: Vec<Vec<Piece>>,
    headers: Vec<(u8, Vec<Piece>)>,
}

fn answer() -> impl Strategy<Value = Answer> {
    (
        0u8..5,
        prop_oneof![Just(200u16), 400u16..=451, 500u16..=504],
        proptest::collection::vec(text(), 6),
        proptest::collection::vec((0u8..6, text()), 0..4),
    )
        .prop_map(|(shape, status, texts, headers)| Answer { shape, status, texts, headers })
}

impl Answer {
    fn response(&self, secrets: &Secrets) -> ResponseTemplate {
        let t = |i: usize| secrets.render(&self.texts[i]);
        let body: Vec<u8> = match self.shape {
            // An error body of the API's shape, every text holding secrets.
            0 => serde_json::to_vec(&json!({
                "detail": t(0),
                "code": t(1),
                "errors": { t(2): [t(3), t(4)], "other": t(5) },
            }))
            .unwrap(),
            // Other keys of a message, nested field messages.
            1 => serde_json::to_vec(&json!({
                "message": t(0),
                "errors": { t(1): { "nested": t(2) }, t(3): [1, t(4)] },
            }))
            .unwrap(),
            // Not JSON.
            2 => t(0).into_bytes(),
            // JSON of another shape.
            3 => serde_json::to_vec(&json!([t(0), { t(1): t(2) }])).unwrap(),
            // A body that does not decode as an enrollment (for a success).
            _ => serde_json::to_vec(
                &json!({ "id": "enrl_1", "employee_contribution_cents": t(0), t(1): t(2) }),
            )
            .unwrap(),
        };
        let mut response = ResponseTemplate::new(self.status).set_body_raw(body, "application/json");
        for (kind, text) in &self.headers {
            let value = secrets.render(text);
            response = match kind {
                0 => response.insert_header("x-request-id", value.as_str()),
                1 => response.append_header("set-cookie", format!("session={value}").as_str()),
                2 => response.insert_header("x-echo", value.as_str()),
                3 => response.insert_header("www-authenticate", value.as_str()),
                4 => response.insert_header(format!("x-{}", secrets.key.to_ascii_lowercase()).as_str(), "1"),
                _ => response.insert_header(format!("x-{}", secrets.ssn).as_str(), value.as_str()),
            };
        }
        response
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn a_random_key_and_ssn_in_any_body_or_header_never_show(secrets in secrets(), answer in answer()) {
        let response = answer.response(&secrets);
        let result = runtime().block_on(async {
            let server = MockServer::start().await;
            Mock::given(method("GET")).and(path(RETRIEVE_PATH)).respond_with(response).mount(&server).await;
            let id: EnrollmentId = "enrl_8fK2x9".parse().unwrap();
            client(&server.uri(), &secrets.key).enrollments().retrieve(&id).send().await
        });
        match result {
            Err(error) => secrets.assert_hidden(&rendered(&error))?,
            Ok(_) => prop_assert!(false, "no error for {:?}", answer),
        }
    }

    #[test]
    fn a_random_key_or_ssn_parsed_as_an_id_never_shows(secrets in secrets(), pieces in text()) {
        let pasted = secrets.render(&pieces);
        if let Err(error) = pasted.parse::<EnrollmentId>() {
            let error = Error::from(error);
            secrets.assert_hidden(&rendered(&error))?;
        }
    }
}
