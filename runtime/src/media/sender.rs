//! The media sender: one thread that sends every call's outgoing RTP (and
//! RTCP sender reports) at its slot on the call's media clock.
//!
//! Why a thread of its own (docs/architecture.md, "The media clock"): on
//! the async runtime every packet was a task wake-up through tokio's timer
//! wheel, which counts whole milliseconds and shares its thread with SIP,
//! prompt rendering hand-offs and caller audio; a burst of that work delayed
//! whole milliseconds of packets. Here one loop sleeps on the OS's
//! high-resolution timer until the earliest slot of any call, sends every
//! packet due by then, and sleeps again: nothing else runs on the thread.
//!
//! The call's task still decides *what* is heard: it keeps a few frames
//! queued ahead ([`LEAD`]) on its [`Track`], encoded, and the sender only
//! decides *when*. A track is polled at every slot of its grid whether or
//! not it has audio, so the grid never moves: a talkspurt after silence
//! starts on the next slot, with the marker bit, its timestamp counting on
//! through the silence (RFC 3551 §4.1). A key that stops a prompt flushes
//! the queue, so barge-in is not delayed by the lead.
//!
//! The thread asks for real-time priority (SCHED_FIFO, when permitted), so
//! that a busy core delays the packets only by what the hypervisor takes.
//! It therefore never waits for a call's task, which runs at normal
//! priority on the same core and may be preempted by this very thread: it
//! only *tries* the locks it shares with them and looks again shortly.
//!
//! Sends are one `sendto` per packet: each call has its own socket (its own
//! port in the SDP answer), so `sendmmsg`, which batches datagrams of one
//! socket, cannot gather packets of different calls.

use super::pacer::{Pacer, SAMPLES_PER_PACKET};
use super::rtp::Outgoing;
use super::stats::STATS;
use socket2::{SockAddr, SockRef};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::io;
use std::net::SocketAddr;
use std::os::fd::AsFd;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

/// Frames a call keeps queued ahead of the sender (320 ms): the call's task
/// may be late by up to `(LEAD - REFILL)` slots (160 ms) without a gap in
/// the audio. Only memory (160 bytes a frame) and the drain before a hangup
/// grow with it: a key flushes the queue, and each frame is made for the
/// instant it will be heard.
pub const LEAD: usize = 16;
/// The call's task tops the queue up when this many frames are left.
pub const REFILL: usize = 8;
/// Slots within this of now are sent in the same pass instead of sleeping
/// for them: the OS timer wakes a few tens of µs late anyway.
const BATCH: Duration = Duration::from_micros(100);
/// How soon the sender looks again at a track whose lock was taken: longer
/// than [`BATCH`], so one pass does not spin on it.
const RETRY: Duration = Duration::from_micros(200);
/// RTCP sender reports go this often (RFC 3550's 5 s minimum interval).
const RTCP_EVERY: Duration = Duration::from_secs(5);
/// How long the sender sleeps with no call at all (it is woken for a new one).
const IDLE: Duration = Duration::from_secs(1);

/// A UDP socket the sender writes to while the call's task reads it (a
/// tokio socket in the runtime, a std one in tests): sent to through its
/// descriptor, so the task's readiness state is not involved.
pub type Socket = Arc<dyn AsFd + Send + Sync>;

/// Send one datagram on `socket`; a full buffer (`WouldBlock`) is an error.
fn send_to(socket: &Socket, data: &[u8], to: SocketAddr) -> io::Result<usize> {
    SockRef::from(&socket.as_fd()).send_to(data, &SockAddr::from(to))
}

/// One encoded 20 ms frame and its payload type.
struct Frame {
    pt: u8,
    payload: [u8; SAMPLES_PER_PACKET],
}

/// What a call's task and the sender share, behind the track's lock (held
/// for a few instructions at a time by either side).
struct TrackState {
    pacer: Pacer,
    frames: VecDeque<Frame>,
    /// Where to send; `None` while the caller holds the call or before the
    /// SDP answer: slots pass and frames are used up, nothing is sent.
    remote: Option<SocketAddr>,
    closed: bool,
}

