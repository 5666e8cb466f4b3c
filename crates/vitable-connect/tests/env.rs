//! `Client::from_env`: the API key from `VITABLE_CONNECT_API_KEY` (required), the base URL
//! from `VITABLE_CONNECT_BASE_URL` (optional).
//!
//! This file holds a single test so that no other thread of this test binary reads the
//! environment while it is changed.

use vitable_connect::{API_KEY_ENV, BASE_URL_ENV, Client, Error};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Sets (`Some`) or removes (`None`) both variables.
fn set_env(api_key: Option<&str>, base_url: Option<&str>) {
    for (name, value) in [(API_KEY_ENV, api_key), (BASE_URL_ENV, base_url)] {
        // SAFETY: this test binary runs exactly one test, on one thread, and nothing else in it
        // reads or writes the environment concurrently.
        unsafe {
            match value {
                Some(value) => std::env::set_var(name, value),
                None => std::env::remove_var(name),
            }
        }
    }
}

#[test]
fn from_env_reads_the_key_and_the_optional_base_url() {
    assert_eq!(API_KEY_ENV, "VITABLE_CONNECT_API_KEY");
    assert_eq!(BASE_URL_ENV, "VITABLE_CONNECT_BASE_URL");

    // Without a key: an error naming the variable.
    set_env(None, Some("http://127.0.0.1:4010"));
    let error = Client::from_env().unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(error.to_string().contains("VITABLE_CONNECT_API_KEY"), "{error}");

    // A blank key counts as missing.
    set_env(Some("   "), None);
    let error = Client::from_env().unwrap_err();
    assert!(error.to_string().contains("VITABLE_CONNECT_API_KEY"), "{error}");

    // With only the key: production.
    set_env(Some("sk_test_from_env"), None);
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), "https://api.vitablehealth.com");
    assert!(!format!("{client:?}").contains("sk_test_from_env"), "Debug hides the key");

    // With both: the base URL is used (without its trailing slash).
    set_env(Some("sk_test_from_env"), Some("http://127.0.0.1:4010/"));
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:4010");
    let built = Client::builder_from_env().unwrap().max_retries(5).build().unwrap();
    assert_eq!((built.base_url(), built.max_retries()), ("http://127.0.0.1:4010", 5));

    // A blank base URL is ignored.
    set_env(Some("sk_test_from_env"), Some(""));
    assert_eq!(Client::from_env().unwrap().base_url(), "https://api.vitablehealth.com");

    // A bad base URL is a configuration error that names it.
    set_env(Some("sk_test_from_env"), Some("not a url"));
    let error = Client::from_env().unwrap_err();
    assert!(error.to_string().contains("`not a url`"), "{error}");

    // Last, because the mock server starts a thread: with both variables set, requests go to
    // the base URL with the key. The environment is not touched once the thread runs.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    set_env(Some("sk_test_from_env"), Some(&base_url));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let server = MockServer::builder().listener(listener).start().await;
        Mock::given(method("GET"))
            .and(path("/v1/employers/empr_A1b2C3"))
            .and(header("authorization", "Bearer sk_test_from_env"))
            .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({ "detail": "gone" })))
            .expect(1)
            .mount(&server)
            .await;

        let client = Client::from_env().unwrap();
        let error = client.employers().retrieve(&"empr_A1b2C3".parse().unwrap()).send().await.unwrap_err();

        assert_eq!(client.base_url(), base_url);
        assert_eq!(error.to_string(), "404 Not Found from employers.retrieve: gone");
        server.verify().await;
    });
}
