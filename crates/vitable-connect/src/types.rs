//! The API's models and enums, as returned by the operations.
//!
//! These are the generated types of `vitable-connect-api`, re-exported: every field is
//! public, IDs are typed ([`crate::ids`]), dates are [`chrono::NaiveDate`] and timestamps
//! `chrono::DateTime<Utc>`. Values you send are built with the builders and [`crate::input`].

pub use vitable_connect_api::types::{
    Address, BenefitEligibilityPolicy, BenefitProduct, Category, ContributionClass, CoverageTier, Dependent,
    ElectionDecision, Employee, EmployeeClass, Employer, EnrolledDependent, Enrollment, EnrollmentPlan,
    EnrollmentPlanCost, EnrollmentStatus, EventType, Member, Plan, PlanTier, PlanYear, PlanYearStatus,
    ProductCode, QualifyingLifeEvent, QualifyingLifeEventStatus, Relationship, Rule, Sex,
};
