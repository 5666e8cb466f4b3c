//! `cargo xtask bench-cli`: the command-line tool's figures for `BENCHMARKS.md`.
//!
//! 1. A cold `vitable-connect enrollments retrieve <ID>` process against the sandbox binary,
//!    paired with `curl` sending the same request: runs alternate (CLI, curl, CLI, ...), each
//!    timed from spawn to exit; the medians and their ratio are printed.
//! 2. `--all` over an employer with 10,000 employees against one page: the peak resident memory
//!    of each process (`wait4`'s `ru_maxrss`), and their ratio.
//! 3. The size of the release binary.
//!
//! Everything runs on 127.0.0.1 against a release sandbox started here.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const KEY: &str = "sk_bench_cli";
const EMPLOYEES: usize = 10_000;

fn release_build(root: &Path) -> Result<(), String> {
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["build", "--release", "-p", "vitable-connect-cli", "-p", "vitable-connect-sandbox", "--bins"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() { Ok(()) } else { Err("the release build failed".to_owned()) }
}

/// The sandbox binary, started seeded on a free port; its base URL and the demo's first
/// employer and enrollment.
struct Server {
    child: Child,
    url: String,
    employer: String,
    enrollment: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_sandbox(bin: &Path) -> Result<Server, String> {
    let mut child = Command::new(bin.join("vitable-connect-sandbox"))
        .args(["--port", "0", "--seed"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start the sandbox: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (mut url, mut employer, mut enrollment) = (None, None, None);
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        if line.starts_with("http://") {
            url = Some(line.trim().to_owned());
        } else if let Some(rest) = line.strip_prefix("demo employer:") {
            employer = Some(rest.trim().to_owned());
        } else if enrollment.is_none()
            && let Some(at) = line.find("enrollment enrl_")
        {
            let id = line[at + "enrollment ".len()..].split([',', ' ']).next().unwrap_or_default();
            enrollment = Some(id.to_owned());
        }
        if line.starts_with("press Ctrl-C") {
            break;
        }
    }
    let missing = || "the sandbox did not print its URL and demo IDs".to_owned();
    Ok(Server {
        child,
        url: url.ok_or_else(missing)?,
        employer: employer.ok_or_else(missing)?,
        enrollment: enrollment.ok_or_else(missing)?,
    })
}

/// Sends one request on `stream` (kept alive) and reads the status of its answer.
fn request(stream: &mut BufReader<TcpStream>, method: &str, path: &str, body: &str) -> Result<u16, String> {
    let head = format!(
        "{method} {path} HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer {KEY}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.get_mut().write_all(head.as_bytes()).map_err(|e| e.to_string())?;
    let mut status_line = String::new();
    stream.read_line(&mut status_line).map_err(|e| e.to_string())?;
    let status: u16 = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or("bad status line")?;
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).map_err(|e| e.to_string())?;
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).map_err(|e| e.to_string())?;
    Ok(status)
}

/// Adds employees to the employer until it has `EMPLOYEES`.
fn fill_employer(server: &Server) -> Result<(), String> {
    let addr = server.url.trim_start_matches("http://");
    let mut stream = BufReader::new(TcpStream::connect(addr).map_err(|e| e.to_string())?);
    for i in 0..EMPLOYEES {
        let body = format!(
            r#"{{"first_name":"Bench","last_name":"Person{i}","date_of_birth":"1990-01-01","sex":"Female","ssn":"{:03}-{:02}-{:04}","email":"p{i}@example.com","start_date":"2026-01-05"}}"#,
            100 + i % 800,
            10 + i % 89,
            1000 + i % 8999
        );
        let status =
            request(&mut stream, "POST", &format!("/v1/employers/{}/employees", server.employer), &body)?;
        if status != 201 {
            return Err(format!("creating employee {i} answered {status}"));
        }
    }
    Ok(())
}

/// Runs `cmd` to the end with its output discarded: its wall time and peak resident memory.
fn measure(cmd: &mut Command) -> Result<(Duration, u64), String> {
    let started = Instant::now();
    let child = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().map_err(|e| e.to_string())?;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of the C struct; `wait4` fills it in for
    // the child just spawned, which nothing else waits for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    // SAFETY: `pid` is our child; `status` and `usage` are valid for writes.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = started.elapsed();
    if waited != pid || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err(format!("{cmd:?} failed (status {status})"));
    }
    Ok((elapsed, usage.ru_maxrss as u64))
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

/// `cargo xtask bench-cli [--runs N]`.
pub fn run(args: &[&str]) -> Result<(), String> {
    let runs: usize = match args {
        [] => 200,
        ["--runs", n] => n.parse().map_err(|_| format!("--runs: `{n}` is not a number"))?,
        other => return Err(format!("usage: cargo xtask bench-cli [--runs N] (got {other:?})")),
    };
    let root = crate::workspace::root();
    release_build(&root)?;
    let bin: PathBuf =
        root.join(std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| "target".into())).join("release");
    let cli = bin.join("vitable-connect");
    let server = start_sandbox(&bin)?;

    // 1. Cold process against curl, alternating.
    let url = format!("{}/v1/enrollments/{}", server.url, server.enrollment);
    let mut cli_times = Vec::new();
    let mut curl_times = Vec::new();
    for _ in 0..runs {
        let mut c = Command::new(&cli);
        c.env("VITABLE_CONNECT_API_KEY", KEY).args([
            "--base-url",
            &server.url,
            "--format",
            "json",
            "enrollments",
            "retrieve",
            &server.enrollment,
        ]);
        cli_times.push(measure(&mut c)?.0);
        let mut curl = Command::new("curl");
        curl.args([
            "-sS",
            "--fail",
            "-H",
            &format!("Authorization: Bearer {KEY}"),
            "-H",
            "Accept: application/json",
            &url,
        ]);
        curl_times.push(measure(&mut curl)?.0);
    }
    let (cli_median, curl_median) = (median(cli_times), median(curl_times));
    println!(
        "cold `vitable-connect enrollments retrieve` vs curl, {runs} alternating runs each: median {:.2} ms vs {:.2} ms = {:.2}x (goal: at most 1.5x)",
        cli_median.as_secs_f64() * 1e3,
        curl_median.as_secs_f64() * 1e3,
        cli_median.as_secs_f64() / curl_median.as_secs_f64()
    );

    // 2. Peak memory of --all over 10,000 employees against one page.
    fill_employer(&server)?;
    let list = |extra: &[&str]| {
        let mut c = Command::new(&cli);
        c.env("VITABLE_CONNECT_API_KEY", KEY)
            .args([
                "--base-url",
                &server.url,
                "--format",
                "jsonl",
                "employers",
                "employees",
                "list",
                &server.employer,
            ])
            .args(extra);
        c
    };
    let (page_time, page_rss) = measure(&mut list(&["--limit", "100"]))?;
    let (all_time, all_rss) = measure(&mut list(&["--all", "--limit", "100"]))?;
    println!(
        "peak memory: one page of 100: {page_rss} KiB ({:.0} ms); --all over {} employees ({} pages): {all_rss} KiB ({:.0} ms) = {:.2}x (goal: at most 2x)",
        page_time.as_secs_f64() * 1e3,
        EMPLOYEES + 3,
        (EMPLOYEES + 3).div_ceil(100),
        all_time.as_secs_f64() * 1e3,
        all_rss as f64 / page_rss as f64
    );

    // 3. The binary's size.
    let size = std::fs::metadata(&cli).map_err(|e| e.to_string())?.len();
    println!(
        "release binary target/release/vitable-connect: {:.1} MiB ({size} bytes)",
        size as f64 / 1048576.0
    );
    Ok(())
}
