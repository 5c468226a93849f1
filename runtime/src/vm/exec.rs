//! The VM's inner loop: instructions, event handlers and expression values.
//!
//! Every access to the program is checked (`get`, never `[]`): a verified
//! program never takes the error paths, an unverified one ends the call with
//! `VmError::BadProgram` instead of a panic.

use super::{
    DEFAULT_INPUT_TIMEOUT_MS, DEFAULT_RETRIES, DialOutcome, Effect, HangupReason, HoldMusic, MAX_STACK, MAX_STEPS,
    MAX_TEXT, MAX_TRACE, TraceEvent, Value, Vm, VmError, Voice, Wait, capped,
};
use callflow_compiler::bytecode::{Const, FlowDef, Instr, MenuDef, MusicRef, Part, Program, Route, VoiceRef};
use chrono::{Datelike, Timelike};
use std::sync::Arc;

type Run<T> = Result<T, VmError>;

/// What running one instruction leads to.
enum Step {
    /// Run the next instruction (`pc` has been set).
    Next,
    /// Hand this effect to the host.
    Yield(Effect),
}

fn bad(pc: u32, what: &'static str) -> VmError {
    VmError::BadProgram { pc, what }
}

impl Vm {
    /// Run until an effect. Faults end the call.
    pub(super) fn run(&mut self) -> Effect {
        let program = Arc::clone(&self.program);
        for _ in 0..MAX_STEPS {
            match self.step(&program) {
                Ok(Step::Next) => {}
                Ok(Step::Yield(effect)) => return effect,
                Err(e) => return self.fault(e),
            }
        }
        self.fault(VmError::StepLimit { pc: self.pc })
    }

    /// End the call with an error effect.
    pub(super) fn fault(&mut self, e: VmError) -> Effect {
        self.wait = Wait::Finished;
        self.stack.clear();
        Effect::Error(e)
    }

