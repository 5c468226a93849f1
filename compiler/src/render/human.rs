//! The human format: source snippets with labelled underlines, via miette.
//!
//! Each [`Diagnostic`] is wrapped in a [`Report`] that implements
//! `miette::Diagnostic` and rendered with a fixed width so that output (and the
//! fixture snapshots) do not depend on the terminal. Labels in files other than
//! the primary one (a definition in an imported file) get a snippet of their
//! own below the main one.

use super::location::{self, locate};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::span::{FileId, SourceFile, SourceMap};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan,
    SpanContents,
};
use std::borrow::Cow;
use std::fmt::{self, Write};

/// Wide enough for typical lines, fixed so output is reproducible.
const WIDTH: usize = 100;

pub fn render(diags: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_links(false);
    let mut out = String::new();
    for diag in diags {
        render_one(&handler, diag, sources, &mut out);
        out.push('\n');
    }
    let counts = super::counts(diags);
    if !counts.is_empty() {
        let worst = if diags.iter().any(Diagnostic::is_error) {
            Severity::Error
        } else {
            Severity::Warning
        };
        let _ = writeln!(out, "{}: {counts} emitted", paint(worst.as_str(), worst, color));
    }
    out
}

fn render_one(handler: &GraphicalReportHandler, diag: &Diagnostic, sources: &SourceMap, out: &mut String) {
    let home = diag.primary_span().map(|s| s.file);
    let file_of = |id: FileId| sources.get(id).map(|file| FileSource::new(file, id, &diag.labels));
    let (here, elsewhere): (Vec<&Label>, Vec<&Label>) = diag.labels.iter().partition(|l| Some(l.span.file) == home);
    let main = Report {
        message: diag.message.clone(),
        code: Some(format!("{} {}", diag.code.id, diag.code.name)),
        severity: to_miette(diag.severity),
        help: diag.help.clone(),
        source: home.and_then(file_of),
        labels: here,
    };
    if handler.render_report(out, &main).is_err() {
        // Rendering into a String only fails if a Display impl fails; fall
        // back to the bare message rather than dropping the diagnostic.
        let _ = writeln!(out, "{}[{}]: {}", diag.severity.as_str(), diag.code.id, diag.message);
    }
    if main.source.is_none() {
        note_locations(&main.labels, sources, out);
    }
    for note in &diag.notes {
        let _ = writeln!(out, "  note: {}", note.replace('\n', "\n        "));
    }
    // Labels in other files, one snippet per file in order of appearance.
    let mut files: Vec<FileId> = Vec::new();
    for label in &elsewhere {
        if !files.contains(&label.span.file) {
            files.push(label.span.file);
        }
    }
    for file in files {
        let labels: Vec<&Label> = elsewhere.iter().copied().filter(|l| l.span.file == file).collect();
        let name = sources.get(file).map_or(location::UNKNOWN_FILE, |f| f.name.as_str());
        let related = Report {
            message: format!("related code in {name}"),
            code: None,
            severity: miette::Severity::Advice,
            help: None,
            source: file_of(file),
            labels,
        };
        out.push('\n');
        if handler.render_report(out, &related).is_err() {
            let _ = writeln!(out, "  related code in {name}");
        }
        if related.source.is_none() {
            note_locations(&related.labels, sources, out);
        }
    }
}

/// Without the file's text there is no snippet: at least say where each
/// label is.
fn note_locations(labels: &[&Label], sources: &SourceMap, out: &mut String) {
    for label in labels {
        let loc = locate(sources, label.span);
        let _ = writeln!(
            out,
            "  note: {}:{}:{}: {}",
            loc.file, loc.begin.line, loc.begin.column, label.message
        );
    }
}

fn to_miette(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
    }
}

/// The summary line's prefix, coloured like miette colours the severity.
fn paint(text: &str, severity: Severity, color: bool) -> String {
    match (color, severity) {
        (false, _) => text.to_string(),
        (true, Severity::Error) => format!("\u{1b}[1;31m{text}\u{1b}[0m"),
        (true, Severity::Warning) => format!("\u{1b}[1;33m{text}\u{1b}[0m"),
    }
}

/// One diagnostic (or one file's worth of related labels) as miette sees it.
#[derive(Debug)]
struct Report<'a> {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<FileSource<'a>>,
    labels: Vec<&'a Label>,
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code.as_ref().map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        // Without the file's text there is nothing to underline.
        let file = self.source.as_ref()?.file;
        let mut primary_seen = false;
        let labels = self.labels.iter().map(move |l| {
            let (start, end) = location::clamp(&file.text, l.span);
            let span = SourceSpan::from(start..end);
            let text = (!l.message.is_empty()).then(|| l.message.clone());
            // miette allows one primary label: it names the snippet's position.
            if l.primary && !primary_seen {
                primary_seen = true;
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
            }
        });
        Some(Box::new(labels))
    }
}

