//! The sender on loopback sockets: header fields, talkspurts, flush, hold
//! and sender reports. Timing is only bounded loosely (these run beside
//! other tests); the pacing itself is measured by `bench/sip-load.sh`.

use super::*;
use crate::media::clip::Audio;
use std::net::UdpSocket;

struct Rtp {
    seq: u16,
    ts: u32,
    ssrc: u32,
    marker: bool,
    pt: u8,
    payload: Vec<u8>,
}

fn parse(data: &[u8]) -> Rtp {
    assert!(data.len() >= 12, "an RTP header");
    Rtp {
        seq: u16::from_be_bytes([data[2], data[3]]),
        ts: u32::from_be_bytes([data[4], data[5], data[6], data[7]]),
        ssrc: u32::from_be_bytes([data[8], data[9], data[10], data[11]]),
        marker: data[1] & 0x80 != 0,
        pt: data[1] & 0x7f,
        payload: data[12..].to_vec(),
    }
}

struct Rig {
    sender: MediaSender,
    track: Track,
    phone: UdpSocket,
    phone_rtcp: UdpSocket,
}

fn rig() -> Rig {
    let bind = || UdpSocket::bind("127.0.0.1:0").expect("a loopback socket");
    let (rtp, rtcp) = (bind(), bind());
    // The phone's RTCP port is its RTP port + 1, as the sender assumes.
    let (phone, phone_rtcp) = (0..100)
        .find_map(|_| {
            let phone = bind();
            let port = phone.local_addr().ok()?.port().checked_add(1)?;
            UdpSocket::bind(("127.0.0.1", port)).ok().map(|rtcp| (phone, rtcp))
        })
        .expect("a free port pair");
    for s in [&phone, &phone_rtcp] {
        s.set_read_timeout(Some(Duration::from_secs(3))).expect("timeout");
    }
    let (sender, _) = MediaSender::start(false).expect("the sender thread");
    let track = sender
        .track(
            Arc::new(rtp),
            Arc::new(rtcp),
            "test@127.0.0.1".to_string(),
            Instant::now(),
        )
        .expect("a track");
    track.route(Some(phone.local_addr().expect("bound")));
    Rig {
        sender,
        track,
        phone,
        phone_rtcp,
    }
}

fn receive(phone: &UdpSocket) -> Rtp {
    let mut buf = [0u8; 1_500];
    let (n, _) = phone.recv_from(&mut buf).expect("a packet within 3 s");
    parse(&buf[..n])
}

/// A clip of one frame per value, each frame that value throughout.
fn clip(values: &[i16]) -> Clip {
    let samples = values
        .iter()
        .flat_map(|v| std::iter::repeat_n(*v, SAMPLES_PER_PACKET))
        .collect();
    Arc::new(Audio::new(samples))
}

/// The payload of a frame of `value` in `codec`.
fn frame(codec: Codec, value: i16) -> Vec<u8> {
    let mut out = Vec::new();
    crate::media::g711::encode(codec, &[value; SAMPLES_PER_PACKET], &mut out);
    out
}

#[test]
fn queued_frames_leave_in_order_one_slot_apart() {
    let r = rig();
    let values = [1_000, 2_000, 3_000, 4_000, 5_000];
    r.track.play(clip(&values), 1);
    let start = Instant::now();
    let packets: Vec<Rtp> = (0..5).map(|_| receive(&r.phone)).collect();
    // Five slots: at least four slot lengths between the first and last.
    assert!(start.elapsed() >= Duration::from_millis(75), "{:?}", start.elapsed());
    for (i, p) in packets.iter().enumerate() {
        assert_eq!(p.payload, frame(Codec::Pcmu, values[i]), "frame {i} in order");
        assert_eq!(p.pt, 0);
        assert_eq!(p.ssrc, packets[0].ssrc);
        assert_eq!(p.marker, i == 0, "only the first packet starts the talkspurt");
    }
    for w in packets.windows(2) {
        assert_eq!(w[1].seq, w[0].seq.wrapping_add(1));
        assert_eq!(w[1].ts, w[0].ts.wrapping_add(SAMPLES_PER_PACKET as u32));
    }
    assert_eq!(r.track.queued(), 0);
    drop(r.sender);
}

