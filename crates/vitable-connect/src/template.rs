//! URL templating: a request described once, as a value, by its builder — the path template
//! with its path parameters, the query and the JSON body, each encoded once — and turned into
//! the request of each attempt (see [`RequestParts::finish`]); and the URL as traces show it.

use std::borrow::Cow;

use http::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use http::{HeaderMap, Method};
use serde::Serialize;
use vitable_connect_api as api;

use crate::headers::{API_VERSION, JSON};

/// The headers every operation sends: `Accept` and `api-version` (the spec's `info.version`).
pub(crate) fn operation_headers() -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(8);
    headers.insert(ACCEPT, JSON);
    headers.insert(API_VERSION, HeaderValue::from_static(api::spec::SPEC_VERSION));
    headers
}

/// The longest URL a request can have (the `http` crate's limit on a URI).
const MAX_URL_LEN: usize = u16::MAX as usize - 1;

/// Path parameters a request can have.
const MAX_PATH_PARAMS: usize = 4;

/// A request as its builder describes it: the path template with its path parameters, the
/// query, and the JSON body, given in any order. The transport turns it into the request of
/// each attempt ([`Self::finish`]: no copy of a request is kept for retries, and the body,
/// encoded once, is shared); a problem (a value that cannot be encoded, a path value that
/// would change the path) is reported by the first, before anything is sent.
pub(crate) struct RequestParts<'s> {
    /// The operation's path template, e.g. `/v1/enrollments/{enrollment_id}`.
    template: &'s str,
    path: [(&'s str, &'s str); MAX_PATH_PARAMS],
    path_len: usize,
    /// The query, `application/x-www-form-urlencoded` (as the generated client encoded it).
    query: String,
    body: Option<bytes::Bytes>,
    /// Why the request cannot be built.
    problem: Option<String>,
}

impl<'s> RequestParts<'s> {
    /// A request to path template `template` (see [`fill_segment`]).
    pub(crate) fn new(template: &'s str) -> Self {
        Self {
            template,
            path: [("", ""); MAX_PATH_PARAMS],
            path_len: 0,
            query: String::new(),
            body: None,
            problem: None,
        }
    }

    /// The path parameter `name` (its segment is percent-encoded).
    pub(crate) fn path(&mut self, name: &'s str, value: &'s str) {
        if self.path_len == MAX_PATH_PARAMS {
            return self.fail(format!("path parameter `{name}` is one too many (at most {MAX_PATH_PARAMS})"));
        }
        self.path[self.path_len] = (name, value);
        self.path_len += 1;
    }

    /// The query parameter `name`, encoded as `application/x-www-form-urlencoded` (as the
    /// generated client does).
    pub(crate) fn query(&mut self, name: &str, value: &impl Serialize) {
        let start = self.query.len();
        let mut pairs = form_urlencoded::Serializer::for_suffix(&mut self.query, 0);
        let encoded = [(name, value)].serialize(serde_urlencoded::Serializer::new(&mut pairs));
        if let Err(e) = encoded {
            self.query.truncate(start);
            self.fail(format!("query parameter `{name}` cannot be encoded: {e}"));
        }
    }

    /// The body, sent as JSON.
    pub(crate) fn json(&mut self, body: &impl Serialize) {
        match serde_json::to_vec(body) {
            Ok(body) => self.body = Some(body.into()),
            Err(e) => self.fail(format!("the body cannot be encoded as JSON: {e}")),
        }
    }

