//! Tracing: what the SDK records, shown by a `tracing-subscriber` subscriber, against the
//! in-process sandbox:
//!
//! ```sh
//! cargo run -p vitable-connect-examples --example tracing
//! RUST_LOG=vitable_connect=info cargo run -p vitable-connect-examples --example tracing
//! ```
//!
//! The SDK records nothing until the application installs a subscriber. Its target is
//! `vitable_connect::transport`: an `INFO` span `vitable_connect.request` per call (method,
//! URL template, the URL with personal values redacted, status, resend count, error type,
//! operation, request id) and a `DEBUG` event per attempt and retry. Bodies, the API key and
//! SSNs are never recorded.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;
use vitable_connect_examples::demo_sandbox;

#[tokio::main]
async fn main() -> vitable_connect::Result<()> {
    // `RUST_LOG` chooses what to show; by default every attempt of the SDK's requests.
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("vitable_connect=debug"));
    // Closing a span prints it with the fields recorded by then (status, resend count, ...).
    // Colours only on a terminal.
    let ansi = std::io::stdout().is_terminal();
    tracing_subscriber::fmt().with_env_filter(filter).with_span_events(FmtSpan::CLOSE).with_ansi(ansi).init();

    let sandbox = demo_sandbox().await;
    let client = sandbox.client();
    let demo = sandbox.demo().expect("a seeded sandbox");

    // One call that succeeds at once, one retried after a 503, one that fails with a 404.
    client.employers().employees().list(&demo.employer_id).limit(2).await?;
    sandbox.faults().fail_next("employers.retrieve", 1, 503, None);
    client.employers().retrieve(&demo.employer_id).await?;
    let missing = client.enrollments().retrieve(&"enrl_doesnotexist".parse()?).await;
    assert!(missing.is_err());

    sandbox.shutdown().await;
    Ok(())
}
