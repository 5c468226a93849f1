//! What Tropo WebAPI documents allow, checked on the bundle with spans on the
//! source (providers.md §1.3). Actions Tropo lacks entirely are E0501 from
//! the capability table; this file checks voices, the options of the actions
//! it has, and where `reject` may stand.
//!
//! The flow's `redirect "URL"` is lowered to `on continue` with `next`, which
//! works at any point of a call, so Tropo's own `redirect` (a SIP deflection
//! of an unanswered call) and its placement rule never come into play.

use super::super::codes::{OUT_OF_PROVIDER_RANGE, UNSUPPORTED_ACTION, UNSUPPORTED_VOICE};
use super::super::model::{Bundle, Conference, Dial, Document, EndKind, Step, StepKind, Text};
use super::super::{all_steps, text_rules};
use super::dial::post_dial;
use super::render::{said_once, voice_name};
use crate::ast::{DialMode, RejectReason, Voice};
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::targets::{TargetKind, rules};

const TROPO: &str = "Tropo";

pub fn check(bundle: &Bundle, diags: &mut Vec<Diagnostic>) {
    for doc in &bundle.documents {
        for step in all_steps(doc) {
            match &step.kind {
                StepKind::Say { voice, language, .. } => say(voice.as_ref(), language.as_deref(), step.span, diags),
                StepKind::Play { url, .. } => audio_url(url, "play", step.span, diags),
                _ => {}
            }
        }
        let span = doc.end.span;
        match &doc.end.kind {
            EndKind::Menu(m) => one_voice(&m.prompt[said_once(m)..], "ask", span, diags),
            EndKind::Collect(c) => one_voice(&c.prompt, "ask", span, diags),
            EndKind::Record(r) => {
                one_voice(&r.prompt, "record", span, diags);
                if r.trim_silence {
                    diags.push(option(
                        span,
                        "trim_silence",
                        "record",
                        "its `record` does not trim silence",
                        "remove `trim_silence` to build for Tropo",
                    ));
                }
            }
            EndKind::Dial(d) => dial(d, span, diags),
            EndKind::Conference(c) => conference(c, span, diags),
            EndKind::Reject { reason } => reject(doc, *reason, diags),
            _ => {}
        }
    }
}

/// Tropo chooses voices by name; without one it speaks with its default
/// voice, `allison`, a female US English voice (tropo.com `say` reference).
fn say(voice: Option<&Voice>, language: Option<&str>, span: Span, diags: &mut Vec<Diagnostic>) {
    match voice {
        Some(Voice::Named(_)) => {}
        Some(Voice::Male) => diags.push(
            Diagnostic::new(
                &UNSUPPORTED_VOICE,
                format!("{TROPO} chooses voices by name and has no `voice male`"),
            )
            .primary(span, "spoken with `voice male`")
            .help("name a male Tropo voice (`voice \"…\"`); without a name Tropo speaks with its default female voice")
            .note("the voice is the `say` line's own, else its flow's `voice` setting"),
        ),
        Some(Voice::Female) | None => {
            if let Some(language) = language
                && !text_rules::is_english(language)
            {
                diags.push(
                    Diagnostic::new(
                        &UNSUPPORTED_VOICE,
                        format!("{TROPO}'s default voice speaks English, not `{language}`"),
                    )
                    .primary(span, format!("spoken in `{language}` without a voice name"))
                    .help(format!(
                        "name a Tropo voice that speaks `{language}` (`voice \"…\"`), or `play` a recording"
                    ))
                    .note("the language is the `say` line's own, else its flow's `language` setting"),
                );
            }
        }
    }
}

/// `ask` and `record` have one `voice` for their whole prompt.
fn one_voice(prompt: &[Step], verb: &str, span: Span, diags: &mut Vec<Diagnostic>) {
    let voices: Vec<(Option<&str>, Span)> = prompt
        .iter()
        .filter_map(|s| match &s.kind {
            StepKind::Say { voice, .. } => Some((voice_name(voice.as_ref()), s.span)),
            _ => None,
        })
        .collect();
    let Some((first, first_span)) = voices.first().copied() else {
        return;
    };
    if let Some((other, other_span)) = voices.iter().copied().find(|(v, _)| *v != first) {
        let name = |v: Option<&str>| v.map_or("the default voice".to_string(), |v| format!("`{v}`"));
        diags.push(
            Diagnostic::new(
                &UNSUPPORTED_ACTION,
                format!("{TROPO}'s `{verb}` speaks its whole prompt in one voice"),
            )
            .primary(other_span, format!("spoken with {}", name(other)))
            .secondary(first_span, format!("spoken with {}", name(first)))
            .secondary(span, "the prompt of this input")
            .help("use one voice for every line of the prompt"),
        );
    }
}

