//! Guards the generated surface of `vitable-connect-api` and the operation table the SDK and
//! the sandbox are built from.
//!
//! Any change to `openapi.yaml` (after `cargo xtask codegen`) shows up here as insta snapshot
//! diffs to review, all of them in one run:
//!
//! * `operations`: every operation of the generated `Client`, read from the *generated code*
//!   (`crates/vitable-connect-api/src/generated.rs`, parsed with `syn`): HTTP method, path
//!   template, each path and query parameter with its Rust type, the body type, the headers
//!   sent and the success and error types. It is cross-checked against `openapi.yaml` and
//!   against the operation table `vitable_connect_api::spec::OPERATIONS`.
//! * `operation_table`: that table, one line per operation (id, SDK name, method and path,
//!   parameters, body, success status and type, SDK builder, deprecation), so that a new
//!   parameter or a deprecation is a reviewable diff. Each operation's builder is checked in
//!   the SDK's generated builders.
//! * `client_docs`: the rustdoc of `Client` and of each operation method (summaries,
//!   descriptions and parameter descriptions from the spec).
//! * `schema_<Type>`: the JSON Schema (`schemars::schema_for!`) of every type the spec and the
//!   generated code name: the spec's schemas, every generated type in
//!   `vitable_connect_api::types`, every hand-written ID type and `Ssn`. The loop records
//!   every problem (a diff, a type without a Rust entry, a stale snapshot file) and goes on.
//!   The derived schema of a constrained string (`EnrollmentReissueRequestReason`, ...) says
//!   only `"type": "string"`: its limits live in the generated `FromStr`, so the checks found
//!   there are added to the snapshot under `x-generated-from-str-checks`, and they are
//!   cross-checked against the limits of the spec.
//!
//! Nothing here counts operations or types: the expectations come from `openapi.yaml` and
//! from the tables generated from it. Spec details the generator drops (examples, numeric
//! `minimum`/`maximum`, `minItems`, `format: email`, parameter defaults) change nothing in
//! generated.rs; they are in the `spec_constraints` snapshot, and the examples are exercised
//! by `nullable_fields`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use quote::ToTokens;
use syn::visit::Visit;
use vitable_connect_api::spec::{self, Location};

use crate::support::{Failures, read, workspace_root};

fn parse_rust(relative: &str) -> syn::File {
    syn::parse_file(&read(relative)).unwrap_or_else(|e| panic!("{relative} does not parse: {e}"))
}

/// progenitor's output: the models (`generated.rs`) and the client (`generated_client.rs`) as
/// one file.
fn generated() -> syn::File {
    let mut file = parse_rust("crates/vitable-connect-api/src/generated.rs");
    file.items.extend(parse_rust("crates/vitable-connect-api/src/generated_client.rs").items);
    file
}

/// Renders tokens as compact Rust: `:: std :: option :: Option < T >` becomes
/// `::std::option::Option<T>`. A space is kept only between two word-like tokens
/// (`&'a str`, `dyn Trait`) and after a comma.
fn render<T: ToTokens>(node: &T) -> String {
    let text = node.to_token_stream().to_string();
    let mut out = String::new();
    for token in text.split_whitespace() {
        let word = |c: char| c.is_alphanumeric() || c == '_' || c == '\'';
        let needs_space = out.ends_with(',')
            || (out.chars().next_back().is_some_and(word) && token.chars().next().is_some_and(word));
        if needs_space {
            out.push(' ');
        }
        out.push_str(token);
    }
    out
}

/// The item list of the inline module `name` among `items`.
fn module<'a>(items: &'a [syn::Item], name: &str) -> &'a [syn::Item] {
    items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| items.as_slice()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("generated.rs has no inline `mod {name}`"))
}

