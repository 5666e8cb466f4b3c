//! Employers: create, list, retrieve, update; their employees and eligibility policies.

use chrono::NaiveDate;
use vitable_connect_api::types as api;

use super::{apply_optional, by_id_operation, list_paging, operation_builder};
use crate::client::Client;
use crate::ids::{EligibilityPolicyId, EmployerId};
use crate::input::{AddressInput, RuleInput};
use crate::operations as ops;
use crate::request::ApiResponse;
use crate::types::{BenefitEligibilityPolicy, Employee, EmployeeClass, Employer, Sex};
use crate::{Result, Ssn, validate};

/// Operations on employers. Get it with [`Client::employers`].
#[derive(Debug, Clone)]
pub struct Employers {
    pub(crate) client: Client,
}

impl Employers {
    /// Creates an employer. `ein` is the Employer Identification Number, `XX-XXXXXXX` or
    /// nine digits.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// use vitable_connect::AddressInput;
    /// let address = AddressInput::new("500 Market St", "San Francisco", "CA", "94105");
    /// let employer = client
    ///     .employers()
    ///     .create("Acme Bakery", "Acme Bakery LLC", "12-3456789", address)
    ///     .send()
    ///     .await?;
    /// println!("created {}", employer.id);
    /// # Ok(()) }
    /// ```
    pub fn create(
        &self,
        name: impl Into<String>,
        legal_name: impl Into<String>,
        ein: impl Into<String>,
        address: AddressInput,
    ) -> CreateEmployer {
        CreateEmployer::new(self.client.clone(), name.into(), legal_name.into(), ein.into(), address)
    }

    /// Lists employers, one page at a time or as a stream.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// use futures::TryStreamExt;
    /// let active: Vec<_> = client.employers().list().active_in(true).stream().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListEmployers {
        ListEmployers::new(self.client.clone())
    }

    /// Gets an employer.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// let employer = client.employers().retrieve(&"empr_7Hc3Vb".parse()?).send().await?;
    /// println!("{} ({})", employer.name, employer.legal_name);
    /// # Ok(()) }
    /// ```
    pub fn retrieve(&self, employer_id: &EmployerId) -> RetrieveEmployer {
        RetrieveEmployer::new(self.client.clone(), employer_id.clone())
    }

    /// Updates an employer. Only the fields you set are changed; the EIN cannot be changed.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// let employer = client.employers().update(&"empr_7Hc3Vb".parse()?).name("Acme Bakeries").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, employer_id: &EmployerId) -> UpdateEmployer {
        UpdateEmployer::new(self.client.clone(), employer_id.clone())
    }

    /// Creates an eligibility policy for an employer, optionally replacing an existing one.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// use vitable_connect::{RuleInput, chrono::NaiveDate};
    /// let policy = client
    ///     .employers()
    ///     .create_eligibility_policy(
    ///         &"empr_7Hc3Vb".parse()?,
    ///         "Full-time after 30 days",
    ///         NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
    ///         [RuleInput::new("hours_per_week", "greater_than", "30")],
    ///     )
    ///     .description("Standard policy")
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn create_eligibility_policy(
        &self,
        employer_id: &EmployerId,
        name: impl Into<String>,
        effective_date: NaiveDate,
        rules: impl IntoIterator<Item = RuleInput>,
    ) -> CreateEligibilityPolicy {
        CreateEligibilityPolicy::new(
            self.client.clone(),
            employer_id.clone(),
            name.into(),
            effective_date,
            rules.into_iter().collect(),
        )
    }

    /// An employer's employees: create and list.
    pub fn employees(&self) -> EmployerEmployees {
        EmployerEmployees { client: self.client.clone() }
    }
}

/// Limits of the EIN, in characters.
const EIN_CHARS: (usize, usize) = (9, 10);

operation_builder! {
    /// Request of [`Employers::create`].
    CreateEmployer => ops::EMPLOYERS_CREATE {
        name: String = name,
        legal_name: String = legal_name,
        ein: String = ein,
        address: AddressInput = address,
    }
    new(name: String, legal_name: String, ein: String, address: AddressInput) -> Employer
}

impl CreateEmployer {
    /// Sends the request; returns the new employer with status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<Employer>> {
        let op = &Self::OPERATION;
        validate::non_empty(op, "name", &self.name)?;
        validate::non_empty(op, "legal_name", &self.legal_name)?;
        validate::chars_between(op, "ein", &self.ein, EIN_CHARS.0, EIN_CHARS.1)?;
        let body = api::EmployerCreateRequest {
            name: validate::convert(op, "name", self.name)?,
            legal_name: validate::convert(op, "legal_name", self.legal_name)?,
            ein: validate::convert(op, "ein", self.ein)?,
            address: self.address.to_api(op)?,
        };
        let call = self.client.call(op, self.options)?;
        let result = call.api.employers_create().body(body).send().await;
        call.finish(result).await
    }
}

