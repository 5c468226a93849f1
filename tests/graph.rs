//! `callflow graph` output is accepted by the real tools: Graphviz `dot` and
//! Mermaid's own parser (tests/tools/mermaid, run with node).
//!
//! Outside CI a missing tool skips the check with a note; under CI=true it is a
//! failure, because .ci/run installs both.

use std::path::{Path, PathBuf};
use std::process::Command;

fn callflow(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_callflow")).args(args).output().expect("run callflow")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "flow"))
        .collect();
    files.sort();
    files
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("callflow-graph-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Is the tool there? Under CI its absence is a failure.
fn available(tool: &str, probe: &mut Command) -> bool {
    let ok = probe.output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "{tool} is missing under CI; .ci/run should install it");
        eprintln!("note: {tool} not available, skipping");
    }
    ok
}

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
    assert!(!text.is_empty(), "no {format} graph for {}: {}", input.display(), String::from_utf8_lossy(&out.stderr));
    text
}

#[test]
fn dot_output_is_accepted_by_graphviz() {
    if !available("graphviz dot", Command::new("dot").arg("-V")) {
        return;
    }
    let dir = scratch("dot");
    for input in graph_inputs(&dir) {
        let file = dir.join(format!("{}.dot", input.file_stem().unwrap_or_default().to_string_lossy()));
        std::fs::write(&file, render(&input, "dot")).expect("write dot");
        let out = Command::new("dot").arg("-Tsvg").arg(&file).output().expect("run dot");
        assert!(out.status.success(), "dot rejected {}: {}", file.display(), String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
    }
}

#[test]
fn mermaid_output_is_accepted_by_mermaid() {
    let tool = root().join("tests/tools/mermaid");
    let modules = tool.join("node_modules/mermaid");
    if !available("node", Command::new("node").arg("--version")) {
        return;
    }
    if !modules.exists() {
        assert!(std::env::var_os("CI").is_none(), "run `npm ci --prefix tests/tools/mermaid` (.ci/run does)");
        eprintln!("note: tests/tools/mermaid/node_modules missing, skipping");
        return;
    }
    let dir = scratch("mermaid");
    let mut files = Vec::new();
    for input in graph_inputs(&dir) {
        let text = render(&input, "mermaid");
        assert!(text.starts_with("flowchart TD\n"));
        let file = dir.join(format!("{}.mmd", input.file_stem().unwrap_or_default().to_string_lossy()));
        std::fs::write(&file, text).expect("write mermaid");
        files.push(file);
    }
    let out = Command::new("node").arg(tool.join("parse.mjs")).args(&files).output().expect("run node");
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
    assert!(dot.contains("[label=\"true\"]") && dot.contains("[label=\"false\"]"), "{dot}");
    let mermaid = render(&hostile, "mermaid");
    assert!(mermaid.contains("-->|\"key #35;\"|"), "{mermaid}");
}
