//! The simulated phone: a VM host in which the caller is a script or a
//! person at a terminal. `callflow test` and `callflow sim` both drive calls
//! through [`Call`], so a scenario and a simulator session of the same inputs
//! do exactly the same thing.
//!
//! Prompts and recording switches are carried out at once (answered with
//! `Done`); menus, collects, records and dials wait for a [`CallerAction`],
//! which must fit what the call waits for; an ending effect ends the call.

use super::action::{CallerAction, DialResult};
use super::clock;
use super::coverage::Transition;
use super::file::CallSetup;
use crate::vm::{CallInfo, DialOutcome, Effect, Event, HangupReason, RejectReason, TraceEvent, Vm};
use callflow_compiler::bytecode::{Const, Program};
use std::sync::Arc;

/// Effects one call may produce without waiting for the caller before the
/// host calls it a runaway (the checker forbids such flows; bytecode from
/// elsewhere might not).
pub const MAX_EFFECTS_BETWEEN_WAITS: usize = 10_000;

/// Something that happened on the call, in order, for transcripts and output.
#[derive(Clone, Debug, PartialEq)]
pub enum Happening {
    /// A state was entered afresh.
    Entered { state: String, flow: String },
    /// A move between states (`from` = `to` for a menu's `repeat`).
    Moved(Transition),
    /// The phone did something that needs no answer from the caller.
    Did(Action),
    /// The call waits for the caller (or for the far end of a dial).
    Waits(Wait),
    /// The caller acted.
    Input(CallerAction),
    /// The call is over; how, in words (see `ending`).
    Ended(String),
    /// The VM reported a fault; the call is over.
    Failed(String),
}

/// An effect carried out at once.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Say(String),
    Play(String),
    Pause(u64),
    StartRecording,
    StopRecording,
}

impl Action {
    /// What the caller hears, for transcripts: the text said, `play LOCATION`;
    /// `None` for silence and recording switches.
    pub fn heard(&self) -> Option<String> {
        match self {
            Action::Say(text) => Some(text.clone()),
            Action::Play(source) => Some(format!("play {source}")),
            _ => None,
        }
    }
}

/// What the call waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wait {
    /// A menu: one key.
    Key {
        valid_keys: String,
    },
    /// A `collect`: digits, or speech when `speech`.
    Digits {
        speech: bool,
        finish_key: Option<String>,
    },
    Recording,
    Dial {
        targets: Vec<String>,
    },
}

impl Wait {
    /// `a key (menu: 1 2 3 *)`, for prompts and messages.
    pub fn describe(&self) -> String {
        match self {
            Wait::Key { valid_keys } => {
                let keys: Vec<String> = valid_keys.chars().map(String::from).collect();
                format!("a key (menu: {})", keys.join(" "))
            }
            Wait::Digits { speech: true, .. } => "digits or speech (collect)".to_string(),
            Wait::Digits {
                finish_key: Some(key), ..
            } => format!("digits, ending with {key} (collect)"),
            Wait::Digits { .. } => "digits (collect)".to_string(),
            Wait::Recording => "a recording (record)".to_string(),
            Wait::Dial { targets } => format!("the result of dialling {}", targets.join(", ")),
        }
    }

    /// The words that answer this wait, for the interactive prompt.
    pub fn hint(&self) -> &'static str {
        match self {
            Wait::Key { .. } => "a key, t = timeout, h = hang up",
            Wait::Digits { speech: true, .. } => "digits, speech \"…\", t = timeout, h = hang up",
            Wait::Digits { .. } => "digits, t = timeout, h = hang up",
            Wait::Recording => "record 12s, t = silence, h = hang up",
            Wait::Dial { .. } => "answered, busy, no answer, failed, h = hang up",
        }
    }

    /// The VM event for `action`, or why it does not fit.
    fn event_for(&self, action: &CallerAction, recording_number: u32) -> Result<Event, String> {
        let misfit = || {
            Err(format!(
                "`{action}` does not fit: the call waits for {}",
                self.describe()
            ))
        };
        match (self, action) {
            (_, CallerAction::Hangup) => Ok(Event::CallerHangup),
            (Wait::Dial { .. }, CallerAction::Dial(result)) => Ok(Event::DialResult(outcome(*result))),
            (Wait::Dial { .. }, _) => misfit(),
            (_, CallerAction::Timeout) => Ok(Event::Timeout),
            (Wait::Key { .. }, CallerAction::Keys(keys)) if keys.chars().count() == 1 => {
                Ok(Event::Digits(keys.clone()))
            }
            (Wait::Key { .. }, CallerAction::Keys(keys)) => {
                Err(format!("`{keys}` is several keys, but a menu takes one key"))
            }
            (Wait::Digits { .. }, CallerAction::Keys(keys)) => Ok(Event::Digits(keys.clone())),
            (Wait::Digits { speech: true, .. }, CallerAction::Speech(words)) => Ok(Event::Speech(words.clone())),
            (Wait::Digits { speech: false, .. }, CallerAction::Speech(_)) => Err(format!(
                "`{action}` does not fit: this collect takes keys only (it has no `speech`)"
            )),
            (Wait::Recording, CallerAction::Recorded { duration_ms }) => Ok(Event::RecordingDone {
                location: format!("recording-{recording_number}.wav"),
                duration_ms: *duration_ms,
            }),
            _ => misfit(),
        }
    }
}

