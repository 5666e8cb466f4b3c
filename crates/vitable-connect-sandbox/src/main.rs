//! `vitable-connect-sandbox`: runs the sandbox server until Ctrl-C.
//!
//! Every timeout and limit of [`SandboxOptions`] has a flag of the same name
//! (`--header-read-timeout` for [`SandboxOptions::header_read_timeout`]), whose default in
//! `--help` is formatted from the library's `DEFAULT_*` constant, so the two cannot drift.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use chrono::NaiveDate;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Command};
use vitable_connect_sandbox::{
    DEFAULT_BODY_READ_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_IDEMPOTENCY_MAX_BYTES,
    DEFAULT_IDEMPOTENCY_MAX_KEYS, DEFAULT_MAX_CONNECTIONS, DEFAULT_STATE_LOCK_WAIT, DEFAULT_WRITE_TIMEOUT,
    Demo, Sandbox, SandboxOptions,
};

/// The port listened on without `--port`.
const DEFAULT_PORT: u16 = 4010;

/// A duration as the flags take and show it: `5s`, `500ms`, `2m`, `1h 30m`.
fn shown(duration: Duration) -> String {
    humantime::format_duration(duration).to_string()
}

/// A duration of `humantime`'s forms (`30s`, `500ms`, `2m`, `1h 30m`).
fn duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text.trim()).map_err(|e| format!("{e}; write a duration like 30s, 500ms or 2m"))
}

/// A duration that must not be zero (a timeout of zero would close every connection at once).
fn timeout(text: &str) -> Result<Duration, String> {
    match duration(text)? {
        d if d.is_zero() => Err("must be longer than zero".to_owned()),
        d => Ok(d),
    }
}

/// A count or a size in bytes: digits, `_` allowed between them (`32_000`).
fn count(text: &str) -> Result<usize, String> {
    let digits = text.trim().replace('_', "");
    digits.parse().map_err(|e| format!("{e}: give a whole number"))
}

/// A count that must be at least 1.
fn at_least_one(text: &str) -> Result<usize, String> {
    match count(text)? {
        0 => Err("must be at least 1".to_owned()),
        n => Ok(n),
    }
}

/// A text that must not be empty (or only spaces).
fn not_empty(text: &str) -> Result<String, String> {
    if text.trim().is_empty() { Err("may not be empty".to_owned()) } else { Ok(text.to_owned()) }
}

/// A path that must not be empty.
fn path(text: &str) -> Result<PathBuf, String> {
    if text.is_empty() { Err("may not be empty".to_owned()) } else { Ok(PathBuf::from(text)) }
}

/// A calendar date, `YYYY-MM-DD`.
fn date(text: &str) -> Result<NaiveDate, String> {
    text.parse().map_err(|_| "not a YYYY-MM-DD date".to_owned())
}

/// The command line, its help and its defaults.
fn command() -> Command {
    let value = |name: &'static str, value_name: &'static str| {
        Arg::new(name).long(name).value_name(value_name).action(ArgAction::Set)
    };
    Command::new("vitable-connect-sandbox")
        .version(env!("CARGO_PKG_VERSION"))
        .about("A local, in-memory Vitable Connect API, on 127.0.0.1 until Ctrl-C")
        .after_help(
            "Durations are written like 30s, 500ms, 2m or 1h 30m; timeouts over a year are taken as a year.",
        )
        .arg(
            value("port", "PORT")
                .value_parser(clap::value_parser!(u16))
                .default_value(DEFAULT_PORT.to_string())
                .help("Port to listen on, on 127.0.0.1; 0 picks a free one"),
        )
        .arg(Arg::new("seed").long("seed").action(ArgAction::SetTrue).help(
            "Start with the demo organization (employer, plans, employees); with --state-file, only \
             when the file does not exist yet: an existing file wins (it keeps the data it holds, \
             seeded or not)",
        ))
        .arg(
            value("token", "TOKEN")
                .action(ArgAction::Append)
                .value_parser(not_empty)
                .help("Accept only this bearer token (repeat for more); without it, any non-empty token"),
        )
        .arg(
            value("today", "YYYY-MM-DD")
                .value_parser(date)
                .help("Take this date as today instead of the real date"),
        )
        .arg(Arg::new("log").long("log").action(ArgAction::SetTrue).help(
            "Print one line per request to stderr (method, path, status, time taken, request ID)",
        ))
        .arg(value("state-file", "PATH").value_parser(path).help(
            "Keep the data in this file: loaded at start, saved after each write (created if \
             missing; one sandbox at a time uses it, others wait up to --state-lock-wait for it; \
             delete the file to start afresh)",
        ))
        .arg(
            value("state-lock-wait", "DURATION")
                .value_parser(duration)
                .default_value(shown(DEFAULT_STATE_LOCK_WAIT))
                .help(
                    "With --state-file: how long to wait for the file while another sandbox uses it; 0 \
                     fails at once",
                ),
        )
        .arg(
            value("header-read-timeout", "DURATION")
                .value_parser(timeout)
                .default_value(shown(DEFAULT_HEADER_READ_TIMEOUT))
                .help(
                    "How long a connection may take to send a request's head, or stay idle between \
                     requests, before it is closed",
                ),
        )
        .arg(
            value("body-read-timeout", "DURATION")
                .value_parser(timeout)
                .default_value(shown(DEFAULT_BODY_READ_TIMEOUT))
                .help("How long a request's body may take to arrive after its head (then a 408)"),
        )
        .arg(
            value("write-timeout", "DURATION")
                .value_parser(timeout)
                .default_value(shown(DEFAULT_WRITE_TIMEOUT))
                .help("How long a response may wait for the client to read any of it before the connection is closed"),
        )
        .arg(
            value("max-connections", "COUNT")
                .value_parser(at_least_one)
                .default_value(DEFAULT_MAX_CONNECTIONS.to_string())
                .help("How many connections are served at once; more wait in the listen queue"),
        )
        .arg(
            value("idempotency-max-keys", "COUNT")
                .value_parser(count)
                .default_value(DEFAULT_IDEMPOTENCY_MAX_KEYS.to_string())
                .help("How many Idempotency-Keys are remembered, the oldest forgotten first; 0 remembers none"),
        )
        .arg(
            value("idempotency-max-bytes", "BYTES")
                .value_parser(count)
                .default_value(DEFAULT_IDEMPOTENCY_MAX_BYTES.to_string())
                .help("How many bytes the remembered Idempotency-Keys and their responses may take"),
        )
}

