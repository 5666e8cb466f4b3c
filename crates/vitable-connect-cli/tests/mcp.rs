//! The MCP server, talked to in-process by rmcp's client: the tools match the operation table,
//! the input schemas accept the spec-driven samples, the seeds' workflow runs through tool
//! calls, writes are refused without `--allow-writes`, no SSN or API key reaches a result, and
//! bad input is refused before anything is sent.

#[path = "support/generated_invocations.rs"]
#[rustfmt::skip]
mod generated_invocations;
mod support;

use std::collections::BTreeMap;

use generated_invocations::INVOCATIONS;
use rmcp::ServiceExt as _;
use rmcp::model::{CallToolRequestParams, CallToolResult, Tool};
use rmcp::service::{RoleClient, RunningService};
use serde_json::{Map, Value, json};
use support::{KEY, Recorder};
use vitable_connect_api::spec;
use vitable_connect_cli::McpServer;

struct Session {
    client: RunningService<RoleClient, ()>,
}

impl Session {
    /// Starts the server for `args` (after `vitable-connect`) and connects a client to it.
    async fn start(args: &[&str]) -> Session {
        let server = McpServer::from_args(args).await.expect("the server starts");
        let (server_io, client_io) = tokio::io::duplex(1 << 20);
        tokio::spawn(async move {
            let running = server.serve(server_io).await.expect("the server serves");
            let _ = running.waiting().await;
        });
        let client = ().serve(client_io).await.expect("the client connects");
        Session { client }
    }

    /// A server that may write, sending to `recorder` without retries, with the test key in a
    /// file of a temporary directory called `name`.
    async fn writing_to(recorder: &Recorder, name: &str) -> Session {
        let key = key_file(name);
        Session::start(&[
            "mcp",
            "--allow-writes",
            "--base-url",
            &recorder.url,
            "--max-retries",
            "0",
            "--api-key-file",
            &key,
        ])
        .await
    }

    async fn tools(&self) -> Vec<Tool> {
        self.client.list_all_tools().await.expect("tools/list")
    }

    async fn call(&self, name: &str, arguments: Value) -> CallToolResult {
        let Value::Object(arguments) = arguments else { panic!("arguments are an object") };
        let params = CallToolRequestParams::new(name.to_owned()).with_arguments(arguments);
        self.client.call_tool(params).await.expect("tools/call")
    }

    /// The text of a successful call, as JSON.
    async fn ok(&self, name: &str, arguments: Value) -> Value {
        let result = self.call(name, arguments).await;
        let text = text(&result);
        assert_ne!(result.is_error, Some(true), "{name} failed: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {text}"))
    }
}

fn text(result: &CallToolResult) -> String {
    result.content.iter().filter_map(|c| c.as_text()).map(|t| t.text.clone()).collect::<Vec<_>>().join("\n")
}

fn names(tools: &[Tool]) -> Vec<String> {
    let mut names: Vec<String> = tools.iter().map(|t| t.name.to_string()).collect();
    names.sort();
    names
}

fn ids(filter: impl Fn(&spec::Operation) -> bool) -> Vec<String> {
    let mut ids: Vec<String> =
        spec::OPERATIONS.iter().filter(|op| filter(op)).map(|op| op.id.to_owned()).collect();
    ids.sort();
    ids
}

/// A file holding the test API key (the server reads it with `--api-key-file`).
fn key_file(name: &str) -> String {
    let path = support::temp_dir(name).join("key");
    std::fs::write(&path, KEY).unwrap();
    path.display().to_string()
}

fn state_file(name: &str) -> String {
    support::temp_dir(name).join("state.json").display().to_string()
}

