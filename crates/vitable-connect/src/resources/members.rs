//! Members (the person behind an employee record): their dependents and qualifying life
//! events.

use chrono::NaiveDate;
use vitable_connect_api::types as api;

use super::{apply_optional, list_paging, operation_builder};
use crate::client::Client;
use crate::ids::MemberId;
use crate::operations as ops;
use crate::request::ApiResponse;
use crate::types::{Dependent, EventType, QualifyingLifeEvent, QualifyingLifeEventStatus, Relationship, Sex};
use crate::{Result, Ssn, validate};

/// Limit of [`RecordQualifyingLifeEvent::notes`].
pub const NOTES_MAX_CHARS: usize = 1000;

/// Operations under members. Get it with [`Client::members`].
#[derive(Debug, Clone)]
pub struct Members {
    pub(crate) client: Client,
}

impl Members {
    /// A member's dependents: add and list.
    pub fn dependents(&self) -> MemberDependents {
        MemberDependents { client: self.client.clone() }
    }

    /// A member's qualifying life events: record and list.
    pub fn qualifying_life_events(&self) -> MemberQualifyingLifeEvents {
        MemberQualifyingLifeEvents { client: self.client.clone() }
    }
}

/// A member's dependents. Get it with [`Members::dependents`].
#[derive(Debug, Clone)]
pub struct MemberDependents {
    client: Client,
}

impl MemberDependents {
    /// Adds a dependent (spouse or child) to a member.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// use vitable_connect::{Relationship, Sex, chrono::NaiveDate};
    /// let born = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    /// let baby = client
    ///     .members()
    ///     .dependents()
    ///     .create(&"mbr_Q2w7Lp".parse()?, "Ava", "Rivera", born, Sex::Female, Relationship::Child)
    ///     .send()
    ///     .await?;
    /// println!("added {}", baby.id);
    /// # Ok(()) }
    /// ```
    pub fn create(
        &self,
        member_id: &MemberId,
        first_name: impl Into<String>,
        last_name: impl Into<String>,
        date_of_birth: NaiveDate,
        sex: Sex,
        relationship: Relationship,
    ) -> CreateDependent {
        CreateDependent::new(
            self.client.clone(),
            member_id.clone(),
            first_name.into(),
            last_name.into(),
            date_of_birth,
            sex,
            relationship,
        )
    }

    /// Lists a member's dependents, one page at a time or as a stream.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// use vitable_connect::Relationship;
    /// let children = client
    ///     .members()
    ///     .dependents()
    ///     .list(&"mbr_Q2w7Lp".parse()?)
    ///     .relationship(Relationship::Child)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self, member_id: &MemberId) -> ListMemberDependents {
        ListMemberDependents::new(self.client.clone(), member_id.clone())
    }
}

operation_builder! {
    /// Request of [`MemberDependents::create`].
    CreateDependent => ops::MEMBERS_DEPENDENTS_CREATE {
        member_id: MemberId = member_id,
        first_name: String = first_name,
        last_name: String = last_name,
        date_of_birth: NaiveDate = date_of_birth,
        sex: Sex = sex,
        relationship: Relationship = relationship,
    }
    optional {
        /// Name suffix, e.g. `Jr.`.
        suffix: String [into],
        /// Gender identity, free text.
        gender: String [into],
        /// The dependent's SSN (optional). Only the last four digits are ever returned.
        ssn: Ssn,
    }
    new(member_id: MemberId, first_name: String, last_name: String, date_of_birth: NaiveDate, sex: Sex,
        relationship: Relationship) -> Dependent
}

impl CreateDependent {
    /// Sends the request; returns the new dependent with status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<Dependent>> {
        let op = &Self::OPERATION;
        validate::non_empty(op, "first_name", &self.first_name)?;
        validate::non_empty(op, "last_name", &self.last_name)?;
        let body = api::DependentCreateRequest {
            first_name: validate::convert(op, "first_name", self.first_name)?,
            last_name: validate::convert(op, "last_name", self.last_name)?,
            suffix: self.suffix,
            date_of_birth: self.date_of_birth,
            sex: self.sex,
            gender: self.gender,
            relationship: self.relationship,
            ssn: self.ssn,
        };
        let call = self.client.call(op, self.options)?;
        let result = call.api.members_dependents_create().member_id(self.member_id).body(body).send().await;
        call.finish(result).await
    }
}

operation_builder! {
    /// Request of [`MemberDependents::list`].
    ListMemberDependents => ops::MEMBERS_DEPENDENTS_LIST {
        member_id: MemberId = member_id,
        page: Option<u64> = None,
        limit: Option<u64> = None,
    }
    optional {
        /// Only active (`true`) or inactive (`false`) dependents.
        active_in: bool,
        /// Only spouses or only children.
        relationship: Relationship,
    }
    new(member_id: MemberId) -> Vec<Dependent>
}

