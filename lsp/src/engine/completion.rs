//! Completion from the line being written: keywords at the start of a line
//! (those of the block it is in), names where a name is expected (a state
//! after `goto` or `->`, a queue after `enqueue`, a variable inside `{` …),
//! the options of the statement being written, and the voices and
//! languages of the chosen target.

use super::context::{Block, LineContext};
use super::index::Kind;
use super::lex::{self, InString, Tok, TokKind};
use super::snapshot::Snapshot;
use super::vocabulary::{self, Value};
use super::{Cursor, position, reference};
use callflow_compiler::ast::{BUILTIN_VARS, StateBody, StmtKind};
use callflow_compiler::span::SourceFile;
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, MarkupContent, MarkupKind, Range, TextEdit,
};

pub fn complete(cursor: &Cursor) -> Vec<CompletionItem> {
    let Some(source) = cursor.source() else {
        return Vec::new();
    };
    let ctx = LineContext::at(&source.text, cursor.offset);
    let snap = &cursor.snap;
    match lex::in_string(ctx.line, ctx.col) {
        InString::Interpolation { name, .. } => {
            let range = line_range(source, &ctx, name, ctx.col);
            return variables(snap, true)
                .into_iter()
                .map(|item| with_edit(item, range))
                .collect();
        }
        InString::Text { open } => return in_string(snap, source, &ctx, open),
        InString::No => {}
    }
    let before: Vec<&Tok> = ctx.tokens.iter().filter(|t| t.end <= ctx.col).collect();
    if before.iter().any(|t| t.kind == TokKind::Comment) {
        return Vec::new();
    }
    // The word being typed is not context; everything before it is.
    let typing = before
        .last()
        .is_some_and(|t| t.kind == TokKind::Word && t.end == ctx.col);
    let done = &before[..before.len() - usize::from(typing)];
    let Some(last) = done.last() else {
        return line_start(ctx.block);
    };
    // `} else if …` starts with punctuation; the statement is its first word.
    let first = done
        .iter()
        .find(|t| t.kind == TokKind::Word)
        .map_or("", |t| ctx.text(t));
    let last = ctx.text(last);
    let has = |word: &str| done.iter().any(|t| ctx.text(t) == word);
    let expression = has("if") || (first == "set" && has("="));
    match last {
        "goto" => states(snap),
        "->" => {
            let mut items = states(snap);
            if ctx.block == Block::Menu {
                items.push(keyword("repeat", "play the menu again (counts as a retry)"));
            }
            items
        }
        "start" if ctx.block == Block::Flow => states(snap),
        "on" => vocabulary::OUTCOMES
            .iter()
            .map(|(o, what)| item(o, CompletionItemKind::ENUM_MEMBER, what))
            .collect(),
        "enqueue" | "dequeue" => names(snap, Kind::Queue, CompletionItemKind::STRUCT, "queue"),
        "flow" if first == "redirect" => names(snap, Kind::Flow, CompletionItemKind::MODULE, "flow"),
        "redirect" => vec![keyword(
            "flow",
            "continue in another flow of the project: `redirect flow NAME`",
        )],
        "voice" => values(vocabulary::voices(snap.target), CompletionItemKind::VALUE),
        "hold_music" => vocabulary::MUSIC
            .iter()
            .map(|m| item(m, CompletionItemKind::ENUM_MEMBER, "a provider's built-in hold music"))
            .collect(),
        "set" | "collect" if done.len() == 1 => variables(snap, false),
        "record" if done.len() == 1 => {
            let mut items = variables(snap, false);
            items.extend(options(&ctx, "record"));
            items
        }
        _ if expression => {
            let mut items = variables(snap, true);
            items.extend(
                vocabulary::FUNCTIONS
                    .iter()
                    .map(|(f, sig)| item(f, CompletionItemKind::FUNCTION, sig)),
            );
            items.extend(vocabulary::EXPRESSION_WORDS.iter().map(|w| keyword(w, "")));
            items
        }
        _ => options(&ctx, first),
    }
}

/// Keywords that may start a line in this block.
fn line_start(block: Block) -> Vec<CompletionItem> {
    let words: &[&str] = match block {
        Block::Top => vocabulary::ITEMS,
        Block::Flow => vocabulary::FLOW_SETTINGS,
        Block::Queue => vocabulary::QUEUE_SETTINGS,
        Block::Step => vocabulary::STATEMENTS,
        Block::Menu => vocabulary::MENU_LINES,
    };
    let owner = match block {
        Block::Flow => Some("flow"),
        Block::Menu => Some("menu"),
        _ => None,
    };
    words
        .iter()
        .map(|w| {
            let detail = reference::syntax(w).unwrap_or_default();
            let mut it = keyword(w, &detail);
            let doc = match owner {
                Some(owner) if !vocabulary::STATEMENTS.contains(w) => reference::entry(owner, w),
                _ => reference::section(w),
            };
            it.documentation = doc.map(|value| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value,
                })
            });
            it
        })
        .collect()
}

