//! A local, in-memory Vitable Connect API for development and tests.
//!
//! The sandbox implements every operation of the workspace's `openapi.yaml` on a real HTTP
//! server bound to `127.0.0.1`, keeps everything in memory (and, when asked, in a
//! [state file](SandboxOptions::state_file) that outlives it), and follows the rules the provider
//! leaves unsaid in a documented, deterministic way. It can inject faults (error statuses,
//! delays, dropped connections) so an SDK's retries, timeouts and idempotency can be tested end
//! to end.
//!
//! ```no_run
//! use vitable_connect_sandbox::{Sandbox, SandboxOptions};
//!
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = Sandbox::start(SandboxOptions::new().seed(true)).await?;
//! let demo = sandbox.demo().expect("seeded");
//! println!("GET {}/v1/employers/{}", sandbox.base_url(), demo.employer_id);
//!
//! // A ready SDK client for it (or `client_builder()` to change settings first).
//! let client = sandbox.client();
//!
//! // The next retrieve gets a 503 before any work is done (with `Some(duration)`, a
//! // `Retry-After` too); the client retries it.
//! sandbox.faults().fail_next("employers.retrieve", 1, 503, None);
//! let employer = client.employers().retrieve(&demo.employer_id).await.expect("found");
//! assert_eq!(sandbox.faults().requests("employers.retrieve"), 2);
//! println!("{}", employer.name);
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Or from the command line:
//! `cargo run -p vitable-connect-sandbox -- --port 4010 --seed`.
//!
//! # Rules
//!
//! **Auth.** Every `/v1` request needs `Authorization: Bearer <token>`. Any non-empty token is
//! accepted unless [`SandboxOptions::token`] configured a list. A missing or malformed header,
//! or a token not on the list, is a 401. Tokens and SSNs are never echoed, in responses or logs:
//! SSN-shaped text in an error message (an SSN sent where an ID belongs) or in a logged path is
//! masked as `***-**-****`.
//!
//! **Errors.** Every error is `application/json`:
//! `{"detail": "a sentence", "code": "machine_code", "errors": {"field": ["message"]}}`, with
//! `errors` only on validation failures (`code` `validation_error`). Every response carries an
//! `x-request-id: req_…` header. Unknown paths are 404 and wrong methods 405 (with `Allow`).
//!
//! **Slow and oversized requests.** A body over 1 MiB is a 413 (declared or chunked), a body
//! that does not arrive within [`SandboxOptions::body_read_timeout`] a 408, a URI or headers
//! over the [`limits`] a 414 or 431, all in JSON and with their connection closed; a connection
//! that does not send a whole request head within [`SandboxOptions::header_read_timeout`] is
//! closed, a connection whose client reads nothing of a response for
//! [`SandboxOptions::write_timeout`] (one that pipelines requests and never reads, say) is
//! closed, and at most [`SandboxOptions::max_connections`] connections are served at once. A
//! handler that panics answers a 500. A request hyper cannot parse at all (a malformed request
//! line) or whose head is over hyper's own limits gets hyper's bare 400/414/431, without JSON or
//! `x-request-id` (see [`limits`]).
//!
//! **Validation (400).** Bodies are checked against the spec's tables at any depth (enum values,
//! `null` only where `nullable`, every limit) and deserialized into the generated request types
//! of `vitable-connect-api` (required fields, JSON types), with every problem reported at once;
//! SSN and EIN formats are the sandbox's own checks, in the forms of the spec's `x-shapes`
//! (the same extension gives the masked form of a returned EIN). Malformed JSON, a non-JSON `Content-Type`
//! or a missing body are 400s too.
//! Query parameters: `page` and `limit` within the bounds `openapi.yaml` gives them (and its
//! defaults when left out), enum filters must be valid values, booleans `true`/`false`.
//!
//! **IDs.** New IDs carry their kind's prefix (`enrl_00000001k3qa`) and sort in creation order.
//! An unknown ID, or one whose prefix does not fit its path slot, is a 404.
//!
//! **Lists** are ordered by `created_at`, then ID; a page past the end is `[]`.
//!
//! **Qualifying life events** start `pending`; the date may not be after today; the window runs
//! from the event date to 30 days later (60 for `Birth` and `Adoption`).
//!
//! **Reissue** needs an existing QLE (404) of the enrollment's employee (400) that is not
//! `denied` (400) and whose window contains today (400); the enrollment goes back to `pending`
//! and loses `decision`, `selected_plan_id` and `selected_plan_name`.
//!
//! **Elections** are all checked, then all applied. Each enrollment must belong to the employee;
//! `Enrolled` needs a plan of the enrollment's plan year and a coverage tier; contributions are
//! those of the plan year's contribution class for the tier and the employee's class
//! (`Full Time` → `full_time`, falling back to any class with that tier).
//!
//! **Updates** (`PUT`) change only the properties sent: a value sets the field, `null` clears it
//! where the resource can be without it and is a 400 naming it where not (an employer's
//! `name`); a refused update changes nothing. Clearing an employee's `termination_date` rehires.
//!
//! **Terminate** sets `active` false and `termination_date` today; again is a no-op 204.
//!
//! **Idempotency.** A write (`POST`, `PUT`, `DELETE`) with an `Idempotency-Key` seen before with
//! the same operation, path and body gets the first (2xx) response again, with no second side
//! effect; with a different request it is a 409. Per key, only digests of the request and the
//! response are kept, and the store is bounded by keys and bytes
//! ([`SandboxOptions::idempotency_max_keys`], [`SandboxOptions::idempotency_max_bytes`]).
//!
//! See the README for every rule, the demo seed and the admin routes.

#![warn(missing_docs)]
// docs.rs (`--cfg docsrs`, nightly): every item behind a feature says which one.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod admin;
mod dispatch;
mod error;
mod faults;
mod handlers;
mod idempotency;
mod ids;
mod options;
mod patch;
mod query;
mod redact;
mod router;
mod sandbox;
mod seed;
mod server;
mod state;
mod state_file;
mod validate;
mod write_timeout;

pub use faults::{FaultError, Faults};
pub use options::{
    DEFAULT_BODY_READ_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_IDEMPOTENCY_MAX_BYTES,
    DEFAULT_IDEMPOTENCY_MAX_KEYS, DEFAULT_MAX_CONNECTIONS, DEFAULT_STATE_LOCK_WAIT, DEFAULT_WRITE_TIMEOUT,
    SandboxOptions,
};

pub mod limits;
pub use sandbox::Sandbox;
pub use seed::{Demo, DemoEmployee};
pub use state_file::reset_state_file;

/// Every `operationId` of the API, read from the table generated from `openapi.yaml`: the keys
/// of [`Faults::all_requests`]. [`Faults`] takes these, and the SDK's dotted name of each
/// operation too (`employers.list` for `employers_list`).
pub fn operation_ids() -> impl Iterator<Item = &'static str> {
    vitable_connect_api::spec::OPERATIONS.iter().map(|op| op.id)
}
