//! Dependents by ID: retrieve and update. Add and list them through
//! [`Members::dependents`](crate::resources::members::Members::dependents).

use crate::builders::*;
use crate::client::Client;
use crate::ids::DependentId;

/// Operations on dependents. Get it with [`Client::dependents`].
#[derive(Debug, Clone)]
pub struct Dependents {
    pub(crate) client: Client,
}

impl Dependents {
    /// Gets a dependent.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// let dependent = client.dependents().retrieve(&"dpnd_4Rt6Yx".parse()?).send().await?;
    /// println!("{} {}", dependent.first_name, dependent.last_name);
    /// # Ok(()) }
    /// ```
    pub fn retrieve(&self, dependent_id: &DependentId) -> DependentsRetrieveBuilder {
        DependentsRetrieveBuilder::new(self.client.clone(), dependent_id)
    }

    /// Updates a dependent. Only the fields you set are changed; names, birth date and sex
    /// cannot be changed.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// let dependent = client.dependents().update(&"dpnd_4Rt6Yx".parse()?).active(false).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, dependent_id: &DependentId) -> DependentsUpdateBuilder {
        DependentsUpdateBuilder::new(self.client.clone(), dependent_id)
    }
}
