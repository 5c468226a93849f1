//! E0304 `possibly-unset-variable`: a variable read on a path where nothing
//! has set it yet.
//!
//! A forward must-analysis ("definitely assigned") over the IR graph. Every
//! flow entry starts with nothing assigned (the built-ins `caller`, `called`
//! and `call_id` are always set and not tracked). `set x` assigns `x` on all
//! its out-edges; `collect x` and `record x` assign only on their `Next` edge
//! (a routed timeout leaves the variable as it was). At a join, a variable is
//! assigned only if it is assigned on every incoming edge (intersection).
//!
//! The analysis is done one variable at a time and only where that variable
//! matters: from its reads, walk backwards until every path meets a write (the
//! variable's *region*), then spread "unset" forwards from the flow entries
//! inside the region. A read the spread reaches is unset on some path. This is
//! the same answer as the textbook bitset fixpoint, but its cost is the sum of
//! the regions — small for the usual "set just before it is read" variable —
//! instead of nodes × variables, which grew quadratically (and took hundreds of
//! MB) on large flows. Variables that nothing writes at all are E0104
//! (undefined-variable) and skipped here.

use super::Context;
use super::adjacency::Adjacency;
use crate::ast::{BUILTIN_VARS, HoldMusic, Name};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::ir::{Action, Edge, Ir, NodeId};
use foldhash::{HashMap, HashMapExt};
use petgraph::visit::EdgeRef;
use std::collections::VecDeque;

pub static CODE: Code = Code {
    id: "E0304",
    name: "possibly-unset-variable",
    severity: Severity::Error,
    summary: "a variable may be read before anything has set it",
    explain: r##"## What it means
The variable is set somewhere (by `set`, `collect` or `record`), but there is at
least one way through the flow that reaches this read without passing any of
those. On such a call the prompt, number or condition would use a value that
does not exist: providers read it as an empty string, speak the placeholder, or
reject the document.

`collect pin` sets `pin` only when the caller entered digits: after
`on timeout -> …` the variable is still unset in the state the timeout leads
to. The note under the message shows one path on which the variable is unset.

## Example
```flow
flow banking {
  start main
}

menu main {
  say "Press 1 to enter your PIN, 2 to hear your balance."
  "1" -> ask_pin
  "2" -> balance
  timeout -> repeat
  invalid -> repeat
  exhausted -> goodbye
}

step ask_pin {
  collect pin digits 4 timeout 10s
  goto balance
}

step balance {
  say "Checking the account for PIN {pin}."
  hangup
}
```
Pressing 2 reaches `balance` without ever collecting `pin`.

## How to fix
Set the variable on every path before it is read, for example initialise it in
the flow's first step:
```flow
step welcome {
  set pin = ""
  goto main
}
```
or route the paths that skip the assignment somewhere that does not read it.
"##,
};

pub fn run(ctx: &Context, diags: &mut Vec<Diagnostic>) {
    let ir = ctx.ir;
    let vars = written_vars(ctx);
    if vars.is_empty() || ir.flows.is_empty() {
        return;
    }
    // Every read of a written variable in reachable code, grouped by
    // variable: one per variable and node, at its first read there.
    // In the same pass over the nodes, what the walks need of each.
    let mut reads: Vec<Vec<(NodeId, &Name)>> = vec![Vec::new(); vars.len()];
    let mut facts = Vec::with_capacity(ir.graph.node_count());
    for (n, node) in ir.graph.node_indices().zip(ir.graph.node_weights()) {
        facts.push(Facts::of(&node.action, &vars));
        if !ctx.is_reachable(n) {
            continue;
        }
        action_reads(&node.action, &mut |name| {
            if let Some(sites) = vars.get(name.text.as_str()).and_then(|&v| reads.get_mut(v))
                && sites.last().is_none_or(|(last, _)| *last != n)
            {
                sites.push((n, name));
            }
        });
    }
    let mut regions = Regions::new(ctx, facts);
    let mut unset: Vec<(usize, NodeId, Name)> = Vec::new();
    for (v, sites) in reads.iter().enumerate().filter(|(_, sites)| !sites.is_empty()) {
        regions.compute(v, sites.iter().map(|(n, _)| *n));
        for (n, name) in sites {
            if regions.is_unset(*n) {
                unset.push((v, *n, (*name).clone()));
            }
        }
    }
    // Then explain them one variable at a time, so that only one variable's
    // path table (a row per node) is alive at once, however many are unset.
    unset.sort_by_key(|(v, n, _)| (*v, *n));
    let mut current: Option<(usize, Parents)> = None;
    for (v, n, name) in unset {
        if current.as_ref().is_none_or(|(cv, _)| *cv != v) {
            current = Some((v, unset_paths(ir, &name.text)));
        }
        let parents = current.as_ref().map_or(&[][..], |(_, p)| p.as_slice());
        diags.push(report(ir, &name, n, parents));
    }
}

