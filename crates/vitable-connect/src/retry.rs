//! When to retry and how long to wait: the [`RetryPolicy`] value, and pure functions used
//! only by [`crate::transport`].
//!
//! Rules, in order:
//! 1. A response header `x-should-retry: true` or `false` decides whether to retry.
//! 2. Otherwise connection errors, timeouts, 408, 429 and 5xx are retried. A conflict (409)
//!    is not: a duplicate, a locked resource or a reused idempotency key stays so.
//! 3. The wait is `retry-after-ms`, else `Retry-After` (seconds or an HTTP date), when that
//!    is at most [`MAX_SERVER_DELAY`], but never less than [`MIN_RETRY_DELAY`] plus jitter
//!    (or the initial backoff, if shorter); otherwise exponential backoff from the policy's
//!    initial backoff ([`INITIAL_BACKOFF`] by default) doubling up to its maximum
//!    ([`MAX_BACKOFF`]), less up to its jitter (25%) at random.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

/// Default number of retries after a failed attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// First backoff delay of the default policy.
pub const INITIAL_BACKOFF: Duration = Duration::from_millis(500);
/// Longest backoff delay of the default policy.
pub const MAX_BACKOFF: Duration = Duration::from_secs(8);
/// Share of a backoff delay the default policy may take off at random.
pub const JITTER: f64 = 0.25;
/// Longest delay asked by the server that is honoured; a longer one falls back to backoff.
pub const MAX_SERVER_DELAY: Duration = Duration::from_secs(60);
/// Shortest wait between two attempts when the server asks for less (`Retry-After: 0`), to
/// which the policy's jitter adds up to its share (25% by default) at random: one call never
/// hammers a struggling server. A policy whose initial backoff is shorter waits at least that
/// instead.
pub const MIN_RETRY_DELAY: Duration = Duration::from_millis(100);

/// How a client retries a failed attempt: how often, and how long it waits in between when
/// the server does not say (`Retry-After`). Set it for a client with
/// [`ClientBuilder::retry_policy`](crate::ClientBuilder::retry_policy) and for one request with
/// `.retry_policy(..)` on its builder. Which failures are retried is not part of the policy
/// (see [`Error::is_retryable`](crate::Error::is_retryable)).
///
/// The default is 2 retries, with backoff from 0.5 s doubling up to 8 s, less up to 25% at
/// random:
///
/// ```
/// use std::time::Duration;
/// use vitable_connect::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .with_max_retries(5)
///     .with_initial_backoff(Duration::from_secs(1))
///     .with_max_backoff(Duration::from_secs(30))
///     .with_jitter(0.5);
/// assert_eq!(patient.backoff_ceiling(2), Duration::from_secs(4));
/// assert_eq!(RetryPolicy::none().max_retries(), 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    jitter: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: DEFAULT_MAX_RETRIES,
            initial_backoff: INITIAL_BACKOFF,
            max_backoff: MAX_BACKOFF,
            jitter: JITTER,
        }
    }
}

impl RetryPolicy {
    /// No retries: one attempt per call.
    pub fn none() -> Self {
        Self::default().with_max_retries(0)
    }

    /// How many times a failed attempt is retried (0 for none).
    pub fn with_max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The first backoff delay; each later one doubles, up to [`with_max_backoff`](Self::with_max_backoff).
    pub fn with_initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// The longest backoff delay.
    pub fn with_max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// The share of each backoff delay taken off at random, from 0 (none) to 1, so that
    /// clients that failed together do not retry together.
    pub fn with_jitter(mut self, share: f64) -> Self {
        self.jitter = share;
        self
    }

    /// The number of retries.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The first backoff delay.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The longest backoff delay.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The share of a delay taken off at random.
    pub fn jitter(&self) -> f64 {
        self.jitter
    }

