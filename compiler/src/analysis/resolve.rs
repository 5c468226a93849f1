//! Name resolution: definitions, duplicates, and every reference to a state,
//! queue, flow or variable.

use super::codes::*;
use crate::ast::{Ast, BUILTIN_VARS, Item, Name, RedirectTarget, StateBody, StmtKind, Target};
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};
use crate::suggest::did_you_mean;
// foldhash: names are hashed for every reference; SipHash showed in profiles.
use foldhash::HashMap;

/// The names a project defines, first definition first.
#[derive(Debug, Default)]
pub struct Symbols {
    pub states: HashMap<String, Span>,
    pub queues: HashMap<String, Span>,
    pub flows: HashMap<String, Span>,
    /// Variables some statement writes, with the first place that does.
    pub vars: HashMap<String, Span>,
}

pub fn resolve(asts: &[(FileId, Ast)], root: FileId, diags: &mut Vec<Diagnostic>) -> Symbols {
    let mut sym = Symbols::default();
    // Sized once: a large project has tens of thousands of states.
    sym.states.reserve(asts.iter().map(|(_, ast)| ast.items.len()).sum());
    for (_, ast) in asts {
        for item in &ast.items {
            let (table, name, kind) = match item {
                Item::State(s) => (&mut sym.states, &s.name, "state"),
                Item::Queue(q) => (&mut sym.queues, &q.name, "queue"),
                Item::Flow(f) => (&mut sym.flows, &f.name, "flow"),
                Item::Import(_) => continue,
            };
            define(table, name, kind, diags);
        }
        for state in ast.states() {
            state.walk(&mut |s| {
                if let Some(var) = s.writes()
                    && !sym.vars.contains_key(&var.text)
                {
                    sym.vars.insert(var.text.clone(), var.span);
                }
            });
        }
    }
    if sym.flows.is_empty() {
        diags.push(
            Diagnostic::new(&NO_FLOW, "this project declares no `flow`, so no call can start")
                .primary(Span::new(root, 0, 0), "no flow in this file or its imports")
                .help("add `flow name {` with `start <state>` inside, or check the file that imports this one"),
        );
    }
    for (_, ast) in asts {
        for flow in ast.flows() {
            match &flow.start {
                Some(start) => state_ref(&sym, start, diags),
                None => diags.push(
                    Diagnostic::new(
                        &MISSING_START,
                        format!("flow `{}` does not say where calls start", flow.name.text),
                    )
                    .primary(flow.name.span, "no `start` setting")
                    .help("add `start <state>` to the flow block"),
                ),
            }
        }
        for state in ast.states() {
            if let StateBody::Menu(menu) = &state.body {
                for opt in &menu.options {
                    if let Target::State(t) = &opt.target {
                        state_ref(&sym, t, diags);
                    }
                }
            }
            state.walk(&mut |s| {
                s.for_each_read(&mut |var| var_ref(&sym, var, diags));
                if let Some(var) = s.writes()
                    && BUILTIN_VARS.contains(&var.text.as_str())
                {
                    diags.push(
                        Diagnostic::new(
                            &ASSIGN_TO_BUILTIN,
                            format!("`{}` is provided by the call and cannot be changed", var.text),
                        )
                        .primary(var.span, "built-in variable")
                        .help(format!(
                            "store the value in a variable of your own, e.g. `my_{}`",
                            var.text
                        )),
                    );
                }
                match &s.kind {
                    StmtKind::Goto(t) => state_ref(&sym, t, diags),
                    StmtKind::Collect(c) => c.outcomes.iter().for_each(|o| state_ref(&sym, &o.target, diags)),
                    StmtKind::Record(r) => r.outcomes.iter().for_each(|o| state_ref(&sym, &o.target, diags)),
                    StmtKind::Dial(d) => d.outcomes.iter().for_each(|o| state_ref(&sym, &o.target, diags)),
                    StmtKind::Enqueue { queue, .. } | StmtKind::Dequeue { queue, .. } => queue_ref(&sym, queue, diags),
                    StmtKind::Redirect(RedirectTarget::Flow(f)) => flow_ref(&sym, f, diags),
                    _ => {}
                }
            });
        }
    }
    sym
}

fn define(table: &mut HashMap<String, Span>, name: &Name, kind: &str, diags: &mut Vec<Diagnostic>) {
    match table.get(&name.text) {
        Some(first) => diags.push(
            Diagnostic::new(
                &DUPLICATE_DEFINITION,
                format!("the {kind} `{}` is defined twice", name.text),
            )
            .primary(name.span, "defined again here")
            .secondary(*first, "first defined here")
            .help(format!(
                "rename one of them; {kind} names must be unique across the project and its imports"
            )),
        ),
        None => {
            table.insert(name.text.clone(), name.span);
        }
    }
}

