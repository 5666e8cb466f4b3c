//! The business rules: QLE windows, reissues, elections and contributions, creating and
//! changing employers, employees, dependents, policies and plan years, terminations.

mod support;

use serde_json::{Value, json};
use support::{Api, limits, timestamp};
use vitable_connect_api::ids::QleId;
use vitable_connect_api::types::QualifyingLifeEventStatus;

fn qle_id(value: &Value) -> QleId {
    value["id"].as_str().and_then(|s| s.parse().ok()).expect("a QLE ID")
}

/// A text of `schema.prop` one character longer than the spec's `maxLength`, from `sample`'s
/// characters.
#[track_caller]
fn too_long(schema: &str, prop: &str, sample: &str) -> String {
    let max = limits(schema, prop).max_length.unwrap_or_else(|| panic!("{schema}.{prop} has no maxLength"));
    sample.chars().cycle().take(usize::try_from(max).expect("a length") + 1).collect()
}

/// A text of `schema.prop` one character shorter than the spec's `minLength`.
#[track_caller]
fn too_short(schema: &str, prop: &str) -> String {
    let min = limits(schema, prop).min_length.unwrap_or_else(|| panic!("{schema}.{prop} has no minLength"));
    "x".repeat(usize::try_from(min.checked_sub(1).expect("a minLength above 0")).expect("a length"))
}

/// `item` as many times as one short of the spec's `minItems` of `schema.prop`.
#[track_caller]
fn too_few(schema: &str, prop: &str, item: &Value) -> Value {
    let min = limits(schema, prop).min_items.unwrap_or_else(|| panic!("{schema}.{prop} has no minItems"));
    let count = usize::try_from(min.checked_sub(1).expect("a minItems above 0")).expect("a count");
    Value::Array(vec![item.clone(); count])
}

/// One below the spec's `minimum` of `schema.prop`.
#[track_caller]
fn below_minimum(schema: &str, prop: &str) -> i64 {
    limits(schema, prop).minimum.unwrap_or_else(|| panic!("{schema}.{prop} has no minimum")) - 1
}

/// An employer comes back with its EIN masked as the spec writes `Employer.ein` (its
/// `x-shapes`), showing the last digits of the EIN sent, whichever form of EIN the spec
/// allows was sent.
#[tokio::test]
async fn an_employer_shows_its_ein_masked_as_the_spec_gives() {
    let api = Api::with(vitable_connect_sandbox::SandboxOptions::new()).await;
    let masked = limits("Employer", "ein");
    assert!(!masked.shapes.is_empty(), "the spec's Employer.ein has x-shapes");
    let shown = masked.shapes.iter().map(|form| form.matches('X').count()).max().unwrap_or(0);
    for (n, form) in limits("EmployerCreateRequest", "ein").shapes.iter().enumerate() {
        let ein: String = form
            .chars()
            .zip("9876543210".chars().cycle())
            .map(|(f, d)| if f == 'X' { d } else { f })
            .collect();
        let address =
            json!({ "street_1": "1 Main St", "city": "Oakland", "state": "CA", "zip_code": "94607" });
        let body = json!({ "name": format!("E{n}"), "legal_name": format!("E{n} LLC"), "ein": ein, "address": address });
        let res = api.post("/v1/employers", &body).await.expect(201);
        let got = res.body["ein"].as_str().expect("a masked EIN").to_owned();
        assert!(masked.fits_shape(&got), "{ein}: {got:?} is not one of {:?}", masked.shapes);
        let digits: String = ein.chars().filter(char::is_ascii_digit).collect();
        let got_digits: String = got.chars().filter(char::is_ascii_digit).collect();
        assert_eq!(got_digits, digits[digits.len() - shown..], "{ein}: {got}");
        let fetched = api.get(&format!("/v1/employers/{}", res.body["id"].as_str().expect("an ID"))).await;
        assert_eq!(fetched.expect(200).body["ein"], got.as_str());
    }
}

