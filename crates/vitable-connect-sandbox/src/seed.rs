//! The demo organization a seeded sandbox starts with, and the [`Demo`] IDs that find it.
//!
//! Everything here is deterministic: the same creations in the same order give the same IDs,
//! and dates are derived from the sandbox's today, so the demo output only changes with the date.

use chrono::{Datelike, Days, NaiveDate};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;
use vitable_connect_api::ids::{
    BenefitProductId, CarrierPlanId, DependentId, EligibilityPolicyId, EmployeeId, EmployerId, EnrollmentId,
    MemberId, OrganizationId, PlanId, PlanYearId,
};
use vitable_connect_api::types::{Category, EmployeeClass, PlanTier, ProductCode};

use crate::error::ApiError;
use crate::handlers::products::NewProduct;
use crate::handlers::{dependents, employees, employers, plan_years, policies, products};
use crate::state::{CatalogPlan, State};

/// IDs of the demo data of a seeded sandbox ([`Sandbox::demo`](crate::Sandbox::demo)).
///
/// The seed holds one employer (Acme Coffee) under the organization `org_sandbox`, with an
/// eligibility policy; four benefit products (Medical, Dental, Vision, and an inactive Hospital
/// product); one Medical plan year covering the current calendar year and in open enrollment
/// (from 14 days before today to 14 days after), offering a Bronze, a Silver and a Gold plan, with
/// contribution classes for `full_time` and `part_time` at every tier (EE, ES, EC, EF); and three
/// employees, each with a member and a `pending` enrollment in that plan year.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Demo {
    /// The organization every employer belongs to (`org_sandbox`).
    pub organization_id: OrganizationId,
    /// Acme Coffee, the demo employer.
    pub employer_id: EmployerId,
    /// The employer's eligibility policy ("Full-time after 30 days").
    pub eligibility_policy_id: EligibilityPolicyId,
    /// "Vitable Essential Medical" (Medical, `MEC`), whose plan year is seeded.
    pub medical_product_id: BenefitProductId,
    /// "Vitable Dental" (Dental, `VD`), with a catalog of two plans and no plan year yet.
    pub dental_product_id: BenefitProductId,
    /// "Vitable Vision" (Vision, `VV`), with no plan year yet.
    pub vision_product_id: BenefitProductId,
    /// "Legacy Hospital Indemnity" (Hospital, `EBA`), inactive: no plan year can be created.
    pub inactive_product_id: BenefitProductId,
    /// The Medical plan year, `open_enrollment`, covering January 1 to December 31 of today's year.
    pub plan_year_id: PlanYearId,
    /// "Bronze HMO 6000" ($320.00 a month, EE list price).
    pub bronze_plan_id: PlanId,
    /// "Silver PPO 3000" ($450.00 a month).
    pub silver_plan_id: PlanId,
    /// "Gold PPO 1000" ($610.00 a month).
    pub gold_plan_id: PlanId,
    /// The employees, in this order: Dana Rivera (Full Time, with a spouse and a child), Sam
    /// Okafor (Full Time, no dependents) and Priya Natarajan (Part Time, no dependents).
    pub employees: Vec<DemoEmployee>,
}

/// One employee of the [`Demo`] seed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DemoEmployee {
    /// First and last name, e.g. "Dana Rivera".
    pub name: String,
    /// The employee class (which picks the contribution class: `Full Time` → `full_time`).
    pub employee_class: EmployeeClass,
    /// The employee.
    pub employee_id: EmployeeId,
    /// The member behind the employee (QLEs and dependents hang off it).
    pub member_id: MemberId,
    /// The spouse, when the employee has one.
    pub spouse_id: Option<DependentId>,
    /// Every dependent, spouse first.
    pub dependent_ids: Vec<DependentId>,
    /// The `pending` enrollment in the Medical plan year.
    pub enrollment_id: EnrollmentId,
}

impl Demo {
    /// The Bronze, Silver and Gold plan IDs.
    pub fn plan_ids(&self) -> [&PlanId; 3] {
        [&self.bronze_plan_id, &self.silver_plan_id, &self.gold_plan_id]
    }

    /// The employee with a spouse and a child (Dana Rivera).
    pub fn family_employee(&self) -> Option<&DemoEmployee> {
        self.employees.iter().find(|e| e.spouse_id.is_some())
    }
}

fn typed<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(|e| ApiError::internal(format!("the demo seed is invalid: {e}")))
}

fn carrier_plan(id: &str) -> Result<CarrierPlanId, ApiError> {
    CarrierPlanId::try_from(id).map_err(|e| ApiError::internal(e.to_string()))
}

fn catalog_plan(
    carrier_plan_id: &str,
    name: &str,
    description: &str,
    tier: Option<PlanTier>,
    premium: i64,
    deductible: i64,
    out_of_pocket_max: i64,
) -> Result<CatalogPlan, ApiError> {
    Ok(CatalogPlan {
        carrier_plan_id: carrier_plan(carrier_plan_id)?,
        name: name.to_owned(),
        description: Some(description.to_owned()),
        tier,
        monthly_premium_cents: premium,
        deductible_cents: Some(deductible),
        out_of_pocket_max_cents: Some(out_of_pocket_max),
    })
}

