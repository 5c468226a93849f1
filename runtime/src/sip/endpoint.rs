//! The SIP endpoint, sans IO: datagrams, commands from calls and the time
//! go in; datagrams to send, calls to start and signals to calls come out.
//!
//! It is the user-agent server of RFC 3261 for what an IVR needs: INVITE
//! (answered with SDP, or refused with a 4xx/5xx/6xx), ACK, BYE both ways,
//! CANCEL, OPTIONS, re-INVITE (hold), INFO (DTMF), with the server
//! transactions that answer retransmitted requests from memory and the
//! retransmission of 2xx and non-2xx final responses until their ACK.
//! Being sans IO, every timer is testable with a made-up clock
//! (`endpoint/tests.rs`).

use super::config::Settings;
use super::dialog::{Dialog, Unacked};
use super::message::{self, Message, StartLine, Via, uri_of, uri_user};
use super::sdp::{self, Negotiated, Offer};
use super::timers::{Retransmit, TIMEOUT, TimerFor, Timers};
use super::{ALLOW, USER_AGENT};
use crate::vm::{CallInfo, Effect, Event, RejectReason, TraceEvent, Vm};
use callflow_compiler::bytecode::Program;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A call's pair of media sockets (RTP on an even port, RTCP above it) and
/// the address to announce in SDP.
pub struct MediaPorts {
    pub rtp: std::net::UdpSocket,
    pub rtcp: std::net::UdpSocket,
    pub port: u16,
    pub advertised: IpAddr,
}

/// Where media ports come from (the I/O layer binds sockets; tests fake it).
pub trait MediaAllocator: Send {
    fn allocate(&mut self, peer: SocketAddr) -> Option<MediaPorts>;
}

/// A call the endpoint has answered: the I/O layer starts its task.
pub struct CallStart {
    pub call: u64,
    pub call_id: String,
    pub caller: String,
    pub called: String,
    pub source: SocketAddr,
    pub vm: Vm,
    /// The VM's answer to `Start` (run before answering, to see whether the
    /// flow rejects the call).
    pub first: Effect,
    pub trace: Vec<TraceEvent>,
    pub media: MediaPorts,
    /// `None` until the ACK brings the answer (the INVITE had no offer).
    pub negotiated: Option<Negotiated>,
}

/// What the endpoint tells a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signal {
    /// The ACK came: the call is up. Carries the media agreed in it when
    /// the INVITE had no offer.
    Acked(Option<Negotiated>),
    /// The caller hung up.
    Bye,
    /// A re-INVITE changed the media (hold, resume, a new address).
    Media(Negotiated),
    /// No ACK within 32 s: the endpoint has sent BYE.
    NoAck,
    /// A DTMF key by SIP INFO.
    Digit(char),
    /// The server is stopping (sent by the I/O layer, not the endpoint).
    Shutdown,
}

/// What a call tells the endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Send BYE (the flow or a limit ended the call).
    Hangup { call: u64 },
    /// The call's task is over: forget it.
    Finished { call: u64 },
}

pub enum Output {
    Send {
        to: SocketAddr,
        data: Vec<u8>,
    },
    Start(Box<CallStart>),
    Signal {
        call: u64,
        signal: Signal,
    },
    /// A JSON object for the call log (refused and cancelled calls).
    Log(serde_json::Value),
    /// A line of SIP trace (when `sip_trace` is on).
    Trace(String),
}

/// A server transaction: the last response, for retransmitted requests.
struct ServerTxn {
    /// The response to resend when the request comes again.
    last: Option<(Vec<u8>, SocketAddr)>,
    state: TxnState,
    /// When this entry goes (Timer H/J/I) or, for `Completed` INVITEs, the
    /// retransmission schedule.
    expires: Instant,
    retransmit: Option<Retransmit>,
}

enum TxnState {
    /// An INVITE ringing before it is answered (`answer_after`).
    Ringing(Box<Ringing>),
    /// An INVITE answered with 2xx: its retransmissions get the dialog's 2xx.
    Accepted { dialog: String },
    /// A final response sent (non-2xx for INVITE: waiting for the ACK).
    Completed,
    /// The ACK for a non-2xx came; absorbing late retransmissions.
    Confirmed,
}

struct Ringing {
    request: Message,
    source: SocketAddr,
    start: CallStart,
    offer: Option<Offer>,
    answer_at: Instant,
}

/// A client transaction: our BYE.
struct ClientTxn {
    dialog: String,
    bytes: Vec<u8>,
    to: SocketAddr,
    retransmit: Retransmit,
}

