use super::*;

const INVITE: &str = "INVITE sip:ivr@127.0.0.1:5060 SIP/2.0\r\n\
v: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK776asdhds;rport\r\n\
Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKproxy, SIP/2.0/UDP 10.0.0.2\r\n\
f: \"Alice, A\" <sip:+254700000001@example.com>;tag=1928301774\r\n\
t: <sip:+254711000000@example.com>\r\n\
i: a84b4c76e66710@pc33\r\n\
CSeq: 314159 INVITE\r\n\
Subject: a folded\r\n  header\r\n\
Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n\
m: <sip:alice@127.0.0.1:5070>\r\n\
c: application/sdp\r\n\
l: 4\r\n\
\r\n\
v=0\r\n";

#[test]
fn a_request_with_compact_and_folded_headers() {
    let m = Message::parse(INVITE.as_bytes()).unwrap();
    assert_eq!(m.method(), Some("INVITE"));
    assert_eq!(m.call_id(), Some("a84b4c76e66710@pc33"));
    assert_eq!(m.cseq(), Some((314_159, "INVITE")));
    assert_eq!(m.from_tag(), Some("1928301774"));
    assert_eq!(m.to_tag(), None);
    assert_eq!(m.header("subject"), Some("a folded header"));
    assert_eq!(m.header_values("Via").len(), 3);
    assert_eq!(
        m.header_values("Record-Route"),
        vec!["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"]
    );
    let via = m.top_via().unwrap();
    assert_eq!(via.branch.as_deref(), Some("z9hG4bK776asdhds"));
    assert!(via.rport);
    assert_eq!(via.sent_by, "127.0.0.1:5070");
    // Content-Length says 4: the rest of the datagram is not the body.
    assert_eq!(m.body, b"v=0\r");
    assert_eq!(uri_user(uri_of(m.header("From").unwrap())), "+254700000001");
}

#[test]
fn responses_copy_the_request_and_tag_the_to() {
    let m = Message::parse(INVITE.as_bytes()).unwrap();
    let r = response(&m, 200, "OK", Some("abc"));
    let bytes = r.with_body("application/sdp", b"v=0\r\n".to_vec()).to_bytes();
    let back = Message::parse(&bytes).unwrap();
    assert_eq!(back.status(), Some(200));
    assert_eq!(back.to_tag(), Some("abc"));
    assert_eq!(back.header_values("Via").len(), 3);
    assert_eq!(back.cseq(), Some((314_159, "INVITE")));
    assert_eq!(back.body, b"v=0\r\n");
    // 100 Trying carries no tag.
    let trying = Message::parse(&response(&m, 100, "Trying", Some("abc")).to_bytes()).unwrap();
    assert_eq!(trying.to_tag(), None);
}

#[test]
fn garbage_is_not_a_message() {
    for bad in [
        &b""[..],
        b"\r\n\r\n",
        b"hello",
        b"INVITE sip:x SIP/3.0\r\n\r\n",
        b"INVITE  SIP/2.0\r\n\r\n",
        b"SIP/2.0 999 Nope\r\n\r\n",
        b"SIP/2.0 abc OK\r\n\r\n",
        b"OPTIONS sip:x SIP/2.0\r\nno colon here\r\n\r\n",
        b"OPTIONS sip:x SIP/2.0\r\nContent-Length: 99\r\n\r\nshort",
        b"OPTIONS sip:x SIP/2.0\r\nContent-Length: -1\r\n\r\n",
        b"OPTIONS sip:x SIP/2.0\r\n folded first\r\n\r\n",
        b"\xff\xfe\x00garbage",
    ] {
        assert!(Message::parse(bad).is_none(), "{:?}", String::from_utf8_lossy(bad));
    }
    let mut many = String::from("OPTIONS sip:x SIP/2.0\r\n");
    for i in 0..200 {
        many.push_str(&format!("X-{i}: y\r\n"));
    }
    assert!(Message::parse(many.as_bytes()).is_none(), "too many headers");
}

#[test]
fn uris() {
    assert_eq!(uri_user("sip:+254711@10.0.0.1:5060;user=phone"), "+254711");
    assert_eq!(uri_user("tel:+254711;phone-context=x"), "+254711");
    assert_eq!(uri_user("sip:10.0.0.1"), "");
    assert_eq!(
        uri_addr("sip:bob@10.0.0.1:5070;transport=udp"),
        "10.0.0.1:5070".parse().ok()
    );
    assert_eq!(uri_addr("sip:bob@10.0.0.1"), "10.0.0.1:5060".parse().ok());
    assert_eq!(uri_addr("sip:bob@[::1]:5070"), "[::1]:5070".parse().ok());
    assert_eq!(uri_addr("sip:bob@example.com"), None);
    assert_eq!(param("<sip:a;tag=no>;tag=yes", "tag"), Some("yes"));
    assert_eq!(
        split_top_level("\"a, b\" <sip:x>, <sip:y,z>"),
        vec!["\"a, b\" <sip:x>", "<sip:y,z>"]
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
        let _ = Message::parse(&data);
    }

    #[test]
    fn mutated_requests_never_panic(cut in 0usize..600, flip in 0usize..600, byte in proptest::prelude::any::<u8>()) {
        let mut data = INVITE.as_bytes().to_vec();
        if let Some(b) = data.get_mut(flip) {
            *b = byte;
        }
        data.truncate(cut);
        if let Some(m) = Message::parse(&data) {
            let _ = (m.top_via(), m.cseq(), m.from_tag(), m.header_values("Via"));
            let _ = response(&m, 200, "OK", Some("t")).to_bytes();
        }
    }
}
