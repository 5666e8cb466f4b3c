//! `cargo xtask bench`: runs the benchmark suite and prints one summary table.
//!
//! 1. `cargo bench -p vitable-connect-benches` runs every criterion benchmark of `benches/`
//!    (`--quick`: a short warm-up and measurement) and the two plain binaries, which write
//!    their numbers to `target/bench-results/`: `retrieve_paired.json` (figure 1 measured
//!    call by call, alternating the clients) and `stream_memory.json` (figure 4's heap).
//! 2. The criterion estimates are read from
//!    `target/criterion/<group>/<bench>/new/estimates.json` (a missing or stale file is an
//!    error naming it).
//! 3. Unless `--skip-build-time`, figure 5: the clean debug build of a new binary crate
//!    depending on the SDK is timed side by side with the same crate depending on octocrab
//!    0.54, each in a fresh target dir under `target/bench-build/` (`--build-time` runs only
//!    this). This takes minutes.
//! 4. The table is printed and also written to `target/bench-results/summary.md`.
//!
//! Every ratio is the SDK's cost divided by the baseline's (above 1 means the SDK is slower),
//! computed from medians (criterion's median point estimates, or the paired run's medians);
//! the mean-based ratio is shown beside it. A second table lists the micro-benchmarks of the
//! pieces of the SDK's per-call overhead (`benches/benches/overhead.rs`).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use crate::workspace;

const USAGE: &str = "\
usage: cargo xtask bench [--quick] [--skip-build-time] [--no-run] | --build-time

  --quick            short criterion run (--warm-up-time 1 --measurement-time 3)
  --skip-build-time  do not time the clean builds (they take minutes); the last measured
                     build times are shown if there are any
  --no-run           run nothing; print the table from the results already on disk
  --build-time       only figure 5: time the clean builds of a new binary crate on the SDK
                     and on octocrab 0.54, side by side
";

/// The package holding the benchmarks.
const BENCH_PACKAGE: &str = "vitable-connect-benches";

/// Criterion flags of `--quick`.
const QUICK_FLAGS: [&str; 4] = ["--warm-up-time", "1", "--measurement-time", "3"];

/// The concurrency levels of the throughput benchmark (`benches/benches/throughput.rs`).
const CONCURRENCY: [u32; 3] = [1, 16, 64];

/// Figure 1b: the SDK's paired per-call latency of `enrollments().retrieve` may be at most
/// this multiple of plain `reqwest`'s.
const LATENCY_GOAL: f64 = 1.03;

/// Figure 3 (paired): the SDK's time per call (the inverse of its request rate) may be at most
/// this multiple of plain `reqwest`'s at every concurrency level.
const PER_CALL_GOAL: f64 = 1.03;

/// Peak heap growth of the stream allowed, in units of one page (its JSON plus its decoded
/// items): "about one page".
const STREAM_PEAK_GOAL: f64 = 2.0;

#[derive(Debug, Default)]
struct Options {
    quick: bool,
    skip_build_time: bool,
    no_run: bool,
    build_time_only: bool,
}

fn parse(args: &[&str]) -> Result<Options, String> {
    let mut options = Options::default();
    for arg in args {
        match *arg {
            "--quick" => options.quick = true,
            "--skip-build-time" => options.skip_build_time = true,
            "--no-run" => options.no_run = true,
            "--build-time" => options.build_time_only = true,
            "-h" | "--help" => return Err(USAGE.trim_end().to_owned()),
            other => return Err(format!("unknown argument `{other}`\n{}", USAGE.trim_end())),
        }
    }
    Ok(options)
}

/// Where the results live.
struct Paths {
    root: PathBuf,
    criterion: PathBuf,
    results: PathBuf,
    build: PathBuf,
}

impl Paths {
    fn new() -> Self {
        let root = workspace::root();
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .map(|dir| if dir.is_absolute() { dir } else { root.join(dir) })
            .unwrap_or_else(|| root.join("target"));
        Self {
            criterion: target.join("criterion"),
            results: target.join("bench-results"),
            build: target.join("bench-build"),
            root,
        }
    }

    fn memory_json(&self) -> PathBuf {
        self.results.join("stream_memory.json")
    }

    fn paired_json(&self) -> PathBuf {
        self.results.join("retrieve_paired.json")
    }

