//! Byte spans ↔ LSP positions. The LSP counts columns in UTF-16 code units
//! (the only encoding this server offers); the compiler's `LineIndex` knows
//! both directions.

use callflow_compiler::span::{LineIndex, SourceFile, Span};
use tower_lsp_server::ls_types::{Position, Range};

/// The LSP position of a byte offset (clamped to the text).
pub fn position(text: &str, lines: &LineIndex, offset: usize) -> Position {
    let lc = lines.line_col(text, offset);
    Position {
        line: to_u32(lc.line.saturating_sub(1)),
        character: to_u32(lc.utf16_column),
    }
}

/// The byte offset of an LSP position; a position past a line's end or past
/// the last line clamps, as the specification asks.
pub fn offset(text: &str, lines: &LineIndex, pos: Position) -> usize {
    lines.offset_of_utf16(text, pos.line as usize, pos.character as usize)
}

pub fn range(file: &SourceFile, span: Span) -> Range {
    Range {
        start: position(&file.text, &file.lines, span.start as usize),
        end: position(&file.text, &file.lines, span.end as usize),
    }
}

pub fn offset_in(file: &SourceFile, pos: Position) -> usize {
    offset(&file.text, &file.lines, pos)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units_both_ways() {
        // é is one UTF-16 unit (two bytes), 👋 two units (four bytes).
        let file = SourceFile::new("t.flow", "say \"é👋\" x\nhangup\n");
        let x = file.text.find(" x").map_or(0, |i| i + 1);
        let pos = position(&file.text, &file.lines, x);
        assert_eq!((pos.line, pos.character), (0, 10));
        assert_eq!(offset_in(&file, pos), x);
        let h = file.text.find("hangup").unwrap_or(0);
        assert_eq!(position(&file.text, &file.lines, h), Position::new(1, 0));
    }

    #[test]
    fn positions_beyond_the_text_clamp() {
        let file = SourceFile::new("t.flow", "ab\n");
        assert_eq!(offset_in(&file, Position::new(0, 99)), 2);
        assert_eq!(offset_in(&file, Position::new(42, 0)), 3);
    }
}
