//! A model of `openapi.yaml` for the generators that progenitor does not cover: the operation
//! table, enum values, limits, the SDK's request builders and the sandbox's routes.
//!
//! Everything here is read from the spec; nothing about the API is written in this file. The
//! only conventions are naming rules, documented where they are applied.

use std::collections::BTreeMap;

use openapiv3::{
    OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, StatusCode, StringFormat,
    Type, VariantOrUnknownOrEmpty,
};

/// The API as the generators see it.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.version`.
    pub version: String,
    /// Operations, sorted by `operationId`.
    pub operations: Vec<Op>,
    /// Component schemas by name.
    pub schemas: BTreeMap<String, Model>,
    /// Tags in snake case (`plan-years` → `plan_years`), the resource names of the SDK.
    #[allow(dead_code)]
    pub resources: Vec<String>,
    /// Each tag's description, by resource name (snake case).
    pub resource_docs: BTreeMap<String, String>,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Op {
    pub id: String,
    /// The SDK's dotted name, e.g. `members.qualifying_life_events.record`.
    pub name: String,
    pub method: String,
    pub path: String,
    pub tag: String,
    pub summary: String,
    pub description: String,
    /// `Some(note)` when the operation is `deprecated: true`.
    pub deprecated: Option<String>,
    pub params: Vec<Param>,
    /// The request body's component schema, if any.
    pub body: Option<String>,
    pub success_status: u16,
    /// The success response's type; `None` for no content.
    pub success: Option<Ty>,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
}

/// One path or query parameter.
#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub location: Location,
    pub required: bool,
    pub description: String,
    pub ty: Ty,
    pub limits: Limits,
    pub deprecated: Option<String>,
    /// The spec's `example`, when it gives one.
    pub example: Option<serde_json::Value>,
}

/// A type as the spec states it.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    String,
    Date,
    DateTime,
    Integer,
    Number,
    Boolean,
    /// A component schema.
    Ref(String),
    Array(Box<Ty>),
    /// An object with free keys (`additionalProperties`), mapping to this type.
    Map(Box<Ty>),
    /// Any JSON value.
    Any,
}

impl Ty {
    /// How the tables print it: `string`, `date`, `EmployerId`, `[Election]`, ...
    pub fn describe(&self) -> String {
        match self {
            Ty::String => "string".into(),
            Ty::Date => "date".into(),
            Ty::DateTime => "date-time".into(),
            Ty::Integer => "integer".into(),
            Ty::Number => "number".into(),
            Ty::Boolean => "boolean".into(),
            Ty::Ref(name) => name.clone(),
            Ty::Array(item) => format!("[{}]", item.describe()),
            Ty::Map(value) => format!("{{string: {}}}", value.describe()),
            Ty::Any => "any".into(),
        }
    }
}

/// Every constraint the spec can state on a value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Limits {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub pattern: Option<String>,
    /// `x-shapes: { forms: [..] }`: the forms the value is written in, `X` standing for a
    /// digit (inferred from the API's descriptions, with the reason in the spec).
    pub shapes: Vec<String>,
    pub format: Option<String>,
    /// The default, as JSON text.
    pub default: Option<String>,
}

impl Limits {
    pub fn is_empty(&self) -> bool {
        *self == Limits::default()
    }
}

/// A component schema.
#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    pub description: String,
    pub kind: ModelKind,
    /// The spec's `example`, when it gives one.
    pub example: Option<serde_json::Value>,
}

#[derive(Debug, Clone)]
pub enum ModelKind {
    /// A plain string schema whose name ends in `Id`: a typed ID.
    Id,
    /// Another plain string schema (e.g. `Ssn`), with its limits.
    String(Limits),
    Enum(Vec<String>),
    Object(Vec<Prop>),
}

/// One property of an object schema.
#[derive(Debug, Clone)]
pub struct Prop {
    pub name: String,
    pub ty: Ty,
    pub required: bool,
    pub nullable: bool,
    /// `x-not-clearable: <reason>`: `null` is refused although the property is nullable.
    pub not_clearable: Option<String>,
    pub description: String,
    pub limits: Limits,
    pub deprecated: Option<String>,
    /// The spec's `example`, when it gives one.
    pub example: Option<serde_json::Value>,
}