    fn build_time_json(&self) -> PathBuf {
        self.results.join("build_time.json")
    }
}

pub fn run(args: &[&str]) -> Result<(), String> {
    let options = parse(args)?;
    let paths = Paths::new();
    let started = SystemTime::now();
    if options.build_time_only {
        let table = render(&measure_build_times(&paths)?);
        println!("{table}");
        return Ok(());
    }

    if !options.no_run {
        run_criterion(&paths, options.quick)?;
    }
    // After a run, every result must come from it.
    let fresh_since = (!options.no_run).then_some(started);
    let results = Results { paths: &paths, fresh_since };

    let mut rows = Vec::new();
    // Criterion's wall-clock pair is measured seconds apart and swings with the machine's
    // load; the goal is judged on the paired measurement (1b), which alternates the clients.
    let mut criterion_latency = results.compare(
        "1a. retrieve latency (criterion, wall clock)",
        ("retrieve", "sdk"),
        ("retrieve", "reqwest"),
        "reqwest + serde_json",
        None,
    )?;
    criterion_latency.goal = "see 1b".to_owned();
    rows.push(criterion_latency);
    rows.extend(results.paired()?);
    rows.push(results.compare(
        "1d. retrieve, client-thread CPU (criterion)",
        ("retrieve_cpu", "sdk"),
        ("retrieve_cpu", "reqwest"),
        "reqwest + serde_json",
        None,
    )?);
    rows.push(results.compare(
        "2. decode a 100-item enrollment page (CPU time)",
        ("decode_page_100", "sdk"),
        ("decode_page_100", "serde"),
        "plain derive",
        Some(1.2),
    )?);
    for concurrency in CONCURRENCY {
        rows.push(results.throughput(concurrency)?);
    }
    rows.extend(results.paired_throughput()?);
    rows.push(results.compare(
        "4. 10,000 items: .stream() vs page loop",
        ("stream_10k", "sdk_stream"),
        ("stream_10k", "page_loop"),
        "page loop",
        None,
    )?);
    rows.extend(results.stream_memory()?);

    let build_rows = if options.skip_build_time || options.no_run {
        earlier_build_times(&paths)?
    } else {
        measure_build_times(&paths)?
    };
    rows.extend(build_rows);

    let mode = match (options.no_run, options.quick) {
        (true, _) => "results already on disk (--no-run)",
        (false, true) => "quick run (--warm-up-time 1 --measurement-time 3)",
        (false, false) => "full run (criterion defaults)",
    };
    let table = render(&rows);
    let pieces = render_pieces(&results.overhead_pieces()?);
    let summary = format!(
        "vitable-connect benchmarks: {mode}\n\
         ratio = SDK cost / baseline cost (above 1: SDK slower), from medians; \
         mean-based ratio in brackets\n\n{table}\n\
         Pieces of the SDK's per-call overhead (criterion group sdk_overhead, thread CPU time, medians):\n\n{pieces}"
    );
    println!("\n{summary}");
    fs::create_dir_all(&paths.results)
        .map_err(|e| format!("cannot create {}: {e}", paths.results.display()))?;
    let summary_path = paths.results.join("summary.md");
    fs::write(&summary_path, &summary)
        .map_err(|e| format!("cannot write {}: {e}", summary_path.display()))?;
    println!("(also written to {})", summary_path.display());
    Ok(())
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn run_criterion(paths: &Paths, quick: bool) -> Result<(), String> {
    let (memory, paired) = (paths.memory_json(), paths.paired_json());
    for stale in [&memory, &paired] {
        if stale.exists() {
            fs::remove_file(stale).map_err(|e| format!("cannot remove {}: {e}", stale.display()))?;
        }
    }
    let mut command = cargo();
    command
        .current_dir(&paths.root)
        .args(["bench", "-p", BENCH_PACKAGE, "--"])
        .args(if quick { &QUICK_FLAGS[..] } else { &[] })
        .env("CRITERION_HOME", &paths.criterion)
        .env("VITABLE_BENCH_MEMORY_OUT", &memory)
        .env("VITABLE_BENCH_PAIRED_OUT", &paired);
    eprintln!("running: {command:?}");
    let status = command.status().map_err(|e| format!("cannot run cargo bench: {e}"))?;
    if !status.success() {
        return Err(format!("`cargo bench -p {BENCH_PACKAGE}` failed ({status})"));
    }
    Ok(())
}

/// Criterion's point estimates of one benchmark, in nanoseconds.
struct Estimate {
    mean: f64,
    median: f64,
    /// `Throughput::Elements` of the benchmark, if it set one.
    elements: Option<f64>,
}

struct Results<'a> {
    paths: &'a Paths,
    fresh_since: Option<SystemTime>,
}

