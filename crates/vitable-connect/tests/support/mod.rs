//! Shared helpers of the integration tests: a client pointed at a local `wiremock` server,
//! mock builders that check the headers every request carries, and realistic JSON fixtures
//! (prefixed IDs, `YYYY-MM-DD` dates, UTC timestamps) consistent with `openapi.yaml`.
//!
//! Every test file uses only part of this module.
#![allow(dead_code)]

pub mod raw_server;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};
use vitable_connect::Client;
use wiremock::matchers::{header, header_regex, method, path};
use wiremock::{MockBuilder, MockServer, Request, ResponseTemplate};

pub const EMPLOYER: &str = "empr_A1b2C3";
pub const EMPLOYEE: &str = "empl_5Nq1Zt";
pub const MEMBER: &str = "mbr_Q2w7Lp";
pub const DEPENDENT: &str = "dpnd_7Rk2mQ";
pub const ENROLLMENT: &str = "enrl_8fK2x9";
pub const QLE: &str = "qle_3Jd82k";
pub const BENEFIT_PRODUCT: &str = "bprd_M3dK7q";
pub const PLAN_YEAR: &str = "plyr_2027aa";
pub const PLAN: &str = "plan_G0ld01";
pub const POLICY: &str = "epol_T4s9Vb";
pub const ORGANIZATION: &str = "org_Vt6Yn1";
pub const CARRIER_PLAN: &str = "cplan_Hx81Pd";

pub const CREATED_AT: &str = "2026-01-05T17:30:00Z";
pub const UPDATED_AT: &str = "2026-02-01T09:15:00Z";

/// A client for `server` with the test key and no retries.
pub fn client(server: &MockServer) -> Client {
    client_for(&server.uri())
}

/// A client for any base URL (a raw TCP server, a closed port) with the test key and no retries.
pub fn client_for(base_url: &str) -> Client {
    Client::builder().api_key("test-key").base_url(base_url).max_retries(0).build().expect("a valid client")
}

/// A mock for `method path` that also requires the API key and the SDK's `User-Agent`.
pub fn given(http_method: &str, url_path: &str) -> MockBuilder {
    wiremock::Mock::given(method(http_method))
        .and(path(url_path))
        .and(header("authorization", "Bearer test-key"))
        .and(header_regex("user-agent", "^vitable-connect-rust/"))
}

/// Matches a request without any query string.
pub fn without_query(request: &Request) -> bool {
    request.url.query().is_none_or(str::is_empty)
}

/// The decoded query pairs of a request, sorted.
pub fn query_pairs(request: &Request) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> =
        request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    pairs.sort();
    pairs
}

/// `pairs` as owned, sorted query pairs, to compare with [`query_pairs`].
pub fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> =
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    pairs.sort();
    pairs
}

/// `200 OK` with a JSON body.
pub fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// `201 Created` with a JSON body.
pub fn created(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(body)
}

pub fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid date")
}

pub fn timestamp(text: &str) -> DateTime<Utc> {
    text.parse().expect("an RFC 3339 timestamp")
}

pub fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, second).single().expect("a valid time")
}

/// `base` with the top-level fields of `changes` replaced or added.
pub fn with(mut base: Value, changes: Value) -> Value {
    let object = base.as_object_mut().expect("an object fixture");
    for (key, value) in changes.as_object().expect("an object of changes") {
        object.insert(key.clone(), value.clone());
    }
    base
}

pub fn address() -> Value {
    json!({
        "street_1": "500 Market St",
        "street_2": "Suite 300",
        "city": "San Francisco",
        "state": "CA",
        "zip_code": "94105",
        "country": "US"
    })
}

pub fn employer() -> Value {
    json!({
        "id": EMPLOYER,
        "name": "Acme Bakery",
        "legal_name": "Acme Bakery LLC",
        "organization_id": ORGANIZATION,
        "active": true,
        "ein": "**-***6789",
        "address": address(),
        "eligibility_policy_id": POLICY,
        "created_at": CREATED_AT,
        "updated_at": UPDATED_AT
    })
}

pub fn member() -> Value {
    json!({
        "id": MEMBER,
        "first_name": "Maya",
        "last_name": "Rivera",
        "suffix": null,
        "date_of_birth": "1990-04-12",
        "sex": "Female",
        "gender": null,
        "email": "maya@acme.example",
        "phone": "+1 415 555 0100"
    })
}

pub fn employee() -> Value {
    json!({
        "id": EMPLOYEE,
        "employer_id": EMPLOYER,
        "member": member(),
        "active": true,
        "employee_class": "Full Time",
        "start_date": "2026-01-05",
        "termination_date": null,
        "address": {
            "street_1": "12 Valencia St",
            "city": "San Francisco",
            "state": "CA",
            "zip_code": "94103"
        },
        "created_at": CREATED_AT,
        "updated_at": UPDATED_AT
    })
}

