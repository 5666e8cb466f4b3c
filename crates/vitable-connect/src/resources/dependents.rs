//! Dependents by ID: retrieve and update. Add and list them through
//! [`Members::dependents`](crate::resources::members::Members::dependents).

use vitable_connect_api::types as api;

use super::{by_id_operation, operation_builder};
use crate::Result;
use crate::client::Client;
use crate::ids::DependentId;
use crate::operations as ops;
use crate::request::ApiResponse;
use crate::types::{Dependent, Relationship};

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
    pub fn retrieve(&self, dependent_id: &DependentId) -> RetrieveDependent {
        RetrieveDependent::new(self.client.clone(), dependent_id.clone())
    }

    /// Updates a dependent. Only the fields you set are changed; names, birth date and sex
    /// cannot be changed.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// let dependent = client.dependents().update(&"dpnd_4Rt6Yx".parse()?).active(false).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, dependent_id: &DependentId) -> UpdateDependent {
        UpdateDependent::new(self.client.clone(), dependent_id.clone())
    }
}

by_id_operation! {
    /// Request of [`Dependents::retrieve`].
    RetrieveDependent => ops::DEPENDENTS_RETRIEVE, dependents_retrieve(dependent_id: DependentId) -> Dependent
}

operation_builder! {
    /// Request of [`Dependents::update`].
    UpdateDependent => ops::DEPENDENTS_UPDATE {
        dependent_id: DependentId = dependent_id,
    }
    optional {
        /// Activates or deactivates the dependent.
        active: bool,
        /// Gender identity, free text.
        gender: String [into],
        /// Spouse or child.
        relationship: Relationship,
    }
    new(dependent_id: DependentId) -> Dependent
}

impl UpdateDependent {
    /// Sends the request; returns the updated dependent with status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<Dependent>> {
        let body = api::DependentUpdateRequest {
            active: self.active,
            gender: self.gender,
            relationship: self.relationship,
        };
        let call = self.client.call(&Self::OPERATION, self.options)?;
        let result = call.api.dependents_update().dependent_id(self.dependent_id).body(body).send().await;
        call.finish(result).await
    }
}