impl TrackState {
    /// The slot after the queued frames.
    fn tail_due(&self) -> Instant {
        self.pacer.due_of(self.pacer.slot() + self.frames.len() as u64)
    }
}

struct TrackShared {
    state: Mutex<TrackState>,
}

impl TrackShared {
    fn lock(&self) -> MutexGuard<'_, TrackState> {
        // A panic while holding the lock cannot leave the queue half
        // written (every update is one push, pop or clear): go on.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A call's outgoing audio, as its task sees it.
pub struct Track {
    shared: Arc<TrackShared>,
}

impl Track {
    /// Frames queued and not yet sent.
    pub fn queued(&self) -> usize {
        self.shared.lock().frames.len()
    }

    /// Frames queued, and when a frame pushed now would leave (the slot
    /// after the queued ones), read together. The sender moves a frame from
    /// the queue to the past in one step, so the instant stays right while
    /// the task pushes more: the n-th frame pushed leaves n slots later.
    pub fn tail(&self) -> (usize, Instant) {
        let s = self.shared.lock();
        (s.frames.len(), s.tail_due())
    }

    /// When the task should top the queue up: when [`REFILL`] frames are left.
    pub fn refill_at(&self) -> Instant {
        let s = self.shared.lock();
        let left = s.frames.len().saturating_sub(REFILL) as u64;
        s.pacer.due_of(s.pacer.slot() + left)
    }

    /// When the last queued frame will have left; `None` if none is queued.
    pub fn drained_at(&self) -> Option<Instant> {
        let s = self.shared.lock();
        (!s.frames.is_empty()).then(|| s.tail_due())
    }

    /// Queue one encoded frame (G.711: one byte per sample).
    pub fn push(&self, pt: u8, payload: &[u8]) {
        let mut frame = Frame {
            pt,
            payload: [0; SAMPLES_PER_PACKET],
        };
        let n = payload.len().min(SAMPLES_PER_PACKET);
        if let (Some(dst), Some(src)) = (frame.payload.get_mut(..n), payload.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.shared.lock().frames.push_back(frame);
    }

    /// Drop the queued frames (a key stopped the prompt; the codec changed).
    pub fn flush(&self) {
        self.shared.lock().frames.clear();
    }

    /// Send to `remote` from now on, or nothing (`None`: on hold).
    pub fn route(&self, remote: Option<SocketAddr>) {
        self.shared.lock().remote = remote;
    }
}

impl Drop for Track {
    fn drop(&mut self) {
        // The sender forgets the track at its next slot.
        self.shared.lock().closed = true;
    }
}

/// What the sender keeps of a track besides the shared state.
struct Stream {
    shared: Arc<TrackShared>,
    rtp: Socket,
    rtcp: Socket,
    out: Outgoing,
    cname: String,
    next_rtcp: Instant,
}

struct Registration {
    shared: Arc<TrackShared>,
    rtp: Socket,
    rtcp: Socket,
    cname: String,
}

/// New tracks on their way to the sender thread: a locked list that the
/// thread only ever *tries* to lock.
///
/// Not a channel: std's channel receiver spins with `sched_yield` while a
/// send is half done, and a real-time thread that yields never lets the
/// normal-priority task it preempted mid-send finish; the two stayed stuck
/// until the kernel's real-time throttling (950 ms of every second) stepped
/// in, and every call went silent for most of a second (measured, see
/// docs/performance.md). Blocking on a lock would wait on such a task too.
struct Inbox {
    pending: Mutex<Vec<Registration>>,
}

impl Inbox {
    /// The new tracks, if the list is free now (a task adding one unparks
    /// the thread after letting go of it, so nothing waits long).
    fn take(&self) -> Vec<Registration> {
        match self.pending.try_lock() {
            Ok(mut pending) => std::mem::take(&mut *pending),
            Err(TryLockError::Poisoned(poisoned)) => std::mem::take(&mut *poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => Vec::new(),
        }
    }
}

/// The handle that makes tracks; cheap to clone. The thread ends when every
/// handle and every track is gone.
#[derive(Clone)]
pub struct MediaSender {
    inbox: Arc<Inbox>,
    thread: Thread,
}

/// The scheduling the sender thread got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Priority {
    /// SCHED_FIFO at [`REALTIME_PRIORITY`]: it runs as soon as its timer fires.
    Realtime,
    /// The normal scheduler, as asked.
    Normal,
    /// The normal scheduler: real-time priority was refused (why).
    Refused(String),
}

impl std::fmt::Display for Priority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Priority::Realtime => write!(f, "real-time priority (SCHED_FIFO {REALTIME_PRIORITY})"),
            Priority::Normal => write!(f, "normal priority (media_realtime = false)"),
            Priority::Refused(why) => write!(
                f,
                "normal priority: real-time was refused ({why}); RTP pacing suffers when the core is busy"
            ),
        }
    }
}

