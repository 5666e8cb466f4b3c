//! Peak memory while a server sends a 1 GiB response: it stays within the configured maximum
//! response size plus a small constant. Measured with a counting global allocator, so this
//! test binary holds one test, which runs the cases one after another.

mod support;
use support::raw_server;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use raw_server::Act;
use vitable_connect::{Client, Error};

/// Counts the bytes allocated now and the most allocated at once.
struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let now = NOW.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        NOW.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            if new_size >= layout.size() {
                let now =
                    NOW.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                NOW.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const GIB: usize = 1024 * 1024 * 1024;
const MIB: u64 = 1024 * 1024;
/// The configured maximum response size.
const CAP: u64 = 8 * MIB;
/// What a call may hold beyond the body: buffers of the HTTP stack, the error, the runtime.
const CONSTANT: u64 = 2 * MIB;

/// Runs `call` and returns its output with the most memory allocated at once meanwhile,
/// above what was allocated before.
async fn peak_of<T>(call: impl std::future::Future<Output = T>) -> (T, u64) {
    let before = NOW.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let output = call.await;
    (output, (PEAK.load(Ordering::SeqCst) - before) as u64)
}

/// A server whose every answer is a 1 GiB chunked body with `status`, in 64 KiB chunks.
async fn gigabyte(status: u16) -> raw_server::Server {
    raw_server::start(move |_, _| {
        let head = raw_server::chunked_head(status);
        Act::Stream { head, chunk: 64 * 1024, fill: b' ', every: Duration::ZERO }
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn a_gigabyte_response_holds_at_most_the_limit_plus_a_constant() {
    let success = gigabyte(200).await;
    let client = Client::builder()
        .api_key("sk_test_memory")
        .base_url(&success.uri)
        .max_response_size(CAP)
        .max_retries(0)
        .build()
        .unwrap();
    let (result, peak) = peak_of(client.employers().list().send()).await;
    let error = result.unwrap_err();
    assert!(matches!(error, Error::ResponseTooLarge { .. }), "{error:?}");
    println!("1 GiB success body, limit {CAP} bytes: peak {peak} bytes, {} bytes sent", success.streamed());
    assert!(peak <= CAP + CONSTANT, "peak {peak} bytes");
    assert!(success.streamed() < GIB);

    // A body just under the limit is read whole, holding about the limit, not twice that.
    let under = raw_server::start(|_, _| Act::Chunked {
        head: raw_server::chunked_head(200),
        total: CAP as usize - 1,
        chunk: 64 * 1024,
        fill: b' ',
    })
    .await;
    let client = Client::builder()
        .api_key("sk_test_memory")
        .base_url(&under.uri)
        .max_response_size(CAP)
        .max_retries(0)
        .build()
        .unwrap();
    let (result, peak) = peak_of(client.employers().list().send()).await;
    // Read whole (only blanks: not JSON), not refused as too large.
    assert!(matches!(result, Err(Error::Decode(_))), "{result:?}");
    println!("a body of the limit less one byte: peak {peak} bytes");
    assert!(peak <= CAP + CONSTANT, "peak {peak} bytes");

    let failure = gigabyte(500).await;
    let client = Client::builder()
        .api_key("sk_test_memory")
        .base_url(&failure.uri)
        .max_response_size(CAP)
        .max_retries(0)
        .build()
        .unwrap();
    let (result, peak) = peak_of(client.employers().list().send()).await;
    assert_eq!(result.unwrap_err().status().map(|s| s.as_u16()), Some(500));
    println!("1 GiB error body: peak {peak} bytes, {} bytes sent", failure.streamed());
    assert!(peak <= CONSTANT, "an error body is read only as far as its message needs: peak {peak} bytes");
}
