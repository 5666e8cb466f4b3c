//! Writes `crates/vitable-connect-api/src/generated_spec.rs`: the operation table, every
//! schema with its properties, enum values and limits, as `const` data (types in `spec.rs`).

use std::fmt::Write as _;

use crate::codegen::spec::{Api, Limits, Location, ModelKind, Op, camel, screaming};

/// Path of the generated tables, relative to the workspace root.
pub const OUTPUT: &str = "crates/vitable-connect-api/src/generated_spec.rs";

/// The SDK's request builder type of an operation. Rule: the `operationId` in UpperCamelCase
/// followed by `Builder` (`enrollments_reissue` → `EnrollmentsReissueBuilder`).
pub fn builder_name(op: &Op) -> String {
    format!("{}Builder", camel(&op.id))
}

fn opt_str(value: Option<&str>) -> String {
    value.map_or("None".into(), |v| format!("Some({v:?})"))
}

fn opt<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or("None".into(), |v| format!("Some({v})"))
}

fn limits(l: &Limits) -> String {
    if l.is_empty() {
        return "Limits::NONE".into();
    }
    format!(
        "Limits {{ min_length: {}, max_length: {}, minimum: {}, maximum: {}, min_items: {}, max_items: {}, pattern: {}, format: {}, default: {}, shapes: &{:?} }}",
        opt(l.min_length),
        opt(l.max_length),
        opt(l.minimum),
        opt(l.maximum),
        opt(l.min_items),
        opt(l.max_items),
        opt_str(l.pattern.as_deref()),
        opt_str(l.format.as_deref()),
        opt_str(l.default.as_deref()),
        l.shapes,
    )
}

/// The file's text.
pub fn render(api: &Api) -> String {
    let mut out = String::new();
    let w = &mut out;
    writeln!(w, "//! Tables of `openapi.yaml` (types in `spec.rs`).").unwrap();
    writeln!(w).unwrap();
    writeln!(
        w,
        "use crate::spec::{{Limits, Location, Operation, Param, Property, Schema, SchemaKind, Tag}};"
    )
    .unwrap();
    writeln!(w).unwrap();
    writeln!(w, "/// `info.version` of the spec these tables (and the generated client) come from.").unwrap();
    writeln!(w, "pub const SPEC_VERSION: &str = {:?};", api.version).unwrap();
    writeln!(w).unwrap();
    writeln!(w, "impl Limits {{\n    /// No constraint at all.\n    pub const NONE: Limits = Limits {{ min_length: None, max_length: None, minimum: None, maximum: None, min_items: None, max_items: None, pattern: None, format: None, default: None, shapes: &[] }};\n}}").unwrap();
    writeln!(w).unwrap();
    writeln!(w, "/// Every tag: the SDK's resources, in snake case, with the spec's description.").unwrap();
    writeln!(w, "pub const TAGS: &[Tag] = &[").unwrap();
    for (name, description) in &api.resource_docs {
        writeln!(w, "    Tag {{ name: {name:?}, description: {description:?} }},").unwrap();
    }
    writeln!(w, "];").unwrap();
    writeln!(w).unwrap();
    writeln!(w, "/// Every operation, in `operationId` order.").unwrap();
    writeln!(w, "pub const OPERATIONS: &[Operation] = &[").unwrap();
    for op in &api.operations {
        writeln!(w, "    operations::{},", screaming(&camel(&op.id))).unwrap();
    }
    writeln!(w, "];").unwrap();
    writeln!(w).unwrap();
    writeln!(w, "/// One constant per operation, named after its `operationId`.").unwrap();
    writeln!(w, "pub mod operations {{").unwrap();
    writeln!(w, "    use super::*;").unwrap();
    for op in &api.operations {
        writeln!(w).unwrap();
        writeln!(w, "    /// `{} {}`: {}", op.method, op.path, op.summary).unwrap();
        writeln!(w, "    pub const {}: Operation = Operation {{", screaming(&camel(&op.id))).unwrap();
        writeln!(w, "        id: {:?},", op.id).unwrap();
        writeln!(w, "        name: {:?},", op.name).unwrap();
        writeln!(w, "        method: {:?},", op.method).unwrap();
        writeln!(w, "        path: {:?},", op.path).unwrap();
        writeln!(w, "        tag: {:?},", op.tag).unwrap();
        writeln!(w, "        summary: {:?},", op.summary).unwrap();
        writeln!(w, "        description: {:?},", op.description).unwrap();
        writeln!(w, "        params: &[").unwrap();
        for p in &op.params {
            let location = match p.location {
                Location::Path => "Location::Path",
                Location::Query => "Location::Query",
            };
            writeln!(
                w,
                "            Param {{ name: {:?}, location: {location}, required: {}, ty: {:?}, description: {:?}, limits: {}, deprecated: {} }},",
                p.name,
                p.required,
                p.ty.describe(),
                p.description,
                limits(&p.limits),
                opt_str(p.deprecated.as_deref()),
            )
            .unwrap();
        }
        writeln!(w, "        ],").unwrap();
        writeln!(w, "        body: {},", opt_str(op.body.as_deref())).unwrap();
        writeln!(w, "        success_status: {},", op.success_status).unwrap();
        writeln!(w, "        success: {},", opt_str(op.success.as_ref().map(|t| t.describe()).as_deref()))
            .unwrap();
        writeln!(w, "        deprecated: {},", opt_str(op.deprecated.as_deref())).unwrap();
        writeln!(w, "        builder: {:?},", builder_name(op)).unwrap();
        writeln!(w, "    }};").unwrap();
    }
    writeln!(w, "}}").unwrap();
    writeln!(w).unwrap();
    writeln!(w, "/// Every component schema, in name order.").unwrap();
    writeln!(w, "pub const SCHEMAS: &[Schema] = &[").unwrap();
    for model in api.schemas.values() {
        let kind = match &model.kind {
            ModelKind::Id => "SchemaKind::Id".to_owned(),
            ModelKind::String(l) => format!("SchemaKind::String({})", limits(l)),
            ModelKind::Enum(_) => format!("SchemaKind::Enum(enum_values::{})", screaming(&model.name)),
            ModelKind::Object(props) => {
                let mut s = String::from("SchemaKind::Object(&[\n");
                for p in props {
                    writeln!(
                        s,
                        "        Property {{ name: {:?}, ty: {:?}, description: {:?}, required: {}, nullable: {}, clearable: {}, limits: {}, deprecated: {} }},",
                        p.name,
                        p.ty.describe(),
                        p.description,
                        p.required,
                        p.nullable,
                        p.clearable(),
                        limits(&p.limits),
                        opt_str(p.deprecated.as_deref()),
                    )
                    .unwrap();
                }
                s.push_str("    ])");
                s
            }
        };
        writeln!(w, "    Schema {{ name: {:?}, kind: {kind} }},", model.name).unwrap();
    }
    writeln!(w, "];").unwrap();
    writeln!(w).unwrap();
    writeln!(w, "/// The values of every enum schema, in the spec's order.").unwrap();
    writeln!(w, "pub mod enum_values {{").unwrap();
    for model in api.schemas.values() {
        if let ModelKind::Enum(values) = &model.kind {
            writeln!(w, "    /// Values of `{}`.", model.name).unwrap();
            writeln!(w, "    pub const {}: &[&str] = &{values:?};", screaming(&model.name)).unwrap();
        }
    }
    writeln!(w, "}}").unwrap();
    out
}

