//! Media for the SIP host: RTP and RTCP, G.711, the drift-free media clock,
//! DTMF (RFC 4733 and in-band), prompts (espeak-ng and WAV files, cached)
//! and recordings.

pub mod audio;
pub mod clip;
pub mod dtmf;
pub mod g711;
pub mod goertzel;
pub mod pacer;
pub mod prompts;
pub mod rtp;
pub mod sender;
pub mod stats;
