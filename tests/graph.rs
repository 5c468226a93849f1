//! `callflow graph` output is accepted by the real tools: Graphviz `dot` and
//! Mermaid's own parser (tests/tools/js, run with node).
//!
//! Outside CI a missing tool skips the check with a note; under CI=true it is a
//! failure, because .ci/run installs both.

mod common;

use common::{available, callflow, examples, js_tool, scratch};
use std::path::{Path, PathBuf};
use std::process::Command;

const HOSTILE: &str = r##"flow hostile {
  start a
}
step a {
  say "Quotes \" and # and <b>bold</b> | pipes `ticks` and \{braces\} — emoji 👋 — עברית — ]]> &amp;"
  if caller == "+254711000000" {
    hangup
  }
  goto b
}
menu b {
  say "Press # or * please"
  "#" -> a
  "*" -> repeat
  timeout -> repeat
  invalid -> repeat
  exhausted -> a
}
"##;

/// Every example plus a flow whose labels contain every character that needs escaping.
fn graph_inputs(dir: &Path) -> Vec<PathBuf> {
    let hostile = dir.join("hostile.flow");
    std::fs::write(&hostile, HOSTILE).expect("write hostile flow");
    let mut inputs = examples();
    inputs.push(hostile);
    inputs
}

fn render(input: &Path, format: &str) -> String {
    let out = callflow(&["graph", "--format", format, &input.to_string_lossy()]);
    let text = String::from_utf8(out.stdout).expect("utf-8 graph");
    assert!(
        !text.is_empty(),
        "no {format} graph for {}: {}",
        input.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

#[test]
fn dot_output_is_accepted_by_graphviz() {
    if !available("graphviz dot", Command::new("dot").arg("-V")) {
        return;
    }
    let dir = scratch("dot");
    for input in graph_inputs(&dir) {
        let file = dir.join(format!(
            "{}.dot",
            input.file_stem().unwrap_or_default().to_string_lossy()
        ));
        std::fs::write(&file, render(&input, "dot")).expect("write dot");
        let out = Command::new("dot").arg("-Tsvg").arg(&file).output().expect("run dot");
        assert!(
            out.status.success(),
            "dot rejected {}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
    }
}

#[test]
fn mermaid_output_is_accepted_by_mermaid() {
    let Some(parser) = js_tool("parse.mjs") else { return };
    let dir = scratch("mermaid");
    let mut files = Vec::new();
    for input in graph_inputs(&dir) {
        let text = render(&input, "mermaid");
        assert!(text.starts_with("flowchart TD\n"));
        let file = dir.join(format!(
            "{}.mmd",
            input.file_stem().unwrap_or_default().to_string_lossy()
        ));
        std::fs::write(&file, text).expect("write mermaid");
        files.push(file);
    }
    let out = Command::new("node")
        .arg(parser)
        .args(&files)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "mermaid rejected a graph:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn labels_show_state_and_action_and_edges_the_outcome() {
    let dir = scratch("labels");
    let hostile = dir.join("hostile.flow");
    std::fs::write(&hostile, HOSTILE).expect("write");
    let dot = render(&hostile, "dot");
    assert!(dot.contains("label=\"b: menu \\\"Press # or * please\\\"\""), "{dot}");
    assert!(dot.contains("[label=\"key #\"]"), "{dot}");
    assert!(
        dot.contains("[label=\"true\"]") && dot.contains("[label=\"false\"]"),
        "{dot}"
    );
    let mermaid = render(&hostile, "mermaid");
    assert!(mermaid.contains("-->|\"key #35;\"|"), "{mermaid}");
}