/// Path of the schema → Rust type table of the workspace tests.
pub const ROUNDTRIP: &str = "tests/tests/generated_roundtrip.rs";

/// `tests/tests/generated_roundtrip.rs`: every component schema with the Rust type that
/// represents it, as a function decoding JSON into that type and serializing it back, so the
/// spec-driven tests reach every type without a hand-written list; and the JSON Schema of
/// every type the generated client names (`generated_types`: the public types of its `types`
/// module), of the open enums, the ID types and `Ssn`.
pub fn render_roundtrip(api: &Api, generated_types: &[String]) -> String {
    let mut out = String::from(
        "//! Every component schema of `openapi.yaml` and the Rust type that represents it: `decode`\n\
         //! turns JSON into that type and back (see `support::roundtrip`), `parse` runs the type's\n\
         //! `FromStr` for string schemas.\n\n\
         use crate::support::{Known, Parse, Roundtrip, SchemaOf, parse, roundtrip, schema_of};\n\n\
         /// One schema's Rust type.\n\
         pub struct RustType {\n\
         /// The schema's name under `components/schemas`.\n\
         pub schema: &'static str,\n\
         /// The Rust type's path.\n\
         pub rust: &'static str,\n\
         /// JSON → the type → JSON.\n\
         pub decode: Roundtrip,\n\
         /// The type's `FromStr`, for string schemas (IDs, enums, other strings).\n\
         pub parse: Option<Parse>,\n\
         /// For enums: the values the Rust enum knows, and whether text decodes to a known variant.\n\
         pub known: Option<Known>,\n\
         }\n\n\
         /// Every component schema, in name order.\n\
         pub const TYPES: &[RustType] = &[\n",
    );
    for model in api.schemas.values() {
        let name = &model.name;
        let (rust, string) = match &model.kind {
            ModelKind::Id => (format!("vitable_connect_api::ids::{name}"), true),
            ModelKind::String(_) if name == "Ssn" => ("vitable_connect_api::Ssn".to_owned(), true),
            ModelKind::String(_) | ModelKind::Enum(_) => {
                (format!("vitable_connect_api::types::{name}"), true)
            }
            ModelKind::Object(_) => (format!("vitable_connect_api::types::{name}"), false),
        };
        let parse = if string { format!("Some(parse::<{rust}>)") } else { "None".to_owned() };
        let known = match &model.kind {
            ModelKind::Enum(_) => {
                format!("Some(({rust}::KNOWN, |text| !{rust}::from(text).is_unrecognized()))")
            }
            _ => "None".to_owned(),
        };
        writeln!(
            out,
            "RustType {{ schema: {name:?}, rust: {rust:?}, decode: roundtrip::<{rust}>, parse: {parse}, known: {known} }},"
        )
        .unwrap();
    }
    out.push_str("];\n");
    let mut schemas: Vec<(String, String)> = generated_types
        .iter()
        .map(|name| (name.clone(), format!("vitable_connect_api::types::{name}")))
        .collect();
    for model in api.schemas.values() {
        match &model.kind {
            ModelKind::Id => {
                schemas.push((model.name.clone(), format!("vitable_connect_api::ids::{}", model.name)))
            }
            ModelKind::String(_) if model.name == "Ssn" => {
                schemas.push((model.name.clone(), "vitable_connect_api::Ssn".to_owned()))
            }
            // The open enums, generated apart from progenitor's client (`generated_enums.rs`).
            ModelKind::Enum(_) => {
                schemas.push((model.name.clone(), format!("vitable_connect_api::types::{}", model.name)))
            }
            _ => {}
        }
    }
    schemas.sort();
    schemas.dedup();
    out.push_str(
        "\n/// The JSON Schema of every type of the generated client's `types` module, of the ID\n\
         /// types and of `Ssn`, by type name.\n\
         pub const SCHEMA_TYPES: &[(&str, SchemaOf)] = &[\n",
    );
    for (name, rust) in &schemas {
        writeln!(out, "({name:?}, schema_of::<{rust}>),").unwrap();
    }
    out.push_str("];\n");
    out
}
