//! SDP offer/answer for one audio stream (RFC 3264, RFC 4566): G.711
//! (PCMU, PCMA) and RFC 4733 telephone-event, and the direction attributes
//! that put a call on hold.
//!
//! Only what an IVR needs: the first `m=audio` line with a usable codec is
//! answered, every other media line is refused with port 0, as RFC 3264
//! §6 says. The telephone-event payload type is whatever the offer says
//! (`a=rtpmap:N telephone-event/8000`): it is never assumed to be 101.

use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};

/// The audio codecs the runtime speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codec {
    Pcmu,
    Pcma,
}

impl Codec {
    pub fn name(self) -> &'static str {
        match self {
            Codec::Pcmu => "PCMU",
            Codec::Pcma => "PCMA",
        }
    }
}

/// Who sends (RFC 3264 §5.1), from the offerer's side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

impl Direction {
    fn attribute(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }

    /// Our direction in the answer to an offer with this one.
    fn answer(self) -> Direction {
        match self {
            Direction::SendRecv => Direction::SendRecv,
            Direction::SendOnly => Direction::RecvOnly,
            Direction::RecvOnly => Direction::SendOnly,
            Direction::Inactive => Direction::Inactive,
        }
    }
}

/// One `m=` line of an offer.
#[derive(Clone, Debug, PartialEq, Eq)]
struct MediaLine {
    kind: String,
    port: u16,
    proto: String,
    formats: Vec<String>,
    /// `(payload type, encoding name, clock rate)` from `a=rtpmap`.
    rtpmaps: Vec<(u8, String, u32)>,
    direction: Option<Direction>,
    connection: Option<IpAddr>,
    ptime: Option<u32>,
}

/// What an offer asks for, as far as the runtime cares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    session_connection: Option<IpAddr>,
    session_direction: Option<Direction>,
    media: Vec<MediaLine>,
}

/// The outcome of negotiating an offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Negotiated {
    pub codec: Codec,
    pub codec_pt: u8,
    /// The telephone-event payload type the caller offered, if any.
    pub dtmf_pt: Option<u8>,
    /// Where to send RTP (`None`: the caller asked for no media now, e.g.
    /// `c=0.0.0.0` hold or port 0).
    pub remote: Option<SocketAddr>,
    /// May we send audio? (false for a caller on hold: sendonly/inactive)
    pub we_send: bool,
    /// The index of the answered `m=` line.
    media_index: usize,
    direction: Direction,
}

/// The most lines and attributes an offer may have: a real one has a dozen.
const MAX_LINES: usize = 256;

impl Offer {
    /// Parse an SDP body. `None` when it is not SDP at all.
    pub fn parse(body: &[u8]) -> Option<Offer> {
        let text = std::str::from_utf8(body).ok()?;
        let mut offer = Offer {
            session_connection: None,
            session_direction: None,
            media: Vec::new(),
        };
        let mut saw_version = false;
        for (n, line) in text.lines().enumerate() {
            if n >= MAX_LINES {
                return None;
            }
            let line = line.trim_end();
            let Some((kind, value)) = line.split_once('=') else {
                continue;
            };
            match (kind, offer.media.last_mut()) {
                ("v", _) => saw_version = value.trim() == "0",
                ("c", None) => offer.session_connection = parse_connection(value),
                ("c", Some(m)) => m.connection = parse_connection(value),
                ("m", _) => offer.media.push(parse_media(value)?),
                ("a", m) => {
                    let direction = match value {
                        "sendrecv" => Some(Direction::SendRecv),
                        "sendonly" => Some(Direction::SendOnly),
                        "recvonly" => Some(Direction::RecvOnly),
                        "inactive" => Some(Direction::Inactive),
                        _ => None,
                    };
                    match (direction, m) {
                        (Some(d), None) => offer.session_direction = Some(d),
                        (Some(d), Some(m)) => m.direction = Some(d),
                        (None, Some(m)) => parse_media_attribute(m, value),
                        (None, None) => {}
                    }
                }
                _ => {}
            }
        }
        saw_version.then_some(offer)
    }

    /// Choose a codec: the caller's first of PCMU and PCMA on the first
    /// audio line that has one. `None`: nothing in common (488).
    pub fn negotiate(&self) -> Option<Negotiated> {
        self.media.iter().enumerate().find_map(|(index, m)| {
            if m.kind != "audio" || m.port == 0 || !m.proto.starts_with("RTP/AVP") {
                return None;
            }
            let (codec, codec_pt) = m.formats.iter().find_map(|f| {
                let pt: u8 = f.parse().ok()?;
                codec_of(m, pt).map(|c| (c, pt))
            })?;
            let dtmf_pt = m.formats.iter().find_map(|f| {
                let pt: u8 = f.parse().ok()?;
                m.rtpmaps
                    .iter()
                    .any(|(p, name, rate)| *p == pt && name.eq_ignore_ascii_case("telephone-event") && *rate == 8000)
                    .then_some(pt)
            });
            let direction = m.direction.or(self.session_direction).unwrap_or(Direction::SendRecv);
            let ip = m.connection.or(self.session_connection);
            let remote = ip
                .filter(|ip| !ip.is_unspecified())
                .map(|ip| SocketAddr::new(ip, m.port));
            let we_send = remote.is_some() && matches!(direction, Direction::SendRecv | Direction::RecvOnly);
            Some(Negotiated {
                codec,
                codec_pt,
                dtmf_pt,
                remote,
                we_send,
                media_index: index,
                direction,
            })
        })
    }