pub struct Endpoint {
    settings: Arc<Settings>,
    program: Arc<Program>,
    flow: Option<String>,
    /// The SIP socket's address (the IP may be unspecified).
    local: SocketAddr,
    media: Box<dyn MediaAllocator>,
    server: HashMap<String, ServerTxn>,
    client: HashMap<String, ClientTxn>,
    dialogs: HashMap<String, Dialog>,
    /// Call id → dialog key, for commands from calls.
    calls: HashMap<u64, String>,
    timers: Timers,
    next_call: u64,
    /// Calls started or ringing that have not finished.
    active: usize,
    out: Vec<Output>,
    clock: fn() -> i64,
}

/// How many server transactions may be remembered at once: beyond it,
/// requests are answered without keeping state and INVITEs get 503, so a
/// flood of distinct requests cannot grow memory without bound.
fn txn_limit(max_calls: usize) -> usize {
    max_calls.saturating_mul(8).saturating_add(4_096)
}

/// The key of a request's server transaction (§17.2.3): the branch and
/// the method (ACK matches its INVITE; CANCEL has its own), or for old
/// RFC 2543 peers without a magic-cookie branch, Call-ID, CSeq and From tag.
fn txn_key(m: &Message, via: &Via) -> String {
    let method = match m.method() {
        Some("ACK") | None => "INVITE",
        Some(method) => method,
    };
    match via.branch.as_deref() {
        Some(b) if b.starts_with("z9hG4bK") => format!("{b}|{}|{method}", via.sent_by),
        _ => format!(
            "{}|{}|{}|{method}",
            m.call_id().unwrap_or(""),
            m.cseq().map_or(0, |(n, _)| n),
            m.from_tag().unwrap_or("")
        ),
    }
}

fn dialog_key(call_id: &str, local_tag: &str) -> String {
    format!("{call_id}|{local_tag}")
}

/// Where a response goes (§18.2.2 with RFC 3581): the source IP, and the
/// source port when the Via asks for `rport`, else the sent-by port.
fn response_target(via: &Via, source: SocketAddr) -> SocketAddr {
    if via.rport {
        return source;
    }
    let port = message::host_port(&via.sent_by, 5060)
        .map(|a| a.port())
        .or_else(|| via.sent_by.rsplit_once(':').and_then(|(_, p)| p.parse().ok()))
        .unwrap_or(5060);
    SocketAddr::new(source.ip(), port)
}

/// 64 bits from the OS's random source (tags, branches, session ids).
pub fn random_u64() -> u64 {
    getrandom::u64().unwrap_or_else(|_| {
        // No entropy source: time and a counter still give unique tags.
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        t ^ n.rotate_left(32)
    })
}

fn new_branch() -> String {
    format!("z9hG4bK{:016x}", random_u64())
}

impl Endpoint {
    pub fn new(
        settings: Arc<Settings>,
        program: Arc<Program>,
        flow: Option<String>,
        local: SocketAddr,
        media: Box<dyn MediaAllocator>,
    ) -> Endpoint {
        Endpoint {
            settings,
            program,
            flow,
            local,
            media,
            server: HashMap::new(),
            client: HashMap::new(),
            dialogs: HashMap::new(),
            calls: HashMap::new(),
            timers: Timers::default(),
            next_call: 1,
            active: 0,
            out: Vec::new(),
            clock: crate::webhook::config::system_clock,
        }
    }

    /// Use another clock for the VM's `open_hours` (tests).
    pub fn set_clock(&mut self, clock: fn() -> i64) {
        self.clock = clock;
    }

    /// Calls ringing or in progress.
    pub fn active_calls(&self) -> usize {
        self.active
    }

    /// What to do, in order, since the last call.
    pub fn drain(&mut self) -> Vec<Output> {
        std::mem::take(&mut self.out)
    }

    /// When `on_timer` should next run.
    pub fn next_timer(&self) -> Option<Instant> {
        self.timers.next()
    }

    /// Sizes of the tables, for tests and the shutdown report.
    pub fn table_sizes(&self) -> (usize, usize, usize, usize) {
        (
            self.server.len(),
            self.client.len(),
            self.dialogs.len(),
            self.timers.len(),
        )
    }

    fn send(&mut self, to: SocketAddr, data: Vec<u8>) {
        if self.settings.sip_trace {
            self.out
                .push(Output::Trace(format!("→ {to}\n{}", String::from_utf8_lossy(&data))));
        }
        self.out.push(Output::Send { to, data });
    }

    /// Our address in Via, Contact and SDP towards `peer`.
    fn local_for(&self, advertised: IpAddr) -> SocketAddr {
        match self.local.ip().is_unspecified() {
            true => SocketAddr::new(advertised, self.local.port()),
            false => self.local,
        }
    }

    // ── datagrams ──

    pub fn on_datagram(&mut self, now: Instant, data: &[u8], source: SocketAddr) {
        let Some(m) = Message::parse(data) else {
            return;
        };
        if self.settings.sip_trace {
            self.out
                .push(Output::Trace(format!("← {source}\n{}", String::from_utf8_lossy(data))));
        }
        match m.start {
            StartLine::Request { .. } => self.on_request(now, m, source),
            StartLine::Response { .. } => self.on_response(now, &m),
        }
    }

