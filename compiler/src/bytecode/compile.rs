//! IR → bytecode.
//!
//! Each state becomes a run of instructions starting at its entry pc. Inside a
//! step, IR nodes are laid out in creation order (which is statement order, so
//! most `Next` edges fall through); an edge to a node that is not the next one
//! becomes a `Jump`, an edge into a state's entry becomes a `Goto` (or an
//! outcome route naming the state), so the VM always knows when a state is
//! entered. A menu is its prompt lines followed by one `Menu` instruction; its
//! key table goes into the state table.
//!
//! Menu routes are read from the AST rather than from the IR's edges: the IR
//! draws both `repeat` and a route naming the menu itself as a self-edge, but
//! only the second enters the menu afresh (and resets its retry count).

use super::{
    CollectOp, ConferenceOp, Const, DebugFile, DialOp, FlowDef, Instr, Loc, MenuDef, MusicRef, Part, Program, RecordOp,
    Route, ScheduleDef, StateDef, VoiceRef,
};
use crate::ast::{self, BinOp, Expr, ExprKind, HoldMusic, MenuKey, StateBody, StmtKind, StrLit, StrPart, Target};
use crate::diagnostic::Diagnostic;
use crate::hours;
use crate::ir::build::single_key;
use crate::ir::{Action, Edge, Ir, NodeId};
use crate::project::{Analysis, Project};
use crate::span::Span;
use std::collections::{BTreeMap, HashMap};

/// Compile a checked project. Refuses (returning them) when the analysis has
/// errors: bytecode is only made from programs the checker accepts.
pub fn compile(project: &Project, analysis: &Analysis) -> Result<Program, Vec<Diagnostic>> {
    let errors: Vec<Diagnostic> = analysis.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(lower(project, &analysis.ir))
}

/// Lower the IR without looking at diagnostics. Whatever the IR holds, this
/// produces a program that passes `Program::verify`: pieces that only exist in
/// erroneous projects (unresolved names, broken statements) become `End`.
pub(super) fn lower(project: &Project, ir: &Ir) -> Program {
    let mut l = Lower::new(project, ir);
    l.flows();
    let groups = ir.nodes_by_state();
    for index in 0..ir.states.len() {
        l.state(index, groups.get(index).map_or(&[][..], Vec::as_slice));
    }
    l.patch();
    l.finish_debug();
    l.p
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum ConstKey {
    Str(String),
    Num(u64),
    Template(Vec<Part>),
}

struct Lower<'a> {
    project: &'a Project,
    ir: &'a Ir,
    p: Program,
    consts: HashMap<ConstKey, u32>,
    vars: HashMap<String, u32>,
    schedules: HashMap<String, u32>,
    /// State index by name (first definition wins, as in `ir::build`).
    state_by_name: HashMap<&'a str, u32>,
    /// State index by entry node.
    state_by_entry: HashMap<NodeId, u32>,
    /// AST of each state, by the state's span.
    asts: HashMap<Span, &'a ast::State>,
    queues: HashMap<&'a str, &'a ast::Queue>,
    /// pc of every laid-out node.
    node_pc: HashMap<NodeId, u32>,
    /// Jumps whose target node is laid out later: (pc of the jump, target).
    fixups: Vec<(usize, NodeId)>,
    /// Source lines named by debug positions: file → line → text.
    lines: BTreeMap<u32, BTreeMap<u32, String>>,
}

