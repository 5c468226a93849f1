//! The provider-neutral document model every target renders.
//!
//! Voice providers are webhook-driven: they POST to the application, the
//! application answers with a *document* (a list of actions), and input comes
//! back in the next POST. A [`Document`] is what one answer holds: the
//! non-blocking [`Step`]s (say, play, pause, recording on/off) up to the one
//! [`End`] that waits for the caller or hands the call over, with the
//! [`Route`]s its outcomes take.
//!
//! Two producers feed this model, and every target renders it alike:
//! - `cut` builds a whole [`Bundle`] from the IR at compile time
//!   (`callflow build --target T`). Branches and `set`s run on the server
//!   between two documents, so an entry point holds a [`Plan`] (a decision
//!   tree) whose leaves are documents, and text that interpolates variables
//!   stays a template.
//! - The webhook host builds one document at a time from the VM's effects,
//!   with everything already resolved.

use crate::ast::{DialMode, RejectReason, Spanned, Voice};
use crate::span::Span;

/// A text as providers receive it: literal parts and `{variable}` parts.
/// Documents the webhook host builds are fully resolved (no `Var` parts).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Text {
    pub parts: Vec<TextPart>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextPart {
    Lit(String),
    Var(String),
}

impl Text {
    pub fn plain(s: impl Into<String>) -> Text {
        Text {
            parts: vec![TextPart::Lit(s.into())],
        }
    }

    /// Does the text depend on call variables (and so need the server)?
    pub fn is_template(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, TextPart::Var(_)))
    }

    /// The text as a document carries it: literal text as is and variables as
    /// `{name}`. In a template, literal braces are doubled (`{{`) so that the
    /// server that fills it in can tell them from placeholders.
    pub fn render(&self) -> String {
        let template = self.is_template();
        let mut out = String::new();
        for part in &self.parts {
            match part {
                TextPart::Lit(s) if template => out.push_str(&s.replace('{', "{{").replace('}', "}}")),
                TextPart::Lit(s) => out.push_str(s),
                TextPart::Var(v) => {
                    out.push('{');
                    out.push_str(v);
                    out.push('}');
                }
            }
        }
        out
    }

    /// Length in characters of the literal parts: a lower bound of the
    /// length at run time, which is what static limits can check.
    pub fn min_chars(&self) -> usize {
        self.parts
            .iter()
            .map(|p| match p {
                TextPart::Lit(s) => s.chars().count(),
                TextPart::Var(_) => 0,
            })
            .sum()
    }
}

/// A non-blocking action, with the span of the statement it comes from
/// (`Span::default()` in documents the webhook host builds).
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub kind: StepKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StepKind {
    /// Text to speech. `voice` and `language` have the flow's defaults applied.
    Say {
        text: Text,
        voice: Option<Voice>,
        language: Option<String>,
        /// How many times to say it (at least 1).
        repeat: u32,
    },
    /// An audio file.
    Play {
        url: Text,
        repeat: u32,
    },
    Pause {
        ms: u64,
    },
    StartRecording,
    StopRecording,
}

/// Where an outcome goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The entry point with this id (`Bundle::entries`); the server answers
    /// the callback with the document its plan picks.
    Entry(String),
    /// The call ends.
    Hangup,
}

