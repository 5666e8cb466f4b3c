//! Employers: `employers_list`, `employers_create`, `employers_retrieve`, `employers_update`.

use vitable_connect_api::ids::{EmployerId, OrganizationId};
use vitable_connect_api::types::{Employer, EmployerCreateRequest, EmployerUpdateRequest};

use super::{Call, Reply, address, contains_ignore_case};
use crate::error::{ApiError, build};
use crate::state::{State, find, sort_by_creation};
use crate::validate::Checks;

/// The organization every employer of the sandbox belongs to.
pub(crate) const ORGANIZATION_ID: &str = "org_sandbox";

/// `GET /v1/employers`: filters `name` (case-insensitive substring) and `active_in`.
pub(crate) fn list(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let mut q = call.reader();
    let paging = q.paging();
    let active = q.boolean("active_in");
    let name = q.text("name");
    q.finish()?;
    let mut items: Vec<&Employer> = state
        .employers
        .values()
        .filter(|e| active.is_none_or(|a| e.active == a))
        .filter(|e| name.as_deref().is_none_or(|n| contains_ignore_case(&e.name, n)))
        .collect();
    sort_by_creation(&mut items, |e| (e.created_at, e.id.clone()));
    Reply::ok(&paging.apply(items))
}

/// `POST /v1/employers`.
pub(crate) fn create(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let request: EmployerCreateRequest = call.json()?;
    let mut checks = Checks::default();
    checks.ein("ein", &request.ein);
    checks.finish()?;
    let employer = insert(state, request)?;
    Reply::created(&employer)
}

/// Stores a new employer (EIN masked, organization fixed) and returns it.
pub(crate) fn insert(state: &mut State, request: EmployerCreateRequest) -> Result<Employer, ApiError> {
    let now = state.now();
    let id: EmployerId = state.ids.next(EmployerId::PREFIX);
    let organization_id = OrganizationId::try_from(ORGANIZATION_ID)
        .map_err(|e| ApiError::internal(format!("bad organization ID: {e}")))?;
    let digits: String = request.ein.chars().filter(char::is_ascii_digit).collect();
    let last_four = digits.get(digits.len().saturating_sub(4)..).unwrap_or("");
    // No eligibility policy until one is created for the employer.
    let employer: Employer = build(
        Employer::builder()
            .id(id.clone())
            .name(String::from(request.name))
            .legal_name(String::from(request.legal_name))
            .organization_id(organization_id)
            .active(true)
            .ein(Some(format!("**-***{last_four}")))
            .address(Some(address(request.address)?))
            .created_at(now)
            .updated_at(now),
    )?;
    state.employers.insert(id, employer.clone());
    Ok(employer)
}

/// `GET /v1/employers/{employer_id}`.
pub(crate) fn retrieve(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    Reply::ok(find(&state.employers, call.param("employer_id"), "employer")?)
}

/// `PUT /v1/employers/{employer_id}`: a property left out keeps its value, a value replaces it;
/// `null` clears `address`, and is refused (400) for `name`, `legal_name` and `active`, which
/// an employer always has. A refused update changes nothing.
pub(crate) fn update(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let mut employer = find(&state.employers, call.param("employer_id"), "employer")?.clone();
    let (request, mut patch) = call.update::<EmployerUpdateRequest>()?;
    patch.required(&mut employer.name, request.name.map(String::from), "name");
    patch.required(&mut employer.legal_name, request.legal_name.map(String::from), "legal_name");
    patch.required(&mut employer.active, request.active, "active");
    patch.nullable(&mut employer.address, request.address.map(address).transpose()?, "address");
    patch.finish()?;
    employer.updated_at = state.now();
    state.employers.insert(employer.id.clone(), employer.clone());
    Reply::ok(&employer)
}
