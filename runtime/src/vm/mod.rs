//! The VM: runs one call of a bytecode [`Program`], sans IO.
//!
//! A host (simulator, scenario tests, webhook server, SIP/RTP runtime) creates
//! one [`Vm`] per call and drives it with [`Vm::resume`]: it passes an
//! [`Event`] (the call started, a prompt finished, the caller pressed keys …)
//! and gets back the next [`Effect`] to carry out (say this, wait for a key,
//! dial that number, hang up …). The VM has no clock, threads, files or
//! sockets: time comes in through [`Vm::set_clock`], everything else through
//! events. So every host runs a flow exactly the same way.
//!
//! The protocol:
//! - first `resume(Event::Start)`;
//! - `Say`, `Play`, `Pause`, `StartRecording`, `StopRecording` → `Event::Done`
//!   when the host has carried it out;
//! - `GetKey` (a menu) → `Digits` (the first key counts) or `Timeout`;
//! - `Collect` → `Digits`, `Speech` (when `speech` is set) or `Timeout`;
//! - `Record` → `RecordingDone` or `Timeout`;
//! - `Dial` → `DialResult`;
//! - `Enqueue`, `Dequeue`, `Park`, `Conference`, `Stream`, `Redirect`,
//!   `Reject`, `Hangup` end the VM's part of the call: it is finished, and any
//!   further `resume` returns `Effect::Error(VmError::Finished)`;
//! - `CallerHangup` is accepted at any time and finishes the call.
//!
//! An event that does not fit what the VM waits for gives
//! `Effect::Error(VmError::UnexpectedEvent { .. })` and changes nothing: the
//! VM still waits for the same thing. Any other `Effect::Error` is a fault
//! (a hostile or broken program, a missing clock, a bad time zone): the VM is
//! finished and the host should end the call ([`VmError::is_fatal`]).
//!
//! Hostile bytecode cannot hang or exhaust the host: a resume runs at most
//! [`MAX_STEPS`] instructions, the value stack holds at most [`MAX_STACK`]
//! values and a text value at most [`MAX_TEXT`] bytes. Run programs through
//! [`callflow_compiler::bytecode::load`] (or [`Program::verify`]) first; the
//! VM uses checked access everywhere, so an unverified program gives
//! `Effect::Error`, never a panic.

use callflow_compiler::analysis::literals::show_ms;
use callflow_compiler::bytecode::{BUILTIN_VAR_COUNT, Program, show_number};
use std::fmt;
use std::sync::Arc;

pub use callflow_compiler::ast::{DialMode, RejectReason, Voice};

mod exec;
#[cfg(test)]
mod tests;

/// Instructions one `resume` may run before the VM gives up with
/// [`VmError::StepLimit`]. Real flows run a few dozen between two effects;
/// the checker rejects loops that never wait for the caller, but hostile
/// bytecode must not hang the runtime.
pub const MAX_STEPS: u32 = 100_000;
/// Depth of the expression stack (the parser limits nesting to 64).
pub const MAX_STACK: usize = 256;
/// Longest text value, in bytes: interpolation and `+` stop there.
pub const MAX_TEXT: usize = 64 * 1024;
pub use callflow_compiler::defaults::{DEFAULT_INPUT_TIMEOUT_MS, DEFAULT_RETRIES};
/// Trace events kept between two [`Vm::drain_trace`] calls; later ones are
/// dropped, so a host that never drains cannot make a call grow without bound.
pub const MAX_TRACE: usize = 4_096;

/// Who is calling whom, and which flow answers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallInfo {
    pub caller: String,
    pub called: String,
    pub call_id: String,
    /// The flow that answers; `None` = the program's first flow.
    pub flow: Option<String>,
}

