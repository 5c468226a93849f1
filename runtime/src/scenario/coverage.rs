//! State and transition coverage of a flow project by its scenarios.
//!
//! The full sets come from the IR (`ir::Ir`), not from the bytecode, because
//! the IR is where the edges and their outcome labels are explicit:
//!
//! - a *state* is every entry of `Ir::states` (steps and menus of the whole
//!   project, imported files included);
//! - a *transition* is an IR edge that leaves a node of state A and lands on
//!   the entry node of another state B, labelled by its outcome (`goto`,
//!   `key 1`, `timeout`, `busy` …). A `redirect flow` reaches B through B's
//!   flow entry and is labelled `redirect flow`. Edges within a state and a
//!   menu's `repeat` (A → A) are not transitions.
//!
//! The same (A, outcome, B) reached by two edges (two `goto main` in one step)
//! counts once: a scenario cannot tell them apart from the outside.

use callflow_compiler::ir::{Action, Edge, Ir, NodeId};
use std::collections::BTreeSet;
use std::fmt;

/// One move between states, as the VM's trace reports it and the IR has it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Transition {
    pub from: String,
    pub outcome: String,
    pub to: String,
}

impl fmt::Display for Transition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} --{}--> {}", self.from, self.outcome, self.to)
    }
}

/// The label of an IR edge as a transition outcome; `goto` for a plain jump.
pub fn outcome_label(edge: Edge) -> String {
    match edge {
        Edge::Next => "goto".to_string(),
        other => other.label(),
    }
}

/// Everything a project's scenarios could cover.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Model {
    /// State names in source order.
    pub states: Vec<String>,
    pub transitions: BTreeSet<Transition>,
}

impl Model {
    pub fn of(ir: &Ir) -> Model {
        let states: Vec<String> = ir.states.iter().map(|s| s.name.text.clone()).collect();
        let mut transitions = BTreeSet::new();
        for source in ir.graph.node_indices() {
            let Some(from) = ir.node(source).state.and_then(|s| states.get(s)) else {
                continue;
            };
            for (edge, target) in ir.successors(source) {
                let Some((outcome, to)) = landing(ir, &states, edge, target) else {
                    continue;
                };
                if *from != to {
                    transitions.insert(Transition {
                        from: from.clone(),
                        outcome,
                        to,
                    });
                }
            }
        }
        Model { states, transitions }
    }
}

/// The state an edge lands in, when it lands on a state's entry, with the
/// outcome label to report.
fn landing(ir: &Ir, states: &[String], edge: Edge, target: NodeId) -> Option<(String, String)> {
    if let Action::FlowEntry { .. } = ir.node(target).action {
        // `redirect flow X`: the flow entry's one edge leads to X's start.
        let (_, start) = ir.successors(target).next()?;
        let state = entry_state(ir, start)?;
        return Some(("redirect flow".to_string(), states.get(state)?.clone()));
    }
    let state = entry_state(ir, target)?;
    Some((outcome_label(edge), states.get(state)?.clone()))
}

/// The state whose entry `node` is.
fn entry_state(ir: &Ir, node: NodeId) -> Option<usize> {
    let state = ir.node(node).state?;
    (ir.states.get(state)?.entry == node).then_some(state)
}

/// What the scenarios of one project did, against its model.
#[derive(Clone, Debug, Default)]
pub struct Coverage {
    pub model: Model,
    pub entered: BTreeSet<String>,
    pub taken: BTreeSet<Transition>,
}

impl Coverage {
    pub fn new(model: Model) -> Coverage {
        Coverage {
            model,
            ..Coverage::default()
        }
    }

