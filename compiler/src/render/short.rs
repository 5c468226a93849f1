//! The short format: one `file:line:col: severity[CODE]: message` line per
//! diagnostic, via codespan-reporting's short display style. For editors'
//! error parsers and `grep`.

use super::location::{self, locate};
use crate::diagnostic::{Diagnostic, Severity};
use crate::span::{FileId, SourceMap};
use codespan_reporting::diagnostic::{self as cs, LabelStyle};
use codespan_reporting::files::{self, Files};
use codespan_reporting::term::{self, Config, DisplayStyle};
use std::fmt::Write;
use std::ops::Range;

pub fn render(diags: &[Diagnostic], sources: &SourceMap) -> String {
    let config = Config {
        display_style: DisplayStyle::Short,
        ..Config::default()
    };
    let files = Sources(sources);
    let mut out = String::new();
    for diag in diags {
        match term::emit_into_string(&config, &files, &to_codespan(diag)) {
            Ok(line) => out.push_str(&line),
            // Our `Files` never fails, but a line is owed either way.
            Err(_) => fallback(diag, sources, &mut out),
        }
    }
    out
}

/// Only the main primary label: the short style prints one header per primary
/// label, and a diagnostic must stay one line.
fn to_codespan(diag: &Diagnostic) -> cs::Diagnostic<FileId> {
    let severity = match diag.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
    };
    let labels = diag
        .primary_span()
        .map(|span| cs::Label::new(LabelStyle::Primary, span.file, span.range()))
        .into_iter()
        .collect();
    cs::Diagnostic::new(severity)
        .with_code(diag.code.id)
        .with_message(&diag.message)
        .with_labels(labels)
}

fn fallback(diag: &Diagnostic, sources: &SourceMap, out: &mut String) {
    let (sev, id, msg) = (diag.severity.as_str(), diag.code.id, &diag.message);
    match diag.primary_span() {
        Some(span) => {
            let loc = locate(sources, span);
            let _ = writeln!(
                out,
                "{}:{}:{}: {sev}[{id}]: {msg}",
                loc.file, loc.begin.line, loc.begin.column
            );
        }
        None => {
            let _ = writeln!(out, "{sev}[{id}]: {msg}");
        }
    }
}

/// The source map as codespan's file database. Positions come from the same
/// [`location`] code as the JSON and SARIF formats, so all formats agree
/// (1-based lines, columns in characters), and spans never fail to resolve.
struct Sources<'a>(&'a SourceMap);

impl<'a> Files<'a> for Sources<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        Ok(self.0.get(id).map_or(location::UNKNOWN_FILE, |f| f.name.as_str()))
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        Ok(self.0.get(id).map_or("", |f| f.text.as_str()))
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, files::Error> {
        Ok(self
            .0
            .get(id)
            .map_or(0, |f| f.lines.line_of(byte_index.min(f.text.len()))))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, files::Error> {
        let Some(f) = self.0.get(id) else {
            return Ok(0..0);
        };
        let start = f.lines.line_start(line_index).unwrap_or(f.text.len());
        let end = f.lines.line_start(line_index + 1).unwrap_or(f.text.len());
        Ok(start..end.max(start))
    }

    fn location(&'a self, id: FileId, byte_index: usize) -> Result<files::Location, files::Error> {
        let span = crate::span::Span::new(id, byte_index, byte_index);
        let loc = locate(self.0, span);
        Ok(files::Location {
            line_number: loc.begin.line,
            column_number: loc.begin.column,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;
    use crate::span::Span;

    #[test]
    fn one_line_per_diagnostic_with_character_columns() {
        let mut sources = SourceMap::new();
        let text = "step a {\n  say \"ñandú\" goto x\n}\n";
        let f = sources.add("dir/a.flow", text);
        let at = text.find("goto").unwrap_or(0);
        let code = codes::lookup("E0001").unwrap_or(codes::ALL[0]);
        let warn = codes::lookup("W0301").unwrap_or(codes::ALL[0]);
        let diags = [
            Diagnostic::new(code, "expected end of line")
                .primary(Span::new(f, at, at + 4), "here")
                .help("h"),
            Diagnostic::new(warn, "state `a` is never reached")
                .primary(Span::new(f, 5, 6), "a")
                .secondary(Span::new(f, 0, 4), "b"),
            Diagnostic::new(code, "no labels at all"),
        ];
        let out = render(&diags, &sources);
        assert_eq!(
            out,
            "dir/a.flow:2:15: error[E0001]: expected end of line\n\
             dir/a.flow:1:6: warning[W0301]: state `a` is never reached\n\
             error[E0001]: no labels at all\n"
        );
    }

    #[test]
    fn spans_beyond_the_file_do_not_fail() {
        let mut sources = SourceMap::new();
        let f = sources.add("a.flow", "ab\n");
        let code = codes::ALL[0];
        let out = render(
            &[Diagnostic::new(code, "m").primary(Span::new(f, 50, 60), "x")],
            &sources,
        );
        assert_eq!(out, "a.flow:2:1: error[E0001]: m\n");
    }
}