#[tokio::test]
async fn qle_windows_last_30_days_or_60_for_births_and_adoptions() {
    let api = Api::seeded().await;
    let dana = api.employee(0);
    let cases = [
        ("Marriage", "2026-05-01", "2026-05-31"),
        ("Job Loss", "2026-05-01", "2026-05-31"),
        ("Birth", "2026-05-01", "2026-06-30"),
        ("Adoption", "2026-04-15", "2026-06-14"),
        ("Other", "2026-05-20", "2026-06-19"),
    ];
    for (event_type, date, window_end) in cases {
        let res = api.record_qle(dana.member_id.as_str(), event_type, date).await.expect(201);
        let qle = &res.body;
        assert!(qle["id"].as_str().unwrap().starts_with("qle_"));
        assert_eq!(qle["event_type"], event_type, "echoed as sent");
        assert_eq!(qle["status"], "pending");
        assert_eq!(qle["enrollment_window_start"], date);
        assert_eq!(qle["enrollment_window_end"], window_end, "{event_type}");
        assert_eq!(qle["member_id"], dana.member_id.as_str());
        assert_eq!(qle["employee_id"], dana.employee_id.as_str());
        assert_eq!(qle["created_at"], qle["updated_at"]);
        let fetched =
            api.get(&format!("/v1/qualifying-life-events/{}", qle["id"].as_str().unwrap())).await.expect(200);
        assert_eq!(&fetched.body, qle);
    }
}

#[tokio::test]
async fn a_qle_may_not_be_in_the_future_and_needs_a_known_member() {
    let api = Api::seeded().await;
    let member = api.employee(1).member_id.as_str();
    let res = api.record_qle(member, "Marriage", "2026-05-21").await.expect(400);
    let message = &res.field_errors("event_date")[0];
    assert!(message.contains("2026-05-21") && message.contains("future"), "{message}");
    api.record_qle(member, "Marriage", "2026-05-20").await.expect(201);
    api.record_qle("mbr_00000999abcd", "Marriage", "2026-05-01").await.expect(404);
}

#[tokio::test]
async fn reissue_reopens_an_enrollment_within_the_window() {
    let api = Api::seeded().await;
    let dana = api.employee(0);
    let elect = json!({ "elections": [{
        "enrollment_id": dana.enrollment_id, "decision": "Enrolled",
        "selected_plan_id": api.demo().silver_plan_id, "coverage_tier": "EE"
    }]});
    api.post(&format!("/v1/employees/{}/enrollments/elect", dana.employee_id), &elect).await.expect(200);
    // The window closes on 2026-05-20, today: still open (inclusive).
    let qle = api.record_qle(dana.member_id.as_str(), "Marriage", "2026-04-20").await.expect(201);
    assert_eq!(qle.body["enrollment_window_end"], "2026-05-20");
    let path = format!("/v1/enrollments/{}/reissue", dana.enrollment_id);
    let before = api.get(&format!("/v1/enrollments/{}", dana.enrollment_id)).await.expect(200).body;
    let res = api.post(&path, &json!({ "qle_id": qle.body["id"], "reason": "Married" })).await.expect(200);
    let enrollment = &res.body;
    assert_eq!(enrollment["status"], "pending");
    assert_eq!(enrollment["plan_year_id"], api.demo().plan_year_id.as_str());
    for cleared in ["decision", "selected_plan_id", "selected_plan_name"] {
        assert!(enrollment.get(cleared).is_none_or(Value::is_null), "{cleared}: {enrollment}");
    }
    assert!(timestamp(&enrollment["updated_at"]) > timestamp(&before["updated_at"]));
}

