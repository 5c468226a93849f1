//! End-to-end tests of the `callflow` binary: exit codes, output formats,
//! colour, `explain`, `graph` and project discovery.

mod common;

use common::{code, stderr, stdout};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const CLEAN: &str = r#"# Acme front desk
flow front_desk {
  start main
  timezone "Africa/Nairobi"
}

queue agents {
  hold_music "https://example.com/audio/hold.mp3"
}

menu main {
  say "Karibu! For sales press 1. For support press 2. Say \"help\" | <any> key #."
  retries 2
  "1" -> sales
  "2" -> support
  timeout -> repeat
  invalid -> repeat
  exhausted -> goodbye
}

step sales {
  if open_hours("Mon-Fri 08:00-18:00") {
    dial "+254711082000" timeout 30s
    on busy -> goodbye
    on no_answer -> goodbye
    on failed -> goodbye
  }
  goto goodbye
}

step support {
  say "Please hold."
  enqueue agents
}

step goodbye {
  say "Goodbye."
  hangup
}
"#;

/// One warning (W0301 unreachable-state), no errors.
const WARNING: &str = "flow front_desk {\n  start welcome\n}\n\nstep welcome {\n  say \"Welcome.\"\n  hangup\n}\n\n\
                       step retired {\n  say \"This line is retired.\"\n  hangup\n}\n";

/// Two errors on a line with non-ASCII text before them.
const ERRORS: &str = "flow front_desk {\n  start main\n}\n\nmenu main {\n  say \"Grüß Gott, für Verkauf drücken Sie 1.\"\n  \
                      \"1\" -> sale\n  \"2\" -> helpdesk\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> sales\n}\n\n\
                      step sales {\n  dial \"+254711082000\"\n  hangup\n}\n";

