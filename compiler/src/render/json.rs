//! The JSON format: JSON lines, one object per diagnostic, for scripts and
//! CI annotations. Lines are 1-based; columns count characters; `end_line` and
//! `end_column` are the position just after the span. Byte offsets are given
//! too, for tools that slice the file themselves.

use super::location::{Location, locate};
use crate::diagnostic::Diagnostic;
use crate::span::SourceMap;
use serde::Serialize;

pub fn render(diags: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for diag in diags {
        // Serialising these plain structs cannot fail; skip rather than panic.
        if let Ok(line) = serde_json::to_string(&Object::new(diag, sources)) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// One diagnostic. Field order is the order of this struct; the position
/// fields are those of the primary label, null for a diagnostic without labels.
#[derive(Serialize)]
struct Object<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    span: Option<ByteSpan>,
    help: Option<&'a str>,
    notes: &'a [String],
    labels: Vec<LabelObject<'a>>,
    explain_url: String,
}

#[derive(Serialize)]
struct LabelObject<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    span: ByteSpan,
    message: &'a str,
    primary: bool,
}

#[derive(Serialize)]
struct ByteSpan {
    start: usize,
    end: usize,
}

impl<'a> Object<'a> {
    fn new(diag: &'a Diagnostic, sources: &'a SourceMap) -> Self {
        let at: Option<Location<'a>> = diag.primary_span().map(|span| locate(sources, span));
        let labels = diag
            .labels
            .iter()
            .map(|l| {
                let loc = locate(sources, l.span);
                LabelObject {
                    file: loc.file,
                    line: loc.begin.line,
                    column: loc.begin.column,
                    end_line: loc.finish.line,
                    end_column: loc.finish.column,
                    span: ByteSpan {
                        start: loc.start,
                        end: loc.end,
                    },
                    message: &l.message,
                    primary: l.primary,
                }
            })
            .collect();
        Object {
            code: diag.code.id,
            name: diag.code.name,
            severity: diag.severity.as_str(),
            message: &diag.message,
            file: at.as_ref().map(|l| l.file),
            line: at.as_ref().map(|l| l.begin.line),
            column: at.as_ref().map(|l| l.begin.column),
            end_line: at.as_ref().map(|l| l.finish.line),
            end_column: at.as_ref().map(|l| l.finish.column),
            span: at.as_ref().map(|l| ByteSpan {
                start: l.start,
                end: l.end,
            }),
            help: diag.help.as_deref(),
            notes: &diag.notes,
            labels,
            explain_url: super::explain_url(diag.code),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;
    use crate::span::Span;
    use serde_json::Value;

    #[test]
    fn each_line_is_an_object_with_every_field() {
        let mut sources = SourceMap::new();
        let text = "step a {\n  say \"€5\" voice robot\n}\n";
        let f = sources.add("a.flow", text);
        let at = text.find("robot").unwrap_or(0);
        let code = codes::lookup("E0001").unwrap_or(codes::ALL[0]);
        let diags = [
            Diagnostic::new(code, "expected a voice")
                .primary(Span::new(f, at, at + 5), "not a voice")
                .secondary(Span::new(f, 5, 6), "in this step")
                .help("use `male` or `female`")
                .note("a note"),
            Diagnostic::new(code, "no labels"),
        ];
        let out = render(&diags, &sources);
        let lines: Vec<Value> = out.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
        assert_eq!(lines.len(), 2);
        let d = &lines[0];
        assert_eq!(d["code"], "E0001");
        assert_eq!(d["name"], "syntax-error");
        assert_eq!(d["severity"], "error");
        assert_eq!(d["file"], "a.flow");
        assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(2), Some(18)));
        assert_eq!((d["end_line"].as_u64(), d["end_column"].as_u64()), (Some(2), Some(23)));
        assert_eq!(d["span"]["start"].as_u64(), Some(at as u64));
        assert_eq!(d["span"]["end"].as_u64(), Some(at as u64 + 5));
        assert_eq!(d["help"], "use `male` or `female`");
        assert_eq!(d["notes"][0], "a note");
        assert_eq!(d["explain_url"], "docs/diagnostics.md#e0001");
        assert_eq!(d["labels"][0]["primary"], true);
        assert_eq!(d["labels"][1]["primary"], false);
        assert_eq!(d["labels"][1]["message"], "in this step");
        assert_eq!(d["labels"][1]["column"].as_u64(), Some(6));
        assert!(lines[1]["file"].is_null() && lines[1]["help"].is_null());
        assert_eq!(render(&[], &sources), "");
        assert!(
            out.starts_with("{\"code\":\"E0001\",\"name\":\"syntax-error\",\"severity\":\"error\""),
            "{out}"
        );
    }
}
