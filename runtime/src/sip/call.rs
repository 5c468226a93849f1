//! One answered call, sans IO: the VM, what the call is doing (playing a
//! prompt, waiting for keys, recording), the keys typed ahead, and the
//! call's limits. The driver (`server.rs`) feeds it time, audio, keys and
//! SIP signals, takes each prompt it plays (whole: the media sender reads
//! the frames) and tells it when the prompt has been heard, and carries out
//! what it asks for (hang up, render a prompt, log a line).
//!
//! Semantics the VM leaves to the host (docs/sip.md, "How calls behave"):
//! - a key pressed while prompts play stops them and skips the prompts
//!   that follow up to the next menu or `collect`, which gets the key
//!   (type-ahead, as VoiceXML's barge-in); keys are kept until then;
//! - `collect` ends at its maximum digit count, at its finish key, or when
//!   no key comes within its timeout (measured from the last key): with at
//!   least its minimum number of digits (default 1) that is the answer,
//!   otherwise it is a timeout;
//! - `record` ends at its finish key, its `max`, or after `timeout` of
//!   silence; a recording in which nobody spoke is a timeout (and its file
//!   is removed).

use super::config::Settings;
use crate::media::audio::WavWriter;
use crate::media::clip::Clip;
use crate::media::prompts::{Prompts, SayKey};
use crate::vm::{Effect, Event, HangupReason, TraceEvent, Vm};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Keys kept for type-ahead; more are dropped.
const MAX_TYPEAHEAD: usize = 32;
/// Effects the VM may give without waiting for anything (prompts count as
/// waiting) before the call is ended as a runaway.
const MAX_EFFECTS: usize = 1_000;
/// Recordings are flushed to disk at least this often.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);
/// Caller audio whose RMS is above this counts as speech (about −40 dBFS).
const SPEECH_RMS: f64 = 330.0;

