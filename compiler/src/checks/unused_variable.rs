//! W0306 `unused-variable`: a variable is written but never read.
//!
//! An AST check over the whole project: every variable written by `set` or
//! `collect` must be read somewhere (a `{name}` interpolation or an
//! expression). A `record` variable is exempt: the recording itself is the
//! point, and its location is usually consumed outside the flow (by the
//! provider's callback or the runtime's storage).

use super::Context;
use crate::ast::{BUILTIN_VARS, Expr, ExprKind, Name, StateBody, Stmt, StmtKind, walk_stmts};
use crate::diagnostic::{Code, Diagnostic, Severity};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

pub static CODE: Code = Code {
    id: "W0306",
    name: "unused-variable",
    severity: Severity::Warning,
    summary: "a variable is set or collected but never read",
    explain: r##"## What it means
A `set` or `collect` stores a value in a variable, but nothing in the project
ever reads that variable: no `{name}` in a prompt, number or URL, no condition,
no other `set`. For `collect` this means the caller is asked for digits that
are then thrown away; for `set` it is usually a misspelt name (the read uses a
different spelling, which E0104 reports) or a leftover.

Variables written by `record` are not reported: a recording is useful even if
the flow never mentions it again.

## Example
```flow
step ask_account {
  collect account digits 6..10 finish "#"
  say "Thank you. Connecting you now."
  goto agents
}
```
The account number is collected but never used.

## How to fix
Use the value (`say "You entered {account}."`, `if account == "123456" { … }`),
correct the spelling of the place that was meant to read it, or remove the
`set`/`collect`.
"##,
};

pub fn run<'a>(ctx: &Context<'a>, diags: &mut Vec<Diagnostic>) {
    // Names are borrowed from the trees: at 10,000 states, cloning every read
    // and write into owned strings was most of this check's time.
    let mut reads: HashSet<&str> = HashSet::new();
    let mut recorded: HashSet<&str> = HashSet::new();
    // Writes in source order, each variable's list of places.
    let mut order: Vec<&str> = Vec::new();
    let mut writes: HashMap<&str, Vec<&Name>> = HashMap::new();
    for (_, ast) in ctx.asts {
        for state in ast.states() {
            let mut visit = |s: &'a Stmt| {
                s.for_each_string(&mut |lit| reads.extend(lit.vars().map(|n| n.text.as_str())));
                match &s.kind {
                    StmtKind::Set { value, .. } => expr_reads(value, &mut reads),
                    StmtKind::If(i) => expr_reads(&i.cond, &mut reads),
                    _ => {}
                }
                let Some(var) = s.writes() else { return };
                if let StmtKind::Record(_) = s.kind {
                    recorded.insert(&var.text);
                    return;
                }
                writes
                    .entry(&var.text)
                    .or_insert_with(|| {
                        order.push(&var.text);
                        Vec::new()
                    })
                    .push(var);
            };
            match &state.body {
                StateBody::Step(body) => walk_stmts(body, &mut visit),
                StateBody::Menu(m) => walk_stmts(&m.prompt, &mut visit),
            }
        }
    }
    for name in order {
        // Built-ins cannot be written (E0109 says so); recordings need no read.
        if reads.contains(name) || recorded.contains(name) || BUILTIN_VARS.contains(&name) {
            continue;
        }
        let Some(places) = writes.get(name) else {
            continue;
        };
        let Some(first) = places.first() else {
            continue;
        };
        let mut d = Diagnostic::new(&CODE, format!("the variable `{name}` is never read"))
            .primary(first.span, "set here but never used");
        // A few of the other writes, so all of them can be found.
        for other in places.iter().skip(1).take(3) {
            d = d.secondary(other.span, "also set here");
        }
        if places.len() > 4 {
            d = d.note(format!("`{name}` is set in {} places", places.len()));
        }
        diags.push(d.help(format!(
            "read it (e.g. `say \"You entered {{{name}}}.\"` or `if {name} == \"…\" {{`), or remove what sets it"
        )));
    }
}

/// The variables an expression reads (`Expr::vars` without the clones). The
/// lowering keeps expressions at most `syntax::MAX_NESTING` deep, which bounds
/// this recursion.
fn expr_reads<'a>(e: &'a Expr, out: &mut HashSet<&'a str>) {
    match &e.kind {
        ExprKind::Str(s) => out.extend(s.vars().map(|n| n.text.as_str())),
        ExprKind::Var(n) => {
            out.insert(&n.text);
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|a| expr_reads(&a.value, out)),
        ExprKind::Not(inner) => expr_reads(inner, out),
        ExprKind::Binary { lhs, rhs, .. } => {
            expr_reads(lhs, out);
            expr_reads(rhs, out);
        }
        ExprKind::Number(_) | ExprKind::Duration(_) | ExprKind::Bool(_) | ExprKind::Error => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_explain_page, codes, primary_text, secondary_texts, with_code};

    const HEAD: &str = "flow f {\n  start a\n}\n";

    #[test]
    fn a_collected_but_unread_variable_is_reported_at_its_first_write() {
        let src = format!(
            "{HEAD}step a {{\n  collect account digits 6\n  set account = \"none\"\n  say \"Thanks.\"\n  hangup\n}}\n"
        );
        let found = with_code(&src, "W0306");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(primary_text(&src, &found[0]), "account");
        assert_eq!(found[0].labels[0].span.start as usize, src.find("account").unwrap_or(0));
        assert_eq!(secondary_texts(&src, &found[0]), vec!["account"]);
        assert!(found[0].message.contains("`account`"));
    }

    #[test]
    fn reads_in_prompts_conditions_and_sets_count() {
        let src = format!(
            "{HEAD}step a {{\n  collect pin digits 4\n  set x = \"1\"\n  set y = x\n  if y == \"1\" {{\n    say \"PIN {{pin}}\"\n  }}\n  hangup\n}}\n"
        );
        assert!(!codes(&src).contains(&"W0306"), "{:?}", codes(&src));
    }

    #[test]
    fn reads_in_menu_prompts_count() {
        let src = format!(
            "{HEAD}step a {{\n  set who = \"you\"\n  goto m\n}}\nmenu m {{\n  say \"Hello {{who}}, press 1.\"\n  \"1\" -> a\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> a\n}}\n"
        );
        assert!(!codes(&src).contains(&"W0306"), "{:?}", codes(&src));
    }

    #[test]
    fn recordings_need_not_be_read() {
        let src = format!("{HEAD}step a {{\n  record message max 60s beep\n  hangup\n}}\n");
        assert!(!codes(&src).contains(&"W0306"), "{:?}", codes(&src));
    }

    #[test]
    fn explain_page_is_complete_and_its_example_triggers_the_code() {
        assert_explain_page(&super::CODE);
    }
}
