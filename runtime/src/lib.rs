//! The callflow runtime: the sans-IO VM and its hosts (simulator, webhook, SIP/RTP).
//!
//! Only the crate boundary exists so far; the VM lands with the bytecode (issue 3).

pub use callflow_compiler as compiler;
