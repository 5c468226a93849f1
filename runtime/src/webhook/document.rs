//! Live documents: what the webhook host answers, built from the VM's
//! effects.
//!
//! The host resumes the VM with the event a callback reports, carries out
//! every non-blocking effect at once (acknowledging it with `Done`) by
//! putting it in the document as a [`Step`], and stops at the first effect
//! that waits for the caller or ends the call: that one becomes the
//! document's [`End`]. The document is built with [`Document::new`], so live
//! and static documents are cut the same way (prompts move into the input
//! action that follows them) and every target renders them alike.
//!
//! Texts are already resolved by the VM (interpolated, flow defaults applied),
//! so live documents never hold templates. Routes all lead back to the host
//! (see [`super::route`]).

use super::route::{self, Outcome};
use crate::vm::{DialOutcome, Effect, Event, HangupReason, HoldMusic as VmHoldMusic, Vm, VmError};
use callflow_compiler::span::Span;
use callflow_compiler::targets::model::{
    Answers, Collect, Conference, Dial, Document, End, EndKind, HoldMusic, Menu, MenuRoutes, Record, Route, Step,
    StepKind, Text,
};

/// Non-blocking effects one document may hold before the host calls the
/// flow a runaway. The checker refuses loops that never wait; this bounds
/// what unchecked bytecode could make the host send.
pub const MAX_STEPS_PER_DOCUMENT: usize = 1_000;

/// What the provider reports back after a document: what the VM waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wait {
    /// A menu: one key (the keys it lists; any other is `invalid`).
    Key {
        valid_keys: String,
    },
    /// A `collect`: digits, or speech when `speech`.
    Collect {
        speech: bool,
    },
    Record,
    Dial,
    /// The document ends the call or hands it over: only the end of the call
    /// can come back.
    Over,
}

impl Wait {
    /// For messages: `a key (menu)`, `the dial result` …
    pub fn describe(&self) -> &'static str {
        match self {
            Wait::Key { .. } => "a key (menu)",
            Wait::Collect { speech: true } => "digits or speech (collect)",
            Wait::Collect { speech: false } => "digits (collect)",
            Wait::Record => "a recording (record)",
            Wait::Dial => "the dial result",
            Wait::Over => "nothing: its last document ended the call",
        }
    }
}

/// One live document and what follows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Live {
    pub document: Document,
    pub wait: Wait,
    /// Why the VM hung up, when the document's end is its `Hangup`.
    pub hangup: Option<HangupReason>,
    /// Why the call stopped short (a VM fault, a runaway flow); the document
    /// then only hangs up.
    pub fault: Option<String>,
}

/// Resume `vm` with `event` and build the call's `number`th document from
/// what it does. `first`: the document answers the call's first callback.
///
/// `Err` only when the VM refuses `event` (it waits for something else);
/// nothing has changed then. A fault gives a hangup document with `fault`
/// set: the call is over.
pub fn next(vm: &mut Vm, event: Event, number: u32, first: bool) -> Result<Live, VmError> {
    let mut steps = Vec::new();
    let mut effect = vm.resume(event);
    if let Effect::Error(e @ VmError::UnexpectedEvent { .. }) = effect {
        return Err(e);
    }
    let fault = loop {
        let kind = match effect {
            Effect::Say {
                text,
                voice,
                language,
                repeat,
            } => StepKind::Say {
                text: Text::plain(text),
                voice,
                language,
                repeat,
            },
            Effect::Play { source, repeat } => StepKind::Play {
                url: Text::plain(source),
                repeat,
            },
            Effect::Pause { ms } => StepKind::Pause { ms },
            Effect::StartRecording => StepKind::StartRecording,
            Effect::StopRecording => StepKind::StopRecording,
            Effect::Error(e) => break format!("the VM stopped: {e}"),
            waits_or_ends => return Ok(finish(vm, steps, waits_or_ends, number, first)),
        };
        if steps.len() >= MAX_STEPS_PER_DOCUMENT {
            break format!("more than {MAX_STEPS_PER_DOCUMENT} prompts without waiting for the caller");
        }
        steps.push(Step {
            kind,
            span: Span::default(),
        });
        effect = vm.resume(Event::Done);
    };
    // A faulty call ends at once: what it said before the fault may be
    // half of a sentence the flow never meant to stand alone.
    let mut live = hangup(vm, number, first, HangupReason::Error);
    live.fault = Some(fault);
    Ok(live)
}

/// A document that only hangs up (the host ends the call itself).
pub fn hangup(vm: &Vm, number: u32, first: bool, reason: HangupReason) -> Live {
    finish(vm, Vec::new(), Effect::Hangup { reason }, number, first)
}