impl Results<'_> {
    fn read_json(&self, path: &Path, what: &str) -> Result<Value, String> {
        let text = fs::read_to_string(path).map_err(|e| {
            format!(
                "missing {what} `{}` ({e}); run `cargo xtask bench` (without --no-run) so the \
                 benchmark writes it",
                path.display()
            )
        })?;
        if let Some(since) = self.fresh_since {
            let modified = fs::metadata(path).and_then(|m| m.modified()).map_err(|e| e.to_string())?;
            if modified < since {
                return Err(format!(
                    "stale {what} `{}`: this run did not update it (did the benchmark run?)",
                    path.display()
                ));
            }
        }
        serde_json::from_str(&text).map_err(|e| format!("cannot parse {what} `{}`: {e}", path.display()))
    }

    fn estimate(&self, group: &str, bench: &str) -> Result<Estimate, String> {
        let dir = self.paths.criterion.join(group).join(bench).join("new");
        let what = format!("criterion estimates of `{group}/{bench}`");
        let estimates = self.read_json(&dir.join("estimates.json"), &what)?;
        let point = |statistic: &str| {
            estimates[statistic]["point_estimate"]
                .as_f64()
                .ok_or_else(|| format!("{what}: no {statistic}.point_estimate in {}", dir.display()))
        };
        let elements = fs::read_to_string(dir.join("benchmark.json"))
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            .and_then(|v| v["throughput"]["Elements"].as_f64());
        Ok(Estimate { mean: point("mean")?, median: point("median")?, elements })
    }

    fn compare(
        &self,
        figure: &str,
        sdk: (&str, &str),
        baseline: (&str, &str),
        baseline_name: &str,
        goal: Option<f64>,
    ) -> Result<Row, String> {
        let s = self.estimate(sdk.0, sdk.1)?;
        let b = self.estimate(baseline.0, baseline.1)?;
        let ratio = s.median / b.median;
        Ok(Row {
            figure: figure.to_owned(),
            sdk: format_ns(s.median),
            baseline: format!("{} ({baseline_name})", format_ns(b.median)),
            ratio: format!("{ratio:.3}× [{:.3}×]", s.mean / b.mean),
            goal: goal.map_or_else(|| "—".to_owned(), |g| format!("≤ {g}×")),
            met: goal.map_or_else(|| "—".to_owned(), |g| yes_no(ratio <= g)),
        })
    }

    fn throughput(&self, concurrency: u32) -> Result<Row, String> {
        let s = self.estimate("throughput", &format!("sdk_c{concurrency}"))?;
        let b = self.estimate("throughput", &format!("reqwest_c{concurrency}"))?;
        let per_second = |e: &Estimate, name: &str| {
            e.elements.map(|n| n / e.median * 1e9).ok_or_else(|| {
                format!("throughput/{name}_c{concurrency}: criterion's benchmark.json names no element count")
            })
        };
        let (sdk_rps, baseline_rps) = (per_second(&s, "sdk")?, per_second(&b, "reqwest")?);
        Ok(Row {
            figure: format!("3. throughput (criterion), concurrency {concurrency}"),
            sdk: format!("{sdk_rps:.0} req/s"),
            baseline: format!("{baseline_rps:.0} req/s (reqwest)"),
            ratio: format!("{:.3}× [{:.3}×]", baseline_rps / sdk_rps, s.mean / b.mean),
            goal: "—".to_owned(),
            met: "—".to_owned(),
        })
    }

    /// Figure 1 measured call by call, alternating the two clients (`retrieve_paired`).
    fn paired(&self) -> Result<Vec<Row>, String> {
        let path = self.paths.paired_json();
        let report = self.read_json(&path, "paired retrieve results")?;
        let value = |name: &str, statistic: &str| {
            report[name][statistic]
                .as_f64()
                .ok_or_else(|| format!("{}: no number `{name}.{statistic}`", path.display()))
        };
        let calls = report["calls"].as_u64().unwrap_or(0);
        let row = |figure: String, sdk: &str, baseline: &str, goal: Option<f64>| -> Result<Row, String> {
            let (s, b) = (value(sdk, "median_ns")?, value(baseline, "median_ns")?);
            let (sm, bm) = (value(sdk, "mean_ns")?, value(baseline, "mean_ns")?);
            let ratio = s / b;
            Ok(Row {
                figure,
                sdk: format_ns(s),
                baseline: format!("{} (reqwest + serde_json)", format_ns(b)),
                ratio: format!("{ratio:.3}× [{:.3}×]", sm / bm),
                goal: goal.map_or_else(|| "—".to_owned(), |g| format!("≤ {g}×")),
                met: goal.map_or_else(|| "—".to_owned(), |g| yes_no(ratio <= g)),
            })
        };
        Ok(vec![
            row(
                format!("1b. retrieve latency (paired, {calls} calls each)"),
                "sdk_wall",
                "reqwest_wall",
                Some(LATENCY_GOAL),
            )?,
            row("1c. retrieve, client-thread CPU (paired)".to_owned(), "sdk_cpu", "reqwest_cpu", None)?,
        ])
    }

    /// Figure 3 measured in alternating batches (`retrieve_paired`).
    fn paired_throughput(&self) -> Result<Vec<Row>, String> {
        let path = self.paths.paired_json();
        let report = self.read_json(&path, "paired retrieve results")?;
        let levels = report["throughput"]
            .as_array()
            .ok_or_else(|| format!("{}: no `throughput` list", path.display()))?;
        let mut rows = Vec::new();
        for level in levels {
            let number = |name: &str| {
                level[name]
                    .as_f64()
                    .ok_or_else(|| format!("{}: no number `throughput[].{name}`", path.display()))
            };
            let (sdk, baseline) = (number("sdk_per_second")?, number("reqwest_per_second")?);
            rows.push(Row {
                figure: format!(
                    "3. throughput (paired, {} batches of {}), concurrency {}",
                    number("rounds")?,
                    number("batch")?,
                    number("concurrency")?
                ),
                sdk: format!("{sdk:.0} req/s ({:.1}%)", 100.0 * sdk / baseline),
                baseline: format!("{baseline:.0} req/s (reqwest)"),
                ratio: format!("{:.3}×", baseline / sdk),
                goal: format!("≤ {PER_CALL_GOAL}× per call"),
                met: yes_no(baseline / sdk <= PER_CALL_GOAL),
            });
        }
        Ok(rows)
    }

    /// The micro-benchmarks of the pieces of the SDK's per-call overhead.
    fn overhead_pieces(&self) -> Result<Vec<(&'static str, f64)>, String> {
        OVERHEAD_PIECES
            .iter()
            .map(|&(name, _)| Ok((name, self.estimate("sdk_overhead", name)?.median)))
            .collect()
    }

    fn stream_memory(&self) -> Result<Vec<Row>, String> {
        let path = self.paths.memory_json();
        let report = self.read_json(&path, "stream memory results")?;
        let field = |name: &str| {
            report[name].as_f64().ok_or_else(|| format!("{}: no number `{name}`", path.display()))
        };
        let page_json = field("page_json_bytes")?;
        let page_decoded = field("page_decoded_bytes")?;
        let one_page = page_json + page_decoded;
        let all_json = field("all_pages_json_bytes")?;
        let all_decoded = field("all_pages_decoded_bytes")?;
        let stream_peak = field("stream_peak_bytes")?;
        let loop_peak = field("page_loop_peak_bytes")?;
        let ratio = stream_peak / one_page;
        Ok(vec![
            Row {
                figure: "4. peak heap growth, .stream() of 10,000 items".to_owned(),
                sdk: format_bytes(stream_peak),
                baseline: format!(
                    "one page: {} ({} JSON + {} decoded)",
                    format_bytes(one_page),
                    format_bytes(page_json),
                    format_bytes(page_decoded)
                ),
                ratio: format!("{ratio:.2}×"),
                goal: format!("≈ one page (≤ {STREAM_PEAK_GOAL}×)"),
                met: yes_no(ratio <= STREAM_PEAK_GOAL),
            },
            Row {
                figure: "4. peak heap growth, .stream() vs all pages".to_owned(),
                sdk: format_bytes(stream_peak),
                baseline: format!(
                    "all pages: {} ({} JSON + {} decoded)",
                    format_bytes(all_json + all_decoded),
                    format_bytes(all_json),
                    format_bytes(all_decoded)
                ),
                ratio: format!("{:.3}×", stream_peak / (all_json + all_decoded)),
                goal: "—".to_owned(),
                met: "—".to_owned(),
            },
            Row {
                figure: "4. peak heap growth, page loop (reference)".to_owned(),
                sdk: format_bytes(loop_peak),
                baseline: format!("one page: {}", format_bytes(one_page)),
                ratio: format!("{:.2}×", loop_peak / one_page),
                goal: "—".to_owned(),
                met: "—".to_owned(),
            },
        ])
    }
}

