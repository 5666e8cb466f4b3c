//! One module per resource of the API, mirroring the official SDKs' resource tree:
//! `client.members().qualifying_life_events().record(..)` here is
//! `client.members.qualifying_life_events.record(..)` there.
//!
//! Each method here is the entry point of one operation: it takes the operation's required
//! values and returns its request builder from [`builders`](crate::builders), which is
//! generated from `openapi.yaml`: optional values are setters, and `send()` runs it
//! (`send_with_response()` also returns status and headers; list operations also have
//! `stream()`). Every builder can override the timeout and the retries, add headers and set
//! an idempotency key.
//!
//! Adding an operation to the spec takes one method here (a test names any operation
//! without one).

pub mod benefit_eligibility_policy;
pub mod benefit_products;
pub mod dependents;
pub mod employees;
pub mod employers;
pub mod enrollments;
pub mod members;
pub mod plan_years;
pub mod qualifying_life_events;

use crate::client::Client;

impl Client {
    /// Eligibility policies: [`retrieve`](benefit_eligibility_policy::BenefitEligibilityPolicies::retrieve).
    pub fn benefit_eligibility_policy(&self) -> benefit_eligibility_policy::BenefitEligibilityPolicies {
        benefit_eligibility_policy::BenefitEligibilityPolicies { client: self.clone() }
    }

    /// Benefit products and their plan years.
    pub fn benefit_products(&self) -> benefit_products::BenefitProducts {
        benefit_products::BenefitProducts { client: self.clone() }
    }

    /// Dependents: retrieve and update.
    pub fn dependents(&self) -> dependents::Dependents {
        dependents::Dependents { client: self.clone() }
    }

    /// Employees: retrieve, update, terminate, and their enrollments.
    pub fn employees(&self) -> employees::Employees {
        employees::Employees { client: self.clone() }
    }

    /// Employers, their employees and eligibility policies.
    pub fn employers(&self) -> employers::Employers {
        employers::Employers { client: self.clone() }
    }

    /// Enrollments: retrieve, list plans, reissue after a qualifying life event.
    pub fn enrollments(&self) -> enrollments::Enrollments {
        enrollments::Enrollments { client: self.clone() }
    }

    /// Members: their dependents and qualifying life events.
    pub fn members(&self) -> members::Members {
        members::Members { client: self.clone() }
    }

    /// Plan years: retrieve and update.
    pub fn plan_years(&self) -> plan_years::PlanYears {
        plan_years::PlanYears { client: self.clone() }
    }

    /// Qualifying life events: retrieve.
    pub fn qualifying_life_events(&self) -> qualifying_life_events::QualifyingLifeEvents {
        qualifying_life_events::QualifyingLifeEvents { client: self.clone() }
    }
}