/// The sender's SCHED_FIFO priority: low among real-time threads (the
/// kernel's own run at 50), above every normal one.
pub const REALTIME_PRIORITY: u8 = 10;

impl MediaSender {
    /// Start the sender thread, with real-time priority if `realtime` and
    /// the system allows it (root, CAP_SYS_NICE or an RLIMIT_RTPRIO).
    pub fn start(realtime: bool) -> io::Result<(MediaSender, Priority)> {
        let inbox = Arc::new(Inbox {
            pending: Mutex::new(Vec::new()),
        });
        let theirs = Arc::clone(&inbox);
        // Told once, before any track exists: a channel is fine here.
        let (told, priority) = mpsc::channel();
        let handle = thread::Builder::new()
            .name("callflow-media".to_string())
            .spawn(move || {
                let _ = told.send(if realtime { raise_priority() } else { Priority::Normal });
                run(&theirs);
            })?;
        let priority = priority
            .recv()
            .map_err(|_| io::Error::other("the media sender thread did not start"))?;
        let sender = MediaSender {
            inbox,
            thread: handle.thread().clone(),
        };
        Ok((sender, priority))
    }

    /// A new track sending from `rtp` (and sender reports from `rtcp`), its
    /// grid starting at `t0`.
    pub fn track(&self, rtp: Socket, rtcp: Socket, cname: String, t0: Instant) -> io::Result<Track> {
        let shared = Arc::new(TrackShared {
            state: Mutex::new(TrackState {
                pacer: Pacer::new(t0),
                frames: VecDeque::with_capacity(LEAD),
                remote: None,
                closed: false,
            }),
        });
        let registration = Registration {
            shared: Arc::clone(&shared),
            rtp,
            rtcp,
            cname,
        };
        self.inbox
            .pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(registration);
        self.thread.unpark();
        Ok(Track { shared })
    }
}

/// Ask for SCHED_FIFO for the calling thread. Safe to hold for this thread
/// alone: it sleeps between slots and its work per slot is bounded (one
/// packet per call), so it cannot starve the rest of the system.
fn raise_priority() -> Priority {
    use thread_priority::{
        RealtimeThreadSchedulePolicy, ThreadPriority, ThreadPriorityValue, ThreadSchedulePolicy,
        set_thread_priority_and_policy, thread_native_id,
    };
    let Ok(value) = ThreadPriorityValue::try_from(REALTIME_PRIORITY) else {
        return Priority::Refused("no such priority".to_string());
    };
    match set_thread_priority_and_policy(
        thread_native_id(),
        ThreadPriority::Crossplatform(value),
        ThreadSchedulePolicy::Realtime(RealtimeThreadSchedulePolicy::Fifo),
    ) {
        Ok(()) => Priority::Realtime,
        // errno from sched_setscheduler: EPERM is the usual one.
        Err(thread_priority::Error::OS(code)) => Priority::Refused(format!(
            "{}; it needs root, CAP_SYS_NICE or an RLIMIT_RTPRIO of {REALTIME_PRIORITY}",
            io::Error::from_raw_os_error(code)
        )),
        Err(e) => Priority::Refused(e.to_string()),
    }
}

