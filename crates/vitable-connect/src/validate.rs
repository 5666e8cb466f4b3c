//! Checks of the API's limits, run before anything is sent. The generated builders call them
//! with the limits `openapi.yaml` states; each failure names the operation, the field and the
//! limit.

use crate::error::InvalidInput;
use crate::operations::Operation;

fn fail(operation: &Operation, field: &str, problem: String) -> Result<(), InvalidInput> {
    Err(InvalidInput { operation: operation.name, field: field.to_owned(), problem })
}

/// `minLength` and `maxLength`, counted in characters (code points), as the API counts them.
pub(crate) fn chars(
    op: &Operation,
    field: &str,
    value: &str,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), InvalidInput> {
    let count = value.chars().count() as u64;
    let too_short = min.is_some_and(|min| count < min);
    let too_long = max.is_some_and(|max| count > max);
    if !too_short && !too_long {
        return Ok(());
    }
    let problem = match (min, max) {
        (Some(1), None) => "must not be empty".to_owned(),
        (Some(min), Some(max)) if min == max => format!("must be exactly {min} characters (got {count})"),
        (Some(min), Some(max)) => format!("must be {min} to {max} characters (got {count})"),
        (Some(min), None) => format!("must be at least {min} characters (got {count})"),
        (None, Some(max)) => format!("must be at most {max} characters (got {count})"),
        (None, None) => return Ok(()),
    };
    fail(op, field, problem)
}

/// `minimum` and `maximum` (inclusive).
pub(crate) fn range(
    op: &Operation,
    field: &str,
    value: i128,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<(), InvalidInput> {
    let below = min.is_some_and(|min| value < i128::from(min));
    let above = max.is_some_and(|max| value > i128::from(max));
    if !below && !above {
        return Ok(());
    }
    let problem = match (min, max) {
        (Some(0), None) => format!("must not be negative (got {value})"),
        (Some(min), Some(max)) => format!("must be between {min} and {max} (got {value})"),
        (Some(min), None) => format!("must be at least {min} (got {value})"),
        (None, Some(max)) => format!("must be at most {max} (got {value})"),
        (None, None) => return Ok(()),
    };
    fail(op, field, problem)
}

/// `minItems` and `maxItems`.
pub(crate) fn items(
    op: &Operation,
    field: &str,
    len: usize,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), InvalidInput> {
    let len = len as u64;
    let problem = match (min, max) {
        (Some(min), _) if len < min => match min {
            1 => "must contain at least one item".to_owned(),
            _ => format!("must contain at least {min} items (got {len})"),
        },
        (_, Some(max)) if len > max => format!("must contain at most {max} items (got {len})"),
        _ => return Ok(()),
    };
    fail(op, field, problem)
}

/// Converts a checked value into a constrained generated type (which checks lengths and
/// patterns again); a failure is reported as invalid input naming the field.
pub(crate) fn convert<T, V>(op: &Operation, field: &str, value: V) -> Result<T, InvalidInput>
where
    V: TryInto<T>,
    V::Error: std::fmt::Display,
{
    value.try_into().map_err(|e| InvalidInput {
        operation: op.name,
        field: field.to_owned(),
        problem: e.to_string(),
    })
}

/// `format: email`: something, `@`, something with a dot, no spaces. The server checks the rest.
pub(crate) fn email(op: &Operation, field: &str, value: &str) -> Result<(), InvalidInput> {
    let valid = value
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !domain.starts_with('.'));
    if !valid || value.chars().any(char::is_whitespace) {
        return fail(op, field, "must be an email address like name@example.com".to_owned());
    }
    Ok(())
}

/// The path of a property inside a value: `address` + `state` → `address.state`.
pub(crate) fn join(at: &str, name: &str) -> String {
    format!("{at}.{name}")
}

/// The path of an item of a list: `rules` + 0 → `rules[0]`.
pub(crate) fn at(field: &str, index: usize) -> String {
    format!("{field}[{index}]")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::ENROLLMENTS_REISSUE as OP;

    fn problem(result: Result<(), InvalidInput>) -> String {
        result.unwrap_err().problem
    }

    #[test]
    fn lengths_count_characters() {
        assert!(chars(&OP, "f", "ééé", None, Some(3)).is_ok());
        assert_eq!(problem(chars(&OP, "f", "éééé", None, Some(3))), "must be at most 3 characters (got 4)");
        assert_eq!(problem(chars(&OP, "f", "", Some(1), None)), "must not be empty");
        assert_eq!(problem(chars(&OP, "f", "a", Some(2), Some(2))), "must be exactly 2 characters (got 1)");
        assert_eq!(problem(chars(&OP, "f", "a", Some(9), Some(10))), "must be 9 to 10 characters (got 1)");
        assert_eq!(problem(chars(&OP, "f", "a", Some(2), None)), "must be at least 2 characters (got 1)");
        assert!(chars(&OP, "f", "ab", Some(2), Some(2)).is_ok());
    }

    #[test]
    fn ranges_are_inclusive() {
        assert!(range(&OP, "f", 1, Some(1), Some(100)).is_ok());
        assert!(range(&OP, "f", 100, Some(1), Some(100)).is_ok());
        assert_eq!(problem(range(&OP, "f", 0, Some(1), Some(100))), "must be between 1 and 100 (got 0)");
        assert_eq!(problem(range(&OP, "f", 101, Some(1), Some(100))), "must be between 1 and 100 (got 101)");
        assert_eq!(problem(range(&OP, "f", -1, Some(0), None)), "must not be negative (got -1)");
        assert_eq!(problem(range(&OP, "f", 0, Some(1), None)), "must be at least 1 (got 0)");
        assert_eq!(problem(range(&OP, "f", 6, None, Some(5))), "must be at most 5 (got 6)");
    }

    #[test]
    fn item_counts() {
        assert_eq!(problem(items(&OP, "f", 0, Some(1), None)), "must contain at least one item");
        assert_eq!(problem(items(&OP, "f", 1, Some(2), None)), "must contain at least 2 items (got 1)");
        assert_eq!(problem(items(&OP, "f", 3, None, Some(2))), "must contain at most 2 items (got 3)");
        assert!(items(&OP, "f", 2, Some(1), Some(2)).is_ok());
    }

    #[test]
    fn failures_name_the_operation_and_field() {
        let err = chars(&OP, "reason", "xx", None, Some(1)).unwrap_err();
        assert_eq!((err.operation, err.field.as_str()), ("enrollments.reissue", "reason"));
        assert_eq!(join("address", "state"), "address.state");
        assert_eq!(at("rules", 2), "rules[2]");
    }
}