#[tokio::test]
async fn reissue_refusals() {
    let api = Api::seeded().await;
    let (dana, sam) = (api.employee(0), api.employee(1));
    let path = format!("/v1/enrollments/{}/reissue", dana.enrollment_id);

    let closed = api.record_qle(dana.member_id.as_str(), "Marriage", "2026-04-01").await.expect(201);
    let res = api.post(&path, &json!({ "qle_id": closed.body["id"] })).await.expect(400);
    assert_eq!(res.body["code"], "qle_window_closed");
    assert_eq!(res.body["detail"], "The qualifying life event's enrollment window closed on 2026-05-01.");
    assert!(res.body.get("errors").is_none());

    let sams = api.record_qle(sam.member_id.as_str(), "Birth", "2026-05-15").await.expect(201);
    let res = api.post(&path, &json!({ "qle_id": sams.body["id"] })).await.expect(400);
    assert_eq!(res.body["code"], "qle_other_employee");
    let detail = res.body["detail"].as_str().unwrap();
    assert!(
        detail.contains(sam.employee_id.as_str()) && detail.contains(dana.employee_id.as_str()),
        "{detail}"
    );

    let denied = api.record_qle(dana.member_id.as_str(), "Divorce", "2026-05-15").await.expect(201);
    assert!(api.sandbox.set_qle_status(&qle_id(&denied.body), QualifyingLifeEventStatus::Denied));
    let fetched = api.get(&format!("/v1/qualifying-life-events/{}", qle_id(&denied.body))).await.expect(200);
    assert_eq!(fetched.body["status"], "denied");
    assert!(fetched.body["reviewed_at"].is_string() && fetched.body["reviewed_by"].is_string());
    let res = api.post(&path, &json!({ "qle_id": denied.body["id"] })).await.expect(400);
    assert_eq!(res.body["code"], "qle_denied");

    let res = api.post(&path, &json!({ "qle_id": "qle_00000999zzzz" })).await.expect(404);
    assert_eq!(res.body["code"], "not_found");
    api.post(&path, &json!({})).await.expect(400);

    let approved = api.record_qle(dana.member_id.as_str(), "Birth", "2026-03-25").await.expect(201);
    assert!(api.sandbox.set_qle_status(&qle_id(&approved.body), QualifyingLifeEventStatus::Approved));
    api.post(&path, &json!({ "qle_id": approved.body["id"] })).await.expect(200);
    assert!(!api.sandbox.set_qle_status(&"qle_nope".parse().unwrap(), QualifyingLifeEventStatus::Approved));
}

#[tokio::test]
async fn elections_take_contributions_from_the_matching_contribution_class() {
    let api = Api::seeded().await;
    let demo = api.demo();
    let (dana, sam, priya) = (api.employee(0), api.employee(1), api.employee(2));

    let elect = json!({ "elections": [{
        "enrollment_id": dana.enrollment_id, "decision": "Enrolled", "selected_plan_id": demo.gold_plan_id,
        "coverage_tier": "EF", "dependent_ids": dana.dependent_ids
    }]});
    let res =
        api.post(&format!("/v1/employees/{}/enrollments/elect", dana.employee_id), &elect).await.expect(200);
    let enrollment = &res.body[0];
    assert_eq!(enrollment["status"], "enrolled");
    assert_eq!(enrollment["decision"], "enrolled");
    assert_eq!(enrollment["coverage_tier"], "EF");
    assert_eq!(enrollment["selected_plan_id"], demo.gold_plan_id.as_str());
    assert_eq!(enrollment["selected_plan_name"], "Gold PPO 1000");
    assert_eq!(enrollment["employee_contribution_cents"], 14_000, "full_time EF");
    assert_eq!(enrollment["employer_contribution_cents"], 42_000);
    assert_eq!(enrollment["coverage_start_date"], "2026-01-01");
    assert_eq!(enrollment["coverage_end_date"], "2026-12-31");
    let covered = enrollment["enrolled_dependents"].as_array().unwrap();
    assert_eq!(covered.len(), 2);
    assert_eq!(covered[0]["first_name"], "Alex");
    assert_eq!(covered[0]["relationship"], "Spouse");

    let elect = json!({ "elections": [{
        "enrollment_id": priya.enrollment_id, "decision": "Enrolled", "selected_plan_id": demo.silver_plan_id, "coverage_tier": "EE"
    }]});
    let res =
        api.post(&format!("/v1/employees/{}/enrollments/elect", priya.employee_id), &elect).await.expect(200);
    assert_eq!(res.body[0]["employee_contribution_cents"], 6_000, "part_time EE");
    assert_eq!(res.body[0]["employer_contribution_cents"], 14_000);

    let waive = json!({ "elections": [{ "enrollment_id": sam.enrollment_id, "decision": "Waived", "selected_plan_id": demo.gold_plan_id }] });
    let res =
        api.post(&format!("/v1/employees/{}/enrollments/elect", sam.employee_id), &waive).await.expect(200);
    assert_eq!(res.body[0]["status"], "waived");
    assert_eq!(res.body[0]["decision"], "waived");
    assert!(res.body[0].get("selected_plan_id").is_none_or(Value::is_null));
    assert!(res.body[0].get("employee_contribution_cents").is_none_or(Value::is_null));

    let stored = api.get(&format!("/v1/enrollments/{}", dana.enrollment_id)).await.expect(200);
    assert_eq!(stored.body["status"], "enrolled");
}

