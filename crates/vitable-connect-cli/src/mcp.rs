//! `vitable-connect mcp`: a Model Context Protocol server over stdio (rmcp), with one tool per
//! operation of the spec, read-only unless `--allow-writes`, every call sent through the SDK
//! with its checks, and no SSN or API key in what the model sees.

use std::sync::Arc;

use clap::{Arg, ArgAction, ArgMatches, Command};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt as _};
use serde_json::{Map, Value, json};
use vitable_connect::Client;
use vitable_connect_api::spec::{self, Operation};

use crate::call::{Ctx, Failure};
use crate::exit::Code;
use crate::json_schema::{self, IDEMPOTENCY_KEY};
use crate::options::Globals;
use crate::output::Printer;
use crate::{connection, redact, tree, values};

/// The `mcp` command.
pub(crate) fn command() -> Command {
    Command::new("mcp")
        .about("Serve the API's operations as MCP tools over stdio, for assistants (read-only unless --allow-writes)")
        .long_about(
            "Serve the API's operations as Model Context Protocol tools over stdio, one tool per \
             operation, named after its operationId (`employers_list`); a tool may also be called, or \
             chosen with --tools, by the SDK's name of its operation (`employers.list`). Only the \
             read-only tools are offered unless --allow-writes is given. Every call is checked and \
             sent through the SDK; SSNs are masked to their last four digits in every result and the \
             API key never appears.",
        )
        .arg(
            Arg::new("allow-writes")
                .long("allow-writes")
                .action(ArgAction::SetTrue)
                .help("Also offer the tools that change data (each write sent with an idempotency key)"),
        )
        .arg(
            Arg::new("tools")
                .long("tools")
                .value_name("PATTERN")
                .action(ArgAction::Append)
                .help("Offer only these tools: a resource (`enrollments`), an operation (`employers_list` or `employers.list`), or a pattern with * (`*_list`, `*.list`); repeatable"),
        )
        .arg(
            Arg::new("discovery")
                .long("discovery")
                .action(ArgAction::SetTrue)
                .help("Offer three tools instead (list_operations, describe_operation, call_operation), for clients that prefer few tools"),
        )
}

/// What the server offers.
#[derive(Debug, Clone, Default)]
pub struct McpOptions {
    /// Offer the writes too.
    pub allow_writes: bool,
    /// Resources, operations (by `operationId` or the SDK's dotted name) or `*` patterns of
    /// either; empty for all.
    pub tools: Vec<String>,
    /// The three discovery tools instead of one per operation.
    pub discovery: bool,
}

impl McpOptions {
    fn from(matches: &ArgMatches) -> McpOptions {
        McpOptions {
            allow_writes: matches.get_flag("allow-writes"),
            tools: matches.get_many::<String>("tools").map(|v| v.cloned().collect()).unwrap_or_default(),
            discovery: matches.get_flag("discovery"),
        }
    }
}

/// `*` matches any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(tail) = text.strip_prefix(head) else { return false };
            (0..=tail.len()).filter(|&i| tail.is_char_boundary(i)).any(|i| glob(rest, &tail[i..]))
        }
    }
}

/// Whether `pattern` picks `op`: its resource (`enrollments`), either spelling of the operation
/// (`employers_list`, `employers.list`), or a `*` pattern matching either spelling; `-` is
/// taken for `_` (`plan-years`).
fn picks(pattern: &str, op: &Operation) -> bool {
    let p = pattern.replace('-', "_");
    glob(&p, op.id) || glob(&p, op.name) || op.name.split('.').next() == Some(p.as_str()) || op.tag == p
}

/// Whether `op`'s tool matches one of `patterns` (none: every tool).
fn selected(op: &Operation, patterns: &[String]) -> bool {
    patterns.is_empty() || patterns.iter().any(|p| picks(p, op))
}

/// Refuses a `--tools` pattern that picks no operation of the spec at all (a typo would
/// otherwise silently offer fewer tools), suggesting the closest operation.
fn check_patterns(patterns: &[String]) -> Result<(), Failure> {
    for pattern in patterns {
        if spec::OPERATIONS.iter().any(|op| picks(pattern, op)) {
            continue;
        }
        let hint = match spec::did_you_mean(pattern) {
            Some(hint) => format!("; {hint}"),
            None => String::new(),
        };
        return Err(Failure::usage(format!(
            "--tools {pattern}: no operation or resource of the API matches{hint}"
        )));
    }
    Ok(())
}

/// The MCP server: the client it calls through, the operations it offers, and the local
/// sandbox when it runs against one.
pub struct McpServer {
    client: Client,
    api_key: String,
    operations: Vec<&'static Operation>,
    options: McpOptions,
    sandbox: Option<Arc<vitable_connect_sandbox::Sandbox>>,
}

