//! Flow checks: each in its own file, with its code, explain page and tests.
//!
//! A check reads the project's ASTs and its IR through [`Context`] and pushes
//! diagnostics. Adding a check = a file here + a line in [`CHECKS`] + a line in
//! `codes::ALL` + a fixture `tests/diagnostics/<CODE>_<name>.flow`.

pub mod dead_end;
pub mod input_free_loop;
pub mod menu_keys;
pub mod menu_outcomes;
pub mod unbounded_retries;
pub mod unreachable_state;
pub mod unreachable_statement;
pub mod unset_variable;
pub mod unused_variable;

#[cfg(test)]
pub mod test_support;

use crate::ast::Ast;
use crate::diagnostic::Diagnostic;
use crate::ir::{Ir, NodeId};
use crate::span::FileId;
use petgraph::visit::{Bfs, Walker};

/// What every check may look at.
pub struct Context<'a> {
    pub asts: &'a [(FileId, Ast)],
    pub ir: &'a Ir,
    /// `reachable[node.index()]`: can a call starting in any flow get here?
    pub reachable: Vec<bool>,
}

impl<'a> Context<'a> {
    pub fn new(asts: &'a [(FileId, Ast)], ir: &'a Ir) -> Self {
        let mut reachable = vec![false; ir.graph.node_count()];
        for flow in &ir.flows {
            for n in Bfs::new(&ir.graph, flow.entry).iter(&ir.graph) {
                reachable[n.index()] = true;
            }
        }
        Context { asts, ir, reachable }
    }

    pub fn is_reachable(&self, n: NodeId) -> bool {
        self.reachable.get(n.index()).copied().unwrap_or(false)
    }
}

pub struct Check {
    pub name: &'static str,
    pub run: fn(&Context, &mut Vec<Diagnostic>),
}

/// Every check, in the order they run.
pub static CHECKS: &[Check] = &[
    Check {
        name: "unreachable_state",
        run: unreachable_state::run,
    },
    Check {
        name: "unreachable_statement",
        run: unreachable_statement::run,
    },
    Check {
        name: "dead_end",
        run: dead_end::run,
    },
    Check {
        name: "input_free_loop",
        run: input_free_loop::run,
    },
    Check {
        name: "unset_variable",
        run: unset_variable::run,
    },
    Check {
        name: "unused_variable",
        run: unused_variable::run,
    },
    Check {
        name: "menu_keys",
        run: menu_keys::run,
    },
    Check {
        name: "menu_outcomes",
        run: menu_outcomes::run,
    },
    Check {
        name: "unbounded_retries",
        run: unbounded_retries::run,
    },
];

pub fn run_all(ctx: &Context) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for check in CHECKS {
        (check.run)(ctx, &mut diags);
    }
    diags
}
