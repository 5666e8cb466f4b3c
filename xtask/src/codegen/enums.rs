//! Generates the API's enums as *open* enums into `vitable-connect-api/src/generated_enums.rs`.
//!
//! typify's enums are closed: a value the spec did not list fails the whole response. Each
//! enum schema is therefore replaced (see `codegen::settings`) by the type written here: one
//! variant per value of the spec, named in upper camel case as typify names them (`EE` is
//! `Ee`, `Job Loss` is `JobLoss`; a value giving no valid or a duplicate name stops codegen), plus `Unrecognized(UnrecognizedValue)`, which keeps the text of a
//! value added to the API later. Known text always decodes to its variant; unknown text is
//! re-serialized exactly as it came.

use heck::ToUpperCamelCase;

use crate::codegen::spec::{Api, ModelKind};

/// Path of the output, relative to the workspace root.
pub const OUTPUT: &str = "crates/vitable-connect-api/src/generated_enums.rs";

/// The Rust variant name of an enum value, as typify names it.
pub fn variant(value: &str) -> String {
    value.to_upper_camel_case()
}

/// The enum schemas of the spec: name, description and values.
pub fn enums(api: &Api) -> impl Iterator<Item = (&str, &str, &[String])> {
    api.schemas.values().filter_map(|m| match &m.kind {
        ModelKind::Enum(values) => Some((m.name.as_str(), m.description.as_str(), values.as_slice())),
        _ => None,
    })
}

/// The text of `generated_enums.rs`.
pub fn render(api: &Api) -> Result<String, String> {
    let mut out = String::from(
        "//! The API's enums. Each is open: a value this SDK does not know decodes to `Unrecognized`\n\
         //! (see [`crate::UnrecognizedValue`]).\n\n\
         use crate::unrecognized::{self, ParseEnumError, UnrecognizedValue};\n\n",
    );
    for (name, description, values) in enums(api) {
        let variants: Vec<String> = values.iter().map(|v| variant(v)).collect();
        let mut seen = std::collections::BTreeSet::new();
        for (value, variant) in values.iter().zip(&variants) {
            let identifier = variant.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && variant.chars().all(|c| c.is_ascii_alphanumeric())
                && syn::parse_str::<syn::Ident>(variant).is_ok();
            if !identifier || variant == "Unrecognized" || !seen.insert(variant) {
                return Err(format!(
                    "enum `{name}`: value {value:?} gives the variant name `{variant}`, which is not a \
                     Rust identifier starting with a letter, is reserved, or is taken by another value"
                ));
            }
        }
        let doc = if description.is_empty() { format!("`{name}`.") } else { description.to_owned() };
        let arms = |f: &dyn Fn(&str, &str) -> String| -> String {
            values.iter().zip(&variants).map(|(value, variant)| f(value, variant)).collect()
        };
        let decl = arms(&|value, variant| format!("/// `{value:?}` on the wire.\n{variant},\n"));
        let as_str = arms(&|value, variant| format!("Self::{variant} => {value:?},\n"));
        let from = arms(&|value, variant| format!("{value:?} => Some(Self::{variant}),\n"));
        let known = arms(&|value, _| format!("{value:?}, "));
        let all = arms(&|_, variant| format!("Self::{variant}, "));
        out += &format!(
            r#"
#[doc = {doc:?}]
///
/// Open: a value added to the API after this SDK was generated decodes to
/// [`Unrecognized`](Self::Unrecognized) with its text, and is sent back exactly as received. Match with a
/// wildcard arm; a new known variant is not a breaking change. From text: `parse()` accepts the
/// known values only; `From<&str>` picks the known variant when there is one and keeps any
/// other text as `Unrecognized` (to send a value newer than this SDK on purpose).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum {name} {{
    {decl}
    /// A value this version of the SDK does not know, kept as sent.
    Unrecognized(UnrecognizedValue),
}}

impl {name} {{
    /// Every value this SDK knows, in the spec's order.
    pub const KNOWN: &'static [&'static str] = &[{known}];

    /// The value on the wire.
    pub fn as_str(&self) -> &str {{
        match self {{
            {as_str}
            Self::Unrecognized(value) => value.as_str(),
        }}
    }}

    /// Whether this is a value the SDK does not know.
    pub fn is_unrecognized(&self) -> bool {{
        matches!(self, Self::Unrecognized(_))
    }}

    /// Every known variant, in the spec's order.
    pub fn known() -> impl ExactSizeIterator<Item = Self> {{
        [{all}].into_iter()
    }}

    fn known_value(text: &str) -> Option<Self> {{
        match text {{
            {from}
            _ => None,
        }}
    }}
}}

impl From<&str> for {name} {{
    fn from(text: &str) -> Self {{
        Self::known_value(text).unwrap_or_else(|| Self::Unrecognized(UnrecognizedValue::new(text.to_owned())))
    }}
}}

impl From<String> for {name} {{
    fn from(text: String) -> Self {{
        Self::known_value(&text).unwrap_or_else(|| Self::Unrecognized(UnrecognizedValue::new(text)))
    }}
}}

impl From<&String> for {name} {{
    fn from(text: &String) -> Self {{
        Self::from(text.as_str())
    }}
}}

/// Checked: text that is none of the known values is an error (use `From<&str>` to keep it).
impl std::str::FromStr for {name} {{
    type Err = ParseEnumError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {{
        Self::known_value(text).ok_or_else(|| ParseEnumError::new({name:?}, text, Self::KNOWN))
    }}
}}

impl std::fmt::Display for {name} {{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{
        f.write_str(self.as_str())
    }}
}}

impl AsRef<str> for {name} {{
    fn as_ref(&self) -> &str {{
        self.as_str()
    }}
}}

impl serde::Serialize for {name} {{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {{
        serializer.serialize_str(self.as_str())
    }}
}}

impl<'de> serde::Deserialize<'de> for {name} {{
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {{
        unrecognized::deserialize(deserializer)
    }}
}}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for {name} {{
    fn schema_name() -> std::borrow::Cow<'static, str> {{
        unrecognized::schema_name({name:?})
    }}
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {{
        unrecognized::json_schema({doc:?}, Self::KNOWN)
    }}
}}
"#
        );
    }
    Ok(out)
}
