//! In-band DTMF detection (ITU-T Q.23/Q.24) for callers whose offer has no
//! telephone-event: eight Goertzel filters over blocks of 205 samples at
//! 8 kHz (25.6 ms; the bins then fall close to the eight DTMF frequencies).
//!
//! A block holds a key when the strongest row and column tones
//! - together carry most of the block's energy (speech and music spread
//!   theirs over many frequencies),
//! - are loud enough (about −30 dBm0 each),
//! - are within the twist limits (the column tone at most 8 dB weaker than
//!   the row tone, at most 4 dB stronger: Q.24), and
//! - each stand well above the other tones of their group.
//!
//! A key is reported when two blocks in a row hold it (≥ 40 ms of tone, as
//! Q.24 asks), and again only after a block without it.

/// Samples per block.
pub const BLOCK: usize = 205;
const ROWS: [f32; 4] = [697.0, 770.0, 852.0, 941.0];
const COLS: [f32; 4] = [1209.0, 1336.0, 1477.0, 1633.0];
const KEYS: [[char; 4]; 4] = [
    ['1', '2', '3', 'A'],
    ['4', '5', '6', 'B'],
    ['7', '8', '9', 'C'],
    ['*', '0', '#', 'D'],
];

/// Column tone at most 8 dB below the row tone (power ratio 6.3) …
const NORMAL_TWIST: f32 = 6.3;
/// … and at most 4 dB above it (2.5).
const REVERSE_TWIST: f32 = 2.5;
/// Another tone of the same group must be 6 dB (×4 power) below the peak.
const GROUP_MARGIN: f32 = 4.0;
/// The two tones carry at least this share of the block's energy.
const ENERGY_SHARE: f32 = 0.6;
/// Tone power threshold on the Goertzel scale for i16 samples: a sine of
/// amplitude 1,000 (about −30 dBFS) gives (1000·205/2)² ≈ 1.05e10.
const MIN_POWER: f32 = 1.0e9;

pub struct Goertzel {
    coeffs: [f32; 8],
    block: Vec<i16>,
    /// The key the last block held.
    last: Option<char>,
    /// The key already reported for the current tone.
    reported: Option<char>,
}

impl Default for Goertzel {
    fn default() -> Goertzel {
        let mut coeffs = [0.0; 8];
        for (c, f) in coeffs.iter_mut().zip(ROWS.iter().chain(COLS.iter())) {
            let k = (BLOCK as f32 * f / 8_000.0).round();
            *c = 2.0 * (2.0 * std::f32::consts::PI * k / BLOCK as f32).cos();
        }
        Goertzel {
            coeffs,
            block: Vec::with_capacity(BLOCK),
            last: None,
            reported: None,
        }
    }
}

impl Goertzel {
    /// Feed 8 kHz samples; returns the keys that began in them.
    pub fn feed(&mut self, samples: &[i16]) -> Vec<char> {
        let mut keys = Vec::new();
        for s in samples {
            self.block.push(*s);
            if self.block.len() == BLOCK {
                let key = self.detect();
                self.block.clear();
                if key.is_some() && key == self.last && self.reported != key {
                    self.reported = key;
                    keys.extend(key);
                }
                if key.is_none() {
                    self.reported = None;
                }
                self.last = key;
            }
        }
        keys
    }

    /// The key in the current block, if any.
    fn detect(&self) -> Option<char> {
        let mut power = [0.0f32; 8];
        for (p, coeff) in power.iter_mut().zip(self.coeffs) {
            let (mut s1, mut s2) = (0.0f32, 0.0f32);
            for x in &self.block {
                let s0 = f32::from(*x) + coeff * s1 - s2;
                s2 = s1;
                s1 = s0;
            }
            *p = s1 * s1 + s2 * s2 - coeff * s1 * s2;
        }
        let (rows, cols) = power.split_at(4);
        let (r, row) = strongest(rows)?;
        let (c, col) = strongest(cols)?;
        if row < MIN_POWER || col < MIN_POWER {
            return None;
        }
        if col > row * REVERSE_TWIST || row > col * NORMAL_TWIST {
            return None;
        }
        let clear = |group: &[f32], peak: usize, level: f32| {
            group
                .iter()
                .enumerate()
                .all(|(i, p)| i == peak || p * GROUP_MARGIN < level)
        };
        if !clear(rows, r, row) || !clear(cols, c, col) {
            return None;
        }
        // The block's energy on the same scale as a bin's power: a pure tone
        // of energy E over N samples shows E·N/2 in its bin.
        let energy: f32 = self.block.iter().map(|x| f32::from(*x) * f32::from(*x)).sum();
        if row + col < ENERGY_SHARE * energy * BLOCK as f32 / 2.0 {
            return None;
        }
        KEYS.get(r).and_then(|k| k.get(c)).copied()
    }
}

