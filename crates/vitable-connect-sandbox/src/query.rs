//! Query parameters, parsed by hand so that every problem becomes a 400 with per-field errors.

use std::str::FromStr;

use vitable_connect_api::spec::{self, Operation};

use crate::error::{ApiError, FieldErrors};

/// The decoded `name=value` pairs of a query string.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Splits and decodes a raw query string as `application/x-www-form-urlencoded` (`+` is a
    /// space, `%XX` a byte, text that is not UTF-8 becomes U+FFFD), with `form_urlencoded`.
    pub fn parse(raw: Option<&str>) -> Self {
        let pairs = form_urlencoded::parse(raw.unwrap_or("").as_bytes())
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        Self { pairs }
    }

    /// The last value given for `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// A reader for the parameters of `op` that collects every problem.
    pub fn reader(&self, op: &'static Operation) -> QueryReader<'_> {
        QueryReader { query: self, op, errors: FieldErrors::new(), read: Vec::new() }
    }
}

/// Page and limit of a list request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paging {
    pub page: u64,
    pub limit: u64,
}

impl Paging {
    /// The slice of `items` on this page (empty past the end).
    pub fn apply<T>(self, items: Vec<T>) -> Vec<T> {
        let skip =
            usize::try_from(self.page.saturating_sub(1).saturating_mul(self.limit)).unwrap_or(usize::MAX);
        let take = usize::try_from(self.limit).unwrap_or(usize::MAX);
        items.into_iter().skip(skip).take(take).collect()
    }
}

/// Reads typed parameters and remembers what was wrong with them.
pub(crate) struct QueryReader<'a> {
    query: &'a Query,
    op: &'static Operation,
    errors: FieldErrors,
    /// The parameters the handler asked for.
    read: Vec<&'static str>,
}