fn outcome(result: DialResult) -> DialOutcome {
    match result {
        DialResult::Answered => DialOutcome::Answered,
        DialResult::Busy => DialOutcome::Busy,
        DialResult::NoAnswer => DialOutcome::NoAnswer,
        DialResult::Failed => DialOutcome::Failed,
    }
}

/// One simulated call.
pub struct Call {
    vm: Vm,
    /// The event to send at the next `advance`.
    pending: Option<Event>,
    waiting: Option<Wait>,
    /// What the caller last did, to word the ending (`dial answered`,
    /// `caller hangup`).
    last_input: Option<(Wait, CallerAction)>,
    recordings: u32,
    /// The flow of the last state entered, to tell `redirect flow` from `goto`.
    flow: Option<String>,
    over: bool,
}

impl Call {
    /// A call set up as `setup` says (numbers, time, flow), not yet started.
    pub fn new(program: &Arc<Program>, setup: &CallSetup) -> Result<Call, String> {
        let zone = flow_zone(program, setup.flow.as_deref());
        let at = clock::unix_ms(&setup.at, zone.as_deref()).map_err(|e| format!("`at`: {e}"))?;
        let mut call = Call::without_clock(program, setup)?;
        call.vm.set_clock(at);
        Ok(call)
    }

    /// A call at a given instant (the simulator's "now").
    pub fn at_instant(program: &Arc<Program>, setup: &CallSetup, unix_ms: i64) -> Result<Call, String> {
        let mut call = Call::without_clock(program, setup)?;
        call.vm.set_clock(unix_ms);
        Ok(call)
    }

    fn without_clock(program: &Arc<Program>, setup: &CallSetup) -> Result<Call, String> {
        let info = CallInfo {
            caller: setup.caller.clone(),
            called: setup.called.clone(),
            call_id: setup.call_id.clone(),
            flow: setup.flow.clone(),
        };
        let vm = Vm::new(Arc::clone(program), info).map_err(|e| e.to_string())?;
        Ok(Call {
            vm,
            pending: Some(Event::Start),
            waiting: None,
            last_input: None,
            recordings: 0,
            flow: None,
            over: false,
        })
    }

    /// What the call waits for now, if anything.
    pub fn waiting(&self) -> Option<&Wait> {
        self.waiting.as_ref()
    }

    pub fn is_over(&self) -> bool {
        self.over
    }

    pub fn current_state(&self) -> Option<&str> {
        self.vm.current_state()
    }

    /// Give the caller's action to what the call waits for. On a misfit
    /// nothing changes and the call still waits.
    pub fn act(&mut self, action: CallerAction) -> Result<Happening, String> {
        let Some(wait) = self.waiting.take() else {
            return Err(match self.over {
                true => format!("`{action}` comes after the call ended"),
                false => format!("`{action}` comes while the call is not waiting for the caller"),
            });
        };
        let number = self.recordings + 1;
        match wait.event_for(&action, number) {
            Ok(event) => {
                if matches!(event, Event::RecordingDone { .. }) {
                    self.recordings = number;
                }
                self.pending = Some(event);
                self.last_input = Some((wait, action.clone()));
                Ok(Happening::Input(action))
            }
            Err(why) => {
                self.waiting = Some(wait);
                Err(why)
            }
        }
    }

    /// Run until the call waits for the caller or is over; returns what
    /// happened meanwhile, in order.
    pub fn advance(&mut self) -> Vec<Happening> {
        let mut out = Vec::new();
        for _ in 0..MAX_EFFECTS_BETWEEN_WAITS {
            let Some(event) = self.pending.take() else {
                return out;
            };
            let effect = self.vm.resume(event);
            self.trace(&mut out);
            match self.classify(effect) {
                Step::Did(action) => {
                    out.push(Happening::Did(action));
                    self.pending = Some(Event::Done);
                }
                Step::Waits(wait) => {
                    out.push(Happening::Waits(wait.clone()));
                    self.waiting = Some(wait);
                    return out;
                }
                Step::Ended(how) => {
                    self.over = true;
                    out.push(Happening::Ended(how));
                    return out;
                }
                Step::Failed(why) => {
                    self.over = true;
                    out.push(Happening::Failed(why));
                    return out;
                }
            }
        }
        self.over = true;
        out.push(Happening::Failed(format!(
            "more than {MAX_EFFECTS_BETWEEN_WAITS} effects without waiting for the caller"
        )));
        out
    }

