//! Masks social security numbers in text that came from outside (server messages, bodies).

use std::borrow::Cow;

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

#[cfg(test)]
mod tests {
    use super::mask_ssns;

    #[test]
    fn masks_both_forms_and_leaves_other_numbers() {
        assert_eq!(mask_ssns("ssn 123-45-6789 taken"), "ssn ***-**-**** taken");
        assert_eq!(mask_ssns("123456789"), "***-**-****");
        assert_eq!(mask_ssns("id 1234567890 and 12345678"), "id 1234567890 and 12345678");
        assert_eq!(mask_ssns("zip 94107, 2026-11-21"), "zip 94107, 2026-11-21");
        assert!(matches!(mask_ssns("nothing here"), std::borrow::Cow::Borrowed(_)));
    }
}
