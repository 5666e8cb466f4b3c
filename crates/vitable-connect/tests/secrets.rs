//! The API key and SSNs never show: not in `Debug` or `Display` of the client, its builder,
//! the request builders, SSNs or errors (even when the server echoes them), and not in
//! anything `tracing` records at any level, retries included, while the fields that are
//! meant to be recorded are.

use std::io;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use serde_json::json;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::util::SubscriberInitExt;
use vitable_connect::{Client, EmployerId, Error, MemberId, Relationship, Sex, Ssn};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API_KEY: &str = "sk_test_SECRET_KEY_123";
const SSN_DASHED: &str = "123-45-6789";
const SSN_DIGITS: &str = "123456789";
const EMAIL: &str = "maya.rivera@acme.example";

/// Panics if `text` shows the API key or either form of the SSN.
#[track_caller]
fn assert_no_secrets(what: &str, text: &str) {
    for secret in [API_KEY, "SECRET_KEY", SSN_DASHED, SSN_DIGITS, "45-6789"] {
        assert!(!text.contains(secret), "{what} shows `{secret}`:\n{text}");
    }
}

/// `{:?}` and `{:#?}` of a value.
fn debug_forms(value: &impl std::fmt::Debug) -> String {
    format!("{value:?}\n{value:#?}")
}

fn client(base_url: &str) -> Client {
    Client::builder().api_key(API_KEY).base_url(base_url).build().unwrap()
}

fn ssn() -> Ssn {
    SSN_DASHED.parse().unwrap()
}

fn employer_id() -> EmployerId {
    "empr_A1b2C3".parse().unwrap()
}