pub fn dependent() -> Value {
    json!({
        "id": DEPENDENT,
        "member_id": MEMBER,
        "first_name": "Ava",
        "last_name": "Rivera",
        "suffix": null,
        "date_of_birth": "2026-11-02",
        "sex": "Female",
        "gender": null,
        "relationship": "Child",
        "ssn_last_four": "4321",
        "active": true,
        "created_at": "2026-11-03T08:00:00Z",
        "updated_at": "2026-11-03T08:00:00Z"
    })
}

pub fn benefit_product() -> Value {
    json!({
        "id": BENEFIT_PRODUCT,
        "name": "Vitable Primary Care Core",
        "description": "Unlimited virtual primary care",
        "category": "Medical",
        "product_code": "VPC_CORE",
        "carrier_name": null,
        "active": true,
        "created_at": "2025-06-01T00:00:00Z",
        "updated_at": "2025-06-01T00:00:00Z"
    })
}

pub fn plan_year() -> Value {
    json!({
        "id": PLAN_YEAR,
        "benefit_product_id": BENEFIT_PRODUCT,
        "employer_id": EMPLOYER,
        "status": "draft",
        "coverage_start": "2027-01-01",
        "coverage_end": "2027-12-31",
        "open_enrollment_start_date": "2026-11-01",
        "open_enrollment_end_date": "2026-11-30",
        "plans": [{
            "id": PLAN,
            "carrier_plan_id": CARRIER_PLAN,
            "name": "Gold PPO 1500",
            "tier": "Gold",
            "monthly_premium_cents": 52_000,
            "deductible_cents": 150_000,
            "out_of_pocket_max_cents": 600_000
        }],
        "contribution_classes": [{
            "id": "ccls_Ft01Ee",
            "employment": "full_time",
            "family_status": "EE",
            "employee_contribution_cents": 5_000,
            "employer_contribution_cents": 35_000
        }],
        "created_at": CREATED_AT,
        "updated_at": UPDATED_AT
    })
}

pub fn enrollment() -> Value {
    json!({
        "id": ENROLLMENT,
        "employee_id": EMPLOYEE,
        "benefit_product_id": BENEFIT_PRODUCT,
        "plan_year_id": PLAN_YEAR,
        "status": "enrolled",
        "decision": "enrolled",
        "coverage_tier": "EC",
        "selected_plan_id": PLAN,
        "selected_plan_name": "Gold PPO 1500",
        "coverage_start_date": "2027-01-01",
        "coverage_end_date": "2027-12-31",
        "employee_contribution_cents": 12_000,
        "employer_contribution_cents": 40_000,
        "enrolled_dependents": [{
            "dependent_id": DEPENDENT,
            "first_name": "Ava",
            "last_name": "Rivera",
            "relationship": "Child"
        }],
        "created_at": CREATED_AT,
        "updated_at": UPDATED_AT
    })
}

pub fn enrollment_plan() -> Value {
    json!({
        "id": PLAN,
        "name": "Gold PPO 1500",
        "description": "Low deductible PPO",
        "carrier_name": "Blue Shield of California",
        "tier": "Gold",
        "deductible_cents": 150_000,
        "out_of_pocket_max_cents": 600_000,
        "costs": [
            {
                "coverage_tier": "EE",
                "total_monthly_premium_cents": 52_000,
                "employee_contribution_cents": 5_000,
                "employer_contribution_cents": 47_000
            },
            {
                "coverage_tier": "EC",
                "total_monthly_premium_cents": 98_000,
                "employee_contribution_cents": 28_000,
                "employer_contribution_cents": 70_000
            }
        ]
    })
}

pub fn qualifying_life_event() -> Value {
    json!({
        "id": QLE,
        "member_id": MEMBER,
        "employee_id": EMPLOYEE,
        "event_type": "Birth",
        "event_date": "2026-11-02",
        "status": "pending",
        "enrollment_window_start": "2026-11-02",
        "enrollment_window_end": "2026-12-02",
        "notes": null,
        "reviewed_at": null,
        "reviewed_by": null,
        "created_at": "2026-11-03T10:00:00Z",
        "updated_at": "2026-11-03T10:00:00Z"
    })
}

pub fn eligibility_policy() -> Value {
    json!({
        "id": POLICY,
        "employer_id": EMPLOYER,
        "name": "Full-time after 30 days",
        "description": "Standard policy",
        "active": true,
        "effective_date": "2027-01-01",
        "rules": [
            { "rule_type": "hours_per_week", "operator": "greater_than", "value": 30 },
            { "rule_type": "employment_status", "operator": "in", "value": ["full_time", "part_time"] }
        ],
        "replaced_policy_id": null,
        "created_at": CREATED_AT,
        "updated_at": UPDATED_AT
    })
}
