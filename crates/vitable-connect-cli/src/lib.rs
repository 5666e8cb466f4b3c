//! The `vitable-connect` command-line tool: every operation of the Vitable Connect API from the
//! shell, generated from the same `openapi.yaml` as the SDK, and sent through the SDK (the
//! same typed IDs, enum and limit checks, retries, timeouts and redaction).
//!
//! ```text
//! vitable-connect enrollments reissue enrl_8fK2x9 --qle-id qle_3Hc8Vb --reason "Birth of a child"
//! vitable-connect members qualifying-life-events record mbr_2Hs8Kq --event-type Birth --event-date 2026-11-02
//! vitable-connect employers employees list empr_1Xy2Za --all --jq .id
//! vitable-connect --sandbox state.json employers list      # offline, no API key
//! ```
//!
//! This library exposes the command tree ([`command`]) and the entry point ([`main`]) for the
//! binary and its tests; the tool's documentation is its `--help` and README.

mod call;
mod connection;
mod debug;
mod dry_run;
pub mod exit;
#[rustfmt::skip]
#[allow(clippy::all)]
mod generated_commands;
mod json_schema;
mod mcp;
mod offline;
mod options;
mod output;
mod redact;
mod shell;
mod tree;
mod values;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{ArgMatches, Command};
use vitable_connect::Client;
use vitable_connect_api::spec::Operation;

use crate::call::{Ctx, Failure};
use crate::exit::Code;
use crate::options::Globals;
use crate::output::{Format, Jq, Printer};

pub use mcp::{McpOptions, McpServer};
pub use options::{API_KEY_ENV, BASE_URL_ENV, SANDBOX_ENV};

/// The whole command tree: one command per operation of the spec, and the tool's own
/// commands (`mcp`, `sandbox`, `completions`, `man`).
pub fn command() -> Command {
    tree::with_operations(options::root())
        .subcommand(mcp::command())
        .subcommand(offline::command())
        .subcommand(shell::completions_command())
        .subcommand(shell::man_command())
}

/// Runs the tool with the process's arguments and returns its exit code (see [`exit::Code`]).
pub fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    ExitCode::from(run(args) as u8)
}

/// Runs the tool with `args` (the first is the program name).
pub fn run(args: Vec<OsString>) -> Code {
    let json_errors = wants_json(&args);
    let matches = match command().try_get_matches_from(&args) {
        Ok(matches) => matches,
        Err(error) => return clap_error(error, json_errors),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            exit::report(&Failure::local(format!("cannot start the async runtime: {e}")), json_errors, None);
            return Code::Other;
        }
    };
    runtime.block_on(dispatch(&args, &matches))
}

/// Whether the command line asks for JSON output (for errors found before it is parsed).
fn wants_json(args: &[OsString]) -> bool {
    args.windows(2).any(|w| w[0] == "--format" && w[1] == "json") || args.iter().any(|a| a == "--format=json")
}

/// A parse error of clap on one line (help and version are printed as clap prints them).
fn clap_error(error: clap::Error, json: bool) -> Code {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = error.print();
            return Code::Success;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            return Code::Usage;
        }
        _ => {}
    }
    let rendered = error.render().to_string();
    // The message may go on over indented lines (the missing arguments); keep them, on one line.
    let mut line = rendered
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
        .trim_start_matches("error: ")
        .to_owned();
    let list = |value: &ContextValue| match value {
        ContextValue::Strings(values) => Some(values.join(", ")),
        ContextValue::String(value) => Some(value.clone()),
        _ => None,
    };
    if let Some(suggested) = error.get(ContextKind::SuggestedArg).and_then(list) {
        line.push_str(&format!(" (did you mean {suggested}?)"));
    }
    if let Some(ContextValue::Strings(suggested)) = error.get(ContextKind::SuggestedSubcommand) {
        match suggested.as_slice() {
            [one] => line.push_str(&format!(" (did you mean `{one}`?)")),
            many => line.push_str(&format!(" (did you mean one of: {}?)", many.join(", "))),
        }
    }
    exit::report(&Failure::usage(line), json, None);
    Code::Usage
}

/// The innermost subcommand: the names on the way and its matches.
fn leaf(matches: &ArgMatches) -> (Vec<&str>, &ArgMatches) {
    let mut path = Vec::new();
    let mut current = matches;
    while let Some((name, sub)) = current.subcommand() {
        path.push(name);
        current = sub;
    }
    (path, current)
}

async fn dispatch(args: &[OsString], matches: &ArgMatches) -> Code {
    let (path, leaf_matches) = leaf(matches);
    let globals = Globals::from(leaf_matches);
    let json_errors = globals.format == Format::Json;
    let result = match path.first().copied() {
        Some("completions") => shell::completions(command(), leaf_matches),
        Some("man") => shell::man(command(), leaf_matches),
        Some("sandbox") => offline::run(&path, &globals).await,
        Some("mcp") => mcp::run(&globals, leaf_matches).await,
        _ => match tree::find(&path) {
            Some(op) => return operation(args, op, leaf_matches, &globals).await,
            None => Err(Failure::usage(format!("unknown command `{}`", path.join(" ")))),
        },
    };
    match result {
        Ok(()) => Code::Success,
        Err(failure) => {
            exit::report(&failure, json_errors, None);
            failure.code
        }
    }
}

