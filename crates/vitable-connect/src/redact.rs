//! Keeps secrets out of what the SDK shows: SSNs in text that came from outside (server messages,
//! bodies), and the API key wherever a server echoed it.

use std::borrow::Cow;

use http::{HeaderMap, HeaderName};

use crate::error::Error;

pub(crate) use vitable_connect_api::mask_ssns;

/// What replaces the API key wherever a server echoed it.
const REDACTED: &str = "<redacted>";

/// The fewest characters of the key's start, left at the end of a text that was cut, that
/// are replaced too (fewer are left alone: they would garble text and tell next to nothing).
const MIN_PARTIAL_KEY: usize = 4;

/// Replaces the API key wherever the server echoed it into an error, so that neither its
/// `Display` nor its `Debug` shows it: detail, code, field names and messages, body snippet,
/// request id, decode message and path, and header values (a value holding the key is marked
/// sensitive; a header whose name holds it is left out). The key is also found in the form
/// SSN masking gave it (a key with nine digits in a row), and the start of the key left at
/// the end of a text that was cut is replaced too. A key too short to be a real one is left
/// alone (replacing it would garble messages).
pub(crate) fn hide_api_key(mut error: Error, key: &str) -> Error {
    if key.len() < 8 {
        return error;
    }
    let key = KeyForms::new(key);
    let hide = |text: &mut String| key.hide(text);
    match &mut error {
        Error::Api(e) => {
            e.detail
                .iter_mut()
                .chain(&mut e.code)
                .chain(&mut e.body_snippet)
                .chain(&mut e.request_id)
                .for_each(hide);
            if e.field_errors.keys().any(|name| key.shows(name)) {
                let fields = std::mem::take(&mut e.field_errors);
                for (mut name, messages) in fields {
                    hide(&mut name);
                    e.field_errors.entry(name).or_default().extend(messages);
                }
            }
            e.field_errors.values_mut().flatten().for_each(hide);
            key.guard_headers(&mut e.headers);
        }
        Error::Decode(e) => {
            [&mut e.message, &mut e.path].into_iter().for_each(hide);
            e.body_snippet.iter_mut().chain(&mut e.request_id).for_each(hide);
        }
        Error::Redirect { location, .. } => location.iter_mut().for_each(hide),
        _ => {}
    }
    error
}

/// Headers that carry credentials: their values are always marked sensitive, so `Debug`
/// never shows them.
const CREDENTIAL_HEADERS: [&str; 6] = [
    "authorization",
    "cookie",
    "proxy-authenticate",
    "proxy-authorization",
    "set-cookie",
    "www-authenticate",
];

/// Whether header `name` carries credentials (see [`CREDENTIAL_HEADERS`]).
pub(crate) fn is_secret_header(name: &http::HeaderName) -> bool {
    CREDENTIAL_HEADERS.contains(&name.as_str())
}

/// `text` with the API key hidden, for text from the server that is logged (a request id).
pub(crate) fn without_api_key(mut text: String, key: &str) -> String {
    if key.len() >= 8 {
        KeyForms::new(key).hide(&mut text);
    }
    text
}

/// The forms in which the key can appear in an error's text: as it is, and as SSN masking
/// left it (when it holds nine digits in a row, they were masked before the key was looked
/// for).
struct KeyForms {
    forms: Vec<String>,
}

impl KeyForms {
    fn new(key: &str) -> Self {
        let mut forms = vec![key.to_owned()];
        if let Cow::Owned(masked) = mask_ssns(key) {
            forms.push(masked);
        }
        Self { forms }
    }

    /// Replaces every form of the key in `text`, and a start of it left before a cut.
    fn hide(&self, text: &mut String) {
        for form in &self.forms {
            if text.contains(form.as_str()) {
                *text = text.replace(form.as_str(), REDACTED);
            }
        }
        if let Some(partial) = self.partial_at_cut(text) {
            text.replace_range(partial, REDACTED);
        }
    }