#[tokio::test]
async fn listed_plan_costs_match_the_elected_contributions() {
    let api = Api::seeded().await;
    let priya = api.employee(2);
    let plans = api.get(&format!("/v1/enrollments/{}/plans", priya.enrollment_id)).await.expect(200);
    let plans = plans.body.as_array().unwrap().clone();
    assert_eq!(plans.len(), 3);
    assert_eq!(plans[1]["name"], "Silver PPO 3000");
    assert_eq!(plans[1]["carrier_name"], "Example Health Insurance Co.");
    let tiers: Vec<_> =
        plans[0]["costs"].as_array().unwrap().iter().map(|c| c["coverage_tier"].clone()).collect();
    // Every tier of the spec is priced, in the spec's order, but the placeholder `Unspecified`.
    let priced: Vec<_> = vitable_connect_api::spec::enum_values("CoverageTier")
        .expect("CoverageTier is an enum")
        .iter()
        .filter(|tier| **tier != "Unspecified")
        .map(|tier| json!(tier))
        .collect();
    assert_eq!(tiers, priced);
    let es = &plans[1]["costs"][1];
    assert_eq!(es["employee_contribution_cents"], 18_000, "part_time ES");
    assert_eq!(es["employer_contribution_cents"], 22_000);
    assert_eq!(es["total_monthly_premium_cents"], 40_000);
    let elect = json!({ "elections": [{
        "enrollment_id": priya.enrollment_id, "decision": "Enrolled", "selected_plan_id": plans[1]["id"], "coverage_tier": "ES"
    }]});
    let res =
        api.post(&format!("/v1/employees/{}/enrollments/elect", priya.employee_id), &elect).await.expect(200);
    assert_eq!(res.body[0]["employee_contribution_cents"], es["employee_contribution_cents"]);
    assert_eq!(res.body[0]["employer_contribution_cents"], es["employer_contribution_cents"]);
}

#[tokio::test]
async fn an_employee_class_without_its_own_contribution_class_falls_back() {
    let api = Api::seeded().await;
    let body = json!({
        "first_name": "Tess", "last_name": "Moreau", "date_of_birth": "2001-08-09", "sex": "Female",
        "ssn": "111223333", "email": "tess@example.com", "start_date": "2026-05-01", "employee_class": "Temporary"
    });
    let employee =
        api.post(&format!("/v1/employers/{}/employees", api.demo().employer_id), &body).await.expect(201);
    let id = employee.body["id"].as_str().unwrap();
    let enrollments = api.get(&format!("/v1/employees/{id}/enrollments")).await.expect(200);
    assert_eq!(enrollments.body.as_array().unwrap().len(), 1, "new hires get a pending enrollment");
    assert_eq!(enrollments.body[0]["status"], "pending");
    let elect = json!({ "elections": [{
        "enrollment_id": enrollments.body[0]["id"], "decision": "Enrolled",
        "selected_plan_id": api.demo().bronze_plan_id, "coverage_tier": "EE"
    }]});
    let res = api.post(&format!("/v1/employees/{id}/enrollments/elect"), &elect).await.expect(200);
    assert_eq!(res.body[0]["employee_contribution_cents"], 2_500, "first EE class (full_time)");
}