    fn on_request(&mut self, now: Instant, m: Message, source: SocketAddr) {
        let Some(via) = m.top_via() else {
            return; // nowhere to answer
        };
        let method = m.method().unwrap_or("").to_string();
        let to = response_target(&via, source);
        // The headers every request needs (§8.1.1); without them, 400.
        let cseq_ok = m.cseq().is_some_and(|(_, cm)| cm == method);
        if m.call_id().is_none() || !cseq_ok || m.header("From").is_none() || m.header("To").is_none() {
            if method != "ACK" {
                let r = message::response(&m, 400, "Bad Request", None);
                self.send(to, r.to_bytes());
            }
            return;
        }
        let key = txn_key(&m, &via);
        if method == "ACK" {
            self.on_ack(now, &m, &key);
            return;
        }
        // A retransmission: answer from the transaction.
        if let Some(txn) = self.server.get(&key) {
            let resend = match &txn.state {
                TxnState::Accepted { dialog } => self
                    .dialogs
                    .get(dialog)
                    .and_then(|d| d.unacked.as_ref())
                    .map(|u| (u.bytes.clone(), u.to)),
                _ => txn.last.clone(),
            };
            if let Some((bytes, dest)) = resend {
                self.send(dest, bytes);
            }
            return;
        }
        if !self.settings.allows(source.ip()) {
            self.final_response(now, &m, &key, to, 403, "Forbidden", &[]);
            self.log_refused(&m, source, 403, "the source address is not allowed");
            return;
        }
        if method == "CANCEL" {
            self.on_cancel(now, &m, &via, &key, to);
            return;
        }
        if m.to_tag().is_some() {
            self.in_dialog(now, m, &key, to, source);
            return;
        }
        match method.as_str() {
            "INVITE" => self.on_invite(now, m, &key, to, source),
            "OPTIONS" => {
                let r = message::response(&m, 200, "OK", Some(&format!("{:x}", random_u64())))
                    .with("Allow", ALLOW)
                    .with("Accept", "application/sdp")
                    .with("Supported", "")
                    .with("User-Agent", USER_AGENT);
                self.complete(now, &key, to, r.to_bytes());
            }
            "BYE" | "INFO" | "PRACK" | "UPDATE" => {
                self.final_response(now, &m, &key, to, 481, "Call/Transaction Does Not Exist", &[]);
            }
            _ => self.unsupported(now, &m, &key, to),
        }
    }

    /// 405 for methods SIP defines that we do not take, 501 for the rest.
    fn unsupported(&mut self, now: Instant, m: &Message, key: &str, to: SocketAddr) {
        const KNOWN: &[&str] = &[
            "REGISTER",
            "SUBSCRIBE",
            "NOTIFY",
            "REFER",
            "MESSAGE",
            "PUBLISH",
            "PRACK",
            "UPDATE",
        ];
        let method = m.method().unwrap_or("");
        if KNOWN.contains(&method) {
            self.final_response(now, m, key, to, 405, "Method Not Allowed", &[("Allow", ALLOW)]);
        } else {
            self.final_response(now, m, key, to, 501, "Not Implemented", &[("Allow", ALLOW)]);
        }
    }

    /// Send a final response and remember it in a server transaction.
    #[allow(clippy::too_many_arguments)]
    fn final_response(
        &mut self,
        now: Instant,
        m: &Message,
        key: &str,
        to: SocketAddr,
        code: u16,
        reason: &str,
        extra: &[(&str, &str)],
    ) {
        let mut r = message::response(m, code, reason, Some(&format!("{:x}", random_u64())));
        for (name, value) in extra {
            r = r.with(name, *value);
        }
        let bytes = r.with("User-Agent", USER_AGENT).to_bytes();
        if m.method() == Some("INVITE") {
            self.invite_failed(now, key, to, bytes);
        } else {
            self.complete(now, key, to, bytes);
        }
    }

    /// A non-INVITE transaction is answered: keep the answer for Timer J.
    fn complete(&mut self, now: Instant, key: &str, to: SocketAddr, bytes: Vec<u8>) {
        self.send(to, bytes.clone());
        if self.server.len() >= txn_limit(self.settings.max_calls) {
            return; // answered statelessly
        }
        self.server.insert(
            key.to_string(),
            ServerTxn {
                last: Some((bytes, to)),
                state: TxnState::Completed,
                expires: now + TIMEOUT,
                retransmit: None,
            },
        );
        self.timers.at(now + TIMEOUT, TimerFor::Server(key.to_string()));
    }

