//! Figure 1: one `client.enrollments().retrieve(&id).send()` through the SDK versus the same
//! request made with plain `reqwest` + `serde_json` (same headers, same timeouts, decoded
//! into a plain struct), against the same local keep-alive server.
//!
//! * Criterion group `retrieve` (`sdk`, `reqwest`): wall-clock latency per call.
//! * Criterion group `retrieve_cpu` (`sdk`, `reqwest`): CPU time of the client's thread per
//!   call ([`ThreadCpuTime`]): the client-side cost alone, without the server's share and
//!   without the scheduling noise of a busy two-core machine.

use std::hint::black_box;

use criterion::measurement::Measurement;
use criterion::{Criterion, criterion_group, criterion_main};
use vitable_connect::EnrollmentId;
use vitable_connect_benches::cpu::ThreadCpuTime;
use vitable_connect_benches::fixtures::ENROLLMENT_ID;
use vitable_connect_benches::plain::PlainClient;
use vitable_connect_benches::server::Server;
use vitable_connect_benches::{client_runtime, sdk_client};

fn compare<M: Measurement>(c: &mut Criterion<M>, group: &str) {
    let server = Server::start();
    let runtime = client_runtime();
    let sdk = sdk_client(server.base_url());
    let plain = PlainClient::new(server.base_url());
    let id: EnrollmentId = ENROLLMENT_ID.parse().expect("a valid enrollment ID");

    let mut group = c.benchmark_group(group);
    group.bench_function("sdk", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(sdk.enrollments().retrieve(black_box(&id)).send().await.expect("SDK retrieve"))
        })
    });
    group.bench_function("reqwest", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(plain.retrieve_enrollment(black_box(ENROLLMENT_ID)).await.expect("plain retrieve"))
        })
    });
    group.finish();
    drop(runtime);
    drop(server);
}

fn wall_clock(c: &mut Criterion) {
    compare(c, "retrieve");
}

fn client_cpu(c: &mut Criterion<ThreadCpuTime>) {
    compare(c, "retrieve_cpu");
}

criterion_group!(wall, wall_clock);
criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = client_cpu
}
criterion_main!(wall, cpu);