/// The benchmarks of `benches/benches/overhead.rs` and what each measures ("old path": a
/// cost of the request path before it was rebuilt, which the SDK no longer pays).
const OVERHEAD_PIECES: [(&str, &str); 10] = [
    ("generated_client_per_call", "old path: a generated client per call (base URL copied)"),
    ("url_generated", "old path: URL as generated: ID to_string + percent-encoding + format"),
    ("url_plain", "URL by hand: one format (the baseline's cost)"),
    ("url_parse", "parsing that URL string (reqwest does it for the baseline, and did for the old path)"),
    ("url_sdk", "URL as the SDK builds it now: parsed base URL copied, path segments pushed"),
    ("set_request_timeout", "old path: reqwest per-request timeout (an extension insert)"),
    ("request_try_clone", "old path: spare copy of the request for retries"),
    ("request_try_clone_no_timeout", "old path: the same copy without the timeout extension"),
    ("response_headers_clone", "old path: one copy of the response headers"),
    ("box_2200_byte_future", "old path: boxing the executor's 2.2 KB future"),
];

fn render_pieces(pieces: &[(&str, f64)]) -> String {
    let mut out = String::from("| piece | what | median |\n| --- | --- | --- |\n");
    for (name, ns) in pieces {
        let what = OVERHEAD_PIECES.iter().find(|(n, _)| n == name).map_or("", |(_, w)| w);
        let _ = writeln!(out, "| {name} | {what} | {} |", format_ns(*ns));
    }
    out
}

