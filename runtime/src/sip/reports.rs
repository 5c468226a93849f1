//! Interval `stats` lines: on SIGUSR1, and every `stats_interval` when set.
//!
//! The `stats` line at shutdown averages the whole run, ramp-up and
//! hang-ups included; an operator watching a live server (and the load
//! benchmark measuring its steady state) wants what happened since the last
//! look. Each report covers the time since the previous one, whichever of
//! the two asked for it (the first, since the host started).

use crate::media::stats::{STATS, Snapshot};
use std::time::Duration;
use tokio::time::{Instant, Interval, MissedTickBehavior, interval_at};

pub struct StatsReports {
    #[cfg(unix)]
    signal: Option<tokio::signal::unix::Signal>,
    every: Option<Interval>,
    since: Snapshot,
}

impl StatsReports {
    /// Start counting now; report every `every` (if set) and on SIGUSR1.
    pub fn new(every: Option<Duration>) -> StatsReports {
        let every = every.map(|period| {
            let mut timer = interval_at(Instant::now() + period, period);
            // A report delayed by a busy loop is written late, not twice.
            timer.set_missed_tick_behavior(MissedTickBehavior::Delay);
            timer
        });
        StatsReports {
            // Without a handler SIGUSR1 would end the process: if one
            // cannot be installed, the periodic reports still work.
            #[cfg(unix)]
            signal: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::user_defined1()).ok(),
            every,
            since: STATS.begin_interval(),
        }
    }

    /// Resolves when a report is asked for.
    pub async fn due(&mut self) {
        let every = async {
            match self.every.as_mut() {
                Some(timer) => {
                    timer.tick().await;
                }
                None => std::future::pending().await,
            }
        };
        #[cfg(unix)]
        let signal = async {
            match self.signal.as_mut() {
                // `None`: the signal stream ended, which tokio never does
                // while the runtime runs; wait for the timer alone then.
                Some(signal) => {
                    if signal.recv().await.is_none() {
                        std::future::pending::<()>().await;
                    }
                }
                None => std::future::pending().await,
            }
        };
        #[cfg(not(unix))]
        let signal = std::future::pending::<()>();
        tokio::select! {
            () = every => {}
            () = signal => {}
        }
    }

    /// The `stats` line for the time since the previous report.
    pub fn report(&mut self) -> serde_json::Value {
        let (line, next) = STATS.interval(&self.since);
        self.since = next;
        line
    }
}
