//! RTP (RFC 3550) for one call: the outgoing stream's header fields, the
//! RTCP sender reports, and reading incoming packets.
//!
//! Outgoing: a random SSRC and random initial sequence number and
//! timestamp (§5.1); the timestamp is the media clock's slot × 160, so it
//! keeps counting through silence; the marker bit is set on the first
//! packet after silence (the start of a talkspurt, RFC 3551 §4.1).

use rtp_types::{RtpPacket, RtpPacketBuilder};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::pacer::SAMPLES_PER_PACKET;

pub struct Outgoing {
    pub ssrc: u32,
    seq: u16,
    ts_base: u32,
    /// The slot of the last packet sent, to know whether the next one
    /// starts a talkspurt.
    last_slot: Option<u64>,
    pub packets: u32,
    pub octets: u32,
    /// The RTP timestamp and wall-clock time of the last packet, for SRs.
    last_ts: u32,
    last_wall: Option<SystemTime>,
}

impl Outgoing {
    pub fn new(ssrc: u32, seq: u16, ts_base: u32) -> Outgoing {
        Outgoing {
            ssrc,
            seq,
            ts_base,
            last_slot: None,
            packets: 0,
            octets: 0,
            last_ts: ts_base,
            last_wall: None,
        }
    }

    /// A random stream.
    pub fn random() -> Outgoing {
        let r = crate::sip::endpoint::random_u64();
        Outgoing::new((r >> 32) as u32, (r >> 16) as u16, (r as u32).wrapping_mul(0x9e37_79b9))
    }

    /// Write the packet for `slot` carrying `payload` into `out`.
    pub fn packet(&mut self, slot: u64, pt: u8, payload: &[u8], out: &mut Vec<u8>) {
        let marker = self.last_slot.is_none_or(|last| slot != last + 1);
        let ts = self
            .ts_base
            .wrapping_add((slot as u32).wrapping_mul(SAMPLES_PER_PACKET as u32));
        out.clear();
        let builder = RtpPacketBuilder::<&[u8], &[u8]>::new()
            .payload_type(pt & 0x7f)
            .sequence_number(self.seq)
            .timestamp(ts)
            .ssrc(self.ssrc)
            .marker_bit(marker)
            .payload(payload);
        builder.write_into_vec_unchecked(out);
        self.seq = self.seq.wrapping_add(1);
        self.last_slot = Some(slot);
        self.packets = self.packets.wrapping_add(1);
        self.octets = self.octets.wrapping_add(payload.len() as u32);
        self.last_ts = ts;
        self.last_wall = Some(SystemTime::now());
    }

    /// An RTCP sender report (RFC 3550 §6.4.1) with an SDES CNAME (§6.1:
    /// every compound packet carries one). `None` before the first packet.
    pub fn sender_report(&self, cname: &str) -> Option<Vec<u8>> {
        let wall = self.last_wall?;
        let since = wall.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
        // NTP time: seconds since 1900 and a 32-bit fraction.
        let ntp_secs = since.as_secs().wrapping_add(2_208_988_800) as u32;
        let ntp_frac = ((u64::from(since.subsec_nanos()) << 32) / 1_000_000_000) as u32;
        let mut p = Vec::with_capacity(64);
        p.extend_from_slice(&[0x80, 200, 0, 6]); // V=2, RC=0, PT=SR, length 6 words
        for word in [self.ssrc, ntp_secs, ntp_frac, self.last_ts, self.packets, self.octets] {
            p.extend_from_slice(&word.to_be_bytes());
        }
        // SDES: one chunk, CNAME item, padded to a 32-bit boundary.
        let name = &cname.as_bytes()[..cname.len().min(255)];
        let chunk_len = 4 + 2 + name.len() + 1; // ssrc, type+len, text, end
        let padded = chunk_len.div_ceil(4) * 4;
        let words = (padded / 4) as u16;
        p.extend_from_slice(&[0x81, 202]);
        p.extend_from_slice(&words.to_be_bytes());
        p.extend_from_slice(&self.ssrc.to_be_bytes());
        p.extend_from_slice(&[1, name.len() as u8]);
        p.extend_from_slice(name);
        p.resize(p.len() + (padded - chunk_len) + 1, 0);
        Some(p)
    }
}

/// What an incoming datagram is, as far as the call cares.
#[derive(Debug, PartialEq, Eq)]
pub struct Incoming<'a> {
    pub pt: u8,
    pub seq: u16,
    pub ts: u32,
    pub ssrc: u32,
    pub marker: bool,
    pub payload: &'a [u8],
}

/// Parse an RTP packet; `None` for anything else (RTCP on the RTP port,
/// garbage, a wrong version).
pub fn parse(data: &[u8]) -> Option<Incoming<'_>> {
    let p = RtpPacket::parse(data).ok()?;
    // RTCP multiplexed on the RTP port has PT 200–204 with the marker bit
    // (RFC 5761 §4): not audio.
    if (72..=76).contains(&p.payload_type()) {
        return None;
    }
    // The parser has checked that the offset and padding fit the packet.
    let start = p.payload_offset();
    let end = start + p.payload_len();
    Some(Incoming {
        pt: p.payload_type(),
        seq: p.sequence_number(),
        ts: p.timestamp(),
        ssrc: p.ssrc(),
        marker: p.marker_bit(),
        payload: data.get(start..end)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_count_and_mark_talkspurts() {
        let mut out = Outgoing::new(0x1234_5678, 65_534, 1_000);
        let mut buf = Vec::new();
        let mut seen = Vec::new();
        for slot in [0u64, 1, 2, 10, 11] {
            out.packet(slot, 8, &[0xd5; 160], &mut buf);
            let p = parse(&buf).expect("our own packet parses");
            assert_eq!(p.payload.len(), 160);
            assert_eq!(p.ssrc, 0x1234_5678);
            seen.push((p.seq, p.ts, p.marker, p.pt));
        }
        assert_eq!(
            seen,
            vec![
                (65_534, 1_000, true, 8),
                (65_535, 1_160, false, 8),
                (0, 1_320, false, 8),
                (1, 2_600, true, 8),
                (2, 2_760, false, 8),
            ]
        );
    }

    #[test]
    fn sender_reports_are_well_formed() {
        let mut out = Outgoing::new(7, 0, 0);
        assert!(out.sender_report("x").is_none());
        let mut buf = Vec::new();
        out.packet(0, 0, &[0xff; 160], &mut buf);
        let sr = out.sender_report("callflow@127.0.0.1").unwrap();
        assert_eq!(sr.len() % 4, 0);
        assert_eq!(&sr[..4], &[0x80, 200, 0, 6]);
        assert_eq!(u32::from_be_bytes([sr[4], sr[5], sr[6], sr[7]]), 7);
        // packet and octet counts
        assert_eq!(u32::from_be_bytes([sr[20], sr[21], sr[22], sr[23]]), 1);
        assert_eq!(u32::from_be_bytes([sr[24], sr[25], sr[26], sr[27]]), 160);
        let sdes_words = u16::from_be_bytes([sr[30], sr[31]]) as usize;
        assert_eq!(sr.len(), 28 + 4 + sdes_words * 4);
    }

    #[test]
    fn garbage_is_not_rtp() {
        assert!(parse(b"").is_none());
        assert!(parse(b"hello world, not rtp").is_none());
        assert!(parse(&[0x80, 0xc8, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0]).is_none());
    }
}