    /// An INVITE refused: the response is resent (Timer G) until the ACK,
    /// for at most 32 s (Timer H).
    fn invite_failed(&mut self, now: Instant, key: &str, to: SocketAddr, bytes: Vec<u8>) {
        self.send(to, bytes.clone());
        if self.server.len() >= txn_limit(self.settings.max_calls) && !self.server.contains_key(key) {
            return;
        }
        let retransmit = Retransmit::start(now);
        self.server.insert(
            key.to_string(),
            ServerTxn {
                last: Some((bytes, to)),
                state: TxnState::Completed,
                expires: retransmit.give_up,
                retransmit: Some(retransmit),
            },
        );
        self.timers.at(retransmit.due(), TimerFor::Server(key.to_string()));
    }

    fn log_refused(&mut self, m: &Message, source: SocketAddr, status: u16, why: &str) {
        if m.method() != Some("INVITE") {
            return;
        }
        self.out.push(Output::Log(serde_json::json!({
            "event": "refused",
            "status": status,
            "reason": why,
            "source": source.to_string(),
            "sip_call_id": m.call_id().unwrap_or(""),
            "from": uri_user(uri_of(m.header("From").unwrap_or(""))),
            "to": uri_user(uri_of(m.header("To").unwrap_or(""))),
        })));
    }

    // ── INVITE ──

    fn on_invite(&mut self, now: Instant, m: Message, key: &str, to: SocketAddr, source: SocketAddr) {
        let reject = |ep: &mut Endpoint, code: u16, reason: &str, why: &str, extra: &[(&str, &str)]| {
            ep.final_response(now, &m, key, to, code, reason, extra);
            ep.log_refused(&m, source, code, why);
        };
        if m.header("Require").is_some_and(|r| !r.trim().is_empty()) {
            let required = m.header("Require").unwrap_or("").to_string();
            return reject(
                self,
                420,
                "Bad Extension",
                "the caller requires an extension",
                &[("Unsupported", &required)],
            );
        }
        if self.active >= self.settings.max_calls {
            return reject(
                self,
                503,
                "Service Unavailable",
                "at the call limit",
                &[("Retry-After", "5")],
            );
        }
        if self.server.len() >= txn_limit(self.settings.max_calls) {
            return reject(self, 503, "Service Unavailable", "too many transactions", &[]);
        }
        let offer = match m.body.is_empty() {
            true => None,
            false => {
                let is_sdp = m
                    .header("Content-Type")
                    .is_some_and(|t| t.trim().to_ascii_lowercase().starts_with("application/sdp"));
                if !is_sdp {
                    return reject(
                        self,
                        415,
                        "Unsupported Media Type",
                        "the offer is not SDP",
                        &[("Accept", "application/sdp")],
                    );
                }
                match Offer::parse(&m.body) {
                    Some(offer) => Some(offer),
                    None => return reject(self, 400, "Bad Request", "the SDP cannot be read", &[]),
                }
            }
        };
        let negotiated = match &offer {
            Some(offer) => match offer.negotiate() {
                Some(n) => Some(n),
                None => {
                    return reject(
                        self,
                        488,
                        "Not Acceptable Here",
                        "no common codec (PCMU or PCMA)",
                        &[("Warning", "305 callflow \"only PCMU and PCMA are supported\"")],
                    );
                }
            },
            None => None,
        };
        let Some(media) = self.media.allocate(source) else {
            return reject(self, 503, "Service Unavailable", "no free RTP port", &[]);
        };
        let call_id = m.call_id().unwrap_or("").to_string();
        let caller = uri_user(uri_of(m.header("From").unwrap_or(""))).to_string();
        let called = match uri_user(uri_of(m.header("To").unwrap_or(""))) {
            "" => match &m.start {
                StartLine::Request { uri, .. } => uri_user(uri).to_string(),
                StartLine::Response { .. } => String::new(),
            },
            user => user.to_string(),
        };
        let info = CallInfo {
            caller: caller.clone(),
            called: called.clone(),
            call_id: call_id.clone(),
            flow: self.flow.clone(),
        };
        let mut vm = match Vm::new(Arc::clone(&self.program), info) {
            Ok(vm) => vm,
            Err(e) => return reject(self, 500, "Server Internal Error", &e.to_string(), &[]),
        };
        vm.set_clock((self.clock)());
        let first = vm.resume(Event::Start);
        let trace = vm.drain_trace();
        match &first {
            Effect::Reject { reason } => {
                let (code, text) = match reason {
                    Some(RejectReason::Busy) => (486, "Busy Here"),
                    _ => (603, "Decline"),
                };
                return reject(self, code, text, "the flow rejects the call", &[]);
            }
            Effect::Error(e) if e.is_fatal() => {
                return reject(self, 500, "Server Internal Error", &e.to_string(), &[]);
            }
            _ => {}
        }
        let call = self.next_call;
        self.next_call += 1;
        self.active += 1;
        let start = CallStart {
            call,
            call_id,
            caller,
            called,
            source,
            vm,
            first,
            trace,
            media,
            negotiated,
        };
        // 100 Trying at once: the caller stops retransmitting.
        let trying = message::response(&m, 100, "Trying", None).to_bytes();
        self.send(to, trying.clone());
        let ringing = Ringing {
            answer_at: now + self.settings.answer_after,
            request: m,
            source,
            start,
            offer,
        };
        if self.settings.answer_after.is_zero() {
            self.server.insert(
                key.to_string(),
                ServerTxn {
                    last: Some((trying, to)),
                    state: TxnState::Completed,
                    expires: now + TIMEOUT,
                    retransmit: None,
                },
            );
            self.answer(now, key, ringing);
        } else {
            let tag = format!("{:x}", random_u64());
            let r180 = message::response(&ringing.request, 180, "Ringing", Some(&tag))
                .with(
                    "Contact",
                    format!("<sip:callflow@{}>", self.local_for(ringing.start.media.advertised)),
                )
                .to_bytes();
            self.send(to, r180.clone());
            let answer_at = ringing.answer_at;
            self.server.insert(
                key.to_string(),
                ServerTxn {
                    last: Some((r180, to)),
                    state: TxnState::Ringing(Box::new(ringing)),
                    expires: answer_at,
                    retransmit: None,
                },
            );
            self.timers.at(answer_at, TimerFor::Server(key.to_string()));
        }
    }

