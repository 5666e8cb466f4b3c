//! What the generated enums share: the text of a value this SDK does not know yet.
//!
//! Every enum of the API is *open*: a server newer than this crate may send a value that
//! `openapi.yaml` did not list when the crate was generated. Such a value decodes to the
//! enum's `Unrecognized` variant instead of failing the whole response, keeps its exact text, and
//! is sent back unchanged when the value is serialized again.
//!
//! ```
//! use vitable_connect_api::types::EnrollmentStatus;
//!
//! let status: EnrollmentStatus = serde_json::from_str(r#""archived""#).unwrap();
//! match &status {
//!     EnrollmentStatus::Pending => println!("waiting for elections"),
//!     EnrollmentStatus::Unrecognized(value) => assert_eq!(value.as_str(), "archived"),
//!     other => println!("{other}"),
//! }
//! assert_eq!(status.as_str(), "archived");
//! assert_eq!(serde_json::to_string(&status).unwrap(), r#""archived""#);
//!
//! // Known text always gives the known variant, however the value is made.
//! assert_eq!(EnrollmentStatus::from("pending"), EnrollmentStatus::Pending);
//! ```

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// The exact text of an enum value this version of the SDK does not know.
///
/// It can only be made by decoding or by the enums' `From<&str>`, which gives the known
/// variant for known text, so an `Unrecognized` never holds a value the SDK knows.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnrecognizedValue(String);

impl UnrecognizedValue {
    /// Wraps text that the calling enum has already checked is none of its known values.
    pub(crate) fn new(text: String) -> Self {
        Self(text)
    }

    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UnrecognizedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for UnrecognizedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for UnrecognizedValue {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Decodes an open enum from a JSON string without copying known values.
pub(crate) fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: for<'a> From<&'a str> + From<String>,
{
    struct Visitor<T>(PhantomData<T>);

    impl<T> serde::de::Visitor<'_> for Visitor<T>
    where
        T: for<'a> From<&'a str> + From<String>,
    {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }

        fn visit_string<E: serde::de::Error>(self, value: String) -> Result<T, E> {
            Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(Visitor(PhantomData))
}

/// The JSON Schema of an open enum: one of the known values, or any other string.
pub(crate) fn json_schema(description: &str, known: &[&str]) -> schemars::Schema {
    schemars::json_schema!({
        "description": description,
        "anyOf": [
            { "type": "string", "enum": known },
            { "type": "string", "description": "A value added to the API after this SDK was generated." },
        ],
    })
}

/// The schema name of an open enum.
pub(crate) fn schema_name(name: &'static str) -> Cow<'static, str> {
    Cow::Borrowed(name)
}