    /// Whether `text` shows the key (whole, or its start before a cut).
    fn shows(&self, text: &str) -> bool {
        self.forms.iter().any(|form| text.contains(form.as_str())) || self.partial_at_cut(text).is_some()
    }

    /// Where a start of the key (at least [`MIN_PARTIAL_KEY`] characters, not all of it) ends
    /// the part of `text` kept before a cut.
    fn partial_at_cut(&self, text: &str) -> Option<std::ops::Range<usize>> {
        let kept = crate::error::kept_before_cut(text)?;
        let longest = self
            .forms
            .iter()
            .flat_map(|form| {
                form.char_indices()
                    .map(|(i, _)| i)
                    .skip(MIN_PARTIAL_KEY)
                    .filter(|&len| kept.ends_with(&form[..len]))
            })
            .max()?;
        Some(kept.len() - longest..kept.len())
    }

    /// Marks sensitive every header value that shows the key, and leaves out every header
    /// whose name holds it (names are lowercase, so the key is looked for in lowercase).
    fn guard_headers(&self, headers: &mut HeaderMap) {
        let lowercase: Vec<String> = self.forms.iter().map(|form| form.to_ascii_lowercase()).collect();
        let named: Vec<HeaderName> = headers
            .keys()
            .filter(|name| lowercase.iter().any(|form| name.as_str().contains(form.as_str())))
            .cloned()
            .collect();
        for name in named {
            headers.remove(name);
        }
        for value in headers.values_mut() {
            if !value.is_sensitive() && self.shows(&String::from_utf8_lossy(value.as_bytes())) {
                value.set_sensitive(true);
            }
        }
    }
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

    mod hide_api_key {
        use http::{HeaderMap, HeaderValue, StatusCode};

        use super::super::hide_api_key;
        use crate::error::{ApiError, Error};

        const KEY: &str = "sk_live_ABCDEFGH";

        fn api_error(body: &str, headers: HeaderMap) -> Box<ApiError> {
            let error =
                ApiError::from_parts("employers.list", StatusCode::BAD_REQUEST, headers, body.as_bytes());
            match hide_api_key(Error::from(error), KEY) {
                Error::Api(error) => error,
                other => panic!("{other:?}"),
            }
        }

        #[test]
        fn the_start_of_the_key_left_at_a_cut_is_replaced_from_four_characters() {
            for (left, replaced) in [(3, false), (4, true), (KEY.len() - 1, true)] {
                let code = format!("{}{KEY}", "c".repeat(256 - left));
                let error = api_error(&serde_json::json!({ "code": code }).to_string(), HeaderMap::new());
                let code = error.code.unwrap();
                assert_eq!(code.contains("<redacted>"), replaced, "{left}: {code}");
                assert!(code.contains(&KEY[..left]) != replaced, "{left}: {code}");
            }
        }

        #[test]
        fn field_names_holding_the_key_are_renamed_and_merged() {
            let body = serde_json::json!({ "errors": { KEY: ["a"], format!("x{KEY}"): ["b"], "y": ["c"] } });
            let error = api_error(&body.to_string(), HeaderMap::new());
            let names: Vec<&str> = error.field_errors.keys().map(String::as_str).collect();
            assert_eq!(names, ["<redacted>", "x<redacted>", "y"]);
        }

        #[test]
        fn headers_showing_the_key_are_marked_sensitive_and_named_ones_left_out() {
            let mut headers = HeaderMap::new();
            headers.insert("x-echo", HeaderValue::from_str(&format!("Bearer {KEY}")).unwrap());
            headers.insert("x-plain", HeaderValue::from_static("plain"));
            let name =
                http::HeaderName::from_bytes(format!("x-{KEY}").to_ascii_lowercase().as_bytes()).unwrap();
            headers.insert(name, HeaderValue::from_static("1"));
            let error = api_error("{}", headers);
            assert!(error.headers["x-echo"].is_sensitive());
            assert!(!error.headers["x-plain"].is_sensitive());
            assert_eq!(error.headers.len(), 2);
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
