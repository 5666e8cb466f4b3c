//! Lazy streams over the pages of a list operation.
//!
//! The API pages with `page` and `limit` (their limits and defaults are in `openapi.yaml`)
//! and returns a plain array; a page shorter than `limit` is the last one. Every list
//! builder's `stream()` turns "fetch page N" into a stream of items that fetches the next page only when the current one is used up, so at
//! most one page is held in memory, and that ends after a short (or empty) page or the first
//! error (yielded as the stream's last item).

use std::collections::VecDeque;
use std::future::Future;

use futures::stream::{self, BoxStream, StreamExt};

use crate::error::{Error, Result};

/// A stream of the items of every page, one page fetched at a time.
pub type ItemStream<T> = BoxStream<'static, Result<T>>;

/// Streams items from `fetch(page)` starting at `first_page`, each page holding up to `limit`.
/// A page holding more than `limit` items is a fault of the server: the stream ends with
/// [`Error::PageTooLong`] instead of trusting it.
pub(crate) fn paginate<T, F, Fut>(
    operation: &'static str,
    first_page: u64,
    limit: u64,
    fetch: F,
) -> ItemStream<T>
where
    T: Send + 'static,
    F: FnMut(u64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Vec<T>>> + Send,
{
    let initial = (fetch, Some(first_page), VecDeque::<T>::new());
    stream::unfold(initial, move |(mut fetch, mut next_page, mut buffer)| async move {
        loop {
            if let Some(item) = buffer.pop_front() {
                return Some((Ok(item), (fetch, next_page, buffer)));
            }
            let page = next_page?;
            // Free the drained page's storage before the next one arrives: one page at a time.
            buffer = VecDeque::new();
            match fetch(page).await {
                Err(error) => return Some((Err(error), (fetch, None, buffer))),
                Ok(items) if items.len() as u64 > limit => {
                    let error = Error::PageTooLong { operation, page, limit, items: items.len() };
                    return Some((Err(error), (fetch, None, buffer)));
                }
                Ok(items) => {
                    let last = (items.len() as u64) < limit;
                    next_page = if last { None } else { page.checked_add(1) };
                    buffer = items.into();
                }
            }
        }
    })
    // Polling again after the end keeps answering `None` instead of panicking.
    .fuse()
    .boxed()
}
