//! The sender on loopback sockets: header fields, talkspurts, flush, hold
//! and sender reports. Timing is only bounded loosely (these run beside
//! other tests); the pacing itself is measured by `bench/sip-load.sh`.

use super::*;
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

fn frame(byte: u8) -> [u8; SAMPLES_PER_PACKET] {
    [byte; SAMPLES_PER_PACKET]
}

#[test]
fn queued_frames_leave_in_order_one_slot_apart() {
    let r = rig();
    for b in 1..=5u8 {
        r.track.push(0, &frame(b));
    }
    let start = Instant::now();
    let packets: Vec<Rtp> = (0..5).map(|_| receive(&r.phone)).collect();
    // Five slots: at least four slot lengths between the first and last.
    assert!(start.elapsed() >= Duration::from_millis(75), "{:?}", start.elapsed());
    for (i, p) in packets.iter().enumerate() {
        assert_eq!(p.payload, frame(i as u8 + 1), "frame {i} in order");
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
fn a_talkspurt_after_silence_keeps_the_clock_and_sets_the_marker() {
    let r = rig();
    r.track.push(8, &frame(1));
    let first = receive(&r.phone);
    thread::sleep(Duration::from_millis(200));
    r.track.push(8, &frame(2));
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
fn a_flush_drops_what_is_queued() {
    let r = rig();
    for _ in 0..LEAD {
        r.track.push(0, &frame(7));
    }
    r.track.flush();
    assert_eq!(r.track.queued(), 0);
    r.track.push(0, &frame(9));
    let p = receive(&r.phone);
    // At most the frame being sent when the flush came got out first.
    let p = if p.payload == frame(7) { receive(&r.phone) } else { p };
    assert_eq!(p.payload, frame(9));
}

#[test]
fn on_hold_slots_pass_and_nothing_is_sent() {
    let r = rig();
    r.track.route(None);
    for _ in 0..3 {
        r.track.push(0, &frame(1));
    }
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
fn the_queue_says_when_to_top_it_up_and_when_it_drains() {
    let r = rig();
    r.track.route(None);
    assert_eq!(r.track.drained_at(), None);
    let (_, before) = r.track.tail();
    for _ in 0..LEAD {
        r.track.push(0, &frame(1));
    }
    let drained = r.track.drained_at().expect("frames are queued");
    let refill = r.track.refill_at();
    assert!(refill < drained);
    // LEAD frames take LEAD slots; REFILL of them are left at refill time
    // (the sender may have taken one slot meanwhile).
    let span = drained.saturating_duration_since(before);
    assert!(span >= Duration::from_millis(20 * (LEAD as u64 - 1)), "{span:?}");
    let gap = drained.saturating_duration_since(refill);
    assert_eq!(gap, Duration::from_millis(20 * REFILL as u64));
}

#[test]
fn sender_reports_go_to_the_next_port() {
    let r = rig();
    // Keep sending for a little over RTCP_EVERY.
    let until = Instant::now() + RTCP_EVERY + Duration::from_millis(500);
    let mut sent = 0;
    while Instant::now() < until {
        while r.track.queued() < LEAD {
            r.track.push(0, &frame(3));
            sent += 1;
        }
        thread::sleep(Duration::from_millis(40));
    }
    assert!(sent > 200);
    let mut buf = [0u8; 512];
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
    r.track.push(0, &frame(1));
    // The first call's task "is preempted" while it holds its track's lock.
    let held = r.track.shared.lock();
    let start = Instant::now();
    for _ in 0..5 {
        other.push(0, &frame(2));
    }
    let packets: Vec<Rtp> = (0..5).map(|_| receive(&other_phone)).collect();
    assert!(packets.iter().all(|p| p.payload == frame(2)));
    let took = start.elapsed();
    drop(held);
    // The held call is served once its lock is free.
    assert_eq!(receive(&r.phone).payload, frame(1));
    assert!(took < Duration::from_secs(2), "the other call went on ({took:?})");
}