    /// Answer a ringing INVITE with 200 and its SDP; the dialog begins.
    fn answer(&mut self, now: Instant, key: &str, ringing: Ringing) {
        let Ringing {
            request: m,
            source,
            start,
            offer,
            ..
        } = ringing;
        let via = m.top_via();
        let to = via.as_ref().map_or(source, |v| response_target(v, source));
        // The tag of a 180 we sent, if any, so the 200 is in the same dialog.
        let earlier_tag = self
            .server
            .get(key)
            .and_then(|t| t.last.as_ref())
            .and_then(|(bytes, _)| Message::parse(bytes))
            .and_then(|r| r.to_tag().map(str::to_string));
        let local_tag = earlier_tag.unwrap_or_else(|| format!("{:x}", random_u64()));
        let local = self.local_for(start.media.advertised);
        let media_addr = SocketAddr::new(start.media.advertised, start.media.port);
        let session_id = random_u64() >> 1;
        let (body, offer_in_2xx) = match (&offer, &start.negotiated) {
            (Some(offer), Some(n)) => (offer.answer(n, media_addr, session_id, 1), false),
            _ => (sdp::offer(media_addr, session_id, 1), true),
        };
        let response = message::response(&m, 200, "OK", Some(&local_tag))
            .with("Contact", format!("<sip:callflow@{local}>"))
            .with("Allow", ALLOW)
            .with("Supported", "")
            .with("User-Agent", USER_AGENT)
            .with_body("application/sdp", body);
        let local_party = response.header("To").unwrap_or("").to_string();
        let bytes = response.to_bytes();
        self.send(to, bytes.clone());
        let dialog_key = dialog_key(&start.call_id, &local_tag);
        let cseq = m.cseq().map_or(0, |(n, _)| n);
        let retransmit = Retransmit::start(now);
        let dialog = Dialog {
            call: start.call,
            call_id: start.call_id.clone(),
            local_tag,
            remote_tag: m.from_tag().unwrap_or("").to_string(),
            remote_party: m.header("From").unwrap_or("").to_string(),
            local_party,
            remote_target: m.header("Contact").map_or_else(
                || match &m.start {
                    StartLine::Request { uri, .. } => uri.clone(),
                    StartLine::Response { .. } => String::new(),
                },
                |c| uri_of(c).to_string(),
            ),
            route_set: m
                .header_values("Record-Route")
                .into_iter()
                .map(str::to_string)
                .collect(),
            remote_cseq: cseq,
            local_cseq: (random_u64() % 10_000) as u32,
            source,
            local,
            media_port: start.media.port,
            session_id,
            sdp_version: 1,
            unacked: Some(Unacked {
                cseq,
                bytes,
                to,
                retransmit,
                offer_in_2xx,
                initial: true,
            }),
            negotiated: start.negotiated.clone(),
            bye_branch: None,
            bye_wanted: false,
        };
        self.timers.at(retransmit.due(), TimerFor::Dialog(dialog_key.clone()));
        self.calls.insert(start.call, dialog_key.clone());
        self.dialogs.insert(dialog_key.clone(), dialog);
        self.server.insert(
            key.to_string(),
            ServerTxn {
                last: None,
                state: TxnState::Accepted { dialog: dialog_key },
                expires: now + TIMEOUT,
                retransmit: None,
            },
        );
        self.timers.at(now + TIMEOUT, TimerFor::Server(key.to_string()));
        self.out.push(Output::Start(Box::new(start)));
    }

