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
        match &node.action {
            Action::FlowEntry { .. } => {
                if node.state.is_some() {
                    problems.push(format!("{here}: a flow entry belongs to no state"));
                }
            }
            _ if node.state.is_none_or(|s| s >= ir.states.len()) => {
                problems.push(format!("{here}: node without a valid state"));
            }
            _ => {}
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
