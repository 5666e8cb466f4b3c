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
/// that stands apart from letters, digits and `_` (`ssn:123456789`, not `plan_000000012pt4` or
/// `empl_123456789`, whose digits are part of an ID); other text is kept.
pub(crate) fn mask_ssn_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let word = |c: &char| c.is_alphanumeric() || *c == '_';
        let starts = chars[i].is_ascii_digit() && (i == 0 || !word(&chars[i - 1]));
        if starts {
            let end = (i..chars.len())
                .find(|&k| !(chars[k].is_ascii_digit() || chars[k] == '-'))
                .unwrap_or(chars.len());
            // Dashes after the number are not part of it.
            let mut stop = end;
            while stop > i && chars[stop - 1] == '-' {
                stop -= 1;
            }
            let number: String = chars[i..stop].iter().collect();
            let b = number.as_bytes();
            let dashed = b.len() == 11
                && b.iter()
                    .enumerate()
                    .all(|(j, c)| if j == 3 || j == 6 { *c == b'-' } else { c.is_ascii_digit() });
            let plain = b.len() == 9 && b.iter().all(u8::is_ascii_digit);
            let apart = chars.get(end).is_none_or(|c| !word(c));
            if (dashed || plain) && apart {
                out.push_str(&masked(&number));
            } else {
                out.push_str(&number);
            }
            out.extend(&chars[stop..end]);
            i = end;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Every string of `value` with SSN-shaped runs masked.
fn mask_strings(value: &mut Value) {
    match value {
        Value::String(text) => *text = mask_ssn_text(text),
        Value::Array(items) => items.iter_mut().for_each(mask_strings),
        Value::Object(map) => map.values_mut().for_each(mask_strings),
        _ => {}
    }
}

/// Any property named like an SSN (`ssn`, `dependent_ssn`) that holds more than the last four
/// digits is masked, whatever the spec says of it: a server may send one it should not.
fn mask_ssn_fields(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(mask_ssn_fields),
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                let named = key.to_ascii_lowercase().split('_').any(|part| part == "ssn" || part == "tin");
                match v {
                    Value::String(text) if named && text.chars().filter(char::is_ascii_digit).count() > 4 => {
                        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
                        *text = format!("***-**-{}", &digits[digits.len() - 4..]);
                    }
                    _ => mask_ssn_fields(v),
                }
            }
        }
        _ => {}
    }
}

/// What the tool shows of an answer of the API: SSNs masked (properties of the spec's `Ssn`
/// type in `schema`, properties named like one, SSN-shaped text anywhere) and the API key
/// hidden, whatever the server sent.
pub(crate) fn scrub(value: &mut Value, schema: Option<&str>, api_key: &str) {
    if let Some(schema) = schema {
        mask_ssns(value, schema);
    }
    mask_ssn_fields(value);
    mask_strings(value);
    if api_key.len() >= 8 {
        hide(value, api_key);
    }
}

fn hide(value: &mut Value, key: &str) {
    match value {
        Value::String(text) if text.contains(key) => *text = text.replace(key, "[hidden]"),
        Value::Array(items) => items.iter_mut().for_each(|v| hide(v, key)),
        Value::Object(map) => map.values_mut().for_each(|v| hide(v, key)),
        _ => {}
    }
}

/// `text` with SSN-shaped runs masked and the API key hidden.
pub(crate) fn scrub_text(text: &str, api_key: &str) -> String {
    let text = mask_ssn_text(text);
    if api_key.len() >= 8 { text.replace(api_key, "[hidden]") } else { text }
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
    fn digits_inside_a_word_are_not_an_ssn() {
        // Server-made IDs hold runs of digits: masking one would address another resource.
        assert_eq!(mask_ssn_text("plan_000000012pt4"), "plan_000000012pt4");
        assert_eq!(mask_ssn_text("req_d795479794d6f1"), "req_d795479794d6f1");
        assert_eq!(mask_ssn_text("ssn:123456789;"), "ssn:***-**-6789;");
        assert_eq!(mask_ssn_text("empl_123456789"), "empl_123456789");
        assert_eq!(mask_ssn_text("a_123456789_b"), "a_123456789_b");
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

    #[test]
    fn scrub_masks_whatever_the_server_sends() {
        let mut body = serde_json::json!({
            "id": "empl_123456789", "ssn": "123456789", "ssn_last_four": "6789",
            "notes": "SSN 987-65-4321, key sk_live_abcdefgh1234", "items": [{"dependent_ssn": "111-22-3333"}]
        });
        scrub(&mut body, None, "sk_live_abcdefgh1234");
        assert_eq!(
            body,
            serde_json::json!({
                "id": "empl_123456789", "ssn": "***-**-6789", "ssn_last_four": "6789",
                "notes": "SSN ***-**-4321, key [hidden]", "items": [{"dependent_ssn": "***-**-3333"}]
            })
        );
    }
}
