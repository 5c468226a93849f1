//! The IR's edges as flat arrays, for the checks that walk the whole graph.
//!
//! petgraph keeps each node's edges as a linked list threaded through the edge
//! array, and its nodes are large (the action is inline): a walk misses the
//! cache on nearly every node and edge, which made reachability and the graph
//! checks a fifth of `check` on large flows (docs/performance.md). Here a
//! node's edges are one contiguous run of 12-byte entries, built in one pass
//! over petgraph's edge array.
//!
//! Each run lists the edges in the order petgraph's `edges(n)` (or
//! `edges_directed(n, Incoming)`) yields them — newest first — so a walk that
//! replaces a petgraph walk visits nodes in the same order.

use crate::ir::{Edge, Ir, NodeId};

/// The outgoing (or incoming) edges of every node.
pub struct Adjacency {
    /// The edges of node `n` are `edges[start[n]..start[n + 1]]`.
    start: Vec<u32>,
    /// The node at the other end of each edge, and its label.
    edges: Vec<(NodeId, Edge)>,
}

impl Adjacency {
    /// Every node's outgoing edges.
    pub fn outgoing(ir: &Ir) -> Self {
        Self::build(ir, |e| (e.source(), e.target()))
    }

    /// Every node's incoming edges (the other end is the source).
    pub fn incoming(ir: &Ir) -> Self {
        Self::build(ir, |e| (e.target(), e.source()))
    }

    /// `ends(e)` is (the node the edge is listed under, the other end).
    fn build(ir: &Ir, ends: impl Fn(&petgraph::graph::Edge<Edge, u32>) -> (NodeId, NodeId)) -> Self {
        let nodes = ir.graph.node_count();
        let raw = ir.graph.raw_edges();
        // Count, then place: `start[n + 1]` first counts node n's edges, then
        // (after the prefix sum) is where its run ends.
        let mut start = vec![0u32; nodes + 1];
        for e in raw {
            let (at, _) = ends(e);
            if let Some(c) = start.get_mut(at.index() + 1) {
                *c += 1;
            }
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        // Fill each run from its end backwards, newest edge last placed, so
        // that it comes first: petgraph's order.
        let mut fill: Vec<u32> = start.get(1..).unwrap_or_default().to_vec();
        let mut edges = vec![(NodeId::end(), Edge::Next); raw.len()];
        for e in raw {
            let (at, other) = ends(e);
            if let Some(slot) = fill.get_mut(at.index()) {
                *slot -= 1;
                if let Some(entry) = edges.get_mut(*slot as usize) {
                    *entry = (other, e.weight);
                }
            }
        }
        Adjacency { start, edges }
    }

    /// The edges of `n`: the node at their other end and their labels.
    #[inline]
    pub fn of(&self, n: NodeId) -> &[(NodeId, Edge)] {
        let i = n.index();
        match (self.start.get(i), self.start.get(i + 1)) {
            (Some(&a), Some(&b)) => self.edges.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        }
    }

    /// The nodes at the other end of `n`'s edges.
    #[inline]
    pub fn nodes(&self, n: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.of(n).iter().map(|&(m, _)| m)
    }

    pub fn node_count(&self) -> usize {
        self.start.len().saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::check_source;
    use petgraph::Direction;
    use petgraph::visit::EdgeRef;

    /// The same edges in the same order as petgraph's own iteration, on every
    /// example (menus with self-edges, dials, branches, flows).
    #[test]
    fn lists_every_edge_in_petgraphs_order() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        let mut checked = 0;
        for entry in std::fs::read_dir(&root).expect("examples").flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "flow") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("readable");
            let (_, analysis) = check_source("x.flow", &text);
            let ir = &analysis.ir;
            let (out, inc) = (Adjacency::outgoing(ir), Adjacency::incoming(ir));
            assert_eq!(out.node_count(), ir.graph.node_count());
            for n in ir.graph.node_indices() {
                let want: Vec<_> = ir.graph.edges(n).map(|e| (e.target(), *e.weight())).collect();
                assert_eq!(out.of(n), want.as_slice(), "{}: out of {n:?}", path.display());
                let want: Vec<_> = ir
                    .graph
                    .edges_directed(n, Direction::Incoming)
                    .map(|e| (e.source(), *e.weight()))
                    .collect();
                assert_eq!(inc.of(n), want.as_slice(), "{}: into {n:?}", path.display());
            }
            checked += 1;
        }
        assert!(checked >= 5, "only {checked} examples");
    }

    #[test]
    fn a_node_past_the_end_has_no_edges() {
        let ir = Ir::default();
        let adj = Adjacency::outgoing(&ir);
        assert!(adj.of(NodeId::new(3)).is_empty());
        assert_eq!(adj.node_count(), 0);
    }
}
