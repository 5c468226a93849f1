//! `callflow fmt`: the messy flow before and after (a snapshot), and the
//! command end to end: rewriting in place, `--check` and its diff, directory
//! discovery, files with syntax errors, I/O errors and line endings.

use callflow_compiler::format::format;
mod common;

use common::{TempDir, code, root, stderr, stdout};
use std::path::Path;
use std::process::{Command, Output};

fn messy() -> String {
    std::fs::read_to_string(root().join("tests/fmt/messy.flow")).expect("tests/fmt/messy.flow")
}

fn read(dir: &TempDir, name: &str) -> String {
    std::fs::read_to_string(dir.0.join(name)).unwrap_or_else(|e| panic!("cannot read {name}: {e}"))
}

fn fmt(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callflow"))
        .arg("fmt")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run callflow: {e}"))
}

/// Tabs and trailing blanks made visible, so the snapshot shows the mess.
fn visible(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            let kept = line.trim_end_matches(' ');
            format!("{}{}", kept.replace('\t', "␉"), "·".repeat(line.len() - kept.len()))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_messy_flow_before_and_after() {
    let before = messy();
    let after = format(&before).unwrap_or_else(|e| panic!("messy.flow: {e}"));
    assert_eq!(format(&after).ok().as_deref(), Some(after.as_str()), "not idempotent");
    let snapshot = format!(
        "----- tests/fmt/messy.flow (␉ a tab, · a trailing space) -----\n{}\n----- callflow fmt -----\n{after}",
        visible(&before)
    );
    insta::with_settings!({ omit_expression => true, description => "tests/fmt/messy.flow, formatted" }, {
        insta::assert_snapshot!("messy", snapshot);
    });
}

#[test]
fn fmt_rewrites_the_files_that_change_names_them_and_leaves_the_others_alone() {
    let dir = TempDir::new("rewrite");
    let support = std::fs::read_to_string(root().join("examples/support.flow")).expect("support.flow");
    dir.write("messy.flow", &messy());
    dir.write("support.flow", &support);
    let untouched = std::fs::metadata(dir.0.join("support.flow"))
        .and_then(|m| m.modified())
        .ok();

    let out = fmt(&dir.0, &["messy.flow", "support.flow"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "reformatted messy.flow\n");
    assert_eq!(stderr(&out), "");
    // The binary writes exactly what the library gives.
    assert_eq!(read(&dir, "messy.flow"), format(&messy()).expect("messy.flow formats"));
    assert_eq!(read(&dir, "support.flow"), support);
    let after = std::fs::metadata(dir.0.join("support.flow"))
        .and_then(|m| m.modified())
        .ok();
    assert_eq!(after, untouched, "a formatted file was written");

    let again = fmt(&dir.0, &["messy.flow", "support.flow"]);
    assert_eq!(
        (code(&again), stdout(&again).as_str()),
        (0, ""),
        "second run changed something"
    );
}

#[test]
fn check_prints_a_unified_diff_with_line_numbers_writes_nothing_and_exits_1() {
    let dir = TempDir::new("check");
    let text = "flow f {\n  start a\n}\n\nstep a {\n  say \"one\"\n  say \"two\"\n  say \"three\"\n  say  \"four\"\n  say \"five\"\n  say \"six\"\n  say \"seven\"\n  hangup\n}\n";
    dir.write("a.flow", text);
    let out = fmt(&dir.0, &["--check", "a.flow"]);
    assert_eq!(code(&out), 1);
    assert_eq!(
        stdout(&out),
        "--- a/a.flow\n+++ b/a.flow\n@@ -6,7 +6,7 @@\n   say \"one\"\n   say \"two\"\n   say \"three\"\n-  say  \"four\"\n+  say \"four\"\n   say \"five\"\n   say \"six\"\n   say \"seven\"\n"
    );
    assert_eq!(stderr(&out), "1 file would be reformatted (run `callflow fmt`)\n");
    assert_eq!(read(&dir, "a.flow"), text, "--check wrote the file");
}

#[test]
fn check_exits_0_and_says_nothing_when_everything_is_formatted() {
    let dir = TempDir::new("clean");
    for entry in ["support.flow", "bank_balance.flow", "shared/goodbye.flow"] {
        let text = std::fs::read_to_string(root().join("examples").join(entry)).expect("example");
        dir.write(entry, &text);
    }
    let out = fmt(&dir.0, &["--check"]);
    assert_eq!(
        (code(&out), stdout(&out), stderr(&out)),
        (0, String::new(), String::new())
    );
}

#[test]
fn without_files_every_flow_below_the_current_directory_is_formatted() {
    let dir = TempDir::new("discover");
    let untidy = "step a {\nhangup\n}\n";
    for name in [
        "a.flow",
        "sub/b.flow",
        "sub/deeper/c.flow",
        ".hidden/d.flow",
        "target/e.flow",
        "notes.txt",
    ] {
        dir.write(name, untidy);
    }
    let out = fmt(&dir.0, &["sub"]);
    assert_eq!(stdout(&out), "reformatted sub/b.flow\nreformatted sub/deeper/c.flow\n");
    let out = fmt(&dir.0, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "reformatted a.flow\n");
    for name in ["a.flow", "sub/b.flow", "sub/deeper/c.flow"] {
        assert_eq!(read(&dir, name), "step a {\n  hangup\n}\n", "{name}");
    }
    for name in [".hidden/d.flow", "target/e.flow", "notes.txt"] {
        assert_eq!(read(&dir, name), untidy, "{name} should not be found");
    }
}

#[test]
fn a_file_with_syntax_errors_is_refused_and_left_byte_for_byte() {
    let dir = TempDir::new("syntax");
    let broken = "step a {\n  say   \"x\" louder\n  hangup\n";
    dir.write("broken.flow", broken);
    dir.write("messy.flow", &messy());
    for args in [&["--check"][..], &[][..]] {
        let out = fmt(&dir.0, args);
        assert_eq!(code(&out), 1, "{args:?}");
        assert!(
            stderr(&out).contains("error: cannot format `broken.flow`: it has syntax errors (run `callflow check`)\n"),
            "{}",
            stderr(&out)
        );
        assert_eq!(read(&dir, "broken.flow"), broken);
    }
    // The other file was still formatted.
    assert_eq!(read(&dir, "messy.flow"), format(&messy()).expect("messy.flow formats"));
}

#[test]
fn unreadable_files_and_empty_directories_are_usage_errors() {
    let dir = TempDir::new("io");
    dir.write("broken.flow", "step a {\n");
    let out = fmt(&dir.0, &["missing.flow", "broken.flow"]);
    assert_eq!(code(&out), 2, "I/O problems outrank syntax errors");
    assert!(
        stderr(&out).contains("error: cannot read `missing.flow`: no such file"),
        "{}",
        stderr(&out)
    );
    std::fs::create_dir_all(dir.0.join("empty")).expect("mkdir");
    let out = fmt(&dir.0, &["empty"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("no .flow files found in `empty`"),
        "{}",
        stderr(&out)
    );
    let out = fmt(&dir.0.join("empty"), &[]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no .flow files found below the current directory"));
}

#[test]
fn crlf_line_endings_become_lf_and_check_says_so() {
    let dir = TempDir::new("crlf");
    dir.write("win.flow", "step a {\r\n  hangup\r\n}\r\n");
    let out = fmt(&dir.0, &["--check", "win.flow"]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("note: `win.flow` has CR line endings; `callflow fmt` writes LF"));
    let out = fmt(&dir.0, &["win.flow"]);
    assert_eq!(code(&out), 0);
    assert_eq!(read(&dir, "win.flow"), "step a {\n  hangup\n}\n");
}

#[test]
fn help_explains_the_command_with_examples() {
    let dir = TempDir::new("help");
    let out = fmt(&dir.0, &["--help"]);
    assert_eq!(code(&out), 0);
    for needle in ["--check", "Examples:", "callflow fmt --check", "Exit status"] {
        assert!(stdout(&out).contains(needle), "{needle}:\n{}", stdout(&out));
    }
}