#[tokio::test]
async fn election_refusals_apply_nothing() {
    let api = Api::seeded().await;
    let demo = api.demo();
    let (dana, sam) = (api.employee(0), api.employee(1));
    let sam_path = format!("/v1/employees/{}/enrollments/elect", sam.employee_id);
    let waive_sam = json!({ "enrollment_id": sam.enrollment_id, "decision": "Waived" });
    let cases = [
        (json!({ "enrollment_id": dana.enrollment_id, "decision": "Waived" }), "elections[1].enrollment_id"),
        (json!({ "enrollment_id": "enrl_00000999zzzz", "decision": "Waived" }), "elections[1].enrollment_id"),
        (json!({ "enrollment_id": sam.enrollment_id, "decision": "Waived" }), "elections[1].enrollment_id"),
    ];
    for (second, field) in cases {
        let res = api.post(&sam_path, &json!({ "elections": [waive_sam, second] })).await.expect(400);
        assert!(!res.field_errors(field).is_empty(), "{}", res.text);
    }
    let enroll = |extra: Value| {
        let mut e = json!({ "enrollment_id": sam.enrollment_id, "decision": "Enrolled" });
        if let (Some(map), Some(more)) = (e.as_object_mut(), extra.as_object()) {
            map.extend(more.clone());
        }
        json!({ "elections": [e] })
    };
    let res = api.post(&sam_path, &enroll(json!({ "coverage_tier": "EE" }))).await.expect(400);
    assert!(!res.field_errors("elections[0].selected_plan_id").is_empty());
    let res = api
        .post(&sam_path, &enroll(json!({ "selected_plan_id": "plan_00000999zzzz", "coverage_tier": "EE" })))
        .await
        .expect(400);
    assert!(res.field_errors("elections[0].selected_plan_id")[0].contains("not offered"));
    let res =
        api.post(&sam_path, &enroll(json!({ "selected_plan_id": demo.gold_plan_id }))).await.expect(400);
    assert!(!res.field_errors("elections[0].coverage_tier").is_empty());
    let others = json!({ "selected_plan_id": demo.gold_plan_id, "coverage_tier": "ES", "dependent_ids": [dana.spouse_id] });
    let res = api.post(&sam_path, &enroll(others)).await.expect(400);
    assert!(!res.field_errors("elections[0].dependent_ids").is_empty());

    let still = api.get(&format!("/v1/enrollments/{}", sam.enrollment_id)).await.expect(200);
    assert_eq!(still.body["status"], "pending", "nothing was applied");
}