/// `T` out of `Wrapper<T, ...>` (the first generic argument), if `ty` is such a path.
fn first_generic_arg<'a>(ty: &'a syn::Type, wrapper: &str) -> Option<&'a syn::Type> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    args.args.iter().find_map(|arg| match arg {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// The two generic arguments of `Result<T, E>`.
fn result_args(ty: &syn::Type) -> Option<(&syn::Type, &syn::Type)> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    let mut types = args.args.iter().filter_map(|arg| match arg {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    Some((types.next()?, types.next()?))
}

// ---------------------------------------------------------------------------------------------
// Operations, from the generated code
// ---------------------------------------------------------------------------------------------

/// One operation as the generated code implements it.
#[derive(Debug)]
struct Operation {
    operation_id: String,
    client_method: String,
    builder: String,
    method: String,
    path: String,
    /// `(name, Rust type)` in builder field order.
    path_params: Vec<(String, String)>,
    /// `(wire name, builder field, Rust type)` in the order the query is built.
    query_params: Vec<(String, String, String)>,
    /// The type `body(..)` accepts and how it is encoded (`json`, ...).
    body: Option<(String, String)>,
    /// `name: value` of every header set on the request.
    headers: Vec<String>,
    /// Status codes answered with `Ok`, and the `ResponseValue<T>` type.
    success: (Vec<String>, String),
    /// Status codes answered with `Error::ErrorResponse`, and the `Error<E>` type.
    error: (Vec<String>, String),
}

/// Everything read out of one builder's `send()`.
#[derive(Default)]
struct SendFacts {
    methods: Vec<String>,
    url_macros: Vec<(String, Vec<String>)>,
    query: Vec<(String, String)>,
    body_encodings: Vec<String>,
    headers: Vec<String>,
    operation_ids: Vec<String>,
    ok_statuses: Vec<String>,
    error_statuses: Vec<String>,
    other_statuses: Vec<String>,
}

const HTTP_METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const BODY_ENCODINGS: &[&str] = &["json", "form_urlencoded", "body"];

/// The variable a `format!` argument puts into the URL: `encode_path(&x.to_string())` → `x`.
fn url_argument(expr: &syn::Expr) -> String {
    struct FindVar(Option<String>);
    impl<'ast> Visit<'ast> for FindVar {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            if call.method == "to_string"
                && let syn::Expr::Path(p) = &*call.receiver
                && let Some(ident) = p.path.get_ident()
            {
                self.0.get_or_insert(ident.to_string());
            }
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    let mut find = FindVar(None);
    find.visit_expr(expr);
    find.0.unwrap_or_else(|| render(expr))
}

/// A header name or value: the literal of `from_static("..")`, the constant of
/// `::reqwest::header::ACCEPT`, or the expression itself.
fn header_part(expr: &syn::Expr) -> String {
    if let syn::Expr::Call(call) = expr
        && render(&*call.func).ends_with("::from_static")
        && let Some(arg) = call.args.first()
    {
        return match arg {
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => s.value(),
            other => render(other),
        };
    }
    let rendered = render(expr);
    match rendered.strip_prefix("::reqwest::header::") {
        Some(constant) => constant.to_lowercase().replace('_', "-"),
        None => rendered,
    }
}

impl<'ast> Visit<'ast> for SendFacts {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let method = call.method.to_string();
        if render(&*call.receiver) == "client.client" && HTTP_METHODS.contains(&method.as_str()) {
            self.methods.push(method.to_uppercase());
        }
        if call.args.len() == 1
            && BODY_ENCODINGS.contains(&method.as_str())
            && render(&call.args[0]) == "&body"
        {
            self.body_encodings.push(method.clone());
        }
        // `.header(NAME, VALUE)` on the request and `header_map.append(NAME, VALUE)`.
        if (method == "header" || method == "append") && call.args.len() == 2 {
            self.headers.push(format!("{}: {}", header_part(&call.args[0]), header_part(&call.args[1])));
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if mac.path.is_ident("format") {
            let args = mac
                .parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
                .expect("format! arguments parse");
            let mut args = args.iter();
            if let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(template), .. })) = args.next() {
                self.url_macros.push((template.value(), args.map(url_argument).collect()));
            }
        }
        syn::visit::visit_macro(self, mac);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if render(&*call.func).ends_with("QueryParam::new")
            && let (Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(wire), .. })), Some(value)) =
                (call.args.first(), call.args.iter().nth(1))
        {
            self.query.push((wire.value(), render(value).trim_start_matches('&').to_string()));
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_expr_struct(&mut self, expr: &'ast syn::ExprStruct) {
        if expr.path.is_ident("OperationInfo") {
            for field in &expr.fields {
                if let syn::Member::Named(name) = &field.member
                    && name == "operation_id"
                    && let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(id), .. }) = &field.expr
                {
                    self.operation_ids.push(id.value());
                }
            }
        }
        syn::visit::visit_expr_struct(self, expr);
    }

    fn visit_expr_match(&mut self, expr: &'ast syn::ExprMatch) {
        if render(&*expr.expr) == "response.status().as_u16()" {
            for arm in &expr.arms {
                let pattern = render(&arm.pat).replace("u16", "");
                let body = render(&*arm.body);
                let body = body.trim_start_matches('{');
                if body.starts_with("Err(Error::ErrorResponse(") {
                    self.error_statuses.push(pattern);
                } else if body.starts_with("Err(") {
                    self.other_statuses.push(pattern);
                } else {
                    self.ok_statuses.push(pattern);
                }
            }
        }
        syn::visit::visit_expr_match(self, expr);
    }
}

