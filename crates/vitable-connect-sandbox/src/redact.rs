//! Keeps SSNs out of everything the sandbox sends or logs that may hold caller-supplied text:
//! error messages (an SSN sent as an ID, a filter value, or where a number belongs) and the
//! request log (the path).

use std::borrow::Cow;

/// What an SSN-shaped run is replaced with.
pub(crate) const MASK: &str = "***-**-****";

/// Replaces every SSN-shaped run (`123-45-6789`, or exactly nine digits standing alone, as the
/// sandbox accepts SSNs) with [`MASK`]. The same definition as the SDK's.
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
            buf.push_str(MASK);
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
    let dashed = (0..3).all(digit)
        && b.get(3) == Some(&b'-')
        && (4..6).all(digit)
        && b.get(6) == Some(&b'-')
        && (7..11).all(digit)
        && !digit(11);
    if dashed {
        return 11;
    }
    if (0..9).all(digit) && !digit(9) {
        return 9;
    }
    0
}

/// A request path as the log shows it: percent-decoded (so that an encoded SSN is seen as one),
/// SSNs masked, control characters escaped, and at most 200 characters.
pub(crate) fn loggable_path(path: &str) -> String {
    const KEEP: usize = 200;
    let decoded = percent_decode(path);
    let masked = mask_ssns(&decoded);
    let mut out: String = masked.chars().take(KEEP).flat_map(char::escape_debug).collect();
    if masked.chars().count() > KEEP {
        out.push('…');
    }
    out
}

/// `%XX` sequences decoded (others kept), invalid UTF-8 replaced.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |j: usize| bytes.get(j).and_then(|b| char::from(*b).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_both_forms_and_leaves_near_misses() {
        assert_eq!(mask_ssns("ID `123-45-6789`"), format!("ID `{MASK}`"));
        assert_eq!(mask_ssns("enrl_123456789"), format!("enrl_{MASK}"));
        assert_eq!(mask_ssns("a123456789b"), format!("a{MASK}b"));
        for text in
            ["415-555-0100", "123-45-67890", "1234567890", "12345678", "2026-11-21", "enrl_00000001k3qa", ""]
        {
            assert_eq!(mask_ssns(text), text);
        }
    }

    #[test]
    fn the_logged_path_is_decoded_masked_escaped_and_short() {
        assert_eq!(loggable_path("/v1/employees/123-45-6789"), format!("/v1/employees/{MASK}"));
        assert_eq!(loggable_path("/v1/employees/123%2D45%2d6789"), format!("/v1/employees/{MASK}"));
        assert_eq!(loggable_path("/v1/e/%31%32%33%34%35%36%37%38%39/x"), format!("/v1/e/{MASK}/x"));
        assert_eq!(loggable_path("/a%0Ab%"), "/a\\nb%");
        assert_eq!(loggable_path("/%FF%zz"), "/\u{fffd}%zz");
        assert!(loggable_path(&"/x".repeat(1000)).chars().count() <= 201);
    }
}