fn member_id() -> MemberId {
    "mbr_Q2w7Lp".parse().unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn create_employee(client: &Client, ssn: Ssn) -> vitable_connect::builders::EmployersEmployeesCreateBuilder {
    client.employers().employees().create(
        &employer_id(),
        "Maya",
        "Rivera",
        date(1990, 4, 12),
        Sex::Female,
        ssn,
        EMAIL,
        date(2026, 1, 5),
    )
}

fn create_dependent(client: &Client) -> vitable_connect::builders::MembersDependentsCreateBuilder {
    client
        .members()
        .dependents()
        .create(&member_id(), "Ava", "Rivera", date(2026, 11, 2), Sex::Female, Relationship::Child)
        .ssn(SSN_DIGITS.parse().unwrap())
}

fn employee_json() -> serde_json::Value {
    json!({
        "id": "empl_5Nq1Zt",
        "employer_id": "empr_A1b2C3",
        "active": true,
        "start_date": "2026-01-05",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
        "member": {
            "id": "mbr_Q2w7Lp",
            "first_name": "Maya",
            "last_name": "Rivera",
            "date_of_birth": "1990-04-12",
            "sex": "Female",
            "email": EMAIL
        }
    })
}

fn dependent_json() -> serde_json::Value {
    json!({
        "id": "dpnd_7Rk2mQ",
        "member_id": "mbr_Q2w7Lp",
        "first_name": "Ava",
        "last_name": "Rivera",
        "date_of_birth": "2026-11-02",
        "sex": "Female",
        "relationship": "Child",
        "active": true,
        "ssn_last_four": "6789",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z"
    })
}

// --- Debug and Display ------------------------------------------------------------------

#[test]
fn the_client_and_its_builder_hide_the_key() {
    let builder = Client::builder()
        .api_key(API_KEY)
        .base_url("http://127.0.0.1:9")
        .default_header("x-partner-token", "partner_SECRET_KEY_value");
    let shown = debug_forms(&builder);
    assert_no_secrets("ClientBuilder", &shown);
    assert!(shown.contains("<redacted>") && shown.contains("x-partner-token"), "{shown}");
    assert!(!shown.contains("partner_SECRET_KEY_value"), "default header values are hidden: {shown}");

    let client = builder.build().unwrap();
    let shown = debug_forms(&client);
    assert_no_secrets("Client", &shown);
    assert!(shown.contains("<redacted>") && shown.contains("127.0.0.1:9"), "{shown}");
    assert!(!shown.contains("partner_SECRET_KEY_value"), "{shown}");

    // The resource handles hold the client.
    assert_no_secrets("resource handle", &debug_forms(&client.employers().employees()));
    assert_no_secrets("resource handle", &debug_forms(&client.members().dependents()));
}

#[test]
fn configuration_errors_hide_the_key() {
    let bad_key = format!("{API_KEY}\n");
    let error = Client::builder().api_key(bad_key).build().unwrap_err();
    assert_no_secrets("Display of a configuration error", &error.to_string());
    assert_no_secrets("Debug of a configuration error", &debug_forms(&error));

    let error = Client::builder().api_key(API_KEY).base_url("not a url").build().unwrap_err();
    assert_no_secrets("Display of a configuration error", &error.to_string());
    assert_no_secrets("Debug of a configuration error", &debug_forms(&error));
}

#[test]
fn an_ssn_shows_redacted() {
    for form in [SSN_DASHED, SSN_DIGITS] {
        let ssn: Ssn = form.parse().unwrap();
        assert_eq!(format!("{ssn:?}"), "Ssn(<redacted>)");
        assert_no_secrets("Ssn", &debug_forms(&ssn));
        assert_no_secrets("Option<Ssn>", &debug_forms(&Some(ssn.clone())));
        assert_eq!(ssn.expose(), form, "the real value is still there to send");
    }
    let error = "123-45-678".parse::<Ssn>().unwrap_err();
    assert!(!error.to_string().contains("123-45-678"), "{error}");
}

#[test]
fn request_builders_holding_an_ssn_show_it_redacted() {
    let client = client("http://127.0.0.1:9");
    let employee =
        create_employee(&client, ssn()).header("x-trace-token", "trace_SECRET_KEY").idempotency_key("k-1");
    let shown = debug_forms(&employee);
    assert_no_secrets("CreateEmployee", &shown);
    assert!(shown.contains("Ssn(<redacted>)"), "{shown}");
    assert!(!shown.contains("trace_SECRET_KEY"), "per-request header values are hidden: {shown}");

    let dependent = create_dependent(&client);
    let shown = debug_forms(&dependent);
    assert_no_secrets("CreateDependent", &shown);
    assert!(shown.contains("Ssn(<redacted>)"), "{shown}");
}

#[test]
fn generated_request_types_holding_an_ssn_show_it_redacted() {
    use vitable_connect_api::types::{DependentCreateRequest, EmployeeCreateRequest};
    let employee = EmployeeCreateRequest::builder()
        .first_name("Maya")
        .last_name("Rivera")
        .date_of_birth(date(1990, 4, 12))
        .sex(Sex::Female)
        .ssn(ssn())
        .email(EMAIL)
        .start_date(date(2026, 1, 5));
    assert_no_secrets("builder::EmployeeCreateRequest", &debug_forms(&employee));
    let employee = EmployeeCreateRequest::try_from(employee).unwrap();
    assert_no_secrets("EmployeeCreateRequest", &debug_forms(&employee));
    assert!(serde_json::to_string(&employee).unwrap().contains(SSN_DASHED), "the wire has the real value");

    let dependent = DependentCreateRequest::builder()
        .first_name("Ava")
        .last_name("Rivera")
        .date_of_birth(date(2026, 11, 2))
        .sex(Sex::Female)
        .relationship(Relationship::Child)
        .ssn(Some(SSN_DIGITS.parse::<Ssn>().unwrap()));
    assert_no_secrets("builder::DependentCreateRequest", &debug_forms(&dependent));
    let dependent = DependentCreateRequest::try_from(dependent).unwrap();
    assert_no_secrets("DependentCreateRequest", &debug_forms(&dependent));
}

/// Sends `create_employee` to a server answering `response` once, without retries.
async fn error_from(response: ResponseTemplate) -> Error {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/employers/empr_A1b2C3/employees"))
        .respond_with(response)
        .mount(&server)
        .await;
    create_employee(&client(&server.uri()), ssn()).max_retries(0).send().await.unwrap_err()
}

#[track_caller]
fn assert_error_hides_secrets(error: &Error) {
    assert_no_secrets("Display of the error", &error.to_string());
    assert_no_secrets("Debug of the error", &debug_forms(error));
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        assert_no_secrets("a source of the error", &format!("{cause} {cause:?}"));
        source = cause.source();
    }
}

