//! Fault injection: failing, delaying and cutting off requests of chosen operations.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// A cloneable handle on the faults of a running [`Sandbox`](crate::Sandbox).
///
/// Faults are keyed by the spec's `operationId` (see [`operation_ids`](crate::operation_ids)) and take effect on the
/// next matching request, even while other requests are in flight:
///
/// * [`fail_next`](Self::fail_next): the next `n` requests get an error status (and
///   `Retry-After`), before any work is done.
/// * [`delay`](Self::delay): responses are held back (after the request was applied).
/// * [`drop_connection_after_write`](Self::drop_connection_after_write): the next `n` requests
///   are applied, then the connection is closed without a response.
///
/// [`requests`](Self::requests) counts the requests of an operation that reached the server,
/// faulted ones included.
///
/// # Panics
///
/// Every method taking an operation ID panics when it is not one of [`operation_ids`](crate::operation_ids), so that
/// a typo in a test fails loudly instead of silently injecting nothing.
#[derive(Clone, Default)]
pub struct Faults {
    inner: Arc<Mutex<FaultState>>,
}

impl std::fmt::Debug for Faults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Faults").finish_non_exhaustive()
    }
}

#[derive(Default)]
struct FaultState {
    failures: HashMap<&'static str, VecDeque<Failure>>,
    delays: HashMap<&'static str, Duration>,
    default_delay: Duration,
    drops: HashMap<&'static str, u32>,
    counts: HashMap<&'static str, u64>,
}

/// An injected error response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Failure {
    remaining: u32,
    pub status: u16,
    pub retry_after: Option<Duration>,
}

#[cfg(test)]
impl Failure {
    /// A failure as `fail_next` would queue it.
    pub(crate) fn for_test(status: u16, retry_after: Option<Duration>) -> Self {
        Self { remaining: 1, status, retry_after }
    }
}

/// The `&'static` form of a known operation ID.
fn known(operation_id: &str) -> &'static str {
    match vitable_connect_api::spec::operation(operation_id) {
        Some(op) => op.id,
        None => {
            // Shown like every echoed value: SSN-shaped text masked, cut.
            let shown = crate::error::shown(operation_id);
            panic!("`{shown}` is not an operationId of the Vitable Connect API (see openapi.yaml)")
        }
    }
}

/// Whether `operation_id` is an operation of the spec.
pub(crate) fn is_known(operation_id: &str) -> bool {
    vitable_connect_api::spec::operation(operation_id).is_some()
}

/// The statuses a failure can be injected with: client and server errors, 400 to 599.
pub(crate) const ERROR_STATUSES: std::ops::RangeInclusive<u16> = 400..=599;

/// Whether `status` is one of [`ERROR_STATUSES`].
pub(crate) fn is_error_status(status: u16) -> bool {
    ERROR_STATUSES.contains(&status)
}

/// Why [`Faults::try_fail_next`] refused a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultError {
    /// The operation ID is not one of [`operation_ids`](crate::operation_ids).
    UnknownOperation(String),
    /// The status is not an error status (400 to 599): a 1xx, 2xx or 3xx response would not
    /// be a failure, and other numbers are not HTTP statuses.
    NotAnErrorStatus(u16),
}

impl std::fmt::Display for FaultError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownOperation(op) => write!(
                f,
                "`{}` is not an operationId of the Vitable Connect API (see openapi.yaml)",
                crate::error::shown(op)
            ),
            Self::NotAnErrorStatus(status) => {
                write!(f, "{status} is not an error status; inject a status from 400 to 599")
            }
        }
    }
}

impl std::error::Error for FaultError {}

impl Faults {
    fn lock(&self) -> MutexGuard<'_, FaultState> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Fails the next `n` requests of `operation_id` with `status` and a JSON error body
    /// (`code` `injected_fault`), plus `Retry-After` in whole seconds (rounded up, and at most
    /// `u64::MAX`, so `Duration::MAX` is fine) when `retry_after` is given. Nothing of the
    /// request is applied. Calls queue up: after the first `n` requests, the next call's
    /// failures take over. A `status` that is not an error status (400 to 599: a 1xx, 2xx or
    /// 3xx, or not an HTTP status at all) is sent as 500, with a `detail` that says so; use
    /// [`try_fail_next`](Self::try_fail_next) to have it refused instead.
    pub fn fail_next(&self, operation_id: &str, n: u32, status: u16, retry_after: Option<Duration>) {
        let op = known(operation_id);
        if n > 0 {
            self.lock().failures.entry(op).or_default().push_back(Failure {
                remaining: n,
                status,
                retry_after,
            });
        }
    }

    /// [`fail_next`](Self::fail_next) without a panic: an operation ID that is not one of
    /// [`operation_ids`](crate::operation_ids), or a status outside 400 to 599, is refused
    /// with an error, and nothing is queued.
    pub fn try_fail_next(
        &self,
        operation_id: &str,
        n: u32,
        status: u16,
        retry_after: Option<Duration>,
    ) -> Result<(), FaultError> {
        if !is_known(operation_id) {
            return Err(FaultError::UnknownOperation(operation_id.to_owned()));
        }
        if !is_error_status(status) {
            return Err(FaultError::NotAnErrorStatus(status));
        }
        self.fail_next(operation_id, n, status, retry_after);
        Ok(())
    }

