//! Process-wide media statistics: how far from their slot on the media
//! clock RTP packets leave, early or late (a histogram), and packet counts. Written
//! by every call with relaxed atomics (no lock on the send path), read at
//! shutdown for the whole run, and on demand for the interval since the
//! last such report ([`Stats::interval`]): SIGUSR1 or `stats_interval`,
//! so that an operator (or the load benchmark) sees the last minute, not
//! the average since start-up.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Bucket width and count: 50 µs buckets up to 50 ms; later is the last.
const BUCKET_US: u64 = 50;
const BUCKETS: usize = 1_001;

pub struct Stats {
    late: [AtomicU64; BUCKETS],
    pub packets_sent: AtomicU64,
    pub packets_received: AtomicU64,
    /// Times a call's audio ran dry between two prompts that should have
    /// followed each other (its task queued the second too late): each is
    /// a gap the caller hears.
    pub underruns: AtomicU64,
    /// Slots the sender skipped because it was more than a few slots late
    /// (the process or the machine stalled): gaps too, never bursts.
    pub slots_skipped: AtomicU64,
    pub calls_started: AtomicU64,
    pub calls_ended: AtomicU64,
    max_late_us: AtomicU64,
    /// The largest deviation since the last interval report (taken and
    /// reset by it: a maximum cannot be subtracted like a count).
    interval_max_us: AtomicU64,
}

pub static STATS: Stats = Stats::new();

/// Percentiles of the send deviation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pacing {
    pub count: u64,
    pub p50_us: u64,
    pub p99_us: u64,
    pub p999_us: u64,
    pub max_us: u64,
}

impl Stats {
    const fn new() -> Stats {
        Stats {
            late: [const { AtomicU64::new(0) }; BUCKETS],
            packets_sent: AtomicU64::new(0),
            packets_received: AtomicU64::new(0),
            underruns: AtomicU64::new(0),
            slots_skipped: AtomicU64::new(0),
            calls_started: AtomicU64::new(0),
            calls_ended: AtomicU64::new(0),
            max_late_us: AtomicU64::new(0),
            interval_max_us: AtomicU64::new(0),
        }
    }

    /// A packet went `late` (or early) by this much from its slot.
    pub fn record_send(&self, late: Duration) {
        let us = u64::try_from(late.as_micros()).unwrap_or(u64::MAX);
        let bucket = usize::try_from(us / BUCKET_US).unwrap_or(BUCKETS - 1).min(BUCKETS - 1);
        if let Some(b) = self.late.get(bucket) {
            b.fetch_add(1, Ordering::Relaxed);
        }
        self.max_late_us.fetch_max(us, Ordering::Relaxed);
        self.interval_max_us.fetch_max(us, Ordering::Relaxed);
        self.packets_sent.fetch_add(1, Ordering::Relaxed);
    }

    /// Percentiles (upper bucket bounds) of the deviation so far.
    pub fn pacing(&self) -> Pacing {
        percentiles(&self.histogram(), self.max_late_us.load(Ordering::Relaxed))
    }

    fn histogram(&self) -> Vec<u64> {
        self.late.iter().map(|b| b.load(Ordering::Relaxed)).collect()
    }

    /// Start the first interval now (the host's start): what
    /// [`Stats::interval`] counts from.
    pub fn begin_interval(&self) -> Snapshot {
        self.interval_max_us.store(0, Ordering::Relaxed);
        self.snapshot()
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            at: Instant::now(),
            late: self.histogram(),
            counters: self.counters(),
        }
    }

    fn counters(&self) -> Counters {
        Counters {
            calls_started: self.calls_started.load(Ordering::Relaxed),
            calls_ended: self.calls_ended.load(Ordering::Relaxed),
            rtp_sent: self.packets_sent.load(Ordering::Relaxed),
            rtp_received: self.packets_received.load(Ordering::Relaxed),
            underruns: self.underruns.load(Ordering::Relaxed),
            slots_skipped: self.slots_skipped.load(Ordering::Relaxed),
        }
    }

    /// The whole run's statistics (the `stats` line at shutdown).
    pub fn summary(&self) -> serde_json::Value {
        report("run", None, &self.counters(), self.calls_active(), self.pacing())
    }

    /// What happened since `since` (the previous interval report, or
    /// [`Stats::begin_interval`]): the `stats` line that SIGUSR1 and
    /// `stats_interval` write. Returns it with the snapshot the next
    /// interval counts from. Made by one reporter at a time (the SIP host's
    /// loop). A packet sent while the report is made may have its count in
    /// one interval and its maximum in the next: one packet, once.
    pub fn interval(&self, since: &Snapshot) -> (serde_json::Value, Snapshot) {
        let now = self.snapshot();
        let late: Vec<u64> = now
            .late
            .iter()
            .zip(&since.late)
            .map(|(n, s)| n.saturating_sub(*s))
            .collect();
        let max = self.interval_max_us.swap(0, Ordering::Relaxed);
        let seconds = now.at.saturating_duration_since(since.at).as_secs_f64();
        let line = report(
            "interval",
            Some(seconds),
            &now.counters.since(&since.counters),
            self.calls_active(),
            percentiles(&late, max),
        );
        (line, now)
    }

    fn calls_active(&self) -> u64 {
        let started = self.calls_started.load(Ordering::Relaxed);
        started.saturating_sub(self.calls_ended.load(Ordering::Relaxed))
    }
}

