//! 8x8 callflow JSON, current IVR generation: `{"clientActionId", "callflow":
//! [{"action", "params"}]}` with `say`, `sayAndCapture`, `playFile`,
//! `makeCall` and `hangup` (providers.md §1.2, 8x8-af
//! call-action-handling-ivr.md).
//!
//! 8x8 posts every Voice Call Action callback to the one URL configured for
//! the sub-account and echoes the `clientActionId` of the previous answer, so
//! the document id goes there: it is how the server knows which document's
//! outcome a callback reports.
//!
//! Only checked documents are rendered faithfully: a step or end that
//! `check` refuses (E0501) has no 8x8 action, so it is left out, and an end
//! without one becomes `hangup` so that the call never hangs in silence.

use super::voices;
use crate::targets::Urls;
use crate::targets::model::{Collect, Dial, Document, EndKind, Menu, Step, StepKind, Text, TextPart};
use serde::Serialize;

/// 8x8's `maxDigits` when none is given, made explicit where 8x8 needs it.
pub(super) const DEFAULT_MAX_DIGITS: u32 = 25;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Response<'a> {
    client_action_id: &'a str,
    callflow: Vec<Action>,
}

#[derive(Serialize)]
#[serde(tag = "action", content = "params", rename_all = "camelCase")]
enum Action {
    Say(SayParams),
    PlayFile(PlayParams),
    SayAndCapture(CaptureParams),
    MakeCall(MakeCallParams),
    Hangup,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SayParams {
    text: String,
    voice_profile: String,
    repetition: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlayParams {
    file_url: String,
    repetition: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CaptureParams {
    prompt_message: String,
    voice_profile: String,
    complete_on_hash: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_digits: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_digits: Option<u32>,
    overall_timeout: u64,
    no_of_tries: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MakeCallParams {
    source: String,
    destination: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    call_recording: bool,
}

pub fn render(doc: &Document, _urls: &Urls) -> String {
    let mut callflow: Vec<Action> = doc.steps.iter().filter_map(step).collect();
    match &doc.end.kind {
        EndKind::Menu(m) => {
            // `noOfTries` replays `promptMessage`: lines that led into the
            // menu (a greeting) play once, before it.
            let (once, replayed) = menu_prompt(m);
            callflow.extend(once.iter().filter_map(step));
            capture(&mut callflow, replayed, menu_params(m))
        }
        EndKind::Collect(c) => capture(&mut callflow, &c.prompt, collect_params(c)),
        EndKind::Dial(d) => callflow.push(make_call(d)),
        _ => callflow.push(Action::Hangup),
    }
    let response = Response {
        client_action_id: &doc.id,
        callflow,
    };
    serde_json::to_string_pretty(&response).unwrap_or_default()
}

/// A non-blocking step as an action; steps 8x8 has no action for are
/// refused by `check`.
fn step(step: &Step) -> Option<Action> {
    match &step.kind {
        StepKind::Say {
            text,
            voice,
            language,
            repeat,
        } => Some(Action::Say(SayParams {
            text: text.render(),
            voice_profile: profile(voice.as_ref(), language.as_deref()),
            repetition: *repeat,
        })),
        StepKind::Play { url, repeat } => Some(Action::PlayFile(PlayParams {
            file_url: url.render(),
            repetition: *repeat,
        })),
        StepKind::Pause { .. } | StepKind::StartRecording | StepKind::StopRecording => None,
    }
}

fn profile(voice: Option<&crate::ast::Voice>, language: Option<&str>) -> String {
    voices::profile(voice, language).unwrap_or_else(|_| "generic-en-female".to_string())
}

/// The parts of an input's prompt: `sayAndCapture` speaks one text in one
/// voice, so it carries the trailing `say` lines that share a voice profile
/// (`spoken`); whatever comes before them (`lead`) is played as actions of
/// its own just before it. 8x8 replays only `spoken` on its retries.
pub(super) struct Prompt<'a> {
    pub lead: &'a [Step],
    pub spoken: &'a [Step],
}

pub(super) fn split_prompt(prompt: &[Step]) -> Prompt<'_> {
    let profile_of = |s: &Step| match &s.kind {
        StepKind::Say { voice, language, .. } => Some(voices::profile(voice.as_ref(), language.as_deref()).ok()),
        _ => None,
    };
    let last = prompt.last().and_then(profile_of);
    let start = match last {
        None => prompt.len(),
        Some(voice) => prompt
            .iter()
            .rposition(|s| profile_of(s).as_ref() != Some(&voice))
            .map_or(0, |i| i + 1),
    };
    let (lead, spoken) = prompt.split_at(start);
    Prompt { lead, spoken }
}

/// The spoken prompt as one text: the lines in order, each as often as it
/// repeats, separated by a space. Built as one [`Text`] so that a template's
/// braces are escaped the same way throughout.
pub(super) fn prompt_text(spoken: &[Step]) -> Text {
    let mut parts = Vec::new();
    for s in spoken {
        if let StepKind::Say { text, repeat, .. } = &s.kind {
            for _ in 0..*repeat {
                if !parts.is_empty() {
                    parts.push(TextPart::Lit(" ".to_string()));
                }
                parts.extend(text.parts.iter().cloned());
            }
        }
    }
    Text { parts }
}

/// Everything `sayAndCapture` needs besides its prompt.
struct Capture {
    complete_on_hash: bool,
    min_digits: Option<u32>,
    max_digits: Option<u32>,
    overall_timeout: u64,
    no_of_tries: u32,
}

/// A menu's prompt split into what plays once and what 8x8 replays on
/// every try.
pub(super) fn menu_prompt(m: &Menu) -> (&[Step], &[Step]) {
    let once = if m.attempts > 1 {
        m.lead_in.min(m.prompt.len())
    } else {
        0
    };
    m.prompt.split_at(once)
}

/// A menu waits for one key. `completeOnHash` is off so that `#` can be an
/// option; every key comes back to the server, which routes invalid ones.
fn menu_params(m: &Menu) -> Capture {
    Capture {
        complete_on_hash: false,
        min_digits: Some(1),
        max_digits: Some(1),
        overall_timeout: m.timeout_ms,
        no_of_tries: m.attempts.max(1),
    }
}

/// A collect: `#` as the finish key is `completeOnHash`. Without it 8x8
/// needs `maxDigits`, so its default 25 is written out. One try only: a
/// timeout continues the flow, it does not replay the prompt.
fn collect_params(c: &Collect) -> Capture {
    let complete_on_hash = c.finish_key.as_deref() == Some("#");
    let max_digits = match c.max_digits {
        Some(max) => Some(max),
        None if !complete_on_hash || c.min_digits.is_some() => Some(DEFAULT_MAX_DIGITS),
        None => None,
    };
    Capture {
        complete_on_hash,
        min_digits: c.min_digits,
        max_digits,
        // `overallTimeout` is the time allowed to enter all digits, which is
        // what the flow's one timeout means; so no `digitTimeout`.
        overall_timeout: c.timeout_ms,
        no_of_tries: 1,
    }
}

fn capture(callflow: &mut Vec<Action>, prompt: &[Step], capture: Capture) {
    let Prompt { lead, spoken } = split_prompt(prompt);
    callflow.extend(lead.iter().filter_map(step));
    let voice_profile = match spoken.first().map(|s| &s.kind) {
        Some(StepKind::Say { voice, language, .. }) => profile(voice.as_ref(), language.as_deref()),
        _ => profile(None, None),
    };
    callflow.push(Action::SayAndCapture(CaptureParams {
        prompt_message: prompt_text(spoken).render(),
        voice_profile,
        complete_on_hash: capture.complete_on_hash,
        min_digits: capture.min_digits,
        max_digits: capture.max_digits,
        overall_timeout: capture.overall_timeout,
        no_of_tries: capture.no_of_tries,
    }));
}

/// `makeCall` bridges to one number; `check` refuses what it cannot carry.
fn make_call(d: &Dial) -> Action {
    Action::MakeCall(MakeCallParams {
        source: d.caller_id.as_ref().map(Text::render).unwrap_or_default(),
        destination: d.targets.first().map(Text::render).unwrap_or_default(),
        call_recording: d.record,
    })
}
