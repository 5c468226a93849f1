//! Flow checks: each in its own file, with its code, explain page and tests.
//!
//! A check reads the project's ASTs and its IR through [`Context`] and pushes
//! diagnostics. Adding a check = a file here + a line in [`CHECKS`] + a line in
//! `codes::ALL` + a fixture `tests/diagnostics/<CODE>_<name>.flow`.

pub(crate) mod adjacency;
pub mod dead_end;
pub mod input_free_loop;
pub mod menu_keys;
pub mod menu_outcomes;
mod scc;
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
use adjacency::Adjacency;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What every check may look at.
pub struct Context<'a> {
    pub asts: &'a [(FileId, Ast)],
    pub ir: &'a Ir,
    /// `reachable[node.index()]`: can a call starting in any flow get here?
    pub reachable: Vec<bool>,
    /// Every node's outgoing edges, laid out for fast walks.
    pub(crate) out: Adjacency,
}

impl<'a> Context<'a> {
    pub fn new(asts: &'a [(FileId, Ast)], ir: &'a Ir) -> Self {
        let out = Adjacency::outgoing(ir);
        let mut reachable = vec![false; ir.graph.node_count()];
        let mut queue = VecDeque::new();
        for flow in &ir.flows {
            if let Some(seen) = reachable.get_mut(flow.entry.index())
                && !*seen
            {
                *seen = true;
                queue.push_back(flow.entry);
            }
            while let Some(n) = queue.pop_front() {
                for m in out.nodes(n) {
                    if let Some(seen) = reachable.get_mut(m.index())
                        && !*seen
                    {
                        *seen = true;
                        queue.push_back(m);
                    }
                }
            }
        }
        Context {
            asts,
            ir,
            reachable,
            out,
        }
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
    run_all_on(ctx, 1)
}

/// `run_all` on up to `threads` threads. Each thread takes the next check no
/// thread has taken yet; the results are joined in [`CHECKS`] order, so the
/// output is the same for any number of threads.
pub fn run_all_on(ctx: &Context, threads: usize) -> Vec<Diagnostic> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(check) = CHECKS.get(i) else { break };
            let mut diags = Vec::new();
            (check.run)(ctx, &mut diags);
            done.push((i, diags));
        }
        done
    };
    let mut done = std::thread::scope(|scope| {
        // A thread that cannot be had simply leaves its checks to this one.
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(8 << 20)
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        let mut done = work();
        for helper in helpers {
            match helper.join() {
                Ok(theirs) => done.extend(theirs),
                // A panic in a check is a compiler bug; let it surface.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().flat_map(|(_, diags)| diags).collect()
}
