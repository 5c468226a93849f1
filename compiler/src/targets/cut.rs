//! Cut a project's IR into provider documents at compile time.
//!
//! An *entry* is a node where a call (re)enters the flow in a given flow's
//! context: a flow's start state, or where an outcome of a waiting action
//! leads (a menu key, a `collect`'s next statement, a dial that was busy …).
//! From each entry the cutter walks the graph, collecting non-blocking steps,
//! until an action that waits for the caller or hands the call over; that
//! action ends the document and its outcome edges name further entries.
//!
//! `if` and `set` do not need a provider round trip: they depend only on
//! variables set by earlier input and on the clock, which the server knows
//! when it answers the callback that leads to the entry. So they become the
//! entry's [`Plan`], a decision tree the server evaluates before it picks one
//! of the entry's documents. `goto` and `redirect <flow>` simply continue the
//! walk (a `redirect` into another flow switches to that flow's defaults).

use super::codes::TOO_MANY_PATHS;
use super::model::{
    Answers, Bundle, Collect, Conference, Dial, Document, End, EndKind, Entry, FlowStart, HoldMusic, Menu, MenuRoutes,
    Plan, Record, Route, Step, StepKind, Text, TextPart,
};
use crate::ast::{self, Ast, Item, StrLit, StrPart};
use crate::defaults::{DEFAULT_INPUT_TIMEOUT_MS, DEFAULT_RETRIES};
use crate::diagnostic::Diagnostic;
use crate::ir::{Action, Edge, Ir, NodeId};
use crate::span::{FileId, SourceMap, Span};
use std::collections::{HashMap, VecDeque};

/// Documents one entry may fan out into through its `if`s before the
/// bundle is refused (each independent `if` doubles them).
pub const MAX_DOCUMENTS_PER_ENTRY: usize = 64;

/// Cut the whole project. Call only on a project without errors: the cutter
/// trusts the IR's invariants and the flow checks (no dead ends, no loops
/// that never wait).
pub fn bundle(asts: &[(FileId, Ast)], ir: &Ir, sources: &SourceMap) -> (Bundle, Vec<Diagnostic>) {
    let mut cutter = Cutter::new(asts, ir, sources);
    for (index, flow) in ir.flows.iter().enumerate() {
        let start = ir
            .successors(flow.entry)
            .find(|(e, _)| *e == Edge::Next)
            .map(|(_, n)| n);
        if let Some(start) = start {
            let id = cutter.entry_id(index, start);
            cutter.bundle.flows.push(FlowStart {
                flow: flow.flow.name.text.clone(),
                entry: id,
                voice: flow.flow.voice.clone(),
            });
            cutter.first.insert((index, start));
        }
    }
    let mut cut = Vec::new();
    while let Some((flow, node)) = cutter.queue.pop_front() {
        let documents = cutter.cut_entry(flow, node);
        cut.push(((flow, node), documents));
    }
    // Only now is it known which entries other documents lead to.
    for (key, documents) in cut {
        let answers = Answers {
            first: cutter.first.contains(&key),
            later: cutter.later.contains(&key),
        };
        for doc in &mut cutter.bundle.documents[documents] {
            doc.answers = answers;
        }
    }
    let Cutter { bundle, diags, .. } = cutter;
    (bundle, diags)
}

struct Cutter<'a> {
    ir: &'a Ir,
    sources: &'a SourceMap,
    queues: HashMap<&'a str, &'a ast::HoldMusic>,
    many_flows: bool,
    ids: HashMap<(usize, NodeId), String>,
    /// Entries that start a flow (their documents answer the first callback).
    first: std::collections::HashSet<(usize, NodeId)>,
    /// Entries reached from an outcome of some document.
    later: std::collections::HashSet<(usize, NodeId)>,
    queue: VecDeque<(usize, NodeId)>,
    /// Sub-entry counters per state name (`voicemail.2`, `voicemail.3` …).
    per_state: HashMap<String, usize>,
    bundle: Bundle,
    diags: Vec<Diagnostic>,
}

