//! Dependents: `members_dependents_create`, `members_dependents_list`, `dependents_retrieve`,
//! `dependents_update`.

use vitable_connect_api::ids::{DependentId, MemberId};
use vitable_connect_api::types::{Dependent, DependentCreateRequest, DependentUpdateRequest};

use super::{Call, Reply};
use crate::error::{ApiError, build};
use crate::state::{DependentRecord, State, find, find_mut, sort_by_creation, ssn_digits};

/// `POST /v1/members/{member_id}/dependents`: `ssn_last_four` is returned when an SSN was given.
pub(crate) fn create(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let member_id = state.member_employee(call.param("member_id"))?.employee.member.id.clone();
    let request: DependentCreateRequest = call.json()?;
    Reply::created(&insert(state, &member_id, request)?)
}

/// Stores a new active dependent of `member_id`. Refuses a second active dependent of the same
/// member with the same SSN.
pub(crate) fn insert(
    state: &mut State,
    member_id: &MemberId,
    request: DependentCreateRequest,
) -> Result<Dependent, ApiError> {
    if let Some(ssn) = &request.ssn {
        let digits = ssn_digits(ssn);
        let duplicate = state.dependents.values().any(|r| {
            r.dependent.member_id == *member_id
                && r.dependent.active
                && r.ssn.as_ref().is_some_and(|other| ssn_digits(other) == digits)
        });
        if duplicate {
            return Err(ApiError::conflict(
                "duplicate_dependent",
                "An active dependent of this member already has this SSN.",
            ));
        }
    }
    let now = state.now();
    let id: DependentId = state.ids.next(DependentId::PREFIX);
    let dependent: Dependent = build(
        Dependent::builder()
            .id(id.clone())
            .member_id(member_id.clone())
            .first_name(String::from(request.first_name))
            .last_name(String::from(request.last_name))
            .suffix(request.suffix)
            .date_of_birth(request.date_of_birth)
            .sex(request.sex)
            .gender(request.gender)
            .relationship(request.relationship)
            .ssn_last_four(request.ssn.as_ref().map(|ssn| ssn.last_four().to_owned()))
            .active(true)
            .created_at(now)
            .updated_at(now),
    )?;
    state.dependents.insert(id, DependentRecord { dependent: dependent.clone(), ssn: request.ssn });
    Ok(dependent)
}

/// `GET /v1/members/{member_id}/dependents`: filters `active_in` and `relationship`.
pub(crate) fn list(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let member_id = state.member_employee(call.param("member_id"))?.employee.member.id.clone();
    let mut q = call.reader();
    let paging = q.paging();
    let active = q.boolean("active_in");
    let relationship = q.choice("relationship");
    q.finish()?;
    let mut items: Vec<&Dependent> = state
        .dependents
        .values()
        .map(|r| &r.dependent)
        .filter(|d| d.member_id == member_id)
        .filter(|d| active.is_none_or(|a| d.active == a))
        .filter(|d| relationship.as_ref().is_none_or(|r| d.relationship == *r))
        .collect();
    sort_by_creation(&mut items, |d| (d.created_at, d.id.clone()));
    Reply::ok(&paging.apply(items))
}

/// `GET /v1/dependents/{dependent_id}`.
pub(crate) fn retrieve(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    Reply::ok(&find(&state.dependents, call.param("dependent_id"), "dependent")?.dependent)
}

/// `PUT /v1/dependents/{dependent_id}`: a property left out keeps its value, a value replaces it;
/// `null` clears `gender`, and is refused (400) for `active` and `relationship`, which a dependent
/// always has. A refused update changes nothing.
pub(crate) fn update(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let mut dependent = find(&state.dependents, call.param("dependent_id"), "dependent")?.dependent.clone();
    let (request, mut patch) = call.update::<DependentUpdateRequest>()?;
    patch.required(&mut dependent.active, request.active, "active");
    patch.nullable(&mut dependent.gender, request.gender, "gender");
    patch.required(&mut dependent.relationship, request.relationship, "relationship");
    patch.finish()?;
    dependent.updated_at = state.now();
    find_mut(&mut state.dependents, call.param("dependent_id"), "dependent")?.dependent = dependent.clone();
    Reply::ok(&dependent)
}
