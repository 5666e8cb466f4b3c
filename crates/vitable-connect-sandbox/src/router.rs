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

/// The handler of each operation, by `operationId`. Routes (method and path) come from the
/// spec's table; this is the one place a new operation's handler is wired (a test names any
/// operation of the spec without one, and such an operation answers 501).
fn handler(operation_id: &str) -> Option<Handler> {
    Some(match operation_id {
        "benefit_eligibility_policy_retrieve" => policies::retrieve,
        "benefit_products_list" => products::list,
        "benefit_products_plan_years_create" => plan_years::create,
        "benefit_products_plan_years_list" => plan_years::list,
        "dependents_retrieve" => dependents::retrieve,
        "dependents_update" => dependents::update,
        "employees_retrieve" => employees::retrieve,
        "employees_update" => employees::update,
        "employees_terminate" => employees::terminate,
        "employees_enrollments_list" => enrollments::list,
        "employees_enrollments_submit_elections" => elections::submit,
        "employers_create" => employers::create,
        "employers_list" => employers::list,
        "employers_retrieve" => employers::retrieve,
        "employers_update" => employers::update,
        "employers_create_eligibility_policy" => policies::create,
        "employers_employees_create" => employees::create,
        "employers_employees_list" => employees::list,
        "enrollments_retrieve" => enrollments::retrieve,
        "enrollments_list_plans" => enrollments::list_plans,
        "enrollments_reissue" => enrollments::reissue,
        "members_dependents_create" => dependents::create,
        "members_dependents_list" => dependents::list,
        "members_qualifying_life_events_list" => qles::list,
        "members_qualifying_life_events_record" => qles::record,
        "plan_years_retrieve" => plan_years::retrieve,
        "plan_years_update" => plan_years::update,
        "qualifying_life_events_retrieve" => qles::retrieve,
        _ => return None,
    })
}

/// Answers an operation of the spec that the sandbox has no handler for.
fn not_implemented(
    _: &mut crate::state::State,
    call: &crate::handlers::Call,
) -> Result<crate::handlers::Reply, ApiError> {
    Err(ApiError::new(
        StatusCode::NOT_IMPLEMENTED,
        "not_implemented",
        format!("The sandbox does not implement {} yet.", call.op.id),
    ))
}

fn method_filter(method: &str) -> MethodFilter {
    match method {
        "GET" => MethodFilter::GET,
        "POST" => MethodFilter::POST,
        "PUT" => MethodFilter::PUT,
        "PATCH" => MethodFilter::PATCH,
        "DELETE" => MethodFilter::DELETE,
        "HEAD" => MethodFilter::HEAD,
        "OPTIONS" => MethodFilter::OPTIONS,
        other => panic!("openapi.yaml uses HTTP method {other}, which the sandbox cannot route"),
    }
}

/// The whole application.
pub(crate) fn build(app: Arc<App>) -> Router {
    let mut paths: Vec<(&str, MethodRouter)> = Vec::new();
    for operation in vitable_connect_api::spec::OPERATIONS {
        let (op, path) = (operation.id, operation.path);
        let filter = method_filter(operation.method);
        let handler = handler(op).unwrap_or(not_implemented);
        let app = Arc::clone(&app);
        let endpoint = move |request: Request| dispatch(app, op, handler, request);
        match paths.iter_mut().find(|(p, _)| *p == path) {
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

/// Refuses a request whose URI or headers are over the sandbox's limits ([`crate::limits`]),
/// before anything else looks at it.
fn check_head(request: &Request) -> Result<(), ApiError> {
    use crate::limits::{MAX_HEADER_BYTES, MAX_HEADERS, MAX_URI_BYTES};
    let uri = request.uri();
    let target = uri.path_and_query().map_or(uri.path().len(), |pq| pq.as_str().len());
    if target > MAX_URI_BYTES {
        return Err(ApiError::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("The request's path and query may be at most {MAX_URI_BYTES} bytes long."),
        )
        .with_header(http::header::CONNECTION, HeaderValue::from_static("close")));
    }
    let headers = request.headers();
    let bytes: usize = headers.iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum();
    if headers.len() > MAX_HEADERS || bytes > MAX_HEADER_BYTES {
        return Err(ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            format!("A request may have at most {MAX_HEADERS} header lines and {MAX_HEADER_BYTES} bytes of headers."),
        )
        .with_header(http::header::CONNECTION, HeaderValue::from_static("close")));
    }
    Ok(())
}

/// Gives every response an `x-request-id: req_…` and logs the request when asked to (method,
/// path without query with SSN-shaped text masked, status and request ID: never a header or a
/// body). Refuses a request over
/// the limits on its head first.
async fn request_id(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let id = format!("req_{}", uuid::Uuid::new_v4().simple());
    let started = Instant::now();
    let method = request.method().clone();
    let path =
        if app.log_requests { crate::redact::loggable_path(request.uri().path()) } else { String::new() };
    let mut response = match check_head(&request) {
        Ok(()) => next.run(request).await.into_response(),
        Err(refused) => refused.into_response(),
    };
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

    /// Names every operation of `openapi.yaml` that the sandbox has no handler for.
    #[test]
    fn every_operation_of_the_spec_has_a_handler() {
        let missing: Vec<&str> = vitable_connect_api::spec::OPERATIONS
            .iter()
            .map(|op| op.id)
            .filter(|id| handler(id).is_none())
            .collect();
        assert!(missing.is_empty(), "the sandbox has no handler for: {missing:?} (add one in router.rs)");
    }

    #[test]
    fn every_handler_serves_an_operation_of_the_spec() {
        for op in vitable_connect_api::spec::OPERATIONS {
            method_filter(op.method);
        }
        assert!(handler("no_such_operation").is_none());
    }
}