/// Every operation of the generated `Client`, sorted by operationId.
fn generated_operations() -> Vec<Operation> {
    let file = generated();

    // `impl Client { pub fn op(&self) -> builder::Op<'_> { .. } }`: client method → builder.
    let mut client_methods: BTreeMap<String, String> = BTreeMap::new();
    for item in &file.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || render(&*imp.self_ty) != "Client" {
            continue;
        }
        for item in &imp.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            let syn::ReturnType::Type(_, ty) = &f.sig.output else { continue };
            let rendered = render(&**ty);
            if let Some(builder) = rendered.strip_prefix("builder::") {
                let builder = builder.split('<').next().unwrap().to_string();
                client_methods.insert(builder, f.sig.ident.to_string());
            }
        }
    }

    let builder_items = module(&file.items, "builder");
    let mut operations = Vec::new();
    for item in builder_items {
        let syn::Item::Struct(st) = item else { continue };
        let name = st.ident.to_string();

        // Fields: `name: Result<T, String>`, except `client`.
        let mut fields: Vec<(String, syn::Type)> = Vec::new();
        for field in &st.fields {
            let ident = field.ident.as_ref().expect("builder fields are named").to_string();
            if ident == "client" {
                continue;
            }
            let (ok, err) = result_args(&field.ty).unwrap_or_else(|| {
                panic!("{name}.{ident}: expected `Result<T, String>`, got {}", render(&field.ty))
            });
            assert_eq!(render(err), "String", "{name}.{ident}");
            fields.push((ident, ok.clone()));
        }

        // Setters `fn x<V>(..) where V: TryInto<T>`: what each setter accepts.
        let mut setter_types: BTreeMap<String, String> = BTreeMap::new();
        let mut facts = SendFacts::default();
        let mut send_output = None;
        for item in builder_items {
            let syn::Item::Impl(imp) = item else { continue };
            if imp.trait_.is_some() || render(&*imp.self_ty) != format!("{name}<'a>") {
                continue;
            }
            for item in &imp.items {
                let syn::ImplItem::Fn(f) = item else { continue };
                if f.sig.ident == "send" {
                    let syn::ReturnType::Type(_, ty) = &f.sig.output else {
                        panic!("{name}::send returns ()")
                    };
                    send_output = Some((**ty).clone());
                    facts.visit_block(&f.block);
                    continue;
                }
                let Some(where_clause) = &f.sig.generics.where_clause else { continue };
                for predicate in &where_clause.predicates {
                    let syn::WherePredicate::Type(pt) = predicate else { continue };
                    if render(&pt.bounded_ty) != "V" {
                        continue;
                    }
                    for bound in &pt.bounds {
                        let rendered = render(bound);
                        if let Some(target) = rendered
                            .strip_prefix("std::convert::TryInto<")
                            .and_then(|rest| rest.strip_suffix('>'))
                        {
                            setter_types.insert(f.sig.ident.to_string(), target.to_string());
                        }
                    }
                }
            }
        }

        let send_output = send_output.unwrap_or_else(|| panic!("builder {name} has no send()"));
        let (ok, err) = result_args(&send_output).expect("send() returns a Result");
        let success_ty = first_generic_arg(ok, "ResponseValue").expect("Ok type is ResponseValue<T>");
        let error_ty = first_generic_arg(err, "Error").expect("Err type is Error<E>");

        assert_eq!(facts.methods.len(), 1, "{name}: exactly one HTTP method call, got {:?}", facts.methods);
        assert_eq!(facts.operation_ids.len(), 1, "{name}: exactly one OperationInfo");
        let url =
            facts.url_macros.iter().find(|(template, _)| template.starts_with("{}/")).unwrap_or_else(|| {
                panic!("{name}: no `format!(\"{{}}/...\", client.baseurl, ..)`: {:?}", facts.url_macros)
            });
        let (template, args) = url;
        assert_eq!(args.first().map(String::as_str), Some("client.baseurl"), "{name}: URL starts at baseurl");
        let pieces: Vec<&str> = template.split("{}").collect();
        assert_eq!(pieces.len(), args.len() + 1, "{name}: one argument per `{{}}` in {template:?}");
        let mut path = String::from(pieces[1]);
        for (arg, piece) in args[1..].iter().zip(&pieces[2..]) {
            write!(path, "{{{arg}}}{piece}").unwrap();
        }
        let url_vars: BTreeSet<&str> = args[1..].iter().map(String::as_str).collect();

        let mut path_params = Vec::new();
        let mut body = None;
        let mut classified: BTreeSet<String> = BTreeSet::new();
        for (field, ty) in &fields {
            if field == "body" {
                let accepted = setter_types.get("body").cloned().unwrap_or_else(|| render(ty));
                assert_eq!(facts.body_encodings.len(), 1, "{name}: the body is sent exactly once");
                body = Some((accepted, facts.body_encodings[0].clone()));
                classified.insert(field.clone());
            } else if url_vars.contains(field.as_str()) {
                path_params.push((field.clone(), render(ty)));
                classified.insert(field.clone());
            }
        }
        let mut query_params = Vec::new();
        for (wire, var) in &facts.query {
            let (_, ty) = fields
                .iter()
                .find(|(f, _)| f == var)
                .unwrap_or_else(|| panic!("{name}: query parameter {wire} reads unknown variable {var}"));
            query_params.push((wire.clone(), var.clone(), render(ty)));
            classified.insert(var.clone());
        }
        for (field, ty) in &fields {
            assert!(
                classified.contains(field),
                "{name}.{field}: {} is neither a path parameter, a query parameter nor the body",
                render(ty)
            );
        }
        assert!(
            facts.other_statuses.iter().all(|s| s == "_"),
            "{name}: unexpected arms {:?}",
            facts.other_statuses
        );

        let client_method = client_methods
            .get(&name)
            .unwrap_or_else(|| panic!("no Client method returns builder::{name}"))
            .clone();
        operations.push(Operation {
            operation_id: facts.operation_ids[0].clone(),
            client_method,
            builder: name,
            method: facts.methods[0].clone(),
            path,
            path_params,
            query_params,
            body,
            headers: facts.headers,
            success: (facts.ok_statuses, render(success_ty)),
            error: (facts.error_statuses, render(error_ty)),
        });
    }
    operations.sort_by(|a, b| a.operation_id.cmp(&b.operation_id));
    operations
}

/// The string `Client::api_version()` returns (`info.version` of the spec), sent on every
/// request as the `api-version` header.
fn api_version(file: &syn::File) -> String {
    for item in &file.items {
        let syn::Item::Impl(imp) = item else { continue };
        let Some((trait_path, _)) = &imp.trait_ else { continue };
        if !render(trait_path).starts_with("ClientInfo") || render(&*imp.self_ty) != "Client" {
            continue;
        }
        for item in &imp.items {
            if let syn::ImplItem::Fn(f) = item
                && f.sig.ident == "api_version"
                && let Some(syn::Stmt::Expr(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }), None)) =
                    f.block.stmts.first()
            {
                return s.value();
            }
        }
    }
    panic!("generated.rs has no `impl ClientInfo for Client {{ fn api_version() }}`")
}

