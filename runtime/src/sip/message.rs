//! SIP messages (RFC 3261 §7): parsing untrusted datagrams and writing
//! requests and responses.
//!
//! Every datagram is untrusted. Parsing never panics and never allocates in
//! proportion to a length the sender claims: it works on the bytes that
//! arrived, refuses anything over [`MAX_MESSAGE`] bytes or [`MAX_HEADERS`]
//! headers, and returns `None` (the caller drops the datagram) or a request
//! the endpoint can answer with 400.

use std::fmt::Write as _;

/// The largest datagram read (a UDP payload can be at most this).
pub const MAX_MESSAGE: usize = 65_535;
/// Headers in one message; a real INVITE has 10–20.
pub const MAX_HEADERS: usize = 128;

/// A parsed message: a request or a response, with its headers in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub start: StartLine,
    /// `(name, value)` with compact names expanded (`i` → `Call-ID`);
    /// comma-separated values stay as one header.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartLine {
    Request { method: String, uri: String },
    Response { code: u16, reason: String },
}

/// Expand a compact header name (RFC 3261 §7.3.3) and canonicalise the
/// case of the ones the endpoint reads.
fn canonical_name(name: &str) -> String {
    let long = match name.to_ascii_lowercase().as_str() {
        "v" | "via" => "Via",
        "f" | "from" => "From",
        "t" | "to" => "To",
        "i" | "call-id" => "Call-ID",
        "m" | "contact" => "Contact",
        "l" | "content-length" => "Content-Length",
        "c" | "content-type" => "Content-Type",
        "k" | "supported" => "Supported",
        "cseq" => "CSeq",
        "max-forwards" => "Max-Forwards",
        "record-route" => "Record-Route",
        "route" => "Route",
        _ => return name.to_string(),
    };
    long.to_string()
}

/// Is this a token (RFC 3261 §25.1), as methods are?
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b))
}

impl Message {
    /// Parse one datagram. `None` for anything that is not a SIP message
    /// (the caller drops it silently: garbage gets no answer).
    pub fn parse(data: &[u8]) -> Option<Message> {
        if data.len() > MAX_MESSAGE {
            return None;
        }
        // Keep-alives (CRLF pings) and leading blank lines.
        let start = data.iter().position(|b| *b != b'\r' && *b != b'\n')?;
        let data = data.get(start..)?;
        let head_end = find(data, b"\r\n\r\n").map(|i| (i, i + 4));
        let head_end = head_end.or_else(|| find(data, b"\n\n").map(|i| (i, i + 2)));
        let (head_len, body_start) = head_end.unwrap_or((data.len(), data.len()));
        let head = std::str::from_utf8(data.get(..head_len)?).ok()?;
        let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
        let start = parse_start_line(lines.next()?)?;
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in lines {
            if line.starts_with([' ', '\t']) {
                // A folded continuation of the previous header (§7.3.1).
                let (_, value) = headers.last_mut()?;
                value.push(' ');
                value.push_str(line.trim());
                continue;
            }
            if line.is_empty() {
                continue;
            }
            let (name, value) = line.split_once(':')?;
            let name = name.trim();
            if !is_token(name) || headers.len() >= MAX_HEADERS {
                return None;
            }
            headers.push((canonical_name(name), value.trim().to_string()));
        }
        let rest = data.get(body_start..).unwrap_or(&[]);
        let mut message = Message {
            start,
            headers,
            body: Vec::new(),
        };
        // On UDP a missing Content-Length means "the rest of the datagram";
        // a length longer than what arrived is a broken message.
        let body_len = match message.header("Content-Length") {
            Some(v) => v.trim().parse::<usize>().ok()?,
            None => rest.len(),
        };
        message.body = rest.get(..body_len)?.to_vec();
        Some(message)
    }

