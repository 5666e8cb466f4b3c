//! Sample values for the spec-driven tests: a Rust expression for each argument or setter
//! value of a builder, and the JSON the API should receive for it.
//!
//! Every value a [`Sampler`] makes is different from the ones before it (dates a day apart,
//! integers one apart, strings and IDs numbered, enums taking their values in turn), so a test
//! comparing the wire with the expected JSON notices two arguments of the same type swapped.
//! Only booleans repeat (they alternate), and a value the spec's limits leave no room to vary.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::codegen::spec::{Api, Limits, ModelKind, Ty};

/// Makes distinct sample values; `krate` is how the generated code names the SDK (`crate`
/// inside it, `vitable_connect` in the workspace tests).
pub struct Sampler {
    next: u32,
    krate: &'static str,
}

impl Sampler {
    pub fn new(krate: &'static str) -> Self {
        Sampler { next: 0, krate }
    }

    fn bump(&mut self) -> u32 {
        self.next += 1;
        self.next
    }

    /// A Rust expression of a valid value for a setter or `new` argument of type `ty`
    /// (`borrowed_ids`: IDs as `&id`, as `new` and the entry points take them), and its JSON.
    pub fn value(
        &mut self,
        api: &Api,
        ty: &Ty,
        limits: &Limits,
        example: Option<&Value>,
        borrowed_ids: bool,
    ) -> (String, Value) {
        let krate = self.krate;
        let n = self.bump();
        match ty {
            Ty::String => {
                let text = string_sample(limits, example.and_then(Value::as_str), n);
                (format!("{text:?}"), json!(text))
            }
            Ty::Date => {
                // A day apart each: 2026-01-02, 2026-01-03, ... (28-day months are enough).
                let (month, day) = (1 + (n / 28) % 12, 1 + n % 28);
                (
                    format!("chrono::NaiveDate::from_ymd_opt(2026, {month}, {day}).unwrap()"),
                    json!(format!("2026-{month:02}-{day:02}")),
                )
            }
            Ty::DateTime => (
                format!("chrono::DateTime::<chrono::Utc>::from_timestamp({n}, 0).unwrap()"),
                json!(format!("1970-01-01T00:{:02}:{:02}Z", n / 60, n % 60)),
            ),
            Ty::Integer => {
                let start = limits.minimum.unwrap_or(1);
                let value = start + i64::from(n);
                let value = limits.maximum.map_or(value, |max| value.min(max));
                (format!("{value}_{}", api.store(ty, limits)), json!(value))
            }
            Ty::Number => (format!("{n}.5"), json!(f64::from(n) + 0.5)),
            Ty::Boolean => {
                let value = n % 2 == 1;
                (value.to_string(), json!(value))
            }
            Ty::Any => (format!("serde_json::json!({n})"), json!(n)),
            Ty::Map(_) => ("Default::default()".into(), json!({})),
            Ty::Array(item) => {
                let (rust, wire) = self.value(api, item, &Limits::default(), None, false);
                (format!("[{rust}]"), json!([wire]))
            }
            Ty::Ref(name) => {
                let model = api.schemas.get(name);
                let model_example = model.and_then(|m| m.example.as_ref()).and_then(Value::as_str);
                match model.map(|m| &m.kind) {
                    Some(ModelKind::Id) => {
                        // The spec's example with a number: still of the ID's form, and distinct.
                        let id = format!("{}{n}", model_example.unwrap_or("id_1"));
                        let rust = format!(
                            "{id:?}.parse::<{krate}::ids::{name}>().expect(\"a {name} made from the spec's example parses\")"
                        );
                        (if borrowed_ids { format!("&{rust}") } else { rust }, json!(id))
                    }
                    Some(ModelKind::String(_)) if name == "Ssn" => {
                        // Varies the serial number (last four digits) of the spec's example.
                        let example = model_example.unwrap_or("123-45-6789");
                        let ssn = format!("{}{:04}", &example[..example.len() - 4], 1000 + n % 9000);
                        (format!("{ssn:?}.parse::<{krate}::Ssn>().expect(\"a valid SSN\")"), json!(ssn))
                    }
                    Some(ModelKind::String(limits)) => {
                        let text = string_sample(limits, model_example, n);
                        (format!("{text:?}"), json!(text))
                    }
                    Some(ModelKind::Enum(values)) => {
                        let value = &values[(n as usize) % values.len()];
                        (
                            format!(
                                "{value:?}.parse::<{krate}::types::{name}>().expect(\"a value of {name}\")"
                            ),
                            json!(value),
                        )
                    }
                    Some(ModelKind::Object(props)) => {
                        let mut object = serde_json::Map::new();
                        let mut required = Vec::new();
                        for p in props.iter().filter(|p| p.required) {
                            let (rust, wire) = self.value(api, &p.ty, &p.limits, p.example.as_ref(), false);
                            required.push(rust);
                            object.insert(p.name.clone(), wire);
                        }
                        let mut rust = format!("{krate}::input::{name}::new({})", required.join(", "));
                        for p in props.iter().filter(|p| !p.required) {
                            let (value, wire) = self.value(api, &p.ty, &p.limits, p.example.as_ref(), false);
                            write!(rust, ".{}({value})", crate::codegen::builders::ident(&p.name)).unwrap();
                            object.insert(p.name.clone(), wire);
                        }
                        (rust, Value::Object(object))
                    }
                    None => ("Default::default()".into(), Value::Null),
                }
            }
        }
    }
}

/// A string within `limits`, numbered with `n`: `s<n>` padded with `x` to the minimum length;
/// an email address for `format: email`; the first of its `x-shapes` with digits; the spec's example when a `pattern` constrains it
/// (a pattern cannot be satisfied by construction).
fn string_sample(limits: &Limits, example: Option<&str>, n: u32) -> String {
    if limits.format.as_deref() == Some("email") {
        return format!("someone{n}@example.com");
    }
    if let Some(shape) = limits.shapes.first() {
        // The first form, its digits counting up from `n` (`XX-XXXXXXX` → `12-3456789`).
        let mut digit = n;
        return shape
            .chars()
            .map(|c| match c {
                'X' => {
                    digit += 1;
                    char::from_digit(digit % 10, 10).expect("a digit")
                }
                other => other,
            })
            .collect();
    }
    if let (Some(_), Some(example)) = (&limits.pattern, example) {
        return example.to_owned();
    }
    let mut text = format!("s{n}");
    let min = limits.min_length.unwrap_or(1) as usize;
    while text.len() < min {
        text.push('x');
    }
    if let Some(max) = limits.max_length {
        text.truncate(max as usize);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_numbered_within_their_limits() {
        let limits = Limits { min_length: Some(9), max_length: Some(10), ..Limits::default() };
        assert_eq!(string_sample(&limits, None, 7), "s7xxxxxxx");
        let limits = Limits { max_length: Some(2), ..Limits::default() };
        assert_eq!(string_sample(&limits, None, 42), "s4");
        let email = Limits { format: Some("email".into()), ..Limits::default() };
        assert_eq!(string_sample(&email, None, 3), "someone3@example.com");
        let ein = Limits { shapes: vec!["XX-XXXXXXX".into()], ..Limits::default() };
        assert_eq!(string_sample(&ein, None, 0), "12-3456789");
        let pattern = Limits { pattern: Some("^https://".into()), ..Limits::default() };
        assert_eq!(string_sample(&pattern, Some("https://a.example"), 3), "https://a.example");
    }
}
