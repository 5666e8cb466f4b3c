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
//!
//! // Parsing checks: a value the SDK does not know is an error...
//! assert!("pendnig".parse::<EnrollmentStatus>().is_err());
//! // ...while `From` keeps any text, to send a value newer than the SDK on purpose.
//! assert!(EnrollmentStatus::from("archived").is_unrecognized());
//! ```

#[cfg(feature = "schemars")]
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

/// Text that is none of an enum's known values, given to its `FromStr`.
///
/// Parsing is the checked way in: a typo fails before anything is sent. To send a value this
/// SDK does not know yet on purpose, use the enum's `From<&str>`, which keeps unknown text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseEnumError {
    enum_name: &'static str,
    text: String,
    known: &'static [&'static str],
}

/// The longest part of the rejected text an error shows.
const SHOWN_CHARS: usize = 64;

impl ParseEnumError {
    pub(crate) fn new(enum_name: &'static str, text: &str, known: &'static [&'static str]) -> Self {
        Self { enum_name, text: text.chars().take(SHOWN_CHARS + 1).collect(), known }
    }

    /// The enum's name, e.g. `EventType`.
    pub fn enum_name(&self) -> &'static str {
        self.enum_name
    }

    /// The values the enum knows.
    pub fn known(&self) -> &'static [&'static str] {
        self.known
    }
}

impl fmt::Display for ParseEnumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: String = self.text.chars().take(SHOWN_CHARS).collect();
        let cut = if self.text.chars().count() > SHOWN_CHARS { "…" } else { "" };
        write!(f, "{shown:?}{cut} is not a known {} value; expected one of ", self.enum_name)?;
        for (i, value) in self.known.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{value:?}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseEnumError {}

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
#[cfg(feature = "schemars")]
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
#[cfg(feature = "schemars")]
pub(crate) fn schema_name(name: &'static str) -> Cow<'static, str> {
    Cow::Borrowed(name)
}
