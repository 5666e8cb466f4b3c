//! Benefit eligibility policies by ID. Create them through
//! [`Employers::create_eligibility_policy`](crate::resources::employers::Employers::create_eligibility_policy).

use crate::builders::*;
use crate::client::Client;
use crate::ids::EligibilityPolicyId;

/// Operations on eligibility policies. Get it with [`Client::benefit_eligibility_policy`].
#[derive(Debug, Clone)]
pub struct BenefitEligibilityPolicies {
    pub(crate) client: Client,
}

impl BenefitEligibilityPolicies {
    /// Gets an eligibility policy with its rules.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// let policy = client.benefit_eligibility_policy().retrieve(&"epol_1Bz5Nf".parse()?).send().await?;
    /// for rule in &policy.rules {
    ///     println!("{} {} {}", rule.rule_type, rule.operator, rule.value);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn retrieve(&self, policy_id: &EligibilityPolicyId) -> BenefitEligibilityPolicyRetrieveBuilder {
        BenefitEligibilityPolicyRetrieveBuilder::new(self.client.clone(), policy_id)
    }
}
