//! Helpers shared by the integration tests that call external validators.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn callflow(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_callflow"))
        .args(args)
        .output()
        .expect("run callflow")
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("callflow-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Is the tool there? Outside CI a missing tool skips the check with a note;
/// under CI=true it is a failure, because .ci/run installs it.
pub fn available(tool: &str, probe: &mut Command) -> bool {
    let ok = probe.output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is missing under CI; .ci/run should install it"
        );
        eprintln!("note: {tool} not available, skipping");
    }
    ok
}

/// The node scripts in tests/tools/js, when node and their packages are installed.
pub fn js_tool(script: &str) -> Option<PathBuf> {
    if !available("node", Command::new("node").arg("--version")) {
        return None;
    }
    let dir = root().join("tests/tools/js");
    if !dir.join("node_modules").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "run `npm ci --prefix tests/tools/js` (.ci/run does)"
        );
        eprintln!("note: tests/tools/js/node_modules missing (npm ci --prefix tests/tools/js), skipping");
        return None;
    }
    Some(dir.join(script))
}

/// Every example root (examples/*.flow; examples/shared/ is only imported).
pub fn examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "flow"))
        .collect();
    files.sort();
    files
}

/// Run callflow in `dir` (NO_COLOR unset, so colour depends on the terminal
/// only; pipes never are one), with `stdin` piped in when given.
pub fn callflow_in(dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_callflow"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run callflow");
    if let Some(mut pipe) = child.stdin.take() {
        // A command that exits before reading all of stdin closes the pipe.
        let _ = pipe.write_all(stdin.unwrap_or("").as_bytes());
    }
    child.wait_with_output().expect("wait for callflow")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A command's exit status (-1 when a signal ended it).
pub fn code(out: &std::process::Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

pub fn stdout(out: &std::process::Output) -> String {
    text(&out.stdout)
}

pub fn stderr(out: &std::process::Output) -> String {
    text(&out.stderr)
}

/// A scratch directory that is removed when dropped, so a failing test leaves
/// nothing behind between runs.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = scratch(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("temp subdir");
        }
        std::fs::write(&path, text).expect("write temp file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
