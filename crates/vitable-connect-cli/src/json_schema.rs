//! JSON Schemas of the operations' inputs, built from the spec tables: every parameter and body
//! property with its type, enum values, limits and formats, objects closed to unknown
//! properties, IDs with their prefix. The MCP tools take them as input schemas.

use serde_json::{Map, Value, json};
use vitable_connect_api::spec::{self, Limits, Operation, SchemaKind};

use crate::generated_commands::id_prefix;
use crate::tree::{self, Place};

/// `XXX-XX-XXXX` → `^[0-9]{3}-[0-9]{2}-[0-9]{4}$`.
fn shape_pattern(shape: &str) -> String {
    let mut pattern = String::from("^");
    let mut digits = 0;
    let flush = |pattern: &mut String, digits: &mut usize| {
        if *digits > 0 {
            pattern.push_str(&format!("[0-9]{{{digits}}}"));
            *digits = 0;
        }
    };
    for c in shape.chars() {
        if c == 'X' {
            digits += 1;
            continue;
        }
        flush(&mut pattern, &mut digits);
        if c.is_ascii_alphanumeric() {
            pattern.push(c);
        } else {
            pattern.push('\\');
            pattern.push(c);
        }
    }
    flush(&mut pattern, &mut digits);
    pattern.push('$');
    pattern
}

fn with_limits(mut schema: Map<String, Value>, l: &Limits) -> Map<String, Value> {
    let mut set = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            schema.insert(key.to_owned(), value);
        }
    };
    set("minLength", l.min_length.map(Value::from));
    set("maxLength", l.max_length.map(Value::from));
    set("minimum", l.minimum.map(Value::from));
    set("maximum", l.maximum.map(Value::from));
    set("minItems", l.min_items.map(Value::from));
    set("maxItems", l.max_items.map(Value::from));
    set("format", l.format.map(Value::from));
    set("default", l.default.and_then(|d| serde_json::from_str(d).ok()));
    match (l.pattern, l.shapes) {
        (Some(pattern), _) => set("pattern", Some(pattern.into())),
        (None, [one]) => set("pattern", Some(shape_pattern(one).into())),
        (None, []) => {}
        (None, many) => {
            let any: Vec<String> = many
                .iter()
                .map(|s| shape_pattern(s).trim_start_matches('^').trim_end_matches('$').to_owned())
                .collect();
            set("pattern", Some(format!("^({})$", any.join("|")).into()));
        }
    }
    schema
}

/// The schema of a value of type `ty` (as the tables write it).
pub(crate) fn of_type(ty: &str, limits: &Limits) -> Value {
    if let Some(item) = ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        let mut schema = Map::new();
        schema.insert("type".into(), "array".into());
        schema.insert("items".into(), of_type(item, &Limits::default()));
        return Value::Object(with_limits(schema, limits));
    }
    if let Some(inner) = ty.strip_prefix("{string: ").and_then(|t| t.strip_suffix('}')) {
        return json!({"type": "object", "additionalProperties": of_type(inner, &Limits::default())});
    }
    let base = |t: &str| {
        let mut m = Map::new();
        m.insert("type".into(), t.into());
        m
    };
    let schema = match ty {
        "string" => base("string"),
        "date" => {
            let mut m = base("string");
            m.insert("format".into(), "date".into());
            m
        }
        "date-time" => {
            let mut m = base("string");
            m.insert("format".into(), "date-time".into());
            m
        }
        "integer" => base("integer"),
        "number" => base("number"),
        "boolean" => base("boolean"),
        "any" => Map::new(),
        name => match spec::schema(name).map(|s| s.kind) {
            Some(SchemaKind::Id) => {
                let mut m = base("string");
                if let Some(prefix) = id_prefix(name) {
                    m.insert("pattern".into(), format!("^{prefix}").into());
                    m.insert("description".into(), format!("{name}: starts with `{prefix}`").into());
                }
                m
            }
            Some(SchemaKind::String(own)) => return Value::Object(with_limits(base("string"), &own)),
            Some(SchemaKind::Enum(values)) => {
                let mut m = base("string");
                m.insert("enum".into(), values.to_vec().into());
                m
            }
            Some(SchemaKind::Object(props)) => {
                let mut properties = Map::new();
                for p in props {
                    let mut schema = of_type(p.ty, &p.limits);
                    describe(&mut schema, p.description, p.deprecated);
                    if p.nullable {
                        schema = json!({"anyOf": [schema, {"type": "null"}]});
                    }
                    properties.insert(p.name.to_owned(), schema);
                }
                let required: Vec<&str> = props.iter().filter(|p| p.required).map(|p| p.name).collect();
                let mut m = base("object");
                m.insert("properties".into(), Value::Object(properties));
                m.insert("required".into(), required.into());
                m.insert("additionalProperties".into(), false.into());
                m
            }
            None => Map::new(),
        },
    };
    Value::Object(with_limits(schema, limits))
}

fn describe(schema: &mut Value, description: &str, deprecated: Option<&str>) {
    let Value::Object(map) = schema else { return };
    let mut text = description.to_owned();
    if let Some(note) = deprecated {
        text = format!("DEPRECATED: {note}. {text}");
        map.insert("deprecated".into(), true.into());
    }
    if !text.trim().is_empty() {
        let own = map.get("description").and_then(Value::as_str).map(str::to_owned);
        let text = match own {
            Some(own) => format!("{} ({own})", text.trim()),
            None => text.trim().to_owned(),
        };
        map.insert("description".into(), text.into());
    }
}

/// The name of the argument carrying the idempotency key of a write.
pub(crate) const IDEMPOTENCY_KEY: &str = "idempotency_key";

/// The input schema of `op`: an object with one property per parameter and body property
/// (and `idempotency_key` for a write), the required ones listed.
pub(crate) fn input(op: &Operation) -> Map<String, Value> {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in tree::fields(op) {
        let mut schema = of_type(field.ty, &field.limits);
        describe(&mut schema, field.description, field.deprecated);
        if field.clearable {
            schema = json!({"anyOf": [schema, {"type": "null"}], "description": format!("{} null clears it.", field.description)});
        }
        if field.place == Place::Path || field.required {
            required.push(field.name);
        }
        properties.insert(field.name.to_owned(), schema);
    }
    if op.is_write() {
        properties.insert(
            IDEMPOTENCY_KEY.into(),
            json!({
                "type": "string",
                "minLength": 1,
                "description": "Resend a write whose outcome was unknown with the key it reported; leave out for a new write."
            }),
        );
    }
    let mut schema = Map::new();
    schema.insert("type".into(), "object".into());
    schema.insert("properties".into(), Value::Object(properties));
    schema.insert("required".into(), required.into());
    schema.insert("additionalProperties".into(), false.into());
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_become_patterns() {
        assert_eq!(shape_pattern("XXX-XX-XXXX"), "^[0-9]{3}\\-[0-9]{2}\\-[0-9]{4}$");
        assert_eq!(shape_pattern("XXXXXXXXX"), "^[0-9]{9}$");
    }
}
