//! `vitable-connect`: every Vitable Connect API operation from the shell (see `--help`).

fn main() -> std::process::ExitCode {
    vitable_connect_cli::main()
}
