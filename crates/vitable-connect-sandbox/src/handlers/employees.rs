//! Employees: `employers_employees_list`, `employers_employees_create`, `employees_retrieve`,
//! `employees_update`, `employees_terminate`.

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
    let digits = ssn_digits(&request.ssn);
    let duplicate = state
        .employees
        .values()
        .any(|r| r.employee.employer_id == *employer_id && r.employee.active && ssn_digits(&r.ssn) == digits);
    if duplicate {
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

/// `PUT /v1/employees/{employee_id}`: only the fields sent (and not null) change. A
/// `termination_date` of today or earlier also makes the employee inactive.
pub(crate) fn update(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    find(&state.employees, call.param("employee_id"), "employee")?;
    let request: EmployeeUpdateRequest = call.json()?;
    let new_address = request.address.map(address).transpose()?;
    let (now, today) = (state.now(), state.today());
    let record = find_mut(&mut state.employees, call.param("employee_id"), "employee")?;
    let employee = &mut record.employee;
    if let Some(email) = request.email {
        employee.member.email = Some(email);
    }
    if let Some(phone) = request.phone {
        employee.member.phone = Some(phone);
    }
    if let Some(gender) = request.gender {
        employee.member.gender = Some(gender);
    }
    if let Some(class) = request.employee_class {
        employee.employee_class = Some(class);
    }
    if let Some(address) = new_address {
        employee.address = Some(address);
    }
    if let Some(date) = request.termination_date {
        employee.termination_date = Some(date);
        if date <= today {
            employee.active = false;
        }
    }
    employee.updated_at = now;
    Reply::ok(employee)
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
