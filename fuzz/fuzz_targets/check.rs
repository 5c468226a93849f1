//! Fuzz target `check`: arbitrary bytes, read as (lossy) UTF-8 the way an
//! editor shows a corrupted file, through the whole `check_source` pipeline.
//!
//! A crash is a panic, a stack overflow, or one of the invariants below
//! failing: every diagnostic has labels, every label (and every IR node span)
//! is a byte range of the text on character boundaries, and the IR passes
//! `ir::verify`. The same invariants are asserted by
//! `compiler/tests/no_panic.rs`; see docs/fuzzing.md.

#![no_main]

use callflow_compiler::FileId;
use callflow_compiler::ir::verify::verify;
use callflow_compiler::project::check_source;
use libfuzzer_sys::fuzz_target;

fn assert_span(text: &str, file: FileId, start: u32, end: u32, what: &dyn std::fmt::Display) {
    let (s, e) = (start as usize, end as usize);
    assert_eq!(file, FileId(0), "{what}: span in another file");
    assert!(
        s <= e && e <= text.len(),
        "{what}: span {s}..{e} outside the text (len {})",
        text.len()
    );
    assert!(
        text.is_char_boundary(s) && text.is_char_boundary(e),
        "{what}: span {s}..{e} splits a character"
    );
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (_, analysis) = check_source("fuzz.flow", &text);
    for d in &analysis.diagnostics {
        assert!(
            !d.labels.is_empty(),
            "{} `{}` has no label",
            d.code.id,
            d.message
        );
        for l in &d.labels {
            assert_span(
                &text,
                l.span.file,
                l.span.start,
                l.span.end,
                &format_args!("{} `{}`", d.code.id, d.message),
            );
        }
    }
    for id in analysis.ir.graph.node_indices() {
        let span = analysis.ir.node(id).span;
        assert_span(
            &text,
            span.file,
            span.start,
            span.end,
            &format_args!("IR node {}", analysis.ir.describe_node(id)),
        );
    }
    let problems = verify(&analysis.ir);
    assert!(problems.is_empty(), "ir::verify: {problems:#?}");
});
