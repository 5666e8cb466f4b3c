//! Employees by ID: retrieve, update, terminate, and their enrollments. Create and list
//! them through [`Employers::employees`](crate::resources::employers::Employers::employees).

use crate::builders::*;
use crate::client::Client;
use crate::ids::EmployeeId;
use crate::input::Election;

/// Operations on employees. Get it with [`Client::employees`].
#[derive(Debug, Clone)]
pub struct Employees {
    pub(crate) client: Client,
}

impl Employees {
    /// Gets an employee with their member record.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// let employee = client.employees().retrieve(&"empl_5Nq1Zt".parse()?).send().await?;
    /// println!("{} {}", employee.member.first_name, employee.member.last_name);
    /// # Ok(()) }
    /// ```
    pub fn retrieve(&self, employee_id: &EmployeeId) -> EmployeesRetrieveBuilder {
        EmployeesRetrieveBuilder::new(self.client.clone(), employee_id)
    }

    /// Updates an employee. Only the fields you set are changed; SSN, names, birth date and
    /// sex cannot be changed.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// use vitable_connect::EmployeeClass;
    /// let employee = client
    ///     .employees()
    ///     .update(&"empl_5Nq1Zt".parse()?)
    ///     .employee_class(EmployeeClass::PartTime)
    ///     .phone("+1 415 555 0100")
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, employee_id: &EmployeeId) -> EmployeesUpdateBuilder {
        EmployeesUpdateBuilder::new(self.client.clone(), employee_id)
    }

    /// Terminates an employee today. Terminating twice is harmless.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// client.employees().terminate(&"empl_5Nq1Zt".parse()?).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn terminate(&self, employee_id: &EmployeeId) -> EmployeesTerminateBuilder {
        EmployeesTerminateBuilder::new(self.client.clone(), employee_id)
    }

    /// An employee's enrollments: list and submit elections.
    pub fn enrollments(&self) -> EmployeeEnrollments {
        EmployeeEnrollments { client: self.client.clone() }
    }
}

/// An employee's enrollments. Get it with [`Employees::enrollments`].
#[derive(Debug, Clone)]
pub struct EmployeeEnrollments {
    client: Client,
}

impl EmployeeEnrollments {
    /// Lists an employee's enrollments, one page at a time or as a stream.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// use vitable_connect::EnrollmentStatus;
    /// let pending = client
    ///     .employees()
    ///     .enrollments()
    ///     .list(&"empl_5Nq1Zt".parse()?)
    ///     .status(EnrollmentStatus::Pending)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self, employee_id: &EmployeeId) -> EmployeesEnrollmentsListBuilder {
        EmployeesEnrollmentsListBuilder::new(self.client.clone(), employee_id)
    }

    /// Submits the employee's decisions for pending enrollments: enroll in a plan (with
    /// dependents) or waive. Returns the updated enrollments.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// use vitable_connect::{CoverageTier, Election};
    /// let election = Election::enroll("enrl_8fK2x9".parse()?, "plan_9Ls3Ge".parse()?, CoverageTier::Ec)
    ///     .dependents(["dpnd_4Rt6Yx".parse()?]);
    /// let enrollments = client
    ///     .employees()
    ///     .enrollments()
    ///     .submit_elections(&"empl_5Nq1Zt".parse()?, [election])
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn submit_elections(
        &self,
        employee_id: &EmployeeId,
        elections: impl IntoIterator<Item = Election>,
    ) -> EmployeesEnrollmentsSubmitElectionsBuilder {
        EmployeesEnrollmentsSubmitElectionsBuilder::new(self.client.clone(), employee_id, elections)
    }
}