/// Where the request goes.
enum Target {
    Api,
    Sandbox(Box<vitable_connect_sandbox::Sandbox>),
    /// The recorder, the real origin, and whether an API key was given.
    DryRun(dry_run::Recorder, String, bool),
}

async fn operation(
    args: &[OsString],
    op: &'static Operation,
    matches: &ArgMatches,
    globals: &Globals,
) -> Code {
    let json_errors = globals.format == Format::Json;
    let key = matches
        .try_get_one::<String>(options::IDEMPOTENCY_KEY)
        .ok()
        .flatten()
        .cloned()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let (target, result) = match prepare(op, matches, globals, key.clone()).await {
        Ok((target, mut ctx)) => {
            let result = ctx.send().await;
            (Some(target), result)
        }
        Err(failure) => (None, Err(failure)),
    };
    let sent = !matches!(&result, Err(failure) if failure.code == Code::Usage);
    match (target, result) {
        (Some(Target::DryRun(recorder, base_url, has_key)), result) => match (recorder.take(), result) {
            (Some(recorded), _) => {
                print!("{}", dry_run::describe(&recorded, &base_url, op, has_key));
                Code::Success
            }
            (None, Err(failure)) => {
                exit::report(&failure, json_errors, None);
                failure.code
            }
            (None, Ok(())) => Code::Success,
        },
        (target, result) => {
            if op.is_write() && sent {
                eprintln!("idempotency key: {key}");
            }
            let code = match result {
                Ok(()) => Code::Success,
                Err(failure) => {
                    let resend = (failure.code == Code::OutcomeUnknown).then(|| resend_command(args, &key));
                    exit::report(&failure, json_errors, resend.as_deref());
                    failure.code
                }
            };
            if let Some(Target::Sandbox(sandbox)) = target {
                sandbox.shutdown().await;
            }
            code
        }
    }
}

/// Gathers the values, compiles the filter and connects: everything before the call.
async fn prepare(
    op: &'static Operation,
    matches: &ArgMatches,
    globals: &Globals,
    idempotency_key: String,
) -> Result<(Target, Ctx), Failure> {
    let values = values::gather(op, matches)?;
    let jq = globals.jq.as_deref().map(Jq::compile).transpose().map_err(Failure::usage)?;
    let all = matches!(matches.try_get_one::<bool>(options::ALL), Ok(Some(true)));
    let (builder, api_key, target) = if globals.dry_run {
        let recorder = dry_run::Recorder::start()
            .await
            .map_err(|e| Failure::local(format!("--dry-run: cannot start the recorder: {e}")))?;
        let real = globals
            .base_url
            .clone()
            .unwrap_or_else(|| vitable_connect::Environment::default().base_url().to_owned());
        let uri: http::Uri =
            real.parse().map_err(|e| Failure::usage(format!("--base-url: `{real}` is not a URL: {e}")))?;
        let prefix = uri.path().trim_end_matches('/').to_owned();
        let origin = match (uri.scheme_str(), uri.authority()) {
            (Some(scheme), Some(authority)) => format!("{scheme}://{authority}"),
            _ => return Err(Failure::usage(format!("--base-url: `{real}` is not an absolute URL"))),
        };
        // Read once: `--api-key-file -` reads stdin.
        let given = connection::api_key(globals).ok();
        let key = given.clone().unwrap_or_else(|| "no-key-given".to_owned());
        // The real URL and key must pass the SDK's checks, as a real run would.
        Client::builder()
            .base_url(real.clone())
            .api_key(key.clone())
            .build()
            .map_err(|e| Failure::usage(e.to_string()))?;
        let builder = connection::tuned(Client::builder(), globals)
            .base_url(format!("{}{prefix}", recorder.base_url))
            .api_key(key.clone())
            .max_retries(0);
        (builder, key, Target::DryRun(recorder, origin, given.is_some()))
    } else {
        let connection = connection::connect(globals).await?;
        let target = match connection.sandbox {
            Some(sandbox) => Target::Sandbox(Box::new(sandbox)),
            None => Target::Api,
        };
        (connection.builder, connection.api_key, target)
    };
    let builder = if globals.debug { builder.interceptor(debug::DebugLog) } else { builder };
    let client = builder.build().map_err(|e| Failure::usage(e.to_string()))?;
    let printer = Printer::new(globals.format, jq, globals.raw_output);
    Ok((target, Ctx { client, operation: op, values, idempotency_key, all, printer, api_key }))
}

/// The command that resends the same write: the same arguments with `--idempotency-key KEY`
/// (SSNs masked: put them back before running it).
fn resend_command(args: &[OsString], key: &str) -> String {
    let mut words: Vec<String> = vec!["vitable-connect".to_owned()];
    let mut skip = false;
    for arg in args.iter().skip(1) {
        let arg = arg.to_string_lossy();
        if skip {
            skip = false;
            continue;
        }
        if arg == "--idempotency-key" {
            skip = true;
            continue;
        }
        if arg.starts_with("--idempotency-key=") {
            continue;
        }
        words.push(arg.into_owned());
    }
    let from_stdin =
        words.windows(2).any(|w| w[0] == "--body" && w[1] == "-") || words.iter().any(|w| w == "--body=-");
    words.push("--idempotency-key".to_owned());
    words.push(key.to_owned());
    let mut command = redact::mask_ssn_text(&shell_words::join(words));
    if from_stdin {
        command.push_str("   # with the same body on stdin");
    }
    command
}