    fn flow_def<'p>(&self, program: &'p Program) -> Run<&'p FlowDef> {
        program
            .flows
            .get(self.flow as usize)
            .ok_or(bad(self.pc, "the current flow does not exist"))
    }

    fn record(&mut self, event: TraceEvent) {
        if self.tracing && self.trace.len() < MAX_TRACE {
            self.trace.push(event);
        }
    }

    fn state_name(&self, state: u32) -> String {
        self.program
            .states
            .get(state as usize)
            .map_or_else(String::new, |s| s.name.clone())
    }

    /// Enter `to` afresh: trace it, reset the menu retry count, jump to its
    /// entry. `outcome` names the transition (none for a call's start).
    pub(super) fn enter(&mut self, to: u32, outcome: Option<&str>) -> Run<()> {
        let entry = self
            .program
            .states
            .get(to as usize)
            .map(|s| s.entry)
            .ok_or(bad(self.pc, "a route to a state that does not exist"))?;
        if self.tracing {
            let to_name = self.state_name(to);
            if let Some(outcome) = outcome {
                let from = self.state_name(self.state);
                self.record(TraceEvent::Transition {
                    from,
                    outcome: outcome.to_string(),
                    to: to_name.clone(),
                });
            }
            let flow = self.current_flow().unwrap_or("").to_string();
            self.record(TraceEvent::EnterState { state: to_name, flow });
        }
        self.state = to;
        self.pc = entry;
        self.retries_used = 0;
        self.stack.clear();
        Ok(())
    }

    fn advance(&mut self) -> Run<()> {
        self.pc = self.pc.checked_add(1).ok_or(bad(self.pc, "pc overflow"))?;
        Ok(())
    }

    // ── events ──

    /// The menu at `pc` got a key (`None`: a timeout).
    pub(super) fn menu_input(&mut self, key: Option<char>) -> Run<Option<Effect>> {
        let program = Arc::clone(&self.program);
        let (state, menu) = self.menu_at(&program)?;
        let (route, outcome) = match key {
            None => (menu.timeout, "timeout".to_string()),
            Some(k) => match menu.keys.iter().find(|(listed, _)| *listed == k) {
                Some((_, route)) => (*route, format!("key {k}")),
                None => (menu.invalid, "invalid".to_string()),
            },
        };
        self.follow(&program, state, menu, route, &outcome)
    }

    fn menu_at<'p>(&self, program: &'p Program) -> Run<(u32, &'p MenuDef)> {
        let Some(Instr::Menu { state }) = program.code.get(self.pc as usize) else {
            return Err(bad(self.pc, "waiting for a key outside a menu"));
        };
        let menu = program
            .states
            .get(*state as usize)
            .and_then(|s| s.menu.as_ref())
            .ok_or(bad(self.pc, "`menu` names a state that is not a menu"))?;
        Ok((*state, menu))
    }

    fn follow(
        &mut self,
        program: &Program,
        state: u32,
        menu: &MenuDef,
        route: Route,
        outcome: &str,
    ) -> Run<Option<Effect>> {
        match route {
            Route::State(to) => self.enter(to, Some(outcome)).map(|()| None),
            Route::Hangup => Ok(Some(Effect::Hangup {
                reason: HangupReason::MenuExhausted,
            })),
            Route::Repeat => {
                let flow = self.flow_def(program)?;
                let limit = menu.retries.or(flow.retries).unwrap_or(DEFAULT_RETRIES);
                if self.retries_used >= limit {
                    // `exhausted -> repeat` is refused by the checker (E0404);
                    // in other bytecode it would replay for ever, so it hangs up.
                    return match menu.exhausted {
                        Route::Repeat => self.follow(program, state, menu, Route::Hangup, "exhausted"),
                        other => self.follow(program, state, menu, other, "exhausted"),
                    };
                }
                self.retries_used += 1;
                if self.tracing {
                    let name = self.state_name(state);
                    self.record(TraceEvent::Transition {
                        from: name.clone(),
                        outcome: outcome.to_string(),
                        to: name,
                    });
                }
                self.pc = program
                    .states
                    .get(state as usize)
                    .map(|s| s.entry)
                    .ok_or(bad(self.pc, "menu state missing"))?;
                Ok(None)
            }
        }
    }

    /// The collect at `pc` got digits or speech.
    pub(super) fn collected(&mut self, mut input: String, speech: bool) -> Run<Option<Effect>> {
        let program = Arc::clone(&self.program);
        let Some(Instr::Collect(op)) = program.code.get(self.pc as usize) else {
            return Err(bad(self.pc, "waiting for digits outside a collect"));
        };
        if speech && !op.speech {
            return Err(VmError::UnexpectedEvent {
                event: "speech",
                expected: "digits or a timeout (this collect takes no speech)",
            });
        }
        if !speech && let Some(finish) = op.finish {
            let finish = self.render(&program, finish)?;
            if !finish.is_empty() && input.ends_with(finish.as_str()) {
                input.truncate(input.len() - finish.len());
            }
        }
        self.store(op.var, Value::Str(capped(input)))?;
        self.advance().map(|()| None)
    }

    /// The collect or record at `pc` timed out.
    pub(super) fn input_timeout(&mut self) -> Run<Option<Effect>> {
        let program = Arc::clone(&self.program);
        let (var, route) = match program.code.get(self.pc as usize) {
            Some(Instr::Collect(op)) => (Some(op.var), op.on_timeout),
            Some(Instr::Record(op)) => (op.var, op.on_timeout),
            _ => return Err(bad(self.pc, "a timeout outside a collect or record")),
        };
        match route {
            // Routed: the variable is not set on this route.
            Some(to) => self.enter(to, Some("timeout")).map(|()| None),
            // Unrouted: continue, with the variable empty.
            None => {
                if let Some(var) = var {
                    self.store(var, Value::Str(String::new()))?;
                }
                self.advance().map(|()| None)
            }
        }
    }

    pub(super) fn recorded(&mut self, location: String) -> Run<Option<Effect>> {
        let program = Arc::clone(&self.program);
        let Some(Instr::Record(op)) = program.code.get(self.pc as usize) else {
            return Err(bad(self.pc, "a recording outside a record"));
        };
        if let Some(var) = op.var {
            self.store(var, Value::Str(capped(location)))?;
        }
        self.advance().map(|()| None)
    }

    pub(super) fn dialled(&mut self, outcome: DialOutcome) -> Run<Option<Effect>> {
        let program = Arc::clone(&self.program);
        let Some(Instr::Dial(op)) = program.code.get(self.pc as usize) else {
            return Err(bad(self.pc, "a dial result outside a dial"));
        };
        let (route, label) = match outcome {
            DialOutcome::Answered => (op.on_answered, "answered"),
            DialOutcome::Busy => (op.on_busy, "busy"),
            DialOutcome::NoAnswer => (op.on_no_answer, "no answer"),
            DialOutcome::Failed => (op.on_failed, "failed"),
        };
        match (route, outcome) {
            (Some(to), _) => self.enter(to, Some(label)).map(|()| None),
            // Unrouted answered: the call ended with the bridged call.
            (None, DialOutcome::Answered) => Ok(Some(Effect::Hangup {
                reason: HangupReason::Flow,
            })),
            // Unrouted failures continue with the next statement.
            (None, _) => self.advance().map(|()| None),
        }
    }

    // ── instructions ──

    fn step(&mut self, program: &Program) -> Run<Step> {
        let pc = self.pc;
        let instr = program.code.get(pc as usize).ok_or(bad(pc, "pc outside the code"))?;
        let effect = match instr {
            Instr::Push(c) => {
                let v = match program.consts.get(*c as usize) {
                    Some(Const::Num(n)) => Value::Num(*n),
                    Some(_) => Value::Str(self.render(program, *c)?),
                    None => return Err(bad(pc, "constant out of range")),
                };
                self.push(v)?;
                return self.next();
            }
            Instr::PushBool(b) => {
                self.push(Value::Bool(*b))?;
                return self.next();
            }
            Instr::PushDuration(ms) => {
                self.push(Value::Dur(*ms))?;
                return self.next();
            }
            Instr::Load(v) => {
                let value = match self.vars.get(*v as usize) {
                    Some(Some(value)) => value.clone(),
                    // An unset variable reads as "" (the checker forbids it).
                    Some(None) => Value::Str(String::new()),
                    None => return Err(bad(pc, "variable out of range")),
                };
                self.push(value)?;
                return self.next();
            }
            Instr::Store(v) => {
                let value = self.pop()?;
                self.store(*v, value)?;
                return self.next();
            }
            Instr::Not => {
                let b = self.pop_bool()?;
                self.push(Value::Bool(!b))?;
                return self.next();
            }
            Instr::Eq | Instr::Ne | Instr::Lt | Instr::Le | Instr::Gt | Instr::Ge => {
                let (b, a) = (self.pop()?, self.pop()?);
                let result = compare(instr, &a, &b);
                self.push(Value::Bool(result))?;
                return self.next();
            }
            Instr::Add => {
                let (b, a) = (self.pop()?, self.pop()?);
                let v = match (&a, &b) {
                    (Value::Num(x), Value::Num(y)) => Value::Num(x + y),
                    (Value::Dur(x), Value::Dur(y)) => Value::Dur(x.saturating_add(*y)),
                    _ => {
                        let mut s = a.display();
                        b.push_display(&mut s);
                        if s.len() > MAX_TEXT {
                            return Err(VmError::ValueTooLarge { pc });
                        }
                        Value::Str(s)
                    }
                };
                self.push(v)?;
                return self.next();
            }
            Instr::Sub => {
                let (b, a) = (self.pop()?, self.pop()?);
                let v = match (&a, &b) {
                    (Value::Dur(x), Value::Dur(y)) => Value::Dur(x.saturating_sub(*y)),
                    // Text that is not a number counts as 0.
                    _ => Value::Num(a.number().unwrap_or(0.0) - b.number().unwrap_or(0.0)),
                };
                self.push(v)?;
                return self.next();
            }
            Instr::StartsWith | Instr::EndsWith | Instr::Contains => {
                let (part, text) = (self.pop()?.display(), self.pop()?.display());
                let result = match instr {
                    Instr::StartsWith => text.starts_with(&part),
                    Instr::EndsWith => text.ends_with(&part),
                    _ => text.contains(&part),
                };
                self.push(Value::Bool(result))?;
                return self.next();
            }
            Instr::Length => {
                let n = match self.pop()? {
                    Value::Str(s) => s.chars().count(),
                    other => other.display().chars().count(),
                };
                self.push(Value::Num(n as f64))?;
                return self.next();
            }
            Instr::OpenHours { schedule, tz } => {
                let open = self.open_hours(program, *schedule, *tz)?;
                self.push(Value::Bool(open))?;
                return self.next();
            }
            Instr::Jump(t) => {
                self.pc = *t;
                return Ok(Step::Next);
            }
            Instr::JumpIfFalse(t) => {
                if self.pop_bool()? {
                    self.advance()?;
                } else {
                    self.pc = *t;
                }
                return Ok(Step::Next);
            }
            Instr::Goto(s) => {
                self.enter(*s, Some("next"))?;
                return Ok(Step::Next);
            }
            Instr::RedirectFlow(f) => {
                let start = program
                    .flows
                    .get(*f as usize)
                    .map(|flow| flow.start)
                    .ok_or(bad(pc, "flow out of range"))?;
                self.flow = *f;
                self.enter(start, Some("next"))?;
                return Ok(Step::Next);
            }
            // ── effects the host carries out and acknowledges with Done ──
            Instr::Say {
                text,
                voice,
                language,
                repeat,
            } => {
                let flow = self.flow_def(program)?;
                let effect = Effect::Say {
                    text: self.render(program, *text)?,
                    voice: self.voice(program, voice.or(flow.voice))?,
                    language: self.opt_render(program, language.or(flow.language))?,
                    repeat: *repeat,
                };
                return self.done_effect(effect);
            }
            Instr::Play { source, repeat } => {
                let effect = Effect::Play {
                    source: self.render(program, *source)?,
                    repeat: *repeat,
                };
                return self.done_effect(effect);
            }
            Instr::Pause { ms } => return self.done_effect(Effect::Pause { ms: *ms }),
            Instr::StartRecording => return self.done_effect(Effect::StartRecording),
            Instr::StopRecording => return self.done_effect(Effect::StopRecording),
            // ── effects that wait for the caller, at this pc ──
            Instr::Menu { .. } => {
                let (_, menu) = self.menu_at(program)?;
                let flow = self.flow_def(program)?;
                self.wait = Wait::Key;
                return Ok(Step::Yield(Effect::GetKey {
                    valid_keys: menu.keys.iter().map(|(k, _)| *k).collect(),
                    timeout_ms: menu
                        .input_timeout_ms
                        .or(flow.input_timeout_ms)
                        .unwrap_or(DEFAULT_INPUT_TIMEOUT_MS),
                }));
            }
            Instr::Collect(op) => {
                let flow = self.flow_def(program)?;
                let speech_language = match (op.speech, op.speech_language) {
                    (false, _) => None,
                    (true, lang) => self.opt_render(program, lang.or(flow.language))?,
                };
                self.wait = Wait::Collect;
                return Ok(Step::Yield(Effect::Collect {
                    min_digits: op.min_digits,
                    max_digits: op.max_digits,
                    finish_key: self.opt_render(program, op.finish)?,
                    timeout_ms: op
                        .timeout_ms
                        .or(flow.input_timeout_ms)
                        .unwrap_or(DEFAULT_INPUT_TIMEOUT_MS),
                    speech: op.speech,
                    speech_language,
                }));
            }
            Instr::Record(op) => {
                self.wait = Wait::Record;
                return Ok(Step::Yield(Effect::Record {
                    max_ms: op.max_ms,
                    finish_key: self.opt_render(program, op.finish)?,
                    timeout_ms: op.timeout_ms,
                    beep: op.beep,
                    trim_silence: op.trim_silence,
                }));
            }
            Instr::Dial(op) => {
                let mut targets = Vec::with_capacity(op.targets.len());
                for t in &op.targets {
                    targets.push(self.render(program, *t)?);
                }
                self.wait = Wait::Dial;
                return Ok(Step::Yield(Effect::Dial {
                    targets,
                    mode: op.mode,
                    caller_id: self.opt_render(program, op.caller_id)?,
                    timeout_ms: op.timeout_ms,
                    max_duration_ms: op.max_duration_ms,
                    record: op.record,
                    send_digits: self.opt_render(program, op.send_digits)?,
                    ringback: self.opt_render(program, op.ringback)?,
                }));
            }
            // ── effects that end the call ──
            Instr::Enqueue { queue, hold_music } => Effect::Enqueue {
                queue: self.render(program, *queue)?,
                hold_music: self.music(program, *hold_music)?,
            },
            Instr::Dequeue { queue, number } => Effect::Dequeue {
                queue: self.render(program, *queue)?,
                number: self.opt_render(program, *number)?,
            },
            Instr::Park { intro, hold, max_ms } => Effect::Park {
                intro: self.opt_render(program, *intro)?,
                hold: self.opt_render(program, *hold)?,
                max_ms: *max_ms,
            },
            Instr::Conference(op) => Effect::Conference {
                room: self.render(program, op.room)?,
                hold_music: self.music(program, op.hold_music)?,
                muted: op.muted,
                beep: op.beep,
                start_on_enter: op.start_on_enter,
                end_on_exit: op.end_on_exit,
                max_duration_ms: op.max_duration_ms,
            },
            Instr::Stream { url, max_ms } => Effect::Stream {
                url: self.render(program, *url)?,
                max_duration_ms: *max_ms,
            },
            Instr::RedirectUrl(url) => Effect::Redirect {
                url: self.render(program, *url)?,
            },
            Instr::Reject(reason) => Effect::Reject { reason: *reason },
            Instr::Hangup => Effect::Hangup {
                reason: HangupReason::Flow,
            },
            Instr::End => Effect::Hangup {
                reason: HangupReason::FellOffEnd,
            },
        };
        self.wait = Wait::Finished;
        Ok(Step::Yield(effect))
    }

    fn next(&mut self) -> Run<Step> {
        self.advance()?;
        Ok(Step::Next)
    }

    /// An effect acknowledged with `Done`: continue after it then.
    fn done_effect(&mut self, effect: Effect) -> Run<Step> {
        self.advance()?;
        self.wait = Wait::Done;
        Ok(Step::Yield(effect))
    }

    fn push(&mut self, v: Value) -> Run<()> {
        if self.stack.len() >= MAX_STACK {
            return Err(VmError::StackOverflow { pc: self.pc });
        }
        self.stack.push(v);
        Ok(())
    }

    fn pop(&mut self) -> Run<Value> {
        self.stack.pop().ok_or(VmError::StackUnderflow { pc: self.pc })
    }

    fn pop_bool(&mut self) -> Run<bool> {
        match self.pop()? {
            Value::Bool(b) => Ok(b),
            _ => Err(VmError::TypeMismatch {
                pc: self.pc,
                expected: "a yes/no value",
            }),
        }
    }

    fn store(&mut self, var: u32, value: Value) -> Run<()> {
        let slot = self
            .vars
            .get_mut(var as usize)
            .ok_or(bad(self.pc, "variable out of range"))?;
        *slot = Some(value);
        Ok(())
    }

    /// A constant as text: strings as they are, templates interpolated
    /// (unset variables give ""), numbers as the language writes them.
    fn render(&self, program: &Program, c: u32) -> Run<String> {
        match program.consts.get(c as usize) {
            Some(Const::Str(s)) => Ok(s.clone()),
            Some(Const::Num(n)) => Ok(callflow_compiler::bytecode::show_number(*n)),
            Some(Const::Template(parts)) => {
                let mut out = String::new();
                for part in parts {
                    match part {
                        Part::Text(t) => out.push_str(t),
                        Part::Var(v) => match self.vars.get(*v as usize) {
                            Some(Some(value)) => value.push_display(&mut out),
                            Some(None) => {}
                            None => return Err(bad(self.pc, "variable out of range")),
                        },
                    }
                    if out.len() > MAX_TEXT {
                        return Err(VmError::ValueTooLarge { pc: self.pc });
                    }
                }
                Ok(out)
            }
            None => Err(bad(self.pc, "constant out of range")),
        }
    }

    fn opt_render(&self, program: &Program, c: Option<u32>) -> Run<Option<String>> {
        c.map(|c| self.render(program, c)).transpose()
    }

    fn voice(&self, program: &Program, v: Option<VoiceRef>) -> Run<Option<Voice>> {
        Ok(match v {
            None => None,
            Some(VoiceRef::Male) => Some(Voice::Male),
            Some(VoiceRef::Female) => Some(Voice::Female),
            Some(VoiceRef::Named(c)) => Some(Voice::Named(self.render(program, c)?)),
        })
    }

    fn music(&self, program: &Program, m: Option<MusicRef>) -> Run<Option<HoldMusic>> {
        Ok(match m {
            None => None,
            Some(MusicRef::Builtin(c)) => Some(HoldMusic::Builtin(self.render(program, c)?)),
            Some(MusicRef::Audio(c)) => Some(HoldMusic::Audio(self.render(program, c)?)),
        })
    }

    /// Is the schedule open at the clock's time, in the popped zone or the
    /// flow's `timezone`?
    fn open_hours(&mut self, program: &Program, schedule: u32, tz_on_stack: bool) -> Run<bool> {
        let pc = self.pc;
        let zone = if tz_on_stack {
            self.pop()?.display()
        } else {
            let flow = self.flow_def(program)?;
            self.opt_render(program, flow.timezone)?.unwrap_or_default()
        };
        let schedule = program
            .schedules
            .get(schedule as usize)
            .ok_or(bad(pc, "schedule out of range"))?;
        let tz: chrono_tz::Tz = zone.parse().map_err(|_| VmError::BadTimeZone { pc, zone })?;
        let ms = self.clock_ms.ok_or(VmError::ClockNotSet { pc })?;
        let utc = chrono::DateTime::from_timestamp_millis(ms).ok_or(VmError::ClockNotSet { pc })?;
        let local = utc.with_timezone(&tz);
        let weekday = local.weekday().num_days_from_monday() as u8;
        let minute = (local.hour() * 60 + local.minute()) as u16;
        Ok(schedule.is_open(weekday, minute))
    }
}