operation_builder! {
    /// Request of [`Employers::list`].
    ListEmployers => ops::EMPLOYERS_LIST {
        page: Option<u64> = None,
        limit: Option<u64> = None,
    }
    optional {
        /// Only active (`true`) or inactive (`false`) employers.
        active_in: bool,
        /// Only employers whose name matches.
        name: String [into],
    }
    new() -> Vec<Employer>
}

list_paging!(ListEmployers, Employer);

impl ListEmployers {
    /// Sends the request; returns one page with status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<Vec<Employer>>> {
        let op = &Self::OPERATION;
        validate::page(op, self.page)?;
        validate::limit(op, self.limit)?;
        let call = self.client.call(op, self.options)?;
        let mut request = call.api.employers_list();
        apply_optional!(request, self, active_in, name, page, limit);
        let result = request.send().await;
        call.finish(result).await
    }
}

by_id_operation! {
    /// Request of [`Employers::retrieve`].
    RetrieveEmployer => ops::EMPLOYERS_RETRIEVE, employers_retrieve(employer_id: EmployerId) -> Employer
}

operation_builder! {
    /// Request of [`Employers::update`].
    UpdateEmployer => ops::EMPLOYERS_UPDATE {
        employer_id: EmployerId = employer_id,
    }
    optional {
        /// New display name (not empty).
        name: String [into],
        /// New legal name (not empty).
        legal_name: String [into],
        /// Activates or deactivates the employer.
        active: bool,
        /// New address.
        address: AddressInput,
    }
    new(employer_id: EmployerId) -> Employer
}

impl UpdateEmployer {
    /// Sends the request; returns the updated employer with status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<Employer>> {
        let op = &Self::OPERATION;
        let name = match self.name {
            Some(name) => {
                validate::non_empty(op, "name", &name)?;
                Some(validate::convert(op, "name", name)?)
            }
            None => None,
        };
        let legal_name = match self.legal_name {
            Some(legal_name) => {
                validate::non_empty(op, "legal_name", &legal_name)?;
                Some(validate::convert(op, "legal_name", legal_name)?)
            }
            None => None,
        };
        let body = api::EmployerUpdateRequest {
            name,
            legal_name,
            active: self.active,
            address: self.address.as_ref().map(|a| a.to_api(op)).transpose()?,
        };
        let call = self.client.call(op, self.options)?;
        let result = call.api.employers_update().employer_id(self.employer_id).body(body).send().await;
        call.finish(result).await
    }
}

operation_builder! {
    /// Request of [`Employers::create_eligibility_policy`].
    CreateEligibilityPolicy => ops::EMPLOYERS_CREATE_ELIGIBILITY_POLICY {
        employer_id: EmployerId = employer_id,
        name: String = name,
        effective_date: NaiveDate = effective_date,
        rules: Vec<RuleInput> = rules,
        policy_to_replace_id: Option<EligibilityPolicyId> = None,
    }
    optional {
        /// A description of the policy.
        description: String [into],
    }
    new(employer_id: EmployerId, name: String, effective_date: NaiveDate, rules: Vec<RuleInput>)
        -> BenefitEligibilityPolicy
}

impl CreateEligibilityPolicy {
    /// The policy this one replaces (it is deactivated).
    pub fn replaces(mut self, policy_id: &EligibilityPolicyId) -> Self {
        self.policy_to_replace_id = Some(policy_id.clone());
        self
    }

    /// Sends the request; returns the new policy with status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<BenefitEligibilityPolicy>> {
        let op = &Self::OPERATION;
        validate::non_empty(op, "name", &self.name)?;
        validate::non_empty_list(op, "rules", &self.rules)?;
        let body = api::EligibilityPolicyCreateRequest {
            name: validate::convert(op, "name", self.name)?,
            description: self.description,
            effective_date: self.effective_date,
            rules: self.rules.iter().map(RuleInput::to_api).collect(),
        };
        let call = self.client.call(op, self.options)?;
        let mut request =
            call.api.employers_create_eligibility_policy().employer_id(self.employer_id).body(body);
        apply_optional!(request, self, policy_to_replace_id);
        let result = request.send().await;
        call.finish(result).await
    }
}

/// An employer's employees. Get it with [`Employers::employees`].
#[derive(Debug, Clone)]
pub struct EmployerEmployees {
    client: Client,
}