#[derive(Debug)]
struct Args {
    port: u16,
    options: SandboxOptions,
}

/// The value of flag `name`, which has a default.
fn get<T: Clone + Send + Sync + 'static>(matches: &ArgMatches, name: &str) -> T {
    matches.get_one::<T>(name).cloned().unwrap_or_else(|| unreachable!("--{name} has a default"))
}

/// The arguments (after the program name), or clap's error (which is also how `--help` and
/// `--version` come back).
fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, clap::Error> {
    let argv = std::iter::once("vitable-connect-sandbox".to_owned()).chain(args);
    let matches = command().try_get_matches_from(argv)?;
    let given = |name: &str| matches.value_source(name) == Some(ValueSource::CommandLine);
    if given("state-lock-wait") && !given("state-file") {
        return Err(
            command().error(ErrorKind::MissingRequiredArgument, "--state-lock-wait needs --state-file")
        );
    }
    let mut options = SandboxOptions::new()
        .seed(matches.get_flag("seed"))
        .log_requests(matches.get_flag("log"))
        .header_read_timeout(get(&matches, "header-read-timeout"))
        .body_read_timeout(get(&matches, "body-read-timeout"))
        .write_timeout(get(&matches, "write-timeout"))
        .max_connections(get(&matches, "max-connections"))
        .idempotency_max_keys(get(&matches, "idempotency-max-keys"))
        .idempotency_max_bytes(get(&matches, "idempotency-max-bytes"))
        .state_lock_wait(get(&matches, "state-lock-wait"));
    if let Some(tokens) = matches.get_many::<String>("token") {
        options = options.tokens(Some(tokens.cloned()));
    }
    if let Some(today) = matches.get_one::<NaiveDate>("today") {
        options = options.today(*today);
    }
    if let Some(path) = matches.get_one::<PathBuf>("state-file") {
        options = options.state_file(path);
    }
    Ok(Args { port: get(&matches, "port"), options })
}

/// A parse error on one line, naming the flag: clap's message (which may go on over indented
/// lines, joined here), and its suggestion if any.
fn one_line(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let mut line = rendered
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
        .trim_start_matches("error: ")
        .to_owned();
    let suggested = match error.get(ContextKind::SuggestedArg) {
        Some(ContextValue::String(one)) => Some(one),
        Some(ContextValue::Strings(many)) => many.first(),
        _ => None,
    };
    if let Some(suggested) = suggested {
        line.push_str(&format!(" (did you mean `{suggested}`?)"));
    }
    line
}