    fn on_ack(&mut self, now: Instant, m: &Message, key: &str) {
        // The ACK of a non-2xx is part of the INVITE transaction.
        if let Some(txn) = self.server.get_mut(key)
            && matches!(txn.state, TxnState::Completed)
            && txn.retransmit.is_some()
        {
            txn.state = TxnState::Confirmed;
            txn.retransmit = None;
            txn.expires = now + Duration::from_secs(5);
            self.timers.at(txn.expires, TimerFor::Server(key.to_string()));
            return;
        }
        // The ACK of a 2xx is a request of its own in the dialog.
        let (Some(call_id), Some(tag)) = (m.call_id(), m.to_tag()) else {
            return;
        };
        let Some(dialog) = self.dialogs.get_mut(&dialog_key(call_id, tag)) else {
            return;
        };
        let cseq = m.cseq().map_or(0, |(n, _)| n);
        let Some(unacked) = dialog.unacked.take_if(|u| u.cseq == cseq) else {
            return;
        };
        let answer = match unacked.offer_in_2xx {
            true => Offer::parse(&m.body).and_then(|a| a.negotiate()),
            false => None,
        };
        let call = dialog.call;
        if unacked.offer_in_2xx {
            match answer {
                Some(ref n) => dialog.negotiated = Some(n.clone()),
                None if unacked.initial => {
                    // No usable answer to our offer: end the call (§13.2.1 leaves
                    // nothing else to do).
                    self.out.push(Output::Signal {
                        call,
                        signal: Signal::NoAck,
                    });
                    let key = dialog_key(call_id, tag);
                    self.send_bye(now, &key);
                    return;
                }
                None => {}
            }
        }
        let bye_wanted = dialog.bye_wanted;
        let signal = match (unacked.initial, answer) {
            (true, answer) => Signal::Acked(answer),
            (false, Some(n)) => Signal::Media(n),
            (false, None) => return,
        };
        self.out.push(Output::Signal { call, signal });
        if bye_wanted {
            let key = dialog_key(call_id, tag);
            self.send_bye(now, &key);
        }
    }

    fn on_cancel(&mut self, now: Instant, m: &Message, via: &Via, key: &str, to: SocketAddr) {
        let invite_key = {
            let mut invite = m.clone();
            invite.start = StartLine::Request {
                method: "INVITE".to_string(),
                uri: String::new(),
            };
            txn_key(&invite, via)
        };
        let ringing = match self.server.get_mut(&invite_key) {
            None => {
                self.final_response(now, m, key, to, 481, "Call/Transaction Does Not Exist", &[]);
                return;
            }
            Some(txn) => match std::mem::replace(&mut txn.state, TxnState::Completed) {
                TxnState::Ringing(r) => Some(r),
                other => {
                    txn.state = other;
                    None
                }
            },
        };
        let ok = message::response(m, 200, "OK", None).with("User-Agent", USER_AGENT);
        self.complete(now, key, to, ok.to_bytes());
        let Some(ringing) = ringing else {
            return; // already answered: CANCEL has no effect (§9.2)
        };
        let tag = ringing
            .request
            .to_tag()
            .map(str::to_string)
            .unwrap_or_else(|| format!("{:x}", random_u64()));
        let r487 = message::response(&ringing.request, 487, "Request Terminated", Some(&tag))
            .with("User-Agent", USER_AGENT)
            .to_bytes();
        let invite_to = ringing
            .request
            .top_via()
            .map_or(to, |v| response_target(&v, ringing.source));
        self.out.push(Output::Log(serde_json::json!({
            "event": "cancelled",
            "call": ringing.start.call,
            "sip_call_id": ringing.start.call_id,
            "source": ringing.source.to_string(),
        })));
        self.active = self.active.saturating_sub(1);
        self.invite_failed(now, &invite_key, invite_to, r487);
    }

    // ── in-dialog requests ──

    fn in_dialog(&mut self, now: Instant, m: Message, key: &str, to: SocketAddr, source: SocketAddr) {
        let method = m.method().unwrap_or("").to_string();
        let dkey = dialog_key(m.call_id().unwrap_or(""), m.to_tag().unwrap_or(""));
        let Some(dialog) = self.dialogs.get_mut(&dkey) else {
            self.final_response(now, &m, key, to, 481, "Call/Transaction Does Not Exist", &[]);
            return;
        };
        let cseq = m.cseq().map_or(0, |(n, _)| n);
        if cseq < dialog.remote_cseq && method != "CANCEL" {
            self.final_response(now, &m, key, to, 500, "Server Internal Error", &[]);
            return;
        }
        dialog.remote_cseq = cseq;
        let call = dialog.call;
        match method.as_str() {
            "BYE" => {
                let ok = message::response(&m, 200, "OK", None).with("User-Agent", USER_AGENT);
                self.complete(now, key, to, ok.to_bytes());
                self.out.push(Output::Signal {
                    call,
                    signal: Signal::Bye,
                });
                self.dialogs.remove(&dkey);
            }
            "INVITE" => self.reinvite(now, &m, &dkey, key, to, source),
            "OPTIONS" => {
                let ok = message::response(&m, 200, "OK", None)
                    .with("Allow", ALLOW)
                    .with("Accept", "application/sdp")
                    .with("User-Agent", USER_AGENT);
                self.complete(now, key, to, ok.to_bytes());
            }
            "INFO" => {
                let digit = info_digit(&m);
                let ok = message::response(&m, 200, "OK", None).with("User-Agent", USER_AGENT);
                self.complete(now, key, to, ok.to_bytes());
                if let Some(digit) = digit {
                    self.out.push(Output::Signal {
                        call,
                        signal: Signal::Digit(digit),
                    });
                }
            }
            _ => self.unsupported(now, &m, key, to),
        }
    }