    /// The body, sent as JSON, with each property `name` of `nulls` whose flag is set sent as
    /// `null` (the typed body cannot say `null`: it leaves out what it does not hold).
    pub(crate) fn json_with_nulls(&mut self, body: &impl Serialize, nulls: &[(&'static str, bool)]) {
        if !nulls.iter().any(|(_, null)| *null) {
            return self.json(body);
        }
        match serde_json::to_value(body) {
            Ok(serde_json::Value::Object(mut object)) => {
                for (name, _) in nulls.iter().filter(|(_, null)| *null) {
                    object.insert((*name).to_owned(), serde_json::Value::Null);
                }
                self.json(&object);
            }
            Ok(_) => self.fail("the body is not a JSON object, so no property can be cleared".to_owned()),
            Err(e) => self.fail(format!("the body cannot be encoded as JSON: {e}")),
        }
    }

    fn fail(&mut self, problem: String) {
        self.problem.get_or_insert(problem);
    }

    /// The URL: `base` with each segment of the template pushed onto it (percent-encoded),
    /// each `{name}` in it replaced by the value of path parameter `name` (see
    /// [`fill_segment`]), then the query.
    fn url(&self, base: &reqwest::Url) -> Result<reqwest::Url, String> {
        let given = &self.path[..self.path_len];
        let value = |name: &str| match given.iter().find(|(n, _)| *n == name) {
            // `PathSegmentsMut` would skip these, and an empty one would drop a segment:
            // either way the request would go to another path.
            Some((_, "" | "." | "..")) => Err(format!("`{name}` cannot be empty, `.` or `..`")),
            // The URL parser drops tabs and line breaks: the request would go to another path.
            Some((_, value)) if value.contains(char::is_control) => Err(format!(
                "`{name}` cannot hold a control character (a line break, a tab, ...): it would be \
                 dropped from the URL, which would then address another resource"
            )),
            Some((_, value)) => Ok(*value),
            None => Err(format!("{name} was not given")),
        };
        let mut problem = None;
        let mut url = base.clone();
        url.path_segments_mut()
            .map_err(|()| "the base URL cannot have a path".to_owned())?
            .pop_if_empty()
            .extend(self.template.split('/').filter(|s| !s.is_empty()).map(|text| {
                fill_segment(self.template, text, value).unwrap_or_else(|e| {
                    problem.get_or_insert(e);
                    Cow::Borrowed("")
                })
            }));
        if let Some(problem) = problem {
            return Err(problem);
        }
        if !self.query.is_empty() {
            url.set_query(Some(&self.query));
        }
        Ok(url)
    }

    /// The request on `base` with `headers` (made from [`operation_headers`] once per client),
    /// and `Content-Type` with a body; or why it cannot be built.
    pub(crate) fn finish(
        &self,
        base: &reqwest::Url,
        method: Method,
        headers: HeaderMap,
    ) -> Result<reqwest::Request, String> {
        if let Some(problem) = &self.problem {
            return Err(problem.clone());
        }
        let url = self.url(base)?;
        if url.as_str().len() > MAX_URL_LEN {
            return Err(format!(
                "the URL would be {} bytes long, more than the {MAX_URL_LEN} an HTTP request can carry \
                 (shorten the query parameters)",
                url.as_str().len()
            ));
        }
        let mut request = reqwest::Request::new(method, url);
        *request.headers_mut() = headers;
        if let Some(body) = &self.body {
            request.headers_mut().insert(CONTENT_TYPE, JSON);
            *request.body_mut() = Some(body.clone().into());
        }
        Ok(request)
    }
}

/// Segment `text` of path template `template` with each `{name}` in it replaced by
/// `value(name)`, e.g. `{id}.json`; a segment without braces as it is. A brace without its
/// pair, or an empty or nested name, is a bad template.
fn fill_segment<'a>(
    template: &str,
    text: &'a str,
    value: impl Fn(&str) -> Result<&'a str, String>,
) -> Result<Cow<'a, str>, String> {
    let Some(mut at) = text.find(['{', '}']) else { return Ok(Cow::Borrowed(text)) };
    let bad = || format!("bad path template `{template}`: each `{{` needs a name and a `}}` after it");
    // The usual segment, `{name}` alone: its value as it is, nothing copied.
    if let Some(name) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}'))
        && !name.is_empty()
        && !name.contains(['{', '}'])
    {
        return value(name).map(Cow::Borrowed);
    }
    let mut filled = String::new();
    let mut rest = text;
    loop {
        let (before, brace) = rest.split_at(at);
        let (name, after) = brace.strip_prefix('{').and_then(|b| b.split_once('}')).ok_or_else(bad)?;
        if name.is_empty() || name.contains('{') {
            return Err(bad());
        }
        filled.push_str(before);
        filled.push_str(value(name)?);
        rest = after;
        match rest.find(['{', '}']) {
            Some(next) => at = next,
            None => break,
        }
    }
    filled.push_str(rest);
    Ok(Cow::Owned(filled))
}