fn idx(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl<'a> Lower<'a> {
    fn new(project: &'a Project, ir: &'a Ir) -> Self {
        let mut l = Lower {
            project,
            ir,
            p: Program::default(),
            consts: HashMap::new(),
            vars: HashMap::new(),
            schedules: HashMap::new(),
            state_by_name: HashMap::new(),
            state_by_entry: HashMap::new(),
            asts: HashMap::new(),
            queues: HashMap::new(),
            node_pc: HashMap::new(),
            fixups: Vec::new(),
            lines: BTreeMap::new(),
        };
        for name in ast::BUILTIN_VARS {
            l.var(name);
        }
        for (i, s) in ir.states.iter().enumerate() {
            l.state_by_name.entry(s.name.text.as_str()).or_insert(idx(i));
            l.state_by_entry.entry(s.entry).or_insert(idx(i));
        }
        for (_, a) in &project.asts {
            for s in a.states() {
                l.asts.entry(s.span).or_insert(s);
            }
            for q in a.queues() {
                l.queues.entry(q.name.text.as_str()).or_insert(q);
            }
        }
        for (id, f) in project.sources.iter() {
            l.p.debug.files.push(DebugFile {
                name: f.name.clone(),
                lines: Vec::new(),
            });
            l.lines.insert(id.0, BTreeMap::new());
        }
        l
    }

    // ── tables ──

    fn konst(&mut self, c: Const) -> u32 {
        let key = match &c {
            Const::Str(s) => ConstKey::Str(s.clone()),
            Const::Num(n) => ConstKey::Num(n.to_bits()),
            Const::Template(parts) => ConstKey::Template(parts.clone()),
        };
        if let Some(&i) = self.consts.get(&key) {
            return i;
        }
        let i = idx(self.p.consts.len());
        self.p.consts.push(c);
        self.consts.insert(key, i);
        i
    }

    fn text(&mut self, s: &str) -> u32 {
        self.konst(Const::Str(s.to_string()))
    }

    fn var(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.vars.get(name) {
            return i;
        }
        let i = idx(self.p.vars.len());
        self.p.vars.push(name.to_string());
        self.vars.insert(name.to_string(), i);
        i
    }

    /// A string literal as a constant: plain text, or a template when it
    /// interpolates variables.
    fn str_lit(&mut self, s: &StrLit) -> u32 {
        if let Some(plain) = s.as_plain() {
            return self.text(&plain);
        }
        let mut parts = Vec::with_capacity(s.parts.len());
        for part in &s.parts {
            parts.push(match part {
                StrPart::Text(t) => Part::Text(t.clone()),
                StrPart::Var(v) => Part::Var(self.var(&v.text)),
            });
        }
        self.konst(Const::Template(parts))
    }

    fn opt_lit(&mut self, s: Option<&StrLit>) -> Option<u32> {
        s.map(|s| self.str_lit(s))
    }

    fn voice(&mut self, v: Option<&ast::Voice>) -> Option<VoiceRef> {
        v.map(|v| match v {
            ast::Voice::Male => VoiceRef::Male,
            ast::Voice::Female => VoiceRef::Female,
            ast::Voice::Named(name) => VoiceRef::Named(self.text(name)),
        })
    }

    fn music(&mut self, m: Option<&HoldMusic>) -> Option<MusicRef> {
        m.map(|m| match m {
            HoldMusic::Builtin(name) => MusicRef::Builtin(self.text(&name.value)),
            HoldMusic::Url(url) => MusicRef::Audio(self.str_lit(url)),
        })
    }

    fn schedule(&mut self, text: &str) -> u32 {
        if let Some(&i) = self.schedules.get(text) {
            return i;
        }
        // A schedule that does not parse is an error the type checker
        // reported; `patch` keeps such a program verifiable.
        let rules = hours::parse(text).map(|s| s.rules).unwrap_or_default();
        let i = idx(self.p.schedules.len());
        self.p.schedules.push(ScheduleDef {
            text: text.to_string(),
            rules,
        });
        self.schedules.insert(text.to_string(), i);
        i
    }

    fn flows(&mut self) {
        for f in &self.ir.flows {
            let start = self
                .ir
                .successors(f.entry)
                .find_map(|(_, to)| self.state_by_entry.get(&to).copied())
                .unwrap_or(0);
            let flow = &f.flow;
            let def = FlowDef {
                name: flow.name.text.clone(),
                start,
                voice: self.voice(flow.voice.as_ref().map(|v| &v.value)),
                language: self.opt_lit(flow.language.as_ref()),
                input_timeout_ms: flow.input_timeout.as_ref().map(|t| t.value),
                retries: flow.retries.as_ref().map(|r| r.value),
                timezone: self.opt_lit(flow.timezone.as_ref()),
            };
            self.p.flows.push(def);
        }
    }

    // ── code ──

    fn pc(&self) -> u32 {
        idx(self.p.code.len())
    }

    fn emit(&mut self, instr: Instr, span: Span) {
        let loc = self.loc(span);
        self.p.code.push(instr);
        self.p.debug.code.push(loc);
    }

    fn loc(&mut self, span: Span) -> Loc {
        let Some(file) = self.project.sources.get(span.file) else {
            return Loc::default();
        };
        let line = file.lines.line_of(span.start as usize);
        let start = file.lines.line_start(line).unwrap_or(0);
        let end = file.lines.line_start(line + 1).unwrap_or(file.text.len());
        let text = file.text.get(start..end).unwrap_or("").trim().to_string();
        let line = idx(line + 1);
        self.lines.entry(span.file.0).or_default().entry(line).or_insert(text);
        Loc {
            file: span.file.0,
            start: span.start,
            end: span.end,
            line,
        }
    }

    fn state(&mut self, index: usize, nodes: &[NodeId]) {
        let Some(info) = self.ir.states.get(index) else { return };
        let entry = self.pc();
        let loc = self.loc(info.span);
        self.p.debug.states.push(loc);
        let ast = self.asts.get(&info.span).copied();
        let menu = match ast.map(|s| &s.body) {
            Some(StateBody::Menu(m)) => Some(m),
            _ => None,
        };
        let def_menu = match menu {
            Some(m) => {
                for stmt in &m.prompt {
                    self.prompt_line(stmt);
                }
                self.emit(Instr::Menu { state: idx(index) }, info.name.span);
                Some(self.menu_def(m))
            }
            None => {
                self.step(index, nodes);
                None
            }
        };
        self.p.states.push(StateDef {
            name: info.name.text.clone(),
            entry,
            menu: def_menu,
        });
    }

    fn menu_def(&mut self, m: &ast::Menu) -> MenuDef {
        let route = |l: &Self, t: &Target| match t {
            Target::Repeat(_) => Route::Repeat,
            Target::State(name) => l
                .state_by_name
                .get(name.text.as_str())
                .map_or(Route::Hangup, |&s| Route::State(s)),
        };
        let mut keys: Vec<(char, Route)> = Vec::new();
        let (mut timeout, mut invalid, mut exhausted) = (Route::Repeat, Route::Repeat, Route::Hangup);
        for opt in &m.options {
            let r = route(self, &opt.target);
            match &opt.key {
                MenuKey::Digit(lit) => {
                    if let Some(k) = single_key(lit)
                        && !keys.iter().any(|(seen, _)| *seen == k)
                    {
                        keys.push((k, r));
                    }
                }
                MenuKey::Timeout(_) => timeout = r,
                MenuKey::Invalid(_) => invalid = r,
                MenuKey::Exhausted(_) => exhausted = r,
            }
        }
        MenuDef {
            retries: m.retries.as_ref().map(|r| r.value),
            input_timeout_ms: m.input_timeout.as_ref().map(|t| t.value),
            keys,
            timeout,
            invalid,
            exhausted,
        }
    }

    fn prompt_line(&mut self, stmt: &ast::Stmt) {
        let instr = match &stmt.kind {
            StmtKind::Say(s) => self.say(s),
            StmtKind::Play { source, repeat } => Instr::Play {
                source: self.str_lit(source),
                repeat: repeat.as_ref().map_or(1, |r| r.value),
            },
            StmtKind::Pause(d) => Instr::Pause { ms: d.value },
            // Nothing else belongs in a menu prompt (the parser refuses it).
            _ => return,
        };
        self.emit(instr, stmt.span);
    }

    fn say(&mut self, s: &ast::Say) -> Instr {
        Instr::Say {
            text: self.str_lit(&s.text),
            voice: self.voice(s.voice.as_ref().map(|v| &v.value)),
            language: self.opt_lit(s.language.as_ref()),
            repeat: s.repeat.as_ref().map_or(1, |r| r.value),
        }
    }

    /// The state a route edge enters, if its target is a state's entry.
    fn entered(&self, to: NodeId) -> Option<u32> {
        self.state_by_entry.get(&to).copied()
    }

    fn edge(&self, from: NodeId, edge: Edge) -> Option<NodeId> {
        self.ir.successors(from).find(|(e, _)| *e == edge).map(|(_, to)| to)
    }

    /// Lay out a step's nodes (`nodes_by_state` gives them in creation order).
    fn step(&mut self, index: usize, nodes: &[NodeId]) {
        if nodes.is_empty() {
            self.emit(
                Instr::End,
                self.ir.states.get(index).map(|s| s.close).unwrap_or_default(),
            );
        }
        for (k, &node) in nodes.iter().enumerate() {
            let next = nodes.get(k + 1).copied();
            let pc = self.pc();
            self.node_pc.insert(node, pc);
            self.node(node, next);
        }
    }

    /// Continue from the current point to `to`: nothing when it is laid out
    /// next, a `Goto` when it enters a state, else a `Jump`.
    fn continue_to(&mut self, to: Option<NodeId>, next: Option<NodeId>, span: Span) {
        match to {
            None => self.emit(Instr::End, span),
            Some(to) => {
                if let Some(state) = self.entered(to) {
                    self.emit(Instr::Goto(state), span);
                } else if Some(to) != next {
                    self.fixups.push((self.p.code.len(), to));
                    self.emit(Instr::Jump(u32::MAX), span);
                }
            }
        }
    }

    fn node(&mut self, id: NodeId, next: Option<NodeId>) {
        let node = self.ir.node(id);
        let span = node.span;
        let simple = |l: &mut Self, instr: Instr| {
            l.emit(instr, span);
            let to = l.edge(id, Edge::Next);
            l.continue_to(to, next, span);
        };
        match &node.action {
            Action::Say(s) => {
                let i = self.say(s);
                simple(self, i);
            }
            Action::Play { source, repeat } => {
                let i = Instr::Play {
                    source: self.str_lit(source),
                    repeat: repeat.unwrap_or(1),
                };
                simple(self, i);
            }
            Action::Pause { ms } => simple(self, Instr::Pause { ms: *ms }),
            Action::StartRecording => simple(self, Instr::StartRecording),
            Action::StopRecording => simple(self, Instr::StopRecording),
            Action::Set { var, value } => {
                self.expr(value, span);
                let v = self.var(&var.text);
                simple(self, Instr::Store(v));
            }
            Action::Branch(cond) => {
                self.expr(cond, span);
                let (t, f) = (self.edge(id, Edge::True), self.edge(id, Edge::False));
                // Without a false edge (never built today) the target is a node
                // that is not laid out, which `patch` turns into an `End`.
                self.fixups.push((self.p.code.len(), f.unwrap_or_else(NodeId::end)));
                self.emit(Instr::JumpIfFalse(u32::MAX), span);
                self.continue_to(t, next, span);
            }
            Action::Goto(_) => {
                let to = self.edge(id, Edge::Next);
                match to.and_then(|to| self.entered(to)) {
                    Some(state) => self.emit(Instr::Goto(state), span),
                    None => self.emit(Instr::End, span),
                }
            }
            Action::Collect(c) => {
                let op = CollectOp {
                    var: self.var(&c.var.text),
                    min_digits: c.min_digits.as_ref().map(|d| d.value),
                    max_digits: c.max_digits.as_ref().map(|d| d.value),
                    finish: self.opt_lit(c.finish.as_ref()),
                    timeout_ms: c.timeout.as_ref().map(|t| t.value),
                    speech: c.speech.is_some(),
                    speech_language: self.opt_lit(c.speech.as_ref().and_then(|s| s.value.as_ref())),
                    on_timeout: self.edge(id, Edge::Timeout).and_then(|to| self.entered(to)),
                };
                simple(self, Instr::Collect(Box::new(op)));
            }
            Action::Record(r) => {
                let op = RecordOp {
                    var: r.var.as_ref().map(|v| self.var(&v.text)),
                    max_ms: r.max.as_ref().map(|m| m.value),
                    finish: self.opt_lit(r.finish.as_ref()),
                    timeout_ms: r.timeout.as_ref().map(|t| t.value),
                    beep: r.beep,
                    trim_silence: r.trim_silence,
                    on_timeout: self.edge(id, Edge::Timeout).and_then(|to| self.entered(to)),
                };
                simple(self, Instr::Record(Box::new(op)));
            }
            Action::Dial(d) => self.dial(id, d, next, span),
            Action::Enqueue { queue, hold_music } => {
                let declared = self.queues.get(queue.text.as_str()).and_then(|q| q.hold_music.as_ref());
                let music = hold_music.as_ref().or(declared);
                let i = Instr::Enqueue {
                    queue: self.text(&queue.text),
                    hold_music: self.music(music),
                };
                self.emit(i, span);
            }
            Action::Dequeue { queue, number } => {
                let i = Instr::Dequeue {
                    queue: self.text(&queue.text),
                    number: self.opt_lit(number.as_ref()),
                };
                self.emit(i, span);
            }
            Action::Park { intro, hold, max_ms } => {
                let i = Instr::Park {
                    intro: self.opt_lit(intro.as_ref()),
                    hold: self.opt_lit(hold.as_ref()),
                    max_ms: *max_ms,
                };
                self.emit(i, span);
            }
            Action::Conference(c) => {
                let op = ConferenceOp {
                    room: self.str_lit(&c.room),
                    hold_music: self.music(c.hold_music.as_ref()),
                    muted: c.muted,
                    beep: c.beep,
                    start_on_enter: c.start_on_enter,
                    end_on_exit: c.end_on_exit,
                    max_duration_ms: c.max_duration.as_ref().map(|m| m.value),
                };
                self.emit(Instr::Conference(Box::new(op)), span);
            }
            Action::Stream { url, max_ms } => {
                let i = Instr::Stream {
                    url: self.str_lit(url),
                    max_ms: *max_ms,
                };
                self.emit(i, span);
            }
            Action::RedirectUrl(url) => {
                let i = Instr::RedirectUrl(self.str_lit(url));
                self.emit(i, span);
            }
            Action::RedirectFlow(_) => {
                let flow = self.edge(id, Edge::Next).and_then(|to| match self.ir.node(to).action {
                    Action::FlowEntry { flow } => Some(idx(flow)),
                    _ => None,
                });
                match flow {
                    Some(f) => self.emit(Instr::RedirectFlow(f), span),
                    None => self.emit(Instr::End, span),
                }
            }
            Action::Reject(reason) => self.emit(Instr::Reject(*reason), span),
            Action::Hangup { .. } => self.emit(Instr::Hangup, span),
            // A dead end, a statement that did not parse, or (never in a step)
            // a menu or flow entry: the call ends here.
            Action::End | Action::Invalid | Action::Menu(_) | Action::FlowEntry { .. } => self.emit(Instr::End, span),
        }
    }

    fn dial(&mut self, id: NodeId, d: &ast::Dial, next: Option<NodeId>, span: Span) {
        let targets = d.targets.iter().map(|t| self.str_lit(t)).collect();
        // A routed outcome's edge enters a state; an unrouted failure's edge
        // leads to the next statement of this state (the fall-through).
        let route = |l: &Self, e: Edge| l.edge(id, e).and_then(|to| l.entered(to));
        let op = DialOp {
            targets,
            mode: d.mode.as_ref().map(|m| m.value),
            caller_id: self.opt_lit(d.caller_id.as_ref()),
            timeout_ms: d.timeout.as_ref().map(|t| t.value),
            max_duration_ms: d.max_duration.as_ref().map(|m| m.value),
            record: d.record,
            send_digits: self.opt_lit(d.send_digits.as_ref()),
            ringback: self.opt_lit(d.ringback.as_ref()),
            on_answered: route(self, Edge::Answered),
            on_busy: route(self, Edge::Busy),
            on_no_answer: route(self, Edge::NoAnswer),
            on_failed: route(self, Edge::Failed),
        };
        let all_routed = op.on_busy.is_some() && op.on_no_answer.is_some() && op.on_failed.is_some();
        self.emit(Instr::Dial(Box::new(op)), span);
        if !all_routed {
            let fall = [Edge::Busy, Edge::NoAnswer, Edge::Failed]
                .into_iter()
                .filter_map(|e| self.edge(id, e))
                .find(|to| self.entered(*to).is_none());
            self.continue_to(fall, next, span);
        }
    }

    /// Code that leaves the value of `e` on the stack. `and`/`or` short-circuit,
    /// so an `open_hours` on the right is only evaluated when it matters.
    fn expr(&mut self, e: &Expr, span: Span) {
        match &e.kind {
            ExprKind::Str(s) => {
                let c = self.str_lit(s);
                self.emit(Instr::Push(c), span);
            }
            ExprKind::Number(n) => {
                let c = self.konst(Const::Num(if n.is_finite() { *n } else { 0.0 }));
                self.emit(Instr::Push(c), span);
            }
            ExprKind::Duration(ms) => self.emit(Instr::PushDuration(*ms), span),
            ExprKind::Bool(b) => self.emit(Instr::PushBool(*b), span),
            ExprKind::Var(n) => {
                let v = self.var(&n.text);
                self.emit(Instr::Load(v), span);
            }
            ExprKind::Not(inner) => {
                self.expr(inner, span);
                self.emit(Instr::Not, span);
            }
            ExprKind::Binary { op, lhs, rhs } => match op.value {
                BinOp::And | BinOp::Or => {
                    // and: lhs; jif L1; rhs; jump L2; L1: push false; L2:
                    // or:  lhs; jif L1; push true; jump L2; L1: rhs; L2:
                    self.expr(lhs, span);
                    let jif = self.p.code.len();
                    self.emit(Instr::JumpIfFalse(u32::MAX), span);
                    if op.value == BinOp::And {
                        self.expr(rhs, span);
                    } else {
                        self.emit(Instr::PushBool(true), span);
                    }
                    let jump = self.p.code.len();
                    self.emit(Instr::Jump(u32::MAX), span);
                    self.set_target(jif, self.pc());
                    if op.value == BinOp::And {
                        self.emit(Instr::PushBool(false), span);
                    } else {
                        self.expr(rhs, span);
                    }
                    self.set_target(jump, self.pc());
                }
                other => {
                    self.expr(lhs, span);
                    self.expr(rhs, span);
                    let i = match other {
                        BinOp::Eq => Instr::Eq,
                        BinOp::Ne => Instr::Ne,
                        BinOp::Lt => Instr::Lt,
                        BinOp::Le => Instr::Le,
                        BinOp::Gt => Instr::Gt,
                        BinOp::Ge => Instr::Ge,
                        BinOp::Add => Instr::Add,
                        _ => Instr::Sub,
                    };
                    self.emit(i, span);
                }
            },
            ExprKind::Call { name, args } => self.call(&name.text, args, span),
            // Only in erroneous projects.
            ExprKind::Error => self.emit(Instr::PushBool(false), span),
        }
    }

    fn call(&mut self, name: &str, args: &[ast::Arg], span: Span) {
        let positional: Vec<&Expr> = args.iter().filter(|a| a.name.is_none()).map(|a| &a.value).collect();
        match name {
            "open_hours" => {
                let spec = match positional.first().map(|e| &e.kind) {
                    Some(ExprKind::Str(s)) => s.as_plain(),
                    _ => None,
                };
                let tz = args
                    .iter()
                    .find(|a| a.name.as_ref().is_some_and(|n| n.text == "tz"))
                    .map(|a| &a.value);
                let schedule = self.schedule(spec.as_deref().unwrap_or(""));
                if let Some(tz) = tz {
                    self.expr(tz, span);
                }
                self.emit(
                    Instr::OpenHours {
                        schedule,
                        tz: tz.is_some(),
                    },
                    span,
                );
            }
            "starts_with" | "ends_with" | "contains" if positional.len() == 2 => {
                positional.iter().for_each(|a| self.expr(a, span));
                let i = match name {
                    "starts_with" => Instr::StartsWith,
                    "ends_with" => Instr::EndsWith,
                    _ => Instr::Contains,
                };
                self.emit(i, span);
            }
            "length" if positional.len() == 1 => {
                positional.iter().for_each(|a| self.expr(a, span));
                self.emit(Instr::Length, span);
            }
            // Unknown functions and wrong arities are errors the checker reported.
            _ => self.emit(Instr::PushBool(false), span),
        }
    }

    fn set_target(&mut self, at: usize, target: u32) {
        if let Some(Instr::Jump(t) | Instr::JumpIfFalse(t)) = self.p.code.get_mut(at) {
            *t = target;
        }
    }

    /// Resolve the jumps to nodes laid out after them. A node that was never
    /// laid out (only in erroneous projects) sends the jump to an `End`.
    fn patch(&mut self) {
        let mut end_pc = None;
        for (at, node) in std::mem::take(&mut self.fixups) {
            let target = match self.node_pc.get(&node) {
                Some(&pc) => pc,
                None => *end_pc.get_or_insert_with(|| {
                    let pc = idx(self.p.code.len());
                    self.p.code.push(Instr::End);
                    self.p.debug.code.push(Loc::default());
                    pc
                }),
            };
            self.set_target(at, target);
        }
        // A schedule that did not parse (erroneous projects only, which
        // `compile` refuses) gets a placeholder rule, so that `lower` always
        // returns a verifiable program.
        for s in &mut self.p.schedules {
            if s.rules.is_empty() {
                s.rules.push(hours::Rule {
                    days: 1,
                    from: 0,
                    to: 1,
                });
            }
        }
        if self.p.code.is_empty() {
            self.p.code.push(Instr::End);
            self.p.debug.code.push(Loc::default());
        }
        if self.p.flows.is_empty() {
            // A project without a flow is an error (E0110); keep the program
            // verifiable anyway.
            self.p.flows.push(FlowDef {
                name: String::new(),
                start: 0,
                voice: None,
                language: None,
                input_timeout_ms: None,
                retries: None,
                timezone: None,
            });
        }
        if self.p.states.is_empty() {
            self.p.states.push(StateDef {
                name: String::new(),
                entry: 0,
                menu: None,
            });
            self.p.debug.states.push(Loc::default());
        }
    }

    fn finish_debug(&mut self) {
        for (file, lines) in std::mem::take(&mut self.lines) {
            if let Some(f) = self.p.debug.files.get_mut(file as usize) {
                f.lines = lines.into_iter().collect();
            }
        }
        if self.p.debug.files.is_empty() {
            self.p.debug.files.push(DebugFile::default());
        }
    }
}
