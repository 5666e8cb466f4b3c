//! A social security number that never shows itself in `Debug`, and the masking of SSN-shaped
//! text that the SDK and the sandbox share.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use serde::{Deserialize, Deserializer, Serialize};

/// A US social security number, as sent when creating an employee or a dependent.
///
/// The API accepts `XXX-XX-XXXX` or `XXXXXXXXX` ([`ssn_forms`], from the spec's `Ssn` schema). The number is kept exactly as given and sent
/// as-is on the wire, but `Debug` prints `Ssn(<redacted>)` and there is no `Display`, so it
/// cannot leak into logs, panics or error messages by accident. Read it with
/// [`Ssn::expose`] where you really need it.
///
/// ```
/// use vitable_connect_api::Ssn;
/// let ssn: Ssn = "123-45-6789".parse().unwrap();
/// assert_eq!(format!("{ssn:?}"), "Ssn(<redacted>)");
/// assert_eq!(ssn.last_four(), "6789");
/// assert!("12-345".parse::<Ssn>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Ssn(String);

/// Why a string is not a valid SSN. Its message never contains the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsnError;

impl fmt::Display for SsnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = ssn_forms().first().map_or(0, |form| form.bytes().filter(|b| *b == b'X').count());
        write!(f, "an SSN must be {digits} digits, as {}", ssn_forms().join(" or "))
    }
}

/// The `Ssn` schema's limits in the spec.
static LIMITS: LazyLock<crate::spec::Limits> =
    LazyLock::new(|| match crate::spec::schema("Ssn").map(|s| s.kind) {
        Some(crate::spec::SchemaKind::String(limits)) => limits,
        _ => crate::spec::Limits::NONE,
    });

/// How many digits of an SSN the API returns: the `X`s of the first `x-shapes` form of
/// `Dependent.ssn_last_four` in the spec (`XXXX`); 0 without one.
static SHOWN_DIGITS: LazyLock<usize> = LazyLock::new(|| {
    crate::spec::properties("Dependent")
        .and_then(|props| props.iter().find(|p| p.name == "ssn_last_four"))
        .and_then(|p| p.limits.shapes.first())
        .map_or(0, |form| form.matches('X').count())
});

/// The forms an SSN is written in, longest first (`X` a digit): the `x-shapes` of the spec's
/// `Ssn` schema.
static FORMS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut forms = LIMITS.shapes.to_vec();
    forms.sort_by_key(|form| std::cmp::Reverse(form.len()));
    forms
});

/// The forms an SSN is written in, longest first, `X` standing for a digit:
/// `["XXX-XX-XXXX", "XXXXXXXXX"]` (the `x-shapes` of the spec's `Ssn` schema).
pub fn ssn_forms() -> &'static [&'static str] {
    &FORMS
}

/// The form of an SSN written at the front of `bytes` (the longest that fits), whatever
/// follows it; `None` when none does.
pub fn ssn_form_at(bytes: &[u8]) -> Option<&'static str> {
    if !bytes.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    ssn_forms().iter().copied().find(|form| {
        bytes.len() >= form.len()
            && form.bytes().zip(bytes).all(|(f, b)| if f == b'X' { b.is_ascii_digit() } else { f == *b })
    })
}

impl std::error::Error for SsnError {}

impl Ssn {
    /// Checks the form (`XXX-XX-XXXX` or nine digits) and wraps the number.
    pub fn new(value: impl Into<String>) -> Result<Self, SsnError> {
        let value = value.into();
        if LIMITS.fits_shape(&value) && !LIMITS.shapes.is_empty() { Ok(Self(value)) } else { Err(SsnError) }
    }

    /// The full number. Handle with care: this is personal data.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The end of the number that the API returns as `ssn_last_four`, the only part it ever
    /// returns: as many digits as the `x-shapes` of `ssn_last_four` in the spec hold (four),
    /// cut from the number as written. Empty if the spec gives no such form.
    pub fn last_four(&self) -> &str {
        let wanted = *SHOWN_DIGITS;
        if wanted == 0 {
            return "";
        }
        let mut digits = 0;
        let start = self
            .0
            .char_indices()
            .rev()
            .find(|(_, c)| {
                digits += usize::from(c.is_ascii_digit());
                digits == wanted
            })
            .map_or(0, |(i, _)| i);
        &self.0[start..]
    }
}

impl fmt::Debug for Ssn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Ssn(<redacted>)")
    }
}

impl FromStr for Ssn {
    type Err = SsnError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<&str> for Ssn {
    type Error = SsnError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl TryFrom<String> for Ssn {
    type Error = SsnError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl<'de> Deserialize<'de> for Ssn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        Self::new(value).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Ssn {
    fn schema_name() -> Cow<'static, str> {
        "Ssn".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": format!("US social security number, {}. Write-only.", ssn_forms().join(" or ")),
            "type": "string",
            "minLength": LIMITS.min_length,
            "maxLength": LIMITS.max_length,
            "writeOnly": true
        })
    }
}

/// What an SSN-shaped run is replaced with by [`mask_ssns`].
pub const SSN_MASK: &str = "***-**-****";

