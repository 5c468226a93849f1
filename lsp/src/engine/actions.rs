//! Quick fixes: create the state an E0101 `goto` names, remove a state W0301
//! says no flow reaches.

use super::diagnostics::convert;
use super::position;
use super::snapshot::Snapshot;
use callflow_compiler::ast::Item;
use callflow_compiler::span::{FileId, SourceFile, Span};
use std::collections::HashMap;
use tower_lsp_server::ls_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, WorkspaceEdit};

pub fn for_range(snap: &Snapshot, file: FileId, range: Range) -> Vec<CodeActionOrCommand> {
    let (Some(source), Some(uri)) = (snap.file(file), snap.uri(file)) else {
        return Vec::new();
    };
    // Whole lines: a fix is offered anywhere on the line of its diagnostic,
    // not only with the cursor on the very name.
    let lines = range.start.line..=range.end.line;
    let mut out = Vec::new();
    for d in &snap.diagnostics {
        let Some(span) = d.primary_span().filter(|s| s.file == file) else {
            continue;
        };
        let at = position::range(source, span);
        if at.end.line < *lines.start() || at.start.line > *lines.end() {
            continue;
        }
        let fix = match d.code.id {
            "E0101" => create_state(snap, source, span),
            "W0301" => remove_state(snap, source, span),
            _ => None,
        };
        if let Some((title, edit)) = fix {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![convert(snap, d)]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(true),
                ..CodeAction::default()
            }));
        }
    }
    out
}

/// A new step after the item that names it, ending the call so that it is
/// valid at once (its author replaces `hangup` with what it should do).
fn create_state(snap: &Snapshot, source: &SourceFile, name_span: Span) -> Option<(String, TextEdit)> {
    let name = source.slice(name_span);
    if name.is_empty() {
        return None;
    }
    let item_end = snap
        .ast(name_span.file)?
        .items
        .iter()
        .map(Item::span)
        .find(|s| s.start <= name_span.start && name_span.end <= s.end)
        .map_or(source.text.len(), |s| s.end as usize);
    let at = line_end(&source.text, item_end.saturating_sub(1));
    let lead = if source.text[..at].ends_with('\n') || at == 0 {
        "\n"
    } else {
        "\n\n"
    };
    let text = format!("{lead}step {name} {{\n  hangup\n}}\n");
    let pos = position::position(&source.text, &source.lines, at);
    Some((
        format!("Create step `{name}`"),
        TextEdit::new(Range::new(pos, pos), text),
    ))
}

/// Delete the state's lines, and one blank line after them.
fn remove_state(snap: &Snapshot, source: &SourceFile, name_span: Span) -> Option<(String, TextEdit)> {
    let state = snap.ast(name_span.file)?.states().find(|s| s.name.span == name_span)?;
    let text = &source.text;
    let start = text[..state.span.start as usize].rfind('\n').map_or(0, |i| i + 1);
    let mut end = line_end(text, (state.span.end as usize).saturating_sub(1));
    let next = line_end(text, end);
    if text[end..next].trim().is_empty() && next > end {
        end = next;
    }
    let range = Range::new(
        position::position(text, &source.lines, start),
        position::position(text, &source.lines, end),
    );
    let kind = match state.body {
        callflow_compiler::ast::StateBody::Step(_) => "step",
        callflow_compiler::ast::StateBody::Menu(_) => "menu",
    };
    Some((
        format!("Remove unreachable {kind} `{}`", &*state.name.text),
        TextEdit::new(range, String::new()),
    ))
}

/// The offset just after the line break of the line containing `offset`
/// (the text's end when it has none).
fn line_end(text: &str, offset: usize) -> usize {
    // Bytes, so that an offset inside a multi-byte character cannot panic;
    // the result is always after a `\n` or the end.
    let offset = offset.min(text.len());
    text.as_bytes()[offset..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| offset + i + 1)
}