/// A scratch directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("callflow-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempDir(path)
    }

    fn write(&self, name: &str, text: &str) -> &TempDir {
        let path = self.0.join(name);
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        self
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn callflow(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callflow"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .unwrap_or_else(|e| panic!("cannot run callflow: {e}"))
}

fn project(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    dir.write("clean.flow", CLEAN)
        .write("warning.flow", WARNING)
        .write("errors.flow", ERRORS);
    dir
}

#[test]
fn exit_codes() {
    let dir = project("exit");
    let d = dir.0.as_path();
    let clean = callflow(d, &["check", "clean.flow"]);
    assert_eq!(
        (code(&clean), stdout(&clean).as_str()),
        (0, "checked 1 file: no problems found\n"),
        "{}",
        stderr(&clean)
    );
    // Machine formats print nothing for a clean project.
    for format in ["short", "json"] {
        let quiet = callflow(d, &["check", "--format", format, "clean.flow"]);
        assert_eq!((code(&quiet), stdout(&quiet).as_str()), (0, ""), "{format}");
    }
    assert_eq!(code(&callflow(d, &["check", "warning.flow"])), 0);
    assert_eq!(code(&callflow(d, &["check", "--deny-warnings", "warning.flow"])), 1);
    assert_eq!(code(&callflow(d, &["check", "errors.flow"])), 1);
    assert_eq!(code(&callflow(d, &["check", "clean.flow", "errors.flow"])), 1);

    let missing = callflow(d, &["check", "missing.flow"]);
    assert_eq!(code(&missing), 2);
    assert_eq!(stderr(&missing), "error: cannot read `missing.flow`: no such file\n");
    // A missing file does not stop the others from being checked.
    let both = callflow(d, &["check", "--format", "short", "missing.flow", "errors.flow"]);
    assert_eq!(code(&both), 2);
    assert!(stdout(&both).contains("errors.flow:7:"), "{}", stdout(&both));

    assert_eq!(code(&callflow(d, &["check", "--bogus"])), 2);
    assert_eq!(code(&callflow(d, &["check", "--format", "xml", "clean.flow"])), 2);
    assert_eq!(code(&callflow(d, &[])), 2);
    assert_eq!(code(&callflow(d, &["frobnicate"])), 2);

    let unknown = callflow(d, &["explain", "E0010"]);
    assert_eq!(code(&unknown), 2);
    assert!(
        stderr(&unknown).contains("unknown diagnostic code `E0010`"),
        "{}",
        stderr(&unknown)
    );
    assert!(stderr(&unknown).contains("did you mean `E0"), "{}", stderr(&unknown));
    let by_name = callflow(d, &["explain", "dead-ends"]);
    assert_eq!(code(&by_name), 2);
    assert!(
        stderr(&by_name).contains("did you mean `dead-end`?"),
        "{}",
        stderr(&by_name)
    );
}

#[test]
fn help_for_every_subcommand_has_examples() {
    let dir = TempDir::new("help");
    for sub in ["check", "graph", "explain", "lsp"] {
        let out = callflow(&dir.0, &[sub, "--help"]);
        assert_eq!(code(&out), 0, "{sub}");
        assert!(stdout(&out).contains("Examples:"), "{sub} --help:\n{}", stdout(&out));
    }
    assert_eq!(code(&callflow(&dir.0, &["--version"])), 0);
}

/// `file:line:col: severity[CODE]: message`, checked without a regex crate.
fn is_short_line(line: &str) -> bool {
    let mut parts = line.splitn(4, ':');
    let (Some(file), Some(l), Some(c), Some(rest)) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let number = |s: &str| !s.is_empty() && s.chars().all(|ch| ch.is_ascii_digit());
    let Some(rest) = rest.strip_prefix(' ') else {
        return false;
    };
    let Some((head, message)) = rest.split_once("]: ") else {
        return false;
    };
    let Some((severity, id)) = head.split_once('[') else {
        return false;
    };
    file.ends_with(".flow")
        && number(l)
        && number(c)
        && matches!(severity, "error" | "warning")
        && id.len() == 5
        && (id.starts_with('E') || id.starts_with('W'))
        && !message.is_empty()
}

#[test]
fn short_format_is_one_line_per_diagnostic() {
    let dir = project("short");
    let out = callflow(&dir.0, &["check", "--format", "short", "errors.flow", "warning.flow"]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines.iter().all(|l| is_short_line(l)), "{text}");
    assert!(lines[0].starts_with("errors.flow:7:10: error[E0101]: "), "{text}");
    assert!(lines[2].starts_with("warning.flow:10:6: warning[W0301]: "), "{text}");
}

#[test]
fn json_lines_have_the_documented_fields() {
    let dir = project("json");
    let out = callflow(&dir.0, &["check", "--format", "json", "errors.flow"]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    let objects: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l}: {e}")))
        .collect();
    assert_eq!(objects.len(), 2, "{text}");
    for o in &objects {
        for key in [
            "code",
            "name",
            "severity",
            "message",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "span",
            "help",
            "notes",
            "labels",
            "explain_url",
        ] {
            assert!(o.get(key).is_some(), "missing {key} in {o}");
        }
        let label = &o["labels"][0];
        for key in [
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "span",
            "message",
            "primary",
        ] {
            assert!(label.get(key).is_some(), "missing labels[0].{key} in {o}");
        }
    }
    let first = &objects[0];
    assert_eq!(first["code"], "E0101");
    assert_eq!(
        (first["file"].as_str(), first["line"].as_u64(), first["column"].as_u64()),
        (Some("errors.flow"), Some(7), Some(10))
    );
    assert_eq!(first["end_column"].as_u64(), Some(14));
    assert_eq!(first["explain_url"], "docs/diagnostics.md#e0101");
}

#[test]
fn sarif_is_a_2_1_0_log_with_results() {
    let dir = project("sarif");
    let out = callflow(&dir.0, &["check", "--format", "sarif", "errors.flow", "warning.flow"]);
    assert_eq!(code(&out), 1);
    let log: Value = serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("bad SARIF: {e}"));
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "callflow");
    let results = run["results"].as_array().cloned().unwrap_or_default();
    assert_eq!(results.len(), 3);
    let levels: Vec<&str> = results.iter().filter_map(|r| r["level"].as_str()).collect();
    assert_eq!(levels, ["error", "error", "warning"]);
    let rules = run["tool"]["driver"]["rules"].as_array().cloned().unwrap_or_default();
    for r in &results {
        let index = r["ruleIndex"]
            .as_u64()
            .and_then(|i| usize::try_from(i).ok())
            .unwrap_or(usize::MAX);
        assert_eq!(rules.get(index).map(|rule| &rule["id"]), Some(&r["ruleId"]));
        assert!(
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .is_some()
        );
    }
    // A clean run is still a complete log.
    let clean: Value = serde_json::from_str(&stdout(&callflow(
        &dir.0,
        &["check", "--format", "sarif", "clean.flow"],
    )))
    .unwrap_or_default();
    assert_eq!(clean["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn piped_output_has_no_colour() {
    let dir = project("colour");
    for no_color in [None, Some("1")] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_callflow"));
        cmd.args(["check", "errors.flow", "warning.flow"])
            .current_dir(&dir.0)
            .stdout(Stdio::piped());
        match no_color {
            Some(v) => cmd.env("NO_COLOR", v),
            None => cmd.env_remove("NO_COLOR"),
        };
        let out = cmd.output().unwrap_or_else(|e| panic!("cannot run callflow: {e}"));
        let text = stdout(&out);
        assert!(!text.contains('\u{1b}'), "escape codes in piped output:\n{text}");
        assert!(text.contains("E0101 undefined-state"), "{text}");
        assert!(text.ends_with("error: 2 errors, 1 warning emitted\n"), "{text}");
    }
}

#[test]
fn explain_prints_the_page() {
    let dir = TempDir::new("explain");
    for query in ["E0101", "e0101", "undefined-state"] {
        let out = callflow(&dir.0, &["explain", query]);
        assert_eq!(code(&out), 0, "{query}");
        let text = stdout(&out);
        assert!(text.starts_with("E0101 undefined-state (error)\n"), "{text}");
        assert!(text.contains("## How to fix"), "{text}");
    }
    let list = callflow(&dir.0, &["explain", "--list"]);
    assert_eq!(code(&list), 0);
    assert!(
        stdout(&list).lines().any(|l| l.starts_with("E0302  dead-end")),
        "{}",
        stdout(&list)
    );
}