    /// Record one call's states and transitions. Anything the model does not
    /// know (a self-transition, a state of another project) is ignored.
    pub fn record<'a>(
        &mut self,
        path: impl IntoIterator<Item = &'a String>,
        transitions: impl IntoIterator<Item = &'a Transition>,
    ) {
        for state in path {
            if self.model.states.contains(state) {
                self.entered.insert(state.clone());
            }
        }
        for t in transitions {
            if self.model.transitions.contains(t) {
                self.taken.insert(t.clone());
            }
        }
    }

    pub fn states_entered(&self) -> usize {
        self.entered.len()
    }

    pub fn transitions_taken(&self) -> usize {
        self.taken.len()
    }

    pub fn never_entered(&self) -> impl Iterator<Item = &String> {
        self.model.states.iter().filter(|s| !self.entered.contains(*s))
    }

    pub fn never_taken(&self) -> impl Iterator<Item = &Transition> {
        self.model.transitions.difference(&self.taken)
    }

    /// `states 9/9 (100%), transitions 14/15 (93%)`.
    pub fn summary(&self) -> String {
        format!(
            "states {}, transitions {}",
            ratio(self.states_entered(), self.model.states.len()),
            ratio(self.transitions_taken(), self.model.transitions.len())
        )
    }
}

/// `14/15 (93%)`. Rounded down, so that 100% always means everything; an
/// empty set is fully covered.
fn ratio(done: usize, total: usize) -> String {
    let percent = (done * 100).checked_div(total).unwrap_or(100);
    format!("{done}/{total} ({percent}%)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use callflow_compiler::project::check_source;

    const FLOW: &str = r#"flow f {
  start welcome
  retries 1
}

flow staff {
  start staff_desk
}

step welcome {
  say "Hi."
  if caller == "+15550100001" {
    goto main
  }
  goto main
}

menu main {
  say "Press 1 or 2."
  "1" -> sales
  "2" -> transfer
  timeout -> repeat
  invalid -> repeat
  exhausted -> bye
}

step sales {
  dial "+254711082000"
  on busy -> bye
  on no_answer -> bye
  on failed -> bye
}

step transfer {
  redirect flow staff
}

step staff_desk {
  hangup
}

step bye {
  collect x digits 1
  on timeout -> bye
  say "{x}"
  hangup
}
"#;

    fn t(from: &str, outcome: &str, to: &str) -> Transition {
        Transition {
            from: from.into(),
            outcome: outcome.into(),
            to: to.into(),
        }
    }

    #[test]
    fn the_model_has_every_state_and_cross_state_edge_once() {
        let (_, analysis) = check_source("f.flow", FLOW);
        let model = Model::of(&analysis.ir);
        assert_eq!(
            model.states,
            ["welcome", "main", "sales", "transfer", "staff_desk", "bye"]
        );
        let expected: BTreeSet<Transition> = [
            t("welcome", "goto", "main"),
            t("main", "key 1", "sales"),
            t("main", "key 2", "transfer"),
            t("main", "exhausted", "bye"),
            t("sales", "busy", "bye"),
            t("sales", "no answer", "bye"),
            t("sales", "failed", "bye"),
            t("transfer", "redirect flow", "staff_desk"),
        ]
        .into_iter()
        .collect();
        assert_eq!(model.transitions, expected);
    }

    #[test]
    fn coverage_counts_what_the_model_knows() {
        let (_, analysis) = check_source("f.flow", FLOW);
        let mut coverage = Coverage::new(Model::of(&analysis.ir));
        let path: Vec<String> = ["welcome", "main", "sales", "bye", "elsewhere"]
            .map(String::from)
            .into();
        let taken = [
            t("welcome", "goto", "main"),
            t("main", "key 1", "sales"),
            t("sales", "busy", "bye"),
            t("bye", "timeout", "bye"),
        ];
        coverage.record(&path, &taken);
        assert_eq!(coverage.summary(), "states 4/6 (66%), transitions 3/8 (37%)");
        let never: Vec<&String> = coverage.never_entered().collect();
        assert_eq!(never, ["transfer", "staff_desk"]);
        assert_eq!(coverage.never_taken().count(), 5);
        assert_eq!(
            Coverage::default().summary(),
            "states 0/0 (100%), transitions 0/0 (100%)"
        );
    }
}
