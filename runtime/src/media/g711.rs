//! G.711 µ-law and A-law (ITU-T G.711) through `audio-codec-algorithms`.

use crate::sip::sdp::Codec;
use audio_codec_algorithms::{decode_alaw, decode_ulaw, encode_alaw, encode_ulaw};

/// Encode 16-bit linear samples into `out` (one byte each).
pub fn encode(codec: Codec, samples: &[i16], out: &mut Vec<u8>) {
    out.clear();
    match codec {
        Codec::Pcmu => out.extend(samples.iter().map(|s| encode_ulaw(*s))),
        Codec::Pcma => out.extend(samples.iter().map(|s| encode_alaw(*s))),
    }
}

/// Decode G.711 bytes into 16-bit linear samples appended to `out`.
pub fn decode(codec: Codec, bytes: &[u8], out: &mut Vec<i16>) {
    match codec {
        Codec::Pcmu => out.extend(bytes.iter().map(|b| decode_ulaw(*b))),
        Codec::Pcma => out.extend(bytes.iter().map(|b| decode_alaw(*b))),
    }
}

/// The payload byte of silence, for a codec.
pub fn silence(codec: Codec) -> u8 {
    match codec {
        Codec::Pcmu => encode_ulaw(0),
        Codec::Pcma => encode_alaw(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_are_close() {
        let samples: Vec<i16> = (-32_000..32_000).step_by(997).map(|s| s as i16).collect();
        for codec in [Codec::Pcmu, Codec::Pcma] {
            let mut bytes = Vec::new();
            encode(codec, &samples, &mut bytes);
            let mut back = Vec::new();
            decode(codec, &bytes, &mut back);
            for (a, b) in samples.iter().zip(&back) {
                // G.711 keeps about 13 bits: the error grows with the level.
                let tolerance = (i32::from(*a).abs() / 16).max(16);
                assert!((i32::from(*a) - i32::from(*b)).abs() <= tolerance, "{codec:?} {a} {b}");
            }
        }
        assert_eq!(silence(Codec::Pcmu), 0xff);
        assert_eq!(silence(Codec::Pcma), 0xd5);
    }
}
