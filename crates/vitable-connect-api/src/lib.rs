//! Low-level client for the Vitable Connect API.
//!
#![doc = include_str!("generated_api_version.md")]
//!
//! Almost everything here is **generated** from the workspace's `openapi.yaml` by
//! `cargo xtask codegen` (progenitor 0.15) into `src/generated.rs`, which is never
//! edited by hand. The hand-written parts are small and sit beside it:
//!
//! * [`ids`]: one type per ID kind (`EnrollmentId`, `QleId`, ...), made by one macro;
//! * [`Ssn`]: a social security number whose `Debug` never shows it;
//! * [`UnrecognizedValue`]: the text of an enum value newer than this crate (every enum is open);
//! * [`hooks`]: the generated client's hooks (it executes its requests directly);
//! * [`spec`]: the types of the spec's tables (operations, enums, limits), which
//!   `cargo xtask codegen` writes into `src/generated_spec.rs`.
//!
//! Most applications want the ergonomic `vitable-connect` crate instead.

#![warn(missing_docs)]
// docs.rs (`--cfg docsrs`, nightly): every item behind a feature says which one.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod hooks;
pub mod ids;
pub mod spec;
mod ssn;
mod unrecognized;

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic)]
mod generated_enums;

#[rustfmt::skip]
mod generated_spec;

#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic, unused_imports)]
mod generated;

pub use generated::*;

/// The API's models and enums, generated from `openapi.yaml`.
///
/// The structs and their builders come from progenitor; the enums from
/// `cargo xtask codegen`'s own generator, because they are open (see [`UnrecognizedValue`]).
pub mod types {
    pub use crate::generated::types::*;
    pub use crate::generated_enums::*;
}
pub use progenitor_client::{ByteStream, Error, OperationInfo, ResponseValue};
pub use ssn::{SSN_MASK, Ssn, SsnError, mask_ssns, ssn_form_at, ssn_forms};
pub use unrecognized::{ParseEnumError, UnrecognizedValue};
