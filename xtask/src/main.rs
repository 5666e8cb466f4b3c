//! Project chores for vitable-connect-rs.
//!
//! * `cargo xtask codegen` regenerates `crates/vitable-connect-api/src/generated.rs`
//!   from `openapi.yaml`.
//! * `cargo xtask codegen --check` fails (and prints a diff) when the committed file is stale.
//! * `cargo xtask coverage` names hand-written pieces the spec needs that are missing.
//! * `cargo xtask layers` prints the SDK's module layers and fails on an import cycle.
//! * `cargo xtask drill` runs the spec-change drills of `xtask/drills/`, builds included.
//! * `cargo xtask bench` runs the benchmark suite and prints a table (see `BENCHMARKS.md`).
//! * `cargo xtask bench-cli` measures the command-line tool: a cold process against curl,
//!   `--all` memory against one page, the binary's size.
//! * `cargo xtask mutants [--diff <rev>]` runs mutation testing on the SDK's hand-written core.
//! * `cargo xtask api-changes [--base <rev>]` fails when the SDK's public API changed since the
//!   baseline (`xtask/api-baseline`, the last release) without a `CHANGELOG.md` entry naming
//!   each change.
//! * `cargo xtask msrv` fails when a dependency (locked, or picked by a fresh resolve) needs a
//!   newer Rust than the declared `rust-version`.

mod api_changes;
mod bench;
mod bench_cli;
mod codegen;
mod coverage;
mod drills;
mod layers;
mod msrv;
mod mutants;
mod workspace;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  codegen [--check]   regenerate the low-level client from openapi.yaml
                      (--check: fail if the committed file is stale)
  coverage            name every hand-written piece the spec needs that is missing
                      (sandbox handlers, ID types)
  layers              print the layers of the SDK's modules; fail on an import cycle
  drill [--quick]     apply each spec-change fixture in xtask/drills/ to a copy of the
                      workspace, show what the checks name, and build and run the tests
                      each fixture says must fail (or pass) (--quick: no builds)
  bench [--quick]     run the benchmarks and print the summary table
  bench-cli [--runs N]
                      the command-line tool's figures: a cold process against curl (paired
                      runs), --all over 10,000 employees against one page (peak memory), and
                      the release binary's size
  mutants [--diff <rev>]
                      mutation testing of the SDK's hand-written core (.cargo/mutants.toml);
                      --diff: only mutants on lines changed since <rev>
  api-changes [--base <rev> | --list]
                      fail when the SDK's public API changed since <rev> (default: the
                      commit in xtask/api-baseline) without an [Unreleased] entry in
                      CHANGELOG.md naming each change (and **Breaking** when it breaks)
                      (--list: print the public API as the check sees it)
  msrv                fail when a package of Cargo.lock, or of a fresh MSRV-aware resolve,
                      needs a newer Rust than the workspace's rust-version (or the SDK's
                      README states another)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => codegen::write(),
        ["codegen", "--check"] => codegen::check(),
        ["coverage"] => coverage::run(),
        ["layers"] => layers::run(),
        ["drill"] => drills::run_all(drills::Depth::Build),
        ["drill", "--quick"] => drills::run_all(drills::Depth::Checks),
        ["bench", rest @ ..] => bench::run(rest),
        ["bench-cli", rest @ ..] => bench_cli::run(rest),
        ["mutants", rest @ ..] => mutants::run(rest),
        ["api-changes", rest @ ..] => api_changes::run(rest),
        ["msrv"] => msrv::run(),
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
