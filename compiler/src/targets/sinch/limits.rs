//! Sinch's documented limits and placement rules, checked on the bundle with
//! the span of the statement that breaks them (providers.md §1.4, the Sinch
//! pages in shared/reference/003, sinch-ts `mod-svaml`).
//!
//! `runMenu` always contains the menu `main` and has exactly one action per
//! document by construction (render.rs), so neither needs a check.

use super::callbacks::{self, Callback};
use super::prompt::{self, delimiter_in};
use super::render::{is_audio, is_sip, seconds, svaml};
use crate::ast::Voice;
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::targets::all_steps;
use crate::targets::codes::{
    MISPLACED_ACTION, OUT_OF_PROVIDER_RANGE, TEXT_TOO_LONG, UNSUPPORTED_ACTION, UNSUPPORTED_VOICE, VOICE_NOT_SELECTABLE,
};
use crate::targets::model::{
    Bundle, Collect, Conference, Dial, Document, EndKind, HoldMusic, Route, Step, StepKind, Text,
};

/// `say` text: 600 characters (Sinch's default maximum).
pub const MAX_SAY_CHARS: usize = 600;
/// `conferenceId`: 64 characters.
pub const MAX_CONFERENCE_ID: usize = 64;
/// `maxDuration` of `connectPstn`, `connectSip` and `connectStream`: 14400 s.
pub const MAX_CONNECT_SECONDS: u64 = 14_400;
/// `maxDuration` of `park`: 600 s (Sinch's park page, shared/reference/003;
/// providers.md marks it unverified because sinch-ts states no bound).
pub const MAX_PARK_SECONDS: u64 = 600;

pub fn check(bundle: &Bundle, diags: &mut Vec<Diagnostic>) {
    let flow_voices: Vec<&Voice> = bundle
        .flows
        .iter()
        .filter_map(|f| f.voice.as_ref().map(|v| &v.value))
        .collect();
    for flow in &bundle.flows {
        if let Some(voice) = &flow.voice {
            gender_ignored(&voice.value, voice.span, diags);
        }
    }
    for doc in &bundle.documents {
        for step in all_steps(doc) {
            check_step(step, diags);
            // A `say` that asks for a gender of its own (the flow's setting
            // was reported once, above).
            if let StepKind::Say { voice: Some(voice), .. } = &step.kind
                && !flow_voices.contains(&voice)
            {
                gender_ignored(voice, step.span, diags);
            }
        }
        check_end(doc, diags);
        check_callbacks(doc, diags);
    }
}

fn check_step(step: &Step, diags: &mut Vec<Diagnostic>) {
    if let StepKind::Say {
        text, voice, language, ..
    } = &step.kind
    {
        let chars = text.min_chars();
        if chars > MAX_SAY_CHARS {
            let at_least = if text.is_template() { "at least " } else { "" };
            diags.push(
                Diagnostic::new(
                    &TEXT_TOO_LONG,
                    format!(
                        "Sinch speaks at most {MAX_SAY_CHARS} characters per `say`, this one has {at_least}{chars}"
                    ),
                )
                .primary(step.span, format!("{at_least}{chars} characters"))
                .help("split the text into several `say` lines, or play a recording of it"),
            );
        }
        if !matches!(voice, Some(crate::ast::Voice::Named(_)))
            && let Some(tag) = language
        {
            locale_format(tag, step.span, diags);
        }
    }
}

/// W0507: SVAML has no field for a male or female voice; Sinch picks the
/// voice of the locale. The flow still builds (callers hear the text).
fn gender_ignored(voice: &Voice, span: Span, diags: &mut Vec<Diagnostic>) {
    let word = match voice {
        Voice::Male => "male",
        Voice::Female => "female",
        Voice::Named(_) => return,
    };
    diags.push(
        Diagnostic::new(
            &VOICE_NOT_SELECTABLE,
            format!("Sinch cannot choose a {word} voice: `voice {word}` has no effect"),
        )
        .primary(span, "Sinch speaks each locale in a voice of its own choosing")
        .help("choose the voice through `language` (the locale), or remove the setting for this target"),
    );
}

/// Sinch locales are an ISO 639 language and an ISO 3166-1 country: `en-US`.
fn locale_format(tag: &str, span: Span, diags: &mut Vec<Diagnostic>) {
    if prompt::normalized(tag).is_none() {
        diags.push(
            Diagnostic::new(
                &UNSUPPORTED_VOICE,
                format!("Sinch needs a locale of a language and a country, not `{tag}`"),
            )
            .primary(span, format!("`{tag}` is not a Sinch locale"))
            .help("write the language with its country, as Sinch's `locale` takes it: \"en-US\", \"sw-KE\", \"fr-FR\""),
        );
    }
}