/// The clean builds of figure 5: a new binary crate (the same `main.rs`) depending on the SDK
/// with its default features, on the SDK with the aws-lc-rs crypto provider instead of ring
/// (what the default would cost with reqwest's provider), and on octocrab 0.54 with its
/// default features (a well-known API client, the baseline): (key, label, dependency line).
const BUILDS: [(&str, &str, &str); 3] = [
    (
        "sdk",
        "vitable-connect, default features",
        "vitable-connect = { path = \"{root}/crates/vitable-connect\" }",
    ),
    (
        "sdk_aws_lc",
        "vitable-connect, rustls-aws-lc-rs",
        "vitable-connect = { path = \"{root}/crates/vitable-connect\", default-features = false, features = [\"rustls-aws-lc-rs\"] }",
    ),
    ("octocrab", "octocrab 0.54, default features", "octocrab = \"0.54\""),
];

/// The `main.rs` of each crate: a client made and one call, so that the code an application
/// uses is compiled (`Client` is the SDK's or octocrab's, per crate).
fn app_main(key: &str) -> &'static str {
    match key {
        "octocrab" => {
            "#[tokio::main]\nasync fn main() {\n    let client = octocrab::Octocrab::builder().build().unwrap();\n    \
             let _ = client.repos(\"owner\", \"repo\").get().await;\n}\n"
        }
        _ => {
            "#[tokio::main]\nasync fn main() {\n    let client = vitable_connect::Client::new(\"sk_test\").unwrap();\n    \
             let _ = client.employers().list().send().await;\n}\n"
        }
    }
}

