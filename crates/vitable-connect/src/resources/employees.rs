//! Employees by ID: retrieve, update, terminate, and their enrollments. Create and list
//! them through [`Employers::employees`](crate::resources::employers::Employers::employees).

use chrono::NaiveDate;
use vitable_connect_api::types as api;

use super::{apply_optional, by_id_operation, list_paging, operation_builder};
use crate::client::Client;
use crate::ids::EmployeeId;
use crate::input::{AddressInput, Election};
use crate::operations as ops;
use crate::request::ApiResponse;
use crate::types::{Employee, EmployeeClass, Enrollment, EnrollmentStatus};
use crate::{Result, validate};

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
    pub fn retrieve(&self, employee_id: &EmployeeId) -> RetrieveEmployee {
        RetrieveEmployee::new(self.client.clone(), employee_id.clone())
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
    pub fn update(&self, employee_id: &EmployeeId) -> UpdateEmployee {
        UpdateEmployee::new(self.client.clone(), employee_id.clone())
    }

    /// Terminates an employee today. Terminating twice is harmless.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// client.employees().terminate(&"empl_5Nq1Zt".parse()?).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn terminate(&self, employee_id: &EmployeeId) -> TerminateEmployee {
        TerminateEmployee::new(self.client.clone(), employee_id.clone())
    }

    /// An employee's enrollments: list and submit elections.
    pub fn enrollments(&self) -> EmployeeEnrollments {
        EmployeeEnrollments { client: self.client.clone() }
    }
}

by_id_operation! {
    /// Request of [`Employees::retrieve`].
    RetrieveEmployee => ops::EMPLOYEES_RETRIEVE, employees_retrieve(employee_id: EmployeeId) -> Employee
}

operation_builder! {
    /// Request of [`Employees::update`].
    UpdateEmployee => ops::EMPLOYEES_UPDATE {
        employee_id: EmployeeId = employee_id,
    }
    optional {
        /// Work email address.
        email: String [into],
        /// Phone number.
        phone: String [into],
        /// Gender identity, free text.
        gender: String [into],
        /// Employment class.
        employee_class: EmployeeClass,
        /// Terminates the employee on this date.
        termination_date: NaiveDate,
        /// Home address.
        address: AddressInput,
    }
    new(employee_id: EmployeeId) -> Employee
}

impl UpdateEmployee {
    /// Sends the request; returns the updated employee with status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<Employee>> {
        let op = &Self::OPERATION;
        if let Some(email) = &self.email {
            validate::email(op, "email", email)?;
        }
        let body = api::EmployeeUpdateRequest {
            email: self.email,
            phone: self.phone,
            gender: self.gender,
            employee_class: self.employee_class,
            termination_date: self.termination_date,
            address: self.address.as_ref().map(|a| a.to_api(op)).transpose()?,
        };
        let call = self.client.call(op, self.options)?;
        let result = call.api.employees_update().employee_id(self.employee_id).body(body).send().await;
        call.finish(result).await
    }
}

operation_builder! {
    /// Request of [`Employees::terminate`].
    TerminateEmployee => ops::EMPLOYEES_TERMINATE { employee_id: EmployeeId = employee_id }
    new(employee_id: EmployeeId) -> ()
}

impl TerminateEmployee {
    /// Sends the request; returns the (empty) response's status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<()>> {
        let call = self.client.call(&Self::OPERATION, self.options)?;
        let result = call.api.employees_terminate().employee_id(self.employee_id).send().await;
        call.finish(result).await
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
    pub fn list(&self, employee_id: &EmployeeId) -> ListEmployeeEnrollments {
        ListEmployeeEnrollments::new(self.client.clone(), employee_id.clone())
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
    ) -> SubmitElections {
        SubmitElections::new(self.client.clone(), employee_id.clone(), elections.into_iter().collect())
    }
}

operation_builder! {
    /// Request of [`EmployeeEnrollments::list`].
    ListEmployeeEnrollments => ops::EMPLOYEES_ENROLLMENTS_LIST {
        employee_id: EmployeeId = employee_id,
        page: Option<u64> = None,
        limit: Option<u64> = None,
    }
    optional {
        /// Only enrollments whose coverage starts in this year.
        coverage_effective_start_year: i32,
        /// Only enrollments of this plan year (by year).
        plan_year: i32,
        /// Only enrollments in this status.
        status: EnrollmentStatus,
    }
    new(employee_id: EmployeeId) -> Vec<Enrollment>
}

list_paging!(ListEmployeeEnrollments, Enrollment);

impl ListEmployeeEnrollments {
    /// Sends the request; returns one page with status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<Vec<Enrollment>>> {
        let op = &Self::OPERATION;
        validate::page(op, self.page)?;
        validate::limit(op, self.limit)?;
        let call = self.client.call(op, self.options)?;
        let mut request = call.api.employees_enrollments_list().employee_id(self.employee_id);
        apply_optional!(request, self, coverage_effective_start_year, plan_year, status, page, limit);
        let result = request.send().await;
        call.finish(result).await
    }
}

operation_builder! {
    /// Request of [`EmployeeEnrollments::submit_elections`].
    SubmitElections => ops::EMPLOYEES_ENROLLMENTS_SUBMIT_ELECTIONS {
        employee_id: EmployeeId = employee_id,
        elections: Vec<Election> = elections,
    }
    new(employee_id: EmployeeId, elections: Vec<Election>) -> Vec<Enrollment>
}

impl SubmitElections {
    /// Sends the request; returns the updated enrollments with status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<Vec<Enrollment>>> {
        let body = api::EnrollmentSubmitElectionsRequest {
            elections: self.elections.iter().map(Election::to_api).collect(),
        };
        let call = self.client.call(&Self::OPERATION, self.options)?;
        let result = call
            .api
            .employees_enrollments_submit_elections()
            .employee_id(self.employee_id)
            .body(body)
            .send()
            .await;
        call.finish(result).await
    }
}
