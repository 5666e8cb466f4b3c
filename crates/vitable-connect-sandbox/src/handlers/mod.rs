//! One synchronous function per operation, run with the state locked.
//!
//! Each handler gets the whole [`State`] and the parsed request ([`Call`]) and returns a
//! [`Reply`] or an [`ApiError`]. Handlers never await, so the lock is held only briefly and
//! every request sees and leaves a consistent state.

pub(crate) mod dependents;
pub(crate) mod elections;
pub(crate) mod employees;
pub(crate) mod employers;
pub(crate) mod enrollments;
pub(crate) mod plan_years;
pub(crate) mod policies;
pub(crate) mod products;
pub(crate) mod qles;

use bytes::Bytes;
use http::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, build};
use crate::patch::Patch;
use crate::query::Query;
use crate::state::State;
use vitable_connect_api::spec::Operation;
use vitable_connect_api::types::{Address, AddressInput};

/// The function behind one operation.
pub(crate) type Handler = fn(&mut State, &Call) -> Result<Reply, ApiError>;

/// A request as a handler sees it.
#[derive(Debug)]
pub(crate) struct Call {
    /// The operation, from the spec's table.
    pub op: &'static Operation,
    pub params: Vec<(String, String)>,
    pub query: Query,
    pub body: Bytes,
    pub content_type: Option<String>,
}

impl Call {
    /// A path parameter (`""` when the route has none of that name).
    pub fn param(&self, name: &str) -> &str {
        self.params.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
    }

    /// A reader of the query parameters, checked against the operation's spec.
    pub fn reader(&self) -> crate::query::QueryReader<'_> {
        self.query.reader(self.op)
    }

    /// The body, parsed into a generated request type, after checking it against the
    /// operation's body schema in the spec: enum values, `null` only where `nullable`, and every
    /// limit, at any depth (see [`crate::validate::parse_body`]).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        self.body_and_json().map(|(parsed, _)| parsed)
    }

    /// The body of an update (`PUT`), checked as by [`Call::json`], and a [`Patch`] that
    /// knows which properties were sent as `null`, for three-state updates.
    pub fn update<T: DeserializeOwned>(&self) -> Result<(T, Patch), ApiError> {
        let schema = self
            .op
            .body
            .ok_or_else(|| ApiError::internal(format!("{} has no request body in the spec", self.op.id)))?;
        let (parsed, value) = self.body_and_json()?;
        Ok((parsed, Patch::new(schema, &value)))
    }

    fn body_and_json<T: DeserializeOwned>(&self) -> Result<(T, serde_json::Value), ApiError> {
        crate::validate::parse_body(&self.body, self.content_type.as_deref(), self.op.body)
    }
}

/// A successful response: a status and a JSON body (none for 204).
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub body: Option<Vec<u8>>,
}

impl Reply {
    fn json(status: StatusCode, value: &impl Serialize) -> Result<Self, ApiError> {
        let body =
            serde_json::to_vec(value).map_err(|e| ApiError::internal(format!("could not serialize: {e}")))?;
        Ok(Self { status, body: Some(body) })
    }

    /// 200 with `value`.
    pub fn ok(value: &impl Serialize) -> Result<Self, ApiError> {
        Self::json(StatusCode::OK, value)
    }

    /// 201 with `value`.
    pub fn created(value: &impl Serialize) -> Result<Self, ApiError> {
        Self::json(StatusCode::CREATED, value)
    }

    /// 204 without a body.
    pub fn no_content() -> Result<Self, ApiError> {
        Ok(Self { status: StatusCode::NO_CONTENT, body: None })
    }
}

/// An input address as returned (the country defaults to US).
pub(crate) fn address(input: AddressInput) -> Result<Address, ApiError> {
    build(
        Address::builder()
            .street_1(input.street_1)
            .street_2(input.street_2)
            .city(input.city)
            .state(String::from(input.state))
            .zip_code(input.zip_code)
            .country(Some(input.country.unwrap_or_else(|| "US".to_owned()))),
    )
}

/// Whether `needle` occurs in `haystack`, ignoring case.
pub(crate) fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}
