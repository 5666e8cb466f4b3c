//! Idempotency keys, fault injection (failures, delays, dropped connections), the admin routes,
//! concurrency and shutdown.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use support::{Api, Res};

const RECORD: &str = "members_qualifying_life_events_record";

fn qle_body(date: &str) -> Value {
    json!({ "event_type": "Marriage", "event_date": date })
}

impl Api {
    fn qle_path(&self) -> String {
        format!("/v1/members/{}/qualifying-life-events", self.employee(0).member_id)
    }

    async fn record_with_key(&self, key: &str, body: &Value) -> Res {
        self.send(self.request(Method::POST, &self.qle_path()).header("idempotency-key", key).json(body))
            .await
    }

    async fn qle_count(&self) -> usize {
        self.get(&self.qle_path()).await.expect(200).body.as_array().map_or(0, Vec::len)
    }
}

#[tokio::test]
async fn a_repeated_idempotency_key_replays_the_first_response() {
    let api = Api::seeded().await;
    let first = api.record_with_key("key-1", &qle_body("2026-05-01")).await.expect(201);
    let second =
        api.record_with_key("key-1", &json!({ "event_date": "2026-05-01", "event_type": "Marriage" })).await;
    let second = second.expect(201);
    assert_eq!(first.body, second.body, "same status and body");
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    assert_ne!(first.header("x-request-id"), second.header("x-request-id"));
    assert_eq!(api.qle_count().await, 1, "no second side effect");

    let conflict = api.record_with_key("key-1", &qle_body("2026-05-02")).await.expect(409);
    assert_eq!(conflict.body["code"], "idempotency_key_reused");
    let other_path = format!("/v1/members/{}/qualifying-life-events", api.employee(1).member_id);
    let request = api
        .request(Method::POST, &other_path)
        .header("idempotency-key", "key-1")
        .json(&qle_body("2026-05-01"));
    api.send(request).await.expect(409);
    api.record_with_key("key-2", &qle_body("2026-05-01")).await.expect(201);
    assert_eq!(api.qle_count().await, 2);
}

#[tokio::test]
async fn a_failed_request_does_not_burn_its_idempotency_key() {
    let api = Api::seeded().await;
    api.record_with_key("key-x", &qle_body("2099-01-01")).await.expect(400);
    api.record_with_key("key-x", &qle_body("2026-05-01")).await.expect(201);
    let res = api
        .send(
            api.request(Method::POST, &api.qle_path())
                .header("idempotency-key", "")
                .json(&qle_body("2026-05-01")),
        )
        .await;
    assert_eq!(res.expect(400).body["code"], "invalid_idempotency_key");
}

/// The store covers every write: a `PUT` or `DELETE` with a key seen before is replayed (no
/// second change, not even `updated_at`), and the key with another request is a 409.
#[tokio::test]
async fn put_and_delete_with_an_idempotency_key_are_replayed_or_refused() {
    let api = Api::seeded().await;
    let employer = format!("/v1/employers/{}", api.demo().employer_id);
    let put = |key: &'static str, body: Value| {
        api.send(api.request(Method::PUT, &employer).header("idempotency-key", key).json(&body))
    };
    let first = put("put-1", json!({ "name": "Acme Two" })).await.expect(200);
    let again = put("put-1", json!({ "name": "Acme Two" })).await.expect(200);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(first.body, again.body, "the first response again: updated_at did not move");
    assert_eq!(api.get(&employer).await.expect(200).body["updated_at"], first.body["updated_at"]);
    let conflict = put("put-1", json!({ "name": "Acme Three" })).await.expect(409);
    assert_eq!(conflict.body["code"], "idempotency_key_reused");
    assert_eq!(api.get(&employer).await.expect(200).body["name"], "Acme Two");

    let terminate = |employee: String, key: &'static str| {
        api.send(
            api.request(Method::DELETE, &format!("/v1/employees/{employee}")).header("idempotency-key", key),
        )
    };
    let dana = api.employee(0).employee_id.to_string();
    let first = terminate(dana.clone(), "delete-1").await.expect(204);
    assert!(first.header("idempotent-replayed").is_none());
    let again = terminate(dana.clone(), "delete-1").await.expect(204);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    let sam = api.employee(1).employee_id.to_string();
    terminate(sam.clone(), "delete-1").await.expect(409);
    assert_eq!(api.get(&format!("/v1/employees/{sam}")).await.expect(200).body["active"], true);
    // One key space for every write: a POST's key on a PUT is another request.
    api.record_with_key("shared", &qle_body("2026-05-01")).await.expect(201);
    put("shared", json!({ "name": "Acme Four" })).await.expect(409);
}

