//! A readable listing of a program, for `callflow disasm` and for people
//! debugging the VM. Never fails: a reference out of range (an unverified
//! program) is printed as `?N` instead of its value.

use super::{Const, DialMode, Instr, Loc, MusicRef, Part, Program, RejectReason, Route, VoiceRef};
use crate::analysis::literals::show_ms;
use std::fmt::Write as _;

/// The whole listing: header, flows, schedules, then every state with its
/// instructions, jump targets as pcs and state names, and source lines.
pub fn disasm(p: &Program) -> String {
    let mut d = Disasm { p, out: String::new() };
    d.header();
    d.body();
    d.out
}

struct Disasm<'p> {
    p: &'p Program,
    out: String,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Quote text the way the language writes strings.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    push_escaped(&mut out, text);
    out.push('"');
    out
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '{' => out.push_str("\\{"),
            '}' => out.push_str("\\}"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

/// A number as the language writes it: `3`, `2.5`.
pub fn show_number(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

impl Disasm<'_> {
    fn line(&mut self, text: impl AsRef<str>) {
        self.out.push_str(text.as_ref());
        self.out.push('\n');
    }

    fn konst(&self, c: u32) -> String {
        match self.p.consts.get(c as usize) {
            Some(Const::Str(s)) => quote(s),
            Some(Const::Num(n)) => show_number(*n),
            Some(Const::Template(parts)) => {
                let mut out = String::from("\"");
                for part in parts {
                    match part {
                        Part::Text(t) => push_escaped(&mut out, t),
                        Part::Var(v) => {
                            out.push('{');
                            out.push_str(&self.var(*v));
                            out.push('}');
                        }
                    }
                }
                out.push('"');
                out
            }
            None => format!("?{c}"),
        }
    }

    fn opt_konst(&self, c: Option<u32>) -> String {
        c.map_or_else(|| "default".to_string(), |c| self.konst(c))
    }

    fn var(&self, v: u32) -> String {
        self.p.vars.get(v as usize).cloned().unwrap_or_else(|| format!("?{v}"))
    }

    fn state(&self, s: u32) -> String {
        match self.p.states.get(s as usize) {
            Some(state) => format!("{} ({:04})", state.name, state.entry),
            None => format!("?{s}"),
        }
    }

    /// A jump target: its pc, and the state it enters when it is one's entry.
    fn target(&self, pc: u32) -> String {
        match self.p.state_at(pc).and_then(|s| self.p.states.get(s)) {
            Some(state) => format!("{pc:04} (state {})", state.name),
            None => format!("{pc:04}"),
        }
    }

    fn voice(&self, v: Option<VoiceRef>) -> String {
        match v {
            None => "default".into(),
            Some(VoiceRef::Male) => "male".into(),
            Some(VoiceRef::Female) => "female".into(),
            Some(VoiceRef::Named(c)) => self.konst(c),
        }
    }

    fn music(&self, m: Option<MusicRef>) -> String {
        match m {
            None => "default".into(),
            Some(MusicRef::Builtin(c)) => format!("builtin {}", self.konst(c)),
            Some(MusicRef::Audio(c)) => self.konst(c),
        }
    }

    fn ms(ms: Option<u64>) -> String {
        ms.map_or_else(|| "default".to_string(), show_ms)
    }

    fn route(&self, r: Route) -> String {
        match r {
            Route::Repeat => "repeat".into(),
            Route::Hangup => "hangup".into(),
            Route::State(s) => self.state(s),
        }
    }

    fn opt_route(&self, r: Option<u32>) -> String {
        r.map_or_else(|| "next".to_string(), |s| self.state(s))
    }

    fn loc_name(&self, loc: &Loc) -> String {
        let file = self
            .p
            .debug
            .files
            .get(loc.file as usize)
            .map_or("?", |f| f.name.as_str());
        format!("{file}:{}", loc.line)
    }

    fn source_line(&self, loc: &Loc) -> Option<&str> {
        let file = self.p.debug.files.get(loc.file as usize)?;
        let i = file.lines.binary_search_by_key(&loc.line, |(l, _)| *l).ok()?;
        file.lines.get(i).map(|(_, t)| t.as_str())
    }

    fn header(&mut self) {
        let p = self.p;
        self.line(format!("; callflow bytecode, format version {}", super::FORMAT_VERSION));
        self.line(format!(
            "; {}, {}, {}, {}, {}, {}",
            plural(p.consts.len(), "constant", "constants"),
            plural(p.vars.len(), "variable", "variables"),
            plural(p.flows.len(), "flow", "flows"),
            plural(p.states.len(), "state", "states"),
            plural(p.schedules.len(), "schedule", "schedules"),
            plural(p.code.len(), "instruction", "instructions"),
        ));
        if !p.debug.files.is_empty() {
            let names: Vec<&str> = p.debug.files.iter().map(|f| f.name.as_str()).collect();
            self.line(format!("; files: {}", names.join(", ")));
        }
        self.line(format!("; variables: {}", p.vars.join(", ")));
        self.line("");
        for f in &p.flows {
            let line = format!(
                "flow {}  start={} voice={} language={} input_timeout={} retries={} timezone={}",
                f.name,
                self.state(f.start),
                self.voice(f.voice),
                self.opt_konst(f.language),
                Self::ms(f.input_timeout_ms),
                f.retries.map_or_else(|| "default".to_string(), |r| r.to_string()),
                self.opt_konst(f.timezone),
            );
            self.line(line);
        }
        for (i, s) in p.schedules.iter().enumerate() {
            self.line(format!("schedule #{i} {}", quote(&s.text)));
        }
    }

    fn body(&mut self) {
        let p = self.p;
        let mut order: Vec<usize> = (0..p.states.len()).collect();
        order.sort_by_key(|&s| p.states.get(s).map_or(0, |s| s.entry));
        let mut last_line: Option<(u32, u32)> = None;
        let mut pc = 0usize;
        let mut next_state = order.iter().peekable();
        while pc < p.code.len() || next_state.peek().is_some() {
            // States whose code starts here (or, for an unverified program,
            // before here) get their header first.
            while let Some(&&s) = next_state.peek() {
                let Some(state) = p.states.get(s) else { break };
                if state.entry as usize > pc && pc < p.code.len() {
                    break;
                }
                next_state.next();
                self.state_header(s);
                last_line = None;
            }
            let Some(instr) = p.code.get(pc) else { break };
            if let Some(loc) = p.debug.code.get(pc)
                && last_line != Some((loc.file, loc.line))
            {
                last_line = Some((loc.file, loc.line));
                if let Some(text) = self.source_line(loc) {
                    let line = format!("        # {}  {text}", self.loc_name(loc));
                    self.line(line);
                }
            }
            let text = self.instr(instr);
            self.line(format!("{pc:04}  {text}"));
            pc += 1;
        }
    }

    fn state_header(&mut self, s: usize) {
        let p = self.p;
        let Some(state) = p.states.get(s) else { return };
        let kind = if state.menu.is_some() { "menu" } else { "step" };
        let at = p
            .debug
            .states
            .get(s)
            .map_or(String::new(), |loc| format!("  # {}", self.loc_name(loc)));
        self.line("");
        self.line(format!("state {} ({kind}){at}", state.name));
        if let Some(m) = &state.menu {
            let keys: Vec<String> = m
                .keys
                .iter()
                .map(|(k, r)| format!("\"{k}\" -> {}", self.route(*r)))
                .collect();
            let keys = if keys.is_empty() {
                "(none)".to_string()
            } else {
                keys.join(", ")
            };
            let (timeout, invalid, exhausted) = (self.route(m.timeout), self.route(m.invalid), self.route(m.exhausted));
            self.line(format!("      keys {keys}"));
            self.line(format!(
                "      timeout -> {timeout}, invalid -> {invalid}, exhausted -> {exhausted}"
            ));
            self.line(format!(
                "      retries={} input_timeout={}",
                m.retries.map_or_else(|| "default".to_string(), |r| r.to_string()),
                Self::ms(m.input_timeout_ms)
            ));
        }
    }

    fn instr(&self, i: &Instr) -> String {
        let name = i.mnemonic();
        match i {
            Instr::Push(c) => format!("{name} {}", self.konst(*c)),
            Instr::PushBool(b) => format!("{name} {b}"),
            Instr::PushDuration(ms) => format!("{name} {}", show_ms(*ms)),
            Instr::Load(v) | Instr::Store(v) => format!("{name} {}", self.var(*v)),
            Instr::OpenHours { schedule, tz } => {
                let text = self
                    .p
                    .schedules
                    .get(*schedule as usize)
                    .map_or_else(|| "?".to_string(), |s| quote(&s.text));
                let tz = if *tz { "popped" } else { "flow" };
                format!("{name} #{schedule} {text} tz={tz}")
            }
            Instr::Jump(t) | Instr::JumpIfFalse(t) => format!("{name} {}", self.target(*t)),
            Instr::Goto(s) => format!("{name} {}", self.state(*s)),
            Instr::Say {
                text,
                voice,
                language,
                repeat,
            } => format!(
                "{name} {} voice={} language={} repeat={repeat}",
                self.konst(*text),
                self.voice(*voice),
                self.opt_konst(*language)
            ),
            Instr::Play { source, repeat } => format!("{name} {} repeat={repeat}", self.konst(*source)),
            Instr::Pause { ms } => format!("{name} {}", show_ms(*ms)),
            Instr::Menu { state } => format!("{name} {}", self.state(*state)),
            Instr::Collect(c) => {
                let digits = match (c.min_digits, c.max_digits) {
                    (Some(a), Some(b)) if a == b => a.to_string(),
                    (a, b) => format!(
                        "{}..{}",
                        a.map_or("default".to_string(), |a| a.to_string()),
                        b.map_or("default".to_string(), |b| b.to_string())
                    ),
                };
                let speech = match (c.speech, c.speech_language) {
                    (false, _) => "no".to_string(),
                    (true, lang) => format!("yes language={}", self.opt_konst(lang)),
                };
                format!(
                    "{name} {} digits={digits} finish={} timeout={} speech={speech} on_timeout={}",
                    self.var(c.var),
                    self.opt_konst(c.finish),
                    Self::ms(c.timeout_ms),
                    self.opt_route(c.on_timeout)
                )
            }
            Instr::Record(r) => format!(
                "{name} {} max={} finish={} timeout={} beep={} trim_silence={} on_timeout={}",
                r.var.map_or_else(|| "(no variable)".to_string(), |v| self.var(v)),
                Self::ms(r.max_ms),
                self.opt_konst(r.finish),
                Self::ms(r.timeout_ms),
                r.beep,
                r.trim_silence,
                self.opt_route(r.on_timeout)
            ),
            Instr::Dial(d) => {
                let targets: Vec<String> = d.targets.iter().map(|t| self.konst(*t)).collect();
                let mode = match d.mode {
                    None => "default",
                    Some(DialMode::Sequential) => "sequential",
                    Some(DialMode::Simultaneous) => "simultaneous",
                };
                format!(
                    "{name} {} mode={mode} caller_id={} timeout={} max_duration={} record={} send_digits={} ringback={} \
                     answered->{} busy->{} no_answer->{} failed->{}",
                    targets.join(", "),
                    self.opt_konst(d.caller_id),
                    Self::ms(d.timeout_ms),
                    Self::ms(d.max_duration_ms),
                    d.record,
                    self.opt_konst(d.send_digits),
                    self.opt_konst(d.ringback),
                    d.on_answered.map_or_else(|| "end".to_string(), |s| self.state(s)),
                    self.opt_route(d.on_busy),
                    self.opt_route(d.on_no_answer),
                    self.opt_route(d.on_failed),
                )
            }
            Instr::Enqueue { queue, hold_music } => {
                format!("{name} {} hold_music={}", self.konst(*queue), self.music(*hold_music))
            }
            Instr::Dequeue { queue, number } => {
                format!("{name} {} number={}", self.konst(*queue), self.opt_konst(*number))
            }
            Instr::Park { intro, hold, max_ms } => format!(
                "{name} intro={} hold={} max={}",
                self.opt_konst(*intro),
                self.opt_konst(*hold),
                Self::ms(*max_ms)
            ),
            Instr::Conference(c) => format!(
                "{name} {} hold_music={} muted={} beep={} start_on_enter={} end_on_exit={} max_duration={}",
                self.konst(c.room),
                self.music(c.hold_music),
                c.muted,
                c.beep,
                c.start_on_enter,
                c.end_on_exit,
                Self::ms(c.max_duration_ms)
            ),
            Instr::Stream { url, max_ms } => {
                format!("{name} {} max_duration={}", self.konst(*url), Self::ms(*max_ms))
            }
            Instr::RedirectUrl(u) => format!("{name} {}", self.konst(*u)),
            Instr::RedirectFlow(f) => match self.p.flows.get(*f as usize) {
                Some(flow) => format!("{name} {}", flow.name),
                None => format!("{name} ?{f}"),
            },
            Instr::Reject(reason) => match reason {
                None => format!("{name} default"),
                Some(RejectReason::Busy) => format!("{name} busy"),
                Some(RejectReason::Rejected) => format!("{name} rejected"),
            },
            Instr::Not
            | Instr::Eq
            | Instr::Ne
            | Instr::Lt
            | Instr::Le
            | Instr::Gt
            | Instr::Ge
            | Instr::Add
            | Instr::Sub
            | Instr::StartsWith
            | Instr::EndsWith
            | Instr::Contains
            | Instr::Length
            | Instr::StartRecording
            | Instr::StopRecording
            | Instr::Hangup
            | Instr::End => name.to_string(),
        }
    }
}
