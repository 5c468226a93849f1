//! The graph IR: one node per primitive action, edges labelled by the outcome
//! that takes them.
//!
//! Built from resolved ASTs by `build`, checked by `verify` (structural
//! invariants) and by the checks in `checks/` (flow properties), and later
//! lowered to provider documents and bytecode. Rendered by `dot` and `mermaid`.

pub mod build;
pub mod dot;
mod label;
pub mod mermaid;
pub mod verify;

use crate::ast::{self, Expr, HoldMusic, Name, StrLit};
use crate::span::Span;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use std::sync::Arc;

pub type NodeId = NodeIndex<u32>;

/// A whole project's call graph.
#[derive(Clone, Debug, Default)]
pub struct Ir {
    pub graph: DiGraph<Node, Edge, u32>,
    /// Every state in source order; `entry` is its first node.
    pub states: Vec<StateInfo>,
    pub flows: Vec<FlowInfo>,
}

#[derive(Clone, Debug)]
pub struct StateInfo {
    pub name: Name,
    pub entry: NodeId,
    pub is_menu: bool,
    /// The whole state, and its closing brace.
    pub span: Span,
    pub close: Span,
}

#[derive(Clone, Debug)]
pub struct FlowInfo {
    pub flow: ast::Flow,
    /// The `FlowEntry` node; its one `Next` edge leads to the start state.
    pub entry: NodeId,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub action: Action,
    /// Index into `Ir::states` (`None` for flow entries).
    pub state: Option<usize>,
    /// The statement (or menu, or closing brace) this node comes from.
    pub span: Span,
}

/// A primitive action with its parameters as written (flow defaults are
/// applied by targets and the VM, since one state may serve several flows).
/// Large parameter sets are behind pointers — shared with the AST where the
/// AST has them — so a node is small and building the graph copies no
/// prompt: big flows have one node per statement (see docs/performance.md).
#[derive(Clone, Debug)]
pub enum Action {
    FlowEntry {
        flow: usize,
    },
    Say(Arc<ast::Say>),
    Play {
        source: StrLit,
        repeat: Option<u32>,
    },
    Pause {
        ms: u64,
    },
    Menu(MenuAction),
    Collect(Arc<ast::Collect>),
    Record(Arc<ast::Record>),
    StartRecording,
    StopRecording,
    Dial(Arc<ast::Dial>),
    Enqueue {
        queue: Name,
        hold_music: Option<HoldMusic>,
    },
    Dequeue {
        queue: Name,
        number: Option<StrLit>,
    },
    Park {
        intro: Option<StrLit>,
        hold: Option<StrLit>,
        max_ms: Option<u64>,
    },
    Conference(Arc<ast::Conference>),
    Stream {
        url: StrLit,
        max_ms: Option<u64>,
    },
    RedirectUrl(StrLit),
    /// Hand the call to another flow: its one `Next` edge goes to that flow's entry.
    RedirectFlow(Name),
    Reject(Option<ast::RejectReason>),
    /// `hangup`; `implicit` when the compiler ends the call (a menu with no
    /// `exhausted` route).
    Hangup {
        implicit: bool,
    },
    /// `goto`: a jump to another state's entry.
    Goto(Name),
    Branch(Arc<Expr>),
    Set {
        var: Name,
        value: Arc<Expr>,
    },
    /// Control falls off the end of a state: a dead end.
    End,
    /// A statement that did not parse or resolve; keeps the graph connected.
    Invalid,
}

#[derive(Clone, Debug)]
pub struct MenuAction {
    pub prompt: Vec<ast::Stmt>,
    pub retries: Option<u32>,
    pub input_timeout_ms: Option<u64>,
    /// Keys in source order, with the spans of their options.
    pub keys: Vec<(char, Span)>,
}

/// What takes an edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Edge {
    Next,
    Key(char),
    Timeout,
    Invalid,
    Exhausted,
    Answered,
    Busy,
    NoAnswer,
    Failed,
    True,
    False,
}

