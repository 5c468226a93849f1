//! E0302 `dead-end`: control can run off the end of a step.
//!
//! The IR builder puts an `End` node where a step's statements run out without
//! a `hangup`, `goto` or transfer. This check reports every `End` node that can
//! actually be reached from the entry of some state. It looks from every
//! state, not only from the flows: a dead end in a state that is unreachable
//! today is still a bug waiting for the `goto` that reaches it. `End` nodes
//! that only statements after a terminal action lead to are not reported
//! (W0305 covers those statements).

use super::Context;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::ir::{Action, Edge, NodeId};
use petgraph::Direction;
use petgraph::visit::EdgeRef;
use std::collections::VecDeque;

pub static CODE: Code = Code {
    id: "E0302",
    name: "dead-end",
    severity: Severity::Error,
    summary: "a step can end without hanging up, jumping on or transferring the call",
    explain: r##"## What it means
Every path through a `step` must end the call (`hangup`, `reject`), hand it on
(`goto`, `redirect`, `enqueue`, `conference`, an answered `dial` …) or reach a
statement that does. Here control can reach the closing `}` of the step with
nothing left to do. Providers react differently to that (some hang up, some
replay the last document, some keep the line open in silence), so the flow
would behave differently on every target.

A `dial` continues with the next statement when the call is busy, not answered
or fails, unless those outcomes are routed with `on … -> state`; an `if`
without `else` continues when its condition is false. Both are common ways to
fall off the end.

## Example
```flow
step sales {
  say "Connecting you to sales."
  dial "+254711082000" timeout 30s
  on no_answer -> voicemail
}
```
When the line is busy, or the dial fails, the call reaches the end of `sales`.

## How to fix
End the step explicitly with `hangup`, move on with `goto <state>`, or route
the missing outcomes of the dial:
```flow
  on busy -> voicemail
  on failed -> voicemail
```
"##,
};

pub fn run(ctx: &Context, diags: &mut Vec<Diagnostic>) {
    let ir = ctx.ir;
    // Multi-source BFS from every state's entry node.
    let mut seen = vec![false; ir.graph.node_count()];
    let mut queue: VecDeque<NodeId> = VecDeque::new();
    for state in &ir.states {
        if let Some(slot) = seen.get_mut(state.entry.index())
            && !*slot
        {
            *slot = true;
            queue.push_back(state.entry);
        }
    }
    while let Some(n) = queue.pop_front() {
        for next in ctx.out.nodes(n) {
            if let Some(slot) = seen.get_mut(next.index())
                && !*slot
            {
                *slot = true;
                queue.push_back(next);
            }
        }
    }
    // The `End` nodes reached, in node order: one pass over the nodes in
    // memory order rather than a look at each node as the walk meets it.
    let ends = ir
        .graph
        .node_indices()
        .zip(ir.graph.node_weights())
        .filter(|(n, w)| matches!(w.action, Action::End) && seen.get(n.index()) == Some(&true))
        .map(|(n, _)| n);
    for end in ends {
        diags.push(report(ctx, end));
    }
}

fn report(ctx: &Context, end: NodeId) -> Diagnostic {
    let ir = ctx.ir;
    let Some(node) = ir.graph.node_weight(end) else {
        return Diagnostic::new(&CODE, "the call can fall off the end of a step");
    };
    let name = node
        .state
        .and_then(|s| ir.states.get(s))
        .map_or("this step", |s| s.name.text.as_str());
    let mut d = Diagnostic::new(
        &CODE,
        format!("the call can reach the end of `{name}` without hanging up or moving on"),
    )
    .primary(node.span, format!("the call falls off the end of `{name}` here"));

    // Explain the branches that lead here: unrouted dial outcomes and `if`s
    // that fall through are the usual culprits and not obvious from the brace.
    let mut preds: Vec<(NodeId, Edge)> = ir
        .graph
        .edges_directed(end, Direction::Incoming)
        .map(|e| (e.source(), *e.weight()))
        .collect();
    preds.sort_by_key(|(n, _)| *n);
    let mut unrouted_dial: Vec<&'static str> = Vec::new();
    let mut labelled: Vec<NodeId> = Vec::new();
    for (pred, _) in &preds {
        if labelled.contains(pred) {
            continue;
        }
        let Some(p) = ir.graph.node_weight(*pred) else {
            continue;
        };
        let edges: Vec<Edge> = preds.iter().filter(|(n, _)| n == pred).map(|(_, e)| *e).collect();
        let label = match &p.action {
            Action::Dial(_) => {
                // In the order the outcomes are documented, not edge order.
                let outcomes: Vec<&'static str> = [Edge::Busy, Edge::NoAnswer, Edge::Failed]
                    .into_iter()
                    .filter(|e| edges.contains(e))
                    .filter_map(outcome_word)
                    .collect();
                for o in &outcomes {
                    if !unrouted_dial.contains(o) {
                        unrouted_dial.push(o);
                    }
                }
                let list: Vec<String> = outcomes.iter().map(|o| format!("`{o}`")).collect();
                let verb = if list.len() == 1 { "is" } else { "are" };
                Some(format!(
                    "{} {verb} not routed, so the step goes on after this dial",
                    join_and(&list)
                ))
            }
            Action::Branch(_) if edges.contains(&Edge::False) => {
                Some("when this condition is false, nothing after it ends the call".to_string())
            }
            Action::Branch(_) => Some("when this condition is true, its block is empty".to_string()),
            Action::Collect(c) => Some(format!("after `{}` is collected, the step just ends", c.var.text)),
            _ => None,
        };
        if let Some(label) = label {
            labelled.push(*pred);
            d = d.secondary(p.span, label);
        }
    }
    if unrouted_dial.is_empty() {
        d.help("end the step with `hangup`, or move on with `goto <state>`")
    } else {
        let lines: Vec<String> = unrouted_dial.iter().map(|o| format!("`on {o} -> <state>`")).collect();
        d.help(format!(
            "route the outcome with {}, or end the step with `hangup` or `goto <state>`",
            lines.join(", ")
        ))
    }
}

