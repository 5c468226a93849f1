//! ASTs → IR graph.
//!
//! Names that do not resolve are reported by `analysis::resolve`; here they
//! simply produce no edge, so a half-written project still yields a graph for
//! the checks, the outline and `callflow graph`.

use super::{Action, Edge, FlowInfo, Ir, MenuAction, Node, NodeId, StateInfo};
use crate::ast::{self, Ast, Item, MenuKey, Outcome, RedirectTarget, StateBody, Stmt, StmtKind, Target};
use crate::span::{FileId, Span};
// foldhash: every edge to a state looks its name up; SipHash showed in profiles.
use foldhash::HashMap;

/// Build the IR of a project. The first definition of a duplicated name wins.
pub fn build(asts: &[(FileId, Ast)]) -> Ir {
    let mut b = Builder::default();
    let states: Vec<&ast::State> = items(asts)
        .filter_map(|i| match i {
            Item::State(s) => Some(s),
            _ => None,
        })
        .collect();
    // One node per statement (plus menus, ends and flow entries): reserving
    // up front spares large projects repeated regrowth of the node array.
    let mut statements = 0;
    for s in &states {
        s.walk(&mut |_| statements += 1);
    }
    let nodes = statements + 2 * states.len() + 8;
    b.ir.graph = petgraph::graph::DiGraph::with_capacity(nodes, nodes * 2);
    b.ir.states.reserve_exact(states.len());
    b.state_index.reserve(states.len());
    // About one pending edge to a state per statement.
    b.to_state.reserve(statements);
    for s in &states {
        b.state_index.entry(&s.name.text).or_insert(b.ir.states.len());
        b.ir.states.push(StateInfo {
            name: s.name.clone(),
            entry: NodeId::end(),
            is_menu: matches!(s.body, StateBody::Menu(_)),
            span: s.span,
            close: s.close,
        });
    }
    for (index, s) in states.iter().enumerate() {
        let entry = b.state(index, s);
        if let Some(info) = b.ir.states.get_mut(index) {
            info.entry = entry;
        }
    }
    for flow in items(asts).filter_map(|i| match i {
        Item::Flow(f) => Some(f),
        _ => None,
    }) {
        let index = b.ir.flows.len();
        let entry = b.ir.graph.add_node(Node {
            action: Action::FlowEntry { flow: index },
            state: None,
            span: flow.name.span,
        });
        b.flow_index.entry(&flow.name.text).or_insert(entry);
        if let Some(start) = &flow.start {
            b.to_state.push((entry, Edge::Next, &start.text));
        }
        b.ir.flows.push(FlowInfo {
            flow: flow.clone(),
            entry,
        });
    }
    b.resolve_edges();
    b.ir
}

fn items(asts: &[(FileId, Ast)]) -> impl Iterator<Item = &Item> {
    asts.iter().flat_map(|(_, ast)| ast.items.iter())
}