#[tokio::test]
async fn the_tools_match_the_operation_table() {
    let state = state_file("mcp-tools");
    let read_only = Session::start(&["mcp", "--sandbox", &state]).await;
    let tools = read_only.tools().await;
    assert_eq!(names(&tools), ids(|op| !op.is_write()), "read-only by default");
    for tool in &tools {
        let annotations = tool.annotations.as_ref().expect("annotated");
        assert_eq!(annotations.read_only_hint, Some(true), "{}", tool.name);
    }
    drop(read_only);

    let all = Session::start(&["mcp", "--allow-writes", "--sandbox", &state]).await;
    let tools = all.tools().await;
    assert_eq!(names(&tools), ids(|_| true), "every operation with --allow-writes");
    for tool in &tools {
        let op = spec::operation(&tool.name).unwrap();
        let annotations = tool.annotations.as_ref().unwrap();
        assert_eq!(annotations.read_only_hint, Some(!op.is_write()), "{}", tool.name);
        assert_eq!(
            annotations.destructive_hint,
            Some(matches!(op.method, "PUT" | "PATCH" | "DELETE")),
            "{}",
            tool.name
        );
        assert_eq!(annotations.idempotent_hint, Some(op.method != "POST"), "{}", tool.name);
        assert!(tool.description.as_deref().unwrap().contains(op.summary.trim_end_matches('.')));
        // Required: the path parameters and the required values.
        let required: Vec<&str> =
            tool.input_schema["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        for p in op.params.iter().filter(|p| p.required) {
            assert!(required.contains(&p.name), "{}: {} is required", tool.name, p.name);
        }
    }
    drop(all);

    let filtered = Session::start(&[
        "mcp",
        "--allow-writes",
        "--tools",
        "enrollments",
        "--tools",
        "*_list",
        "--sandbox",
        &state,
    ])
    .await;
    let expected = ids(|op| op.name.starts_with("enrollments.") || op.id.ends_with("_list"));
    assert_eq!(names(&filtered.tools().await), expected);
}

