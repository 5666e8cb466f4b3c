//! Writes `crates/vitable-connect-cli/src/generated_commands.rs`: for every operation, the
//! function that turns the command line's values into a call of the SDK's typed builder
//! (`client.enrollments().reissue(&id, &qle_id).reason(..)`) and sends it, so the CLI goes
//! through the same checks as the library. The command tree itself (names, flags, help) is
//! built at run time from the operation table; this file holds what only Rust types can do.

use std::fmt::Write as _;

use crate::codegen::builders::{Field, fields_of, ident, paged};
use crate::codegen::spec::{Api, ModelKind, Op, Ty};

/// Path of the generated file, relative to the workspace root.
pub const OUTPUT: &str = "crates/vitable-connect-cli/src/generated_commands.rs";

/// How a value of the command line becomes the Rust type the builder takes: `parse` (the
/// type's `FromStr`: IDs, SSNs, the checks users of the library get), `parse_each` (a list of
/// those) or `decode` (serde, for everything else).
fn conversion(api: &Api, ty: &Ty) -> &'static str {
    let parsed = |name: &str| matches!(api.kind(name), Some(ModelKind::Id)) || name == "Ssn";
    match ty {
        Ty::Ref(name) if parsed(name) => "parse",
        Ty::Array(item) if matches!(&**item, Ty::Ref(name) if parsed(name)) => "parse_each",
        _ => "decode",
    }
}

/// Whether `ty` is an ID (which setters and entry points take by reference).
fn is_id(api: &Api, ty: &Ty) -> bool {
    matches!(ty, Ty::Ref(name) if matches!(api.kind(name), Some(ModelKind::Id)))
}

/// The Rust type of a field as the builder takes it, spelled with the CLI's imports.
fn rust_type(api: &Api, f: &Field) -> String {
    api.store(f.ty, f.limits)
        .replace("crate::", "vitable_connect::")
        .replace("chrono::", "vitable_connect::chrono::")
}

fn function(api: &Api, out: &mut String, op: &Op) -> Result<(), String> {
    let fields = fields_of(api, op)?;
    writeln!(out, "/// `{}`: `{} {}`.", op.name, op.method, op.path).unwrap();
    writeln!(out, "#[allow(deprecated, unused_mut, clippy::let_and_return)]").unwrap();
    writeln!(out, "async fn {}(ctx: &mut Ctx) -> Result<(), Failure> {{", op.id).unwrap();
    let mut args = Vec::new();
    for f in fields.iter().filter(|f| f.required) {
        let n = ident(f.name);
        let conv = conversion(api, f.ty);
        writeln!(out, "    let {n}: {} = ctx.required({:?}, {conv})?;", rust_type(api, f), f.name).unwrap();
        args.push(if is_id(api, f.ty) { format!("&{n}") } else { n });
    }
    writeln!(out, "    let mut request = ctx.client().{}({});", op.name.replace('.', "()."), args.join(", "))
        .unwrap();
    for f in fields.iter().filter(|f| !f.required) {
        let n = ident(f.name);
        let conv = format!("::<{}, _>({:?}, {})", rust_type(api, f), f.name, conversion(api, f.ty));
        if f.clearable {
            writeln!(
                out,
                "    match ctx.update{conv}? {{ Some(Some(value)) => request = request.{n}(value), Some(None) => request = request.clear_{}(), None => {{}} }}",
                f.name
            )
            .unwrap();
        } else {
            let value = if is_id(api, f.ty) { "&value" } else { "value" };
            writeln!(
                out,
                "    if let Some(value) = ctx.optional{conv}? {{ request = request.{n}({value}); }}"
            )
            .unwrap();
        }
    }
    if op.method != "GET" {
        writeln!(out, "    let request = request.idempotency_key(ctx.idempotency_key());").unwrap();
    }
    if paged(op).is_some() {
        writeln!(out, "    if ctx.all_pages() {{").unwrap();
        writeln!(
            out,
            "        return ctx.pages(move |page, limit| request.clone().page(page).limit(limit).send_with_response()).await;"
        )
        .unwrap();
        writeln!(out, "    }}").unwrap();
    }
    writeln!(out, "    ctx.reply(request.send_with_response().await)").unwrap();
    writeln!(out, "}}").unwrap();
    Ok(())
}

