//! E0303 `input-free-loop`: a loop that never listens to the caller and never
//! ends.
//!
//! The strongly connected components of the IR graph are the loops of the
//! flow. They are computed by `scc.rs` (Tarjan without recursion: petgraph's
//! Tarjan recurses once per node on a path, and a long chain of states — a
//! generated 10,000-state flow — overflows the stack; its Kosaraju allocates
//! a `Vec` per component). A component is reported when it really cycles (more than one node,
//! or a node with an edge to itself), no node in it waits for the caller
//! (menu, collect, record), no node in it can end the call, and no edge leaves
//! it. Such a loop runs until the provider cuts the call, billing every minute.

use super::Context;
use super::scc;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::ir::{Action, Ir, NodeId};
use std::collections::VecDeque;

pub static CODE: Code = Code {
    id: "E0303",
    name: "input-free-loop",
    severity: Severity::Error,
    summary: "states loop forever without waiting for the caller or ending the call",
    explain: r##"## What it means
A group of states sends the call round in a circle, and nothing on that circle
waits for the caller (`menu`, `collect`, `record`), ends the call (`hangup`,
`reject`, a transfer) or leads out of the circle. Once a call enters it, it
plays prompts (or silence) forever: the caller can only hang up, and the line
is billed until they do, or until the provider's own limit cuts it.

`pause` does not count as waiting: it only lets time pass, and the caller's key
presses during a pause are not read.

## Example
```flow
step check {
  say "Please hold while we check your account."
  pause 5s
  goto wait
}

step wait {
  play "https://example.com/audio/ticking.wav"
  goto check
}
```

## How to fix
Give the loop a way out or a reason to stop: ask the caller something inside it
(a `menu` with `exhausted ->`, or `collect` with `on timeout ->`), leave it on a
condition (`if …  { goto done }`), or count the rounds:
```flow
step wait {
  set rounds = rounds + 1
  if rounds > 3 {
    goto voicemail
  }
  goto check
}
```
"##,
};

pub fn run(ctx: &Context, diags: &mut Vec<Diagnostic>) {
    let ir = ctx.ir;
    let sccs = scc::components(&ctx.out);
    let mut found: Vec<Diagnostic> = Vec::new();
    for c in 0..sccs.len() {
        let scc = sccs.members(c);
        let inside = |n: NodeId| sccs.of(n) == Some(c);
        let cyclic = scc.len() > 1 || scc.iter().any(|&n| ctx.out.nodes(n).any(|m| m == n));
        if !cyclic {
            continue;
        }
        let mut trapped = true;
        for &n in scc {
            let Some(node) = ir.graph.node_weight(n) else {
                continue;
            };
            // A line that did not parse could be anything (maybe a collect);
            // its own error is enough.
            if node.action.waits_for_caller()
                || node.action.can_end_call()
                || matches!(node.action, Action::Invalid)
                || ctx.out.nodes(n).any(|m| !inside(m))
            {
                trapped = false;
                break;
            }
        }
        if trapped && let Some(d) = report(ir, scc, &inside) {
            found.push(d);
        }
    }
    found.sort_by_key(|d| d.sort_key());
    diags.extend(found);
}

fn report(ir: &Ir, scc: &[NodeId], inside: &dyn Fn(NodeId) -> bool) -> Option<Diagnostic> {
    // Anchor on the first state of the loop in source order.
    let first_state = scc.iter().filter_map(|&n| ir.graph.node_weight(n)?.state).min()?;
    let info = ir.states.get(first_state)?;
    let start = if inside(info.entry) {
        info.entry
    } else {
        scc.iter()
            .copied()
            .filter(|&n| ir.graph.node_weight(n).and_then(|w| w.state) == Some(first_state))
            .min()?
    };
    let cycle = shortest_cycle(ir, start, inside);

    // State names along the cycle, consecutive repeats collapsed.
    let mut names: Vec<&str> = Vec::new();
    for &n in &cycle {
        if let Some(name) = state_name(ir, n)
            && names.last() != Some(&name)
        {
            names.push(name);
        }
    }
    names.push(info.name.text.as_str());
    let distinct = {
        let mut d = names.clone();
        d.sort_unstable();
        d.dedup();
        d.len()
    };
    let message = if distinct > 1 {
        format!(
            "these states loop forever without waiting for the caller: {}",
            names.join(" → ")
        )
    } else {
        format!("`{}` loops forever without waiting for the caller", info.name.text)
    };
    let mut d = Diagnostic::new(&CODE, message).primary(
        info.name.span,
        "this loop never waits for the caller and never ends the call",
    );

    // Label the jumps that carry the call round the circle.
    for (i, &from) in cycle.iter().enumerate() {
        let to = cycle.get(i + 1).copied().unwrap_or(start);
        let Some(node) = ir.graph.node_weight(from) else {
            continue;
        };
        let to_state = ir
            .graph
            .node_weight(to)
            .and_then(|w| w.state)
            .and_then(|s| ir.states.get(s));
        let is_jump = to_state.is_some_and(|s| s.entry == to) && !matches!(node.action, Action::FlowEntry { .. });
        if !is_jump {
            continue;
        }
        let target = state_name(ir, to).unwrap_or("?");
        let label = if to == start {
            format!("goes back to `{target}`")
        } else {
            format!("goes on to `{target}`")
        };
        d = d.secondary(node.span, label);
    }

    let mut others: Vec<&str> = scc
        .iter()
        .filter_map(|&n| state_name(ir, n))
        .filter(|n| !names.contains(n))
        .collect();
    others.sort_unstable();
    others.dedup();
    if !others.is_empty() {
        let list: Vec<String> = others.iter().map(|n| format!("`{n}`")).collect();
        d = d.note(format!("the loop also runs through {}", list.join(", ")));
    }
    if scc
        .iter()
        .any(|&n| matches!(ir.graph.node_weight(n).map(|w| &w.action), Some(Action::Pause { .. })))
    {
        d = d.note("`pause` only lets time pass; it does not listen to the caller");
    }
    Some(d.help(
        "wait for the caller inside the loop (a `menu`, or `collect` with `on timeout ->`), leave it on a condition with `if … { goto … }`, or end the call with `hangup`",
    ))
}