/// The counters that add up, at one instant or over an interval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Counters {
    calls_started: u64,
    calls_ended: u64,
    rtp_sent: u64,
    rtp_received: u64,
    underruns: u64,
    slots_skipped: u64,
}

impl Counters {
    fn since(&self, earlier: &Counters) -> Counters {
        Counters {
            calls_started: self.calls_started.saturating_sub(earlier.calls_started),
            calls_ended: self.calls_ended.saturating_sub(earlier.calls_ended),
            rtp_sent: self.rtp_sent.saturating_sub(earlier.rtp_sent),
            rtp_received: self.rtp_received.saturating_sub(earlier.rtp_received),
            underruns: self.underruns.saturating_sub(earlier.underruns),
            slots_skipped: self.slots_skipped.saturating_sub(earlier.slots_skipped),
        }
    }
}

/// The statistics at one instant: where the next interval report counts from.
#[derive(Clone, Debug)]
pub struct Snapshot {
    at: Instant,
    late: Vec<u64>,
    counters: Counters,
}

/// Percentiles (upper bucket bounds) of a histogram of [`BUCKETS`] counts.
fn percentiles(counts: &[u64], max_us: u64) -> Pacing {
    let count: u64 = counts.iter().sum();
    let at = |q: f64| -> u64 {
        if count == 0 {
            return 0;
        }
        let target = ((count as f64) * q).ceil() as u64;
        let mut seen = 0;
        for (i, c) in counts.iter().enumerate() {
            seen += c;
            if seen >= target {
                return (i as u64 + 1) * BUCKET_US;
            }
        }
        BUCKETS as u64 * BUCKET_US
    };
    Pacing {
        count,
        p50_us: at(0.50),
        p99_us: at(0.99),
        p999_us: at(0.999),
        max_us,
    }
}

/// A `stats` line: over the whole run, or over an interval of `seconds`.
fn report(over: &str, seconds: Option<f64>, c: &Counters, active: u64, p: Pacing) -> serde_json::Value {
    let mut line = serde_json::json!({
        "event": "stats",
        "over": over,
        "calls_active": active,
        "calls_started": c.calls_started,
        "calls_ended": c.calls_ended,
        "rtp_sent": c.rtp_sent,
        "rtp_received": c.rtp_received,
        "underruns": c.underruns,
        "slots_skipped": c.slots_skipped,
        "send_deviation_us": {"count": p.count, "p50": p.p50_us, "p99": p.p99_us, "p999": p.p999_us, "max": p.max_us},
    });
    if let (Some(seconds), Some(fields)) = (seconds, line.as_object_mut()) {
        // Milliseconds are enough to tell a rate by.
        fields.insert(
            "seconds".to_string(),
            serde_json::json!((seconds * 1_000.0).round() / 1_000.0),
        );
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_from_the_buckets() {
        let s = Stats::new();
        for _ in 0..98 {
            s.record_send(Duration::from_micros(120));
        }
        s.record_send(Duration::from_micros(1_900));
        s.record_send(Duration::from_secs(1));
        let p = s.pacing();
        assert_eq!(p.count, 100);
        assert_eq!(p.p50_us, 150);
        assert_eq!(p.p99_us, 1_950);
        assert_eq!(p.max_us, 1_000_000);
    }

    #[test]
    fn an_interval_counts_only_what_happened_in_it() {
        let s = Stats::new();
        // Before the interval: a bad second that must not show in it.
        for _ in 0..10 {
            s.record_send(Duration::from_millis(40));
        }
        s.slots_skipped.fetch_add(4, Ordering::Relaxed);
        s.calls_started.fetch_add(3, Ordering::Relaxed);
        let start = s.begin_interval();
        for _ in 0..100 {
            s.record_send(Duration::from_micros(120));
        }
        s.calls_ended.fetch_add(1, Ordering::Relaxed);
        let (line, next) = s.interval(&start);
        assert_eq!(line["over"], "interval");
        assert_eq!(line["rtp_sent"], 100);
        assert_eq!(line["slots_skipped"], 0);
        assert_eq!(line["calls_started"], 0);
        assert_eq!(line["calls_ended"], 1);
        assert_eq!(line["calls_active"], 2);
        assert_eq!(line["send_deviation_us"]["p99"], 150);
        assert_eq!(
            line["send_deviation_us"]["max"], 120,
            "the earlier 40 ms is not this interval's"
        );
        assert!(line["seconds"].as_f64().is_some_and(|s| s >= 0.0));
        // The next interval starts where this one ended.
        let (line, _) = s.interval(&next);
        assert_eq!(line["rtp_sent"], 0);
        assert_eq!(line["send_deviation_us"]["max"], 0);
        // The whole run still counts everything.
        let run = s.summary();
        assert_eq!(run["over"], "run");
        assert_eq!(run["rtp_sent"], 110);
        assert_eq!(run["send_deviation_us"]["max"], 40_000);
    }
}