    /// The answer: our address and port on the chosen line, port 0 on the
    /// others. `version` is the o= line's session version (it goes up with
    /// every changed answer in the dialog).
    pub fn answer(&self, chosen: &Negotiated, local: SocketAddr, session_id: u64, version: u64) -> Vec<u8> {
        let mut out = session_header(local.ip(), session_id, version);
        for (index, m) in self.media.iter().enumerate() {
            if index == chosen.media_index {
                audio_lines(
                    &mut out,
                    local.port(),
                    &[(chosen.codec_pt, chosen.codec)],
                    chosen.dtmf_pt,
                    chosen.direction.answer(),
                );
            } else {
                let _ = write!(out, "m={} 0 {} {}\r\n", m.kind, m.proto, m.formats.join(" "));
            }
        }
        out.into_bytes()
    }
}

/// Our own offer, for an INVITE that came without one (the answer comes in
/// the ACK): both codecs and telephone-event on payload type 101.
pub fn offer(local: SocketAddr, session_id: u64, version: u64) -> Vec<u8> {
    let mut out = session_header(local.ip(), session_id, version);
    audio_lines(
        &mut out,
        local.port(),
        &[(0, Codec::Pcmu), (8, Codec::Pcma)],
        Some(OUR_DTMF_PT),
        Direction::SendRecv,
    );
    out.into_bytes()
}

/// The telephone-event payload type in offers we make (the answer may not
/// change it, RFC 3264 §6.1).
pub const OUR_DTMF_PT: u8 = 101;

fn session_header(ip: IpAddr, session_id: u64, version: u64) -> String {
    let family = if ip.is_ipv6() { "IP6" } else { "IP4" };
    format!(
        "v=0\r\no=callflow {session_id} {version} IN {family} {ip}\r\ns=callflow\r\nc=IN {family} {ip}\r\nt=0 0\r\n"
    )
}

fn audio_lines(out: &mut String, port: u16, codecs: &[(u8, Codec)], dtmf: Option<u8>, direction: Direction) {
    let mut formats: Vec<String> = codecs.iter().map(|(pt, _)| pt.to_string()).collect();
    formats.extend(dtmf.map(|pt| pt.to_string()));
    let _ = write!(out, "m=audio {port} RTP/AVP {}\r\n", formats.join(" "));
    for (pt, codec) in codecs {
        let _ = write!(out, "a=rtpmap:{pt} {}/8000\r\n", codec.name());
    }
    if let Some(pt) = dtmf {
        let _ = write!(out, "a=rtpmap:{pt} telephone-event/8000\r\na=fmtp:{pt} 0-16\r\n");
    }
    let _ = write!(out, "a=ptime:20\r\na={}\r\n", direction.attribute());
}

/// The codec of payload type `pt` on this line: by its rtpmap, else by the
/// static assignment (RFC 3551: 0 PCMU, 8 PCMA).
fn codec_of(m: &MediaLine, pt: u8) -> Option<Codec> {
    let by_name = |name: &str, rate: u32| match (name.to_ascii_uppercase().as_str(), rate) {
        ("PCMU", 8000) => Some(Codec::Pcmu),
        ("PCMA", 8000) => Some(Codec::Pcma),
        _ => None,
    };
    match m.rtpmaps.iter().find(|(p, _, _)| *p == pt) {
        Some((_, name, rate)) => by_name(name, *rate),
        None => match pt {
            0 => Some(Codec::Pcmu),
            8 => Some(Codec::Pcma),
            _ => None,
        },
    }
}

fn parse_connection(value: &str) -> Option<IpAddr> {
    let mut parts = value.split_whitespace();
    let (_net, _family, addr) = (parts.next()?, parts.next()?, parts.next()?);
    // Multicast TTL suffixes (`/127`) are not for us; take the address part.
    addr.split('/').next()?.parse().ok()
}

fn parse_media(value: &str) -> Option<MediaLine> {
    let mut parts = value.split_whitespace();
    let kind = parts.next()?.to_string();
    let port = parts.next()?.split('/').next()?.parse().ok()?;
    let proto = parts.next()?.to_string();
    let formats: Vec<String> = parts.take(64).map(str::to_string).collect();
    Some(MediaLine {
        kind,
        port,
        proto,
        formats,
        rtpmaps: Vec::new(),
        direction: None,
        connection: None,
        ptime: None,
    })
}

fn parse_media_attribute(m: &mut MediaLine, value: &str) {
    if let Some(rest) = value.strip_prefix("rtpmap:") {
        let mut parts = rest.split_whitespace();
        let (Some(pt), Some(encoding)) = (parts.next(), parts.next()) else {
            return;
        };
        let mut enc = encoding.split('/');
        let (Some(name), Some(rate)) = (enc.next(), enc.next()) else {
            return;
        };
        if let (Ok(pt), Ok(rate)) = (pt.parse::<u8>(), rate.parse::<u32>())
            && m.rtpmaps.len() < 64
        {
            m.rtpmaps.push((pt, name.to_string(), rate));
        }
    } else if let Some(rest) = value.strip_prefix("ptime:") {
        m.ptime = rest.trim().parse().ok();
    }
}

#[cfg(test)]
mod tests;