impl Prop {
    /// Whether sending `null` clears it: nullable, and not marked `x-not-clearable`.
    pub fn clearable(&self) -> bool {
        self.nullable && self.not_clearable.is_none()
    }
}

fn note(
    deprecated: bool,
    extensions: &indexmap::IndexMap<String, serde_json::Value>,
    fallback: &str,
) -> Option<String> {
    deprecated.then(|| {
        extensions
            .get("x-deprecation-note")
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .unwrap_or_else(|| fallback.to_owned())
    })
}

fn one_line(text: Option<&String>) -> String {
    text.map(|t| t.split_whitespace().collect::<Vec<_>>().join(" ")).unwrap_or_default()
}

/// Snake case of a tag: `plan-years` → `plan_years`.
pub fn snake(tag: &str) -> String {
    tag.replace('-', "_")
}

/// `members_qualifying_life_events_record` → `MembersQualifyingLifeEventsRecord`.
pub fn camel(snake: &str) -> String {
    snake
        .split(['_', '-'])
        .filter(|s| !s.is_empty())
        .map(|s| {
            let mut c = s.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
        })
        .collect()
}

/// `EventType` → `EVENT_TYPE`.
pub fn screaming(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// The SDK's dotted name of an operation. Rule: the operation's tag is the resource; what
/// follows it in the `operationId` is a sub-resource when it starts with another tag, and the
/// rest is the method (`employers_employees_create` → `employers.employees.create`,
/// `employers_create_eligibility_policy` → `employers.create_eligibility_policy`).
fn dotted_name(id: &str, tag: &str, resources: &[String]) -> Result<String, String> {
    let rest = id
        .strip_prefix(tag)
        .and_then(|r| r.strip_prefix('_'))
        .ok_or_else(|| format!("operationId `{id}` must start with its tag `{tag}_`"))?;
    // The longest tag that prefixes the rest (and leaves a method name) is the sub-resource.
    let sub = resources
        .iter()
        .filter(|r| {
            rest.len() > r.len() + 1 && rest.starts_with(r.as_str()) && rest.as_bytes()[r.len()] == b'_'
        })
        .max_by_key(|r| r.len());
    Ok(match sub {
        Some(sub) => format!("{tag}.{sub}.{}", &rest[sub.len() + 1..]),
        None => format!("{tag}.{rest}"),
    })
}

fn ref_name(reference: &str) -> Result<String, String> {
    reference
        .strip_prefix("#/components/schemas/")
        .map(str::to_owned)
        .ok_or_else(|| format!("unsupported reference `{reference}`"))
}

/// Type, nullability, limits, description and deprecation of a schema used in place.
struct Use {
    example: Option<serde_json::Value>,
    ty: Ty,
    nullable: bool,
    limits: Limits,
    description: String,
    deprecated: bool,
}

/// The forms of an `x-shapes: { forms: [..], reason: .. }` extension (none without one).
fn shapes(extensions: &indexmap::IndexMap<String, serde_json::Value>) -> Result<Vec<String>, String> {
    let Some(shapes) = extensions.get("x-shapes") else { return Ok(Vec::new()) };
    if shapes.get("reason").and_then(serde_json::Value::as_str).is_none_or(str::is_empty) {
        return Err("`x-shapes` needs a `reason`: it is inferred, not stated by the API".into());
    }
    let forms =
        shapes.get("forms").and_then(serde_json::Value::as_array).ok_or("`x-shapes` needs `forms`")?;
    forms
        .iter()
        .map(|f| f.as_str().map(str::to_owned).ok_or_else(|| format!("`x-shapes` form {f} is not a string")))
        .collect()
}

fn use_of(schema: &ReferenceOr<Schema>) -> Result<Use, String> {
    let schema = match schema {
        ReferenceOr::Reference { reference } => {
            return Ok(Use {
                example: None,
                ty: Ty::Ref(ref_name(reference)?),
                nullable: false,
                limits: Limits::default(),
                description: String::new(),
                deprecated: false,
            });
        }
        ReferenceOr::Item(schema) => schema,
    };
    let data = &schema.schema_data;
    let mut limits = Limits { default: data.default.as_ref().map(|d| d.to_string()), ..Limits::default() };
    let ty = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
            // typify would make it a closed enum of its own, which fails on a value added later.
            return Err(
                "an inline `enum` is not supported: declare it as a component schema and `$ref` it, \
                 so that it is generated as an open enum"
                    .into(),
            );
        }
        SchemaKind::Type(Type::String(s)) => {
            limits.min_length = s.min_length.map(|n| n as u64);
            limits.max_length = s.max_length.map(|n| n as u64);
            limits.pattern = s.pattern.clone();
            limits.shapes = shapes(&data.extensions)?;
            match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Ty::Date,
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Ty::DateTime,
                VariantOrUnknownOrEmpty::Item(other) => {
                    limits.format = Some(format!("{other:?}").to_lowercase());
                    Ty::String
                }
                VariantOrUnknownOrEmpty::Unknown(format) => {
                    limits.format = Some(format.clone());
                    Ty::String
                }
                VariantOrUnknownOrEmpty::Empty => Ty::String,
            }
        }
        SchemaKind::Type(Type::Integer(i)) => {
            limits.minimum = i.minimum.map(|m| if i.exclusive_minimum { m + 1 } else { m });
            limits.maximum = i.maximum.map(|m| if i.exclusive_maximum { m - 1 } else { m });
            Ty::Integer
        }
        SchemaKind::Type(Type::Number(_)) => Ty::Number,
        SchemaKind::Type(Type::Boolean(_)) => Ty::Boolean,
        SchemaKind::Type(Type::Array(a)) => {
            limits.min_items = a.min_items.map(|n| n as u64);
            limits.max_items = a.max_items.map(|n| n as u64);
            let item = a.items.as_ref().ok_or("an array schema needs `items`")?;
            let item = match item {
                ReferenceOr::Reference { reference } => {
                    ReferenceOr::Reference { reference: reference.clone() }
                }
                ReferenceOr::Item(boxed) => ReferenceOr::Item((**boxed).clone()),
            };
            Ty::Array(Box::new(use_of(&item)?.ty))
        }
        SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => match &o.additional_properties {
            Some(openapiv3::AdditionalProperties::Schema(value)) => {
                let value = match value.as_ref() {
                    ReferenceOr::Reference { reference } => {
                        ReferenceOr::Reference { reference: reference.clone() }
                    }
                    ReferenceOr::Item(s) => ReferenceOr::Item(s.clone()),
                };
                Ty::Map(Box::new(use_of(&value)?.ty))
            }
            _ => Ty::Map(Box::new(Ty::Any)),
        },
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => use_of(&all_of[0])?.ty,
        SchemaKind::Any(any) if any.typ.is_none() && any.properties.is_empty() => Ty::Any,
        other => return Err(format!("unsupported inline schema: {other:?}")),
    };
    Ok(Use {
        example: data.example.clone(),
        ty,
        nullable: data.nullable,
        limits,
        description: one_line(data.description.as_ref()),
        deprecated: data.deprecated,
    })
}

