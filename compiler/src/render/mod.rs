//! Turning diagnostics into text for people and machines.
//!
//! Pure: diagnostics and the sources they point into go in, one string comes
//! out. Where the string goes (stdout, a file, a CI upload) is the caller's
//! business. Every format is a view of the same [`Diagnostic`]; the LSP converts
//! diagnostics itself, from the same fields.

mod docs;
mod human;
mod json;
mod location;
mod sarif;
mod short;

use crate::diagnostic::Diagnostic;
use crate::span::SourceMap;

pub use docs::{diagnostics_index, explain_url};

/// An output format of `callflow check --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Source snippets with labels (miette). `color` adds ANSI colours.
    Human { color: bool },
    /// One `file:line:col: severity[CODE]: message` line per diagnostic.
    Short,
    /// JSON lines: one object per diagnostic.
    Json,
    /// One SARIF 2.1.0 log (for code-scanning uploads).
    Sarif,
}

/// Render `diags` (whose spans point into `sources`) in `format`.
pub fn render(diags: &[Diagnostic], sources: &SourceMap, format: Format) -> String {
    match format {
        Format::Human { color } => human::render(diags, sources, color),
        Format::Short => short::render(diags, sources),
        Format::Json => json::render(diags, sources),
        Format::Sarif => sarif::render(diags, sources),
    }
}

/// "2 errors, 1 warning": the counts of a run, as the human summary and the
/// CLI print them. Empty when there are no diagnostics.
pub fn counts(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => String::new(),
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;
    use crate::span::Span;

    fn diag(id: &str) -> Diagnostic {
        let code = codes::lookup(id).unwrap_or(codes::ALL[0]);
        Diagnostic::new(code, "m").primary(Span::default(), "l")
    }

    #[test]
    fn counts_pluralise_and_skip_zero() {
        assert_eq!(counts(&[]), "");
        assert_eq!(counts(&[diag("E0101")]), "1 error");
        assert_eq!(counts(&[diag("W0301"), diag("W0301")]), "2 warnings");
        assert_eq!(
            counts(&[diag("E0101"), diag("E0102"), diag("W0301")]),
            "2 errors, 1 warning"
        );
    }
}