/// The shortest key that is hidden is 8 characters; shorter ones (test keys such as `k`) are
/// left alone, since hiding them would mangle ordinary words.
#[tokio::test]
async fn a_key_of_eight_characters_is_hidden_and_a_shorter_one_is_not() {
    for (key, hidden) in [("k8_chars", true), ("k7chars", false)] {
        let server = MockServer::start().await;
        let body = json!({ "detail": format!("bad key {key}") });
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(401).set_body_json(body))
            .mount(&server)
            .await;
        let client = Client::builder().api_key(key).base_url(server.uri()).max_retries(0).build().unwrap();
        let error = client.employers().list().send().await.unwrap_err();
        let detail = error.as_api().and_then(|e| e.detail.clone()).unwrap();
        assert_eq!(!detail.contains(key), hidden, "{key}: {detail}");
    }
}

#[tokio::test]
async fn an_error_detail_echoing_the_ssn_and_the_key_hides_both() {
    let body = json!({ "detail": format!("ssn {SSN_DASHED} invalid for key {API_KEY}") });
    let error = error_from(ResponseTemplate::new(400).set_body_json(body)).await;
    assert_error_hides_secrets(&error);
    let api = error.as_api().expect("an API error");
    let detail = api.detail.as_deref().unwrap();
    assert!(
        detail.starts_with("ssn ***-**-**** invalid for key "),
        "the rest of the message stays: {detail}"
    );
}

#[tokio::test]
async fn field_errors_echoing_the_ssn_and_the_key_hide_both() {
    let body = json!({
        "code": "invalid",
        "errors": {
            "ssn": [format!("{SSN_DIGITS} is already enrolled"), format!("{SSN_DASHED} belongs to another member")],
            "authorization": format!("key {API_KEY} may not create employees")
        }
    });
    let error = error_from(ResponseTemplate::new(422).set_body_json(body)).await;
    assert_error_hides_secrets(&error);
    assert_eq!(error.as_api().unwrap().field_errors["ssn"].len(), 2);
}

#[tokio::test]
async fn a_non_json_error_body_echoing_the_ssn_and_the_key_hides_both() {
    let body = format!("<html>bad request: ssn={SSN_DIGITS}&key={API_KEY}</html>");
    let error = error_from(ResponseTemplate::new(500).set_body_string(body)).await;
    assert_error_hides_secrets(&error);
    assert!(error.as_api().unwrap().body_snippet.as_deref().unwrap().contains("bad request"));
}

#[tokio::test]
async fn a_decode_error_of_a_body_echoing_the_ssn_and_the_key_hides_both() {
    // A success whose body is not an employee, but echoes what was sent.
    let body =
        json!({ "ssn": SSN_DASHED, "ssn_digits": SSN_DIGITS, "authorization": format!("Bearer {API_KEY}") });
    let error = error_from(ResponseTemplate::new(201).set_body_json(body)).await;
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert_error_hides_secrets(&error);
}

// --- tracing ----------------------------------------------------------------------------

/// Everything a `tracing_subscriber::fmt` subscriber writes, kept in memory.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }

    /// Records everything at TRACE level, spans opening and closing included, from this thread
    /// (the test's runtime runs here), and `log` records too, until the guard is dropped.
    fn install(&self) -> tracing::dispatcher::DefaultGuard {
        let writer = self.clone();
        tracing_subscriber::fmt()
            .with_max_level(LevelFilter::TRACE)
            .with_span_events(FmtSpan::FULL)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish()
            .set_default()
    }
}

