//! Lazy streams over the pages of a list operation.
//!
//! The API pages with `page` and `limit` (their limits and defaults are in `openapi.yaml`)
//! and returns a plain array; a page shorter than `limit` is the last one. Every list
//! builder has two ways through the pages, each fetching a page only when the previous one
//! is used up, so at most one page is held in memory:
//!
//! * `.stream()` gives an [`ItemStream`]: the items of every page, one by one;
//! * `.pages()` gives a [`PageStream`]: the pages themselves, for work done a page at a time
//!   (a batch insert, a progress line per page).
//!
//! Both end after a short (or empty) page, or after the first error, which is their last
//! item. The common uses need no other crate:
//!
//! ```no_run
//! # async fn run(client: vitable_connect::Client, employer: vitable_connect::EmployerId) -> vitable_connect::Result<()> {
//! // Every employee of an employer, however many pages that takes.
//! let everyone: Vec<_> = client.employers().employees().list(&employer).stream().try_collect().await?;
//!
//! // Or as an iterator would collect it.
//! let again: vitable_connect::Result<Vec<_>> = client.employers().employees().list(&employer).stream().collect().await;
//!
//! // One item at a time: `try_next` gives `Ok(None)` at the end, and `?` stops at an error.
//! let mut employees = client.employers().employees().list(&employer).stream();
//! while let Some(employee) = employees.try_next().await? {
//!     println!("{} {}", employee.member.first_name, employee.member.last_name);
//! }
//!
//! // A page at a time, 100 items each.
//! let mut pages = client.employers().employees().list(&employer).limit(100).pages();
//! while let Some(page) = pages.try_next().await? {
//!     println!("a page of {}", page.len());
//! }
//! # let _ = (everyone, again); Ok(()) }
//! ```
//!
//! Both types also implement [`futures::Stream`](https://docs.rs/futures/0.3/futures/stream/trait.Stream.html)
//! (`Item = Result<T>`), so every adapter of the `futures` crate works on them: add
//! `futures = "0.3"` to your `Cargo.toml` and bring `futures::StreamExt` (`map`, `take`,
//! `buffer_unordered`, ...) or `futures::TryStreamExt` (`try_filter`, `map_ok`, ...) into
//! scope. The methods above are the types' own, so they work with or without those traits
//! in scope, and mean the same as the traits' methods of the same names.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};

use crate::error::{Error, Result};

/// The pages of a list, one fetched at a time: each item is one page's items, in order.
///
/// Made by every list builder's `.pages()`. It ends after a page shorter than the limit (an
/// empty last page is not yielded) or after an error, which is its last item. A page longer
/// than the limit is a fault of the server: the stream ends with [`Error::PageTooLong`]
/// instead of trusting it. See the [module docs](self) for examples.
#[must_use = "a stream does nothing until it is polled, e.g. with `.try_next().await`"]
pub struct PageStream<T> {
    inner: BoxStream<'static, Result<Vec<T>>>,
}

/// The items of every page of a list, one page fetched at a time.
///
/// Made by every list builder's `.stream()`. It ends after the last item of a page shorter
/// than the limit, or after an error, which is its last item (a page longer than the limit
/// ends it with [`Error::PageTooLong`]). See the [module docs](self) for examples.
#[must_use = "a stream does nothing until it is polled, e.g. with `.try_next().await`"]
pub struct ItemStream<T> {
    inner: BoxStream<'static, Result<T>>,
}

