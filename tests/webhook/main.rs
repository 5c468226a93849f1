//! The webhook host (`callflow serve --webhook`) over real HTTP on loopback:
//! whole example calls per provider, calls kept apart, bad requests refused,
//! calls released, the same behaviour as the simulator, and the CLI.
//!
//! The whole-call tests (`calls.rs`) get the providers' own documents and
//! play the provider from them (`provider.rs`): the callback URLs, options
//! and handlers come from the rendered XML or JSON, and every document is
//! checked like a static one (AT XML checker, JSON schemas). The tests of
//! the host's behaviour read the provider-neutral outline instead
//! (`Render::Outline`, `phone.rs`); `rendered.rs` snapshots the documents of
//! every scenario of every example a target carries.

#[path = "../at_xml/mod.rs"]
mod at_xml;
#[path = "../common/mod.rs"]
mod common;

mod calls;
mod cli;
mod client;
mod equivalence;
mod isolation;
mod phone;
mod provider;
mod rendered;
mod support;
