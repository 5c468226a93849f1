//! Strongly connected components, for `input_free_loop`.
//!
//! Tarjan's algorithm with an explicit stack instead of recursion: petgraph's
//! `tarjan_scc` recurses once per node on a path, which overflows the stack on
//! a long chain of states, and its `kosaraju_scc` walks the graph twice and
//! allocates a `Vec` per component — 60,000 of them for a 10,000-state flow,
//! where nearly every node is a component of its own. Here the components are
//! one flat array.

use super::adjacency::Adjacency;
use crate::ir::NodeId;

/// The components of a graph, each a run of nodes in one flat array.
pub struct Components {
    /// `component[n]`: the component node `n` belongs to.
    component: Vec<u32>,
    /// Component `c` is `members[start[c]..start[c + 1]]`.
    members: Vec<NodeId>,
    start: Vec<u32>,
}

impl Components {
    pub fn len(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    /// The nodes of component `c`.
    pub fn members(&self, c: usize) -> &[NodeId] {
        match (self.start.get(c), self.start.get(c + 1)) {
            (Some(&a), Some(&b)) => self.members.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        }
    }

    /// The component `n` belongs to.
    pub fn of(&self, n: NodeId) -> Option<usize> {
        self.component.get(n.index()).map(|&c| c as usize)
    }
}

const UNVISITED: u32 = u32::MAX;

/// The strongly connected components of the graph whose outgoing edges are
/// `out`. Every index below comes from `out`, whose nodes are `0..count`.
pub fn components(out: &Adjacency) -> Components {
    let count = out.node_count();
    let mut index = vec![UNVISITED; count];
    let mut low = vec![0u32; count];
    let mut on_stack = vec![false; count];
    // Nodes visited and not yet assigned to a component (Tarjan's stack).
    let mut stack: Vec<NodeId> = Vec::new();
    // The depth-first path: each node with the position of its next edge.
    let mut path: Vec<(NodeId, usize)> = Vec::new();
    let mut next_index = 0u32;
    let mut found = Components {
        component: vec![UNVISITED; count],
        members: Vec::with_capacity(count),
        start: vec![0],
    };
    for root in 0..count {
        if index[root] != UNVISITED {
            continue;
        }
        let root = NodeId::new(root);
        index[root.index()] = next_index;
        low[root.index()] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root.index()] = true;
        path.push((root, 0));
        while let Some((v, pos)) = path.last_mut() {
            let v = *v;
            if let Some(&(w, _)) = out.of(v).get(*pos) {
                *pos += 1;
                let wi = w.index();
                if index[wi] == UNVISITED {
                    index[wi] = next_index;
                    low[wi] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[wi] = true;
                    path.push((w, 0));
                } else if on_stack[wi] {
                    low[v.index()] = low[v.index()].min(index[wi]);
                }
                continue;
            }
            // Every edge of `v` is done.
            path.pop();
            let vl = low[v.index()];
            if let Some(&(parent, _)) = path.last() {
                low[parent.index()] = low[parent.index()].min(vl);
            }
            if vl == index[v.index()] {
                let c = found.len() as u32;
                while let Some(w) = stack.pop() {
                    on_stack[w.index()] = false;
                    found.component[w.index()] = c;
                    found.members.push(w);
                    if w == v {
                        break;
                    }
                }
                found.start.push(found.members.len() as u32);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Action, Edge, Ir, Node};
    use proptest::prelude::*;

    fn graph(nodes: usize, edges: &[(usize, usize)]) -> Ir {
        let mut ir = Ir::default();
        for _ in 0..nodes {
            ir.graph.add_node(Node {
                action: Action::End,
                state: None,
                span: Default::default(),
            });
        }
        for &(a, b) in edges {
            ir.graph.add_edge(NodeId::new(a), NodeId::new(b), Edge::Next);
        }
        ir
    }

    /// Each component as a sorted list, the list sorted: comparable whatever
    /// order an algorithm finds them in.
    fn normal(mut sccs: Vec<Vec<NodeId>>) -> Vec<Vec<NodeId>> {
        for c in &mut sccs {
            c.sort();
        }
        sccs.sort();
        sccs
    }

    fn ours(ir: &Ir) -> Vec<Vec<NodeId>> {
        let found = components(&Adjacency::outgoing(ir));
        for c in 0..found.len() {
            for &n in found.members(c) {
                assert_eq!(found.of(n), Some(c));
            }
        }
        normal((0..found.len()).map(|c| found.members(c).to_vec()).collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

        /// The same components as petgraph's Kosaraju on random graphs
        /// (self-loops and parallel edges included).
        #[test]
        fn agrees_with_petgraph(nodes in 1usize..40, edges in prop::collection::vec((0usize..40, 0usize..40), 0..80)) {
            let edges: Vec<_> = edges.into_iter().map(|(a, b)| (a % nodes, b % nodes)).collect();
            let ir = graph(nodes, &edges);
            prop_assert_eq!(ours(&ir), normal(petgraph::algo::kosaraju_scc(&ir.graph)));
        }
    }

    /// A chain far longer than any recursion could follow, closed into one
    /// loop: one component of every node, found without overflowing the stack.
    #[test]
    fn a_very_long_loop_is_one_component() {
        let n = 200_000;
        let edges: Vec<_> = (0..n).map(|i| (i, (i + 1) % n)).collect();
        let found = components(&Adjacency::outgoing(&graph(n, &edges)));
        assert_eq!(found.len(), 1);
        assert_eq!(found.members(0).len(), n);
    }
}
