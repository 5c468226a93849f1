//! 8x8's documented limits, checked on the bundle with the span of the
//! statement that breaks them (providers.md §1.2; 8x8-af
//! call-action-handling-ivr.md; developer.8x8.com/connect/reference/say and
//! …/call-flow-actions-sayandcapture).
//!
//! Limits that hold by construction, so that no check is needed:
//! - `digitTimeout` < `overallTimeout`: the renderer never writes
//!   `digitTimeout` (a flow has one input timeout, which is `overallTimeout`).
//! - no `hangup` right after `sayAndCapture`: `sayAndCapture` is always the
//!   last action of its document; what follows is the answer to the next
//!   callback.
//! - `speed` 0.5–2.0: the language has no speech speed, so none is written.

use super::render::{DEFAULT_MAX_DIGITS, menu_prompt, split_prompt};
use super::voices;
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::targets::all_steps;
use crate::targets::codes::{OUT_OF_PROVIDER_RANGE, UNSUPPORTED_ACTION, UNSUPPORTED_VOICE};
use crate::targets::model::{Bundle, Collect, Dial, Document, EndKind, Step, StepKind, Text, TextPart};

/// `repetition` of `say` and `playFile`: at most 3.
pub const MAX_REPETITION: u32 = 3;
/// `minDigits` of `sayAndCapture`: 1 to 20.
pub const MAX_MIN_DIGITS: u32 = 20;

pub fn check(bundle: &Bundle, diags: &mut Vec<Diagnostic>) {
    for doc in &bundle.documents {
        for step in all_steps(doc) {
            check_step(step, diags);
        }
        check_end(doc, diags);
    }
}

fn check_step(step: &Step, diags: &mut Vec<Diagnostic>) {
    match &step.kind {
        StepKind::Say {
            voice,
            language,
            repeat,
            ..
        } => {
            repetition("say", *repeat, step.span, diags);
            if let Err(e) = voices::profile(voice.as_ref(), language.as_deref()) {
                diags.push(
                    Diagnostic::new(&UNSUPPORTED_VOICE, e.message)
                        .primary(step.span, e.label)
                        .help(e.help),
                );
            }
        }
        StepKind::Play { url, repeat } => {
            repetition("play", *repeat, step.span, diags);
            audio_format(url, step.span, diags);
        }
        // No 8x8 action: E0501 from the capability table.
        StepKind::Pause { .. } | StepKind::StartRecording | StepKind::StopRecording => {}
    }
}

fn repetition(what: &str, repeat: u32, span: Span, diags: &mut Vec<Diagnostic>) {
    if repeat > MAX_REPETITION {
        diags.push(
            Diagnostic::new(
                &OUT_OF_PROVIDER_RANGE,
                format!("8x8 repeats a `{what}` at most {MAX_REPETITION} times, not {repeat}"),
            )
            .primary(
                span,
                format!("`repeat {repeat}`: 8x8's `repetition` is 1 to {MAX_REPETITION}"),
            )
            .help(format!(
                "use `repeat {MAX_REPETITION}` or less, or write the `{what}` line twice"
            )),
        );
    }
}

/// `playFile` plays `.wav` and `.mp3` files. Only a written-out location can
/// be checked; an interpolated one is the server's to check.
fn audio_format(url: &Text, span: Span, diags: &mut Vec<Diagnostic>) {
    if url.is_template() {
        return;
    }
    let location = url.render();
    let path = location
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if path.ends_with(".wav") || path.ends_with(".mp3") {
        return;
    }
    diags.push(
        Diagnostic::new(&OUT_OF_PROVIDER_RANGE, "8x8 plays `.wav` and `.mp3` files only")
            .primary(span, "not a `.wav` or `.mp3` file")
            .help("convert the audio to MP3 or WAV (under 5 MB); 8x8's `playFile` takes no other format"),
    );
}

fn check_end(doc: &Document, diags: &mut Vec<Diagnostic>) {
    let span = doc.end.span;
    match &doc.end.kind {
        EndKind::Menu(m) => spoken_prompt(doc, menu_prompt(m).1, "menu", diags),
        EndKind::Collect(c) => {
            spoken_prompt(doc, &c.prompt, "collect", diags);
            collect(c, span, diags);
        }
        EndKind::Dial(d) => dial(d, span, diags),
        _ => {}
    }
}

/// `sayAndCapture` needs a `promptMessage`: text to speech, in one voice.
fn spoken_prompt(doc: &Document, prompt: &[Step], what: &str, diags: &mut Vec<Diagnostic>) {
    if !split_prompt(prompt).spoken.is_empty() {
        return;
    }
    let span = doc.end.span;
    let after = match prompt.last() {
        // Nothing to speak because a step 8x8 lacks (already E0501, e.g.
        // `stop_recording`) keeps the `say` before it out of the prompt:
        // removing that step fixes both.
        None if !doc.steps.is_empty() => return,
        None => None,
        Some(Step {
            kind: StepKind::Play { .. },
            span,
        }) => Some(*span),
        // A `pause` last: already refused (E0501), 8x8 has no pause.
        Some(_) => return,
    };
    let mut d = Diagnostic::new(
        &UNSUPPORTED_ACTION,
        format!("8x8 needs a spoken prompt right before this `{what}`"),
    )
    .primary(span, "8x8's `sayAndCapture` speaks its prompt before it listens")
    .help(format!(
        "put a `say` line right before the `{what}` (after any `play`); 8x8 cannot listen for keys \
         while it plays audio"
    ));
    if let Some(play) = after {
        d = d.secondary(play, "audio cannot be the prompt of `sayAndCapture`");
    }
    diags.push(d);
}

