//! Values you build to send inside a request: addresses, eligibility rules, contribution
//! classes and elections. The types are generated from `openapi.yaml` (required properties
//! are arguments of `new`, optional ones setters); each is checked against the spec's limits
//! when the request is sent.
//!
//! ```
//! # fn ids() -> Result<(), vitable_connect::Error> {
//! use vitable_connect::{AddressInput, ContributionClassInput, CoverageTier, Election, RuleInput};
//! let address = AddressInput::new("500 Market St", "San Francisco", "CA", "94105").street_2("Suite 300");
//! let rule = RuleInput::new("hours_per_week", "greater_than", "30");
//! let class = ContributionClassInput::new("full_time", CoverageTier::Ee, 5_000, 35_000);
//! let enroll = Election::enroll("enrl_8fK2x9".parse()?, "plan_9Ls3Ge".parse()?, CoverageTier::Ec)
//!     .dependents(["dpnd_4Rt6Yx".parse()?]);
//! let waive = Election::waive("enrl_Zz91Aa".parse()?);
//! # Ok(()) }
//! ```

pub use crate::generated_inputs::*;

use crate::ids::{DependentId, EnrollmentId, PlanId};
use crate::types::{CoverageTier, ElectionDecision};

/// Shorthands for the two decisions an employee makes.
impl Election {
    /// Enroll in `plan` at `tier`.
    pub fn enroll(enrollment_id: EnrollmentId, plan: PlanId, tier: CoverageTier) -> Self {
        Self::new(enrollment_id, ElectionDecision::Enrolled).selected_plan_id(plan).coverage_tier(tier)
    }

    /// Decline the coverage.
    pub fn waive(enrollment_id: EnrollmentId) -> Self {
        Self::new(enrollment_id, ElectionDecision::Waived)
    }

    /// The dependents to cover (the same as [`dependent_ids`](Self::dependent_ids)).
    pub fn dependents(self, ids: impl IntoIterator<Item = DependentId>) -> Self {
        self.dependent_ids(ids)
    }
}
