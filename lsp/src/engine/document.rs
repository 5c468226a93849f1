//! One open document: its URI, the client's version and its text.

use super::position;
use callflow_compiler::span::LineIndex;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

#[derive(Clone, Debug)]
pub struct Document {
    pub uri: Uri,
    pub version: i32,
    pub text: String,
}

impl Document {
    /// Apply the client's changes in order: a change with a range replaces
    /// that range (positions in UTF-16, clamped to the text), one without
    /// replaces the whole text.
    pub fn apply(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>) {
        for change in changes {
            match change.range {
                None => self.text = change.text,
                Some(range) => {
                    let lines = LineIndex::new(&self.text);
                    let start = position::offset(&self.text, &lines, range.start);
                    let end = position::offset(&self.text, &lines, range.end).max(start);
                    self.text.replace_range(start..end, &change.text);
                }
            }
        }
        self.version = version;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn doc(text: &str) -> Document {
        Document {
            uri: "file:///t.flow".parse().unwrap_or_else(|_| panic!("uri")),
            version: 1,
            text: text.to_string(),
        }
    }

    fn edit(l0: u32, c0: u32, l1: u32, c1: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l0, c0), Position::new(l1, c1))),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn ranged_changes_apply_in_order_with_utf16_columns() {
        let mut d = doc("say \"👋 hi\"\ngoto a\n");
        // `say "` is 5 units and the emoji 2, so "hi" is at columns 8–10.
        d.apply(2, vec![edit(0, 8, 0, 10, "yo"), edit(1, 5, 1, 6, "b")]);
        assert_eq!(d.text, "say \"👋 yo\"\ngoto b\n");
        assert_eq!(d.version, 2);
    }

    #[test]
    fn a_change_without_a_range_replaces_everything_and_bad_ranges_clamp() {
        let mut d = doc("old");
        let whole = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "new\n".into(),
        };
        // The second edit's end is before its start and past the text: clamped, no panic.
        d.apply(3, vec![whole, edit(9, 9, 0, 1, "!")]);
        assert_eq!(d.text, "new\n!");
    }
}
