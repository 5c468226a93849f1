//! The callflow language server: a pure engine with plain methods
//! (`engine/`, no I/O, no async; tests call it directly) and a thin
//! tower-lsp-server transport (`server/`) that owns it on one thread.
//! docs/lsp.md has the features, the architecture and how to test it.

pub mod engine;
pub mod server;

pub use callflow_compiler as compiler;
pub use engine::Engine;
pub use server::{run_stdio, serve};
