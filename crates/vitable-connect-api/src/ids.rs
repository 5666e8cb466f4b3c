//! One type per kind of ID, so an `EmployeeId` can never be passed where an `EnrollmentId`
//! belongs.
//!
//! Every type here comes from the single `id_types!` invocation at the bottom of this file.
//! Each has `Display`, `FromStr`, `AsRef<str>`, `Borrow<str>`, transparent serde,
//! `Eq`/`Hash`/`Ord` and a JSON Schema.
//!
//! Two ways in, with different rules:
//! * **Parsing** a string you typed or stored (`"enrl_8fK2x9".parse::<EnrollmentId>()`,
//!   `TryFrom<&str>`) checks the type prefix and a safe character set (ASCII letters, digits,
//!   `_` and `-`), so a malformed ID fails before any request is made. The error says what was
//!   expected and, when the value carries another kind's prefix, which kind it looks like. It
//!   never shows the rejected value itself (someone may have pasted an SSN or an API key where
//!   an ID belongs): only its length and, when harmless, its start up to the first `_`.
//! * **Deserializing** an ID sent by the server accepts it as it comes: the provider may add
//!   new prefixes, and a response must never fail over one.
//!
//! ```
//! use vitable_connect_api::ids::{EmployeeId, EnrollmentId};
//!
//! let id: EnrollmentId = "enrl_8fK2x9".parse().unwrap();
//! assert_eq!(id.as_str(), "enrl_8fK2x9");
//!
//! let err = "empl_9x".parse::<EnrollmentId>().unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "expected an enrollment ID (enrl_…), got `empl_…` (7 characters): that is an employee ID"
//! );
//!
//! let err = "123-45-6789".parse::<EnrollmentId>().unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "expected an enrollment ID (enrl_…), got a value of 11 characters: it does not start with `enrl_`"
//! );
//! # let _ = EmployeeId::PREFIX;
//! ```

use std::borrow::Borrow;
#[cfg(feature = "schemars")]
use std::borrow::Cow;
use std::fmt;

/// The longest ID accepted when parsing user input.
pub const MAX_ID_LEN: usize = 128;

/// The longest start of a rejected value an [`IdError`] shows: at most this many lowercase
/// ASCII letters, then the first `_` (the shape of an ID prefix, e.g. `empl_`).
const MAX_SHOWN_START: usize = 8;

/// Why a string could not be parsed as an ID of a given kind.
///
/// The message names the expected kind and prefix and what is wrong, e.g.
/// ``expected an enrollment ID (enrl_…), got `empl_…` (7 characters): that is an employee ID``.
///
/// Neither `Display` nor `Debug` shows the rejected value: a user may have pasted an SSN or
/// an API key where an ID belongs. They show its length in characters and, at most, its
/// start up to the first `_` when that start is a few lowercase letters (`empl_`, `enr_`),
/// so no digit of the value ever shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdError {
    expected: &'static str,
    prefix: &'static str,
    /// The harmless start of the value (see [`shown_start`]), if it has one.
    start: Option<String>,
    /// The value's length in characters.
    chars: usize,
    /// For a forbidden character, its position (1-based, in characters); 0 otherwise.
    position: usize,
    problem: IdProblem,
}

/// What exactly is wrong with a rejected ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdProblem {
    /// The string is empty.
    Empty,
    /// The string starts with the prefix of another kind of ID (named here).
    OtherKind(&'static str),
    /// The string does not start with the expected prefix.
    MissingPrefix,
    /// Nothing follows the prefix.
    NothingAfterPrefix,
    /// A character outside ASCII letters, digits, `_` and `-`.
    ForbiddenChar(char),
    /// Longer than [`MAX_ID_LEN`] bytes.
    TooLong,
}

impl IdError {
    /// The kind of ID that was expected, e.g. `"enrollment"`.
    pub fn expected_kind(&self) -> &'static str {
        self.expected
    }

    /// The prefix the expected kind starts with, e.g. `"enrl_"`.
    pub fn expected_prefix(&self) -> &'static str {
        self.prefix
    }

    /// What is wrong with the value.
    pub fn problem(&self) -> IdProblem {
        self.problem
    }
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let article = if self.expected.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        write!(f, "expected {article} {} ID ({}…), ", self.expected, self.prefix)?;
        if self.problem == IdProblem::Empty {
            return f.write_str("got an empty string");
        }
        let plural = if self.chars == 1 { "" } else { "s" };
        match &self.start {
            Some(start) if start.len() == self.chars => write!(f, "got `{start}`: ")?,
            Some(start) => write!(f, "got `{start}…` ({} character{plural}): ", self.chars)?,
            None => write!(f, "got a value of {} character{plural}: ", self.chars)?,
        }
        match self.problem {
            IdProblem::Empty => Ok(()),
            IdProblem::OtherKind(kind) => {
                let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
                write!(f, "that is {article} {kind} ID")
            }
            IdProblem::MissingPrefix => write!(f, "it does not start with `{}`", self.prefix),
            IdProblem::NothingAfterPrefix => f.write_str("nothing follows the prefix"),
            IdProblem::ForbiddenChar(c) => write!(
                f,
                "{c:?} (character {}) is not allowed in an ID (only ASCII letters, digits, `_` and `-`)",
                self.position
            ),
            IdProblem::TooLong => write!(f, "longer than {MAX_ID_LEN} bytes"),
        }
    }
}

