//! Render one document as Tropo WebAPI JSON: `{"tropo": [verbs…]}`.
//!
//! The document's steps become verbs, its end becomes the verb that waits or
//! hands over, followed by the `on` handlers its outcomes need. Handlers are
//! scoped to one document (providers.md §1.3), so each document declares its
//! own; `continue` fires when the verbs have run, `incomplete` when an `ask`,
//! `record` or `transfer` did not complete. Every handler posts to the
//! document's callback, and the server picks the route from the `result`.
//!
//! The renderer trusts a checked document: what `check` refuses on this
//! target (queues, park, stream …) is left out rather than approximated.

use super::super::Urls;
use super::super::model::{Collect, Conference, Dial, Document, EndKind, Menu, Record, Step, StepKind};
use super::dial::{post_dial, to_uri};
use super::{call_recording_url, recording_url};
use crate::ast::Voice;
use serde_json::{Map, Value, json};

/// Collects that give no digit count accept up to the language's maximum.
const MAX_DIGITS: u32 = 32;

/// The document as Tropo expects it in the answer to a request.
pub fn render(doc: &Document, urls: &Urls) -> String {
    let callback = urls.callback(&doc.id);
    let mut verbs = Vec::new();
    for step in &doc.steps {
        self::step(step, &call_recording_url(urls, &doc.id), &mut verbs);
    }
    match &doc.end.kind {
        EndKind::Menu(m) => {
            // Tropo replays the `ask` prompt on every attempt; lines that came
            // before the menu are said once, before it (no barge-in on them).
            let lead_in = said_once(m);
            for s in &m.prompt[..lead_in] {
                self::step(s, &call_recording_url(urls, &doc.id), &mut verbs);
            }
            verbs.push(json!({"ask": menu(m, &m.prompt[lead_in..])}));
            handlers(&mut verbs, &["continue", "incomplete"], &callback);
        }
        EndKind::Collect(c) => {
            verbs.push(json!({"ask": collect(c)}));
            handlers(&mut verbs, &["continue", "incomplete"], &callback);
        }
        EndKind::Record(r) => {
            verbs.push(json!({"record": record(r, &recording_url(urls, &doc.id))}));
            handlers(&mut verbs, &["continue", "incomplete"], &callback);
        }
        EndKind::Dial(d) => {
            verbs.push(json!({"transfer": transfer(d)}));
            if d.answered.is_some() {
                handlers(&mut verbs, &["continue"], &callback);
            } else {
                // The flow ends with the bridged call.
                verbs.push(json!({"hangup": null}));
            }
            // Declared even when every failure hangs up: without them a
            // failed transfer would fall through to `continue`.
            handlers(&mut verbs, &["incomplete", "error"], &callback);
        }
        EndKind::Conference(c) => verbs.push(json!({"conference": conference(c)})),
        EndKind::Redirect { url } => {
            // `continue` fires when a verb has run; a document with nothing
            // else to run gets a 1 ms `wait` so that it fires at once.
            if doc.steps.is_empty() {
                verbs.push(json!({"wait": {"milliseconds": 1}}));
            }
            handlers(&mut verbs, &["continue"], &url.render());
        }
        EndKind::Reject { .. } => verbs.push(json!({"reject": null})),
        EndKind::Hangup => verbs.push(json!({"hangup": null})),
        // Refused by `check` (no queues, park or streaming on Tropo).
        EndKind::Enqueue { .. } | EndKind::Dequeue { .. } | EndKind::Park { .. } | EndKind::Stream { .. } => {}
    }
    let mut out = serde_json::to_string_pretty(&json!({ "tropo": verbs })).unwrap_or_default();
    out.push('\n');
    out
}

fn step(step: &Step, call_recording: &str, verbs: &mut Vec<Value>) {
    match &step.kind {
        StepKind::Say {
            text, voice, repeat, ..
        } => {
            let mut say = Map::new();
            // The newer WebAPI pages mark `name` as required on `say`.
            say.insert("name".into(), json!("say"));
            say.insert("value".into(), json!(text.render()));
            if let Some(name) = voice_name(voice.as_ref()) {
                say.insert("voice".into(), json!(name));
            }
            for _ in 0..*repeat {
                verbs.push(json!({"say": say.clone()}));
            }
        }
        StepKind::Play { url, repeat } => {
            for _ in 0..*repeat {
                verbs.push(json!({"say": {"name": "play", "value": url.render()}}));
            }
        }
        StepKind::Pause { ms } => verbs.push(json!({"wait": {"milliseconds": ms}})),
        StepKind::StartRecording => verbs.push(json!({"startRecording": {"url": call_recording}})),
        StepKind::StopRecording => verbs.push(json!({"stopRecording": null})),
    }
}

/// Tropo picks voices by name; `male`/`female` are checked in `limits`
/// (female, or none, is Tropo's default voice).
pub(super) fn voice_name(voice: Option<&Voice>) -> Option<&str> {
    match voice {
        Some(Voice::Named(name)) => Some(name),
        _ => None,
    }
}

