//! What the SDK does per call beyond what a hand-written `reqwest` call does, piece by piece,
//! without the network: the parts of its per-call overhead (see `BENCHMARKS.md`). Most
//! pieces are those of the request path before it was rebuilt (a generated client per call,
//! the generated URL, a spare request for retries, header copies, a boxed future); `url_sdk`
//! is the URL as the SDK builds it now, `url_parse` what a string URL costs `reqwest`.
//!
//! Criterion group `sdk_overhead`; each benchmark is one piece, named after it. Measured in
//! CPU time of the benchmark's thread ([`ThreadCpuTime`]), which leaves out preemption.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, DATE, HeaderMap, HeaderValue, USER_AGENT,
};
use vitable_connect::EnrollmentId;
use vitable_connect_benches::cpu::ThreadCpuTime;
use vitable_connect_benches::fixtures::ENROLLMENT_ID;

const BASE_URL: &str = "http://127.0.0.1:40000";

/// A request as the SDK sent it before the rebuild: the generated client's headers, then the
/// executor's.
fn sdk_request(http: &reqwest::Client, timeout: bool) -> reqwest::Request {
    let mut request = http
        .get(format!("{BASE_URL}/v1/enrollments/{ENROLLMENT_ID}"))
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .header("api-version", HeaderValue::from_static("1.0.0"))
        .header(AUTHORIZATION, HeaderValue::from_static("Bearer sk_bench_0123456789abcdef"))
        .header(USER_AGENT, HeaderValue::from_static(vitable_connect::USER_AGENT_VALUE))
        .build()
        .expect("a valid request");
    if timeout {
        *request.timeout_mut() = Some(Duration::from_secs(60));
    }
    request
}

fn response_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CONTENT_LENGTH, HeaderValue::from_static("712"));
    headers.insert(DATE, HeaderValue::from_static("Sat, 22 Nov 2025 00:00:00 GMT"));
    headers
}

fn overhead(c: &mut Criterion<ThreadCpuTime>) {
    let http = reqwest::Client::new();
    let id: EnrollmentId = ENROLLMENT_ID.parse().expect("a valid ID");
    let mut group = c.benchmark_group("sdk_overhead");

    // `Client::call`: a generated client per call (base URL copied, HTTP client cloned).
    group.bench_function("generated_client_per_call", |b| {
        b.iter(|| {
            vitable_connect_api::Client::new_with_client(
                black_box(BASE_URL),
                http.clone(),
                vitable_connect_api::hooks::Inner::direct(),
            )
        })
    });
    // The generated URL: `to_string` of the ID (as the generated code does it), percent-encoded,
    // then formatted.
    group.bench_function("url_generated", |b| {
        b.iter(|| {
            let id = black_box(&id).to_string();
            format!("{}/v1/enrollments/{}", black_box(BASE_URL), progenitor_client::encode_path(&id))
        })
    });
    group.bench_function("url_plain", |b| {
        b.iter(|| format!("{}/v1/enrollments/{}", black_box(BASE_URL), black_box(ENROLLMENT_ID)))
    });
    // What `reqwest` then does with a URL given as a string: parse it.
    let plain_url = format!("{BASE_URL}/v1/enrollments/{ENROLLMENT_ID}");
    group.bench_function("url_parse", |b| b.iter(|| reqwest::Url::parse(black_box(&plain_url))));
    // The URL as the SDK builds it: a copy of the client's parsed base URL, the path
    // segments pushed onto it (percent-encoded); nothing is parsed.
    let base = reqwest::Url::parse(BASE_URL).expect("a valid URL");
    group.bench_function("url_sdk", |b| {
        b.iter(|| {
            let mut url = black_box(&base).clone();
            url.path_segments_mut().expect("an http URL").pop_if_empty().extend([
                "v1",
                "enrollments",
                black_box(&id).as_str(),
            ]);
            url
        })
    });
    // The executor's per-request timeout, stored in the request's extensions.
    group.bench_function("set_request_timeout", |b| {
        b.iter_batched(
            || sdk_request(&http, false),
            |mut request| {
                *request.timeout_mut() = Some(black_box(Duration::from_secs(60)));
                request
            },
            BatchSize::SmallInput,
        )
    });
    // The spare copy kept for retries, with and without the timeout extension.
    let with_timeout = sdk_request(&http, true);
    group.bench_function("request_try_clone", |b| b.iter(|| black_box(&with_timeout).try_clone()));
    let without_timeout = sdk_request(&http, false);
    group.bench_function("request_try_clone_no_timeout", |b| {
        b.iter(|| black_box(&without_timeout).try_clone())
    });
    // Copies of the response headers (the executor's and progenitor's `ResponseValue`).
    let headers = response_headers();
    group.bench_function("response_headers_clone", |b| b.iter(|| black_box(&headers).clone()));
    // The executor's boxed future (2,200 bytes in this build).
    group.bench_function("box_2200_byte_future", |b| b.iter(|| Box::new(black_box([7u8; 2200]))));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = overhead
}
criterion_main!(benches);
