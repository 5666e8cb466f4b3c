//! Proxies: the SDK's HTTP client takes the environment's (`HTTP_PROXY`, ...), one set in code
//! replaces them, and `no_proxy` turns them off. Every server here is on 127.0.0.1: the
//! "proxy" answers for the API itself, which is how a request that went through it is told
//! apart. This file changes the process's environment, so it holds a single test.

mod support;

use serde_json::json;
use support::raw_server;
use vitable_connect::Client;

const PROXY_VARIABLES: [&str; 8] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

#[tokio::test]
async fn proxies_from_the_environment_from_code_and_none() {
    let answer = |_: &raw_server::Request, _| raw_server::json(200, &json!([]));
    let proxy = raw_server::start(answer).await;
    let other_proxy = raw_server::start(answer).await;
    let api = raw_server::start(answer).await;
    // SAFETY: this test binary runs this one test, and sets the variables before any thread
    // of its own reads the environment (reqwest reads it when a client is built, below).
    unsafe {
        for name in PROXY_VARIABLES {
            std::env::remove_var(name);
        }
        std::env::set_var("HTTP_PROXY", &proxy.uri);
    }
    let build = |builder: vitable_connect::ClientBuilder| {
        builder.api_key("k").base_url(&api.uri).max_retries(0).build().unwrap()
    };

    // The environment's proxy is used: it receives the request in absolute form.
    build(Client::builder()).employers().list().await.unwrap();
    let through = proxy.requests();
    assert_eq!(through.len(), 1, "HTTP_PROXY was not used");
    assert_eq!(through[0].target, format!("{}/v1/employers", api.uri));
    assert!(api.requests().is_empty());

    // One set in code replaces it.
    let in_code = vitable_connect::reqwest::Proxy::http(&other_proxy.uri).unwrap();
    build(Client::builder().proxy(in_code)).employers().list().await.unwrap();
    assert_eq!(other_proxy.requests().len(), 1);
    assert_eq!(proxy.requests().len(), 1, "the environment's proxy was used beside the one set in code");

    // `no_proxy` goes straight to the API.
    build(Client::builder().no_proxy()).employers().list().await.unwrap();
    assert_eq!(api.requests().len(), 1);
    assert_eq!(api.requests()[0].target, "/v1/employers");
    assert_eq!(proxy.requests().len(), 1);

    // A derived client keeps the setting, and may change it.
    let direct = build(Client::builder().no_proxy());
    direct.to_builder().build().unwrap().employers().list().await.unwrap();
    assert_eq!(api.requests().len(), 2);
    let proxied = Client::builder().api_key("k").base_url(&api.uri).max_retries(0).build().unwrap();
    proxied.to_builder().no_proxy().build().unwrap().employers().list().await.unwrap();
    assert_eq!(api.requests().len(), 3, "no_proxy on a derived builder must take effect");
}