/// Names are borrowed from the ASTs: a large project has as many pending
/// edges as statements, and copying each name showed in profiles.
#[derive(Default)]
struct Builder<'a> {
    ir: Ir,
    state_index: HashMap<&'a str, usize>,
    flow_index: HashMap<&'a str, NodeId>,
    /// Edges to states by name, added once every state has its entry node.
    to_state: Vec<(NodeId, Edge, &'a str)>,
    to_flow: Vec<(NodeId, &'a str)>,
}

/// Edges still waiting for the node that follows.
type Exits = Vec<(NodeId, Edge)>;

impl<'a> Builder<'a> {
    fn node(
        &mut self,
        action: Action,
        state: usize,
        span: Span,
        incoming: impl IntoIterator<Item = (NodeId, Edge)>,
    ) -> NodeId {
        let id = self.ir.graph.add_node(Node {
            action,
            state: Some(state),
            span,
        });
        for (from, edge) in incoming {
            self.ir.graph.add_edge(from, id, edge);
        }
        id
    }

    /// Lower one state; returns its entry node.
    fn state(&mut self, index: usize, s: &'a ast::State) -> NodeId {
        let first = NodeId::new(self.ir.graph.node_count());
        match &s.body {
            StateBody::Step(body) => {
                let exits = self.block(body, index, Vec::new());
                // An empty step, or control running off its end, meets an End node.
                if !exits.is_empty() || self.ir.graph.node_count() == first.index() {
                    self.node(Action::End, index, s.close, exits);
                }
            }
            StateBody::Menu(menu) => self.menu(index, s, menu),
        }
        first
    }

    fn block(&mut self, stmts: &'a [Stmt], state: usize, mut exits: Exits) -> Exits {
        for stmt in stmts {
            exits = self.stmt(stmt, state, exits);
        }
        exits
    }

    /// The statement's nodes, entered by every edge in `incoming`; returns the
    /// edges that leave them. A statement that continues to the next one
    /// reuses `incoming`'s buffer for its exits, so a block allocates once.
    fn stmt(&mut self, stmt: &'a Stmt, state: usize, mut incoming: Exits) -> Exits {
        let span = stmt.span;
        let simple = |b: &mut Self, action: Action, mut exits: Exits| {
            let n = b.node(action, state, span, exits.drain(..));
            exits.push((n, Edge::Next));
            exits
        };
        match &stmt.kind {
            StmtKind::Say(say) => simple(self, Action::Say(say.clone()), incoming),
            StmtKind::Play { source, repeat } => simple(
                self,
                Action::Play {
                    source: source.clone(),
                    repeat: repeat.as_ref().map(|r| r.value),
                },
                incoming,
            ),
            StmtKind::Pause(d) => simple(self, Action::Pause { ms: d.value }, incoming),
            StmtKind::StartRecording => simple(self, Action::StartRecording, incoming),
            StmtKind::StopRecording => simple(self, Action::StopRecording, incoming),
            StmtKind::Set { var, value } => simple(
                self,
                Action::Set {
                    var: var.clone(),
                    value: value.clone(),
                },
                incoming,
            ),
            StmtKind::Error => simple(self, Action::Invalid, incoming),
            StmtKind::Collect(c) => {
                let n = self.node(Action::Collect(c.clone()), state, span, incoming.drain(..));
                self.route(n, &c.outcomes);
                incoming.push((n, Edge::Next));
                incoming
            }
            StmtKind::Record(r) => {
                let n = self.node(Action::Record(r.clone()), state, span, incoming.drain(..));
                self.route(n, &r.outcomes);
                incoming.push((n, Edge::Next));
                incoming
            }
            StmtKind::Dial(d) => {
                let n = self.node(Action::Dial(d.clone()), state, span, incoming);
                self.route(n, &d.outcomes);
                // Failures nobody routed go on to the next statement; an
                // answered call nobody routed ends with the bridged call.
                [Outcome::Busy, Outcome::NoAnswer, Outcome::Failed]
                    .into_iter()
                    .filter(|o| !d.outcomes.iter().any(|h| h.outcome.value == *o))
                    .map(|o| (n, outcome_edge(o)))
                    .collect()
            }
            StmtKind::Enqueue { queue, hold_music } => {
                self.node(
                    Action::Enqueue {
                        queue: queue.clone(),
                        hold_music: hold_music.clone(),
                    },
                    state,
                    span,
                    incoming,
                );
                Vec::new()
            }
            StmtKind::Dequeue { queue, number } => {
                self.node(
                    Action::Dequeue {
                        queue: queue.clone(),
                        number: number.clone(),
                    },
                    state,
                    span,
                    incoming,
                );
                Vec::new()
            }
            StmtKind::Park { intro, hold, max } => {
                let action = Action::Park {
                    intro: intro.clone(),
                    hold: hold.clone(),
                    max_ms: max.as_ref().map(|m| m.value),
                };
                self.node(action, state, span, incoming);
                Vec::new()
            }
            StmtKind::Conference(c) => {
                self.node(Action::Conference(c.clone()), state, span, incoming);
                Vec::new()
            }
            StmtKind::Stream { url, max_duration } => {
                let action = Action::Stream {
                    url: url.clone(),
                    max_ms: max_duration.as_ref().map(|m| m.value),
                };
                self.node(action, state, span, incoming);
                Vec::new()
            }
            StmtKind::Redirect(RedirectTarget::Url(url)) => {
                self.node(Action::RedirectUrl(url.clone()), state, span, incoming);
                Vec::new()
            }
            StmtKind::Redirect(RedirectTarget::Flow(name)) => {
                let n = self.node(Action::RedirectFlow(name.clone()), state, span, incoming);
                self.to_flow.push((n, &name.text));
                Vec::new()
            }
            StmtKind::Reject(reason) => {
                self.node(Action::Reject(reason.as_ref().map(|r| r.value)), state, span, incoming);
                Vec::new()
            }
            StmtKind::Hangup => {
                self.node(Action::Hangup { implicit: false }, state, span, incoming);
                Vec::new()
            }
            StmtKind::Goto(target) => {
                let n = self.node(Action::Goto(target.clone()), state, span, incoming);
                self.to_state.push((n, Edge::Next, &target.text));
                Vec::new()
            }
            StmtKind::If(i) => {
                let n = self.node(Action::Branch(i.cond.clone()), state, span, incoming);
                let mut exits = self.block(&i.then, state, vec![(n, Edge::True)]);
                match &i.otherwise {
                    Some(otherwise) => exits.extend(self.block(otherwise, state, vec![(n, Edge::False)])),
                    None => exits.push((n, Edge::False)),
                }
                exits
            }
        }
    }

    fn route(&mut self, from: NodeId, outcomes: &'a [ast::OnOutcome]) {
        for o in outcomes {
            self.to_state
                .push((from, outcome_edge(o.outcome.value), &o.target.text));
        }
    }

    fn menu(&mut self, index: usize, s: &'a ast::State, menu: &'a ast::Menu) {
        let mut keys: Vec<(char, Span)> = Vec::new();
        for opt in &menu.options {
            if let MenuKey::Digit(lit) = &opt.key
                && let Some(k) = single_key(lit)
                && !keys.iter().any(|(seen, _)| *seen == k)
            {
                keys.push((k, opt.span));
            }
        }
        let action = MenuAction {
            prompt: menu.prompt.clone(),
            retries: menu.retries.as_ref().map(|r| r.value),
            input_timeout_ms: menu.input_timeout.as_ref().map(|t| t.value),
            keys: keys.clone(),
        };
        let n = self.node(Action::Menu(action), index, s.name.span, Vec::new());
        let find = |pred: fn(&MenuKey) -> bool| menu.options.iter().find(|o| pred(&o.key));
        for (k, _) in &keys {
            let opt = menu
                .options
                .iter()
                .find(|o| matches!(&o.key, MenuKey::Digit(l) if single_key(l) == Some(*k)));
            if let Some(opt) = opt {
                self.menu_edge(index, n, Edge::Key(*k), &opt.target);
            }
        }
        // An unrouted timeout or invalid entry plays the menu again (and the
        // menu_outcomes check says so); an unrouted exhaustion hangs up.
        for (edge, pred) in [
            (
                Edge::Timeout,
                (|k: &MenuKey| matches!(k, MenuKey::Timeout(_))) as fn(&MenuKey) -> bool,
            ),
            (Edge::Invalid, |k: &MenuKey| matches!(k, MenuKey::Invalid(_))),
        ] {
            match find(pred) {
                Some(opt) => self.menu_edge(index, n, edge, &opt.target),
                None => {
                    self.ir.graph.add_edge(n, n, edge);
                }
            }
        }
        match find(|k| matches!(k, MenuKey::Exhausted(_))) {
            Some(opt) => self.menu_edge(index, n, Edge::Exhausted, &opt.target),
            None => {
                self.node(
                    Action::Hangup { implicit: true },
                    index,
                    s.close,
                    vec![(n, Edge::Exhausted)],
                );
            }
        }
    }

    fn menu_edge(&mut self, state: usize, menu: NodeId, edge: Edge, target: &'a Target) {
        match target {
            Target::Repeat(_) => {
                self.ir.graph.add_edge(menu, menu, edge);
            }
            Target::State(name) if self.state_index.contains_key(name.text.as_str()) => {
                self.to_state.push((menu, edge, &name.text));
            }
            // A route to a state that does not exist (resolve reports it) still
            // needs its edge: every menu has timeout, invalid and exhausted
            // edges (`ir::verify`), and targets and the VM rely on that. An
            // `Invalid` node stands in for the missing state, as for a
            // statement that did not resolve.
            Target::State(name) => {
                self.node(Action::Invalid, state, name.span, vec![(menu, edge)]);
            }
        }
    }

    fn resolve_edges(&mut self) {
        for (from, edge, name) in std::mem::take(&mut self.to_state) {
            let entry = self
                .state_index
                .get(name)
                .and_then(|&i| self.ir.states.get(i))
                .map(|s| s.entry);
            if let Some(entry) = entry {
                self.ir.graph.add_edge(from, entry, edge);
            }
        }
        for (from, name) in std::mem::take(&mut self.to_flow) {
            if let Some(&entry) = self.flow_index.get(name) {
                self.ir.graph.add_edge(from, entry, Edge::Next);
            }
        }
    }
}

fn outcome_edge(o: Outcome) -> Edge {
    match o {
        Outcome::Answered => Edge::Answered,
        Outcome::Busy => Edge::Busy,
        Outcome::NoAnswer => Edge::NoAnswer,
        Outcome::Failed => Edge::Failed,
        Outcome::Timeout => Edge::Timeout,
    }
}

/// The key of a menu option when it is exactly one DTMF key.
pub fn single_key(lit: &ast::StrLit) -> Option<char> {
    // The text is read in place, not built: this runs for every menu option.
    let mut key = None;
    for part in &lit.parts {
        let ast::StrPart::Text(text) = part else { return None };
        for c in text.chars() {
            if key.replace(c).is_some() {
                return None;
            }
        }
    }
    key.filter(|c| c.is_ascii_digit() || *c == '*' || *c == '#')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::verify::verify;
    use crate::syntax::parse;

    /// Regression (tests/no_panic.rs): a menu whose `timeout`, `invalid` or
    /// `exhausted` route named a missing state got no edge at all, breaking
    /// the `ir::verify` invariant that every menu has all three.
    #[test]
    fn menu_routes_to_missing_states_keep_their_edges() {
        let src = "menu m {\n  \"1\" -> gone\n  timeout -> gone\n  invalid -> gone\n  exhausted -> gone\n}\n";
        let (ast, _) = parse(FileId(0), src);
        let ir = build(&[(FileId(0), ast)]);
        assert_eq!(verify(&ir), Vec::<String>::new());
        let menu = ir.states[0].entry;
        let mut routes: Vec<(Edge, &'static str)> = ir
            .successors(menu)
            .map(|(e, to)| (e, ir.node(to).action.name()))
            .collect();
        routes.sort_by_key(|(e, _)| format!("{e:?}"));
        assert_eq!(
            routes,
            vec![
                (Edge::Exhausted, "invalid"),
                (Edge::Invalid, "invalid"),
                (Edge::Key('1'), "invalid"),
                (Edge::Timeout, "invalid")
            ]
        );
    }
}
