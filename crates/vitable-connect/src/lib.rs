//! # vitable-connect
//!
//! The Rust SDK for the [Vitable Connect API](https://api.vitablehealth.com): employers,
//! employees, members and dependents, benefit products, plan years, enrollments and
//! qualifying life events.
//!
//! ## Quickstart
//!
//! ```no_run
//! use vitable_connect::{Client, EventType};
//!
//! # async fn run() -> vitable_connect::Result<()> {
//! // Reads VITABLE_CONNECT_API_KEY (and VITABLE_CONNECT_BASE_URL, if set).
//! let client = Client::from_env()?;
//!
//! // A baby was born: record the event, then reopen the enrollment so the parent can
//! // add the child.
//! let member_id = "mbr_Q2w7Lp".parse()?;
//! let born = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
//! let qle = client
//!     .members()
//!     .qualifying_life_events()
//!     .record(&member_id, EventType::Birth, born)
//!     .notes("Daughter born at St. Mary's")
//!     .send()
//!     .await?;
//! let enrollment = client
//!     .enrollments()
//!     .reissue(&"enrl_8fK2x9".parse()?, &qle.id)
//!     .reason("New child")
//!     .send()
//!     .await?;
//! println!("enrollment {} is {}", enrollment.id, enrollment.status);
//! # Ok(()) }
//! ```
//!
//! ## What you get
//!
//! * **Every operation** of the API as a builder on a resource handle ([`resources`]):
//!   required arguments up front, optional ones as setters, then `.send()`.
//! * **Typed IDs** ([`ids`]): an `EmployeeId` cannot be passed where an `EnrollmentId`
//!   belongs, and a mistyped ID fails before anything is sent.
//! * **Checks before sending**: every limit of the API (lengths, `page`, `limit`, ...) is
//!   checked locally and reported as [`Error::InvalidInput`] naming the field.
//! * **Errors that explain** ([`Error`]): status, the server's message and field errors,
//!   the request id, the operation; decode errors name the JSON path of the bad field.
//! * **A transport that survives flaky networks**: timeouts by default, retries with
//!   backoff honouring `Retry-After`, one idempotency key per write across retries, and a
//!   `tracing` span per request. See [`Client::builder`].
//! * **Lazy pagination**: every list has `.stream()`.
//! * **No secrets in logs**: `Debug` hides the API key and SSNs ([`Ssn`]).
//!
//! The low-level generated client is `vitable-connect-api`; you should not need it.

#![deny(missing_docs)]

mod client;
mod error;
pub mod input;
pub mod operations;
pub mod pagination;
mod redact;
mod request;
pub mod resources;
mod retry;
mod transport;
pub mod types;
mod validate;

/// Typed IDs, one per kind (see the module docs of `vitable_connect_api::ids`).
pub mod ids {
    pub use vitable_connect_api::ids::*;
}

pub use client::{
    API_KEY_ENV, BASE_URL_ENV, Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT, Environment, USER_AGENT_VALUE,
};
pub use error::{ApiError, ApiErrorKind, DecodeError, Error, IdError, IdProblem, InvalidInput, Result};
pub use ids::*;
pub use input::{AddressInput, ContributionClassInput, Election, RuleInput};
pub use request::ApiResponse;
pub use retry::{INITIAL_BACKOFF, MAX_BACKOFF, MAX_SERVER_DELAY};
pub use transport::IDEMPOTENCY_KEY;
pub use types::*;
pub use vitable_connect_api::{Ssn, SsnError};

/// `chrono`, re-exported for its `NaiveDate` (dates) and `DateTime<Utc>` (timestamps).
pub use chrono;

/// The workspace README's Rust examples, compiled as doctests so the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
