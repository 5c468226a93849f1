//! Where a cursor is, read from the text alone (so it works on lines the
//! parser rejects): the block it is in, its line and that line's tokens.

use super::lex::{self, Tok, TokKind};
use callflow_compiler::syntax::split;

/// The kind of block a line belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    /// Between items, or on an item's first line.
    Top,
    Flow,
    Queue,
    Step,
    Menu,
}

pub struct LineContext<'a> {
    pub line: &'a str,
    /// Byte offset of the line in the text.
    pub line_start: usize,
    /// The cursor's byte offset in the line.
    pub col: usize,
    pub block: Block,
    pub tokens: Vec<Tok>,
}

impl<'a> LineContext<'a> {
    pub fn at(text: &'a str, offset: usize) -> LineContext<'a> {
        let offset = offset.min(text.len());
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let line = &text[line_start..line_end];
        LineContext {
            line,
            line_start,
            col: offset - line_start,
            block: block_at(text, line_start),
            tokens: lex::tokens(line),
        }
    }

    /// The token the cursor is on or right after.
    pub fn token(&self) -> Option<&Tok> {
        self.tokens
            .iter()
            .find(|t| t.start <= self.col && self.col <= t.end && t.kind != TokKind::Punct)
    }

    /// The first word of the line (`}` of `} else {` skipped).
    pub fn first_word(&self) -> Option<&'a str> {
        self.tokens
            .iter()
            .find(|t| t.kind == TokKind::Word)
            .map(|t| t.text(self.line))
    }

    pub fn text(&self, tok: &Tok) -> &'a str {
        tok.text(self.line)
    }
}

/// The block the line starting at `line_start` is in.
fn block_at(text: &str, line_start: usize) -> Block {
    let chunk = split::split(text)
        .into_iter()
        .find(|c| c.start <= line_start && (line_start < c.end || (c.unclosed > 0 && c.end == text.len())));
    let Some(chunk) = chunk else {
        return Block::Top;
    };
    if chunk.start == line_start {
        return Block::Top;
    }
    let first = text[chunk.start..chunk.end].split_whitespace().next().unwrap_or("");
    match first {
        "flow" => Block::Flow,
        "queue" => Block::Queue,
        "step" => Block::Step,
        "menu" => Block::Menu,
        _ => Block::Top,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(src: &str) -> Block {
        let at = src.find('|').unwrap_or(0);
        let text = src.replace('|', "");
        LineContext::at(&text, at).block
    }

    #[test]
    fn lines_know_their_block_even_when_it_is_not_closed() {
        assert_eq!(block("flow f {\n  st|\n}\n"), Block::Flow);
        assert_eq!(block("step a {\n  if x {\n    |\n  }\n}\n"), Block::Step);
        assert_eq!(block("menu m {\n  say \"x\"\n  |"), Block::Menu);
        assert_eq!(block("step a {\n  hangup\n}\n|\n"), Block::Top);
        assert_eq!(block("ste|"), Block::Top);
        assert_eq!(block("step a {\n  hangup\n}\nqueue q {\n  |\n}\n"), Block::Queue);
    }
}