fn check_end(doc: &Document, diags: &mut Vec<Diagnostic>) {
    let span = doc.end.span;
    match &doc.end.kind {
        EndKind::Menu(m) => prompt_text(&m.prompt, None, span, diags),
        EndKind::Collect(c) => collect(c, span, diags),
        EndKind::Dial(d) => dial(d, span, diags),
        EndKind::Conference(c) => conference(c, span, diags),
        EndKind::Park { intro, hold, max_ms } => {
            for text in intro.iter().chain(hold) {
                element(text, is_audio(text), span, diags);
            }
            max_seconds("park", *max_ms, MAX_PARK_SECONDS, span, diags);
        }
        EndKind::Stream { max_ms, .. } => max_seconds("stream", *max_ms, MAX_CONNECT_SECONDS, span, diags),
        EndKind::Reject { reason: Some(_) } => diags.push(
            Diagnostic::new(&UNSUPPORTED_ACTION, "Sinch cannot choose how a call is rejected")
                .primary(span, "the reason is not available on Sinch")
                .help("write `reject` without a reason: Sinch refuses the call by hanging up before answering it"),
        ),
        _ => {}
    }
}

/// A prompt is one `;`-separated string of `#tts[…]`/`#href[…]` elements in
/// one locale. `speech` is the locale speech is recognised in, if any.
fn prompt_text(steps: &[Step], speech: Option<(&str, Span)>, end: Span, diags: &mut Vec<Diagnostic>) {
    for step in steps {
        match &step.kind {
            StepKind::Say { text, .. } => element(text, false, step.span, diags),
            StepKind::Play { url, .. } => element(url, true, step.span, diags),
            _ => {}
        }
    }
    let mut first: Option<(String, Span)> = speech.map(|(l, s)| (l.to_string(), s));
    for (locale, step) in prompt::say_locales(steps) {
        // A line without a language is read in the menu's locale.
        let Some(locale) = locale else { continue };
        match &first {
            None => first = Some((locale, step.span)),
            Some((other, other_span)) if !same_locale(other, &locale) => {
                diags.push(
                    Diagnostic::new(
                        &UNSUPPORTED_VOICE,
                        format!("Sinch plays a menu's prompt in one locale, here `{other}` and `{locale}`"),
                    )
                    .primary(step.span, format!("in `{locale}`"))
                    .secondary(*other_span, format!("in `{other}`"))
                    .secondary(end, "the prompt of this input")
                    .help("use one voice and language for every line of the prompt, or say the other lines before an earlier input"),
                );
                return;
            }
            Some(_) => {}
        }
    }
}

