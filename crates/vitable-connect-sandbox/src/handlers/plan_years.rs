//! Plan years: `benefit_products_plan_years_create`, `benefit_products_plan_years_list`,
//! `plan_years_retrieve`, `plan_years_update`.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use vitable_connect_api::ids::{EmployeeId, PlanId, PlanYearId};
use vitable_connect_api::types::{
    ContributionClass, ContributionClassInput, Plan, PlanYear, PlanYearCreateRequest, PlanYearStatus,
    PlanYearUpdateRequest,
};

use super::{Call, Reply};
use crate::error::{ApiError, build};
use crate::state::{PlanDetails, State, find, sort_by_creation};
use crate::validate::Checks;

/// The status of a new plan year: `draft` before open enrollment, `open_enrollment` during it,
/// `expired` after coverage ended, `active` otherwise.
pub(crate) fn initial_status(today: NaiveDate, request: &PlanYearCreateRequest) -> PlanYearStatus {
    if today < request.open_enrollment_start {
        PlanYearStatus::Draft
    } else if today <= request.open_enrollment_end {
        PlanYearStatus::OpenEnrollment
    } else if today > request.coverage_end {
        PlanYearStatus::Expired
    } else {
        PlanYearStatus::Active
    }
}

/// `POST /v1/benefit-products/{benefit_product_id}/plan-years`.
pub(crate) fn create(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    find(&state.products, call.param("benefit_product_id"), "benefit product")?;
    let request: PlanYearCreateRequest = call.json()?;
    let plan_year = insert(state, call.param("benefit_product_id"), request)?;
    Reply::created(&plan_year)
}

/// Checks and stores a plan year: it offers a copy of each plan of the product's catalog, and
/// every active employee of the employer gets a `pending` enrollment in it (unless it expired).
pub(crate) fn insert(
    state: &mut State,
    product_id: &str,
    request: PlanYearCreateRequest,
) -> Result<PlanYear, ApiError> {
    let mut checks = Checks::default();
    check_classes(&mut checks, &request.contribution_classes);
    if request.coverage_end < request.coverage_start {
        checks.add("coverage_end", "Must be on or after coverage_start.");
    }
    if request.open_enrollment_end < request.open_enrollment_start {
        checks.add("open_enrollment_end", "Must be on or after open_enrollment_start.");
    }
    if !state.employers.contains_key(request.employer_id.as_str()) {
        checks.add("employer_id", format!("No employer with ID {} exists.", request.employer_id));
    }
    checks.finish()?;
    let record = find(&state.products, product_id, "benefit product")?;
    if !record.product.active {
        return Err(ApiError::bad_request(
            "product_inactive",
            format!(
                "Benefit product {} is not active, so no plan year can be created for it.",
                record.product.id
            ),
        ));
    }
    let (product, catalog) = (record.product.clone(), record.catalog.clone());
    let status = initial_status(state.today(), &request);
    let now = state.now();
    let id: PlanYearId = state.ids.next(PlanYearId::PREFIX);
    let mut plans = Vec::with_capacity(catalog.len());
    for entry in catalog {
        let plan_id: PlanId = state.ids.next(PlanId::PREFIX);
        let details = PlanDetails {
            description: entry.description.clone(),
            carrier_name: product.carrier_name.clone(),
        };
        state.plan_details.insert(plan_id.clone(), details);
        plans.push(build(
            Plan::builder()
                .id(plan_id)
                .carrier_plan_id(entry.carrier_plan_id)
                .name(entry.name)
                .tier(entry.tier)
                .monthly_premium_cents(entry.monthly_premium_cents)
                .deductible_cents(entry.deductible_cents)
                .out_of_pocket_max_cents(entry.out_of_pocket_max_cents),
        )?);
    }
    let contribution_classes = classes(state, request.contribution_classes)?;
    let plan_year: PlanYear = build(
        PlanYear::builder()
            .id(id.clone())
            .benefit_product_id(product.id)
            .employer_id(request.employer_id)
            .status(status.clone())
            .coverage_start(request.coverage_start)
            .coverage_end(request.coverage_end)
            .open_enrollment_start_date(request.open_enrollment_start)
            .open_enrollment_end_date(request.open_enrollment_end)
            .plans(plans)
            .contribution_classes(contribution_classes)
            .created_at(now)
            .updated_at(now),
    )?;
    state.plan_years.insert(id.clone(), plan_year.clone());
    if status != PlanYearStatus::Expired {
        let employees: Vec<EmployeeId> = state
            .employees
            .values()
            .filter(|r| r.employee.employer_id == plan_year.employer_id && r.employee.active)
            .map(|r| r.employee.id.clone())
            .collect();
        for employee_id in employees {
            super::enrollments::insert_pending(state, &employee_id, &id)?;
        }
    }
    Ok(plan_year)
}