/// One block per operation, as reviewed in the snapshot.
fn operations_table(api_version: &str, operations: &[Operation]) -> String {
    let mut out = format!("Client::api_version() = {api_version:?}\n\n");
    for op in operations {
        writeln!(out, "{}", op.operation_id).unwrap();
        writeln!(out, "  {} {}", op.method, op.path).unwrap();
        writeln!(out, "  builder  {}", op.builder).unwrap();
        for (name, ty) in &op.path_params {
            writeln!(out, "  path     {name}: {ty}").unwrap();
        }
        for (wire, field, ty) in &op.query_params {
            if wire == field {
                writeln!(out, "  query    {wire}: {ty}").unwrap();
            } else {
                writeln!(out, "  query    {wire} (builder field {field}): {ty}").unwrap();
            }
        }
        match &op.body {
            Some((ty, encoding)) => writeln!(out, "  body     {ty} ({encoding})").unwrap(),
            None => writeln!(out, "  body     -").unwrap(),
        }
        writeln!(out, "  headers  {}", op.headers.join(", ")).unwrap();
        writeln!(out, "  success  {} => {}", op.success.0.join(" | "), op.success.1).unwrap();
        writeln!(out, "  error    {} => {}", op.error.0.join(" | "), op.error.1).unwrap();
        out.push('\n');
    }
    out
}

#[test]
fn operations_snapshot() {
    let operations = generated_operations();
    let mut failures = Failures::new();
    failures.catch("snapshot `operations`", || {
        insta::assert_snapshot!("operations", operations_table(&api_version(&generated()), &operations));
    });
    for op in &operations {
        failures.check(op.client_method == op.operation_id, || {
            format!(
                "the Client method of {} is {}, not its operationId {}",
                op.builder, op.client_method, op.operation_id
            )
        });
    }
    let in_code: BTreeSet<&str> = operations.iter().map(|op| op.operation_id.as_str()).collect();
    let in_table: BTreeSet<&str> = spec::OPERATIONS.iter().map(|op| op.id).collect();
    failures.check_same_set("operations", ("generated.rs", &in_code), ("spec::OPERATIONS", &in_table));
    failures.finish("generated operations");
}

/// The `#[doc]` text of an item.
fn doc_text(attrs: &[syn::Attribute]) -> String {
    let lines: Vec<String> = attrs
        .iter()
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    lines.join("\n")
}

/// The rustdoc of `Client` and of each operation method: the summaries, descriptions and
/// parameter descriptions of the spec as a user of the crate reads them.
#[test]
fn client_docs_snapshot() {
    let file = generated();
    let mut out = String::new();
    for item in &file.items {
        if let syn::Item::Struct(st) = item
            && st.ident == "Client"
        {
            writeln!(out, "## struct Client\n{}\n", doc_text(&st.attrs).trim()).unwrap();
        }
    }
    let mut methods = BTreeMap::new();
    for item in &file.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || render(&*imp.self_ty) != "Client" {
            continue;
        }
        for item in &imp.items {
            if let syn::ImplItem::Fn(f) = item
                && render(&f.sig.output).starts_with("->builder::")
            {
                methods.insert(f.sig.ident.to_string(), doc_text(&f.attrs));
            }
        }
    }
    for (name, doc) in &methods {
        writeln!(out, "## fn {name}\n{}\n", doc.trim()).unwrap();
    }
    let mut failures = Failures::new();
    failures.catch("snapshot `client_docs`", || insta::assert_snapshot!("client_docs", out));
    let documented: BTreeSet<&str> = methods.keys().map(String::as_str).collect();
    let in_table: BTreeSet<&str> = spec::OPERATIONS.iter().map(|op| op.id).collect();
    failures.check_same_set(
        "operation methods",
        ("the Client of generated.rs", &documented),
        ("spec::OPERATIONS", &in_table),
    );
    failures.finish("Client docs");
}

// ---------------------------------------------------------------------------------------------
// Operations, cross-checked against openapi.yaml and the operation table
// ---------------------------------------------------------------------------------------------

/// An operation as `openapi.yaml` declares it: what must match the generated code and the
/// operation table.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct DeclaredOperation {
    operation_id: String,
    method: String,
    path: String,
    /// `(name, required)`.
    path_params: BTreeSet<(String, bool)>,
    query_params: BTreeSet<(String, bool)>,
    has_body: bool,
    success_statuses: Vec<String>,
}

fn openapi() -> openapiv3::OpenAPI {
    serde_yaml::from_str(&read("openapi.yaml")).expect("openapi.yaml is a valid OpenAPI 3.0 document")
}

fn declared_operations(spec: &openapiv3::OpenAPI) -> Vec<DeclaredOperation> {
    let components = spec.components.as_ref().expect("components");
    let resolve = |p: &openapiv3::ReferenceOr<openapiv3::Parameter>| -> openapiv3::Parameter {
        match p {
            openapiv3::ReferenceOr::Item(p) => p.clone(),
            openapiv3::ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/parameters/").expect("local parameter $ref");
                components.parameters[name].as_item().expect("no nested $ref").clone()
            }
        }
    };
    let mut out = Vec::new();
    for (path, item) in spec.paths.iter() {
        let item = item.as_item().expect("path items are inline");
        for (method, op) in item.iter() {
            let mut path_params = BTreeSet::new();
            let mut query_params = BTreeSet::new();
            for p in item.parameters.iter().chain(&op.parameters) {
                match resolve(p) {
                    openapiv3::Parameter::Path { parameter_data: d, .. } => {
                        path_params.insert((d.name, d.required));
                    }
                    openapiv3::Parameter::Query { parameter_data: d, .. } => {
                        query_params.insert((d.name, d.required));
                    }
                    other => panic!("unsupported parameter location in the spec: {other:?}"),
                }
            }
            let success_statuses = op
                .responses
                .responses
                .keys()
                .map(|code| code.to_string())
                .filter(|code| code.starts_with('2'))
                .collect();
            out.push(DeclaredOperation {
                operation_id: op.operation_id.clone().expect("every operation has an operationId"),
                method: method.to_uppercase(),
                path: path.clone(),
                path_params,
                query_params,
                has_body: op.request_body.is_some(),
                success_statuses,
            });
        }
    }
    out.sort();
    out
}

