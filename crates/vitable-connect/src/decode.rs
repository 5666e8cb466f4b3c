//! Second tries at decoding a success body, for the few bodies `serde_json` refuses at first
//! although they mean a value of the expected type: `-0` in an integer field, and no body
//! where none is expected. Only reached after a first decode failed, so a well-formed
//! response costs nothing here.

use std::borrow::Cow;

use serde::de::DeserializeOwned;

/// `body` decoded as `T` on a second try, when the first failed: with every `-0` read as `0`
/// (`serde_json` takes `-0` for the float `-0.0`, which no integer field accepts), or, for a
/// type that decodes from `null` (`()`: an operation without a response body), whatever the
/// body.
pub(crate) fn retry_decode<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    if let Cow::Owned(zeroed) = without_negative_zero(body)
        && let Ok(value) = serde_json::from_slice(&zeroed)
    {
        return Some(value);
    }
    serde_json::from_slice(b"null").ok()
}

/// `body` with the minus sign of each number `-0` (not `-0.5` or `-0e1`) outside strings
/// replaced by a space, which JSON reads as the number `0`.
pub(crate) fn without_negative_zero(body: &[u8]) -> Cow<'_, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    let mut in_string = false;
    let mut escaped = false;
    for (i, &byte) in body.iter().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'-' if body.get(i + 1) == Some(&b'0')
                && !body
                    .get(i + 2)
                    .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E')) =>
            {
                out.get_or_insert_with(|| body.to_vec())[i] = b' ';
            }
            _ => {}
        }
    }
    out.map_or(Cow::Borrowed(body), Cow::Owned)
}

/// Why a body that decoded as the operation's type cannot be a [`serde_json::Value`], when
/// that is the reason: the value's limits, which the typed decode does not meet because it
/// skips fields it does not know.
pub(crate) fn value_limit(error: &serde_json::Error) -> Option<&'static str> {
    let message = error.to_string();
    if message.starts_with("number out of range") {
        Some("a number beyond the range of f64")
    } else if message.starts_with("recursion limit exceeded") {
        Some("arrays or objects nested more than 127 deep")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::without_negative_zero;

    fn zeroed(text: &str) -> String {
        String::from_utf8(without_negative_zero(text.as_bytes()).into_owned()).unwrap()
    }

    #[test]
    fn negative_zero_numbers_lose_their_sign_and_nothing_else_changes() {
        assert_eq!(zeroed(r#"{"a":-0,"b":[-0],"c":-0}"#), r#"{"a": 0,"b":[ 0],"c": 0}"#);
        assert_eq!(zeroed("-0"), " 0");
        for kept in [
            r#"{"a":-0.0,"b":-0e1,"c":-0E1,"d":-05,"e":-1,"f":0}"#,
            r#"{"s":"-0","t":"a\"-0","u":"\\"}"#,
            "-",
            "",
        ] {
            assert_eq!(zeroed(kept), kept);
            assert!(matches!(without_negative_zero(kept.as_bytes()), std::borrow::Cow::Borrowed(_)));
        }
        // After a string that ends with an escaped backslash, `-0` is a number again.
        assert_eq!(zeroed(r#"["\\",-0]"#), r#"["\\", 0]"#);
    }

    #[test]
    fn the_value_limits_are_named() {
        let huge = serde_json::from_str::<serde_json::Value>("1e400").unwrap_err();
        assert_eq!(super::value_limit(&huge), Some("a number beyond the range of f64"));
        let deep = serde_json::from_str::<serde_json::Value>(&"[".repeat(200)).unwrap_err();
        assert_eq!(super::value_limit(&deep), Some("arrays or objects nested more than 127 deep"));
        let other = serde_json::from_str::<serde_json::Value>("nope").unwrap_err();
        assert_eq!(super::value_limit(&other), None);
    }
}
