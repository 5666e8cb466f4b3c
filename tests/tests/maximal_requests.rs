//! Every operation of `openapi.yaml`, sent through the SDK's public entry point with every
//! parameter and body property set (`generated_maximal::send_maximal`, written by
//! `cargo xtask codegen`), arrives on the wire as the spec describes it: method, path, every
//! query parameter, every body property (nested ones included) with the spec's JSON type and
//! enum values. Each value is different from the others, and the request must be exactly the
//! one expected, so an argument dropped, or two of the same type swapped, is named here.
//!
//! The other two states of each clearable property of an update (`PUT`/`PATCH`) body are
//! checked too: left out when not set, and `null` after `clear_<name>()`.

use serde_json::Value;
use vitable_connect::Client;
use vitable_connect_api::spec::{self, Location, Operation, SchemaKind};
use wiremock::{Mock, MockServer, Request, ResponseTemplate, matchers::any};

// Generated (`cargo xtask codegen`), so not formatted by `cargo fmt`.
#[path = "generated_maximal.rs"]
#[rustfmt::skip]
mod generated_maximal;
use generated_maximal::send_maximal;

#[path = "generated_minimal.rs"]
#[rustfmt::skip]
mod generated_minimal;
use generated_minimal::send_minimal;

/// Checks `value` against spec type `ty`, recording problems under `at`.
fn check_value(ty: &str, value: &Value, at: &str, problems: &mut Vec<String>) {
    if let Some(item) = ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        match value.as_array() {
            Some(items) if !items.is_empty() => {
                for (i, v) in items.iter().enumerate() {
                    check_value(item, v, &format!("{at}[{i}]"), problems);
                }
            }
            _ => problems.push(format!("{at}: expected a non-empty array, got {value}")),
        }
        return;
    }
    let ok = match ty {
        "string" | "date" | "date-time" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "any" => true,
        schema_name => match spec::schema(schema_name).map(|s| s.kind) {
            Some(SchemaKind::Id | SchemaKind::String(_)) => value.is_string(),
            Some(SchemaKind::Enum(values)) => value.as_str().is_some_and(|v| values.contains(&v)),
            Some(SchemaKind::Object(props)) => {
                check_object(schema_name, props, value, at, problems);
                true
            }
            None => false,
        },
    };
    if !ok {
        problems.push(format!("{at}: {value} is not a valid `{ty}`"));
    }
}

/// Every property of `schema` is present, non-null and well typed; nothing else is sent.
fn check_object(schema: &str, props: &[spec::Property], value: &Value, at: &str, problems: &mut Vec<String>) {
    let Some(object) = value.as_object() else {
        problems.push(format!("{at}: expected a `{schema}` object, got {value}"));
        return;
    };
    for prop in props {
        let path = if at.is_empty() { prop.name.to_owned() } else { format!("{at}.{}", prop.name) };
        match object.get(prop.name) {
            None | Some(Value::Null) => problems.push(format!("{path}: not sent (`{schema}.{}`)", prop.name)),
            Some(v) => check_value(prop.ty, v, &path, problems),
        }
    }
    for key in object.keys() {
        if !props.iter().any(|p| p.name == key) {
            problems.push(format!("{at}.{key}: sent but not in `{schema}`"));
        }
    }
}

fn path_fits(template: &str, actual: &str) -> bool {
    let template: Vec<&str> = template.split('/').collect();
    let actual: Vec<&str> = actual.split('/').collect();
    template.len() == actual.len()
        && template.iter().zip(&actual).all(|(t, a)| if t.starts_with('{') { !a.is_empty() } else { t == a })
}

