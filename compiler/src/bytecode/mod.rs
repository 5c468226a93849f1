//! Bytecode: what the runtime's VM executes.
//!
//! A [`Program`] is compiled from the verified IR ([`compile`]), written to a
//! versioned little-endian binary format ([`encode`]), read back and checked
//! before any VM sees it ([`load`] = [`decode`] + [`Program::verify`]), and
//! printed for people ([`disasm`]). The byte layout, every opcode and what the
//! loader verifies are documented in `docs/bytecode.md`.
//!
//! Pure like the rest of the compiler: bytes and IR in, bytes, programs and
//! text out.
//!
//! The shape in short:
//! - expressions run on a value stack (`Push`, `Load`, comparisons, `Add` …,
//!   `JumpIfFalse`); strings with `{var}` interpolation are *template*
//!   constants that the VM renders when an instruction reads them;
//! - every call action is one instruction whose operands are constant,
//!   variable and state indices; outcome routes name *states*, so the VM knows
//!   when a state is entered (traces, menu retry counters);
//! - menus keep their key table in the state table, and their prompt lines are
//!   ordinary `Say`/`Play`/`Pause` instructions before the `Menu` instruction;
//! - flow defaults (voice, language, input timeout, retries, time zone) live in
//!   the flow table and are applied by the VM.

mod compile;
mod disasm;
mod encode;
mod verify;

#[cfg(test)]
mod tests;

pub use crate::ast::{DialMode, RejectReason};
pub use crate::hours::Rule;
pub use compile::compile;
pub use disasm::{disasm, show_number};
pub use encode::{decode, encode};
pub use verify::{LoadError, Section};

/// The four bytes every bytecode file starts with.
pub const MAGIC: [u8; 4] = *b"CFBC";

/// The format version this crate writes, and the only one it reads. See the
/// versioning policy in docs/bytecode.md.
pub const FORMAT_VERSION: u16 = 1;

/// Decode and verify bytecode: the only way a VM host should obtain a
/// [`Program`] from bytes it did not just compile. Hostile input gives a
/// [`LoadError`], never a panic or an absurd allocation.
pub fn load(bytes: &[u8]) -> Result<Program, LoadError> {
    let program = decode(bytes)?;
    program.verify()?;
    Ok(program)
}

/// A compiled project.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Program {
    /// Strings, numbers and interpolated strings, referenced by index.
    pub consts: Vec<Const>,
    /// Variable names; the built-ins `caller`, `called`, `call_id` are 0, 1, 2.
    pub vars: Vec<String>,
    pub flows: Vec<FlowDef>,
    pub states: Vec<StateDef>,
    /// `open_hours` schedules, parsed at compile time.
    pub schedules: Vec<ScheduleDef>,
    pub code: Vec<Instr>,
    pub debug: DebugInfo,
}

/// Number of built-in variables at the start of [`Program::vars`].
pub const BUILTIN_VAR_COUNT: usize = crate::ast::BUILTIN_VARS.len();

/// A constant.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    Str(String),
    /// A finite number (the loader refuses NaN and infinities).
    Num(f64),
    /// A string with `{var}` parts, rendered when read; an unset variable
    /// renders as "".
    Template(Vec<Part>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    Text(String),
    /// A variable index.
    Var(u32),
}

/// One `flow`: an entry point and its defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowDef {
    pub name: String,
    /// State index of `start`.
    pub start: u32,
    pub voice: Option<VoiceRef>,
    /// Constant index (text).
    pub language: Option<u32>,
    pub input_timeout_ms: Option<u64>,
    pub retries: Option<u32>,
    /// Constant index (text): an IANA zone name.
    pub timezone: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoiceRef {
    Male,
    Female,
    /// Constant index (text) of a provider voice name.
    Named(u32),
}

/// One state: a step or a menu, and the pc where its code starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateDef {
    pub name: String,
    pub entry: u32,
    /// `Some` for a `menu`: its key table and settings.
    pub menu: Option<MenuDef>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MenuDef {
    /// `None`: the flow's `retries`, else the VM default (2).
    pub retries: Option<u32>,
    /// `None`: the flow's `input_timeout`, else the VM default (5 s).
    pub input_timeout_ms: Option<u64>,
    /// Listed keys (`0`–`9`, `*`, `#`) in source order.
    pub keys: Vec<(char, Route)>,
    pub timeout: Route,
    pub invalid: Route,
    pub exhausted: Route,
}