/// Every variable some `set`, `collect` or `record` writes, numbered.
fn written_vars<'a>(ctx: &Context<'a>) -> HashMap<&'a str, usize> {
    let mut vars: HashMap<&'a str, usize> = HashMap::new();
    for (_, ast) in ctx.asts {
        for state in ast.states() {
            let mut add = |s: &'a crate::ast::Stmt| {
                if let Some(var) = s.writes()
                    && !BUILTIN_VARS.contains(&var.text.as_str())
                {
                    let next = vars.len();
                    vars.entry(var.text.as_str()).or_insert(next);
                }
            };
            match &state.body {
                crate::ast::StateBody::Step(body) => crate::ast::walk_stmts(body, &mut add),
                crate::ast::StateBody::Menu(m) => crate::ast::walk_stmts(&m.prompt, &mut add),
            }
        }
    }
    vars
}

/// What the per-variable walks need to know about a node, gathered once so
/// that they compare numbers instead of reading actions and names.
#[derive(Clone, Copy)]
struct Facts {
    /// The variable (by number) the node assigns, or `NONE`.
    assigns: u32,
    /// `collect` and `record` assign only on their `Next` edge.
    next_only: bool,
    flow_entry: bool,
}

const NONE: u32 = u32::MAX;

impl Facts {
    /// What `assigns_on` answers for this action, edge by edge, with the
    /// variables numbered by `vars`.
    fn of(action: &Action, vars: &HashMap<&str, usize>) -> Self {
        let number = |name: Option<&str>| {
            name.and_then(|n| vars.get(n))
                .map_or(NONE, |&v| u32::try_from(v).unwrap_or(NONE))
        };
        let (assigns, next_only) = match action {
            Action::Set { var, .. } => (number(Some(&var.text)), false),
            Action::Collect(c) => (number(Some(&c.var.text)), true),
            Action::Record(r) => (number(r.var.as_ref().map(|v| v.text.as_str())), true),
            _ => (NONE, false),
        };
        Facts {
            assigns,
            next_only,
            flow_entry: matches!(action, Action::FlowEntry { .. }),
        }
    }

    /// Does the edge `edge` out of this node assign variable `v`? (`assigns_on`)
    #[inline]
    fn assigns_on(self, edge: Edge, v: u32) -> bool {
        self.assigns == v && (!self.next_only || edge == Edge::Next)
    }
}

/// Scratch marks for the per-variable analysis, allocated once per check and
/// reused for every variable: a node is in the current region when its stamp
/// equals the current generation, so nothing is cleared between variables.
struct Regions<'c> {
    out: &'c Adjacency,
    incoming: Adjacency,
    facts: Vec<Facts>,
    generation: u32,
    region: Vec<u32>,
    unset: Vec<u32>,
    stack: Vec<NodeId>,
    /// The region's flow entries (where nothing is assigned yet).
    entries: Vec<NodeId>,
}

impl<'c> Regions<'c> {
    fn new(ctx: &'c Context, facts: Vec<Facts>) -> Self {
        let ir = ctx.ir;
        let nodes = ir.graph.node_count();
        Regions {
            out: &ctx.out,
            incoming: Adjacency::incoming(ir),
            facts,
            generation: 0,
            region: vec![0; nodes],
            unset: vec![0; nodes],
            stack: Vec::new(),
            entries: Vec::new(),
        }
    }

    fn facts(&self, n: NodeId) -> Facts {
        self.facts.get(n.index()).copied().unwrap_or(Facts {
            assigns: NONE,
            next_only: false,
            flow_entry: false,
        })
    }

    fn mark(marks: &mut [u32], n: NodeId, generation: u32) -> bool {
        match marks.get_mut(n.index()) {
            Some(m) if *m != generation => {
                *m = generation;
                true
            }
            _ => false,
        }
    }