#[tokio::test]
async fn tracing_records_requests_and_attempts_but_no_secret_and_no_body() {
    let server = MockServer::start().await;
    let employees = || Mock::given(method("POST")).and(path("/v1/employers/empr_A1b2C3/employees"));
    employees()
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("x-request-id", "req_first_503")
                .insert_header("retry-after-ms", "10")
                .set_body_json(json!({ "detail": format!("busy with {SSN_DASHED}") })),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    employees()
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-request-id", "req_abc123")
                .set_body_json(employee_json()),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/members/mbr_Q2w7Lp/dependents"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-request-id", "req_dep456")
                .set_body_json(dependent_json()),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/employers"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({ "detail": format!("ssn {SSN_DIGITS} invalid for key {API_KEY}") })),
        )
        .mount(&server)
        .await;

    let capture = Capture::default();
    let guard = capture.install();
    let client = client(&server.uri());
    let employee = create_employee(&client, ssn()).send().await.unwrap();
    let dependent = create_dependent(&client).send().await.unwrap();
    let error = client.employers().list().send().await.unwrap_err();
    drop(guard);
    assert_eq!(employee.id.as_str(), "empl_5Nq1Zt");
    assert_eq!(dependent.ssn_last_four.as_deref(), Some("6789"));
    assert_eq!(error.status(), Some(http::StatusCode::BAD_REQUEST));

    // The request really carried the secrets, so their absence below means something.
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 4);
    assert_eq!(requests[0].headers["authorization"], format!("Bearer {API_KEY}").as_str());
    assert!(String::from_utf8_lossy(&requests[0].body).contains(SSN_DASHED));
    assert!(String::from_utf8_lossy(&requests[2].body).contains(SSN_DIGITS));

    let logs = capture.text();
    // What must be there: one span per request with the operation, method and path template,
    // one event per attempt with attempt number, status, duration and request id.
    for expected in [
        "vitable_connect.request",
        "employers.employees.create",
        "POST",
        "/v1/employers/{employer_id}/employees",
        "members.dependents.create",
        "/v1/members/{member_id}/dependents",
        "employers.list",
        "GET",
        "attempt=1",
        "attempt=2",
        "status=503",
        "status=201",
        "status=400",
        "duration_ms=",
        "req_first_503",
        "req_abc123",
        "req_dep456",
        "http.request.resend_count=1",
        "retrying",
    ] {
        assert!(logs.contains(expected), "the logs lack `{expected}`:\n{logs}");
    }
    // What must not: the key, the SSN, bodies (the email is in request and response bodies).
    assert_no_secrets("the tracing output", &logs);
    assert!(!logs.contains("Bearer"), "{logs}");
    assert!(!logs.contains(EMAIL), "a body was logged:\n{logs}");
    assert!(!logs.contains("busy with"), "an error body was logged:\n{logs}");
    assert!(!logs.contains("invalid for key"), "an error body was logged:\n{logs}");
}

#[tokio::test]
async fn tracing_of_failed_attempts_hides_secrets_too() {
    // A port nothing listens on: every attempt fails to connect.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);

    let capture = Capture::default();
    let guard = capture.install();
    let client = client(&format!("http://{address}"));
    let error = create_employee(&client, ssn()).max_retries(1).send().await.unwrap_err();
    drop(guard);
    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    assert_error_hides_secrets(&error);

    let logs = capture.text();
    for expected in ["employers.employees.create", "attempt failed", "attempt=1", "attempt=2"] {
        assert!(logs.contains(expected), "the logs lack `{expected}`:\n{logs}");
    }
    assert_no_secrets("the tracing output", &logs);
    assert!(!logs.contains("Bearer") && !logs.contains(EMAIL), "{logs}");
}
