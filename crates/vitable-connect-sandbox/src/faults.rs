//! Fault injection: failing, delaying and cutting off requests of chosen operations.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// A cloneable handle on the faults of a running [`Sandbox`](crate::Sandbox).
///
/// Every method names an operation by either of its spellings: the spec's `operationId`
/// (`employers_list`, see [`operation_ids`](crate::operation_ids)) or the SDK's dotted name
/// (`employers.list`, the name in the SDK's errors, spans and interceptors); both reach the same
/// operation. Faults take effect on the next matching request, even while other requests are in
/// flight:
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
/// ```
/// use vitable_connect_sandbox::Faults;
/// let faults = Faults::default();
/// faults.fail_next("employers.list", 1, 503, None); // the SDK's name
/// faults.fail_next("employers_list", 1, 500, None); // the operationId: the same operation
/// let typo = faults.try_fail_next("employers.lst", 1, 503, None).unwrap_err();
/// assert!(typo.to_string().contains("did you mean `employers.list` (operationId `employers_list`)?"));
/// ```
///
/// # Panics
///
/// Every method taking an operation panics when the name is neither an `operationId` nor an
/// SDK name of an operation, so that a typo in a test fails loudly instead of silently injecting
/// nothing; the message suggests the closest operation (see
/// `vitable_connect_api::spec::did_you_mean`).
/// [`try_fail_next`](Self::try_fail_next) returns the same message as an error instead.
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

/// The `operationId` of the operation called `operation` (either spelling), which keys every
/// fault and counter.
fn known(operation: &str) -> &'static str {
    match vitable_connect_api::spec::operation(operation) {
        Some(op) => op.id,
        None => panic!("{}", unknown_operation(operation)),
    }
}

/// Whether `operation` names an operation of the spec, in either spelling.
pub(crate) fn is_known(operation: &str) -> bool {
    vitable_connect_api::spec::operation(operation).is_some()
}

/// What a name that is no operation gets told: the name (shown like every echoed value,
/// SSN-shaped text masked, cut), the two spellings accepted, and the closest operation when
/// one is close enough.
pub(crate) fn unknown_operation(name: &str) -> String {
    let shown = crate::error::shown(name);
    let mut message =
        format!("`{shown}` is neither an operationId nor an SDK operation name of the Vitable Connect API");
    match vitable_connect_api::spec::did_you_mean(name) {
        Some(hint) => {
            message.push_str("; ");
            message.push_str(&hint);
        }
        None => message.push_str(" (see openapi.yaml)"),
    }
    message
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
    /// The name is neither an `operationId` (one of [`operation_ids`](crate::operation_ids))
    /// nor the SDK's dotted name of an operation. Its message suggests the closest operation,
    /// when one is close enough.
    UnknownOperation(String),
    /// The status is not an error status (400 to 599): a 1xx, 2xx or 3xx response would not
    /// be a failure, and other numbers are not HTTP statuses.
    NotAnErrorStatus(u16),
}

