//! Diagnostics of the per-call cost of `enrollments().retrieve(..)`, SDK versus plain
//! `reqwest` (used to find where the SDK's overhead goes; see `BENCHMARKS.md`):
//!
//! ```text
//! cargo build --release -p vitable-connect-benches --example per_call
//! target/release/examples/per_call sdk 20000       # allocations/call, CPU and wall µs/call
//! target/release/examples/per_call reqwest 20000
//! target/release/examples/per_call paired 20000    # alternate both, call by call
//! target/release/examples/per_call sdk 1 --trace   # every allocation of one call, with its callers
//! target/release/examples/per_call sdk 1 --sizes   # size of the futures of one call
//! ```
//!
//! Allocations are counted by a global allocator (all threads; the in-process server does
//! the same work for both clients, so the difference is the SDK's own). `perf record` on the
//! `sdk` and `reqwest` modes gives comparable profiles.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

use vitable_connect::EnrollmentId;
use vitable_connect_benches::cpu::thread_cpu_time;
use vitable_connect_benches::fixtures::ENROLLMENT_ID;
use vitable_connect_benches::plain::PlainClient;
use vitable_connect_benches::server::Server;
use vitable_connect_benches::{client_runtime, sdk_client};

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
/// While set, allocations on the tracing thread are recorded with a backtrace.
static TRACING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

thread_local! {
    static TRACED_THREAD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static IN_TRACE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static TRACES: std::cell::RefCell<Vec<(usize, String)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Records who allocates `size` bytes, when tracing this thread (`--trace`).
fn trace(size: usize) {
    if !TRACING.load(Ordering::Relaxed) || !TRACED_THREAD.with(|t| t.get()) || IN_TRACE.with(|t| t.get()) {
        return;
    }
    IN_TRACE.with(|t| t.set(true));
    let backtrace = std::backtrace::Backtrace::force_capture().to_string();
    let frames: Vec<&str> = backtrace
        .lines()
        .map(str::trim)
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .filter_map(|l| l.split_once(": ").map(|(_, f)| f))
        .filter(|f| {
            !f.starts_with("std::backtrace")
                && !f.contains("per_call::")
                && !f.starts_with("__rustc::")
                && !f.starts_with("alloc::")
                && !f.starts_with("<alloc::")
                && !f.starts_with("core::")
        })
        .take(3)
        .collect();
    TRACES.with(|t| t.borrow_mut().push((size, frames.join("  <  "))));
    IN_TRACE.with(|t| t.set(false));
}
static BYTES: AtomicU64 = AtomicU64::new(0);

/// `System`, counting allocations and allocated bytes (all threads).
struct Counting;

// SAFETY: every method forwards to `System` unchanged; the counters only observe.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        trace(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
        trace(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "sdk".to_owned());
    let calls: u64 = args.next().map_or(10_000, |n| n.parse().expect("a number of calls"));
    assert!(
        which == "sdk" || which == "reqwest" || which == "paired",
        "usage: per_call sdk|reqwest|paired [CALLS] [--trace]"
    );

    let server = Server::start();
    let runtime = client_runtime();
    let sdk = sdk_client(server.base_url());
    let plain = PlainClient::new(server.base_url());
    let id: EnrollmentId = ENROLLMENT_ID.parse().expect("a valid enrollment ID");

    if std::env::args().any(|a| a == "--sizes") {
        let sdk_future = sdk.enrollments().retrieve(&id).send();
        let plain_future = plain.retrieve_enrollment(ENROLLMENT_ID);
        println!(
            "future sizes: sdk send() {} bytes, plain {} bytes",
            std::mem::size_of_val(&sdk_future),
            std::mem::size_of_val(&plain_future)
        );
        return;
    }
    if which == "paired" {
        let result = runtime.block_on(vitable_connect_benches::paired::retrieve(&sdk, &plain, calls));
        println!("{result:#?}");
        return;
    }

    let run = |n: u64| {
        runtime.block_on(async {
            for _ in 0..n {
                if which == "sdk" {
                    black_box(sdk.enrollments().retrieve(&id).send().await.expect("SDK retrieve"));
                } else {
                    black_box(plain.retrieve_enrollment(ENROLLMENT_ID).await.expect("plain retrieve"));
                }
            }
        })
    };
    run(calls / 10 + 100); // warm-up: connection, pools, lazily initialised statics

    if std::env::args().any(|a| a == "--trace") {
        // One more call with every allocation of this (the client's) thread recorded.
        TRACED_THREAD.with(|t| t.set(true));
        TRACING.store(true, Ordering::SeqCst);
        run(1);
        TRACING.store(false, Ordering::SeqCst);
        let traces = TRACES.with(|t| std::mem::take(&mut *t.borrow_mut()));
        println!("{} allocations on the client thread in one {which} call:", traces.len());
        for (size, frames) in traces {
            println!("{size:>6} B  {frames}");
        }
        return;
    }

    let (allocations, bytes) = (ALLOCATIONS.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed));
    let cpu = thread_cpu_time();
    let wall = std::time::Instant::now();
    run(calls);
    let (wall, cpu) = (wall.elapsed(), thread_cpu_time() - cpu);
    let per_call = |v: u64| v as f64 / calls as f64;
    println!(
        "{which}: {calls} calls, {:.1} allocations/call ({:.0} bytes/call, all threads), \
         client CPU {:.2} µs/call, wall {:.2} µs/call",
        per_call(ALLOCATIONS.load(Ordering::Relaxed) - allocations),
        per_call(BYTES.load(Ordering::Relaxed) - bytes),
        cpu.as_secs_f64() * 1e6 / calls as f64,
        wall.as_secs_f64() * 1e6 / calls as f64,
    );
    drop(runtime);
    drop(server);
}