/// Replaces every SSN-shaped run in `text` (one of [`ssn_forms`] not touching another digit:
/// `123-45-6789`, or exactly nine digits standing alone) with [`SSN_MASK`]. Used on all text from outside that may be shown: the SDK's error
/// messages and the sandbox's errors and log.
pub fn mask_ssns(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let standalone = i == 0 || !bytes[i - 1].is_ascii_digit();
        let len = if standalone { ssn_len_at(&bytes[i..]) } else { 0 };
        if len > 0 {
            let buf = out.get_or_insert_with(|| String::with_capacity(text.len()));
            buf.push_str(&text[copied..i]);
            buf.push_str(SSN_MASK);
            i += len;
            copied = i;
        } else {
            i += 1;
        }
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut buf) => {
            buf.push_str(&text[copied..]);
            Cow::Owned(buf)
        }
    }
}

/// Length of an SSN starting at the front of `b` and not followed by a digit, or 0.
fn ssn_len_at(b: &[u8]) -> usize {
    match ssn_form_at(b) {
        Some(form) if !b.get(form.len()).is_some_and(u8::is_ascii_digit) => form.len(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `form` with its `X`s replaced by digits.
    fn written_in(form: &str) -> String {
        form.chars().zip("123456789012".chars().cycle()).map(|(f, d)| if f == 'X' { d } else { f }).collect()
    }

    /// Every form the spec gives (`x-shapes` of `Ssn`) is accepted, masked and shown in the
    /// error message; the same text with one digit turned into a letter is refused.
    #[test]
    fn every_form_of_the_spec_is_accepted_and_masked() {
        assert!(!ssn_forms().is_empty(), "the spec's Ssn has x-shapes");
        for form in ssn_forms() {
            let text = written_in(form);
            assert!(text.parse::<Ssn>().is_ok(), "{form}: {text}");
            assert_eq!(mask_ssns(&format!("ssn {text}.")), format!("ssn {SSN_MASK}."), "{form}");
            assert!(SsnError.to_string().contains(form));
            let broken = text.replacen(|c: char| c.is_ascii_digit(), "x", 1);
            assert!(broken.parse::<Ssn>().is_err(), "{broken}");
        }
    }

    /// A form is found only whole, and masking needs it to stand apart from other digits.
    #[test]
    fn forms_are_found_whole_and_standing_alone() {
        assert_eq!(ssn_form_at(b"123456789"), Some("XXXXXXXXX"));
        assert_eq!(ssn_form_at(b"123-45-6789 and more"), Some("XXX-XX-XXXX"));
        assert_eq!(ssn_form_at(b"12345678"), None, "a prefix of a form is not an SSN");
        assert_eq!(ssn_form_at(b"123-45"), None);
        assert_eq!(ssn_form_at(b"x123456789"), None);
        assert_eq!(mask_ssns("1234567890"), "1234567890", "ten digits are not an SSN");
        assert_eq!(mask_ssns("123-45-67890"), "123-45-67890");
        let digits = ssn_forms()[0].matches('X').count();
        let message = SsnError.to_string();
        assert!(message.starts_with(&format!("an SSN must be {digits} digits, as ")), "{message}");
        assert!(ssn_forms().iter().all(|form| message.contains(form)), "{message}");
    }

    /// The JSON Schema states the spec's lengths and forms, and that the value is write-only.
    #[cfg(feature = "schemars")]
    #[test]
    fn the_json_schema_follows_the_spec() {
        let schema = serde_json::to_value(schemars::schema_for!(Ssn)).unwrap();
        assert_eq!(schema["minLength"], LIMITS.min_length.expect("the spec's Ssn has a minLength"));
        assert_eq!(schema["maxLength"], LIMITS.max_length.expect("the spec's Ssn has a maxLength"));
        assert_eq!(schema["writeOnly"], true);
        let description = schema["description"].as_str().unwrap();
        assert!(ssn_forms().iter().all(|form| description.contains(form)), "{description}");
    }

    /// What `last_four` returns is written as the spec gives `ssn_last_four` (its `x-shapes`,
    /// the part of an SSN the API returns), and ends the SSN, for every form of SSN.
    #[test]
    fn last_four_is_written_as_the_spec_gives_ssn_last_four() {
        let shown = crate::spec::properties("Dependent")
            .and_then(|props| props.iter().find(|p| p.name == "ssn_last_four"))
            .map(|p| p.limits)
            .expect("Dependent.ssn_last_four in the spec");
        assert!(!shown.shapes.is_empty(), "the spec's ssn_last_four has x-shapes");
        for form in ssn_forms() {
            let text = written_in(form);
            let last = Ssn::new(text.clone()).unwrap().last_four().to_owned();
            assert!(shown.fits_shape(&last), "{text}: {last:?} is not one of {:?}", shown.shapes);
            assert!(text.ends_with(&last), "{text}: {last:?}");
        }
    }

    #[test]
    fn accepts_both_forms_and_serializes_the_real_value() {
        for s in ["123-45-6789", "123456789"] {
            let ssn: Ssn = s.parse().unwrap();
            assert_eq!(serde_json::to_string(&ssn).unwrap(), format!("\"{s}\""));
        }
    }

    #[test]
    fn rejects_other_forms_without_echoing_them() {
        for s in ["", "12345678", "1234567890", "123-456-789", "abc-de-fghi", "123-45-67890"] {
            let err = s.parse::<Ssn>().unwrap_err().to_string();
            assert!(s.is_empty() || !err.contains(s), "{err}");
        }
        assert!(serde_json::from_str::<Ssn>("\"12-34\"").is_err());
    }

    #[test]
    fn debug_is_redacted() {
        let ssn = Ssn::new("987-65-4321").unwrap();
        let shown = format!("{ssn:?} {:#?}", Some(&ssn));
        assert!(!shown.contains("987") && !shown.contains("4321"), "{shown}");
    }
}
