//! RFC 3261 timer values (§17, table 4) and the endpoint's timer queue.
//!
//! Retransmissions on UDP start at T1 and double up to T2; a transaction
//! gives up after 64·T1. The queue is a binary heap with lazy deletion: an
//! entry names what it is for, and when it fires the owner checks whether
//! that thing still exists and is still due (anything rescheduled pushed a
//! newer entry), so nothing is ever searched for or removed from the heap.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::{Duration, Instant};

pub const T1: Duration = Duration::from_millis(500);
pub const T2: Duration = Duration::from_secs(4);
/// How long a transaction lives at most (Timers B, F, H, J on UDP).
pub const TIMEOUT: Duration = Duration::from_secs(32);

/// The retransmission interval after `interval`: doubled, at most T2.
pub fn backoff(interval: Duration) -> Duration {
    (interval * 2).min(T2)
}

/// A retransmission schedule: when to send again, and when to give up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retransmit {
    pub next: Instant,
    pub interval: Duration,
    pub give_up: Instant,
}

impl Retransmit {
    pub fn start(now: Instant) -> Retransmit {
        Retransmit {
            next: now + T1,
            interval: T1,
            give_up: now + TIMEOUT,
        }
    }

    /// After a retransmission at `now`.
    pub fn advance(&mut self, now: Instant) {
        self.interval = backoff(self.interval);
        self.next = now + self.interval;
    }

    /// The earlier of the next retransmission and giving up.
    pub fn due(&self) -> Instant {
        self.next.min(self.give_up)
    }
}

/// What a timer entry is for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TimerFor {
    /// A server transaction (keyed by its branch key).
    Server(String),
    /// A dialog's 2xx retransmission or its wait for a BYE's answer.
    Dialog(String),
    /// A client transaction (our BYE), by branch.
    Client(String),
}

#[derive(Default)]
pub struct Timers {
    heap: BinaryHeap<Reverse<(Instant, u64, TimerFor)>>,
    seq: u64,
}

impl Timers {
    pub fn at(&mut self, when: Instant, what: TimerFor) {
        self.seq += 1;
        self.heap.push(Reverse((when, self.seq, what)));
    }

    /// The earliest entry's time.
    pub fn next(&self) -> Option<Instant> {
        self.heap.peek().map(|Reverse((when, _, _))| *when)
    }

    /// Take the next entry that is due at `now`.
    pub fn pop_due(&mut self, now: Instant) -> Option<TimerFor> {
        match self.heap.peek() {
            Some(Reverse((when, _, _))) if *when <= now => self.heap.pop().map(|Reverse((_, _, what))| what),
            _ => None,
        }
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retransmissions_double_up_to_t2() {
        let t0 = Instant::now();
        let mut r = Retransmit::start(t0);
        let mut sent = vec![r.next - t0];
        let mut now = r.next;
        for _ in 0..6 {
            r.advance(now);
            sent.push(r.next - t0);
            now = r.next;
        }
        let ms: Vec<u128> = sent.iter().map(Duration::as_millis).collect();
        // 500 ms, then +1 s, +2 s, +4 s, +4 s …
        assert_eq!(ms, vec![500, 1_500, 3_500, 7_500, 11_500, 15_500, 19_500]);
        assert_eq!(r.give_up - t0, Duration::from_secs(32));
    }

    #[test]
    fn the_queue_pops_in_time_order_and_only_when_due() {
        let t0 = Instant::now();
        let mut timers = Timers::default();
        timers.at(t0 + T2, TimerFor::Client("b".into()));
        timers.at(t0 + T1, TimerFor::Server("a".into()));
        assert_eq!(timers.next(), Some(t0 + T1));
        assert_eq!(timers.pop_due(t0), None);
        assert_eq!(timers.pop_due(t0 + T2), Some(TimerFor::Server("a".into())));
        assert_eq!(timers.pop_due(t0 + T2), Some(TimerFor::Client("b".into())));
        assert!(timers.is_empty());
    }
}