impl McpServer {
    /// A server for the command line `args` (after the program name: `mcp --allow-writes
    /// --sandbox state.json`, or with `--base-url` and the API key from the environment or
    /// `--api-key-file`), connected and ready to serve.
    pub async fn from_args(args: &[&str]) -> Result<McpServer, String> {
        let argv = std::iter::once("vitable-connect").chain(args.iter().copied());
        let matches = crate::command().try_get_matches_from(argv).map_err(|e| e.to_string())?;
        let Some(("mcp", sub)) = matches.subcommand() else {
            return Err("not an `mcp` command line".to_owned());
        };
        McpServer::new(&Globals::from(sub), McpOptions::from(sub)).await.map_err(|f| f.message)
    }

    async fn new(globals: &Globals, options: McpOptions) -> Result<McpServer, Failure> {
        check_patterns(&options.tools)?;
        let connection = connection::connect(globals).await?;
        let client = connection.builder.build().map_err(|e| Failure::usage(e.to_string()))?;
        let (api_key, sandbox) = (connection.api_key, connection.sandbox.map(Arc::new));
        let operations: Vec<&'static Operation> = spec::OPERATIONS
            .iter()
            .filter(|op| options.allow_writes || !op.is_write())
            .filter(|op| selected(op, &options.tools))
            .collect();
        if operations.is_empty() {
            let writes = if options.allow_writes { "" } else { " (writes need --allow-writes)" };
            return Err(Failure::usage(format!(
                "--tools {}: no tool matches{writes}",
                options.tools.join(" ")
            )));
        }
        Ok(McpServer { client, api_key, operations, options, sandbox })
    }

    /// The names of the tools offered.
    pub fn tool_names(&self) -> Vec<String> {
        self.tools().into_iter().map(|t| t.name.into_owned()).collect()
    }

    /// Stops the local sandbox, if any (its state is saved after each write already).
    pub async fn shutdown(self) {
        if let Some(sandbox) = self.sandbox.and_then(|s| Arc::try_unwrap(s).ok()) {
            sandbox.shutdown().await;
        }
    }

    fn tools(&self) -> Vec<Tool> {
        if self.options.discovery {
            return discovery_tools();
        }
        self.operations.iter().map(|op| tool(op)).collect()
    }

    /// The operation called `name` (its `operationId` or the SDK's dotted name), if it is
    /// offered; else why not, with the closest operation for a name that is none.
    fn offered(&self, name: &str) -> Result<&'static Operation, String> {
        let op = spec::operation(name);
        if let Some(op) = op.filter(|op| self.operations.contains(op)) {
            return Ok(op);
        }
        match op {
            Some(op) if op.is_write() && !self.options.allow_writes => Err(format!(
                "`{name}` changes data and is not offered: the server was started without --allow-writes"
            )),
            Some(_) => Err(format!(
                "`{name}` is not offered: the server was started with --tools {}",
                self.options.tools.join(" ")
            )),
            None => {
                let hint = match spec::did_you_mean(name) {
                    Some(hint) => format!(" {hint}"),
                    None => String::new(),
                };
                Err(format!(
                    "there is no operation `{name}`;{hint} list_operations (or the tool list) names them"
                ))
            }
        }
    }

    /// Calls operation `op` with `arguments`: the result as the model may see it.
    async fn call(&self, op: &'static Operation, arguments: &Map<String, Value>) -> CallToolResult {
        match self.call_inner(op, arguments).await {
            Ok(value) => CallToolResult::success(vec![ContentBlock::text(self.shown(value))]),
            Err(text) => {
                CallToolResult::error(vec![ContentBlock::text(redact::scrub_text(&text, &self.api_key))])
            }
        }
    }

    async fn call_inner(
        &self,
        op: &'static Operation,
        arguments: &Map<String, Value>,
    ) -> Result<Value, String> {
        let extra: &[&str] = if op.is_write() { &[IDEMPOTENCY_KEY] } else { &[] };
        let values = values::from_arguments(op, arguments, extra)
            .map_err(|f| format!("invalid input: {}", f.message))?;
        let key = match arguments.get(IDEMPOTENCY_KEY) {
            Some(Value::String(key)) => key.clone(),
            Some(_) => return Err(format!("invalid input: {IDEMPOTENCY_KEY}: must be a string")),
            None => uuid::Uuid::new_v4().to_string(),
        };
        let mut ctx = Ctx {
            client: self.client.clone(),
            operation: op,
            values,
            idempotency_key: key.clone(),
            all: false,
            printer: Printer::capturing(),
            api_key: self.api_key.clone(),
        };
        let result = ctx.send().await;
        let body = match result {
            Ok(()) => match ctx.printer.take() {
                Some((_, body)) if !body.is_empty() => serde_json::from_slice::<Value>(&body)
                    .map_err(|e| format!("the response is not JSON: {e}"))?,
                _ => Value::Null,
            },
            Err(failure) => return Err(failure_text(op, &failure, &key)),
        };
        let mut body = body;
        redact::scrub(&mut body, op.success, &self.api_key);
        let mut reply = Map::new();
        if tree::is_paged(op) {
            let page = ctx.values.get("page").and_then(Value::as_u64).unwrap_or(1);
            let limit =
                ctx.values.get("limit").and_then(Value::as_u64).or_else(|| {
                    op.param("limit").and_then(|p| p.limits.default).and_then(|d| d.parse().ok())
                });
            let count = body.as_array().map_or(0, Vec::len) as u64;
            let more = limit.is_some_and(|limit| count >= limit);
            reply.insert("items".into(), body);
            reply.insert("page".into(), page.into());
            reply.insert("next_page".into(), if more { Value::from(page + 1) } else { Value::Null });
            if more {
                reply.insert(
                    "more".into(),
                    format!("call {} again with page = {} for the next page", op.id, page + 1).into(),
                );
            }
        } else {
            reply.insert("result".into(), body);
        }
        if op.is_write() {
            reply.insert(IDEMPOTENCY_KEY.into(), key.into());
        }
        Ok(Value::Object(reply))
    }

    /// Compact JSON, with every SSN-shaped text masked and the API key hidden.
    fn shown(&self, value: Value) -> String {
        let mut value = value;
        redact::scrub(&mut value, None, &self.api_key);
        serde_json::to_string(&value).unwrap_or_default()
    }
}

