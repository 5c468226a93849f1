//! A dialog (RFC 3261 §12) as the called party: the identifiers, the
//! caller's target and route set, and the 2xx we keep sending until the
//! ACK comes.

use super::message::{self, Message, uri_addr, uri_of};
use super::sdp::Negotiated;
use super::timers::Retransmit;
use std::net::SocketAddr;

/// What the endpoint keeps per answered call.
pub struct Dialog {
    /// The call task's id.
    pub call: u64,
    pub call_id: String,
    pub local_tag: String,
    pub remote_tag: String,
    /// The caller's From (our To in requests we send), as received.
    pub remote_party: String,
    /// Our To (with our tag): the From of requests we send.
    pub local_party: String,
    /// Where in-dialog requests go: the caller's Contact.
    pub remote_target: String,
    /// Record-Route of the INVITE, in order (§12.1.1).
    pub route_set: Vec<String>,
    /// The highest CSeq the caller has used.
    pub remote_cseq: u32,
    pub local_cseq: u32,
    /// Where the INVITE came from: requests go there when the target's host
    /// is a name (the runtime does no DNS).
    pub source: SocketAddr,
    /// Our address in SDP, Via and Contact.
    pub local: SocketAddr,
    pub media_port: u16,
    pub session_id: u64,
    pub sdp_version: u64,
    /// A 2xx to an INVITE (initial or re-INVITE) not yet acknowledged.
    pub unacked: Option<Unacked>,
    /// The media as last agreed.
    pub negotiated: Option<Negotiated>,
    /// Our BYE's branch, once we have hung up.
    pub bye_branch: Option<String>,
    /// The call ended before the ACK came: send BYE when it does (§15).
    pub bye_wanted: bool,
}

/// A 2xx retransmitted until its ACK (§13.3.1.4).
pub struct Unacked {
    pub cseq: u32,
    pub bytes: Vec<u8>,
    pub to: SocketAddr,
    pub retransmit: Retransmit,
    /// We sent an offer in the 2xx (the INVITE had none): the answer is in
    /// the ACK.
    pub offer_in_2xx: bool,
    /// It answers the initial INVITE (its ACK starts the call).
    pub initial: bool,
}

impl Dialog {
    /// Where a request in this dialog goes: the first route if there is a
    /// route set (loose routing), else the remote target; the INVITE's
    /// source when that host is not an IP address.
    pub fn next_hop(&self) -> SocketAddr {
        let uri = match self.route_set.first() {
            Some(route) => uri_of(route),
            None => self.remote_target.as_str(),
        };
        uri_addr(uri).unwrap_or(self.source)
    }

    /// A request in this dialog (BYE), with a fresh branch.
    pub fn request(&mut self, method: &str, branch: &str) -> Message {
        self.local_cseq = self.local_cseq.wrapping_add(1);
        let mut m = message::request(method, &self.remote_target)
            .with("Via", format!("SIP/2.0/UDP {};branch={branch};rport", self.local))
            .with("Max-Forwards", "70");
        for route in &self.route_set {
            m = m.with("Route", route.clone());
        }
        m.with("From", self.local_party.clone())
            .with("To", self.remote_party.clone())
            .with("Call-ID", self.call_id.clone())
            .with("CSeq", format!("{} {method}", self.local_cseq))
            .with("User-Agent", super::USER_AGENT)
    }
}
