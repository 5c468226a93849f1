//! RFC 4733 telephone-events from the caller: one key per event.
//!
//! A sender repeats the start of an event every 50 ms or so and sends its
//! end three times, all with the event's first timestamp (§2.5.1). So an
//! event is known by its timestamp: the first packet with a new timestamp
//! gives the key, and every later packet of that event is ignored. A new
//! SSRC starts afresh.

/// The keys of events 0–15 (§3.2).
const KEYS: &[u8; 16] = b"0123456789*#ABCD";

#[derive(Default)]
pub struct Rfc4733 {
    last: Option<(u32, u32)>,
}

impl Rfc4733 {
    /// A telephone-event packet arrived; returns the key when it begins a
    /// new event. Events above 15 (tones, flash) and short payloads are
    /// ignored.
    pub fn packet(&mut self, ssrc: u32, ts: u32, payload: &[u8]) -> Option<char> {
        let event = *payload.first()?;
        if payload.len() < 4 {
            return None;
        }
        let key = *KEYS.get(usize::from(event))?;
        if self.last == Some((ssrc, ts)) {
            return None;
        }
        self.last = Some((ssrc, ts));
        Some(char::from(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(key: u8, end: bool, duration: u16) -> [u8; 4] {
        let d = duration.to_be_bytes();
        [key, if end { 0x80 | 10 } else { 10 }, d[0], d[1]]
    }

    #[test]
    fn one_key_per_event_despite_repeats() {
        let mut r = Rfc4733::default();
        let mut keys = String::new();
        // '1': start, two updates, end ×3; then '#' at a new timestamp.
        for (ts, p) in [
            (100, event(1, false, 160)),
            (100, event(1, false, 320)),
            (100, event(1, false, 480)),
            (100, event(1, true, 640)),
            (100, event(1, true, 640)),
            (100, event(1, true, 640)),
            (900, event(11, true, 640)),
            (900, event(11, true, 640)),
        ] {
            keys.extend(r.packet(42, ts, &p));
        }
        assert_eq!(keys, "1#");
    }

    #[test]
    fn the_same_key_twice_is_two_events() {
        let mut r = Rfc4733::default();
        assert_eq!(r.packet(1, 100, &event(5, true, 800)), Some('5'));
        assert_eq!(r.packet(1, 100, &event(5, true, 800)), None);
        assert_eq!(r.packet(1, 2_000, &event(5, false, 160)), Some('5'));
    }

    #[test]
    fn junk_payloads_give_nothing() {
        let mut r = Rfc4733::default();
        assert_eq!(r.packet(1, 1, &[]), None);
        assert_eq!(r.packet(1, 2, &[1, 2]), None);
        assert_eq!(r.packet(1, 3, &[16, 0, 0, 0]), None);
        assert_eq!(r.packet(1, 4, &[255, 0, 0, 0]), None);
    }
}
