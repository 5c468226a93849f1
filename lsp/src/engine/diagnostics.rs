//! Compiler diagnostics as LSP diagnostics: the code, a link to its explain
//! page, severity, the help line and notes, and the secondary labels as
//! related information (which may point into other files of the project).

use super::position;
use super::snapshot::Snapshot;
use callflow_compiler::diagnostic::{self as compiler, Severity};
use callflow_compiler::render::explain_url;
use callflow_compiler::span::FileId;
use tower_lsp_server::ls_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location,
    NumberOrString, Uri,
};

/// Where the repository's files are published; explain pages are
/// `docs/diagnostics.md#<id>` below it (as in SARIF output).
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The diagnostics whose primary label is in `file`.
pub fn for_file(snap: &Snapshot, file: FileId) -> Vec<Diagnostic> {
    snap.diagnostics
        .iter()
        .filter(|d| d.primary_span().unwrap_or_default().file == file)
        .map(|d| convert(snap, d))
        .collect()
}

/// The explain page of a code, as a URI.
pub fn explain_href(code: &compiler::Code) -> Option<Uri> {
    format!("{REPOSITORY}/blob/main/{}", explain_url(code)).parse().ok()
}

pub fn convert(snap: &Snapshot, d: &compiler::Diagnostic) -> Diagnostic {
    let primary = d.primary_span().unwrap_or_default();
    let range = snap
        .file(primary.file)
        .map(|f| position::range(f, primary))
        .unwrap_or_default();
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    for note in &d.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter(|l| !l.primary)
        .filter_map(|l| {
            let file = snap.file(l.span.file)?;
            Some(DiagnosticRelatedInformation {
                location: Location::new(snap.uri(l.span.file)?.clone(), position::range(file, l.span)),
                message: l.message.clone(),
            })
        })
        .collect();
    Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.id.to_string())),
        code_description: explain_href(d.code).map(|href| CodeDescription { href }),
        source: Some("callflow".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: unnecessary(d.code.id).then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

/// Codes about code that never runs or is never used: editors fade it.
fn unnecessary(id: &str) -> bool {
    matches!(id, "W0301" | "W0305" | "W0306")
}