#[tokio::test]
async fn creating_an_employer_masks_the_ein() {
    let api = Api::with(vitable_connect_sandbox::SandboxOptions::new().today(support::today())).await;
    let body = json!({
        "name": "Blue Bottle", "legal_name": "Blue Bottle Inc.", "ein": "12-3456789",
        "address": { "street_1": "1 Ferry Building", "city": "San Francisco", "state": "CA", "zip_code": "94111" }
    });
    let res = api.post("/v1/employers", &body).await.expect(201);
    let employer = &res.body;
    assert!(employer["id"].as_str().unwrap().starts_with("empr_"));
    // Masked as the spec writes `Employer.ein` (see an_employer_shows_its_ein_masked_as_the_spec_gives).
    assert!(limits("Employer", "ein").fits_shape(employer["ein"].as_str().unwrap()), "{}", employer["ein"]);
    assert!(!res.text.contains("3456789"));
    assert_eq!(employer["organization_id"], "org_sandbox");
    assert_eq!(employer["active"], true);
    assert_eq!(employer["address"]["country"], "US");
    assert_eq!(employer["created_at"], employer["updated_at"]);
    let path = format!("/v1/employers/{}", employer["id"].as_str().unwrap());
    let updated = api.put(&path, &json!({ "name": "Blue Bottle Coffee", "active": false })).await.expect(200);
    assert_eq!(updated.body["name"], "Blue Bottle Coffee");
    assert_eq!(updated.body["legal_name"], "Blue Bottle Inc.");
    assert!(timestamp(&updated.body["updated_at"]) > timestamp(&employer["updated_at"]));
    let bad = json!({
        "name": too_short("EmployerCreateRequest", "name"), "legal_name": "X",
        "ein": too_long("EmployerCreateRequest", "ein", "1234567890"),
        "address": { "street_1": "a", "city": "b", "state": too_long("AddressInput", "state", "CAL"), "zip_code": "1" }
    });
    api.post("/v1/employers", &bad).await.expect(400);
    let res = api
        .post(
            "/v1/employers",
            &json!({ "name": "X", "legal_name": "X", "ein": "ab-cdefghi", "address": body["address"] }),
        )
        .await;
    assert!(!res.expect(400).field_errors("ein").is_empty());
}

#[tokio::test]
async fn employees_get_a_member_and_dependents_show_only_the_last_four() {
    let api = Api::seeded().await;
    let body = json!({
        "first_name": "Ana", "last_name": "Silva", "date_of_birth": "1993-03-04", "sex": "Female",
        "ssn": "222-33-4444", "email": "ana@example.com", "start_date": "2026-04-01", "employee_class": "Full Time"
    });
    let path = format!("/v1/employers/{}/employees", api.demo().employer_id);
    let employee = api.post(&path, &body).await.expect(201).body;
    assert!(employee["member"]["id"].as_str().unwrap().starts_with("mbr_"));
    assert_eq!(employee["member"]["first_name"], "Ana");
    assert_eq!(employee["active"], true);
    let again = api.post(&path, &body).await.expect(409);
    assert_eq!(again.body["code"], "duplicate_employee");
    let mut bad_email = body.clone();
    bad_email["email"] = json!("not-an-email");
    bad_email["ssn"] = json!("555667777");
    assert!(!api.post(&path, &bad_email).await.expect(400).field_errors("email").is_empty());

    let member = employee["member"]["id"].as_str().unwrap();
    let dependents = format!("/v1/members/{member}/dependents");
    let child = json!({ "first_name": "Rui", "last_name": "Silva", "date_of_birth": "2024-01-02", "sex": "Male", "relationship": "Child", "ssn": "333-44-5555" });
    let res = api.post(&dependents, &child).await.expect(201);
    assert_eq!(res.body["ssn_last_four"], "5555");
    assert!(!res.text.contains("333-44") && res.body.get("ssn").is_none());
    let spouse = json!({ "first_name": "Leo", "last_name": "Silva", "date_of_birth": "1990-01-02", "sex": "Male", "relationship": "Spouse" });
    let res = api.post(&dependents, &spouse).await.expect(201);
    assert!(res.body.get("ssn_last_four").is_none_or(Value::is_null));
    let id = res.body["id"].as_str().unwrap();
    let updated = api.put(&format!("/v1/dependents/{id}"), &json!({ "active": false })).await.expect(200);
    assert_eq!(updated.body["active"], false);
    assert_eq!(updated.body["first_name"], "Leo");
    let fetched = api.get(&format!("/v1/dependents/{id}")).await.expect(200);
    assert_eq!(fetched.body, updated.body);

    let emp_path = format!("/v1/employees/{}", employee["id"].as_str().unwrap());
    let updated = api
        .put(&emp_path, &json!({ "phone": "+15125550100", "employee_class": "Part Time" }))
        .await
        .expect(200);
    assert_eq!(updated.body["member"]["phone"], "+15125550100");
    assert_eq!(updated.body["employee_class"], "Part Time");
}