/// What the driver must do.
#[derive(Debug, PartialEq)]
pub enum CallOut {
    /// End the call: send BYE (unless the caller already hung up).
    Hangup,
    /// Render this prompt off the async runtime, then call `rendered`.
    Render(RenderJob),
    /// A line for the call log.
    Log(Value),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenderJob {
    Say(SayKey),
    Play(String),
}

impl RenderJob {
    /// Do it (blocking).
    pub fn run(&self, prompts: &Prompts) -> Result<Clip, String> {
        match self {
            RenderJob::Say(key) => prompts.say(key),
            RenderJob::Play(source) => prompts.play(source),
        }
    }
}

/// A prompt for the driver to queue on the call's media track, whole.
pub struct Prompt {
    pub clip: Clip,
    /// Times it plays, back to back.
    pub plays: u32,
    /// What follows may start being prepared before the prompt has been
    /// heard (the next prompt is queued behind it, without a gap). Not so
    /// for the beep before a recording: the recording starts when the beep
    /// has been heard, not while it plays.
    pub follow_early: bool,
}

/// Who the call is, for the log.
#[derive(Clone, Debug, Default)]
pub struct CallMeta {
    pub call: u64,
    pub sip_call_id: String,
    pub caller: String,
    pub called: String,
    pub source: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Then {
    Done,
    Record,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct RecordParams {
    max: Option<Duration>,
    finish: Option<char>,
    silence: Option<Duration>,
    trim: bool,
}

enum Activity {
    /// Before the ACK, between effects, after the end.
    Idle,
    Playing {
        clip: Clip,
        plays: u32,
        then: Then,
        /// The driver has taken it ([`CallCore::take_prompt`]).
        taken: bool,
    },
    Rendering {
        repeat: u32,
    },
    Pausing {
        until: Instant,
    },
    Key {
        deadline: Instant,
    },
    Collect(Collecting),
    Recording(Box<Recording>),
}

struct Collecting {
    digits: String,
    min: usize,
    max: Option<usize>,
    finish: Option<char>,
    timeout: Duration,
    deadline: Instant,
}

impl Collecting {
    fn complete(&self) -> bool {
        let n = self.digits.chars().filter(|c| Some(*c) != self.finish).count();
        self.max.is_some_and(|max| n >= max) || self.finish.is_some_and(|f| self.digits.ends_with(f))
    }

    fn enough(&self) -> bool {
        self.digits.chars().count() >= self.min.max(1)
    }
}

struct Recording {
    writer: WavWriter,
    params: RecordParams,
    started: Instant,
    last_voice: Option<Instant>,
    /// Samples up to the end of the last speech (for trim_silence).
    voiced_until: u64,
    next_flush: Instant,
}

impl Recording {
    fn deadline(&self) -> Instant {
        let mut d = self.next_flush;
        if let Some(max) = self.params.max {
            d = d.min(self.started + max);
        }
        if let Some(silence) = self.params.silence {
            d = d.min(self.last_voice.unwrap_or(self.started) + silence);
        }
        d
    }
}

pub struct CallCore {
    meta: CallMeta,
    vm: Vm,
    prompts: Arc<Prompts>,
    settings: Arc<Settings>,
    activity: Activity,
    first: Option<Effect>,
    typeahead: VecDeque<char>,
    /// A key stopped the prompts: skip prompts until the next input wait.
    skipping: bool,
    /// A key stopped the audio: the driver drops what it queued ahead.
    cut: bool,
    started: Option<Instant>,
    ends_at: Option<Instant>,
    over: bool,
    recordings: u32,
    /// A `record` waiting for its beep to end.
    record_params: Option<RecordParams>,
    /// States entered before the call was answered, logged after `start`.
    early_trace: Vec<TraceEvent>,
    out: Vec<CallOut>,
    clock: fn() -> i64,
}

/// The wall-clock time (chrono has no clock feature here: the system
/// clock is read once, in `webhook::config::system_clock`).
fn utc_now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(crate::webhook::config::system_clock()).unwrap_or_default()
}

fn now_iso() -> String {
    utc_now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl CallCore {
    pub fn new(
        meta: CallMeta,
        vm: Vm,
        first: Effect,
        trace: Vec<TraceEvent>,
        prompts: Arc<Prompts>,
        settings: Arc<Settings>,
    ) -> CallCore {
        CallCore {
            meta,
            vm,
            prompts,
            settings,
            activity: Activity::Idle,
            first: Some(first),
            typeahead: VecDeque::new(),
            skipping: false,
            cut: false,
            started: None,
            ends_at: None,
            over: false,
            recordings: 0,
            record_params: None,
            early_trace: trace,
            out: Vec::new(),
            clock: crate::webhook::config::system_clock,
        }
    }

    pub fn drain(&mut self) -> Vec<CallOut> {
        std::mem::take(&mut self.out)
    }

    pub fn is_over(&self) -> bool {
        self.over
    }

    pub fn is_playing(&self) -> bool {
        matches!(self.activity, Activity::Playing { .. })
    }

    /// Whether a key stopped the audio since the last call (the frames
    /// queued ahead of the media clock must not be heard).
    pub fn take_cut(&mut self) -> bool {
        std::mem::take(&mut self.cut)
    }

    pub fn call(&self) -> u64 {
        self.meta.call
    }

    fn log(&mut self, mut line: Value) {
        if let Some(map) = line.as_object_mut() {
            map.insert("time".to_string(), json!(now_iso()));
            map.insert("call".to_string(), json!(self.meta.call));
        }
        self.out.push(CallOut::Log(line));
    }

    fn pending_trace(&mut self, trace: Vec<TraceEvent>) {
        for t in trace {
            if let TraceEvent::EnterState { state, flow } = t {
                self.log(json!({"event": "state", "state": state, "flow": flow}));
            }
        }
    }

    /// The ACK came: the call is up.
    pub fn start(&mut self, now: Instant, codec: &str, dtmf: &str) {
        if self.started.is_some() || self.over {
            return;
        }
        self.started = Some(now);
        self.ends_at = Some(now + self.settings.max_call_duration);
        let meta = self.meta.clone();
        self.log(json!({
            "event": "start",
            "sip_call_id": meta.sip_call_id,
            "from": meta.caller,
            "to": meta.called,
            "source": meta.source,
            "codec": codec,
            "dtmf": dtmf,
        }));
        let early = std::mem::take(&mut self.early_trace);
        self.pending_trace(early);
        if let Some(first) = self.first.take() {
            self.carry_out_chain(now, first);
        }
    }

    /// When something is due (other than the next audio frame).
    pub fn deadline(&self) -> Option<Instant> {
        let activity = match &self.activity {
            Activity::Pausing { until } => Some(*until),
            Activity::Key { deadline } => Some(*deadline),
            Activity::Collect(c) => Some(c.deadline),
            Activity::Recording(r) => Some(r.deadline()),
            _ => None,
        };
        match (activity, self.ends_at) {
            (Some(a), Some(e)) => Some(a.min(e)),
            (a, e) => a.or(e),
        }
    }

    /// The prompt the call now plays, once: the driver queues it on the
    /// call's track and calls [`CallCore::prompt_heard`] when it will have
    /// been heard. `None` when not playing or already taken.
    pub fn take_prompt(&mut self) -> Option<Prompt> {
        let Activity::Playing {
            clip,
            plays,
            then,
            taken,
        } = &mut self.activity
        else {
            return None;
        };
        if std::mem::replace(taken, true) {
            return None;
        }
        Some(Prompt {
            clip: Arc::clone(clip),
            plays: *plays,
            follow_early: *then == Then::Done,
        })
    }

    /// The prompt taken by [`CallCore::take_prompt`] has been heard (or
    /// will have been by `at`: the driver may say so ahead, so that the
    /// next prompt is queued behind it without a gap). What follows (an
    /// input's timeout, a pause, a recording) is measured from `at`.
    pub fn prompt_heard(&mut self, at: Instant) {
        let Activity::Playing { then, taken: true, .. } = self.activity else {
            return; // a key stopped it, or the call ended
        };
        self.activity = Activity::Idle;
        match then {
            Then::Done => self.resume(at, Event::Done),
            Then::Record => self.begin_recording(at),
        }
    }

    /// A key from the caller (RFC 4733, in-band or SIP INFO).
    pub fn digit(&mut self, now: Instant, key: char) {
        if self.over {
            return;
        }
        self.log(json!({"event": "digits", "digits": key.to_string()}));
        match &mut self.activity {
            Activity::Key { .. } => {
                self.activity = Activity::Idle;
                self.resume(now, Event::Digits(key.to_string()));
            }
            Activity::Collect(c) => {
                c.digits.push(key);
                c.deadline = now + c.timeout;
                if c.complete() {
                    let digits = std::mem::take(&mut c.digits);
                    self.activity = Activity::Idle;
                    self.resume(now, Event::Digits(digits));
                }
            }
            Activity::Recording(r) => {
                if r.params.finish == Some(key) {
                    self.end_recording(now, false);
                }
            }
            Activity::Playing { then: Then::Record, .. } => {
                // The beep before a recording is not interrupted.
            }
            Activity::Playing { .. } | Activity::Pausing { .. } | Activity::Rendering { .. } => {
                if self.typeahead.len() < MAX_TYPEAHEAD {
                    self.typeahead.push_back(key);
                }
                self.skipping = true;
                self.cut = true;
                self.activity = Activity::Idle;
                self.resume(now, Event::Done);
            }
            Activity::Idle => {
                if self.typeahead.len() < MAX_TYPEAHEAD {
                    self.typeahead.push_back(key);
                }
            }
        }
    }

    /// Caller audio (8 kHz samples), for recordings.
    pub fn audio_in(&mut self, now: Instant, samples: &[i16]) {
        let Activity::Recording(r) = &mut self.activity else {
            return;
        };
        if now < r.started {
            // Heard while the prompt before the recording still played (the
            // driver said it was heard ahead, to queue what follows).
            return;
        }
        let speech = rms(samples) > SPEECH_RMS;
        if speech {
            r.last_voice = Some(now);
        }
        if r.params.trim && r.last_voice.is_none() {
            return; // leading silence is not kept
        }
        if r.writer.write(samples).is_err() {
            self.fail_recording(now);
            return;
        }
        if speech && let Activity::Recording(r) = &mut self.activity {
            r.voiced_until = r.writer.samples();
        }
    }

    /// Time passed: pauses end, inputs time out, recordings flush or stop,
    /// the call's maximum duration is enforced.
    pub fn tick(&mut self, now: Instant) {
        if self.over {
            return;
        }
        if self.ends_at.is_some_and(|e| now >= e) {
            self.end(now, "max_duration");
            return;
        }
        match &mut self.activity {
            Activity::Pausing { until } if now >= *until => {
                self.activity = Activity::Idle;
                self.resume(now, Event::Done);
            }
            Activity::Key { deadline } if now >= *deadline => {
                self.activity = Activity::Idle;
                self.resume(now, Event::Timeout);
            }
            Activity::Collect(c) if now >= c.deadline => {
                let event = match c.enough() {
                    true => Event::Digits(std::mem::take(&mut c.digits)),
                    false => Event::Timeout,
                };
                self.activity = Activity::Idle;
                self.resume(now, event);
            }
            Activity::Recording(r) => {
                let max_reached = r.params.max.is_some_and(|m| now >= r.started + m);
                let silent = r
                    .params
                    .silence
                    .is_some_and(|s| now >= r.last_voice.unwrap_or(r.started) + s);
                if max_reached || silent {
                    self.end_recording(now, silent && !max_reached);
                } else if now >= r.next_flush {
                    r.next_flush = now + FLUSH_EVERY;
                    if r.writer.flush().is_err() {
                        self.fail_recording(now);
                    }
                }
            }
            _ => {}
        }
    }

    /// A prompt the driver rendered (or failed to).
    pub fn rendered(&mut self, now: Instant, result: Result<Clip, String>) {
        let Activity::Rendering { repeat } = self.activity else {
            return; // a key skipped it meanwhile
        };
        match result {
            Ok(clip) if !clip.is_empty() => {
                self.activity = Activity::Playing {
                    clip,
                    plays: repeat.max(1),
                    then: Then::Done,
                    taken: false,
                };
            }
            Ok(_) => {
                self.activity = Activity::Idle;
                self.resume(now, Event::Done);
            }
            Err(why) => {
                self.log(json!({"event": "error", "error": format!("a prompt could not be played: {why}")}));
                self.activity = Activity::Idle;
                self.resume(now, Event::Done);
            }
        }
    }

    /// The caller sent BYE.
    pub fn caller_hung_up(&mut self, now: Instant) {
        if self.over {
            return;
        }
        if matches!(self.activity, Activity::Recording(_)) {
            self.end_recording_on_hangup(now);
        }
        self.vm.resume(Event::CallerHangup);
        self.finish(now, "caller_bye", false);
    }

    /// The call ends without the flow: no ACK, shutdown, an error.
    pub fn end(&mut self, now: Instant, reason: &str) {
        if self.over {
            return;
        }
        if matches!(self.activity, Activity::Recording(_)) {
            self.end_recording_on_hangup(now);
        }
        self.finish(now, reason, true);
    }

    fn finish(&mut self, now: Instant, reason: &str, hang_up: bool) {
        self.over = true;
        if matches!(self.activity, Activity::Playing { .. }) {
            // Ended mid-prompt from outside the flow (shutdown, the longest
            // call, the caller): the rest of the prompt is not heard, and the
            // hangup does not wait for it. A flow's own hangup comes after
            // its last prompt was heard, so that one is not cut.
            self.cut = true;
        }
        self.activity = Activity::Idle;
        let duration_ms = self.started.map_or(0, |s| {
            u64::try_from(now.duration_since(s).as_millis()).unwrap_or(u64::MAX)
        });
        let state = self.vm.current_state().unwrap_or("").to_string();
        self.log(json!({"event": "end", "reason": reason, "duration_ms": duration_ms, "state": state}));
        if hang_up {
            self.out.push(CallOut::Hangup);
        }
    }

    // ── the VM ──

    fn resume(&mut self, now: Instant, event: Event) {
        if self.over {
            return;
        }
        self.vm.set_clock((self.clock)());
        let effect = self.vm.resume(event);
        let trace = self.vm.drain_trace();
        self.pending_trace(trace);
        self.carry_out_chain(now, effect);
    }

    /// Carry out effects until one takes time (a prompt, an input wait) or
    /// ends the call.
    fn carry_out_chain(&mut self, now: Instant, mut effect: Effect) {
        for _ in 0..MAX_EFFECTS {
            match self.carry_out(now, effect) {
                None => return,
                Some(event) => {
                    if self.over {
                        return;
                    }
                    self.vm.set_clock((self.clock)());
                    effect = self.vm.resume(event);
                    let trace = self.vm.drain_trace();
                    self.pending_trace(trace);
                }
            }
        }
        self.log(json!({"event": "error", "error": format!("the flow gave {MAX_EFFECTS} effects without waiting")}));
        self.end(now, "error");
    }

    /// Start one effect; `Some(event)` when it is done at once.
    fn carry_out(&mut self, now: Instant, effect: Effect) -> Option<Event> {
        match effect {
            Effect::Say {
                text,
                voice,
                language,
                repeat,
            } => {
                if self.skipping {
                    return Some(Event::Done);
                }
                let key = match self.prompts.say_key(&text, voice.as_ref(), language.as_deref()) {
                    Ok(key) => key,
                    Err(why) => {
                        self.log(json!({"event": "error", "error": why}));
                        return Some(Event::Done);
                    }
                };
                match self.prompts.cached_say(&key) {
                    Some(clip) => self.play_clip(clip, repeat),
                    None => self.render(RenderJob::Say(key), repeat),
                }
            }
            Effect::Play { source, repeat } => {
                if self.skipping {
                    return Some(Event::Done);
                }
                if source.contains("://") {
                    self.log(
                        json!({"event": "error", "error": format!("cannot play `{source}`: only local WAV files")}),
                    );
                    return Some(Event::Done);
                }
                match self.prompts.cached_play(&source) {
                    Some(clip) => self.play_clip(clip, repeat),
                    None => self.render(RenderJob::Play(source), repeat),
                }
            }
            Effect::Pause { ms } => {
                if self.skipping {
                    return Some(Event::Done);
                }
                self.activity = Activity::Pausing {
                    until: now + Duration::from_millis(ms),
                };
                None
            }
            Effect::GetKey { timeout_ms, .. } => {
                self.skipping = false;
                if let Some(key) = self.typeahead.pop_front() {
                    return Some(Event::Digits(key.to_string()));
                }
                self.activity = Activity::Key {
                    deadline: now + Duration::from_millis(timeout_ms),
                };
                None
            }
            Effect::Collect {
                min_digits,
                max_digits,
                finish_key,
                timeout_ms,
                ..
            } => {
                self.skipping = false;
                let mut c = Collecting {
                    digits: String::new(),
                    min: min_digits.map_or(1, |m| m as usize),
                    max: max_digits.map(|m| m as usize),
                    finish: finish_key.and_then(|f| f.chars().next()),
                    timeout: Duration::from_millis(timeout_ms),
                    deadline: now + Duration::from_millis(timeout_ms),
                };
                while !c.complete() {
                    let Some(key) = self.typeahead.pop_front() else {
                        break;
                    };
                    c.digits.push(key);
                }
                if c.complete() {
                    return Some(Event::Digits(c.digits));
                }
                self.activity = Activity::Collect(c);
                None
            }
            Effect::Record {
                max_ms,
                finish_key,
                timeout_ms,
                beep,
                trim_silence,
            } => {
                self.skipping = false;
                self.typeahead.clear();
                self.record_params = Some(RecordParams {
                    max: max_ms.map(Duration::from_millis),
                    finish: finish_key.and_then(|f| f.chars().next()),
                    silence: timeout_ms.map(Duration::from_millis),
                    trim: trim_silence,
                });
                if beep {
                    self.activity = Activity::Playing {
                        clip: self.prompts.beep(),
                        plays: 1,
                        then: Then::Record,
                        taken: false,
                    };
                } else {
                    self.begin_recording(now);
                }
                None
            }
            Effect::StartRecording | Effect::StopRecording => {
                self.log(json!({"event": "error", "error": "call recording is not supported by the SIP runtime"}));
                Some(Event::Done)
            }
            Effect::Dial { .. } => {
                self.log(json!({"event": "error", "error": "dial is not supported by the SIP runtime"}));
                Some(Event::DialResult(crate::vm::DialOutcome::Failed))
            }
            Effect::Hangup { reason } => {
                let reason = match reason {
                    HangupReason::Flow => "hangup",
                    HangupReason::MenuExhausted => "menu_exhausted",
                    HangupReason::FellOffEnd => "fell_off_end",
                    HangupReason::CallerHungUp => "caller_bye",
                    HangupReason::Error => "error",
                };
                self.end(now, reason);
                None
            }
            Effect::Reject { .. } => {
                self.end(now, "reject");
                None
            }
            Effect::Error(e) => {
                self.log(json!({"event": "error", "error": format!("the VM stopped: {e}")}));
                self.end(now, "error");
                None
            }
            other => {
                // Refused at load; bytecode from elsewhere could still have it.
                let what = format!("{other:?}");
                let name = what.split([' ', '{', '(']).next().unwrap_or("").to_lowercase();
                self.log(json!({"event": "error", "error": format!("`{name}` is not supported by the SIP runtime")}));
                self.end(now, "unsupported");
                None
            }
        }
    }

    fn play_clip(&mut self, clip: Clip, repeat: u32) -> Option<Event> {
        if clip.is_empty() {
            return Some(Event::Done);
        }
        self.activity = Activity::Playing {
            clip,
            plays: repeat.max(1),
            then: Then::Done,
            taken: false,
        };
        None
    }

    fn render(&mut self, job: RenderJob, repeat: u32) -> Option<Event> {
        self.activity = Activity::Rendering { repeat };
        self.out.push(CallOut::Render(job));
        None
    }

    // ── recordings ──

    fn begin_recording(&mut self, now: Instant) {
        let Some(params) = self.record_params.take() else {
            self.resume(now, Event::Timeout);
            return;
        };
        self.recordings += 1;
        let stamp = utc_now().format("%Y%m%d-%H%M%S");
        let name = format!(
            "{stamp}-{}-{}-{:04x}.wav",
            self.meta.call,
            self.recordings,
            super::endpoint::random_u64() & 0xffff
        );
        let path: PathBuf = self.settings.recordings_dir.join(name);
        match WavWriter::create(&path) {
            Ok(writer) => {
                self.activity = Activity::Recording(Box::new(Recording {
                    writer,
                    params,
                    started: now,
                    last_voice: None,
                    voiced_until: 0,
                    next_flush: now + FLUSH_EVERY,
                }));
            }
            Err(e) => {
                self.log(json!({"event": "error", "error": format!("cannot record to `{}`: {e}", path.display())}));
                self.resume(now, Event::Timeout);
            }
        }
    }

    /// Close the file; `(path, duration_ms, anybody spoke)`.
    fn close_recording(&mut self) -> Option<(String, u64, bool)> {
        let Activity::Recording(r) = std::mem::replace(&mut self.activity, Activity::Idle) else {
            return None;
        };
        let spoke = r.last_voice.is_some();
        let keep = r.params.trim.then_some(r.voiced_until);
        let path = r.writer.path.clone();
        match r.writer.finish(keep) {
            Ok(samples) => Some((path.to_string_lossy().into_owned(), samples / 8, spoke)),
            Err(e) => {
                self.log(json!({"event": "error", "error": format!("recording `{}`: {e}", path.display())}));
                None
            }
        }
    }

    fn end_recording(&mut self, now: Instant, timed_out: bool) {
        match self.close_recording() {
            Some((path, _, false)) if timed_out => {
                let _ = std::fs::remove_file(&path);
                self.log(json!({"event": "recording", "path": null, "reason": "silence"}));
                self.resume(now, Event::Timeout);
            }
            Some((path, duration_ms, _)) => {
                self.log(json!({"event": "recording", "path": path, "duration_ms": duration_ms}));
                self.resume(
                    now,
                    Event::RecordingDone {
                        location: path,
                        duration_ms,
                    },
                );
            }
            None => self.resume(now, Event::Timeout),
        }
    }

    fn end_recording_on_hangup(&mut self, _now: Instant) {
        if let Some((path, duration_ms, _)) = self.close_recording() {
            self.log(json!({"event": "recording", "path": path, "duration_ms": duration_ms, "reason": "hangup"}));
        }
    }

    fn fail_recording(&mut self, now: Instant) {
        self.log(json!({"event": "error", "error": "writing the recording failed"}));
        self.end_recording(now, false);
    }
}

fn rms(samples: &[i16]) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    let sum: f64 = samples.iter().map(|s| f64::from(*s) * f64::from(*s)).sum();
    (sum / samples.len() as f64).sqrt()
}

#[cfg(test)]
mod tests;