/// A walk in progress: the steps so far and the nodes on the path (a second
/// visit means a loop that never waits, which the checks already refuse).
#[derive(Clone)]
struct Walk {
    flow: usize,
    steps: Vec<Step>,
    path: Vec<NodeId>,
}

impl<'a> Cutter<'a> {
    fn new(asts: &'a [(FileId, Ast)], ir: &'a Ir, sources: &'a SourceMap) -> Cutter<'a> {
        let mut queues = HashMap::new();
        for (_, ast) in asts {
            for item in &ast.items {
                if let Item::Queue(q) = item
                    && let Some(music) = &q.hold_music
                {
                    queues.insert(q.name.text.as_str(), music);
                }
            }
        }
        Cutter {
            ir,
            sources,
            queues,
            many_flows: ir.flows.len() > 1,
            ids: HashMap::new(),
            first: Default::default(),
            later: Default::default(),
            queue: VecDeque::new(),
            per_state: HashMap::new(),
            bundle: Bundle::default(),
            diags: Vec::new(),
        }
    }

    /// The id of the entry at `node` in `flow`'s context, queued for cutting
    /// the first time it is asked for.
    fn entry_id(&mut self, flow: usize, node: NodeId) -> String {
        if let Some(id) = self.ids.get(&(flow, node)) {
            return id.clone();
        }
        let n = self.ir.node(node);
        let state = n.state.and_then(|s| self.ir.states.get(s));
        let base = match state {
            Some(s) if s.entry == node => s.name.text.clone(),
            Some(s) => {
                let count = self.per_state.entry(format!("{flow}:{}", s.name.text)).or_insert(1);
                *count += 1;
                format!("{}.{count}", s.name.text)
            }
            None => format!("node{}", node.index()),
        };
        let id = match self.ir.flows.get(flow) {
            Some(f) if self.many_flows => format!("{}.{base}", f.flow.name.text),
            _ => base,
        };
        self.ids.insert((flow, node), id.clone());
        self.queue.push_back((flow, node));
        id
    }

    /// Cut one entry; returns the range of its documents in the bundle.
    fn cut_entry(&mut self, flow: usize, node: NodeId) -> std::ops::Range<usize> {
        let id = self.ids[&(flow, node)].clone();
        let mut docs: Vec<(Vec<Step>, End, NodeId)> = Vec::new();
        let walk = Walk {
            flow,
            steps: Vec::new(),
            path: Vec::new(),
        };
        let plan = self.walk(node, walk, &mut docs);
        if docs.len() > MAX_DOCUMENTS_PER_ENTRY {
            let span = self.ir.node(node).span;
            self.diags.push(
                Diagnostic::new(
                    &TOO_MANY_PATHS,
                    format!(
                        "`{id}` leads to more than {MAX_DOCUMENTS_PER_ENTRY} different documents before the caller is asked for anything"
                    ),
                )
                .primary(span, format!("more than {MAX_DOCUMENTS_PER_ENTRY} paths start here"))
                .help("put the independent `if`s in separate states, or let a menu or collect come between them"),
            );
        }
        let single = docs.len() == 1;
        let base = self.bundle.documents.len();
        for (i, (steps, end, _)) in docs.into_iter().enumerate() {
            let doc_id = if single { id.clone() } else { format!("{id}~{}", i + 1) };
            self.bundle
                .documents
                .push(Document::new(doc_id, steps, end, Answers::default()));
        }
        let state = self
            .ir
            .node(node)
            .state
            .and_then(|s| self.ir.states.get(s))
            .map(|s| s.name.text.clone());
        self.bundle.entries.push(Entry {
            id,
            state,
            plan: offset(plan, base),
        });
        base..self.bundle.documents.len()
    }

    /// Walk from `node`, returning the plan whose leaves index into `docs`.
    fn walk(&mut self, mut node: NodeId, mut walk: Walk, docs: &mut Vec<(Vec<Step>, End, NodeId)>) -> Plan {
        loop {
            if walk.path.contains(&node) || docs.len() > MAX_DOCUMENTS_PER_ENTRY {
                // A loop without input (E0303) or a fan-out already refused:
                // end here rather than walk forever.
                return self.hangup(walk, self.ir.node(node).span, node, docs);
            }
            walk.path.push(node);
            let n = self.ir.node(node);
            let span = n.span;
            let next = |edge: Edge| self.ir.successors(node).find(|(e, _)| *e == edge).map(|(_, t)| t);
            let step = |kind: StepKind| Step { kind, span };
            let flow = self.ir.flows.get(walk.flow).map(|f| &f.flow);
            match &n.action {
                Action::Say(say) => {
                    let voice = say
                        .voice
                        .as_ref()
                        .map(|v| v.value.clone())
                        .or_else(|| flow.and_then(|f| f.voice.as_ref().map(|v| v.value.clone())));
                    let language = say
                        .language
                        .as_ref()
                        .or_else(|| flow.and_then(|f| f.language.as_ref()))
                        .map(|l| l.display());
                    walk.steps.push(step(StepKind::Say {
                        text: text(&say.text),
                        voice,
                        language,
                        repeat: say.repeat.as_ref().map_or(1, |r| r.value.max(1)),
                    }));
                }
                Action::Play { source, repeat } => walk.steps.push(step(StepKind::Play {
                    url: text(source),
                    repeat: repeat.unwrap_or(1).max(1),
                })),
                Action::Pause { ms } => walk.steps.push(step(StepKind::Pause { ms: *ms })),
                Action::StartRecording => walk.steps.push(step(StepKind::StartRecording)),
                Action::StopRecording => walk.steps.push(step(StepKind::StopRecording)),
                Action::FlowEntry { flow } => walk.flow = *flow,
                Action::Goto(_) | Action::RedirectFlow(_) => {}
                Action::Set { var, value } => {
                    let Some(target) = next(Edge::Next) else {
                        return self.hangup(walk, span, node, docs);
                    };
                    let then = self.walk(target, walk, docs);
                    return Plan::Set {
                        var: var.text.clone(),
                        value: self.source(value.span),
                        span,
                        then: Box::new(then),
                    };
                }
                Action::Branch(cond) => {
                    let (Some(yes), Some(no)) = (next(Edge::True), next(Edge::False)) else {
                        return self.hangup(walk, span, node, docs);
                    };
                    let then = self.walk(yes, walk.clone(), docs);
                    let otherwise = self.walk(no, walk, docs);
                    return Plan::If {
                        cond: self.source(cond.span),
                        span,
                        then: Box::new(then),
                        otherwise: Box::new(otherwise),
                    };
                }
                _ => {
                    let end = self.end(node, &walk);
                    return self.leaf(walk, end, node, docs);
                }
            }
            match next(Edge::Next) {
                Some(target) => node = target,
                None => {
                    return self.hangup(walk, span, node, docs);
                }
            }
        }
    }

    /// A leaf that ends the call: where the walk cannot go on (which the
    /// checks already reported for a project with errors).
    fn hangup(&mut self, walk: Walk, span: Span, node: NodeId, docs: &mut Vec<(Vec<Step>, End, NodeId)>) -> Plan {
        let end = End {
            kind: EndKind::Hangup,
            span,
        };
        self.leaf(walk, end, node, docs)
    }

    fn leaf(&mut self, walk: Walk, end: End, node: NodeId, docs: &mut Vec<(Vec<Step>, End, NodeId)>) -> Plan {
        docs.push((walk.steps, end, node));
        Plan::Doc(docs.len() - 1)
    }

    /// The document end for a waiting or terminal action.
    fn end(&mut self, node: NodeId, walk: &Walk) -> End {
        let n = self.ir.node(node);
        let span = n.span;
        let flow_ast = self.ir.flows.get(walk.flow).map(|f| &f.flow);
        let flow_timeout = flow_ast.and_then(|f| f.input_timeout.as_ref()).map(|t| t.value);
        let kind = match &n.action {
            Action::Menu(menu) => {
                let mut keys = Vec::new();
                for (k, _) in &menu.keys {
                    keys.push((*k, self.route(walk.flow, node, Edge::Key(*k))));
                }
                let self_edge = |edge: Edge| self.ir.successors(node).any(|(e, t)| e == edge && t == node);
                let repeats = self_edge(Edge::Timeout) && self_edge(Edge::Invalid);
                let retries = menu
                    .retries
                    .or_else(|| flow_ast.and_then(|f| f.retries.as_ref()).map(|r| r.value))
                    .unwrap_or(DEFAULT_RETRIES);
                let prompt = self.prompt(&menu.prompt, walk.flow);
                EndKind::Menu(Menu {
                    prompt,
                    timeout_ms: menu
                        .input_timeout_ms
                        .or(flow_timeout)
                        .unwrap_or(DEFAULT_INPUT_TIMEOUT_MS),
                    attempts: if repeats { retries.saturating_add(1) } else { 1 },
                    retries,
                    lead_in: 0,
                    routes: MenuRoutes {
                        keys,
                        timeout: self.route(walk.flow, node, Edge::Timeout),
                        invalid: self.route(walk.flow, node, Edge::Invalid),
                        exhausted: self.route(walk.flow, node, Edge::Exhausted),
                    },
                })
            }
            Action::Collect(c) => {
                let speech = c.speech.as_ref().map(|s| {
                    s.value
                        .as_ref()
                        .or_else(|| flow_ast.and_then(|f| f.language.as_ref()))
                        .map(|l| l.display())
                });
                EndKind::Collect(Collect {
                    prompt: Vec::new(),
                    var: c.var.text.clone(),
                    min_digits: c.min_digits.as_ref().map(|d| d.value),
                    max_digits: c.max_digits.as_ref().map(|d| d.value),
                    finish_key: c.finish.as_ref().map(|f| f.display()),
                    timeout_ms: c
                        .timeout
                        .as_ref()
                        .map(|t| t.value)
                        .or(flow_timeout)
                        .unwrap_or(DEFAULT_INPUT_TIMEOUT_MS),
                    speech,
                    next: self.route(walk.flow, node, Edge::Next),
                    on_timeout: self.optional_route(walk.flow, node, Edge::Timeout),
                })
            }
            Action::Record(r) => EndKind::Record(Record {
                prompt: Vec::new(),
                var: r.var.as_ref().map(|v| v.text.clone()),
                max_ms: r.max.as_ref().map(|m| m.value),
                finish_key: r.finish.as_ref().map(|f| f.display()),
                timeout_ms: r.timeout.as_ref().map(|t| t.value),
                beep: r.beep,
                trim_silence: r.trim_silence,
                next: self.route(walk.flow, node, Edge::Next),
                on_timeout: self.optional_route(walk.flow, node, Edge::Timeout),
            }),
            Action::Dial(d) => EndKind::Dial(Dial {
                targets: d.targets.iter().map(text).collect(),
                mode: d.mode.as_ref().map(|m| m.value),
                caller_id: d.caller_id.as_ref().map(text),
                timeout_ms: d.timeout.as_ref().map(|t| t.value),
                max_duration_ms: d.max_duration.as_ref().map(|t| t.value),
                record: d.record,
                send_digits: d.send_digits.as_ref().map(|s| s.display()),
                ringback: d.ringback.as_ref().map(text),
                answered: self.optional_route(walk.flow, node, Edge::Answered),
                busy: self.route(walk.flow, node, Edge::Busy),
                no_answer: self.route(walk.flow, node, Edge::NoAnswer),
                failed: self.route(walk.flow, node, Edge::Failed),
            }),
            Action::Enqueue { queue, hold_music } => EndKind::Enqueue {
                queue: queue.text.clone(),
                hold_music: hold_music
                    .as_ref()
                    .or_else(|| self.queues.get(queue.text.as_str()).copied())
                    .map(hold),
            },
            Action::Dequeue { queue, number } => EndKind::Dequeue {
                queue: queue.text.clone(),
                number: number.as_ref().map(text),
            },
            Action::Park { intro, hold, max_ms } => EndKind::Park {
                intro: intro.as_ref().map(text),
                hold: hold.as_ref().map(text),
                max_ms: *max_ms,
            },
            Action::Conference(c) => EndKind::Conference(Conference {
                room: text(&c.room),
                hold_music: c.hold_music.as_ref().map(hold),
                muted: c.muted,
                beep: c.beep,
                start_on_enter: c.start_on_enter,
                end_on_exit: c.end_on_exit,
                max_duration_ms: c.max_duration.as_ref().map(|d| d.value),
            }),
            Action::Stream { url, max_ms } => EndKind::Stream {
                url: text(url),
                max_ms: *max_ms,
            },
            Action::RedirectUrl(url) => EndKind::Redirect { url: text(url) },
            Action::Reject(reason) => EndKind::Reject { reason: *reason },
            _ => EndKind::Hangup,
        };
        End { kind, span }
    }

    /// A menu's own prompt lines as steps, with the flow's defaults applied.
    fn prompt(&self, stmts: &[ast::Stmt], flow: usize) -> Vec<Step> {
        let flow = self.ir.flows.get(flow).map(|f| &f.flow);
        stmts
            .iter()
            .filter_map(|s| {
                let kind = match &s.kind {
                    ast::StmtKind::Say(say) => StepKind::Say {
                        text: text(&say.text),
                        voice: say
                            .voice
                            .as_ref()
                            .map(|v| v.value.clone())
                            .or_else(|| flow.and_then(|f| f.voice.as_ref().map(|v| v.value.clone()))),
                        language: say
                            .language
                            .as_ref()
                            .or_else(|| flow.and_then(|f| f.language.as_ref()))
                            .map(|l| l.display()),
                        repeat: say.repeat.as_ref().map_or(1, |r| r.value.max(1)),
                    },
                    ast::StmtKind::Play { source, repeat } => StepKind::Play {
                        url: text(source),
                        repeat: repeat.as_ref().map_or(1, |r| r.value.max(1)),
                    },
                    ast::StmtKind::Pause(d) => StepKind::Pause { ms: d.value },
                    _ => return None,
                };
                Some(Step { kind, span: s.span })
            })
            .collect()
    }

    /// Where `edge` of `node` leads, as a route; a missing edge (which the
    /// IR verifier would have refused for menus) hangs up.
    fn route(&mut self, flow: usize, node: NodeId, edge: Edge) -> Route {
        self.optional_route(flow, node, edge).unwrap_or(Route::Hangup)
    }

    fn optional_route(&mut self, flow: usize, node: NodeId, edge: Edge) -> Option<Route> {
        let target = self.ir.successors(node).find(|(e, _)| *e == edge).map(|(_, t)| t)?;
        if let Action::Hangup { .. } = self.ir.node(target).action {
            return Some(Route::Hangup);
        }
        self.later.insert((flow, target));
        Some(Route::Entry(self.entry_id(flow, target)))
    }

    fn source(&self, span: Span) -> String {
        self.sources
            .get(span.file)
            .map(|f| f.slice(span).to_string())
            .unwrap_or_default()
    }
}

/// Shift the document indices of a plan by `base`.
fn offset(plan: Plan, base: usize) -> Plan {
    match plan {
        Plan::Doc(i) => Plan::Doc(base + i),
        Plan::If {
            cond,
            span,
            then,
            otherwise,
        } => Plan::If {
            cond,
            span,
            then: Box::new(offset(*then, base)),
            otherwise: Box::new(offset(*otherwise, base)),
        },
        Plan::Set { var, value, span, then } => Plan::Set {
            var,
            value,
            span,
            then: Box::new(offset(*then, base)),
        },
    }
}

pub(crate) fn text(lit: &StrLit) -> Text {
    Text {
        parts: lit
            .parts
            .iter()
            .map(|p| match p {
                StrPart::Text(t) => TextPart::Lit(t.clone()),
                StrPart::Var(v) => TextPart::Var(v.text.clone()),
            })
            .collect(),
    }
}

fn hold(music: &ast::HoldMusic) -> HoldMusic {
    match music {
        ast::HoldMusic::Builtin(name) => HoldMusic::Builtin(name.value.clone()),
        ast::HoldMusic::Url(url) => HoldMusic::Url(text(url)),
    }
}
