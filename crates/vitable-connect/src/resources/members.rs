//! Members (the person behind an employee record): their dependents and qualifying life
//! events.

use chrono::NaiveDate;

use crate::builders::*;
use crate::client::Client;
use crate::ids::MemberId;
use crate::types::{EventType, Relationship, Sex};

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
    ) -> MembersDependentsCreateBuilder {
        MembersDependentsCreateBuilder::new(
            self.client.clone(),
            member_id,
            first_name,
            last_name,
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
    pub fn list(&self, member_id: &MemberId) -> MembersDependentsListBuilder {
        MembersDependentsListBuilder::new(self.client.clone(), member_id)
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
    ) -> MembersQualifyingLifeEventsRecordBuilder {
        MembersQualifyingLifeEventsRecordBuilder::new(self.client.clone(), member_id, event_type, event_date)
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
    pub fn list(&self, member_id: &MemberId) -> MembersQualifyingLifeEventsListBuilder {
        MembersQualifyingLifeEventsListBuilder::new(self.client.clone(), member_id)
    }
}
