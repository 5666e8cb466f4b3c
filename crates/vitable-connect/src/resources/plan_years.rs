//! Plan years by ID: retrieve and update. Create and list them through
//! [`BenefitProducts::plan_years`](crate::resources::benefit_products::BenefitProducts::plan_years).

use crate::builders::*;
use crate::client::Client;
use crate::ids::PlanYearId;

/// Operations on plan years. Get it with [`Client::plan_years`].
#[derive(Debug, Clone)]
pub struct PlanYears {
    pub(crate) client: Client,
}

impl PlanYears {
    /// Gets a plan year with its plans and contribution classes.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// let year = client.plan_years().retrieve(&"plyr_6Wd4Kc".parse()?).send().await?;
    /// println!("{} plans, {}", year.plans.len(), year.status);
    /// # Ok(()) }
    /// ```
    pub fn retrieve(&self, plan_year_id: &PlanYearId) -> PlanYearsRetrieveBuilder {
        PlanYearsRetrieveBuilder::new(self.client.clone(), plan_year_id)
    }

    /// Updates a plan year; allowed only before its open enrollment starts. Only the fields
    /// you set are changed.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// use vitable_connect::{PlanYearStatus, chrono::NaiveDate};
    /// let year = client
    ///     .plan_years()
    ///     .update(&"plyr_6Wd4Kc".parse()?)
    ///     .open_enrollment_end(NaiveDate::from_ymd_opt(2026, 12, 15).unwrap())
    ///     .status(PlanYearStatus::OpenEnrollment.to_string())
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, plan_year_id: &PlanYearId) -> PlanYearsUpdateBuilder {
        PlanYearsUpdateBuilder::new(self.client.clone(), plan_year_id)
    }
}
