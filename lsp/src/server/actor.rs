//! The one owner of document state: a thread that holds the [`Engine`] and
//! takes messages in the order the client sent them, so edits apply in
//! order and every request sees every edit sent before it.
//!
//! After each burst of messages (when nothing else is waiting) it computes
//! the diagnostics of the documents the burst touched and hands them to the
//! publisher, tagged with the version they were computed for. A panic in the
//! engine fails that one message, not the server.

use crate::engine::Engine;
use callflow_compiler::targets::TargetKind;
use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender};
use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::ls_types::{Diagnostic, TextDocumentContentChangeEvent, Uri};

/// A job for the engine: it runs on the actor's thread and answers through
/// the channel it captured.
pub type Job = Box<dyn FnOnce(&mut Engine) + Send>;

pub enum Msg {
    Open {
        uri: Uri,
        version: i32,
        text: String,
    },
    Change {
        uri: Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    },
    Close {
        uri: Uri,
    },
    Target(Option<TargetKind>),
    Run(Job),
}

/// Diagnostics to publish. `version: None` clears a closed document's.
pub struct Publish {
    pub uri: Uri,
    pub version: Option<i32>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The engine thread gets a generous stack: the compiler's depth limits are
/// sized for the 8 MiB of a main thread.
const STACK: usize = 16 << 20;

pub fn spawn(engine: Engine, publish: UnboundedSender<Publish>) -> std::io::Result<Sender<Msg>> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("callflow-engine".into())
        .stack_size(STACK)
        .spawn(move || run(engine, rx, publish))?;
    Ok(tx)
}

fn run(mut engine: Engine, rx: Receiver<Msg>, publish: UnboundedSender<Publish>) {
    let mut queue: VecDeque<Msg> = VecDeque::new();
    let mut dirty: Vec<Uri> = Vec::new();
    loop {
        let msg = match queue.pop_front() {
            Some(msg) => msg,
            None => match rx.recv() {
                Ok(msg) => msg,
                // Every sender is gone: the server has shut down.
                Err(_) => return,
            },
        };
        let handled = catch_unwind(AssertUnwindSafe(|| handle(&mut engine, msg, &mut dirty, &publish)));
        if handled.is_err() {
            eprintln!("callflow lsp: the engine panicked on a message; it carries on");
        }
        queue.extend(rx.try_iter());
        // Publish only when the burst is over: diagnostics of a version the
        // next queued edit replaces would be stale on arrival.
        if queue.is_empty() {
            for uri in std::mem::take(&mut dirty) {
                let computed = catch_unwind(AssertUnwindSafe(|| engine.diagnostics(&uri)));
                if let Ok(Some((version, diagnostics))) = computed {
                    let _ = publish.send(Publish {
                        uri,
                        version: Some(version),
                        diagnostics,
                    });
                }
            }
        }
    }
}

fn handle(engine: &mut Engine, msg: Msg, dirty: &mut Vec<Uri>, publish: &UnboundedSender<Publish>) {
    let touched = match msg {
        Msg::Open { uri, version, text } => engine.open(uri, version, text),
        Msg::Change { uri, version, changes } => {
            // With whole-document sync an older version can only arrive
            // out of order; applying it would undo newer text.
            if engine.version(&uri).is_some_and(|v| v > version) {
                return;
            }
            engine.change(&uri, version, changes)
        }
        Msg::Close { uri } => {
            let touched = engine.close(&uri);
            dirty.retain(|u| *u != uri);
            let _ = publish.send(Publish {
                uri,
                version: None,
                diagnostics: Vec::new(),
            });
            touched
        }
        Msg::Target(target) => engine.set_target(target),
        Msg::Run(job) => {
            job(engine);
            Vec::new()
        }
    };
    for uri in touched {
        if !dirty.contains(&uri) {
            dirty.push(uri);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_job_fails_alone_and_edits_still_apply_in_order() {
        let (publish, mut published) = tokio::sync::mpsc::unbounded_channel();
        let engine = Engine::new(|_| Err("no disk".into()));
        let actor = spawn(engine, publish).unwrap_or_else(|e| panic!("{e}"));
        let uri: Uri = "file:///t.flow".parse().unwrap_or_else(|_| panic!());
        let send = |msg| actor.send(msg).unwrap_or_else(|_| panic!("actor gone"));
        send(Msg::Open {
            uri: uri.clone(),
            version: 1,
            text: "flow f {\n  start a\n}\n".into(),
        });
        send(Msg::Run(Box::new(|_| panic!("a bug in a feature"))));
        for (version, text) in [(3, "third"), (2, "second (late)")] {
            send(Msg::Change {
                uri: uri.clone(),
                version,
                changes: vec![TextDocumentContentChangeEvent {
                    range: None,
                    range_length: None,
                    text: text.into(),
                }],
            });
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let asked = uri.clone();
        send(Msg::Run(Box::new(move |e| {
            let _ = tx.send((e.version(&asked), e.text(&asked).map(str::to_string)));
        })));
        let answer = rx.recv_timeout(std::time::Duration::from_secs(10)).ok();
        assert_eq!(
            answer,
            Some((Some(3), Some("third".to_string()))),
            "the late version 2 is dropped"
        );
        drop(actor);
        // Whatever was published, the last word is about version 3.
        let mut last = None;
        while let Ok(p) = published.try_recv() {
            last = p.version;
        }
        assert!(last.is_none() || last == Some(3), "{last:?}");
    }
}
