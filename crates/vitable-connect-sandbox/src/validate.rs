//! Request bodies: JSON into the generated request types, with per-field messages.
//!
//! A body is checked twice, and every problem of both checks is reported at once:
//! * against the spec's tables ([`spec_checks`]): enum values, `null` where the spec does not
//!   allow it, and every limit (`minItems`, `minimum`, `format: email`, lengths), at any depth;
//! * by deserializing it into the type generated from `openapi.yaml`
//!   (`vitable_connect_api::types::*`) through `serde_path_to_error`: required fields and JSON
//!   types. The generated enums are open (any text decodes, unknown text as `Unrecognized`), so
//!   this step no longer rejects an unknown enum value: the spec's list does, in the first check.

use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;
use vitable_connect_api::spec;

use crate::error::{ApiError, FieldErrors};

/// Parses `body` (sent with `content_type`) as JSON into `T`.
pub(crate) fn parse_json<T: DeserializeOwned>(
    body: &[u8],
    content_type: Option<&str>,
) -> Result<T, ApiError> {
    if let Some(ct) = content_type
        && !is_json_content_type(ct)
    {
        return Err(ApiError::bad_request(
            "unsupported_content_type",
            format!(
                "Request bodies must be JSON (Content-Type: application/json), not `{}`.",
                crate::error::shown(ct)
            ),
        ));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("missing_body", "This operation needs a JSON request body."));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| from_serde(&e))?;
    de.end().map_err(|e| malformed(&e))?;
    Ok(value)
}

/// Parses a request body whose spec schema is `schema` into `T`, checking it against the spec's
/// tables first ([`spec_checks`]). Returns the typed body and the JSON it came from (for
/// [`crate::patch::Patch`], which needs to see which properties were sent as `null`).
///
/// Content type, emptiness and JSON syntax fail on their own, as in [`parse_json`]. Otherwise the
/// problems found by the spec checks and the first one serde finds are reported together; where
/// both name the same field, the spec check's message is kept.
pub(crate) fn parse_body<T: DeserializeOwned>(
    body: &[u8],
    content_type: Option<&str>,
    schema: Option<&str>,
) -> Result<(T, serde_json::Value), ApiError> {
    let value: serde_json::Value = parse_json(body, content_type)?;
    let mut checks = Checks::default();
    if let Some(schema) = schema {
        spec_checks(schema, &value, "", &mut checks);
    }
    match parse_json::<T>(body, content_type) {
        Ok(parsed) => {
            checks.finish()?;
            Ok((parsed, value))
        }
        Err(err) => Err(checks.merge(err)),
    }
}

fn is_json_content_type(ct: &str) -> bool {
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn malformed(e: &serde_json::Error) -> ApiError {
    ApiError::bad_request("malformed_json", format!("The request body is not valid JSON: {}.", message(e)))
}

/// serde_json's message without the ` at line L column C` suffix.
fn message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

fn from_serde(e: &serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let inner = e.inner();
    if !matches!(inner.classify(), serde_json::error::Category::Data) {
        return malformed(inner);
    }
    let mut field = field_path(e.path().iter());
    let raw = message(inner);
    let text = if let Some(name) = raw.strip_prefix("missing field `").and_then(|r| r.strip_suffix('`')) {
        field = join(&field, name);
        "This field is required.".to_owned()
    } else {
        friendly(&field, &raw)
    };
    if field.is_empty() {
        return ApiError::bad_request("validation_error", format!("The request body is invalid: {text}"));
    }
    ApiError::field(field, text)
}

/// What a valid `what` looks like, from the forms the spec gives it (`x-shapes`, `X` a
/// digit): "Enter a valid EIN: 9 digits, as XX-XXXXXXX or XXXXXXXXX."
fn valid_form(what: &str, forms: &[&str]) -> String {
    let digits = forms.first().map_or(0, |form| form.matches('X').count());
    format!("Enter a valid {what}: {digits} digits, as {}.", forms.join(" or "))
}

/// `elections[0].decision` from the path segments.
fn field_path<'a>(segments: impl Iterator<Item = &'a Segment>) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } => out = join(&out, key),
            Segment::Enum { variant } => out = join(&out, variant),
            Segment::Unknown => out = join(&out, "?"),
        }
    }
    out
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() { name.to_owned() } else { format!("{parent}.{name}") }
}

