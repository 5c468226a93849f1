//! A small SIP phone for the tests that look at what SIPp cannot: the RTP
//! the server sends (count, pacing, headers), hold by re-INVITE, and
//! hostile datagrams. It speaks just enough SIP for that.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

pub struct Phone {
    pub sip: UdpSocket,
    pub rtp: UdpSocket,
    pub rtcp: UdpSocket,
    server: SocketAddr,
    call_id: String,
    cseq: u32,
    /// The server's To tag, once answered.
    pub tag: Option<String>,
    /// Where the server's RTP comes from (its SDP).
    pub server_media: Option<SocketAddr>,
    pub answer: String,
}

/// One RTP packet as received.
#[derive(Clone, Debug)]
pub struct Packet {
    pub at: Instant,
    pub pt: u8,
    pub marker: bool,
    pub seq: u16,
    pub ts: u32,
    pub ssrc: u32,
    pub len: usize,
}

pub fn parse_rtp(data: &[u8], at: Instant) -> Option<Packet> {
    if data.len() < 12 || data[0] >> 6 != 2 {
        return None;
    }
    Some(Packet {
        at,
        pt: data[1] & 0x7f,
        marker: data[1] & 0x80 != 0,
        seq: u16::from_be_bytes([data[2], data[3]]),
        ts: u32::from_be_bytes([data[4], data[5], data[6], data[7]]),
        ssrc: u32::from_be_bytes([data[8], data[9], data[10], data[11]]),
        len: data.len() - 12,
    })
}

impl Phone {
    pub fn new(server: SocketAddr) -> Phone {
        // An even RTP port with the odd one free above it.
        let (rtp, rtcp) = loop {
            let rtp = UdpSocket::bind("127.0.0.1:0").unwrap();
            let port = rtp.local_addr().unwrap().port();
            if port.is_multiple_of(2)
                && let Ok(rtcp) = UdpSocket::bind(("127.0.0.1", port + 1))
            {
                break (rtp, rtcp);
            }
        };
        let sip = UdpSocket::bind("127.0.0.1:0").unwrap();
        sip.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        rtp.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        rtcp.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        let call_id = format!("phone-{}-{}", std::process::id(), sip.local_addr().unwrap().port());
        Phone {
            sip,
            rtp,
            rtcp,
            server,
            call_id,
            cseq: 0,
            tag: None,
            server_media: None,
            answer: String::new(),
        }
    }

    pub fn sdp(&self, direction: &str) -> String {
        let port = self.rtp.local_addr().unwrap().port();
        format!(
            "v=0\r\no=phone 1 {} IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {port} RTP/AVP 0 96\r\na=rtpmap:96 telephone-event/8000\r\na={direction}\r\n",
            self.cseq
        )
    }

    pub fn request(&mut self, method: &str, body: &str, new_cseq: bool) -> String {
        if new_cseq {
            self.cseq += 1;
        }
        let local = self.sip.local_addr().unwrap();
        let to_tag = self.tag.as_ref().map(|t| format!(";tag={t}")).unwrap_or_default();
        let cseq_method = method;
        let content = if body.is_empty() {
            String::new()
        } else {
            "Content-Type: application/sdp\r\n".to_string()
        };
        let branch = format!("z9hG4bK{}{}{}", method.to_lowercase(), self.cseq, std::process::id());
        format!(
            "{method} sip:ivr@{} SIP/2.0\r\nVia: SIP/2.0/UDP {local};branch={branch};rport\r\nFrom: <sip:+254700000009@127.0.0.1>;tag=phone\r\nTo: <sip:+254711000000@127.0.0.1>{to_tag}\r\nCall-ID: {}\r\nCSeq: {} {cseq_method}\r\nContact: <sip:phone@{local}>\r\nMax-Forwards: 70\r\n{content}Content-Length: {}\r\n\r\n{body}",
            self.server,
            self.call_id,
            self.cseq,
            body.len()
        )
    }

    pub fn send(&self, text: &str) {
        self.sip.send_to(text.as_bytes(), self.server).unwrap();
    }