/// The operations of `spec::OPERATIONS` in the same terms. The table keeps one success status,
/// the spec's first 2xx.
fn table_operations() -> Vec<DeclaredOperation> {
    let mut out: Vec<DeclaredOperation> = spec::OPERATIONS
        .iter()
        .map(|op| {
            let params = |location: Location| {
                op.params
                    .iter()
                    .filter(|p| p.location == location)
                    .map(|p| (p.name.to_string(), p.required))
                    .collect()
            };
            DeclaredOperation {
                operation_id: op.id.to_string(),
                method: op.method.to_string(),
                path: op.path.to_string(),
                path_params: params(Location::Path),
                query_params: params(Location::Query),
                has_body: op.body.is_some(),
                success_statuses: vec![op.success_status.to_string()],
            }
        })
        .collect();
    out.sort();
    out
}

/// Records every operation only one side has, and every field on which the two sides differ.
fn compare_operations(
    failures: &mut Failures,
    (left_name, left): (&str, &[DeclaredOperation]),
    (right_name, right): (&str, &[DeclaredOperation]),
) {
    let by_id = |ops: &[DeclaredOperation]| -> BTreeMap<String, usize> {
        ops.iter().enumerate().map(|(i, op)| (op.operation_id.clone(), i)).collect()
    };
    let (left_ids, right_ids) = (by_id(left), by_id(right));
    let left_keys: BTreeSet<&String> = left_ids.keys().collect();
    let right_keys: BTreeSet<&String> = right_ids.keys().collect();
    failures.check_same_set("operations", (left_name, &left_keys), (right_name, &right_keys));
    for (id, &l) in &left_ids {
        let Some(&r) = right_ids.get(id) else { continue };
        let (l, r) = (&left[l], &right[r]);
        let what = |field: &str| format!("{id}: {field} in {left_name} (left) and {right_name} (right)");
        failures.check_eq(what("method"), &l.method, &r.method);
        failures.check_eq(what("path"), &l.path, &r.path);
        failures.check_eq(what("path parameters (name, required)"), &l.path_params, &r.path_params);
        failures.check_eq(what("query parameters (name, required)"), &l.query_params, &r.query_params);
        failures.check_eq(what("has a body"), l.has_body, r.has_body);
        failures.check_eq(what("success statuses"), &l.success_statuses, &r.success_statuses);
    }
}

#[test]
fn operations_match_openapi_yaml() {
    let declared = declared_operations(&openapi());
    let from_code: Vec<DeclaredOperation> = generated_operations()
        .into_iter()
        .map(|op| DeclaredOperation {
            operation_id: op.operation_id,
            method: op.method,
            path: op.path,
            // Path parameters are always required; query parameters are optional exactly when
            // the builder field holds an `Option`.
            path_params: op.path_params.into_iter().map(|(name, _)| (name, true)).collect(),
            query_params: op
                .query_params
                .into_iter()
                .map(|(wire, _, ty)| {
                    let optional = ty.starts_with("Option<") || ty.starts_with("::std::option::Option<");
                    (wire, !optional)
                })
                .collect(),
            has_body: op.body.is_some(),
            success_statuses: op.success.0,
        })
        .collect();
    // The table keeps the first 2xx status of the spec only.
    let declared_first_success: Vec<DeclaredOperation> = declared
        .iter()
        .cloned()
        .map(|mut op| {
            op.success_statuses.truncate(1);
            op
        })
        .collect();

    let mut failures = Failures::new();
    compare_operations(&mut failures, ("openapi.yaml", &declared), ("generated.rs", &from_code));
    compare_operations(
        &mut failures,
        ("openapi.yaml", &declared_first_success),
        ("spec::OPERATIONS", &table_operations()),
    );
    failures.finish("operations of openapi.yaml, generated.rs and spec::OPERATIONS");
}

// ---------------------------------------------------------------------------------------------
// The operation table and the SDK's builders
// ---------------------------------------------------------------------------------------------

