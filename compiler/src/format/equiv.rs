//! Proof that a formatting means what the original meant.
//!
//! `format` runs this on every result before handing it out, so a bug in the
//! layout can refuse to format a file but never silently change one. Two
//! things must hold: the tokens (comments included, with their trailing
//! blanks dropped) are the same in the same order, so no comment is lost and
//! no string is touched; and the syntax trees are equal once every span is
//! erased, so the line breaks the layout added or removed changed nothing the
//! compiler sees.

use super::layout::source_lines;
use super::lex;
use crate::ast::*;
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};
use crate::syntax;
use std::sync::Arc;

/// Check `after` against `before`, whose parse (`ast`, `diags`) the caller
/// already has. The error says what differs.
pub fn same_meaning(before: &str, ast: Ast, diags: &[Diagnostic], after: &str) -> Result<(), String> {
    same_tokens(before, after)?;
    let (after_ast, after_diags) = syntax::parse(FileId(0), after);
    if erased(ast) != erased(after_ast) {
        return Err("the syntax tree changed".to_string());
    }
    let codes = |d: &[Diagnostic]| d.iter().map(|d| d.code.id).collect::<Vec<_>>();
    if codes(diags) != codes(&after_diags) {
        return Err("the syntax diagnostics changed".to_string());
    }
    Ok(())
}

fn same_tokens(before: &str, after: &str) -> Result<(), String> {
    let mut a = source_lines(before)
        .enumerate()
        .flat_map(|(n, l)| lex::tokens(l).into_iter().map(move |t| (n + 1, t.kind, t.text)));
    let mut b = source_lines(after).flat_map(lex::tokens);
    loop {
        match (a.next(), b.next()) {
            (None, None) => return Ok(()),
            (Some((_, kind, text)), Some(t)) if t.kind == kind && t.text == text => {}
            (Some((line, ..)), _) => return Err(format!("the tokens of line {line} changed")),
            (None, Some(t)) => return Err(format!("`{}` was added at the end", t.text)),
        }
    }
}

/// The tree with every span set to the default, for comparison.
pub fn erased(mut ast: Ast) -> Ast {
    for item in &mut ast.items {
        erase_item(item);
    }
    ast
}

fn erase_item(item: &mut Item) {
    match item {
        Item::Import(i) => {
            i.span = Span::default();
            str_lit(&mut i.path);
        }
        Item::Flow(f) => {
            f.span = Span::default();
            name(&mut f.name);
            f.start.iter_mut().for_each(name);
            f.voice.iter_mut().for_each(spanned);
            f.language.iter_mut().for_each(str_lit);
            f.input_timeout.iter_mut().for_each(spanned);
            f.timezone.iter_mut().for_each(str_lit);
            f.retries.iter_mut().for_each(spanned);
        }
        Item::Queue(q) => {
            q.span = Span::default();
            name(&mut q.name);
            q.hold_music.iter_mut().for_each(hold_music);
        }
        Item::State(s) => {
            s.span = Span::default();
            s.close = Span::default();
            name(&mut s.name);
            match &mut s.body {
                StateBody::Step(body) => stmts(body),
                StateBody::Menu(m) => {
                    stmts(&mut m.prompt);
                    m.retries.iter_mut().for_each(spanned);
                    m.input_timeout.iter_mut().for_each(spanned);
                    for option in &mut m.options {
                        option.span = Span::default();
                        match &mut option.key {
                            MenuKey::Digit(s) => str_lit(s),
                            MenuKey::Timeout(s) | MenuKey::Invalid(s) | MenuKey::Exhausted(s) => *s = Span::default(),
                        }
                        match &mut option.target {
                            Target::Repeat(s) => *s = Span::default(),
                            Target::State(n) => name(n),
                        }
                    }
                }
            }
        }
    }
}

fn stmts(body: &mut [Stmt]) {
    body.iter_mut().for_each(stmt);
}

fn stmt(s: &mut Stmt) {
    s.span = Span::default();
    match &mut s.kind {
        StmtKind::Say(say) => {
            let say = Arc::make_mut(say);
            str_lit(&mut say.text);
            say.voice.iter_mut().for_each(spanned);
            say.language.iter_mut().for_each(str_lit);
            say.repeat.iter_mut().for_each(spanned);
        }
        StmtKind::Play { source, repeat } => {
            str_lit(source);
            repeat.iter_mut().for_each(spanned);
        }
        StmtKind::Pause(d) => spanned(d),
        StmtKind::Collect(c) => {
            let c = Arc::make_mut(c);
            name(&mut c.var);
            c.min_digits.iter_mut().for_each(spanned);
            c.max_digits.iter_mut().for_each(spanned);
            c.finish.iter_mut().for_each(str_lit);
            c.timeout.iter_mut().for_each(spanned);
            if let Some(speech) = &mut c.speech {
                speech.span = Span::default();
                speech.value.iter_mut().for_each(str_lit);
            }
            c.outcomes.iter_mut().for_each(outcome);
        }
        StmtKind::Record(r) => {
            let r = Arc::make_mut(r);
            r.var.iter_mut().for_each(name);
            r.max.iter_mut().for_each(spanned);
            r.finish.iter_mut().for_each(str_lit);
            r.timeout.iter_mut().for_each(spanned);
            r.outcomes.iter_mut().for_each(outcome);
        }
        StmtKind::Dial(d) => {
            let d = Arc::make_mut(d);
            d.targets.iter_mut().for_each(str_lit);
            d.mode.iter_mut().for_each(spanned);
            d.caller_id.iter_mut().for_each(str_lit);
            d.timeout.iter_mut().for_each(spanned);
            d.max_duration.iter_mut().for_each(spanned);
            d.send_digits.iter_mut().for_each(str_lit);
            d.ringback.iter_mut().for_each(str_lit);
            d.outcomes.iter_mut().for_each(outcome);
        }
        StmtKind::Enqueue {
            queue,
            hold_music: music,
        } => {
            name(queue);
            music.iter_mut().for_each(hold_music);
        }
        StmtKind::Dequeue { queue, number } => {
            name(queue);
            number.iter_mut().for_each(str_lit);
        }
        StmtKind::Park { intro, hold, max } => {
            intro.iter_mut().for_each(str_lit);
            hold.iter_mut().for_each(str_lit);
            max.iter_mut().for_each(spanned);
        }
        StmtKind::Conference(c) => {
            let c = Arc::make_mut(c);
            str_lit(&mut c.room);
            c.hold_music.iter_mut().for_each(hold_music);
            c.max_duration.iter_mut().for_each(spanned);
        }
        StmtKind::Stream { url, max_duration } => {
            str_lit(url);
            max_duration.iter_mut().for_each(spanned);
        }
        StmtKind::Redirect(RedirectTarget::Url(u)) => str_lit(u),
        StmtKind::Redirect(RedirectTarget::Flow(n)) | StmtKind::Goto(n) => name(n),
        StmtKind::Reject(reason) => reason.iter_mut().for_each(spanned),
        StmtKind::If(i) => {
            expr(Arc::make_mut(&mut i.cond));
            stmts(&mut i.then);
            i.then_close = Span::default();
            i.otherwise.iter_mut().for_each(|o| stmts(o));
        }
        StmtKind::Set { var, value } => {
            name(var);
            expr(Arc::make_mut(value));
        }
        StmtKind::StartRecording | StmtKind::StopRecording | StmtKind::Hangup | StmtKind::Error => {}
    }
}

