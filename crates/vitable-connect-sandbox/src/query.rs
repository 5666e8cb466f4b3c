//! Query parameters, parsed by hand so that every problem becomes a 400 with per-field errors.

use std::str::FromStr;

use crate::error::{ApiError, FieldErrors};

/// The decoded `name=value` pairs of a query string.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Splits and percent-decodes a raw query string (`+` is a space).
    pub fn parse(raw: Option<&str>) -> Self {
        let pairs = raw
            .unwrap_or("")
            .split('&')
            .filter(|part| !part.is_empty())
            .map(|part| {
                let (name, value) = part.split_once('=').unwrap_or((part, ""));
                (decode(name), decode(value))
            })
            .collect();
        Self { pairs }
    }

    /// The last value given for `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// A reader that collects every problem.
    pub fn reader(&self) -> QueryReader<'_> {
        QueryReader { query: self, errors: FieldErrors::new() }
    }
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
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
    errors: FieldErrors,
}

impl QueryReader<'_> {
    fn fail(&mut self, name: &str, message: impl Into<String>) {
        self.errors.entry(name.to_owned()).or_default().push(message.into());
    }

    /// `page` (>= 1, default 1) and `limit` (1 to 100, default 20).
    pub fn paging(&mut self) -> Paging {
        let page = self.integer("page", 1, u64::MAX).unwrap_or(1);
        let limit = self.integer("limit", 1, 100).unwrap_or(20);
        Paging { page, limit }
    }

    fn integer(&mut self, name: &str, min: u64, max: u64) -> Option<u64> {
        let raw = self.query.get(name)?;
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
        let raw = self.query.get(name)?;
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
        match self.query.get(name)? {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                self.fail(name, "Must be `true` or `false`.");
                None
            }
        }
    }

    /// One of an enum's wire values (`allowed` lists them for the message).
    pub fn choice<T: FromStr>(&mut self, name: &str, allowed: &[&str]) -> Option<T> {
        let raw = self.query.get(name)?;
        match raw.parse::<T>() {
            Ok(value) => Some(value),
            Err(_) => {
                let list = allowed.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
                self.fail(
                    name,
                    format!("`{}` is not a valid choice; expected one of {list}.", crate::error::shown(raw)),
                );
                None
            }
        }
    }

    /// A free-form string.
    pub fn text(&mut self, name: &str) -> Option<String> {
        self.query.get(name).map(str::to_owned)
    }

    /// Fails with every problem found, if any.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() { Ok(()) } else { Err(ApiError::validation(self.errors)) }
    }
}

/// Wire values of the enums used as filters.
pub(crate) mod values {
    pub const CATEGORY: &[&str] = &["Medical", "Dental", "Vision", "Hospital"];
    pub const PRODUCT_CODE: &[&str] = &[
        "EBA",
        "VPC",
        "VPC_CORE",
        "MEC",
        "MEC2",
        "MEC_PLUS",
        "MVP",
        "MVP2",
        "MVPSL",
        "MVPSL2",
        "VD",
        "VV",
        "ICHRA",
        "ICHRA_PREMIUM_PLUS",
        "ICHRA_REIMBURSEMENT_ONLY",
    ];
    pub const PLAN_YEAR_STATUS: &[&str] = &["draft", "open_enrollment", "active", "expired"];
    pub const ENROLLMENT_STATUS: &[&str] = &["pending", "enrolled", "waived", "inactive"];
    pub const EMPLOYEE_CLASS: &[&str] =
        &["Full Time", "Part Time", "Temporary", "Intern", "Seasonal", "Individual Contractor"];
    pub const RELATIONSHIP: &[&str] = &["Spouse", "Child"];
    pub const EVENT_TYPE: &[&str] = &[
        "Marriage",
        "Birth",
        "Adoption",
        "Divorce",
        "Death",
        "Job Loss",
        "Reduction In Hours",
        "Employer Bankruptcy",
        "Medicare Entitlement",
        "Termination",
        "Other",
    ];
    pub const QLE_STATUS: &[&str] = &["pending", "approved", "denied"];
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitable_connect_api::types::{
        Category, EmployeeClass, EnrollmentStatus, EventType, PlanYearStatus, ProductCode,
        QualifyingLifeEventStatus, Relationship,
    };

    #[test]
    fn every_listed_value_parses() {
        fn all<T: FromStr>(values: &[&str]) {
            for v in values {
                assert!(v.parse::<T>().is_ok(), "{v}");
            }
        }
        all::<Category>(values::CATEGORY);
        all::<ProductCode>(values::PRODUCT_CODE);
        all::<PlanYearStatus>(values::PLAN_YEAR_STATUS);
        all::<EnrollmentStatus>(values::ENROLLMENT_STATUS);
        all::<EmployeeClass>(values::EMPLOYEE_CLASS);
        all::<Relationship>(values::RELATIONSHIP);
        all::<EventType>(values::EVENT_TYPE);
        all::<QualifyingLifeEventStatus>(values::QLE_STATUS);
    }

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

    #[test]
    fn paging_limits() {
        let q = Query::parse(Some("page=0&limit=101"));
        let mut r = q.reader();
        r.paging();
        let errors = r.finish().unwrap_err().errors.unwrap_or_default();
        assert!(errors.contains_key("page") && errors.contains_key("limit"));
        let q = Query::parse(Some("page=abc"));
        let mut r = q.reader();
        r.paging();
        assert!(r.finish().is_err());
        let q = Query::parse(None);
        let mut r = q.reader();
        let p = r.paging();
        assert_eq!((p.page, p.limit), (1, 20));
        assert_eq!(Paging { page: 2, limit: 2 }.apply(vec![1, 2, 3, 4, 5]), [3, 4]);
        assert!(Paging { page: u64::MAX, limit: 100 }.apply(vec![1]).is_empty());
    }
}
