//! Keeping SSNs out of what the tool prints about a request (dry runs, resend commands): every
//! property whose schema is `Ssn` is shown masked to its last four digits.

use serde_json::Value;
use vitable_connect_api::spec;

/// `123-45-6789` → `***-**-6789`; anything else that is not an SSN → `[hidden]`.
fn masked(text: &str) -> String {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    match digits.len() {
        9 => format!("***-**-{}", &digits[5..]),
        _ => "[hidden]".to_owned(),
    }
}

/// Masks every value of `value` (of schema `schema`) whose type is `Ssn`.
pub(crate) fn mask_ssns(value: &mut Value, schema: &str) {
    let ty = schema.trim_start_matches('[').trim_end_matches(']');
    if ty == "Ssn" {
        if let Value::String(text) = value {
            *text = masked(text);
        }
        return;
    }
    match value {
        Value::Array(items) => items.iter_mut().for_each(|item| mask_ssns(item, ty)),
        Value::Object(map) => {
            let Some(props) = spec::properties(ty) else { return };
            for (key, v) in map.iter_mut() {
                if let Some(prop) = props.iter().find(|p| p.name == key) {
                    mask_ssns(v, prop.ty);
                }
            }
        }
        _ => {}
    }
}

/// Masks every run of digits and dashes shaped like an SSN (`123-45-6789` or `123456789`)
/// in `text`; other numbers are kept.
pub(crate) fn mask_ssn_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        // Dashes before the digits (`--ssn=`, `x-123…`) are not part of the number.
        let dashes = token.len() - token.trim_start_matches('-').len();
        out.push_str(&token[..dashes]);
        let number = &token[dashes..];
        let b = number.as_bytes();
        let dashed = b.len() == 11
            && b.iter()
                .enumerate()
                .all(|(j, c)| if j == 3 || j == 6 { *c == b'-' } else { c.is_ascii_digit() });
        let plain = b.len() == 9 && b.iter().all(u8::is_ascii_digit);
        if dashed || plain {
            out.push_str(&masked(number))
        } else {
            out.push_str(number)
        }
        token.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() || c == '-' {
            token.push(c);
        } else {
            flush(&mut token, &mut out);
            out.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssn_shaped_text_is_masked_and_other_numbers_kept() {
        assert_eq!(mask_ssn_text("--ssn 123-45-6789 x"), "--ssn ***-**-6789 x");
        assert_eq!(mask_ssn_text("--dependent-ssn=123-45-6789"), "--dependent-ssn=***-**-6789");
        assert_eq!(mask_ssn_text("--ssn=123456789"), "--ssn=***-**-6789");
        assert_eq!(mask_ssn_text("ref-123456789"), "ref-***-**-6789");
        assert_eq!(mask_ssn_text("--limit 100 --page 1234567890"), "--limit 100 --page 1234567890");
        assert_eq!(mask_ssn_text("{\"ssn\":\"987-65-4321\"}"), "{\"ssn\":\"***-**-4321\"}");
    }

    #[test]
    fn ssn_properties_are_masked_by_schema() {
        let mut body = serde_json::json!({"first_name": "Ana", "ssn": "123-45-6789"});
        let schema = spec::OPERATIONS
            .iter()
            .filter_map(|op| op.body)
            .find(|body| spec::properties(body).is_some_and(|p| p.iter().any(|p| p.ty == "Ssn")))
            .expect("a body with an SSN");
        mask_ssns(&mut body, schema);
        assert_eq!(body["ssn"], "***-**-6789");
        assert_eq!(body["first_name"], "Ana");
    }
}