impl std::error::Error for IdError {}

/// The start of a rejected value that an error may show: the part up to and including the
/// first `_`, when what comes before it is 1 to [`MAX_SHOWN_START`] lowercase ASCII letters
/// (the shape of an ID prefix). Nothing else of the value is ever shown: it may be an SSN or
/// an API key pasted in the wrong place, and this start holds no digit and is too short to
/// be a secret.
fn shown_start(value: &str) -> Option<String> {
    let (before, _) = value.split_once('_')?;
    let harmless =
        (1..=MAX_SHOWN_START).contains(&before.len()) && before.bytes().all(|b| b.is_ascii_lowercase());
    harmless.then(|| format!("{before}_"))
}

/// Checks `value` as an ID of kind `expected` with `prefix`.
fn validate(value: &str, expected: &'static str, prefix: &'static str) -> Result<(), IdError> {
    let fail = |problem, position| {
        Err(IdError {
            expected,
            prefix,
            start: shown_start(value),
            chars: value.chars().count(),
            position,
            problem,
        })
    };
    if value.is_empty() {
        return fail(IdProblem::Empty, 0);
    }
    if value.len() > MAX_ID_LEN {
        return fail(IdProblem::TooLong, 0);
    }
    if let Some((i, c)) =
        value.chars().enumerate().find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return fail(IdProblem::ForbiddenChar(c), i + 1);
    }
    match value.strip_prefix(prefix) {
        Some("") => fail(IdProblem::NothingAfterPrefix, 0),
        Some(_) => Ok(()),
        None => match KINDS.iter().find(|(p, _)| value.starts_with(p)) {
            Some((_, kind)) => fail(IdProblem::OtherKind(kind), 0),
            None => fail(IdProblem::MissingPrefix, 0),
        },
    }
}

/// Defines one ID type per line: `Name, "prefix_", "kind name", "example";`.
macro_rules! id_types {
    ($($name:ident, $prefix:literal, $kind:literal, $example:literal;)+) => {
        /// Every known prefix and the kind of ID it marks.
        const KINDS: &[(&str, &str)] = &[$(($prefix, $kind)),+];

        $(
            #[doc = concat!("ID of ", $kind, " (`", $prefix, "…`), e.g. `", $example, "`.")]
            ///
            /// Parse user input with `FromStr`/`TryFrom` (checked); IDs in responses are taken as
            /// the server sends them. See the [module docs](self).
            #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
            #[serde(transparent)]
            pub struct $name(String);

            impl $name {
                #[doc = concat!("The prefix of ", $kind, " IDs: `", $prefix, "`.")]
                pub const PREFIX: &'static str = $prefix;

                /// The ID as a string slice.
                pub fn as_str(&self) -> &str {
                    &self.0
                }

                /// The ID as an owned string.
                pub fn into_string(self) -> String {
                    self.0
                }
            }

            impl fmt::Debug for $name {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.debug_tuple(stringify!($name)).field(&self.0).finish()
                }
            }

            impl fmt::Display for $name {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str(&self.0)
                }
            }

            impl std::str::FromStr for $name {
                type Err = IdError;
                fn from_str(s: &str) -> Result<Self, IdError> {
                    validate(s, $kind, $prefix)?;
                    Ok(Self(s.to_owned()))
                }
            }

            impl TryFrom<&str> for $name {
                type Error = IdError;
                fn try_from(s: &str) -> Result<Self, IdError> {
                    s.parse()
                }
            }

            impl TryFrom<String> for $name {
                type Error = IdError;
                fn try_from(s: String) -> Result<Self, IdError> {
                    validate(&s, $kind, $prefix)?;
                    Ok(Self(s))
                }
            }

            impl TryFrom<&String> for $name {
                type Error = IdError;
                fn try_from(s: &String) -> Result<Self, IdError> {
                    s.as_str().parse()
                }
            }

            impl From<&$name> for $name {
                fn from(id: &$name) -> Self {
                    id.clone()
                }
            }

            impl From<$name> for String {
                fn from(id: $name) -> String {
                    id.0
                }
            }

            impl AsRef<str> for $name {
                fn as_ref(&self) -> &str {
                    &self.0
                }
            }

            impl Borrow<str> for $name {
                fn borrow(&self) -> &str {
                    &self.0
                }
            }

            impl PartialEq<str> for $name {
                fn eq(&self, other: &str) -> bool {
                    self.0 == other
                }
            }

            impl PartialEq<&str> for $name {
                fn eq(&self, other: &&str) -> bool {
                    self.0 == *other
                }
            }

            #[cfg(feature = "schemars")]
            impl schemars::JsonSchema for $name {
                fn schema_name() -> Cow<'static, str> {
                    stringify!($name).into()
                }

                fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                    schemars::json_schema!({
                        "description": concat!("ID of ", $kind, " (`", $prefix, "` prefix)."),
                        "type": "string",
                        "examples": [$example]
                    })
                }
            }
        )+
    };
}