    /// Find where variable `v` may be unset among the nodes that lead to
    /// `reads`.
    fn compute(&mut self, v: usize, reads: impl Iterator<Item = NodeId>) {
        let v = u32::try_from(v).unwrap_or(NONE);
        self.generation += 1;
        let generation = self.generation;
        self.entries.clear();
        // Backwards from the reads, stopping on every edge that assigns `var`.
        self.stack.clear();
        for r in reads {
            if Self::mark(&mut self.region, r, generation) {
                self.stack.push(r);
            }
        }
        while let Some(n) = self.stack.pop() {
            if self.facts(n).flow_entry {
                self.entries.push(n);
            }
            for &(p, edge) in self.incoming.of(n) {
                if !self.facts(p).assigns_on(edge, v) && Self::mark(&mut self.region, p, generation) {
                    self.stack.push(p);
                }
            }
        }
        // Forwards from the entries, inside the region, along edges that do
        // not assign `var`: every node reached can be entered with it unset.
        for &entry in &self.entries {
            if Self::mark(&mut self.unset, entry, generation) {
                self.stack.push(entry);
            }
        }
        while let Some(n) = self.stack.pop() {
            let facts = self.facts(n);
            for &(m, edge) in self.out.of(n) {
                let in_region = self.region.get(m.index()) == Some(&generation);
                if in_region && !facts.assigns_on(edge, v) && Self::mark(&mut self.unset, m, generation) {
                    self.stack.push(m);
                }
            }
        }
    }

    fn is_unset(&self, n: NodeId) -> bool {
        self.unset.get(n.index()) == Some(&self.generation)
    }
}

/// The variable an edge out of this action assigns, if any.
fn assigns_on(action: &Action, edge: Edge) -> Option<&str> {
    match action {
        Action::Set { var, .. } => Some(&var.text),
        Action::Collect(c) if edge == Edge::Next => Some(&c.var.text),
        Action::Record(r) if edge == Edge::Next => r.var.as_ref().map(|v| v.text.as_str()),
        _ => None,
    }
}

/// Every variable an IR action reads: the same places `ast::Stmt::reads`
/// looks at (prompt text, numbers, URLs, the value of a `set`, conditions),
/// plus the prompt lines of a menu.
pub(crate) fn action_reads<'a>(action: &'a Action, f: &mut impl FnMut(&'a Name)) {
    let mut lit = |s: &'a crate::ast::StrLit| s.vars().for_each(&mut *f);
    match action {
        Action::Say(s) => lit(&s.text),
        Action::Play { source, .. } => lit(source),
        Action::Menu(m) => {
            for stmt in &m.prompt {
                stmt.for_each_read(f);
            }
        }
        Action::Dial(d) => {
            for s in d
                .targets
                .iter()
                .chain(&d.caller_id)
                .chain(&d.send_digits)
                .chain(&d.ringback)
            {
                lit(s);
            }
        }
        Action::Enqueue {
            hold_music: Some(HoldMusic::Url(u)),
            ..
        } => lit(u),
        Action::Dequeue { number: Some(n), .. } => lit(n),
        Action::Park { intro, hold, .. } => {
            for s in intro.iter().chain(hold) {
                lit(s);
            }
        }
        Action::Conference(c) => lit(&c.room),
        Action::Stream { url, .. } => lit(url),
        Action::RedirectUrl(u) => lit(u),
        Action::Set { value, .. } => value.for_each_var(f),
        Action::Branch(cond) => cond.for_each_var(f),
        _ => {}
    }
}

/// For every node, the node and edge a shortest path reached it from.
type Parents = Vec<Option<(NodeId, Edge)>>;

/// BFS from every flow entry through edges that do not assign `var`: the
/// parent (node, edge taken) of every node reached with `var` unset.
fn unset_paths(ir: &Ir, var: &str) -> Parents {
    let count = ir.graph.node_count();
    let mut parent: Vec<Option<(NodeId, Edge)>> = vec![None; count];
    let mut seen = vec![false; count];
    let mut queue: VecDeque<NodeId> = VecDeque::new();
    for flow in &ir.flows {
        if let Some(s) = seen.get_mut(flow.entry.index())
            && !*s
        {
            *s = true;
            queue.push_back(flow.entry);
        }
    }
    while let Some(n) = queue.pop_front() {
        let Some(node) = ir.graph.node_weight(n) else {
            continue;
        };
        for e in ir.graph.edges(n) {
            if assigns_on(&node.action, *e.weight()) == Some(var) {
                continue;
            }
            let m = e.target();
            if let Some(s) = seen.get_mut(m.index())
                && !*s
            {
                *s = true;
                if let Some(p) = parent.get_mut(m.index()) {
                    *p = Some((n, *e.weight()));
                }
                queue.push_back(m);
            }
        }
    }
    parent
}