impl Edge {
    pub fn label(self) -> String {
        match self {
            Edge::Next => String::new(),
            Edge::Key(k) => format!("key {k}"),
            Edge::Timeout => "timeout".into(),
            Edge::Invalid => "invalid".into(),
            Edge::Exhausted => "exhausted".into(),
            Edge::Answered => "answered".into(),
            Edge::Busy => "busy".into(),
            Edge::NoAnswer => "no answer".into(),
            Edge::Failed => "failed".into(),
            Edge::True => "true".into(),
            Edge::False => "false".into(),
        }
    }
}

impl Action {
    /// Short name of the action, for graph labels and messages.
    pub fn name(&self) -> &'static str {
        match self {
            Action::FlowEntry { .. } => "flow",
            Action::Say(_) => "say",
            Action::Play { .. } => "play",
            Action::Pause { .. } => "pause",
            Action::Menu(_) => "menu",
            Action::Collect(_) => "collect",
            Action::Record(_) => "record",
            Action::StartRecording => "start_recording",
            Action::StopRecording => "stop_recording",
            Action::Dial(_) => "dial",
            Action::Enqueue { .. } => "enqueue",
            Action::Dequeue { .. } => "dequeue",
            Action::Park { .. } => "park",
            Action::Conference(_) => "conference",
            Action::Stream { .. } => "stream",
            Action::RedirectUrl(_) | Action::RedirectFlow(_) => "redirect",
            Action::Reject(_) => "reject",
            Action::Hangup { .. } => "hangup",
            Action::Goto(_) => "goto",
            Action::Branch(_) => "if",
            Action::Set { .. } => "set",
            Action::End => "end",
            Action::Invalid => "invalid",
        }
    }

    /// Does this action wait for the caller to do something (press keys,
    /// speak, record)? Loops through such a node are not busy loops.
    pub fn waits_for_caller(&self) -> bool {
        matches!(self, Action::Menu(_) | Action::Collect(_) | Action::Record(_))
    }

    /// Does the call end, or leave this flow's control, at this action (for
    /// at least one outcome)? A dial ends it when answered and not routed.
    pub fn can_end_call(&self) -> bool {
        match self {
            Action::Hangup { .. }
            | Action::Reject(_)
            | Action::RedirectUrl(_)
            | Action::Enqueue { .. }
            | Action::Dequeue { .. }
            | Action::Park { .. }
            | Action::Conference(_)
            | Action::Stream { .. } => true,
            Action::Dial(d) => !d.outcomes.iter().any(|o| o.outcome.value == ast::Outcome::Answered),
            _ => false,
        }
    }
}

impl Ir {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.graph[id]
    }

    /// Outgoing edges of a node as `(outcome, target)`.
    pub fn successors(&self, id: NodeId) -> impl Iterator<Item = (Edge, NodeId)> + '_ {
        self.graph.edges(id).map(|e| (*e.weight(), e.target()))
    }

    /// Node ids grouped by the state they belong to, in creation order.
    pub fn nodes_by_state(&self) -> Vec<Vec<NodeId>> {
        let mut groups = vec![Vec::new(); self.states.len()];
        for id in self.graph.node_indices() {
            if let Some(group) = self.node(id).state.and_then(|s| groups.get_mut(s)) {
                group.push(id);
            }
        }
        groups
    }

    pub fn state_named(&self, name: &str) -> Option<&StateInfo> {
        self.states.iter().find(|s| s.name.text == name)
    }

    /// Human name of where a node is: `state welcome` or `flow acme`.
    pub fn describe_node(&self, id: NodeId) -> String {
        let node = self.node(id);
        match (&node.action, node.state.and_then(|s| self.states.get(s))) {
            (Action::FlowEntry { flow }, _) => {
                format!(
                    "flow {}",
                    self.flows.get(*flow).map_or("?", |f| f.flow.name.text.as_str())
                )
            }
            (_, Some(state)) => format!("{} ({})", state.name.text, node.action.name()),
            (_, None) => node.action.name().to_string(),
        }
    }
}