fn suggestion(table: &HashMap<String, Span>, name: &str, extra: &[&str]) -> Option<String> {
    did_you_mean(name, table.keys().map(String::as_str).chain(extra.iter().copied())).map(str::to_string)
}

fn state_ref(sym: &Symbols, name: &Name, diags: &mut Vec<Diagnostic>) {
    if sym.states.contains_key(&name.text) {
        return;
    }
    let d = Diagnostic::new(&UNDEFINED_STATE, format!("there is no state named `{}`", name.text))
        .primary(name.span, "not defined");
    diags.push(match suggestion(&sym.states, &name.text, &[]) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help(format!(
            "define it with `step {} {{` … `}}` or `menu {} {{` … `}}`",
            name.text, name.text
        )),
    });
}

fn queue_ref(sym: &Symbols, name: &Name, diags: &mut Vec<Diagnostic>) {
    if sym.queues.contains_key(&name.text) {
        return;
    }
    let d = Diagnostic::new(&UNDEFINED_QUEUE, format!("there is no queue named `{}`", name.text))
        .primary(name.span, "not declared");
    diags.push(match suggestion(&sym.queues, &name.text, &[]) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help(format!("declare it at the top level: `queue {}`", name.text)),
    });
}

fn flow_ref(sym: &Symbols, name: &Name, diags: &mut Vec<Diagnostic>) {
    if sym.flows.contains_key(&name.text) {
        return;
    }
    let d = Diagnostic::new(&UNDEFINED_FLOW, format!("there is no flow named `{}`", name.text))
        .primary(name.span, "not declared");
    diags.push(match suggestion(&sym.flows, &name.text, &[]) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help(format!(
            "declare it with `flow {} {{ start … }}`, here or in an imported file",
            name.text
        )),
    });
}

fn var_ref(sym: &Symbols, name: &Name, diags: &mut Vec<Diagnostic>) {
    if sym.vars.contains_key(&name.text) || BUILTIN_VARS.contains(&name.text.as_str()) {
        return;
    }
    let d = Diagnostic::new(
        &UNDEFINED_VARIABLE,
        format!("nothing ever sets the variable `{}`", name.text),
    )
    .primary(name.span, "read here");
    diags.push(match suggestion(&sym.vars, &name.text, &BUILTIN_VARS) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help(format!(
            "set it first, e.g. `collect {} digits 4` or `set {} = \"…\"`",
            name.text, name.text
        )),
    });
}

#[cfg(test)]
mod tests {
    use crate::project::check_source;

    fn diags(src: &str) -> Vec<(&'static str, String, Option<String>)> {
        let full = format!("flow f {{\n  start a\n}}\n{src}");
        check_source("t.flow", &full)
            .1
            .diagnostics
            .into_iter()
            .filter(|d| d.code.id.starts_with("E01"))
            .map(|d| (d.code.id, d.message, d.help))
            .collect()
    }

    #[test]
    fn undefined_names_get_suggestions() {
        let d = diags("step a {\n  goto sael\n}\nstep sales {\n  enqueue agent\n}\nqueue agents\n");
        assert_eq!(d[0].0, "E0101");
        assert_eq!(d[0].2.as_deref(), Some("did you mean `sales`?"));
        assert_eq!(d[1].0, "E0103");
        assert_eq!(d[1].2.as_deref(), Some("did you mean `agents`?"));
    }

    #[test]
    fn duplicates_point_at_both_definitions() {
        let src = "flow f {\n  start a\n}\nstep a {\n  hangup\n}\nmenu a {\n  \"1\" -> a\n}\n";
        let (_, analysis) = check_source("t.flow", src);
        let dup = analysis.diagnostics.iter().find(|d| d.code.id == "E0102");
        let labels = dup.map(|d| d.labels.len());
        assert_eq!(labels, Some(2));
    }

    #[test]
    fn variables_must_be_set_somewhere_and_builtins_are_read_only() {
        let d = diags("step a {\n  say \"{acount} {caller}\"\n  set caller = \"x\"\n  collect account\n  hangup\n}\n");
        let ids: Vec<_> = d.iter().map(|x| x.0).collect();
        assert_eq!(ids, vec!["E0104", "E0109"]);
        assert_eq!(d[0].2.as_deref(), Some("did you mean `account`?"));
    }

    #[test]
    fn flows_need_a_start_and_redirects_a_flow() {
        let src = "flow f {\n  voice male\n}\nstep a {\n  redirect flow other\n}\n";
        let ids: Vec<_> = check_source("t.flow", src)
            .1
            .diagnostics
            .iter()
            .map(|d| d.code.id)
            .collect();
        assert!(ids.contains(&"E0105") && ids.contains(&"E0106"), "{ids:?}");
    }
}
