//! Three-state updates (`PUT`): a property left out keeps the stored value, a value replaces it,
//! and `null` clears it, where the stored field can be empty.
//!
//! The generated request types cannot tell `null` from a property left out (both are `None`), so
//! a [`Patch`] also looks at the JSON body and remembers which of the schema's top-level
//! properties were sent as `null`. A handler then applies each property to a *copy* of the
//! stored record, and the method it calls follows from the Rust type of the record's field:
//!
//! * [`Patch::nullable`] for an `Option<_>` field (an employee's `termination_date`, a phone
//!   number): `null` clears it;
//! * [`Patch::required`] for any other field (an employer's `name`, a plan year's `status`): the
//!   record cannot lose it, so `null` is a 400 naming the property.
//!
//! Which properties can be cleared is a fact of `openapi.yaml` (`spec::Property::clearable`:
//! nullable and not marked `x-not-clearable`), and the handler's choice must agree with it: a
//! handler clearing a property the spec says cannot be cleared, or refusing one the spec says
//! can, fails with a 500 naming it, on every update.
//!
//! [`Patch::finish`] fails once with every refused property (and whatever the handler added
//! through [`Patch::checks`]); the handler stores the copy only after it succeeded, so a refused
//! update changes nothing at all, not even `updated_at`.
//!
//! Mistakes in a handler fail loudly rather than silently ignoring a `null`: a property name
//! that is not in the body's schema is a 500, and a property sent as `null` that the handler
//! never applied is a 501 naming it (as for an unread query parameter).

use std::collections::BTreeSet;

use http::StatusCode;
use serde_json::Value;
use vitable_connect_api::spec;

use crate::error::ApiError;
use crate::validate::Checks;

/// The message for `null` on a property whose stored field can't be empty.
pub(crate) const NOT_CLEARABLE: &str = "This field may not be null: it cannot be cleared. Send a value, or leave it out to keep the current one.";

/// Which properties of an update body were sent as `null`, and what applying them found.
pub(crate) struct Patch {
    /// The body's schema (`EmployeeUpdateRequest`).
    schema: &'static str,
    /// The schema's top-level properties that the body sends as `null`.
    nulls: BTreeSet<&'static str>,
    /// The properties the handler has applied.
    applied: BTreeSet<String>,
    /// Names the handler used that the schema doesn't have.
    unknown: Vec<String>,
    /// Properties the handler applies against the spec's `clearable` (name, what the spec says).
    disagreements: Vec<(String, bool)>,
    checks: Checks,
}

impl Patch {
    /// A patch for `body`, a JSON body of spec schema `schema`. Properties the schema doesn't
    /// have are ignored, as everywhere else.
    pub fn new(schema: &'static str, body: &Value) -> Self {
        let nulls = spec::properties(schema)
            .unwrap_or_default()
            .iter()
            .filter(|p| body.get(p.name).is_some_and(Value::is_null))
            .map(|p| p.name)
            .collect();
        Self {
            schema,
            nulls,
            applied: BTreeSet::new(),
            unknown: Vec::new(),
            disagreements: Vec::new(),
            checks: Checks::default(),
        }
    }

    /// Whether property `name` was sent as `null` (and notes that the handler handles it, as
    /// a field that may be empty when `clears`).
    fn is_null(&mut self, name: &str, clears: bool) -> bool {
        match spec::properties(self.schema).unwrap_or_default().iter().find(|p| p.name == name) {
            None => self.unknown.push(name.to_owned()),
            Some(p) if p.clearable != clears => self.disagreements.push((name.to_owned(), p.clearable)),
            Some(_) => {}
        }
        self.applied.insert(name.to_owned());
        self.nulls.contains(name)
    }

    /// Whether property `name` was sent as `null` (after the handler applied it).
    pub fn was_null(&self, name: &str) -> bool {
        self.nulls.contains(name)
    }

    /// Applies property `name` to a field that may be empty: a value sets it, `null` clears it,
    /// and leaving the property out keeps it.
    pub fn nullable<T>(&mut self, target: &mut Option<T>, value: Option<T>, name: &str) {
        let null = self.is_null(name, true);
        match value {
            Some(value) => *target = Some(value),
            None if null => *target = None,
            None => {}
        }
    }

    /// Applies property `name` to a field the record can't lose: a value sets it, leaving the
    /// property out keeps it, and `null` is refused (a 400 from [`Patch::finish`]).
    pub fn required<T>(&mut self, target: &mut T, value: Option<T>, name: &str) {
        if let Some(value) = self.required_value(value, name) {
            *target = value;
        }
    }

    /// [`Patch::required`] for a value the handler has to turn into the field's value itself
    /// once everything is checked (contribution classes get new IDs): returns the value to
    /// set, `None` to keep the field.
    pub fn required_value<T>(&mut self, value: Option<T>, name: &str) -> Option<T> {
        let null = self.is_null(name, false);
        if value.is_none() && null {
            self.checks.add(name, NOT_CLEARABLE);
        }
        value
    }

