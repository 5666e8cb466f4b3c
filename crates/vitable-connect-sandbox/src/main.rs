//! `vitable-connect-sandbox`: runs the sandbox server until Ctrl-C.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::ExitCode;

use chrono::NaiveDate;
use vitable_connect_sandbox::{Demo, Sandbox, SandboxOptions};

const HELP: &str = "\
vitable-connect-sandbox: a local, in-memory Vitable Connect API

USAGE:
    vitable-connect-sandbox [OPTIONS]

OPTIONS:
    --port <PORT>         Port to listen on, on 127.0.0.1 [default: 4010; 0 picks a free one]
    --seed                Start with the demo organization (employer, plans, employees);
                          with --state-file, only when the file does not exist yet: an
                          existing file wins (it keeps the data it holds, seeded or not)
    --token <TOKEN>       Accept only this bearer token (repeat for more); default: any
    --today <YYYY-MM-DD>  Take this date as today instead of the real date
    --log                 Print one line per request to stderr
    --state-file <PATH>   Keep the data in this file: loaded at start, saved after each write
                          (created if missing; one sandbox at a time uses it, others wait up
                          to 30 s for it; delete the file to start afresh)
    -h, --help            Print this help
    -V, --version         Print the version
";

#[derive(Debug)]
struct Args {
    port: u16,
    options: SandboxOptions,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut port = 4010;
    let mut options = SandboxOptions::new();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_owned(), Some(value.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline.clone().or_else(|| args.next()).ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => {
                print!("{HELP}");
                return Ok(None);
            }
            "-V" | "--version" => {
                println!("vitable-connect-sandbox {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            "--port" => {
                let raw = value("--port")?;
                port = raw.parse().map_err(|_| format!("--port: `{raw}` is not a port number"))?;
            }
            "--seed" => options = options.seed(true),
            "--log" => options = options.log_requests(true),
            "--token" => {
                let token = value("--token")?;
                if token.trim().is_empty() {
                    return Err("--token may not be empty".to_owned());
                }
                options = options.token(token);
            }
            "--today" => {
                let raw = value("--today")?;
                let day = raw
                    .parse::<NaiveDate>()
                    .map_err(|_| format!("--today: `{raw}` is not a YYYY-MM-DD date"))?;
                options = options.today(day);
            }
            "--state-file" => {
                let path = value("--state-file")?;
                if path.is_empty() {
                    return Err("--state-file may not be empty".to_owned());
                }
                options = options.state_file(path);
            }
            other => return Err(format!("unknown argument `{other}` (see --help)")),
        }
    }
    Ok(Some(Args { port, options }))
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
        Ok(Some(args)) => args,
        Ok(None) => return ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
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

    fn args(list: &[&str]) -> Result<Option<Args>, String> {
        parse(list.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn flags() {
        let parsed = args(&["--port", "0", "--seed", "--token", "a", "--token=b", "--today", "2026-01-02"])
            .unwrap()
            .unwrap();
        assert_eq!(parsed.port, 0);
        assert!(parsed.options.is_seeded());
        assert_eq!(parsed.options.pinned_today(), NaiveDate::from_ymd_opt(2026, 1, 2));
        assert!(args(&["--port", "x"]).is_err());
        assert!(args(&["--today", "tomorrow"]).is_err());
        assert!(args(&["--bogus"]).is_err());
        assert!(args(&["--port"]).is_err());
        assert!(args(&["--help"]).unwrap().is_none());
        assert_eq!(parsed.options.state_file_path(), None);
    }

    #[test]
    fn state_file() {
        let parsed = args(&["--state-file", "data/sandbox.json", "--seed"]).unwrap().unwrap();
        assert_eq!(parsed.options.state_file_path(), Some(Path::new("data/sandbox.json")));
        assert!(parsed.options.is_seeded());
        let inline = args(&["--state-file=s.json"]).unwrap().unwrap();
        assert_eq!(inline.options.state_file_path(), Some(Path::new("s.json")));
        assert!(args(&["--state-file"]).is_err());
        assert!(args(&["--state-file="]).is_err());
        assert!(HELP.contains("--state-file <PATH>"));
    }
}