fn dial(d: &Dial, span: Span, diags: &mut Vec<Diagnostic>) {
    if d.mode == Some(DialMode::Sequential) && d.targets.len() > 1 {
        diags.push(option(
            span,
            "sequential",
            "dial",
            "its `transfer` rings every number at once",
            "remove `sequential` (the first to answer wins), or dial the numbers one by one in separate steps",
        ));
    }
    if d.max_duration_ms.is_some() {
        diags.push(option(
            span,
            "max_duration",
            "dial",
            "its `transfer` has no time limit (a session lasts at most 2 hours)",
            "remove `max_duration` to build for Tropo",
        ));
    }
    if d.record {
        diags.push(option(
            span,
            "record",
            "dial",
            "its `transfer` does not record",
            "put `start_recording` before the `dial` to record the call",
        ));
    }
    if !(d.busy == d.no_answer && d.no_answer == d.failed) {
        diags.push(
            Diagnostic::new(
                &UNSUPPORTED_ACTION,
                format!("{TROPO} reports every unanswered `transfer` alike (`incomplete`)"),
            )
            .primary(span, "`busy`, `no_answer` and `failed` lead to different places")
            .help("route `busy`, `no_answer` and `failed` to the same state on this target"),
        );
    }
    if let Some(keys) = &d.send_digits
        && post_dial(keys).is_none()
    {
        diags.push(
            Diagnostic::new(
                &OUT_OF_PROVIDER_RANGE,
                format!("{TROPO} waits between post-dial keys in whole seconds, so `send_digits \"{keys}\"` cannot be sent"),
            )
            .primary(span, "a single `w` (half a second) between keys")
            .help("write waits between keys as pairs (`ww` is Tropo's `p`, one second); waits before the first key may be any length"),
        );
    }
    if let Some(ringback) = &d.ringback {
        audio_url(ringback, "ringback", span, diags);
    }
}

fn conference(c: &Conference, span: Span, diags: &mut Vec<Diagnostic>) {
    let options = [
        (c.hold_music.is_some(), "hold_music", "it has no music on hold"),
        (c.beep, "beep", "it has no join or leave tone"),
        (
            c.start_on_enter,
            "start_on_enter",
            "a conference starts with its first caller",
        ),
        (
            c.end_on_exit,
            "end_on_exit",
            "a conference goes on until its last caller leaves",
        ),
        (
            c.max_duration_ms.is_some(),
            "max_duration",
            "its `conference` has no time limit",
        ),
    ];
    for (given, name, why) in options {
        if given {
            diags.push(option(
                span,
                name,
                "conference",
                why,
                &format!("remove `{name}` to build for Tropo"),
            ));
        }
    }
}

/// Tropo's `reject` refuses an incoming call, so it must be the first thing
/// the call meets: in the answer to the first request, with nothing before it.
fn reject(doc: &Document, reason: Option<RejectReason>, diags: &mut Vec<Diagnostic>) {
    rules::reject_refuses_the_incoming_call(TargetKind::Tropo, "reject", doc, reason, diags);
}

/// E0501 for an option of an action that the target cannot honour.
fn option(span: Span, option: &str, action: &str, why: &str, help: &str) -> Diagnostic {
    rules::unsupported_option(TargetKind::Tropo, span, option, action, why, help)
}

/// Tropo's `say` plays a URL and speaks anything else: a file path would be
/// read out.
fn audio_url(url: &Text, what: &str, span: Span, diags: &mut Vec<Diagnostic>) {
    if let Some(path) = text_rules::not_http_url(url) {
        diags.push(
            Diagnostic::new(
                &OUT_OF_PROVIDER_RANGE,
                format!("{TROPO} plays audio from http(s) URLs only, not `{path}`"),
            )
            .primary(span, format!("`{what}` is not an http(s) URL"))
            .help("give the file's full `https://` URL"),
        );
    }
}
