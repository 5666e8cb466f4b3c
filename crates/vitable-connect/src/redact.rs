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

/// `text` with the API key hidden, for text from the server that is shown outside an error
/// (a request id).
pub(crate) fn without_api_key(mut text: String, key: &str) -> String {
    if key.len() >= 8 {
        KeyForms::new(key).hide(&mut text);
    }
    text
}

/// The forms in which the key can appear in an error's text: as it is, and as SSN masking
/// left it (when it holds nine digits in a row, they were masked before the key was looked
/// for). Each form is also found with any of its bytes escaped (see [`key_at`]).
struct KeyForms<'k> {
    key: &'k str,
    masked: Option<String>,
}

impl<'k> KeyForms<'k> {
    fn new(key: &'k str) -> Self {
        let masked = match mask_ssns(key) {
            Cow::Owned(masked) => Some(masked),
            Cow::Borrowed(_) => None,
        };
        Self { key, masked }
    }

    fn forms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.key).chain(self.masked.as_deref())
    }

    /// Replaces every form of the key in `text`, and a start of it left before a cut.
    fn hide(&self, text: &mut String) {
        for form in self.forms() {
            if let Some(hidden) = replace_key(text, form.as_bytes()) {
                *text = hidden;
            }
        }
        if let Some(partial) = self.partial_at_cut(text) {
            text.replace_range(partial, REDACTED);
        }
    }

    /// Whether `text` shows the key (whole, or its start before a cut).
    fn shows(&self, text: &str) -> bool {
        self.forms().any(|form| find_key(text.as_bytes(), form.as_bytes(), 0).is_some())
            || self.partial_at_cut(text).is_some()
    }

    /// Where a start of the key (at least [`MIN_PARTIAL_KEY`] of its characters, not all of
    /// them, each as it is or escaped) ends the part of `text` kept before a cut.
    fn partial_at_cut(&self, text: &str) -> Option<std::ops::Range<usize>> {
        let kept = crate::error::kept_before_cut(text)?;
        let start = self
            .forms()
            .filter_map(|form| {
                // The earliest start of such a run: the longest one.
                (0..kept.len()).find(|&at| {
                    kept.is_char_boundary(at)
                        && matches!(key_at(kept.as_bytes(), at, form.as_bytes()),
                            KeyMatch::CutShort(matched) if matched >= MIN_PARTIAL_KEY)
                })
            })
            .min()?;
        Some(start..kept.len())
    }

    /// Marks sensitive every header value that shows the key, and leaves out every header
    /// whose name holds it (names are lowercase, so the key is looked for in lowercase).
    fn guard_headers(&self, headers: &mut HeaderMap) {
        let lowercase: Vec<String> = self.forms().map(|form| form.to_ascii_lowercase()).collect();
        let named: Vec<HeaderName> = headers
            .keys()
            .filter(|name| {
                lowercase.iter().any(|form| find_key(name.as_str().as_bytes(), form.as_bytes(), 0).is_some())
            })
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

/// How much of the key starts at a place of a text.
#[derive(Debug, PartialEq, Eq)]
enum KeyMatch {
    /// All of it, ending at this byte of the text.
    Whole(usize),
    /// Its first this many bytes, and then the text ends.
    CutShort(usize),
    /// Not there.
    No,
}

/// Whether `key` starts at byte `at` of `text`, each of its bytes as it is or escaped the
/// ways a server may echo it: percent-encoded (`%5F` or `%5f`, as in a URL) or as a
/// `\uXXXX` escape (as JSON or JavaScript write it).
fn key_at(text: &[u8], at: usize, key: &[u8]) -> KeyMatch {
    let mut i = at;
    for (matched, &expected) in key.iter().enumerate() {
        let Some(&byte) = text.get(i) else { return KeyMatch::CutShort(matched) };
        i += if byte == expected {
            1
        } else if byte == b'%' && text.get(i + 1..i + 3).and_then(hex_value) == Some(u32::from(expected)) {
            3
        } else if byte == b'\\'
            && matches!(text.get(i + 1), Some(b'u' | b'U'))
            && expected.is_ascii()
            && text.get(i + 2..i + 6).and_then(hex_value) == Some(u32::from(expected))
        {
            6
        } else {
            return KeyMatch::No;
        };
    }
    KeyMatch::Whole(i)
}

/// The value of ASCII hex digits (either case), if they all are hex digits.
fn hex_value(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0, |value, &digit| Some(value * 16 + char::from(digit).to_digit(16)?))
}

/// The first place at or after byte `from` where the whole `key` starts in `text` (in any of
/// the forms of [`key_at`]): its byte range.
fn find_key(text: &[u8], key: &[u8], from: usize) -> Option<std::ops::Range<usize>> {
    (from..text.len()).find_map(|at| match key_at(text, at, key) {
        KeyMatch::Whole(end) => Some(at..end),
        _ => None,
    })
}

