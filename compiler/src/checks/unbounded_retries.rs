//! E0404 `unbounded-retries`: a menu can ask the same caller forever.
//!
//! A menu's retries are bounded by its counter: `repeat` replays the menu and
//! counts, and `exhausted ->` fires when the count runs out. Two ways around
//! that counter are reported:
//!
//! - `exhausted -> repeat`: the one route meant to stop retrying retries again;
//! - a `timeout` or `invalid` route that leads back into the same menu through
//!   states that never wait for the caller: entering the menu by name starts
//!   a fresh counter, so a silent caller is asked again and again.
//!
//! The self-edge `timeout -> repeat` is the bounded way and is not reported.

use super::Context;
use crate::ast::{MenuKey, MenuOption, StateBody, Target};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::ir::{Edge, Ir, NodeId};
use std::collections::VecDeque;

pub static CODE: Code = Code {
    id: "E0404",
    name: "unbounded-retries",
    severity: Severity::Error,
    summary: "a menu's retries can never run out",
    explain: r##"## What it means
A menu counts its retries: each `repeat` (and each default replay after a
timeout or an invalid key) uses one of the menu's `retries`, and when they are
used up the `exhausted ->` route is taken. This menu gets around the counter,
so a caller who never presses a valid key (a silent line, an answering machine,
a pocket dial) is asked forever and the call is billed until someone hangs up:

- `exhausted -> repeat` starts the menu again exactly when it should stop;
- `timeout -> …` or `invalid -> …` leads through other states (a prompt, a
  `goto`) back into the same menu without waiting for the caller; every time
  the menu is entered by name its counter starts afresh.

## Example
```flow
menu main {
  say "For sales press 1. For support press 2."
  retries 2
  "1" -> sales
  "2" -> support
  timeout -> sorry
  invalid -> repeat
  exhausted -> repeat
}

step sorry {
  say "Sorry, I did not hear anything."
  goto main
}
```

## How to fix
Retry with `repeat`, which counts, bound it with `retries N`, and end the
retrying with an `exhausted ->` route that leaves the menu:
```flow
  retries 2
  timeout -> repeat
  invalid -> repeat
  exhausted -> goodbye
```
"##,
};

pub fn run(ctx: &Context, diags: &mut Vec<Diagnostic>) {
    let ir = ctx.ir;
    // IR states are the AST states of all files in order; pair them up, and
    // make sure the pairing holds before trusting it.
    let ast_states = ctx.asts.iter().flat_map(|(_, ast)| ast.states());
    for (state, info) in ast_states.zip(&ir.states) {
        let StateBody::Menu(menu) = &state.body else {
            continue;
        };
        if info.span != state.span || !info.is_menu {
            continue;
        }
        let menu_node = info.entry;
        for opt in &menu.options {
            match (&opt.key, &opt.target) {
                (MenuKey::Exhausted(_), Target::Repeat(_)) => diags.push(
                    Diagnostic::new(&CODE, format!("`exhausted -> repeat` restarts menu `{}` every time its retries run out", state.name.text))
                        .primary(opt.span, "the retries can never run out")
                        .help("route `exhausted ->` to a state that leaves the menu, e.g. one that says goodbye and hangs up, or transfers to a person"),
                ),
                (MenuKey::Timeout(_), Target::State(_)) => {
                    check_route(ir, menu_node, Edge::Timeout, "timeout", opt, &state.name.text, diags)
                }
                (MenuKey::Invalid(_), Target::State(_)) => {
                    check_route(ir, menu_node, Edge::Invalid, "invalid", opt, &state.name.text, diags)
                }
                _ => {}
            }
        }
    }
}

