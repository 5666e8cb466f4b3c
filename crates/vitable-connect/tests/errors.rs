//! How failures come back: error statuses as `Error::Api` (kind, status, detail, code, field
//! errors, request id, a one-line `Display`), error bodies of any shape, success bodies that do
//! not decode (`Error::Decode` naming the JSON path), broken connections, and SSNs masked in
//! every message. Arbitrary bodies never panic (proptest).

mod support;

use std::sync::OnceLock;

use http::StatusCode;
use proptest::prelude::*;
use serde_json::json;
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use vitable_connect::{ApiError, ApiErrorKind, DecodeError, Enrollment, EnrollmentStatus, Error};
use wiremock::{MockServer, ResponseTemplate};

const RETRIEVE_PATH: &str = "/v1/enrollments/enrl_8fK2x9";

/// `enrollments.retrieve` against a server answering `response`.
async fn retrieve_answered_with(response: ResponseTemplate) -> vitable_connect::Result<Enrollment> {
    let server = MockServer::start().await;
    given("GET", RETRIEVE_PATH).respond_with(response).expect(1).mount(&server).await;
    client(&server).enrollments().retrieve(&ENROLLMENT.parse().unwrap()).send().await
}

#[track_caller]
fn api_error(result: vitable_connect::Result<impl std::fmt::Debug>) -> Box<ApiError> {
    match result {
        Err(Error::Api(error)) => error,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

#[track_caller]
fn decode_error(result: vitable_connect::Result<impl std::fmt::Debug>) -> Box<DecodeError> {
    match result {
        Err(Error::Decode(error)) => error,
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[track_caller]
fn assert_one_line(text: &str) {
    assert!(!text.contains(['\n', '\r']), "not one line: {text:?}");
}

// ---------------------------------------------------------------------------------------------
// Error statuses
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn each_error_status_maps_to_its_kind_with_the_servers_details() {
    let cases = [
        (400, ApiErrorKind::BadRequest, false),
        (401, ApiErrorKind::Unauthorized, false),
        (403, ApiErrorKind::Forbidden, false),
        (404, ApiErrorKind::NotFound, false),
        (409, ApiErrorKind::Conflict, false),
        (422, ApiErrorKind::Unprocessable, false),
        (429, ApiErrorKind::RateLimited, true),
        (500, ApiErrorKind::Server, true),
        (503, ApiErrorKind::Server, true),
        (418, ApiErrorKind::Other, false),
    ];
    for (status, kind, retryable) in cases {
        let body = json!({
            "detail": format!("Request failed with {status}"),
            "code": format!("code_{status}"),
            "errors": { "reason": ["too long", "must be plain text"], "qle_id": ["unknown"] }
        });
        let response = ResponseTemplate::new(status)
            .set_body_json(body)
            .insert_header("x-request-id", format!("req_{status}").as_str())
            .insert_header("retry-after", "0");

        let error = retrieve_answered_with(response).await.unwrap_err();

        assert_eq!(error.status(), Some(StatusCode::from_u16(status).unwrap()), "{status}");
        assert_eq!(error.request_id(), Some(format!("req_{status}").as_str()));
        assert_eq!(error.is_retryable(), retryable, "{status}");
        let api = error.as_api().unwrap_or_else(|| panic!("{status}: {error:?}"));
        assert_eq!(api.kind, kind, "{status}");
        assert_eq!(api.kind, ApiErrorKind::from_status(api.status));
        assert_eq!(api.operation, "enrollments.retrieve");
        assert_eq!(api.detail.as_deref(), Some(format!("Request failed with {status}").as_str()));
        assert_eq!(api.code.as_deref(), Some(format!("code_{status}").as_str()));
        assert_eq!(api.field_errors["reason"], ["too long", "must be plain text"]);
        assert_eq!(api.field_errors["qle_id"], ["unknown"]);
        assert_eq!(api.body_snippet, None, "a JSON error body is picked apart, not kept raw");
        assert_eq!(api.headers["x-request-id"], format!("req_{status}").as_str());

        let shown = error.to_string();
        assert_one_line(&shown);
        let reason = StatusCode::from_u16(status).unwrap().canonical_reason().unwrap();
        assert_eq!(
            shown,
            format!(
                "{status} {reason} from enrollments.retrieve: Request failed with {status} \
                 [qle_id: unknown, reason: too long; must be plain text] (request id req_{status})"
            )
        );
    }
}

#[tokio::test]
async fn a_404_on_reissue_displays_as_one_exact_line() {
    let server = MockServer::start().await;
    given("POST", "/v1/enrollments/enrl_8fK2x9/reissue")
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({ "detail": "No enrollment matches enrl_8fK2x9", "code": "not_found" }))
                .insert_header("x-request-id", "req_123"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .enrollments()
        .reissue(&ENROLLMENT.parse().unwrap(), &QLE.parse().unwrap())
        .reason("New child")
        .send()
        .await
        .unwrap_err();

    assert_eq!(
        error.to_string(),
        "404 Not Found from enrollments.reissue: No enrollment matches enrl_8fK2x9 (request id req_123)"
    );
    let api = error.as_api().unwrap();
    assert_eq!(api.kind, ApiErrorKind::NotFound);
    assert_eq!(api.code.as_deref(), Some("not_found"));
    assert!(api.field_errors.is_empty());
}

#[tokio::test]
async fn without_an_x_request_id_header_the_error_has_no_request_id() {
    let response = ResponseTemplate::new(401).set_body_json(json!({ "detail": "Invalid API key" }));

    let error = retrieve_answered_with(response).await.unwrap_err();

    assert_eq!(error.request_id(), None);
    assert_eq!(error.to_string(), "401 Unauthorized from enrollments.retrieve: Invalid API key");
}

// ---------------------------------------------------------------------------------------------
// Error bodies of other shapes
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_json_message_instead_of_detail_becomes_the_detail() {
    let error = api_error(
        retrieve_answered_with(ResponseTemplate::new(400).set_body_json(json!({ "message": "x" }))).await,
    );

    assert_eq!(error.detail.as_deref(), Some("x"));
    assert_eq!(error.to_string(), "400 Bad Request from enrollments.retrieve: x");
}

#[tokio::test]
async fn json_that_is_not_an_object_is_kept_as_a_snippet() {
    let error =
        api_error(retrieve_answered_with(ResponseTemplate::new(400).set_body_json(json!([1, 2]))).await);

    assert_eq!(error.detail, None);
    assert_eq!(error.body_snippet.as_deref(), Some("[1,2]"));
    assert_eq!(error.to_string(), "400 Bad Request from enrollments.retrieve: [1,2]");
}

#[tokio::test]
async fn field_errors_given_as_plain_strings_are_collected() {
    let body = json!({ "errors": { "reason": "too long" } });

    let error = api_error(retrieve_answered_with(ResponseTemplate::new(422).set_body_json(body)).await);

    assert_eq!(error.kind, ApiErrorKind::Unprocessable);
    assert_eq!(error.detail, None);
    assert_eq!(error.field_errors["reason"], ["too long"]);
    assert_eq!(
        error.to_string(),
        "422 Unprocessable Entity from enrollments.retrieve: Unprocessable Entity [reason: too long]"
    );
}

#[tokio::test]
async fn an_html_error_page_is_kept_as_a_one_line_snippet() {
    let html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>nginx</body>\r\n</html>\r\n";
    let response = ResponseTemplate::new(502).set_body_raw(html, "text/html");

    let error = retrieve_answered_with(response).await.unwrap_err();

    let api = error.as_api().unwrap();
    assert_eq!(api.kind, ApiErrorKind::Server);
    assert_eq!(api.detail, None);
    let snippet = api.body_snippet.as_deref().unwrap();
    assert!(snippet.starts_with("<html>"), "{snippet}");
    assert!(snippet.contains("502 Bad Gateway"), "{snippet}");
    let shown = error.to_string();
    assert!(shown.starts_with("502 Bad Gateway from enrollments.retrieve: <html>"), "{shown}");
    assert_one_line(&shown);
}

#[tokio::test]
async fn an_empty_error_body_falls_back_to_the_reason_phrase() {
    let error = retrieve_answered_with(ResponseTemplate::new(500)).await.unwrap_err();

    let api = error.as_api().unwrap();
    assert_eq!((api.detail.as_deref(), api.body_snippet.as_deref()), (None, None));
    assert!(api.field_errors.is_empty());
    assert_eq!(api.message(), "Internal Server Error");
    assert_eq!(
        error.to_string(),
        "500 Internal Server Error from enrollments.retrieve: Internal Server Error"
    );
}

#[tokio::test]
async fn a_huge_error_body_is_cut_to_a_bounded_snippet() {
    let huge = format!("<html>{}</html>", "é".repeat(200_000));
    let response = ResponseTemplate::new(500).set_body_raw(huge, "text/html");

    let error = retrieve_answered_with(response).await.unwrap_err();

    let snippet = error.as_api().unwrap().body_snippet.clone().unwrap();
    let chars = snippet.chars().count();
    assert!((512..=513).contains(&chars), "the snippet keeps about 512 characters, got {chars}");
    assert!(snippet.starts_with("<html>éé"));
    assert!(error.to_string().chars().count() < 700);
}

#[tokio::test]
async fn ssns_in_error_bodies_are_masked_in_display_and_debug() {
    let json_body = json!({
        "detail": "SSN 123-45-6789 is already enrolled",
        "code": "duplicate_ssn",
        "errors": { "ssn": ["123-45-6789 belongs to empl_5Nq1Zt", "also seen as 123456789"] }
    });
    let html_body = "<html><body>Duplicate SSN 123-45-6789</body></html>";
    let responses = [
        ResponseTemplate::new(409).set_body_json(json_body),
        ResponseTemplate::new(500).set_body_raw(html_body, "text/html"),
    ];
    for response in responses {
        let error = retrieve_answered_with(response).await.unwrap_err();

        let shown = format!("{error} | {error:?} | {error:#?}");
        assert!(!shown.contains("123-45-6789") && !shown.contains("123456789"), "{shown}");
        assert!(shown.contains("***-**-****"), "{shown}");
    }
}

#[tokio::test]
async fn an_ssn_cut_by_the_snippet_limit_is_still_masked() {
    // The SSN starts 8 characters before the 512-character limit of the snippet.
    let body = format!("{} 123-45-6789 and more text", "x".repeat(503));

    let error = retrieve_answered_with(ResponseTemplate::new(500).set_body_raw(body, "text/plain"))
        .await
        .unwrap_err();

    let shown = format!("{error} | {error:?}");
    assert!(!shown.contains("123-45"), "{shown}");
}

#[tokio::test]
async fn multi_line_server_text_still_displays_as_one_line() {
    let body = json!({
        "detail": "Validation failed:\nsee fields\r\nbelow",
        "errors": { "reason": ["line one\nline two"], "notes\nfield": ["bad\r\nvalue"] }
    });

    let error = retrieve_answered_with(ResponseTemplate::new(400).set_body_json(body)).await.unwrap_err();

    assert_one_line(&error.to_string());
    assert!(error.to_string().contains("line one line two"), "{error}");
}

// ---------------------------------------------------------------------------------------------
// Success bodies that do not decode
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_wrong_type_in_a_nested_field_is_a_decode_error_naming_its_json_path() {
    let mut body = enrollment();
    body["enrolled_dependents"][0]["relationship"] = json!(42);

    let result = retrieve_answered_with(ok(body).insert_header("x-request-id", "req_dec_1")).await;

    let error = decode_error(result);
    assert_eq!(error.path, "enrolled_dependents[0].relationship");
    assert_eq!(error.operation, "enrollments.retrieve");
    assert_eq!(error.status, StatusCode::OK);
    assert_eq!(error.request_id.as_deref(), Some("req_dec_1"));
    let shown = Error::from(*error).to_string();
    assert!(
        shown.starts_with(
            "cannot decode the response of enrollments.retrieve at `enrolled_dependents[0].relationship`: "
        ),
        "{shown}"
    );
    assert!(shown.contains("(request id req_dec_1)"), "{shown}");
    assert_one_line(&shown);
}

#[tokio::test]
async fn a_number_where_a_string_belongs_is_a_decode_error_naming_its_json_path() {
    let mut body = enrollment();
    body["enrolled_dependents"][0]["first_name"] = json!(42);

    let error = decode_error(retrieve_answered_with(ok(body)).await);

    assert_eq!(error.path, "enrolled_dependents[0].first_name");
    assert!(error.message.contains("invalid type: integer `42`"), "{}", error.message);
}

#[tokio::test]
async fn an_unknown_enum_value_decodes_and_keeps_its_text() {
    let body = with(enrollment(), json!({ "status": "archived", "coverage_tier": "EE+Pet" }));

    let enrollment = retrieve_answered_with(ok(body)).await.expect("an unknown value is not an error");

    assert!(matches!(&enrollment.status, EnrollmentStatus::Unrecognized(v) if v.as_str() == "archived"));
    assert_eq!(enrollment.coverage_tier.as_ref().map(|t| t.as_str()), Some("EE+Pet"));
    let again = serde_json::to_value(&enrollment).unwrap();
    assert_eq!(
        (again["status"].clone(), again["coverage_tier"].clone()),
        (json!("archived"), json!("EE+Pet"))
    );
}

#[tokio::test]
async fn a_value_of_the_wrong_type_is_a_decode_error_naming_its_json_path() {
    let body = with(enrollment(), json!({ "status": 7 }));

    let error = decode_error(retrieve_answered_with(ok(body)).await);

    assert_eq!(error.path, "status");
    assert!(error.message.contains("a string"), "{}", error.message);
}

#[tokio::test]
async fn a_missing_required_field_is_a_decode_error() {
    let mut body = enrollment();
    body.as_object_mut().unwrap().remove("plan_year_id");

    let error = decode_error(retrieve_answered_with(ok(body)).await);

    assert!(error.message.contains("plan_year_id"), "{}", error.message);
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let response = ResponseTemplate::new(200).set_body_raw(r#"{"id": "enrl_1", "sta"#, "application/json");

    let error = decode_error(retrieve_answered_with(response).await);

    assert_eq!(error.status, StatusCode::OK);
    assert!(error.message.contains("EOF"), "{}", error.message);
    assert_eq!(error.body_snippet.as_deref(), Some(r#"{"id": "enrl_1", "sta"#));
}

#[tokio::test]
async fn a_success_body_that_is_not_json_is_a_decode_error() {
    let response = ResponseTemplate::new(200).set_body_raw("<html>Maintenance</html>", "text/html");

    let error = decode_error(retrieve_answered_with(response).await);

    assert_eq!(error.path, ".");
    assert_eq!(error.body_snippet.as_deref(), Some("<html>Maintenance</html>"));
    assert!(Error::from(*error).to_string().contains("body starts: <html>Maintenance</html>"));
}

#[tokio::test]
async fn an_empty_success_body_is_a_decode_error_for_a_value() {
    let error = retrieve_answered_with(ResponseTemplate::new(200)).await.unwrap_err();

    assert!(matches!(error, Error::Decode(_)), "{error:?}");
}

#[tokio::test]
async fn ssns_in_an_undecodable_success_body_are_masked() {
    let body = with(enrollment(), json!({ "employee_contribution_cents": "123-45-6789" }));

    let error = retrieve_answered_with(ok(body)).await.unwrap_err();

    let shown = format!("{error} | {error:?}");
    assert!(!shown.contains("123-45-6789"), "{shown}");
    assert!(shown.contains("employee_contribution_cents"), "{shown}");
}

// ---------------------------------------------------------------------------------------------
// Broken connections
// ---------------------------------------------------------------------------------------------

/// A one-shot HTTP server on 127.0.0.1 that reads a request head, writes `response` verbatim
/// and closes the connection. Returns its base URL.
async fn raw_http_server(response: &'static [u8]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut received = Vec::new();
        let mut buffer = [0u8; 4096];
        while !received.windows(4).any(|w| w == b"\r\n\r\n") {
            match socket.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
        let _ = socket.write_all(response).await;
        let _ = socket.shutdown().await;
    });
    format!("http://{address}")
}

#[tokio::test]
async fn a_success_body_cut_short_at_the_http_level_is_a_connection_error() {
    let base_url = raw_http_server(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"id\": \"enrl_1\", \"sta",
    )
    .await;

    let error =
        client_for(&base_url).enrollments().retrieve(&ENROLLMENT.parse().unwrap()).send().await.unwrap_err();

    assert!(matches!(error, Error::Connection { operation: "enrollments.retrieve", .. }), "{error:?}");
    assert!(error.is_retryable());
    assert_one_line(&error.to_string());
}

#[tokio::test]
async fn an_error_body_cut_short_at_the_http_level_is_a_connection_error() {
    let base_url = raw_http_server(
        b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"detail\": \"No enr",
    )
    .await;

    let error =
        client_for(&base_url).enrollments().retrieve(&ENROLLMENT.parse().unwrap()).send().await.unwrap_err();

    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
}

#[tokio::test]
async fn a_refused_connection_is_a_connection_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    }; // the listener is dropped: nothing listens on the port any more

    let error = client_for(&format!("http://127.0.0.1:{port}"))
        .enrollments()
        .retrieve(&ENROLLMENT.parse().unwrap())
        .send()
        .await
        .unwrap_err();

    let Error::Connection { operation, .. } = &error else {
        panic!("expected Error::Connection, got {error:?}")
    };
    assert_eq!(*operation, "enrollments.retrieve");
    assert!(error.to_string().starts_with("enrollments.retrieve failed to reach the API"), "{error}");
    assert_eq!(error.status(), None);
}

// ---------------------------------------------------------------------------------------------
// Arbitrary bodies never panic
// ---------------------------------------------------------------------------------------------

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
    })
}

/// `enrollments.retrieve` answered with `status` and `body`, by a server of its own.
fn retrieve_with_body(status: u16, body: Vec<u8>) -> vitable_connect::Result<Enrollment> {
    runtime().block_on(retrieve_answered_with(ResponseTemplate::new(status).set_body_bytes(body)))
}

/// Bytes that are sometimes JSON, sometimes almost: pieces of a real enrollment, JSON
/// punctuation, and arbitrary bytes.
fn json_ish() -> impl Strategy<Value = Vec<u8>> {
    let fixture = serde_json::to_string(&enrollment()).unwrap();
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        "[\\[\\]{}\":,0-9a-z_ .\\\\-]{0,64}".prop_map(String::into_bytes),
        (0..=fixture.len()).prop_map(move |cut| fixture.as_bytes()[..cut].to_vec()),
        arbitrary_json().prop_map(|v| serde_json::to_vec(&v).unwrap()),
    ]
}