/// With a small byte bound, the oldest keys are forgotten first: a request with a forgotten key
/// is applied again, a recent one is still replayed.
#[tokio::test]
async fn the_idempotency_store_forgets_the_oldest_keys_past_its_byte_bound() {
    let api = Api::with(
        vitable_connect_sandbox::SandboxOptions::new()
            .seed(true)
            .today(support::today())
            .idempotency_max_bytes(8 * 1024),
    )
    .await;
    let count = async || {
        let largest =
            support::param_limits("members_qualifying_life_events_list", "limit").maximum.expect("a maximum");
        let all = api.get(&format!("{}?limit={largest}", api.qle_path())).await.expect(200);
        all.body.as_array().map_or(0, Vec::len)
    };
    for i in 0..20 {
        api.record_with_key(&format!("key-{i}"), &qle_body("2026-05-01")).await.expect(201);
    }
    assert_eq!(count().await, 20);
    let recent = api.record_with_key("key-19", &qle_body("2026-05-01")).await.expect(201);
    assert_eq!(recent.header("idempotent-replayed"), Some("true"));
    assert_eq!(api.record_with_key("key-19", &qle_body("2026-05-02")).await.status, 409);
    let forgotten = api.record_with_key("key-0", &qle_body("2026-05-01")).await.expect(201);
    assert!(forgotten.header("idempotent-replayed").is_none());
    assert_eq!(count().await, 21, "a forgotten key's request is applied again");
}

#[tokio::test]
async fn fail_next_fails_before_any_work_with_retry_after() {
    let api = Api::seeded().await;
    let faults = api.sandbox.faults().clone();
    faults.fail_next(RECORD, 2, 503, Some(Duration::from_secs(3)));
    for _ in 0..2 {
        let res = api.post(&api.qle_path(), &qle_body("2026-05-01")).await.expect(503);
        assert_eq!(res.body["code"], "injected_fault");
        assert_eq!(res.header("retry-after"), Some("3"));
        assert_eq!(res.header("content-type"), Some("application/json"));
        assert!(res.header("x-request-id").is_some());
    }
    assert_eq!(api.qle_count().await, 0, "nothing was applied");
    api.post(&api.qle_path(), &qle_body("2026-05-01")).await.expect(201);
    assert_eq!(faults.requests(RECORD), 3);
    assert_eq!(faults.requests("members_qualifying_life_events_list"), 1);
    assert_eq!(faults.requests("enrollments_reissue"), 0);

    faults.fail_next("employers_list", 1, 429, None);
    let res = api.get("/v1/employers").await.expect(429);
    assert!(res.header("retry-after").is_none());
    api.get("/v1/employers").await.expect(200);

    faults.fail_next("employers_list", 5, 500, None);
    faults.clear();
    api.get("/v1/employers").await.expect(200);
}

/// An injected status must be an error status (400 to 599): over HTTP anything else is a 400
/// naming `status`; from Rust, `try_fail_next` refuses it and `fail_next` sends a JSON 500.
#[tokio::test]
async fn fail_next_takes_error_statuses_only() {
    let api = Api::seeded().await;
    let faults = api.sandbox.faults();
    for status in [100, 101, 199, 200, 204, 302, 399, 600, 999, 0] {
        let res = api
            .client
            .post(api.url("/_sandbox/faults/fail-next"))
            .json(&json!({ "operation_id": "employers_list", "count": 1, "status": status }))
            .send()
            .await
            .unwrap();
        let res = Res::from(res).await.expect(400);
        assert!(!res.field_errors("status").is_empty(), "{status}: {}", res.text);
        api.get("/v1/employers").await.expect(200);

        assert!(faults.try_fail_next("employers_list", 1, status, None).is_err(), "{status}");
        api.get("/v1/employers").await.expect(200);

        faults.fail_next("employers_list", 1, status, None);
        let res = api.get("/v1/employers").await.expect(500);
        assert_eq!(res.body["code"], "injected_fault", "{status}");
        assert_eq!(res.header("content-type"), Some("application/json"));
        assert!(res.header("x-request-id").is_some());
        api.get("/v1/employers").await.expect(200);
    }
    for status in [400, 409, 429, 500, 599] {
        faults.try_fail_next("employers_list", 1, status, None).expect("an error status");
        api.get("/v1/employers").await.expect(status);
    }
    assert!(faults.try_fail_next("employers_lisp", 1, 503, None).is_err(), "an unknown operation");
}