fn model(name: &str, schema: &Schema) -> Result<Model, String> {
    let description = one_line(schema.schema_data.description.as_ref());
    let kind = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
            ModelKind::Enum(s.enumeration.iter().flatten().cloned().collect())
        }
        SchemaKind::Type(Type::String(_)) if name.ends_with("Id") => ModelKind::Id,
        SchemaKind::Type(Type::String(_)) => {
            ModelKind::String(use_of(&ReferenceOr::Item(schema.clone()))?.limits)
        }
        SchemaKind::Type(Type::Object(object)) => {
            let mut props = Vec::new();
            for (prop_name, prop) in &object.properties {
                let prop = match prop {
                    ReferenceOr::Reference { reference } => {
                        ReferenceOr::Reference { reference: reference.clone() }
                    }
                    ReferenceOr::Item(boxed) => ReferenceOr::Item((**boxed).clone()),
                };
                let used = use_of(&prop).map_err(|e| format!("{name}.{prop_name}: {e}"))?;
                let extensions = match &prop {
                    ReferenceOr::Item(s) => s.schema_data.extensions.clone(),
                    ReferenceOr::Reference { .. } => Default::default(),
                };
                props.push(Prop {
                    name: prop_name.clone(),
                    ty: used.ty,
                    required: object.required.contains(prop_name),
                    nullable: used.nullable,
                    not_clearable: extensions
                        .get("x-not-clearable")
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)),
                    deprecated: note(used.deprecated, &extensions, "deprecated in openapi.yaml"),
                    description: used.description,
                    limits: used.limits,
                    example: used.example,
                });
            }
            ModelKind::Object(props)
        }
        other => return Err(format!("schema {name}: unsupported kind {other:?}")),
    };
    Ok(Model { name: name.to_owned(), description, kind, example: schema.schema_data.example.clone() })
}