    /// The backoff before retry number `retry` (0 for the first), before jitter.
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry).unwrap_or(u32::MAX);
        self.initial_backoff.saturating_mul(factor).min(self.max_backoff)
    }

    /// The backoff before retry number `retry`, less the jitter drawn at random.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        self.backoff_ceiling(retry).mul_f64(1.0 - self.jitter * fastrand::f64())
    }

    /// The wait before retrying after a response: what the server asks, but at least the
    /// floor ([`Self::floor`]), or backoff.
    pub(crate) fn delay_after_response(&self, headers: &HeaderMap, retry: u32) -> Duration {
        match server_delay(headers, SystemTime::now()) {
            Some(asked) => asked.max(self.floor()),
            None => self.backoff(retry),
        }
    }

    /// The shortest wait after a server asked for one: [`MIN_RETRY_DELAY`] (or the initial
    /// backoff, if that is shorter), plus up to the jitter's share of it at random.
    fn floor(&self) -> Duration {
        MIN_RETRY_DELAY.min(self.initial_backoff).mul_f64(1.0 + self.jitter * fastrand::f64())
    }

    /// Why the policy cannot be used, if it cannot.
    pub(crate) fn problem(&self) -> Option<&'static str> {
        if !(0.0..=1.0).contains(&self.jitter) {
            Some("the jitter must be a share from 0 to 1")
        } else if self.initial_backoff > self.max_backoff {
            Some("the initial backoff must not be longer than the maximum backoff")
        } else {
            None
        }
    }
}

/// Statuses retried when the server does not say otherwise.
pub(crate) fn status_is_retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500..=599)
}

/// Whether a response with this status and these headers should be retried.
pub(crate) fn response_is_retryable(status: StatusCode, headers: &HeaderMap) -> bool {
    match headers.get("x-should-retry").and_then(|v| v.to_str().ok()) {
        Some(v) if v.eq_ignore_ascii_case("true") => true,
        Some(v) if v.eq_ignore_ascii_case("false") => false,
        _ => status_is_retryable(status),
    }
}

/// Whether a transport error is worth another attempt.
pub(crate) fn error_is_retryable(error: &reqwest::Error) -> bool {
    error.is_timeout() || error.is_connect() || error.is_request() || error.is_body()
}

/// The delay the server asks for, when it asks for one of at most [`MAX_SERVER_DELAY`].
pub(crate) fn server_delay(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let millis = header("retry-after-ms")
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|ms| ms.is_finite() && *ms >= 0.0);
    let asked = if let Some(ms) = millis {
        // Any number of milliseconds fits: one too large for a `Duration` is over the cap.
        Some(Duration::try_from_secs_f64(ms / 1000.0).unwrap_or(Duration::MAX))
    } else if let Some(value) = header("retry-after") {
        match value.parse::<u64>() {
            Ok(secs) => Some(Duration::from_secs(secs)),
            Err(_) => httpdate::parse_http_date(value)
                .ok()
                .map(|at| at.duration_since(now).unwrap_or(Duration::ZERO)),
        }
    } else {
        None
    };
    asked.filter(|d| *d <= MAX_SERVER_DELAY)
}

/// Backoff of the default policy before retry number `retry` (0 for the first), without
/// jitter.
#[cfg(test)]
pub(crate) fn backoff_ceiling(retry: u32) -> Duration {
    RetryPolicy::default().backoff_ceiling(retry)
}

/// Backoff of the default policy before retry number `retry`, less jitter.
#[cfg(test)]
pub(crate) fn backoff(retry: u32) -> Duration {
    RetryPolicy::default().backoff(retry)
}

