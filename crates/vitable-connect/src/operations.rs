//! The operations of the API: stable names for errors and tracing, with method, path
//! template, parameters and body. The table is generated from `openapi.yaml` (the
//! `spec` module of `vitable-connect-api`); there is one constant per operation, named after
//! its `operationId`.
//!
//! An operation has two names: its `operationId` (`employers_list`) and the SDK's dotted name
//! (`employers.list`) that errors, spans and interceptors show. [`find`] takes either, and
//! [`did_you_mean`] suggests the closest for a wrong one (the sandbox's fault injection and the
//! command-line tool take either too).
//!
//! ```
//! use vitable_connect::operations;
//!
//! let by_id = operations::find("employers_list").unwrap();
//! let by_name = operations::find("employers.list").unwrap();
//! assert_eq!(by_id.name, by_name.name);
//! assert!(operations::find("employers.lst").is_none());
//! assert!(operations::did_you_mean("employers.lst").unwrap().contains("employers.list"));
//! ```

pub use vitable_connect_api::spec::operations::*;
pub use vitable_connect_api::spec::{Location, Operation, Param};

/// Every operation, in `operationId` order.
pub const ALL: &[Operation] = vitable_connect_api::spec::OPERATIONS;

/// The operation called `name`, by its `operationId` (`employers_list`) or its SDK name
/// (`employers.list`).
pub fn find(name: &str) -> Option<&'static Operation> {
    vitable_connect_api::spec::operation(name)
}

/// For a name that is no operation's, a hint naming the closest operation in both spellings
/// ("did you mean `employers.list` (operationId `employers_list`)?"), when one is close.
pub fn did_you_mean(name: &str) -> Option<String> {
    vitable_connect_api::spec::did_you_mean(name)
}
