//! Process-wide media statistics: how far from their slot on the media
//! clock RTP packets leave, early or late (a histogram), and packet counts. Written
//! by every call with relaxed atomics (no lock on the send path), read at
//! shutdown and by the load benchmark.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

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
        self.packets_sent.fetch_add(1, Ordering::Relaxed);
    }

    /// Percentiles (upper bucket bounds) of the deviation so far.
    pub fn pacing(&self) -> Pacing {
        let counts: Vec<u64> = self.late.iter().map(|b| b.load(Ordering::Relaxed)).collect();
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
            max_us: self.max_late_us.load(Ordering::Relaxed),
        }
    }

    pub fn summary(&self) -> serde_json::Value {
        let p = self.pacing();
        serde_json::json!({
            "event": "stats",
            "calls_started": self.calls_started.load(Ordering::Relaxed),
            "calls_ended": self.calls_ended.load(Ordering::Relaxed),
            "rtp_sent": self.packets_sent.load(Ordering::Relaxed),
            "rtp_received": self.packets_received.load(Ordering::Relaxed),
            "underruns": self.underruns.load(Ordering::Relaxed),
            "slots_skipped": self.slots_skipped.load(Ordering::Relaxed),
            "send_deviation_us": {"count": p.count, "p50": p.p50_us, "p99": p.p99_us, "p999": p.p999_us, "max": p.max_us},
        })
    }
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
}