/// The file's text.
pub fn render(api: &Api) -> Result<String, String> {
    let mut out = String::from(
        "//! Every operation of `openapi.yaml` as a call of the SDK's typed builder: the values of\n\
         //! the command line are parsed into the builder's types (the same checks and messages as\n\
         //! the library) and the request is sent through the client.\n\n\
         use futures::future::BoxFuture;\n\n\
         #[allow(unused_imports)]\n\
         use crate::call::{Ctx, Failure, decode, parse, parse_each};\n\n\
         /// Sends one operation with the values in `ctx`.\n\
         pub(crate) type Send = for<'a> fn(&'a mut Ctx) -> BoxFuture<'a, Result<(), Failure>>;\n\n\
         /// Every operation's `operationId` and the function that sends it, in `operationId` order.\n\
         pub(crate) const SENDERS: &[(&str, Send)] = &[\n",
    );
    for op in &api.operations {
        writeln!(out, "    ({:?}, |ctx| Box::pin({}(ctx))),", op.id, op.id).unwrap();
    }
    out.push_str("];\n\n");
    out.push_str(
        "/// Checks `text` as an ID of schema `schema` (`EnrollmentId`) with that ID type's parser;\n\
         /// `None` when `schema` is not an ID schema.\n\
         pub(crate) fn check_id(schema: &str, text: &str) -> Option<Result<(), String>> {\n\
         fn check<T: std::str::FromStr>(text: &str) -> Result<(), String> where T::Err: std::fmt::Display {\n\
         text.parse::<T>().map(drop).map_err(|e| e.to_string())\n}\n\
         Some(match schema {\n",
    );
    for model in api.schemas.values().filter(|m| matches!(m.kind, ModelKind::Id)) {
        writeln!(out, "    {:?} => check::<vitable_connect::ids::{}>(text),", model.name, model.name)
            .unwrap();
    }
    out.push_str("    _ => return None,\n})\n}\n\n");
    out.push_str(
        "/// The prefix of the IDs of schema `schema` (`EnrollmentId` → `enrl_`); `None` when\n\
         /// `schema` is not an ID schema.\n\
         pub(crate) fn id_prefix(schema: &str) -> Option<&'static str> {\n\
         Some(match schema {\n",
    );
    for model in api.schemas.values().filter(|m| matches!(m.kind, ModelKind::Id)) {
        writeln!(out, "    {:?} => vitable_connect::ids::{}::PREFIX,", model.name, model.name).unwrap();
    }
    out.push_str("    _ => return None,\n})\n}\n");
    for op in &api.operations {
        out.push('\n');
        function(api, &mut out, op)?;
    }
    Ok(out)
}

/// Path of the CLI's spec-driven invocations, for its tests.
pub const INVOCATIONS: &str = "crates/vitable-connect-cli/tests/support/generated_invocations.rs";

/// How a value the API receives is written on the command line: path parameters and
/// scalars as text, lists of scalars as one flag per item, objects and lists of objects as
/// JSON.
fn cli_words(api: &Api, f: &Field, value: &serde_json::Value) -> Vec<String> {
    let text = |value: &serde_json::Value| match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let scalar = |ty: &Ty| match ty {
        Ty::Ref(name) => !matches!(api.kind(name), Some(ModelKind::Object(_))),
        Ty::Array(_) | Ty::Map(_) | Ty::Any => false,
        _ => true,
    };
    if f.path {
        return vec![text(value)];
    }
    let flag = format!("--{}", f.name.replace('_', "-"));
    match (f.ty, value) {
        (Ty::Array(item), serde_json::Value::Array(items)) if scalar(item) => {
            items.iter().flat_map(|item| [flag.clone(), text(item)]).collect()
        }
        (ty, value) if scalar(ty) => vec![flag, text(value)],
        (_, value) => vec![flag, value.to_string()],
    }
}

/// `tests/support/generated_invocations.rs` of the CLI: every operation as a command line with every
/// parameter and body property given, each a value of its own, and the request the API should
/// receive for it (the same values as the SDK's `generated_maximal.rs`).
pub fn render_invocations(api: &Api) -> Result<String, String> {
    let mut out = String::from(
        "//! Every operation of `openapi.yaml` as a command line giving every parameter and body\n\
         //! property, and the request the API should receive for it, as JSON (`method`, `path`,\n\
         //! `query`, `body`).\n\n\
         /// One operation's command line (after the program name) and expected request.\n\
         #[allow(dead_code)]\n\
         pub struct Invocation {\n\
         /// The `operationId`.\n\
         pub operation: &'static str,\n\
         /// The arguments.\n\
         pub args: &'static [&'static str],\n\
         /// The request the API should receive, as JSON text.\n\
         pub expected: &'static str,\n\
         /// The same values by name (parameters and body properties), as JSON text: the\n\
         /// arguments of the operation's MCP tool.\n\
         pub arguments: &'static str,\n\
         }\n\n\
         /// Every operation, in `operationId` order.\n\
         pub const INVOCATIONS: &[Invocation] = &[\n",
    );
    for op in &api.operations {
        let fields = fields_of(api, op)?;
        let (_, values, expected) = crate::codegen::builders::maximal(api, op, &fields);
        let mut args: Vec<String> = op.name.split('.').map(|part| part.replace('_', "-")).collect();
        let mut arguments = serde_json::Map::new();
        for (f, value) in fields.iter().zip(&values) {
            args.extend(cli_words(api, f, value));
            arguments.insert(f.name.to_owned(), value.clone());
        }
        writeln!(
            out,
            "Invocation {{ operation: {:?}, args: &{args:?}, expected: {:?}, arguments: {:?} }},",
            op.id,
            expected.to_string(),
            serde_json::Value::Object(arguments).to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    Ok(out)
}
