//! # Compatibility policy
//!
//! An application built with this crate keeps talking to a server that goes on changing.
//! These rules say what the SDK does when the API moves ahead of it, which public types may
//! grow, and what each kind of change to `openapi.yaml` does to the crates' versions.
//!
//! ## A newer server
//!
//! * **Enum values the SDK does not know** decode to the enum's `Unrecognized` variant, which
//!   keeps the text as sent; `as_str()`, `Display` and serialization give that exact text back.
//!   A page or stream holding such a value decodes completely. Known text always becomes the
//!   known variant.
//! * **Fields the SDK does not model** are skipped when decoding, and stay readable in the raw
//!   body: every builder's `send_with_response()` returns an [`ApiResponse`](crate::ApiResponse)
//!   with [`body()`](crate::ApiResponse::body) and [`json()`](crate::ApiResponse::json).
//!
//! ```
//! use vitable_connect::EnrollmentStatus;
//!
//! fn describe(status: &EnrollmentStatus) -> String {
//!     match status {
//!         EnrollmentStatus::Pending => "waiting for elections".into(),
//!         EnrollmentStatus::Enrolled => "covered".into(),
//!         // Values added to the API later, and variants added to the SDK later.
//!         other => format!("status {other}"),
//!     }
//! }
//! let newer: EnrollmentStatus = vitable_connect::serde_json::from_str(r#""archived""#).unwrap();
//! assert_eq!(describe(&newer), "status archived");
//! assert!(matches!(&newer, EnrollmentStatus::Unrecognized(v) if v.as_str() == "archived"));
//! ```
//!
//! ## Sending a value the SDK does not know yet
//!
//! Request enums stay typed. To send a value the API accepts but this SDK version does not
//! list, make the enum from text: `From<&str>` gives the known variant when there is one and
//! `Unrecognized` otherwise, which is sent as written. The server decides whether it is valid
//! (an unknown value is a 400 naming the field there). Prefer upgrading the SDK.
//!
//! ```
//! use vitable_connect::Relationship;
//!
//! let newer = Relationship::from("Domestic Partner");
//! assert_eq!(vitable_connect::serde_json::to_string(&newer).unwrap(), r#""Domestic Partner""#);
//! assert_eq!(Relationship::from("Spouse"), Relationship::Spouse);
//! ```
//!
//! ## Which types may grow
//!
//! * **Every enum** of the API (`EnrollmentStatus`, `Relationship`, ...) is
//!   `#[non_exhaustive]`: a `match` needs a wildcard arm, so a new variant compiles. (They are
//!   not `Copy`: an unknown value owns its text.)
//! * **Every response model** (`Employee`, `Enrollment`, ...) is `#[non_exhaustive]`: its
//!   fields are public to read, but it cannot be built with a struct literal or destructured
//!   without `..`, so a new field compiles.
//! * [`Error`](crate::Error), [`ApiErrorKind`](crate::ApiErrorKind),
//!   [`ApiError`](crate::ApiError), [`DecodeError`](crate::DecodeError),
//!   [`InvalidInput`](crate::InvalidInput) and [`Environment`](crate::Environment) are
//!   `#[non_exhaustive]` as well.
//! * Request builders and input values ([`AddressInput`](crate::AddressInput), ...) have
//!   private fields: required values go to their constructor, optional ones to setters, so a
//!   new optional property is a new setter and breaks nothing.
//! * The spec tables of [`operations`](crate::operations): `Operation`, `Param`, `Schema` and
//!   `Property` are `#[non_exhaustive]`; `Limits`, `SchemaKind` and `Location` describe what the
//!   generator understands of OpenAPI and change only in a breaking release.
//!
//! ## Clearing a field
//!
//! An update (`PUT`) changes only what it names. For each nullable property of an update body,
//! the builder has a setter and, unless `openapi.yaml` marks it `x-not-clearable` (the resource
//! always has that value; the setter's docs say why), `clear_<name>()`, which sends `null`.
//! Elsewhere (create bodies, values nested in a body) leaving a property out is all there is:
//! the SDK does not send `null` there.
//!
//! ## Building response models in your tests
//!
//! Since struct literals do not work on response models, build them from JSON, as the server
//! would send them, or with their generated builders:
//!
//! ```
//! use vitable_connect::{Address, types};
//!
//! // From JSON: any shape the API documents.
//! let from_json: Address = vitable_connect::serde_json::from_value(vitable_connect::serde_json::json!({
//!     "street_1": "1 Main St", "city": "Springfield", "state": "IL", "zip_code": "62701",
//! }))
//! .unwrap();
//!
//! // With the builder: every required field must be set, or `try_into` names one missing.
//! let built: Address = Address::builder()
//!     .street_1("1 Main St")
//!     .city("Springfield")
//!     .state("IL")
//!     .zip_code("62701")
//!     .try_into()
//!     .unwrap();
//! assert_eq!(built.city, from_json.city);
//!
//! let missing: Result<Address, _> = Address::builder().city("Springfield").try_into();
//! assert!(missing.unwrap_err().to_string().starts_with("no value supplied for"));
//! # let _: Option<types::Address> = None;
//! ```
//!
//! ## Versions
//!
//! `vitable-connect` and `vitable-connect-api` are released together, with the same version
//! number. Depend on `vitable-connect` alone: it re-exports every type an application needs
//! (the response models, the enums, [`Ssn`](crate::Ssn), the IDs, the spec tables), and the
//! promises below are about its public API, re-exported types included. What only
//! `vitable-connect-api` exposes (progenitor's client and the request body structs it fills in)
//! is generated for the SDK's use and may change with any spec revision: pin it with `=` if you
//! use it directly. Its version carries the `info.version` of the spec it was generated from as
//! build metadata (`0.1.0+api.1.0.0`); the [crate docs](crate) name it too. How releases are
//! made, and the changelog each one gets, is in the
//! [versioning policy](https://github.com/vitable/vitable-connect-rs/blob/main/CHANGELOG.md#versioning).
//!
//! A *compatible* release is a minor version from 1.0 on (`1.4` → `1.5`) and a patch version
//! before it (`0.3.1` → `0.3.2`); a *breaking* release is a major version from 1.0 on and a minor
//! version before it (`0.3` → `0.4`).
//!
//! | change to `openapi.yaml` | release |
//! |---|---|
//! | a property added to a response model (required or optional) | compatible |
//! | a value added to an enum | compatible (the value stops decoding as `Unrecognized`; the changelog says so) |
//! | an operation added | compatible (a new builder and entry point) |
//! | an optional request property or query parameter added | compatible (a new setter) |
//! | something marked deprecated | compatible (`#[deprecated]`, with the API's note) |
//! | descriptions only | compatible |
//! | a *required* request property or parameter added | breaking (a new argument of the entry point) |
//! | anything removed or renamed, a type changed, a property made nullable in a response | breaking |
//!
//! A required property added to a response model compiles, but JSON fixtures in your tests that
//! lack it stop decoding, and builder fixtures stop converting: the changelog lists every
//! added property so that you can update them.