/// `==`, `!=`, `<` … on two values. Same kinds compare directly; a number and
/// a digit string compare as numbers; two texts order as numbers when both
/// are digit strings, else by their characters. Anything else is unequal
/// and unordered.
fn compare(op: &Instr, a: &Value, b: &Value) -> bool {
    use std::cmp::Ordering;
    let ordering: Option<Ordering> = match (a, b) {
        (Value::Num(x), Value::Num(y)) => x.partial_cmp(y),
        (Value::Dur(x), Value::Dur(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Str(x), Value::Str(y)) => match (a.number(), b.number()) {
            // Equality of texts is by their characters ("01" != "1");
            // ordering of digit strings is numeric ("9" < "10").
            (Some(n), Some(m)) if !matches!(op, Instr::Eq | Instr::Ne) => n.partial_cmp(&m),
            _ => Some(x.cmp(y)),
        },
        (Value::Num(_), Value::Str(_)) | (Value::Str(_), Value::Num(_)) => match (a.number(), b.number()) {
            (Some(n), Some(m)) => n.partial_cmp(&m),
            _ => None,
        },
        _ => None,
    };
    match op {
        Instr::Eq => ordering == Some(Ordering::Equal),
        Instr::Ne => ordering != Some(Ordering::Equal),
        Instr::Lt => ordering == Some(Ordering::Less),
        Instr::Le => matches!(ordering, Some(Ordering::Less | Ordering::Equal)),
        Instr::Gt => ordering == Some(Ordering::Greater),
        Instr::Ge => matches!(ordering, Some(Ordering::Greater | Ordering::Equal)),
        _ => false,
    }
}
