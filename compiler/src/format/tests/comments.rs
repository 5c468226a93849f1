//! No comment is lost or moved: a comment on every possible line of a flow
//! (a full-line comment above every line, oddly indented, and a trailing
//! comment on every line that has code) comes out exactly once, next to the
//! same code, at its block's indentation.

use super::corpus::examples;
use crate::format::format;
use crate::format::lex::{self, Kind};
use std::path::Path;

/// The code of a formatted line: the text before ` # `. A string holding
/// ` # ` is cut at the same place on both sides, so comparisons still hold.
fn code_of(line: &str) -> &str {
    line.split(" # ").next().unwrap_or(line).trim()
}

/// Lines that already end in a comment get no second one (it would become
/// part of the first).
fn has_comment(line: &str) -> bool {
    lex::tokens(line).iter().any(|t| t.kind == Kind::Comment)
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Every line of `base` (a formatted file) gets both kinds of comment; the
/// result is formatted and each comment is looked for.
fn comments_survive(what: &str, base: &str) {
    assert_eq!(format(base).ok().as_deref(), Some(base), "{what} is not formatted");
    let base_lines: Vec<&str> = base.lines().collect();
    let mut commented = String::new();
    for (i, line) in base_lines.iter().enumerate() {
        if line.trim().is_empty() {
            commented.push('\n');
            continue;
        }
        // Indented wrongly on purpose: the formatter must fix it.
        commented.push_str(&" ".repeat(i % 7));
        commented.push_str(&format!("# above {i}\n"));
        commented.push_str(line);
        if !has_comment(line) {
            commented.push_str(&format!("   # after {i}"));
        }
        commented.push('\n');
    }
    commented.push_str("# at the end\n");

    let out = format(&commented).unwrap_or_else(|e| panic!("{what}: {e}\n{commented}"));
    let out_lines: Vec<&str> = out.lines().collect();
    for (i, line) in base_lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let above = format!("# above {i}");
        let at: Vec<usize> = (0..out_lines.len()).filter(|&n| out_lines[n].trim() == above).collect();
        assert_eq!(at.len(), 1, "{what}: `{above}` found {} times in\n{out}", at.len());
        let n = at[0];
        // Directly above its line, at the indentation of what it is inside.
        let below = out_lines.get(n + 1).copied().unwrap_or("");
        assert_eq!(code_of(below), code_of(line), "{what}: `{above}` moved:\n{out}");
        let inside = if line.trim_start().starts_with('}') { 2 } else { 0 };
        assert_eq!(
            indent(out_lines[n]),
            indent(line) + inside,
            "{what}: `{above}` indented wrongly"
        );
        if !has_comment(line) {
            let after = format!(" # after {i}");
            let with: Vec<&&str> = out_lines.iter().filter(|l| l.ends_with(&after)).collect();
            assert_eq!(with.len(), 1, "{what}: `{after}` found {} times", with.len());
            assert_eq!(code_of(with[0]), code_of(line), "{what}: `{after}` moved:\n{out}");
            assert_eq!(*with[0], format!("{line}{after}"), "{what}: one space before `#`");
        }
    }
    assert_eq!(out_lines.last().copied(), Some("# at the end"), "{what}");
    assert_eq!(format(&out).ok(), Some(out.clone()), "{what}: not idempotent");
}

#[test]
fn a_comment_on_every_line_of_the_messy_flow_stays_in_place() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fmt/messy.flow");
    let messy = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let base = format(&messy).unwrap_or_else(|e| panic!("messy.flow: {e}"));
    comments_survive("messy.flow", &base);
}

#[test]
fn a_comment_on_every_line_of_every_example_stays_in_place() {
    for (path, text) in examples() {
        comments_survive(&path, &text);
    }
}