fn collect(c: &Collect, span: Span, diags: &mut Vec<Diagnostic>) {
    let complete_on_hash = match c.finish_key.as_deref() {
        None => false,
        Some("#") => true,
        Some(key) => {
            diags.push(
                Diagnostic::new(&UNSUPPORTED_ACTION, format!("8x8 cannot finish input with `{key}`"))
                    .primary(span, format!("`finish \"{key}\"`"))
                    .help("8x8 ends input early only on `#` (`completeOnHash`): use `finish \"#\"`, or no finish key"),
            );
            false
        }
    };
    if let Some(min) = c.min_digits
        && min > MAX_MIN_DIGITS
    {
        diags.push(
            Diagnostic::new(
                &OUT_OF_PROVIDER_RANGE,
                format!("8x8 cannot require more than {MAX_MIN_DIGITS} digits, this `collect` requires {min}"),
            )
            .primary(
                span,
                format!("at least {min} digits: 8x8's `minDigits` is 1 to {MAX_MIN_DIGITS}"),
            )
            .help(format!(
                "ask for at most {MAX_MIN_DIGITS} digits (`digits 1..{MAX_MIN_DIGITS}` or fewer)"
            )),
        );
    }
    let max = c.max_digits.unwrap_or(DEFAULT_MAX_DIGITS);
    if !complete_on_hash && max > DEFAULT_MAX_DIGITS {
        diags.push(
            Diagnostic::new(
                &OUT_OF_PROVIDER_RANGE,
                format!("8x8 takes at most {DEFAULT_MAX_DIGITS} digits unless `#` ends the input, not {max}"),
            )
            .primary(span, format!("up to {max} digits without `finish \"#\"`"))
            .help(format!(
                "add `finish \"#\"` (8x8's `completeOnHash`), or collect at most {DEFAULT_MAX_DIGITS} digits"
            )),
        );
    }
}

/// `makeCall` has a source (your 8x8 virtual number), one destination and
/// optional call recording, nothing more (providers.md §1.2). Everything a
/// `dial` says beyond that would be dropped, so it is refused.
fn dial(d: &Dial, span: Span, diags: &mut Vec<Diagnostic>) {
    let mut refuse = |message: String, label: &str, help: &str| {
        diags.push(
            Diagnostic::new(&UNSUPPORTED_ACTION, message)
                .primary(span, label.to_string())
                .help(help.to_string()),
        );
    };
    if d.targets.len() > 1 {
        refuse(
            format!("8x8 `makeCall` rings one number, not {}", d.targets.len()),
            "several dial targets",
            "dial one number, and route `busy`, `no_answer` and `failed` to a step that dials the next",
        );
    }
    if d.targets.iter().any(is_sip) {
        refuse(
            "8x8 `makeCall` connects phone numbers only".to_string(),
            "a SIP address",
            "dial an E.164 number; 8x8's callflow JSON has no SIP connect",
        );
    }
    if d.caller_id.is_none() {
        refuse(
            "8x8 `makeCall` needs a `caller_id`".to_string(),
            "no `caller_id`",
            "8x8 calls from your sub-account's virtual number: add `caller_id \"+…\"`, or `caller_id \"{called}\"` \
             for the number the caller dialled",
        );
    }
    let options = [
        (d.timeout_ms.is_some(), "timeout", "8x8 rings for its own time"),
        (
            d.max_duration_ms.is_some(),
            "max_duration",
            "8x8 does not limit the bridged call",
        ),
        (
            d.send_digits.is_some(),
            "send_digits",
            "8x8 sends no keys after the far end answers",
        ),
        (d.ringback.is_some(), "ringback", "8x8 plays its own ringing tone"),
    ];
    for (_, option, why) in options.iter().filter(|(given, ..)| *given) {
        refuse(
            format!("8x8 `makeCall` has no `{option}`"),
            &format!("`{option}` is not available on 8x8"),
            &format!("remove `{option}`: {why}"),
        );
    }
    if d.answered.is_some() {
        refuse(
            "8x8 cannot continue the call after the bridged call ends".to_string(),
            "`on answered` never runs on 8x8",
            "remove `on answered`: on 8x8 the call ends when the bridged call ends",
        );
    }
}

fn is_sip(target: &Text) -> bool {
    match target.parts.first() {
        Some(TextPart::Lit(s)) => {
            let s = s.to_ascii_lowercase();
            s.starts_with("sip:") || s.starts_with("sips:")
        }
        _ => false,
    }
}
