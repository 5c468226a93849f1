//! Sinch SVAML: `{"instructions": [...], "action": {...}}`, exactly one
//! action (providers.md §1.4; sinch-ts `mod-svaml`).
//!
//! Steps become instructions (`say`, `playFiles`, `startRecording`,
//! `stopRecording`); the end becomes the action. Menus and collects are
//! `runMenu` with the one menu `main`: a menu returns its key
//! (`return(<key>)`), a collect the digit sequence (`maxDigits`).
//!
//! Sinch posts every callback to the application's one callback URL, so the
//! URLs of the manifest are not in the document; the server knows which
//! document a PIE answers because it sent it on that call.
//!
//! Only checked documents are rendered faithfully: an end `check` refuses
//! (E0501) has no Sinch action and becomes `hangup`.

use super::prompt::{self, DEFAULT_LOCALE};
use crate::targets::Urls;
use crate::targets::model::{
    Collect, Conference, Dial, Document, EndKind, HoldMusic, Menu, Step, StepKind, Text, TextPart,
};
use serde::Serialize;

/// `maxDigits` of a collect that gives no maximum: the language's own upper
/// bound (docs/language.md, `collect … digits` is 1–32).
pub(super) const UNBOUNDED_DIGITS: u32 = 32;

#[derive(Serialize)]
pub(super) struct Svaml {
    pub instructions: Vec<Instruction>,
    pub action: Action,
}

#[derive(Serialize)]
#[serde(tag = "name", rename_all = "camelCase")]
pub(super) enum Instruction {
    Say(SayInstr),
    PlayFiles(PlayFiles),
    StartRecording,
    StopRecording,
}

#[derive(Serialize)]
pub(super) struct SayInstr {
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    locale: Option<String>,
}

#[derive(Serialize)]
pub(super) struct PlayFiles {
    ids: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    locale: Option<String>,
}

