//! Lines, indentation and blank lines.
//!
//! The language is line-oriented (a statement ends at its line end, `{` ends
//! a line and `}` starts one), so the layout is decided line by line: first
//! every source line becomes one or more logical lines with their block
//! depth, then the blank lines between them are decided.

use super::lex::{self, Kind, Token};
use super::spacing;

/// One output line, before indentation and blank lines.
#[derive(Debug)]
struct Line {
    /// Block depth: the indentation is two spaces per level.
    depth: usize,
    /// The line's tokens with canonical spacing, trailing comment included.
    text: String,
    /// The source had at least one blank line right before this line.
    blank_before: bool,
    /// A comment on a line of its own.
    comment_only: bool,
    /// Ends with `{`: a block opens.
    opens: bool,
    /// Starts with `}`: a block closes.
    closes: bool,
    /// An `on … -> …` line, which routes the statement above it.
    outcome: bool,
}

/// The canonical layout of `text`. Meant for text without syntax errors
/// (`format` checks that first); on other text it still terminates and keeps
/// every token, it just may not read well.
pub fn layout(text: &str) -> String {
    render(&logical_lines(text))
}

/// The source's lines, as the grammar counts them: `\n`, `\r\n` and a lone
/// `\r` all end a line (pest's `NEWLINE`). A string cannot hold a line break,
/// so no string is ever cut.
pub fn source_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.find(['\n', '\r']) {
            Some(at) => {
                let after = if current[at..].starts_with("\r\n") {
                    at + 2
                } else {
                    at + 1
                };
                rest = Some(&current[after..]);
                Some(&current[..at])
            }
            None => {
                rest = None;
                // A final line break does not start another (empty) line.
                (!current.is_empty()).then_some(current)
            }
        }
    })
}

fn logical_lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut depth = 0usize;
    let mut blank = false;
    for source in source_lines(text) {
        let mut tokens = lex::tokens(source);
        let comment = match tokens.last() {
            Some(t) if t.kind == Kind::Comment => tokens.pop(),
            _ => None,
        };
        if tokens.is_empty() {
            match comment {
                Some(c) => lines.push(Line {
                    depth,
                    text: c.text.to_string(),
                    blank_before: blank,
                    comment_only: true,
                    opens: false,
                    closes: false,
                    outcome: false,
                }),
                None => {
                    blank = true;
                    continue;
                }
            }
            blank = false;
            continue;
        }
        // The grammar lets a `}` follow a statement on its line (`hangup }`);
        // the house style puts every `}` at the start of a line.
        let pieces = split_before_closing_braces(&tokens);
        let last = pieces.len().saturating_sub(1);
        for (i, piece) in pieces.into_iter().enumerate() {
            let closes = piece.first().is_some_and(|t| t.is_punct("}"));
            if closes {
                depth = depth.saturating_sub(1);
            }
            let mut text = spacing::join(piece);
            if i == last
                && let Some(c) = comment
            {
                text.push(' ');
                text.push_str(c.text);
            }
            lines.push(Line {
                depth,
                text,
                blank_before: blank && i == 0,
                comment_only: false,
                opens: piece.last().is_some_and(|t| t.is_punct("{")),
                closes,
                outcome: piece.first().is_some_and(|t| t.kind == Kind::Word && t.text == "on"),
            });
            depth += piece.iter().filter(|t| t.is_punct("{")).count();
        }
        blank = false;
    }
    lines
}

/// `tokens` cut before every `}` but a first one.
fn split_before_closing_braces<'t, 'a>(tokens: &'t [Token<'a>]) -> Vec<&'t [Token<'a>]> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate() {
        if i > start && token.is_punct("}") {
            pieces.push(&tokens[start..i]);
            start = i;
        }
    }
    pieces.push(&tokens[start..]);
    pieces
}

fn render(lines: &[Line]) -> String {
    let outcome_next = outcome_next(lines);
    let mut out = String::with_capacity(lines.iter().map(|l| l.text.len() + 2 * l.depth + 2).sum());
    for (i, line) in lines.iter().enumerate() {
        let routes = outcome_next.get(i).copied().unwrap_or(false);
        if i > 0 && !routes && blank_before(lines, i) {
            out.push('\n');
        }
        for _ in 0..line.depth {
            out.push_str("  ");
        }
        out.push_str(&line.text);
        out.push('\n');
    }
    out
}

/// Per line: is it an `on …` line, or a comment directly above one? No blank
/// line goes there, so that outcomes stay with the statement they route.
/// One backward pass, so a long run of comments costs no more than its length.
fn outcome_next(lines: &[Line]) -> Vec<bool> {
    let mut out = vec![false; lines.len()];
    let mut next = false;
    for (i, line) in lines.iter().enumerate().rev() {
        next = line.outcome || (line.comment_only && line.depth > 0 && next);
        out[i] = next;
    }
    out
}

/// Is there a blank line between `lines[i - 1]` and `lines[i]`?
///
/// Inside a block, the author's blank lines are kept (one of a run), except
/// right after `{` and right before `}` (and above `on …` lines: see
/// `outcome_next`). Between top-level items there is exactly one: a block
/// item (`flow`, `queue … {`, `step`, `menu`) always has one above and below
/// it, the comments right above an item stay attached to it, and one-line
/// items (`import`, `queue NAME`) may be grouped as the author grouped them.
fn blank_before(lines: &[Line], i: usize) -> bool {
    let (Some(prev), Some(line)) = (i.checked_sub(1).and_then(|p| lines.get(p)), lines.get(i)) else {
        return false;
    };
    if line.depth > 0 || line.closes {
        return line.blank_before && !prev.opens && !line.closes;
    }
    if prev.closes && prev.depth == 0 {
        return true;
    }
    if line.opens {
        return if prev.comment_only { line.blank_before } else { true };
    }
    if line.comment_only && !prev.comment_only && comments_attach_to_block(lines, i) {
        return true;
    }
    line.blank_before
}

/// Do the top-level comment lines starting at `lines[i]` lead, without a
/// blank line, to a block item? Then they document it and are spaced with it.
fn comments_attach_to_block(lines: &[Line], i: usize) -> bool {
    for line in lines.iter().skip(i + 1) {
        if line.blank_before || line.depth > 0 {
            return false;
        }
        if !line.comment_only {
            return line.opens;
        }
    }
    false
}