#[test]
fn a_clip_plays_as_many_times_as_asked_and_the_next_follows_without_a_gap() {
    let r = rig();
    r.track.play(clip(&[100, 200]), 3);
    r.track.play(clip(&[300]), 1);
    let packets: Vec<Rtp> = (0..7).map(|_| receive(&r.phone)).collect();
    let expected: Vec<Vec<u8>> = [100, 200, 100, 200, 100, 200, 300]
        .iter()
        .map(|v| frame(Codec::Pcmu, *v))
        .collect();
    let payloads: Vec<Vec<u8>> = packets.iter().map(|p| p.payload.clone()).collect();
    assert_eq!(payloads, expected);
    assert!(packets.iter().skip(1).all(|p| !p.marker), "one talkspurt");
    for w in packets.windows(2) {
        assert_eq!(w[1].ts, w[0].ts.wrapping_add(SAMPLES_PER_PACKET as u32));
    }
}

#[test]
fn a_talkspurt_after_silence_keeps_the_clock_and_sets_the_marker() {
    let r = rig();
    r.track.codec(Codec::Pcma, 8);
    r.track.play(clip(&[1_000]), 1);
    let first = receive(&r.phone);
    assert_eq!((first.pt, first.payload.clone()), (8, frame(Codec::Pcma, 1_000)));
    thread::sleep(Duration::from_millis(200));
    r.track.play(clip(&[2_000]), 1);
    let second = receive(&r.phone);
    assert!(second.marker, "a new talkspurt");
    assert_eq!(second.seq, first.seq.wrapping_add(1), "sequence numbers have no gap");
    let slots = second.ts.wrapping_sub(first.ts) / SAMPLES_PER_PACKET as u32;
    assert!(slots >= 10, "the timestamp counts the silent slots ({slots})");
    assert_eq!(
        second.ts.wrapping_sub(first.ts) % SAMPLES_PER_PACKET as u32,
        0,
        "on the grid"
    );
}

#[test]
fn a_new_codec_applies_from_the_next_frame_and_loses_nothing() {
    let r = rig();
    let values: Vec<i16> = (1..=10).map(|i| i * 1_000).collect();
    r.track.play(clip(&values), 1);
    let first = receive(&r.phone);
    r.track.codec(Codec::Pcma, 8);
    let mut packets = vec![first];
    packets.extend((1..10).map(|_| receive(&r.phone)));
    for (i, p) in packets.iter().enumerate() {
        let codec = if p.pt == 8 { Codec::Pcma } else { Codec::Pcmu };
        assert_eq!(
            p.payload,
            frame(codec, values[i]),
            "frame {i}, in the law of its payload type"
        );
    }
    let switched = packets.iter().position(|p| p.pt == 8).expect("the new codec is used");
    assert!(packets[switched..].iter().all(|p| p.pt == 8), "and kept");
}

#[test]
fn a_flush_drops_what_is_queued() {
    let r = rig();
    r.track.play(clip(&[7_000; 16]), 1);
    r.track.flush();
    assert_eq!(r.track.queued(), 0);
    r.track.play(clip(&[9_000]), 1);
    let p = receive(&r.phone);
    // At most the frame being sent when the flush came got out first.
    let p = if p.payload == frame(Codec::Pcmu, 7_000) {
        receive(&r.phone)
    } else {
        p
    };
    assert_eq!(p.payload, frame(Codec::Pcmu, 9_000));
}

