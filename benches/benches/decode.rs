//! Figure 2: decoding a 100-item enrollment page from JSON bytes into
//! `Vec<vitable_connect::Enrollment>` versus a plain `#[derive(Deserialize)]` struct of the
//! same shape (`String` IDs, `chrono` dates, plain enums).
//!
//! Criterion group `decode_page_100`: `sdk` and `serde`, measured in CPU time of the
//! benchmark's thread ([`ThreadCpuTime`]): decoding is single-threaded CPU work, and CPU time
//! leaves out the time the thread is preempted by other work on a busy machine.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use vitable_connect_benches::cpu::ThreadCpuTime;
use vitable_connect_benches::fixtures::enrollment_page;
use vitable_connect_benches::plain::PlainEnrollment;

fn decode(c: &mut Criterion<ThreadCpuTime>) {
    let page = enrollment_page(100);
    let mut group = c.benchmark_group("decode_page_100");
    group.throughput(Throughput::Bytes(page.len() as u64));
    group.bench_function("sdk", |b| {
        b.iter(|| {
            serde_json::from_slice::<Vec<vitable_connect::Enrollment>>(black_box(&page)).expect("SDK decode")
        })
    });
    group.bench_function("serde", |b| {
        b.iter(|| serde_json::from_slice::<Vec<PlainEnrollment>>(black_box(&page)).expect("plain decode"))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = decode
}
criterion_main!(benches);
