//! Byte spans, source files and line/column conversion.
//!
//! Every position the compiler stores is a byte range into one source file.
//! Lines and columns are computed only at the edges (renderers, LSP), from a
//! [`LineIndex`] that knows both character and UTF-16 columns.

use serde::Serialize;

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FileId(pub u32);

/// A byte range `start..end` in one file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file,
            start: clamp_u32(start),
            end: clamp_u32(end.max(start)),
        }
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both (they must be in the same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn shifted(self, by: usize) -> Span {
        Span::new(self.file, self.start as usize + by, self.end as usize + by)
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One source file: its display name and text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    pub lines: LineIndex,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let lines = LineIndex::new(&text);
        SourceFile {
            name: name.into(),
            text,
            lines,
        }
    }

    /// The text of a span, or "" when the span does not fit this file.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// All files of one check or build.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = FileId(clamp_u32(self.files.len()));
        self.files.push(SourceFile::new(name, text));
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn find(&self, name: &str) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.name == name)
            .map(|i| FileId(clamp_u32(i)))
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(clamp_u32(i)), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Line starts of a text, for byte offset → line/column conversion.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
}

/// A position as editors and reports show it. `line` and `column` are 1-based;
/// `column` counts Unicode scalar values, `utf16_column` (0-based) UTF-16 code
/// units as the LSP expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
    pub utf16_column: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        // memchr's SIMD iterator: `match_indices` started a new search at
        // every line, and this runs on the whole file before parsing starts.
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 0-based line containing `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_start(line).unwrap_or(0).min(offset);
        let before = text.get(start..offset).unwrap_or("");
        LineCol {
            line: line + 1,
            column: before.chars().count() + 1,
            utf16_column: before.encode_utf16().count(),
        }
    }

    /// Byte offset of a 0-based line and UTF-16 column (LSP positions); clamps.
    pub fn offset_of_utf16(&self, text: &str, line: usize, utf16_col: usize) -> usize {
        let Some(start) = self.line_start(line) else {
            return text.len();
        };
        let end = self.line_start(line + 1).unwrap_or(text.len());
        let mut units = 0;
        for (i, ch) in text.get(start..end).unwrap_or("").char_indices() {
            if units >= utf16_col || ch == '\n' {
                return start + i;
            }
            units += ch.len_utf16();
        }
        end
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_columns_count_characters_and_utf16_units() {
        let text = "say \"héllo 👋\"\nhangup\n";
        let idx = LineIndex::new(text);
        let h = text.find("hangup").unwrap_or(0);
        assert_eq!(
            idx.line_col(text, h),
            LineCol {
                line: 2,
                column: 1,
                utf16_column: 0
            }
        );
        let end_quote = text.rfind('"').unwrap_or(0);
        let lc = idx.line_col(text, end_quote);
        assert_eq!((lc.line, lc.column, lc.utf16_column), (1, 13, 13));
        assert_eq!(idx.offset_of_utf16(text, 0, 13), end_quote);
    }

    #[test]
    fn offsets_past_the_end_clamp() {
        let text = "ab";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 99).column, 3);
        assert_eq!(idx.offset_of_utf16(text, 7, 0), 2);
    }
}
