//! Enrollments: an employee's benefit enrollment for one plan year.

use crate::builders::*;
use crate::client::Client;
use crate::ids::{EnrollmentId, QleId};

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
    pub fn retrieve(&self, enrollment_id: &EnrollmentId) -> EnrollmentsRetrieveBuilder {
        EnrollmentsRetrieveBuilder::new(self.client.clone(), enrollment_id)
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
    pub fn list_plans(&self, enrollment_id: &EnrollmentId) -> EnrollmentsListPlansBuilder {
        EnrollmentsListPlansBuilder::new(self.client.clone(), enrollment_id)
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
    pub fn reissue(&self, enrollment_id: &EnrollmentId, qle_id: &QleId) -> EnrollmentsReissueBuilder {
        EnrollmentsReissueBuilder::new(self.client.clone(), enrollment_id, qle_id)
    }
}
