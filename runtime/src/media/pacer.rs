//! The media clock: packet slot n is due at t0 + n·20 ms.
//!
//! Deadlines are computed from the start instant and the slot number, never
//! by adding 20 ms to the last wake-up, so sleeping late once does not push
//! every later packet back (no drift). A call that falls far behind (the
//! process was stopped, the machine overloaded) skips the missed slots
//! instead of sending a burst: the RTP timestamp still advances with the
//! slot number, so the receiver sees a gap, not time running fast.

use std::time::{Duration, Instant};

pub const PTIME: Duration = Duration::from_millis(20);
/// Samples per packet at 8 kHz and 20 ms: the RTP timestamp step.
pub const SAMPLES_PER_PACKET: usize = 160;
/// Slots a late call may catch up by sending at once; beyond, they are skipped.
pub const MAX_CATCH_UP: u64 = 3;

#[derive(Clone, Copy, Debug)]
pub struct Pacer {
    t0: Instant,
    slot: u64,
}

impl Pacer {
    pub fn new(t0: Instant) -> Pacer {
        Pacer { t0, slot: 0 }
    }

    /// The slot that is next to send.
    pub fn slot(&self) -> u64 {
        self.slot
    }

    /// When the next slot is due.
    pub fn due(&self) -> Instant {
        self.due_of(self.slot)
    }

    pub fn due_of(&self, slot: u64) -> Instant {
        // 2^64 slots of 20 ms outlast any call; saturate rather than wrap.
        let offset = PTIME.saturating_mul(u32::try_from(slot).unwrap_or(u32::MAX));
        self.t0 + offset
    }

    /// The slot due at `now` or just after.
    pub fn slot_at(&self, now: Instant) -> u64 {
        let elapsed = now.saturating_duration_since(self.t0);
        let n = elapsed.as_micros() / PTIME.as_micros();
        let n = u64::try_from(n).unwrap_or(u64::MAX);
        if self.due_of(n) < now { n + 1 } else { n }
    }

    /// Take the next slot to send now, skipping slots too far in the past.
    /// Returns the slot and its due instant.
    pub fn take(&mut self, now: Instant) -> (u64, Instant) {
        let current = self.slot_at(now).saturating_sub(1);
        if current > self.slot + MAX_CATCH_UP {
            self.slot = current;
        }
        let slot = self.slot;
        self.slot += 1;
        (slot, self.due_of(slot))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_do_not_drift() {
        let t0 = Instant::now();
        let mut p = Pacer::new(t0);
        // However late each send happens, the next deadline stays on the grid.
        for n in 0..1_000u64 {
            let (slot, due) = p.take(p.due() + Duration::from_micros(1_500));
            assert_eq!(slot, n);
            assert_eq!(due - t0, PTIME * n as u32);
        }
        assert_eq!(p.due() - t0, Duration::from_secs(20));
    }

    #[test]
    fn far_behind_skips_instead_of_bursting() {
        let t0 = Instant::now();
        let mut p = Pacer::new(t0);
        p.take(t0);
        let (slot, _) = p.take(t0 + Duration::from_millis(1_000));
        assert_eq!(slot, 49, "1 s late: on to the slot due now");
        let (slot, _) = p.take(t0 + Duration::from_millis(1_001));
        assert_eq!(slot, 50);
    }

    #[test]
    fn the_slot_at_an_instant_is_the_one_due_then_or_next() {
        let t0 = Instant::now();
        let p = Pacer::new(t0);
        assert_eq!(p.slot_at(t0), 0);
        assert_eq!(p.slot_at(t0 + Duration::from_millis(20)), 1);
        assert_eq!(p.slot_at(t0 + Duration::from_millis(21)), 2);
    }
}