impl EmployerEmployees {
    /// Creates an employee (and the member record behind them).
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// use vitable_connect::{Sex, Ssn, chrono::NaiveDate};
    /// let ssn: Ssn = "123-45-6789".parse().expect("an SSN");
    /// let employee = client
    ///     .employers()
    ///     .employees()
    ///     .create(
    ///         &"empr_7Hc3Vb".parse()?,
    ///         "Maya",
    ///         "Rivera",
    ///         NaiveDate::from_ymd_opt(1990, 4, 12).unwrap(),
    ///         Sex::Female,
    ///         ssn,
    ///         "maya@acme.example",
    ///         NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
    ///     )
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn create(
        &self,
        employer_id: &EmployerId,
        first_name: impl Into<String>,
        last_name: impl Into<String>,
        date_of_birth: NaiveDate,
        sex: Sex,
        ssn: Ssn,
        email: impl Into<String>,
        start_date: NaiveDate,
    ) -> CreateEmployee {
        CreateEmployee::new(
            self.client.clone(),
            employer_id.clone(),
            first_name.into(),
            last_name.into(),
            date_of_birth,
            sex,
            ssn,
            email.into(),
            start_date,
        )
    }

    /// Lists an employer's employees, one page at a time or as a stream.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// use futures::StreamExt;
    /// let mut employees = client.employers().employees().list(&"empr_7Hc3Vb".parse()?).stream();
    /// while let Some(employee) = employees.next().await {
    ///     println!("{}", employee?.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list(&self, employer_id: &EmployerId) -> ListEmployees {
        ListEmployees::new(self.client.clone(), employer_id.clone())
    }
}

operation_builder! {
    /// Request of [`EmployerEmployees::create`].
    CreateEmployee => ops::EMPLOYERS_EMPLOYEES_CREATE {
        employer_id: EmployerId = employer_id,
        first_name: String = first_name,
        last_name: String = last_name,
        date_of_birth: NaiveDate = date_of_birth,
        sex: Sex = sex,
        ssn: Ssn = ssn,
        email: String = email,
        start_date: NaiveDate = start_date,
    }
    optional {
        /// Name suffix, e.g. `Jr.`.
        suffix: String [into],
        /// Gender identity, free text.
        gender: String [into],
        /// Phone number.
        phone: String [into],
        /// Employment class.
        employee_class: EmployeeClass,
        /// Home address.
        address: AddressInput,
    }
    new(employer_id: EmployerId, first_name: String, last_name: String, date_of_birth: NaiveDate, sex: Sex,
        ssn: Ssn, email: String, start_date: NaiveDate) -> Employee
}

impl CreateEmployee {
    /// Sends the request; returns the new employee with status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<Employee>> {
        let op = &Self::OPERATION;
        validate::non_empty(op, "first_name", &self.first_name)?;
        validate::non_empty(op, "last_name", &self.last_name)?;
        validate::email(op, "email", &self.email)?;
        let body = api::EmployeeCreateRequest {
            first_name: validate::convert(op, "first_name", self.first_name)?,
            last_name: validate::convert(op, "last_name", self.last_name)?,
            suffix: self.suffix,
            date_of_birth: self.date_of_birth,
            sex: self.sex,
            gender: self.gender,
            ssn: self.ssn,
            email: self.email,
            phone: self.phone,
            start_date: self.start_date,
            employee_class: self.employee_class,
            address: self.address.as_ref().map(|a| a.to_api(op)).transpose()?,
        };
        let call = self.client.call(op, self.options)?;
        let result =
            call.api.employers_employees_create().employer_id(self.employer_id).body(body).send().await;
        call.finish(result).await
    }
}

operation_builder! {
    /// Request of [`EmployerEmployees::list`].
    ListEmployees => ops::EMPLOYERS_EMPLOYEES_LIST {
        employer_id: EmployerId = employer_id,
        page: Option<u64> = None,
        limit: Option<u64> = None,
    }
    optional {
        /// Only active (`true`) or inactive (`false`) employees.
        active_in: bool,
        /// Only employees of this class.
        employee_class: EmployeeClass,
    }
    new(employer_id: EmployerId) -> Vec<Employee>
}

list_paging!(ListEmployees, Employee);

impl ListEmployees {
    /// Sends the request; returns one page with status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<Vec<Employee>>> {
        let op = &Self::OPERATION;
        validate::page(op, self.page)?;
        validate::limit(op, self.limit)?;
        let call = self.client.call(op, self.options)?;
        let mut request = call.api.employers_employees_list().employer_id(self.employer_id);
        apply_optional!(request, self, active_in, employee_class, page, limit);
        let result = request.send().await;
        call.finish(result).await
    }
}
