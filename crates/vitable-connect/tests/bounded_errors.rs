//! Error text is bounded, whatever the server sends: a huge `detail`, `code`, field-error
//! list, field name or message, decode message or `x-request-id` is cut, at a character
//! boundary and after SSNs are masked, and the cut says how much is left out. `Display` stays
//! one line and short; `Debug` stays short too.
//!
//! The sizes are those of the security review (issue 11, item 4): a 50 MB `detail`, 200,000
//! field errors, a 5 MB value in a decode message, a 60 KB `x-request-id`. An error body is
//! read only as far as its message needs (64 KiB), so the counts of what was cut are checked
//! with bodies within that.

mod support;

use serde_json::{Value, json};
use support::*;
use vitable_connect::{Client, Enrollment, Error};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const RETRIEVE_PATH: &str = "/v1/enrollments/enrl_8fK2x9";

/// Longest `detail` kept, in characters (documented on `ApiError::detail`).
const DETAIL_CHARS: usize = 2048;
/// Most field errors kept (documented on `ApiError::field_errors`).
const FIELDS: usize = 20;
/// Longest request id kept, in characters.
const REQUEST_ID_CHARS: usize = 128;
/// Longest decode message kept, in characters.
const DECODE_MESSAGE_CHARS: usize = 1024;

/// What the `Display` of any error stays under, in characters: the sum of the documented
/// bounds (detail, 20 fields of 3 messages, request id, markers) with room to spare.
const DISPLAY_BOUND: usize = 24 * 1024;

/// `enrollments.retrieve` against a server on 127.0.0.1 answering `response`, with `client`
/// (whatever its key).
async fn retrieve_with(client: &Client, server: &MockServer, response: ResponseTemplate) -> Error {
    Mock::given(method("GET")).and(path(RETRIEVE_PATH)).respond_with(response).expect(1).mount(server).await;
    client
        .enrollments()
        .retrieve(&ENROLLMENT.parse().unwrap())
        .send()
        .await
        .map(|_: Enrollment| ())
        .unwrap_err()
}

/// `enrollments.retrieve` answered with `response`, by a server of its own.
async fn error_for(response: ResponseTemplate) -> Error {
    let server = MockServer::start().await;
    retrieve_with(&client(&server), &server, response).await
}

/// An error status with a JSON body.
fn json_error(status: u16, body: &Value) -> ResponseTemplate {
    // `set_body_raw` avoids a second copy of a huge `Value` inside wiremock.
    ResponseTemplate::new(status).set_body_raw(serde_json::to_vec(body).unwrap(), "application/json")
}