#[tokio::test]
async fn every_input_schema_accepts_the_samples_and_every_call_reaches_the_wire() {
    let recorder = Recorder::start(404, r#"{"detail":"recorded"}"#);
    let session = Session::writing_to(&recorder, "mcp-wire").await;
    let tools: BTreeMap<String, Tool> =
        session.tools().await.into_iter().map(|t| (t.name.to_string(), t)).collect();
    for invocation in INVOCATIONS {
        let tool = &tools[invocation.operation];
        let schema = Value::Object(tool.input_schema.as_ref().clone());
        let arguments: Value = serde_json::from_str(invocation.arguments).unwrap();
        let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
        let errors: Vec<String> = validator.iter_errors(&arguments).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: the schema refuses the sample: {errors:?}", invocation.operation);

        let before = recorder.requests().len();
        let result = session.call(invocation.operation, arguments).await;
        assert_eq!(result.is_error, Some(true), "{}: the recorder answers 404", invocation.operation);
        assert!(text(&result).contains("not found"), "{}: {}", invocation.operation, text(&result));
        let request = &recorder.requests()[before];
        let actual = request.as_expected();
        let expected: Value = serde_json::from_str(invocation.expected).unwrap();
        assert_eq!(actual, expected, "{}", invocation.operation);
        assert!(!text(&result).contains(KEY));
    }
}

#[tokio::test]
async fn the_seeds_workflow_runs_through_tool_calls() {
    let state = state_file("mcp-workflow");
    let session = Session::start(&["mcp", "--allow-writes", "--sandbox", &state]).await;
    let today = session.ok("employers_list", json!({})).await;
    let employer = today["items"][0]["id"].as_str().unwrap().to_owned();
    let employees = session.ok("employers_employees_list", json!({"employer_id": employer})).await;
    let employee = employees["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["employee_class"] == "Full Time")
        .unwrap()
        .clone();
    let employee_id = employee["id"].as_str().unwrap().to_owned();
    let member_id = employee["member"]["id"].as_str().unwrap().to_owned();
    let enrollments = session.ok("employees_enrollments_list", json!({"employee_id": employee_id})).await;
    let enrollment = enrollments["items"][0]["id"].as_str().unwrap().to_owned();
    let date = employee["created_at"].as_str().unwrap()[..10].to_owned();

    let qle = session
        .ok(
            "members_qualifying_life_events_record",
            json!({"member_id": member_id, "event_type": "Birth", "event_date": date}),
        )
        .await;
    assert!(qle["idempotency_key"].as_str().is_some_and(|k| !k.is_empty()), "a write reports its key: {qle}");
    let qle_id = qle["result"]["id"].as_str().unwrap().to_owned();
    let child = session
        .ok(
            "members_dependents_create",
            json!({"member_id": member_id, "first_name": "Ava", "last_name": "Lee", "date_of_birth": date, "sex": "Female", "relationship": "Child"}),
        )
        .await;
    let child_id = child["result"]["id"].as_str().unwrap().to_owned();
    let reissued = session
        .ok("enrollments_reissue", json!({"enrollment_id": enrollment, "qle_id": qle_id, "reason": "Birth"}))
        .await;
    assert_eq!(reissued["result"]["status"], "pending");
    let plans = session.ok("enrollments_list_plans", json!({"enrollment_id": enrollment})).await;
    let plan = plans["result"][0]["id"].as_str().unwrap().to_owned();
    let elected = session
        .ok(
            "employees_enrollments_submit_elections",
            json!({"employee_id": employee_id, "elections": [{"enrollment_id": enrollment, "decision": "Enrolled", "selected_plan_id": plan, "coverage_tier": "EC", "dependent_ids": [child_id]}]}),
        )
        .await;
    let done = elected["result"].as_array().unwrap().iter().find(|e| e["id"] == enrollment.as_str()).unwrap();
    assert_eq!(done["status"], "enrolled", "{elected}");
}

#[tokio::test]
async fn without_allow_writes_a_write_is_absent_and_refused() {
    let recorder = Recorder::start(200, "{}");
    let key = key_file("mcp-refused");
    let session = Session::start(&["mcp", "--base-url", &recorder.url, "--api-key-file", &key]).await;
    assert!(!names(&session.tools().await).contains(&"enrollments_reissue".to_owned()));
    let result = session
        .call("enrollments_reissue", json!({"enrollment_id": "enrl_8fK2x9", "qle_id": "qle_3Hc8Vb"}))
        .await;
    assert_eq!(result.is_error, Some(true));
    assert!(text(&result).contains("--allow-writes"), "{}", text(&result));
    assert_eq!(recorder.connections(), 0);
}

/// Every SSN-shaped text: `123-45-6789` or nine digits standing apart.
fn has_ssn(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len()).any(|i| {
        let before_ok = i == 0 || !chars[i - 1].is_alphanumeric();
        let rest: String = chars[i..].iter().take(11).collect();
        let dashed = rest.len() == 11
            && rest
                .chars()
                .enumerate()
                .all(|(j, c)| if j == 3 || j == 6 { c == '-' } else { c.is_ascii_digit() });
        let plain: String = chars[i..].iter().take(9).collect();
        let plain_ok = plain.len() == 9
            && plain.chars().all(|c| c.is_ascii_digit())
            && chars.get(i + 9).is_none_or(|c| !c.is_alphanumeric());
        before_ok && (dashed || plain_ok)
    })
}

#[tokio::test]
async fn no_result_over_the_seeded_sandbox_holds_an_ssn_or_the_key() {
    let state = state_file("mcp-pii");
    let session = Session::start(&["mcp", "--sandbox", &state]).await;
    // Every ID the lists reach, by kind.
    let mut known: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut results = Vec::new();
    let collect = |value: &Value, known: &mut BTreeMap<String, Vec<String>>| {
        fn walk(value: &Value, known: &mut BTreeMap<String, Vec<String>>) {
            match value {
                Value::String(s) => {
                    if let Some((prefix, _)) = s.split_once('_')
                        && s.len() > prefix.len() + 4
                        && prefix.chars().all(|c| c.is_ascii_lowercase())
                    {
                        let list = known.entry(format!("{prefix}_")).or_default();
                        if !list.contains(s) {
                            list.push(s.clone());
                        }
                    }
                }
                Value::Array(items) => items.iter().for_each(|v| walk(v, known)),
                Value::Object(map) => map.values().for_each(|v| walk(v, known)),
                _ => {}
            }
        }
        walk(value, known);
    };
    // Crawl: call every read tool with every known ID of the kinds it takes, until nothing new.
    for _round in 0..4 {
        let before: usize = known.values().map(Vec::len).sum();
        for op in spec::OPERATIONS.iter().filter(|op| !op.is_write()) {
            let path: Vec<&spec::Param> =
                op.params.iter().filter(|p| p.location == spec::Location::Path).collect();
            let choices: Vec<Vec<String>> = path
                .iter()
                .map(|p| {
                    let prefix = vitable_connect_cli_prefix(p.ty);
                    known.get(&prefix).cloned().unwrap_or_default()
                })
                .collect();
            // A kind with no record seeded (no life event yet): the sample ID, answered 404.
            let sample: Value = INVOCATIONS
                .iter()
                .find(|i| i.operation == op.id)
                .map(|i| serde_json::from_str(i.arguments).unwrap())
                .unwrap();
            let choices: Vec<Vec<String>> = choices
                .into_iter()
                .zip(&path)
                .map(
                    |(c, p)| if c.is_empty() { vec![sample[p.name].as_str().unwrap().to_owned()] } else { c },
                )
                .collect();
            let combos: Vec<Map<String, Value>> = if path.is_empty() {
                vec![Map::new()]
            } else {
                // Every ID of the first parameter's kind (the others take their first ID).
                choices[0]
                    .iter()
                    .map(|first| {
                        let mut m = Map::new();
                        m.insert(path[0].name.to_owned(), first.clone().into());
                        for (p, c) in path.iter().zip(&choices).skip(1) {
                            m.insert(p.name.to_owned(), c[0].clone().into());
                        }
                        m
                    })
                    .collect()
            };
            for arguments in combos {
                let result = session.call(op.id, Value::Object(arguments)).await;
                let body = text(&result);
                if result.is_error != Some(true) {
                    collect(&serde_json::from_str(&body).unwrap(), &mut known);
                }
                results.push((op.id, body));
            }
        }
        if known.values().map(Vec::len).sum::<usize>() == before {
            break;
        }
    }
    let read_tools: std::collections::BTreeSet<&str> = results.iter().map(|(id, _)| *id).collect();
    assert_eq!(read_tools.len(), ids(|op| !op.is_write()).len(), "every read tool was called");
    assert!(known.get("dpnd_").is_some_and(|d| !d.is_empty()), "the seeded dependents were reached");
    for (id, body) in &results {
        assert!(!has_ssn(body), "{id}: an SSN in {body}");
        assert!(!body.contains("sk_sandbox_offline_cli"), "{id}: the key");
    }
}

/// The prefix of the IDs of schema `ty`, from the spec's example IDs in the generated samples.
fn vitable_connect_cli_prefix(ty: &str) -> String {
    let arguments: Vec<Value> =
        INVOCATIONS.iter().map(|i| serde_json::from_str(i.arguments).unwrap()).collect();
    for op in spec::OPERATIONS {
        for p in op.params.iter().filter(|p| p.ty == ty) {
            for a in &arguments {
                if let Some(Value::String(s)) = a.get(p.name)
                    && let Some((prefix, _)) = s.split_once('_')
                {
                    return format!("{prefix}_");
                }
            }
        }
    }
    panic!("no sample of {ty}")
}

#[tokio::test]
async fn ssns_and_the_key_a_server_sends_are_kept_out() {
    let recorder = Recorder::start(
        200,
        r#"{"id":"empl_5Nq1Zt","employer_id":"empr_1Xy2Za","member_id":"mbr_2Hs8Kq","first_name":"Ana","last_name":"Lee","ssn":"123-45-6789","notes":"SSN 987654321, key sk_test_cli_secret_4242","ssn_last_four":"6789","email":"a@example.com","status":"active","employee_class":"Full Time","start_date":"2026-01-05","created_at":"2026-01-05T00:00:00Z","updated_at":"2026-01-05T00:00:00Z","date_of_birth":"1990-01-01","sex":"Female"}"#,
    );
    let key = key_file("mcp-echo");
    let session = Session::start(&["mcp", "--base-url", &recorder.url, "--api-key-file", &key]).await;
    let result = session.call("employees_retrieve", json!({"employee_id": "empl_5Nq1Zt"})).await;
    let body = text(&result);
    assert!(!has_ssn(&body), "{body}");
    assert!(!body.contains(KEY), "{body}");
    if result.is_error != Some(true) {
        assert!(body.contains("***-**-6789") && body.contains("***-**-4321"), "{body}");
    }
}

#[tokio::test]
async fn bad_inputs_are_tool_errors_and_send_nothing() {
    let recorder = Recorder::start(200, "{}");
    let key = key_file("mcp-bad");
    let session =
        Session::start(&["mcp", "--allow-writes", "--base-url", &recorder.url, "--api-key-file", &key]).await;
    let cases = [
        (
            "enrollments_reissue",
            json!({"enrollment_id": "empl_5Nq1Zt", "qle_id": "qle_3Hc8Vb"}),
            "enrollment_id",
        ),
        (
            "members_qualifying_life_events_record",
            json!({"member_id": "mbr_2Hs8Kq", "event_type": "Birthday", "event_date": "2026-11-02"}),
            "event_type",
        ),
        (
            "enrollments_reissue",
            json!({"enrollment_id": "enrl_8fK2x9", "qle_id": "qle_3Hc8Vb", "reason": "x".repeat(501)}),
            "reason",
        ),
        ("enrollments_reissue", json!({"enrollment_id": "enrl_8fK2x9"}), "qle_id"),
        (
            "enrollments_reissue",
            json!({"enrollment_id": "enrl_8fK2x9", "qle_id": "qle_3Hc8Vb", "colour": "red"}),
            "colour",
        ),
    ];
    for (tool, arguments, field) in cases {
        let result = session.call(tool, arguments.clone()).await;
        assert_eq!(result.is_error, Some(true), "{tool} {arguments}");
        let message = text(&result);
        assert!(message.contains("invalid input") && message.contains(field), "{tool}: {message}");
    }
    assert_eq!(recorder.connections(), 0, "nothing was sent");
}

#[tokio::test]
async fn discovery_mode_offers_three_tools_with_the_same_checks() {
    let state = state_file("mcp-discovery");
    let session = Session::start(&["mcp", "--discovery", "--sandbox", &state]).await;
    assert_eq!(names(&session.tools().await), ["call_operation", "describe_operation", "list_operations"]);
    let listed: Value =
        serde_json::from_str(&text(&session.call("list_operations", json!({})).await)).unwrap();
    let listed: Vec<&str> = listed.as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap()).collect();
    assert_eq!(listed.len(), ids(|op| !op.is_write()).len());
    let described: Value = serde_json::from_str(&text(
        &session.call("describe_operation", json!({"name": "employers_retrieve"})).await,
    ))
    .unwrap();
    assert_eq!(described["input_schema"]["required"], json!(["employer_id"]));
    let listed =
        session.call("call_operation", json!({"name": "employers_list", "arguments": {"limit": 1}})).await;
    assert_ne!(listed.is_error, Some(true), "{}", text(&listed));
    let bad = session
        .call(
            "call_operation",
            json!({"name": "employers_retrieve", "arguments": {"employer_id": "empl_5Nq1Zt"}}),
        )
        .await;
    assert!(text(&bad).contains("invalid input") && text(&bad).contains("employer_id"), "{}", text(&bad));
    let write = session.call("call_operation", json!({"name": "enrollments_reissue", "arguments": {}})).await;
    assert!(text(&write).contains("--allow-writes"), "{}", text(&write));
}

