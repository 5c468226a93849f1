use super::*;

fn offer(media: &str) -> Offer {
    let text = format!("v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n{media}");
    Offer::parse(text.as_bytes()).expect("SDP")
}

#[test]
fn the_callers_first_g711_codec_and_its_dtmf_payload_type() {
    let o = offer(
        "m=audio 4000 RTP/AVP 18 8 0 96\r\na=rtpmap:18 G729/8000\r\na=rtpmap:96 telephone-event/8000\r\na=fmtp:96 0-15\r\n",
    );
    let n = o.negotiate().unwrap();
    assert_eq!((n.codec, n.codec_pt, n.dtmf_pt), (Codec::Pcma, 8, Some(96)));
    assert_eq!(n.remote, "10.0.0.5:4000".parse().ok());
    assert!(n.we_send);
    let answer = String::from_utf8(o.answer(&n, "192.0.2.1:20000".parse().unwrap(), 7, 1)).unwrap();
    assert!(answer.contains("m=audio 20000 RTP/AVP 8 96\r\n"), "{answer}");
    assert!(answer.contains("a=rtpmap:96 telephone-event/8000\r\n"));
    assert!(answer.contains("c=IN IP4 192.0.2.1\r\n"));
    assert!(answer.contains("a=sendrecv\r\n"));
    assert!(!answer.contains(" 101"), "never a hard-coded 101: {answer}");
}

#[test]
fn a_dynamic_payload_type_named_pcmu_counts() {
    let o = offer("m=audio 4000 RTP/AVP 112\r\na=rtpmap:112 PCMU/8000\r\n");
    let n = o.negotiate().unwrap();
    assert_eq!((n.codec, n.codec_pt, n.dtmf_pt), (Codec::Pcmu, 112, None));
}

#[test]
fn nothing_in_common() {
    assert!(offer("m=audio 4000 RTP/AVP 18 9\r\n").negotiate().is_none());
    assert!(offer("m=video 4000 RTP/AVP 0\r\n").negotiate().is_none());
    assert!(offer("m=audio 0 RTP/AVP 0\r\n").negotiate().is_none());
    assert!(
        offer("m=audio 4000 RTP/AVP 8\r\na=rtpmap:8 PCMA/16000\r\n")
            .negotiate()
            .is_none()
    );
}

#[test]
fn hold_stops_our_sending() {
    let n = offer("m=audio 4000 RTP/AVP 0\r\na=sendonly\r\n").negotiate().unwrap();
    assert!(!n.we_send);
    let n = offer("a=inactive\r\nm=audio 4000 RTP/AVP 0\r\n").negotiate().unwrap();
    assert!(!n.we_send, "session-level direction");
    let text = "v=0\r\no=- 1 2 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
    let n = Offer::parse(text.as_bytes()).unwrap().negotiate().unwrap();
    assert_eq!(n.remote, None, "RFC 2543 hold");
    assert!(!n.we_send);
    let o = offer("m=audio 4000 RTP/AVP 0\r\na=sendonly\r\n");
    let answer =
        String::from_utf8(o.answer(&o.negotiate().unwrap(), "192.0.2.1:20000".parse().unwrap(), 7, 2)).unwrap();
    assert!(answer.contains("a=recvonly\r\n"), "{answer}");
}

#[test]
fn other_media_lines_are_refused_in_place() {
    let o = offer("m=video 5000 RTP/AVP 96\r\nm=audio 4000 RTP/AVP 0\r\n");
    let n = o.negotiate().unwrap();
    let answer = String::from_utf8(o.answer(&n, "192.0.2.1:20000".parse().unwrap(), 7, 1)).unwrap();
    let lines: Vec<&str> = answer.lines().filter(|l| l.starts_with("m=")).collect();
    assert_eq!(lines, vec!["m=video 0 RTP/AVP 96", "m=audio 20000 RTP/AVP 0"]);
}

#[test]
fn our_offer_has_both_codecs() {
    let text = String::from_utf8(super::offer("192.0.2.1:20000".parse().unwrap(), 1, 1)).unwrap();
    let parsed = Offer::parse(text.as_bytes()).unwrap().negotiate().unwrap();
    assert_eq!((parsed.codec, parsed.dtmf_pt), (Codec::Pcmu, Some(OUR_DTMF_PT)));
}

#[test]
fn not_sdp() {
    assert!(Offer::parse(b"hello").is_none());
    assert!(Offer::parse(b"\xff\xfe").is_none());
    assert!(Offer::parse(b"v=1\r\n").is_none());
}

proptest::proptest! {
    #[test]
    fn random_sdp_never_panics(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
        let mut body = b"v=0\r\nm=audio 4000 RTP/AVP 0 8\r\n".to_vec();
        body.extend(data);
        if let Some(o) = Offer::parse(&body)
            && let Some(n) = o.negotiate()
        {
            let _ = o.answer(&n, "127.0.0.1:2".parse().unwrap(), 1, 1);
        }
    }
}
