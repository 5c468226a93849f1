//! The callflow runtime: the sans-IO VM and its hosts (simulator, webhook, SIP/RTP).
//!
//! `vm` is the VM: one small state machine per call, driven by events, emitting
//! effects (see its module docs for the protocol).

pub use callflow_compiler as compiler;

pub mod scenario;
pub mod vm;
