//! The webhook host (`callflow serve --webhook`) over real HTTP on loopback:
//! whole example calls per provider, calls kept apart, bad requests refused,
//! calls released, the same behaviour as the simulator, and the CLI.
//!
//! Documents are checked at the model level (the host answers with
//! `Render::Outline`); `rendered.rs` snapshots the providers' own documents
//! once their renderers are in.

#[path = "../common/mod.rs"]
mod common;

mod calls;
mod cli;
mod client;
mod equivalence;
mod isolation;
mod phone;
mod rendered;
mod support;