    /// The next response (or request) from the server, within `timeout`.
    pub fn receive(&self, timeout: Duration) -> Option<String> {
        let until = Instant::now() + timeout;
        let mut buf = [0u8; 4096];
        while Instant::now() < until {
            if let Ok((n, _)) = self.sip.recv_from(&mut buf) {
                return Some(String::from_utf8_lossy(&buf[..n]).into_owned());
            }
        }
        None
    }

    /// Wait for the final response to our last request (by its CSeq: a
    /// broken request someone else sent in our name may get answers too);
    /// returns its status and text.
    pub fn final_response(&self, timeout: Duration) -> (u16, String) {
        let until = Instant::now() + timeout;
        let ours = format!("{} ", self.cseq);
        while Instant::now() < until {
            let Some(m) = self.receive(until - Instant::now()) else {
                break;
            };
            let code: u16 = m.get(8..11).and_then(|c| c.parse().ok()).unwrap_or(0);
            let cseq_ok = header(&m, "CSeq").is_some_and(|c| c.starts_with(&ours) && !c.ends_with("ACK"));
            let call_ok = header(&m, "Call-ID") == Some(self.call_id.as_str());
            if m.starts_with("SIP/2.0 ") && code >= 200 && cseq_ok && call_ok {
                return (code, m);
            }
        }
        panic!("no final response");
    }

    /// INVITE, wait for 200, ACK.
    pub fn call(&mut self) -> String {
        let invite = self.request("INVITE", &self.sdp("sendrecv"), true);
        self.send(&invite);
        let (code, ok) = self.final_response(Duration::from_secs(10));
        assert_eq!(code, 200, "{ok}");
        self.tag = header(&ok, "To")
            .and_then(|t| t.split(";tag=").nth(1))
            .map(|t| t.trim().to_string());
        let body = ok.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
        let ip = body
            .lines()
            .find_map(|l| l.strip_prefix("c=IN IP4 "))
            .unwrap_or("127.0.0.1")
            .trim()
            .to_string();
        let port = body
            .lines()
            .find_map(|l| l.strip_prefix("m=audio "))
            .and_then(|l| l.split(' ').next())
            .and_then(|p| p.parse::<u16>().ok())
            .unwrap_or(0);
        self.server_media = format!("{ip}:{port}").parse().ok();
        self.answer = body.clone();
        let ack = self.request("ACK", "", false);
        self.send(&ack);
        ok
    }

    /// A re-INVITE with the given direction, answered and ACKed.
    pub fn reinvite(&mut self, direction: &str) -> String {
        let sdp = self.sdp(direction);
        let invite = self.request("INVITE", &sdp, true);
        self.send(&invite);
        let (code, ok) = self.final_response(Duration::from_secs(5));
        assert_eq!(code, 200, "{ok}");
        let ack = self.request("ACK", "", false);
        self.send(&ack);
        ok
    }

    pub fn hang_up(&mut self) -> u16 {
        let bye = self.request("BYE", "", true);
        self.send(&bye);
        self.final_response(Duration::from_secs(5)).0
    }

    /// RTP received for `duration`.
    pub fn listen(&self, duration: Duration) -> Vec<Packet> {
        let until = Instant::now() + duration;
        let mut buf = [0u8; 2048];
        let mut packets = Vec::new();
        while Instant::now() < until {
            if let Ok((n, _)) = self.rtp.recv_from(&mut buf)
                && let Some(p) = parse_rtp(&buf[..n], Instant::now())
            {
                packets.push(p);
            }
        }
        packets
    }

    /// Wait for a BYE from the server and answer it.
    pub fn expect_bye(&self, timeout: Duration) -> bool {
        let until = Instant::now() + timeout;
        while Instant::now() < until {
            let Some(m) = self.receive(until - Instant::now()) else {
                return false;
            };
            if m.starts_with("BYE ") {
                let mut ok = String::from("SIP/2.0 200 OK\r\n");
                for name in ["Via", "From", "To", "Call-ID", "CSeq"] {
                    if let Some(v) = header(&m, name) {
                        ok.push_str(&format!("{name}: {v}\r\n"));
                    }
                }
                ok.push_str("Content-Length: 0\r\n\r\n");
                self.send(&ok);
                return true;
            }
        }
        false
    }
}

pub fn header<'a>(message: &'a str, name: &str) -> Option<&'a str> {
    message.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}
