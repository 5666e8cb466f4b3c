//! Workspace-level tests live in `tests/`; this library only compiles the READMEs' Rust
//! examples as doctests. They are here rather than in the crates they document because some use
//! several published crates at once (`vitable-connect` with `vitable-connect-sandbox` as a
//! dev-dependency), which the crates themselves cannot depend on without a publish cycle.

/// `crates/vitable-connect/README.md`, the README crates.io shows for the SDK.
#[cfg(doctest)]
#[doc = include_str!("../../crates/vitable-connect/README.md")]
pub struct SdkReadme;

/// The workspace README.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct WorkspaceReadme;