/// Any JSON value, a few levels deep.
fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "\\PC{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}

/// The whole error as text, forcing every `Display` and `Debug` path.
fn render(error: &Error) -> String {
    format!("{error} {error:?}")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_success_body_decodes_or_is_a_decode_error(body in json_ish()) {
        match retrieve_with_body(200, body) {
            Ok(_) => {}
            Err(error @ Error::Decode(_)) => {
                prop_assert_eq!(error.status(), Some(StatusCode::OK));
                let _ = render(&error);
            }
            Err(other) => prop_assert!(false, "expected Ok or Error::Decode, got {other:?}"),
        }
    }

    #[test]
    fn any_error_body_is_an_api_error_with_its_status(
        status in prop_oneof![400u16..=499, 500u16..=599],
        body in json_ish(),
    ) {
        match retrieve_with_body(status, body) {
            Err(Error::Api(error)) => {
                prop_assert_eq!(error.status.as_u16(), status);
                prop_assert!(!error.to_string().contains('\n'), "{}", error);
                if let Some(snippet) = &error.body_snippet {
                    prop_assert!(snippet.chars().count() <= 513);
                }
            }
            other => prop_assert!(false, "expected Error::Api, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn the_request_id_of_a_decode_error_is_reachable_through_the_accessor() {
    let mut body = enrollment();
    body["status"] = json!(42);

    let error =
        retrieve_answered_with(ok(body).insert_header("x-request-id", "req_dec_2")).await.unwrap_err();

    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert_eq!(error.request_id(), Some("req_dec_2"));
}

// ---------------------------------------------------------------------------------------------
// Transport failures
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_refused_connection_names_its_root_cause_exactly_once() {
    // A port nothing listens on: bind one, note it, close it.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let client = vitable_connect::Client::builder()
        .api_key("test-key")
        .base_url(format!("http://{address}"))
        .max_retries(0)
        .build()
        .unwrap();

    let error = client.enrollments().retrieve(&ENROLLMENT.parse().unwrap()).send().await.unwrap_err();

    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    let shown = error.to_string().to_lowercase();
    assert_eq!(shown.matches("connection refused").count(), 1, "{shown}");
    assert!(shown.starts_with("enrollments.retrieve failed to reach the api: "), "{shown}");
}