#[tokio::test]
async fn terminating_twice_is_a_no_op_204() {
    let api = Api::seeded().await;
    let sam = api.employee(1);
    let path = format!("/v1/employees/{}", sam.employee_id);
    let first = api.delete(&path).await.expect(204);
    assert!(first.text.is_empty());
    let after_first = api.get(&path).await.expect(200).body;
    assert_eq!(after_first["active"], false);
    assert_eq!(after_first["termination_date"], "2026-05-20");
    api.delete(&path).await.expect(204);
    let after_second = api.get(&path).await.expect(200).body;
    assert_eq!(after_first, after_second, "the second terminate changes nothing");
    api.delete("/v1/employees/empl_00000999zzzz").await.expect(404);
}

#[tokio::test]
async fn a_replacing_eligibility_policy_deactivates_the_old_one() {
    let api = Api::seeded().await;
    let demo = api.demo();
    let old = demo.eligibility_policy_id.as_str();
    let body = json!({
        "name": "Everyone after 60 days", "effective_date": "2026-06-01",
        "rules": [{ "rule_type": "waiting_period", "operator": "greater_than", "value": "60" }]
    });
    let path = format!("/v1/employers/{}/benefit-eligibility-policy", demo.employer_id);
    let res = api.post(&format!("{path}?policy_to_replace_id={old}"), &body).await.expect(201);
    assert_eq!(res.body["replaced_policy_id"], old);
    assert_eq!(res.body["rules"][0]["value"], "60");
    assert_eq!(res.body["active"], true);
    let new_id = res.body["id"].as_str().unwrap().to_owned();
    let old_policy = api.get(&format!("/v1/benefit-eligibility-policy/{old}")).await.expect(200);
    assert_eq!(old_policy.body["active"], false);
    let employer = api.get(&format!("/v1/employers/{}", demo.employer_id)).await.expect(200);
    assert_eq!(employer.body["eligibility_policy_id"], new_id.as_str());
    let res = api.post(&format!("{path}?policy_to_replace_id=epol_unknown"), &body).await.expect(400);
    assert!(!res.field_errors("policy_to_replace_id").is_empty());
    let rules = too_few("EligibilityPolicyCreateRequest", "rules", &body["rules"][0]);
    let res = api
        .post(&path, &json!({ "name": "Too few rules", "effective_date": "2026-06-01", "rules": rules }))
        .await
        .expect(400);
    assert!(!res.field_errors("rules").is_empty());
}

