//! A social security number that never shows itself in `Debug`, and the masking of SSN-shaped
//! text that the SDK and the sandbox share.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

/// A US social security number, as sent when creating an employee or a dependent.
///
/// The API accepts `XXX-XX-XXXX` or `XXXXXXXXX`. The number is kept exactly as given and sent
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
        f.write_str("an SSN must be 9 digits, as XXX-XX-XXXX or XXXXXXXXX")
    }
}

impl std::error::Error for SsnError {}

impl Ssn {
    /// Checks the form (`XXX-XX-XXXX` or nine digits) and wraps the number.
    pub fn new(value: impl Into<String>) -> Result<Self, SsnError> {
        let value = value.into();
        let bytes = value.as_bytes();
        let digits_only = bytes.len() == 9 && bytes.iter().all(u8::is_ascii_digit);
        let dashed = bytes.len() == 11
            && bytes.iter().enumerate().all(|(i, b)| match i {
                3 | 6 => *b == b'-',
                _ => b.is_ascii_digit(),
            });
        if digits_only || dashed { Ok(Self(value)) } else { Err(SsnError) }
    }

    /// The full number. Handle with care: this is personal data.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The last four digits, the only part the API ever returns.
    pub fn last_four(&self) -> &str {
        &self.0[self.0.len() - 4..]
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

impl schemars::JsonSchema for Ssn {
    fn schema_name() -> Cow<'static, str> {
        "Ssn".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "US social security number, XXX-XX-XXXX or XXXXXXXXX. Write-only.",
            "type": "string",
            "minLength": 9,
            "maxLength": 11,
            "writeOnly": true
        })
    }
}

/// What an SSN-shaped run is replaced with by [`mask_ssns`].
pub const SSN_MASK: &str = "***-**-****";

/// Replaces every SSN-shaped run in `text` (`123-45-6789`, or exactly nine digits standing
/// alone) with [`SSN_MASK`]. Used on all text from outside that may be shown: the SDK's error
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
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let ends = |i: usize| !digit(i);
    let dashed = (0..3).all(digit)
        && b.get(3) == Some(&b'-')
        && (4..6).all(digit)
        && b.get(6) == Some(&b'-')
        && (7..11).all(digit)
        && ends(11);
    if dashed {
        return 11;
    }
    if (0..9).all(digit) && ends(9) {
        return 9;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

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