/// The methods both streams share, with the same meaning as the `futures` traits' methods of
/// the same names (inherent methods come first, so no trait import is needed).
macro_rules! stream_methods {
    ($stream:ident, $item:ty, $what:literal) => {
        impl<T: Send + 'static> $stream<T> {
            #[doc = concat!("The next ", $what, ", `None` once the stream has ended (an error is the last item).")]
            pub async fn next(&mut self) -> Option<Result<$item>> {
                StreamExt::next(&mut self.inner).await
            }

            #[doc = concat!("The next ", $what, ": `Ok(None)` once the stream has ended, `Err` for the error that ended it.")]
            pub async fn try_next(&mut self) -> Result<Option<$item>> {
                TryStreamExt::try_next(&mut self.inner).await
            }

            #[doc = concat!("Every remaining ", $what, ", into any collection (a `Vec` most often), or the first error.")]
            pub async fn try_collect<C: Default + Extend<$item>>(self) -> Result<C> {
                TryStreamExt::try_collect(self.inner).await
            }

            #[doc = concat!("Every remaining item, collected like an iterator's: `collect::<Result<Vec<_>>>()` gives every ", $what, " or the error that ended the stream, `collect::<Vec<Result<_>>>()` keeps that error as the last item.")]
            pub async fn collect<C: FromIterator<Result<$item>>>(self) -> C {
                let items: Vec<Result<$item>> = StreamExt::collect(self.inner).await;
                items.into_iter().collect()
            }
        }

        impl<T> Stream for $stream<T> {
            type Item = Result<$item>;

            fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
                self.inner.as_mut().poll_next(cx)
            }

            fn size_hint(&self) -> (usize, Option<usize>) {
                self.inner.size_hint()
            }
        }

        impl<T> fmt::Debug for $stream<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($stream)).finish_non_exhaustive()
            }
        }
    };
}

stream_methods!(PageStream, Vec<T>, "page");
stream_methods!(ItemStream, T, "item");

impl<T: Send + 'static> PageStream<T> {
    /// The pages' items one by one: the [`ItemStream`] of the same pages.
    pub fn items(self) -> ItemStream<T> {
        let initial = (self.inner, VecDeque::<T>::new(), false);
        let inner = stream::unfold(initial, |(mut pages, mut buffer, mut ended)| async move {
            loop {
                if let Some(item) = buffer.pop_front() {
                    return Some((Ok(item), (pages, buffer, ended)));
                }
                if ended {
                    return None;
                }
                // Free the drained page's storage before the next one arrives: one page at a time.
                buffer = VecDeque::new();
                match StreamExt::next(&mut pages).await {
                    None => return None,
                    Some(Err(error)) => {
                        ended = true;
                        return Some((Err(error), (pages, buffer, ended)));
                    }
                    Some(Ok(items)) => buffer = items.into(),
                }
            }
        });
        ItemStream { inner: inner.fuse().boxed() }
    }
}