impl std::fmt::Display for FaultError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownOperation(op) => f.write_str(&unknown_operation(op)),
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

    /// Fails the next `n` requests of `operation` (its `operationId` or the SDK's dotted name)
    /// with `status` and a JSON error body (`code` `injected_fault`), plus `Retry-After` in whole
    /// seconds (rounded up, and at most `u64::MAX`, so `Duration::MAX` is fine) when
    /// `retry_after` is given. Nothing of the request is applied. Calls queue up: after the first `n` requests, the next call's
    /// failures take over. A `status` that is not an error status (400 to 599: a 1xx, 2xx or
    /// 3xx, or not an HTTP status at all) is sent as 500, with a `detail` that says so; use
    /// [`try_fail_next`](Self::try_fail_next) to have it refused instead.
    pub fn fail_next(&self, operation: &str, n: u32, status: u16, retry_after: Option<Duration>) {
        let op = known(operation);
        if n > 0 {
            self.lock().failures.entry(op).or_default().push_back(Failure {
                remaining: n,
                status,
                retry_after,
            });
        }
    }

    /// [`fail_next`](Self::fail_next) without a panic: a name that is neither an `operationId`
    /// nor the SDK's dotted name of an operation, or a status outside 400 to 599, is refused
    /// with an error (whose message suggests the closest operation), and nothing is queued.
    pub fn try_fail_next(
        &self,
        operation: &str,
        n: u32,
        status: u16,
        retry_after: Option<Duration>,
    ) -> Result<(), FaultError> {
        if !is_known(operation) {
            return Err(FaultError::UnknownOperation(operation.to_owned()));
        }
        if !is_error_status(status) {
            return Err(FaultError::NotAnErrorStatus(status));
        }
        self.fail_next(operation, n, status, retry_after);
        Ok(())
    }

    /// Holds back every response of `operation` (its `operationId` or the SDK's dotted name; of
    /// all operations with `None`) for `d`.
    /// The request is applied first; only the response waits. A per-operation delay wins over
    /// the one for all operations; `Duration::ZERO` removes a delay.
    pub fn delay(&self, operation: Option<&str>, d: Duration) {
        let op = operation.map(known);
        let mut state = self.lock();
        match op {
            Some(op) if d.is_zero() => {
                state.delays.remove(op);
            }
            Some(op) => {
                state.delays.insert(op, d);
            }
            None => state.default_delay = d,
        }
    }

    /// Applies the next `n` requests of `operation` (its `operationId` or the SDK's dotted name;
    /// state changes and idempotency record included), then closes their TCP connection without
    /// sending a single byte of response.
    pub fn drop_connection_after_write(&self, operation: &str, n: u32) {
        let op = known(operation);
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

    /// How many requests of `operation` (its `operationId` or the SDK's dotted name) reached the
    /// server, faulted ones included.
    pub fn requests(&self, operation: &str) -> u64 {
        let op = known(operation);
        self.lock().counts.get(op).copied().unwrap_or(0)
    }

    /// The request count of every operation that received at least one request, keyed by
    /// `operationId`.
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
    #[should_panic(
        expected = "`enrolments_reissue` is neither an operationId nor an SDK operation name of the Vitable \
                    Connect API; did you mean `enrollments.reissue` (operationId `enrollments_reissue`)?"
    )]
    fn typos_fail_loudly_with_a_suggestion() {
        Faults::default().fail_next("enrolments_reissue", 1, 503, None);
    }

    /// The panic message of `f`.
    fn panic_of(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
        let payload = std::panic::catch_unwind(f).unwrap_err();
        payload.downcast_ref::<String>().expect("a formatted panic message").clone()
    }

    #[test]
    fn the_panic_of_an_unknown_operation_never_shows_an_ssn() {
        let message = panic_of(|| Faults::default().fail_next("123-45-6789", 1, 503, None));
        assert!(message.contains("neither an operationId") && !message.contains("6789"), "{message}");
        assert!(message.contains("(see openapi.yaml)") && !message.contains("did you mean"), "{message}");
    }

    #[test]
    fn either_spelling_names_the_same_operation_everywhere() {
        for op in vitable_connect_api::spec::OPERATIONS {
            let faults = Faults::default();
            faults.fail_next(op.name, 1, 503, None);
            faults.fail_next(op.id, 1, 502, None);
            faults.try_fail_next(op.name, 1, 501, None).unwrap();
            faults.drop_connection_after_write(op.name, 1);
            faults.delay(Some(op.name), Duration::from_millis(3));
            let planned: Vec<_> = (0..4).map(|_| faults.on_request(op.id)).collect();
            let statuses: Vec<_> = planned.iter().map(|p| p.failure.map(|f| f.status)).collect();
            assert_eq!(statuses, [Some(503), Some(502), Some(501), None], "{}", op.id);
            assert!(planned[3].drop_connection, "{}", op.id);
            assert!(planned.iter().all(|p| p.delay == Duration::from_millis(3)), "{}", op.id);
            assert_eq!(faults.requests(op.name), 4, "{}", op.name);
            assert_eq!(faults.requests(op.id), 4, "{}", op.id);
            assert_eq!(faults.all_requests().into_iter().collect::<Vec<_>>(), [(op.id, 4)]);
            faults.delay(Some(op.id), Duration::ZERO);
            assert_eq!(faults.on_request(op.id).delay, Duration::ZERO, "{}", op.id);
        }
    }

    #[test]
    fn a_wrong_name_of_either_spelling_gets_the_closest_operation() {
        for op in vitable_connect_api::spec::OPERATIONS {
            let hint = format!("did you mean `{}` (operationId `{}`)?", op.name, op.id);
            for typo in [format!("{}x", op.id), format!("{}x", op.name)] {
                let error = Faults::default().try_fail_next(&typo, 1, 503, None).unwrap_err();
                assert_eq!(error, FaultError::UnknownOperation(typo.clone()));
                assert!(error.to_string().ends_with(&hint), "{error}");
                assert!(error.to_string().starts_with(&format!("`{typo}` is neither")), "{error}");
                assert!(panic_of(|| Faults::default().fail_next(&typo, 1, 503, None)).ends_with(&hint));
                assert!(
                    panic_of(|| Faults::default().drop_connection_after_write(&typo, 1)).ends_with(&hint)
                );
                assert!(panic_of(|| Faults::default().delay(Some(&typo), Duration::ZERO)).ends_with(&hint));
                assert!(
                    panic_of(|| {
                        Faults::default().requests(&typo);
                    })
                    .ends_with(&hint)
                );
            }
        }
    }
}
