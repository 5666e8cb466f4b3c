//! Qualifying life events by ID. Record and list them through
//! [`Members::qualifying_life_events`](crate::resources::members::Members::qualifying_life_events).

use crate::builders::*;
use crate::client::Client;
use crate::ids::QleId;

/// Operations on qualifying life events. Get it with [`Client::qualifying_life_events`].
#[derive(Debug, Clone)]
pub struct QualifyingLifeEvents {
    pub(crate) client: Client,
}

impl QualifyingLifeEvents {
    /// Gets a qualifying life event, e.g. to see whether it was approved.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// let qle = client.qualifying_life_events().retrieve(&"qle_3Jd82k".parse()?).send().await?;
    /// println!("{} is {}", qle.event_type, qle.status);
    /// # Ok(()) }
    /// ```
    pub fn retrieve(&self, qle_id: &QleId) -> QualifyingLifeEventsRetrieveBuilder {
        QualifyingLifeEventsRetrieveBuilder::new(self.client.clone(), qle_id)
    }
}
