//! Employers: `employers_list`, `employers_create`, `employers_retrieve`, `employers_update`.

use vitable_connect_api::ids::{EmployerId, OrganizationId};
use vitable_connect_api::spec;
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
    let ein = masked_ein(&request.ein)?;
    // No eligibility policy until one is created for the employer.
    let employer: Employer = build(
        Employer::builder()
            .id(id.clone())
            .name(String::from(request.name))
            .legal_name(String::from(request.legal_name))
            .organization_id(organization_id)
            .active(true)
            .ein(Some(ein))
            .address(Some(address(request.address)?))
            .created_at(now)
            .updated_at(now),
    )?;
    state.employers.insert(id, employer.clone());
    Ok(employer)
}

/// `ein` as an employer shows it: the first `x-shapes` form of `Employer.ein` in the spec
/// (`**-***XXXX`), each `X` filled with a digit of `ein`, from the right, and every other
/// character kept as the form writes it.
fn masked_ein(ein: &str) -> Result<String, ApiError> {
    let form = spec::properties("Employer")
        .and_then(|props| props.iter().find(|p| p.name == "ein"))
        .and_then(|p| p.limits.shapes.first())
        .ok_or_else(|| ApiError::internal("openapi.yaml gives Employer.ein no x-shapes form"))?;
    let mut digits = ein.chars().rev().filter(char::is_ascii_digit);
    let mut masked = form
        .chars()
        .rev()
        .map(|c| if c == 'X' { digits.next() } else { Some(c) })
        .collect::<Option<Vec<char>>>()
        .ok_or_else(|| ApiError::internal(format!("an EIN has fewer digits than {form} shows")))?;
    masked.reverse();
    Ok(masked.into_iter().collect())
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