/// `members_qualifying_life_events_record` → `MembersQualifyingLifeEventsRecord`.
fn upper_camel(snake: &str) -> String {
    snake
        .split(['_', '-'])
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// `name (location, required|optional[, deprecated: note]): type`.
fn describe_param(param: &spec::Param) -> String {
    let location = match param.location {
        Location::Path => "path",
        Location::Query => "query",
    };
    let required = if param.required { "required" } else { "optional" };
    let deprecated = param.deprecated.map(|note| format!(", deprecated: {note}")).unwrap_or_default();
    format!("{} ({location}, {required}{deprecated}): {}", param.name, param.ty)
}

/// `spec::OPERATIONS`, one line per operation.
fn operation_table() -> String {
    let mut out = format!("spec::SPEC_VERSION = {:?}\n", spec::SPEC_VERSION);
    out.push_str(
        "# id | SDK name | method path | params | body | success status -> type | SDK builder \
         [| deprecated: note]\n\n",
    );
    for op in spec::OPERATIONS {
        let params: Vec<String> = op.params.iter().map(describe_param).collect();
        let params = if params.is_empty() { "-".to_string() } else { params.join(", ") };
        write!(
            out,
            "{} | {} | {} {} | params: {params} | body: {} | {} -> {} | {}",
            op.id,
            op.name,
            op.method,
            op.path,
            op.body.unwrap_or("-"),
            op.success_status,
            op.success.unwrap_or("no content"),
            op.builder,
        )
        .unwrap();
        if let Some(note) = op.deprecated {
            write!(out, " | deprecated: {note}").unwrap();
        }
        out.push('\n');
    }
    out
}

#[test]
fn operation_table_snapshot() {
    insta::assert_snapshot!("operation_table", operation_table());
}

/// A request builder of the SDK, as `generated_builders.rs` defines it.
#[derive(Debug, Default)]
struct SdkBuilder {
    /// `X` of `const OPERATION: &Operation = &operations::X`.
    operation_constant: Option<String>,
    /// The methods of the low-level client it calls (`call.api.<method>()`).
    api_calls: Vec<String>,
}

/// Every `pub struct ...Builder` of the SDK's `generated_builders.rs`.
fn sdk_builders() -> BTreeMap<String, SdkBuilder> {
    struct ApiCalls(Vec<String>);
    impl<'ast> Visit<'ast> for ApiCalls {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            if render(&*call.receiver) == "call.api" {
                self.0.push(call.method.to_string());
            }
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    let file = parse_rust("crates/vitable-connect/src/generated_builders.rs");
    let mut builders = BTreeMap::new();
    for item in &file.items {
        if let syn::Item::Struct(st) = item
            && matches!(st.vis, syn::Visibility::Public(_))
            && st.ident.to_string().ends_with("Builder")
        {
            builders.insert(st.ident.to_string(), SdkBuilder::default());
        }
    }
    for item in &file.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        let Some(builder) = builders.get_mut(&render(&*imp.self_ty)) else { continue };
        for item in &imp.items {
            if let syn::ImplItem::Const(c) = item
                && c.ident == "OPERATION"
            {
                let value = render(&c.expr);
                builder.operation_constant =
                    Some(value.trim_start_matches('&').trim_start_matches("operations::").to_string());
            }
        }
        let mut calls = ApiCalls(Vec::new());
        calls.visit_item_impl(imp);
        builder.api_calls.extend(calls.0);
    }
    builders
}

/// Each operation of the table has its SDK builder, named `<OperationIdUpperCamel>Builder`,
/// whose `OPERATION` is that operation (the SDK's transport builds the request from that
/// table entry); and every builder belongs to an operation.
#[test]
fn every_operation_has_its_sdk_builder() {
    let builders = sdk_builders();
    let mut failures = Failures::new();
    for op in spec::OPERATIONS {
        let expected = format!("{}Builder", upper_camel(op.id));
        failures.check_eq(format!("{}: builder name", op.id), op.builder, expected.as_str());
        let Some(builder) = builders.get(op.builder) else {
            failures.push(format!("{}: no `pub struct {}` in generated_builders.rs", op.id, op.builder));
            continue;
        };
        failures.check_eq(
            format!("{}: `{}::OPERATION`", op.id, op.builder),
            builder.operation_constant.clone(),
            Some(op.id.to_uppercase()),
        );
        // The builder sends through the SDK's transport, which builds the request from this
        // operation's table entry; a builder may not also call the low-level client.
        failures.check_eq(
            format!("{}: low-level client methods {} calls", op.id, op.builder),
            builder.api_calls.clone(),
            Vec::<String>::new(),
        );
    }
    let in_sdk: BTreeSet<&str> = builders.keys().map(String::as_str).collect();
    let in_table: BTreeSet<&str> = spec::OPERATIONS.iter().map(|op| op.builder).collect();
    failures.check_same_set("builders", ("generated_builders.rs", &in_sdk), ("spec::OPERATIONS", &in_table));
    failures.finish("SDK builders");
}

// ---------------------------------------------------------------------------------------------
// JSON Schema of every type
// ---------------------------------------------------------------------------------------------

/// The Rust type of each name [`schema_sources`] finds: the table `cargo xtask codegen` writes
/// from the generated client (`generated_roundtrip::SCHEMA_TYPES`). `json_schema_snapshots`
/// reports a name missing there (or listed there for nothing) with every other problem.
fn rust_types() -> BTreeMap<&'static str, crate::support::SchemaOf> {
    crate::generated_roundtrip::SCHEMA_TYPES.iter().copied().collect()
}

/// Every `pub struct`/`pub enum` directly in `pub mod types` of generated.rs (not in
/// `types::builder` or `types::error`).
fn generated_type_names() -> BTreeSet<String> {
    let file = generated();
    let mut names = BTreeSet::new();
    for item in module(&file.items, "types") {
        let (vis, ident) = match item {
            syn::Item::Struct(s) => (&s.vis, &s.ident),
            syn::Item::Enum(e) => (&e.vis, &e.ident),
            _ => continue,
        };
        if matches!(vis, syn::Visibility::Public(_)) {
            names.insert(ident.to_string());
        }
    }
    names
}

/// The hand-written ID types: the first identifier of each `;`-separated line of the
/// `id_types! { .. }` invocation in ids.rs.
fn id_type_names() -> BTreeSet<String> {
    let ids_file = parse_rust("crates/vitable-connect-api/src/ids.rs");
    let invocation = ids_file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Macro(m) if m.mac.path.is_ident("id_types") => Some(&m.mac),
            _ => None,
        })
        .expect("ids.rs invokes id_types!");
    let mut names = BTreeSet::new();
    let mut at_line_start = true;
    for token in invocation.tokens.clone() {
        match token {
            proc_macro2::TokenTree::Ident(ident) if at_line_start => {
                names.insert(ident.to_string());
                at_line_start = false;
            }
            proc_macro2::TokenTree::Punct(p) if p.as_char() == ';' => at_line_start = true,
            _ => {}
        }
    }
    names
}

