//! Enrollments: `employees_enrollments_list`, `enrollments_retrieve`, `enrollments_list_plans`,
//! `enrollments_reissue`.

use chrono::Datelike;
use vitable_connect_api::ids::{EmployeeId, EnrollmentId, PlanYearId};
use vitable_connect_api::types::{
    CoverageTier, Enrollment, EnrollmentPlan, EnrollmentPlanCost, EnrollmentReissueRequest, EnrollmentStatus,
    QualifyingLifeEventStatus,
};

use super::{Call, Reply};
use crate::error::{ApiError, build};
use crate::state::{State, contribution_for, employment_of, find, find_mut, sort_by_creation};

/// The coverage tiers priced by `enrollments_list_plans`, in the spec's order: every tier
/// but `Unspecified` (a tier the spec adds later is priced too, if a contribution class
/// covers it).
pub(crate) fn priced_tiers() -> impl Iterator<Item = CoverageTier> {
    vitable_connect_api::spec::enum_values::COVERAGE_TIER
        .iter()
        .filter_map(|value| value.parse::<CoverageTier>().ok())
        .filter(|tier| *tier != CoverageTier::Unspecified)
}

/// Stores a `pending` enrollment of `employee_id` in `plan_year_id`.
pub(crate) fn insert_pending(
    state: &mut State,
    employee_id: &EmployeeId,
    plan_year_id: &PlanYearId,
) -> Result<EnrollmentId, ApiError> {
    let benefit_product_id =
        find(&state.plan_years, plan_year_id.as_str(), "plan year")?.benefit_product_id.clone();
    let now = state.now();
    let id: EnrollmentId = state.ids.next(EnrollmentId::PREFIX);
    // Nothing is elected yet: no decision, plan, tier, contributions, dependents or coverage
    // dates.
    let enrollment = build(
        Enrollment::builder()
            .id(id.clone())
            .employee_id(employee_id.clone())
            .benefit_product_id(benefit_product_id)
            .plan_year_id(plan_year_id.clone())
            .status(EnrollmentStatus::Pending)
            .created_at(now)
            .updated_at(now),
    )?;
    state.enrollments.insert(id.clone(), enrollment);
    Ok(id)
}

/// `GET /v1/employees/{employee_id}/enrollments`: filters `status`,
/// `coverage_effective_start_year` (year of the enrollment's coverage start, else of its plan
/// year's) and `plan_year` (year in which the plan year's coverage starts).
pub(crate) fn list(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let employee = &find(&state.employees, call.param("employee_id"), "employee")?.employee;
    let mut q = call.reader();
    let paging = q.paging();
    let status = q.choice::<EnrollmentStatus>("status");
    let start_year = q.int32("coverage_effective_start_year");
    let plan_year = q.int32("plan_year");
    q.finish()?;
    let plan_year_start =
        |e: &Enrollment| state.plan_years.get(e.plan_year_id.as_str()).map(|p| p.coverage_start);
    let mut items: Vec<&Enrollment> = state
        .enrollments
        .values()
        .filter(|e| e.employee_id == employee.id)
        .filter(|e| status.as_ref().is_none_or(|s| e.status == *s))
        .filter(|e| {
            start_year.is_none_or(|y| {
                e.coverage_start_date.or_else(|| plan_year_start(e)).map(|d| d.year()) == Some(y)
            })
        })
        .filter(|e| plan_year.is_none_or(|y| plan_year_start(e).map(|d| d.year()) == Some(y)))
        .collect();
    sort_by_creation(&mut items, |e| (e.created_at, e.id.clone()));
    Reply::ok(&paging.apply(items))
}

/// `GET /v1/enrollments/{enrollment_id}`.
pub(crate) fn retrieve(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    Reply::ok(find(&state.enrollments, call.param("enrollment_id"), "enrollment")?)
}