#[tokio::test]
async fn plan_years_can_change_only_before_open_enrollment() {
    let api = Api::seeded().await;
    let demo = api.demo();
    let body = json!({
        "employer_id": demo.employer_id, "coverage_start": "2027-01-01", "coverage_end": "2027-12-31",
        "open_enrollment_start": "2026-11-01", "open_enrollment_end": "2026-11-30",
        "contribution_classes": [{ "employment": "full_time", "family_status": "EE", "employee_contribution_cents": 3000, "employer_contribution_cents": 20000 }]
    });
    let path = format!("/v1/benefit-products/{}/plan-years", demo.medical_product_id);
    let created = api.post(&path, &body).await.expect(201).body;
    assert_eq!(created["status"], "draft");
    assert_eq!(created["open_enrollment_start_date"], "2026-11-01");
    assert_eq!(created["open_enrollment_end_date"], "2026-11-30");
    assert_eq!(created["plans"].as_array().unwrap().len(), 3);
    assert_eq!(created["contribution_classes"][0]["employment"], "full_time");
    let dana = api.employee(0);
    let enrollments = api.get(&format!("/v1/employees/{}/enrollments", dana.employee_id)).await.expect(200);
    assert_eq!(enrollments.body.as_array().unwrap().len(), 2, "a pending enrollment in the new plan year");
    let filtered =
        api.get(&format!("/v1/employees/{}/enrollments?plan_year=2027", dana.employee_id)).await.expect(200);
    assert_eq!(filtered.body.as_array().unwrap().len(), 1);

    let year = format!("/v1/plan-years/{}", created["id"].as_str().unwrap());
    let updated = api.put(&year, &json!({ "open_enrollment_end": "2026-12-06" })).await.expect(200);
    assert_eq!(updated.body["open_enrollment_end_date"], "2026-12-06");
    assert!(
        !api.put(&year, &json!({ "status": "sideways" })).await.expect(400).field_errors("status").is_empty()
    );
    let locked = api
        .put(
            &format!("/v1/plan-years/{}", demo.plan_year_id),
            &json!({ "open_enrollment_end": "2026-06-30" }),
        )
        .await;
    let locked = locked.expect(409);
    assert_eq!(locked.body["code"], "plan_year_locked");
    assert!(locked.body["detail"].as_str().unwrap().contains("can no longer be changed"));

    let mut bad = body.clone();
    bad["contribution_classes"] =
        too_few("PlanYearCreateRequest", "contribution_classes", &body["contribution_classes"][0]);
    assert!(!api.post(&path, &bad).await.expect(400).field_errors("contribution_classes").is_empty());
    let mut negative = body.clone();
    negative["contribution_classes"][0]["employee_contribution_cents"] =
        json!(below_minimum("ContributionClassInput", "employee_contribution_cents"));
    let res = api.post(&path, &negative).await.expect(400);
    assert!(!res.field_errors("contribution_classes[0].employee_contribution_cents").is_empty());
    let inactive = format!("/v1/benefit-products/{}/plan-years", demo.inactive_product_id);
    assert_eq!(api.post(&inactive, &body).await.expect(400).body["code"], "product_inactive");
    api.post("/v1/benefit-products/bprd_00000999zzzz/plan-years", &body).await.expect(404);
}

/// An update's `contribution_classes` may be an empty list when the spec gives it no
/// `minItems` (it replaces every class); a create's needs the spec's `minItems`.
#[tokio::test]
async fn a_plan_year_update_takes_as_few_contribution_classes_as_the_spec_allows() {
    let api = Api::seeded().await;
    let demo = api.demo();
    let class = json!({ "employment": "full_time", "family_status": "EE", "employee_contribution_cents": 3000, "employer_contribution_cents": 20000 });
    let body = json!({
        "employer_id": demo.employer_id, "coverage_start": "2027-01-01", "coverage_end": "2027-12-31",
        "open_enrollment_start": "2026-11-01", "open_enrollment_end": "2026-11-30",
        "contribution_classes": [class]
    });
    let path = format!("/v1/benefit-products/{}/plan-years", demo.medical_product_id);
    let created = api.post(&path, &body).await.expect(201).body;
    let year = format!("/v1/plan-years/{}", created["id"].as_str().unwrap());
    let min = limits("PlanYearUpdateRequest", "contribution_classes").min_items.unwrap_or(0);
    let fewest = Value::Array(vec![class; usize::try_from(min).expect("a count")]);
    let updated = api.put(&year, &json!({ "contribution_classes": fewest })).await.expect(200);
    assert_eq!(
        updated.body["contribution_classes"].as_array().map_or(0, Vec::len),
        fewest.as_array().unwrap().len()
    );
    assert_eq!(
        api.get(&year).await.expect(200).body["contribution_classes"],
        updated.body["contribution_classes"]
    );
    // The same through the SDK.
    if min == 0 {
        let id: vitable_connect_api::ids::PlanYearId = created["id"].as_str().unwrap().parse().unwrap();
        let sent =
            api.sandbox.client().plan_years().update(&id).contribution_classes(Vec::new()).send().await;
        assert!(sent.expect("the SDK's update with no classes").contribution_classes.is_empty());
    }
}