/// The types generated.rs names as `crate::ids::X` or `crate::X` (the hooks aside): the
/// hand-written types it uses in place of schemas.
fn crate_type_names() -> BTreeSet<String> {
    struct CratePaths(BTreeSet<String>);
    impl<'ast> Visit<'ast> for CratePaths {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            // `pub(crate)` is a one-segment path; `crate::hooks::Inner` is the client's executor.
            if segments.len() > 1 && segments[0] == "crate" && segments[1] != "hooks" {
                self.0.insert(segments.last().unwrap().clone());
            }
            syn::visit::visit_path(self, path);
        }
    }
    let mut crate_paths = CratePaths(BTreeSet::new());
    crate_paths.visit_file(&generated());
    crate_paths.0
}

/// Every name that gets a schema snapshot, with where it was found: the spec's schemas, the
/// generated types, the ID types of ids.rs and the `crate::` types generated.rs names.
fn schema_sources() -> BTreeMap<String, Vec<&'static str>> {
    let mut sources: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
    let mut add = |names: BTreeSet<String>, source: &'static str| {
        for name in names {
            sources.entry(name).or_default().push(source);
        }
    };
    add(spec::SCHEMAS.iter().map(|s| s.name.to_string()).collect(), "spec::SCHEMAS");
    add(generated_type_names(), "`pub mod types` of generated.rs");
    add(id_type_names(), "`id_types!` of ids.rs");
    add(crate_type_names(), "a `crate::` path of generated.rs");
    sources
}

/// `Type → ["condition => error message"]` for every `impl FromStr` in `pub mod types` whose
/// body checks its input with `if` (length limits, patterns, ...). Enums (a `match`) have none.
fn from_str_checks() -> BTreeMap<String, Vec<String>> {
    struct Checks(Vec<String>);
    impl<'ast> Visit<'ast> for Checks {
        fn visit_expr_if(&mut self, expr: &'ast syn::ExprIf) {
            struct FirstStr(Option<String>);
            impl<'ast> Visit<'ast> for FirstStr {
                fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
                    self.0.get_or_insert(lit.value());
                }
            }
            let mut message = FirstStr(None);
            message.visit_block(&expr.then_branch);
            let message = message.0.unwrap_or_else(|| render(&expr.then_branch));
            let condition = match &*expr.cond {
                syn::Expr::Binary(b) => {
                    format!("{} {} {}", render(&*b.left), render(&b.op), render(&*b.right))
                }
                other => render(other),
            };
            self.0.push(format!("{condition} => {message}"));
            syn::visit::visit_expr_if(self, expr);
        }
    }
    let file = generated();
    let mut out = BTreeMap::new();
    for item in module(&file.items, "types") {
        let syn::Item::Impl(imp) = item else { continue };
        let Some((trait_path, _)) = &imp.trait_ else { continue };
        if !render(trait_path).ends_with("FromStr") {
            continue;
        }
        let mut checks = Checks(Vec::new());
        checks.visit_item_impl(imp);
        if !checks.0.is_empty() {
            out.insert(render(&*imp.self_ty), checks.0);
        }
    }
    out
}

/// The snapshot of every name of [`schema_sources`]. Nothing stops the loop: a diff, a name
/// without a Rust type, a reference to a type without a snapshot, a stale snapshot file are
/// all recorded, and the test fails at the end with every one of them.
#[test]
fn json_schema_snapshots() {
    let sources = schema_sources();
    let rust = rust_types();
    let mut checks = from_str_checks();
    let mut failures = Failures::new();

    let mut settings = insta::Settings::clone_current();
    settings.set_sort_maps(true);
    let _guard = settings.bind_to_scope();

    for (name, found_in) in &sources {
        let Some(schema_for) = rust.get(name.as_str()) else {
            failures.push(format!(
                "{name} (in {}) has no Rust type in `generated_roundtrip::SCHEMA_TYPES`: see xtask/src/tables.rs",
                found_in.join(", ")
            ));
            continue;
        };
        let mut schema = serde_json::to_value(schema_for()).expect("a schema is JSON");
        let object = schema.as_object_mut().expect("a root schema is an object");
        let title = object.get("title").and_then(|t| t.as_str());
        failures.check(title == Some(name.as_str()), || format!("the schema title of {name} is {title:?}"));
        // Referenced types are snapshotted on their own: keep only `$ref`s here, after checking
        // that each one points at a type with a snapshot (so nothing is left unguarded).
        if let Some(defs) = object.remove("$defs") {
            for referenced in defs.as_object().expect("$defs is an object").keys() {
                failures.check(sources.contains_key(referenced), || {
                    format!("the schema of {name} references {referenced}, which has no snapshot of its own")
                });
            }
        }
        // What the generated `FromStr` (and so `Deserialize`) enforces beyond the derived schema.
        if let Some(checks) = checks.remove(name) {
            object.insert("x-generated-from-str-checks".into(), checks.into());
        }
        failures.catch(&format!("snapshot `schema_{name}`"), || {
            insta::assert_json_snapshot!(format!("schema_{name}"), schema);
        });
    }

    for name in rust.keys().filter(|name| !sources.contains_key(**name)) {
        failures.push(format!(
            "`generated_roundtrip::SCHEMA_TYPES` lists {name}, which neither the spec nor the code has"
        ));
    }
    failures.check(checks.is_empty(), || {
        format!("FromStr checks of types without a schema snapshot: {checks:?}")
    });

    // A snapshot file whose type is gone.
    let prefix = format!("{}__schema_", module_path!().replace("::", "__"));
    let dir = workspace_root().join("tests/tests/snapshots");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    for file in files {
        let Some(name) = file.strip_prefix(&prefix).and_then(|rest| rest.strip_suffix(".snap")) else {
            continue;
        };
        failures.check(sources.contains_key(name), || {
            format!("tests/tests/snapshots/{file} is stale: {name} is no longer a type; delete the file")
        });
    }

    failures.finish("JSON Schema snapshots");
}