fn seed_products(state: &mut State) -> Result<[BenefitProductId; 4], ApiError> {
    let medical = products::insert(
        state,
        NewProduct {
            name: "Vitable Essential Medical",
            description: "Medical coverage with a choice of Bronze, Silver and Gold plans.",
            category: Category::Medical,
            product_code: ProductCode::Mec,
            carrier_name: "Example Health Insurance Co.",
            active: true,
            catalog: vec![
                catalog_plan(
                    "cplan_bronze6000",
                    "Bronze HMO 6000",
                    "HMO network with a high deductible.",
                    Some(PlanTier::Bronze),
                    32_000,
                    600_000,
                    900_000,
                )?,
                catalog_plan(
                    "cplan_silver3000",
                    "Silver PPO 3000",
                    "PPO network with a moderate deductible.",
                    Some(PlanTier::Silver),
                    45_000,
                    300_000,
                    750_000,
                )?,
                catalog_plan(
                    "cplan_gold1000",
                    "Gold PPO 1000",
                    "PPO network with a low deductible.",
                    Some(PlanTier::Gold),
                    61_000,
                    100_000,
                    400_000,
                )?,
            ],
        },
    )?;
    let dental = products::insert(
        state,
        NewProduct {
            name: "Vitable Dental",
            description: "Preventive and basic dental care.",
            category: Category::Dental,
            product_code: ProductCode::Vd,
            carrier_name: "Example Dental Co.",
            active: true,
            catalog: vec![
                catalog_plan(
                    "cplan_dentalbasic",
                    "Dental Basic",
                    "Cleanings, X-rays and fillings.",
                    None,
                    3_500,
                    5_000,
                    150_000,
                )?,
                catalog_plan(
                    "cplan_dentalplus",
                    "Dental Plus",
                    "Adds crowns and orthodontics.",
                    None,
                    5_200,
                    5_000,
                    200_000,
                )?,
            ],
        },
    )?;
    let vision = products::insert(
        state,
        NewProduct {
            name: "Vitable Vision",
            description: "Eye exams, lenses and frames.",
            category: Category::Vision,
            product_code: ProductCode::Vv,
            carrier_name: "Example Vision Co.",
            active: true,
            catalog: vec![catalog_plan(
                "cplan_vision",
                "Vision Standard",
                "One exam and one pair of lenses a year.",
                None,
                1_200,
                0,
                0,
            )?],
        },
    )?;
    let hospital = products::insert(
        state,
        NewProduct {
            name: "Legacy Hospital Indemnity",
            description: "No longer offered.",
            category: Category::Hospital,
            product_code: ProductCode::Eba,
            carrier_name: "Example Health Insurance Co.",
            active: false,
            catalog: Vec::new(),
        },
    )?;
    Ok([medical, dental, vision, hospital])
}

/// Monthly contributions (employee, employer) in cents by employment and tier.
const CONTRIBUTIONS: [(&str, &str, i64, i64); 8] = [
    ("full_time", "EE", 2_500, 17_500),
    ("full_time", "ES", 9_000, 31_000),
    ("full_time", "EC", 7_500, 27_500),
    ("full_time", "EF", 14_000, 42_000),
    ("part_time", "EE", 6_000, 14_000),
    ("part_time", "ES", 18_000, 22_000),
    ("part_time", "EC", 15_000, 20_000),
    ("part_time", "EF", 26_000, 30_000),
];

