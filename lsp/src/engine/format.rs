//! `textDocument/formatting`: the formatter's output as one edit.

use callflow_compiler::span::LineIndex;
use tower_lsp_server::ls_types::{Position, Range, TextEdit};

/// The formatted text, or `None` when the document cannot be formatted
/// (for example it has a syntax error) — then the editor keeps it as is.
pub fn format_document(text: &str) -> Option<String> {
    // TODO(lead): call callflow_compiler::format::format once merged
    let _ = text;
    None
}

/// The edits that turn `text` into `formatted`: none when there is nothing
/// to change, else one edit replacing the whole document (the formatter
/// rewrites whole files; a diff would save bytes, not correctness).
pub fn edits(text: &str, formatted: Option<String>) -> Vec<TextEdit> {
    match formatted {
        Some(new) if new != text => {
            let lines = LineIndex::new(text);
            let end = super::position::position(text, &lines, text.len());
            vec![TextEdit::new(Range::new(Position::new(0, 0), end), new)]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_formatted_text_replaces_the_whole_document_and_no_change_means_no_edit() {
        let text = "step a {\n hangup\n}\n👋";
        let e = edits(text, Some("step a {\n  hangup\n}\n".into()));
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].range, Range::new(Position::new(0, 0), Position::new(3, 2)));
        assert!(edits(text, Some(text.into())).is_empty());
        assert!(edits(text, None).is_empty());
    }
}
