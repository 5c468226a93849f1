//! Source text → AST. Parsing never fails: it returns a tree of everything it
//! could read plus diagnostics for everything it could not.

pub mod codes;
mod errors;
mod fast;
mod grammar;
pub mod keywords;
mod lower;
pub mod split;
pub mod strings;

pub use grammar::{FlowParser, Rule};
pub use keywords::{ITEMS, STATEMENTS};

use crate::ast::{Ast, Item};
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};
use crate::suggest::did_you_mean;
use codes::{SYNTAX_ERROR, UNCLOSED_BLOCK};
use pest::Parser;

/// Deeper nesting than this (parentheses, `if` blocks) is refused before pest
/// or the lowering recurse into it, so hostile input cannot exhaust the stack.
pub const MAX_NESTING: usize = 64;

/// Files of at least this many bytes (about 250 states) are split and parsed
/// on several threads. Below it, spawning costs more than it saves.
const PARALLEL_MIN_BYTES: usize = 64 * 1024;
/// Worker threads for a large file. A constant, not the machine's core count:
/// the core stays free of environment queries and its output never depends
/// on the machine (results are joined in source order either way).
const PARSE_THREADS: usize = 4;

/// Parse one file. Each top-level item is parsed on its own (see `split`), so
/// an error in one state leaves the others intact, and large files parse in
/// parallel.
pub fn parse(file: FileId, text: &str) -> (Ast, Vec<Diagnostic>) {
    parse_with(file, text, true)
}

/// `parse`, with the hand-written fast path (`fast.rs`) on or off. Off, every
/// chunk goes through pest; the result is the same either way (the
/// differential test in `fast/tests.rs` holds the fast path to that). For
/// tests and benchmarks.
#[doc(hidden)]
pub fn parse_with(file: FileId, text: &str, fast: bool) -> (Ast, Vec<Diagnostic>) {
    // pest's NEWLINE ends a line at a lone `\r` (old Mac line ends), but the
    // splitter cuts at `\n` only, so the two would read such a file
    // differently (a comment could hide the text after its `\r` from the
    // checks). A lone `\r` becomes `\n`: one byte for one, so every span
    // still points into the original text.
    if has_lone_cr(text) {
        let normalized = lone_cr_as_lf(text);
        return parse_normalized(file, &normalized, fast);
    }
    parse_normalized(file, text, fast)
}

fn has_lone_cr(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'))
}