/// Does the `edge` route of the menu come back to it without waiting for the
/// caller on the way? Report it if so.
fn check_route(
    ir: &Ir,
    menu: NodeId,
    edge: Edge,
    word: &str,
    opt: &MenuOption,
    menu_name: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(start) = ir.successors(menu).find(|(e, _)| *e == edge).map(|(_, t)| t) else {
        return;
    };
    let Some(back_from) = comes_back(ir, start, menu) else {
        return;
    };
    let target = match &opt.target {
        Target::State(n) => n.text.as_str(),
        Target::Repeat(_) => "repeat",
    };
    let mut d = Diagnostic::new(
        &CODE,
        format!("`{word} -> {target}` comes back to menu `{menu_name}` without counting a retry, so the caller can be asked forever"),
    )
    .primary(opt.span, "this route never runs out of retries");
    if let Some(from) = back_from.and_then(|n| ir.graph.node_weight(n)) {
        d = d.secondary(
            from.span,
            format!("back into `{menu_name}` here, with a fresh retry counter"),
        );
    }
    diags.push(d.help(format!(
        "use `{word} -> repeat` with `retries N` and an `exhausted ->` route; say what went wrong in the menu's prompt instead"
    )));
}

/// BFS from `start` through nodes that do not wait for the caller. `None` when
/// `menu` is not reached; `Some(None)` when `start` is the menu itself;
/// `Some(Some(n))` with the node whose edge enters the menu.
fn comes_back(ir: &Ir, start: NodeId, menu: NodeId) -> Option<Option<NodeId>> {
    if start == menu {
        return Some(None);
    }
    let mut seen = vec![false; ir.graph.node_count()];
    let mut queue = VecDeque::from([start]);
    if let Some(s) = seen.get_mut(start.index()) {
        *s = true;
    }
    while let Some(n) = queue.pop_front() {
        let Some(node) = ir.graph.node_weight(n) else {
            continue;
        };
        // The caller is asked something on the way: that is a real new
        // question, not a silent loop.
        if node.action.waits_for_caller() {
            continue;
        }
        for m in ir.graph.neighbors(n) {
            if m == menu {
                return Some(Some(n));
            }
            if let Some(s) = seen.get_mut(m.index())
                && !*s
            {
                *s = true;
                queue.push_back(m);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_explain_page, codes, primary_text, secondary_texts, with_code};

    fn menu(lines: &str, rest: &str) -> String {
        format!(
            "flow f {{\n  start m\n}}\nmenu m {{\n  say \"Press 1.\"\n  retries 2\n  \"1\" -> bye\n{lines}}}\nstep bye {{\n  hangup\n}}\n{rest}"
        )
    }

    #[test]
    fn exhausted_repeat_is_reported() {
        let src = menu("  timeout -> repeat\n  invalid -> repeat\n  exhausted -> repeat\n", "");
        let found = with_code(&src, "E0404");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(primary_text(&src, &found[0]), "exhausted -> repeat");
    }

    #[test]
    fn a_timeout_that_loops_back_through_a_step_is_reported() {
        let src = menu(
            "  timeout -> sorry\n  invalid -> repeat\n  exhausted -> bye\n",
            "step sorry {\n  say \"Sorry, I did not hear you.\"\n  goto m\n}\n",
        );
        let found = with_code(&src, "E0404");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(primary_text(&src, &found[0]), "timeout -> sorry");
        assert_eq!(secondary_texts(&src, &found[0]), vec!["goto m"]);
    }

    #[test]
    fn an_invalid_route_naming_the_menu_itself_is_reported() {
        let src = menu("  timeout -> repeat\n  invalid -> m\n  exhausted -> bye\n", "");
        let found = with_code(&src, "E0404");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(primary_text(&src, &found[0]), "invalid -> m");
    }

    #[test]
    fn repeat_is_the_bounded_way() {
        let src = menu("  timeout -> repeat\n  invalid -> repeat\n  exhausted -> bye\n", "");
        assert!(!codes(&src).contains(&"E0404"), "{:?}", codes(&src));
    }

    #[test]
    fn a_route_that_asks_the_caller_again_is_fine() {
        let src = menu(
            "  timeout -> ask\n  invalid -> bye\n  exhausted -> bye\n",
            "step ask {\n  collect pin digits 4 timeout 5s\n  on timeout -> bye\n  goto m\n}\n",
        );
        assert!(!codes(&src).contains(&"E0404"), "{:?}", codes(&src));
    }

    #[test]
    fn a_route_that_leaves_is_fine() {
        let src = menu("  timeout -> bye\n  invalid -> bye\n", "");
        assert!(!codes(&src).contains(&"E0404"), "{:?}", codes(&src));
    }

    #[test]
    fn explain_page_is_complete_and_its_example_triggers_the_code() {
        assert_explain_page(&super::CODE);
    }
}
