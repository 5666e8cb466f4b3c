//! Shell integration: completion scripts and man pages, made by clap's companion crates from
//! the same command tree.

use std::io::Write as _;
use std::path::Path;

use clap::{Arg, ArgMatches, Command};
use clap_complete::Shell;

use crate::call::Failure;

/// The `completions` command.
pub(crate) fn completions_command() -> Command {
    Command::new("completions")
        .about("Print the shell completion script (e.g. `vitable-connect completions bash > /etc/bash_completion.d/vitable-connect`)")
        .arg(
            Arg::new("shell")
                .required(true)
                .value_parser(clap::value_parser!(Shell))
                .help("The shell"),
        )
}

/// The `man` command.
pub(crate) fn man_command() -> Command {
    Command::new("man").about("Print the man page, or write one page per command into a directory").arg(
        Arg::new("out-dir")
            .long("out-dir")
            .value_name("DIR")
            .value_parser(clap::value_parser!(std::path::PathBuf))
            .help("Write vitable-connect.1, vitable-connect-employers.1, ... into DIR"),
    )
}

/// Prints the completion script of the shell in `matches`.
pub(crate) fn completions(mut root: Command, matches: &ArgMatches) -> Result<(), Failure> {
    let shell = *matches.get_one::<Shell>("shell").expect("required by the parser");
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut root, "vitable-connect", &mut out);
    out.flush().map_err(|e| Failure::local(format!("cannot write the script: {e}")))
}

/// Prints the root man page, or writes every command's page into `--out-dir`.
pub(crate) fn man(root: Command, matches: &ArgMatches) -> Result<(), Failure> {
    let io = |e: std::io::Error| Failure::local(format!("cannot write the man page: {e}"));
    match matches.get_one::<std::path::PathBuf>("out-dir") {
        None => {
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(root).render(&mut out).map_err(io)?;
            out.flush().map_err(io)
        }
        Some(dir) => {
            let io = |e: std::io::Error| {
                Failure::local(format!("cannot write the man pages into {}: {e}", dir.display()))
            };
            std::fs::create_dir_all(dir).map_err(io)?;
            write_pages(root.clone(), root.get_name(), dir).map_err(io)
        }
    }
}

fn write_pages(cmd: Command, name: &str, dir: &Path) -> std::io::Result<()> {
    let cmd = cmd.name(name.to_owned());
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut page)?;
    std::fs::write(dir.join(format!("{name}.1")), page)?;
    for sub in cmd.get_subcommands() {
        write_pages(sub.clone(), &format!("{name}-{}", sub.get_name()), dir)?;
    }
    Ok(())
}
