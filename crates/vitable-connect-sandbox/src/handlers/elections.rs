//! `employees_enrollments_submit_elections`: enrolling in or waiving pending enrollments.

use std::collections::BTreeSet;

use vitable_connect_api::ids::{EnrollmentId, PlanId};
use vitable_connect_api::types::{
    CoverageTier, Election, ElectionDecision, EnrolledDependent, Enrollment, EnrollmentStatus,
    EnrollmentSubmitElectionsRequest, PlanYear, PlanYearStatus, Relationship, builder,
};

use super::{Call, Reply};
use crate::error::{ApiError, FieldErrors, build, not_a_choice};
use crate::state::{State, contribution_for, employment_of, find};

/// What one election will do to its enrollment.
enum Change {
    Waive,
    Enroll {
        plan_id: PlanId,
        plan_name: String,
        tier: CoverageTier,
        employee_cents: i64,
        employer_cents: i64,
        /// Finished in [`apply`], once every election has passed its checks.
        dependents: Vec<builder::EnrolledDependent>,
        plan_year: (chrono::NaiveDate, chrono::NaiveDate),
    },
}

/// `POST /v1/employees/{employee_id}/enrollments/elect`: checks every election first and applies
/// them all or none; returns the enrollments in the order of the elections.
pub(crate) fn submit(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    find(&state.employees, call.param("employee_id"), "employee")?;
    let request: EnrollmentSubmitElectionsRequest = call.json()?;
    let mut errors = FieldErrors::new();
    let mut changes: Vec<(EnrollmentId, Change)> = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, election) in request.elections.iter().enumerate() {
        let mut fail = |name: &str, message: String| {
            errors.entry(format!("elections[{i}].{name}")).or_default().push(message);
        };
        if !seen.insert(election.enrollment_id.as_str()) {
            fail(
                "enrollment_id",
                format!("Enrollment {} appears in more than one election.", election.enrollment_id),
            );
            continue;
        }
        match plan_change(state, call.param("employee_id"), election) {
            Ok(change) => changes.push((election.enrollment_id.clone(), change)),
            Err((field, message)) => fail(field, message),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = state.now();
    // Every change is made on a copy first, so that none is stored if one fails.
    let mut updated = Vec::with_capacity(changes.len());
    for (id, change) in changes {
        if let Some(enrollment) = state.enrollments.get(id.as_str()) {
            let mut enrollment = enrollment.clone();
            apply(&mut enrollment, change)?;
            enrollment.updated_at = now;
            updated.push(enrollment);
        }
    }
    for enrollment in &updated {
        state.enrollments.insert(enrollment.id.clone(), enrollment.clone());
    }
    Reply::ok(&updated)
}

/// Checks one election; on failure, names the offending field and says why.
fn plan_change(
    state: &State,
    employee_id: &str,
    election: &Election,
) -> Result<Change, (&'static str, String)> {
    let enrollment_id = &election.enrollment_id;
    let enrollment = state
        .enrollments
        .get(enrollment_id.as_str())
        .filter(|e| e.employee_id == employee_id)
        .ok_or_else(|| {
        ("enrollment_id", format!("Enrollment {enrollment_id} does not belong to employee {employee_id}."))
    })?;
    let plan_year = state.plan_years.get(enrollment.plan_year_id.as_str()).ok_or_else(|| {
        ("enrollment_id", format!("The plan year of enrollment {enrollment_id} no longer exists."))
    })?;
    if !electable(enrollment, plan_year, state.today()) {
        return Err((
            "enrollment_id",
            format!(
                "Enrollment {enrollment_id} is {} and its plan year is not in open enrollment; reissue it after a qualifying life event to elect again.",
                enrollment.status
            ),
        ));
    }
    match &election.decision {
        ElectionDecision::Waived => return Ok(Change::Waive),
        ElectionDecision::Enrolled => {}
        // The body check rejects values the spec doesn't list before any handler runs; a value
        // the spec lists but this handler doesn't know is refused, never taken for another.
        ElectionDecision::Unrecognized(value) => {
            return Err(("decision", not_a_choice(value.as_str(), ElectionDecision::KNOWN)));
        }
        other => return Err(("decision", format!("The sandbox cannot apply decision `{other}` yet."))),
    }
    let plan_id = election
        .selected_plan_id
        .as_ref()
        .ok_or(("selected_plan_id", "This field is required when the decision is Enrolled.".to_owned()))?;
    let plan = plan_year.plans.iter().find(|p| p.id == *plan_id).ok_or_else(|| {
        ("selected_plan_id", format!("Plan {plan_id} is not offered by plan year {}.", plan_year.id))
    })?;
    let record = state
        .employees
        .get(employee_id)
        .ok_or_else(|| ("enrollment_id", format!("Employee {employee_id} no longer exists.")))?;
    let member_id = &record.employee.member.id;
    let mut dependents = Vec::new();
    let mut relationships = Vec::new();
    for id in election.dependent_ids.iter().flatten() {
        let dependent = state
            .dependents
            .get(id.as_str())
            .map(|r| &r.dependent)
            .filter(|d| d.member_id == *member_id && d.active)
            .ok_or_else(|| {
                ("dependent_ids", format!("Dependent {id} is not an active dependent of member {member_id}."))
            })?;
        relationships.push(dependent.relationship.clone());
        dependents.push(
            EnrolledDependent::builder()
                .dependent_id(dependent.id.clone())
                .first_name(dependent.first_name.clone())
                .last_name(dependent.last_name.clone())
                .relationship(dependent.relationship.clone()),
        );
    }
    let tier = match election.coverage_tier.clone() {
        None => {
            return Err((
                "coverage_tier",
                "This field is required when the decision is Enrolled.".to_owned(),
            ));
        }
        // A sandbox rule: the tier the elected dependents make (see `tier_for`).
        Some(CoverageTier::Unspecified) => tier_for(&relationships),
        Some(CoverageTier::Unrecognized(value)) => {
            return Err(("coverage_tier", not_a_choice(value.as_str(), CoverageTier::KNOWN)));
        }
        Some(tier) => tier,
    };
    let employment = employment_of(record.employee.employee_class.clone());
    let class = contribution_for(plan_year, employment.as_deref(), &tier).ok_or_else(|| {
        (
            "coverage_tier",
            format!("Plan year {} has no contribution class for coverage tier {tier}.", plan_year.id),
        )
    })?;
    Ok(Change::Enroll {
        plan_id: plan.id.clone(),
        plan_name: plan.name.clone(),
        tier,
        employee_cents: class.employee_contribution_cents,
        employer_cents: class.employer_contribution_cents,
        dependents,
        plan_year: (plan_year.coverage_start, plan_year.coverage_end),
    })
}

/// The coverage tier an election covering dependents of these `relationships` needs, for an
/// election that leaves the tier `Unspecified` (a sandbox rule; the API does not say): the
/// employee alone (`EE`), with a spouse (`ES`), with children (`EC`), or with both (`EF`).
/// A relationship the sandbox does not know counts as a child.
fn tier_for(relationships: &[Relationship]) -> CoverageTier {
    let spouse = relationships.contains(&Relationship::Spouse);
    let child = relationships.iter().any(|r| *r != Relationship::Spouse);
    match (spouse, child) {
        (false, false) => CoverageTier::Ee,
        (true, false) => CoverageTier::Es,
        (false, true) => CoverageTier::Ec,
        (true, true) => CoverageTier::Ef,
    }
}

/// A pending enrollment can always be elected; a decided one only during its plan year's open
/// enrollment; an inactive one never.
fn electable(enrollment: &Enrollment, plan_year: &PlanYear, today: chrono::NaiveDate) -> bool {
    match enrollment.status {
        EnrollmentStatus::Pending => true,
        EnrollmentStatus::Enrolled | EnrollmentStatus::Waived => {
            plan_year.status == PlanYearStatus::OpenEnrollment
                && plan_year.open_enrollment_start_date <= today
                && today <= plan_year.open_enrollment_end_date
        }
        // `inactive`, and any status the spec adds later: never electable.
        _ => false,
    }
}

/// Makes one checked change to an enrollment.
fn apply(enrollment: &mut Enrollment, change: Change) -> Result<(), ApiError> {
    match change {
        Change::Waive => {
            enrollment.status = EnrollmentStatus::Waived;
            enrollment.decision = Some("waived".to_owned());
            enrollment.coverage_tier = None;
            enrollment.selected_plan_id = None;
            enrollment.selected_plan_name = None;
            enrollment.coverage_start_date = None;
            enrollment.coverage_end_date = None;
            enrollment.employee_contribution_cents = None;
            enrollment.employer_contribution_cents = None;
            enrollment.enrolled_dependents = None;
        }
        Change::Enroll {
            plan_id,
            plan_name,
            tier,
            employee_cents,
            employer_cents,
            dependents,
            plan_year,
        } => {
            enrollment.status = EnrollmentStatus::Enrolled;
            enrollment.decision = Some("enrolled".to_owned());
            enrollment.coverage_tier = Some(tier);
            enrollment.selected_plan_id = Some(plan_id);
            enrollment.selected_plan_name = Some(plan_name);
            enrollment.coverage_start_date = Some(plan_year.0);
            enrollment.coverage_end_date = Some(plan_year.1);
            enrollment.employee_contribution_cents = Some(employee_cents);
            enrollment.employer_contribution_cents = Some(employer_cents);
            let dependents =
                dependents.into_iter().map(build).collect::<Result<Vec<EnrolledDependent>, _>>()?;
            enrollment.enrolled_dependents = Some(dependents);
        }
    }
    Ok(())
}
