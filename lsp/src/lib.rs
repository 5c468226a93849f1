//! The callflow language server: an engine with plain methods and a thin tower-lsp-server shim.
//!
//! Only the crate boundary exists so far; the server lands with issue 6.

pub use callflow_compiler as compiler;
