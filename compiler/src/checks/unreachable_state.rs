//! W0301 `unreachable-state`: a state no call can ever enter.
//!
//! Reachability is computed once in [`Context::new`] (a BFS from every flow
//! entry); this check only reads it. A state that no flow reaches is dead
//! weight at best, and at worst a sign that a `goto` or menu option points at
//! the wrong name.

use super::Context;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::ir::Action;

pub static CODE: Code = Code {
    id: "W0301",
    name: "unreachable-state",
    severity: Severity::Warning,
    summary: "no flow can ever enter this state",
    explain: r##"## What it means
No path from the `start` state of any `flow` leads to this state: no `goto`,
menu option or `on …` outcome of a reachable state names it. Callers will never
hear it.

This often means a typo sends callers elsewhere (for example a menu option
routes to `sales` where `sales_hours` was meant), or that a state is left over
from an older version of the flow.

## Example
```flow
flow support {
  start welcome
}

step welcome {
  say "Thank you for calling."
  hangup
}

step after_hours {
  say "We are closed. Please call again tomorrow."
  hangup
}
```
`after_hours` is never entered: `welcome` hangs up without going there.

## How to fix
Route callers to the state from a reachable one (`goto after_hours`, a menu
option `"3" -> after_hours`, or an outcome `on busy -> after_hours`), or delete
it. A state that is only entered from other unreachable states is unreachable
too: fix the first one in the chain.
"##,
};

pub fn run(ctx: &Context, diags: &mut Vec<Diagnostic>) {
    // Without any flow nothing is reachable; E0110 (no-flow) already says so,
    // and one warning per state would only bury it.
    if ctx.ir.flows.is_empty() {
        return;
    }
    for (index, state) in ctx.ir.states.iter().enumerate() {
        if ctx.is_reachable(state.entry) {
            continue;
        }
        // A second definition of a name is never the target of anything (the
        // first one wins); E0102 already reports it.
        if ctx
            .ir
            .state_named(&state.name.text)
            .is_some_and(|first| first.entry != state.entry)
        {
            continue;
        }
        let kind = if state.is_menu { "menu" } else { "step" };
        let mut d = Diagnostic::new(&CODE, format!("the {kind} `{}` is never entered by any flow", state.name.text))
            .primary(state.name.span, "unreachable")
            .help(format!(
                "send callers here from a reachable state (`goto {0}`, a menu option `\"1\" -> {0}` or `on busy -> {0}`), or remove it",
                state.name.text
            ));
        // If other (equally unreachable) states jump here, say so: the fix is
        // at the head of that chain, not here.
        let mut from: Vec<&str> = ctx
            .ir
            .graph
            .neighbors_directed(state.entry, petgraph::Direction::Incoming)
            .filter_map(|pred| {
                let node = ctx.ir.graph.node_weight(pred)?;
                let s = node.state.filter(|&s| s != index)?;
                if matches!(node.action, Action::FlowEntry { .. }) {
                    return None;
                }
                ctx.ir.states.get(s).map(|info| info.name.text.as_str())
            })
            .collect();
        from.sort_unstable();
        from.dedup();
        if !from.is_empty() {
            let list: Vec<String> = from.iter().map(|n| format!("`{n}`")).collect();
            d = d.note(format!(
                "it is only entered from {}, which no flow reaches either",
                list.join(", ")
            ));
        }
        diags.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_explain_page, codes, primary_text, with_code};

    #[test]
    fn a_state_nothing_enters_is_reported_on_its_name() {
        let src = "flow f {\n  start a\n}\nstep a {\n  hangup\n}\nstep lonely {\n  hangup\n}\n";
        let found = with_code(src, "W0301");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(primary_text(src, &found[0]), "lonely");
        assert!(found[0].message.contains("`lonely`"));
        assert!(found[0].help.is_some());
    }

    #[test]
    fn states_reached_by_goto_menu_and_outcome_are_fine() {
        let src = "flow f {\n  start a\n}\nstep a {\n  dial \"+254711082000\"\n  on busy -> b\n  goto m\n}\n\
                   step b {\n  hangup\n}\nmenu m {\n  say \"Press 1.\"\n  \"1\" -> c\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> b\n}\n\
                   step c {\n  hangup\n}\n";
        assert!(!codes(src).contains(&"W0301"), "{:?}", codes(src));
    }

    #[test]
    fn a_chain_of_unreachable_states_names_its_source() {
        let src = "flow f {\n  start a\n}\nstep a {\n  hangup\n}\nstep x {\n  goto y\n}\nstep y {\n  hangup\n}\n";
        let found = with_code(src, "W0301");
        assert_eq!(found.len(), 2);
        let y = found.iter().find(|d| primary_text(src, d) == "y").expect("y reported");
        assert!(y.notes.iter().any(|n| n.contains("`x`")), "{:?}", y.notes);
    }

    #[test]
    fn no_flow_means_no_unreachable_warnings() {
        let src = "step a {\n  hangup\n}\nstep b {\n  hangup\n}\n";
        let found = codes(src);
        assert!(found.contains(&"E0110"));
        assert!(!found.contains(&"W0301"));
    }

    #[test]
    fn a_redirected_flow_reaches_its_start() {
        let src =
            "flow f {\n  start a\n}\nflow g {\n  start b\n}\nstep a {\n  redirect flow g\n}\nstep b {\n  hangup\n}\n";
        assert!(!codes(src).contains(&"W0301"));
    }

    #[test]
    fn explain_page_is_complete_and_its_example_triggers_the_code() {
        assert_explain_page(&super::CODE);
    }
}
