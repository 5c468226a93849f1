//! What Africa's Talking documents allow, checked on the bundle with spans on
//! the source (providers.md §1.1). Actions AT lacks entirely are E0501 from
//! the capability table; this file checks the options, values and placement
//! of the actions it has.

use super::super::codes::{OUT_OF_PROVIDER_RANGE, UNSUPPORTED_ACTION, UNSUPPORTED_VOICE};
use super::super::model::{Bundle, Collect, Conference, Dial, Document, EndKind, HoldMusic, Record, StepKind, Text};
use super::super::{all_steps, text_rules};
use crate::ast::{RejectReason, Voice};
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::targets::{TargetKind, rules};

const AT: &str = "Africa's Talking";

pub fn check(bundle: &Bundle, diags: &mut Vec<Diagnostic>) {
    // AT has one conference per phone number: the first room seen is the one.
    let mut room: Option<(String, Span)> = None;
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
            EndKind::Menu(menu) => input_timeout(menu.timeout_ms, span, diags),
            EndKind::Collect(c) => collect(c, span, diags),
            EndKind::Record(r) => record(r, span, diags),
            EndKind::Dial(d) => dial(d, span, diags),
            EndKind::Enqueue { hold_music, .. } => match hold_music {
                Some(HoldMusic::Builtin(name)) => diags.push(option(
                    span,
                    "hold_music",
                    "enqueue",
                    &format!("it has no built-in music `{name}`; `holdMusic` is an audio URL"),
                    "give the queue (or the `enqueue`) `hold_music \"https://…\"`",
                )),
                Some(HoldMusic::Url(url)) => audio_url(url, "hold_music", span, diags),
                None => {}
            },
            EndKind::Dequeue { queue, number: None } => diags.push(
                Diagnostic::new(
                    &UNSUPPORTED_ACTION,
                    format!("{AT}'s `Dequeue` needs the phone number callers dialled to join the queue"),
                )
                .primary(span, "`dequeue` without `number`")
                .help(format!(
                    "add `number \"+…\"`: the number of the line whose callers wait in `{queue}`"
                )),
            ),
            EndKind::Conference(c) => conference(c, span, &mut room, diags),
            EndKind::Reject { reason } => reject(doc, *reason, diags),
            _ => {}
        }
    }
}

/// AT reads English text with the voices `man` and `woman`.
fn say(voice: Option<&Voice>, language: Option<&str>, span: Span, diags: &mut Vec<Diagnostic>) {
    if let Some(Voice::Named(name)) = voice {
        diags.push(
            Diagnostic::new(&UNSUPPORTED_VOICE, format!("{AT} has no voice `{name}`"))
                .primary(span, format!("{AT} speaks with the voices `man` and `woman` only"))
                .help("use `voice male` or `voice female` (AT's `man` and `woman`), or choose a target that has this voice"),
        );
    }
    if let Some(language) = language
        && !text_rules::is_english(language)
    {
        diags.push(
            Diagnostic::new(
                &UNSUPPORTED_VOICE,
                format!("{AT} reads text in English only, not `{language}`"),
            )
            .primary(span, format!("spoken in `{language}`"))
            .help("use an English language tag (`en`, `en-GB` …), `play` a recording in this language, or choose a target that speaks it")
            .note("the language is the `say` line's own, else its flow's `language` setting"),
        );
    }
}

fn collect(c: &Collect, span: Span, diags: &mut Vec<Diagnostic>) {
    // AT's `numDigits` is a maximum: entry ends there or at `finishOnKey`.
    // At least one key is implied (no key at all is the timeout), so only a
    // minimum above 1 is something AT cannot enforce.
    if let (Some(min), Some(max)) = (c.min_digits, c.max_digits)
        && min > 1
        && min < max
    {
        diags.push(
            Diagnostic::new(
                &UNSUPPORTED_ACTION,
                format!("{AT}'s `GetDigits` has no minimum number of digits (`digits {min}..{max}` of `collect`)"),
            )
            .primary(span, format!("{AT} cannot require at least {min} digits"))
            .help(format!(
                "write `digits 1..{max}` (AT posts whatever was keyed) and test `length({})` in the flow",
                c.var
            )),
        );
    }
    if c.max_digits.is_none() && c.finish_key.is_none() {
        diags.push(
            Diagnostic::new(
                &UNSUPPORTED_ACTION,
                format!("{AT}'s `GetDigits` returns after the first key unless it has a digit count or a finish key"),
            )
            .primary(span, "`collect` without `digits` or `finish`")
            .help("add `digits N` or `finish \"#\"`, so that the caller can key in more than one digit"),
        );
    }
    input_timeout(c.timeout_ms, span, diags);
}

fn record(r: &Record, span: Span, diags: &mut Vec<Diagnostic>) {
    if let Some(max) = r.max_ms {
        whole_seconds(max, "maxLength", "Record", span, diags);
    }
    if let Some(timeout) = r.timeout_ms {
        whole_seconds(timeout, "timeout", "Record", span, diags);
    }
}

