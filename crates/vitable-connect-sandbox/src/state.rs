//! Everything the sandbox stores, behind one lock.
//!
//! Records are kept as the generated response types (so serializing one is the response body)
//! plus the few things never returned, such as SSNs.

use std::borrow::Borrow;
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, SubsecRound, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use vitable_connect_api::Ssn;
use vitable_connect_api::ids::{
    BenefitProductId, CarrierPlanId, DependentId, EligibilityPolicyId, EmployeeId, EmployerId, EnrollmentId,
    MemberId, PlanId, PlanYearId, QleId,
};
use vitable_connect_api::types::{
    BenefitEligibilityPolicy, BenefitProduct, ContributionClass, CoverageTier, Dependent, Employee,
    EmployeeClass, Employer, Enrollment, PlanTier, PlanYear, QualifyingLifeEvent,
};

use crate::error::ApiError;
use crate::idempotency::IdempotencyStore;
use crate::ids::IdGen;

/// The sandbox's whole state.
///
/// It is what a state file holds (see [`crate::state_file`]), serialized with serde: a field
/// added here must either have a `#[serde(default)]` or come with a new format version, so that
/// the files written before can still be loaded.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct State {
    clock: Clock,
    pub ids: IdGen,
    pub employers: BTreeMap<EmployerId, Employer>,
    pub policies: BTreeMap<EligibilityPolicyId, BenefitEligibilityPolicy>,
    pub products: BTreeMap<BenefitProductId, ProductRecord>,
    pub plan_years: BTreeMap<PlanYearId, PlanYear>,
    pub plan_details: BTreeMap<PlanId, PlanDetails>,
    pub employees: BTreeMap<EmployeeId, EmployeeRecord>,
    pub members: BTreeMap<MemberId, EmployeeId>,
    pub dependents: BTreeMap<DependentId, DependentRecord>,
    pub enrollments: BTreeMap<EnrollmentId, Enrollment>,
    pub qles: BTreeMap<QleId, QualifyingLifeEvent>,
    pub idempotency: IdempotencyStore,
}

/// An employee and the SSN given when it was created (never returned).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct EmployeeRecord {
    pub employee: Employee,
    pub ssn: Ssn,
}

/// A dependent and its SSN, when one was given (only the last four digits are returned).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DependentRecord {
    pub dependent: Dependent,
    pub ssn: Option<Ssn>,
}

/// A benefit product and the plans a new plan year of it offers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ProductRecord {
    pub product: BenefitProduct,
    pub catalog: Vec<CatalogPlan>,
}

/// A plan of a product's catalog, copied into each new plan year with a fresh `plan_` ID.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CatalogPlan {
    pub carrier_plan_id: CarrierPlanId,
    pub name: String,
    pub description: Option<String>,
    pub tier: Option<PlanTier>,
    pub monthly_premium_cents: i64,
    pub deductible_cents: Option<i64>,
    pub out_of_pocket_max_cents: Option<i64>,
}

/// What an `EnrollmentPlan` shows beyond the `Plan` itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PlanDetails {
    pub description: Option<String>,
    pub carrier_name: Option<String>,
}

/// Server time: strictly increasing timestamps and a "today" that tests may pin.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Clock {
    last: Option<DateTime<Utc>>,
    today: Option<NaiveDate>,
}

impl State {
    /// An empty state whose today is `today` (the real date when `None`).
    pub fn new(today: Option<NaiveDate>) -> Self {
        Self { clock: Clock { last: None, today }, ..Self::default() }
    }

    /// A timestamp later than every one handed out before, so `updated_at` always moves.
    pub fn now(&mut self) -> DateTime<Utc> {
        let real = Utc::now().trunc_subsecs(6);
        let now = match self.clock.last {
            Some(last) if real <= last => last + TimeDelta::microseconds(1),
            _ => real,
        };
        self.clock.last = Some(now);
        now
    }

    /// The sandbox's today: the pinned date, else the current UTC date.
    pub fn today(&self) -> NaiveDate {
        self.clock.today.unwrap_or_else(|| Utc::now().date_naive())
    }