/// Fills `state` with the demo organization.
pub(crate) fn seed(state: &mut State) -> Result<Demo, ApiError> {
    let today = state.today();
    let [medical, dental, vision, hospital] = seed_products(state)?;
    let employer = employers::insert(
        state,
        typed(json!({
            "name": "Acme Coffee",
            "legal_name": "Acme Coffee Roasters LLC",
            "ein": "12-3454567",
            "address": { "street_1": "250 Market Street", "street_2": "Suite 400", "city": "San Francisco", "state": "CA", "zip_code": "94105", "country": "US" }
        }))?,
    )?;
    let policy = policies::insert(
        state,
        &employer.id,
        typed(json!({
            "name": "Full-time after 30 days",
            "description": "Full-time staff become eligible after a 30 day wait.",
            "effective_date": "2024-01-01",
            "rules": [
                { "rule_type": "employment_status", "operator": "in", "value": "full_time,part_time" },
                { "rule_type": "waiting_period", "operator": "greater_than", "value": "30" }
            ]
        }))?,
        None,
    )?;
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let year_end = NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today);
    let classes: Vec<_> = CONTRIBUTIONS
        .iter()
        .map(|(employment, tier, employee, employer)| {
            json!({ "employment": employment, "family_status": tier, "employee_contribution_cents": employee, "employer_contribution_cents": employer })
        })
        .collect();
    let plan_year = plan_years::insert(
        state,
        medical.as_str(),
        typed(json!({
            "employer_id": employer.id,
            "coverage_start": year_start,
            "coverage_end": year_end,
            "open_enrollment_start": today.checked_sub_days(Days::new(14)).unwrap_or(today),
            "open_enrollment_end": today.checked_add_days(Days::new(14)).unwrap_or(today),
            "contribution_classes": classes,
        }))?,
    )?;
    let plan_id = |i: usize| {
        plan_year
            .plans
            .get(i)
            .map(|p| p.id.clone())
            .ok_or_else(|| ApiError::internal("the demo plan year lacks plans"))
    };
    let (bronze, silver, gold) = (plan_id(0)?, plan_id(1)?, plan_id(2)?);

    let people = [
        ("Dana", "Rivera", "Female", "1990-04-12", "123-45-6789", "Full Time", "2024-02-05"),
        ("Sam", "Okafor", "Male", "1985-09-03", "234-56-7890", "Full Time", "2023-06-12"),
        ("Priya", "Natarajan", "Female", "1996-01-22", "345-67-8901", "Part Time", "2025-03-03"),
    ];
    let mut demo_employees = Vec::new();
    for (first, last, sex, born, ssn, class, start) in people {
        let email = format!("{}.{}@example.com", first.to_lowercase(), last.to_lowercase());
        let employee = employees::insert(
            state,
            &employer.id,
            typed(json!({
                "first_name": first, "last_name": last, "sex": sex, "date_of_birth": born, "ssn": ssn,
                "email": email, "start_date": start, "employee_class": class,
                "address": { "street_1": "18 Oak Avenue", "city": "Oakland", "state": "CA", "zip_code": "94607" }
            }))?,
        )?;
        let enrollment_id = state
            .enrollments
            .values()
            .find(|e| e.employee_id == employee.id && e.plan_year_id == plan_year.id)
            .map(|e| e.id.clone())
            .ok_or_else(|| ApiError::internal("the demo employee has no enrollment"))?;
        demo_employees.push(DemoEmployee {
            name: format!("{first} {last}"),
            employee_class: employee.employee_class.unwrap_or(EmployeeClass::FullTime),
            employee_id: employee.id.clone(),
            member_id: employee.member.id.clone(),
            spouse_id: None,
            dependent_ids: Vec::new(),
            enrollment_id,
        });
    }
    if let Some(dana) = demo_employees.first_mut() {
        let spouse = dependents::insert(
            state,
            &dana.member_id,
            typed(
                json!({ "first_name": "Alex", "last_name": "Rivera", "date_of_birth": "1989-07-30", "sex": "Male", "relationship": "Spouse" }),
            )?,
        )?;
        let child = dependents::insert(
            state,
            &dana.member_id,
            typed(
                json!({ "first_name": "Leo", "last_name": "Rivera", "date_of_birth": "2023-11-02", "sex": "Male", "relationship": "Child", "ssn": "456-78-9012" }),
            )?,
        )?;
        dana.spouse_id = Some(spouse.id.clone());
        dana.dependent_ids = vec![spouse.id, child.id];
    }
    Ok(Demo {
        organization_id: employer.organization_id,
        employer_id: employer.id,
        eligibility_policy_id: policy.id,
        medical_product_id: medical,
        dental_product_id: dental,
        vision_product_id: vision,
        inactive_product_id: hospital,
        plan_year_id: plan_year.id,
        bronze_plan_id: bronze,
        silver_plan_id: silver,
        gold_plan_id: gold,
        employees: demo_employees,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitable_connect_api::types::{EnrollmentStatus, PlanYearStatus};

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 5, 20).unwrap()
    }

    #[test]
    fn the_seed_is_deterministic_and_complete() {
        let mut a = State::new(Some(day()));
        let mut b = State::new(Some(day()));
        let (da, db) = (seed(&mut a).unwrap(), seed(&mut b).unwrap());
        assert_eq!(serde_json::to_value(&da).unwrap(), serde_json::to_value(&db).unwrap());
        let plan_year = &a.plan_years[da.plan_year_id.as_str()];
        assert_eq!(plan_year.status, PlanYearStatus::OpenEnrollment);
        assert_eq!(plan_year.plans.len(), 3);
        assert_eq!(plan_year.contribution_classes.len(), 8);
        assert_eq!(da.employees.len(), 3);
        for e in &da.employees {
            assert_eq!(a.enrollments[e.enrollment_id.as_str()].status, EnrollmentStatus::Pending);
        }
        assert_eq!(da.family_employee().unwrap().dependent_ids.len(), 2);
        // Kept masked, as the spec writes `Employer.ein`.
        let ein = a.employers[da.employer_id.as_str()].ein.clone().unwrap_or_default();
        let masked = vitable_connect_api::spec::properties("Employer")
            .and_then(|props| props.iter().find(|p| p.name == "ein"))
            .map(|p| p.limits)
            .unwrap();
        assert!(!masked.shapes.is_empty() && masked.fits_shape(&ein) && !ein.contains("3454567"), "{ein}");
        assert_eq!(
            a.employers[da.employer_id.as_str()].eligibility_policy_id.as_ref(),
            Some(&da.eligibility_policy_id)
        );
    }
}
