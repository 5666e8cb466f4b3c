//! The baseline: what a hand-written client would do without the SDK.
//!
//! [`PlainEnrollment`] has the SDK `Enrollment`'s shape with plain serde types (`String` IDs,
//! `chrono` dates and timestamps, plain enums); [`PlainClient`] makes the SDK's
//! `enrollments().retrieve(..)` request with `reqwest` directly: the same method, URL and
//! headers (`Accept`, `api-version`, `Authorization: Bearer`, `User-Agent`), the same
//! timeouts, and `Response::json` to decode.

use chrono::{DateTime, NaiveDate, Utc};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderName, HeaderValue, USER_AGENT};
use serde::{Deserialize, Serialize};

use crate::{API_KEY, CONNECT_TIMEOUT, TIMEOUT};

/// An enrollment, decoded with nothing but `#[derive(Deserialize)]`.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Deserialize)]
pub struct PlainEnrollment {
    pub id: String,
    pub benefit_product_id: String,
    pub employee_id: String,
    pub plan_year_id: String,
    pub status: PlainEnrollmentStatus,
    pub coverage_tier: Option<PlainCoverageTier>,
    pub coverage_start_date: Option<NaiveDate>,
    pub coverage_end_date: Option<NaiveDate>,
    pub decision: Option<String>,
    pub employee_contribution_cents: Option<i64>,
    pub employer_contribution_cents: Option<i64>,
    pub selected_plan_id: Option<String>,
    pub selected_plan_name: Option<String>,
    pub enrolled_dependents: Option<Vec<PlainEnrolledDependent>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A dependent covered by an enrollment.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Deserialize)]
pub struct PlainEnrolledDependent {
    pub dependent_id: String,
    pub first_name: String,
    pub last_name: String,
    pub relationship: PlainRelationship,
}

/// The status of an enrollment.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlainEnrollmentStatus {
    Pending,
    Enrolled,
    Waived,
    Inactive,
}

/// A coverage tier.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlainCoverageTier {
    Unspecified,
    #[serde(rename = "EE")]
    Ee,
    #[serde(rename = "ES")]
    Es,
    #[serde(rename = "EC")]
    Ec,
    #[serde(rename = "EF")]
    Ef,
}

/// How a dependent is related to the member.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlainRelationship {
    Spouse,
    Child,
}

/// `reqwest` + `serde_json`, by hand.
#[derive(Clone)]
pub struct PlainClient {
    http: reqwest::Client,
    base_url: String,
    authorization: HeaderValue,
}

impl PlainClient {
    /// A client with the SDK's default timeouts.
    pub fn new(base_url: &str) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TIMEOUT)
            .build()
            .expect("cannot build the reqwest client");
        let mut authorization =
            HeaderValue::from_str(&format!("Bearer {API_KEY}")).expect("the key is a valid header value");
        authorization.set_sensitive(true);
        Self { http, base_url: base_url.trim_end_matches('/').to_owned(), authorization }
    }

    /// `GET /v1/enrollments/{id}`, decoded into a [`PlainEnrollment`].
    pub async fn retrieve_enrollment(&self, id: &str) -> reqwest::Result<PlainEnrollment> {
        self.http
            .get(format!("{}/v1/enrollments/{id}", self.base_url))
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(HeaderName::from_static("api-version"), HeaderValue::from_static("1.0.0"))
            .header(AUTHORIZATION, self.authorization.clone())
            .header(USER_AGENT, HeaderValue::from_static(vitable_connect::USER_AGENT_VALUE))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await
    }
}

#[cfg(test)]
mod tests {
    //! The mirror types are hand-written on purpose (they are what a user would write), so
    //! this checks them against `openapi.yaml`'s tables: a property or enum value the spec
    //! adds or renames fails here, naming it, instead of going stale silently.

    use std::collections::BTreeSet;

    use vitable_connect_api::spec;

    fn schema_of<T: schemars::JsonSchema>() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(T)).expect("a schema serialises")
    }

    fn property_names<T: schemars::JsonSchema>() -> BTreeSet<String> {
        schema_of::<T>()["properties"].as_object().expect("an object schema").keys().cloned().collect()
    }

    fn enum_values<T: schemars::JsonSchema>() -> BTreeSet<String> {
        let schema = schema_of::<T>();
        let values = schema["enum"].as_array().cloned().unwrap_or_else(|| {
            schema["oneOf"].as_array().into_iter().flatten().filter_map(|v| v.get("const").cloned()).collect()
        });
        values.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()
    }

    fn spec_properties(schema: &str) -> BTreeSet<String> {
        spec::properties(schema).expect("an object schema").iter().map(|p| p.name.to_owned()).collect()
    }

    fn spec_values(schema: &str) -> BTreeSet<String> {
        spec::enum_values(schema).expect("an enum schema").iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn the_mirror_types_have_the_spec_properties_and_values() {
        assert_eq!(
            property_names::<super::PlainEnrollment>(),
            spec_properties("Enrollment"),
            "PlainEnrollment"
        );
        assert_eq!(
            property_names::<super::PlainEnrolledDependent>(),
            spec_properties("EnrolledDependent"),
            "PlainEnrolledDependent"
        );
        assert_eq!(enum_values::<super::PlainEnrollmentStatus>(), spec_values("EnrollmentStatus"));
        assert_eq!(enum_values::<super::PlainCoverageTier>(), spec_values("CoverageTier"));
        assert_eq!(enum_values::<super::PlainRelationship>(), spec_values("Relationship"));
    }
}