/// What replaces a value that traces do not show.
const HIDDEN: &str = "REDACTED";

/// A URL as traces show it: the base URL and the path template with each path parameter's
/// value replaced by `REDACTED` (an ID a server sent may hold anything, a raw request's path
/// anything the caller put there), and the query with each value replaced too, unless the
/// spec makes the parameter harmless: an integer, a boolean or an enum value (`page`,
/// `limit`, a status filter), which cannot hold personal data. Free text (a name or an email
/// to filter by), dates and every query value of a raw request are hidden.
pub(crate) fn shown_url(
    sent: &reqwest::Url,
    base: &reqwest::Url,
    template: &str,
    params: &[api::spec::Param],
) -> String {
    let mut shown = base.clone();
    if let Ok(mut segments) = shown.path_segments_mut() {
        segments.pop_if_empty();
        for segment in template.split('/').filter(|s| !s.is_empty()) {
            segments.push(&fill_segment(template, segment, |_| Ok(HIDDEN)).unwrap_or(Cow::Borrowed(HIDDEN)));
        }
    }
    if sent.query().is_some() {
        let harmless = |name: &str, value: &str| {
            params.iter().any(|p| {
                p.name == name
                    && p.location == api::spec::Location::Query
                    && match p.ty {
                        "integer" | "boolean" => true,
                        // One of the spec's values: an unrecognized one may be any text.
                        ty => api::spec::enum_values(ty).is_some_and(|values| values.contains(&value)),
                    }
            })
        };
        let pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> = sent.query_pairs().collect();
        shown.query_pairs_mut().extend_pairs(pairs.iter().map(|(name, value)| {
            (name.as_ref(), if harmless(name, value) { value.as_ref() } else { HIDDEN })
        }));
    }
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(
        base: &str,
        template: &'static str,
        describe: impl FnOnce(&mut RequestParts<'_>),
    ) -> Result<reqwest::Request, String> {
        let base = reqwest::Url::parse(base).unwrap();
        let mut parts = RequestParts::new(template);
        describe(&mut parts);
        parts.finish(&base, Method::GET, operation_headers())
    }

    fn url(base: &str, template: &'static str, describe: impl FnOnce(&mut RequestParts<'_>)) -> String {
        build(base, template, describe).unwrap().url().to_string()
    }

    #[test]
    fn the_path_is_the_template_filled_in_on_the_base_url() {
        let id = |r: &mut RequestParts<'_>| r.path("enrollment_id", "enrl_8fK2x9");
        assert_eq!(
            url("http://127.0.0.1:4010", "/v1/enrollments/{enrollment_id}", id),
            "http://127.0.0.1:4010/v1/enrollments/enrl_8fK2x9"
        );
        assert_eq!(
            url("https://api.example.com/", "/v1/enrollments/{enrollment_id}/reissue", id),
            "https://api.example.com/v1/enrollments/enrl_8fK2x9/reissue"
        );
        assert_eq!(
            url("https://api.example.com/stem/", "/v1/enrollments/{enrollment_id}", id),
            "https://api.example.com/stem/v1/enrollments/enrl_8fK2x9"
        );
        let two = |r: &mut RequestParts<'_>| {
            r.path("qle_id", "qle_2");
            r.path("member_id", "mbr_1");
        };
        assert_eq!(
            url("http://h", "/v1/members/{member_id}/qles/{qle_id}", two),
            "http://h/v1/members/mbr_1/qles/qle_2"
        );
        let mixed = |r: &mut RequestParts<'_>| r.path("id", "a b");
        assert_eq!(url("http://h", "/v1/files/{id}.json", mixed), "http://h/v1/files/a%20b.json");
    }

    #[test]
    fn path_values_are_percent_encoded_as_the_generated_client_did() {
        // The generated client's set: controls, space, `"#<>?`{}/%`; `\` is encoded too,
        // rather than read as a separator.
        let odd = |r: &mut RequestParts<'_>| r.path("id", "a/b?c#d%e f\"g{h}\\i");
        assert_eq!(url("http://h", "/v1/x/{id}", odd), "http://h/v1/x/a%2Fb%3Fc%23d%25e%20f%22g%7Bh%7D%5Ci");
    }

    #[test]
    fn a_path_value_that_would_change_the_path_or_a_missing_one_is_refused() {
        for value in ["", ".", ".."] {
            let problem = build("http://h", "/v1/x/{id}", |r| r.path("id", value)).unwrap_err();
            assert!(problem.contains("cannot be empty, `.` or `..`"), "{problem}");
        }
        let problem = build("http://h", "/v1/x/{id}", |_| {}).unwrap_err();
        assert_eq!(problem, "id was not given");
    }

    #[test]
    fn parts_come_in_any_order_up_to_the_limit_of_path_parameters() {
        let late = build("http://h", "/v1/x/{id}", |r| {
            r.query("page", &1);
            r.json(&serde_json::json!({}));
            r.path("id", "x");
        })
        .unwrap();
        assert_eq!(late.url().as_str(), "http://h/v1/x/x?page=1");
        let many = build("http://h", "/v1/{a}/{b}/{c}/{d}", |r| {
            for name in ["a", "b", "c", "d", "e"] {
                r.path(name, "v");
            }
        })
        .unwrap_err();
        assert_eq!(many, "path parameter `e` is one too many (at most 4)");
    }

    #[test]
    fn a_query_value_that_cannot_be_encoded_is_named_and_leaves_nothing_behind() {
        let problem = build("http://h", "/v1/x", |r| {
            r.query("page", &1);
            r.query("nested", &serde_json::json!({ "a": 1 }));
        })
        .unwrap_err();
        assert!(problem.starts_with("query parameter `nested` cannot be encoded"), "{problem}");
    }

    #[test]
    fn text_around_a_parameter_is_kept_and_a_brace_without_its_pair_is_a_bad_template() {
        let id = |r: &mut RequestParts<'_>| r.path("id", "v1");
        assert_eq!(url("http://h", "/x/é{id}", id), "http://h/x/%C3%A9v1");
        assert_eq!(url("http://h", "/x/{id}é", id), "http://h/x/v1%C3%A9");
        assert_eq!(url("http://h", "/x/é{id}é{id}", id), "http://h/x/%C3%A9v1%C3%A9v1");
        assert_eq!(url("http://h", "/é/x", id), "http://h/%C3%A9/x");
        for template in ["/x/{id", "/x/id}", "/x/{id}}", "/x/{}", "/x/{a{id}", "/x/}{id}", "/x/{id}{", "/{"] {
            let problem = build("http://h", template, id).unwrap_err();
            assert_eq!(
                problem,
                format!("bad path template `{template}`: each `{{` needs a name and a `}}` after it")
            );
        }
    }

    #[test]
    fn a_path_value_with_a_control_character_is_refused() {
        for value in ["a\nb", "a\r", "\tb", "a\u{7f}", "a\u{85}b", "\0"] {
            let problem = build("http://h", "/v1/x/{id}", |r| r.path("id", value)).unwrap_err();
            assert!(problem.starts_with("`id` cannot hold a control character"), "{problem}");
        }
        assert!(build("http://h", "/v1/x/{id}", |r| r.path("id", "a b\u{a0}é")).is_ok());
    }

    #[test]
    fn traces_show_the_template_and_only_harmless_query_values() {
        let base = reqwest::Url::parse("http://h:1/stem/").unwrap();
        let list = api::spec::operation("employers_list").unwrap();
        let sent =
            reqwest::Url::parse("http://h:1/stem/v1/employers?page=2&limit=5&active_in=true&name=Dana+S")
                .unwrap();
        assert_eq!(
            shown_url(&sent, &base, list.path, list.params),
            "http://h:1/stem/v1/employers?page=2&limit=5&active_in=true&name=REDACTED"
        );
        // An enum filter shows a value of the spec, and hides any other text.
        let years = api::spec::operation("benefit_products_plan_years_list").unwrap();
        let status = api::spec::enum_values("PlanYearStatus").unwrap()[0];
        let sent =
            reqwest::Url::parse(&format!("http://h:1/v1/x?status={status}&employer_id=empr_1")).unwrap();
        let shown = shown_url(&sent, &base, "/v1/x", years.params);
        assert_eq!(shown, format!("http://h:1/stem/v1/x?status={status}&employer_id=REDACTED"));
        let sent = reqwest::Url::parse("http://h:1/v1/x?status=Dana").unwrap();
        assert_eq!(shown_url(&sent, &base, "/v1/x", years.params), "http://h:1/stem/v1/x?status=REDACTED");
        // A parameter of the same name in the path is not a query parameter.
        let retrieve = api::spec::operation("employers_retrieve").unwrap();
        let sent = reqwest::Url::parse("http://h:1/v1/employers/123456789?employer_id=1").unwrap();
        assert_eq!(
            shown_url(&sent, &base, retrieve.path, retrieve.params),
            "http://h:1/stem/v1/employers/REDACTED?employer_id=REDACTED"
        );
        // No spec (a raw request): every value hidden; no query, none shown.
        let sent = reqwest::Url::parse("http://h:1/v1/p/123-45-6789/x7?page=1").unwrap();
        assert_eq!(
            shown_url(&sent, &base, "/v1/p/{ssn}/x{n}", &[]),
            "http://h:1/stem/v1/p/REDACTED/xREDACTED?page=REDACTED"
        );
        let sent = reqwest::Url::parse("http://h:1/v1/p").unwrap();
        assert_eq!(shown_url(&sent, &base, "/v1/p", &[]), "http://h:1/stem/v1/p");
    }

    #[test]
    fn a_segment_with_several_parameters_is_filled_in_whole() {
        let pair = |r: &mut RequestParts<'_>| {
            r.path("a", "1");
            r.path("b", "2");
        };
        assert_eq!(url("http://h", "/v1/x/{a}-{b}", pair), "http://h/v1/x/1-2");
        assert_eq!(url("http://h", "/v1/x/{a}{b}", pair), "http://h/v1/x/12");
    }

    #[test]
    fn cleared_properties_are_sent_as_null_and_the_rest_as_the_body_says() {
        let body = serde_json::json!({ "phone": "+14155550123" });
        let sent = |nulls: &[(&'static str, bool)]| -> serde_json::Value {
            let request = build("http://h", "/v1/x", |r| r.json_with_nulls(&body, nulls)).unwrap();
            serde_json::from_slice(request.body().and_then(reqwest::Body::as_bytes).unwrap()).unwrap()
        };
        assert_eq!(
            sent(&[("email", true), ("gender", false)]),
            serde_json::json!({ "phone": "+14155550123", "email": null })
        );
        assert_eq!(sent(&[("email", false)]), body);
        assert_eq!(sent(&[]), body);
    }

    #[test]
    fn query_parameters_and_body_are_encoded_like_the_generated_client() {
        let request = build("http://h", "/v1/employers", |r| {
            r.query("page", &2u64);
            r.query("active_in", &true);
            r.query("name", &"Acme & Co");
            r.json(&serde_json::json!({ "name": "Acme" }));
        })
        .unwrap();
        assert_eq!(request.url().as_str(), "http://h/v1/employers?page=2&active_in=true&name=Acme+%26+Co");
        assert_eq!(request.headers()[ACCEPT], "application/json");
        assert_eq!(request.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(request.headers()["api-version"], api::spec::SPEC_VERSION);
        let body = request.body().and_then(reqwest::Body::as_bytes).unwrap();
        assert_eq!(body, br#"{"name":"Acme"}"#);
        let get = build("http://h", "/v1/employers", |_| {}).unwrap();
        assert!(get.body().is_none() && !get.headers().contains_key(CONTENT_TYPE));
    }
    #[test]
    fn a_url_of_the_longest_length_an_http_request_can_carry_is_sent_and_a_longer_one_refused() {
        let base = "http://h/v1/x?q=";
        let with_len = |len: usize| {
            let value = "a".repeat(len - base.len());
            build("http://h", "/v1/x", |r| r.query("q", &value.as_str())).map(|r| r.url().as_str().len())
        };
        // The `http` crate's limit on a URI: u16::MAX - 1 bytes.
        assert_eq!(with_len(65_534), Ok(65_534));
        let problem = with_len(65_535).unwrap_err();
        assert!(problem.starts_with("the URL would be 65535 bytes long, more than the 65534"), "{problem}");
    }
}