/// Times a clean debug build of each crate of [`BUILDS`] side by side (in turn, `rounds`
/// times), each in a fresh target directory under `target/bench-build/`; the dependencies are
/// fetched first, so only compiling is timed. Returns the seconds of each build per round.
fn measure_build_times(paths: &Paths) -> Result<Vec<Row>, String> {
    const ROUNDS: usize = 2;
    let root = paths.root.to_string_lossy().replace('\\', "/");
    let mut seconds: Vec<Vec<f64>> = vec![Vec::new(); BUILDS.len()];
    for (key, _, dependency) in BUILDS {
        let dir = paths.build.join(format!("app-{key}"));
        fs::create_dir_all(dir.join("src")).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let manifest = format!(
            "[package]\nname = \"app-{key}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\n{}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\n\
             [workspace]\n",
            dependency.replace("{root}", &root)
        );
        fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| format!("cannot write the manifest: {e}"))?;
        fs::write(dir.join("src/main.rs"), app_main(key))
            .map_err(|e| format!("cannot write main.rs: {e}"))?;
        let status =
            cargo().current_dir(&dir).arg("fetch").status().map_err(|e| format!("cargo fetch: {e}"))?;
        if !status.success() {
            return Err(format!("cargo fetch failed in {}", dir.display()));
        }
    }
    for round in 1..=ROUNDS {
        for (i, (key, label, _)) in BUILDS.iter().enumerate() {
            let dir = paths.build.join(format!("app-{key}"));
            let target = dir.join("target");
            if target.exists() {
                fs::remove_dir_all(&target)
                    .map_err(|e| format!("cannot remove {}: {e}", target.display()))?;
            }
            let mut command = cargo();
            command.current_dir(&dir).args(["build", "--offline", "--target-dir"]).arg(&target);
            eprintln!("round {round}: timing a clean debug build, {label}");
            let started = Instant::now();
            let status = command.status().map_err(|e| format!("cannot run cargo build: {e}"))?;
            let elapsed = started.elapsed();
            if !status.success() {
                return Err(format!("the clean build ({label}) failed ({status})"));
            }
            eprintln!("  {label}: {}", format_duration(elapsed));
            seconds[i].push(elapsed.as_secs_f64());
            // The build is only timed; its hundreds of MB are not kept.
            let _ = fs::remove_dir_all(&target);
        }
    }
    let report = serde_json::json!({
        "rounds": ROUNDS,
        "seconds": BUILDS.iter().zip(&seconds).map(|((key, _, _), s)| (key.to_string(), serde_json::json!(s))).collect::<serde_json::Map<_, _>>(),
        "measured_at_unix": SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs()),
    });
    fs::create_dir_all(&paths.results)
        .map_err(|e| format!("cannot create {}: {e}", paths.results.display()))?;
    let path = paths.build_time_json();
    fs::write(&path, serde_json::to_vec_pretty(&report).expect("JSON"))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    build_rows(&report, "")
}

fn earlier_build_times(paths: &Paths) -> Result<Vec<Row>, String> {
    let path = paths.build_time_json();
    let Ok(text) = fs::read_to_string(&path) else {
        return Ok(vec![Row {
            figure: "5. clean debug build of a new binary crate".to_owned(),
            sdk: "skipped".to_owned(),
            baseline: "skipped".to_owned(),
            ratio: "—".to_owned(),
            goal: "—".to_owned(),
            met: "—".to_owned(),
        }]);
    };
    let report: Value =
        serde_json::from_str(&text).map_err(|e| format!("cannot parse {}: {e}", path.display()))?;
    build_rows(&report, " (earlier run)")
}

/// Figure 5's goal: the SDK's build at most this share of octocrab's.
const BUILD_GOAL: f64 = 0.45;

/// The rows of figure 5 from a report of [`measure_build_times`]: each SDK build against
/// octocrab's, as the ratio of the sums over the rounds (each round ran the builds in turn).
fn build_rows(report: &Value, note: &str) -> Result<Vec<Row>, String> {
    let total = |key: &str| -> Result<(f64, usize), String> {
        let values = report["seconds"][key]
            .as_array()
            .ok_or_else(|| format!("no seconds of `{key}` in the report"))?;
        let values: Vec<f64> = values.iter().filter_map(Value::as_f64).collect();
        Ok((values.iter().sum(), values.len()))
    };
    let (octocrab, rounds) = total("octocrab")?;
    let mut rows = Vec::new();
    for (key, label, _) in BUILDS.iter().filter(|(key, _, _)| *key != "octocrab") {
        let (sdk, _) = total(key)?;
        let ratio = sdk / octocrab;
        let mean = |sum: f64| format_duration(Duration::from_secs_f64(sum / rounds.max(1) as f64));
        let default = *key == "sdk";
        rows.push(Row {
            figure: format!("5. clean debug build, new binary crate: {label}{note}"),
            sdk: mean(sdk),
            baseline: format!("{} (octocrab 0.54, mean of {rounds})", mean(octocrab)),
            ratio: format!("{ratio:.2}×"),
            goal: if default { format!("≤ {BUILD_GOAL}×") } else { "—".to_owned() },
            met: if default { yes_no(ratio <= BUILD_GOAL) } else { "—".to_owned() },
        });
    }
    Ok(rows)
}

