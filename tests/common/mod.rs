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
