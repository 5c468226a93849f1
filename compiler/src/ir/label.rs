//! Short human labels for nodes, shared by the DOT and Mermaid renderers.

use super::{Action, Ir, NodeId};
use crate::ast::StrLit;

const MAX_TEXT: usize = 40;

/// `welcome: say "Thank you for calling…"`.
pub fn node_label(ir: &Ir, id: NodeId) -> String {
    let node = ir.node(id);
    let detail = detail(&node.action);
    let action = if detail.is_empty() {
        node.action.name().to_string()
    } else {
        format!("{} {detail}", node.action.name())
    };
    match (&node.action, node.state.and_then(|s| ir.states.get(s))) {
        (Action::FlowEntry { flow }, _) => {
            format!(
                "flow {}",
                ir.flows.get(*flow).map_or("?", |f| f.flow.name.text.as_str())
            )
        }
        (_, Some(state)) => format!("{}: {action}", state.name.text),
        (_, None) => action,
    }
}

fn detail(action: &Action) -> String {
    match action {
        Action::Say(s) => quote(&s.text),
        Action::Play { source, .. } => quote(source),
        Action::Pause { ms } => format!("{ms}ms"),
        Action::Menu(m) => m.prompt.first().map_or(String::new(), |p| match &p.kind {
            crate::ast::StmtKind::Say(s) => quote(&s.text),
            crate::ast::StmtKind::Play { source, .. } => quote(source),
            _ => String::new(),
        }),
        Action::Collect(c) => c.var.text.clone(),
        Action::Record(r) => r.var.as_ref().map_or(String::new(), |v| v.text.clone()),
        Action::Dial(d) => d.targets.iter().map(quote).collect::<Vec<_>>().join(", "),
        Action::Enqueue { queue, .. } | Action::Dequeue { queue, .. } => queue.text.clone(),
        Action::Conference(c) => quote(&c.room),
        Action::Stream { url, .. } => quote(url),
        Action::RedirectUrl(u) => quote(u),
        Action::RedirectFlow(f) => format!("flow {}", f.text),
        Action::Goto(t) => t.text.clone(),
        Action::Set { var, .. } => var.text.clone(),
        Action::Branch(_) | Action::Park { .. } | Action::Reject(_) => String::new(),
        Action::Hangup { implicit: true } => "(retries exhausted)".into(),
        Action::End => "(falls off the end)".into(),
        _ => String::new(),
    }
}

fn quote(s: &StrLit) -> String {
    let text = s.display();
    let short: String = text.chars().take(MAX_TEXT).collect();
    if short.len() < text.len() {
        format!("\"{short}…\"")
    } else {
        format!("\"{short}\"")
    }
}