/// The names of the generated types, of the ID types and of the hand-written types the
/// generated code uses agree with the spec's schemas: an ID schema has its ID type in ids.rs,
/// every other schema is a generated type or one of the hand-written types, and a generated
/// type that is not a schema is the type progenitor makes for a property of one
/// (`<Schema><Property>`, e.g. `EnrollmentReissueRequestReason`).
#[test]
fn the_types_of_the_code_are_the_schemas_of_the_spec() {
    let generated = generated_type_names();
    let id_types = id_type_names();
    let crate_types = crate_type_names();
    let in_spec: BTreeSet<String> = spec::SCHEMAS.iter().map(|s| s.name.to_string()).collect();
    let mut failures = Failures::new();

    let spec_ids: BTreeSet<String> =
        spec::SCHEMAS.iter().filter(|s| s.kind == spec::SchemaKind::Id).map(|s| s.name.to_string()).collect();
    failures.check_same_set("ID types", ("spec::SCHEMAS", &spec_ids), ("`id_types!` of ids.rs", &id_types));

    for schema in spec::SCHEMAS.iter().filter(|s| s.kind != spec::SchemaKind::Id) {
        failures.check(generated.contains(schema.name) || crate_types.contains(schema.name), || {
            format!("schema {} is neither a generated type nor a `crate::` type of generated.rs", schema.name)
        });
    }
    for name in &crate_types {
        failures.check(in_spec.contains(name), || {
            format!("generated.rs names `crate::..::{name}`, which is no schema of the spec")
        });
    }

    let property_types: BTreeSet<String> = spec::SCHEMAS
        .iter()
        .flat_map(|schema| match schema.kind {
            spec::SchemaKind::Object(props) => {
                props.iter().map(|p| format!("{}{}", schema.name, upper_camel(p.name))).collect()
            }
            _ => Vec::new(),
        })
        .collect();
    for name in &generated {
        failures.check(in_spec.contains(name) || property_types.contains(name), || {
            format!("generated type {name} is neither a schema nor the type of a schema's property")
        });
    }
    failures.finish("types of the code and schemas of the spec");
}

/// Every string limit of the spec (`minLength`, `maxLength`, `pattern`) is checked by the
/// `FromStr` of its generated type, and the generated types check nothing else.
#[test]
fn every_string_limit_of_the_spec_is_checked_by_from_str() {
    let checks = from_str_checks();
    let generated = generated_type_names();
    let mut failures = Failures::new();

    // (generated type, where in the spec, limits)
    let mut constrained: Vec<(String, String, spec::Limits)> = Vec::new();
    for schema in spec::SCHEMAS {
        match schema.kind {
            spec::SchemaKind::String(limits) => {
                constrained.push((schema.name.to_string(), schema.name.to_string(), limits));
            }
            spec::SchemaKind::Object(props) => {
                for prop in props.iter().filter(|p| p.ty == "string") {
                    let ty = format!("{}{}", schema.name, upper_camel(prop.name));
                    constrained.push((ty, format!("{}.{}", schema.name, prop.name), prop.limits));
                }
            }
            _ => {}
        }
    }

    let mut expected_types = BTreeSet::new();
    for (ty, at, limits) in constrained {
        let mut expected: Vec<String> = Vec::new();
        if let Some(max) = limits.max_length {
            expected.push(format!("longer than {max} characters"));
        }
        if let Some(min) = limits.min_length.filter(|min| *min > 0) {
            expected.push(format!("shorter than {min} characters"));
        }
        if expected.is_empty() && limits.pattern.is_none() {
            continue;
        }
        if !generated.contains(&ty) {
            // A hand-written type in place of the schema (`Ssn`) checks its input itself.
            failures.check(at == ty && crate_type_names().contains(&ty), || {
                format!("{at} has limits {limits:?}, but there is no generated type {ty} to check them")
            });
            continue;
        }
        expected_types.insert(ty.clone());
        let messages: Vec<&str> = checks
            .get(&ty)
            .map(|c| c.iter().filter_map(|check| check.split(" => ").nth(1)).collect())
            .unwrap_or_default();
        for message in &expected {
            failures.check(messages.contains(&message.as_str()), || {
                format!("{at}: the FromStr of {ty} does not check `{message}` (its checks: {messages:?})")
            });
        }
        if let Some(pattern) = limits.pattern {
            failures.check(messages.iter().any(|m| m.contains(pattern)), || {
                format!("{at}: the FromStr of {ty} does not check the pattern {pattern:?} (its checks: {messages:?})")
            });
        }
        for message in &messages {
            failures.check(
                expected.iter().any(|e| e == message) || limits.pattern.is_some_and(|p| message.contains(p)),
                || format!("{at}: the FromStr of {ty} checks `{message}`, which the spec does not state"),
            );
        }
    }
    let checked: BTreeSet<String> = checks.keys().cloned().collect();
    failures.check_same_set(
        "constrained string types",
        ("generated FromStr checks", &checked),
        ("the spec's string limits", &expected_types),
    );
    failures.finish("string limits");
}
