//! Benefit products and their plan years.

use chrono::NaiveDate;

use crate::builders::*;
use crate::client::Client;
use crate::ids::{BenefitProductId, EmployerId};
use crate::input::ContributionClassInput;

/// Operations on benefit products. Get it with [`Client::benefit_products`].
#[derive(Debug, Clone)]
pub struct BenefitProducts {
    pub(crate) client: Client,
}

impl BenefitProducts {
    /// Lists benefit products, one page at a time or as a stream.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// use vitable_connect::Category;
    /// let medical = client.benefit_products().list().category(Category::Medical).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> BenefitProductsListBuilder {
        BenefitProductsListBuilder::new(self.client.clone())
    }

    /// A benefit product's plan years: create and list.
    pub fn plan_years(&self) -> BenefitProductPlanYears {
        BenefitProductPlanYears { client: self.client.clone() }
    }
}

/// A benefit product's plan years. Get it with [`BenefitProducts::plan_years`].
#[derive(Debug, Clone)]
pub struct BenefitProductPlanYears {
    client: Client,
}

impl BenefitProductPlanYears {
    /// Creates a plan year of a benefit product for an employer: coverage period, open
    /// enrollment period, and at least one contribution class.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// use vitable_connect::{ContributionClassInput, CoverageTier, chrono::NaiveDate};
    /// let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// let year = client
    ///     .benefit_products()
    ///     .plan_years()
    ///     .create(
    ///         &"bprd_2Mx8Qa".parse()?,
    ///         &"empr_7Hc3Vb".parse()?,
    ///         date(2027, 1, 1),
    ///         date(2027, 12, 31),
    ///         date(2026, 11, 1),
    ///         date(2026, 11, 30),
    ///         [ContributionClassInput::new("full_time", CoverageTier::Ee, 5_000, 35_000)],
    ///     )
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn create(
        &self,
        benefit_product_id: &BenefitProductId,
        employer_id: &EmployerId,
        coverage_start: NaiveDate,
        coverage_end: NaiveDate,
        open_enrollment_start: NaiveDate,
        open_enrollment_end: NaiveDate,
        contribution_classes: impl IntoIterator<Item = ContributionClassInput>,
    ) -> BenefitProductsPlanYearsCreateBuilder {
        BenefitProductsPlanYearsCreateBuilder::new(
            self.client.clone(),
            benefit_product_id,
            employer_id,
            coverage_start,
            coverage_end,
            open_enrollment_start,
            open_enrollment_end,
            contribution_classes,
        )
    }

    /// Lists a benefit product's plan years, one page at a time or as a stream.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// use vitable_connect::PlanYearStatus;
    /// let open = client
    ///     .benefit_products()
    ///     .plan_years()
    ///     .list(&"bprd_2Mx8Qa".parse()?)
    ///     .employer_id(&"empr_7Hc3Vb".parse()?)
    ///     .status(PlanYearStatus::OpenEnrollment)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self, benefit_product_id: &BenefitProductId) -> BenefitProductsPlanYearsListBuilder {
        BenefitProductsPlanYearsListBuilder::new(self.client.clone(), benefit_product_id)
    }
}