struct Row {
    figure: String,
    sdk: String,
    baseline: String,
    ratio: String,
    goal: String,
    met: String,
}

fn yes_no(met: bool) -> String {
    if met { "yes" } else { "NO" }.to_owned()
}

fn render(rows: &[Row]) -> String {
    let header = ["figure", "SDK", "baseline", "ratio", "goal", "met?"];
    let cells: Vec<[&str; 6]> =
        rows.iter().map(|r| [&*r.figure, &*r.sdk, &*r.baseline, &*r.ratio, &*r.goal, &*r.met]).collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[&str; 6]| {
        out.push('|');
        for (cell, width) in cells.iter().zip(widths) {
            let pad = width - cell.chars().count();
            let _ = write!(out, " {cell}{} |", " ".repeat(pad));
        }
        out.push('\n');
    };
    line(&header);
    let rules = widths.map(|w| "-".repeat(w));
    line(&[&*rules[0], &*rules[1], &*rules[2], &*rules[3], &*rules[4], &*rules[5]]);
    for row in &cells {
        line(row);
    }
    out
}

fn format_ns(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

fn format_bytes(bytes: f64) -> String {
    if bytes < 1024.0 * 1024.0 {
        format!("{:.1} KiB", bytes / 1024.0)
    } else {
        format!("{:.2} MiB", bytes / (1024.0 * 1024.0))
    }
}

fn format_duration(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds < 60.0 {
        format!("{seconds:.1} s")
    } else {
        format!("{}m {:04.1}s", (seconds / 60.0) as u64, seconds % 60.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments() {
        let options = parse(&["--quick", "--skip-build-time"]).unwrap();
        assert!(options.quick && options.skip_build_time && !options.no_run);
        assert!(parse(&["--bogus"]).unwrap_err().contains("unknown argument `--bogus`"));
    }

    #[test]
    fn missing_estimates_are_named() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-test-{}", std::process::id()));
        let paths = Paths {
            root: dir.clone(),
            criterion: dir.join("criterion"),
            results: dir.join("results"),
            build: dir.join("build"),
        };
        let results = Results { paths: &paths, fresh_since: None };
        let error = results.estimate("retrieve", "sdk").err().unwrap();
        assert!(error.contains("missing criterion estimates of `retrieve/sdk`"), "{error}");
        assert!(error.contains("estimates.json"), "{error}");
    }

    #[test]
    fn formatting() {
        assert_eq!(format_ns(850.0), "850 ns");
        assert_eq!(format_ns(41_234.0), "41.23 µs");
        assert_eq!(format_bytes(2048.0), "2.0 KiB");
        assert_eq!(format_duration(Duration::from_secs_f64(125.25)), "2m 05.2s");
    }

    #[test]
    fn build_rows_compare_each_sdk_build_with_octocrab_over_the_rounds() {
        let report = serde_json::json!({
            "seconds": { "sdk": [40.0, 44.0], "sdk_aws_lc": [70.0, 70.0], "octocrab": [100.0, 100.0] }
        });
        let rows = build_rows(&report, "").unwrap();
        let table = render(&rows);
        assert_eq!(rows.len(), 2, "{table}");
        assert!(rows[0].ratio == "0.42×" && rows[0].met == "yes", "{table}");
        assert!(rows[1].ratio == "0.70×" && rows[1].met == "—", "{table}");
        assert!(rows[0].baseline.contains("mean of 2"), "{table}");
        let missing = build_rows(&serde_json::json!({ "seconds": {} }), "").err().unwrap();
        assert!(missing.contains("octocrab"), "{missing}");
    }
}
