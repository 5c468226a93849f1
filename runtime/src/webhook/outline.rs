//! A provider-neutral view of a document as JSON: what `Render::Outline`
//! answers with, so that tests see exactly what the host decided, whatever
//! the renderers do.

use callflow_compiler::ast::{DialMode, RejectReason, Voice};
use callflow_compiler::targets::model::{Document, EndKind, HoldMusic, Route, Step, StepKind};
use serde_json::{Map, Value, json};

pub fn outline(doc: &Document) -> Value {
    json!({
        "id": doc.id,
        "first": doc.answers.first,
        "steps": doc.steps.iter().map(step).collect::<Vec<_>>(),
        "end": end(&doc.end.kind),
    })
}

fn step(step: &Step) -> Value {
    match &step.kind {
        StepKind::Say {
            text,
            voice,
            language,
            repeat,
        } => {
            let mut out = json!({"say": text.render()});
            if let Some(voice) = voice {
                out["voice"] = json!(match voice {
                    Voice::Male => "male",
                    Voice::Female => "female",
                    Voice::Named(name) => name.as_str(),
                });
            }
            if let Some(language) = language {
                out["language"] = json!(language);
            }
            if *repeat != 1 {
                out["repeat"] = json!(repeat);
            }
            out
        }
        StepKind::Play { url, repeat } if *repeat != 1 => json!({"play": url.render(), "repeat": repeat}),
        StepKind::Play { url, .. } => json!({"play": url.render()}),
        StepKind::Pause { ms } => json!({"pause_ms": ms}),
        StepKind::StartRecording => json!("start_recording"),
        StepKind::StopRecording => json!("stop_recording"),
    }
}

fn end(kind: &EndKind) -> Value {
    let mut out = Map::new();
    let mut put = |key: &str, value: Value| {
        if !value.is_null() {
            out.insert(key.to_string(), value);
        }
    };
    put("action", json!(kind.name()));
    match kind {
        EndKind::Menu(m) => {
            put("prompt", prompt(&m.prompt));
            put("keys", json!(m.routes.keys.iter().map(|(k, _)| *k).collect::<String>()));
            put("timeout_ms", json!(m.timeout_ms));
            put("attempts", json!(m.attempts));
        }
        EndKind::Collect(c) => {
            put("prompt", prompt(&c.prompt));
            put("min_digits", json!(c.min_digits));
            put("max_digits", json!(c.max_digits));
            put("finish_key", json!(c.finish_key));
            put("timeout_ms", json!(c.timeout_ms));
            if let Some(language) = &c.speech {
                put("speech", json!(language.as_deref().unwrap_or("default")));
            }
        }
        EndKind::Record(r) => {
            put("prompt", prompt(&r.prompt));
            put("max_ms", json!(r.max_ms));
            put("finish_key", json!(r.finish_key));
            put("timeout_ms", json!(r.timeout_ms));
            put("beep", json!(r.beep));
            put("trim_silence", json!(r.trim_silence));
        }
        EndKind::Dial(d) => {
            put(
                "targets",
                json!(d.targets.iter().map(|t| t.render()).collect::<Vec<_>>()),
            );
            put(
                "mode",
                json!(d.mode.map(|m| match m {
                    DialMode::Sequential => "sequential",
                    DialMode::Simultaneous => "simultaneous",
                })),
            );
            put("caller_id", json!(d.caller_id.as_ref().map(|t| t.render())));
            put("timeout_ms", json!(d.timeout_ms));
            put("max_duration_ms", json!(d.max_duration_ms));
            put("record", json!(d.record));
            put("send_digits", json!(d.send_digits));
            put("ringback", json!(d.ringback.as_ref().map(|t| t.render())));
        }
        EndKind::Enqueue { queue, hold_music } => {
            put("queue", json!(queue));
            put("hold_music", json!(hold_music.as_ref().map(music)));
        }
        EndKind::Dequeue { queue, number } => {
            put("queue", json!(queue));
            put("number", json!(number.as_ref().map(|t| t.render())));
        }
        EndKind::Park { intro, hold, max_ms } => {
            put("intro", json!(intro.as_ref().map(|t| t.render())));
            put("hold", json!(hold.as_ref().map(|t| t.render())));
            put("max_ms", json!(max_ms));
        }
        EndKind::Conference(c) => {
            put("room", json!(c.room.render()));
            put("hold_music", json!(c.hold_music.as_ref().map(music)));
            put("muted", json!(c.muted));
            put("beep", json!(c.beep));
            put("start_on_enter", json!(c.start_on_enter));
            put("end_on_exit", json!(c.end_on_exit));
            put("max_duration_ms", json!(c.max_duration_ms));
        }
        EndKind::Stream { url, max_ms } => {
            put("url", json!(url.render()));
            put("max_ms", json!(max_ms));
        }
        EndKind::Redirect { url } => put("url", json!(url.render())),
        EndKind::Reject { reason } => put(
            "reason",
            json!(reason.map(|r| match r {
                RejectReason::Busy => "busy",
                RejectReason::Rejected => "rejected",
            })),
        ),
        EndKind::Hangup => {}
    }
    let routes: Map<String, Value> = kind
        .routes()
        .into_iter()
        .map(|(outcome, route)| {
            let to = match route {
                Route::Entry(id) => json!(id),
                Route::Hangup => json!("hangup"),
            };
            (outcome, to)
        })
        .collect();
    if !routes.is_empty() {
        out.insert("routes".to_string(), Value::Object(routes));
    }
    Value::Object(out)
}

fn prompt(steps: &[Step]) -> Value {
    if steps.is_empty() {
        Value::Null
    } else {
        Value::Array(steps.iter().map(step).collect())
    }
}

fn music(music: &HoldMusic) -> Value {
    match music {
        HoldMusic::Builtin(name) => json!({"builtin": name}),
        HoldMusic::Url(url) => json!({"url": url.render()}),
    }
}
