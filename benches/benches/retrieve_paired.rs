//! Figures 1 and 3, paired ([`vitable_connect_benches::paired`]): alternates one SDK call and
//! one plain `reqwest` call 20,000 times each and reports the medians of both (wall clock and
//! client CPU); then, at concurrency 1, 16 and 64, alternates batches of 256 requests through
//! each client and reports the median requests per second. Not a criterion benchmark: it prints its numbers, and writes them as JSON to the
//! file named by `VITABLE_BENCH_PAIRED_OUT` when that is set (as `cargo xtask bench` does).

use vitable_connect_benches::plain::PlainClient;
use vitable_connect_benches::server::Server;
use vitable_connect_benches::{client_runtime, paired, sdk_client, write_report};

/// Calls of each client.
const CALLS: u64 = 20_000;
/// Batches of each client per concurrency level.
const ROUNDS: u32 = 30;
/// The concurrency levels of figure 3.
const CONCURRENCY: [usize; 3] = [1, 16, 64];
/// Where to write the results as JSON.
const OUT_ENV: &str = "VITABLE_BENCH_PAIRED_OUT";

fn main() {
    // Criterion-style flags (`--bench`, `--warm-up-time ..`) are accepted and ignored.
    let server = Server::start();
    let runtime = client_runtime();
    let sdk = sdk_client(server.base_url());
    let plain = PlainClient::new(server.base_url());
    let result = runtime.block_on(paired::retrieve(&sdk, &plain, CALLS));
    let throughput: Vec<_> =
        CONCURRENCY.iter().map(|&c| runtime.block_on(paired::throughput(&sdk, &plain, c, ROUNDS))).collect();

    let us = |ns: f64| ns / 1e3;
    println!("retrieve, paired ({CALLS} alternating calls each; median / mean per call):");
    for (what, sdk, plain) in
        [("wall clock", result.sdk_wall, result.plain_wall), ("client CPU", result.sdk_cpu, result.plain_cpu)]
    {
        println!(
            "  {what}: SDK {:.2} / {:.2} µs, reqwest {:.2} / {:.2} µs, ratio {:.3} / {:.3}",
            us(sdk.median),
            us(sdk.mean),
            us(plain.median),
            us(plain.mean),
            sdk.median / plain.median,
            sdk.mean / plain.mean
        );
    }

    println!("throughput, paired ({ROUNDS} alternating batches of {} each; median):", paired::BATCH);
    for t in &throughput {
        println!(
            "  concurrency {:>2}: SDK {:.0} req/s, reqwest {:.0} req/s, cost ratio {:.3}",
            t.concurrency,
            t.sdk_per_second,
            t.plain_per_second,
            t.plain_per_second / t.sdk_per_second
        );
    }

    if let Some(path) = std::env::var_os(OUT_ENV) {
        let summary = |s: paired::Summary| serde_json::json!({ "median_ns": s.median, "mean_ns": s.mean });
        let report = serde_json::json!({
            "calls": result.calls,
            "sdk_wall": summary(result.sdk_wall),
            "reqwest_wall": summary(result.plain_wall),
            "sdk_cpu": summary(result.sdk_cpu),
            "reqwest_cpu": summary(result.plain_cpu),
            "throughput": throughput.iter().map(|t| serde_json::json!({
                "concurrency": t.concurrency,
                "rounds": t.rounds,
                "batch": paired::BATCH,
                "sdk_per_second": t.sdk_per_second,
                "reqwest_per_second": t.plain_per_second,
            })).collect::<Vec<_>>(),
        });
        write_report(path, &report);
    }
    drop(runtime);
    drop(server);
}
