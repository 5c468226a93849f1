//! The SIP host on sockets (tokio): one task for the SIP socket and the
//! endpoint, one task per call for its media.
//!
//! The SIP task owns the [`Endpoint`] (no locks): it feeds it datagrams,
//! commands from calls and timer expiries, and carries out what comes out
//! (send, start a call task, signal a call, log). A call task owns its two
//! media sockets and its [`CallCore`]; it queues each prompt on the call's
//! media track whole, sleeps until shortly before the prompt has been heard
//! or until its next deadline, and wakes for RTP, RTCP, signals and
//! rendered prompts.

use super::call::{CallCore, CallMeta, CallOut};
use super::config::Settings;
use super::endpoint::{CallStart, Command, Endpoint, MediaAllocator, MediaPorts, Output, Signal};
use super::reports::StatsReports;
use super::sdp::{Codec, Negotiated};
use crate::media::clip::Clip;
use crate::media::dtmf::Rfc4733;
use crate::media::g711;
use crate::media::goertzel::Goertzel;
use crate::media::pacer::PTIME;
use crate::media::prompts::Prompts;
use crate::media::rtp;
use crate::media::sender::{MediaSender, Track};
use crate::media::stats::STATS;
use callflow_compiler::bytecode::Program;
use std::collections::HashMap;
use std::future::Future;
use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr, UdpSocket as StdUdpSocket};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep_until};

/// How long a call task sleeps with nothing due (signals and media wake it).
const IDLE_WAKE: Duration = Duration::from_secs(60);
/// How much longer than its queued audio a hangup waits for it to be sent.
const HANGUP_DRAIN_MARGIN: Duration = Duration::from_millis(200);
/// How long shutdown waits for calls to hang up.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);
/// How long before a prompt has been heard its call is told so, and queues
/// what follows (the next prompt) behind it: a call task that the scheduler
/// keeps waiting up to this long still leaves no gap between two prompts.
/// Measured on a busy one-core host: bursts of task wake-ups up to 250 ms
/// late (docs/performance.md, "SIP runtime, third round"). A key pressed
/// in this last stretch of a prompt goes to what follows it, as a key
/// typed ahead does.
const FOLLOW_AHEAD: Duration = Duration::from_millis(250);
/// Prompts one wake-up may queue back to back (each shorter than
/// [`FOLLOW_AHEAD`]); the VM's own bound on effects stops a flow that
/// loops on one, this one keeps a wake-up short.
const MAX_QUEUED_AT_ONCE: usize = 64;

/// Where call log lines go: stdout or a file, one JSON object per line.
pub struct CallLog {
    out: Mutex<Box<dyn Write + Send>>,
}

impl CallLog {
    pub fn open(target: &str) -> io::Result<CallLog> {
        let out: Box<dyn Write + Send> = match target {
            "-" => Box::new(io::stdout()),
            path => Box::new(std::fs::OpenOptions::new().create(true).append(true).open(path)?),
        };
        Ok(CallLog { out: Mutex::new(out) })
    }

    pub fn to_writer(out: Box<dyn Write + Send>) -> CallLog {
        CallLog { out: Mutex::new(out) }
    }

    pub fn write(&self, line: &serde_json::Value) {
        if let Ok(mut out) = self.out.lock() {
            // A full disk must not stop calls; the line is lost.
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        }
    }
}

/// Binds RTP/RTCP port pairs from the configured range, round robin; a
/// port another program holds is skipped.
pub struct PortPool {
    range: (u16, u16),
    next: u16,
    bind_ip: IpAddr,
    media_address: Option<IpAddr>,
    /// The address each caller reaches us at (the route's source address).
    routes: HashMap<IpAddr, IpAddr>,
}

impl PortPool {
    pub fn new(range: (u16, u16), bind_ip: IpAddr, media_address: Option<IpAddr>) -> PortPool {
        let first = range.0 + (range.0 & 1);
        PortPool {
            range,
            next: first,
            bind_ip,
            media_address,
            routes: HashMap::new(),
        }
    }