#[tokio::test]
async fn an_unknown_outcome_says_so_and_how_to_resend() {
    let recorder = Recorder::start(500, r#"{"detail":"boom"}"#);
    let session = Session::writing_to(&recorder, "mcp-unknown").await;
    let arguments = json!({"enrollment_id": "enrl_8fK2x9", "qle_id": "qle_3Hc8Vb"});
    let result = session.call("enrollments_reissue", arguments.clone()).await;
    assert_eq!(result.is_error, Some(true));
    let message = text(&result);
    let sent = recorder.requests()[0].header("idempotency-key").unwrap().to_owned();
    assert!(message.contains("outcome is unknown") && message.contains(&sent), "{message}");
    // Resending with the reported key sends the same key.
    let mut again = arguments;
    again["idempotency_key"] = sent.clone().into();
    let _ = session.call("enrollments_reissue", again).await;
    assert_eq!(recorder.requests()[1].header("idempotency-key"), Some(sent.as_str()));
}

#[tokio::test]
async fn tools_are_chosen_and_called_by_either_spelling_of_their_operation() {
    let state = state_file("mcp-spellings");
    // Every operation chosen by its SDK name: every tool is offered, named by operationId.
    let mut args = vec!["mcp", "--allow-writes", "--sandbox", &state];
    for op in spec::OPERATIONS {
        args.extend(["--tools", op.name]);
    }
    let every = Session::start(&args).await;
    assert_eq!(names(&every.tools().await), ids(|_| true));
    drop(every);
    // A pattern over the dotted names, and an operationId beside it.
    let session = Session::start(&[
        "mcp",
        "--tools",
        "employers.*",
        "--tools",
        "members_dependents_list",
        "--sandbox",
        &state,
    ])
    .await;
    let expected =
        ids(|op| !op.is_write() && (op.name.starts_with("employers.") || op.id == "members_dependents_list"));
    assert_eq!(names(&session.tools().await), expected);
    // A tool is called by either spelling.
    for name in ["employers.list", "employers_list"] {
        let listed = session.ok(name, json!({"limit": 1})).await;
        assert_eq!(listed["items"].as_array().map(Vec::len), Some(1), "{name}: {listed}");
    }
    let typo = session.call("employers.lst", json!({})).await;
    assert_eq!(typo.is_error, Some(true));
    assert!(
        text(&typo).contains("did you mean `employers.list` (operationId `employers_list`)?"),
        "{}",
        text(&typo)
    );
}

#[tokio::test]
async fn discovery_names_operations_by_either_spelling_and_suggests_the_closest() {
    let state = state_file("mcp-discovery-spellings");
    let session = Session::start(&["mcp", "--discovery", "--sandbox", &state]).await;
    let listed: Value =
        serde_json::from_str(&text(&session.call("list_operations", json!({})).await)).unwrap();
    for entry in listed.as_array().unwrap() {
        let op = spec::operation(entry["name"].as_str().unwrap()).unwrap();
        assert_eq!(entry["sdk_name"], op.name, "{entry}");
    }
    for op in spec::OPERATIONS.iter().filter(|op| !op.is_write()) {
        for spelling in [op.id, op.name] {
            let described = session.call("describe_operation", json!({ "name": spelling })).await;
            assert_ne!(described.is_error, Some(true), "{spelling}: {}", text(&described));
            let described: Value = serde_json::from_str(&text(&described)).unwrap();
            assert_eq!(
                (described["name"].as_str(), described["sdk_name"].as_str()),
                (Some(op.id), Some(op.name))
            );
        }
        for typo in [format!("{}x", op.id), format!("{}x", op.name)] {
            let hint = format!("did you mean `{}` (operationId `{}`)?", op.name, op.id);
            for tool in ["describe_operation", "call_operation"] {
                let refused = session.call(tool, json!({ "name": typo })).await;
                assert_eq!(refused.is_error, Some(true), "{tool} {typo}");
                assert!(text(&refused).contains(&hint), "{tool} {typo}: {}", text(&refused));
            }
        }
    }
    let called =
        session.call("call_operation", json!({"name": "employers.list", "arguments": {"limit": 1}})).await;
    assert_ne!(called.is_error, Some(true), "{}", text(&called));
    // A write, by its SDK name, is still refused without --allow-writes.
    let write = session.call("call_operation", json!({"name": "enrollments.reissue", "arguments": {}})).await;
    assert!(text(&write).contains("--allow-writes"), "{}", text(&write));
}

#[tokio::test]
async fn a_tools_pattern_that_picks_nothing_is_refused_with_the_closest_operation() {
    for op in spec::OPERATIONS {
        for typo in [format!("{}x", op.id), format!("{}x", op.name)] {
            let refused = McpServer::from_args(&[
                "mcp",
                "--allow-writes",
                "--tools",
                "employers",
                "--tools",
                typo.as_str(),
            ])
            .await
            .err()
            .unwrap_or_else(|| panic!("--tools {typo} is refused"));
            let hint = format!("did you mean `{}` (operationId `{}`)?", op.name, op.id);
            assert!(refused.starts_with(&format!("--tools {typo}: ")), "{refused}");
            assert!(refused.ends_with(&hint), "{refused}");
        }
    }
    let unlike = McpServer::from_args(&["mcp", "--tools", "*_nothing"]).await.err().unwrap();
    assert_eq!(unlike, "--tools *_nothing: no operation or resource of the API matches");
}

/// The spec's own `example:` of every write's request body (not a generated sample), with the
/// path parameters given their ID schema's `example:`: every write tool's input schema accepts
/// it, and the call sends it as the body.
#[tokio::test]
async fn every_write_tool_accepts_the_specs_request_body_examples() {
    let openapi = support::openapi();
    let recorder = Recorder::start(404, r#"{"detail":"recorded"}"#);
    let session = Session::writing_to(&recorder, "mcp-examples").await;
    let tools: BTreeMap<String, Tool> =
        session.tools().await.into_iter().map(|t| (t.name.to_string(), t)).collect();
    let mut checked = Vec::new();
    for op in spec::OPERATIONS.iter().filter(|op| op.is_write()) {
        let Some(body_schema) = support::request_body_schema(&openapi, op.id) else {
            assert_eq!(op.body, None, "{}: the table has a body the spec has not", op.id);
            continue;
        };
        assert_eq!(op.body, Some(body_schema.as_str()), "{}", op.id);
        let example = support::schema_example(&openapi, &body_schema)
            .unwrap_or_else(|| panic!("{}: {body_schema} has no example in openapi.yaml", op.id));
        let Value::Object(mut arguments) = example.clone() else {
            panic!("{body_schema}: the example is an object")
        };
        for p in op.params.iter().filter(|p| p.location == spec::Location::Path) {
            let id = support::schema_example(&openapi, p.ty)
                .unwrap_or_else(|| panic!("{}: {} has no example in openapi.yaml", op.id, p.ty));
            arguments.insert(p.name.to_owned(), id);
        }
        let arguments = Value::Object(arguments);

        let schema = Value::Object(tools[op.id].input_schema.as_ref().clone());
        let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
        let errors: Vec<String> = validator.iter_errors(&arguments).map(|e| e.to_string()).collect();
        assert!(
            errors.is_empty(),
            "{}: the input schema refuses the spec's example {arguments}: {errors:?}",
            op.id
        );

        let before = recorder.requests().len();
        let result = session.call(op.id, arguments.clone()).await;
        assert!(
            text(&result).contains("not found"),
            "{}: the call reaches the recorder: {}",
            op.id,
            text(&result)
        );
        let requests = recorder.requests();
        let request = requests.get(before).unwrap_or_else(|| panic!("{}: nothing was sent", op.id));
        assert_eq!(request.as_expected()["body"], example, "{}: the example is the body sent", op.id);
        checked.push(op.id);
    }
    let bodies = spec::OPERATIONS.iter().filter(|op| op.is_write() && op.body.is_some()).count();
    assert_eq!(checked.len(), bodies, "every write with a body was checked: {checked:?}");
    assert!(!checked.is_empty());
}

/// Every list of the seeded sandbox with at least three items, read a page at a time with a
/// `limit` of one less: the first page's `next_page` leads to the second, which holds the rest
/// and says there is no next page; together they are the whole list.
#[tokio::test]
async fn a_list_tools_next_page_leads_to_the_rest_and_the_last_page_has_none() {
    let state = state_file("mcp-next-page");
    // The seed's IDs, for the lists under a resource (the demo releases the state file).
    let demo = support::sandbox(std::path::Path::new(&state), &["sandbox", "demo"]);
    assert_eq!(demo.code, 0, "{demo:?}");
    let demo = demo.json();
    let session = Session::start(&["mcp", "--sandbox", &state]).await;
    let paged = |op: &spec::Operation| {
        let integer = |name: &str| {
            op.param(name).is_some_and(|p| p.location == spec::Location::Query && p.ty == "integer")
        };
        integer("page") && integer("limit") && op.success.is_some_and(|s| s.starts_with('['))
    };
    let mut checked = Vec::new();
    for op in spec::OPERATIONS.iter().filter(|op| !op.is_write() && paged(op)) {
        let mut base = Map::new();
        let mut reachable = true;
        for p in op.params.iter().filter(|p| p.required) {
            match (p.location, support::find_key(&demo, p.name)) {
                (spec::Location::Path, Some(id)) => {
                    base.insert(p.name.to_owned(), id.into());
                }
                _ => reachable = false,
            }
        }
        if !reachable {
            continue;
        }
        let limit = op.param("limit").unwrap().limits;
        let max = limit.maximum.expect("the spec limits `limit`");
        let mut arguments = base.clone();
        arguments.insert("limit".into(), max.into());
        let whole = session.ok(op.id, Value::Object(arguments)).await;
        let items = whole["items"].as_array().unwrap_or_else(|| panic!("{}: items: {whole}", op.id)).clone();
        if items.len() < 3 {
            continue;
        }
        assert!((items.len() as i64) < max, "{}: the whole list fits one page", op.id);
        assert_eq!(whole["next_page"], Value::Null, "{}: one page holds all: {whole}", op.id);

        let limit = items.len() as i64 - 1;
        let mut page = 1i64;
        let mut pages = Vec::new();
        loop {
            let mut arguments = base.clone();
            arguments.insert("limit".into(), limit.into());
            if page > 1 {
                arguments.insert("page".into(), page.into());
            }
            let reply = session.ok(op.id, Value::Object(arguments)).await;
            assert_eq!(reply["page"], page, "{}: {reply}", op.id);
            pages.push(reply["items"].as_array().unwrap().clone());
            match &reply["next_page"] {
                Value::Null => {
                    assert_eq!(reply.get("more"), None, "{}: the last page says no more: {reply}", op.id);
                    break;
                }
                next => {
                    assert_eq!(next, &Value::from(page + 1), "{}: {reply}", op.id);
                    assert!(reply["more"].as_str().is_some_and(|m| m.contains(op.id)), "{}: {reply}", op.id);
                    page += 1;
                }
            }
            assert!(pages.len() <= 2, "{}: more pages than the list has: {pages:?}", op.id);
        }
        let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
        assert_eq!(sizes, [items.len() - 1, 1], "{}: two pages, the second short", op.id);
        assert_eq!(pages.concat(), items, "{}: the pages in turn are the whole list", op.id);
        checked.push(op.id);
    }
    assert!(!checked.is_empty(), "some seeded list holds three items or more");
}
