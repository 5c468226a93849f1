//! Hover: what a name stands for (a state's prompt and options, a queue's
//! music, a flow's settings, where a variable is set), and what a keyword
//! does (the language reference, and which targets can carry it).

use super::context::{Block, LineContext};
use super::index::{Kind, Occurrence};
use super::lex::TokKind;
use super::snapshot::Snapshot;
use super::{Cursor, position, reference, vocabulary};
use callflow_compiler::ast::{BUILTIN_VARS, HoldMusic, Item, MenuKey, StateBody, Stmt, StmtKind, Target, Voice};
use callflow_compiler::span::{FileId, Span};
use callflow_compiler::targets::{Feature, Support, TargetKind};
use std::fmt::Write as _;
use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind};

pub fn hover(cursor: &Cursor) -> Option<Hover> {
    let source = cursor.source()?;
    if let Some(occ) = cursor.snap.index.at(cursor.file, cursor.offset) {
        let text = symbol(&cursor.snap, occ)?;
        return Some(markdown(text, Some(position::range(source, occ.span))));
    }
    let ctx = LineContext::at(&source.text, cursor.offset);
    let tok = ctx.token().filter(|t| t.kind == TokKind::Word)?;
    let text = keyword(&ctx, ctx.text(tok), cursor.snap.target)?;
    let span = Span::new(cursor.file, ctx.line_start + tok.start, ctx.line_start + tok.end);
    Some(markdown(text, Some(position::range(source, span))))
}

fn markdown(value: String, range: Option<tower_lsp_server::ls_types::Range>) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range,
    }
}

// ── names ────────────────────────────────────────────────────────────────

fn symbol(snap: &Snapshot, occ: &Occurrence) -> Option<String> {
    match occ.kind {
        Kind::State => Some(state(snap, &occ.name)),
        Kind::Queue => Some(queue(snap, &occ.name)),
        Kind::Flow => Some(flow(snap, &occ.name)),
        Kind::Variable => Some(variable(snap, &occ.name)),
    }
}

/// Where a definition is, as `file:line`.
fn place(snap: &Snapshot, span: Span) -> String {
    match snap.file(span.file) {
        Some(f) => {
            let line = f.lines.line_col(&f.text, span.start as usize).line;
            let file = std::path::Path::new(&f.name)
                .file_name()
                .map_or(f.name.clone(), |n| n.to_string_lossy().into_owned());
            format!("{file}:{line}")
        }
        None => String::new(),
    }
}

fn find_item<'a, T>(snap: &'a Snapshot, pick: impl Fn(&'a Item) -> Option<&'a T>) -> Option<(FileId, &'a T)> {
    snap.project
        .asts
        .iter()
        .find_map(|(file, ast)| ast.items.iter().find_map(&pick).map(|t| (*file, t)))
}

fn state(snap: &Snapshot, name: &str) -> String {
    let found = find_item(snap, |item| match item {
        Item::State(s) if *s.name.text == *name => Some(s),
        _ => None,
    });
    let Some((_, s)) = found else {
        return format!("**state** `{name}`\n\nNo `step` or `menu` has this name (E0101).");
    };
    let kind = match s.body {
        StateBody::Step(_) => "step",
        StateBody::Menu(_) => "menu",
    };
    let mut out = format!("**{kind}** `{name}` — {}\n", place(snap, s.name.span));
    let mut lines = Vec::new();
    s.walk(&mut |stmt| lines.extend(prompt_line(stmt)));
    if !lines.is_empty() {
        out.push_str("\nPrompt:\n\n");
        for line in lines {
            let _ = writeln!(out, "> {line}\n>");
        }
        // The last `>` line would only add an empty quoted line.
        out.truncate(out.trim_end_matches(['>', '\n']).len());
        out.push('\n');
    }
    if let StateBody::Menu(menu) = &s.body
        && !menu.options.is_empty()
    {
        out.push_str("\nOptions:\n\n");
        for option in &menu.options {
            let key = match &option.key {
                MenuKey::Digit(k) => format!("`\"{}\"`", k.display()),
                MenuKey::Timeout(_) => "`timeout`".to_string(),
                MenuKey::Invalid(_) => "`invalid`".to_string(),
                MenuKey::Exhausted(_) => "`exhausted`".to_string(),
            };
            let target = match &option.target {
                Target::Repeat(_) => "repeat".to_string(),
                Target::State(t) => format!("`{}`", &*t.text),
            };
            let _ = writeln!(out, "- {key} → {target}");
        }
    }
    out
}