    /// The first header of this name (case-insensitive), if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header that may be repeated or comma-separated (Via,
    /// Record-Route), one entry per element, in order.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| split_top_level(v))
            .collect()
    }

    pub fn method(&self) -> Option<&str> {
        match &self.start {
            StartLine::Request { method, .. } => Some(method),
            StartLine::Response { .. } => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match &self.start {
            StartLine::Response { code, .. } => Some(*code),
            StartLine::Request { .. } => None,
        }
    }

    pub fn call_id(&self) -> Option<&str> {
        self.header("Call-ID").filter(|v| !v.is_empty())
    }

    /// CSeq number and method.
    pub fn cseq(&self) -> Option<(u32, &str)> {
        let (number, method) = self.header("CSeq")?.split_once(char::is_whitespace)?;
        Some((number.trim().parse().ok()?, method.trim()))
    }

    /// The topmost Via, parsed.
    pub fn top_via(&self) -> Option<Via> {
        self.header_values("Via").first().and_then(|v| Via::parse(v))
    }

    pub fn from_tag(&self) -> Option<&str> {
        self.header("From").and_then(|v| param(v, "tag"))
    }

    pub fn to_tag(&self) -> Option<&str> {
        self.header("To").and_then(|v| param(v, "tag"))
    }

    /// Write the message as it goes on the wire (Content-Length set from the body).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = String::with_capacity(512);
        match &self.start {
            StartLine::Request { method, uri } => {
                let _ = write!(out, "{method} {uri} SIP/2.0\r\n");
            }
            StartLine::Response { code, reason } => {
                let _ = write!(out, "SIP/2.0 {code} {reason}\r\n");
            }
        }
        for (name, value) in &self.headers {
            if !name.eq_ignore_ascii_case("Content-Length") {
                let _ = write!(out, "{name}: {value}\r\n");
            }
        }
        let _ = write!(out, "Content-Length: {}\r\n\r\n", self.body.len());
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn parse_start_line(line: &str) -> Option<StartLine> {
    if let Some(rest) = line.strip_prefix("SIP/2.0 ") {
        let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
        let code: u16 = code.parse().ok()?;
        if !(100..700).contains(&code) {
            return None;
        }
        return Some(StartLine::Response {
            code,
            reason: reason.to_string(),
        });
    }
    let mut parts = line.split(' ');
    let method = parts.next()?;
    let uri = parts.next()?;
    let version = parts.next()?;
    if parts.next().is_some() || version != "SIP/2.0" || !is_token(method) || uri.is_empty() {
        return None;
    }
    Some(StartLine::Request {
        method: method.to_string(),
        uri: uri.to_string(),
    })
}

/// Split a header value at commas that are not inside `<…>` or quotes.
pub fn split_top_level(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quoted, mut start) = (0u32, false, 0usize);
    for (i, c) in value.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '<' if !quoted => depth += 1,
            '>' if !quoted => depth = depth.saturating_sub(1),
            ',' if !quoted && depth == 0 => {
                out.push(value[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(value[start..].trim());
    out.retain(|v| !v.is_empty());
    out
}

/// A `;name=value` parameter of a header value, outside `<…>` (so a URI
/// parameter inside the brackets is not taken for a header parameter).
pub fn param<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    let params = match value.rfind('>') {
        Some(i) => value.get(i + 1..)?,
        None => value,
    };
    params.split(';').skip(1).find_map(|p| {
        let (n, v) = p.split_once('=').unwrap_or((p, ""));
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// The URI of a name-addr or addr-spec (`"Bob" <sip:bob@x>;tag=1` → `sip:bob@x`).
pub fn uri_of(value: &str) -> &str {
    match (value.find('<'), value.find('>')) {
        (Some(open), Some(close)) if open < close => value.get(open + 1..close).unwrap_or(""),
        _ => value.split(';').next().unwrap_or("").trim(),
    }
}

/// The user part of a SIP URI (`sip:+254711@host` → `+254711`), for the
/// flow's `caller` and `called`.
pub fn uri_user(uri: &str) -> &str {
    let rest = uri
        .strip_prefix("sips:")
        .or_else(|| uri.strip_prefix("sip:"))
        .or_else(|| uri.strip_prefix("tel:"))
        .unwrap_or(uri);
    let rest = rest.split([';', '?']).next().unwrap_or("");
    match rest.split_once('@') {
        Some((user, _)) => user.split(':').next().unwrap_or(""),
        None if uri.starts_with("tel:") => rest,
        None => "",
    }
}

/// The host and port of a SIP URI, when the host is an IP address (the
/// runtime does no DNS: a name gives `None`).
pub fn uri_addr(uri: &str) -> Option<std::net::SocketAddr> {
    let rest = uri.strip_prefix("sip:").or_else(|| uri.strip_prefix("sips:"))?;
    let rest = rest.split([';', '?']).next()?;
    let hostport = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    host_port(hostport, 5060)
}

/// `1.2.3.4:5060`, `1.2.3.4`, `[::1]:5070` → an address.
pub fn host_port(text: &str, default_port: u16) -> Option<std::net::SocketAddr> {
    use std::net::{IpAddr, SocketAddr};
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Some(addr);
    }
    let ip_text = text.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = ip_text.parse::<IpAddr>() {
        return Some(SocketAddr::new(ip, default_port));
    }
    let (host, port) = text.rsplit_once(':')?;
    let ip: IpAddr = host.trim_start_matches('[').trim_end_matches(']').parse().ok()?;
    Some(SocketAddr::new(ip, port.parse().ok()?))
}

/// One Via element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Via {
    pub transport: String,
    /// `host[:port]` as sent.
    pub sent_by: String,
    pub branch: Option<String>,
    /// `;rport` present (RFC 3581): answer to the source port.
    pub rport: bool,
}

impl Via {
    pub fn parse(value: &str) -> Option<Via> {
        let (protocol, rest) = value.trim().split_once(char::is_whitespace)?;
        let transport = protocol.rsplit('/').next()?.to_ascii_uppercase();
        let mut parts = rest.trim().split(';');
        let sent_by = parts.next()?.trim().to_string();
        let mut via = Via {
            transport,
            sent_by,
            branch: None,
            rport: false,
        };
        for p in parts {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            match n.trim().to_ascii_lowercase().as_str() {
                "branch" => via.branch = Some(v.trim().to_string()),
                "rport" => via.rport = true,
                _ => {}
            }
        }
        Some(via)
    }
}

/// Start a request.
pub fn request(method: &str, uri: &str) -> Message {
    Message {
        start: StartLine::Request {
            method: method.to_string(),
            uri: uri.to_string(),
        },
        headers: Vec::new(),
        body: Vec::new(),
    }
}

/// A response to `req` (RFC 3261 §8.2.6): its Via, From, To, Call-ID and
/// CSeq copied; `to_tag` added to To when it has none (not for 100).
pub fn response(req: &Message, code: u16, reason: &str, to_tag: Option<&str>) -> Message {
    let mut headers = Vec::with_capacity(8);
    for (name, value) in &req.headers {
        if name == "Via" {
            headers.push((name.clone(), value.clone()));
        }
    }
    for name in ["From", "To", "Call-ID", "CSeq"] {
        if let Some(value) = req.header(name) {
            let mut value = value.to_string();
            if name == "To"
                && code > 100
                && let Some(tag) = to_tag
                && param(&value, "tag").is_none()
            {
                value.push_str(";tag=");
                value.push_str(tag);
            }
            headers.push((name.to_string(), value));
        }
    }
    Message {
        start: StartLine::Response {
            code,
            reason: reason.to_string(),
        },
        headers,
        body: Vec::new(),
    }
}

impl Message {
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Message {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    pub fn with_body(mut self, content_type: &str, body: Vec<u8>) -> Message {
        self.headers
            .push(("Content-Type".to_string(), content_type.to_string()));
        self.body = body;
        self
    }
}

#[cfg(test)]
mod tests;