impl Api {
    /// Reads the model from the spec text.
    pub fn parse(spec: &OpenAPI) -> Result<Api, String> {
        let resources: Vec<String> = spec.tags.iter().map(|t| snake(&t.name)).collect();
        let resource_docs =
            spec.tags.iter().map(|t| (snake(&t.name), t.description.clone().unwrap_or_default())).collect();
        let components = spec.components.as_ref().ok_or("the spec has no components")?;
        let mut schemas = BTreeMap::new();
        for (name, schema) in &components.schemas {
            let ReferenceOr::Item(schema) = schema else {
                return Err(format!("schema {name} is a reference"));
            };
            schemas.insert(name.clone(), model(name, schema)?);
        }
        let mut operations = Vec::new();
        for (path, item) in &spec.paths.paths {
            let ReferenceOr::Item(item) = item else { return Err(format!("path {path} is a reference")) };
            for (method, op) in item.iter() {
                let id =
                    op.operation_id.clone().ok_or_else(|| format!("{method} {path} has no operationId"))?;
                let tag = op.tags.first().ok_or_else(|| format!("{id} has no tag"))?;
                let tag = snake(tag);
                let mut params = Vec::new();
                for param in item.parameters.iter().chain(&op.parameters) {
                    let param = match param {
                        ReferenceOr::Item(p) => p.clone(),
                        ReferenceOr::Reference { reference } => {
                            let name = reference
                                .strip_prefix("#/components/parameters/")
                                .ok_or_else(|| format!("{id}: unsupported reference {reference}"))?;
                            match components.parameters.get(name) {
                                Some(ReferenceOr::Item(p)) => p.clone(),
                                _ => return Err(format!("{id}: parameter {name} not found")),
                            }
                        }
                    };
                    let (data, location) = match &param {
                        Parameter::Path { parameter_data, .. } => (parameter_data, Location::Path),
                        Parameter::Query { parameter_data, .. } => (parameter_data, Location::Query),
                        _ => return Err(format!("{id}: only path and query parameters are supported")),
                    };
                    let ParameterSchemaOrContent::Schema(schema) = &data.format else {
                        return Err(format!("{id}.{}: parameters need a schema", data.name));
                    };
                    let used = use_of(schema).map_err(|e| format!("{id}.{}: {e}", data.name))?;
                    params.push(Param {
                        name: data.name.clone(),
                        location,
                        required: data.required,
                        description: one_line(data.description.as_ref()),
                        example: data.example.clone().or(used.example),
                        ty: used.ty,
                        limits: used.limits,
                        deprecated: note(
                            data.deprecated.unwrap_or(false) || used.deprecated,
                            &data.extensions,
                            "deprecated in openapi.yaml",
                        ),
                    });
                }
                let body = match &op.request_body {
                    None => None,
                    Some(ReferenceOr::Item(body)) => {
                        let media = body
                            .content
                            .get("application/json")
                            .ok_or_else(|| format!("{id}: request bodies must be application/json"))?;
                        match media.schema.as_ref().map(use_of).transpose()? {
                            Some(Use { ty: Ty::Ref(name), .. }) => Some(name),
                            _ => return Err(format!("{id}: the request body must be a component schema")),
                        }
                    }
                    Some(ReferenceOr::Reference { .. }) => {
                        return Err(format!("{id}: request body references are not supported"));
                    }
                };
                let (success_status, success) = op
                    .responses
                    .responses
                    .iter()
                    .find_map(|(code, response)| match (code, response) {
                        (StatusCode::Code(c @ 200..=299), ReferenceOr::Item(r)) => Some((*c, r)),
                        _ => None,
                    })
                    .ok_or_else(|| format!("{id} has no 2xx response"))
                    .and_then(|(code, response)| {
                        let ty = match response.content.get("application/json") {
                            Some(media) => media.schema.as_ref().map(use_of).transpose()?.map(|u| u.ty),
                            None => None,
                        };
                        Ok((code, ty))
                    })?;
                operations.push(Op {
                    name: dotted_name(&id, &tag, &resources)?,
                    method: method.to_uppercase(),
                    path: path.clone(),
                    tag,
                    summary: one_line(op.summary.as_ref()),
                    description: one_line(op.description.as_ref()),
                    deprecated: note(op.deprecated, &op.extensions, one_line(op.summary.as_ref()).as_str()),
                    params,
                    body,
                    success_status,
                    success,
                    id,
                });
            }
        }
        operations.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Api { version: spec.info.version.clone(), operations, schemas, resources, resource_docs })
    }

    /// The properties of an object schema (empty for other kinds).
    pub fn props(&self, schema: &str) -> &[Prop] {
        match self.schemas.get(schema).map(|m| &m.kind) {
            Some(ModelKind::Object(props)) => props,
            _ => &[],
        }
    }

    /// Object schemas reachable from request bodies (not the bodies themselves), in name order:
    /// the values a user builds to send, such as `AddressInput`.
    pub fn input_models(&self) -> Vec<&Model> {
        let bodies: Vec<&str> = self.operations.iter().filter_map(|o| o.body.as_deref()).collect();
        let mut found = std::collections::BTreeSet::new();
        let mut stack: Vec<&str> = bodies.clone();
        while let Some(name) = stack.pop() {
            for prop in self.props(name) {
                let mut ty = &prop.ty;
                while let Ty::Array(item) = ty {
                    ty = item;
                }
                if let Ty::Ref(target) = ty
                    && matches!(self.schemas.get(target).map(|m| &m.kind), Some(ModelKind::Object(_)))
                    && found.insert(target.as_str())
                {
                    stack.push(target);
                }
            }
        }
        found.into_iter().filter(|n| !bodies.contains(n)).filter_map(|n| self.schemas.get(n)).collect()
    }

    /// Object schemas the API sends (every object schema that is neither a request body nor
    /// reachable from one), in name order: `Employee`, `Error`, ...
    pub fn response_models(&self) -> Vec<&Model> {
        let bodies: Vec<&str> = self.operations.iter().filter_map(|o| o.body.as_deref()).collect();
        let inputs: Vec<&str> = self.input_models().iter().map(|m| m.name.as_str()).collect();
        self.schemas
            .values()
            .filter(|m| matches!(m.kind, ModelKind::Object(_)))
            .filter(|m| !bodies.contains(&m.name.as_str()) && !inputs.contains(&m.name.as_str()))
            .collect()
    }

    pub fn kind(&self, schema: &str) -> Option<&ModelKind> {
        self.schemas.get(schema).map(|m| &m.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_names_follow_the_tags() {
        let resources: Vec<String> =
            ["employers", "employees", "enrollments", "plan_years", "benefit_products"]
                .map(String::from)
                .into();
        let name = |id, tag| dotted_name(id, tag, &resources).unwrap();
        assert_eq!(name("employers_employees_create", "employers"), "employers.employees.create");
        assert_eq!(
            name("employers_create_eligibility_policy", "employers"),
            "employers.create_eligibility_policy"
        );
        assert_eq!(
            name("benefit_products_plan_years_list", "benefit_products"),
            "benefit_products.plan_years.list"
        );
        assert_eq!(name("enrollments_list_plans", "enrollments"), "enrollments.list_plans");
        // A method named like a resource stays a method.
        assert_eq!(name("employers_employees", "employers"), "employers.employees");
        assert!(dotted_name("members_list", "employers", &resources).is_err());
    }

    #[test]
    fn an_inline_enum_is_refused_with_the_way_out() {
        let inline: ReferenceOr<Schema> =
            serde_yaml::from_str("type: string\nenum: [a, b]").expect("a schema");
        let error = use_of(&inline).err().expect("refused");
        assert!(error.contains("inline `enum`") && error.contains("component schema"), "{error}");
        let plain: ReferenceOr<Schema> = serde_yaml::from_str("type: string").expect("a schema");
        assert_eq!(use_of(&plain).map(|u| u.ty).ok(), Some(Ty::String));
    }

    #[test]
    fn names() {
        assert_eq!(camel("members_qualifying_life_events_record"), "MembersQualifyingLifeEventsRecord");
        assert_eq!(screaming("EventType"), "EVENT_TYPE");
        assert_eq!(screaming("QleId"), "QLE_ID");
    }
}
