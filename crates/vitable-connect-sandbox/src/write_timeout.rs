//! [`WriteTimeout`]: a connection whose writes fail once they have made no progress for a while.
//!
//! hyper has timeouts for reading a request head, and the sandbox one for reading a body, but
//! none for writing a response: a client that sends requests (pipelined, say) and never reads
//! the responses fills the socket buffers, and hyper then waits for the socket to become
//! writable again for as long as the client keeps the connection open, holding one of the
//! [`max_connections`](crate::SandboxOptions::max_connections) slots. Wrapped in
//! [`WriteTimeout`], such a write fails with [`io::ErrorKind::TimedOut`] instead, hyper gives the
//! connection up and the slot is free again.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// An I/O stream whose writes (and flushes and shutdowns) fail with
/// [`io::ErrorKind::TimedOut`] once the stream has not accepted a byte for `timeout`.
///
/// The clock starts when a write finds the stream not ready (`Pending`) and stops at the next
/// write that completes: a client that reads its responses, however slowly, keeps making room,
/// and only one that stops reading altogether is cut off. Reads pass through untouched.
#[derive(Debug)]
pub(crate) struct WriteTimeout<S> {
    inner: S,
    timeout: Duration,
    /// When the pending write is given up; armed only while a write is pending.
    deadline: Pin<Box<Sleep>>,
    armed: bool,
}

impl<S> WriteTimeout<S> {
    pub(crate) fn new(inner: S, timeout: Duration) -> Self {
        // Not armed yet: the deadline is set when a write first waits.
        Self { inner, timeout, deadline: Box::pin(tokio::time::sleep(Duration::ZERO)), armed: false }
    }

    /// What a write operation that returned `poll` becomes: a completed one stops the clock, a
    /// pending one starts it (the first time) or fails once it has run out.
    fn watch<T>(&mut self, cx: &mut Context<'_>, poll: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if poll.is_ready() {
            self.armed = false;
            return poll;
        }
        if !self.armed {
            // `checked_add`: a timeout of up to a year (the options cap it) never overflows, but
            // a far deadline is as good as none.
            let deadline = Instant::now().checked_add(self.timeout).unwrap_or_else(far_future);
            self.deadline.as_mut().reset(deadline);
            self.armed = true;
        }
        // Polled to have this task woken when the time runs out.
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => {
                self.armed = false;
                Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("the client read nothing for {} ms", self.timeout.as_millis()),
                )))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// About thirty years from now.
fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(86_400 * 365 * 30)
}

impl<S: AsyncRead + Unpin> AsyncRead for WriteTimeout<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for WriteTimeout<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.watch(cx, poll)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.watch(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_flush(cx);
        this.watch(cx, poll)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.watch(cx, poll)
    }
}

#[cfg(test)]
mod tests {
    use std::future::poll_fn;

    use tokio::io::AsyncReadExt;
    use tokio::net::{TcpListener, TcpStream};

    use super::*;

    /// A connected pair on 127.0.0.1: the server's end wrapped, the client's end plain.
    async fn pair(timeout: Duration) -> (WriteTimeout<TcpStream>, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        (WriteTimeout::new(server, timeout), client)
    }

    /// Writes until a write would wait (the socket buffers are full), without waiting.
    fn fill(stream: &mut WriteTimeout<TcpStream>) -> usize {
        let chunk = vec![b'x'; 64 * 1024];
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut written = 0;
        while let Poll::Ready(n) = Pin::new(&mut *stream).poll_write(&mut cx, &chunk) {
            written += n.expect("written");
        }
        written
    }

    async fn write(stream: &mut WriteTimeout<TcpStream>, buf: &[u8]) -> io::Result<usize> {
        poll_fn(|cx| Pin::new(&mut *stream).poll_write(cx, buf)).await
    }

    #[tokio::test]
    async fn a_write_the_peer_never_makes_room_for_times_out() {
        let (mut server, _client) = pair(Duration::from_millis(100)).await;
        assert!(fill(&mut server) > 0);
        let guard = Duration::from_secs(20);
        let result = tokio::time::timeout(guard, write(&mut server, b"more")).await.expect("not held");
        assert_eq!(result.expect_err("timed out").kind(), io::ErrorKind::TimedOut);
    }

    #[tokio::test]
    async fn a_peer_that_reads_keeps_the_writes_going() {
        let (mut server, mut client) = pair(Duration::from_millis(300)).await;
        let written = fill(&mut server);
        // The client drains everything, a little at a time: the writes wait, but the waits end.
        let reader = tokio::spawn(async move {
            let mut buf = vec![0; 64 * 1024];
            let mut read = 0;
            loop {
                tokio::time::sleep(Duration::from_millis(5)).await;
                match client.read(&mut buf).await.unwrap() {
                    0 => return read,
                    n => read += n,
                }
            }
        });
        let more = vec![b'y'; written.max(1024 * 1024)];
        let mut sent = 0;
        while sent < more.len() {
            sent += write(&mut server, &more[sent..]).await.expect("the reader makes room in time");
        }
        drop(server);
        assert_eq!(reader.await.unwrap(), written + more.len());
    }
}