/// The outcomes of a menu, each routed.
#[derive(Clone, Debug, PartialEq)]
pub struct MenuRoutes {
    /// Routes of the listed keys, in source order.
    pub keys: Vec<(char, Route)>,
    pub timeout: Route,
    pub invalid: Route,
    pub exhausted: Route,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Menu {
    /// What the caller hears before choosing: the `say`/`play`/`pause` steps
    /// right before the wait (see [`Document::new`]).
    pub prompt: Vec<Step>,
    pub timeout_ms: u64,
    /// How many times the provider itself may play the prompt and listen
    /// before it reports failure (1 = once). More than one only when a
    /// timeout and an invalid key both mean "play the menu again", so that a
    /// provider's native retries (Sinch `repeats`, 8x8 `noOfTries`, Tropo
    /// `attempts`) behave exactly like the flow. On failure the call takes
    /// `routes.exhausted`.
    pub attempts: u32,
    /// Retries the flow allows in total (menu, else flow, else the default).
    pub retries: u32,
    /// How many steps at the start of `prompt` were moved in from before the
    /// menu by [`Document::new`]. They play once, before the first attempt:
    /// a provider that replays the prompt itself (`attempts` > 1) must not
    /// replay them, or a greeting would be heard again on every retry.
    pub lead_in: usize,
    pub routes: MenuRoutes,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Collect {
    pub prompt: Vec<Step>,
    pub var: String,
    pub min_digits: Option<u32>,
    pub max_digits: Option<u32>,
    pub finish_key: Option<String>,
    pub timeout_ms: u64,
    /// `Some(language)` when speech is accepted too.
    pub speech: Option<Option<String>>,
    pub next: Route,
    /// Where a timeout goes when the flow routes it (`on timeout -> …`);
    /// otherwise a timeout continues at `next` with the variable empty.
    pub on_timeout: Option<Route>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub prompt: Vec<Step>,
    pub var: Option<String>,
    pub max_ms: Option<u64>,
    pub finish_key: Option<String>,
    pub timeout_ms: Option<u64>,
    pub beep: bool,
    pub trim_silence: bool,
    pub next: Route,
    pub on_timeout: Option<Route>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Dial {
    /// E.164 numbers or SIP URIs.
    pub targets: Vec<Text>,
    pub mode: Option<DialMode>,
    pub caller_id: Option<Text>,
    pub timeout_ms: Option<u64>,
    pub max_duration_ms: Option<u64>,
    pub record: bool,
    pub send_digits: Option<String>,
    pub ringback: Option<Text>,
    /// `None` for `answered`: the call ends with the bridged call.
    pub answered: Option<Route>,
    pub busy: Route,
    pub no_answer: Route,
    pub failed: Route,
}

/// Hold music: a provider's built-in music by name, or an audio URL.
#[derive(Clone, Debug, PartialEq)]
pub enum HoldMusic {
    Builtin(String),
    Url(Text),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Conference {
    pub room: Text,
    pub hold_music: Option<HoldMusic>,
    pub muted: bool,
    pub beep: bool,
    pub start_on_enter: bool,
    pub end_on_exit: bool,
    pub max_duration_ms: Option<u64>,
}

/// How a document ends: it waits for the caller, or hands the call on.
#[derive(Clone, Debug, PartialEq)]
pub struct End {
    pub kind: EndKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum EndKind {
    Menu(Menu),
    Collect(Collect),
    Record(Record),
    Dial(Dial),
    Enqueue {
        queue: String,
        hold_music: Option<HoldMusic>,
    },
    Dequeue {
        queue: String,
        number: Option<Text>,
    },
    Park {
        intro: Option<Text>,
        hold: Option<Text>,
        max_ms: Option<u64>,
    },
    Conference(Conference),
    Stream {
        url: Text,
        max_ms: Option<u64>,
    },
    /// Hand the call to another application URL.
    Redirect {
        url: Text,
    },
    Reject {
        reason: Option<RejectReason>,
    },
    Hangup,
}

impl EndKind {
    /// The action's name as the language spells it, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            EndKind::Menu(_) => "menu",
            EndKind::Collect(_) => "collect",
            EndKind::Record(_) => "record",
            EndKind::Dial(_) => "dial",
            EndKind::Enqueue { .. } => "enqueue",
            EndKind::Dequeue { .. } => "dequeue",
            EndKind::Park { .. } => "park",
            EndKind::Conference(_) => "conference",
            EndKind::Stream { .. } => "stream",
            EndKind::Redirect { .. } => "redirect",
            EndKind::Reject { .. } => "reject",
            EndKind::Hangup => "hangup",
        }
    }

    /// Every route this end can take, for the manifest and for walking a
    /// bundle.
    pub fn routes(&self) -> Vec<(String, &Route)> {
        match self {
            EndKind::Menu(m) => {
                let mut out: Vec<(String, &Route)> =
                    m.routes.keys.iter().map(|(k, r)| (format!("key {k}"), r)).collect();
                out.push(("timeout".into(), &m.routes.timeout));
                out.push(("invalid".into(), &m.routes.invalid));
                out.push(("exhausted".into(), &m.routes.exhausted));
                out
            }
            EndKind::Collect(c) => {
                let mut out = vec![("next".to_string(), &c.next)];
                out.extend(c.on_timeout.iter().map(|r| ("timeout".to_string(), r)));
                out
            }
            EndKind::Record(r) => {
                let mut out = vec![("next".to_string(), &r.next)];
                out.extend(r.on_timeout.iter().map(|t| ("timeout".to_string(), t)));
                out
            }
            EndKind::Dial(d) => {
                let mut out = Vec::new();
                out.extend(d.answered.iter().map(|r| ("answered".to_string(), r)));
                out.push(("busy".into(), &d.busy));
                out.push(("no_answer".into(), &d.no_answer));
                out.push(("failed".into(), &d.failed));
                out
            }
            _ => Vec::new(),
        }
    }
}

/// One provider document: what the application answers to one callback.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// Unique in its bundle; names the callback URL of this document's
    /// outcomes (`{base}/{id}`) and the file it is written to.
    pub id: String,
    pub steps: Vec<Step>,
    pub end: End,
    /// Which callbacks this document answers. Some providers accept some
    /// actions only in the answer to a call's first callback (Sinch ICE,
    /// Tropo `redirect`) or only later (Sinch `continue`).
    pub answers: Answers,
}

/// Which callbacks a document can be the answer to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Answers {
    /// The call's first callback (the incoming call; the call is not
    /// answered yet).
    pub first: bool,
    /// A callback that reports the outcome of an earlier document.
    pub later: bool,
}

impl Document {
    /// A document whose input end (menu, collect, record) takes the
    /// `say`/`play`/`pause` steps right before it as its prompt, so that the
    /// caller can answer while it plays where the provider allows it. Both
    /// producers build documents through here, so static and live documents
    /// are cut the same way.
    pub fn new(id: String, mut steps: Vec<Step>, mut end: End, answers: Answers) -> Document {
        let prompt = match &mut end.kind {
            EndKind::Menu(m) => Some(&mut m.prompt),
            EndKind::Collect(c) => Some(&mut c.prompt),
            EndKind::Record(r) => Some(&mut r.prompt),
            _ => None,
        };
        if let Some(prompt) = prompt {
            let keep = steps
                .iter()
                .rposition(|s| {
                    !matches!(
                        s.kind,
                        StepKind::Say { .. } | StepKind::Play { .. } | StepKind::Pause { .. }
                    )
                })
                .map_or(0, |i| i + 1);
            let mut moved = steps.split_off(keep);
            let lead_in = moved.len();
            moved.append(prompt);
            *prompt = moved;
            if let EndKind::Menu(m) = &mut end.kind {
                m.lead_in += lead_in;
            }
        }
        Document {
            id,
            steps,
            end,
            answers,
        }
    }

