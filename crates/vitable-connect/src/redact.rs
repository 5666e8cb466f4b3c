//! Keeps secrets out of what the SDK shows: SSNs in text that came from outside (server messages,
//! bodies), and the API key wherever a server echoed it.

use std::borrow::Cow;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::headers::is_secret_header;

pub(crate) use vitable_connect_api::mask_ssns;

/// What replaces the API key wherever a server echoed it.
const REDACTED: &str = "<redacted>";

/// The fewest characters of the key's start, left at the end of a text that was cut, that
/// are replaced too (fewer are left alone: they would garble text and tell next to nothing).
const MIN_PARTIAL_KEY: usize = 4;

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
pub(crate) struct KeyForms<'k> {
    key: &'k str,
    masked: Option<String>,
}

impl<'k> KeyForms<'k> {
    pub(crate) fn new(key: &'k str) -> Self {
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
    pub(crate) fn hide(&self, text: &mut String) {
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
    pub(crate) fn shows(&self, text: &str) -> bool {
        self.forms().any(|form| find_key(text.as_bytes(), form.as_bytes(), 0).is_some())
            || self.partial_at_cut(text).is_some()
    }

    /// Where a start of the key (at least [`MIN_PARTIAL_KEY`] of its characters, not all of
    /// them, each as it is or escaped) ends the part of `text` kept before a cut.
    fn partial_at_cut(&self, text: &str) -> Option<std::ops::Range<usize>> {
        let kept = kept_before_cut(text)?;
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
    pub(crate) fn guard_headers(&self, headers: &mut HeaderMap) {
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

/// Longest `x-request-id` kept, in characters.
pub(crate) const MAX_REQUEST_ID_CHARS: usize = 128;
/// Longest response header value an [`ApiError`] keeps, in bytes.
pub(crate) const MAX_HEADER_VALUE_BYTES: usize = 512;
/// How much of an unexpected body an error keeps.
pub(crate) const SNIPPET_CHARS: usize = 512;

/// `text` with its SSNs masked, then cut after `max` characters (at a character boundary),
/// ending with `… (N more characters)`. Masking comes first, so that no part of an SSN is
/// left at the cut.
pub(crate) fn bounded(text: &str, max: usize) -> String {
    cut(mask_ssns(text), max)
}

/// `text` cut after `max` characters (at a character boundary), ending with
/// `… (N more characters)`.
fn cut(text: Cow<'_, str>, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.into_owned(),
        Some((cut, _)) => {
            let more = text[cut..].chars().count();
            format!("{}{CUT_MARK} ({} more character{})", &text[..cut], thousands(more), plural(more))
        }
    }
}

/// What ends the kept part of a cut text.
const CUT_MARK: &str = "…";

/// What ends the kept part of a cut header value (ASCII, as a header value wants).
const HEADER_CUT_MARK: &str = "...";

/// The part of `text` kept before a cut, when it was cut by [`bounded`], [`snippet`] or
/// [`guarded_headers`] (as far as the text shows: a server can end a text with the same
/// marker, which only makes this answer more often).
pub(crate) fn kept_before_cut(text: &str) -> Option<&str> {
    let counted = |marker: &str, unit: &str| {
        let rest = text.strip_suffix(')')?;
        let at = rest.rfind(marker)?;
        let count = rest[at + marker.len()..].strip_prefix(" (")?.strip_suffix(unit)?;
        let count = count.strip_suffix(' ').unwrap_or(count);
        count.bytes().all(|b| b.is_ascii_digit() || b == b',').then_some(&text[..at])
    };
    counted(CUT_MARK, "more characters")
        .or_else(|| counted(CUT_MARK, "more character"))
        .or_else(|| counted(HEADER_CUT_MARK, "more bytes"))
        .or_else(|| counted(HEADER_CUT_MARK, "more byte"))
        .or_else(|| text.strip_suffix(CUT_MARK))
}

/// `n` with a comma between thousands, e.g. `49,997,952`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The response headers as an [`ApiError`] keeps them: credentials and values holding an SSN
/// marked sensitive, a header whose name holds an SSN left out, values longer than
/// [`MAX_HEADER_VALUE_BYTES`] cut (after the check for SSNs, so a cut one is still marked).
pub(crate) fn guarded_headers(headers: HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::with_capacity(headers.len());
    let mut current: Option<HeaderName> = None;
    for (name, mut value) in headers {
        if let Some(name) = name {
            current = Some(name);
        }
        let Some(name) = &current else { continue };
        if mask_ssns(name.as_str()) != name.as_str() {
            continue;
        }
        if is_secret_header(name) || shows_ssn(value.as_bytes()) {
            value.set_sensitive(true);
        }
        if value.len() > MAX_HEADER_VALUE_BYTES {
            value = cut_header_value(&value);
        }
        out.append(name.clone(), value);
    }
    out
}

/// Whether `bytes`, read as text, hold an SSN.
fn shows_ssn(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    mask_ssns(&text) != text
}

/// A header value cut to [`MAX_HEADER_VALUE_BYTES`] (not inside a UTF-8 character), ending
/// with `... (N more bytes)`, sensitive if `value` was.
fn cut_header_value(value: &HeaderValue) -> HeaderValue {
    let bytes = value.as_bytes();
    let mut cut = MAX_HEADER_VALUE_BYTES;
    while cut > 0 && bytes[cut] & 0xC0 == 0x80 {
        cut -= 1;
    }
    let more = bytes.len() - cut;
    let mut kept = bytes[..cut].to_vec();
    kept.extend_from_slice(
        format!("{HEADER_CUT_MARK} ({} more byte{})", thousands(more), plural(more)).as_bytes(),
    );
    let mut cut =
        HeaderValue::from_bytes(&kept).expect("part of a header value and ASCII are a header value");
    cut.set_sensitive(value.is_sensitive());
    cut
}

/// The first [`SNIPPET_CHARS`] characters of a body, lossily decoded, with SSNs masked.
pub(crate) fn snippet(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    // Mask before cutting, so that an SSN straddling the limit is not left half visible.
    let masked = mask_ssns(trimmed);
    let mut out: String = masked.chars().take(SNIPPET_CHARS).collect();
    if masked.chars().count() > SNIPPET_CHARS {
        out.push_str(CUT_MARK);
    }
    Some(out)
}

/// Text from outside (a URL, an HTTP client's message) as an error may show it: SSNs masked,
/// one line, at most [`SNIPPET_CHARS`] characters.
pub(crate) fn shown_text(text: &str) -> String {
    one_line(&snippet(text.as_bytes()).unwrap_or_default())
}

/// The `x-request-id` header, if present and readable, as the server sent it (only an SSN
/// standing alone in it is masked: see [`request_id_shown`]), at most
/// [`MAX_REQUEST_ID_CHARS`] characters. The API key is hidden by the caller.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    let id = headers.get(crate::headers::REQUEST_ID)?.to_str().ok()?;
    Some(cut(request_id_shown(id), MAX_REQUEST_ID_CHARS))
}

/// [`request_id`] with each of `secrets` (the API key, a credential an interceptor set) hidden
/// should the server echo it there: the request id as logs and callers may see it.
pub(crate) fn request_id_hiding(headers: &HeaderMap, secrets: [Option<&str>; 2]) -> Option<String> {
    let mut id = request_id(headers)?;
    for secret in secrets.into_iter().flatten() {
        id = without_api_key(id, secret);
    }
    Some(id)
}

/// Characters that end a line somewhere: CR, LF, vertical tab, form feed, NEL and the Unicode
/// line and paragraph separators.
const LINE_BREAKS: [char; 7] = ['\r', '\n', '\u{0B}', '\u{0C}', '\u{85}', '\u{2028}', '\u{2029}'];

/// `text` with line breaks turned into spaces, so that a `Display` stays one line.
pub(crate) fn one_line(text: &str) -> String {
    text.replace(LINE_BREAKS, " ")
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

#[cfg(test)]
mod cut_tests {
    use http::{HeaderMap, HeaderValue};

    use super::{
        MAX_HEADER_VALUE_BYTES, SNIPPET_CHARS, bounded, guarded_headers, kept_before_cut, snippet, thousands,
    };

    #[test]
    fn counts_have_commas_between_thousands() {
        let shown: Vec<String> =
            [0, 7, 999, 1000, 12_345, 999_999, 1_000_000, 49_997_952].map(thousands).into();
        assert_eq!(shown, ["0", "7", "999", "1,000", "12,345", "999,999", "1,000,000", "49,997,952"]);
    }

    #[test]
    fn bounded_text_is_whole_up_to_the_limit_and_cut_after_it() {
        assert_eq!(bounded("abc", 3), "abc");
        assert_eq!(bounded("abcd", 3), "abc… (1 more character)");
        assert_eq!(bounded(&"é".repeat(1005), 5), "ééééé… (1,000 more characters)");
        // Masked first: the cut falls inside the mask, not inside the SSN.
        assert_eq!(bounded("ssn 123-45-6789", 8), "ssn ***-… (7 more characters)");
    }

    #[test]
    fn the_kept_part_of_a_cut_text_is_found() {
        assert_eq!(kept_before_cut("abc… (1 more character)"), Some("abc"));
        assert_eq!(kept_before_cut("a…b… (1,234 more characters)"), Some("a…b"));
        assert_eq!(kept_before_cut("abc... (12 more bytes)"), Some("abc"));
        assert_eq!(kept_before_cut("snippet…"), Some("snippet"));
        for whole in ["abc", "abc (3 more characters)", "abc… (many more characters)", ""] {
            assert_eq!(kept_before_cut(whole), None, "{whole:?}");
        }
    }

    #[test]
    fn long_header_values_are_cut_and_credentials_and_ssns_marked_sensitive() {
        let mut headers = HeaderMap::new();
        headers.insert("x-long", HeaderValue::from_str(&"v".repeat(MAX_HEADER_VALUE_BYTES + 10)).unwrap());
        headers.insert("x-exact", HeaderValue::from_str(&"v".repeat(MAX_HEADER_VALUE_BYTES)).unwrap());
        let mut utf8 = "v".repeat(MAX_HEADER_VALUE_BYTES - 1).into_bytes();
        utf8.extend_from_slice("éé".as_bytes());
        headers.insert("x-utf8", HeaderValue::from_bytes(&utf8).unwrap());
        let ssn_at_end = format!("{}123-45-6789", "v".repeat(MAX_HEADER_VALUE_BYTES));
        headers.insert("x-ssn", HeaderValue::from_str(&ssn_at_end).unwrap());
        headers.append("set-cookie", HeaderValue::from_static("a=1"));
        headers.append("set-cookie", HeaderValue::from_static("b=2"));
        headers.insert("x-123456789", HeaderValue::from_static("dropped"));

        let guarded = guarded_headers(headers);

        assert_eq!(
            guarded["x-long"],
            format!("{}... (10 more bytes)", "v".repeat(MAX_HEADER_VALUE_BYTES)).as_str()
        );
        assert_eq!(guarded["x-exact"].len(), MAX_HEADER_VALUE_BYTES);
        let cut = guarded["x-utf8"].as_bytes();
        assert!(cut.starts_with(&utf8[..MAX_HEADER_VALUE_BYTES - 1]) && cut.ends_with(b"... (4 more bytes)"));
        assert!(guarded["x-ssn"].is_sensitive(), "an SSN beyond the cut still marks the value");
        assert!(guarded.get_all("set-cookie").iter().all(|v| v.is_sensitive()));
        assert_eq!(guarded.get_all("set-cookie").iter().count(), 2);
        assert!(!guarded["x-long"].is_sensitive());
        assert!(!guarded.contains_key("x-123456789"));
    }

    #[test]
    fn a_long_header_value_of_continuation_bytes_only_is_cut_to_its_marker_without_panicking() {
        // Header values may hold any byte from 0x80 on (obs-text); none of these starts a
        // character, so the cut finds no boundary before the start.
        let mut headers = HeaderMap::new();
        let odd = vec![0x80u8; MAX_HEADER_VALUE_BYTES + 10];
        headers.insert("x-odd", HeaderValue::from_bytes(&odd).unwrap());
        let guarded = guarded_headers(headers);
        assert_eq!(guarded["x-odd"], format!("... ({} more bytes)", MAX_HEADER_VALUE_BYTES + 10).as_str());
    }

    #[test]
    fn a_body_of_exactly_the_limit_is_whole_and_unmarked() {
        let body = "é".repeat(SNIPPET_CHARS);
        assert_eq!(snippet(body.as_bytes()).as_deref(), Some(body.as_str()));
    }

    #[test]
    fn a_longer_body_is_cut_at_the_limit_and_ends_with_the_marker() {
        let body = "é".repeat(SNIPPET_CHARS + 1);
        let cut = snippet(body.as_bytes()).unwrap();
        assert!(cut.ends_with('…'), "{cut}");
        assert_eq!(cut.chars().count(), SNIPPET_CHARS + 1);
        assert_eq!(cut.trim_end_matches('…'), "é".repeat(SNIPPET_CHARS));
    }

    #[test]
    fn a_shorter_body_is_unmarked_and_blank_is_none() {
        assert_eq!(snippet(b" short \n").as_deref(), Some("short"));
        assert_eq!(snippet(b" \n\t"), None);
    }
}
