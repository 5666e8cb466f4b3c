//! Values you build to send: addresses, eligibility rules, contribution classes and
//! elections. Each is checked against the API's limits when the request is sent.

use vitable_connect_api::types as api;

use crate::error::InvalidInput;
use crate::ids::{DependentId, EnrollmentId, PlanId};
use crate::operations::Operation;
use crate::types::{CoverageTier, ElectionDecision};
use crate::validate;

/// A postal address to send when creating or updating an employer or employee.
///
/// ```
/// use vitable_connect::AddressInput;
/// let address = AddressInput::new("500 Market St", "San Francisco", "CA", "94105").street_2("Suite 300");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressInput {
    street_1: String,
    street_2: Option<String>,
    city: String,
    state: String,
    zip_code: String,
    country: Option<String>,
}

impl AddressInput {
    /// An address with its required parts; `state` is the 2-letter postal abbreviation.
    pub fn new(
        street_1: impl Into<String>,
        city: impl Into<String>,
        state: impl Into<String>,
        zip_code: impl Into<String>,
    ) -> Self {
        Self {
            street_1: street_1.into(),
            street_2: None,
            city: city.into(),
            state: state.into(),
            zip_code: zip_code.into(),
            country: None,
        }
    }

    /// Apartment, suite, floor...
    pub fn street_2(mut self, street_2: impl Into<String>) -> Self {
        self.street_2 = Some(street_2.into());
        self
    }

    /// Country code (the API assumes `US` when absent).
    pub fn country(mut self, country: impl Into<String>) -> Self {
        self.country = Some(country.into());
        self
    }

    pub(crate) fn to_api(&self, op: &Operation) -> Result<api::AddressInput, InvalidInput> {
        validate::chars_between(op, "address.state", &self.state, 2, 2)?;
        Ok(api::AddressInput {
            street_1: self.street_1.clone(),
            street_2: self.street_2.clone(),
            city: self.city.clone(),
            state: validate::convert(op, "address.state", self.state.as_str())?,
            zip_code: self.zip_code.clone(),
            country: self.country.clone(),
        })
    }
}

/// One condition of an eligibility policy, e.g. `hours_per_week greater_than 30`.
///
/// ```
/// use vitable_connect::RuleInput;
/// let rule = RuleInput::new("hours_per_week", "greater_than", "30");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInput {
    rule_type: String,
    operator: String,
    value: String,
}

impl RuleInput {
    /// A rule: what is tested, how it is compared, and the operand.
    pub fn new(rule_type: impl Into<String>, operator: impl Into<String>, value: impl Into<String>) -> Self {
        Self { rule_type: rule_type.into(), operator: operator.into(), value: value.into() }
    }

    pub(crate) fn to_api(&self) -> api::RuleInput {
        api::RuleInput {
            rule_type: self.rule_type.clone(),
            operator: self.operator.clone(),
            value: self.value.clone(),
        }
    }
}

/// The monthly cost split for one employment type and coverage tier, in cents.
///
/// ```
/// use vitable_connect::{ContributionClassInput, CoverageTier};
/// let class = ContributionClassInput::new("full_time", CoverageTier::Ee, 5_000, 35_000);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContributionClassInput {
    employment: String,
    family_status: CoverageTier,
    employee_contribution_cents: i64,
    employer_contribution_cents: i64,
}

impl ContributionClassInput {
    /// A class: employment type (e.g. `full_time`), tier, and the monthly employee and employer
    /// contributions in cents (neither may be negative).
    pub fn new(
        employment: impl Into<String>,
        family_status: CoverageTier,
        employee_contribution_cents: i64,
        employer_contribution_cents: i64,
    ) -> Self {
        Self {
            employment: employment.into(),
            family_status,
            employee_contribution_cents,
            employer_contribution_cents,
        }
    }

    pub(crate) fn to_api(&self, op: &Operation) -> Result<api::ContributionClassInput, InvalidInput> {
        validate::non_negative(
            op,
            "contribution_classes.employee_contribution_cents",
            self.employee_contribution_cents,
        )?;
        validate::non_negative(
            op,
            "contribution_classes.employer_contribution_cents",
            self.employer_contribution_cents,
        )?;
        Ok(api::ContributionClassInput {
            employment: self.employment.clone(),
            family_status: self.family_status,
            employee_contribution_cents: self.employee_contribution_cents,
            employer_contribution_cents: self.employer_contribution_cents,
        })
    }
}

/// The decision for one pending enrollment, sent with
/// [`EmployeeEnrollments::submit_elections`](crate::resources::employees::EmployeeEnrollments::submit_elections).
///
/// ```
/// # fn ids() -> Result<(), vitable_connect::Error> {
/// use vitable_connect::{CoverageTier, Election};
/// let enroll = Election::enroll("enrl_8fK2x9".parse()?, "plan_9Ls3Ge".parse()?, CoverageTier::Ec)
///     .dependents(["dpnd_4Rt6Yx".parse()?]);
/// let waive = Election::waive("enrl_Zz91Aa".parse()?);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Election {
    enrollment_id: EnrollmentId,
    decision: ElectionDecision,
    selected_plan_id: Option<PlanId>,
    coverage_tier: Option<CoverageTier>,
    dependent_ids: Option<Vec<DependentId>>,
}

impl Election {
    /// Enroll in `plan` at `tier`.
    pub fn enroll(enrollment_id: EnrollmentId, plan: PlanId, tier: CoverageTier) -> Self {
        Self {
            enrollment_id,
            decision: ElectionDecision::Enrolled,
            selected_plan_id: Some(plan),
            coverage_tier: Some(tier),
            dependent_ids: None,
        }
    }

    /// Decline the coverage.
    pub fn waive(enrollment_id: EnrollmentId) -> Self {
        Self {
            enrollment_id,
            decision: ElectionDecision::Waived,
            selected_plan_id: None,
            coverage_tier: None,
            dependent_ids: None,
        }
    }

    /// The dependents to cover.
    pub fn dependents(mut self, ids: impl IntoIterator<Item = DependentId>) -> Self {
        self.dependent_ids = Some(ids.into_iter().collect());
        self
    }

    pub(crate) fn to_api(&self) -> api::Election {
        api::Election {
            enrollment_id: self.enrollment_id.clone(),
            decision: self.decision,
            selected_plan_id: self.selected_plan_id.clone(),
            coverage_tier: self.coverage_tier,
            dependent_ids: self.dependent_ids.clone(),
        }
    }
}