/// A source file that miette can read snippets from, under its display name.
#[derive(Clone, Debug)]
struct FileSource<'a> {
    file: &'a SourceFile,
    /// The text shown. miette draws no label at the very end of a text (an
    /// empty file, "expected `}`" after the last line), so when a label is
    /// there the text gets one trailing space for the label to point at.
    text: Cow<'a, str>,
}

impl<'a> FileSource<'a> {
    fn new(file: &'a SourceFile, id: FileId, labels: &[Label]) -> Self {
        let end = file.text.len();
        let at_end = labels.iter().any(|l| l.span.file == id && l.span.start as usize >= end);
        let text = if at_end {
            Cow::Owned(format!("{} ", file.text))
        } else {
            Cow::Borrowed(file.text.as_str())
        };
        FileSource { file, text }
    }
}

impl SourceCode for FileSource<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self.text.as_ref().read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.file.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;
    use crate::span::Span;

    fn code(id: &str) -> &'static crate::Code {
        codes::lookup(id).unwrap_or(codes::ALL[0])
    }

    fn at(text: &str, needle: &str) -> (usize, usize) {
        let start = text.find(needle).unwrap_or(0);
        (start, start + needle.len())
    }

    const MAIN: &str = "flow main {\n  start welcome\n}\n\nstep welcome {\n  say \"Grüß Gott 👋\"\n  goto sale\n}\n";

    #[test]
    fn renders_code_message_label_help_and_summary() {
        let mut sources = SourceMap::new();
        let f = sources.add("main.flow", MAIN);
        let (s, e) = at(MAIN, "sale");
        let d = Diagnostic::new(code("E0101"), "no state named `sale`")
            .primary(Span::new(f, s, e), "not defined")
            .help("did you mean `sales`?")
            .note("states are global to the project");
        let out = render(&[d], &sources, false);
        let expected = "\
E0101 undefined-state

  × no state named `sale`
   ╭─[main.flow:7:8]
 6 │   say \"Grüß Gott 👋\"
 7 │   goto sale
   ·        ──┬─
   ·          ╰── not defined
 8 │ }
   ╰────
  help: did you mean `sales`?
  note: states are global to the project

error: 1 error emitted
";
        assert_eq!(out, expected);
    }

    #[test]
    fn zero_length_spans_and_end_of_file_render() {
        let mut sources = SourceMap::new();
        let f = sources.add("main.flow", MAIN);
        let eof = MAIN.len();
        let d = Diagnostic::new(code("E0002"), "`step welcome` is never closed")
            .primary(Span::new(f, eof, eof), "expected `}` here")
            .secondary(Span::new(f, 0, 0), "file starts here")
            .help("add `}`");
        let out = render(&[d], &sources, false);
        assert!(out.contains("╭─[main.flow:9:1]"), "{out}");
        assert!(out.contains("expected `}` here"), "{out}");
        assert!(out.contains("file starts here"), "{out}");
        let empty = SourceMap::new();
        let mut one = SourceMap::new();
        let g = one.add("empty.flow", "");
        let d = Diagnostic::new(code("E0110"), "no flow")
            .primary(Span::new(g, 0, 0), "here")
            .help("add one");
        assert!(render(std::slice::from_ref(&d), &one, false).contains("here"));
        // A span into a file the map does not have still prints the message.
        assert!(render(&[d], &empty, false).contains("no flow"));
    }

    #[test]
    fn labels_in_other_files_get_their_own_snippet() {
        let mut sources = SourceMap::new();
        let lib_text = "step goodbye {\n  hangup\n}\n";
        let main_text = "import \"lib.flow\"\nmenu goodbye {\n  \"1\" -> repeat\n}\n";
        let m = sources.add("main.flow", main_text);
        let l = sources.add("lib.flow", lib_text);
        let (ms, me) = at(main_text, "goodbye");
        let (ls, le) = at(lib_text, "goodbye");
        let d = Diagnostic::new(code("E0102"), "`goodbye` is defined twice")
            .primary(Span::new(m, ms, me), "second definition")
            .secondary(Span::new(l, ls, le), "first defined here")
            .help("rename one");
        let out = render(&[d], &sources, false);
        assert!(out.contains("╭─[main.flow:2:6]"), "{out}");
        assert!(out.contains("related code in lib.flow"), "{out}");
        assert!(out.contains("╭─[lib.flow:1:6]"), "{out}");
        assert!(out.contains("first defined here"), "{out}");
    }

    #[test]
    fn colour_is_ansi_only_when_asked() {
        let mut sources = SourceMap::new();
        let f = sources.add("main.flow", MAIN);
        let d = Diagnostic::new(code("W0301"), "unused").primary(Span::new(f, 0, 4), "here");
        let plain = render(std::slice::from_ref(&d), &sources, false);
        assert!(!plain.contains('\u{1b}'));
        assert!(plain.ends_with("warning: 1 warning emitted\n"), "{plain}");
        assert!(render(&[d], &sources, true).contains('\u{1b}'));
        assert_eq!(render(&[], &sources, false), "");
    }
}
