//! A prompt's audio, ready for every call: the 8 kHz samples, and the same
//! encoded once in both G.711 laws, in whole 20 ms frames.
//!
//! Encoded once, when the prompt is rendered or loaded, so that the media
//! sender can read a call's next frame straight from the shared clip: the
//! call's task then only says *which* clip plays, once per prompt, and a
//! task that the scheduler keeps waiting cannot leave a gap inside one
//! (docs/architecture.md, "The media clock").

use super::g711;
use super::pacer::SAMPLES_PER_PACKET;
use crate::sip::sdp::Codec;
use std::sync::Arc;

/// A prompt shared by every call that plays it.
pub type Clip = Arc<Audio>;

pub struct Audio {
    samples: Box<[i16]>,
    /// µ-law and A-law, the last frame padded with the law's silence.
    pcmu: Box<[u8]>,
    pcma: Box<[u8]>,
}

impl Audio {
    pub fn new(samples: Vec<i16>) -> Audio {
        let frames = samples.len().div_ceil(SAMPLES_PER_PACKET);
        let mut padded = samples.clone();
        padded.resize(frames * SAMPLES_PER_PACKET, 0);
        let encode = |codec| {
            let mut out = Vec::with_capacity(padded.len());
            g711::encode(codec, &padded, &mut out);
            out.into_boxed_slice()
        };
        Audio {
            pcmu: encode(Codec::Pcmu),
            pcma: encode(Codec::Pcma),
            samples: samples.into_boxed_slice(),
        }
    }

    /// The linear samples (8 kHz, mono).
    pub fn samples(&self) -> &[i16] {
        &self.samples
    }

    /// Samples, not frames.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// 20 ms frames, the last one padded.
    pub fn frames(&self) -> usize {
        self.samples.len().div_ceil(SAMPLES_PER_PACKET)
    }

    /// Frame `n` encoded for `codec` (160 bytes); empty past the end.
    pub fn frame(&self, codec: Codec, n: usize) -> &[u8] {
        let encoded = match codec {
            Codec::Pcmu => &self.pcmu,
            Codec::Pcma => &self.pcma,
        };
        let start = n.saturating_mul(SAMPLES_PER_PACKET);
        encoded
            .get(start..start.saturating_add(SAMPLES_PER_PACKET))
            .unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_whole_and_the_last_is_padded_with_silence() {
        let audio = Audio::new(vec![1_000; 400]);
        assert_eq!((audio.len(), audio.frames()), (400, 3));
        for codec in [Codec::Pcmu, Codec::Pcma] {
            let last = audio.frame(codec, 2);
            assert_eq!(last.len(), SAMPLES_PER_PACKET);
            let mut expected = Vec::new();
            g711::encode(codec, &[1_000; 80], &mut expected);
            assert_eq!(last.get(..80), Some(&expected[..]), "{codec:?}: the samples");
            assert!(
                last.iter().skip(80).all(|b| *b == g711::silence(codec)),
                "{codec:?}: then silence"
            );
            assert!(audio.frame(codec, 3).is_empty(), "nothing past the end");
        }
    }

    #[test]
    fn the_laws_differ_and_decode_back_close_to_the_samples() {
        let samples: Vec<i16> = (0..160).map(|i| (i * 100 - 8_000) as i16).collect();
        let audio = Audio::new(samples.clone());
        assert_ne!(audio.frame(Codec::Pcmu, 0), audio.frame(Codec::Pcma, 0));
        for codec in [Codec::Pcmu, Codec::Pcma] {
            let mut decoded = Vec::new();
            g711::decode(codec, audio.frame(codec, 0), &mut decoded);
            for (a, b) in samples.iter().zip(&decoded) {
                assert!((i32::from(*a) - i32::from(*b)).abs() < 300, "{codec:?}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn an_empty_clip_has_no_frames() {
        let audio = Audio::new(Vec::new());
        assert!(audio.is_empty());
        assert_eq!(audio.frames(), 0);
        assert!(audio.frame(Codec::Pcmu, 0).is_empty());
    }
}
