//! The routes: one per operation of the spec, the `/_sandbox` admin routes, JSON 404 and 405,
//! and an `x-request-id` on every response.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter};
use http::{HeaderValue, StatusCode};

use crate::dispatch::{App, dispatch};
use crate::error::ApiError;
use crate::handlers::{
    Handler, dependents, elections, employees, employers, enrollments, plan_years, policies, products, qles,
};

/// Every operation: its `operationId`, method, path (axum syntax) and handler.
pub(crate) const ROUTES: &[(&str, MethodFilter, &str, Handler)] = &[
    (
        "benefit_eligibility_policy_retrieve",
        MethodFilter::GET,
        "/v1/benefit-eligibility-policy/{policy_id}",
        policies::retrieve,
    ),
    ("benefit_products_list", MethodFilter::GET, "/v1/benefit-products", products::list),
    (
        "benefit_products_plan_years_create",
        MethodFilter::POST,
        "/v1/benefit-products/{benefit_product_id}/plan-years",
        plan_years::create,
    ),
    (
        "benefit_products_plan_years_list",
        MethodFilter::GET,
        "/v1/benefit-products/{benefit_product_id}/plan-years",
        plan_years::list,
    ),
    ("dependents_retrieve", MethodFilter::GET, "/v1/dependents/{dependent_id}", dependents::retrieve),
    ("dependents_update", MethodFilter::PUT, "/v1/dependents/{dependent_id}", dependents::update),
    ("employees_retrieve", MethodFilter::GET, "/v1/employees/{employee_id}", employees::retrieve),
    ("employees_update", MethodFilter::PUT, "/v1/employees/{employee_id}", employees::update),
    ("employees_terminate", MethodFilter::DELETE, "/v1/employees/{employee_id}", employees::terminate),
    (
        "employees_enrollments_list",
        MethodFilter::GET,
        "/v1/employees/{employee_id}/enrollments",
        enrollments::list,
    ),
    (
        "employees_enrollments_submit_elections",
        MethodFilter::POST,
        "/v1/employees/{employee_id}/enrollments/elect",
        elections::submit,
    ),
    ("employers_create", MethodFilter::POST, "/v1/employers", employers::create),
    ("employers_list", MethodFilter::GET, "/v1/employers", employers::list),
    ("employers_retrieve", MethodFilter::GET, "/v1/employers/{employer_id}", employers::retrieve),
    ("employers_update", MethodFilter::PUT, "/v1/employers/{employer_id}", employers::update),
    (
        "employers_create_eligibility_policy",
        MethodFilter::POST,
        "/v1/employers/{employer_id}/benefit-eligibility-policy",
        policies::create,
    ),
    (
        "employers_employees_create",
        MethodFilter::POST,
        "/v1/employers/{employer_id}/employees",
        employees::create,
    ),
    ("employers_employees_list", MethodFilter::GET, "/v1/employers/{employer_id}/employees", employees::list),
    ("enrollments_retrieve", MethodFilter::GET, "/v1/enrollments/{enrollment_id}", enrollments::retrieve),
    (
        "enrollments_list_plans",
        MethodFilter::GET,
        "/v1/enrollments/{enrollment_id}/plans",
        enrollments::list_plans,
    ),
    (
        "enrollments_reissue",
        MethodFilter::POST,
        "/v1/enrollments/{enrollment_id}/reissue",
        enrollments::reissue,
    ),
    (
        "members_dependents_create",
        MethodFilter::POST,
        "/v1/members/{member_id}/dependents",
        dependents::create,
    ),
    ("members_dependents_list", MethodFilter::GET, "/v1/members/{member_id}/dependents", dependents::list),
    (
        "members_qualifying_life_events_list",
        MethodFilter::GET,
        "/v1/members/{member_id}/qualifying-life-events",
        qles::list,
    ),
    (
        "members_qualifying_life_events_record",
        MethodFilter::POST,
        "/v1/members/{member_id}/qualifying-life-events",
        qles::record,
    ),
    ("plan_years_retrieve", MethodFilter::GET, "/v1/plan-years/{plan_year_id}", plan_years::retrieve),
    ("plan_years_update", MethodFilter::PUT, "/v1/plan-years/{plan_year_id}", plan_years::update),
    (
        "qualifying_life_events_retrieve",
        MethodFilter::GET,
        "/v1/qualifying-life-events/{qle_id}",
        qles::retrieve,
    ),
];

/// The whole application.
pub(crate) fn build(app: Arc<App>) -> Router {
    let mut paths: Vec<(&str, MethodRouter)> = Vec::new();
    for (op, filter, path, handler) in ROUTES {
        let (op, filter, handler, app) = (*op, *filter, *handler, Arc::clone(&app));
        let endpoint = move |request: Request| dispatch(app, op, handler, request);
        match paths.iter_mut().find(|(p, _)| p == path) {
            Some((_, router)) => *router = std::mem::take(router).on(filter, endpoint),
            None => paths.push((path, MethodRouter::new().on(filter, endpoint))),
        }
    }
    let mut router = Router::new();
    for (path, method_router) in paths {
        router = router.route(path, method_router);
    }
    router
        .merge(crate::admin::routes(Arc::clone(&app)))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(app, request_id))
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "No route matches this path.")
}

async fn method_not_allowed(request: Request) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{} is not allowed on this path; see the Allow header.", request.method()),
    )
}

/// Gives every response an `x-request-id: req_…` and logs the request when asked to (method,
/// path without query, status and request ID: never a header or a body).
async fn request_id(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let id = format!("req_{}", uuid::Uuid::new_v4().simple());
    let started = Instant::now();
    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
    let mut response = next.run(request).await.into_response();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    if app.log_requests {
        eprintln!("{method} {path} -> {} in {:?} ({id})", response.status().as_u16(), started.elapsed());
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_exactly_one_route() {
        let mut ops: Vec<&str> = ROUTES.iter().map(|r| r.0).collect();
        ops.sort_unstable();
        let mut expected = crate::OPERATION_IDS.to_vec();
        expected.sort_unstable();
        assert_eq!(ops, expected);
    }
}
