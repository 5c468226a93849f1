//! `callflow.toml`: how the SIP host is set up (docs/sip.md, "Configuration").
//!
//! Every key is optional; unknown keys are refused (a misspelt `alow` must
//! not silently open the server to everyone). Durations are written like the
//! flow language writes them (`500ms`, `30s`, `10m`, `1h`).

use serde::Deserialize;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The file as written.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct ConfigFile {
    /// Source addresses allowed to place calls (`127.0.0.1`, `10.0.0.0/8`,
    /// `::1`); others get 403. Default: loopback only.
    pub allow: Option<Vec<String>>,
    pub max_calls: Option<usize>,
    pub max_call_duration: Option<String>,
    pub rtp_ports: Option<String>,
    /// Ring this long (180 Ringing) before answering.
    pub answer_after: Option<String>,
    /// The address written into SDP (default: the one the caller reached).
    pub media_address: Option<String>,
    pub recordings_dir: Option<PathBuf>,
    pub prompt_cache_dir: Option<PathBuf>,
    /// Where relative `play` paths are looked up (default: the flow's directory).
    pub audio_dir: Option<PathBuf>,
    /// `-` for stdout, else a file (appended to).
    pub call_log: Option<String>,
    /// The espeak-ng program.
    pub espeak: Option<String>,
    /// The espeak-ng voice for `say` without a language (default `en-us`).
    pub voice: Option<String>,
    /// Log every SIP message (to stderr).
    pub sip_trace: Option<bool>,
    /// Threads that run calls (default 1: one core).
    pub threads: Option<usize>,
    /// Ask for real-time priority for the thread that sends RTP (default
    /// true; without the right to, the server says so and goes on).
    pub media_realtime: Option<bool>,
    /// Write a `stats` line for the last interval this often (default:
    /// never; SIGUSR1 asks for one at any time).
    pub stats_interval: Option<String>,
}

/// A CIDR block (`10.0.0.0/8`; a bare address is a /32 or /128).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    pub net: IpAddr,
    pub bits: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let (addr, bits) = match text.trim().split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (text.trim(), None),
        };
        let net: IpAddr = addr
            .parse()
            .map_err(|_| format!("`{text}` is not an IP address or CIDR block"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let bits = match bits {
            None => max,
            Some(b) => b
                .parse::<u8>()
                .ok()
                .filter(|b| *b <= max)
                .ok_or_else(|| format!("`{text}`: the prefix length must be 0–{max}"))?,
        };
        Ok(Cidr { net, bits })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        // An IPv4 peer on a dual-stack socket arrives as ::ffff:a.b.c.d.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.net, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.bits)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.bits)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The settings in force (the file's, or the defaults), checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub allow: Vec<Cidr>,
    pub max_calls: usize,
    pub max_call_duration: Duration,
    pub rtp_ports: (u16, u16),
    pub answer_after: Duration,
    pub media_address: Option<IpAddr>,
    pub recordings_dir: PathBuf,
    pub prompt_cache_dir: PathBuf,
    pub audio_dir: Option<PathBuf>,
    pub call_log: String,
    pub espeak: String,
    pub voice: String,
    pub sip_trace: bool,
    pub threads: usize,
    pub media_realtime: bool,
    pub stats_interval: Option<Duration>,
}

pub const DEFAULT_MAX_CALLS: usize = 1_000;
pub const DEFAULT_MAX_CALL_DURATION: Duration = Duration::from_secs(3_600);
pub const DEFAULT_RTP_PORTS: (u16, u16) = (20_000, 29_999);

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            allow: vec![
                Cidr {
                    net: IpAddr::from([127, 0, 0, 0]),
                    bits: 8,
                },
                Cidr {
                    net: IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1]),
                    bits: 128,
                },
            ],
            max_calls: DEFAULT_MAX_CALLS,
            max_call_duration: DEFAULT_MAX_CALL_DURATION,
            rtp_ports: DEFAULT_RTP_PORTS,
            answer_after: Duration::ZERO,
            media_address: None,
            recordings_dir: PathBuf::from("recordings"),
            prompt_cache_dir: PathBuf::from(".callflow-cache/prompts"),
            audio_dir: None,
            call_log: "-".to_string(),
            espeak: "espeak-ng".to_string(),
            voice: "en-us".to_string(),
            sip_trace: false,
            threads: 1,
            media_realtime: true,
            stats_interval: None,
        }
    }
}