    /// A re-INVITE: answer its offer (hold, resume, a new address) or make
    /// one when it has none; the 2xx is resent until its ACK.
    fn reinvite(&mut self, now: Instant, m: &Message, dkey: &str, key: &str, to: SocketAddr, _source: SocketAddr) {
        let offer = match m.body.is_empty() {
            true => None,
            false => match Offer::parse(&m.body) {
                Some(o) => Some(o),
                None => {
                    self.final_response(now, m, key, to, 400, "Bad Request", &[]);
                    return;
                }
            },
        };
        let negotiated = match &offer {
            Some(o) => match o.negotiate() {
                Some(n) => Some(n),
                None => {
                    self.final_response(now, m, key, to, 488, "Not Acceptable Here", &[]);
                    return;
                }
            },
            None => None,
        };
        let Some(dialog) = self.dialogs.get_mut(dkey) else {
            return;
        };
        if dialog.unacked.is_some() {
            // An INVITE of ours is still waiting for its ACK (§14.2).
            self.final_response(now, m, key, to, 500, "Server Internal Error", &[("Retry-After", "1")]);
            return;
        }
        dialog.sdp_version += 1;
        let media = SocketAddr::new(dialog.local.ip(), dialog.media_port);
        let body = match (&offer, &negotiated) {
            (Some(o), Some(n)) => o.answer(n, media, dialog.session_id, dialog.sdp_version),
            _ => sdp::offer(media, dialog.session_id, dialog.sdp_version),
        };
        let ok = message::response(m, 200, "OK", Some(&dialog.local_tag))
            .with("Contact", format!("<sip:callflow@{}>", dialog.local))
            .with("Allow", ALLOW)
            .with("User-Agent", USER_AGENT)
            .with_body("application/sdp", body);
        if let Some(target) = m.header("Contact") {
            dialog.remote_target = uri_of(target).to_string();
        }
        let bytes = ok.to_bytes();
        let retransmit = Retransmit::start(now);
        dialog.unacked = Some(Unacked {
            cseq: m.cseq().map_or(0, |(n, _)| n),
            bytes: bytes.clone(),
            to,
            retransmit,
            offer_in_2xx: offer.is_none(),
            initial: false,
        });
        let call = dialog.call;
        if let Some(n) = &negotiated {
            dialog.negotiated = Some(n.clone());
        }
        self.send(to, bytes);
        self.timers.at(retransmit.due(), TimerFor::Dialog(dkey.to_string()));
        self.server.insert(
            key.to_string(),
            ServerTxn {
                last: None,
                state: TxnState::Accepted {
                    dialog: dkey.to_string(),
                },
                expires: now + TIMEOUT,
                retransmit: None,
            },
        );
        self.timers.at(now + TIMEOUT, TimerFor::Server(key.to_string()));
        if let Some(n) = negotiated {
            self.out.push(Output::Signal {
                call,
                signal: Signal::Media(n),
            });
        }
    }

    // ── responses (to our BYE) ──

    fn on_response(&mut self, _now: Instant, m: &Message) {
        let Some(branch) = m.top_via().and_then(|v| v.branch) else {
            return;
        };
        let Some(code) = m.status() else {
            return;
        };
        if code < 200 {
            return; // keep retransmitting until the final answer (or Timer F)
        }
        if let Some(txn) = self.client.remove(&branch) {
            self.dialogs.remove(&txn.dialog);
        }
    }

    // ── commands from calls ──

    pub fn on_command(&mut self, now: Instant, command: Command) {
        match command {
            Command::Hangup { call } => {
                if let Some(key) = self.calls.get(&call).cloned() {
                    self.send_bye(now, &key);
                }
            }
            Command::Finished { call } => {
                self.active = self.active.saturating_sub(1);
                if let Some(key) = self.calls.remove(&call) {
                    // A dialog still waiting for its BYE's answer stays until then.
                    if self.dialogs.get(&key).is_some_and(|d| d.bye_branch.is_none()) {
                        self.send_bye(now, &key);
                    }
                }
            }
        }
    }