/// Rewrites serde's and the generated types' messages as sentences, and never echoes an SSN.
fn friendly(field: &str, raw: &str) -> String {
    if field == "ssn" || field.ends_with(".ssn") {
        return valid_form("SSN", vitable_connect_api::ssn_forms());
    }
    if raw.starts_with("invalid type: null") {
        return "This field may not be null.".to_owned();
    }
    if let Some((got, expected)) =
        raw.strip_prefix("invalid type: ").and_then(|r| r.split_once(", expected "))
    {
        return format!("Expected {expected}, got {got}.");
    }
    if let Some(rest) = raw.strip_prefix("unknown variant ") {
        return match rest.split_once(", expected ") {
            Some((value, expected)) => format!("{value} is not a valid choice; expected {expected}."),
            None => format!("{rest} is not a valid choice."),
        };
    }
    if let Some(n) = raw.strip_prefix("longer than ").and_then(|r| r.strip_suffix(" characters")) {
        return format!("Ensure this field has no more than {n} characters.");
    }
    if let Some(n) = raw.strip_prefix("shorter than ").and_then(|r| r.strip_suffix(" characters")) {
        let unit = if n == "1" { "character" } else { "characters" };
        return format!("Ensure this field has at least {n} {unit}.");
    }
    const CHRONO: [&str; 6] = [
        "input contains invalid characters",
        "premature end of input",
        "trailing input",
        "input is out of range",
        "input is not enough for unique date and time",
        "no possible date and time matching input",
    ];
    if CHRONO.contains(&raw) {
        return "Enter a valid date as YYYY-MM-DD.".to_owned();
    }
    let mut text = raw.to_owned();
    if let Some(first) = text.get(..1) {
        text.replace_range(..1, &first.to_uppercase());
    }
    if !text.ends_with('.') {
        text.push('.');
    }
    text
}

/// The message for `null` where the spec does not allow it.
pub(crate) const NOT_NULL: &str = "This field may not be null.";

/// Checks `value` (a request body or a part of it, of spec type `ty`) against what `openapi.yaml`
/// says of it, recording a message per field under its path
/// (`contribution_classes[0].employer_contribution_cents`, `elections[1].decision`):
/// * a property whose type is an enum schema holds one of the spec's values
///   ([`spec::enum_values`](fn@vitable_connect_api::spec::enum_values));
/// * a property is `null` only where the spec marks it `nullable`;
/// * every limit (`minItems`, `maxItems`, `minimum`, `maximum`, `format: email`, lengths).
///
/// Values of the wrong JSON type are left to serde, which reports them with the expected type.
pub(crate) fn spec_checks(ty: &str, value: &serde_json::Value, at: &str, checks: &mut Checks) {
    use vitable_connect_api::spec;
    if let Some(item) = ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        for (i, v) in value.as_array().into_iter().flatten().enumerate() {
            spec_checks(item, v, &format!("{at}[{i}]"), checks);
        }
        return;
    }
    if let Some(allowed) = spec::enum_values(ty) {
        if let Some(text) = value.as_str().filter(|text| !allowed.contains(text)) {
            checks.add(at, crate::error::not_a_choice(text, allowed));
        }
        return;
    }
    let (Some(props), Some(object)) = (spec::properties(ty), value.as_object()) else { return };
    for prop in props {
        let Some(v) = object.get(prop.name) else { continue };
        let field = join(at, prop.name);
        if v.is_null() {
            if !prop.nullable {
                checks.add(field, NOT_NULL);
            }
            continue;
        }
        check_limits(&prop.limits, v, &field, checks);
        spec_checks(prop.ty, v, &field, checks);
    }
}

