//! The SIP runtime against real peers on loopback: `callflow serve --sip`
//! as a child process, called by SIPp scenarios (tests/sip/scenarios/) and
//! by a small SIP phone written here (phone.rs) where a test must look at
//! the audio itself. Skipped with a note when sipp or espeak-ng is missing,
//! failed under CI=true (.ci/run installs them).

#[path = "../common/mod.rs"]
mod common;

mod calls;
mod cli;
mod media;
mod phone;
mod support;