fn check_request(op: &Operation, request: &Request) -> Vec<String> {
    let mut problems = Vec::new();
    if request.method.as_str() != op.method {
        problems.push(format!("method {} instead of {}", request.method, op.method));
    }
    if !path_fits(op.path, request.url.path()) {
        problems.push(format!("path {} does not fit {}", request.url.path(), op.path));
    }
    let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    for param in op.params.iter().filter(|p| p.location == Location::Query) {
        match query.iter().find(|(name, _)| name == param.name) {
            None => problems.push(format!("query parameter `{}`: not sent", param.name)),
            Some((_, value)) => {
                let json = match param.ty {
                    "integer" => value.parse::<i64>().map(Value::from).unwrap_or(Value::Null),
                    "boolean" => value.parse::<bool>().map(Value::from).unwrap_or(Value::Null),
                    _ => Value::from(value.as_str()),
                };
                check_value(param.ty, &json, &format!("query `{}`", param.name), &mut problems);
            }
        }
    }
    for (name, _) in &query {
        if op.param(name).is_none() {
            problems.push(format!("query parameter `{name}`: sent but not in the spec"));
        }
    }
    match op.body {
        Some(schema) => match serde_json::from_slice::<Value>(&request.body) {
            Ok(body) => {
                let props = spec::properties(schema).expect("request bodies are object schemas");
                check_object(schema, props, &body, "", &mut problems);
            }
            Err(e) => problems.push(format!("the body is not JSON: {e}")),
        },
        None if !request.body.is_empty() => {
            problems.push("a body was sent to an operation without one".into())
        }
        None => {}
    }
    problems
}

/// A local server answering every request with `op`'s success status and no body, and a
/// client of it that does not retry.
async fn answering(op: &Operation) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(op.success_status)).mount(&server).await;
    let client = Client::builder()
        .api_key("test-key")
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .expect("a client");
    (server, client)
}

/// Differences between the request received and the one expected (`method`, `path`, `query`
/// as name to value, `body` or `null`).
fn compare_with_expected(request: &Request, expected: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if request.method.as_str() != expected["method"] {
        problems.push(format!("method {} instead of {}", request.method, expected["method"]));
    }
    if request.url.path() != expected["path"] {
        problems.push(format!("path {} instead of {}", request.url.path(), expected["path"]));
    }
    let query: serde_json::Map<String, Value> = request
        .url
        .query_pairs()
        .map(|(name, value)| (name.into_owned(), Value::from(value.as_ref())))
        .collect();
    if request.url.query_pairs().count() != query.len() {
        problems.push(format!("a query parameter is sent twice: {:?}", request.url.query()));
    }
    if Value::Object(query.clone()) != expected["query"] {
        problems.push(format!("query {} instead of {}", Value::Object(query), expected["query"]));
    }
    let body = if request.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&request.body).unwrap_or_else(|e| Value::from(format!("not JSON: {e}")))
    };
    if body != expected["body"] {
        problems.push(format!("body {body} instead of {}", expected["body"]));
    }
    problems
}

#[tokio::test]
async fn every_operation_sends_every_parameter_and_property_as_the_spec_says() {
    let mut failures = Vec::new();
    for op in spec::OPERATIONS {
        let (server, client) = answering(op).await;
        // The response is not what this test is about (the mock answers without a body).
        let Some((sent, expected)) = send_maximal(&client, op.id).await else {
            failures.push(format!("{}: the SDK has no entry point for it", op.id));
            continue;
        };
        if let Err(vitable_connect::Error::InvalidInput(e)) = &sent {
            failures.push(format!("{}: the SDK refused spec-valid sample values: {e}", op.id));
            continue;
        }
        let expected: Value = serde_json::from_str(expected).expect("the expected request is JSON");
        let requests = server.received_requests().await.expect("recording is on");
        match requests.as_slice() {
            [request] => {
                let problems =
                    check_request(op, request).into_iter().chain(compare_with_expected(request, &expected));
                failures.extend(problems.map(|problem| format!("{}: {problem}", op.id)));
            }
            other => failures.push(format!("{}: expected one request, got {}", op.id, other.len())),
        }
    }
    assert!(failures.is_empty(), "requests that do not match openapi.yaml:\n{}", failures.join("\n"));
}

/// The comparison itself: two values swapped, a query value changed and a property dropped
/// are each named.
#[test]
fn a_swap_or_a_dropped_value_differs_from_the_expected_request() {
    let expected = serde_json::json!({
        "method": "POST",
        "path": "/v1/things/a1",
        "query": { "since": "2026-01-02" },
        "body": { "start": "2026-01-03", "end": "2026-01-04", "note": "s5" },
    });
    let request = |query: &str, body: Value| Request {
        url: format!("http://127.0.0.1/v1/things/a1?{query}").parse().unwrap(),
        method: "POST".parse().unwrap(),
        headers: Default::default(),
        body: serde_json::to_vec(&body).unwrap(),
    };
    let exact = request("since=2026-01-02", expected["body"].clone());
    assert_eq!(compare_with_expected(&exact, &expected), Vec::<String>::new());
    let swapped = request(
        "since=2026-01-02",
        serde_json::json!({ "start": "2026-01-04", "end": "2026-01-03", "note": "s5" }),
    );
    let dropped =
        request("since=2026-01-03", serde_json::json!({ "start": "2026-01-03", "end": "2026-01-04" }));
    assert_eq!(compare_with_expected(&swapped, &expected).len(), 1);
    assert_eq!(compare_with_expected(&dropped, &expected).len(), 2);
}