fn check_limits(
    limits: &vitable_connect_api::spec::Limits,
    value: &serde_json::Value,
    field: &str,
    checks: &mut Checks,
) {
    let plural = |n: u64, one: &str, many: &str| if n == 1 { one.to_owned() } else { many.to_owned() };
    if let Some(text) = value.as_str() {
        let count = text.chars().count() as u64;
        if let Some(max) = limits.max_length.filter(|max| count > *max) {
            checks.add(field, format!("Ensure this field has no more than {max} characters."));
        }
        if let Some(min) = limits.min_length.filter(|min| count < *min) {
            checks.add(
                field,
                format!("Ensure this field has at least {min} {}.", plural(min, "character", "characters")),
            );
        }
        if limits.format == Some("email") {
            checks.email(field, text);
        }
    }
    if let Some(n) = value.as_i64() {
        if let Some(min) = limits.minimum.filter(|min| n < *min) {
            checks.add(field, format!("Ensure this value is greater than or equal to {min}."));
        }
        if let Some(max) = limits.maximum.filter(|max| n > *max) {
            checks.add(field, format!("Ensure this value is less than or equal to {max}."));
        }
    }
    if let Some(items) = value.as_array() {
        let len = items.len() as u64;
        if let Some(min) = limits.min_items.filter(|min| len < *min) {
            checks
                .add(field, format!("Ensure this list has at least {min} {}.", plural(min, "item", "items")));
        }
        if let Some(max) = limits.max_items.filter(|max| len > *max) {
            checks.add(field, format!("Ensure this list has no more than {max} items."));
        }
    }
}

/// Collects the checks the generated types do not make, then fails with all of them at once.
#[derive(Default)]
pub(crate) struct Checks {
    errors: FieldErrors,
}