    /// Pins today (`None` follows the real date again).
    pub fn set_today(&mut self, today: Option<NaiveDate>) {
        self.clock.today = today;
    }

    /// The employee behind a member.
    pub fn member_employee(&self, member_id: &str) -> Result<&EmployeeRecord, ApiError> {
        let employee_id =
            self.members.get(member_id).ok_or_else(|| ApiError::not_found("member", member_id))?;
        find(&self.employees, employee_id.as_str(), "member")
    }
}

/// The record with `id` in `map`, or a 404 naming `kind`.
pub(crate) fn find<'a, K, V>(map: &'a BTreeMap<K, V>, id: &str, kind: &str) -> Result<&'a V, ApiError>
where
    K: Borrow<str> + Ord,
{
    map.get(id).ok_or_else(|| ApiError::not_found(kind, id))
}

/// The record with `id` in `map`, mutably, or a 404 naming `kind`.
pub(crate) fn find_mut<'a, K, V>(
    map: &'a mut BTreeMap<K, V>,
    id: &str,
    kind: &str,
) -> Result<&'a mut V, ApiError>
where
    K: Borrow<str> + Ord,
{
    map.get_mut(id).ok_or_else(|| ApiError::not_found(kind, id))
}

/// Sorts by `created_at`, then ID.
pub(crate) fn sort_by_creation<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> (DateTime<Utc>, K)) {
    items.sort_by_key(key);
}

/// The contribution class `employment` of an employee class: its wire value in lower snake
/// case (`Full Time` → `full_time`, `Individual Contractor` → `individual_contractor`). This is a
/// rule rather than a `match`, so a class the spec adds later (`Per Diem`) gets `per_diem` the
/// same way, with no change here.
pub(crate) fn employment_of(class: Option<EmployeeClass>) -> Option<String> {
    class.map(|c| c.to_string().to_lowercase().replace([' ', '-'], "_"))
}

/// The contribution class of `plan_year` for `tier`: the one for `employment` when there is one,
/// else the first with that tier.
pub(crate) fn contribution_for<'a>(
    plan_year: &'a PlanYear,
    employment: Option<&str>,
    tier: &CoverageTier,
) -> Option<&'a ContributionClass> {
    let classes = || plan_year.contribution_classes.iter().filter(move |c| c.family_status == *tier);
    employment.and_then(|e| classes().find(|c| c.employment == e)).or_else(|| classes().next())
}

/// Digits of an SSN, so `123-45-6789` and `123456789` compare equal.
pub(crate) fn ssn_digits(ssn: &Ssn) -> String {
    ssn.expose().chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_strictly_increase() {
        let mut state = State::new(None);
        let mut last = state.now();
        for _ in 0..1000 {
            let now = state.now();
            assert!(now > last);
            last = now;
        }
    }

    /// Every employee class of the spec maps to its words in lower case joined by `_`
    /// (`Full Time` → `full_time`), and no two classes to the same employment.
    #[test]
    fn employment_is_the_snake_case_wire_value() {
        let values =
            vitable_connect_api::spec::enum_values("EmployeeClass").expect("EmployeeClass is an enum");
        assert!(!values.is_empty());
        let mut seen = std::collections::BTreeSet::new();
        for value in values {
            let class: EmployeeClass = value.parse().unwrap_or_else(|e| panic!("{value}: {e}"));
            let employment =
                employment_of(Some(class)).unwrap_or_else(|| panic!("{value} has an employment"));
            let lower = value.to_lowercase();
            let words: Vec<&str> = lower.split([' ', '-']).collect();
            assert_eq!(employment, words.join("_"), "{value}");
            assert!(seen.insert(employment), "{value}: an employment of two classes");
        }
        assert_eq!(employment_of(None), None);
    }

    #[test]
    fn today_can_be_pinned() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let mut state = State::new(Some(day));
        assert_eq!(state.today(), day);
        state.set_today(None);
        assert_eq!(state.today(), Utc::now().date_naive());
    }
}