id_types! {
    BenefitProductId, "bprd_", "benefit product", "bprd_2Mx8Qa";
    CarrierPlanId, "cplan_", "carrier plan", "cplan_8Jv2Rm";
    DependentId, "dpnd_", "dependent", "dpnd_4Rt6Yx";
    EligibilityPolicyId, "epol_", "eligibility policy", "epol_1Bz5Nf";
    EmployeeId, "empl_", "employee", "empl_5Nq1Zt";
    EmployerId, "empr_", "employer", "empr_7Hc3Vb";
    EnrollmentId, "enrl_", "enrollment", "enrl_8fK2x9";
    MemberId, "mbr_", "member", "mbr_Q2w7Lp";
    OrganizationId, "org_", "organization", "org_3Tk9Pw";
    PlanId, "plan_", "plan", "plan_9Ls3Ge";
    PlanYearId, "plyr_", "plan year", "plyr_6Wd4Kc";
    QleId, "qle_", "qualifying life event", "qle_3Jd82k";
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_error_names_the_kind_a_foreign_prefix_belongs_to() {
        let err = "qle_3Jd82k".parse::<EnrollmentId>().unwrap_err();
        assert_eq!(err.problem(), IdProblem::OtherKind("qualifying life event"));
        assert_eq!(
            err.to_string(),
            "expected an enrollment ID (enrl_…), got `qle_…` (10 characters): that is a qualifying life event ID"
        );
        let err = "plan_1".parse::<PlanYearId>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "expected a plan year ID (plyr_…), got `plan_…` (6 characters): that is a plan ID"
        );
    }

    #[test]
    fn unsafe_characters_are_rejected() {
        for bad in ["enrl_a/b", "enrl_a?b", "enrl_a#b", "enrl_..", "enrl_a b", "enrl_\n", "enrl_é"] {
            let err = bad.parse::<EnrollmentId>().unwrap_err();
            assert!(matches!(err.problem(), IdProblem::ForbiddenChar(_)), "{bad}: {err}");
        }
        assert_eq!("".parse::<QleId>().unwrap_err().problem(), IdProblem::Empty);
        assert_eq!("qle_".parse::<QleId>().unwrap_err().problem(), IdProblem::NothingAfterPrefix);
        assert_eq!("abc".parse::<QleId>().unwrap_err().problem(), IdProblem::MissingPrefix);
        let long = format!("qle_{}", "x".repeat(MAX_ID_LEN));
        let err = long.parse::<QleId>().unwrap_err();
        assert_eq!(err.problem(), IdProblem::TooLong);
        assert!(err.to_string().len() < 200, "long values are shortened: {err}");
    }

    /// Everything an error shows: `Display`, `Debug` and `{:#?}`.
    fn rendered(err: &IdError) -> String {
        format!("{err}\n{err:?}\n{err:#?}")
    }

    /// Someone pasting an SSN or the API key where an ID belongs must not get it printed,
    /// not even in part.
    #[test]
    fn an_id_error_never_shows_an_ssn_or_a_key() {
        let inputs = [
            "123-45-6789",
            "123456789",
            " 123-45-6789",
            "sk_test_SECRET_KEY_123",
            "SECRET_KEY_123",
            "enr_123-45-6789",
            "enrl_123456789 x",
            "empl_123456789",
            "123_45_6789",
            "ssn123456789",
        ];
        for input in inputs {
            let err = input.parse::<EnrollmentId>().unwrap_err();
            let shown = rendered(&err);
            for part in ["6789", "2345", "123-", "SECRET", "KEY_", "test_"] {
                assert!(!shown.contains(part), "{input:?} shows {part:?}:\n{shown}");
            }
            assert!(shown.contains("enrollment ID (enrl_…)"), "{shown}");
        }
        let long = format!("{}123-45-6789", "sk_".repeat(60));
        let shown = rendered(&long.parse::<QleId>().unwrap_err());
        assert!(!shown.contains("6789") && !shown.contains("sk_sk_"), "{shown}");
    }

    #[test]
    fn the_error_still_says_what_was_expected_and_what_is_wrong() {
        let text = |s: &str| s.parse::<EnrollmentId>().unwrap_err().to_string();
        assert_eq!(
            text("empl_9x"),
            "expected an enrollment ID (enrl_…), got `empl_…` (7 characters): that is an employee ID"
        );
        assert_eq!(
            text("123-45-6789"),
            "expected an enrollment ID (enrl_…), got a value of 11 characters: it does not start with `enrl_`"
        );
        assert_eq!(
            text("enr_8fK2x9"),
            "expected an enrollment ID (enrl_…), got `enr_…` (10 characters): it does not start with `enrl_`"
        );
        assert_eq!(
            text("enrl_"),
            "expected an enrollment ID (enrl_…), got `enrl_`: nothing follows the prefix"
        );
        assert_eq!(text(""), "expected an enrollment ID (enrl_…), got an empty string");
        assert_eq!(
            text("enrl_a b"),
            "expected an enrollment ID (enrl_…), got `enrl_…` (8 characters): ' ' (character 7) is not \
             allowed in an ID (only ASCII letters, digits, `_` and `-`)"
        );
        assert_eq!(
            text(&format!("enrl_{}", "x".repeat(200))),
            "expected an enrollment ID (enrl_…), got `enrl_…` (205 characters): longer than 128 bytes"
        );
        // A start that is long, or not plain lowercase letters, is not shown.
        assert_eq!(
            text("Bearer_abc"),
            "expected an enrollment ID (enrl_…), got a value of 10 characters: it does not start with `enrl_`"
        );
        assert_eq!(
            text("abcdefghi_x"),
            "expected an enrollment ID (enrl_…), got a value of 11 characters: it does not start with `enrl_`"
        );
        assert_eq!(
            text("é"),
            "expected an enrollment ID (enrl_…), got a value of 1 character: 'é' (character 1) is not \
             allowed in an ID (only ASCII letters, digits, `_` and `-`)"
        );
    }

    #[test]
    fn server_ids_are_accepted_whatever_their_prefix() {
        let id: EnrollmentId = serde_json::from_str("\"enrl2_new-format\"").unwrap();
        assert_eq!(id, "enrl2_new-format");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"enrl2_new-format\"");
    }

    proptest! {
        #[test]
        fn any_safe_suffix_after_the_prefix_parses(suffix in "[A-Za-z0-9_-]{1,100}") {
            let s = format!("enrl_{suffix}");
            let id: EnrollmentId = s.parse().unwrap();
            prop_assert_eq!(id.to_string(), s);
        }

        #[test]
        fn parsing_never_panics_and_accepts_only_safe_ids(s in "\\PC{0,150}") {
            if let Ok(id) = s.parse::<DependentId>() {
                prop_assert!(id.as_str().starts_with("dpnd_"));
                prop_assert!(id.as_str().len() <= MAX_ID_LEN);
                prop_assert!(!id.as_str().contains(['/', '?', '#', '.', ' ']));
            }
        }

        /// The text of an error never depends on the digits of the rejected value: an SSN
        /// (or any other number) in it cannot show, not even in part.
        #[test]
        fn the_error_text_never_depends_on_the_digits_of_the_value(
            s in "[a-z_]{0,6}[0-9-]{0,20}[a-zA-Z0-9_ -]{0,20}|\\PC{0,150}",
        ) {
            let other: String = s
                .chars()
                .map(|c| c.to_digit(10).map_or(c, |d| char::from_digit((d + 7) % 10, 10).unwrap()))
                .collect();
            if let (Err(a), Err(b)) = (s.parse::<DependentId>(), other.parse::<DependentId>()) {
                prop_assert_eq!(rendered(&a), rendered(&b));
            }
        }

        /// Beyond a short start of lowercase letters, the rejected value is never shown whole.
        #[test]
        fn the_rejected_value_is_never_shown(s in "\\PC{10,150}|[a-z]{0,5}_[A-Za-z0-9_-]{5,30}") {
            if let Err(err) = s.parse::<PlanYearId>() {
                let shown = rendered(&err);
                prop_assert!(!shown.contains(s.as_str()), "{:?} is shown: {}", s, shown);
            }
        }

        #[test]
        fn another_kinds_id_is_named_in_the_error(suffix in "[A-Za-z0-9]{1,20}") {
            let err = format!("empl_{suffix}").parse::<EnrollmentId>().unwrap_err();
            prop_assert_eq!(err.problem(), IdProblem::OtherKind("employee"));
            prop_assert!(err.to_string().ends_with("that is an employee ID"));
        }
    }
}