/// `GET /v1/enrollments/{enrollment_id}/plans`: the plan year's plans, each priced for EE, ES,
/// EC and EF from the contribution class matching the employee's class (tiers without a
/// contribution class are left out).
pub(crate) fn list_plans(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let enrollment = find(&state.enrollments, call.param("enrollment_id"), "enrollment")?;
    let plan_year = find(&state.plan_years, enrollment.plan_year_id.as_str(), "plan year")?;
    let employee_class =
        state.employees.get(enrollment.employee_id.as_str()).and_then(|r| r.employee.employee_class.clone());
    let employment = employment_of(employee_class);
    let product_carrier = state
        .products
        .get(plan_year.benefit_product_id.as_str())
        .and_then(|p| p.product.carrier_name.clone());
    let costs: Vec<EnrollmentPlanCost> = priced_tiers()
        .filter_map(|tier| contribution_for(plan_year, employment.as_deref(), &tier))
        .map(|class| {
            build(
                EnrollmentPlanCost::builder()
                    .coverage_tier(class.family_status.clone())
                    .total_monthly_premium_cents(
                        class.employee_contribution_cents.saturating_add(class.employer_contribution_cents),
                    )
                    .employee_contribution_cents(class.employee_contribution_cents)
                    .employer_contribution_cents(class.employer_contribution_cents),
            )
        })
        .collect::<Result<_, ApiError>>()?;
    let plans: Vec<EnrollmentPlan> = plan_year
        .plans
        .iter()
        .map(|plan| {
            let details = state.plan_details.get(plan.id.as_str());
            build(
                EnrollmentPlan::builder()
                    .id(plan.id.clone())
                    .name(plan.name.clone())
                    .description(details.and_then(|d| d.description.clone()))
                    .carrier_name(
                        details.and_then(|d| d.carrier_name.clone()).or_else(|| product_carrier.clone()),
                    )
                    .tier(plan.tier.clone())
                    .deductible_cents(plan.deductible_cents)
                    .out_of_pocket_max_cents(plan.out_of_pocket_max_cents)
                    .costs(costs.clone()),
            )
        })
        .collect::<Result<_, ApiError>>()?;
    Reply::ok(&plans)
}

/// `POST /v1/enrollments/{enrollment_id}/reissue`: back to `pending` on the strength of a
/// qualifying life event of the same employee that is not denied and whose window is open.
pub(crate) fn reissue(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let enrollment = find(&state.enrollments, call.param("enrollment_id"), "enrollment")?;
    let request: EnrollmentReissueRequest = call.json()?;
    // The reason is checked by the generated type (its length) and, as in the API, not kept:
    // no response carries it.
    let _reason = request.reason;
    let qle = find(&state.qles, request.qle_id.as_str(), "qualifying life event")?;
    if qle.employee_id != enrollment.employee_id {
        return Err(ApiError::bad_request(
            "qle_other_employee",
            format!(
                "Qualifying life event {} belongs to employee {}, but enrollment {} belongs to employee {}.",
                qle.id, qle.employee_id, enrollment.id, enrollment.employee_id
            ),
        ));
    }
    if qle.status == QualifyingLifeEventStatus::Denied {
        return Err(ApiError::bad_request(
            "qle_denied",
            format!("Qualifying life event {} was denied, so it cannot justify a reissue.", qle.id),
        ));
    }
    let today = state.today();
    if today < qle.enrollment_window_start {
        return Err(ApiError::bad_request(
            "qle_window_not_open",
            format!(
                "The qualifying life event's enrollment window opens on {}.",
                qle.enrollment_window_start
            ),
        ));
    }
    if today > qle.enrollment_window_end {
        return Err(ApiError::bad_request(
            "qle_window_closed",
            format!("The qualifying life event's enrollment window closed on {}.", qle.enrollment_window_end),
        ));
    }
    let now = state.now();
    let enrollment = find_mut(&mut state.enrollments, call.param("enrollment_id"), "enrollment")?;
    enrollment.status = EnrollmentStatus::Pending;
    enrollment.decision = None;
    enrollment.selected_plan_id = None;
    enrollment.selected_plan_name = None;
    enrollment.updated_at = now;
    Reply::ok(enrollment)
}