/// The document that ends with `effect` (one that waits or ends the call).
fn finish(vm: &Vm, steps: Vec<Step>, effect: Effect, number: u32, first: bool) -> Live {
    let id = route::document_id(vm.current_state().unwrap_or("call"), number);
    let to = |outcome: Outcome| Route::Entry(route::route(&id, outcome));
    let mut hangup = None;
    let (kind, wait) = match effect {
        Effect::GetKey { valid_keys, timeout_ms } => {
            let menu = Menu {
                prompt: Vec::new(),
                timeout_ms,
                // The VM counts the menu's retries and decides when they are
                // exhausted, so the provider listens once and reports back;
                // a replay is simply the next document.
                attempts: 1,
                retries: 0,
                // `Document::new` counts the lines it moves into the prompt.
                lead_in: 0,
                routes: MenuRoutes {
                    keys: valid_keys.chars().map(|k| (k, to(Outcome::Key(k)))).collect(),
                    timeout: to(Outcome::Timeout),
                    invalid: to(Outcome::Invalid),
                    exhausted: to(Outcome::Exhausted),
                },
            };
            (EndKind::Menu(menu), Wait::Key { valid_keys })
        }
        Effect::Collect {
            min_digits,
            max_digits,
            finish_key,
            timeout_ms,
            speech,
            speech_language,
        } => {
            let collect = Collect {
                prompt: Vec::new(),
                // The VM stores the input in the flow's variable; providers
                // only need a name for the field they report it in.
                var: "input".to_string(),
                min_digits,
                max_digits,
                finish_key,
                timeout_ms,
                speech: speech.then_some(speech_language),
                next: to(Outcome::Next),
                // Always reported: the VM knows whether the flow routes it.
                on_timeout: Some(to(Outcome::Timeout)),
            };
            (EndKind::Collect(collect), Wait::Collect { speech })
        }
        Effect::Record {
            max_ms,
            finish_key,
            timeout_ms,
            beep,
            trim_silence,
        } => {
            let record = Record {
                prompt: Vec::new(),
                var: None,
                max_ms,
                finish_key,
                timeout_ms,
                beep,
                trim_silence,
                next: to(Outcome::Next),
                on_timeout: Some(to(Outcome::Timeout)),
            };
            (EndKind::Record(record), Wait::Record)
        }
        Effect::Dial {
            targets,
            mode,
            caller_id,
            timeout_ms,
            max_duration_ms,
            record,
            send_digits,
            ringback,
        } => {
            let dial = Dial {
                targets: targets.into_iter().map(Text::plain).collect(),
                mode,
                caller_id: caller_id.map(Text::plain),
                timeout_ms,
                max_duration_ms,
                record,
                send_digits,
                ringback: ringback.map(Text::plain),
                // Whether an answered dial continues is the VM's to say (it
                // hangs up when the flow has no `on answered`), so the
                // answer is reported back like every other outcome.
                answered: Some(to(Outcome::Dial(DialOutcome::Answered))),
                busy: to(Outcome::Dial(DialOutcome::Busy)),
                no_answer: to(Outcome::Dial(DialOutcome::NoAnswer)),
                failed: to(Outcome::Dial(DialOutcome::Failed)),
            };
            (EndKind::Dial(dial), Wait::Dial)
        }
        Effect::Enqueue { queue, hold_music } => (
            EndKind::Enqueue {
                queue,
                hold_music: hold_music.map(music),
            },
            Wait::Over,
        ),
        Effect::Dequeue { queue, number } => (
            EndKind::Dequeue {
                queue,
                number: number.map(Text::plain),
            },
            Wait::Over,
        ),
        Effect::Park { intro, hold, max_ms } => (
            EndKind::Park {
                intro: intro.map(Text::plain),
                hold: hold.map(Text::plain),
                max_ms,
            },
            Wait::Over,
        ),
        Effect::Conference {
            room,
            hold_music,
            muted,
            beep,
            start_on_enter,
            end_on_exit,
            max_duration_ms,
        } => (
            EndKind::Conference(Conference {
                room: Text::plain(room),
                hold_music: hold_music.map(music),
                muted,
                beep,
                start_on_enter,
                end_on_exit,
                max_duration_ms,
            }),
            Wait::Over,
        ),
        Effect::Stream { url, max_duration_ms } => (
            EndKind::Stream {
                url: Text::plain(url),
                max_ms: max_duration_ms,
            },
            Wait::Over,
        ),
        Effect::Redirect { url } => (EndKind::Redirect { url: Text::plain(url) }, Wait::Over),
        Effect::Reject { reason } => (EndKind::Reject { reason }, Wait::Over),
        Effect::Hangup { reason } => {
            hangup = Some(reason);
            (EndKind::Hangup, Wait::Over)
        }
        // `next` handles these; should one arrive, the call ends cleanly.
        Effect::Say { .. }
        | Effect::Play { .. }
        | Effect::Pause { .. }
        | Effect::StartRecording
        | Effect::StopRecording
        | Effect::Error(_) => {
            hangup = Some(HangupReason::Error);
            (EndKind::Hangup, Wait::Over)
        }
    };
    let end = End {
        kind,
        span: Span::default(),
    };
    let answers = Answers { first, later: !first };
    Live {
        document: Document::new(id, steps, end, answers),
        wait,
        hangup,
        fault: None,
    }
}

fn music(music: VmHoldMusic) -> HoldMusic {
    match music {
        VmHoldMusic::Builtin(name) => HoldMusic::Builtin(name),
        VmHoldMusic::Audio(location) => HoldMusic::Url(Text::plain(location)),
    }
}

#[cfg(test)]
mod tests;
