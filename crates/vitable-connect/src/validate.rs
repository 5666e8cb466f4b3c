//! Checks of the API's limits, run before anything is sent. Each failure names the
//! operation, the field and the limit.

use crate::error::InvalidInput;
use crate::operations::Operation;

type Check = Result<(), InvalidInput>;

fn fail(operation: &Operation, field: &'static str, problem: String) -> Check {
    Err(InvalidInput { operation: operation.name, field, problem })
}

/// At most `max` characters.
pub(crate) fn max_chars(op: &Operation, field: &'static str, value: &str, max: usize) -> Check {
    let count = value.chars().count();
    if count > max {
        return fail(op, field, format!("must be at most {max} characters (got {count})"));
    }
    Ok(())
}

/// At least one character.
pub(crate) fn non_empty(op: &Operation, field: &'static str, value: &str) -> Check {
    if value.is_empty() {
        return fail(op, field, "must not be empty".to_owned());
    }
    Ok(())
}

/// Between `min` and `max` characters.
pub(crate) fn chars_between(
    op: &Operation,
    field: &'static str,
    value: &str,
    min: usize,
    max: usize,
) -> Check {
    let count = value.chars().count();
    if count < min || count > max {
        return fail(op, field, format!("must be {min} to {max} characters (got {count})"));
    }
    Ok(())
}

/// At least one item.
pub(crate) fn non_empty_list<T>(op: &Operation, field: &'static str, items: &[T]) -> Check {
    if items.is_empty() {
        return fail(op, field, "must contain at least one item".to_owned());
    }
    Ok(())
}

/// `page` is 1 or more.
pub(crate) fn page(op: &Operation, page: Option<u64>) -> Check {
    if page == Some(0) {
        return fail(op, "page", "must be at least 1 (got 0)".to_owned());
    }
    Ok(())
}

/// `limit` is 1 to 100.
pub(crate) fn limit(op: &Operation, limit: Option<u64>) -> Check {
    match limit {
        Some(n) if !(1..=100).contains(&n) => {
            fail(op, "limit", format!("must be between 1 and 100 (got {n})"))
        }
        _ => Ok(()),
    }
}

/// At least zero (cents).
pub(crate) fn non_negative(op: &Operation, field: &'static str, value: i64) -> Check {
    if value < 0 {
        return fail(op, field, format!("must not be negative (got {value})"));
    }
    Ok(())
}

/// Converts a checked value into a constrained generated type; the check ran first, so a
/// failure here means the check and the spec disagree, reported as invalid input.
pub(crate) fn convert<T, V>(op: &Operation, field: &'static str, value: V) -> Result<T, InvalidInput>
where
    V: TryInto<T>,
    V::Error: std::fmt::Display,
{
    value.try_into().map_err(|e| InvalidInput { operation: op.name, field, problem: e.to_string() })
}

/// Looks like an email address: something, `@`, something with a dot. The server checks
/// the rest.
pub(crate) fn email(op: &Operation, field: &'static str, value: &str) -> Check {
    let valid = value
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !domain.starts_with('.'));
    if !valid || value.chars().any(char::is_whitespace) {
        return fail(op, field, "must be an email address like name@example.com".to_owned());
    }
    Ok(())
}
