//! Keeps SSNs out of everything the sandbox sends or logs that may hold caller-supplied text:
//! error messages (an SSN sent as an ID, a filter value, or where a number belongs) and the
//! request log (the path).

/// The SDK's definition of an SSN-shaped run, so that both mask the same text.
pub(crate) use vitable_connect_api::mask_ssns;

/// A request path as the log shows it: percent-decoded (so that an encoded SSN is seen as one),
/// SSNs masked, control characters escaped, and at most 200 characters.
pub(crate) fn loggable_path(path: &str) -> String {
    const KEEP: usize = 200;
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let masked = mask_ssns(&decoded);
    let mut out: String = masked.chars().take(KEEP).flat_map(char::escape_debug).collect();
    if masked.chars().count() > KEEP {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitable_connect_api::SSN_MASK as MASK;

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
