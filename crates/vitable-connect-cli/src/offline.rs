//! `--sandbox <STATE_FILE>`: the command runs against the SDK's sandbox, started in this process
//! on 127.0.0.1, whose data lives in the file (seeded with the demo organization on first use,
//! saved after each write, locked while a command runs). And the `sandbox` commands.

use std::path::Path;

use clap::Command;
use vitable_connect_sandbox::{Sandbox, SandboxOptions};

use crate::call::Failure;
use crate::options::{Globals, SANDBOX_ENV};
use crate::output::Printer;

/// The API key sent to the local sandbox (it accepts any).
pub(crate) const API_KEY: &str = "sk_sandbox_offline_cli";

/// Starts the sandbox on the state file.
pub(crate) async fn start(path: &Path) -> Result<Sandbox, Failure> {
    Sandbox::start(SandboxOptions::new().seed(true).state_file(path)).await.map_err(|e| {
        let hint = match e.kind() {
            std::io::ErrorKind::InvalidData => " (`vitable-connect sandbox reset` deletes it)",
            _ => "",
        };
        Failure::local(format!("--sandbox {}: {e}{hint}", path.display()))
    })
}

/// The `sandbox` command.
pub(crate) fn command() -> Command {
    Command::new("sandbox")
        .about("The local sandbox of --sandbox <STATE_FILE>: show its demo IDs or start it over")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("demo")
                .about("Print the IDs of the demo organization (employer, plans, employees, enrollments)"),
        )
        .subcommand(
            Command::new("reset")
                .about("Delete the state file: the next command starts from the demo organization again"),
        )
}

/// Runs `sandbox demo` or `sandbox reset`.
pub(crate) async fn run(path: &[&str], globals: &Globals) -> Result<(), Failure> {
    let Some(file) = &globals.sandbox else {
        return Err(Failure::usage(format!(
            "give the state file: --sandbox <STATE_FILE> (or {SANDBOX_ENV})"
        )));
    };
    match path.get(1).copied() {
        Some("reset") => {
            vitable_connect_sandbox::reset_state_file(file)
                .map_err(|e| Failure::local(format!("--sandbox {}: {e}", file.display())))?;
            eprintln!("{} reset: the next command starts from the demo organization", file.display());
            Ok(())
        }
        _ => {
            let sandbox = start(file).await?;
            let demo = serde_json::to_vec(&sandbox.demo()).map_err(|e| Failure::local(e.to_string()));
            sandbox.shutdown().await;
            let jq =
                globals.jq.as_deref().map(crate::output::Jq::compile).transpose().map_err(Failure::usage)?;
            Printer::new(globals.format, jq, globals.raw_output).response(200, &demo?).map_err(Failure::local)
        }
    }
}
