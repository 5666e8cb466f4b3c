//! The OpenTelemetry fields of each request's span, read by a tracing layer. A test binary of
//! its own: a subscriber set for one thread only misses spans whose callsite another test's
//! thread registered first.

mod raw_server;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde_json::json;
use vitable_connect::Client;

const API_KEY: &str = "sk_test_span_fields_key";

fn builder(uri: &str) -> vitable_connect::ClientBuilder {
    Client::builder().api_key(API_KEY).base_url(uri)
}

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

/// The fields recorded on every `vitable_connect.request` span, by span.
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<BTreeMap<u64, BTreeMap<String, String>>>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: tracing::Subscriber> Layer<S> for Spans {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        if attrs.metadata().name() == "vitable_connect.request" {
            let mut spans = self.0.lock().unwrap();
            attrs.record(&mut Fields(spans.entry(id.into_u64()).or_default()));
        }
    }
    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        if let Some(fields) = self.0.lock().unwrap().get_mut(&id.into_u64()) {
            values.record(&mut Fields(fields));
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn each_request_span_has_the_semantic_convention_fields() {
    let spans = Spans::default();
    let _guard = tracing_subscriber::registry().with(spans.clone()).set_default();
    let server = raw_server::start(|request, n| match n {
        0 => raw_server::response(503, &[("retry-after", "0")], b"{}"),
        1 => raw_server::response(200, &[("x-request-id", "req_ok")], b"[]"),
        _ => {
            let _ = request;
            raw_server::json(404, &json!({ "detail": "gone" }))
        }
    })
    .await;
    let client = builder(&server.uri).build().unwrap();
    client.employers().list().name("Acme 123-45-6789").limit(5).send().await.unwrap();
    client.employers().retrieve(&"empr_A1b2C3".parse().unwrap()).send().await.unwrap_err();

    let spans: Vec<BTreeMap<String, String>> = spans.0.lock().unwrap().values().cloned().collect();
    assert_eq!(spans.len(), 2, "{spans:?}");
    let port = server.uri.rsplit(':').next().unwrap().to_owned();
    let list = &spans[0];
    let expect = |span: &BTreeMap<String, String>, field: &str, value: &str| {
        assert_eq!(span.get(field).map(String::as_str), Some(value), "{field} in {span:?}");
    };
    expect(list, "operation", "employers.list");
    expect(list, "http.request.method", "GET");
    expect(list, "server.address", "127.0.0.1");
    expect(list, "server.port", &port);
    expect(list, "url.template", "/v1/employers");
    expect(list, "url.full", &format!("http://127.0.0.1:{port}/v1/employers?limit=REDACTED&name=REDACTED"));
    expect(list, "http.response.status_code", "200");
    expect(list, "http.request.resend_count", "1");
    expect(list, "request_id", "req_ok");
    expect(list, "otel.kind", "client");
    expect(list, "otel.name", "GET /v1/employers");
    assert!(!list.contains_key("error.type") && !list.contains_key("otel.status_code"), "{list:?}");

    let retrieve = &spans[1];
    expect(retrieve, "operation", "employers.retrieve");
    expect(retrieve, "url.template", "/v1/employers/{employer_id}");
    expect(retrieve, "url.full", &format!("http://127.0.0.1:{port}/v1/employers/empr_A1b2C3"));
    expect(retrieve, "http.response.status_code", "404");
    expect(retrieve, "error.type", "404");
    expect(retrieve, "otel.status_code", "ERROR");
    expect(retrieve, "otel.name", "GET /v1/employers/{employer_id}");
    assert!(!retrieve.contains_key("http.request.resend_count"), "no resend: {retrieve:?}");

    let all = format!("{spans:?}");
    assert!(!all.contains("6789") && !all.contains(API_KEY) && !all.contains("Acme"), "{all}");
}
