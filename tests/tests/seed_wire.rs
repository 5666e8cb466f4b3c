//! The two seed requests on the wire, and the seed pages' example responses decoded.
//!
//! The seeds are the reference pages this SDK started from (`shared/seeds/`): reissuing an
//! enrollment after a qualifying life event, and recording a qualifying life event. Their
//! example responses are copied verbatim into `fixtures/seeds/`.

use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};
use vitable_connect_api::{spec, types};

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Decodes `text` as `T`, naming the failing field (`enrolled_dependents[0].relationship`).
fn decode<T: serde::de::DeserializeOwned>(text: &str) -> T {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).unwrap_or_else(|e| panic!("cannot decode at `{}`: {}", e.path(), e))
}

/// `value` with every object key whose value is `null` removed, recursively. The generated
/// types skip `None` when serializing, so a `"key": null` in a response comes back as no key:
/// both mean "no value", and the round-trip comparison treats them as equal.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, without_nulls(v))).collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// Re-serializes `decoded` and compares it with the JSON it was decoded from.
fn assert_round_trips<T: serde::Serialize>(decoded: &T, original: &str) {
    let original: Value = serde_json::from_str(original).unwrap();
    let again = serde_json::to_value(decoded).unwrap();
    assert!(again.as_object().unwrap().values().all(|v| !v.is_null()), "None is skipped, not sent as null");
    assert_eq!(without_nulls(again), without_nulls(original), "re-serialized (left) vs fixture (right)");
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/// `POST /v1/enrollments/{enrollment_id}/reissue` with a reason.
#[test]
fn reissue_request_wire_json() {
    let request = types::EnrollmentReissueRequest {
        qle_id: "qle_3Jd82k".parse().unwrap(),
        reason: Some("New child".parse().unwrap()),
    };
    insta::assert_json_snapshot!("reissue_request", request);
    assert_eq!(serde_json::to_string(&request).unwrap(), r#"{"qle_id":"qle_3Jd82k","reason":"New child"}"#);

    // The optional reason is left out of the body, not sent as null.
    let without_reason =
        types::EnrollmentReissueRequest { qle_id: "qle_3Jd82k".parse().unwrap(), reason: None };
    assert_eq!(serde_json::to_value(&without_reason).unwrap(), json!({ "qle_id": "qle_3Jd82k" }));

    // The spec's maxLength of the reason is enforced when the reason is built.
    let max = spec::properties("EnrollmentReissueRequest")
        .and_then(|props| props.iter().find(|p| p.name == "reason"))
        .and_then(|reason| reason.limits.max_length)
        .expect("the spec limits the length of the reissue reason");
    let max = usize::try_from(max).expect("a length fits in usize");
    assert!("x".repeat(max).parse::<types::EnrollmentReissueRequestReason>().is_ok());
    let err = "x".repeat(max + 1).parse::<types::EnrollmentReissueRequestReason>().unwrap_err();
    assert_eq!(err.to_string(), format!("longer than {max} characters"));
}

/// `POST /v1/members/{member_id}/qualifying-life-events` for a job loss.
#[test]
fn qle_record_request_wire_json() {
    let request = types::QualifyingLifeEventRecordRequest {
        event_date: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
        event_type: types::EventType::JobLoss,
        notes: Some("Laid off; employer coverage ends 2026-11-30.".parse().unwrap()),
    };
    insta::assert_json_snapshot!("qle_record_request", request);

    let wire = serde_json::to_value(&request).unwrap();
    assert!(spec::enum_values::EVENT_TYPE.contains(&"Job Loss"), "an event type of the spec");
    assert_eq!(wire["event_type"], json!("Job Loss"), "the wire value has a space");
    assert_eq!(wire["event_date"], json!("2026-11-02"));
    assert_eq!(serde_json::to_value(types::EventType::JobLoss).unwrap(), json!("Job Loss"));
    assert_eq!("Job Loss".parse::<types::EventType>().unwrap(), types::EventType::JobLoss);
    assert_eq!(types::EventType::JobLoss.to_string(), "Job Loss");

    // Without notes the key is absent.
    let without_notes = types::QualifyingLifeEventRecordRequest { notes: None, ..request };
    let wire = serde_json::to_value(&without_notes).unwrap();
    assert!(wire.get("notes").is_none(), "an omitted optional field is absent: {wire}");
    assert_eq!(wire, json!({ "event_date": "2026-11-02", "event_type": "Job Loss" }));
}

// ---------------------------------------------------------------------------------------------
// Example responses of the seed pages
// ---------------------------------------------------------------------------------------------

/// The example `Enrollment` of the reissue page. Its IDs (`"id"`, `"employee_id"`, ...) carry no
/// prefix: IDs in responses are taken as the server sends them.
#[test]
fn reissue_example_response_decodes() {
    let text = fixture("enrollment_reissue_response.json");
    let enrollment: types::Enrollment = decode(&text);
    insta::assert_debug_snapshot!("reissue_response_decoded", enrollment);

    assert_eq!(enrollment.id, "id");
    assert_eq!(enrollment.benefit_product_id, "benefit_product_id");
    assert_eq!(enrollment.status, types::EnrollmentStatus::Pending);
    assert_eq!(enrollment.coverage_tier, Some(types::CoverageTier::Unspecified));
    let created =
        Utc.with_ymd_and_hms(2019, 12, 27, 18, 11, 19).unwrap() + chrono::Duration::milliseconds(117);
    assert_eq!(enrollment.created_at, created);
    assert_eq!(enrollment.coverage_start_date, NaiveDate::from_ymd_opt(2019, 12, 27));
    assert_eq!(enrollment.employee_contribution_cents, Some(0));
    let dependents = enrollment.enrolled_dependents.as_deref().unwrap();
    assert_eq!(dependents.len(), 1);
    assert_eq!(dependents[0].relationship, types::Relationship::Spouse);
    assert_eq!(enrollment.selected_plan_id.as_ref().unwrap(), "selected_plan_id");

    assert_round_trips(&enrollment, &text);
}

/// The example `QualifyingLifeEvent` of the record page. `event_type` is a plain string in
/// responses (the spec says so), hence `"event_type"` decodes.
#[test]
fn qle_record_example_response_decodes() {
    let text = fixture("qle_record_response.json");
    let event: types::QualifyingLifeEvent = decode(&text);
    insta::assert_debug_snapshot!("qle_record_response_decoded", event);

    assert_eq!(event.id, "id");
    assert_eq!(event.member_id, "member_id");
    assert_eq!(event.event_type, "event_type");
    assert_eq!(event.status, types::QualifyingLifeEventStatus::Pending);
    assert_eq!(event.event_date, NaiveDate::from_ymd_opt(2019, 12, 27).unwrap());
    assert_eq!(event.enrollment_window_end, NaiveDate::from_ymd_opt(2019, 12, 27).unwrap());
    assert_eq!(event.notes.as_deref(), Some("notes"));
    assert_eq!(event.reviewed_by.as_deref(), Some("reviewed_by"));
    let reviewed =
        Utc.with_ymd_and_hms(2019, 12, 27, 18, 11, 19).unwrap() + chrono::Duration::milliseconds(117);
    assert_eq!(event.reviewed_at, Some(reviewed));

    assert_round_trips(&event, &text);
}

/// A response with explicit nulls decodes, and round-trips with the nulls as absent keys.
#[test]
fn explicit_nulls_round_trip_as_absent_keys() {
    let mut value: Value = serde_json::from_str(&fixture("qle_record_response.json")).unwrap();
    for key in ["notes", "reviewed_at", "reviewed_by"] {
        value[key] = Value::Null;
    }
    let text = value.to_string();
    let event: types::QualifyingLifeEvent = decode(&text);
    assert_eq!((event.notes.as_ref(), event.reviewed_at, event.reviewed_by.as_ref()), (None, None, None));
    let again = serde_json::to_value(&event).unwrap();
    for key in ["notes", "reviewed_at", "reviewed_by"] {
        assert!(again.get(key).is_none(), "{key} is skipped when None");
    }
    assert_round_trips(&event, &text);
}
