//! The callflow runtime: the sans-IO VM and its hosts (simulator, webhook, SIP/RTP).
//!
//! `vm` is the VM: one small state machine per call, driven by events, emitting
//! effects (see its module docs for the protocol). `scenario` hosts it as the
//! simulated phone of `callflow sim` and `callflow test`; `webhook` as the
//! HTTP server that answers voice providers' callbacks.

pub use callflow_compiler as compiler;

pub mod media;
pub mod scenario;
pub mod sip;
pub mod vm;
pub mod webhook;
