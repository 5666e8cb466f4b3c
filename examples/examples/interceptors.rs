//! Interceptors: code that runs before and after every attempt of every request, retries
//! included, against the in-process sandbox:
//!
//! ```sh
//! cargo run -p vitable-connect-examples --example interceptors
//! ```
//!
//! One adds a header to every attempt (as a token that rotates would), the other counts
//! attempts per operation and prints how each ended (as a metrics library would).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use vitable_connect::interceptor::{AttemptOutcome, AttemptRequest, Interceptor};
use vitable_connect_examples::demo_sandbox;

/// Adds `x-partner` to every attempt.
struct Partner(&'static str);

impl Interceptor for Partner {
    fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
        request.set_header("x-partner", self.0).expect("a valid header");
    }
}

/// Counts attempts per operation, and prints each one.
#[derive(Clone, Default)]
struct Attempts(Arc<Mutex<BTreeMap<&'static str, u32>>>);

impl Interceptor for Attempts {
    fn after_attempt(&self, attempt: &AttemptOutcome<'_>) {
        *self.0.lock().unwrap().entry(attempt.operation()).or_default() += 1;
        println!(
            "  {} attempt {}: {:?} in {:?}{}",
            attempt.operation(),
            attempt.attempt(),
            attempt.status().map(|s| s.as_u16()),
            attempt.latency(),
            if attempt.will_retry() { ", retrying" } else { "" }
        );
    }
}

#[tokio::main]
async fn main() -> vitable_connect::Result<()> {
    let sandbox = demo_sandbox().await;
    let attempts = Attempts::default();
    // The sandbox's client builder, with two interceptors; they run in the order added.
    let client = sandbox
        .client_builder()
        .interceptor(Partner("acme-payroll"))
        .interceptor(attempts.clone())
        .build()?;

    // The next list fails twice with a 503: three attempts, each seen by the interceptors.
    sandbox.faults().fail_next("employers.list", 2, 503, None);
    let employers = client.employers().list().await?;
    println!("listed {} employer(s)", employers.len());

    let demo = sandbox.demo().expect("a seeded sandbox");
    client.employers().retrieve(&demo.employer_id).await?;

    let counted = attempts.0.lock().unwrap().clone();
    println!("attempts per operation: {counted:?}");
    assert_eq!(counted.get("employers.list"), Some(&3));
    assert_eq!(counted.get("employers.retrieve"), Some(&1));

    sandbox.shutdown().await;
    Ok(())
}
