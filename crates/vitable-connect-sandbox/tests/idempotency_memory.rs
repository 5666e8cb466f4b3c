//! What the idempotency store keeps per key does not grow with the request body: it keeps a
//! digest of the request, not the body. Measured on the heap (live bytes, counted by this test
//! binary's allocator), in a binary of its own so that no other test allocates meanwhile.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use reqwest::Method;
use serde_json::json;
use support::Api;

/// The system allocator, counting the bytes currently allocated.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

fn signed(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

// SAFETY: every call is passed on to `System` unchanged; only a counter is updated besides.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc`, passed on.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            LIVE.fetch_add(signed(layout.size()), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract for `dealloc`, passed on.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(signed(layout.size()), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract for `realloc`, passed on.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            LIVE.fetch_add(signed(new_size) - signed(layout.size()), Ordering::Relaxed);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[tokio::test(flavor = "current_thread")]
async fn the_memory_kept_per_idempotency_key_does_not_grow_with_the_request_body() {
    const KEYS: isize = 20;
    const PADDING: usize = 512 * 1024;
    let api = Api::seeded().await;
    let path = format!("/v1/members/{}/qualifying-life-events", api.employee(0).member_id);
    // A successful request (unknown properties are ignored) that is half a megabyte long.
    let body = json!({ "event_type": "Marriage", "event_date": "2026-05-01", "note": "x".repeat(PADDING) });
    let bytes = serde_json::to_vec(&body).unwrap();
    let send = |key: String| {
        let request = api
            .request(Method::POST, &path)
            .header("idempotency-key", key)
            .header("content-type", "application/json")
            .body(bytes.clone());
        api.send(request)
    };
    // Warm up: connections, buffers and lazily built tables exist before the measurement.
    for i in 0..3 {
        send(format!("warm-{i}")).await.expect(201);
    }
    let before = LIVE.load(Ordering::Relaxed);
    for i in 0..KEYS {
        send(format!("key-{i}")).await.expect(201);
    }
    let after = LIVE.load(Ordering::Relaxed);
    let per_key = (after - before) / KEYS;
    println!("live heap per keyed {PADDING}-byte request: {per_key} bytes");
    assert!(
        per_key < 64 * 1024,
        "each keyed request of {PADDING} bytes keeps {per_key} bytes on the heap: the body is kept"
    );
    // The keys still work.
    let replay = send("key-0".to_owned()).await.expect(201);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
}