    /// The handler's own checks, reported together with the refused properties.
    pub fn checks(&mut self) -> &mut Checks {
        &mut self.checks
    }

    /// Fails with every problem found (400), if any.
    pub fn finish(self) -> Result<(), ApiError> {
        if !self.unknown.is_empty() {
            return Err(ApiError::internal(format!(
                "The sandbox applies properties {} that {} does not have.",
                self.unknown.join(", "),
                self.schema
            )));
        }
        if let Some((name, clearable)) = self.disagreements.first() {
            return Err(ApiError::internal(format!(
                "The sandbox {} `{name}` of {}, but openapi.yaml says it {}.",
                if *clearable { "refuses to clear" } else { "clears" },
                self.schema,
                if *clearable { "is cleared by null" } else { "cannot be cleared (x-not-clearable)" },
            )));
        }
        let ignored: Vec<&str> = self.nulls.iter().copied().filter(|n| !self.applied.contains(*n)).collect();
        if !ignored.is_empty() {
            return Err(ApiError::new(
                StatusCode::NOT_IMPLEMENTED,
                "not_implemented",
                format!(
                    "The sandbox does not implement `null` for {} of {} yet.",
                    ignored.join(", "),
                    self.schema
                ),
            ));
        }
        self.checks.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SCHEMA: &str = "EmployeeUpdateRequest";

    /// Two properties of `SCHEMA` (whatever they are), for tests independent of its details.
    fn two_props() -> (&'static str, &'static str) {
        let props = spec::properties(SCHEMA).expect("an object schema");
        (props[0].name, props[1].name)
    }

    #[test]
    fn absent_keeps_a_value_sets_null_clears() {
        let (a, b) = two_props();
        let mut patch = Patch::new(SCHEMA, &json!({ a: null }));
        let (mut cleared, mut kept, mut set) = (Some(1), Some(2), Some(3));
        patch.nullable(&mut cleared, None, a);
        patch.nullable(&mut kept, None, b);
        patch.nullable(&mut set, Some(4), b);
        patch.finish().unwrap();
        assert_eq!((cleared, kept, set), (None, Some(2), Some(4)));
    }

    /// A schema with two nullable properties the spec marks `x-not-clearable`.
    fn two_unclearable() -> (&'static str, &'static str, &'static str) {
        spec::SCHEMAS
            .iter()
            .find_map(|s| {
                let props = spec::properties(s.name)?;
                let mut fixed = props.iter().filter(|p| p.nullable && !p.clearable);
                Some((s.name, fixed.next()?.name, fixed.next()?.name))
            })
            .expect("a schema with two properties that cannot be cleared")
    }

    #[test]
    fn null_on_a_field_that_cannot_be_empty_is_refused_with_every_other_problem() {
        let (schema, a, b) = two_unclearable();
        let mut patch = Patch::new(schema, &json!({ a: null, b: null }));
        let mut name = "kept".to_owned();
        patch.required(&mut name, None, a);
        assert_eq!(patch.required_value::<u8>(None, b), None);
        patch.checks().add("other", "Wrong.");
        assert_eq!(name, "kept");
        let errors = patch.finish().unwrap_err().errors.unwrap();
        assert_eq!(errors[a], [NOT_CLEARABLE]);
        assert_eq!(errors[b], [NOT_CLEARABLE]);
        assert!(errors.contains_key("other"));
    }

    #[test]
    fn handler_mistakes_fail_loudly() {
        let (a, b) = two_props();
        let patch = Patch::new(SCHEMA, &json!({ a: null, "not_in_the_spec": null }));
        assert_eq!(patch.finish().unwrap_err().status, StatusCode::NOT_IMPLEMENTED);
        let mut patch = Patch::new(SCHEMA, &json!({}));
        patch.nullable(&mut Some(1), None, "not_in_the_spec");
        patch.nullable(&mut Some(1), None, b);
        assert_eq!(patch.finish().unwrap_err().status, StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn a_handler_disagreeing_with_the_spec_on_clearing_fails_on_every_update() {
        // Refusing to clear what the spec says is clearable...
        let (a, _) = two_props();
        let mut patch = Patch::new(SCHEMA, &json!({}));
        patch.required(&mut 1, Some(2), a);
        let error = patch.finish().unwrap_err();
        assert_eq!(error.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(error.detail.contains(a), "{}", error.detail);
        // ...and clearing what it marks `x-not-clearable`.
        let (schema, fixed, _) = two_unclearable();
        let mut patch = Patch::new(schema, &json!({}));
        patch.nullable(&mut Some(1), None, fixed);
        let error = patch.finish().unwrap_err();
        assert_eq!(error.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(error.detail.contains(fixed), "{}", error.detail);
    }
}
