//! The OpenTelemetry fields of each request's span, read by a tracing layer. A test binary of
//! its own: a subscriber set for one thread only misses spans whose callsite another test's
//! thread registered first.

mod support;
use support::raw_server;

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
        2 => {
            let _ = request;
            raw_server::json(404, &json!({ "detail": "gone" }))
        }
        _ => raw_server::response(200, &[("x-request-id", "req_d795479794d6f1")], b"{}"),
    })
    .await;
    let client = builder(&server.uri).build().unwrap();
    client.employers().list().name("Acme 123-45-6789").limit(5).page(2).send().await.unwrap();
    client.employers().retrieve(&"empr_A1b2C3".parse().unwrap()).send().await.unwrap_err();
    // A raw request with an SSN in its path and query, and an ID of nine digits as a server
    // could send one.
    client
        .raw(vitable_connect::Method::GET, "/v1/people/{ssn}/x{n}")
        .path_param("ssn", "123-45-6789")
        .path_param("n", "987654321")
        .query("page", 3)
        .query("dob", "1990-04-01")
        .send_raw()
        .await
        .unwrap();
    let nine_digits: vitable_connect::EnrollmentId = serde_json::from_value(json!("123456789")).unwrap();
    client.enrollments().list_plans(&nine_digits).send().await.ok();

    let spans: Vec<BTreeMap<String, String>> = spans.0.lock().unwrap().values().cloned().collect();
    assert_eq!(spans.len(), 4, "{spans:?}");
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
    // Query values are shown where the spec makes them harmless (integers, booleans, enum
    // values) and hidden otherwise (free text can hold personal data).
    expect(list, "url.full", &format!("http://127.0.0.1:{port}/v1/employers?limit=5&name=REDACTED&page=2"));
    expect(list, "http.response.status_code", "200");
    expect(list, "http.request.resend_count", "1");
    expect(list, "request_id", "req_ok");
    expect(list, "otel.kind", "client");
    expect(list, "otel.name", "GET /v1/employers");
    assert!(!list.contains_key("error.type") && !list.contains_key("otel.status_code"), "{list:?}");

    let retrieve = &spans[1];
    expect(retrieve, "operation", "employers.retrieve");
    expect(retrieve, "url.template", "/v1/employers/{employer_id}");
    // Path values are hidden: the template shows which parameter each was.
    expect(retrieve, "url.full", &format!("http://127.0.0.1:{port}/v1/employers/REDACTED"));
    expect(retrieve, "http.response.status_code", "404");
    expect(retrieve, "error.type", "404");
    expect(retrieve, "otel.status_code", "ERROR");
    expect(retrieve, "otel.name", "GET /v1/employers/{employer_id}");
    assert!(!retrieve.contains_key("http.request.resend_count"), "no resend: {retrieve:?}");

    let raw = &spans[2];
    expect(raw, "operation", "raw_request");
    expect(raw, "url.template", "/v1/people/{ssn}/x{n}");
    // No spec for a raw request: every value is hidden.
    expect(
        raw,
        "url.full",
        &format!("http://127.0.0.1:{port}/v1/people/REDACTED/xREDACTED?page=REDACTED&dob=REDACTED"),
    );
    expect(raw, "request_id", "req_d795479794d6f1");
    let plans = &spans[3];
    expect(plans, "url.full", &format!("http://127.0.0.1:{port}/v1/enrollments/REDACTED/plans"));

    // Every field of every span is one the test names, so a new one is looked at.
    let known = [
        "operation",
        "http.request.method",
        "server.address",
        "server.port",
        "url.template",
        "url.full",
        "http.response.status_code",
        "http.request.resend_count",
        "request_id",
        "otel.kind",
        "otel.name",
        "error.type",
        "otel.status_code",
    ];
    for span in &spans {
        for field in span.keys() {
            assert!(known.contains(&field.as_str()), "{field} is not checked: {span:?}");
        }
    }

    let all = format!("{spans:?}");
    for secret in ["6789", "4321", "1990-04-01", API_KEY, "Acme"] {
        assert!(!all.contains(secret), "{secret} in {all}");
    }
}