#[test]
fn graph_dot_is_accepted_by_graphviz() {
    let dir = project("dot");
    let out = callflow(&dir.0, &["graph", "clean.flow"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let dot = stdout(&out);
    assert!(dot.starts_with("digraph callflow {"), "{dot}");
    let available = Command::new("dot")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !available.is_ok_and(|s| s.success()) {
        eprintln!("note: Graphviz `dot` is not installed; skipping the render check");
        return;
    }
    let graph = dir.0.join("clean.dot");
    std::fs::write(&graph, &dot).unwrap_or_else(|e| panic!("cannot write {}: {e}", graph.display()));
    let svg = Command::new("dot")
        .arg("-Tsvg")
        .arg(&graph)
        .output()
        .unwrap_or_else(|e| panic!("cannot run dot: {e}"));
    assert!(
        svg.status.success(),
        "dot rejected the graph: {}\n{dot}",
        String::from_utf8_lossy(&svg.stderr)
    );
    assert!(String::from_utf8_lossy(&svg.stdout).contains("<svg"));
}

/// The statement shapes `graph --format mermaid` emits.
fn is_mermaid_statement(line: &str) -> bool {
    let node_id = |s: &str| {
        s.strip_prefix('n')
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    };
    let quoted = |s: &str| s.len() >= 2 && s.starts_with('"') && s.ends_with('"') && !s[1..s.len() - 1].contains('"');
    let node = |s: &str, open: &str, close: &str| {
        s.split_once(open)
            .is_some_and(|(id, rest)| node_id(id) && rest.strip_suffix(close).is_some_and(quoted))
    };
    if line == "  end" {
        return true;
    }
    if let Some(rest) = line.strip_prefix("  subgraph s") {
        return rest.split_once(" [").is_some_and(|(n, label)| {
            n.chars().all(|c| c.is_ascii_digit()) && label.strip_suffix(']').is_some_and(quoted)
        });
    }
    if let Some(s) = line.strip_prefix("    ") {
        return node(s, "[[", "]]") || node(s, "[", "]") || node(s, "{", "}");
    }
    let Some(s) = line.strip_prefix("  ") else {
        return false;
    };
    if node(s, "([", "])") {
        return true;
    }
    let Some((from, rest)) = s.split_once(" -->") else {
        return false;
    };
    if let Some(to) = rest.strip_prefix(' ') {
        return node_id(from) && node_id(to);
    }
    rest.strip_prefix('|')
        .and_then(|r| r.rsplit_once("| "))
        .is_some_and(|(label, to)| node_id(from) && quoted(label) && node_id(to))
}

#[test]
fn graph_mermaid_is_a_flowchart_of_known_statements() {
    let dir = project("mermaid");
    let out = callflow(&dir.0, &["graph", "--format", "mermaid", "clean.flow"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("flowchart TD"));
    for line in lines {
        assert!(is_mermaid_statement(line), "unexpected Mermaid line: {line:?}\n{text}");
    }
    assert!(text.contains("-->|\"key 1\"|"), "{text}");
}

#[test]
fn graph_of_a_file_with_errors_still_prints_the_graph() {
    let dir = project("graph-errors");
    let out = callflow(&dir.0, &["graph", "errors.flow"]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).starts_with("digraph callflow {"), "{}", stdout(&out));
    assert!(stderr(&out).contains("E0101 undefined-state"), "{}", stderr(&out));
    assert_eq!(code(&callflow(&dir.0, &["graph", "missing.flow"])), 2);
}

#[test]
fn check_without_files_checks_the_roots_below_the_current_directory() {
    let dir = TempDir::new("discover");
    // `lib.flow` alone has no flow; it must be checked through `main.flow`.
    dir.write("main.flow", "import \"shared/lib.flow\"\n\nflow front_desk {\n  start welcome\n}\n\nstep welcome {\n  say \"Welcome.\"\n  goto goodbye\n}\n")
        .write("shared/lib.flow", "step goodbye {\n  say \"Goodbye.\"\n  hangup\n}\n")
        // Hidden directories and target/ are not searched.
        .write(".git/broken.flow", "step {\n")
        .write("target/broken.flow", "step {\n");
    let out = callflow(&dir.0, &["check", "--format", "short"]);
    assert_eq!((code(&out), stdout(&out).as_str(), stderr(&out).as_str()), (0, "", ""));

    dir.write(
        "shared/lib.flow",
        "step goodbye {\n  say \"Goodbye.\"\n  goto nowhere\n}\n",
    );
    let out = callflow(&dir.0, &["check", "--format", "short"]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("shared/lib.flow:3:8: error[E0101]"), "{text}");

    let empty = TempDir::new("discover-empty");
    let out = callflow(&empty.0, &["check"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no .flow files"), "{}", stderr(&out));
}