/// `text` with every appearance of `key` replaced by [`REDACTED`], if it has any.
fn replace_key(text: &str, key: &[u8]) -> Option<String> {
    let mut found = find_key(text.as_bytes(), key, 0)?;
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    loop {
        // A match starts and ends at ASCII bytes (the key's or an escape's), so at character
        // boundaries.
        out.push_str(&text[copied..found.start]);
        out.push_str(REDACTED);
        copied = found.end;
        match find_key(text.as_bytes(), key, copied) {
            Some(next) => found = next,
            None => break,
        }
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// A request id as the SDK shows it: as the server sent it, except for what can only be an
/// SSN (a form of [`vitable_connect_api::ssn_forms`]): `123-45-6789` (dashed, anywhere) and
/// nine digits standing as a word of their own (no
/// letter, digit or `_` right before or after them), which are masked. Nine digits inside an
/// ID, as in `req_d795479794d6f1`, are part of the ID and kept: a support ticket needs the ID
/// exactly.
pub(crate) fn request_id_shown(id: &str) -> Cow<'_, str> {
    let bytes = id.as_bytes();
    let word = |i: usize| bytes.get(i).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    // Whether byte `i` follows a digit, or a word character.
    let after_digit = |i: usize| i.checked_sub(1).is_some_and(digit);
    let after_word = |i: usize| i.checked_sub(1).is_some_and(word);
    // A form with separators (`XXX-XX-XXXX`) needs no digit around it; digits alone
    // (`XXXXXXXXX`) need to be a word of their own.
    let ssn_at = |i: usize| -> Option<usize> {
        let form = vitable_connect_api::ssn_form_at(&bytes[i..])?;
        let end = i + form.len();
        let separated = form.bytes().any(|b| b != b'X');
        let alone = if separated { !after_digit(i) && !digit(end) } else { !after_word(i) && !word(end) };
        alone.then_some(form.len())
    };
    let Some(first) = (0..bytes.len()).find(|&i| ssn_at(i).is_some()) else { return Cow::Borrowed(id) };
    let mut out = String::with_capacity(id.len());
    let mut copied = 0;
    let mut next = Some(first);
    while let Some(at) = next {
        out.push_str(&id[copied..at]);
        out.push_str(vitable_connect_api::SSN_MASK);
        copied = at + ssn_at(at).expect("an SSN where one was found");
        next = (copied..bytes.len()).find(|&i| ssn_at(i).is_some());
    }
    out.push_str(&id[copied..]);
    Cow::Owned(out)
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

    mod encoded_key {
        use super::super::{KeyForms, KeyMatch, key_at, request_id_shown};

        const KEY: &str = "sk_live_AB12";

        fn hidden(text: &str) -> String {
            let mut text = text.to_owned();
            KeyForms::new(KEY).hide(&mut text);
            text
        }

        #[test]
        fn each_byte_may_be_percent_encoded_in_either_case_or_unicode_escaped() {
            assert_eq!(key_at(KEY.as_bytes(), 0, KEY.as_bytes()), KeyMatch::Whole(KEY.len()));
            let mixed = r"%73k\u005flive%5f\U0041%4212";
            assert_eq!(key_at(mixed.as_bytes(), 0, KEY.as_bytes()), KeyMatch::Whole(mixed.len()));
            assert_eq!(hidden(&format!("a {mixed} b")), "a <redacted> b");
            // A wrong escaped byte, a short or non-hex escape, or `\u` for a byte it is not.
            for near in [
                r"%74k_live_AB12",
                r"%7k_live_AB12",
                r"%7gk_live_AB12",
                r"\u0074k_live_AB12",
                r"\u73k_live_AB12",
                r"\x73k_live_AB12",
            ] {
                assert_eq!(key_at(near.as_bytes(), 0, KEY.as_bytes()), KeyMatch::No, "{near}");
                assert_eq!(hidden(near), near);
            }
            assert_eq!(key_at(b"sk_li", 0, KEY.as_bytes()), KeyMatch::CutShort(5));
            assert_eq!(key_at(b"sk_li%7", 0, KEY.as_bytes()), KeyMatch::No);
            assert_eq!(key_at(b"", 0, KEY.as_bytes()), KeyMatch::CutShort(0));
        }

        #[test]
        fn every_appearance_is_replaced_and_the_rest_kept() {
            let text = format!("é{KEY}x%73k_live_AB12{KEY}");
            assert_eq!(hidden(&text), "é<redacted>x<redacted><redacted>");
            assert_eq!(hidden("nothing é"), "nothing é");
        }

        #[test]
        fn an_encoded_start_of_the_key_at_a_cut_is_replaced_from_four_characters() {
            assert_eq!(hidden("x %73k_l… (9 more characters)"), "x <redacted>… (9 more characters)");
            assert_eq!(hidden("x %73k_… (9 more characters)"), "x %73k_… (9 more characters)");
            assert_eq!(hidden("x sk_liv…"), "x <redacted>…");
        }

        #[test]
        fn request_ids_keep_digits_inside_words_and_mask_an_ssn_standing_alone() {
            for kept in [
                "req_d795479794d6f1",
                "req_123456789",
                "123456789a",
                "a123456789",
                "1234567890",
                "12345678",
                "123-45-67890",
                "0123-45-6789",
                "123x45-6789",
                "123-45x6789",
                "",
            ] {
                assert_eq!(request_id_shown(kept), kept);
                assert!(matches!(request_id_shown(kept), std::borrow::Cow::Borrowed(_)));
            }
            for (id, shown) in [
                ("123456789", "***-**-****"),
                ("req-123456789-x", "req-***-**-****-x"),
                ("123-45-6789", "***-**-****"),
                ("req_123-45-6789_x", "req_***-**-****_x"),
                ("a123-45-6789b 987654321.", "a***-**-****b ***-**-****."),
            ] {
                assert_eq!(request_id_shown(id), shown, "{id}");
            }
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