fn strongest(group: &[f32]) -> Option<(usize, f32)> {
    group.iter().copied().enumerate().max_by(|a, b| a.1.total_cmp(&b.1))
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// `ms` of the key's two tones at `amplitude` each (per tone), 8 kHz.
    pub fn tone(key: char, ms: usize, amplitude: f32, col_gain: f32) -> Vec<i16> {
        let (r, c) = KEYS
            .iter()
            .enumerate()
            .find_map(|(r, row)| row.iter().position(|k| *k == key).map(|c| (r, c)))
            .unwrap();
        (0..ms * 8)
            .map(|n| {
                let t = n as f32 / 8_000.0;
                let v = amplitude * (2.0 * std::f32::consts::PI * ROWS[r] * t).sin()
                    + amplitude * col_gain * (2.0 * std::f32::consts::PI * COLS[c] * t).sin();
                v as i16
            })
            .collect()
    }

    fn silence(ms: usize) -> Vec<i16> {
        vec![0; ms * 8]
    }

    /// A deterministic noise source (no rand in tests).
    fn noise(samples: usize, amplitude: f32, seed: u32) -> Vec<i16> {
        let mut x = seed.max(1);
        (0..samples)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                ((x as f32 / u32::MAX as f32) * 2.0 - 1.0) * amplitude
            })
            .map(|v| v as i16)
            .collect()
    }

    #[test]
    fn every_key_is_found_once() {
        for key in "0123456789*#ABCD".chars() {
            let mut g = Goertzel::default();
            let mut audio = silence(30);
            audio.extend(tone(key, 100, 4_000.0, 1.0));
            audio.extend(silence(60));
            assert_eq!(g.feed(&audio), vec![key], "{key}");
        }
    }

    #[test]
    fn a_sequence_of_keys_and_a_repeated_key() {
        let mut g = Goertzel::default();
        let mut audio = Vec::new();
        for key in "1559#".chars() {
            audio.extend(tone(key, 80, 3_000.0, 1.0));
            audio.extend(silence(60));
        }
        let keys: String = audio.chunks(160).flat_map(|c| g.feed(c)).collect();
        assert_eq!(keys, "1559#");
    }

    #[test]
    fn quiet_short_or_twisted_tones_are_not_keys() {
        let mut g = Goertzel::default();
        assert!(g.feed(&tone('5', 100, 200.0, 1.0)).is_empty(), "too quiet");
        assert!(g.feed(&silence(60)).is_empty());
        assert!(g.feed(&tone('5', 30, 4_000.0, 1.0)).is_empty(), "too short");
        assert!(g.feed(&silence(60)).is_empty());
        assert!(g.feed(&tone('5', 100, 4_000.0, 0.2)).is_empty(), "column 14 dB down");
        assert!(g.feed(&silence(60)).is_empty());
        assert!(g.feed(&tone('5', 100, 1_000.0, 2.5)).is_empty(), "column 8 dB up");
    }

    #[test]
    fn keys_survive_noise_and_noise_is_no_key() {
        let mut g = Goertzel::default();
        let mut audio: Vec<i16> = tone('7', 100, 4_000.0, 1.0);
        for (a, n) in audio.iter_mut().zip(noise(800, 600.0, 7)) {
            *a = a.saturating_add(n);
        }
        assert_eq!(g.feed(&audio), vec!['7']);
        let mut g = Goertzel::default();
        assert!(g.feed(&noise(80_000, 8_000.0, 3)).is_empty());
    }

    #[test]
    fn a_single_tone_is_not_a_key() {
        let mut g = Goertzel::default();
        let one: Vec<i16> = (0..1_600)
            .map(|n| (4_000.0 * (2.0 * std::f32::consts::PI * 770.0 * n as f32 / 8_000.0).sin()) as i16)
            .collect();
        assert!(g.feed(&one).is_empty());
    }
}
