use super::*;
use crate::webhook::test_support::program;
use std::net::UdpSocket;

const FLOW: &str = "flow f {\n  start main\n}\n\nmenu main {\n  say \"Press 1.\"\n  \"1\" -> bye\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> bye\n}\n\nstep bye {\n  hangup\n}\n";
const REJECTING: &str = "flow f {\n  start r\n}\n\nstep r {\n  reject busy\n}\n";

struct LoopbackPorts;

impl MediaAllocator for LoopbackPorts {
    fn allocate(&mut self, _peer: SocketAddr) -> Option<MediaPorts> {
        let rtp = UdpSocket::bind("127.0.0.1:0").ok()?;
        let rtcp = UdpSocket::bind("127.0.0.1:0").ok()?;
        let port = rtp.local_addr().ok()?.port();
        Some(MediaPorts {
            rtp,
            rtcp,
            port,
            advertised: IpAddr::from([127, 0, 0, 1]),
        })
    }
}

fn endpoint_with(flow: &str, settings: Settings) -> Endpoint {
    Endpoint::new(
        Arc::new(settings),
        program(flow),
        None,
        "127.0.0.1:5060".parse().unwrap(),
        Box::new(LoopbackPorts),
    )
}

fn endpoint() -> Endpoint {
    endpoint_with(FLOW, Settings::default())
}

const CALLER: &str = "127.0.0.1:5070";

fn caller() -> SocketAddr {
    CALLER.parse().unwrap()
}

const SDP: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";