/// `welcome → main (key 2) → confirm`: the states of the path from a flow
/// entry to `to`, each followed by the outcome that leaves it when it has one.
/// Also returns the flow entry the path starts at.
fn describe_path(ir: &Ir, to: NodeId, parents: &[Option<(NodeId, Edge)>]) -> Option<(String, NodeId)> {
    // Walk back to the flow entry, then forwards.
    let mut steps: Vec<(NodeId, Option<Edge>)> = vec![(to, None)];
    let mut at = to;
    while let Some(&Some((p, e))) = parents.get(at.index()) {
        steps.push((p, Some(e)));
        at = p;
        if steps.len() > ir.graph.node_count() + 1 {
            return None;
        }
    }
    if !ir.flows.iter().any(|f| f.entry == at) {
        return None;
    }
    steps.reverse();
    let mut segments: Vec<(String, String)> = Vec::new();
    for (i, (n, edge)) in steps.iter().enumerate() {
        let Some(node) = ir.graph.node_weight(*n) else {
            continue;
        };
        let Some(state) = node.state.and_then(|s| ir.states.get(s)) else {
            continue;
        };
        let entered = state.entry == *n || segments.last().is_none_or(|(name, _)| *name != state.name.text);
        if entered {
            segments.push((state.name.text.clone(), String::new()));
        }
        // The outcome that leaves this state for another (or re-enters it).
        let next = steps.get(i + 1).map(|(m, _)| *m);
        let leaves = next
            .and_then(|m| ir.graph.node_weight(m))
            .is_some_and(|m_node| m_node.state != node.state || next.is_some_and(|m| m == state.entry));
        if let (true, Some(e), Some(last)) = (leaves, edge, segments.last_mut()) {
            last.1 = e.label();
        }
    }
    let parts: Vec<String> = segments
        .into_iter()
        .map(|(name, label)| {
            if label.is_empty() {
                name
            } else {
                format!("{name} ({label})")
            }
        })
        .collect();
    if parts.is_empty() {
        None
    } else {
        Some((parts.join(" → "), at))
    }
}

