//! Keeps secrets out of what the SDK shows: SSNs in text that came from outside (server messages,
//! bodies), and the API key wherever a server echoed it.

use std::borrow::Cow;

use crate::error::Error;

/// Replaces every SSN-shaped run (`123-45-6789`, or exactly nine digits standing alone)
/// with `***-**-****`.
pub(crate) fn mask_ssns(text: &str) -> Cow<'_, str> {
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
            buf.push_str("***-**-****");
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

/// Replaces the API key wherever the server echoed it into the text of an error, so that no
/// message shows it. A key too short to be a real one is left alone (replacing it would
/// garble messages).
pub(crate) fn hide_api_key(mut error: Error, key: &str) -> Error {
    if key.len() < 8 {
        return error;
    }
    let hide = |text: &mut String| {
        if text.contains(key) {
            *text = text.replace(key, "<redacted>");
        }
    };
    match &mut error {
        Error::Api(e) => {
            e.detail.iter_mut().chain(&mut e.code).chain(&mut e.body_snippet).for_each(hide);
            e.field_errors.values_mut().flatten().for_each(hide);
        }
        Error::Decode(e) => {
            hide(&mut e.message);
            e.body_snippet.iter_mut().for_each(hide);
        }
        _ => {}
    }
    error
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::mask_ssns;

    const MASK: &str = "***-**-****";

    #[test]
    fn near_misses_are_left_alone() {
        for text in [
            "call 415-555-0100", // a phone number: 3-3-4
            "123-45-67890",      // one digit too many at the end
            "123-45-678",        // one too few
            "0123-45-6789",      // one too many at the front
            "12-345-6789",       // dashes in the wrong places
            "1234567890",        // ten digits
            "12345678",          // eight digits
            "123 45 6789",       // spaces, not dashes
        ] {
            assert_eq!(mask_ssns(text), text, "{text:?} is not an SSN");
        }
    }

    #[test]
    fn text_ending_in_part_of_an_ssn_is_left_alone() {
        for text in ["ref 123-45", "123-", "123-4", "123-45-", "123-45-678", "12345678", "1", "-", ""] {
            assert_eq!(mask_ssns(text), text);
        }
    }

    #[test]
    fn an_ssn_ending_the_text_or_followed_by_a_dash_is_masked() {
        assert_eq!(mask_ssns("ssn: 123-45-6789"), format!("ssn: {MASK}"));
        assert_eq!(mask_ssns("123-45-6789-x"), format!("{MASK}-x"));
        assert_eq!(mask_ssns("a123456789b"), format!("a{MASK}b"));
    }

    /// Whether `input[i..]` starts with an SSN as `mask_ssns` defines it: 3-2-4 digits with
    /// dashes, or nine digits, not preceded or followed by a digit. Written apart from the
    /// masker, on chars.
    fn ssn_at(input: &[char], i: usize) -> Option<usize> {
        let digit = |j: usize| input.get(j).is_some_and(char::is_ascii_digit);
        if i > 0 && digit(i - 1) {
            return None;
        }
        let shape = |pattern: &str| {
            pattern.chars().enumerate().all(|(k, p)| match p {
                'd' => digit(i + k),
                c => input.get(i + k) == Some(&c),
            }) && !digit(i + pattern.len())
        };
        if shape("ddd-dd-dddd") {
            Some(11)
        } else if shape("ddddddddd") {
            Some(9)
        } else {
            None
        }
    }

    proptest! {
        /// Any text at all: no panic, and masking twice changes nothing more.
        #[test]
        fn never_panics_and_is_idempotent(text in any::<String>()) {
            let once = mask_ssns(&text).into_owned();
            prop_assert_eq!(mask_ssns(&once), once.as_str());
        }

        /// Text of digits, dashes and a few others (where SSN shapes and near misses are
        /// common): each SSN-shaped run becomes the mask, and every other character is kept.
        #[test]
        fn changes_exactly_the_ssn_shaped_runs(text in "[0-9\\- a]{0,40}") {
            let input: Vec<char> = text.chars().collect();
            let mut expected = String::new();
            let mut i = 0;
            while i < input.len() {
                match ssn_at(&input, i) {
                    Some(len) => {
                        expected.push_str(MASK);
                        i += len;
                    }
                    None => {
                        expected.push(input[i]);
                        i += 1;
                    }
                }
            }
            prop_assert_eq!(mask_ssns(&text), expected.as_str());
        }
    }

    #[test]
    fn masks_both_forms_and_leaves_other_numbers() {
        assert_eq!(mask_ssns("ssn 123-45-6789 taken"), "ssn ***-**-**** taken");
        assert_eq!(mask_ssns("123456789"), "***-**-****");
        assert_eq!(mask_ssns("id 1234567890 and 12345678"), "id 1234567890 and 12345678");
        assert_eq!(mask_ssns("zip 94107, 2026-11-21"), "zip 94107, 2026-11-21");
        assert!(matches!(mask_ssns("nothing here"), std::borrow::Cow::Borrowed(_)));
    }
}