impl Settings {
    /// Parse and check a `callflow.toml`. Relative directories are taken
    /// relative to `base` (the config file's directory).
    pub fn from_toml(text: &str, base: &std::path::Path) -> Result<Settings, String> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| e.to_string())?;
        Settings::from_file(file, base)
    }

    pub fn from_file(file: ConfigFile, base: &std::path::Path) -> Result<Settings, String> {
        let mut s = Settings::default();
        if let Some(allow) = file.allow {
            s.allow = allow.iter().map(|a| Cidr::parse(a)).collect::<Result<_, _>>()?;
        }
        if let Some(n) = file.max_calls {
            if n == 0 {
                return Err("`max_calls` 0 would refuse every call".to_string());
            }
            s.max_calls = n;
        }
        if let Some(d) = file.max_call_duration {
            s.max_call_duration = parse_duration(&d).map_err(|e| format!("`max_call_duration`: {e}"))?;
        }
        if let Some(ports) = file.rtp_ports {
            s.rtp_ports = parse_port_range(&ports).map_err(|e| format!("`rtp_ports`: {e}"))?;
        }
        if let Some(d) = file.answer_after {
            s.answer_after = parse_duration_or_zero(&d).map_err(|e| format!("`answer_after`: {e}"))?;
        }
        if let Some(a) = file.media_address {
            s.media_address = Some(
                a.parse()
                    .map_err(|_| format!("`media_address`: `{a}` is not an IP address"))?,
            );
        }
        let rel = |p: PathBuf| if p.is_absolute() { p } else { base.join(p) };
        if let Some(d) = file.recordings_dir {
            s.recordings_dir = rel(d);
        }
        if let Some(d) = file.prompt_cache_dir {
            s.prompt_cache_dir = rel(d);
        }
        s.audio_dir = file.audio_dir.map(rel);
        if let Some(log) = file.call_log {
            s.call_log = if log == "-" {
                log
            } else {
                rel(PathBuf::from(log)).to_string_lossy().into_owned()
            };
        }
        if let Some(e) = file.espeak {
            s.espeak = e;
        }
        if let Some(v) = file.voice {
            s.voice = v;
        }
        s.sip_trace = file.sip_trace.unwrap_or(false);
        s.media_realtime = file.media_realtime.unwrap_or(true);
        if let Some(d) = file.stats_interval {
            let every = parse_duration(&d).map_err(|e| format!("`stats_interval`: {e}"))?;
            // Each report reads every bucket of the histogram: once a second
            // is plenty, and a typo like `1ms` would flood the log.
            if every < Duration::from_secs(1) {
                return Err(format!("`stats_interval`: `{d}` is shorter than 1s"));
            }
            s.stats_interval = Some(every);
        }
        if let Some(n) = file.threads {
            if !(1..=256).contains(&n) {
                return Err("`threads` must be 1–256".to_string());
            }
            s.threads = n;
        }
        Ok(s)
    }

    pub fn allows(&self, ip: IpAddr) -> bool {
        self.allow.iter().any(|c| c.contains(ip))
    }
}

/// `20000-29999`: an even number of ports at least 2 apart (RTP on even
/// ports, RTCP on the odd one above).
pub fn parse_port_range(text: &str) -> Result<(u16, u16), String> {
    let (lo, hi) = text
        .split_once('-')
        .ok_or_else(|| format!("`{text}` is not a range like 20000-29999"))?;
    let lo: u16 = lo.trim().parse().map_err(|_| format!("`{lo}` is not a port"))?;
    let hi: u16 = hi.trim().parse().map_err(|_| format!("`{hi}` is not a port"))?;
    if lo == 0 || hi <= lo {
        return Err(format!("`{text}`: the range must go up, from 1 to 65535"));
    }
    Ok((lo, hi))
}

