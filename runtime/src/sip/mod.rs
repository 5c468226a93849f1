//! The SIP/RTP host: `callflow serve FILE --sip ADDR` answers phone calls
//! with the VM (docs/sip.md).
//!
//! - [`message`], [`sdp`]: SIP messages and SDP offer/answer, parsed from
//!   untrusted datagrams without panics;
//! - [`endpoint`]: the user-agent server (transactions, dialogs, timers),
//!   sans IO, with [`timers`] and [`dialog`];
//! - [`config`]: the settings of `callflow.toml`;
//! - the media side is in [`crate::media`] (RTP, G.711, DTMF, prompts,
//!   recordings), the call itself in [`call`], start-up checks in [`load`],
//!   the open-files limit in [`limits`], interval statistics in [`reports`],
//!   and the sockets in [`server`].

pub mod call;
pub mod config;
pub mod dialog;
pub mod endpoint;
pub mod limits;
pub mod load;
pub mod message;
pub mod reports;
pub mod sdp;
pub mod server;
pub mod timers;

/// The methods we answer, for Allow headers.
pub const ALLOW: &str = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO";
/// Server and User-Agent header value.
pub const USER_AGENT: &str = concat!("callflow/", env!("CARGO_PKG_VERSION"));