fn report(ir: &Ir, var: &Name, at: NodeId, parents: &[Option<(NodeId, Edge)>]) -> Diagnostic {
    let mut d = Diagnostic::new(&CODE, format!("`{}` may be read before it is set", var.text))
        .primary(var.span, format!("`{}` may be unset here", var.text));
    let mut origin = None;
    if let Some((path, entry)) = describe_path(ir, at, parents) {
        d = d.note(format!("on this path nothing sets `{}`: {path}", var.text));
        origin = Some(entry);
    }
    // Suggest initialising it where the calls of that path start; a menu
    // cannot hold a `set`, so then it has to be a step in front of it.
    let start = origin
        .and_then(|entry| ir.flows.iter().find(|f| f.entry == entry))
        .or(ir.flows.first())
        .and_then(|f| f.flow.start.as_ref())
        .and_then(|name| ir.state_named(&name.text));
    let place = match start {
        Some(s) if !s.is_menu => format!("in `{}`", s.name.text),
        Some(s) => format!("in a step that runs before `{}`", s.name.text),
        None => "in the first step".to_string(),
    };
    d.help(format!(
        "set `{0}` on every path before reading it, e.g. initialise it with `set {0} = \"\"` {place}",
        var.text
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_explain_page, codes, primary_text, with_code};

    const HEAD: &str = "flow f {\n  start welcome\n}\n";

    #[test]
    fn a_menu_branch_that_skips_the_collect_is_reported_with_its_path() {
        let src = format!(
            "{HEAD}step welcome {{\n  say \"Welcome.\"\n  goto main\n}}\n\
             menu main {{\n  say \"Press 1 for a PIN, 2 to confirm.\"\n  \"1\" -> ask\n  \"2\" -> confirm\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> bye\n}}\n\
             step ask {{\n  collect pin digits 4\n  goto confirm\n}}\nstep bye {{\n  hangup\n}}\n\
             step confirm {{\n  say \"You entered {{pin}}.\"\n  hangup\n}}\n"
        );
        let found = with_code(&src, "E0304");
        assert_eq!(found.len(), 1, "{found:?}");
        let d = &found[0];
        assert_eq!(primary_text(&src, d), "pin");
        assert_eq!(d.labels[0].message, "`pin` may be unset here");
        assert!(
            d.notes.iter().any(|n| n.ends_with("welcome → main (key 2) → confirm")),
            "{:?}",
            d.notes
        );
        assert!(
            d.help
                .as_deref()
                .is_some_and(|h| h.contains("set pin = \"\"") && h.contains("welcome"))
        );
    }

    #[test]
    fn assigned_on_every_path_is_fine() {
        let src = format!(
            "{HEAD}step welcome {{\n  if caller == \"+254711000000\" {{\n    set name = \"boss\"\n  }} else {{\n    set name = \"friend\"\n  }}\n  say \"Hello {{name}}.\"\n  collect pin digits 4\n  say \"PIN {{pin}}.\"\n  hangup\n}}\n"
        );
        assert!(!codes(&src).contains(&"E0304"), "{:?}", codes(&src));
    }

    #[test]
    fn one_branch_of_an_if_is_not_enough() {
        let src = format!(
            "{HEAD}step welcome {{\n  if caller == \"+254711000000\" {{\n    set name = \"boss\"\n  }}\n  say \"Hello {{name}}.\"\n  hangup\n}}\n"
        );
        let found = with_code(&src, "E0304");
        assert_eq!(found.len(), 1);
        assert!(
            found[0].notes.iter().any(|n| n.ends_with(": welcome")),
            "{:?}",
            found[0].notes
        );
    }

    #[test]
    fn a_collect_timeout_does_not_assign() {
        let src = format!(
            "{HEAD}step welcome {{\n  collect pin digits 4 timeout 5s\n  on timeout -> confirm\n  goto confirm\n}}\n\
             step confirm {{\n  if pin == \"1234\" {{\n    hangup\n  }}\n  hangup\n}}\n"
        );
        let found = with_code(&src, "E0304");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].notes.iter().any(|n| n.contains("welcome (timeout) → confirm")),
            "{:?}",
            found[0].notes
        );
    }

    #[test]
    fn a_set_that_reads_itself_first_is_reported() {
        let src = format!("{HEAD}step welcome {{\n  set n = n + 1\n  say \"Round {{n}}.\"\n  hangup\n}}\n");
        let found = with_code(&src, "E0304");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].labels[0].span.start as usize, src.find("n + 1").unwrap_or(0));
    }

    #[test]
    fn never_assigned_is_left_to_undefined_variable_and_builtins_are_set() {
        let src = format!("{HEAD}step welcome {{\n  say \"Hi {{nobody}}, from {{caller}}.\"\n  hangup\n}}\n");
        let found = codes(&src);
        assert!(found.contains(&"E0104"));
        assert!(!found.contains(&"E0304"), "{found:?}");
    }

    #[test]
    fn menu_prompts_and_loops_are_analysed() {
        // `n` is set before the loop, so the loop back-edge keeps it set.
        let src = format!(
            "{HEAD}step welcome {{\n  set n = \"1\"\n  goto main\n}}\n\
             menu main {{\n  say \"Round {{n}}: press 1.\"\n  \"1\" -> welcome\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> bye\n}}\n\
             step bye {{\n  say \"Also {{m}}\"\n  hangup\n}}\nstep other {{\n  set m = \"x\"\n  hangup\n}}\n"
        );
        let found = with_code(&src, "E0304");
        assert_eq!(found.len(), 1, "only `m` in bye: {found:?}");
        assert_eq!(primary_text(&src, &found[0]), "m");
    }

    #[test]
    fn a_large_chain_is_fast_enough() {
        // 10,000 states, each setting a variable the next one reads.
        let mut src = String::from("flow f {\n  start s0\n}\n");
        for i in 0..10_000 {
            src.push_str(&format!(
                "step s{i} {{\n  set v{i} = \"x\"\n  say \"{{v{i}}}\"\n  goto s{}\n}}\n",
                i + 1
            ));
        }
        src.push_str("step s10000 {\n  say \"{v0} {v9999}\"\n  hangup\n}\n");
        let started = std::time::Instant::now();
        let found = codes(&src);
        assert!(!found.contains(&"E0304"), "{:?}", &found[..found.len().min(5)]);
        assert!(started.elapsed().as_secs() < 20, "took {:?}", started.elapsed());
    }

    #[test]
    fn explain_page_is_complete_and_its_example_triggers_the_code() {
        assert_explain_page(&super::CODE);
    }
}
