//! `.stream()` of the list operations against a real HTTP server (wiremock on 127.0.0.1):
//! items in order across pages, one page fetched at a time and only when needed, filters on
//! every page, the end after a short or empty page, and errors.

use futures::{StreamExt, TryStreamExt};
use http::StatusCode;
use serde_json::json;
use vitable_connect::{Client, EmployerId, Error};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder().api_key("sk_test_pagination").base_url(server.uri()).build().unwrap()
}

fn employer(n: usize) -> serde_json::Value {
    json!({
        "id": format!("empr_{n:04}"),
        "organization_id": "org_Vt6Yn1",
        "name": format!("Employer {n}"),
        "legal_name": format!("Employer {n} LLC"),
        "active": true,
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z"
    })
}

fn employee(n: usize) -> serde_json::Value {
    json!({
        "id": format!("empl_{n:04}"),
        "employer_id": "empr_A1b2C3",
        "active": true,
        "start_date": "2026-01-05",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
        "member": {
            "id": format!("mbr_{n:04}"),
            "first_name": "Maya",
            "last_name": "Rivera",
            "date_of_birth": "1990-04-12",
            "sex": "Female"
        }
    })
}

/// The default of parameter `param` of `employers_list` in `openapi.yaml`, a JSON number.
fn default_of(param: &str) -> u64 {
    let param = vitable_connect_api::spec::operation("employers_list")
        .and_then(|op| op.param(param))
        .unwrap_or_else(|| panic!("employers_list has a {param} parameter"));
    let default = param.limits.default.unwrap_or_else(|| panic!("{} has a default", param.name));
    default.parse().unwrap_or_else(|e| panic!("the default {} `{default}` is not a number: {e}", param.name))
}

/// The default page size `openapi.yaml` states for `limit`.
fn default_limit() -> u64 {
    default_of("limit")
}

/// The number of the `n`th page (from 0) of a stream started without `page`: the spec's
/// default page on.
fn page(n: u64) -> u64 {
    default_of("page") + n
}

/// `page(n)` as it appears in a query string.
fn page_text(n: u64) -> String {
    page(n).to_string()
}

/// Serves pages of `sizes[i]` items (numbered from 1 across pages) as page `page(i)` of
/// `GET route`.
async fn serve_pages(
    server: &MockServer,
    route: &str,
    sizes: &[usize],
    item: fn(usize) -> serde_json::Value,
) {
    let mut next = 1;
    for (i, size) in (0..).zip(sizes) {
        let items: Vec<_> = (next..next + size).map(item).collect();
        next += size;
        Mock::given(method("GET"))
            .and(path(route))
            .and(query_param("page", page_text(i)))
            .respond_with(ResponseTemplate::new(200).set_body_json(items))
            .mount(server)
            .await;
    }
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording is on")
}