#[derive(Serialize)]
#[serde(tag = "name", rename_all = "camelCase")]
pub(super) enum Action {
    Hangup,
    RunMenu(RunMenu),
    ConnectPstn(ConnectPstn),
    ConnectSip(ConnectSip),
    ConnectConf(ConnectConf),
    ConnectStream(ConnectStream),
    Park(Park),
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Hangup => "hangup",
            Action::RunMenu(_) => "runMenu",
            Action::ConnectPstn(_) => "connectPstn",
            Action::ConnectSip(_) => "connectSip",
            Action::ConnectConf(_) => "connectConf",
            Action::ConnectStream(_) => "connectStream",
            Action::Park(_) => "park",
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RunMenu {
    barge: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    locale: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    enable_voice: bool,
    main_menu: &'static str,
    menus: Vec<MenuDef>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct MenuDef {
    id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    main_prompt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repeat_prompt: Option<String>,
    repeats: u32,
    max_digits: u32,
    timeout_mills: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    options: Vec<MenuOption>,
}

#[derive(Serialize)]
pub(super) struct MenuOption {
    dtmf: String,
    action: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ConnectPstn {
    number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    cli: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dial_timeout: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_duration: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dtmf: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ConnectSip {
    destination: Destination,
    #[serde(skip_serializing_if = "Option::is_none")]
    cli: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_duration: Option<u64>,
}

#[derive(Serialize)]
pub(super) struct Destination {
    #[serde(rename = "type")]
    kind: &'static str,
    endpoint: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ConnectConf {
    conference_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    moh: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ConnectStream {
    destination: Destination,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_duration: Option<u64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Park {
    #[serde(skip_serializing_if = "Option::is_none")]
    intro_prompt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hold_prompt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_duration: Option<u64>,
}

pub fn render(doc: &Document, _urls: &Urls) -> String {
    serde_json::to_string_pretty(&svaml(doc)).unwrap_or_default()
}

/// The SVAML of a document, before serialisation (the checks read it too).
pub(super) fn svaml(doc: &Document) -> Svaml {
    let mut instructions: Vec<Instruction> = doc.steps.iter().flat_map(instructions_of).collect();
    let action = match &doc.end.kind {
        EndKind::Menu(m) => Action::RunMenu(menu(m)),
        EndKind::Collect(c) => Action::RunMenu(collect(c)),
        EndKind::Dial(d) => {
            // The bridged call is recorded by recording the call from here on.
            if d.record {
                instructions.push(Instruction::StartRecording);
            }
            dial(d)
        }
        EndKind::Conference(c) => Action::ConnectConf(conference(c)),
        EndKind::Park { intro, hold, max_ms } => Action::Park(Park {
            intro_prompt: intro.as_ref().map(park_prompt),
            hold_prompt: hold.as_ref().map(park_prompt),
            max_duration: max_ms.map(seconds),
        }),
        EndKind::Stream { url, max_ms } => Action::ConnectStream(ConnectStream {
            destination: Destination {
                kind: "Websocket",
                endpoint: url.render(),
            },
            max_duration: max_ms.map(seconds),
        }),
        // A rejection is a hangup before the call is answered (in the ICE
        // answer; `check` refuses it anywhere else).
        _ => Action::Hangup,
    };
    Svaml { instructions, action }
}

fn instructions_of(step: &Step) -> Vec<Instruction> {
    match &step.kind {
        // `say` has no repeat count: repeat the instruction.
        StepKind::Say {
            text,
            voice,
            language,
            repeat,
        } => (0..*repeat)
            .map(|_| {
                Instruction::Say(SayInstr {
                    text: text.render(),
                    locale: prompt::locale(voice.as_ref(), language.as_deref()),
                })
            })
            .collect(),
        StepKind::Play { url, repeat } => vec![Instruction::PlayFiles(PlayFiles {
            ids: (0..*repeat).map(|_| url.render()).collect(),
            locale: None,
        })],
        // Silence is an SSML break; Sinch needs a locale for SSML.
        StepKind::Pause { ms } => vec![Instruction::PlayFiles(PlayFiles {
            ids: vec![prompt::pause(*ms)],
            locale: Some(DEFAULT_LOCALE.to_string()),
        })],
        StepKind::StartRecording => vec![Instruction::StartRecording],
        StepKind::StopRecording => vec![Instruction::StopRecording],
    }
}

/// The locale of a prompt: the one of its `say` lines (`check` makes sure
/// they agree).
fn prompt_locale(steps: &[Step]) -> Option<String> {
    prompt::say_locales(steps).find_map(|(l, _)| l)
}

/// A menu: one key, each listed key returned as itself. Sinch plays
/// `repeatPrompt` `attempts - 1` times on a timeout or an invalid key before
/// it reports them; that is the menu's own lines, without the lines that led
/// into it (a greeting is heard once).
fn menu(m: &Menu) -> RunMenu {
    let main_prompt = prompt::prompt(&m.prompt);
    let repeats = m.attempts.saturating_sub(1);
    let own_lines = &m.prompt[m.lead_in.min(m.prompt.len())..];
    RunMenu {
        barge: true,
        locale: prompt_locale(&m.prompt),
        enable_voice: false,
        main_menu: "main",
        menus: vec![MenuDef {
            id: "main",
            repeat_prompt: if repeats > 0 { prompt::prompt(own_lines) } else { None },
            main_prompt,
            repeats,
            max_digits: 1,
            timeout_mills: m.timeout_ms,
            options: m
                .routes
                .keys
                .iter()
                .map(|(key, _)| MenuOption {
                    dtmf: key.to_string(),
                    action: format!("return({key})"),
                })
                .collect(),
        }],
    }
}

/// A collect: Sinch returns the digits as a sequence once `maxDigits` are in
/// or after `timeoutMills` of silence. With `speech`, the caller may say them.
fn collect(c: &Collect) -> RunMenu {
    let speech_locale = c.speech.as_ref().map(|lang| {
        lang.as_deref()
            .map(|l| prompt::normalized(l).unwrap_or_else(|| l.to_string()))
            .or_else(|| prompt_locale(&c.prompt))
            .unwrap_or_else(|| DEFAULT_LOCALE.to_string())
    });
    RunMenu {
        barge: true,
        enable_voice: speech_locale.is_some(),
        locale: speech_locale.or_else(|| prompt_locale(&c.prompt)),
        main_menu: "main",
        menus: vec![MenuDef {
            id: "main",
            main_prompt: prompt::prompt(&c.prompt),
            repeat_prompt: None,
            repeats: 0,
            max_digits: c.max_digits.unwrap_or(UNBOUNDED_DIGITS),
            timeout_mills: c.timeout_ms,
            options: Vec::new(),
        }],
    }
}

fn dial(d: &Dial) -> Action {
    let Some(target) = d.targets.first() else {
        return Action::Hangup;
    };
    let cli = d.caller_id.as_ref().map(Text::render);
    let max_duration = d.max_duration_ms.map(seconds);
    if is_sip(target) {
        Action::ConnectSip(ConnectSip {
            destination: Destination {
                kind: "Sip",
                endpoint: target.render(),
            },
            cli,
            max_duration,
        })
    } else {
        Action::ConnectPstn(ConnectPstn {
            number: target.render(),
            cli,
            dial_timeout: d.timeout_ms.map(seconds),
            max_duration,
            dtmf: d.send_digits.clone(),
        })
    }
}

/// A written-out `sip:`/`sips:` target; an interpolated one is taken for a
/// number (the webhook host renders resolved targets, so it can tell).
pub(super) fn is_sip(target: &Text) -> bool {
    match target.parts.first() {
        Some(TextPart::Lit(s)) => {
            let s = s.to_ascii_lowercase();
            s.starts_with("sip:") || s.starts_with("sips:")
        }
        _ => false,
    }
}

fn conference(c: &Conference) -> ConnectConf {
    ConnectConf {
        conference_id: c.room.render(),
        moh: match &c.hold_music {
            Some(HoldMusic::Builtin(name)) => Some(name.clone()),
            _ => None,
        },
    }
}

/// A park prompt is audio when it is a URL, else text to speech.
fn park_prompt(text: &Text) -> String {
    if is_audio(text) {
        prompt::href(text)
    } else {
        prompt::tts(text)
    }
}

pub(super) fn is_audio(text: &Text) -> bool {
    match text.parts.first() {
        Some(TextPart::Lit(s)) => {
            let s = s.to_ascii_lowercase();
            s.starts_with("http://") || s.starts_with("https://")
        }
        _ => false,
    }
}

/// Sinch durations are whole seconds; a fraction rounds up so that a limit
/// is never shortened.
pub(super) fn seconds(ms: u64) -> u64 {
    ms.div_ceil(1000)
}
