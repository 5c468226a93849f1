//! Spans as people and tools see them: a file name, 1-based lines and
//! character columns, and byte offsets that are guaranteed to fit the text.
//!
//! Every machine-readable renderer goes through [`locate`], so JSON, SARIF and
//! the short format agree on where a diagnostic is.

use crate::span::{LineCol, SourceMap, Span};

/// Shown when a span names a file the source map does not have (a bug in the
/// caller, but the renderer must still say something rather than panic).
pub const UNKNOWN_FILE: &str = "<unknown>";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location<'a> {
    pub file: &'a str,
    /// Byte offsets, clamped to the file and to character boundaries.
    pub start: usize,
    pub end: usize,
    /// Position of the first character.
    pub begin: LineCol,
    /// Position just after the last character (exclusive, as in SARIF and LSP).
    pub finish: LineCol,
}

pub fn locate(sources: &SourceMap, span: Span) -> Location<'_> {
    let Some(file) = sources.get(span.file) else {
        let at = LineCol {
            line: 1,
            column: 1,
            utf16_column: 0,
        };
        return Location {
            file: UNKNOWN_FILE,
            start: 0,
            end: 0,
            begin: at,
            finish: at,
        };
    };
    let (start, end) = clamp(&file.text, span);
    Location {
        file: &file.name,
        start,
        end,
        begin: file.lines.line_col(&file.text, start),
        finish: file.lines.line_col(&file.text, end),
    }
}

/// The span's byte range cut down to `text`, on character boundaries.
pub fn clamp(text: &str, span: Span) -> (usize, usize) {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while i > 0 && !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(span.start as usize);
    (start, floor(span.end as usize).max(start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;

    #[test]
    fn columns_count_characters_not_bytes() {
        let mut sources = SourceMap::new();
        let text = "say \"Karibu, ünd 👋\" x\n  goto señor\n";
        let f = sources.add("a.flow", text);
        let start = text.find(" x").unwrap_or(0) + 1;
        let loc = locate(&sources, Span::new(f, start, start + 1));
        assert_eq!((loc.begin.line, loc.begin.column, loc.finish.column), (1, 21, 22));
        let start = text.find("señor").unwrap_or(0);
        let loc = locate(&sources, Span::new(f, start, start + "señor".len()));
        assert_eq!(
            (loc.begin.line, loc.begin.column, loc.finish.line, loc.finish.column),
            (2, 8, 2, 13)
        );
    }

    #[test]
    fn spans_outside_the_text_or_mid_character_are_clamped() {
        let mut sources = SourceMap::new();
        let f = sources.add("a.flow", "é");
        let loc = locate(&sources, Span::new(f, 1, 99));
        assert_eq!((loc.start, loc.end, loc.file), (0, 2, "a.flow"));
        let loc = locate(&sources, Span::new(FileId(7), 3, 4));
        assert_eq!((loc.file, loc.begin.line), (UNKNOWN_FILE, 1));
    }
}