fn print_demo(demo: &Demo) {
    println!("demo employer:     {}", demo.employer_id);
    println!("medical product:   {}", demo.medical_product_id);
    println!("dental product:    {}", demo.dental_product_id);
    println!("plan year:         {}", demo.plan_year_id);
    println!(
        "plans:             bronze {}, silver {}, gold {}",
        demo.bronze_plan_id, demo.silver_plan_id, demo.gold_plan_id
    );
    for employee in &demo.employees {
        println!(
            "employee:          {} {} (member {}, enrollment {}, {} dependents)",
            employee.name,
            employee.employee_id,
            employee.member_id,
            employee.enrollment_id,
            employee.dependent_ids.len()
        );
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(error) if matches!(error.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("error: {}", one_line(&error));
            return ExitCode::from(2);
        }
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let state_file = args.options.state_file_path().map(Path::to_path_buf);
    let sandbox = match Sandbox::start_on(addr, args.options).await {
        Ok(sandbox) => sandbox,
        Err(e) => {
            eprintln!("error: cannot start the sandbox on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", sandbox.base_url());
    if let Some(demo) = sandbox.demo() {
        print_demo(demo);
    }
    if let Some(path) = &state_file {
        println!("state file:        {}", path.display());
    }
    println!("press Ctrl-C to stop");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {e}");
    }
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Args, clap::Error> {
        parse(list.iter().map(|s| (*s).to_owned()))
    }

    /// The one-line error of `list`.
    fn error(list: &[&str]) -> String {
        one_line(&args(list).expect_err("refused"))
    }

    #[test]
    fn flags() {
        let parsed =
            args(&["--port", "0", "--seed", "--token", "a", "--token=b", "--today", "2026-01-02"]).unwrap();
        assert_eq!(parsed.port, 0);
        assert!(parsed.options.is_seeded());
        assert_eq!(parsed.options.pinned_today(), NaiveDate::from_ymd_opt(2026, 1, 2));
        assert!(format!("{:?}", parsed.options).contains("tokens: Some(\"<2 redacted>\")"));
        assert!(args(&["--port", "x"]).is_err());
        assert!(args(&["--today", "tomorrow"]).is_err());
        assert!(args(&["--bogus"]).is_err());
        assert!(args(&["--port"]).is_err());
        assert!(args(&["--token", " "]).is_err());
        assert_eq!(args(&["--help"]).unwrap_err().kind(), ErrorKind::DisplayHelp);
        assert_eq!(args(&["-h"]).unwrap_err().kind(), ErrorKind::DisplayHelp);
        assert_eq!(args(&["-V"]).unwrap_err().kind(), ErrorKind::DisplayVersion);
        assert_eq!(parsed.options.state_file_path(), None);
        assert_eq!(args(&[]).unwrap().port, DEFAULT_PORT);
    }

    #[test]
    fn state_file() {
        let parsed = args(&["--state-file", "data/sandbox.json", "--seed"]).unwrap();
        assert_eq!(parsed.options.state_file_path(), Some(Path::new("data/sandbox.json")));
        assert!(parsed.options.is_seeded());
        let inline = args(&["--state-file=s.json"]).unwrap();
        assert_eq!(inline.options.state_file_path(), Some(Path::new("s.json")));
        assert!(args(&["--state-file"]).is_err());
        assert!(args(&["--state-file="]).is_err());
        let help = command().render_long_help().to_string();
        assert!(help.contains("--state-file <PATH>"), "{help}");
    }

    #[test]
    fn timeouts_and_limits_reach_the_options() {
        let parsed = args(&[
            "--header-read-timeout",
            "250ms",
            "--body-read-timeout=2m",
            "--write-timeout",
            "1h 30m",
            "--max-connections",
            "3",
            "--idempotency-max-keys",
            "0",
            "--idempotency-max-bytes",
            "1_000",
            "--state-file",
            "s.json",
            "--state-lock-wait",
            "0s",
        ])
        .unwrap();
        let shown = format!("{:?}", parsed.options);
        for field in [
            "header_read_timeout: 250ms",
            "body_read_timeout: 120s",
            "write_timeout: 5400s",
            "max_connections: 3",
            "idempotency_max_keys: 0",
            "idempotency_max_bytes: 1000",
            "state_lock_wait: 0ns",
        ] {
            assert!(shown.contains(field), "{field} in {shown}");
        }
    }

    #[test]
    fn without_flags_the_options_are_the_librarys_defaults() {
        assert_eq!(format!("{:?}", args(&[]).unwrap().options), format!("{:?}", SandboxOptions::new()));
    }

    #[test]
    fn a_bad_value_is_one_line_naming_the_flag() {
        for (list, flag, why) in [
            (&["--header-read-timeout", "0s"][..], "--header-read-timeout", "must be longer than zero"),
            (&["--body-read-timeout", "0ms"], "--body-read-timeout", "must be longer than zero"),
            (&["--write-timeout", "soon"], "--write-timeout", "30s, 500ms or 2m"),
            (&["--header-read-timeout", "30"], "--header-read-timeout", "30s, 500ms or 2m"),
            (&["--max-connections", "0"], "--max-connections", "must be at least 1"),
            (&["--idempotency-max-keys", "ten"], "--idempotency-max-keys", "whole number"),
            (&["--idempotency-max-bytes", "32MiB"], "--idempotency-max-bytes", "whole number"),
            (&["--state-file", "s.json", "--state-lock-wait", "long"], "--state-lock-wait", "30s"),
            (&["--port", "70000"], "--port", "70000"),
        ] {
            let line = error(list);
            assert!(!line.contains('\n'), "{line}");
            assert!(line.contains(flag) && line.contains(why), "{list:?}: {line}");
        }
        assert_eq!(error(&["--state-lock-wait", "5s"]), "--state-lock-wait needs --state-file");
        assert!(args(&["--state-lock-wait=5s", "--state-file=s.json"]).is_ok());
        let typo = error(&["--header-timeout", "5s"]);
        assert!(
            typo.contains("--header-timeout") && typo.contains("did you mean `--header-read-timeout`"),
            "{typo}"
        );
    }
}