/// The nodes of a shortest cycle through `start` inside the component, from
/// `start` up to the node whose edge returns to it.
fn shortest_cycle(ir: &Ir, start: NodeId, inside: &dyn Fn(NodeId) -> bool) -> Vec<NodeId> {
    if ir.graph.contains_edge(start, start) {
        return vec![start];
    }
    let mut parent: Vec<Option<NodeId>> = vec![None; ir.graph.node_count()];
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for m in ir.graph.neighbors(n) {
            if m == start {
                // Walk the parents back to `start`.
                let mut path = vec![n];
                let mut at = n;
                while at != start {
                    match parent.get(at.index()).copied().flatten() {
                        Some(p) => {
                            path.push(p);
                            at = p;
                        }
                        None => break,
                    }
                }
                path.reverse();
                return path;
            }
            if !inside(m) {
                continue;
            }
            if let Some(slot) = parent.get_mut(m.index())
                && slot.is_none()
            {
                *slot = Some(n);
                queue.push_back(m);
            }
        }
    }
    vec![start]
}

fn state_name(ir: &Ir, n: NodeId) -> Option<&str> {
    let s = ir.graph.node_weight(n)?.state?;
    ir.states.get(s).map(|info| info.name.text.as_str())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_explain_page, codes, primary_text, secondary_texts, with_code};

    const HEAD: &str = "flow f {\n  start check\n}\n";

    #[test]
    fn two_states_bouncing_forever_are_reported() {
        let src = format!(
            "{HEAD}step check {{\n  say \"Please hold.\"\n  pause 5s\n  goto wait\n}}\nstep wait {{\n  play \"https://example.com/tick.wav\"\n  goto check\n}}\n"
        );
        let found = with_code(&src, "E0303");
        assert_eq!(found.len(), 1, "{found:?}");
        let d = &found[0];
        assert_eq!(
            d.message,
            "these states loop forever without waiting for the caller: check → wait → check"
        );
        assert_eq!(primary_text(&src, d), "check");
        assert_eq!(secondary_texts(&src, d), vec!["goto wait", "goto check"]);
        assert!(
            d.notes.iter().any(|n| n.contains("pause")),
            "pause is not waiting: {:?}",
            d.notes
        );
    }

    #[test]
    fn a_state_jumping_to_itself_is_reported() {
        let src = format!("{HEAD}step check {{\n  say \"Still checking.\"\n  goto check\n}}\n");
        let found = with_code(&src, "E0303");
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("`check`"));
        assert_eq!(secondary_texts(&src, &found[0]), vec!["goto check"]);
    }

    #[test]
    fn a_loop_through_a_menu_waits_for_the_caller() {
        let src = format!(
            "{HEAD}step check {{\n  say \"Checking.\"\n  goto ask\n}}\nmenu ask {{\n  say \"Press 1 to check again.\"\n  \"1\" -> check\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> check\n}}\n"
        );
        assert!(!codes(&src).contains(&"E0303"), "{:?}", codes(&src));
    }

    #[test]
    fn a_loop_with_a_way_out_is_fine() {
        let src = format!(
            "{HEAD}step check {{\n  set n = 1\n  goto wait\n}}\nstep wait {{\n  if n == 1 {{\n    goto done\n  }}\n  goto check\n}}\nstep done {{\n  hangup\n}}\n"
        );
        assert!(!codes(&src).contains(&"E0303"), "{:?}", codes(&src));
    }

    #[test]
    fn a_loop_that_can_hang_up_is_fine() {
        let src =
            format!("{HEAD}step check {{\n  if caller == \"+254711000000\" {{\n    hangup\n  }}\n  goto check\n}}\n");
        assert!(!codes(&src).contains(&"E0303"), "{:?}", codes(&src));
    }

    #[test]
    fn a_loop_that_collects_is_fine() {
        let src = format!("{HEAD}step check {{\n  collect pin digits 4\n  goto check\n}}\n");
        assert!(!codes(&src).contains(&"E0303"), "{:?}", codes(&src));
    }

    #[test]
    fn explain_page_is_complete_and_its_example_triggers_the_code() {
        assert_explain_page(&super::CODE);
    }
}
