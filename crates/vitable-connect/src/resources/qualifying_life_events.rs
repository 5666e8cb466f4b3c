//! Qualifying life events by ID. Record and list them through
//! [`Members::qualifying_life_events`](crate::resources::members::Members::qualifying_life_events).

use super::by_id_operation;
use crate::client::Client;
use crate::ids::QleId;
use crate::operations as ops;
use crate::types::QualifyingLifeEvent;

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
    pub fn retrieve(&self, qle_id: &QleId) -> RetrieveQualifyingLifeEvent {
        RetrieveQualifyingLifeEvent::new(self.client.clone(), qle_id.clone())
    }
}

by_id_operation! {
    /// Request of [`QualifyingLifeEvents::retrieve`].
    RetrieveQualifyingLifeEvent => ops::QUALIFYING_LIFE_EVENTS_RETRIEVE,
        qualifying_life_events_retrieve(qle_id: QleId) -> QualifyingLifeEvent
}
