//! The JSON error every failed request gets: `{"detail", "code", "errors"}`.

use std::collections::BTreeMap;

use axum::response::{IntoResponse, Response};
use http::{HeaderName, HeaderValue, StatusCode, header};

use crate::redact::mask_ssns;

/// Per-field validation messages, keyed by the field's path (`elections[0].decision`).
pub(crate) type FieldErrors = BTreeMap<String, Vec<String>>;

/// A failed request, turned into a JSON response by [`IntoResponse`].
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    pub errors: Option<FieldErrors>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    /// An error with a status, a machine-readable code and a sentence for humans.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self { status, code, detail: detail.into(), errors: None, headers: Vec::new() }
    }

    /// 400 with per-field messages.
    pub fn validation(errors: FieldErrors) -> Self {
        let detail = match errors.len() {
            1 => "One field is invalid.".to_owned(),
            n => format!("{n} fields are invalid."),
        };
        Self { errors: Some(errors), ..Self::new(StatusCode::BAD_REQUEST, "validation_error", detail) }
    }

    /// 400 with a single field message.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.insert(field.into(), vec![message.into()]);
        let mut err = Self::validation(errors);
        err.detail = "One field is invalid.".to_owned();
        err
    }

    /// 400 for a rule of the sandbox that the request breaks (not tied to one field's shape).
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    /// 404 for an unknown ID of the given kind (`"enrollment"`).
    pub fn not_found(kind: &str, id: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("No {kind} with ID `{}` exists.", shown(id)))
    }

    /// 409.
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }

    /// 500, for invariants that should never break.
    pub fn internal(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", detail)
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The JSON body. SSN-shaped text is masked everywhere in it (`***-**-****`): messages may
    /// quote what the caller sent (an ID, a filter value, a value of the wrong type).
    pub fn body(&self) -> serde_json::Value {
        let mut body = serde_json::json!({ "detail": mask_ssns(&self.detail), "code": self.code });
        if let (Some(errors), Some(map)) = (&self.errors, body.as_object_mut()) {
            let masked: FieldErrors = errors
                .iter()
                .map(|(field, messages)| {
                    let messages = messages.iter().map(|m| mask_ssns(m).into_owned()).collect();
                    (mask_ssns(field).into_owned(), messages)
                })
                .collect();
            map.insert("errors".to_owned(), serde_json::json!(masked));
        }
        body
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.body()).unwrap_or_else(|_| b"{\"detail\":\"error\"}".to_vec());
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        response
    }
}

/// Finishes a typify builder (`vitable_connect_api::types::builder::X`) into the generated
/// response type `X`.
///
/// Response records are made with builders rather than struct literals, so that a property the
/// spec adds later needs no change here to compile: an optional one starts empty, and a required
/// one the sandbox does not set yet fails here, at run time, with a 500 that names it.
pub(crate) fn build<T, B>(builder: B) -> Result<T, ApiError>
where
    B: TryInto<T>,
    B::Error: std::fmt::Display,
{
    builder.try_into().map_err(|e| {
        let name = std::any::type_name::<T>().rsplit("::").next().unwrap_or("response");
        ApiError::internal(format!("The sandbox could not build a {name}: {e}."))
    })
}

/// The message for a value that is none of an enum's values, for a body property and a query
/// parameter alike: ``"`Maybe` is not a valid choice; expected one of `Enrolled`, `Waived`."``.
pub(crate) fn not_a_choice(value: &str, allowed: &[&str]) -> String {
    let list = allowed.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
    format!("`{}` is not a valid choice; expected one of {list}.", shown(value))
}

/// A caller-supplied value (an ID from the path, a filter value, a content type) as a message
/// quotes it: SSN-shaped text masked, then cut to 64 characters, control characters escaped.
///
/// Masking comes first, so that an SSN the cut goes through is masked whole rather than shown
/// in part; and when the value is cut, a run of digits and dashes just before the cut goes too,
/// so that what is left never ends in the first digits of a number.
pub(crate) fn shown(value: &str) -> String {
    const KEEP: usize = 64;
    let masked = mask_ssns(value);
    let mut kept: String = masked.chars().take(KEEP).collect();
    let cut = masked.chars().nth(KEEP).is_some();
    if cut {
        let end = kept.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-').len();
        kept.truncate(end);
    }
    let mut out: String = kept.chars().flat_map(char::escape_debug).collect();
    if cut {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_appear_only_for_validation() {
        let plain = ApiError::not_found("enrollment", "enrl_x").body();
        assert_eq!(plain["code"], "not_found");
        assert!(plain.get("errors").is_none());
        let field = ApiError::field("reason", "too long").body();
        assert_eq!(field["errors"]["reason"][0], "too long");
        assert_eq!(field["code"], "validation_error");
    }

    #[test]
    fn ssn_shaped_text_is_masked_in_every_part_of_the_body() {
        let mut err = ApiError::field("ids[123-45-6789]", "`123456789` is not a valid choice.");
        err.detail = "No employee with ID `123-45-6789` exists.".to_owned();
        let text = err.body().to_string();
        assert!(!text.contains("123-45-6789") && !text.contains("123456789"), "{text}");
        assert!(text.contains("***-**-****"), "{text}");
    }

    /// A piece of `ssn` holding 5 or more of its digits that `text` shows (dashes kept or not).
    fn ssn_piece_in(text: &str, ssn: &str) -> Option<String> {
        let digits = ssn.replace('-', "");
        [ssn, digits.as_str()].into_iter().find_map(|form| {
            (0..form.len()).flat_map(|i| (i + 1..=form.len()).map(move |j| &form[i..j])).find_map(|piece| {
                let shown = piece.bytes().filter(u8::is_ascii_digit).count() >= 5 && text.contains(piece);
                shown.then(|| piece.to_owned())
            })
        })
    }

    /// The review's finding: the value was cut before the body masked SSNs, so an SSN cut in
    /// half was no longer SSN-shaped and 8 of its 9 digits (or `123-45`) were echoed.
    #[test]
    fn an_ssn_at_the_cut_is_never_shown_in_part() {
        for ssn in ["123-45-6789", "123456789", "987-65-4321", "987654321"] {
            for prefix in ["", "empl_", "x-"] {
                for tail in ["", "b", "-", "-zz", "\n"] {
                    for start in prefix.len()..80 {
                        let value = format!("{prefix}{}{ssn}{tail}", "a".repeat(start - prefix.len()));
                        let texts = [
                            shown(&value),
                            not_a_choice(&value, &["A", "B"]),
                            ApiError::not_found("employee", &value).body().to_string(),
                        ];
                        for text in texts {
                            let piece = ssn_piece_in(&text, ssn);
                            assert!(piece.is_none(), "{value:?}: {piece:?} is shown in {text}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn values_are_cut_at_64_characters_without_a_trailing_number() {
        assert_eq!(shown("empl_abc"), "empl_abc");
        let exact = "y".repeat(64);
        assert_eq!(shown(&exact), exact);
        assert_eq!(shown(&format!("{exact}z")), format!("{exact}…"));
        // A run of digits and dashes at the cut could be the start of an SSN: it goes.
        let cut = format!("{}12-3", "y".repeat(60));
        assert_eq!(shown(&format!("{cut}4")), format!("{}…", "y".repeat(60)));
        // SSN-shaped text is masked before the cut, whole.
        assert_eq!(shown("enrl_123-45-6789"), "enrl_***-**-****");
        assert_eq!(shown("\n123456789"), "\\n***-**-****");
    }

    #[test]
    fn long_values_are_shortened() {
        let long = "x".repeat(500);
        assert!(shown(&long).chars().count() <= 65);
    }
}