/// What the caller hears from one statement, if anything.
fn prompt_line(stmt: &Stmt) -> Option<String> {
    match &stmt.kind {
        StmtKind::Say(s) => Some(escape(&s.text.display())),
        StmtKind::Play { source, .. } => Some(format!("▶ {}", escape(&source.display()))),
        _ => None,
    }
}

/// Prompt text as markdown text, not markup.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn queue(snap: &Snapshot, name: &str) -> String {
    let found = find_item(snap, |item| match item {
        Item::Queue(q) if *q.name.text == *name => Some(q),
        _ => None,
    });
    let Some((_, q)) = found else {
        return format!("**queue** `{name}`\n\nNo `queue` of this name is declared (E0103).");
    };
    let music = match &q.hold_music {
        Some(HoldMusic::Builtin(m)) => format!("the provider's `{}`", m.value),
        Some(HoldMusic::Url(url)) => format!("`{}`", url.display()),
        None => "the provider's default".to_string(),
    };
    format!(
        "**queue** `{name}` — {}\n\nHold music: {music}",
        place(snap, q.name.span)
    )
}

fn flow(snap: &Snapshot, name: &str) -> String {
    let found = find_item(snap, |item| match item {
        Item::Flow(f) if *f.name.text == *name => Some(f),
        _ => None,
    });
    let Some((_, f)) = found else {
        return format!("**flow** `{name}`\n\nNo `flow` of this name is declared (E0106).");
    };
    let mut out = format!("**flow** `{name}` — {}\n\n", place(snap, f.name.span));
    if let Some(start) = &f.start {
        let _ = writeln!(out, "- start: `{}`", &*start.text);
    }
    if let Some(voice) = &f.voice {
        let v = match &voice.value {
            Voice::Male => "male".to_string(),
            Voice::Female => "female".to_string(),
            Voice::Named(n) => format!("\"{n}\""),
        };
        let _ = writeln!(out, "- voice: {v}");
    }
    for (label, value) in [("language", &f.language), ("timezone", &f.timezone)] {
        if let Some(v) = value {
            let _ = writeln!(out, "- {label}: \"{}\"", v.display());
        }
    }
    if let Some(t) = &f.input_timeout {
        let _ = writeln!(out, "- input_timeout: {} ms", t.value);
    }
    if let Some(r) = &f.retries {
        let _ = writeln!(out, "- retries: {}", r.value);
    }
    out
}

fn variable(snap: &Snapshot, name: &str) -> String {
    if BUILTIN_VARS.contains(&name) {
        let row = reference::entry("Variables", name)
            .map(|r| format!("\n\n{r}"))
            .unwrap_or_default();
        return format!("**built-in variable** `{name}` (text, set for every call, read-only){row}");
    }
    let writes: Vec<&Occurrence> = snap.index.definitions(Kind::Variable, name).collect();
    let mut out = format!("**variable** `{name}`\n\n");
    if writes.is_empty() {
        out.push_str("Nothing in the project sets it (E0104).");
        return out;
    }
    out.push_str("Set by:\n\n");
    for w in writes.iter().take(8) {
        let verb = statement_word(snap, w.span).unwrap_or("set");
        let in_state = state_around(snap, w.span)
            .map(|s| format!(" in `{s}`"))
            .unwrap_or_default();
        let _ = writeln!(out, "- `{verb}`{in_state} ({})", place(snap, w.span));
    }
    if writes.len() > 8 {
        let _ = writeln!(out, "- … and {} more", writes.len() - 8);
    }
    out
}

