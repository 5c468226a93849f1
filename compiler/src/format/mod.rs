//! `callflow fmt`: one canonical layout for `.flow` files (docs/fmt.md).
//!
//! The formatter works on the source text, not on the syntax tree: the tree
//! keeps neither comments nor the order in which options were written, and
//! the layout is only about whitespace anyway. Each line is cut into tokens
//! (`lex`), the tokens are joined with canonical spacing (`spacing`), and the
//! lines get their indentation and blank lines (`layout`). Tokens themselves
//! are never changed, so strings, numbers and durations stay as written.
//!
//! Formatting is pure (the language server calls it for
//! `textDocument/formatting`) and safe: text with syntax errors is refused,
//! because its block structure is a guess, and every result is checked to
//! mean what the input meant (`equiv`) before it is returned.

mod equiv;
mod layout;
mod lex;
mod spacing;

use crate::diagnostic::Diagnostic;
use crate::span::FileId;
use crate::syntax::{self, codes};
use std::fmt;

/// Why a text was not formatted.
#[derive(Clone, Debug)]
pub enum FormatError {
    /// The text has syntax errors (E0001, E0002): these. Fix them first.
    SyntaxErrors(Vec<Diagnostic>),
    /// The layout would have changed what the text means (its tokens or its
    /// syntax tree): a bug in the formatter. What differs is said.
    WouldChangeMeaning(String),
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::SyntaxErrors(_) => write!(f, "it has syntax errors (run `callflow check`)"),
            FormatError::WouldChangeMeaning(what) => {
                write!(
                    f,
                    "formatting would change its meaning ({what}); this is a bug in callflow"
                )
            }
        }
    }
}

impl std::error::Error for FormatError {}

/// The canonical layout of a `.flow` file: `Ok` with the formatted text
/// (equal to `text` when it is already formatted), or why it was left alone.
///
/// Line endings become `\n`. Other diagnostics than syntax errors (an
/// undefined state, a duplicate option …) do not stop formatting.
pub fn format(text: &str) -> Result<String, FormatError> {
    let (ast, diags) = syntax::parse(FileId(0), text);
    let syntax_errors: Vec<Diagnostic> = diags
        .iter()
        .filter(|d| d.code.id == codes::SYNTAX_ERROR.id || d.code.id == codes::UNCLOSED_BLOCK.id)
        .cloned()
        .collect();
    if !syntax_errors.is_empty() {
        return Err(FormatError::SyntaxErrors(syntax_errors));
    }
    let formatted = layout::layout(text);
    // Unchanged text needs no proof (the common case in CI: one parse only).
    if formatted != text {
        equiv::same_meaning(text, ast, &diags, &formatted).map_err(FormatError::WouldChangeMeaning)?;
    }
    Ok(formatted)
}

#[cfg(test)]
mod tests;