    /// Holds back every response of `operation_id` (of all operations with `None`) for `d`.
    /// The request is applied first; only the response waits. A per-operation delay wins over
    /// the one for all operations; `Duration::ZERO` removes a delay.
    pub fn delay(&self, operation_id: Option<&str>, d: Duration) {
        let mut state = self.lock();
        match operation_id.map(known) {
            Some(op) if d.is_zero() => {
                state.delays.remove(op);
            }
            Some(op) => {
                state.delays.insert(op, d);
            }
            None => state.default_delay = d,
        }
    }

    /// Applies the next `n` requests of `operation_id` (state changes and idempotency record
    /// included), then closes their TCP connection without sending a single byte of response.
    pub fn drop_connection_after_write(&self, operation_id: &str, n: u32) {
        let op = known(operation_id);
        if n > 0 {
            *self.lock().drops.entry(op).or_insert(0) += n;
        }
    }

    /// Removes every injected failure, delay and dropped connection. Counters are kept
    /// (see [`reset_counters`](Self::reset_counters)).
    pub fn clear(&self) {
        let mut state = self.lock();
        state.failures.clear();
        state.delays.clear();
        state.default_delay = Duration::ZERO;
        state.drops.clear();
    }

    /// How many requests of `operation_id` reached the server, faulted ones included.
    pub fn requests(&self, operation_id: &str) -> u64 {
        let op = known(operation_id);
        self.lock().counts.get(op).copied().unwrap_or(0)
    }

    /// The request count of every operation that received at least one request.
    pub fn all_requests(&self) -> BTreeMap<&'static str, u64> {
        self.lock().counts.iter().map(|(op, n)| (*op, *n)).collect()
    }

    /// Sets every request counter back to zero.
    pub fn reset_counters(&self) {
        self.lock().counts.clear();
    }

    /// Counts a request of `op` and takes what the faults hold for it: an injected failure,
    /// whether to drop the connection, and the response delay.
    pub(crate) fn on_request(&self, op: &'static str) -> Planned {
        let mut state = self.lock();
        *state.counts.entry(op).or_insert(0) += 1;
        let failure = match state.failures.get_mut(op) {
            Some(queue) => {
                let failure = queue.front_mut().map(|f| {
                    f.remaining -= 1;
                    *f
                });
                if queue.front().is_some_and(|f| f.remaining == 0) {
                    queue.pop_front();
                }
                failure
            }
            None => None,
        };
        let drop_connection = failure.is_none()
            && match state.drops.get_mut(op) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    true
                }
                _ => false,
            };
        let delay = state.delays.get(op).copied().unwrap_or(state.default_delay);
        Planned { failure, drop_connection, delay }
    }
}

/// What the faults hold for one request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Planned {
    pub failure: Option<Failure>,
    pub drop_connection: bool,
    pub delay: Duration,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_consumed_in_order() {
        let faults = Faults::default();
        faults.fail_next("enrollments_reissue", 2, 503, None);
        faults.fail_next("enrollments_reissue", 1, 429, Some(Duration::from_secs(2)));
        let statuses: Vec<_> =
            (0..4).map(|_| faults.on_request("enrollments_reissue").failure.map(|f| f.status)).collect();
        assert_eq!(statuses, [Some(503), Some(503), Some(429), None]);
        assert_eq!(faults.requests("enrollments_reissue"), 4);
        assert_eq!(faults.requests("employers_list"), 0);
    }

    #[test]
    fn drops_and_delays() {
        let faults = Faults::default();
        faults.drop_connection_after_write("employers_create", 1);
        faults.delay(None, Duration::from_millis(5));
        faults.delay(Some("employers_list"), Duration::from_millis(9));
        let first = faults.on_request("employers_create");
        assert!(first.drop_connection);
        assert_eq!(first.delay, Duration::from_millis(5));
        assert!(!faults.on_request("employers_create").drop_connection);
        assert_eq!(faults.on_request("employers_list").delay, Duration::from_millis(9));
        faults.clear();
        assert_eq!(faults.on_request("employers_list").delay, Duration::ZERO);
        assert_eq!(faults.all_requests()["employers_list"], 2);
        faults.reset_counters();
        assert_eq!(faults.requests("employers_list"), 0);
    }

    #[test]
    #[should_panic(expected = "not an operationId")]
    fn typos_fail_loudly() {
        Faults::default().fail_next("enrolments_reissue", 1, 503, None);
    }

    #[test]
    fn the_panic_of_an_unknown_operation_never_shows_an_ssn() {
        let panic = std::panic::catch_unwind(|| Faults::default().fail_next("123-45-6789", 1, 503, None));
        let payload = panic.unwrap_err();
        let message = payload.downcast_ref::<String>().expect("a formatted panic message");
        assert!(message.contains("not an operationId") && !message.contains("6789"), "{message}");
    }
}