fn same_locale(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Text or a URL inside a prompt string must not contain `]` or `;`.
fn element(text: &Text, audio: bool, span: Span, diags: &mut Vec<Diagnostic>) {
    let Some(c) = delimiter_in(text) else { return };
    let (what, element) = if audio {
        ("an audio location", "#href[…]")
    } else {
        ("text", "#tts[…]")
    };
    diags.push(
        Diagnostic::new(
            &OUT_OF_PROVIDER_RANGE,
            format!("Sinch cannot carry `{c}` in the {what} of a prompt"),
        )
        .primary(span, format!("contains `{c}`"))
        .help(format!(
            "Sinch prompts are `{element}` elements separated by `;`, with no escape for `]` or `;`: \
             reword without them (a comma reads the same as `;`)"
        )),
    );
}

fn collect(c: &Collect, span: Span, diags: &mut Vec<Diagnostic>) {
    let speech = match &c.speech {
        Some(Some(lang)) => {
            locale_format(lang, span, diags);
            prompt::normalized(lang).map(|l| (l, span))
        }
        _ => None,
    };
    prompt_text(&c.prompt, speech.as_ref().map(|(l, s)| (l.as_str(), *s)), span, diags);
    // Sinch ends a digit sequence at `maxDigits` or after `timeoutMills` of
    // silence; a key that ends it early matters only when the length varies.
    if let Some(key) = &c.finish_key
        && c.min_digits != c.max_digits
    {
        diags.push(
            Diagnostic::new(
                &UNSUPPORTED_ACTION,
                format!("Sinch has no finish key for `collect` (`{key}`)"),
            )
            .primary(span, format!("`finish \"{key}\"` with a varying number of digits"))
            .help(
                "Sinch's `runMenu` takes the digits when `maxDigits` are in or after the timeout's silence: \
                     collect a fixed number of digits (`digits N`), or drop `finish`",
            ),
        );
    }
}

fn dial(d: &Dial, span: Span, diags: &mut Vec<Diagnostic>) {
    let refuse = |diags: &mut Vec<Diagnostic>, message: String, label: String, help: &str| {
        diags.push(
            Diagnostic::new(&UNSUPPORTED_ACTION, message)
                .primary(span, label)
                .help(help.to_string()),
        );
    };
    if d.targets.len() > 1 {
        refuse(
            diags,
            format!("Sinch connects a call to one destination, not {}", d.targets.len()),
            "several dial targets".to_string(),
            "dial one target per step; Sinch cannot try another after a failed connect (see below), so choose \
             the one that answers most often",
        );
    }
    let sip = d.targets.first().is_some_and(is_sip);
    if sip && d.timeout_ms.is_some() {
        refuse(
            diags,
            "Sinch `connectSip` has no ring timeout".to_string(),
            "`timeout` is not available for SIP on Sinch".to_string(),
            "remove `timeout`; only `connectPstn` has `dialTimeout`",
        );
    }
    if let Some(digits) = &d.send_digits {
        if sip {
            refuse(
                diags,
                "Sinch `connectSip` sends no keys after the answer".to_string(),
                "`send_digits` is not available for SIP on Sinch".to_string(),
                "remove `send_digits`; only `connectPstn` has `dtmf`",
            );
        } else if let Some(bad) = digits.chars().find(|c| !matches!(c, '0'..='9' | '#' | 'w')) {
            diags.push(
                Diagnostic::new(
                    &OUT_OF_PROVIDER_RANGE,
                    format!("Sinch cannot send `{bad}` after the answer"),
                )
                .primary(span, format!("`send_digits \"{digits}\"`"))
                .help("Sinch's `dtmf` takes `0`–`9`, `#` and `w` (a half-second wait) only"),
            );
        }
    }
    if d.ringback.is_some() {
        refuse(
            diags,
            "Sinch plays no audio while a dial rings".to_string(),
            "`ringback` is not available on Sinch".to_string(),
            "remove `ringback`: Sinch plays the ringing tone of the destination's country",
        );
    }
    max_seconds("dial", d.max_duration_ms, MAX_CONNECT_SECONDS, span, diags);
    // After `connectPstn`/`connectSip`, Sinch reports the outcome only in the
    // disconnect callback (DiCE), which takes no SVAML: the call cannot go on.
    let mut continues: Vec<&str> = Vec::new();
    if d.answered.is_some() {
        continues.push("answered");
    }
    for (name, route) in [("busy", &d.busy), ("no_answer", &d.no_answer), ("failed", &d.failed)] {
        if *route != Route::Hangup {
            continues.push(name);
        }
    }
    if !continues.is_empty() {
        let outcomes: Vec<String> = continues.iter().map(|o| format!("`{o}`")).collect();
        diags.push(
            Diagnostic::new(&UNSUPPORTED_ACTION, "Sinch cannot continue the call after a `dial`")
                .primary(span, format!("the outcome {} continues the call", outcomes.join(", ")))
                .help(
                    "Sinch reports a dial's outcome in its disconnect callback, which cannot answer with more \
                     actions; follow the `dial` with `hangup` and remove its `on` lines",
                ),
        );
    }
}

fn conference(c: &Conference, span: Span, diags: &mut Vec<Diagnostic>) {
    let chars = c.room.min_chars();
    if chars > MAX_CONFERENCE_ID {
        let at_least = if c.room.is_template() { "at least " } else { "" };
        diags.push(
            Diagnostic::new(
                &TEXT_TOO_LONG,
                format!(
                    "Sinch conference ids have at most {MAX_CONFERENCE_ID} characters, this one has {at_least}{chars}"
                ),
            )
            .primary(span, format!("a room name of {at_least}{chars} characters"))
            .help(format!("use a room name of at most {MAX_CONFERENCE_ID} characters")),
        );
    }
    if let Some(HoldMusic::Url(_)) = &c.hold_music {
        diags.push(
            Diagnostic::new(&UNSUPPORTED_ACTION, "Sinch conferences play built-in music only")
                .primary(span, "hold music from an audio location")
                .help("use `hold_music ring`, `music1`, `music2` or `music3` (Sinch's `moh`)"),
        );
    }
    let options = [
        (c.muted, "muted"),
        (c.beep, "beep"),
        (c.start_on_enter, "start_on_enter"),
        (c.end_on_exit, "end_on_exit"),
        (c.max_duration_ms.is_some(), "max_duration"),
    ];
    for (_, option) in options.iter().filter(|(given, _)| *given) {
        diags.push(
            Diagnostic::new(&UNSUPPORTED_ACTION, format!("Sinch `connectConf` has no `{option}`"))
                .primary(span, format!("`{option}` is not available on Sinch"))
                .help(format!(
                    "remove `{option}`; Sinch's `connectConf` takes a conference id and music on hold only \
                     (participants are managed with Sinch's Conferences API)"
                )),
        );
    }
}

fn max_seconds(what: &str, ms: Option<u64>, max: u64, span: Span, diags: &mut Vec<Diagnostic>) {
    let Some(ms) = ms else { return };
    let secs = seconds(ms);
    if secs > max {
        diags.push(
            Diagnostic::new(
                &OUT_OF_PROVIDER_RANGE,
                format!("Sinch limits a `{what}` to {max} seconds, not {secs}"),
            )
            .primary(span, format!("{secs} s: Sinch's `maxDuration` is at most {max} s"))
            .help(format!("use at most {} ({max} s)", human(max))),
        );
    }
}

/// `14400` → `4h`, `600` → `10m`: how the flow would write it.
fn human(secs: u64) -> String {
    if secs.is_multiple_of(3600) {
        format!("{}h", secs / 3600)
    } else if secs.is_multiple_of(60) {
        format!("{}m", secs / 60)
    } else {
        format!("{secs}s")
    }
}

/// The action and instructions of a document must be ones its callback
/// accepts (callbacks.rs).
fn check_callbacks(doc: &Document, diags: &mut Vec<Diagnostic>) {
    let answers: Vec<Callback> = [(doc.answers.first, Callback::Ice), (doc.answers.later, Callback::Pie)]
        .into_iter()
        .filter_map(|(yes, c)| yes.then_some(c))
        .collect();
    let svaml = svaml(doc);
    let action = svaml.action.name();
    let rejects = matches!(doc.end.kind, EndKind::Reject { .. });
    if rejects && let Some(first) = doc.steps.first() {
        diags.push(
            Diagnostic::new(&MISPLACED_ACTION, "Sinch refuses a call only before anything is played")
                .primary(doc.end.span, "`reject` after other actions")
                .secondary(first.span, "played first, so the call is answered")
                .help("put `reject` before any `say`, `play` or `pause`: it must come first on the call"),
        );
    }
    for callback in answers {
        // Every action callflow writes is accepted in the ICE answer, so only
        // a PIE answer can refuse one: `park`, `connectStream`, and a hangup
        // that should refuse a call (Sinch refuses only unanswered calls).
        let refused = if rejects {
            callback != Callback::Ice
        } else {
            !callbacks::accepts_action(callback, action)
        };
        if refused {
            let name = doc.end.kind.name();
            diags.push(
                Diagnostic::new(
                    &MISPLACED_ACTION,
                    format!("Sinch does not accept `{name}` in {}", callback.describe()),
                )
                .primary(
                    doc.end.span,
                    format!("`{name}` is reached after the caller was asked for input"),
                )
                .help(format!(
                    "Sinch takes `{name}`{} only in the answer to the incoming call: move it before the first \
                     `menu` or `collect` of the flow",
                    if action == name {
                        String::new()
                    } else {
                        format!(" (`{action}`)")
                    }
                )),
            );
        }
        // Likewise only the ICE answer refuses an instruction callflow writes.
        for step in &doc.steps {
            let Some(name) = step_instruction(step) else { continue };
            if !callbacks::accepts_instruction(callback, name) {
                diags.push(
                    Diagnostic::new(
                        &MISPLACED_ACTION,
                        format!("Sinch does not accept `{name}` in {}", callback.describe()),
                    )
                    .primary(step.span, "reached before the caller was asked for any input")
                    .help(
                        "Sinch stops a recording only after a menu or input: move `stop_recording` after the \
                         first `menu` or `collect`",
                    ),
                );
            }
        }
    }
}

fn step_instruction(step: &Step) -> Option<&'static str> {
    match step.kind {
        StepKind::StopRecording => Some("stopRecording"),
        _ => None,
    }
}
