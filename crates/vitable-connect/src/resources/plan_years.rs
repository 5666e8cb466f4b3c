//! Plan years by ID: retrieve and update. Create and list them through
//! [`BenefitProducts::plan_years`](crate::resources::benefit_products::BenefitProducts::plan_years).

use chrono::NaiveDate;
use vitable_connect_api::types as api;

use super::{by_id_operation, operation_builder};
use crate::Result;
use crate::client::Client;
use crate::ids::PlanYearId;
use crate::input::ContributionClassInput;
use crate::operations as ops;
use crate::request::ApiResponse;
use crate::types::{PlanYear, PlanYearStatus};

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
    pub fn retrieve(&self, plan_year_id: &PlanYearId) -> RetrievePlanYear {
        RetrievePlanYear::new(self.client.clone(), plan_year_id.clone())
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
    ///     .status(PlanYearStatus::OpenEnrollment)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, plan_year_id: &PlanYearId) -> UpdatePlanYear {
        UpdatePlanYear::new(self.client.clone(), plan_year_id.clone())
    }
}

by_id_operation! {
    /// Request of [`PlanYears::retrieve`].
    RetrievePlanYear => ops::PLAN_YEARS_RETRIEVE, plan_years_retrieve(plan_year_id: PlanYearId) -> PlanYear
}

operation_builder! {
    /// Request of [`PlanYears::update`].
    UpdatePlanYear => ops::PLAN_YEARS_UPDATE {
        plan_year_id: PlanYearId = plan_year_id,
        contribution_classes: Option<Vec<ContributionClassInput>> = None,
    }
    optional {
        /// First day of open enrollment.
        open_enrollment_start: NaiveDate,
        /// Last day of open enrollment.
        open_enrollment_end: NaiveDate,
        /// Moves the plan year to a new status.
        status: PlanYearStatus,
    }
    new(plan_year_id: PlanYearId) -> PlanYear
}

impl UpdatePlanYear {
    /// Replaces the contribution classes.
    pub fn contribution_classes(mut self, classes: impl IntoIterator<Item = ContributionClassInput>) -> Self {
        self.contribution_classes = Some(classes.into_iter().collect());
        self
    }

    /// Sends the request; returns the updated plan year with status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<PlanYear>> {
        let op = &Self::OPERATION;
        let contribution_classes = match &self.contribution_classes {
            Some(classes) => Some(classes.iter().map(|c| c.to_api(op)).collect::<Result<Vec<_>, _>>()?),
            None => None,
        };
        let body = api::PlanYearUpdateRequest {
            open_enrollment_start: self.open_enrollment_start,
            open_enrollment_end: self.open_enrollment_end,
            status: self.status.map(|s| s.to_string()),
            contribution_classes,
        };
        let call = self.client.call(op, self.options)?;
        let result = call.api.plan_years_update().plan_year_id(self.plan_year_id).body(body).send().await;
        call.finish(result).await
    }
}