/// The first word of the line a span is on.
fn statement_word(snap: &Snapshot, span: Span) -> Option<&str> {
    let f = snap.file(span.file)?;
    let start = f.text[..span.start as usize].rfind('\n').map_or(0, |i| i + 1);
    f.text[start..].split_whitespace().next()
}

fn state_around(snap: &Snapshot, span: Span) -> Option<&str> {
    let ast = snap.ast(span.file)?;
    ast.states()
        .find(|s| s.span.start <= span.start && span.end <= s.span.end)
        .map(|s| &*s.name.text)
}

// ── keywords ─────────────────────────────────────────────────────────────

fn keyword(ctx: &LineContext<'_>, word: &str, target: Option<TargetKind>) -> Option<String> {
    let first = ctx.first_word().unwrap_or("");
    let is_first = word == first || (word == "if" && first == "else");
    match ctx.block {
        Block::Flow if is_first => return reference::entry("flow", word).map(|e| with_title("flow", word, e)),
        Block::Menu if vocabulary::MENU_LINES.contains(&word) && !vocabulary::STATEMENTS.contains(&word) => {
            return reference::entry("menu", word)
                .map(|e| with_title("menu", word, e))
                .or_else(|| reference::section("menu"));
        }
        Block::Menu if word == "repeat" && first != "say" && first != "play" => {
            return Some(
                "**`repeat`** (menu target)\n\nPlay the menu again. A replay counts as a retry, so `repeat` \
                 cannot loop for ever; when the retries are used up the menu takes its `exhausted` route."
                    .to_string(),
            );
        }
        _ => {}
    }
    if let Some((_, signature)) = vocabulary::FUNCTIONS.iter().find(|(f, _)| *f == word) {
        let row = reference::entry("Functions", word)
            .map(|r| format!("\n\n{r}"))
            .unwrap_or_default();
        return Some(format!("```\n{signature}\n```{row}"));
    }
    if first == "on"
        && let Some((_, what)) = vocabulary::OUTCOMES.iter().find(|(o, _)| *o == word)
    {
        return Some(format!("**`on {word}`**: {what}"));
    }
    if is_first || (vocabulary::ITEMS.contains(&word) && ctx.block == Block::Top) || word == "else" {
        let mut text = reference::section(word)?;
        let speech = ctx.tokens.iter().any(|t| ctx.text(t) == "speech");
        if let Some(feature) = vocabulary::feature(word, speech) {
            text.push_str("\n\n");
            text.push_str(&targets(feature, target));
        }
        return Some(text);
    }
    if vocabulary::options(first).contains(&word) {
        let mut text = reference::entry(first, word)
            .map(|e| with_title(first, word, e))
            .or_else(|| reference::section(first))?;
        if first == "collect" && word == "speech" {
            text.push_str("\n\n");
            text.push_str(&targets(Feature::CollectSpeech, target));
        }
        return Some(text);
    }
    None
}

fn with_title(owner: &str, word: &str, entry: String) -> String {
    format!("**`{word}`** (of `{owner}`)\n\n{entry}")
}

/// Which targets carry a feature, from their capability tables.
fn targets(feature: Feature, chosen: Option<TargetKind>) -> String {
    let mut out = String::from("**Targets**\n\n| Target | Support |\n|---|---|\n");
    for t in TargetKind::ALL {
        let support = match t.support(feature) {
            Support::Native(how) => format!("native: {how}"),
            Support::Lowered(how) => format!("lowered: {how}"),
            Support::Unsupported(why) => format!("**not available** (E0501): {why}"),
        };
        let name = if Some(t) == chosen {
            format!("**{}** (chosen)", t.display())
        } else {
            t.display().to_string()
        };
        let _ = writeln!(out, "| {name} | {} |", support.replace('|', "\\|"));
    }
    out.truncate(out.trim_end().len());
    out
}