    fn advertised(&mut self, peer: SocketAddr) -> IpAddr {
        if let Some(a) = self.media_address {
            return a;
        }
        if !self.bind_ip.is_unspecified() {
            return self.bind_ip;
        }
        if let Some(a) = self.routes.get(&peer.ip()) {
            return *a;
        }
        // The local address the system would send from (connect sends nothing).
        let unspecified: IpAddr = match peer {
            SocketAddr::V4(_) => IpAddr::from([0, 0, 0, 0]),
            SocketAddr::V6(_) => IpAddr::from([0u16; 8]),
        };
        let found = StdUdpSocket::bind(SocketAddr::new(unspecified, 0))
            .and_then(|s| s.connect(peer).and_then(|()| s.local_addr()))
            .map_or(IpAddr::from([127, 0, 0, 1]), |a| a.ip());
        if self.routes.len() < 4_096 {
            self.routes.insert(peer.ip(), found);
        }
        found
    }
}

impl MediaAllocator for PortPool {
    fn allocate(&mut self, peer: SocketAddr) -> Option<MediaPorts> {
        let (lo, hi) = self.range;
        let pairs = usize::from((hi - lo) / 2).max(1);
        for _ in 0..pairs.min(512) {
            let port = self.next;
            self.next = if port.saturating_add(3) > hi {
                lo + (lo & 1)
            } else {
                port + 2
            };
            let Ok(rtp) = StdUdpSocket::bind(SocketAddr::new(self.bind_ip, port)) else {
                continue;
            };
            let Ok(rtcp) = StdUdpSocket::bind(SocketAddr::new(self.bind_ip, port + 1)) else {
                continue;
            };
            if rtp.set_nonblocking(true).is_err() || rtcp.set_nonblocking(true).is_err() {
                continue;
            }
            let advertised = self.advertised(peer);
            return Some(MediaPorts {
                rtp,
                rtcp,
                port,
                advertised,
            });
        }
        None
    }
}

/// Everything a call task needs that is shared.
struct Shared {
    settings: Arc<Settings>,
    prompts: Arc<Prompts>,
    log: Arc<CallLog>,
    commands: mpsc::UnboundedSender<Command>,
    sender: MediaSender,
}

/// What the SIP host serves with, besides its socket.
pub struct Host {
    pub settings: Arc<Settings>,
    pub program: Arc<Program>,
    /// The flow's name, for the call log.
    pub flow: Option<String>,
    pub prompts: Arc<Prompts>,
    pub log: Arc<CallLog>,
    /// The media clock's thread, started by the caller (which reports the
    /// priority it got).
    pub sender: MediaSender,
}