/// What happened on the call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The call is answered (or placed): run to the first effect.
    Start,
    /// The last `Say`, `Play`, `Pause`, `StartRecording` or `StopRecording`
    /// has been carried out.
    Done,
    /// Keys pressed: for a menu the first key counts; for `collect` the digits
    /// (a trailing finish key is removed).
    Digits(String),
    /// Recognised speech, for a `collect … speech`.
    Speech(String),
    /// Nothing came in time (menu, collect, record).
    Timeout,
    DialResult(DialOutcome),
    /// A `record` ended normally; `location` is stored in its variable.
    RecordingDone {
        location: String,
        duration_ms: u64,
    },
    /// The caller put the phone down.
    CallerHangup,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DialOutcome {
    Answered,
    Busy,
    NoAnswer,
    Failed,
}

/// Hold music: a provider's built-in music by name, or an audio location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HoldMusic {
    Builtin(String),
    Audio(String),
}

/// Why the VM ended the call with [`Effect::Hangup`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HangupReason {
    /// A `hangup` statement, or a dial answered without `on answered` (the
    /// call ends with the bridged call).
    Flow,
    /// A menu ran out of retries and has no `exhausted` route.
    MenuExhausted,
    /// Control fell off the end of a step (only in bytecode the checker would
    /// have refused).
    FellOffEnd,
    /// The caller hung up (`Event::CallerHangup`).
    CallerHungUp,
    /// Not produced by the VM (a fault is `Effect::Error`); for hosts that
    /// record why they hung up after a fatal error.
    Error,
}

/// What the host should do next. Texts are resolved: interpolated, with the
/// flow's defaults applied; `None` is a setting neither the statement nor
/// the flow gives (the host's or provider's default applies).
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Say {
        text: String,
        voice: Option<Voice>,
        language: Option<String>,
        repeat: u32,
    },
    Play {
        source: String,
        repeat: u32,
    },
    Pause {
        ms: u64,
    },
    /// A menu waits for one key. `valid_keys` are the keys it lists, in order
    /// (any other key is its `invalid` outcome).
    GetKey {
        valid_keys: String,
        timeout_ms: u64,
    },
    Collect {
        min_digits: Option<u32>,
        max_digits: Option<u32>,
        finish_key: Option<String>,
        timeout_ms: u64,
        /// Speech input is accepted too.
        speech: bool,
        /// The recognition language: the collect's, else the flow's
        /// `language` (only when `speech`).
        speech_language: Option<String>,
    },
    Record {
        max_ms: Option<u64>,
        finish_key: Option<String>,
        timeout_ms: Option<u64>,
        beep: bool,
        trim_silence: bool,
    },
    StartRecording,
    StopRecording,
    Dial {
        targets: Vec<String>,
        mode: Option<DialMode>,
        caller_id: Option<String>,
        timeout_ms: Option<u64>,
        max_duration_ms: Option<u64>,
        record: bool,
        send_digits: Option<String>,
        ringback: Option<String>,
    },
    Enqueue {
        queue: String,
        /// The statement's `hold_music`, else the queue's.
        hold_music: Option<HoldMusic>,
    },
    Dequeue {
        queue: String,
        number: Option<String>,
    },
    Park {
        intro: Option<String>,
        hold: Option<String>,
        max_ms: Option<u64>,
    },
    Conference {
        room: String,
        hold_music: Option<HoldMusic>,
        muted: bool,
        beep: bool,
        start_on_enter: bool,
        end_on_exit: bool,
        max_duration_ms: Option<u64>,
    },
    Stream {
        url: String,
        max_duration_ms: Option<u64>,
    },
    Redirect {
        url: String,
    },
    Reject {
        reason: Option<RejectReason>,
    },
    Hangup {
        reason: HangupReason,
    },
    Error(VmError),
}

impl Effect {
    /// Does the call end (for this VM) with this effect?
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Effect::Enqueue { .. }
                | Effect::Dequeue { .. }
                | Effect::Park { .. }
                | Effect::Conference { .. }
                | Effect::Stream { .. }
                | Effect::Redirect { .. }
                | Effect::Reject { .. }
                | Effect::Hangup { .. }
        )
    }
}

