//! The IR as a Mermaid flowchart (`flowchart TD`), one subgraph per state.

use super::{Action, Ir, label::node_label};
use petgraph::visit::EdgeRef;
use std::fmt::Write;

pub fn to_mermaid(ir: &Ir) -> String {
    let mut out = String::from("flowchart TD\n");
    for flow in &ir.flows {
        let _ = writeln!(
            out,
            "  n{}([\"{}\"])",
            flow.entry.index(),
            escape(&node_label(ir, flow.entry))
        );
    }
    let by_state = ir.nodes_by_state();
    for (index, state) in ir.states.iter().enumerate() {
        let _ = writeln!(out, "  subgraph s{index} [\"{}\"]", escape(&state.name.text));
        for &id in by_state.get(index).map_or(&[][..], Vec::as_slice) {
            let label = escape(&node_label(ir, id));
            let shape = match ir.node(id).action {
                Action::Branch(_) => format!("{{\"{label}\"}}"),
                ref a if a.can_end_call() => format!("[[\"{label}\"]]"),
                _ => format!("[\"{label}\"]"),
            };
            let _ = writeln!(out, "    n{}{shape}", id.index());
        }
        out.push_str("  end\n");
    }
    for e in ir.graph.edge_references() {
        let label = e.weight().label();
        if label.is_empty() {
            let _ = writeln!(out, "  n{} --> n{}", e.source().index(), e.target().index());
        } else {
            let _ = writeln!(
                out,
                "  n{} -->|\"{}\"| n{}",
                e.source().index(),
                escape(&label),
                e.target().index()
            );
        }
    }
    out
}

/// Mermaid labels are quoted; quotes and markup characters become entity codes.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_into_entities() {
        assert_eq!(escape("key # \"x\" <b>|"), "key #35; #quot;x#quot; #lt;b#gt;#124;");
    }
}