list_paging!(ListMemberDependents, Dependent);

impl ListMemberDependents {
    /// Sends the request; returns one page with status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<Vec<Dependent>>> {
        let op = &Self::OPERATION;
        validate::page(op, self.page)?;
        validate::limit(op, self.limit)?;
        let call = self.client.call(op, self.options)?;
        let mut request = call.api.members_dependents_list().member_id(self.member_id);
        apply_optional!(request, self, active_in, relationship, page, limit);
        let result = request.send().await;
        call.finish(result).await
    }
}

/// A member's qualifying life events. Get it with [`Members::qualifying_life_events`].
#[derive(Debug, Clone)]
pub struct MemberQualifyingLifeEvents {
    client: Client,
}

impl MemberQualifyingLifeEvents {
    /// Records a qualifying life event (birth, marriage, loss of coverage, ...), which opens
    /// a special enrollment window.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// use vitable_connect::{EventType, chrono::NaiveDate};
    /// let qle = client
    ///     .members()
    ///     .qualifying_life_events()
    ///     .record(&"mbr_Q2w7Lp".parse()?, EventType::Birth, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap())
    ///     .notes("Daughter born at St. Mary's")
    ///     .send()
    ///     .await?;
    /// println!("window closes {}", qle.enrollment_window_end);
    /// # Ok(()) }
    /// ```
    pub fn record(
        &self,
        member_id: &MemberId,
        event_type: EventType,
        event_date: NaiveDate,
    ) -> RecordQualifyingLifeEvent {
        RecordQualifyingLifeEvent::new(self.client.clone(), member_id.clone(), event_type, event_date)
    }

    /// Lists a member's qualifying life events, one page at a time or as a stream.
    ///
    /// ```no_run
    /// # async fn run(client: vitable_connect::Client) -> vitable_connect::Result<()> {
    /// use vitable_connect::QualifyingLifeEventStatus;
    /// let pending = client
    ///     .members()
    ///     .qualifying_life_events()
    ///     .list(&"mbr_Q2w7Lp".parse()?)
    ///     .status(QualifyingLifeEventStatus::Pending)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self, member_id: &MemberId) -> ListQualifyingLifeEvents {
        ListQualifyingLifeEvents::new(self.client.clone(), member_id.clone())
    }
}

operation_builder! {
    /// Request of [`MemberQualifyingLifeEvents::record`].
    RecordQualifyingLifeEvent => ops::MEMBERS_QUALIFYING_LIFE_EVENTS_RECORD {
        member_id: MemberId = member_id,
        event_type: EventType = event_type,
        event_date: NaiveDate = event_date,
    }
    optional {
        /// Notes about the event (at most 1000 characters).
        notes: String [into],
    }
    new(member_id: MemberId, event_type: EventType, event_date: NaiveDate) -> QualifyingLifeEvent
}

impl RecordQualifyingLifeEvent {
    /// Sends the request; returns the recorded event with status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<QualifyingLifeEvent>> {
        let op = &Self::OPERATION;
        let notes = match self.notes {
            Some(notes) => {
                validate::max_chars(op, "notes", &notes, NOTES_MAX_CHARS)?;
                Some(validate::convert(op, "notes", notes)?)
            }
            None => None,
        };
        let body = api::QualifyingLifeEventRecordRequest {
            event_type: self.event_type,
            event_date: self.event_date,
            notes,
        };
        let call = self.client.call(op, self.options)?;
        let result = call
            .api
            .members_qualifying_life_events_record()
            .member_id(self.member_id)
            .body(body)
            .send()
            .await;
        call.finish(result).await
    }
}

operation_builder! {
    /// Request of [`MemberQualifyingLifeEvents::list`].
    ListQualifyingLifeEvents => ops::MEMBERS_QUALIFYING_LIFE_EVENTS_LIST {
        member_id: MemberId = member_id,
        page: Option<u64> = None,
        limit: Option<u64> = None,
    }
    optional {
        /// Only events of this type.
        event_type: EventType,
        /// Only events in this review status.
        status: QualifyingLifeEventStatus,
    }
    new(member_id: MemberId) -> Vec<QualifyingLifeEvent>
}

list_paging!(ListQualifyingLifeEvents, QualifyingLifeEvent);

impl ListQualifyingLifeEvents {
    /// Sends the request; returns one page with status and headers.
    pub async fn send_with_response(self) -> Result<ApiResponse<Vec<QualifyingLifeEvent>>> {
        let op = &Self::OPERATION;
        validate::page(op, self.page)?;
        validate::limit(op, self.limit)?;
        let call = self.client.call(op, self.options)?;
        let mut request = call.api.members_qualifying_life_events_list().member_id(self.member_id);
        apply_optional!(request, self, event_type, status, page, limit);
        let result = request.send().await;
        call.finish(result).await
    }
}
