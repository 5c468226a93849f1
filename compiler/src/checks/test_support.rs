//! Helpers shared by the unit tests of the checks: run the whole pipeline on a
//! source string, the way the editor and the CLI do, and look at what comes out.

use crate::diagnostic::Diagnostic;
use crate::project::check_source;

/// Every diagnostic of every stage for `src`, sorted by position.
pub fn diagnostics(src: &str) -> Vec<Diagnostic> {
    check_source("test.flow", src).1.diagnostics
}

/// The ids of every diagnostic for `src`, in position order.
pub fn codes(src: &str) -> Vec<&'static str> {
    diagnostics(src).iter().map(|d| d.code.id).collect()
}

/// Only the diagnostics with this code.
pub fn with_code(src: &str, id: &str) -> Vec<Diagnostic> {
    diagnostics(src).into_iter().filter(|d| d.code.id == id).collect()
}

/// The source text a span covers, so tests can assert on what a label points at.
pub fn text_at(src: &str, span: crate::span::Span) -> &str {
    src.get(span.range()).unwrap_or("")
}

/// The text the primary label of `d` points at.
pub fn primary_text<'s>(src: &'s str, d: &Diagnostic) -> &'s str {
    d.primary_span().map_or("", |s| text_at(src, s))
}

/// The texts the secondary labels of `d` point at, in order.
pub fn secondary_texts<'s>(src: &'s str, d: &Diagnostic) -> Vec<&'s str> {
    d.labels
        .iter()
        .filter(|l| !l.primary)
        .map(|l| text_at(src, l.span))
        .collect()
}

/// The first ```flow block of a code's `## Example` section.
pub fn explain_example(code: &crate::diagnostic::Code) -> String {
    let example = code.explain.split("## Example").nth(1).unwrap_or("");
    let body = example.split("```flow\n").nth(1).unwrap_or("");
    body.split("```").next().unwrap_or("").to_string()
}

/// The explain page has exactly the three agreed sections, in order, and its
/// example really produces the code.
pub fn assert_explain_page(code: &crate::diagnostic::Code) {
    let headings: Vec<&str> = code.explain.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(
        headings,
        vec!["## What it means", "## Example", "## How to fix"],
        "{}",
        code.id
    );
    let example = explain_example(code);
    assert!(!example.is_empty(), "{} has no ```flow example", code.id);
    let found = codes(&example);
    assert!(
        found.contains(&code.id),
        "the example of {} produces {found:?}",
        code.id
    );
}
