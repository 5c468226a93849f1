//! `manifest.json`: what a bundle holds and how callbacks move through it.
//!
//! A server that hosts a bundle (the webhook host, or one of your own) reads
//! it like this: a call starts at its flow's `start` entry; an entry's `plan`
//! says which document to answer with (evaluating `if` and `set` on the
//! call's variables first); a document's `routes` say which entry each
//! outcome leads to when the provider posts to its `callback`.

use super::model::{Bundle, Document, EndKind, Plan, Route};
use super::{TargetKind, Urls};
use serde_json::{Value, json};

/// Version of the manifest format; bumped on incompatible changes.
pub const FORMAT_VERSION: u32 = 1;

pub fn manifest(bundle: &Bundle, target: TargetKind, urls: &Urls) -> Value {
    json!({
        "format": FORMAT_VERSION,
        "target": target.id(),
        "base_url": urls.base,
        "flows": bundle.flows.iter().map(|f| json!({"flow": f.flow, "start": f.entry})).collect::<Vec<_>>(),
        "entries": bundle.entries.iter().map(|e| json!({
            "id": e.id,
            "state": e.state,
            "plan": plan(&e.plan, bundle),
        })).collect::<Vec<_>>(),
        "documents": bundle.documents.iter().map(|d| document(d, target, urls)).collect::<Vec<_>>(),
    })
}

/// The file a document is written to, inside the bundle directory.
pub fn file_name(doc: &Document, target: TargetKind) -> String {
    format!("{}.{}", doc.id, target.extension())
}

fn plan(plan: &Plan, bundle: &Bundle) -> Value {
    match plan {
        Plan::Doc(i) => json!({"document": bundle.documents.get(*i).map(|d| d.id.as_str())}),
        Plan::If {
            cond, then, otherwise, ..
        } => json!({
            "if": cond,
            "then": self::plan(then, bundle),
            "else": self::plan(otherwise, bundle),
        }),
        Plan::Set { var, value, then, .. } => json!({
            "set": var,
            "value": value,
            "then": self::plan(then, bundle),
        }),
    }
}

fn document(doc: &Document, target: TargetKind, urls: &Urls) -> Value {
    let routes: serde_json::Map<String, Value> = doc
        .end
        .kind
        .routes()
        .into_iter()
        .map(|(outcome, route)| (outcome, route_value(route)))
        .collect();
    // Outcomes that all end the call need no callback: nothing is left to
    // answer with.
    let waits = doc
        .end
        .kind
        .routes()
        .iter()
        .any(|(_, route)| matches!(route, Route::Entry(_)));
    let mut out = json!({
        "id": doc.id,
        "file": file_name(doc, target),
        "action": doc.end.kind.name(),
        "answers": {"first": doc.answers.first, "later": doc.answers.later},
        "template": doc.is_template(),
        "routes": routes,
    });
    if waits {
        out["callback"] = Value::String(urls.callback(&doc.id));
    }
    if let EndKind::Menu(m) = &doc.end.kind {
        // `attempts` is how often the provider itself plays the menu before it
        // reports failure. Africa's Talking has no retries: it plays once per
        // document and the server counts every retry against `retries`.
        let attempts = match target {
            TargetKind::AfricasTalking => 1,
            _ => m.attempts,
        };
        out["attempts"] = json!(attempts);
        out["retries"] = json!(m.retries);
    }
    out
}

fn route_value(route: &Route) -> Value {
    match route {
        Route::Entry(id) => Value::String(id.clone()),
        Route::Hangup => json!({"hangup": true}),
    }
}
