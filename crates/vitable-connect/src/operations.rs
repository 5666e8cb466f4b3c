//! The operations of the API: stable names for errors and tracing, with method, path
//! template, parameters and body. The table is generated from `openapi.yaml` (see
//! [`vitable_connect_api::spec`]); there is one constant per operation, named after its
//! `operationId`.

pub use vitable_connect_api::spec::operations::*;
pub use vitable_connect_api::spec::{Location, Operation, Param};

/// Every operation, in `operationId` order.
pub const ALL: &[Operation] = vitable_connect_api::spec::OPERATIONS;