#[track_caller]
fn assert_bounded(error: &Error, display_bound: usize) {
    let shown = error.to_string();
    assert!(!shown.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']), "not one line: {shown:?}");
    let chars = shown.chars().count();
    assert!(chars <= display_bound, "Display has {chars} characters, more than {display_bound}");
    let debug = format!("{error:?}").chars().count();
    assert!(debug <= 2 * DISPLAY_BOUND, "Debug has {debug} characters");
}

#[tokio::test]
async fn a_50_mb_detail_is_cut_saying_how_many_characters_were_left_out() {
    // The SDK reads an error body only as far as a message needs (64 KiB): a 50 MB one is cut
    // before it is parsed, and the error shows a bounded snippet of it.
    let detail = "x".repeat(50_000_000);
    let error = error_for(json_error(400, &json!({ "detail": detail }))).await;
    drop(detail);
    assert_bounded(&error, DETAIL_CHARS + 200);
    assert!(error.as_api().unwrap().body_snippet.as_deref().unwrap().ends_with('…'), "{error}");

    // A long detail within the body that is read is cut at its own bound, with the count.
    let error = error_for(json_error(400, &json!({ "detail": "x".repeat(60_000) }))).await;
    assert_bounded(&error, DETAIL_CHARS + 200);
    let kept = error.as_api().unwrap().detail.as_deref().unwrap();
    assert_eq!(kept, format!("{}… (57,952 more characters)", "x".repeat(DETAIL_CHARS)));
    assert!(error.to_string().ends_with("x… (57,952 more characters)"), "{error}");
}

#[tokio::test]
async fn a_detail_is_cut_at_a_character_boundary_and_a_short_one_is_whole() {
    let error = error_for(json_error(400, &json!({ "detail": "é".repeat(DETAIL_CHARS + 1) }))).await;
    let kept = error.as_api().unwrap().detail.clone().unwrap();
    assert_eq!(kept, format!("{}… (1 more character)", "é".repeat(DETAIL_CHARS)));

    let whole = "é".repeat(DETAIL_CHARS);
    let error = error_for(json_error(400, &json!({ "detail": whole }))).await;
    assert_eq!(error.as_api().unwrap().detail.as_deref(), Some(whole.as_str()));
}

#[tokio::test]
async fn two_hundred_thousand_field_errors_keep_twenty_and_count_the_rest() {
    let fields = |n: usize| -> serde_json::Map<String, Value> {
        (0..n).map(|i| (format!("field_{i:06}"), json!(["is invalid"]))).collect()
    };
    // 200,000 fields: more than the part of an error body the SDK reads; the error is bounded.
    let error = error_for(json_error(422, &json!({ "detail": "Invalid", "errors": fields(200_000) }))).await;
    assert_bounded(&error, 2048);

    // 1,000 fields fit in what is read: twenty are kept and the rest counted.
    let error = error_for(json_error(422, &json!({ "detail": "Invalid", "errors": fields(1000) }))).await;
    assert_bounded(&error, 2048);
    let api = error.as_api().unwrap();
    assert_eq!(api.field_errors.len(), FIELDS);
    assert!(api.field_errors.values().all(|m| m == &["is invalid"]));
    let shown = error.to_string();
    assert!(shown.ends_with("field_000019: is invalid, … and 980 more fields]"), "{shown}");
}

#[tokio::test]
async fn a_long_list_of_messages_for_one_field_keeps_three_and_counts_the_rest() {
    let messages: Vec<String> = (0..1000).map(|i| format!("problem {i}")).collect();
    let error = error_for(json_error(422, &json!({ "errors": { "reason": messages } }))).await;

    let api = error.as_api().unwrap();
    assert_eq!(
        api.field_errors["reason"],
        ["problem 0", "problem 1", "problem 2", "… and 997 more messages"]
    );
    assert!(error.to_string().contains("[reason: problem 0; problem 1; problem 2; … and 997 more messages]"));
}

#[tokio::test]
async fn long_field_names_messages_and_codes_are_cut() {
    let name = "n".repeat(10_000);
    let body = json!({
        "code": "c".repeat(20_000),
        "errors": { name: ["m".repeat(20_000)], "ok": "fine" },
    });
    let error = error_for(json_error(422, &body)).await;

    assert_bounded(&error, 1024);
    let api = error.as_api().unwrap();
    let code = api.code.as_deref().unwrap();
    assert_eq!(code, format!("{}… (19,744 more characters)", "c".repeat(256)));
    let (name, messages) = api.field_errors.iter().find(|(name, _)| name.starts_with('n')).unwrap();
    assert_eq!(*name, format!("{}… (9,872 more characters)", "n".repeat(128)));
    assert_eq!(*messages, [format!("{}… (19,744 more characters)", "m".repeat(256))]);
    assert_eq!(api.field_errors["ok"], ["fine"]);
}

#[tokio::test]
async fn a_5_mb_value_in_a_decode_message_is_cut() {
    let body = with(enrollment(), json!({ "employee_contribution_cents": "v".repeat(5_000_000) }));
    let error = error_for(
        ResponseTemplate::new(200).set_body_raw(serde_json::to_vec(&body).unwrap(), "application/json"),
    )
    .await;

    let Error::Decode(decode) = &error else { panic!("expected Error::Decode, got {error}") };
    assert_eq!(decode.path, "employee_contribution_cents");
    let chars = decode.message.chars().count();
    assert!(chars <= DECODE_MESSAGE_CHARS + 40, "the message has {chars} characters");
    assert!(decode.message.starts_with("invalid type: string \"vvv"), "{}", decode.message);
    assert!(decode.message.ends_with(" more characters)"), "{}", decode.message);
    assert_bounded(&error, DECODE_MESSAGE_CHARS + 1024);
}

#[tokio::test]
async fn a_60_kb_request_id_is_cut_in_the_error_and_in_its_headers() {
    let id = format!("req_{}", "r".repeat(60_000));
    for response in [
        json_error(503, &json!({ "detail": "busy" })),
        ResponseTemplate::new(200).set_body_json(json!({ "id": 1 })),
    ] {
        let error = error_for(response.insert_header("x-request-id", id.as_str())).await;

        let kept = error.request_id().unwrap();
        assert_eq!(kept, format!("req_{}… (59,876 more characters)", "r".repeat(REQUEST_ID_CHARS - 4)));
        assert_bounded(&error, 1024);
        let debug = format!("{error:?}");
        assert!(debug.len() < 4096, "Debug keeps the whole header: {} bytes", debug.len());
    }
}

#[tokio::test]
async fn no_part_of_an_ssn_or_the_key_is_left_at_a_cut() {
    const KEY: &str = "sk_live_CUTKEY_0123";
    const SSN: &str = "123-45-6789";
    let server = MockServer::start().await;
    let client = Client::builder().api_key(KEY).base_url(server.uri()).max_retries(0).build().unwrap();
    // Each secret starts `before` characters before a limit, so that the cut falls inside it:
    // detail 2048, code 256, field name 128, message 256, request id 128, decode message 1024
    // (after the 22 characters of `invalid type: string "`).
    for secret in [KEY, SSN] {
        for before in 1..secret.len() {
            let at = |limit: usize, fill: &str| format!("{}{secret} after", fill.repeat(limit - before));
            let body = json!({
                "detail": at(DETAIL_CHARS, "d"),
                "code": at(256, "c"),
                "errors": { at(128, "n"): [at(256, "m")] },
            });
            let id = at(REQUEST_ID_CHARS, "i").replace(' ', "-");
            let decode = with(
                enrollment(),
                json!({ "employee_contribution_cents": at(DECODE_MESSAGE_CHARS - 22, "v") }),
            );
            for response in [json_error(400, &body), ResponseTemplate::new(200).set_body_json(decode)] {
                server.reset().await;
                let error =
                    retrieve_with(&client, &server, response.insert_header("x-request-id", id.as_str()))
                        .await;
                let shown = format!("{error}\n{error:?}");
                for part in ["sk_l", "CUTKEY", "0123", "123-", "45-6789", "6789"] {
                    assert!(
                        !shown.contains(part),
                        "a cut {before} characters into {secret:?} leaves {part:?}:\n{shown}"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn huge_multi_line_text_still_displays_as_one_line() {
    let lines = "line\nbreak\r\nnext\u{85}nel\u{2028}sep\u{2029}para ".repeat(1000);
    let body = json!({ "detail": lines, "errors": { "notes\u{2028}field": [lines] } });
    let error = error_for(json_error(400, &body)).await;
    assert_bounded(&error, DISPLAY_BOUND);
}

#[tokio::test]
async fn a_worst_case_error_body_displays_within_the_bound() {
    let fields: serde_json::Map<String, Value> = (0..100)
        .map(|i| (format!("{i:03}{}", "n".repeat(1000)), json!(vec!["m".repeat(1000); 10])))
        .collect();
    let body = json!({ "detail": "d".repeat(100_000), "code": "c".repeat(100_000), "errors": fields });
    let id = "r".repeat(8000);
    let error = error_for(json_error(422, &body).insert_header("x-request-id", id.as_str())).await;
    assert_bounded(&error, DISPLAY_BOUND);
}
