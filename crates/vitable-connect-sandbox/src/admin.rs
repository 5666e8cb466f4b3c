//! `/_sandbox/…`: fault injection, request counters, today and QLE review over HTTP, for
//! clients that are not written in Rust. These routes need no token and are not counted.
//! With a state file, the two that change data (today, QLE review) save it before answering.
//!
//! `operation_id` takes either spelling of an operation: the spec's `operationId`
//! (`employers_list`) or the SDK's dotted name (`employers.list`). Any other text is a 400
//! `validation_error` on `operation_id` whose message suggests the closest operation.
//!
//! | method and path | body | does |
//! |---|---|---|
//! | `GET /_sandbox/requests` | | request counts by operation |
//! | `POST /_sandbox/faults/fail-next` | `{"operation_id", "count", "status", "retry_after_seconds"?}` | [`Faults::try_fail_next`] (`status` 400 to 599, else a 400) |
//! | `POST /_sandbox/faults/delay` | `{"operation_id"?, "milliseconds"}` | [`Faults::delay`] |
//! | `POST /_sandbox/faults/drop-connection` | `{"operation_id", "count"}` | [`Faults::drop_connection_after_write`] |
//! | `DELETE /_sandbox/faults` | | [`Faults::clear`] |
//! | `PUT /_sandbox/today` | `{"today": "YYYY-MM-DD" or null}` | pins today |
//! | `PUT /_sandbox/qualifying-life-events/{qle_id}/status` | `{"status"}` | reviews a QLE |
//!
//! [`Faults::try_fail_next`]: crate::Faults::try_fail_next
//! [`Faults::delay`]: crate::Faults::delay
//! [`Faults::drop_connection_after_write`]: crate::Faults::drop_connection_after_write
//! [`Faults::clear`]: crate::Faults::clear

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{FromRequestParts, RawPathParams, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use chrono::NaiveDate;
use http::StatusCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use vitable_connect_api::types::QualifyingLifeEventStatus;

use crate::dispatch::{App, read_body};
use crate::error::ApiError;
use crate::faults::{ERROR_STATUSES, FaultError, is_known};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FailNext {
    operation_id: String,
    count: u32,
    status: u16,
    retry_after_seconds: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Delay {
    operation_id: Option<String>,
    milliseconds: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DropConnections {
    operation_id: String,
    count: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Today {
    today: Option<NaiveDate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Review {
    /// Parsed, not decoded: the enums are open, and parsing accepts the spec's values only.
    #[serde(deserialize_with = "known_value")]
    status: QualifyingLifeEventStatus,
}

/// A string parsed with `FromStr`: for an enum, one of the values the spec lists.
fn known_value<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let text = String::deserialize(deserializer)?;
    text.parse().map_err(serde::de::Error::custom)
}

/// The admin routes.
pub(crate) fn routes(app: Arc<App>) -> Router {
    let a = Arc::clone(&app);
    let requests = move || async move { json(&a.faults.all_requests()) };
    let a = Arc::clone(&app);
    let fail_next = move |request: Request| async move {
        let body: FailNext = body(&a, request).await?;
        let retry_after = body.retry_after_seconds.map(Duration::from_secs);
        match a.faults.try_fail_next(&body.operation_id, body.count, body.status, retry_after) {
            Ok(()) => Ok(StatusCode::NO_CONTENT),
            Err(FaultError::NotAnErrorStatus(status)) => Err(ApiError::field(
                "status",
                format!(
                    "{status} is not an error status: inject a status from {} to {}.",
                    ERROR_STATUSES.start(),
                    ERROR_STATUSES.end()
                ),
            )),
            Err(FaultError::UnknownOperation(op)) => Err(unknown_operation(&op)),
        }
    };
    let a = Arc::clone(&app);
    let delay = move |request: Request| async move {
        let body: Delay = body(&a, request).await?;
        if let Some(op) = &body.operation_id {
            known(op)?;
        }
        a.faults.delay(body.operation_id.as_deref(), Duration::from_millis(body.milliseconds));
        Ok::<_, ApiError>(StatusCode::NO_CONTENT)
    };
    let a = Arc::clone(&app);
    let drop_connection = move |request: Request| async move {
        let body: DropConnections = body(&a, request).await?;
        known(&body.operation_id)?;
        a.faults.drop_connection_after_write(&body.operation_id, body.count);
        Ok::<_, ApiError>(StatusCode::NO_CONTENT)
    };
    let a = Arc::clone(&app);
    let clear = move || async move {
        a.faults.clear();
        StatusCode::NO_CONTENT
    };
    let a = Arc::clone(&app);
    let today = move |request: Request| async move {
        let body: Today = body(&a, request).await?;
        let mut state = a.lock();
        state.set_today(body.today);
        let today = state.today();
        a.save(&state)?;
        drop(state);
        Ok::<_, ApiError>(json(&serde_json::json!({ "today": today })))
    };
    let a = Arc::clone(&app);
    let review = move |request: Request| async move {
        let (mut parts, rest) = request.into_parts();
        let params = RawPathParams::from_request_parts(&mut parts, &())
            .await
            .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", "No resource at this path."))?;
        let id = params.iter().find(|(k, _)| *k == "qle_id").map(|(_, v)| v.to_owned()).unwrap_or_default();
        let body: Review = body(&a, Request::from_parts(parts, rest)).await?;
        let mut state = a.lock();
        let event = crate::handlers::qles::set_status(&mut state, &id, body.status)
            .ok_or_else(|| ApiError::not_found("qualifying life event", &id))?;
        a.save(&state)?;
        drop(state);
        Ok::<_, ApiError>(json(&event))
    };
    Router::new()
        .route("/_sandbox/requests", get(requests))
        .route("/_sandbox/faults", delete(clear))
        .route("/_sandbox/faults/fail-next", post(fail_next))
        .route("/_sandbox/faults/delay", post(delay))
        .route("/_sandbox/faults/drop-connection", post(drop_connection))
        .route("/_sandbox/today", put(today))
        .route("/_sandbox/qualifying-life-events/{qle_id}/status", put(review))
}

fn known(operation: &str) -> Result<(), ApiError> {
    if is_known(operation) { Ok(()) } else { Err(unknown_operation(operation)) }
}

/// The 400 for an `operation_id` that names no operation, with the closest one suggested.
fn unknown_operation(operation: &str) -> ApiError {
    ApiError::field("operation_id", crate::faults::unknown_operation(operation))
}

/// The JSON body of an admin request, read with the same limits as the API's.
async fn body<T: DeserializeOwned>(app: &App, request: Request) -> Result<T, ApiError> {
    let (parts, body) = request.into_parts();
    let content_type =
        parts.headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let bytes = read_body(&parts.headers, body, app.body_read_timeout).await?;
    crate::validate::parse_json(&bytes, content_type.as_deref())
}

fn json(value: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => ([(http::header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(e) => ApiError::internal(e.to_string()).into_response(),
    }
}