/// The pages of `fetch(page)` from `first_page` on, each holding up to `limit` items.
pub(crate) fn pages<T, F, Fut>(
    operation: &'static str,
    first_page: u64,
    limit: u64,
    fetch: F,
) -> PageStream<T>
where
    T: Send + 'static,
    F: FnMut(u64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Vec<T>>> + Send,
{
    let inner = stream::unfold((fetch, Some(first_page)), move |(mut fetch, next_page)| async move {
        let page = next_page?;
        match fetch(page).await {
            Err(error) => Some((Err(error), (fetch, None))),
            Ok(items) if items.len() as u64 > limit => {
                let error = Error::PageTooLong { operation, page, limit, items: items.len() };
                Some((Err(error), (fetch, None)))
            }
            // An empty page ends the list without being a page of it.
            Ok(items) if items.is_empty() => None,
            Ok(items) => {
                let last = (items.len() as u64) < limit;
                let next = if last { None } else { page.checked_add(1) };
                Some((Ok(items), (fetch, next)))
            }
        }
    });
    // Polling again after the end keeps answering `None` instead of panicking.
    PageStream { inner: inner.fuse().boxed() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// A list of `total` numbers served `limit` at a time, counting the pages fetched.
    fn numbers(total: u64, limit: u64) -> (PageStream<u64>, Arc<AtomicU64>) {
        let fetched = Arc::new(AtomicU64::new(0));
        let counter = fetched.clone();
        let stream = pages("numbers.list", 1, limit, move |page| {
            counter.fetch_add(1, Ordering::SeqCst);
            let start = (page - 1) * limit;
            let items: Vec<u64> = (start..total.min(start + limit)).collect();
            async move { Ok(items) }
        });
        (stream, fetched)
    }

    #[tokio::test]
    async fn items_come_in_order_and_a_page_is_fetched_only_when_needed() {
        let (stream, fetched) = numbers(5, 2);
        let mut items = stream.items();
        assert_eq!(items.next().await.unwrap().unwrap(), 0);
        assert_eq!(fetched.load(Ordering::SeqCst), 1);
        assert_eq!(items.try_next().await.unwrap(), Some(1));
        assert_eq!(fetched.load(Ordering::SeqCst), 1);
        let rest: Vec<u64> = items.try_collect().await.unwrap();
        assert_eq!(rest, [2, 3, 4]);
        assert_eq!(fetched.load(Ordering::SeqCst), 3, "the short third page is the last");
    }

    #[tokio::test]
    async fn pages_skip_an_empty_last_page() {
        let (stream, fetched) = numbers(4, 2);
        let all: Vec<Vec<u64>> = stream.try_collect().await.unwrap();
        assert_eq!(all, [vec![0, 1], vec![2, 3]]);
        assert_eq!(fetched.load(Ordering::SeqCst), 3, "a full page asks for the next one");
        let (mut empty, _) = numbers(0, 2);
        assert_eq!(empty.try_next().await.unwrap(), None);
        assert!(empty.next().await.is_none(), "polling after the end answers None");
    }

    #[tokio::test]
    async fn an_error_is_the_last_item() {
        let mut stream = pages::<u64, _, _>("numbers.list", 1, 2, |page| async move {
            if page == 1 { Ok(vec![1, 2]) } else { Err(Error::Config("page 2 failed".into())) }
        })
        .items();
        assert_eq!(stream.try_next().await.unwrap(), Some(1));
        assert_eq!(stream.try_next().await.unwrap(), Some(2));
        assert!(stream.try_next().await.unwrap_err().to_string().contains("page 2 failed"));
        assert!(stream.next().await.is_none());
        let failed: Result<Vec<u64>> =
            pages("numbers.list", 1, 2, |_| async { Err::<Vec<u64>, _>(Error::Config("down".into())) })
                .items()
                .try_collect()
                .await;
        assert!(failed.is_err());
    }

    #[tokio::test]
    async fn a_page_longer_than_the_limit_ends_the_stream() {
        let mut stream = pages("numbers.list", 3, 2, |_| async { Ok(vec![1u64, 2, 3]) });
        match stream.try_next().await {
            Err(Error::PageTooLong { operation, page, limit, items }) => {
                assert_eq!((operation, page, limit, items), ("numbers.list", 3, 2, 3));
            }
            other => panic!("expected PageTooLong, got {other:?}"),
        }
        assert!(stream.next().await.is_none());
    }

    #[tokio::test]
    async fn collect_works_like_an_iterators() {
        let (stream, _) = numbers(5, 2);
        let all: Result<Vec<u64>> = stream.items().collect().await;
        assert_eq!(all.unwrap(), [0, 1, 2, 3, 4]);
        let failing = || {
            pages::<u64, _, _>("numbers.list", 1, 2, |page| async move {
                if page == 1 { Ok(vec![1, 2]) } else { Err(Error::Config("page 2 failed".into())) }
            })
        };
        let stopped: Result<Vec<u64>> = failing().items().collect().await;
        assert!(stopped.is_err());
        let kept: Vec<Result<u64>> = failing().items().collect().await;
        assert_eq!(kept.len(), 3, "two items, then the error");
        let pages: Result<Vec<Vec<u64>>> = failing().collect().await;
        assert!(pages.is_err());
    }

    #[tokio::test]
    async fn the_futures_traits_still_apply() {
        let (stream, _) = numbers(5, 2);
        let doubled: Vec<u64> = stream.items().map_ok(|n| n * 2).try_collect().await.unwrap();
        assert_eq!(doubled, [0, 2, 4, 6, 8]);
        let (stream, _) = numbers(5, 2);
        let first_two: Vec<Result<u64>> = StreamExt::take(stream.items(), 2).collect().await;
        assert_eq!(first_two.len(), 2);
    }
}
