//! Employees: `employers_employees_list`, `employers_employees_create`, `employees_retrieve`,
//! `employees_update`, `employees_terminate`.

use vitable_connect_api::Ssn;
use vitable_connect_api::ids::{EmployeeId, EmployerId, MemberId};
use vitable_connect_api::types::{
    Employee, EmployeeCreateRequest, EmployeeUpdateRequest, Member, PlanYearStatus,
};

use super::{Call, Reply, address};
use crate::error::{ApiError, build};
use crate::state::{EmployeeRecord, State, find, find_mut, sort_by_creation, ssn_digits};

/// `GET /v1/employers/{employer_id}/employees`: filters `active_in` and `employee_class`.
pub(crate) fn list(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let employer = find(&state.employers, call.param("employer_id"), "employer")?;
    let mut q = call.reader();
    let paging = q.paging();
    let active = q.boolean("active_in");
    let class = q.choice("employee_class");
    q.finish()?;
    let mut items: Vec<&Employee> = state
        .employees
        .values()
        .map(|r| &r.employee)
        .filter(|e| e.employer_id == employer.id)
        .filter(|e| active.is_none_or(|a| e.active == a))
        .filter(|e| class.as_ref().is_none_or(|c| e.employee_class.as_ref() == Some(c)))
        .collect();
    sort_by_creation(&mut items, |e| (e.created_at, e.id.clone()));
    Reply::ok(&paging.apply(items))
}

/// `POST /v1/employers/{employer_id}/employees`.
pub(crate) fn create(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let employer_id = find(&state.employers, call.param("employer_id"), "employer")?.id.clone();
    let request: EmployeeCreateRequest = call.json()?;
    let employee = insert(state, &employer_id, request)?;
    Reply::created(&employee)
}

/// Stores a new employee and its member, and gives it a `pending` enrollment in every plan year
/// of its employer that has not expired. Refuses a second active employee of the same employer
/// with the same SSN.
pub(crate) fn insert(
    state: &mut State,
    employer_id: &EmployerId,
    request: EmployeeCreateRequest,
) -> Result<Employee, ApiError> {
    if active_with_ssn(state, employer_id, &request.ssn) {
        return Err(ApiError::conflict(
            "duplicate_employee",
            "An active employee of this employer already has this SSN.",
        ));
    }
    let now = state.now();
    let id: EmployeeId = state.ids.next(EmployeeId::PREFIX);
    let member_id: MemberId = state.ids.next(MemberId::PREFIX);
    let member = Member::builder()
        .id(member_id.clone())
        .first_name(String::from(request.first_name))
        .last_name(String::from(request.last_name))
        .suffix(request.suffix)
        .date_of_birth(request.date_of_birth)
        .sex(request.sex)
        .gender(request.gender)
        .email(Some(request.email))
        .phone(request.phone);
    // No termination date until the employee is terminated.
    let employee: Employee = build(
        Employee::builder()
            .id(id.clone())
            .employer_id(employer_id.clone())
            .member(member)
            .active(true)
            .employee_class(request.employee_class)
            .start_date(request.start_date)
            .address(request.address.map(address).transpose()?)
            .created_at(now)
            .updated_at(now),
    )?;
    state.employees.insert(id.clone(), EmployeeRecord { employee: employee.clone(), ssn: request.ssn });
    state.members.insert(member_id, id.clone());
    let plan_years: Vec<_> = state
        .plan_years
        .values()
        .filter(|p| p.employer_id == *employer_id && p.status != PlanYearStatus::Expired)
        .map(|p| p.id.clone())
        .collect();
    for plan_year_id in plan_years {
        super::enrollments::insert_pending(state, &id, &plan_year_id)?;
    }
    Ok(employee)
}

/// `GET /v1/employees/{employee_id}`.
pub(crate) fn retrieve(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    Reply::ok(&find(&state.employees, call.param("employee_id"), "employee")?.employee)
}

/// `PUT /v1/employees/{employee_id}`: a property left out keeps its value, a value replaces it,
/// and `null` clears it (every field it sets may be empty: `email`, `phone`, `gender`,
/// `employee_class`, `address`, `termination_date`).
///
/// `active` follows a change of `termination_date`: a date of today or earlier makes the
/// employee inactive, a later one leaves `active` as it is (a scheduled termination), and
/// clearing it (`null`) makes the employee active again (a rehire, undoing `employees_terminate`).
/// A rehire is refused (409 `duplicate_employee`) when another active employee of the employer
/// has the same SSN, as on create. A refused update changes nothing.
pub(crate) fn update(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let record = find(&state.employees, call.param("employee_id"), "employee")?;
    let (mut employee, ssn) = (record.employee.clone(), record.ssn.clone());
    let (request, mut patch) = call.update::<EmployeeUpdateRequest>()?;
    let today = state.today();
    let member = &mut employee.member;
    patch.nullable(&mut member.email, request.email, "email");
    patch.nullable(&mut member.phone, request.phone, "phone");
    patch.nullable(&mut member.gender, request.gender, "gender");
    patch.nullable(&mut employee.employee_class, request.employee_class, "employee_class");
    patch.nullable(&mut employee.address, request.address.map(address).transpose()?, "address");
    patch.nullable(&mut employee.termination_date, request.termination_date, "termination_date");
    let rehired = patch.was_null("termination_date");
    patch.finish()?;
    match request.termination_date {
        Some(date) if date <= today => employee.active = false,
        Some(_) => {}
        None if rehired => employee.active = true,
        None => {}
    }
    let reactivated = employee.active && !record.employee.active;
    if reactivated && active_with_ssn(state, &employee.employer_id, &ssn) {
        return Err(ApiError::conflict(
            "duplicate_employee",
            "Another active employee of this employer has this SSN, so this one cannot be active again.",
        ));
    }
    employee.updated_at = state.now();
    let record = find_mut(&mut state.employees, call.param("employee_id"), "employee")?;
    record.employee = employee.clone();
    Reply::ok(&employee)
}

/// Whether an active employee of `employer_id` has this SSN.
fn active_with_ssn(state: &State, employer_id: &EmployerId, ssn: &Ssn) -> bool {
    let digits = ssn_digits(ssn);
    state
        .employees
        .values()
        .any(|r| r.employee.employer_id == *employer_id && r.employee.active && ssn_digits(&r.ssn) == digits)
}

/// `DELETE /v1/employees/{employee_id}`: `active` false and `termination_date` today; a second
/// call changes nothing and is still a 204.
pub(crate) fn terminate(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let active = find(&state.employees, call.param("employee_id"), "employee")?.employee.active;
    if active {
        let (now, today) = (state.now(), state.today());
        let record = find_mut(&mut state.employees, call.param("employee_id"), "employee")?;
        record.employee.active = false;
        record.employee.termination_date = Some(today);
        record.employee.updated_at = now;
    }
    Reply::no_content()
}