    /// Does any text in the document depend on call variables?
    pub fn is_template(&self) -> bool {
        let step_template = |s: &Step| match &s.kind {
            StepKind::Say { text, .. } => text.is_template(),
            StepKind::Play { url, .. } => url.is_template(),
            _ => false,
        };
        let prompt: &[Step] = match &self.end.kind {
            EndKind::Menu(m) => &m.prompt,
            EndKind::Collect(c) => &c.prompt,
            EndKind::Record(r) => &r.prompt,
            _ => &[],
        };
        let texts: Vec<&Text> = match &self.end.kind {
            EndKind::Dial(d) => d.targets.iter().chain(&d.caller_id).chain(&d.ringback).collect(),
            EndKind::Dequeue { number, .. } => number.iter().collect(),
            EndKind::Park { intro, hold, .. } => intro.iter().chain(hold).collect(),
            EndKind::Conference(c) => vec![&c.room],
            EndKind::Stream { url, .. } | EndKind::Redirect { url } => vec![url],
            _ => Vec::new(),
        };
        self.steps.iter().chain(prompt).any(step_template) || texts.iter().any(|t| t.is_template())
    }
}

/// What the server does at an entry point before it answers: evaluate
/// branches and assignments, then send one document.
#[derive(Clone, Debug, PartialEq)]
pub enum Plan {
    /// Answer with `Bundle::documents[index]`.
    Doc(usize),
    If {
        /// The condition as written in the source.
        cond: String,
        span: Span,
        then: Box<Plan>,
        otherwise: Box<Plan>,
    },
    Set {
        var: String,
        /// The expression as written in the source.
        value: String,
        span: Span,
        then: Box<Plan>,
    },
}

/// A point where a call (re)enters the flow: the start of a flow, or where an
/// outcome of a document leads.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub id: String,
    /// The state it is in (for people reading the manifest).
    pub state: Option<String>,
    pub plan: Plan,
}

/// A flow's starting point.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowStart {
    pub flow: String,
    pub entry: String,
    /// The flow's `voice` setting where it is written, so that a target that
    /// cannot honour it can point at it once rather than at every `say`.
    pub voice: Option<Spanned<Voice>>,
}

/// Everything a provider needs to run a project: its documents and how
/// callbacks move between them.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Bundle {
    pub flows: Vec<FlowStart>,
    pub entries: Vec<Entry>,
    pub documents: Vec<Document>,
}

impl Bundle {
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    pub fn document(&self, id: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.id == id)
    }
}
