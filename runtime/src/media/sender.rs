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
//! The call's task still decides *what* is heard: it queues whole prompts
//! on its [`Track`] ([`Track::play`]), and the sender reads each slot's
//! frame from the prompt's shared clip, encoded once in both G.711 laws
//! ([`Audio`](super::clip::Audio)), so it decides *when*. The task is
//! needed once per prompt, not every few frames: a task that the scheduler
//! keeps waiting (the sender itself, at real-time priority, can starve it
//! on a busy core) cannot leave a gap inside a prompt, only between two,
//! and the task is told when to queue the next one well before the first
//! ends (see `sip/server.rs`). A track is polled at every slot of its grid whether
//! or not it has audio, so the grid never moves: a talkspurt after silence
//! starts on the next slot, with the marker bit, its timestamp counting on
//! through the silence (RFC 3551 §4.1). A key that stops a prompt flushes
//! the queue, so barge-in is immediate.
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

use super::clip::Clip;
use super::pacer::{Pacer, SAMPLES_PER_PACKET};
use super::rtp::Outgoing;
use super::stats::STATS;
use crate::sip::sdp::Codec;
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

/// A clip queued on a track: how far it has been sent, and how many
/// times it still plays.
struct Segment {
    clip: Clip,
    /// The frame to send next.
    next: usize,
    /// Plays left, the current one included (at least 1).
    plays: u32,
}

/// What a call's task and the sender share, behind the track's lock (held
/// for a few instructions at a time by either side).
struct TrackState {
    pacer: Pacer,
    segments: VecDeque<Segment>,
    /// Frames left in `segments`, every play counted.
    frames: u64,
    /// The law the frames are sent in, and its payload type.
    codec: Codec,
    pt: u8,
    /// Where to send; `None` while the caller holds the call or before the
    /// SDP answer: slots pass and frames are used up, nothing is sent.
    remote: Option<SocketAddr>,
    closed: bool,
}

impl TrackState {
    /// The slot after the queued frames.
    fn tail_due(&self) -> Instant {
        self.pacer.due_of(self.pacer.slot() + self.frames)
    }

    /// Move past the front frame (sent, or passed on hold).
    fn advance(&mut self) {
        let Some(front) = self.segments.front_mut() else {
            return;
        };
        self.frames = self.frames.saturating_sub(1);
        front.next += 1;
        if front.next >= front.clip.frames() {
            front.next = 0;
            front.plays = front.plays.saturating_sub(1);
            if front.plays == 0 {
                self.segments.pop_front();
            }
        }
    }
}

struct TrackShared {
    state: Mutex<TrackState>,
}

impl TrackShared {
    fn lock(&self) -> MutexGuard<'_, TrackState> {
        // A panic while holding the lock cannot leave the queue half
        // written (every update is a few field writes that keep `frames`
        // equal to what the segments hold): go on.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Where a clip queued by [`Track::play`] falls on the call's media clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Queued {
    /// When its first frame leaves.
    pub starts: Instant,
    /// When it has been heard: the slot after its last frame.
    pub ends: Instant,
    /// Nothing was queued before it: the track was silent (or had just run
    /// dry, which is a gap when the clip should have followed another).
    pub after_silence: bool,
}

/// A call's outgoing audio, as its task sees it.
pub struct Track {
    shared: Arc<TrackShared>,
}

impl Track {
    /// Frames queued and not yet sent.
    pub fn queued(&self) -> u64 {
        self.shared.lock().frames
    }

    /// When the last queued frame will have left; `None` if none is queued.
    pub fn drained_at(&self) -> Option<Instant> {
        let s = self.shared.lock();
        (s.frames > 0).then(|| s.tail_due())
    }

    /// Queue `clip` to play `plays` times after what is queued. The sender
    /// moves a frame from the queue to the past in one step, so the instants
    /// returned stay right while it sends.
    pub fn play(&self, clip: Clip, plays: u32) -> Queued {
        let mut s = self.shared.lock();
        let after_silence = s.frames == 0;
        let starts = s.tail_due();
        let frames = (clip.frames() as u64).saturating_mul(u64::from(plays));
        if frames > 0 {
            s.frames += frames;
            s.segments.push_back(Segment { clip, next: 0, plays });
        }
        Queued {
            starts,
            ends: s.tail_due(),
            after_silence,
        }
    }

    /// Send in `codec` with payload type `pt` from the next frame on (the
    /// answer or a re-INVITE chose it); what is queued is not lost.
    pub fn codec(&self, codec: Codec, pt: u8) {
        let mut s = self.shared.lock();
        s.codec = codec;
        s.pt = pt;
    }

    /// Drop the queued frames (a key stopped the prompt).
    pub fn flush(&self) {
        let mut s = self.shared.lock();
        s.segments.clear();
        s.frames = 0;
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
                segments: VecDeque::new(),
                frames: 0,
                codec: Codec::Pcmu,
                pt: 0,
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
        let (built, remote, due, next) = {
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
            // The packet is built under the lock, straight from the shared
            // clip (a copy of 160 bytes): nothing is cloned per packet.
            let mut built = false;
            if let Some(front) = s.segments.front()
                && s.remote.is_some()
            {
                self.out
                    .packet(slot, s.pt, front.clip.frame(s.codec, front.next), packet);
                built = true;
            }
            s.advance();
            (built, s.remote, due, s.pacer.due())
        };
        if let (true, Some(remote)) = (built, remote) {
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
