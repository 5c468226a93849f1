//! The IR as Graphviz DOT: one cluster per state, edges labelled by outcome.

use super::{Action, Ir, label::node_label};
use petgraph::visit::EdgeRef;
use std::fmt::Write;

pub fn to_dot(ir: &Ir) -> String {
    let mut out = String::from(
        "digraph callflow {\n  rankdir=TB;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    for flow in &ir.flows {
        let _ = writeln!(
            out,
            "  n{} [label=\"{}\", shape=oval];",
            flow.entry.index(),
            escape(&node_label(ir, flow.entry))
        );
    }
    let by_state = ir.nodes_by_state();
    for (index, state) in ir.states.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph cluster_{index} {{\n    label=\"{}\";",
            escape(&state.name.text)
        );
        for &id in by_state.get(index).map_or(&[][..], Vec::as_slice) {
            let shape = match ir.node(id).action {
                Action::Branch(_) => ", shape=diamond",
                Action::End => ", color=red, fontcolor=red",
                ref a if a.can_end_call() => ", shape=doubleoctagon",
                _ => "",
            };
            let _ = writeln!(
                out,
                "    n{} [label=\"{}\"{shape}];",
                id.index(),
                escape(&node_label(ir, id))
            );
        }
        out.push_str("  }\n");
    }
    for e in ir.graph.edge_references() {
        let label = e.weight().label();
        let attrs = if label.is_empty() {
            String::new()
        } else {
            format!(" [label=\"{}\"]", escape(&label))
        };
        let _ = writeln!(out, "  n{} -> n{}{attrs};", e.source().index(), e.target().index());
    }
    out.push_str("}\n");
    out
}

/// Escape for a DOT double-quoted string.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_quotes_backslashes_and_newlines() {
        assert_eq!(escape("say \"a\\b\"\nx"), "say \\\"a\\\\b\\\"\\nx");
    }
}
