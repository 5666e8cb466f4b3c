//! Benefit products and their plan years.

use chrono::NaiveDate;
use vitable_connect_api::types as api;

use super::{apply_optional, list_paging, operation_builder};
use crate::client::Client;
use crate::ids::{BenefitProductId, EmployerId};
use crate::input::ContributionClassInput;
use crate::operations as ops;
use crate::request::ApiResponse;
use crate::types::{BenefitProduct, Category, PlanYear, PlanYearStatus, ProductCode};
use crate::{Result, validate};

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
    pub fn list(&self) -> ListBenefitProducts {
        ListBenefitProducts::new(self.client.clone())
    }

    /// A benefit product's plan years: create and list.
    pub fn plan_years(&self) -> BenefitProductPlanYears {
        BenefitProductPlanYears { client: self.client.clone() }
    }
}

operation_builder! {
    /// Request of [`BenefitProducts::list`].
    ListBenefitProducts => ops::BENEFIT_PRODUCTS_LIST {
        page: Option<u64> = None,
        limit: Option<u64> = None,
    }
    optional {
        /// Only products that can (`true`) or cannot (`false`) currently be offered.
        active_in: bool,
        /// Only products of this category.
        category: Category,
        /// Only products with this product code.
        product_code: ProductCode,
    }
    new() -> Vec<BenefitProduct>
}

list_paging!(ListBenefitProducts, BenefitProduct);

impl ListBenefitProducts {
    /// Sends the request; returns one page with status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<Vec<BenefitProduct>>> {
        let op = &Self::OPERATION;
        validate::page(op, self.page)?;
        validate::limit(op, self.limit)?;
        let call = self.client.call(op, self.options)?;
        let mut request = call.api.benefit_products_list();
        apply_optional!(request, self, active_in, category, product_code, page, limit);
        let result = request.send().await;
        call.finish(result).await
    }
}

/// A benefit product's plan years. Get it with [`BenefitProducts::plan_years`].
#[derive(Debug, Clone)]
pub struct BenefitProductPlanYears {
    client: Client,
}

impl BenefitProductPlanYears {
    /// Creates a plan year of a benefit product for an employer: coverage period, open
    /// enrollment period, and at least one contribution class (add them with
    /// [`CreatePlanYear::contribution_class`]).
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
    ///     )
    ///     .contribution_class(ContributionClassInput::new("full_time", CoverageTier::Ee, 5_000, 35_000))
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn create(
        &self,
        benefit_product_id: &BenefitProductId,
        employer_id: &EmployerId,
        coverage_start: NaiveDate,
        coverage_end: NaiveDate,
        open_enrollment_start: NaiveDate,
        open_enrollment_end: NaiveDate,
    ) -> CreatePlanYear {
        CreatePlanYear::new(
            self.client.clone(),
            benefit_product_id.clone(),
            employer_id.clone(),
            [coverage_start, coverage_end, open_enrollment_start, open_enrollment_end],
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
    pub fn list(&self, benefit_product_id: &BenefitProductId) -> ListPlanYears {
        ListPlanYears::new(self.client.clone(), benefit_product_id.clone())
    }
}

operation_builder! {
    /// Request of [`BenefitProductPlanYears::create`].
    CreatePlanYear => ops::BENEFIT_PRODUCTS_PLAN_YEARS_CREATE {
        benefit_product_id: BenefitProductId = benefit_product_id,
        employer_id: EmployerId = employer_id,
        dates: [NaiveDate; 4] = dates,
        contribution_classes: Vec<ContributionClassInput> = Vec::new(),
    }
    new(benefit_product_id: BenefitProductId, employer_id: EmployerId, dates: [NaiveDate; 4]) -> PlanYear
}

impl CreatePlanYear {
    /// Adds a contribution class (at least one is required).
    pub fn contribution_class(mut self, class: ContributionClassInput) -> Self {
        self.contribution_classes.push(class);
        self
    }

    /// Adds several contribution classes.
    pub fn contribution_classes(mut self, classes: impl IntoIterator<Item = ContributionClassInput>) -> Self {
        self.contribution_classes.extend(classes);
        self
    }

    /// Sends the request; returns the new plan year with status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<PlanYear>> {
        let op = &Self::OPERATION;
        validate::non_empty_list(op, "contribution_classes", &self.contribution_classes)?;
        let [coverage_start, coverage_end, open_enrollment_start, open_enrollment_end] = self.dates;
        let body = api::PlanYearCreateRequest {
            employer_id: self.employer_id,
            coverage_start,
            coverage_end,
            open_enrollment_start,
            open_enrollment_end,
            contribution_classes: self
                .contribution_classes
                .iter()
                .map(|c| c.to_api(op))
                .collect::<Result<Vec<_>, _>>()?,
        };
        let call = self.client.call(op, self.options)?;
        let result = call
            .api
            .benefit_products_plan_years_create()
            .benefit_product_id(self.benefit_product_id)
            .body(body)
            .send()
            .await;
        call.finish(result).await
    }
}

operation_builder! {
    /// Request of [`BenefitProductPlanYears::list`].
    ListPlanYears => ops::BENEFIT_PRODUCTS_PLAN_YEARS_LIST {
        benefit_product_id: BenefitProductId = benefit_product_id,
        employer_id: Option<EmployerId> = None,
        page: Option<u64> = None,
        limit: Option<u64> = None,
    }
    optional {
        /// Only plan years in this status.
        status: PlanYearStatus,
    }
    new(benefit_product_id: BenefitProductId) -> Vec<PlanYear>
}

list_paging!(ListPlanYears, PlanYear);

impl ListPlanYears {
    /// Only plan years of this employer.
    pub fn employer_id(mut self, employer_id: &EmployerId) -> Self {
        self.employer_id = Some(employer_id.clone());
        self
    }

    /// Sends the request; returns one page with status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<Vec<PlanYear>>> {
        let op = &Self::OPERATION;
        validate::page(op, self.page)?;
        validate::limit(op, self.limit)?;
        let call = self.client.call(op, self.options)?;
        let mut request =
            call.api.benefit_products_plan_years_list().benefit_product_id(self.benefit_product_id);
        apply_optional!(request, self, employer_id, status, page, limit);
        let result = request.send().await;
        call.finish(result).await
    }
}
