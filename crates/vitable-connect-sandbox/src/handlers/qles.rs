//! Qualifying life events: `members_qualifying_life_events_list`,
//! `members_qualifying_life_events_record`, `qualifying_life_events_retrieve`, and the review
//! hook behind [`Sandbox::set_qle_status`](crate::Sandbox::set_qle_status).

use chrono::{Days, NaiveDate};
use vitable_connect_api::ids::QleId;
use vitable_connect_api::types::{
    EventType, QualifyingLifeEvent, QualifyingLifeEventRecordRequest, QualifyingLifeEventStatus,
};

use super::{Call, Reply};
use crate::error::{ApiError, build, not_a_choice};
use crate::state::{State, find, sort_by_creation};

/// Who reviews events in the sandbox (`reviewed_by`).
pub(crate) const REVIEWER: &str = "usr_sandbox_reviewer";

/// Days the special enrollment window stays open after the event: 60 for births and adoptions,
/// 30 for every other event type of the spec. A value the spec doesn't list never gets here
/// (the body check refuses it), and is refused rather than given a window.
pub(crate) fn window_days(event_type: &EventType) -> Result<u64, ApiError> {
    match event_type {
        EventType::Birth | EventType::Adoption => Ok(60),
        EventType::Unrecognized(value) => {
            Err(ApiError::field("event_type", not_a_choice(value.as_str(), EventType::KNOWN)))
        }
        _ => Ok(30),
    }
}

/// `GET /v1/members/{member_id}/qualifying-life-events`: filters `event_type` and `status`.
pub(crate) fn list(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let member_id = state.member_employee(call.param("member_id"))?.employee.member.id.clone();
    let mut q = call.reader();
    let paging = q.paging();
    let event_type = q.choice::<EventType>("event_type");
    let status = q.choice::<QualifyingLifeEventStatus>("status");
    q.finish()?;
    let mut items: Vec<&QualifyingLifeEvent> = state
        .qles
        .values()
        .filter(|e| e.member_id == member_id)
        .filter(|e| event_type.as_ref().is_none_or(|t| e.event_type == t.as_str()))
        .filter(|e| status.as_ref().is_none_or(|s| e.status == *s))
        .collect();
    sort_by_creation(&mut items, |e| (e.created_at, e.id.clone()));
    Reply::ok(&paging.apply(items))
}

/// `POST /v1/members/{member_id}/qualifying-life-events`: `pending`, with a window from the
/// event date to 30 (60 for `Birth` and `Adoption`) days later; the date may not be in the future.
pub(crate) fn record(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let employee = &state.member_employee(call.param("member_id"))?.employee;
    let (member_id, employee_id) = (employee.member.id.clone(), employee.id.clone());
    let request: QualifyingLifeEventRecordRequest = call.json()?;
    let today = state.today();
    if request.event_date > today {
        return Err(ApiError::field(
            "event_date",
            format!("The event date {} is in the future; today is {today}.", request.event_date),
        ));
    }
    let window_end = request
        .event_date
        .checked_add_days(Days::new(window_days(&request.event_type)?))
        .unwrap_or(NaiveDate::MAX);
    let now = state.now();
    let id: QleId = state.ids.next(QleId::PREFIX);
    // Not reviewed yet: no `reviewed_at` or `reviewed_by`.
    let event: QualifyingLifeEvent = build(
        QualifyingLifeEvent::builder()
            .id(id.clone())
            .member_id(member_id)
            .employee_id(employee_id)
            .event_type(request.event_type.as_str())
            .event_date(request.event_date)
            .status(QualifyingLifeEventStatus::Pending)
            .enrollment_window_start(request.event_date)
            .enrollment_window_end(window_end)
            .notes(request.notes.map(String::from))
            .created_at(now)
            .updated_at(now),
    )?;
    state.qles.insert(id, event.clone());
    Reply::created(&event)
}

/// `GET /v1/qualifying-life-events/{qle_id}`.
pub(crate) fn retrieve(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    Reply::ok(find(&state.qles, call.param("qle_id"), "qualifying life event")?)
}

/// Sets an event's review status (`reviewed_at`/`reviewed_by` are set for approved and denied,
/// cleared for pending). Returns the event, or `None` when there is no such event.
pub(crate) fn set_status(
    state: &mut State,
    id: &str,
    status: QualifyingLifeEventStatus,
) -> Option<QualifyingLifeEvent> {
    state.qles.get(id)?;
    let now = state.now();
    let event = state.qles.get_mut(id)?;
    let reviewed = status != QualifyingLifeEventStatus::Pending;
    event.status = status;
    event.reviewed_at = reviewed.then_some(now);
    event.reviewed_by = reviewed.then(|| REVIEWER.to_owned());
    event.updated_at = now;
    Some(event.clone())
}
