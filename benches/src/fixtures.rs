//! The JSON bodies of the benchmarks. Every field of the schema is present, so decoding does
//! all the work a real response needs (IDs, dates, timestamps, enums, nested objects).

use bytes::Bytes;
use serde_json::{Value, json};
use vitable_connect_api::spec;

/// The ID the retrieve benchmarks ask for.
pub const ENROLLMENT_ID: &str = "enrl_8fK2x9";

/// Items per page of the stream benchmarks: the largest `limit` of `employers_list` in
/// `openapi.yaml`.
pub fn page_limit() -> u32 {
    spec::operation("employers_list")
        .and_then(|op| op.param("limit"))
        .and_then(|limit| limit.limits.maximum)
        .and_then(|max| u32::try_from(max).ok())
        .expect("employers_list's limit has a maximum in openapi.yaml")
}

/// Full pages served by the stream benchmarks: 100 pages of [`page_limit`] items.
pub const STREAM_PAGES: u32 = 100;

/// The value of enum schema `name` that item `i` of a page gets: every value of the spec in
/// turn.
fn nth_value(name: &str, i: usize) -> &'static str {
    let values = spec::enum_values(name).unwrap_or_else(|| panic!("{name} is an enum of openapi.yaml"));
    values[i % values.len()]
}

/// Enrollment number `i`, every field set, with two enrolled dependents.
pub fn enrollment(i: usize) -> Value {
    json!({
        "id": if i == 0 { ENROLLMENT_ID.to_owned() } else { format!("enrl_{i:06}Xb") },
        "benefit_product_id": format!("bprd_M3dK{:02}", i % 7),
        "employee_id": format!("empl_{i:06}Zt"),
        "plan_year_id": "plyr_2027aa",
        "status": nth_value("EnrollmentStatus", i),
        "coverage_tier": nth_value("CoverageTier", i),
        "coverage_start_date": "2027-01-01",
        "coverage_end_date": "2027-12-31",
        "decision": "elected",
        "employee_contribution_cents": 12_345 + i,
        "employer_contribution_cents": 45_600,
        "selected_plan_id": "plan_G0ld01",
        "selected_plan_name": "Gold PPO 1500",
        "enrolled_dependents": [
            {
                "dependent_id": format!("dpnd_{i:06}Sp"),
                "first_name": "Ada",
                "last_name": "Lovelace",
                "relationship": "Spouse"
            },
            {
                "dependent_id": format!("dpnd_{i:06}Ch"),
                "first_name": "Byron",
                "last_name": "Lovelace",
                "relationship": "Child"
            }
        ],
        "created_at": "2026-11-02T15:04:05Z",
        "updated_at": "2026-11-03T09:30:00.123456Z"
    })
}

/// The body of `GET /v1/enrollments/{id}`.
pub fn enrollment_body() -> Bytes {
    Bytes::from(serde_json::to_vec(&enrollment(0)).expect("JSON values serialise"))
}

/// A page of `n` enrollments, as the list endpoints return it (a plain array).
pub fn enrollment_page(n: usize) -> Bytes {
    let items: Vec<Value> = (0..n).map(enrollment).collect();
    Bytes::from(serde_json::to_vec(&items).expect("JSON values serialise"))
}

/// Employer number `i`, every field set.
pub fn employer(i: usize) -> Value {
    json!({
        "id": format!("empr_{i:06}C3"),
        "organization_id": "org_Vt6Yn1",
        "name": format!("Acme Bakeries #{i}"),
        "legal_name": format!("Acme Bakeries {i} LLC"),
        "ein": "12-3456789",
        "active": !i.is_multiple_of(10),
        "eligibility_policy_id": format!("epol_{i:06}Vb"),
        "address": {
            "street_1": format!("{} Market Street", 100 + i),
            "street_2": "Suite 400",
            "city": "San Francisco",
            "state": "CA",
            "zip_code": "94103",
            "country": "US"
        },
        "created_at": "2026-01-15T08:00:00Z",
        "updated_at": "2026-06-30T17:45:12.5Z"
    })
}

/// `pages` full pages of `limit` employers each, serialised (page 1 first).
pub fn employer_pages(pages: u32, limit: u32) -> Vec<Bytes> {
    let limit = limit as usize;
    (0..pages as usize)
        .map(|p| {
            let items: Vec<Value> = (p * limit..(p + 1) * limit).map(employer).collect();
            Bytes::from(serde_json::to_vec(&items).expect("JSON values serialise"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plain::PlainEnrollment;

    #[test]
    fn fixtures_decode_into_both_the_sdk_types_and_the_plain_ones() {
        let page = enrollment_page(100);
        let sdk: Vec<vitable_connect::Enrollment> = serde_json::from_slice(&page).unwrap();
        let plain: Vec<PlainEnrollment> = serde_json::from_slice(&page).unwrap();
        assert_eq!(sdk.len(), 100);
        for (s, p) in sdk.iter().zip(&plain) {
            assert_eq!(s.id.as_str(), p.id);
            assert_eq!(s.updated_at, p.updated_at);
            assert_eq!(s.coverage_start_date, p.coverage_start_date);
            assert_eq!(s.status.to_string(), serde_json::to_value(p.status).unwrap());
            assert_eq!(s.enrolled_dependents.as_ref().unwrap().len(), 2);
            assert_eq!(p.enrolled_dependents.as_ref().unwrap().len(), 2);
        }
        let one: vitable_connect::Enrollment = serde_json::from_slice(&enrollment_body()).unwrap();
        assert_eq!(one.id.as_str(), ENROLLMENT_ID);
    }

    /// A page holds every status and tier of the spec, whatever their number.
    #[test]
    fn a_page_takes_every_status_and_tier_of_the_spec() {
        let page: Vec<Value> = serde_json::from_slice(&enrollment_page(100)).unwrap();
        for (field, schema) in [("status", "EnrollmentStatus"), ("coverage_tier", "CoverageTier")] {
            let seen: std::collections::BTreeSet<&str> =
                page.iter().filter_map(|e| e[field].as_str()).collect();
            let spec: std::collections::BTreeSet<&str> =
                spec::enum_values(schema).unwrap().iter().copied().collect();
            assert_eq!(seen, spec, "{field}");
        }
        assert!(page_limit() >= 1);
    }

    #[test]
    fn employer_pages_decode_into_the_sdk_type() {
        let pages = employer_pages(2, 3);
        assert_eq!(pages.len(), 2);
        let second: Vec<vitable_connect::Employer> = serde_json::from_slice(&pages[1]).unwrap();
        let ids: Vec<_> = second.iter().map(|e| e.id.to_string()).collect();
        assert_eq!(ids, ["empr_000003C3", "empr_000004C3", "empr_000005C3"]);
    }
}
