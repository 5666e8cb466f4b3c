//! Enrollments: an employee's benefit enrollment for one plan year.

use super::{by_id_operation, operation_builder};
use crate::client::Client;
use crate::ids::{EnrollmentId, QleId};
use crate::operations as ops;
use crate::request::ApiResponse;
use crate::types::{Enrollment, EnrollmentPlan};
use crate::{Result, validate};
use vitable_connect_api::types as api;

/// Limit of [`Reissue::reason`].
pub const REASON_MAX_CHARS: usize = 500;

/// Operations on enrollments. Get it with [`Client::enrollments`].
#[derive(Debug, Clone)]
pub struct Enrollments {
    pub(crate) client: Client,
}

impl Enrollments {
    /// Gets an enrollment.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// let enrollment = client.enrollments().retrieve(&"enrl_8fK2x9".parse()?).send().await?;
    /// println!("{:?} {:?}", enrollment.status, enrollment.selected_plan_name);
    /// # Ok(()) }
    /// ```
    pub fn retrieve(&self, enrollment_id: &EnrollmentId) -> RetrieveEnrollment {
        RetrieveEnrollment::new(self.client.clone(), enrollment_id.clone())
    }

    /// Lists the plans that can be chosen for an enrollment, with their monthly cost per
    /// coverage tier.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// for plan in client.enrollments().list_plans(&"enrl_8fK2x9".parse()?).send().await? {
    ///     println!("{}: {} tiers", plan.name, plan.costs.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_plans(&self, enrollment_id: &EnrollmentId) -> ListEnrollmentPlans {
        ListEnrollmentPlans::new(self.client.clone(), enrollment_id.clone())
    }

    /// Reissues an enrollment after a qualifying life event, so the employee can elect again
    /// outside open enrollment. The enrollment goes back to `pending`.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// let enrollment = client
    ///     .enrollments()
    ///     .reissue(&"enrl_8fK2x9".parse()?, &"qle_3Jd82k".parse()?)
    ///     .reason("New child")
    ///     .send()
    ///     .await?;
    /// assert_eq!(enrollment.status, vitable_connect::EnrollmentStatus::Pending);
    /// # Ok(()) }
    /// ```
    pub fn reissue(&self, enrollment_id: &EnrollmentId, qle_id: &QleId) -> Reissue {
        Reissue::new(self.client.clone(), enrollment_id.clone(), qle_id.clone())
    }
}

by_id_operation! {
    /// Request of [`Enrollments::retrieve`].
    RetrieveEnrollment => ops::ENROLLMENTS_RETRIEVE, enrollments_retrieve(enrollment_id: EnrollmentId) -> Enrollment
}

by_id_operation! {
    /// Request of [`Enrollments::list_plans`].
    ListEnrollmentPlans => ops::ENROLLMENTS_LIST_PLANS,
        enrollments_list_plans(enrollment_id: EnrollmentId) -> Vec<EnrollmentPlan>
}

operation_builder! {
    /// Request of [`Enrollments::reissue`].
    Reissue => ops::ENROLLMENTS_REISSUE {
        enrollment_id: EnrollmentId = enrollment_id,
        qle_id: QleId = qle_id,
    }
    optional {
        /// Why the enrollment is reissued (at most 500 characters).
        reason: String [into],
    }
    new(enrollment_id: EnrollmentId, qle_id: QleId) -> Enrollment
}

impl Reissue {
    /// Sends the request; returns the reissued enrollment with status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<Enrollment>> {
        let op = &Self::OPERATION;
        let reason = match self.reason {
            Some(reason) => {
                validate::max_chars(op, "reason", &reason, REASON_MAX_CHARS)?;
                Some(validate::convert(op, "reason", reason)?)
            }
            None => None,
        };
        let body = api::EnrollmentReissueRequest { qle_id: self.qle_id, reason };
        let call = self.client.call(op, self.options)?;
        let result = call.api.enrollments_reissue().enrollment_id(self.enrollment_id).body(body).send().await;
        call.finish(result).await
    }
}