/// The text of a failed call: what went wrong, and for an unknown outcome how to resend.
fn failure_text(op: &Operation, failure: &Failure, key: &str) -> String {
    let mut text = match failure.code {
        Code::Usage => format!("invalid input, nothing was sent: {}", failure.message),
        Code::NotFound => format!("not found: {}", failure.message),
        Code::Conflict => format!("conflict: {}", failure.message),
        Code::Network => format!("the API could not be reached: {}", failure.message),
        Code::OutcomeUnknown => format!(
            "the outcome is unknown: the write may or may not have been applied ({}). Call {} again with the \
             same arguments and {IDEMPOTENCY_KEY} = \"{key}\" to resend it safely: it will not be applied twice.",
            failure.message, op.id
        ),
        _ => format!("the API refused the request: {}", failure.message),
    };
    if let Some(id) = failure.error.as_deref().and_then(vitable_connect::Error::request_id)
        && !text.contains(id)
    {
        text.push_str(&format!(" (request id {id})"));
    }
    text
}

/// The tool of one operation.
fn tool(op: &'static Operation) -> Tool {
    let mut description = format!("{}.", op.summary.trim_end_matches('.'));
    if !op.description.is_empty() {
        description.push(' ');
        description.push_str(op.description);
    }
    if let Some(note) = op.deprecated {
        description = format!("DEPRECATED: {note}. {description}");
    }
    description.push_str(&format!(" ({} {})", op.method, op.path));
    if tree::is_paged(op) {
        description.push_str(" Returns one page: `items`, and `next_page` when there are more.");
    }
    if op.is_write() {
        description.push_str(
            " Changes data. Sent with an idempotency key, returned as `idempotency_key`; to resend a write \
             whose outcome was unknown, pass that key again.",
        );
    }
    let annotations = match op.method {
        "GET" => ToolAnnotations::new().read_only(true).destructive(false).idempotent(true),
        "PUT" | "PATCH" | "DELETE" => {
            ToolAnnotations::new().read_only(false).destructive(true).idempotent(true)
        }
        _ => ToolAnnotations::new().read_only(false).destructive(false).idempotent(false),
    }
    .open_world(true);
    Tool::new(op.id, description, Arc::new(json_schema::input(op)))
        .with_title(op.summary)
        .annotate(annotations)
}