/// Serve SIP on `socket` until `shutdown` resolves; then end every call
/// (BYE), wait briefly, and print the media statistics to the log. Until
/// then, SIGUSR1 and `stats_interval` write the last interval's statistics.
pub async fn serve(socket: StdUdpSocket, host: Host, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    let Host {
        settings,
        program,
        flow,
        prompts,
        log,
        sender,
    } = host;
    socket.set_nonblocking(true)?;
    let local = socket.local_addr()?;
    let socket = UdpSocket::from_std(socket)?;
    let pool = PortPool::new(settings.rtp_ports, local.ip(), settings.media_address);
    let mut reports = StatsReports::new(settings.stats_interval);
    let mut endpoint = Endpoint::new(Arc::clone(&settings), program, flow, local, Box::new(pool));
    let (commands, mut command_rx) = mpsc::unbounded_channel();
    let shared = Arc::new(Shared {
        settings,
        prompts,
        log: Arc::clone(&log),
        commands,
        sender,
    });
    let mut calls: HashMap<u64, mpsc::UnboundedSender<Signal>> = HashMap::new();
    let mut buf = vec![0u8; super::message::MAX_MESSAGE];
    let mut shutdown = std::pin::pin!(shutdown);
    let mut stopping: Option<Instant> = None;
    loop {
        let timer = endpoint
            .next_timer()
            .map_or_else(|| Instant::now() + Duration::from_secs(3_600), Instant::from_std);
        let timer = match stopping {
            Some(deadline) => timer.min(deadline),
            None => timer,
        };
        tokio::select! {
            received = socket.recv_from(&mut buf) => match received {
                Ok((n, from)) => {
                    let data = buf.get(..n).unwrap_or(&[]);
                    endpoint.on_datagram(std::time::Instant::now(), data, from);
                }
                // ICMP port unreachable from an earlier send and the like.
                Err(_) => continue,
            },
            Some(command) = command_rx.recv() => {
                if let Command::Finished { call } = &command {
                    calls.remove(call);
                }
                endpoint.on_command(std::time::Instant::now(), command);
            }
            () = sleep_until(timer) => endpoint.on_timer(std::time::Instant::now()),
            () = reports.due() => log.write(&reports.report()),
            () = &mut shutdown, if stopping.is_none() => {
                stopping = Some(Instant::now() + SHUTDOWN_GRACE);
                for tx in calls.values() {
                    let _ = tx.send(Signal::Shutdown);
                }
            }
        }
        for out in endpoint.drain() {
            match out {
                Output::Send { to, data } => {
                    // UDP: a full socket buffer loses the datagram, as the network would.
                    let _ = socket.try_send_to(&data, to);
                }
                Output::Start(start) => {
                    if stopping.is_some() {
                        continue;
                    }
                    let (tx, rx) = mpsc::unbounded_channel();
                    calls.insert(start.call, tx);
                    let shared = Arc::clone(&shared);
                    tokio::spawn(async move {
                        let call = start.call;
                        if let Err(e) = run_call(*start, rx, &shared).await {
                            shared
                                .log
                                .write(&serde_json::json!({"event": "error", "call": call, "error": e.to_string()}));
                        }
                        let _ = shared.commands.send(Command::Finished { call });
                    });
                }
                Output::Signal { call, signal } => {
                    if let Some(tx) = calls.get(&call) {
                        let _ = tx.send(signal);
                    }
                }
                Output::Log(line) => log.write(&line),
                Output::Trace(text) => {
                    let _ = writeln!(io::stderr().lock(), "{text}");
                }
            }
        }
        if let Some(deadline) = stopping
            && (endpoint.active_calls() == 0 || Instant::now() >= deadline)
        {
            break;
        }
    }
    log.write(&STATS.summary());
    Ok(())
}

/// The media state of a call task: the incoming side (sockets it reads,
/// DTMF detectors, decoding) and the outgoing track it queues prompts on.
struct Media {
    /// The outgoing audio, from the answer on (the call's media clock
    /// starts with the ACK, so the track is made then).
    track: Option<Track>,
    /// The prompt the call is playing, once queued.
    playing: Option<Playing>,
    negotiated: Option<Negotiated>,
    rfc4733: Rfc4733,
    inband: Option<Goertzel>,
    decoded: Vec<i16>,
}

/// A prompt queued on the track, until its call is told it was heard.
#[derive(Clone, Copy)]
struct Playing {
    /// When its last frame has been sent.
    ends: std::time::Instant,
    /// When to tell the call ([`FOLLOW_AHEAD`] before `ends`, or at
    /// `ends` when nothing may start early).
    tell_at: std::time::Instant,
}

impl Media {
    fn set(&mut self, n: Negotiated) {
        self.inband = match n.dtmf_pt {
            Some(_) => None,
            None => Some(self.inband.take().unwrap_or_default()),
        };
        self.negotiated = Some(n);
        self.route();
    }

    /// Start sending: the call is answered.
    fn start(&mut self, track: Track) {
        self.track = Some(track);
        self.route();
    }

    fn route(&self) {
        if let (Some(track), Some(n)) = (&self.track, &self.negotiated) {
            // A new codec applies from the next frame: the queue is encoded
            // in both laws, so nothing queued is lost.
            track.codec(n.codec, n.codec_pt);
            // On hold (or no address), slots pass and nothing is sent.
            track.route(n.remote.filter(|_| n.we_send));
        }
    }

    /// Drop what is queued (a key stopped the prompt).
    fn flush(&mut self) {
        if let Some(track) = &self.track {
            track.flush();
        }
        self.playing = None;
    }

    fn queued(&self) -> u64 {
        self.track.as_ref().map_or(0, Track::queued)
    }

    /// When the task must wake for the prompt that plays.
    fn wake_at(&self) -> Option<std::time::Instant> {
        self.playing.map(|p| p.tell_at)
    }

