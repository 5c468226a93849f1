//! Starting the server and SIPp for one test.

use super::common::{available, root, scratch};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

/// Distinct port blocks per server (RTP) and per SIPp (media), so tests
/// can run in parallel.
static NEXT_BLOCK: AtomicU16 = AtomicU16::new(0);

pub fn port_block() -> u16 {
    let n = NEXT_BLOCK.fetch_add(1, Ordering::Relaxed);
    32_000 + (n % 100) * 200
}

/// Are sipp and espeak-ng there?
pub fn peers_available() -> bool {
    available("sipp", Command::new("sh").args(["-c", "command -v sipp"]))
        && available("espeak-ng", Command::new("espeak-ng").arg("--version"))
}

pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    pub dir: PathBuf,
    pub log: PathBuf,
}

impl Server {
    /// `callflow serve FLOW --sip 127.0.0.1:0` with a config of its own
    /// (`extra` lines appended) in a fresh directory.
    pub fn start(name: &str, flow: &str, extra: &str) -> Server {
        let dir = scratch(&format!("sip-{name}"));
        let log = dir.join("calls.jsonl");
        let _ = std::fs::remove_file(&log);
        let cache = std::env::temp_dir().join("callflow-sip-test-prompts");
        let config = format!(
            "call_log = {log:?}\nrecordings_dir = {:?}\nprompt_cache_dir = {cache:?}\n{extra}\n",
            dir.join("recordings"),
        );
        std::fs::write(dir.join("callflow.toml"), config).expect("config");
        let block = port_block();
        let mut child = Command::new(env!("CARGO_BIN_EXE_callflow"))
            .args([
                "serve",
                &root().join(flow).to_string_lossy(),
                "--sip",
                "127.0.0.1:0",
                "--rtp-ports",
            ])
            .arg(format!("{block}-{}", block + 199))
            .arg("--config")
            .arg(dir.join("callflow.toml"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start callflow");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let mut seen = String::new();
        let addr = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    seen.push_str(&line);
                    seen.push('\n');
                    if let Some(addr) = line.trim().strip_prefix("listening on  udp ") {
                        break addr.parse().expect("address");
                    }
                }
                _ => panic!("the server did not start:\n{seen}"),
            }
        };
        // Keep reading stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, addr, dir, log }
    }

    /// The call log so far, one JSON object per line.
    pub fn calls(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Wait until a line of the call log matches.
    pub fn wait_for(&self, what: &str, timeout: Duration, pred: impl Fn(&Value) -> bool) -> Vec<Value> {
        let until = Instant::now() + timeout;
        loop {
            let calls = self.calls();
            if calls.iter().any(&pred) {
                return calls;
            }
            assert!(Instant::now() < until, "no {what} in the call log:\n{calls:#?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Send the server a signal (`TERM`, `USR1`); whether it was delivered.
    pub fn signal(&self, name: &str) -> bool {
        Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Stop with SIGTERM (as Ctrl-C would) and wait; returns the call log.
    pub fn stop(&mut self) -> Vec<Value> {
        // A server that has already exited has nothing to stop.
        let _ = self.signal("TERM");
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.calls()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Run a SIPp scenario against the server; `args` are added.
pub fn sipp(server: &Server, scenario: &str, args: &[&str]) -> Output {
    let media_port = port_block() + 100;
    let path = root().join("tests/sip/scenarios").join(scenario);
    Command::new("sipp")
        .arg(server.addr.to_string())
        .arg("-sf")
        .arg(&path)
        .args(["-i", "127.0.0.1", "-mi", "127.0.0.1", "-mp", &media_port.to_string()])
        .args([
            "-timeout",
            "60",
            "-timeout_error",
            "-nostdin",
            "-trace_err",
            "-error_file",
        ])
        .arg(server.dir.join(format!("{scenario}.errors.log")))
        .args(args)
        .current_dir(&server.dir)
        .stdin(Stdio::null())
        .output()
        .expect("run sipp")
}

pub fn assert_sipp_ok(server: &Server, scenario: &str, out: &Output) {
    let errors = std::fs::read_to_string(server.dir.join(format!("{scenario}.errors.log"))).unwrap_or_default();
    assert!(
        out.status.success(),
        "sipp {scenario} failed ({:?}):\n{}\n{errors}\ncall log:\n{:#?}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains("Failed") || l.contains("Successful") || l.contains("error"))
            .collect::<Vec<_>>()
            .join("\n"),
        server.calls()
    );
}

/// The events of one kind.
pub fn events<'a>(calls: &'a [Value], kind: &str) -> Vec<&'a Value> {
    calls.iter().filter(|c| c["event"] == kind).collect()
}

pub fn states(calls: &[Value]) -> Vec<String> {
    events(calls, "state")
        .iter()
        .map(|e| e["state"].as_str().unwrap_or("").to_string())
        .collect()
}
