//! The outline of a document: its flows, queues and states (steps and
//! menus, a menu with its options), from whatever the parser could read.

use super::position;
use super::snapshot::Snapshot;
use callflow_compiler::ast::{Item, MenuKey, StateBody, Target};
use callflow_compiler::span::{FileId, SourceFile, Span};
use tower_lsp_server::ls_types::{DocumentSymbol, SymbolKind};

pub fn outline(snap: &Snapshot, file: FileId) -> Vec<DocumentSymbol> {
    let (Some(ast), Some(source)) = (snap.ast(file), snap.file(file)) else {
        return Vec::new();
    };
    ast.items
        .iter()
        .filter_map(|item| match item {
            Item::Flow(f) => Some(symbol(
                source,
                &f.name.text,
                "flow",
                SymbolKind::MODULE,
                f.span,
                f.name.span,
            )),
            Item::Queue(q) => Some(symbol(
                source,
                &q.name.text,
                "queue",
                SymbolKind::STRUCT,
                q.span,
                q.name.span,
            )),
            Item::State(s) => {
                let (detail, kind) = match s.body {
                    StateBody::Step(_) => ("step", SymbolKind::FUNCTION),
                    StateBody::Menu(_) => ("menu", SymbolKind::ENUM),
                };
                let mut sym = symbol(source, &s.name.text, detail, kind, s.span, s.name.span);
                if let StateBody::Menu(menu) = &s.body {
                    let options: Vec<DocumentSymbol> = menu
                        .options
                        .iter()
                        .map(|o| {
                            let key = match &o.key {
                                MenuKey::Digit(k) => format!("\"{}\"", k.display()),
                                MenuKey::Timeout(_) => "timeout".to_string(),
                                MenuKey::Invalid(_) => "invalid".to_string(),
                                MenuKey::Exhausted(_) => "exhausted".to_string(),
                            };
                            let target = match &o.target {
                                Target::Repeat(_) => "repeat",
                                Target::State(t) => &t.text,
                            };
                            let name = format!("{key} -> {target}");
                            symbol(source, &name, "option", SymbolKind::ENUM_MEMBER, o.span, o.key.span())
                        })
                        .collect();
                    sym.children = (!options.is_empty()).then_some(options);
                }
                Some(sym)
            }
            Item::Import(_) => None,
        })
        .filter(|s| !s.name.is_empty())
        .collect()
}

fn symbol(
    source: &SourceFile,
    name: &str,
    detail: &str,
    kind: SymbolKind,
    span: Span,
    name_span: Span,
) -> DocumentSymbol {
    let range = position::range(source, span);
    let mut selection_range = position::range(source, name_span);
    // The selection must lie inside the range; a recovered item may not say so.
    if selection_range.start < range.start || selection_range.end > range.end {
        selection_range = range;
    }
    #[allow(deprecated)] // `deprecated` is a required field of the struct.
    DocumentSymbol {
        name: name.to_string(),
        detail: Some(detail.to_string()),
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children: None,
    }
}
