//! The options every command takes (output, connection, offline sandbox) and the root command.

use std::path::PathBuf;
use std::time::Duration;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, ArgMatches, Command};

use crate::output::Format;

pub(crate) const BODY: &str = "body";
pub(crate) const ALL: &str = "all";
pub(crate) const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The environment variable naming the sandbox state file (as `--sandbox`).
pub const SANDBOX_ENV: &str = "VITABLE_CONNECT_SANDBOX";
/// The environment variable holding the API key (the SDK's).
pub use vitable_connect::API_KEY_ENV;
/// The environment variable holding the base URL (the SDK's; as `--base-url`).
pub use vitable_connect::BASE_URL_ENV;

const OUTPUT: &str = "Output";
const CONNECTION: &str = "Connection";

/// The root command with the global options; the operations are added by [`crate::tree`].
pub(crate) fn root() -> Command {
    Command::new("vitable-connect")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Every Vitable Connect API operation from the shell, generated from the API's spec")
        .long_about(
            "Every Vitable Connect API operation from the shell, generated from the API's spec.\n\n\
             Commands are `vitable-connect <resource> <operation>`: path parameters are positional, \
             every other value is a flag. Values are checked before anything is sent. Without an API \
             key, try `--sandbox state.json`: a local sandbox whose data lives in that file.",
        )
        .after_help(crate::exit::CODES_HELP)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .max_term_width(100)
        .arg(
            Arg::new("format")
                .long("format")
                .global(true)
                .value_name("FORMAT")
                .value_parser(PossibleValuesParser::new(Format::NAMES))
                .default_value("auto")
                .help_heading(OUTPUT)
                .help("Output format: auto is a table or record on a terminal and JSON when piped"),
        )
        .arg(
            Arg::new("jq")
                .long("jq")
                .global(true)
                .value_name("FILTER")
                .help_heading(OUTPUT)
                .help("Apply a jq filter to the output (with --all: to each item)"),
        )
        .arg(
            Arg::new("raw-output")
                .short('r')
                .long("raw-output")
                .global(true)
                .action(ArgAction::SetTrue)
                .help_heading(OUTPUT)
                .help("With --jq: print strings without quotes"),
        )
        .arg(
            Arg::new("dry-run")
                .long("dry-run")
                .global(true)
                .action(ArgAction::SetTrue)
                .help_heading(OUTPUT)
                .help("Print the request that would be sent (API key hidden) and send nothing"),
        )
        .arg(
            Arg::new("debug")
                .long("debug")
                .global(true)
                .action(ArgAction::SetTrue)
                .help_heading(OUTPUT)
                .help("Log every HTTP exchange on stderr (API key and SSNs hidden)"),
        )
        .arg(
            Arg::new("base-url")
                .long("base-url")
                .global(true)
                .env(BASE_URL_ENV)
                .hide_env_values(true)
                .value_name("URL")
                .help_heading(CONNECTION)
                .help("The API's base URL [default: the production API]"),
        )
        .arg(
            Arg::new("api-key-file")
                .long("api-key-file")
                .global(true)
                .value_name("PATH|-")
                .help_heading(CONNECTION)
                .help(
                    "Read the API key from this file (- for stdin) instead of VITABLE_CONNECT_API_KEY; \
                     there is no flag taking the key itself, which would show in the process list",
                ),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .global(true)
                .value_name("SECONDS")
                .value_parser(parse_seconds)
                .help_heading(CONNECTION)
                .help(format!(
                    "Time limit of each attempt, in seconds (fractions allowed) [default: {}]",
                    vitable_connect::DEFAULT_TIMEOUT.as_secs()
                )),
        )
        .arg(
            Arg::new("max-retries")
                .long("max-retries")
                .global(true)
                .value_name("N")
                .value_parser(clap::value_parser!(u32))
                .help_heading(CONNECTION)
                .help(format!(
                    "Retries of a failed attempt that may succeed when repeated [default: {}]",
                    vitable_connect::DEFAULT_MAX_RETRIES
                )),
        )
        .arg(
            Arg::new("sandbox")
                .long("sandbox")
                .global(true)
                .env(SANDBOX_ENV)
                .hide_env_values(true)
                .value_name("STATE_FILE")
                .value_parser(clap::value_parser!(PathBuf))
                .help_heading(CONNECTION)
                .help(
                    "Run against a local sandbox whose data lives in this file (created with the demo \
                     organization on first use, saved after each write); no API key needed",
                ),
        )
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text.parse().map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if !seconds.is_finite() || seconds <= 0.0 || seconds > 86_400.0 {
        return Err(format!("`{text}` is not between 0 and 86400 seconds"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// The global options of one invocation.
#[derive(Debug, Clone)]
pub(crate) struct Globals {
    pub format: Format,
    pub jq: Option<String>,
    pub raw_output: bool,
    pub dry_run: bool,
    pub debug: bool,
    pub base_url: Option<String>,
    pub api_key_file: Option<String>,
    pub timeout: Option<Duration>,
    pub max_retries: Option<u32>,
    pub sandbox: Option<PathBuf>,
}

impl Globals {
    /// The options as given on the innermost command (global options are propagated there).
    pub fn from(matches: &ArgMatches) -> Globals {
        let format = matches.get_one::<String>("format").map(String::as_str).unwrap_or("auto");
        Globals {
            format: Format::from_name(format).unwrap_or(Format::Auto),
            jq: matches.get_one::<String>("jq").cloned(),
            raw_output: matches.get_flag("raw-output"),
            dry_run: matches.get_flag("dry-run"),
            debug: matches.get_flag("debug"),
            base_url: matches.get_one::<String>("base-url").cloned(),
            api_key_file: matches.get_one::<String>("api-key-file").cloned(),
            timeout: matches.get_one::<Duration>("timeout").copied(),
            max_retries: matches.get_one::<u32>("max-retries").copied(),
            sandbox: matches.get_one::<PathBuf>("sandbox").cloned(),
        }
    }
}