fn check_classes(checks: &mut Checks, classes: &[ContributionClassInput]) {
    let mut seen = BTreeSet::new();
    for (i, class) in classes.iter().enumerate() {
        let field = |name: &str| format!("contribution_classes[{i}].{name}");
        if class.employment.trim().is_empty() {
            checks.add(field("employment"), "This field may not be blank.");
        }
        if !seen.insert((class.employment.clone(), class.family_status.clone())) {
            checks.add(
                field("family_status"),
                format!(
                    "Another contribution class already covers {} / {}.",
                    class.employment, class.family_status
                ),
            );
        }
    }
}

fn classes(
    state: &mut State,
    inputs: Vec<ContributionClassInput>,
) -> Result<Vec<ContributionClass>, ApiError> {
    inputs
        .into_iter()
        .map(|c| {
            build(
                ContributionClass::builder()
                    .id(state.ids.next_contribution_class())
                    .employment(c.employment)
                    .family_status(c.family_status)
                    .employee_contribution_cents(c.employee_contribution_cents)
                    .employer_contribution_cents(c.employer_contribution_cents),
            )
        })
        .collect()
}

/// `GET /v1/benefit-products/{benefit_product_id}/plan-years`: filters `employer_id` and
/// `status`.
pub(crate) fn list(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let product = &find(&state.products, call.param("benefit_product_id"), "benefit product")?.product;
    let mut q = call.reader();
    let paging = q.paging();
    let employer_id = q.text("employer_id");
    let status = q.choice::<PlanYearStatus>("status");
    q.finish()?;
    let mut items: Vec<&PlanYear> = state
        .plan_years
        .values()
        .filter(|p| p.benefit_product_id == product.id)
        .filter(|p| employer_id.as_deref().is_none_or(|e| p.employer_id == e))
        .filter(|p| status.as_ref().is_none_or(|s| p.status == *s))
        .collect();
    sort_by_creation(&mut items, |p| (p.created_at, p.id.clone()));
    Reply::ok(&paging.apply(items))
}

/// `GET /v1/plan-years/{plan_year_id}`.
pub(crate) fn retrieve(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    Reply::ok(find(&state.plan_years, call.param("plan_year_id"), "plan year")?)
}

/// `PUT /v1/plan-years/{plan_year_id}`: only a `draft` plan year whose open enrollment has not
/// started can change (409 `plan_year_locked` otherwise). A property left out keeps its value and
/// a value replaces it (contribution classes as a whole); every field it sets is one a plan year
/// always has, so `null` is refused (400) for each. A refused update changes nothing.
pub(crate) fn update(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let current = find(&state.plan_years, call.param("plan_year_id"), "plan year")?;
    let (request, mut patch) = call.update::<PlanYearUpdateRequest>()?;
    let today = state.today();
    if current.status != PlanYearStatus::Draft {
        return Err(ApiError::conflict(
            "plan_year_locked",
            format!(
                "Plan year {} can no longer be changed: it is {}, not draft.",
                current.id, current.status
            ),
        ));
    }
    if today >= current.open_enrollment_start_date {
        return Err(ApiError::conflict(
            "plan_year_locked",
            format!(
                "Plan year {} can no longer be changed: its open enrollment started on {}.",
                current.id, current.open_enrollment_start_date
            ),
        ));
    }
    let mut next = current.clone();
    patch.required(
        &mut next.open_enrollment_start_date,
        request.open_enrollment_start,
        "open_enrollment_start",
    );
    patch.required(&mut next.open_enrollment_end_date, request.open_enrollment_end, "open_enrollment_end");
    if next.open_enrollment_end_date < next.open_enrollment_start_date {
        patch.checks().add("open_enrollment_end", "Must be on or after open_enrollment_start.");
    }
    // `status` is a plain string in the spec: the sandbox holds it to `PlanYearStatus`'s values.
    let status = request.status.filter(|status| {
        let allowed = vitable_connect_api::spec::enum_values::PLAN_YEAR_STATUS;
        let known = allowed.contains(&status.as_str());
        if !known {
            patch.checks().add("status", crate::error::not_a_choice(status, allowed));
        }
        known
    });
    patch.required(&mut next.status, status.map(PlanYearStatus::from), "status");
    let classes_sent = patch.required_value(request.contribution_classes, "contribution_classes");
    if let Some(classes) = &classes_sent {
        check_classes(patch.checks(), classes);
    }
    patch.finish()?;
    // New classes get new IDs, so they are made only once everything is checked.
    if let Some(inputs) = classes_sent {
        next.contribution_classes = classes(state, inputs)?;
    }
    next.updated_at = state.now();
    state.plan_years.insert(next.id.clone(), next.clone());
    Reply::ok(&next)
}