/// What the VM did, for traces and coverage. Drained with [`Vm::drain_trace`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceEvent {
    /// A state was entered afresh (the flow's start, a `goto`, a route). A
    /// menu's `repeat` is a `Transition` to itself without an `EnterState`.
    EnterState { state: String, flow: String },
    /// A move between states. `outcome` is the IR edge label: `next` (goto,
    /// `redirect flow`), `key 1`, `timeout`, `invalid`, `exhausted`,
    /// `answered`, `busy`, `no answer`, `failed`.
    Transition { from: String, outcome: String, to: String },
}

/// Why the VM cannot go on. All but [`VmError::UnexpectedEvent`] are fatal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VmError {
    /// The program has no flow to answer with.
    NoFlows,
    /// `CallInfo::flow` names no flow of the program.
    NoSuchFlow(String),
    /// The event does not fit what the VM waits for; nothing changed.
    UnexpectedEvent {
        event: &'static str,
        expected: &'static str,
    },
    /// The call has already ended.
    Finished,
    /// More than [`MAX_STEPS`] instructions without an effect.
    StepLimit { pc: u32 },
    /// More than [`MAX_STACK`] values on the expression stack.
    StackOverflow { pc: u32 },
    /// An instruction needs a value the stack does not have.
    StackUnderflow { pc: u32 },
    /// A value of the wrong kind (e.g. a condition that is not yes/no).
    TypeMismatch { pc: u32, expected: &'static str },
    /// A text value would grow past [`MAX_TEXT`] bytes.
    ValueTooLarge { pc: u32 },
    /// `open_hours` ran before the host called [`Vm::set_clock`].
    ClockNotSet { pc: u32 },
    /// `open_hours` needs a time zone that is not an IANA name (or none at all).
    BadTimeZone { pc: u32, zone: String },
    /// The program refers to something that does not exist (unverified
    /// bytecode).
    BadProgram { pc: u32, what: &'static str },
}

impl VmError {
    /// Is the call over? Everything but an unexpected event is.
    pub fn is_fatal(&self) -> bool {
        !matches!(self, VmError::UnexpectedEvent { .. })
    }
}

impl fmt::Display for VmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VmError::NoFlows => write!(f, "the program has no flow"),
            VmError::NoSuchFlow(name) => write!(f, "the program has no flow `{name}`"),
            VmError::UnexpectedEvent { event, expected } => {
                write!(f, "unexpected event `{event}` while waiting for {expected}")
            }
            VmError::Finished => write!(f, "the call has already ended"),
            VmError::StepLimit { pc } => write!(
                f,
                "pc {pc}: more than {MAX_STEPS} instructions without waiting for the caller (a loop?)"
            ),
            VmError::StackOverflow { pc } => write!(f, "pc {pc}: expression stack overflow"),
            VmError::StackUnderflow { pc } => write!(f, "pc {pc}: expression stack underflow"),
            VmError::TypeMismatch { pc, expected } => write!(f, "pc {pc}: expected {expected}"),
            VmError::ValueTooLarge { pc } => write!(f, "pc {pc}: a text grew past {MAX_TEXT} bytes"),
            VmError::ClockNotSet { pc } => write!(f, "pc {pc}: open_hours needs the time (Vm::set_clock)"),
            VmError::BadTimeZone { pc, zone } if zone.is_empty() => {
                write!(f, "pc {pc}: open_hours has no time zone")
            }
            VmError::BadTimeZone { pc, zone } => write!(f, "pc {pc}: `{zone}` is not an IANA time zone"),
            VmError::BadProgram { pc, what } => write!(f, "pc {pc}: bad program: {what}"),
        }
    }
}

impl std::error::Error for VmError {}

/// A value of an expression or variable.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Str(String),
    Num(f64),
    Bool(bool),
    Dur(u64),
}