    /// Queue the prompt the call plays, and tell the call when one it
    /// plays has been heard (ahead, so the next one follows without a gap).
    fn follow(&mut self, core: &mut CallCore) {
        let Some(track) = &self.track else {
            return;
        };
        // The end of the prompt just heard, when another should follow it.
        let mut previous: Option<std::time::Instant> = None;
        for _ in 0..MAX_QUEUED_AT_ONCE {
            if let Some(p) = self.playing {
                if !core.is_playing() {
                    // A key or the end of the call stopped it.
                    self.playing = None;
                } else if std::time::Instant::now() < p.tell_at {
                    return;
                } else {
                    self.playing = None;
                    previous = Some(p.ends);
                    core.prompt_heard(p.ends);
                }
            }
            let Some(prompt) = core.take_prompt() else {
                return;
            };
            let queued = track.play(prompt.clip, prompt.plays);
            if queued.after_silence && previous.is_some_and(|end| queued.starts > end) {
                // The track ran dry between two prompts: a gap the caller hears.
                STATS.underruns.fetch_add(1, Ordering::Relaxed);
            }
            let tell_at = match prompt.follow_early {
                true => queued.ends.checked_sub(FOLLOW_AHEAD).unwrap_or(queued.ends),
                false => queued.ends,
            };
            self.playing = Some(Playing {
                ends: queued.ends,
                tell_at,
            });
        }
    }

    fn receive(&mut self, core: &mut CallCore, data: &[u8], from: SocketAddr, now: Instant) {
        let Some(n) = &self.negotiated else {
            return;
        };
        // Only the caller's media address may send us audio and keys.
        if n.remote.is_some_and(|r| r.ip() != from.ip()) {
            return;
        }
        let Some(p) = rtp::parse(data) else {
            return;
        };
        STATS.packets_received.fetch_add(1, Ordering::Relaxed);
        if Some(p.pt) == n.dtmf_pt {
            if let Some(key) = self.rfc4733.packet(p.ssrc, p.ts, p.payload) {
                core.digit(now.into_std(), key);
            }
            return;
        }
        if p.pt != n.codec_pt {
            return;
        }
        let codec: Codec = n.codec;
        self.decoded.clear();
        g711::decode(codec, p.payload, &mut self.decoded);
        if let Some(g) = self.inband.as_mut() {
            for key in g.feed(&self.decoded) {
                core.digit(now.into_std(), key);
            }
        }
        core.audio_in(now.into_std(), &self.decoded);
    }
}

