//! Figure 3: requests per second through one shared client at concurrency 1, 16 and 64.
//! Each iteration sends a batch of [`BATCH`] `enrollments().retrieve(..)` requests with
//! `buffer_unordered(concurrency)`; criterion reports the batch as `Throughput::Elements`.
//! The same batch through the plain `reqwest` client is the baseline.
//!
//! Criterion group `throughput`: `sdk_c1`, `sdk_c16`, `sdk_c64`, `reqwest_c1`, ...

use std::future::ready;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures::StreamExt;
use vitable_connect::EnrollmentId;
use vitable_connect_benches::fixtures::ENROLLMENT_ID;
use vitable_connect_benches::plain::PlainClient;
use vitable_connect_benches::server::Server;
use vitable_connect_benches::{client_runtime, sdk_client};

/// Requests per iteration.
const BATCH: u64 = 256;

/// The concurrency levels measured.
const CONCURRENCY: [usize; 3] = [1, 16, 64];

fn throughput(c: &mut Criterion) {
    let server = Server::start();
    let runtime = client_runtime();
    let sdk = sdk_client(server.base_url());
    let plain = PlainClient::new(server.base_url());
    let id: EnrollmentId = ENROLLMENT_ID.parse().expect("a valid enrollment ID");

    let mut group = c.benchmark_group("throughput");
    group.throughput(Throughput::Elements(BATCH));
    group.sample_size(20);
    for concurrency in CONCURRENCY {
        group.bench_function(format!("sdk_c{concurrency}"), |b| {
            b.to_async(&runtime).iter(|| {
                futures::stream::iter(0..BATCH)
                    .map(|_| sdk.enrollments().retrieve(&id).send())
                    .buffer_unordered(concurrency)
                    .for_each(|result| {
                        black_box(result.expect("SDK retrieve"));
                        ready(())
                    })
            })
        });
        group.bench_function(format!("reqwest_c{concurrency}"), |b| {
            b.to_async(&runtime).iter(|| {
                futures::stream::iter(0..BATCH)
                    .map(|_| plain.retrieve_enrollment(ENROLLMENT_ID))
                    .buffer_unordered(concurrency)
                    .for_each(|result| {
                        black_box(result.expect("plain retrieve"));
                        ready(())
                    })
            })
        });
    }
    group.finish();
    drop(runtime);
    drop(server);
}

criterion_group!(benches, throughput);
criterion_main!(benches);