/// The options of a statement that the line does not have yet.
fn options(ctx: &LineContext<'_>, statement: &str) -> Vec<CompletionItem> {
    let used: Vec<&str> = ctx
        .tokens
        .iter()
        .filter(|t| t.kind == TokKind::Word && t.end < ctx.col)
        .map(|t| ctx.text(t))
        .collect();
    vocabulary::options(statement)
        .iter()
        .filter(|o| !used.contains(o))
        .map(|o| {
            let detail = reference::entry(statement, o)
                .and_then(|row| reference::meaning(&row))
                .unwrap_or_default();
            item(o, CompletionItemKind::PROPERTY, &detail)
        })
        .collect()
}

/// Inside a string: language tags after `language`, voice names after `voice`.
fn in_string(snap: &Snapshot, source: &SourceFile, ctx: &LineContext<'_>, open: usize) -> Vec<CompletionItem> {
    let word_before = ctx
        .tokens
        .iter()
        .rev()
        .find(|t| t.end <= open && t.kind == TokKind::Word)
        .map(|t| ctx.text(t));
    let range = line_range(source, ctx, open + 1, ctx.col);
    let list = match word_before {
        Some("language") => vocabulary::languages(snap.target),
        Some("voice") => vocabulary::voices(snap.target)
            .into_iter()
            .filter_map(|v| {
                let label = v.label.strip_prefix('"')?.strip_suffix('"')?.to_string();
                Some(Value { label, ..v })
            })
            .collect(),
        _ => return Vec::new(),
    };
    values(list, CompletionItemKind::VALUE)
        .into_iter()
        .map(|i| with_edit(i, range))
        .collect()
}

fn states(snap: &Snapshot) -> Vec<CompletionItem> {
    let mut out = Vec::new();
    for (_, ast) in &snap.project.asts {
        for s in ast.states() {
            let name: &str = &s.name.text;
            if name.is_empty() || out.iter().any(|i: &CompletionItem| i.label == name) {
                continue;
            }
            let (kind, prompt) = match &s.body {
                StateBody::Step(_) => ("step", first_prompt(s)),
                StateBody::Menu(_) => ("menu", first_prompt(s)),
            };
            let detail = match prompt {
                Some(p) => format!("{kind}: {p}"),
                None => kind.to_string(),
            };
            out.push(item(name, CompletionItemKind::FUNCTION, &detail));
        }
    }
    out.sort_by(|a, b| a.label.cmp(&b.label));
    out
}

fn first_prompt(state: &callflow_compiler::ast::State) -> Option<String> {
    let mut first = None;
    state.walk(&mut |stmt| {
        if first.is_none()
            && let StmtKind::Say(say) = &stmt.kind
        {
            first = Some(say.text.display());
        }
    });
    first
}

fn names(snap: &Snapshot, kind: Kind, item_kind: CompletionItemKind, word: &str) -> Vec<CompletionItem> {
    snap.index
        .names(kind)
        .into_iter()
        .map(|n| item(n, item_kind, word))
        .collect()
}

/// Variables the project sets, and the built-in ones when reading.
fn variables(snap: &Snapshot, reading: bool) -> Vec<CompletionItem> {
    let mut out = names(snap, Kind::Variable, CompletionItemKind::VARIABLE, "variable");
    if reading {
        out.extend(
            BUILTIN_VARS
                .iter()
                .map(|v| item(v, CompletionItemKind::VARIABLE, "built-in variable")),
        );
    }
    out
}

fn values(list: Vec<Value>, kind: CompletionItemKind) -> Vec<CompletionItem> {
    list.into_iter().map(|v| item(&v.label, kind, &v.detail)).collect()
}

fn item(label: &str, kind: CompletionItemKind, detail: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: (!detail.is_empty()).then(|| detail.to_string()),
        ..CompletionItem::default()
    }
}

fn keyword(word: &str, detail: &str) -> CompletionItem {
    item(word, CompletionItemKind::KEYWORD, detail)
}

fn with_edit(mut item: CompletionItem, range: Range) -> CompletionItem {
    item.text_edit = Some(CompletionTextEdit::Edit(TextEdit::new(range, item.label.clone())));
    item
}

/// The range between two byte columns of the cursor's line.
fn line_range(source: &SourceFile, ctx: &LineContext<'_>, from: usize, to: usize) -> Range {
    let at = |col: usize| position::position(&source.text, &source.lines, ctx.line_start + col);
    Range::new(at(from.min(to)), at(to))
}
