//! W0305 `unreachable-statement`: statements after one the call never gets
//! past.
//!
//! An AST check: in every block (a step's body and every nested `if`/`else`
//! block), the statements after the first terminal statement
//! ([`Stmt::is_terminal`]: `goto`, `hangup`, a transfer, a fully routed `dial`,
//! an `if` whose branches all end so) can never run. One diagnostic per block.

use super::Context;
use crate::ast::{Expr, ExprKind, StateBody, Stmt, StmtKind};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::span::Span;

pub static CODE: Code = Code {
    id: "W0305",
    name: "unreachable-statement",
    severity: Severity::Warning,
    summary: "statements after a `goto`, `hangup` or transfer can never run",
    explain: r##"## What it means
A statement that ends the call or hands it on (`hangup`, `goto`, `reject`,
`redirect`, `enqueue`, `dequeue`, `park`, `conference`, `stream`, a `dial` with
every failure routed, or an `if` whose branches all do one of these) is the
last thing that happens in its block. The lines after it in the same block are
never executed: the caller will not hear that prompt, the variable is not set.

It usually means the lines were meant to come first, or a `goto` was left in
while editing.

## Example
```flow
step goodbye {
  hangup
  say "Thank you for calling. Goodbye."
}
```
The caller is gone before the goodbye is said.

## How to fix
Move the statements above the one that ends the block, or delete them:
```flow
step goodbye {
  say "Thank you for calling. Goodbye."
  hangup
}
```
"##,
};

pub fn run(ctx: &Context, diags: &mut Vec<Diagnostic>) {
    for (_, ast) in ctx.asts {
        for state in ast.states() {
            // Menu prompts are only say/play/pause: nothing there is terminal.
            if let StateBody::Step(body) = &state.body {
                block(body, diags);
            }
        }
    }
}

fn block(stmts: &[Stmt], diags: &mut Vec<Diagnostic>) {
    let terminal = stmts.iter().position(Stmt::is_terminal);
    let live = terminal.map_or(stmts.len(), |i| i + 1);
    // Nested blocks of the statements that can run; the dead ones are covered
    // by this block's own diagnostic.
    for s in stmts.iter().take(live) {
        if let StmtKind::If(i) = &s.kind {
            block(&i.then, diags);
            if let Some(o) = &i.otherwise {
                block(o, diags);
            }
        }
    }
    let Some(end) = terminal.and_then(|i| stmts.get(i)) else {
        return;
    };
    // Lines that did not parse already have their own error.
    let dead: Vec<&Stmt> = stmts
        .iter()
        .skip(live)
        .filter(|s| !matches!(s.kind, StmtKind::Error))
        .collect();
    let (Some(first), Some(last)) = (dead.first(), dead.last()) else {
        return;
    };
    let message = if dead.len() == 1 {
        "this statement is never reached".to_string()
    } else {
        format!("these {} statements are never reached", dead.len())
    };
    let what = describe(end);
    // An `if` spans its whole block; point at its head only.
    let end_span = match &end.kind {
        StmtKind::If(i) => Span {
            end: tight_end(&i.cond).max(end.span.start),
            ..end.span
        },
        _ => end.span,
    };
    let mut d = Diagnostic::new(&CODE, message)
        .primary(first.span.to(last.span), "unreachable")
        .secondary(end_span, "the call never gets past this")
        .help(format!("move these lines above {what}, or delete them"));
    if let StmtKind::Dial(_) = end.kind {
        d = d.note(
            "every failure of this dial is routed with `on … ->`, and an answered call ends when the bridged call does",
        );
    }
    diags.push(d);
}

/// Where an expression's text really ends. The span of an operator node can
/// include the blanks before the `{` that follows (pest skips whitespace after
/// the last operand of a repetition); its rightmost operand's span does not.
fn tight_end(e: &Expr) -> u32 {
    match &e.kind {
        ExprKind::Binary { rhs, .. } => tight_end(rhs),
        ExprKind::Not(operand) => tight_end(operand),
        _ => e.span.end,
    }
}

/// How to name the terminal statement in the help text.
fn describe(s: &Stmt) -> &'static str {
    match &s.kind {
        StmtKind::Goto(_) => "the `goto`",
        StmtKind::Hangup => "the `hangup`",
        StmtKind::Reject(_) => "the `reject`",
        StmtKind::Redirect(_) => "the `redirect`",
        StmtKind::Enqueue { .. } => "the `enqueue`",
        StmtKind::Dequeue { .. } => "the `dequeue`",
        StmtKind::Park { .. } => "the `park`",
        StmtKind::Conference(_) => "the `conference`",
        StmtKind::Stream { .. } => "the `stream`",
        StmtKind::Dial(_) => "the `dial`",
        StmtKind::If(_) => "the `if` (all its branches end the block)",
        _ => "the statement that ends the block",
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_explain_page, codes, primary_text, secondary_texts, with_code};

    const HEAD: &str = "flow f {\n  start a\n}\nstep b {\n  hangup\n}\n";

    #[test]
    fn lines_after_hangup_are_one_diagnostic() {
        let src = format!("{HEAD}step a {{\n  goto b\n  say \"one\"\n  say \"two\"\n}}\n");
        let found = with_code(&src, "W0305");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(primary_text(&src, &found[0]), "say \"one\"\n  say \"two\"");
        assert_eq!(secondary_texts(&src, &found[0]), vec!["goto b"]);
        assert_eq!(found[0].message, "these 2 statements are never reached");
    }

    #[test]
    fn nested_blocks_are_checked() {
        let src = format!(
            "{HEAD}step a {{\n  if caller == \"+254711000000\" {{\n    hangup\n    say \"never\"\n  }} else {{\n    say \"hi\"\n  }}\n  goto b\n}}\n"
        );
        let found = with_code(&src, "W0305");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(primary_text(&src, &found[0]), "say \"never\"");
    }

    #[test]
    fn an_if_whose_branches_all_end_makes_the_rest_dead() {
        let src = format!(
            "{HEAD}step a {{\n  if caller == \"+254711000000\" {{\n    hangup\n  }} else {{\n    goto b\n  }}\n  say \"never\"\n}}\n"
        );
        let found = with_code(&src, "W0305");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(secondary_texts(&src, &found[0]), vec!["if caller == \"+254711000000\""]);
    }

    #[test]
    fn a_dial_with_unrouted_failures_continues() {
        let src =
            format!("{HEAD}step a {{\n  dial \"+254711082000\"\n  on busy -> b\n  say \"Sorry.\"\n  hangup\n}}\n");
        assert!(!codes(&src).contains(&"W0305"), "{:?}", codes(&src));
        let routed = format!(
            "{HEAD}step a {{\n  dial \"+254711082000\"\n  on busy -> b\n  on no_answer -> b\n  on failed -> b\n  say \"Sorry.\"\n}}\n"
        );
        assert_eq!(with_code(&routed, "W0305").len(), 1);
    }

    #[test]
    fn clean_steps_are_fine() {
        let src = format!(
            "{HEAD}step a {{\n  say \"Hello\"\n  if caller == \"+254711000000\" {{\n    goto b\n  }}\n  hangup\n}}\n"
        );
        assert!(!codes(&src).contains(&"W0305"), "{:?}", codes(&src));
    }

    #[test]
    fn explain_page_is_complete_and_its_example_triggers_the_code() {
        assert_explain_page(&super::CODE);
    }
}