impl Value {
    fn display(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
            Value::Num(n) => show_number(*n),
            Value::Bool(b) => b.to_string(),
            Value::Dur(ms) => show_ms(*ms),
        }
    }

    fn push_display(&self, out: &mut String) {
        match self {
            Value::Str(s) => out.push_str(s),
            other => out.push_str(&other.display()),
        }
    }

    /// The number a value stands for: numbers, and texts that are digit
    /// strings (`"0042"`, `"2.5"`).
    fn number(&self) -> Option<f64> {
        match self {
            Value::Num(n) => Some(*n),
            Value::Str(s) => parse_number(s),
            _ => None,
        }
    }

    fn heap_size(&self) -> usize {
        match self {
            Value::Str(s) => s.capacity(),
            _ => 0,
        }
    }
}

/// Digits with an optional fraction, as the language writes numbers; nothing
/// else (no sign, exponent, `inf` or `NaN`).
fn parse_number(s: &str) -> Option<f64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if digits(int) && digits(frac) {
        s.parse().ok()
    } else {
        None
    }
}

/// What the VM waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wait {
    Start,
    Done,
    Key,
    Collect,
    Record,
    Dial,
    Finished,
}

impl Wait {
    fn expected(self) -> &'static str {
        match self {
            Wait::Start => "start",
            Wait::Done => "done",
            Wait::Key => "a key or a timeout (menu)",
            Wait::Collect => "digits, speech or a timeout (collect)",
            Wait::Record => "the recording or a timeout (record)",
            Wait::Dial => "the dial result",
            Wait::Finished => "nothing (the call has ended)",
        }
    }
}

impl Event {
    fn name(&self) -> &'static str {
        match self {
            Event::Start => "start",
            Event::Done => "done",
            Event::Digits(_) => "digits",
            Event::Speech(_) => "speech",
            Event::Timeout => "timeout",
            Event::DialResult(_) => "dial result",
            Event::RecordingDone { .. } => "recording done",
            Event::CallerHangup => "caller hangup",
        }
    }
}

/// One call. Small: indices into the shared program, the variables, and a
/// value stack that is empty between resumes.
pub struct Vm {
    program: Arc<Program>,
    /// The instruction to run next, or the one whose effect is pending
    /// (menus, collect, record, dial wait *at* their instruction).
    pc: u32,
    state: u32,
    flow: u32,
    /// Replays of the current menu since it was entered afresh.
    retries_used: u32,
    wait: Wait,
    tracing: bool,
    clock_ms: Option<i64>,
    vars: Vec<Option<Value>>,
    stack: Vec<Value>,
    trace: Vec<TraceEvent>,
}