fn discovery_tools() -> Vec<Tool> {
    let object = |properties: Value, required: &[&str]| -> Arc<Map<String, Value>> {
        let Value::Object(map) = json!({
            "type": "object", "properties": properties, "required": required, "additionalProperties": false
        }) else {
            unreachable!("a JSON object literal")
        };
        Arc::new(map)
    };
    vec![
        Tool::new(
            "list_operations",
            "Lists the operations of the Vitable Connect API this server offers: name (the operationId), sdk_name (the SDK's dotted name), method, path, summary, and whether it changes data.",
            object(json!({}), &[]),
        )
        .annotate(ToolAnnotations::new().read_only(true).idempotent(true).destructive(false)),
        Tool::new(
            "describe_operation",
            "Describes one operation: its description and the JSON Schema of its arguments.",
            object(json!({"name": {"type": "string", "description": "The operation's name or sdk_name, from list_operations"}}), &["name"]),
        )
        .annotate(ToolAnnotations::new().read_only(true).idempotent(true).destructive(false)),
        Tool::new(
            "call_operation",
            "Calls one operation with its arguments (see describe_operation); checked before anything is sent.",
            object(
                json!({
                    "name": {"type": "string", "description": "The operation's name or sdk_name, from list_operations"},
                    "arguments": {"type": "object", "description": "The operation's arguments"}
                }),
                &["name"],
            ),
        )
        .annotate(ToolAnnotations::new().read_only(false).destructive(true).idempotent(false).open_world(true)),
    ]
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("vitable-connect", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "Tools of the Vitable Connect benefits API (employers, employees, members, dependents, plan \
                 years, enrollments, qualifying life events). Lists return one page: call again with \
                 page = next_page for more. SSNs are masked to their last four digits.",
            )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let arguments = request.arguments.unwrap_or_default();
        let error = |text: String| Ok(CallToolResult::error(vec![ContentBlock::text(text)]).into());
        if self.options.discovery {
            return match request.name.as_ref() {
                "list_operations" => {
                    let list: Vec<Value> = self
                        .operations
                        .iter()
                        .map(|op| json!({"name": op.id, "sdk_name": op.name, "method": op.method, "path": op.path, "summary": op.summary, "changes_data": op.is_write()}))
                        .collect();
                    Ok(CallToolResult::success(vec![ContentBlock::text(Value::Array(list).to_string())])
                        .into())
                }
                "describe_operation" | "call_operation" => {
                    let Some(name) = arguments.get("name").and_then(Value::as_str) else {
                        return error("invalid input: `name` (a string) is required".to_owned());
                    };
                    let op = match self.offered(name) {
                        Ok(op) => op,
                        Err(text) => return error(text),
                    };
                    if request.name == "describe_operation" {
                        let tool = tool(op);
                        let described = json!({
                            "name": op.id,
                            "sdk_name": op.name,
                            "description": tool.description,
                            "input_schema": tool.input_schema.as_ref(),
                            "annotations": tool.annotations,
                        });
                        return Ok(
                            CallToolResult::success(vec![ContentBlock::text(described.to_string())]).into()
                        );
                    }
                    let arguments = match arguments.get("arguments") {
                        None => Map::new(),
                        Some(Value::Object(map)) => map.clone(),
                        Some(_) => return error("invalid input: `arguments` must be an object".to_owned()),
                    };
                    Ok(self.call(op, &arguments).await.into())
                }
                other => error(format!("unknown tool `{other}`")),
            };
        }
        match self.offered(&request.name) {
            Ok(op) => Ok(self.call(op, &arguments).await.into()),
            Err(text) => error(text),
        }
    }
}

/// Runs `vitable-connect mcp` on stdio until the client goes away.
pub(crate) async fn run(globals: &Globals, matches: &ArgMatches) -> Result<(), Failure> {
    let server = McpServer::new(globals, McpOptions::from(matches)).await?;
    let sandbox = server.sandbox.clone();
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| Failure::local(format!("mcp: cannot start: {e}")))?;
    let _ = running.waiting().await;
    if let Some(sandbox) = sandbox.and_then(|s| Arc::try_unwrap(s).ok()) {
        sandbox.shutdown().await;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_select_tools() {
        assert!(glob("*_list", "employers_list"));
        assert!(glob("employers*", "employers_employees_list"));
        assert!(!glob("*_list", "employers_retrieve"));
        let reissue = spec::operation("enrollments_reissue").unwrap();
        assert!(selected(reissue, &["enrollments".to_owned()]));
        assert!(selected(reissue, &["enrollments_reissue".to_owned()]));
        assert!(!selected(reissue, &["members".to_owned()]));
        assert_eq!(tool(reissue).name, "enrollments_reissue");
        assert!(selected(reissue, &["enrollments.reissue".to_owned()]));
        assert!(selected(reissue, &["*.reissue".to_owned()]));
    }

    #[test]
    fn either_spelling_picks_exactly_its_operation() {
        for op in spec::OPERATIONS {
            for spelling in [op.id, op.name] {
                let picked: Vec<&str> =
                    spec::OPERATIONS.iter().filter(|o| picks(spelling, o)).map(|o| o.id).collect();
                assert_eq!(picked, [op.id], "--tools {spelling}");
            }
        }
        assert!(
            check_patterns(&spec::OPERATIONS.iter().map(|op| op.name.to_owned()).collect::<Vec<_>>()).is_ok()
        );
    }

    #[test]
    fn a_pattern_that_picks_nothing_gets_a_suggestion() {
        let failure = check_patterns(&["employers".to_owned(), "employer.lst".to_owned()]).unwrap_err();
        assert_eq!(failure.code, Code::Usage);
        assert_eq!(
            failure.message,
            "--tools employer.lst: no operation or resource of the API matches; did you mean `employers.list` \
             (operationId `employers_list`)?"
        );
    }
}