/// Expressions nest at most `syntax::MAX_NESTING` deep (deeper ones are
/// syntax errors, which `format` refuses before it gets here), so this
/// recursion is bounded.
fn expr(e: &mut Expr) {
    e.span = Span::default();
    match &mut e.kind {
        ExprKind::Str(s) => str_lit(s),
        ExprKind::Var(n) => name(n),
        ExprKind::Call { name: callee, args } => {
            name(callee);
            for arg in args {
                arg.name.iter_mut().for_each(name);
                expr(&mut arg.value);
            }
        }
        ExprKind::Not(inner) => expr(inner),
        ExprKind::Binary { op, lhs, rhs } => {
            spanned(op);
            expr(lhs);
            expr(rhs);
        }
        ExprKind::Number(_) | ExprKind::Duration(_) | ExprKind::Bool(_) | ExprKind::Error => {}
    }
}

fn outcome(o: &mut OnOutcome) {
    o.span = Span::default();
    spanned(&mut o.outcome);
    name(&mut o.target);
}

fn hold_music(m: &mut HoldMusic) {
    match m {
        HoldMusic::Builtin(b) => spanned(b),
        HoldMusic::Url(u) => str_lit(u),
    }
}

fn str_lit(s: &mut StrLit) {
    s.span = Span::default();
    for part in &mut s.parts {
        if let StrPart::Var(n) = part {
            name(n);
        }
    }
}

fn name(n: &mut Name) {
    n.span = Span::default();
}

fn spanned<T>(s: &mut Spanned<T>) {
    s.span = Span::default();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(before: &str, after: &str) -> Result<(), String> {
        let (ast, diags) = syntax::parse(FileId(0), before);
        same_meaning(before, ast, &diags, after)
    }

    const BEFORE: &str = "step a { # a\n  say \"x\" # said\n  hangup\n}\n";

    #[test]
    fn respacing_reindenting_and_splitting_at_braces_keep_the_meaning() {
        assert_eq!(
            check(BEFORE, "step a {   # a\n say   \"x\"# said\n\n\t\thangup\n   }"),
            Ok(())
        );
        assert_eq!(check(BEFORE, "step a { # a\n  say \"x\" # said\n  hangup }\n"), Ok(()));
    }

    #[test]
    fn a_lost_or_changed_comment_is_caught() {
        let lost = check(BEFORE, "step a { # a\n  say \"x\"\n  hangup\n}\n");
        assert_eq!(lost, Err("the tokens of line 2 changed".to_string()));
        let changed = check(BEFORE, "step a { # a\n  say \"x\" #  said\n  hangup\n}\n");
        assert_eq!(changed, Err("the tokens of line 2 changed".to_string()));
        let added = check(BEFORE, "step a { # a\n  say \"x\" # said\n  hangup\n}\n# new\n");
        assert_eq!(added, Err("`# new` was added at the end".to_string()));
    }

    #[test]
    fn a_changed_string_is_caught() {
        let respaced = check(BEFORE, "step a { # a\n  say \"x \" # said\n  hangup\n}\n");
        assert_eq!(respaced, Err("the tokens of line 2 changed".to_string()));
    }

    #[test]
    fn the_same_tokens_on_other_lines_are_caught_when_the_tree_changes() {
        // Two statements joined on one line: a syntax error, so another tree.
        let joined = check(
            "step a {\n  say \"x\"\n  hangup\n}\n",
            "step a {\n  say \"x\" hangup\n}\n",
        );
        assert_eq!(joined, Err("the syntax tree changed".to_string()));
    }

    #[test]
    fn erasing_spans_leaves_everything_else() {
        let parse = |t: &str| erased(syntax::parse(FileId(0), t).0);
        assert_eq!(parse("step a {\n  goto b\n}\n"), parse("\n\nstep   a{\n goto  b\n  }"));
        assert_ne!(parse("step a {\n  goto b\n}\n"), parse("step a {\n  goto c\n}\n"));
        assert_ne!(parse("step a {\n  pause 5s\n}\n"), parse("step a {\n  pause 5m\n}\n"));
    }
}