/// The default policy's wait before retrying after a response.
#[cfg(test)]
pub(crate) fn delay_after_response(headers: &HeaderMap, retry: u32) -> Duration {
    RetryPolicy::default().delay_after_response(headers, retry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        map
    }

    #[test]
    fn retried_statuses() {
        for s in [408, 429, 500, 502, 503, 504, 599] {
            assert!(status_is_retryable(StatusCode::from_u16(s).unwrap()), "{s}");
        }
        for s in [200, 201, 400, 401, 403, 404, 409, 422] {
            assert!(!status_is_retryable(StatusCode::from_u16(s).unwrap()), "{s}");
        }
    }

    #[test]
    fn x_should_retry_overrides_the_status() {
        let no = headers(&[("x-should-retry", "false")]);
        assert!(!response_is_retryable(StatusCode::SERVICE_UNAVAILABLE, &no));
        let yes = headers(&[("x-should-retry", "true")]);
        assert!(response_is_retryable(StatusCode::BAD_REQUEST, &yes));
        assert!(response_is_retryable(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new()));
    }

    #[test]
    fn server_delays_in_order_of_precedence_and_capped() {
        let now = SystemTime::now();
        let both = headers(&[("retry-after-ms", "250"), ("retry-after", "7")]);
        assert_eq!(server_delay(&both, now), Some(Duration::from_millis(250)));
        assert_eq!(server_delay(&headers(&[("retry-after", "7")]), now), Some(Duration::from_secs(7)));
        assert_eq!(server_delay(&headers(&[("retry-after", "61")]), now), None, "over 60 s is ignored");
        assert_eq!(server_delay(&headers(&[("retry-after", "60")]), now), Some(Duration::from_secs(60)));
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        let d = server_delay(&headers(&[("retry-after", &date)]), now).unwrap();
        assert!(d <= Duration::from_secs(30) && d >= Duration::from_secs(29), "{d:?}");
        let far = httpdate::fmt_http_date(now + Duration::from_secs(3600));
        assert_eq!(server_delay(&headers(&[("retry-after", &far)]), now), None);
        assert_eq!(server_delay(&headers(&[("retry-after", "soon")]), now), None);
        assert_eq!(server_delay(&headers(&[("retry-after-ms", "-5")]), now), None);
        for invalid in ["NaN", "-5", "-0.5", "inf", "-inf", "soon"] {
            let invalid_ms = headers(&[("retry-after-ms", invalid), ("retry-after", "4")]);
            assert_eq!(
                server_delay(&invalid_ms, now),
                Some(Duration::from_secs(4)),
                "an invalid ms value ({invalid}) falls back to Retry-After"
            );
        }
    }

    #[test]
    fn a_huge_retry_after_ms_falls_back_to_backoff_instead_of_panicking() {
        let now = SystemTime::now();
        for huge in ["1e30", "1.8446744073709552e22", "1e308", "18446744073709551616000", "60000.0001"] {
            assert_eq!(server_delay(&headers(&[("retry-after-ms", huge)]), now), None, "{huge}");
        }
        let d = delay_after_response(&headers(&[("retry-after-ms", "1e30")]), 0);
        assert!(d <= backoff_ceiling(0), "{d:?}");
        assert_eq!(server_delay(&headers(&[("retry-after-ms", "60000")]), now), Some(MAX_SERVER_DELAY));
        let huge_seconds = headers(&[("retry-after", "18446744073709551615")]);
        assert_eq!(server_delay(&huge_seconds, now), None);
    }

    mod any_header_value {
        use proptest::prelude::*;

        use super::*;

        /// Bytes a server can put in a header value: visible ASCII, space, tab and obs-text.
        fn value() -> impl Strategy<Value = HeaderValue> {
            prop_oneof![
                proptest::collection::vec(prop_oneof![Just(b'\t'), 0x20u8..0x7f, 0x80u8..=0xff], 0..40)
                    .prop_filter_map("a header value", |b| HeaderValue::from_bytes(&b).ok()),
                any::<f64>().prop_map(|n| HeaderValue::from_str(&n.to_string()).unwrap()),
                any::<u64>().prop_map(HeaderValue::from),
                any::<i64>().prop_map(HeaderValue::from),
                (0u32..400, 0u32..1000)
                    .prop_map(|(e, m)| HeaderValue::from_str(&format!("{m}e{e}")).unwrap()),
            ]
        }

        proptest! {
            /// Every header the SDK reads from a response, with any value: no panic, and a
            /// server delay is never longer than the cap.
            #[test]
            fn never_panics_and_never_waits_past_the_cap(
                ms in value(), after in value(), retry in value(), id in value(), status in 100u16..600,
            ) {
                let mut map = HeaderMap::new();
                map.insert("retry-after-ms", ms);
                map.insert("retry-after", after);
                map.insert("x-should-retry", retry);
                map.insert("x-request-id", id);
                let status = StatusCode::from_u16(status).unwrap();
                let _ = response_is_retryable(status, &map);
                if let Some(delay) = server_delay(&map, SystemTime::now()) {
                    prop_assert!(delay <= MAX_SERVER_DELAY);
                }
                prop_assert!(delay_after_response(&map, 3) <= MAX_SERVER_DELAY);
                let _ = crate::redact::request_id(&map);
            }
        }
    }

    #[test]
    fn backoff_doubles_from_half_a_second_to_eight() {
        let ceilings: Vec<u64> = (0..7).map(|n| backoff_ceiling(n).as_millis() as u64).collect();
        assert_eq!(ceilings, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
        assert_eq!(backoff_ceiling(u32::MAX), MAX_BACKOFF);
        for n in 0..6 {
            for _ in 0..50 {
                let d = backoff(n);
                assert!(d <= backoff_ceiling(n) && d >= backoff_ceiling(n).mul_f64(0.75), "{d:?}");
            }
        }
    }
}
