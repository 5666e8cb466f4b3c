//! Employers: create, list, retrieve, update; their employees and eligibility policies.

use chrono::NaiveDate;

use crate::Ssn;
use crate::builders::*;
use crate::client::Client;
use crate::ids::EmployerId;
use crate::input::{AddressInput, RuleInput};
use crate::types::Sex;

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
    ) -> EmployersCreateBuilder {
        EmployersCreateBuilder::new(self.client.clone(), name, legal_name, ein, address)
    }

    /// Lists employers, one page at a time or as a stream.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// use futures::TryStreamExt;
    /// let active: Vec<_> = client.employers().list().active_in(true).stream().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> EmployersListBuilder {
        EmployersListBuilder::new(self.client.clone())
    }

    /// Gets an employer.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// let employer = client.employers().retrieve(&"empr_7Hc3Vb".parse()?).send().await?;
    /// println!("{} ({})", employer.name, employer.legal_name);
    /// # Ok(()) }
    /// ```
    pub fn retrieve(&self, employer_id: &EmployerId) -> EmployersRetrieveBuilder {
        EmployersRetrieveBuilder::new(self.client.clone(), employer_id)
    }

    /// Updates an employer. Only the fields you set are changed; the EIN cannot be changed.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// let employer = client.employers().update(&"empr_7Hc3Vb".parse()?).name("Acme Bakeries").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, employer_id: &EmployerId) -> EmployersUpdateBuilder {
        EmployersUpdateBuilder::new(self.client.clone(), employer_id)
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
    ) -> EmployersCreateEligibilityPolicyBuilder {
        EmployersCreateEligibilityPolicyBuilder::new(
            self.client.clone(),
            employer_id,
            name,
            effective_date,
            rules,
        )
    }

    /// An employer's employees: create and list.
    pub fn employees(&self) -> EmployerEmployees {
        EmployerEmployees { client: self.client.clone() }
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
    ) -> EmployersEmployeesCreateBuilder {
        EmployersEmployeesCreateBuilder::new(
            self.client.clone(),
            employer_id,
            first_name,
            last_name,
            date_of_birth,
            sex,
            ssn,
            email,
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
    pub fn list(&self, employer_id: &EmployerId) -> EmployersEmployeesListBuilder {
        EmployersEmployeesListBuilder::new(self.client.clone(), employer_id)
    }
}
