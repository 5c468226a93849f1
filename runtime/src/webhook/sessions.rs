//! The table of calls in progress, keyed by the provider's session id.
//!
//! Each call sits behind its own lock; the table's lock is held only to look
//! a call up, add or remove one, never while a call runs, so a busy call
//! never holds up another. Calls are released on the provider's end-of-call
//! callback or when idle too long (a sweeper calls [`Sessions::sweep`]), and
//! their ids are remembered for a while, so that a late callback for one
//! gets "gone" (410) rather than "unknown" (404).

use super::call::Call;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// A call whose last document ended it waits at most this long for the
/// provider's end-of-call callback (some providers send none) before it is
/// released, however long the idle timeout is.
pub const FINISHED_GRACE: Duration = Duration::from_secs(60);
/// Released ids remembered, at most …
pub const MAX_GONE: usize = 65_536;
/// … and for at most this long.
pub const GONE_MEMORY: Duration = Duration::from_secs(3_600);

/// Why a call is no longer in the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gone {
    /// The provider's end-of-call callback came.
    Ended,
    /// Nothing came for longer than the idle timeout.
    TimedOut,
}

/// One call and when it was last heard of.
pub struct Slot {
    call: Mutex<Call>,
    touched_ms: AtomicU64,
    over: AtomicBool,
}

impl Slot {
    /// The call, for one callback. A lock poisoned by a panic elsewhere is
    /// taken over: the call's state is a VM that never panics.
    pub fn lock(&self) -> MutexGuard<'_, Call> {
        self.call.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Note activity at `now_ms` and whether the call's flow is over.
    pub fn touch(&self, now_ms: u64, over: bool) {
        self.touched_ms.store(now_ms, Ordering::Relaxed);
        self.over.store(over, Ordering::Relaxed);
    }
}

/// What the table knows about a session id.
pub enum Found {
    Live(Arc<Slot>),
    Gone(Gone),
    Unknown,
}

/// Why a call could not be added.
pub enum Refused {
    /// The table is full (`max_calls`).
    Full,
    /// A call with this id arrived meanwhile; here it is.
    Exists(Arc<Slot>),
}

pub struct Sessions {
    inner: Mutex<Inner>,
    max_calls: usize,
    idle: Duration,
    epoch: Instant,
}

#[derive(Default)]
struct Inner {
    live: HashMap<String, Arc<Slot>>,
    gone: HashMap<String, Gone>,
    /// Released ids, oldest first, with when (ms since `epoch`).
    gone_order: VecDeque<(String, u64)>,
}

impl Inner {
    fn forget(&mut self, id: &str, why: Gone, now_ms: u64) {
        if self.live.remove(id).is_none() {
            return;
        }
        self.gone.insert(id.to_string(), why);
        self.gone_order.push_back((id.to_string(), now_ms));
        let memory = u64::try_from(GONE_MEMORY.as_millis()).unwrap_or(u64::MAX);
        while let Some((old, at)) = self.gone_order.front() {
            let stale = self.gone_order.len() > MAX_GONE || now_ms.saturating_sub(*at) > memory;
            if !stale {
                break;
            }
            // An id may have come back since (a new call reusing it): only
            // the entry this queue item made is removed.
            if !self.live.contains_key(old) {
                self.gone.remove(old);
            }
            self.gone_order.pop_front();
        }
    }
}

