//! Figure 4b: peak heap growth while `.stream()`-ing 10,000 employers (100 pages of 100),
//! compared with the size of one page and of all pages.
//!
//! A counting global allocator (wrapping `System`) tracks the bytes currently allocated and
//! their peak. The server runs in a child process (this same binary, started with
//! `VITABLE_BENCH_MEMORY_SERVER=1`), so only the client's allocations are counted. Not a
//! criterion benchmark: it prints its numbers, and writes them as JSON to the file named by
//! `VITABLE_BENCH_MEMORY_OUT` when that is set (as `cargo xtask bench` does).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::StreamExt;
use vitable_connect::Employer;
use vitable_connect_benches::fixtures::{STREAM_PAGES, employer_pages, page_limit};
use vitable_connect_benches::server::Server;
use vitable_connect_benches::{client_runtime, sdk_client, write_report};

/// Set in the child process that serves the pages.
const SERVER_ENV: &str = "VITABLE_BENCH_MEMORY_SERVER";
/// Where to write the results as JSON.
const OUT_ENV: &str = "VITABLE_BENCH_MEMORY_OUT";

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// `System`, counting the bytes in use and their peak.
struct Counting;

fn grew(bytes: usize) {
    let now = CURRENT.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(bytes: usize) {
    CURRENT.fetch_sub(bytes, Ordering::Relaxed);
}

// SAFETY: every method forwards to `System` with the same arguments; the counters only
// observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Heap use while running `f`: the peak growth above the starting point, and what is still
/// allocated when it returns (its result included).
struct Usage {
    peak: usize,
    retained: isize,
}

fn measure<T>(f: impl FnOnce() -> T) -> (T, Usage) {
    let base = CURRENT.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let value = f();
    let peak = PEAK.load(Ordering::SeqCst).saturating_sub(base);
    let retained = CURRENT.load(Ordering::SeqCst) as isize - base as isize;
    (value, Usage { peak, retained })
}

fn kib(bytes: impl Into<f64>) -> String {
    format!("{:.1} KiB", bytes.into() / 1024.0)
}

/// The child: serve the pages until the parent closes our stdin.
fn serve() {
    let server = Server::start();
    println!("{}", server.base_url());
    std::io::stdout().flush().expect("stdout");
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    drop(server);
}

fn main() {
    if std::env::var_os(SERVER_ENV).is_some() {
        return serve();
    }
    // Criterion-style flags (`--bench`, `--warm-up-time ..`) are accepted and ignored.

    let exe = std::env::current_exe().expect("the path of this benchmark");
    let mut child = Command::new(exe)
        .env(SERVER_ENV, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("cannot start the server process");
    let mut base_url = String::new();
    BufReader::new(child.stdout.take().expect("piped stdout"))
        .read_line(&mut base_url)
        .expect("the server process prints its URL");
    let base_url = base_url.trim().to_owned();
    assert!(base_url.starts_with("http://127.0.0.1:"), "unexpected server URL `{base_url}`");

    let limit = page_limit();
    let pages = employer_pages(STREAM_PAGES, limit);
    let page_json = pages[0].len();
    let all_json: usize = pages.iter().map(|p| p.len()).sum();
    let items = (STREAM_PAGES * limit) as usize;

    let runtime = client_runtime();
    let client = sdk_client(&base_url);
    let stream_all = || {
        runtime.block_on(client.employers().list().limit(u64::from(limit)).stream().fold(
            0usize,
            |n, item| {
                black_box(item.expect("stream item"));
                async move { n + 1 }
            },
        ))
    };

    // Warm up: connection, lazily initialised statics, the runtime's buffers.
    assert_eq!(stream_all(), items);

    let (count, stream) = measure(stream_all);
    assert_eq!(count, items);

    let (count, page_loop) = measure(|| {
        runtime.block_on(async {
            let mut count = 0;
            for page in 1.. {
                let employers = client.employers().list().page(page).limit(u64::from(limit)).send().await;
                let employers = employers.expect("page");
                let last = employers.len() < limit as usize;
                count += employers.into_iter().map(black_box).count();
                if last {
                    break;
                }
            }
            count
        })
    });
    assert_eq!(count, items);

    let (one_page, decoded_page) =
        measure(|| serde_json::from_slice::<Vec<Employer>>(&pages[0]).expect("decode one page"));
    assert_eq!(one_page.len(), limit as usize);
    drop(one_page);

    let (all, decoded_all) = measure(|| {
        runtime.block_on(client.employers().list().limit(u64::from(limit)).stream().try_collect::<Vec<_>>())
    });
    assert_eq!(all.expect("collect").len(), items);

    let page_decoded = decoded_page.retained.max(0) as usize;
    let all_decoded = decoded_all.retained.max(0) as usize;
    let one_page_total = page_json + page_decoded;
    println!("stream memory ({items} employers in {STREAM_PAGES} pages of {limit}):");
    println!(
        "  one page:  {} JSON + {} decoded = {}",
        kib(page_json as f64),
        kib(page_decoded as f64),
        kib(one_page_total as f64)
    );
    println!("  all pages: {} JSON, {} decoded (collected)", kib(all_json as f64), kib(all_decoded as f64));
    println!(
        "  peak heap growth, .stream():       {} ({:.2}x one page, {:.1}% of all pages decoded)",
        kib(stream.peak as f64),
        stream.peak as f64 / one_page_total as f64,
        100.0 * stream.peak as f64 / all_decoded as f64
    );
    println!(
        "  peak heap growth, page-by-page loop: {} ({:.2}x one page)",
        kib(page_loop.peak as f64),
        page_loop.peak as f64 / one_page_total as f64
    );
    println!("  retained after the stream ended:   {} bytes", stream.retained);
    // What an emptied page buffer still holds while the next page is fetched.
    let buffer = std::mem::size_of::<Employer>() * limit as usize;
    println!("  an emptied {limit}-item buffer of Employer: {}", kib(buffer as f64));

    if let Some(path) = std::env::var_os(OUT_ENV) {
        let report = serde_json::json!({
            "items": items,
            "pages": STREAM_PAGES,
            "page_limit": limit,
            "page_json_bytes": page_json,
            "page_decoded_bytes": page_decoded,
            "all_pages_json_bytes": all_json,
            "all_pages_decoded_bytes": all_decoded,
            "stream_peak_bytes": stream.peak,
            "stream_retained_bytes": stream.retained,
            "page_loop_peak_bytes": page_loop.peak,
            "page_buffer_bytes": buffer,
        });
        write_report(path, &report);
    }

    drop(child.stdin.take());
    let _ = child.wait();
}