#[test]
fn on_hold_slots_pass_and_nothing_is_sent() {
    let r = rig();
    r.track.route(None);
    r.track.play(clip(&[1_000; 3]), 1);
    let deadline = Instant::now() + Duration::from_secs(2);
    while r.track.queued() > 0 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(r.track.queued(), 0, "the frames were used up");
    r.phone
        .set_read_timeout(Some(Duration::from_millis(100)))
        .expect("timeout");
    let mut buf = [0u8; 1_500];
    assert!(r.phone.recv_from(&mut buf).is_err(), "nothing was sent on hold");
}

#[test]
fn play_says_where_a_clip_falls_on_the_clock_and_when_the_queue_drains() {
    let r = rig();
    r.track.route(None);
    assert_eq!(r.track.drained_at(), None);
    let first = r.track.play(clip(&[1; 16]), 1);
    assert!(first.after_silence);
    assert_eq!(first.ends - first.starts, Duration::from_millis(320));
    let second = r.track.play(clip(&[2, 3]), 3);
    assert!(!second.after_silence, "queued behind the first");
    // The sender may take slots meanwhile; the instants do not move.
    assert_eq!(second.starts, first.ends);
    assert_eq!(second.ends - second.starts, Duration::from_millis(120));
    assert_eq!(r.track.drained_at(), Some(second.ends));
    let empty = r.track.play(clip(&[]), 1);
    assert_eq!(
        (empty.starts, empty.ends),
        (second.ends, second.ends),
        "nothing to play"
    );
    assert!(r.track.queued() <= 22);
}

#[test]
fn sender_reports_go_to_the_next_port() {
    let r = rig();
    // A little over RTCP_EVERY of audio.
    let slots = (RTCP_EVERY + Duration::from_millis(500)).as_millis() / 20;
    r.track
        .play(clip(&[3_000]), u32::try_from(slots).expect("a few hundred"));
    let mut buf = [0u8; 512];
    r.phone_rtcp
        .set_read_timeout(Some(RTCP_EVERY + Duration::from_secs(3)))
        .expect("timeout");
    let (n, _) = r.phone_rtcp.recv_from(&mut buf).expect("a sender report");
    assert!(n >= 28);
    assert_eq!(buf[1], 200, "an SR");
}

#[test]
fn the_thread_ends_when_every_handle_and_track_is_gone() {
    let inbox = Arc::new(Inbox {
        pending: Mutex::new(Vec::new()),
    });
    let theirs = Arc::clone(&inbox);
    let handle = thread::spawn(move || run(&theirs));
    drop(inbox);
    let deadline = Instant::now() + Duration::from_secs(3);
    while !handle.is_finished() && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(10));
    }
    assert!(handle.is_finished());
}

#[test]
fn a_call_holding_its_lock_does_not_hold_up_the_others() {
    let r = rig();
    let bind = || UdpSocket::bind("127.0.0.1:0").expect("a loopback socket");
    let other_phone = bind();
    other_phone
        .set_read_timeout(Some(Duration::from_secs(3)))
        .expect("timeout");
    let other = r
        .sender
        .track(
            Arc::new(bind()),
            Arc::new(bind()),
            "other@127.0.0.1".to_string(),
            Instant::now(),
        )
        .expect("a track");
    other.route(Some(other_phone.local_addr().expect("bound")));
    r.track.play(clip(&[1_000]), 1);
    // The first call's task "is preempted" while it holds its track's lock.
    let held = r.track.shared.lock();
    let start = Instant::now();
    other.play(clip(&[2_000; 5]), 1);
    let packets: Vec<Rtp> = (0..5).map(|_| receive(&other_phone)).collect();
    assert!(packets.iter().all(|p| p.payload == frame(Codec::Pcmu, 2_000)));
    let took = start.elapsed();
    drop(held);
    // The held call is served once its lock is free.
    assert_eq!(receive(&r.phone).payload, frame(Codec::Pcmu, 1_000));
    assert!(took < Duration::from_secs(2), "the other call went on ({took:?})");
}
