//! The 28 operations of the API: stable names for errors and tracing, with method and path
//! template. A test checks this table against `openapi.yaml`.

/// One API operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The `operationId` in `openapi.yaml`, e.g. `enrollments_reissue`.
    pub id: &'static str,
    /// The SDK's name, as called from [`Client`](crate::Client), e.g. `enrollments.reissue`.
    pub name: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path template, e.g. `/v1/enrollments/{enrollment_id}/reissue`.
    pub path: &'static str,
}

macro_rules! operations {
    ($($konst:ident = $id:literal, $name:literal, $method:literal, $path:literal;)+) => {
        $(
            #[doc = concat!("`", $method, " ", $path, "`")]
            pub const $konst: Operation = Operation { id: $id, name: $name, method: $method, path: $path };
        )+
        /// Every operation, in `operationId` order.
        pub const ALL: &[Operation] = &[$($konst),+];
    };
}

operations! {
    BENEFIT_ELIGIBILITY_POLICY_RETRIEVE = "benefit_eligibility_policy_retrieve", "benefit_eligibility_policy.retrieve", "GET", "/v1/benefit-eligibility-policy/{policy_id}";
    BENEFIT_PRODUCTS_LIST = "benefit_products_list", "benefit_products.list", "GET", "/v1/benefit-products";
    BENEFIT_PRODUCTS_PLAN_YEARS_CREATE = "benefit_products_plan_years_create", "benefit_products.plan_years.create", "POST", "/v1/benefit-products/{benefit_product_id}/plan-years";
    BENEFIT_PRODUCTS_PLAN_YEARS_LIST = "benefit_products_plan_years_list", "benefit_products.plan_years.list", "GET", "/v1/benefit-products/{benefit_product_id}/plan-years";
    DEPENDENTS_RETRIEVE = "dependents_retrieve", "dependents.retrieve", "GET", "/v1/dependents/{dependent_id}";
    DEPENDENTS_UPDATE = "dependents_update", "dependents.update", "PUT", "/v1/dependents/{dependent_id}";
    EMPLOYEES_ENROLLMENTS_LIST = "employees_enrollments_list", "employees.enrollments.list", "GET", "/v1/employees/{employee_id}/enrollments";
    EMPLOYEES_ENROLLMENTS_SUBMIT_ELECTIONS = "employees_enrollments_submit_elections", "employees.enrollments.submit_elections", "POST", "/v1/employees/{employee_id}/enrollments/elect";
    EMPLOYEES_RETRIEVE = "employees_retrieve", "employees.retrieve", "GET", "/v1/employees/{employee_id}";
    EMPLOYEES_TERMINATE = "employees_terminate", "employees.terminate", "DELETE", "/v1/employees/{employee_id}";
    EMPLOYEES_UPDATE = "employees_update", "employees.update", "PUT", "/v1/employees/{employee_id}";
    EMPLOYERS_CREATE = "employers_create", "employers.create", "POST", "/v1/employers";
    EMPLOYERS_CREATE_ELIGIBILITY_POLICY = "employers_create_eligibility_policy", "employers.create_eligibility_policy", "POST", "/v1/employers/{employer_id}/benefit-eligibility-policy";
    EMPLOYERS_EMPLOYEES_CREATE = "employers_employees_create", "employers.employees.create", "POST", "/v1/employers/{employer_id}/employees";
    EMPLOYERS_EMPLOYEES_LIST = "employers_employees_list", "employers.employees.list", "GET", "/v1/employers/{employer_id}/employees";
    EMPLOYERS_LIST = "employers_list", "employers.list", "GET", "/v1/employers";
    EMPLOYERS_RETRIEVE = "employers_retrieve", "employers.retrieve", "GET", "/v1/employers/{employer_id}";
    EMPLOYERS_UPDATE = "employers_update", "employers.update", "PUT", "/v1/employers/{employer_id}";
    ENROLLMENTS_LIST_PLANS = "enrollments_list_plans", "enrollments.list_plans", "GET", "/v1/enrollments/{enrollment_id}/plans";
    ENROLLMENTS_REISSUE = "enrollments_reissue", "enrollments.reissue", "POST", "/v1/enrollments/{enrollment_id}/reissue";
    ENROLLMENTS_RETRIEVE = "enrollments_retrieve", "enrollments.retrieve", "GET", "/v1/enrollments/{enrollment_id}";
    MEMBERS_DEPENDENTS_CREATE = "members_dependents_create", "members.dependents.create", "POST", "/v1/members/{member_id}/dependents";
    MEMBERS_DEPENDENTS_LIST = "members_dependents_list", "members.dependents.list", "GET", "/v1/members/{member_id}/dependents";
    MEMBERS_QUALIFYING_LIFE_EVENTS_LIST = "members_qualifying_life_events_list", "members.qualifying_life_events.list", "GET", "/v1/members/{member_id}/qualifying-life-events";
    MEMBERS_QUALIFYING_LIFE_EVENTS_RECORD = "members_qualifying_life_events_record", "members.qualifying_life_events.record", "POST", "/v1/members/{member_id}/qualifying-life-events";
    PLAN_YEARS_RETRIEVE = "plan_years_retrieve", "plan_years.retrieve", "GET", "/v1/plan-years/{plan_year_id}";
    PLAN_YEARS_UPDATE = "plan_years_update", "plan_years.update", "PUT", "/v1/plan-years/{plan_year_id}";
    QUALIFYING_LIFE_EVENTS_RETRIEVE = "qualifying_life_events_retrieve", "qualifying_life_events.retrieve", "GET", "/v1/qualifying-life-events/{qle_id}";
}