fn query(request: &Request, name: &str) -> Option<String> {
    request.url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

fn ids(employers: &[vitable_connect::Employer]) -> Vec<&str> {
    employers.iter().map(|e| e.id.as_str()).collect()
}

#[tokio::test]
async fn streams_every_item_in_order_and_stops_after_a_short_page() {
    let server = MockServer::start().await;
    serve_pages(&server, "/v1/employers", &[2, 2, 1], employer).await;
    let all: Vec<_> = client(&server).employers().list().limit(2).stream().try_collect().await.unwrap();
    assert_eq!(ids(&all), ["empr_0001", "empr_0002", "empr_0003", "empr_0004", "empr_0005"]);
    let requests = requests(&server).await;
    assert_eq!(requests.len(), 3, "the short third page is the last");
    let pages: Vec<_> = requests.iter().map(|r| query(r, "page")).collect();
    assert_eq!(pages, [Some(page_text(0)), Some(page_text(1)), Some(page_text(2))]);
    assert!(requests.iter().all(|r| query(r, "limit").as_deref() == Some("2")));
}

#[tokio::test]
async fn the_next_page_is_fetched_only_when_needed() {
    let server = MockServer::start().await;
    serve_pages(&server, "/v1/employers", &[2, 2, 1], employer).await;
    let mut stream = client(&server).employers().list().limit(2).stream();
    assert_eq!(requests(&server).await.len(), 0, "nothing is sent before the stream is polled");

    assert_eq!(stream.next().await.unwrap().unwrap().id.as_str(), "empr_0001");
    assert_eq!(stream.next().await.unwrap().unwrap().id.as_str(), "empr_0002");
    assert_eq!(requests(&server).await.len(), 1, "page 2 is not fetched while page 1 lasts");

    assert_eq!(stream.next().await.unwrap().unwrap().id.as_str(), "empr_0003");
    assert_eq!(requests(&server).await.len(), 2);
    assert_eq!(stream.next().await.unwrap().unwrap().id.as_str(), "empr_0004");
    assert_eq!(requests(&server).await.len(), 2);

    assert_eq!(stream.next().await.unwrap().unwrap().id.as_str(), "empr_0005");
    assert!(stream.next().await.is_none());
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn taking_fewer_items_than_a_page_fetches_one_page() {
    let server = MockServer::start().await;
    serve_pages(&server, "/v1/employers", &[2, 2, 1], employer).await;
    let first: Vec<_> =
        client(&server).employers().list().limit(2).stream().take(2).try_collect().await.unwrap();
    assert_eq!(ids(&first), ["empr_0001", "empr_0002"]);
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn filters_are_sent_on_every_page() {
    let server = MockServer::start().await;
    serve_pages(&server, "/v1/employers", &[2, 2, 0], employer).await;
    let all: Vec<_> = client(&server)
        .employers()
        .list()
        .active_in(true)
        .name("Acme")
        .limit(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    let requests = requests(&server).await;
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(query(request, "active_in").as_deref(), Some("true"), "{}", request.url);
        assert_eq!(query(request, "name").as_deref(), Some("Acme"), "{}", request.url);
        assert_eq!(query(request, "limit").as_deref(), Some("2"), "{}", request.url);
    }
}

#[tokio::test]
async fn an_empty_first_page_yields_nothing() {
    let server = MockServer::start().await;
    serve_pages(&server, "/v1/employers", &[0], employer).await;
    let all: Vec<_> = client(&server).employers().list().stream().try_collect().await.unwrap();
    assert!(all.is_empty());
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_full_last_page_is_followed_by_one_empty_page() {
    let server = MockServer::start().await;
    serve_pages(&server, "/v1/employers", &[2, 2, 0], employer).await;
    let all: Vec<_> = client(&server).employers().list().limit(2).stream().try_collect().await.unwrap();
    assert_eq!(all.len(), 4);
    let requests = requests(&server).await;
    assert_eq!(requests.len(), 3, "the first two pages are full, the third is empty, then it stops");
    assert_eq!(query(&requests[2], "page"), Some(page_text(2)));
}

#[tokio::test]
async fn an_error_on_page_two_ends_the_stream_after_page_one() {
    let server = MockServer::start().await;
    serve_pages(&server, "/v1/employers", &[2], employer).await;
    Mock::given(method("GET"))
        .and(path("/v1/employers"))
        .and(query_param("page", page_text(1)))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({ "detail": "page out of range" }))
                .insert_header("x-request-id", "req_page2"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/employers"))
        .and(query_param("page", page_text(2)))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([employer(3)])))
        .expect(0)
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server).employers().list().limit(2).stream().collect().await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().id.as_str(), "empr_0001");
    assert_eq!(items[1].as_ref().unwrap().id.as_str(), "empr_0002");
    let Err(Error::Api(error)) = &items[2] else { panic!("expected an API error, got {:?}", items[2]) };
    assert_eq!(error.status, StatusCode::BAD_REQUEST);
    assert_eq!(error.operation, "employers.list");
    assert_eq!(error.request_id.as_deref(), Some("req_page2"));
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn an_error_on_the_first_page_is_the_only_item() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/employers"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({ "detail": "bad key" })))
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server).employers().list().stream().collect().await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].as_ref().unwrap_err().status(), Some(StatusCode::UNAUTHORIZED));
}

