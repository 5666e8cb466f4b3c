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
    out.push_str("    _ => return None,\n})\n}\n");
    for op in &api.operations {
        out.push('\n');
        function(api, &mut out, op)?;
    }
    Ok(out)
}