/// The `on …` keyword of a dial outcome edge.
fn outcome_word(e: Edge) -> Option<&'static str> {
    match e {
        Edge::Busy => Some("busy"),
        Edge::NoAnswer => Some("no_answer"),
        Edge::Failed => Some("failed"),
        _ => None,
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_explain_page, codes, primary_text, secondary_texts, with_code};

    const HEAD: &str = "flow f {\n  start a\n}\n";

    fn src(body: &str) -> String {
        format!("{HEAD}{body}step vm {{\n  hangup\n}}\n")
    }

    #[test]
    fn a_step_without_an_ending_is_reported_at_its_brace() {
        let s = src("step a {\n  say \"Hello\"\n}\n");
        let found = with_code(&s, "E0302");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(primary_text(&s, &found[0]), "}");
        assert!(found[0].labels[0].message.contains("`a`"));
        assert!(found[0].help.as_deref().is_some_and(|h| h.contains("hangup")));
    }

    #[test]
    fn an_unrouted_dial_outcome_is_pointed_at() {
        let s = src("step a {\n  dial \"+254711082000\"\n  on no_answer -> vm\n}\n");
        let found = with_code(&s, "E0302");
        assert_eq!(found.len(), 1);
        let secondary = secondary_texts(&s, &found[0]);
        assert_eq!(secondary, vec!["dial \"+254711082000\""]);
        let label = &found[0].labels[1].message;
        assert!(
            label.contains("`busy`") && label.contains("`failed`") && !label.contains("no_answer"),
            "{label}"
        );
        assert!(
            found[0]
                .help
                .as_deref()
                .is_some_and(|h| h.contains("on busy -> <state>"))
        );
    }

    #[test]
    fn an_if_without_else_that_falls_through_is_pointed_at() {
        let s = src("step a {\n  if caller == \"+254711000000\" {\n    hangup\n  }\n}\n");
        let found = with_code(&s, "E0302");
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .labels
                .iter()
                .any(|l| !l.primary && l.message.contains("false"))
        );
    }

    #[test]
    fn steps_that_end_properly_are_fine() {
        let s = src(
            "step a {\n  if caller == \"+254711000000\" {\n    goto vm\n  } else {\n    say \"Hi\"\n  }\n  dial \"+254711082000\"\n  on busy -> vm\n  on no_answer -> vm\n  on failed -> vm\n}\n",
        );
        assert!(!codes(&s).contains(&"E0302"), "{:?}", codes(&s));
        let s = src("step a {\n  say \"Hi\"\n  enqueue q\n}\nqueue q\n");
        assert!(!codes(&s).contains(&"E0302"), "{:?}", codes(&s));
    }

    #[test]
    fn a_dead_end_in_an_unreachable_state_is_still_reported() {
        let s = src("step a {\n  hangup\n}\nstep orphan {\n  say \"Nobody hears this\"\n}\n");
        let found = codes(&s);
        assert!(found.contains(&"E0302"), "{found:?}");
        assert!(found.contains(&"W0301"));
    }

    #[test]
    fn statements_after_a_hangup_are_not_a_dead_end() {
        let s = src("step a {\n  hangup\n  say \"never\"\n}\n");
        let found = codes(&s);
        assert!(!found.contains(&"E0302"), "{found:?}");
        assert!(found.contains(&"W0305"));
    }

    #[test]
    fn one_diagnostic_per_end() {
        let s = src("step a {\n  say \"x\"\n}\nstep b {\n}\n");
        assert_eq!(with_code(&s, "E0302").len(), 2);
    }

    #[test]
    fn explain_page_is_complete_and_its_example_triggers_the_code() {
        assert_explain_page(&super::CODE);
    }
}