/// The prompt of an input verb: its `say` items and the one voice they use.
fn prompt(prompt: &[Step], verb: &mut Map<String, Value>) {
    let mut items = Vec::new();
    let mut voice = None;
    for step in prompt {
        match &step.kind {
            StepKind::Say {
                text, voice: v, repeat, ..
            } => {
                voice = voice.or(voice_name(v.as_ref()));
                items.extend((0..*repeat).map(|_| json!({"value": text.render()})));
            }
            StepKind::Play { url, repeat } => {
                items.extend((0..*repeat).map(|_| json!({"value": url.render()})));
            }
            // A prompt item is spoken text or audio: silence is SSML.
            StepKind::Pause { ms } => items.push(json!({"value": format!("<speak><break time=\"{ms}ms\"/></speak>")})),
            StepKind::StartRecording | StepKind::StopRecording => {}
        }
    }
    if !items.is_empty() {
        verb.insert("say".into(), Value::Array(items));
    }
    if let Some(voice) = voice {
        verb.insert("voice".into(), json!(voice));
    }
}

/// How many steps of a menu's prompt go before its `ask` rather than in it.
pub(super) fn said_once(m: &Menu) -> usize {
    if m.attempts > 1 {
        m.lead_in.min(m.prompt.len())
    } else {
        0
    }
}

/// The `ask` of a menu, with the part of its prompt that every attempt plays.
fn menu(m: &Menu, replayed: &[Step]) -> Value {
    let keys: Vec<String> = m.routes.keys.iter().map(|(k, _)| k.to_string()).collect();
    let mut ask = Map::new();
    ask.insert("name".into(), json!("menu"));
    prompt(replayed, &mut ask);
    // Only the listed keys match, so another key is a `nomatch` that Tropo
    // retries itself when `attempts` > 1 (the cut sets it only when both
    // timeout and invalid replay the menu).
    ask.insert("choices".into(), json!({"value": keys.join(","), "mode": "dtmf"}));
    ask.insert("attempts".into(), json!(m.attempts));
    ask.insert("timeout".into(), json!(seconds(m.timeout_ms)));
    ask.insert("bargein".into(), json!(true));
    Value::Object(ask)
}

fn collect(c: &Collect) -> Value {
    let grammar = match (c.min_digits, c.max_digits) {
        (Some(min), Some(max)) if min == max => format!("[{max} DIGITS]"),
        (min, max) => format!("[{}-{} DIGITS]", min.unwrap_or(1), max.unwrap_or(MAX_DIGITS)),
    };
    let mut choices = Map::new();
    choices.insert("value".into(), json!(grammar));
    choices.insert("mode".into(), json!(if c.speech.is_some() { "any" } else { "dtmf" }));
    if let Some(key) = &c.finish_key {
        choices.insert("terminator".into(), json!(key));
    }
    let mut ask = Map::new();
    ask.insert("name".into(), json!(c.var));
    prompt(&c.prompt, &mut ask);
    ask.insert("choices".into(), Value::Object(choices));
    ask.insert("attempts".into(), json!(1));
    ask.insert("timeout".into(), json!(seconds(c.timeout_ms)));
    ask.insert("bargein".into(), json!(true));
    if let Some(Some(language)) = &c.speech {
        ask.insert("recognizer".into(), json!(language.to_ascii_lowercase()));
    }
    Value::Object(ask)
}

fn record(r: &Record, upload: &str) -> Value {
    let mut record = Map::new();
    record.insert("name".into(), json!(r.var.as_deref().unwrap_or("recording")));
    record.insert("url".into(), json!(upload));
    prompt(&r.prompt, &mut record);
    // Tropo beeps unless told not to; the flow beeps only when it says so.
    record.insert("beep".into(), json!(r.beep));
    if let Some(max) = r.max_ms {
        record.insert("maxTime".into(), json!(seconds(max)));
    }
    if let Some(silence) = r.timeout_ms {
        record.insert("maxSilence".into(), json!(seconds(silence)));
    }
    if let Some(key) = &r.finish_key {
        record.insert("choices".into(), json!({"terminator": key}));
    }
    Value::Object(record)
}

fn transfer(d: &Dial) -> Value {
    // An odd half-second wait is refused by `check` (E0502).
    let options = d.send_digits.as_deref().and_then(post_dial).unwrap_or_default();
    let to: Vec<String> = d.targets.iter().map(|t| to_uri(t, &options)).collect();
    let mut transfer = Map::new();
    transfer.insert("name".into(), json!("dial"));
    transfer.insert(
        "to".into(),
        match to.as_slice() {
            [one] => json!(one),
            _ => json!(to),
        },
    );
    if let Some(caller_id) = &d.caller_id {
        transfer.insert("from".into(), json!(caller_id.render()));
    }
    if let Some(timeout) = d.timeout_ms {
        transfer.insert("timeout".into(), json!(seconds(timeout)));
    }
    if let Some(ringback) = &d.ringback {
        transfer.insert(
            "on".into(),
            json!({"event": "ring", "say": {"value": ringback.render()}}),
        );
    }
    Value::Object(transfer)
}

fn conference(c: &Conference) -> Value {
    json!({"name": "conference", "id": c.room.render(), "mute": c.muted})
}

/// `{"on": {"event": …, "next": …}}` for each event.
fn handlers(verbs: &mut Vec<Value>, events: &[&str], next: &str) {
    for event in events {
        verbs.push(json!({"on": {"event": event, "next": next}}));
    }
}

/// Tropo's durations are seconds, as floats.
fn seconds(ms: u64) -> f64 {
    ms as f64 / 1000.0
}
