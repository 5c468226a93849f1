//! How a webhook host is set up: the target, its public URL, limits, and the
//! two things it takes from outside (the time and a place to log).

use callflow_compiler::targets::{DEFAULT_BASE_URL, TargetKind};
use std::sync::Arc;
use std::time::Duration;

/// A call nobody has heard of for this long is released.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// Calls in progress at once; beyond it a new call gets 503.
pub const DEFAULT_MAX_CALLS: usize = 1_000;
/// The largest request body read. Provider callbacks are a few hundred
/// bytes to a few kilobytes.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;
/// The largest recording upload read (Tropo, `App::upload`). Uploads are
/// counted and dropped, never held in memory, so the cap only bounds how
/// long one may take: a 4-hour message (the longest `record` allows) as
/// 16-bit 8 kHz WAV is about 230 MB, a 2-hour stereo call recording the same.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 512 * 1024 * 1024;
/// Open connections at once; more wait in the listen queue.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1_024;

/// The time now, in milliseconds since the Unix epoch (the VM's clock).
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;
/// Where request lines and call faults are written.
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// What the host sends as documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Render {
    /// The target's own documents (XML, 8x8 JSON, Tropo JSON, SVAML).
    Target,
    /// The provider-neutral model as JSON (`outline::outline`), for tests
    /// and for programs that embed the host and render documents themselves.
    Outline,
}

#[derive(Clone)]
pub struct Config {
    pub target: TargetKind,
    /// The public URL the provider reaches this host at; documents name
    /// their callbacks under it (`{base_url}/{document}`).
    pub base_url: String,
    /// The flow that answers calls (`None`: the program's first).
    pub flow: Option<String>,
    pub idle_timeout: Duration,
    pub max_calls: usize,
    pub max_body_bytes: usize,
    pub max_upload_bytes: u64,
    pub max_connections: usize,
    pub render: Render,
    pub clock: Clock,
    pub log: Log,
}

impl Config {
    /// Defaults for `target`: the system clock, log lines on stderr.
    pub fn new(target: TargetKind) -> Config {
        Config {
            target,
            base_url: DEFAULT_BASE_URL.to_string(),
            flow: None,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_calls: DEFAULT_MAX_CALLS,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            render: Render::Target,
            clock: Arc::new(system_clock),
            log: Arc::new(|line: &str| {
                use std::io::Write;
                let _ = writeln!(std::io::stderr().lock(), "{line}");
            }),
        }
    }
}

/// Milliseconds since the Unix epoch by the system clock (0 if it is set
/// before 1970).
pub fn system_clock() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The path part of a base URL, without a trailing `/` (`""` for none):
/// `https://ivr.example.com/at/` → `/at`.
pub fn base_path(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    let path = path.split(['?', '#']).next().unwrap_or("");
    path.trim_end_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths() {
        assert_eq!(base_path("http://127.0.0.1:8080"), "");
        assert_eq!(base_path("http://127.0.0.1:8080/"), "");
        assert_eq!(base_path("https://ivr.example.com/at/"), "/at");
        assert_eq!(base_path("https://ivr.example.com/a/b?x=1"), "/a/b");
    }
}
