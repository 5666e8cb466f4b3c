//! Shared pieces of the benchmark suite of `vitable-connect`.
//!
//! * [`fixtures`]: the JSON bodies the local server returns (one enrollment, a 100-item
//!   enrollment page, 100 pages of 100 employers), built once and served pre-serialised.
//! * [`server`]: a minimal axum server on `127.0.0.1:0`, on its own background runtime.
//! * [`cpu`]: a criterion measurement of the client thread's CPU time.
//! * [`paired`]: figure 1 measured call by call, alternating the SDK and the baseline.
//! * [`plain`]: the baseline: plain `#[derive(Deserialize)]` types of the same shape as the
//!   SDK's and a hand-written `reqwest` call of the same request.
//!
//! The benchmarks themselves are in `benches/`; `cargo xtask bench` runs them all and prints
//! the summary table (see `BENCHMARKS.md` at the workspace root).

pub mod cpu;
pub mod fixtures;
pub mod paired;
pub mod plain;
pub mod server;

use std::time::Duration;

/// The API key both clients send (`Authorization: Bearer <key>`); the server checks it.
pub const API_KEY: &str = "sk_bench_0123456789abcdef";

/// The timeout the SDK sets by default, set on the plain client too.
pub const TIMEOUT: Duration = vitable_connect::DEFAULT_TIMEOUT;

/// The connect timeout the SDK sets by default, set on the plain client too.
pub const CONNECT_TIMEOUT: Duration = vitable_connect::DEFAULT_CONNECT_TIMEOUT;

/// Writes a benchmark's results as pretty JSON to `path` (creating its directory), for
/// `cargo xtask bench` to read; the path comes from an environment variable the xtask sets.
pub fn write_report(path: impl Into<std::path::PathBuf>, report: &serde_json::Value) {
    let path = path.into();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("cannot create the results directory");
    }
    std::fs::write(&path, serde_json::to_vec_pretty(report).expect("JSON"))
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    println!("  written to {}", path.display());
}

/// An SDK client with default settings (timeouts, retries) talking to `base_url`.
pub fn sdk_client(base_url: &str) -> vitable_connect::Client {
    vitable_connect::Client::builder()
        .api_key(API_KEY)
        .base_url(base_url)
        .build()
        .expect("the benchmark client configuration is valid")
}

/// The runtime the clients run on: one thread, so that with the server's one worker the
/// benchmark uses the machine's two cores and the client's CPU cost shows directly.
pub fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("cannot build the client runtime")
}