#[tokio::test]
async fn a_failed_page_is_retried_before_the_stream_goes_on() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/employers"))
        .and(query_param("page", page_text(1)))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    serve_pages(&server, "/v1/employers", &[2, 1], employer).await;
    let all: Vec<_> = client(&server).employers().list().limit(2).stream().try_collect().await.unwrap();
    assert_eq!(ids(&all), ["empr_0001", "empr_0002", "empr_0003"]);
    assert_eq!(requests(&server).await.len(), 3, "page 1, page 2 (503), page 2 again");
}

#[tokio::test]
async fn page_sets_the_first_page_of_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/employers"))
        .and(query_param("page", "3"))
        .and(query_param("limit", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([employer(5)])))
        .expect(1)
        .mount(&server)
        .await;
    let all: Vec<_> =
        client(&server).employers().list().page(3).limit(2).stream().try_collect().await.unwrap();
    assert_eq!(ids(&all), ["empr_0005"]);
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn send_returns_one_page_only() {
    let server = MockServer::start().await;
    serve_pages(&server, "/v1/employers", &[2, 2, 1], employer).await;
    let first = client(&server).employers().list().page(page(0)).limit(2).send().await.unwrap();
    assert_eq!(ids(&first), ["empr_0001", "empr_0002"]);
    let third = client(&server).employers().list().limit(2).page(page(2)).send().await.unwrap();
    assert_eq!(ids(&third), ["empr_0005"]);
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn the_default_page_size_is_sent_and_used_to_find_the_end() {
    let server = MockServer::start().await;
    let full = usize::try_from(default_limit()).unwrap();
    serve_pages(&server, "/v1/employers", &[full, 3], employer).await;
    let all: Vec<_> = client(&server).employers().list().stream().try_collect().await.unwrap();
    assert_eq!(all.len(), full + 3, "a full default-sized page, then a short one");
    let requests = requests(&server).await;
    assert_eq!(requests.len(), 2);
    let limit = default_limit().to_string();
    assert!(requests.iter().all(|r| query(r, "limit").as_deref() == Some(limit.as_str())));
}

#[tokio::test]
async fn nested_lists_stream_too() {
    let server = MockServer::start().await;
    serve_pages(&server, "/v1/employers/empr_A1b2C3/employees", &[3, 3, 2], employee).await;
    let employer_id: EmployerId = "empr_A1b2C3".parse().unwrap();
    let all: Vec<_> = client(&server)
        .employers()
        .employees()
        .list(&employer_id)
        .limit(3)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = all.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, (1..=8).map(|n| format!("empl_{n:04}")).collect::<Vec<_>>());
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn a_stream_is_send_and_outlives_its_builder() {
    let server = MockServer::start().await;
    serve_pages(&server, "/v1/employers", &[2, 1], employer).await;
    let stream = {
        let client = client(&server);
        client.employers().list().limit(2).stream()
    };
    let all = tokio::spawn(stream.try_collect::<Vec<_>>()).await.unwrap().unwrap();
    assert_eq!(all.len(), 3);
}

#[tokio::test]
async fn polling_a_finished_stream_again_yields_nothing_and_sends_nothing() {
    let server = MockServer::start().await;
    serve_pages(&server, "/v1/employers", &[1], employer).await;
    let mut stream = client(&server).employers().list().limit(2).stream();
    assert!(stream.next().await.is_some());
    assert!(stream.next().await.is_none());
    assert!(stream.next().await.is_none(), "a finished stream stays finished");
    assert_eq!(requests(&server).await.len(), 1);
}