/// `500ms`, `30s`, `10m`, `1h` (more than zero).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let d = parse_duration_or_zero(text)?;
    if d.is_zero() {
        return Err("must be longer than 0".to_string());
    }
    Ok(d)
}

fn parse_duration_or_zero(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| format!("`{text}` is not a duration"))?;
    let ms = match unit {
        "ms" => Some(number),
        "s" => number.checked_mul(1_000),
        "m" => number.checked_mul(60_000),
        "h" => number.checked_mul(3_600_000),
        _ => return Err(format!("`{text}`: unknown unit `{unit}` (use ms, s, m or h)")),
    }
    .ok_or("too long")?;
    Ok(Duration::from_millis(ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn cidrs() {
        let c = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(c.contains("10.1.2.3".parse().unwrap()));
        assert!(!c.contains("11.0.0.1".parse().unwrap()));
        assert!(c.contains("::ffff:10.0.0.9".parse().unwrap()));
        let all = Cidr::parse("0.0.0.0/0").unwrap();
        assert!(all.contains("8.8.8.8".parse().unwrap()));
        let one = Cidr::parse("192.168.1.5").unwrap();
        assert!(one.contains("192.168.1.5".parse().unwrap()));
        assert!(!one.contains("192.168.1.6".parse().unwrap()));
        assert!(Cidr::parse("::1").unwrap().contains("::1".parse().unwrap()));
        for bad in ["10.0.0.0/33", "x", "10.0.0.0/", "::/129"] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn defaults_allow_loopback_only() {
        let s = Settings::default();
        assert!(s.allows("127.0.0.1".parse().unwrap()));
        assert!(s.allows("::1".parse().unwrap()));
        assert!(!s.allows("192.0.2.1".parse().unwrap()));
    }

    #[test]
    fn a_full_file() {
        let text = r#"
allow = ["127.0.0.1", "10.0.0.0/8"]
max_calls = 50
max_call_duration = "10m"
rtp_ports = "30000-30099"
answer_after = "2s"
recordings_dir = "rec"
call_log = "calls.jsonl"
voice = "en-gb"
media_realtime = false
stats_interval = "1m"
"#;
        let s = Settings::from_toml(text, Path::new("/etc/cf")).unwrap();
        assert_eq!(s.max_calls, 50);
        assert_eq!(s.max_call_duration, Duration::from_secs(600));
        assert_eq!(s.rtp_ports, (30_000, 30_099));
        assert_eq!(s.answer_after, Duration::from_secs(2));
        assert_eq!(s.recordings_dir, Path::new("/etc/cf/rec"));
        assert_eq!(s.call_log, "/etc/cf/calls.jsonl");
        assert!(!s.media_realtime);
        assert_eq!(s.stats_interval, Some(Duration::from_secs(60)));
        assert_eq!(Settings::default().stats_interval, None, "only on SIGUSR1 unless asked");
        assert!(Settings::default().media_realtime, "asked for unless turned off");
        assert!(s.allows("10.9.9.9".parse().unwrap()));
        assert!(!s.allows("127.0.0.2".parse().unwrap()));
    }

    #[test]
    fn mistakes_are_refused() {
        for bad in [
            "alow = []",
            "max_calls = 0",
            "max_call_duration = \"0s\"",
            "rtp_ports = \"3000\"",
            "allow = [\"nope\"]",
            "answer_after = \"2 days\"",
            "stats_interval = \"0s\"",
            "stats_interval = \"500ms\"",
        ] {
            assert!(Settings::from_toml(bad, Path::new(".")).is_err(), "{bad}");
        }
    }
}