/// Where a menu outcome goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// Play the menu again; counts as a retry.
    Repeat,
    /// Enter a state (by index) afresh.
    State(u32),
    /// End the call (an unrouted `exhausted`).
    Hangup,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleDef {
    /// The schedule as written, for people (the disassembler).
    pub text: String,
    pub rules: Vec<Rule>,
}

impl ScheduleDef {
    /// Is it open on `weekday` (0 = Monday) at `minute` after local midnight?
    pub fn is_open(&self, weekday: u8, minute: u16) -> bool {
        crate::hours::is_open(&self.rules, weekday, minute)
    }
}

/// Source positions: which file, bytes and line each instruction and state
/// comes from, and the text of those lines. Either list may be empty
/// (stripped debug info); otherwise it has one entry per instruction / state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DebugInfo {
    pub files: Vec<DebugFile>,
    pub states: Vec<Loc>,
    pub code: Vec<Loc>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DebugFile {
    pub name: String,
    /// `(line, text)` for every line some `Loc` names, sorted by line.
    pub lines: Vec<(u32, String)>,
}

/// A source position: file index into [`DebugInfo::files`], byte span, and
/// 1-based line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Loc {
    pub file: u32,
    pub start: u32,
    pub end: u32,
    pub line: u32,
}

/// One instruction. Indices: `u32` constant, variable, state, flow, schedule
/// indices and pcs, all checked by [`Program::verify`].
#[derive(Clone, Debug, PartialEq)]
pub enum Instr {
    // ── expressions (a value stack) ──
    /// Push a constant; a template is rendered to text.
    Push(u32),
    PushBool(bool),
    PushDuration(u64),
    /// Push a variable's value ("" when unset).
    Load(u32),
    /// Pop into a variable.
    Store(u32),
    Not,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    /// Pop `part`, pop `text`, push yes/no.
    StartsWith,
    EndsWith,
    Contains,
    /// Pop text, push its number of characters.
    Length,
    /// Push whether the schedule is open now; with `tz`, pop the zone name
    /// first, else use the flow's `timezone`.
    OpenHours {
        schedule: u32,
        tz: bool,
    },
    // ── control ──
    Jump(u32),
    /// Pop a yes/no value; jump when it is false.
    JumpIfFalse(u32),
    /// Enter a state afresh (trace, menu retry counter reset).
    Goto(u32),
    // ── call actions ──
    Say {
        text: u32,
        voice: Option<VoiceRef>,
        language: Option<u32>,
        repeat: u32,
    },
    Play {
        source: u32,
        repeat: u32,
    },
    Pause {
        ms: u64,
    },
    /// Wait for one key of the menu `state` (its prompt lines come before).
    Menu {
        state: u32,
    },
    Collect(Box<CollectOp>),
    Record(Box<RecordOp>),
    StartRecording,
    StopRecording,
    Dial(Box<DialOp>),
    Enqueue {
        queue: u32,
        hold_music: Option<MusicRef>,
    },
    Dequeue {
        queue: u32,
        number: Option<u32>,
    },
    Park {
        intro: Option<u32>,
        hold: Option<u32>,
        max_ms: Option<u64>,
    },
    Conference(Box<ConferenceOp>),
    Stream {
        url: u32,
        max_ms: Option<u64>,
    },
    RedirectUrl(u32),
    /// Continue in another flow (by index), at its start, with its defaults.
    RedirectFlow(u32),
    Reject(Option<RejectReason>),
    Hangup,
    /// Control fell off the end of a step (a dead end the checker forbids):
    /// hang up.
    End,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollectOp {
    pub var: u32,
    pub min_digits: Option<u32>,
    pub max_digits: Option<u32>,
    pub finish: Option<u32>,
    pub timeout_ms: Option<u64>,
    pub speech: bool,
    pub speech_language: Option<u32>,
    /// State for `on timeout`; `None`: store "" and continue.
    pub on_timeout: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordOp {
    pub var: Option<u32>,
    pub max_ms: Option<u64>,
    pub finish: Option<u32>,
    pub timeout_ms: Option<u64>,
    pub beep: bool,
    pub trim_silence: bool,
    pub on_timeout: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialOp {
    pub targets: Vec<u32>,
    pub mode: Option<DialMode>,
    pub caller_id: Option<u32>,
    pub timeout_ms: Option<u64>,
    pub max_duration_ms: Option<u64>,
    pub record: bool,
    pub send_digits: Option<u32>,
    pub ringback: Option<u32>,
    /// `None`: unrouted answered ends the call.
    pub on_answered: Option<u32>,
    /// `None`: unrouted failures continue with the next instruction.
    pub on_busy: Option<u32>,
    pub on_no_answer: Option<u32>,
    pub on_failed: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConferenceOp {
    pub room: u32,
    pub hold_music: Option<MusicRef>,
    pub muted: bool,
    pub beep: bool,
    pub start_on_enter: bool,
    pub end_on_exit: bool,
    pub max_duration_ms: Option<u64>,
}

/// Hold music: a provider's built-in music by name, or an audio location.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MusicRef {
    Builtin(u32),
    Audio(u32),
}

impl Instr {
    /// Can control continue with the next instruction after this one? False
    /// for jumps, state changes, waits that always route (menus) and actions
    /// that end the call.
    pub fn falls_through(&self) -> bool {
        !matches!(
            self,
            Instr::Jump(_)
                | Instr::Goto(_)
                | Instr::Menu { .. }
                | Instr::Enqueue { .. }
                | Instr::Dequeue { .. }
                | Instr::Park { .. }
                | Instr::Conference(_)
                | Instr::Stream { .. }
                | Instr::RedirectUrl(_)
                | Instr::RedirectFlow(_)
                | Instr::Reject(_)
                | Instr::Hangup
                | Instr::End
        )
    }

    /// The mnemonic the disassembler and docs use.
    pub fn mnemonic(&self) -> &'static str {
        match self {
            Instr::Push(_) => "push",
            Instr::PushBool(_) => "push_bool",
            Instr::PushDuration(_) => "push_duration",
            Instr::Load(_) => "load",
            Instr::Store(_) => "store",
            Instr::Not => "not",
            Instr::Eq => "eq",
            Instr::Ne => "ne",
            Instr::Lt => "lt",
            Instr::Le => "le",
            Instr::Gt => "gt",
            Instr::Ge => "ge",
            Instr::Add => "add",
            Instr::Sub => "sub",
            Instr::StartsWith => "starts_with",
            Instr::EndsWith => "ends_with",
            Instr::Contains => "contains",
            Instr::Length => "length",
            Instr::OpenHours { .. } => "open_hours",
            Instr::Jump(_) => "jump",
            Instr::JumpIfFalse(_) => "jump_if_false",
            Instr::Goto(_) => "goto",
            Instr::Say { .. } => "say",
            Instr::Play { .. } => "play",
            Instr::Pause { .. } => "pause",
            Instr::Menu { .. } => "menu",
            Instr::Collect(_) => "collect",
            Instr::Record(_) => "record",
            Instr::StartRecording => "start_recording",
            Instr::StopRecording => "stop_recording",
            Instr::Dial(_) => "dial",
            Instr::Enqueue { .. } => "enqueue",
            Instr::Dequeue { .. } => "dequeue",
            Instr::Park { .. } => "park",
            Instr::Conference(_) => "conference",
            Instr::Stream { .. } => "stream",
            Instr::RedirectUrl(_) => "redirect",
            Instr::RedirectFlow(_) => "redirect_flow",
            Instr::Reject(_) => "reject",
            Instr::Hangup => "hangup",
            Instr::End => "end",
        }
    }
}

impl Program {
    /// The state whose code starts at `pc`, if any.
    pub fn state_at(&self, pc: u32) -> Option<usize> {
        self.states.iter().position(|s| s.entry == pc)
    }

    /// The index of the flow named `name`.
    pub fn flow_named(&self, name: &str) -> Option<usize> {
        self.flows.iter().position(|f| f.name == name)
    }
}