impl Sessions {
    pub fn new(max_calls: usize, idle: Duration) -> Sessions {
        Sessions {
            inner: Mutex::new(Inner::default()),
            max_calls,
            idle,
            epoch: Instant::now(),
        }
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Milliseconds since the table was made (monotonic).
    pub fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    pub fn idle_timeout(&self) -> Duration {
        self.idle
    }

    pub fn len(&self) -> usize {
        self.inner().live.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn find(&self, id: &str) -> Found {
        let inner = self.inner();
        match inner.live.get(id) {
            Some(slot) => Found::Live(Arc::clone(slot)),
            None => match inner.gone.get(id) {
                Some(why) => Found::Gone(*why),
                None => Found::Unknown,
            },
        }
    }

    /// Add a new call (made beforehand, outside the table's lock).
    pub fn insert(&self, id: &str, call: Call) -> Result<Arc<Slot>, Refused> {
        let now = self.now_ms();
        let mut inner = self.inner();
        if let Some(slot) = inner.live.get(id) {
            return Err(Refused::Exists(Arc::clone(slot)));
        }
        if inner.live.len() >= self.max_calls {
            return Err(Refused::Full);
        }
        let slot = Arc::new(Slot {
            call: Mutex::new(call),
            touched_ms: AtomicU64::new(now),
            over: AtomicBool::new(false),
        });
        inner.gone.remove(id);
        inner.live.insert(id.to_string(), Arc::clone(&slot));
        Ok(slot)
    }

    /// Release a call.
    pub fn release(&self, id: &str, why: Gone) {
        let now = self.now_ms();
        self.inner().forget(id, why, now);
    }

    /// Release every call idle past its time; returns their ids.
    pub fn sweep(&self) -> Vec<String> {
        let now = self.now_ms();
        let idle = u64::try_from(self.idle.as_millis()).unwrap_or(u64::MAX);
        let grace = idle.min(u64::try_from(FINISHED_GRACE.as_millis()).unwrap_or(u64::MAX));
        let mut inner = self.inner();
        let expired: Vec<String> = inner
            .live
            .iter()
            .filter(|(_, slot)| {
                let limit = if slot.over.load(Ordering::Relaxed) { grace } else { idle };
                now.saturating_sub(slot.touched_ms.load(Ordering::Relaxed)) > limit
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in &expired {
            inner.forget(id, Gone::TimedOut, now);
        }
        expired
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vm::CallInfo;
    use callflow_compiler::bytecode::{self, Program};
    use callflow_compiler::project::{Project, analyze};

    fn program() -> Arc<Program> {
        let project = Project::single("t.flow", "flow f {\n  start s\n}\n\nstep s {\n  hangup\n}\n");
        let analysis = analyze(&project);
        Arc::new(bytecode::compile(&project, &analysis).expect("compiles"))
    }

    fn call(id: &str) -> Call {
        call_of(&program(), id)
    }

    fn call_of(program: &Arc<Program>, id: &str) -> Call {
        let info = CallInfo {
            call_id: id.to_string(),
            ..CallInfo::default()
        };
        Call::new(Arc::clone(program), info, None).expect("call")
    }

    #[test]
    fn calls_are_found_released_and_remembered() {
        let sessions = Sessions::new(10, Duration::from_secs(600));
        assert!(matches!(sessions.find("a"), Found::Unknown));
        assert!(sessions.insert("a", call("a")).is_ok());
        assert!(matches!(sessions.find("a"), Found::Live(_)));
        assert!(matches!(sessions.insert("a", call("a")), Err(Refused::Exists(_))));
        sessions.release("a", Gone::Ended);
        assert!(matches!(sessions.find("a"), Found::Gone(Gone::Ended)));
        assert!(sessions.is_empty());
        // The id can start a new call later.
        assert!(sessions.insert("a", call("a")).is_ok());
        assert!(matches!(sessions.find("a"), Found::Live(_)));
    }

    #[test]
    fn the_table_has_a_limit() {
        let sessions = Sessions::new(2, Duration::from_secs(600));
        assert!(sessions.insert("a", call("a")).is_ok());
        assert!(sessions.insert("b", call("b")).is_ok());
        assert!(matches!(sessions.insert("c", call("c")), Err(Refused::Full)));
        sessions.release("a", Gone::Ended);
        assert!(sessions.insert("c", call("c")).is_ok());
    }

    #[test]
    fn idle_calls_are_swept_and_busy_ones_kept() {
        let sessions = Sessions::new(10, Duration::from_millis(40));
        let quiet = sessions.insert("quiet", call("quiet")).ok().expect("insert");
        let busy = sessions.insert("busy", call("busy")).ok().expect("insert");
        quiet.touch(sessions.now_ms(), false);
        std::thread::sleep(Duration::from_millis(60));
        busy.touch(sessions.now_ms(), false);
        assert_eq!(sessions.sweep(), vec!["quiet".to_string()]);
        assert!(matches!(sessions.find("quiet"), Found::Gone(Gone::TimedOut)));
        assert!(matches!(sessions.find("busy"), Found::Live(_)));
    }

    #[test]
    fn released_ids_are_forgotten_beyond_the_bound() {
        let sessions = Sessions::new(MAX_GONE + 10, Duration::from_secs(600));
        let program = program();
        let mut inner = sessions.inner();
        for i in 0..MAX_GONE + 5 {
            let id = format!("c{i}");
            inner.live.insert(
                id.clone(),
                Arc::new(Slot {
                    call: Mutex::new(call_of(&program, &id)),
                    touched_ms: AtomicU64::new(0),
                    over: AtomicBool::new(false),
                }),
            );
            inner.forget(&id, Gone::Ended, 0);
        }
        assert_eq!(inner.gone.len(), MAX_GONE);
        assert!(!inner.gone.contains_key("c0"));
        assert!(inner.gone.contains_key(&format!("c{}", MAX_GONE + 4)));
    }
}
