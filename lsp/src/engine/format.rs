//! `textDocument/formatting`: the formatter's output as one edit.

use callflow_compiler::span::LineIndex;
use tower_lsp_server::ls_types::{Position, Range, TextEdit};

/// The formatted text, exactly what `callflow fmt` writes; `None` when the
/// document cannot be formatted (it has a syntax error, or formatting would
/// change its meaning) — then the editor keeps it as is, and the diagnostics
/// already say why.
pub fn format_document(text: &str) -> Option<String> {
    callflow_compiler::format::format(text).ok()
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

    #[test]
    fn formatting_is_callflow_fmt_and_refuses_broken_text() {
        let messy = "flow f {\n start a\n}\nstep a {\n      hangup\n}\n";
        let formatted = format_document(messy).expect("formattable");
        assert_eq!(formatted, "flow f {\n  start a\n}\n\nstep a {\n  hangup\n}\n");
        assert_eq!(format_document(&formatted).as_deref(), Some(formatted.as_str()));
        assert_eq!(format_document("step a {\n  goto\n}\n"), None);
    }
}
