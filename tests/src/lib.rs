//! Workspace-level tests live in `tests/`; this library only compiles the workspace README's
//! Rust examples as doctests. (The SDK's README is the front page of its crate docs, and is
//! compiled there.)

/// The workspace README.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct WorkspaceReadme;