fn lone_cr_as_lf(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_normalized(file: FileId, text: &str, fast: bool) -> (Ast, Vec<Diagnostic>) {
    let parts = if text.len() < PARALLEL_MIN_BYTES {
        Vec::new()
    } else {
        split::parts(text, PARSE_THREADS)
    };
    let (items, diags) = if parts.len() < 2 {
        parse_chunks(file, text, &split::split(text), fast)
    } else {
        parse_parallel(file, text, parts, fast)
    };
    let ast = Ast { items };
    (ast, diags.into_iter().filter(|d| !d.labels.is_empty()).collect())
}

/// Parse `chunks` in order into one list of items and one of diagnostics.
fn parse_chunks(file: FileId, text: &str, chunks: &[split::Chunk], fast: bool) -> (Vec<Item>, Vec<Diagnostic>) {
    // Nearly every chunk is one item.
    let mut items = Vec::with_capacity(chunks.len());
    let mut diags = Vec::new();
    let mut scratch = fast::Scratch::default();
    for chunk in chunks {
        parse_chunk_into(file, text, chunk, fast, &mut scratch, &mut items, &mut diags);
    }
    (items, diags)
}

/// Split and parse each of `parts` (see `split::parts`) on a thread of its
/// own; the results are joined in source order. Splitting on the threads too
/// keeps the one pass over the whole text off the critical path.
fn parse_parallel(
    file: FileId,
    text: &str,
    parts: Vec<std::ops::Range<usize>>,
    fast: bool,
) -> (Vec<Item>, Vec<Diagnostic>) {
    let run = |part: std::ops::Range<usize>| parse_chunks(file, text, &split::split_range(text, part), fast);
    std::thread::scope(|scope| {
        let workers: Vec<_> = parts
            .into_iter()
            .map(|part| {
                // The main thread's stack size, so depth limits hold alike.
                let spawned = std::thread::Builder::new().stack_size(8 << 20).spawn_scoped(scope, {
                    let part = part.clone();
                    move || run(part)
                });
                (part, spawned)
            })
            .collect();
        let results: Vec<_> = workers
            .into_iter()
            .map(|(part, spawned)| match spawned {
                Ok(handle) => match handle.join() {
                    Ok(results) => results,
                    // A panic in a worker is a compiler bug; let it surface
                    // exactly as it would have on this thread.
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                // No thread to be had: parse this part here.
                Err(_) => run(part),
            })
            .collect();
        // The first part's lists, grown once to hold the others.
        let mut results = results.into_iter();
        let (mut items, mut diags) = results.next().unwrap_or_default();
        let rest: Vec<_> = results.collect();
        items.reserve_exact(rest.iter().map(|(i, _)| i.len()).sum());
        for (i, d) in rest {
            items.extend(i);
            diags.extend(d);
        }
        (items, diags)
    })
}

/// One chunk on its own, for the differential tests.
#[cfg(test)]
fn parse_chunk(file: FileId, text: &str, chunk: &split::Chunk, fast: bool) -> (Vec<Item>, Vec<Diagnostic>) {
    let (mut items, mut diags) = (Vec::new(), Vec::new());
    parse_chunk_into(
        file,
        text,
        chunk,
        fast,
        &mut fast::Scratch::default(),
        &mut items,
        &mut diags,
    );
    (items, diags)
}

/// Parse one top-level chunk: push its item (if it could be read) and its
/// diagnostics.
///
/// With `fast`, a closed chunk is first read by the hand-written parser, which
/// only answers for plainly valid items; everything else (and every
/// diagnostic) comes from pest and the lowering.
fn parse_chunk_into(
    file: FileId,
    text: &str,
    chunk: &split::Chunk,
    fast: bool,
    scratch: &mut fast::Scratch,
    items: &mut Vec<Item>,
    diags: &mut Vec<Diagnostic>,
) {
    let chunk_text = text.get(chunk.start..chunk.end).unwrap_or("");
    let chunk_span = Span::new(file, chunk.start, chunk.end);
    if let Some(d) = too_deep(chunk_text, chunk.start, file) {
        diags.push(d);
        return;
    }
    if fast
        && chunk.unclosed == 0
        && let Some(item) = fast::parse_item_with(file, chunk_text, chunk.start, scratch)
    {
        items.push(item);
        return;
    }
    if chunk.unclosed > 0 {
        let at = chunk.open_brace.unwrap_or(chunk.start);
        // The last character, not the last byte: a chunk that ends the
        // file without a newline may end in a multi-byte character.
        let end = chunk.start + chunk_text.char_indices().next_back().map_or(0, |(i, _)| i);
        diags.push(
            Diagnostic::new(&UNCLOSED_BLOCK, "this `{` is never closed")
                .primary(Span::new(file, at, at + 1), "block opened here")
                .secondary(Span::new(file, end, end), "the item ends here without a `}`")
                .help("add the missing `}` on a line of its own"),
        );
    }
    // Close what the chunk left open so its statements are still read.
    let owned;
    let parse_text = if chunk.unclosed > 0 {
        owned = format!("{chunk_text}\n{}", "}\n".repeat(chunk.unclosed));
        owned.as_str()
    } else {
        chunk_text
    };
    match FlowParser::parse(Rule::item_entry, parse_text) {
        Ok(pairs) => {
            let mut lower = lower::Lower {
                file,
                base: chunk.start,
                limit: chunk.end,
                diags,
                depth: 0,
            };
            for pair in pairs {
                if pair.as_rule() == Rule::EOI {
                    continue;
                }
                if let Some(item) = lower.item(pair) {
                    items.push(item);
                }
            }
        }
        Err(err) => diags.push(item_error(&err, chunk_text, chunk_span, chunk.unclosed > 0)),
    }
}

fn item_error(err: &pest::error::Error<Rule>, text: &str, span: Span, unclosed: bool) -> Diagnostic {
    let word: String = text
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let lead = text.len() - text.trim_start().len();
    if !ITEMS.contains(&word.as_str()) {
        let start = span.start as usize + lead;
        let shown = if word.is_empty() {
            text.trim().chars().take(20).collect::<String>()
        } else {
            word.clone()
        };
        let at = Span::new(span.file, start, start + shown.len().max(1));
        let d = Diagnostic::new(
            &SYNTAX_ERROR,
            format!("expected `import`, `flow`, `queue`, `step` or `menu`, found `{shown}`"),
        )
        .primary(at, "not the start of a top-level item");
        return match did_you_mean(&word, ITEMS.iter().copied()) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None if STATEMENTS.contains(&word.as_str()) => {
                d.help("statements belong inside a `step` block: `step name {` … `}`")
            }
            None => d.help("a file holds `import`, `flow`, `queue`, `step` and `menu` items; see docs/language.md"),
        };
    }
    let d = errors::pest_error(err, text, span.start as usize, span);
    // An error in the closing braces we added is already reported as E0002.
    if unclosed && d.primary_span().is_some_and(|s| s.start as usize >= span.end as usize) {
        return Diagnostic {
            labels: Vec::new(),
            ..d
        };
    }
    d.help(match word.as_str() {
        "step" => "a step is written `step name {`, statements on their own lines, then `}`",
        "menu" => "a menu is written `menu name {`, prompts and options on their own lines, then `}`",
        "flow" => "a flow is written `flow name {`, settings such as `start welcome` on their own lines, then `}`",
        "queue" => "a queue is written `queue name` or `queue name {` with `hold_music \"…\"` inside",
        _ => "an import is written `import \"other.flow\"`",
    })
}

fn too_deep(text: &str, offset: usize, file: crate::span::FileId) -> Option<Diagnostic> {
    // Depth only grows at `(` and `{`: with no more of them than the limit
    // (nearly every chunk), it cannot pass it. Counting them is a loop the
    // compiler vectorises; the scan below is not, and it ran on every chunk.
    let openers = text.bytes().filter(|&b| b == b'(' || b == b'{').count();
    if openers <= MAX_NESTING {
        return None;
    }
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    // Bytes, not chars: every byte that matters is ASCII, and the bytes of a
    // multi-byte character never are, so the result is the same (an escape
    // ends at the first byte of the escaped character, its other bytes are
    // plain text), only faster.
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"' | b'\n') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'(' | b'{' => depth += 1,
            b')' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_NESTING {
            return Some(
                Diagnostic::new(&SYNTAX_ERROR, format!("nesting deeper than {MAX_NESTING} levels"))
                    .primary(Span::new(file, offset + i, offset + i + 1), "too deep")
                    .help("split deeply nested conditions into separate steps"),
            );
        }
    }
    None
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod span_tests {
    use super::*;

    /// Regression (tests/no_panic.rs): the "item ends here" label of an
    /// unclosed block was put on the last *byte*, inside a multi-byte
    /// character when the file ends in one without a newline.
    #[test]
    fn the_end_label_of_an_unclosed_block_is_on_a_character_boundary() {
        for src in ["step a {\n  say \"x\" é", "step a {\n  say \"é👋", "menu m {\n👋"] {
            let (_, diags) = parse(FileId(0), src);
            assert!(
                diags.iter().any(|d| d.code.id == UNCLOSED_BLOCK.id),
                "{src:?}: {diags:#?}"
            );
            for label in diags.iter().flat_map(|d| &d.labels) {
                assert!(src.get(label.span.range()).is_some(), "{src:?}: {label:?}");
            }
        }
    }

    /// pest gives up on very deep input with "stack limit reached"; that must
    /// read as a nesting problem, not as "expected stack limit reached".
    #[test]
    fn pest_running_out_of_stack_reads_as_too_deep() {
        let src = format!(
            "step a {{\n  if {}true {{\n    hangup\n  }}\n}}\n",
            "not ".repeat(100_000)
        );
        let (_, diags) = parse(FileId(0), &src);
        let messages: Vec<_> = diags.iter().map(|d| d.message.as_str()).collect();
        assert!(messages.iter().any(|m| m.contains("nested too deeply")), "{messages:?}");
        assert!(
            !messages.iter().any(|m| m.contains("expected stack limit")),
            "{messages:?}"
        );
    }
}