/// Keep host-supplied text within [`MAX_TEXT`] bytes (on a char boundary).
fn capped(mut s: String) -> String {
    if s.len() > MAX_TEXT {
        let mut end = MAX_TEXT;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

impl Vm {
    /// A call of `program` (verified: see [`callflow_compiler::bytecode::load`]) in `call.flow`,
    /// positioned at the flow's start; nothing runs before `Event::Start`.
    pub fn new(program: Arc<Program>, call: CallInfo) -> Result<Vm, VmError> {
        let flow = match &call.flow {
            None if program.flows.is_empty() => return Err(VmError::NoFlows),
            None => 0,
            Some(name) => program
                .flow_named(name)
                .ok_or_else(|| VmError::NoSuchFlow(name.clone()))?,
        };
        let start = program.flows.get(flow).map(|f| f.start).ok_or(VmError::NoFlows)?;
        if program.states.get(start as usize).is_none() || program.vars.len() < BUILTIN_VAR_COUNT {
            return Err(VmError::BadProgram {
                pc: 0,
                what: "the flow's start state or the built-in variables are missing",
            });
        }
        let mut vars = vec![None; program.vars.len()];
        for (slot, value) in vars.iter_mut().zip([call.caller, call.called, call.call_id]) {
            *slot = Some(Value::Str(capped(value)));
        }
        Ok(Vm {
            program,
            pc: 0,
            state: start,
            flow: u32::try_from(flow).unwrap_or(0),
            retries_used: 0,
            wait: Wait::Start,
            tracing: true,
            clock_ms: None,
            vars,
            stack: Vec::new(),
            trace: Vec::new(),
        })
    }

    /// Time is passed in: milliseconds since the Unix epoch (UTC). The VM
    /// uses it for open_hours in the flow's (or the call's tz:) time zone.
    pub fn set_clock(&mut self, unix_ms: i64) {
        self.clock_ms = Some(unix_ms);
    }

    /// Record trace events (on by default). Hosts that never look at the
    /// trace can turn it off to save the allocations.
    pub fn set_tracing(&mut self, on: bool) {
        self.tracing = on;
    }

    /// The state the call is in (before `Start`: the flow's start state;
    /// after the end: the state it ended in).
    pub fn current_state(&self) -> Option<&str> {
        self.program.states.get(self.state as usize).map(|s| s.name.as_str())
    }

    /// The flow the call is in (it changes with `redirect flow`).
    pub fn current_flow(&self) -> Option<&str> {
        self.program.flows.get(self.flow as usize).map(|f| f.name.as_str())
    }

    /// What happened since the last drain: states entered and transitions taken (for traces and coverage).
    pub fn drain_trace(&mut self) -> Vec<TraceEvent> {
        std::mem::take(&mut self.trace)
    }

    pub fn is_finished(&self) -> bool {
        self.wait == Wait::Finished
    }

    /// Bytes one call's VM state takes: the struct plus what it owns on the
    /// heap (variables, stack, pending trace). The program is shared by all
    /// calls (`Arc`) and not counted.
    pub fn state_size(&self) -> usize {
        let var_slots = self.vars.capacity() * std::mem::size_of::<Option<Value>>();
        let var_heap: usize = self.vars.iter().flatten().map(Value::heap_size).sum();
        let stack = self.stack.capacity() * std::mem::size_of::<Value>()
            + self.stack.iter().map(Value::heap_size).sum::<usize>();
        let trace = self.trace.capacity() * std::mem::size_of::<TraceEvent>()
            + self
                .trace
                .iter()
                .map(|t| match t {
                    TraceEvent::EnterState { state, flow } => state.capacity() + flow.capacity(),
                    TraceEvent::Transition { from, outcome, to } => {
                        from.capacity() + outcome.capacity() + to.capacity()
                    }
                })
                .sum::<usize>();
        std::mem::size_of::<Vm>() + var_slots + var_heap + stack + trace
    }

    /// Feed one event; get the next effect.
    pub fn resume(&mut self, event: Event) -> Effect {
        if self.wait == Wait::Finished {
            return Effect::Error(VmError::Finished);
        }
        if event == Event::CallerHangup {
            self.wait = Wait::Finished;
            return Effect::Hangup {
                reason: HangupReason::CallerHungUp,
            };
        }
        let result = match (self.wait, event) {
            (Wait::Start, Event::Start) => self.enter(self.state, None).map(|()| None),
            (Wait::Done, Event::Done) => Ok(None),
            (Wait::Key, Event::Digits(keys)) => self.menu_input(keys.chars().next()),
            (Wait::Key, Event::Timeout) => self.menu_input(None),
            (Wait::Collect, Event::Digits(digits)) => self.collected(digits, false),
            (Wait::Collect, Event::Speech(text)) => self.collected(text, true),
            (Wait::Collect | Wait::Record, Event::Timeout) => self.input_timeout(),
            (Wait::Record, Event::RecordingDone { location, .. }) => self.recorded(location),
            (Wait::Dial, Event::DialResult(outcome)) => self.dialled(outcome),
            (wait, event) => Err(VmError::UnexpectedEvent {
                event: event.name(),
                expected: wait.expected(),
            }),
        };
        match result {
            Ok(None) => self.run(),
            Ok(Some(end)) => {
                self.wait = Wait::Finished;
                end
            }
            // The event was refused before anything changed.
            Err(e @ VmError::UnexpectedEvent { .. }) => Effect::Error(e),
            Err(e) => self.fault(e),
        }
    }
}
