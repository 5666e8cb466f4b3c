//! The paired measurement of figure 1: one SDK call and one plain call, alternately, each
//! timed on its own (wall clock and the client thread's CPU time).
//!
//! Criterion measures the SDK and the baseline one after the other, seconds apart; on a
//! shared two-core machine the load changes in between and the latency of a loopback round
//! trip is bimodal (about 18 or 35 µs, depending on where the scheduler puts the threads),
//! so two back-to-back criterion runs can disagree by far more than the 5% being judged.
//! Alternating call by call puts both under the same conditions; medians of 20,000 calls
//! each are then stable to about 1%.

use std::hint::black_box;
use std::time::Instant;

use crate::cpu::thread_cpu_time;
use crate::fixtures::ENROLLMENT_ID;
use crate::plain::PlainClient;

/// Median and mean of a set of per-call timings, in nanoseconds.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub median: f64,
    pub mean: f64,
}

impl Summary {
    fn of(mut values: Vec<f64>) -> Self {
        values.sort_by(f64::total_cmp);
        let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
        Self { median: values.get(values.len() / 2).copied().unwrap_or(f64::NAN), mean }
    }
}

/// Per-call timings of both clients.
#[derive(Debug, Clone, Copy)]
pub struct Paired {
    pub calls: u64,
    pub sdk_wall: Summary,
    pub plain_wall: Summary,
    pub sdk_cpu: Summary,
    pub plain_cpu: Summary,
}

/// Runs `calls` SDK and `calls` plain retrieves, alternating, after a tenth as many
/// unrecorded rounds of warm-up. Must run on a current-thread runtime (see [`crate::cpu`]).
pub async fn retrieve(sdk: &vitable_connect::Client, plain: &PlainClient, calls: u64) -> Paired {
    let id: vitable_connect::EnrollmentId = ENROLLMENT_ID.parse().expect("a valid enrollment ID");
    let warm_up = calls / 10;
    let [mut cpu, mut wall] = [[Vec::new(), Vec::new()], [Vec::new(), Vec::new()]];
    for round in 0..warm_up + calls {
        for k in 0..2 {
            let (cpu_start, wall_start) = (thread_cpu_time(), Instant::now());
            if k == 0 {
                black_box(sdk.enrollments().retrieve(&id).send().await.expect("SDK retrieve"));
            } else {
                black_box(plain.retrieve_enrollment(ENROLLMENT_ID).await.expect("plain retrieve"));
            }
            let (cpu_used, wall_used) = (thread_cpu_time() - cpu_start, wall_start.elapsed());
            if round >= warm_up {
                cpu[k].push(cpu_used.as_nanos() as f64);
                wall[k].push(wall_used.as_nanos() as f64);
            }
        }
    }
    let [sdk_cpu, plain_cpu] = cpu.map(Summary::of);
    let [sdk_wall, plain_wall] = wall.map(Summary::of);
    Paired { calls, sdk_wall, plain_wall, sdk_cpu, plain_cpu }
}

/// Requests per batch of the paired throughput measurement (as in the criterion benchmark).
pub const BATCH: u64 = 256;

/// Requests per second of both clients at one concurrency level.
#[derive(Debug, Clone, Copy)]
pub struct PairedThroughput {
    pub concurrency: usize,
    pub rounds: u32,
    /// Median over the rounds of each batch's requests per second.
    pub sdk_per_second: f64,
    pub plain_per_second: f64,
}

/// Sends `rounds` batches of [`BATCH`] retrieves at `concurrency` through each client,
/// alternating SDK batch and plain batch, and returns the median rate of each.
pub async fn throughput(
    sdk: &vitable_connect::Client,
    plain: &PlainClient,
    concurrency: usize,
    rounds: u32,
) -> PairedThroughput {
    use futures::StreamExt;

    let id: vitable_connect::EnrollmentId = ENROLLMENT_ID.parse().expect("a valid enrollment ID");
    let mut rates = [Vec::new(), Vec::new()];
    for round in 0..rounds + 2 {
        for (k, rates) in rates.iter_mut().enumerate() {
            let started = Instant::now();
            if k == 0 {
                futures::stream::iter(0..BATCH)
                    .map(|_| sdk.enrollments().retrieve(&id).send())
                    .buffer_unordered(concurrency)
                    .for_each(|r| {
                        black_box(r.expect("SDK retrieve"));
                        std::future::ready(())
                    })
                    .await;
            } else {
                futures::stream::iter(0..BATCH)
                    .map(|_| plain.retrieve_enrollment(ENROLLMENT_ID))
                    .buffer_unordered(concurrency)
                    .for_each(|r| {
                        black_box(r.expect("plain retrieve"));
                        std::future::ready(())
                    })
                    .await;
            }
            // The first two rounds open the connections and warm up.
            if round >= 2 {
                rates.push(BATCH as f64 / started.elapsed().as_secs_f64());
            }
        }
    }
    let [sdk_rates, plain_rates] = rates.map(Summary::of);
    PairedThroughput {
        concurrency,
        rounds,
        sdk_per_second: sdk_rates.median,
        plain_per_second: plain_rates.median,
    }
}