/// The checker itself: a dropped property, a wrong type and an unknown enum value are named.
#[test]
fn the_checker_names_dropped_and_wrong_fields() {
    let props = spec::properties("EnrollmentReissueRequest").unwrap();
    let mut problems = Vec::new();
    check_object(
        "EnrollmentReissueRequest",
        props,
        &serde_json::json!({ "qle_id": "qle_1" }),
        "",
        &mut problems,
    );
    assert!(problems.iter().any(|p| p.contains("reason: not sent")), "{problems:?}");
    let mut problems = Vec::new();
    check_value("Relationship", &serde_json::json!("Cousin"), "relationship", &mut problems);
    check_value("[DependentId]", &serde_json::json!([]), "dependent_ids", &mut problems);
    check_value("integer", &serde_json::json!("1"), "page", &mut problems);
    assert_eq!(problems.len(), 3, "{problems:?}");
}

/// The operations that change only what their body names, with the clearable properties of
/// their body (nullable, not `x-not-clearable`): each can be left out, set, or cleared.
fn updates() -> Vec<(&'static Operation, Vec<&'static str>)> {
    spec::OPERATIONS
        .iter()
        .filter(|op| matches!(op.method, "PUT" | "PATCH"))
        .filter_map(|op| {
            let props = spec::properties(op.body?)?;
            Some((op, props.iter().filter(|p| p.clearable && !p.required).map(|p| p.name).collect()))
        })
        .collect()
}

/// The JSON body of the one request `send` makes.
async fn body_sent(op: &Operation, property: Option<&str>) -> Result<Value, String> {
    let (server, client) = answering(op).await;
    match send_minimal(&client, op.id, property).await {
        None => return Err("the SDK cannot send it".into()),
        Some(Err(vitable_connect::Error::InvalidInput(e))) => return Err(format!("refused: {e}")),
        // The mock's empty answer may not decode; the request is what matters.
        Some(_) => {}
    }
    let requests = server.received_requests().await.expect("recording is on");
    let [request] = requests.as_slice() else { return Err(format!("{} requests", requests.len())) };
    serde_json::from_slice(&request.body).map_err(|e| format!("the body is not JSON: {e}"))
}

#[tokio::test]
async fn every_clearable_property_of_an_update_is_left_out_set_or_cleared() {
    let updates = updates();
    let mut failures = Vec::new();
    let mut clearable = 0;
    for (op, nullable) in &updates {
        // Left out: a request with no setter called sends none of them.
        match body_sent(op, None).await {
            Err(e) => failures.push(format!("{} with nothing set: {e}", op.id)),
            Ok(body) => {
                for name in nullable.iter().filter(|name| body.get(**name).is_some()) {
                    failures.push(format!("{}: `{name}` sent although not set: {body}", op.id));
                }
            }
        }
        // Set: `every_operation_sends_every_parameter_and_property_as_the_spec_says` checks that
        // each one is sent, non-null, with its spec type. Cleared: sent as `null`, alone.
        for name in nullable {
            clearable += 1;
            match body_sent(op, Some(name)).await {
                Err(e) => failures.push(format!("{}: clear_{name}(): {e}", op.id)),
                Ok(body) => {
                    let others: Vec<&String> = body
                        .as_object()
                        .map(|o| o.keys().filter(|k| *k != name).collect())
                        .unwrap_or_default();
                    if body.get(*name) != Some(&Value::Null) || !others.is_empty() {
                        failures
                            .push(format!("{}: clear_{name}() sent {body}, not {{\"{name}\": null}}", op.id));
                    }
                }
            }
        }
    }
    if updates.is_empty() || clearable == 0 {
        failures.push("no update operation with a clearable property in the spec".into());
    }
    assert!(failures.is_empty(), "the three states of clearable update properties:\n{}", failures.join("\n"));
}