impl Checks {
    /// Records `message` for `field`.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.entry(field.into()).or_default().push(message.into());
    }

    /// `format: email`: one `@` with text on both sides and no whitespace.
    pub fn email(&mut self, field: &str, value: &str) {
        let ok = match value.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
                    && !value.chars().any(char::is_whitespace)
            }
            None => false,
        };
        if !ok {
            self.add(field, "Enter a valid email address.");
        }
    }

    /// An EIN in one of the forms of the spec's `x-shapes` on `EmployerCreateRequest.ein`
    /// (`XX-XXXXXXX` or `XXXXXXXXX`).
    pub fn ein(&mut self, field: &str, value: &str) {
        let limits = spec::properties("EmployerCreateRequest")
            .and_then(|props| props.iter().find(|p| p.name == "ein"))
            .map_or(spec::Limits::NONE, |p| p.limits);
        if !limits.fits_shape(value) {
            self.add(field, valid_form("EIN", limits.shapes));
        }
    }

    /// Fails with every recorded message, if any.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() { Ok(()) } else { Err(ApiError::validation(self.errors)) }
    }

    /// One error for the recorded messages and `err`: `err` itself when nothing is recorded or
    /// it is not about fields (the body is not an object at all), else every recorded message
    /// plus `err`'s messages for the fields not recorded yet.
    pub fn merge(mut self, err: ApiError) -> ApiError {
        let Some(fields) = err.errors.as_ref().filter(|_| !self.errors.is_empty()) else { return err };
        for (field, messages) in fields {
            self.errors.entry(field.clone()).or_insert_with(|| messages.clone());
        }
        ApiError::validation(self.errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitable_connect_api::spec::{self, Limits};
    use vitable_connect_api::types::{
        DependentCreateRequest, EmployeeCreateRequest, EmployerCreateRequest, EnrollmentReissueRequest,
        EnrollmentSubmitElectionsRequest, QualifyingLifeEventRecordRequest,
    };

    fn field_errors(err: &ApiError) -> FieldErrors {
        err.errors.clone().unwrap_or_default()
    }

    /// The limits `openapi.yaml` gives property `prop` of schema `schema`.
    #[track_caller]
    fn limits(schema: &str, prop: &str) -> Limits {
        spec::properties(schema)
            .and_then(|props| props.iter().find(|p| p.name == prop))
            .unwrap_or_else(|| panic!("{schema}.{prop} is not in the spec"))
            .limits
    }

    /// The spec's `maxLength` of `schema.prop`.
    #[track_caller]
    fn max_len(schema: &str, prop: &str) -> usize {
        let max =
            limits(schema, prop).max_length.unwrap_or_else(|| panic!("{schema}.{prop} has no maxLength"));
        usize::try_from(max).unwrap()
    }

    #[test]
    fn a_missing_field_is_named() {
        let err = parse_json::<EnrollmentReissueRequest>(b"{}", None).unwrap_err();
        assert_eq!(field_errors(&err)["qle_id"], ["This field is required."]);
    }

    #[test]
    fn the_generated_length_limits_apply() {
        let max = max_len("EnrollmentReissueRequest", "reason");
        let body = serde_json::json!({ "qle_id": "qle_1", "reason": "x".repeat(max + 1) }).to_string();
        let err = parse_json::<EnrollmentReissueRequest>(body.as_bytes(), None).unwrap_err();
        let message = format!("Ensure this field has no more than {max} characters.");
        assert_eq!(field_errors(&err)["reason"], [message]);
        let ok = serde_json::json!({ "qle_id": "qle_1", "reason": "x".repeat(max) }).to_string();
        assert!(parse_json::<EnrollmentReissueRequest>(ok.as_bytes(), None).is_ok());
        let max = max_len("QualifyingLifeEventRecordRequest", "notes");
        let notes = serde_json::json!({ "event_type": "Birth", "event_date": "2026-01-01", "notes": "n".repeat(max + 1) });
        let err =
            parse_json::<QualifyingLifeEventRecordRequest>(notes.to_string().as_bytes(), None).unwrap_err();
        assert!(field_errors(&err).contains_key("notes"));
    }

    /// Parses `body` as the body of `schema`, the way [`crate::handlers::Call::json`] does.
    fn body<T: DeserializeOwned>(schema: &str, body: &[u8]) -> Result<T, ApiError> {
        parse_body::<T>(body, None, Some(schema)).map(|(parsed, _)| parsed)
    }

    /// The generated enums accept any text, so the spec's list is what rejects an unknown
    /// value, at any depth, with every allowed value in the message.
    #[test]
    fn nested_paths_and_enums() {
        let schema = "EnrollmentSubmitElectionsRequest";
        let raw = br#"{"elections":[{"enrollment_id":"enrl_1","decision":"Maybe"}]}"#;
        assert!(parse_json::<EnrollmentSubmitElectionsRequest>(raw, None).is_ok(), "open enums");
        let err = body::<EnrollmentSubmitElectionsRequest>(schema, raw).unwrap_err();
        let errors = field_errors(&err);
        let msg = &errors["elections[0].decision"][0];
        assert!(msg.starts_with("`Maybe` is not a valid choice; expected one of "), "{msg}");
        for value in spec::enum_values("ElectionDecision").unwrap() {
            assert!(msg.contains(&format!("`{value}`")), "{msg}");
        }
        let raw = br#"{"elections":[{"decision":"Waived"}]}"#;
        let err = body::<EnrollmentSubmitElectionsRequest>(schema, raw).unwrap_err();
        assert!(field_errors(&err).contains_key("elections[0].enrollment_id"));
        // Both kinds of problem at once: the spec's (enum) and serde's (a missing field).
        let raw = br#"{"elections":[{"decision":"Maybe"}]}"#;
        let errors = field_errors(&body::<EnrollmentSubmitElectionsRequest>(schema, raw).unwrap_err());
        let keys: Vec<_> = errors.keys().map(String::as_str).collect();
        assert_eq!(keys, ["elections[0].decision", "elections[0].enrollment_id"]);
        for value in spec::enum_values("ElectionDecision").unwrap() {
            let raw = format!(r#"{{"elections":[{{"enrollment_id":"enrl_1","decision":"{value}"}}]}}"#);
            assert!(body::<EnrollmentSubmitElectionsRequest>(schema, raw.as_bytes()).is_ok(), "{value}");
        }
    }

    /// An SSN in none of the spec's forms is refused with a message giving every form of the
    /// spec's `Ssn` (`x-shapes`) and the digits they hold, and never the text sent.
    #[test]
    fn the_ssn_message_gives_the_forms_of_the_spec() {
        let forms = vitable_connect_api::ssn_forms();
        assert!(!forms.is_empty(), "the spec's Ssn has x-shapes");
        let raw = serde_json::json!({
            "first_name": "A", "last_name": "B", "date_of_birth": "2020-01-01", "sex": "Male",
            "relationship": "Child", "ssn": "12-3456",
        });
        let err =
            body::<DependentCreateRequest>("DependentCreateRequest", raw.to_string().as_bytes()).unwrap_err();
        let message = field_errors(&err)["ssn"].join(" ");
        assert!(!message.contains("12-3456"), "{message}");
        for form in forms {
            let digits = form.bytes().filter(|b| *b == b'X').count();
            assert!(
                message.contains(form) && message.contains(&format!("{digits} digits")),
                "{form}: {message}"
            );
        }
    }

    /// `null` is accepted only where the spec says `nullable`: for an optional property too,
    /// which the generated type (an `Option`) would take as absent.
    #[test]
    fn null_only_where_the_spec_allows_it() {
        let address = |country: serde_json::Value| {
            serde_json::json!({
                "name": "A", "legal_name": "A LLC", "ein": "12-3456789",
                "address": { "street_1": "1 Main", "street_2": null, "city": "X", "state": "CA",
                             "zip_code": "94110", "country": country },
            })
        };
        let schema = "EmployerCreateRequest";
        let ok = address(serde_json::json!("US")).to_string();
        assert!(body::<EmployerCreateRequest>(schema, ok.as_bytes()).is_ok(), "street_2 is nullable");
        let raw = address(serde_json::Value::Null).to_string();
        assert!(parse_json::<EmployerCreateRequest>(raw.as_bytes(), None).is_ok(), "an Option");
        let err = body::<EmployerCreateRequest>(schema, raw.as_bytes()).unwrap_err();
        assert_eq!(field_errors(&err)["address.country"], [NOT_NULL]);
        // A required property sent as null: one message, not one from each check.
        let raw = br#"{"qle_id":null,"reason":null}"#;
        let err = body::<EnrollmentReissueRequest>("EnrollmentReissueRequest", raw).unwrap_err();
        assert_eq!(field_errors(&err), FieldErrors::from([("qle_id".to_owned(), vec![NOT_NULL.to_owned()])]));
    }

    #[test]
    fn an_ssn_is_never_echoed() {
        for ssn in ["\"12-345-6789\"", "123456789", "\"1234567890123\""] {
            let body = format!(
                r#"{{"first_name":"A","last_name":"B","date_of_birth":"1990-01-01","sex":"Male","ssn":{ssn},"email":"a@b.co","start_date":"2024-01-01"}}"#
            );
            let err = parse_json::<EmployeeCreateRequest>(body.as_bytes(), None).unwrap_err();
            let text = err.body().to_string();
            assert!(field_errors(&err).contains_key("ssn"), "{text}");
            assert!(!text.contains("345") && !text.contains("6789"), "{text}");
        }
    }

    #[test]
    fn malformed_bodies_and_content_types() {
        let err = parse_json::<EnrollmentReissueRequest>(b"{\"qle_id\": ", None).unwrap_err();
        assert_eq!(err.code, "malformed_json");
        let err = parse_json::<EnrollmentReissueRequest>(b"", None).unwrap_err();
        assert_eq!(err.code, "missing_body");
        let err = parse_json::<EnrollmentReissueRequest>(b"{}", Some("text/plain")).unwrap_err();
        assert_eq!(err.code, "unsupported_content_type");
        let err = parse_json::<EnrollmentReissueRequest>(b"[1]", None).unwrap_err();
        assert_eq!(err.status, http::StatusCode::BAD_REQUEST);
        let err = parse_json::<EnrollmentReissueRequest>(br#"{"qle_id":"qle_1"} x"#, None).unwrap_err();
        assert_eq!(err.code, "malformed_json");
        assert!(
            parse_json::<EnrollmentReissueRequest>(
                br#"{"qle_id":"q"}"#,
                Some("application/json; charset=utf-8")
            )
            .is_ok()
        );
    }

    #[test]
    fn dates_get_a_clear_message() {
        let body = br#"{"event_type":"Birth","event_date":"2026-13-01"}"#;
        let err = parse_json::<QualifyingLifeEventRecordRequest>(body, None).unwrap_err();
        assert_eq!(field_errors(&err)["event_date"], ["Enter a valid date as YYYY-MM-DD."]);
    }

    /// Every EIN form of the spec (`x-shapes` of `EmployerCreateRequest.ein`) passes; the same
    /// text with a letter in place of a digit does not.
    #[test]
    fn every_ein_form_of_the_spec_passes() {
        let ein =
            spec::properties("EmployerCreateRequest").unwrap().iter().find(|p| p.name == "ein").unwrap();
        assert!(!ein.limits.shapes.is_empty(), "the spec's EIN has x-shapes");
        for form in ein.limits.shapes {
            let text: String = form
                .chars()
                .zip("1234567890".chars().cycle())
                .map(|(f, d)| if f == 'X' { d } else { f })
                .collect();
            let mut checks = Checks::default();
            checks.ein("ein", &text);
            assert!(checks.finish().is_ok(), "{form}: {text}");
            let mut checks = Checks::default();
            checks.ein("ein", &text.replacen(|c: char| c.is_ascii_digit(), "x", 1));
            let message = field_errors(&checks.finish().unwrap_err())["ein"].join(" ");
            assert!(message.contains(form), "{message}");
        }
    }

    #[test]
    fn extra_checks() {
        let mut checks = Checks::default();
        checks.email("email", "nope");
        checks.email("ok", "a@b.co");
        checks.ein("ein", "12-3456789");
        checks.ein("bad_ein", "12345678x");
        let errors = field_errors(&checks.finish().unwrap_err());
        let keys: Vec<_> = errors.keys().map(String::as_str).collect();
        assert_eq!(keys, ["bad_ein", "email"]);
    }

    /// Every limit the spec states on a body is checked, with the field's path, from the
    /// spec's tables (the generated types do not check `minItems`, `minimum` or formats).
    #[test]
    fn the_spec_limits_of_a_body_are_checked() {
        let classes = limits("PlanYearCreateRequest", "contribution_classes").min_items.unwrap();
        let cents = limits("ContributionClassInput", "employee_contribution_cents").minimum.unwrap();
        let class = serde_json::json!({
            "employment": "full_time", "family_status": "EE",
            "employee_contribution_cents": cents - 1, "employer_contribution_cents": cents,
        });
        let too_few: Vec<_> = (1..classes).map(|_| class.clone()).collect();
        let mut checks = Checks::default();
        spec_checks(
            "PlanYearCreateRequest",
            &serde_json::json!({ "contribution_classes": too_few }),
            "",
            &mut checks,
        );
        spec_checks(
            "PlanYearUpdateRequest",
            &serde_json::json!({ "contribution_classes": [class] }),
            "",
            &mut checks,
        );
        spec_checks(
            "EmployeeUpdateRequest",
            &serde_json::json!({ "email": "nope", "phone": null }),
            "",
            &mut checks,
        );
        let errors = field_errors(&checks.finish().unwrap_err());
        let keys: Vec<_> = errors.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["contribution_classes", "contribution_classes[0].employee_contribution_cents", "email"]
        );
        assert_eq!(
            errors["contribution_classes[0].employee_contribution_cents"],
            [format!("Ensure this value is greater than or equal to {cents}.")]
        );
    }
}
