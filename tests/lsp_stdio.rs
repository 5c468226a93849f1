//! `callflow lsp` over stdio: the binary an editor starts, driven with the
//! same JSON-RPC session as the in-memory test (lsp/tests/e2e.rs).

#[path = "../lsp/tests/common/mod.rs"]
mod client;

use std::process::Stdio;
use std::time::Duration;

#[tokio::test]
async fn a_whole_session_with_the_binary_over_stdio() {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_callflow"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("start callflow lsp");
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        panic!("no pipes")
    };
    let mut c = client::Client::new(stdout, stdin);
    client::session(&mut c, "file:///callflow-stdio-test/main.flow").await;
    // After `exit` the process ends by itself, with stdin still open.
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait()).await;
    assert!(
        status.as_ref().is_ok_and(|s| s.as_ref().is_ok_and(|s| s.success())),
        "{status:?}"
    );
    drop(c);
}

#[test]
fn the_command_is_listed_in_the_help() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_callflow"))
        .args(["lsp", "--help"])
        .output()
        .expect("run callflow");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("Language Server Protocol"),
        "{text}"
    );
}