async fn run_call(start: CallStart, mut signals: mpsc::UnboundedReceiver<Signal>, shared: &Shared) -> io::Result<()> {
    let CallStart {
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
    } = start;
    STATS.calls_started.fetch_add(1, Ordering::Relaxed);
    let meta = CallMeta {
        call,
        sip_call_id: call_id,
        caller,
        called,
        source: source.to_string(),
    };
    let mut core = CallCore::new(
        meta,
        vm,
        first,
        trace,
        Arc::clone(&shared.prompts),
        Arc::clone(&shared.settings),
    );
    // The task reads the sockets; the media sender writes them.
    let rtp = Arc::new(UdpSocket::from_std(media.rtp)?);
    let rtcp = Arc::new(UdpSocket::from_std(media.rtcp)?);
    let cname = format!("callflow-{call}@{}", media.advertised);
    let mut m = Media {
        track: None,
        playing: None,
        negotiated: None,
        rfc4733: Rfc4733::default(),
        inband: None,
        decoded: Vec::with_capacity(480),
    };
    if let Some(n) = negotiated {
        m.set(n);
    }
    let mut rtp_buf = [0u8; 1_500];
    let mut rtcp_buf = [0u8; 512];
    let mut render: Option<JoinHandle<Result<Clip, String>>> = None;
    // The call asked to hang up: the BYE waits for the queued audio to be
    // heard (the end of the last prompt), but never past this instant, so
    // a media thread that stopped cannot keep a call up.
    let mut hangup_after_audio: Option<std::time::Instant> = None;
    let mut result = Ok(());
    loop {
        let mut wake: Option<std::time::Instant> = core.deadline();
        let mut earliest = |at: std::time::Instant| wake = Some(wake.map_or(at, |w| w.min(at)));
        if let Some(at) = m.wake_at() {
            earliest(at);
        }
        if let (Some(track), Some(limit)) = (&m.track, hangup_after_audio) {
            earliest(track.drained_at().unwrap_or_else(std::time::Instant::now).min(limit));
        }
        let wake = wake.map_or_else(|| Instant::now() + IDLE_WAKE, Instant::from_std);
        tokio::select! {
            () = sleep_until(wake) => core.tick(Instant::now().into_std()),
            received = rtp.recv_from(&mut rtp_buf) => {
                if let Ok((n, from)) = received {
                    let data = rtp_buf.get(..n).unwrap_or(&[]);
                    m.receive(&mut core, data, from, Instant::now());
                }
            }
            // RTCP from the caller is read and dropped (no statistics kept).
            _ = rtcp.recv_from(&mut rtcp_buf) => {}
            signal = signals.recv() => {
                let now = Instant::now().into_std();
                match signal {
                    Some(Signal::Acked(n)) => {
                        if let Some(n) = n {
                            m.set(n);
                        }
                        let (codec, dtmf) = match &m.negotiated {
                            Some(n) => (n.codec.name(), if n.dtmf_pt.is_some() { "rfc4733" } else { "inband" }),
                            None => ("none", "none"),
                        };
                        // The media clock starts with the answer.
                        if m.track.is_none() {
                            m.start(shared.sender.track(rtp.clone(), rtcp.clone(), cname.clone(), now)?);
                        }
                        core.start(now, codec, dtmf);
                    }
                    Some(Signal::Bye) => core.caller_hung_up(now),
                    Some(Signal::Media(n)) => m.set(n),
                    Some(Signal::NoAck) => core.end(now, "no_ack"),
                    Some(Signal::Digit(key)) => core.digit(now, key),
                    Some(Signal::Shutdown) | None => core.end(now, "shutdown"),
                }
            }
            rendered = async {
                match render.as_mut() {
                    Some(handle) => handle.await,
                    None => std::future::pending().await,
                }
            } => {
                render = None;
                let clip = rendered.unwrap_or_else(|e| Err(format!("the renderer stopped: {e}")));
                core.rendered(Instant::now().into_std(), clip);
            }
        }
        if core.take_cut() {
            m.flush();
        }
        // Before draining: a prompt heard can carry the flow on to a hangup
        // or a new prompt.
        m.follow(&mut core);
        for out in core.drain() {
            match out {
                CallOut::Hangup => {
                    let queued = PTIME.saturating_mul(u32::try_from(m.queued()).unwrap_or(u32::MAX));
                    hangup_after_audio = Some(std::time::Instant::now() + queued + HANGUP_DRAIN_MARGIN);
                }
                CallOut::Render(job) => {
                    let prompts = Arc::clone(&shared.prompts);
                    if let Some(old) = render.replace(tokio::task::spawn_blocking(move || job.run(&prompts))) {
                        old.abort();
                    }
                }
                CallOut::Log(line) => shared.log.write(&line),
            }
        }
        if hangup_after_audio.is_some_and(|limit| m.queued() == 0 || std::time::Instant::now() >= limit) {
            hangup_after_audio = None;
            if shared.commands.send(Command::Hangup { call }).is_err() {
                result = Err(io::Error::other("the SIP task is gone"));
            }
        }
        if core.is_over() && hangup_after_audio.is_none() {
            break;
        }
    }
    STATS.calls_ended.fetch_add(1, Ordering::Relaxed);
    result
}

/// Serve until Ctrl-C (or SIGTERM), on a runtime of its own (`threads`
/// worker threads; one by default).
pub fn serve_until_interrupted(socket: StdUdpSocket, host: Host) -> io::Result<()> {
    // One thread by default: every timer and socket of every call on one
    // core keeps the media clock's tail short (docs/performance.md).
    let runtime = match host.settings.threads {
        0 | 1 => tokio::runtime::Builder::new_current_thread().enable_all().build()?,
        n => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(n)
            .enable_all()
            .build()?,
    };
    runtime.block_on(serve(socket, host, crate::webhook::http::interrupted()))
}
