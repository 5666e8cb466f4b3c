//! Settings that cannot work are refused before anything is sent: with a clear error, and
//! without echoing a secret. Each request test runs against a local server that counts what
//! reaches it.

mod support;
use support::raw_server;

use std::time::Duration;

use serde_json::json;
use vitable_connect::{Client, Error, QleId};

const API_KEY: &str = "sk_test_local_checks";

fn client(uri: &str) -> Client {
    Client::builder().api_key(API_KEY).base_url(uri).build().unwrap()
}

fn qle_id() -> QleId {
    "qle_3Jd82k".parse().unwrap()
}

async fn counting_server() -> raw_server::Server {
    raw_server::start(|_, _| raw_server::json(200, &json!([]))).await
}

fn invalid_field(error: &Error) -> &str {
    match error {
        Error::InvalidInput(e) => &e.field,
        other => panic!("expected Error::InvalidInput, got {other:?}"),
    }
}

#[tokio::test]
async fn an_idempotency_key_must_be_visible_ascii() {
    let server = counting_server().await;
    let client = client(&server.uri);
    let enrollment = "enrl_8fK2x9".parse().unwrap();
    for key in ["two words", "tab\there", "clé", "line\u{7f}", "", &"k".repeat(256)] {
        let by_setter =
            client.enrollments().reissue(&enrollment, &qle_id()).idempotency_key(key).send().await;
        let error = by_setter.unwrap_err();
        assert_eq!(invalid_field(&error), "idempotency_key", "{key:?}");
        assert!(error.to_string().contains("visible ASCII"), "{error}");
        let by_header =
            client.enrollments().reissue(&enrollment, &qle_id()).header("Idempotency-Key", key).send().await;
        assert!(matches!(by_header, Err(Error::InvalidInput(_))), "{key:?}: {by_header:?}");
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_request_may_not_replace_the_headers_the_client_sets() {
    let server = counting_server().await;
    let client = client(&server.uri);
    for name in [
        "authorization",
        "Authorization",
        "content-length",
        "host",
        "transfer-encoding",
        "connection",
        "content-type",
        "accept",
        "api-version",
    ] {
        let error = client.employers().list().header(name, "x").send().await.unwrap_err();
        assert_eq!(invalid_field(&error), "header", "{name}");
        assert!(error.to_string().contains("set by the client"), "{error}");
    }
    assert!(server.requests().is_empty(), "nothing was sent");
    // Other headers go through.
    client.employers().list().header("x-partner", "acme").send().await.unwrap();
    assert_eq!(server.requests()[0].header("x-partner"), Some("acme"));
}

#[tokio::test]
async fn a_zero_timeout_or_deadline_is_refused() {
    let server = counting_server().await;
    let client = client(&server.uri);
    let error = client.employers().list().timeout(Duration::ZERO).send().await.unwrap_err();
    assert_eq!(invalid_field(&error), "timeout");
    let error = client.employers().list().deadline(Duration::ZERO).send().await.unwrap_err();
    assert_eq!(invalid_field(&error), "deadline");
    assert!(server.requests().is_empty());
    for (what, builder) in [
        ("timeout", Client::builder().api_key(API_KEY).timeout(Duration::ZERO)),
        ("connect timeout", Client::builder().api_key(API_KEY).connect_timeout(Duration::ZERO)),
        ("deadline", Client::builder().api_key(API_KEY).deadline(Duration::ZERO)),
    ] {
        let error = builder.build().unwrap_err().to_string();
        assert!(error.contains(&format!("the {what} must be longer than zero")), "{error}");
    }
}

#[test]
fn an_api_key_with_spaces_or_other_characters_is_refused_without_echoing_it() {
    for key in ["sk_live_with space", "sk_live_ключ", "sk_live_tab\tkey", "sk_live_é"] {
        let error = Client::builder().api_key(key).build().unwrap_err().to_string();
        assert!(error.contains("visible ASCII"), "{error}");
        assert!(!error.contains("sk_live"), "{error}");
    }
}

#[test]
fn a_base_url_that_would_change_where_requests_go_is_refused() {
    let cases = [
        ("https://api.example.com/#frag", "fragment"),
        ("https://api.example.com/?x=1", "query"),
        ("https://api.example.com/v1", "`/v1`"),
        ("https://api.example.com/v1/", "`/v1`"),
        ("https://proxy.example.com/stem/v1", "`/v1`"),
        ("https://user:hunter2@api.example.com", "credentials"),
    ];
    for (url, problem) in cases {
        let error = Client::builder().api_key(API_KEY).base_url(url).build().unwrap_err().to_string();
        assert!(error.contains(problem), "{url}: {error}");
        assert!(!error.contains("hunter2"), "{error}");
    }
    // A path before the API's own is fine (a proxy's stem).
    let stem =
        Client::builder().api_key(API_KEY).base_url("https://proxy.example.com/stem/").build().unwrap();
    assert_eq!(stem.base_url(), "https://proxy.example.com/stem");
}

#[test]
fn credentials_in_a_base_url_never_show() {
    let builder = Client::builder().api_key(API_KEY).base_url("https://user:hunter2@api.example.com/x");
    let shown = format!("{builder:?} {builder:#?}");
    assert!(!shown.contains("hunter2") && !shown.contains("user:"), "{shown}");
    assert!(shown.contains("https://<redacted>@api.example.com/x"), "{shown}");
    let unparsable = Client::builder().api_key(API_KEY).base_url("ht!tp://user:hunter2@api example").build();
    assert!(!unparsable.unwrap_err().to_string().contains("hunter2"));
}

#[test]
fn a_default_header_may_not_be_one_the_client_sets() {
    for name in [
        "host",
        "content-length",
        "transfer-encoding",
        "idempotency-key",
        "Idempotency-Key",
        "content-type",
        "accept",
        "api-version",
    ] {
        let error =
            Client::builder().api_key(API_KEY).default_header(name, "x").build().unwrap_err().to_string();
        assert!(error.contains("set by the client"), "{name}: {error}");
    }
}

#[tokio::test]
async fn a_header_line_pasted_as_a_name_is_not_echoed() {
    let server = counting_server().await;
    let line = format!("Authorization: Bearer {API_KEY}");
    let error = client(&server.uri).employers().list().header(&line, "").send().await.unwrap_err();
    assert!(!format!("{error} {error:?}").contains(API_KEY), "{error}");
    let error = Client::builder().api_key("sk_other_key_1").default_header(&line, "").build().unwrap_err();
    assert!(!error.to_string().contains(API_KEY), "{error}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_default_user_agent_replaces_the_sdks() {
    let server = counting_server().await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(&server.uri)
        .default_header("User-Agent", "acme-payroll/2")
        .build()
        .unwrap();
    client.employers().list().send().await.unwrap();
    let request = &server.requests()[0];
    let agents: Vec<&str> =
        request.headers.iter().filter(|(n, _)| n == "user-agent").map(|(_, v)| v.as_str()).collect();
    assert_eq!(agents, ["acme-payroll/2"]);
}

#[test]
fn a_base_url_ending_in_the_api_version_in_any_spelling_is_refused() {
    for url in ["https://h/V1", "https://h/%76%31", "https://h/v1;x", "https://h/v1%2F", "https://h/stem/V1/"]
    {
        let error = Client::builder().api_key(API_KEY).base_url(url).build().unwrap_err().to_string();
        assert!(error.contains("`/v1`"), "{url}: {error}");
    }
    let error = Client::builder().api_key(API_KEY).base_url("https://user:pa/ss@h").build().unwrap_err();
    assert!(!error.to_string().contains("ss@") && !error.to_string().contains("pa/"), "{error}");
}
