//! Figure 4a: `client.employers().list().limit(100).stream()` over 10,000 items (100 pages of
//! 100, then an empty page) versus a hand-written loop calling `.page(p).limit(100).send()`
//! until a short page. Both make the same 101 requests through the same SDK client.
//!
//! Criterion group `stream_10k`: `sdk_stream` and `page_loop`.

use std::hint::black_box;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use futures::TryStreamExt;
use vitable_connect_benches::fixtures::{STREAM_PAGES, page_limit};
use vitable_connect_benches::server::Server;
use vitable_connect_benches::{client_runtime, sdk_client};

fn items() -> u64 {
    u64::from(page_limit()) * u64::from(STREAM_PAGES)
}

fn stream(c: &mut Criterion) {
    let server = Server::start();
    let runtime = client_runtime();
    let client = sdk_client(server.base_url());

    let mut group = c.benchmark_group("stream_10k");
    group.throughput(Throughput::Elements(items()));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.bench_function("sdk_stream", |b| {
        b.to_async(&runtime).iter(|| async {
            let count = client
                .employers()
                .list()
                .limit(u64::from(page_limit()))
                .stream()
                .try_fold(0u64, |n, employer| {
                    black_box(employer);
                    async move { Ok(n + 1) }
                })
                .await
                .expect("stream");
            assert_eq!(count, items());
        })
    });
    group.bench_function("page_loop", |b| {
        b.to_async(&runtime).iter(|| async {
            let mut count = 0u64;
            let mut page = 1;
            loop {
                let items = client
                    .employers()
                    .list()
                    .page(page)
                    .limit(u64::from(page_limit()))
                    .send()
                    .await
                    .expect("page");
                let last = items.len() < page_limit() as usize;
                for employer in items {
                    black_box(employer);
                    count += 1;
                }
                if last {
                    break;
                }
                page += 1;
            }
            assert_eq!(count, items());
        })
    });
    group.finish();
    drop(runtime);
    drop(server);
}

criterion_group!(benches, stream);
criterion_main!(benches);
