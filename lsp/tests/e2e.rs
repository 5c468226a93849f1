//! The server over real JSON-RPC on an in-memory pipe (tokio::io::duplex):
//! the same session the CLI's stdio test runs against the binary.

mod common;

use serde_json::json;

#[tokio::test]
async fn a_whole_session_over_an_in_memory_pipe() {
    let mut client = common::in_memory(vec![]);
    common::session(&mut client, "file:///project/main.flow").await;
}

#[tokio::test]
async fn imports_are_read_from_the_disk_callback_and_open_buffers_win() {
    let mut c = common::in_memory(vec![("/p/bye.flow", "step bye {\n  hangup\n}\n")]);
    c.initialize(json!({})).await;
    let main = "import \"bye.flow\"\nflow f {\n  start a\n}\nstep a {\n  goto bye\n}\n";
    c.open("file:///p/main.flow", 1, main).await;
    let first = c.diagnostics_until("file:///p/main.flow", 1).await;
    assert_eq!(first.last().map(|p| p["diagnostics"].clone()), Some(json!([])));
    // Opening the import with other text changes the importer's diagnostics.
    c.open("file:///p/bye.flow", 1, "step other {\n  hangup\n}\n").await;
    loop {
        let n = c.notification("textDocument/publishDiagnostics").await;
        if n["params"]["uri"] == "file:///p/main.flow" {
            assert_eq!(n["params"]["diagnostics"][0]["code"], "E0101", "{n}");
            break;
        }
    }
    c.shutdown().await;
}

#[tokio::test]
async fn an_unknown_target_option_is_reported_to_the_user() {
    let mut c = common::in_memory(vec![]);
    c.initialize(json!({"target": "twilio"})).await;
    let shown = c.notification("window/showMessage").await;
    let message = shown["params"]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("unknown target `twilio`") && message.contains("africastalking"),
        "{shown}"
    );
    c.shutdown().await;
}

#[tokio::test]
async fn the_target_option_adds_the_providers_diagnostics() {
    let mut c = common::in_memory(vec![]);
    c.initialize(json!({"target": "africastalking"})).await;
    let text = "flow f {\n  start a\n}\nstep a {\n  start_recording\n  hangup\n}\n";
    c.open("file:///p/t.flow", 1, text).await;
    let published = c.diagnostics_until("file:///p/t.flow", 1).await;
    assert_eq!(
        published.last().map(|p| p["diagnostics"][0]["code"].clone()),
        Some(json!("E0501"))
    );
    c.shutdown().await;
}
