//! Structural invariants of the IR. A violation is a compiler bug, never a
//! user error; tests run this on every example and on fuzzed input.

use super::{Action, Edge, Ir};

/// Every broken invariant, as a sentence. Empty when the graph is well formed.
pub fn verify(ir: &Ir) -> Vec<String> {
    let mut problems = Vec::new();
    for id in ir.graph.node_indices() {
        let node = ir.node(id);
        let edges: Vec<Edge> = ir.successors(id).map(|(e, _)| e).collect();
        let here = ir.describe_node(id);
        let is_entry = matches!(node.action, Action::FlowEntry { .. });
        if is_entry && node.state.is_some() {
            problems.push(format!("{here}: a flow entry belongs to no state"));
        }
        if !is_entry && node.state.is_none_or(|s| s >= ir.states.len()) {
            problems.push(format!("{here}: node without a valid state"));
        }
        let allowed: &[Edge] = match &node.action {
            Action::Menu(_) => &[Edge::Timeout, Edge::Invalid, Edge::Exhausted],
            Action::Branch(_) => &[Edge::True, Edge::False],
            Action::Dial(_) => &[Edge::Answered, Edge::Busy, Edge::NoAnswer, Edge::Failed],
            Action::Collect(_) | Action::Record(_) => &[Edge::Next, Edge::Timeout],
            Action::Hangup { .. }
            | Action::Reject(_)
            | Action::RedirectUrl(_)
            | Action::Enqueue { .. }
            | Action::Dequeue { .. }
            | Action::Park { .. }
            | Action::Conference(_)
            | Action::Stream { .. }
            | Action::End => &[],
            _ => &[Edge::Next],
        };
        for e in &edges {
            let is_key = matches!(e, Edge::Key(_)) && matches!(node.action, Action::Menu(_));
            if !is_key && !allowed.contains(e) {
                problems.push(format!("{here}: unexpected `{}` edge", e.label()));
            }
        }
        let mut seen = edges.clone();
        seen.sort_by_key(|e| format!("{e:?}"));
        seen.dedup();
        if seen.len() != edges.len() {
            problems.push(format!("{here}: two edges for the same outcome"));
        }
        if let Action::Menu(_) = node.action {
            for needed in [Edge::Timeout, Edge::Invalid, Edge::Exhausted] {
                if !edges.contains(&needed) {
                    problems.push(format!("{here}: menu without a `{}` edge", needed.label()));
                }
            }
        }
    }
    for state in &ir.states {
        if ir.graph.node_weight(state.entry).is_none() {
            problems.push(format!("state {}: entry node missing", state.name.text));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::check_source;

    #[test]
    fn a_well_formed_project_has_no_problems() {
        let src = "flow f {\n  start a\n}\nstep a {\n  if caller == \"1\" {\n    hangup\n  }\n  goto m\n}\nmenu m {\n  \"1\" -> a\n}\n";
        let (_, analysis) = check_source("t.flow", src);
        assert_eq!(verify(&analysis.ir), Vec::<String>::new());
    }

    #[test]
    fn broken_invariants_are_reported() {
        let src = "flow f {\n  start a\n}\nmenu a {\n  \"1\" -> a\n}\n";
        let (_, analysis) = check_source("t.flow", src);
        let mut ir = analysis.ir;
        let menu = ir.states[0].entry;
        let flow = ir.flows[0].entry;
        ir.graph.add_edge(menu, menu, Edge::True);
        ir.graph[flow].state = Some(0);
        let problems = verify(&ir);
        assert!(
            problems.iter().any(|p| p.contains("unexpected `true` edge")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("a flow entry belongs to no state")),
            "{problems:?}"
        );
    }
}