/// `try_fail_next` refuses an unknown operation ID with a `FaultError` whose text quotes it:
/// SSN-shaped text in it is masked, whole, also where the quote is cut at 64 characters.
#[tokio::test]
async fn a_refused_operation_id_never_shows_an_ssn_even_in_part() {
    let api = Api::seeded().await;
    let faults = api.sandbox.faults();
    for ssn in ["123-45-6789", "123456789"] {
        let digits = ssn.replace('-', "");
        for start in 0..=70 {
            let operation_id = format!("{}{ssn}", "a".repeat(start));
            let error = faults.try_fail_next(&operation_id, 1, 503, None).expect_err("an unknown operation");
            let text = error.to_string();
            for piece in [ssn, digits.as_str()] {
                for window in (0..piece.len()).flat_map(|i| (i + 1..=piece.len()).map(move |j| &piece[i..j]))
                {
                    let digits_shown = window.bytes().filter(u8::is_ascii_digit).count();
                    assert!(
                        digits_shown < 5 || !text.contains(window),
                        "{operation_id}: `{window}` in {text}"
                    );
                }
            }
        }
    }
    api.get("/v1/employers").await.expect(200);
}

/// `Duration::MAX` anywhere a duration is taken neither panics nor overflows: `Retry-After`
/// saturates, a delay holds the response (the client gives up), timeouts are cut to a year.
#[tokio::test]
async fn the_longest_durations_do_not_panic() {
    let api = Api::with(
        vitable_connect_sandbox::SandboxOptions::new()
            .seed(true)
            .header_read_timeout(Duration::MAX)
            .body_read_timeout(Duration::MAX),
    )
    .await;
    let faults = api.sandbox.faults();
    faults.fail_next("employers_list", 1, 503, Some(Duration::MAX));
    let res = api.get("/v1/employers").await.expect(503);
    assert_eq!(res.header("retry-after"), Some(u64::MAX.to_string().as_str()));
    let res = api
        .client
        .post(api.url("/_sandbox/faults/fail-next"))
        .json(&json!({ "operation_id": "employers_list", "count": 1, "status": 503, "retry_after_seconds": u64::MAX }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let res = api.get("/v1/employers").await.expect(503);
    assert_eq!(res.header("retry-after"), Some(u64::MAX.to_string().as_str()));

    let impatient = support::client(Some(Duration::from_millis(300)));
    faults.delay(Some("employers_list"), Duration::MAX);
    let err = impatient.get(api.url("/v1/employers")).bearer_auth("t").send().await.expect_err("held");
    assert!(err.is_timeout(), "{err}");
    faults.clear();
    let res = api
        .client
        .post(api.url("/_sandbox/faults/delay"))
        .json(&json!({ "operation_id": null, "milliseconds": u64::MAX }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let err = impatient.get(api.url("/v1/employers")).bearer_auth("t").send().await.expect_err("held");
    assert!(err.is_timeout(), "{err}");
    faults.clear();
    api.get("/v1/employers").await.expect(200);
}

#[tokio::test]
async fn a_delayed_response_times_the_client_out_after_the_request_was_applied() {
    let api = Api::seeded().await;
    let faults = api.sandbox.faults();
    faults.delay(Some(RECORD), Duration::from_secs(5));
    let impatient = support::client(Some(Duration::from_millis(250)));
    let request = impatient.post(api.url(&api.qle_path())).bearer_auth("t").json(&qle_body("2026-05-01"));
    let err = request.send().await.expect_err("the client gives up first");
    assert!(err.is_timeout(), "{err}");
    faults.clear();
    // The request was applied before its response was held back.
    let mut count = 0;
    for _ in 0..200 {
        count = api.qle_count().await;
        if count == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(count, 1);
    assert_eq!(faults.requests(RECORD), 1);

    faults.delay(None, Duration::from_secs(5));
    let err = impatient.get(api.url("/v1/employers")).bearer_auth("t").send().await.expect_err("delayed");
    assert!(err.is_timeout());
    faults.delay(None, Duration::ZERO);
    api.get("/v1/employers").await.expect(200);
}

#[tokio::test]
async fn a_dropped_connection_still_applies_the_request_and_its_idempotency_record() {
    let api = Api::seeded().await;
    let faults = api.sandbox.faults();
    faults.drop_connection_after_write(RECORD, 1);
    let request = api
        .request(Method::POST, &api.qle_path())
        .header("idempotency-key", "drop-1")
        .json(&qle_body("2026-05-03"));
    let err = request.send().await.expect_err("no response comes back");
    assert!(!err.is_timeout() && err.status().is_none(), "{err}");
    assert_eq!(faults.requests(RECORD), 1);
    assert_eq!(api.qle_count().await, 1, "applied once");

    let retry = api.record_with_key("drop-1", &qle_body("2026-05-03")).await.expect(201);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    let listed = api.get(&api.qle_path()).await.expect(200);
    assert_eq!(listed.body[0], retry.body, "the retry gets the response the dropped request produced");
    assert_eq!(faults.requests(RECORD), 2);
    assert_eq!(api.qle_count().await, 1, "still applied once");

    faults.drop_connection_after_write("employers_list", 2);
    for _ in 0..2 {
        assert!(api.request(Method::GET, "/v1/employers").send().await.is_err());
    }
    api.get("/v1/employers").await.expect(200);
    assert_eq!(faults.requests("employers_list"), 3);
}

#[tokio::test]
async fn fifty_concurrent_recordings_are_all_stored() {
    let api = Api::seeded().await;
    let path = api.qle_path();
    let requests = (0..50).map(|i| {
        let body =
            json!({ "event_type": "Other", "event_date": "2026-05-01", "notes": format!("event {i}") });
        let request = api.request(Method::POST, &path).json(&body);
        async move { Res::from(request.send().await.expect("sent")).await }
    });
    let responses = futures::future::join_all(requests).await;
    let mut ids = HashSet::new();
    for res in responses {
        let res = res.expect(201);
        assert!(ids.insert(res.body["id"].as_str().unwrap().to_owned()));
    }
    // Read back page by page, each as large as the spec allows, until a short page.
    let list = "members_qualifying_life_events_list";
    let largest = support::param_limits(list, "limit").maximum.expect("limit has a maximum");
    let (mut listed, mut page) = (HashSet::new(), support::param_default(list, "page"));
    loop {
        let res = api.get(&format!("{path}?limit={largest}&page={page}")).await.expect(200);
        let items = res.body.as_array().unwrap();
        listed.extend(items.iter().map(|q| q["id"].as_str().unwrap().to_owned()));
        if i64::try_from(items.len()).unwrap() < largest {
            break;
        }
        page += 1;
    }
    assert_eq!(listed, ids);
    assert_eq!(api.sandbox.faults().requests(RECORD), 50);
}

#[tokio::test]
async fn the_admin_routes_mirror_the_fault_handle() {
    let api = Api::seeded().await;
    let admin = |method: Method, path: &str| api.client.request(method, api.url(path));
    let ok = admin(Method::POST, "/_sandbox/faults/fail-next").json(
        &json!({ "operation_id": "employers_list", "count": 1, "status": 502, "retry_after_seconds": 7 }),
    );
    assert_eq!(ok.send().await.unwrap().status(), 204);
    let res = api.get("/v1/employers").await.expect(502);
    assert_eq!(res.header("retry-after"), Some("7"));
    let bad = admin(Method::POST, "/_sandbox/faults/fail-next")
        .json(&json!({ "operation_id": "nope", "count": 1, "status": 500 }));
    assert_eq!(Res::from(bad.send().await.unwrap()).await.expect(400).body["code"], "validation_error");
    let counts = Res::from(admin(Method::GET, "/_sandbox/requests").send().await.unwrap()).await.expect(200);
    assert_eq!(counts.body["employers_list"], 1);
    let res = api.record_qle(api.employee(0).member_id.as_str(), "Birth", "2026-05-01").await.expect(201);
    let review = format!("/_sandbox/qualifying-life-events/{}/status", res.body["id"].as_str().unwrap());
    let reviewed =
        Res::from(admin(Method::PUT, &review).json(&json!({ "status": "approved" })).send().await.unwrap())
            .await;
    assert_eq!(reviewed.expect(200).body["status"], "approved");
    // A status the spec does not list is refused (the SDK's enums are open, so the body type
    // alone would take any text), and nothing changes.
    let sideways =
        Res::from(admin(Method::PUT, &review).json(&json!({ "status": "sideways" })).send().await.unwrap())
            .await;
    let sideways = sideways.expect(400);
    assert!(sideways.text.contains("sideways"), "{}", sideways.text);
    let event = api.get(&format!("/v1/qualifying-life-events/{}", res.body["id"].as_str().unwrap())).await;
    assert_eq!(event.expect(200).body["status"], "approved");
    let today = Res::from(
        admin(Method::PUT, "/_sandbox/today").json(&json!({ "today": "2026-07-01" })).send().await.unwrap(),
    )
    .await;
    assert_eq!(today.expect(200).body["today"], "2026-07-01");
    assert_eq!(api.sandbox.today().to_string(), "2026-07-01");
    assert_eq!(admin(Method::DELETE, "/_sandbox/faults").send().await.unwrap().status(), 204);
}

#[tokio::test]
async fn moving_today_closes_windows() {
    let api = Api::seeded().await;
    let dana = api.employee(0);
    let qle = api.record_qle(dana.member_id.as_str(), "Marriage", "2026-05-10").await.expect(201);
    api.sandbox.set_today(chrono::NaiveDate::from_ymd_opt(2026, 6, 10));
    let path = format!("/v1/enrollments/{}/reissue", dana.enrollment_id);
    let res = api.post(&path, &json!({ "qle_id": qle.body["id"] })).await.expect(400);
    assert_eq!(res.body["detail"], "The qualifying life event's enrollment window closed on 2026-06-09.");
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let api = Api::seeded().await;
    api.get("/v1/employers").await.expect(200);
    let url = api.url("/v1/employers");
    let client = api.client.clone();
    api.sandbox.shutdown().await;
    let fresh = support::client(Some(Duration::from_secs(5)));
    assert!(fresh.get(&url).bearer_auth("t").send().await.is_err());
    assert!(client.get(&url).bearer_auth("t").send().await.is_err());
}

#[tokio::test]
async fn the_admin_routes_take_either_spelling_of_an_operation() {
    let api = Api::seeded().await;
    let admin = |path: &str, body: Value| api.client.request(Method::POST, api.url(path)).json(&body);
    for op in vitable_connect_api::spec::OPERATIONS {
        for spelling in [op.id, op.name] {
            let fail = admin(
                "/_sandbox/faults/fail-next",
                json!({ "operation_id": spelling, "count": 1, "status": 503 }),
            );
            assert_eq!(fail.send().await.unwrap().status(), 204, "fail-next {spelling}");
            let delay =
                admin("/_sandbox/faults/delay", json!({ "operation_id": spelling, "milliseconds": 0 }));
            assert_eq!(delay.send().await.unwrap().status(), 204, "delay {spelling}");
            let drop =
                admin("/_sandbox/faults/drop-connection", json!({ "operation_id": spelling, "count": 0 }));
            assert_eq!(drop.send().await.unwrap().status(), 204, "drop-connection {spelling}");
        }
    }
    api.sandbox.faults().clear();

    // Both spellings queue failures for the same operation, in order.
    for (spelling, status) in [("employers.list", 503), ("employers_list", 502)] {
        let fail = admin(
            "/_sandbox/faults/fail-next",
            json!({ "operation_id": spelling, "count": 1, "status": status }),
        );
        assert_eq!(fail.send().await.unwrap().status(), 204);
    }
    api.get("/v1/employers").await.expect(503);
    api.get("/v1/employers").await.expect(502);
    api.get("/v1/employers").await.expect(200);
    assert_eq!(api.sandbox.faults().requests("employers.list"), 3);
}

#[tokio::test]
async fn a_wrong_operation_name_gets_the_closest_one_suggested() {
    let api = Api::seeded().await;
    let admin = |path: &str, body: Value| api.client.request(Method::POST, api.url(path)).json(&body);
    for op in vitable_connect_api::spec::OPERATIONS {
        let hint = format!("did you mean `{}` (operationId `{}`)?", op.name, op.id);
        for typo in [format!("{}x", op.name), format!("{}x", op.id)] {
            let requests = [
                admin(
                    "/_sandbox/faults/fail-next",
                    json!({ "operation_id": typo, "count": 1, "status": 503 }),
                ),
                admin("/_sandbox/faults/delay", json!({ "operation_id": typo, "milliseconds": 5 })),
                admin("/_sandbox/faults/drop-connection", json!({ "operation_id": typo, "count": 1 })),
            ];
            for request in requests {
                let res = Res::from(request.send().await.unwrap()).await.expect(400);
                assert_eq!(res.body["code"], "validation_error");
                let messages = res.field_errors("operation_id");
                assert_eq!(messages.len(), 1, "{}", res.text);
                assert!(messages[0].starts_with(&format!("`{typo}` is neither")), "{}", messages[0]);
                assert!(messages[0].ends_with(&hint), "{}", messages[0]);
            }
        }
    }
    // Nothing was queued by the refused requests.
    api.get("/v1/employers").await.expect(200);
}