    fn send_bye(&mut self, now: Instant, key: &str) {
        let Some(dialog) = self.dialogs.get_mut(key) else {
            return;
        };
        if dialog.bye_branch.is_some() {
            return;
        }
        // §15: not before the ACK, unless the 2xx retransmission gave up; the
        // ACK (or the give-up) sends it.
        if dialog.unacked.as_ref().is_some_and(|u| u.initial) {
            dialog.bye_wanted = true;
            return;
        }
        let branch = new_branch();
        dialog.bye_branch = Some(branch.clone());
        let bye = dialog.request("BYE", &branch).to_bytes();
        let to = dialog.next_hop();
        let retransmit = Retransmit::start(now);
        self.client.insert(
            branch.clone(),
            ClientTxn {
                dialog: key.to_string(),
                bytes: bye.clone(),
                to,
                retransmit,
            },
        );
        self.timers.at(retransmit.due(), TimerFor::Client(branch));
        self.send(to, bye);
    }

    // ── timers ──

    pub fn on_timer(&mut self, now: Instant) {
        while let Some(what) = self.timers.pop_due(now) {
            match what {
                TimerFor::Server(key) => self.server_timer(now, &key),
                TimerFor::Dialog(key) => self.dialog_timer(now, &key),
                TimerFor::Client(branch) => self.client_timer(now, &branch),
            }
        }
    }

    fn server_timer(&mut self, now: Instant, key: &str) {
        let Some(txn) = self.server.get_mut(key) else {
            return;
        };
        if let TxnState::Ringing(r) = &txn.state {
            if r.answer_at <= now
                && let TxnState::Ringing(r) = std::mem::replace(&mut txn.state, TxnState::Confirmed)
            {
                self.answer(now, key, *r);
            }
            return;
        }
        if let Some(r) = txn.retransmit.as_mut() {
            if now >= r.give_up {
                self.server.remove(key); // Timer H: the ACK never came
                return;
            }
            if now >= r.next {
                r.advance(now);
                let next = r.due();
                if let Some((bytes, to)) = txn.last.clone() {
                    self.send(to, bytes);
                }
                self.timers.at(next, TimerFor::Server(key.to_string()));
            }
            return;
        }
        if now >= txn.expires {
            self.server.remove(key);
        }
    }

    fn dialog_timer(&mut self, now: Instant, key: &str) {
        let Some(dialog) = self.dialogs.get_mut(key) else {
            return;
        };
        let Some(unacked) = dialog.unacked.as_mut() else {
            return;
        };
        if now >= unacked.retransmit.give_up {
            // §13.3.1.4: no ACK, so the session ends with a BYE.
            let initial = unacked.initial;
            dialog.unacked = None;
            let call = dialog.call;
            if initial {
                self.out.push(Output::Signal {
                    call,
                    signal: Signal::NoAck,
                });
            }
            self.send_bye(now, key);
            return;
        }
        if now >= unacked.retransmit.next {
            unacked.retransmit.advance(now);
            let (bytes, to, next) = (unacked.bytes.clone(), unacked.to, unacked.retransmit.due());
            self.send(to, bytes);
            self.timers.at(next, TimerFor::Dialog(key.to_string()));
        }
    }

    fn client_timer(&mut self, now: Instant, branch: &str) {
        let Some(txn) = self.client.get_mut(branch) else {
            return;
        };
        if now >= txn.retransmit.give_up {
            // Timer F: nobody answers our BYE; the dialog is over anyway.
            if let Some(txn) = self.client.remove(branch) {
                self.dialogs.remove(&txn.dialog);
            }
            return;
        }
        if now >= txn.retransmit.next {
            txn.retransmit.advance(now);
            let (bytes, to, next) = (txn.bytes.clone(), txn.to, txn.retransmit.due());
            self.send(to, bytes);
            self.timers.at(next, TimerFor::Client(branch.to_string()));
        }
    }
}

/// The key in an INFO body: `application/dtmf-relay` (`Signal=5`) or
/// `application/dtmf` (`5`).
fn info_digit(m: &Message) -> Option<char> {
    let kind = m.header("Content-Type")?.trim().to_ascii_lowercase();
    let body = std::str::from_utf8(&m.body).ok()?;
    let text = if kind.starts_with("application/dtmf-relay") {
        body.lines()
            .find_map(|l| {
                l.split_once('=')
                    .filter(|(k, _)| k.trim().eq_ignore_ascii_case("signal"))
            })
            .map(|(_, v)| v.trim())?
    } else if kind.starts_with("application/dtmf") {
        body.trim()
    } else {
        return None;
    };
    let mut chars = text.chars();
    let c = chars.next()?;
    (chars.next().is_none() && (c.is_ascii_digit() || c == '*' || c == '#')).then_some(c)
}

#[cfg(test)]
mod tests;