fn dial(d: &Dial, span: Span, diags: &mut Vec<Diagnostic>) {
    if d.answered.is_some() {
        diags.push(option(
            span,
            "on answered",
            "dial",
            "a `Dial` that is answered ends the call when the bridged call ends",
            "remove `on answered`: on this target the call ends with the bridged call",
        ));
    }
    if d.timeout_ms.is_some() {
        diags.push(option(
            span,
            "timeout",
            "dial",
            "its `Dial` has no ring timeout",
            "remove `timeout` to build for Africa's Talking, or choose another target",
        ));
    }
    if d.send_digits.is_some() {
        diags.push(option(
            span,
            "send_digits",
            "dial",
            "its `Dial` cannot send keys after the call is answered",
            "remove `send_digits`, or dial a number that reaches the extension directly",
        ));
    }
    if !(d.busy == d.no_answer && d.no_answer == d.failed) {
        diags.push(
            Diagnostic::new(
                &UNSUPPORTED_ACTION,
                format!("{AT} does not report why a `Dial` was not answered"),
            )
            .primary(span, "`busy`, `no_answer` and `failed` lead to different places")
            .help("route `busy`, `no_answer` and `failed` to the same state on this target"),
        );
    }
    for target in &d.targets {
        let Some(literal) = text_rules::literal(target) else {
            continue;
        };
        let Some(address) = literal.strip_prefix("sip:").or_else(|| literal.strip_prefix("sips:")) else {
            continue;
        };
        if !address.to_ascii_lowercase().ends_with(".sip.africastalking.com") {
            diags.push(
                Diagnostic::new(
                    &OUT_OF_PROVIDER_RANGE,
                    format!("{AT} dials only its own SIP addresses, not `{address}`"),
                )
                .primary(span, "a SIP address outside Africa's Talking")
                .help("dial an E.164 number, or an Africa's Talking SIP address such as `sip:agent@ke.sip.africastalking.com`"),
            );
        }
    }
    if let Some(max) = d.max_duration_ms {
        whole_seconds(max, "maxDuration", "Dial", span, diags);
    }
    if let Some(ringback) = &d.ringback {
        audio_url(ringback, "ringback", span, diags);
    }
}

/// AT's `Conference` takes no attributes: every caller of the number joins
/// the same one.
fn conference(c: &Conference, span: Span, room: &mut Option<(String, Span)>, diags: &mut Vec<Diagnostic>) {
    let options = [
        (c.hold_music.is_some(), "hold_music"),
        (c.muted, "muted"),
        (c.beep, "beep"),
        (c.start_on_enter, "start_on_enter"),
        (c.end_on_exit, "end_on_exit"),
        (c.max_duration_ms.is_some(), "max_duration"),
    ];
    for (given, name) in options {
        if given {
            diags.push(option(
                span,
                name,
                "conference",
                "its `Conference` has no options",
                &format!("remove `{name}`: AT joins every caller of the number to one conference, all alike"),
            ));
        }
    }
    let Some(name) = text_rules::literal(&c.room) else {
        diags.push(
            Diagnostic::new(
                &UNSUPPORTED_ACTION,
                format!("{AT} has one conference per phone number, so the room cannot depend on variables"),
            )
            .primary(span, format!("room `{}`", c.room.render()))
            .help("use one fixed room name in the whole project, or choose a target with named rooms"),
        );
        return;
    };
    match room {
        None => *room = Some((name.to_string(), span)),
        Some((first, first_span)) if first != name => diags.push(
            Diagnostic::new(
                &UNSUPPORTED_ACTION,
                format!("{AT} has one conference per phone number, but the flow uses rooms `{first}` and `{name}`"),
            )
            .primary(span, format!("room `{name}`"))
            .secondary(*first_span, format!("room `{first}`"))
            .help("use one room name in the whole project, or choose a target with named rooms"),
        ),
        Some(_) => {}
    }
}

/// `Reject` must be the only element of its answer (AT-docs/reject), and it
/// refuses an incoming call, so it cannot come after the call was answered.
fn reject(doc: &Document, reason: Option<RejectReason>, diags: &mut Vec<Diagnostic>) {
    rules::reject_refuses_the_incoming_call(TargetKind::AfricasTalking, "Reject", doc, reason, diags);
}

/// E0501 for an option of an action that the target cannot honour.
fn option(span: Span, option: &str, action: &str, why: &str, help: &str) -> Diagnostic {
    rules::unsupported_option(TargetKind::AfricasTalking, span, option, action, why, help)
}

/// AT's durations are whole seconds.
fn whole_seconds(ms: u64, attribute: &str, element: &str, span: Span, diags: &mut Vec<Diagnostic>) {
    if let Some(d) = seconds_diagnostic(ms, attribute, element, span) {
        diags.push(d);
    }
}

/// A menu's or collect's timeout, which may come from the flow.
fn input_timeout(ms: u64, span: Span, diags: &mut Vec<Diagnostic>) {
    if let Some(d) = seconds_diagnostic(ms, "timeout", "GetDigits", span) {
        diags.push(d.note("the timeout is the statement's own, else its flow's `input_timeout`"));
    }
}

fn seconds_diagnostic(ms: u64, attribute: &str, element: &str, span: Span) -> Option<Diagnostic> {
    (!ms.is_multiple_of(1000)).then(|| {
        Diagnostic::new(
            &OUT_OF_PROVIDER_RANGE,
            format!("{AT} takes `{attribute}` of `{element}` in whole seconds, not {ms}ms"),
        )
        .primary(span, format!("{ms}ms is not a whole number of seconds"))
        .help(match ms / 1000 {
            0 => "use 1s".to_string(),
            down => format!("use {down}s or {}s", down + 1),
        })
    })
}

/// AT fetches audio by URL; a file path would not be found.
fn audio_url(url: &Text, what: &str, span: Span, diags: &mut Vec<Diagnostic>) {
    if let Some(path) = text_rules::not_http_url(url) {
        diags.push(
            Diagnostic::new(
                &OUT_OF_PROVIDER_RANGE,
                format!("{AT} plays audio from http(s) URLs only, not `{path}`"),
            )
            .primary(span, format!("`{what}` is not an http(s) URL"))
            .help("give the file's full `https://` URL"),
        );
    }
}