    /// Move the VM's trace into `out`, naming plain moves `goto` or
    /// `redirect flow` (the VM calls both `next`).
    fn trace(&mut self, out: &mut Vec<Happening>) {
        let trace = self.vm.drain_trace();
        for (i, event) in trace.iter().enumerate() {
            match event {
                TraceEvent::EnterState { state, flow } => {
                    self.flow = Some(flow.clone());
                    out.push(Happening::Entered {
                        state: state.clone(),
                        flow: flow.clone(),
                    });
                }
                TraceEvent::Transition { from, outcome, to } => {
                    let outcome = if outcome == "next" {
                        let next_flow = trace.get(i + 1).and_then(|next| match next {
                            TraceEvent::EnterState { flow, .. } => Some(flow),
                            TraceEvent::Transition { .. } => None,
                        });
                        match (next_flow, &self.flow) {
                            (Some(next), Some(current)) if next != current => "redirect flow".to_string(),
                            _ => "goto".to_string(),
                        }
                    } else {
                        outcome.clone()
                    };
                    out.push(Happening::Moved(Transition {
                        from: from.clone(),
                        outcome,
                        to: to.clone(),
                    }));
                }
            }
        }
    }

    fn classify(&mut self, effect: Effect) -> Step {
        let last = self.last_input.take();
        match effect {
            Effect::Say { text, .. } => Step::Did(Action::Say(text)),
            Effect::Play { source, .. } => Step::Did(Action::Play(source)),
            Effect::Pause { ms } => Step::Did(Action::Pause(ms)),
            Effect::StartRecording => Step::Did(Action::StartRecording),
            Effect::StopRecording => Step::Did(Action::StopRecording),
            Effect::GetKey { valid_keys, .. } => Step::Waits(Wait::Key { valid_keys }),
            Effect::Collect { speech, finish_key, .. } => Step::Waits(Wait::Digits { speech, finish_key }),
            Effect::Record { .. } => Step::Waits(Wait::Recording),
            Effect::Dial { targets, .. } => Step::Waits(Wait::Dial { targets }),
            Effect::Enqueue { queue, .. } => Step::Ended(format!("enqueue {queue}")),
            Effect::Dequeue { queue, .. } => Step::Ended(format!("dequeue {queue}")),
            Effect::Park { .. } => Step::Ended("park".to_string()),
            Effect::Conference { room, .. } => Step::Ended(format!("conference {room}")),
            Effect::Stream { url, .. } => Step::Ended(format!("stream {url}")),
            Effect::Redirect { url } => Step::Ended(format!("redirect {url}")),
            Effect::Reject { reason } => Step::Ended(match reason {
                Some(reason) => format!("reject {}", reject_word(reason)),
                None => "reject".to_string(),
            }),
            Effect::Hangup { reason } => Step::Ended(hangup_words(reason, last.as_ref())),
            Effect::Error(e) => Step::Failed(format!("the VM stopped: {e}")),
        }
    }
}

enum Step {
    Did(Action),
    Waits(Wait),
    Ended(String),
    Failed(String),
}

/// `hangup`, `caller hangup`, or `dial answered` when the call ended with a
/// bridged call (the VM hangs up with reason `Flow` right after the answer).
fn hangup_words(reason: HangupReason, last: Option<&(Wait, CallerAction)>) -> String {
    match (reason, last) {
        (HangupReason::CallerHungUp, _) => "caller hangup".to_string(),
        (HangupReason::Flow, Some((Wait::Dial { .. }, CallerAction::Dial(DialResult::Answered)))) => {
            "dial answered".to_string()
        }
        _ => "hangup".to_string(),
    }
}

fn reject_word(reason: RejectReason) -> &'static str {
    match reason {
        RejectReason::Busy => "busy",
        RejectReason::Rejected => "rejected",
    }
}

/// The time zone of the flow a call starts in (`None`: the first flow).
pub fn flow_zone(program: &Program, flow: Option<&str>) -> Option<String> {
    let index = match flow {
        Some(name) => program.flow_named(name)?,
        None => 0,
    };
    let zone = program.flows.get(index)?.timezone?;
    match program.consts.get(zone as usize)? {
        Const::Str(name) => Some(name.clone()),
        _ => None,
    }
}
