//! Workspace-level tests live in `tests/`; this library only compiles the Rust examples of the
//! workspace README and of the sandbox's README as doctests (the sandbox's use the SDK and
//! tokio, which the sandbox's own doctests cannot without more dev-dependencies). The SDK's
//! README is the front page of its crate docs, and is compiled there.

/// The workspace README.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct WorkspaceReadme;

/// The sandbox's README.
#[cfg(doctest)]
#[doc = include_str!("../../crates/vitable-connect-sandbox/README.md")]
pub struct SandboxReadme;