impl<'a> QueryReader<'a> {
    /// The raw value of `name`, noting that the handler reads it.
    fn get(&mut self, name: &str) -> Option<&'a str> {
        if let Some(param) = self.op.param(name) {
            self.read.push(param.name);
        }
        self.query.get(name)
    }

    fn fail(&mut self, name: &str, message: impl Into<String>) {
        self.errors.entry(name.to_owned()).or_default().push(message.into());
    }

    /// `page` and `limit`, within the operation's limits in the spec, or their defaults.
    pub fn paging(&mut self) -> Paging {
        let page = self.integer("page");
        let limit = self.integer("limit");
        Paging { page, limit }
    }

    /// A non-negative integer parameter within the spec's `minimum` and `maximum`, or the
    /// spec's `default` (else the minimum) when absent or invalid.
    fn integer(&mut self, name: &str) -> u64 {
        let limits = self.op.param(name).map(|p| p.limits).unwrap_or_default();
        let min = limits.minimum.and_then(|m| u64::try_from(m).ok()).unwrap_or(0);
        let max = limits.maximum.and_then(|m| u64::try_from(m).ok()).unwrap_or(u64::MAX);
        let default = limits.default.and_then(|d| d.parse().ok()).unwrap_or(min);
        self.bounded(name, min, max).unwrap_or(default)
    }

    fn bounded(&mut self, name: &str, min: u64, max: u64) -> Option<u64> {
        let raw = self.get(name)?;
        match raw.trim().parse::<i128>() {
            Ok(n) if n < i128::from(min) => {
                self.fail(name, format!("Ensure this value is greater than or equal to {min}."));
                None
            }
            Ok(n) if n > i128::from(max) => {
                self.fail(name, format!("Ensure this value is less than or equal to {max}."));
                None
            }
            Ok(n) => u64::try_from(n).ok(),
            Err(_) => {
                self.fail(name, "A valid integer is required.");
                None
            }
        }
    }

    /// A 32-bit integer such as a year.
    pub fn int32(&mut self, name: &str) -> Option<i32> {
        let raw = self.get(name)?;
        match raw.trim().parse::<i32>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.fail(name, "A valid 32-bit integer is required.");
                None
            }
        }
    }

    /// `true` or `false`.
    pub fn boolean(&mut self, name: &str) -> Option<bool> {
        match self.get(name)? {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                self.fail(name, "Must be `true` or `false`.");
                None
            }
        }
    }

    /// One of the wire values of the enum the spec gives parameter `name`.
    pub fn choice<T: FromStr>(&mut self, name: &str) -> Option<T> {
        let raw = self.get(name)?;
        let allowed = self.op.param(name).and_then(|p| spec::enum_values(p.ty)).unwrap_or_default();
        // Parsing accepts the spec's values only (decoding, not parsing, keeps unknown text).
        match raw.parse::<T>() {
            Ok(value) => Some(value),
            Err(_) => {
                self.fail(name, crate::error::not_a_choice(raw, allowed));
                None
            }
        }
    }

    /// A free-form string.
    pub fn text(&mut self, name: &str) -> Option<String> {
        self.get(name).map(str::to_owned)
    }

    /// Fails with every problem found, if any; and with a 501 naming them when the handler
    /// did not read every query parameter the spec gives the operation (a parameter added to
    /// `openapi.yaml` that the sandbox does not implement yet).
    pub fn finish(self) -> Result<(), ApiError> {
        let unread: Vec<&str> = self
            .op
            .params
            .iter()
            .filter(|p| p.location == spec::Location::Query && !self.read.contains(&p.name))
            .map(|p| p.name)
            .collect();
        if !unread.is_empty() {
            return Err(ApiError::new(
                http::StatusCode::NOT_IMPLEMENTED,
                "not_implemented",
                format!(
                    "The sandbox does not implement query parameter(s) {} of {} yet.",
                    unread.join(", "),
                    self.op.id
                ),
            ));
        }
        if self.errors.is_empty() { Ok(()) } else { Err(ApiError::validation(self.errors)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &Operation = &spec::operations::EMPLOYERS_LIST;

    #[test]
    fn decoding() {
        let q = Query::parse(Some("name=Acme+Coffee&x=%41%2&employee_class=Full%20Time&flag"));
        assert_eq!(q.get("name"), Some("Acme Coffee"));
        assert_eq!(q.get("x"), Some("A%2"));
        assert_eq!(q.get("employee_class"), Some("Full Time"));
        assert_eq!(q.get("flag"), Some(""));
        assert_eq!(Query::parse(Some("a=%")).get("a"), Some("%"));
        assert_eq!(Query::parse(Some("a=%4")).get("a"), Some("%4"));
    }

    /// The decoding at its edges, pinned: these are what the hand-written decoder that
    /// `form_urlencoded` replaced gave too (a malformed or cut-off escape is kept as text, an
    /// escaped `+` is a plus, bytes that are not UTF-8 become U+FFFD, only the first `=`
    /// splits, empty pairs are skipped, names are decoded, the last value of a name wins).
    #[test]
    fn decoding_edges() {
        let cases = [
            ("a=%zz", "%zz"),
            ("a=%4%41", "%4A"),
            ("a=%41%", "A%"),
            ("a=%2B+%2b", "+ +"),
            ("a=%C3%A9", "\u{e9}"),
            ("a=%FF", "\u{fffd}"),
            ("a=%C3", "\u{fffd}"),
            ("a=b=c", "b=c"),
            ("a=%3D%26", "=&"),
        ];
        for (raw, value) in cases {
            assert_eq!(Query::parse(Some(raw)).get("a"), Some(value), "{raw}");
        }
        let q = Query::parse(Some("&&n%61me=x&&=v&name=y&"));
        assert_eq!(q.pairs, [("name", "x"), ("", "v"), ("name", "y")].map(|(n, v)| (n.into(), v.into())));
        assert_eq!(q.get("name"), Some("y"));
        assert!(Query::parse(Some("")).pairs.is_empty() && Query::parse(None).pairs.is_empty());
    }

    /// Reads every query parameter of `LIST` but the paging, so that `finish` judges only
    /// the paging (an unread parameter is a 501 of its own).
    fn read_filters(r: &mut QueryReader<'_>) {
        let filters = LIST.params.iter().filter(|p| p.location == spec::Location::Query);
        for param in filters.filter(|p| p.name != "page" && p.name != "limit") {
            r.text(param.name);
        }
    }

    #[test]
    fn paging_limits() {
        let limits = |name| LIST.param(name).unwrap().limits;
        let page_min = limits("page").minimum.expect("page has a minimum");
        let limit_max = limits("limit").maximum.expect("limit has a maximum");
        let raw = format!("page={}&limit={}", page_min - 1, limit_max + 1);
        let q = Query::parse(Some(&raw));
        let mut r = q.reader(LIST);
        r.paging();
        read_filters(&mut r);
        let errors = r.finish().unwrap_err().errors.unwrap_or_default();
        assert!(errors.contains_key("page") && errors.contains_key("limit"));
        let q = Query::parse(Some("page=abc"));
        let mut r = q.reader(LIST);
        r.paging();
        read_filters(&mut r);
        assert!(r.finish().unwrap_err().errors.is_some_and(|e| e.contains_key("page")));
        let q = Query::parse(None);
        let mut r = q.reader(LIST);
        let p = r.paging();
        let default = |name| limits(name).default.unwrap().parse::<u64>().unwrap();
        assert_eq!((p.page, p.limit), (default("page"), default("limit")));
        assert_eq!(Paging { page: 2, limit: 2 }.apply(vec![1, 2, 3, 4, 5]), [3, 4]);
        let limit = u64::try_from(limit_max).unwrap();
        assert!(Paging { page: u64::MAX, limit }.apply(vec![1]).is_empty());
    }
}