/// The sender's loop: a heap of (next slot, stream), earliest first.
fn run(inbox: &Arc<Inbox>) {
    let mut streams: HashMap<u64, Stream> = HashMap::new();
    let mut heap: BinaryHeap<Reverse<(Instant, u64)>> = BinaryHeap::new();
    let mut next_id: u64 = 0;
    let mut packet = Vec::with_capacity(12 + SAMPLES_PER_PACKET);
    loop {
        for r in inbox.take() {
            // Looked at now: its first slot is read then, under a lock
            // only tried (the task that made it may be holding it).
            let due = Instant::now();
            streams.insert(
                next_id,
                Stream {
                    shared: r.shared,
                    rtp: r.rtp,
                    rtcp: r.rtcp,
                    out: Outgoing::random(),
                    cname: r.cname,
                    next_rtcp: Instant::now() + RTCP_EVERY,
                },
            );
            heap.push(Reverse((due, next_id)));
            next_id += 1;
        }
        // Only this thread's reference is left: no handle can add a track.
        if streams.is_empty() && Arc::strong_count(inbox) == 1 {
            return;
        }
        let now = Instant::now();
        while let Some(&Reverse((due, id))) = heap.peek() {
            if due > now + BATCH {
                break;
            }
            heap.pop();
            let Some(stream) = streams.get_mut(&id) else {
                continue;
            };
            match stream.slot(&mut packet) {
                Some(next) => heap.push(Reverse((next, id))),
                None => {
                    streams.remove(&id);
                }
            }
        }
        let wake = heap
            .peek()
            .map_or(IDLE, |Reverse((due, _))| due.saturating_duration_since(Instant::now()));
        if !wake.is_zero() {
            // Parked on a futex with a timeout: the kernel's high-resolution
            // timer, woken early by `unpark` for a new track.
            thread::park_timeout(wake);
        }
    }
}

impl Stream {
    /// Serve the track's next slot if it is due (within [`BATCH`]); the
    /// instant to look again, or `None` when the track is closed.
    fn slot(&mut self, packet: &mut Vec<u8>) -> Option<Instant> {
        let now = Instant::now();
        let (frame, remote, slot, due, next) = {
            // Never wait for the call's task here: it runs at normal priority
            // on the same core and may have been preempted (by this thread)
            // while holding the lock. Waiting would hold up every other call;
            // looking again shortly delays only this one.
            let mut s = match self.shared.state.try_lock() {
                Ok(s) => s,
                Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                Err(TryLockError::WouldBlock) => return Some(now + RETRY),
            };
            if s.closed {
                return None;
            }
            if s.pacer.due() > now + BATCH {
                // Looked at early (a retry, a new track): not due yet.
                return Some(s.pacer.due());
            }
            let expected = s.pacer.slot();
            let (slot, due) = s.pacer.take(now);
            if slot > expected {
                STATS.slots_skipped.fetch_add(slot - expected, Ordering::Relaxed);
            }
            let frame = s.frames.pop_front();
            (frame, s.remote, slot, due, s.pacer.due())
        };
        if let (Some(frame), Some(remote)) = (frame, remote) {
            self.out.packet(slot, frame.pt, &frame.payload, packet);
            let sent_at = Instant::now();
            // UDP: a full socket buffer loses the datagram, as the network would.
            if send_to(&self.rtp, packet, remote).is_ok() {
                // Early (within BATCH) or late, the distance from the slot.
                let off = match sent_at.checked_duration_since(due) {
                    Some(late) => late,
                    None => due.saturating_duration_since(sent_at),
                };
                STATS.record_send(off);
            }
        }
        if now >= self.next_rtcp {
            self.next_rtcp = now + RTCP_EVERY;
            if let (Some(remote), Some(sr)) = (remote, self.out.sender_report(&self.cname)) {
                let to = SocketAddr::new(remote.ip(), remote.port().wrapping_add(1));
                let _ = send_to(&self.rtcp, &sr, to);
            }
        }
        Some(next)
    }
}

#[cfg(test)]
mod tests;