fn request(method: &str, branch: &str, cseq: u32, to_tag: Option<&str>, body: &str) -> Vec<u8> {
    let to = match to_tag {
        Some(t) => format!("<sip:ivr@127.0.0.1>;tag={t}"),
        None => "<sip:ivr@127.0.0.1>".to_string(),
    };
    let cseq_method = if method == "ACK" && to_tag.is_none() {
        "ACK"
    } else {
        method
    };
    let content_type = if body.is_empty() {
        ""
    } else {
        "Content-Type: application/sdp\r\n"
    };
    format!(
        "{method} sip:ivr@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP {CALLER};branch={branch};rport\r\nFrom: <sip:+2547000@127.0.0.1>;tag=caller1\r\nTo: {to}\r\nCall-ID: call-1\r\nCSeq: {cseq} {cseq_method}\r\nContact: <sip:caller@{CALLER}>\r\nMax-Forwards: 70\r\n{content_type}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Messages sent, parsed; other outputs kept aside.
#[derive(Default)]
struct Outs {
    sent: Vec<(SocketAddr, Message)>,
    starts: Vec<CallStart>,
    signals: Vec<(u64, Signal)>,
    logs: Vec<serde_json::Value>,
}

fn outs(ep: &mut Endpoint) -> Outs {
    let mut o = Outs::default();
    for out in ep.drain() {
        match out {
            Output::Send { to, data } => o.sent.push((to, Message::parse(&data).expect("we send SIP"))),
            Output::Start(s) => o.starts.push(*s),
            Output::Signal { call, signal } => o.signals.push((call, signal)),
            Output::Log(v) => o.logs.push(v),
            Output::Trace(_) => {}
        }
    }
    o
}

fn statuses(o: &Outs) -> Vec<u16> {
    o.sent.iter().filter_map(|(_, m)| m.status()).collect()
}

/// INVITE answered at once: returns the endpoint, now, and our To tag.
fn answered() -> (Endpoint, Instant, String) {
    let mut ep = endpoint();
    let t0 = Instant::now();
    ep.on_datagram(t0, &request("INVITE", "z9hG4bK1", 1, None, SDP), caller());
    let o = outs(&mut ep);
    assert_eq!(statuses(&o), vec![100, 200]);
    let ok = &o.sent[1].1;
    let tag = ok.to_tag().unwrap().to_string();
    assert_eq!(o.starts.len(), 1);
    (ep, t0, tag)
}

#[test]
fn invite_is_answered_with_sdp_and_the_200_is_resent_until_the_ack() {
    let mut ep = endpoint();
    let t0 = Instant::now();
    ep.on_datagram(t0, &request("INVITE", "z9hG4bK1", 1, None, SDP), caller());
    let o = outs(&mut ep);
    assert_eq!(statuses(&o), vec![100, 200]);
    let (to, ok) = &o.sent[1];
    assert_eq!(*to, caller());
    assert_eq!(ok.header("Content-Type"), Some("application/sdp"));
    let body = String::from_utf8(ok.body.clone()).unwrap();
    assert!(body.contains("m=audio ") && body.contains(" RTP/AVP 0 101"), "{body}");
    assert!(ok.header("Contact").is_some());
    let start = &o.starts[0];
    assert_eq!(start.caller, "+2547000");
    assert!(matches!(start.first, Effect::Say { .. }));
    assert_eq!(ep.active_calls(), 1);

    // A retransmitted INVITE gets the same 200, and no second call.
    ep.on_datagram(
        t0 + Duration::from_millis(100),
        &request("INVITE", "z9hG4bK1", 1, None, SDP),
        caller(),
    );
    let o = outs(&mut ep);
    assert_eq!(statuses(&o), vec![200]);
    assert!(o.starts.is_empty());

    // 200 again at 500 ms and 1.5 s (T1, then doubled) …
    for (at, expect) in [(499, 0), (500, 1), (1_400, 0), (1_500, 1)] {
        ep.on_timer(t0 + Duration::from_millis(at));
        assert_eq!(statuses(&outs(&mut ep)).len(), expect, "at {at} ms");
    }
    // … until the ACK, which starts the call.
    let tag = ok.to_tag().unwrap().to_string();
    ep.on_datagram(
        t0 + Duration::from_secs(2),
        &request("ACK", "z9hG4bK2", 1, Some(&tag), ""),
        caller(),
    );
    let o = outs(&mut ep);
    assert_eq!(o.signals, vec![(1, Signal::Acked(None))]);
    ep.on_timer(t0 + Duration::from_secs(10));
    assert!(outs(&mut ep).sent.is_empty(), "no more 200s");
}

#[test]
fn without_an_ack_the_call_is_ended_with_bye() {
    let (mut ep, t0, _) = answered();
    let mut resent = 0;
    let mut signals = Vec::new();
    let mut byes = 0;
    for ms in (0..=40_000).step_by(250) {
        ep.on_timer(t0 + Duration::from_millis(ms));
        let o = outs(&mut ep);
        resent += statuses(&o).len();
        byes += o.sent.iter().filter(|(_, m)| m.method() == Some("BYE")).count();
        signals.extend(o.signals);
    }
    // 0.5, 1.5, 3.5, 7.5, 11.5 … 31.5 s: 10 retransmissions in 32 s.
    assert_eq!(resent, 10);
    assert_eq!(signals, vec![(1, Signal::NoAck)]);
    assert!(byes >= 1);
}

#[test]
fn caller_bye_is_answered_and_a_retransmitted_bye_is_not_a_second_hangup() {
    let (mut ep, t0, tag) = answered();
    ep.on_datagram(t0, &request("ACK", "z9hG4bK2", 1, Some(&tag), ""), caller());
    outs(&mut ep);
    for _ in 0..2 {
        ep.on_datagram(
            t0 + Duration::from_secs(5),
            &request("BYE", "z9hG4bK3", 2, Some(&tag), ""),
            caller(),
        );
    }
    let o = outs(&mut ep);
    assert_eq!(statuses(&o), vec![200, 200]);
    assert_eq!(o.signals, vec![(1, Signal::Bye)]);
    ep.on_command(t0 + Duration::from_secs(5), Command::Finished { call: 1 });
    assert_eq!(ep.active_calls(), 0);
    assert!(outs(&mut ep).sent.is_empty(), "the dialog is gone: no BYE of ours");
    // A BYE for a dialog nobody knows.
    ep.on_datagram(t0, &request("BYE", "z9hG4bK9", 3, Some("nope"), ""), caller());
    assert_eq!(statuses(&outs(&mut ep)), vec![481]);
}

#[test]
fn our_bye_is_resent_until_answered() {
    let (mut ep, t0, tag) = answered();
    ep.on_datagram(t0, &request("ACK", "z9hG4bK2", 1, Some(&tag), ""), caller());
    outs(&mut ep);
    ep.on_command(t0, Command::Hangup { call: 1 });
    let o = outs(&mut ep);
    let (to, bye) = &o.sent[0];
    assert_eq!(*to, caller(), "to the caller's Contact");
    assert_eq!(bye.method(), Some("BYE"));
    assert_eq!(bye.from_tag(), Some(tag.as_str()));
    assert_eq!(bye.to_tag(), Some("caller1"));
    assert_eq!(bye.header("Call-ID"), Some("call-1"));
    ep.on_timer(t0 + Duration::from_millis(500));
    let again = outs(&mut ep);
    assert_eq!(again.sent.len(), 1);
    assert_eq!(
        again.sent[0].1.header("CSeq"),
        bye.header("CSeq"),
        "a retransmission, not a new BYE"
    );
    // The caller's 200 ends it.
    let ok = message::response(bye, 200, "OK", None).to_bytes();
    ep.on_datagram(t0 + Duration::from_millis(600), &ok, caller());
    ep.on_timer(t0 + Duration::from_secs(5));
    assert!(outs(&mut ep).sent.is_empty());
    assert_eq!(ep.table_sizes().1, 0, "no client transaction left");
}

#[test]
fn cancel_before_the_answer_gives_487() {
    let settings = Settings {
        answer_after: Duration::from_secs(3),
        ..Settings::default()
    };
    let mut ep = endpoint_with(FLOW, settings);
    let t0 = Instant::now();
    ep.on_datagram(t0, &request("INVITE", "z9hG4bK1", 1, None, SDP), caller());
    assert_eq!(statuses(&outs(&mut ep)), vec![100, 180]);
    ep.on_datagram(
        t0 + Duration::from_secs(1),
        &request("CANCEL", "z9hG4bK1", 1, None, ""),
        caller(),
    );
    let o = outs(&mut ep);
    assert_eq!(statuses(&o), vec![200, 487]);
    assert_eq!(o.sent[0].1.cseq(), Some((1, "CANCEL")));
    assert_eq!(o.sent[1].1.cseq(), Some((1, "INVITE")));
    assert_eq!(ep.active_calls(), 0);
    // The 487 is resent until its ACK; the call never starts.
    ep.on_timer(t0 + Duration::from_millis(1_500));
    assert_eq!(statuses(&outs(&mut ep)), vec![487]);
    ep.on_datagram(
        t0 + Duration::from_millis(1_600),
        &request("ACK", "z9hG4bK1", 1, None, ""),
        caller(),
    );
    for s in 2..40 {
        ep.on_timer(t0 + Duration::from_secs(s));
    }
    let o = outs(&mut ep);
    assert!(o.sent.is_empty() && o.starts.is_empty());
}

#[test]
fn ringing_then_answer() {
    let settings = Settings {
        answer_after: Duration::from_secs(2),
        ..Settings::default()
    };
    let mut ep = endpoint_with(FLOW, settings);
    let t0 = Instant::now();
    ep.on_datagram(t0, &request("INVITE", "z9hG4bK1", 1, None, SDP), caller());
    let o = outs(&mut ep);
    let tag180 = o.sent[1].1.to_tag().unwrap().to_string();
    ep.on_timer(t0 + Duration::from_secs(2));
    let o = outs(&mut ep);
    assert_eq!(statuses(&o), vec![200]);
    assert_eq!(o.sent[0].1.to_tag(), Some(tag180.as_str()), "one dialog");
    assert_eq!(o.starts.len(), 1);
}

#[test]
fn options_and_methods_we_do_not_take() {
    let mut ep = endpoint();
    let t0 = Instant::now();
    ep.on_datagram(t0, &request("OPTIONS", "z9hG4bKo", 1, None, ""), caller());
    ep.on_datagram(t0, &request("REGISTER", "z9hG4bKr", 1, None, ""), caller());
    ep.on_datagram(t0, &request("FROB", "z9hG4bKf", 1, None, ""), caller());
    let o = outs(&mut ep);
    assert_eq!(statuses(&o), vec![200, 405, 501]);
    assert_eq!(o.sent[0].1.header("Allow"), Some(ALLOW));
    assert!(o.sent[1].1.header("Allow").is_some());
}

#[test]
fn refusals() {
    // Not an allowed source.
    let mut ep = endpoint_with(
        FLOW,
        Settings {
            allow: vec![super::super::config::Cidr::parse("10.0.0.0/8").unwrap()],
            ..Settings::default()
        },
    );
    let t0 = Instant::now();
    ep.on_datagram(t0, &request("INVITE", "z9hG4bK1", 1, None, SDP), caller());
    let o = outs(&mut ep);
    assert_eq!(statuses(&o), vec![403]);
    assert_eq!(o.logs[0]["status"], 403);
    // At the call limit.
    let mut ep = endpoint_with(
        FLOW,
        Settings {
            max_calls: 1,
            ..Settings::default()
        },
    );
    ep.on_datagram(t0, &request("INVITE", "z9hG4bK1", 1, None, SDP), caller());
    outs(&mut ep);
    let second = String::from_utf8(request("INVITE", "z9hG4bK2", 1, None, SDP))
        .unwrap()
        .replace("call-1", "call-2");
    ep.on_datagram(t0, second.as_bytes(), caller());
    assert_eq!(statuses(&outs(&mut ep)), vec![503]);
    // No common codec.
    let mut ep = endpoint();
    let g729 = SDP.replace("RTP/AVP 0 101", "RTP/AVP 18");
    ep.on_datagram(t0, &request("INVITE", "z9hG4bK1", 1, None, &g729), caller());
    assert_eq!(statuses(&outs(&mut ep)), vec![488]);
    assert_eq!(ep.active_calls(), 0);
    // The flow rejects the call: busy.
    let mut ep = endpoint_with(REJECTING, Settings::default());
    ep.on_datagram(t0, &request("INVITE", "z9hG4bK1", 1, None, SDP), caller());
    assert_eq!(statuses(&outs(&mut ep)), vec![486]);
    // Headers missing: 400.
    let mut ep = endpoint();
    let broken = String::from_utf8(request("INVITE", "z9hG4bK1", 1, None, SDP))
        .unwrap()
        .replace("Call-ID: call-1\r\n", "");
    ep.on_datagram(t0, broken.as_bytes(), caller());
    assert_eq!(statuses(&outs(&mut ep)), vec![400]);
}

#[test]
fn a_refused_invite_is_resent_until_its_ack() {
    let mut ep = endpoint();
    let t0 = Instant::now();
    let g729 = SDP.replace("RTP/AVP 0 101", "RTP/AVP 18");
    ep.on_datagram(t0, &request("INVITE", "z9hG4bK1", 1, None, &g729), caller());
    outs(&mut ep);
    ep.on_timer(t0 + Duration::from_millis(500));
    assert_eq!(statuses(&outs(&mut ep)), vec![488]);
    ep.on_datagram(
        t0 + Duration::from_millis(600),
        &request("ACK", "z9hG4bK1", 1, None, ""),
        caller(),
    );
    ep.on_timer(t0 + Duration::from_secs(2));
    assert!(outs(&mut ep).sent.is_empty());
}

#[test]
fn hold_and_resume_by_reinvite() {
    let (mut ep, t0, tag) = answered();
    ep.on_datagram(t0, &request("ACK", "z9hG4bK2", 1, Some(&tag), ""), caller());
    outs(&mut ep);
    let hold = format!("{SDP}a=sendonly\r\n");
    ep.on_datagram(t0, &request("INVITE", "z9hG4bK3", 2, Some(&tag), &hold), caller());
    let o = outs(&mut ep);
    assert_eq!(statuses(&o), vec![200]);
    let body = String::from_utf8(o.sent[0].1.body.clone()).unwrap();
    assert!(body.contains("a=recvonly"), "{body}");
    assert!(
        body.contains("o=callflow ") && body.contains(" 2 IN IP4"),
        "version 2: {body}"
    );
    match &o.signals[..] {
        [(1, Signal::Media(n))] => assert!(!n.we_send),
        other => panic!("{other:?}"),
    }
    ep.on_datagram(t0, &request("ACK", "z9hG4bK4", 2, Some(&tag), ""), caller());
    ep.on_datagram(t0, &request("INVITE", "z9hG4bK5", 3, Some(&tag), SDP), caller());
    let o = outs(&mut ep);
    match &o.signals[..] {
        [(1, Signal::Media(n))] => assert!(n.we_send),
        other => panic!("{other:?}"),
    }
}

#[test]
fn info_carries_keys() {
    let (mut ep, t0, tag) = answered();
    let info = String::from_utf8(request(
        "INFO",
        "z9hG4bK7",
        2,
        Some(&tag),
        "Signal=5\r\nDuration=160\r\n",
    ))
    .unwrap()
    .replace("application/sdp", "application/dtmf-relay");
    ep.on_datagram(t0, info.as_bytes(), caller());
    let o = outs(&mut ep);
    assert_eq!(statuses(&o), vec![200]);
    assert_eq!(o.signals, vec![(1, Signal::Digit('5'))]);
}

#[test]
fn garbage_changes_nothing() {
    let mut ep = endpoint();
    let t0 = Instant::now();
    for junk in [
        &b"\x00\x01\x02"[..],
        b"GET / HTTP/1.1\r\n\r\n",
        b"INVITE sip:x SIP/2.0\r\n\r\n",
        b"\r\n\r\n",
    ] {
        ep.on_datagram(t0, junk, caller());
    }
    let o = outs(&mut ep);
    assert!(o.sent.is_empty() && o.starts.is_empty());
    assert_eq!(ep.table_sizes(), (0, 0, 0, 0));
}

#[test]
fn transactions_expire() {
    let mut ep = endpoint();
    let t0 = Instant::now();
    for i in 0..50 {
        ep.on_datagram(t0, &request("OPTIONS", &format!("z9hG4bK{i}"), 1, None, ""), caller());
    }
    outs(&mut ep);
    assert_eq!(ep.table_sizes().0, 50);
    ep.on_timer(t0 + Duration::from_secs(33));
    assert_eq!(ep.table_sizes(), (0, 0, 0, 0));
}
