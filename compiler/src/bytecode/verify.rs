//! The loader's checks on a decoded program, and the error type of loading.
//!
//! `decode` already guarantees the *shape* (known opcodes and tags, lengths
//! within the buffer, valid UTF-8); `verify` guarantees the *references*: every
//! index an instruction, flow, state or debug entry holds points at something
//! that exists and has the right kind, so the VM can follow them blindly (it
//! still uses checked access, as a second line of defence).

use super::{BUILTIN_VAR_COUNT, Const, Instr, MusicRef, Part, Program, Route, VoiceRef};
use crate::ast::BUILTIN_VARS;
use std::fmt;

/// A part of the binary format, for error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Header,
    Constants,
    Variables,
    Flows,
    States,
    Schedules,
    Code,
    Debug,
}

impl Section {
    /// Sections in file order; the tag byte of a section is its position + 1.
    pub const ORDER: [Section; 7] = [
        Section::Constants,
        Section::Variables,
        Section::Flows,
        Section::States,
        Section::Schedules,
        Section::Code,
        Section::Debug,
    ];

    pub fn tag(self) -> u8 {
        match self {
            Section::Header => 0,
            Section::Constants => 1,
            Section::Variables => 2,
            Section::Flows => 3,
            Section::States => 4,
            Section::Schedules => 5,
            Section::Code => 6,
            Section::Debug => 7,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Section::Header => "header",
            Section::Constants => "constants",
            Section::Variables => "variables",
            Section::Flows => "flows",
            Section::States => "states",
            Section::Schedules => "schedules",
            Section::Code => "code",
            Section::Debug => "debug",
        }
    }
}

/// Why bytes are not a loadable program. Offsets are byte offsets from the
/// start of the buffer; `item` is the entry index within a section (the pc in
/// the code section).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// The buffer does not start with `CFBC`.
    BadMagic,
    UnsupportedVersion {
        found: u16,
        supported: u16,
    },
    /// The data ends in the middle of a value.
    Truncated {
        section: Section,
        offset: usize,
    },
    /// A section is missing or out of order.
    MissingSection {
        expected: Section,
        offset: usize,
        found: Option<u8>,
    },
    /// A length or count that does not fit in the remaining bytes.
    BadLength {
        section: Section,
        offset: usize,
        length: u64,
        remaining: usize,
    },
    /// Bytes left over after a section's content, or after the last section.
    TrailingBytes {
        section: Section,
        offset: usize,
    },
    UnknownOpcode {
        pc: u32,
        opcode: u8,
        offset: usize,
    },
    /// An unknown kind byte (constant kind, option flag, voice, route …).
    BadTag {
        section: Section,
        offset: usize,
        what: &'static str,
        tag: u8,
    },
    InvalidUtf8 {
        section: Section,
        offset: usize,
    },
    /// An index that points past the end of what it indexes.
    OutOfRange {
        section: Section,
        item: u32,
        what: &'static str,
        index: u64,
        len: usize,
    },
    /// Anything else that is structurally wrong, said in words.
    Invalid {
        section: Section,
        item: u32,
        why: String,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = |section: &Section, item: &u32| match section {
            Section::Code => format!("code section, pc {item}"),
            s => format!("{} section, entry {item}", s.name()),
        };
        match self {
            LoadError::BadMagic => write!(f, "not callflow bytecode: the file does not start with `CFBC`"),
            LoadError::UnsupportedVersion { found, supported } => write!(
                f,
                "bytecode format version {found} is not supported (this build reads version {supported}); recompile the flow"
            ),
            LoadError::Truncated { section, offset } => {
                write!(
                    f,
                    "{} section, offset {offset}: the data ends too early",
                    section.name()
                )
            }
            LoadError::MissingSection {
                expected,
                offset,
                found,
            } => match found {
                Some(tag) => write!(
                    f,
                    "offset {offset}: expected the {} section (tag {}), found tag {tag}",
                    expected.name(),
                    expected.tag()
                ),
                None => write!(
                    f,
                    "offset {offset}: the {} section is missing (the data ends)",
                    expected.name()
                ),
            },
            LoadError::BadLength {
                section,
                offset,
                length,
                remaining,
            } => write!(
                f,
                "{} section, offset {offset}: length {length} does not fit in the {remaining} bytes left",
                section.name()
            ),
            LoadError::TrailingBytes { section, offset } => {
                write!(
                    f,
                    "{} section, offset {offset}: unexpected bytes after the end",
                    section.name()
                )
            }
            LoadError::UnknownOpcode { pc, opcode, offset } => {
                write!(
                    f,
                    "code section, pc {pc} (offset {offset}): unknown opcode 0x{opcode:02x}"
                )
            }
            LoadError::BadTag {
                section,
                offset,
                what,
                tag,
            } => write!(
                f,
                "{} section, offset {offset}: invalid {what} tag {tag}",
                section.name()
            ),
            LoadError::InvalidUtf8 { section, offset } => {
                write!(
                    f,
                    "{} section, offset {offset}: a string is not valid UTF-8",
                    section.name()
                )
            }
            LoadError::OutOfRange {
                section,
                item,
                what,
                index,
                len,
            } => write!(
                f,
                "{}: {what} {index} is out of range (there are {len})",
                at(section, item)
            ),
            LoadError::Invalid { section, item, why } => write!(f, "{}: {why}", at(section, item)),
        }
    }
}

impl std::error::Error for LoadError {}

/// Index checks for one section entry.
struct Check<'p> {
    p: &'p Program,
    section: Section,
    item: u32,
}

impl Check<'_> {
    fn range(&self, what: &'static str, index: u32, len: usize) -> Result<(), LoadError> {
        if (index as usize) < len {
            Ok(())
        } else {
            Err(LoadError::OutOfRange {
                section: self.section,
                item: self.item,
                what,
                index: u64::from(index),
                len,
            })
        }
    }

    fn invalid(&self, why: impl Into<String>) -> LoadError {
        LoadError::Invalid {
            section: self.section,
            item: self.item,
            why: why.into(),
        }
    }

    /// A constant read as text: a string or a template (not a number).
    fn text(&self, index: u32) -> Result<(), LoadError> {
        self.range("constant", index, self.p.consts.len())?;
        match self.p.consts.get(index as usize) {
            Some(Const::Num(_)) => Err(self.invalid(format!("constant {index} is a number where text is needed"))),
            _ => Ok(()),
        }
    }

    fn opt_text(&self, index: Option<u32>) -> Result<(), LoadError> {
        index.map_or(Ok(()), |i| self.text(i))
    }

    fn state(&self, index: u32) -> Result<(), LoadError> {
        self.range("state", index, self.p.states.len())
    }

    fn opt_state(&self, index: Option<u32>) -> Result<(), LoadError> {
        index.map_or(Ok(()), |i| self.state(i))
    }

    fn pc(&self, target: u32) -> Result<(), LoadError> {
        self.range("jump target", target, self.p.code.len())
    }

    /// A variable the program may write: not a built-in.
    fn writable(&self, var: u32) -> Result<(), LoadError> {
        self.range("variable", var, self.p.vars.len())?;
        if (var as usize) < BUILTIN_VAR_COUNT {
            return Err(self.invalid(format!("writes the built-in variable {var}")));
        }
        Ok(())
    }

    fn voice(&self, v: Option<VoiceRef>) -> Result<(), LoadError> {
        match v {
            Some(VoiceRef::Named(c)) => self.text(c),
            _ => Ok(()),
        }
    }

    fn music(&self, m: Option<MusicRef>) -> Result<(), LoadError> {
        match m {
            Some(MusicRef::Builtin(c) | MusicRef::Audio(c)) => self.text(c),
            None => Ok(()),
        }
    }

    fn route(&self, r: Route) -> Result<(), LoadError> {
        match r {
            Route::State(s) => self.state(s),
            Route::Repeat | Route::Hangup => Ok(()),
        }
    }
}

fn item(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl Program {
    /// Check every reference in the program (see docs/bytecode.md, "What the
    /// loader verifies"). [`super::load`] runs this after decoding; run it on
    /// a program built by other means before handing it to a VM.
    pub fn verify(&self) -> Result<(), LoadError> {
        let check = |section, i: usize| Check {
            p: self,
            section,
            item: item(i),
        };
        for (i, c) in self.consts.iter().enumerate() {
            let ck = check(Section::Constants, i);
            match c {
                Const::Num(n) if !n.is_finite() => return Err(ck.invalid("a number constant is not finite")),
                Const::Template(parts) => {
                    for p in parts {
                        if let Part::Var(v) = p {
                            ck.range("variable", *v, self.vars.len())?;
                        }
                    }
                }
                _ => {}
            }
        }
        let builtins_ok =
            self.vars.len() >= BUILTIN_VAR_COUNT && self.vars.iter().zip(BUILTIN_VARS).all(|(have, want)| have == want);
        if !builtins_ok {
            return Err(check(Section::Variables, 0).invalid("the first variables must be caller, called, call_id"));
        }
        if self.flows.is_empty() {
            return Err(check(Section::Flows, 0).invalid("a program needs at least one flow"));
        }
        for (i, flow) in self.flows.iter().enumerate() {
            let ck = check(Section::Flows, i);
            ck.state(flow.start)?;
            ck.voice(flow.voice)?;
            ck.opt_text(flow.language)?;
            ck.opt_text(flow.timezone)?;
        }
        for (i, state) in self.states.iter().enumerate() {
            let ck = check(Section::States, i);
            ck.range("entry pc", state.entry, self.code.len())?;
            if let Some(menu) = &state.menu {
                for (n, (key, route)) in menu.keys.iter().enumerate() {
                    if !(key.is_ascii_digit() || *key == '*' || *key == '#') {
                        return Err(ck.invalid(format!("menu key `{}` is not a phone key", key.escape_default())));
                    }
                    if menu.keys.iter().take(n).any(|(k, _)| k == key) {
                        return Err(ck.invalid(format!("menu key `{key}` is listed twice")));
                    }
                    ck.route(*route)?;
                }
                ck.route(menu.timeout)?;
                ck.route(menu.invalid)?;
                ck.route(menu.exhausted)?;
            }
        }
        for (i, schedule) in self.schedules.iter().enumerate() {
            let ck = check(Section::Schedules, i);
            if schedule.rules.is_empty() {
                return Err(ck.invalid("a schedule without rules"));
            }
            for r in &schedule.rules {
                if r.days == 0 || r.days > 0x7f || r.from > 1440 || r.to > 1440 || r.from == r.to {
                    return Err(ck.invalid(format!(
                        "bad schedule rule (days {:#04x}, {}-{} minutes)",
                        r.days, r.from, r.to
                    )));
                }
            }
        }
        for (pc, instr) in self.code.iter().enumerate() {
            self.verify_instr(&check(Section::Code, pc), instr)?;
        }
        if let Some(last) = self.code.last()
            && last.falls_through()
        {
            return Err(check(Section::Code, self.code.len() - 1)
                .invalid(format!("`{}` can run past the end of the code", last.mnemonic())));
        }
        let debug = &self.debug;
        for (what, len, want) in [
            ("instruction", debug.code.len(), self.code.len()),
            ("state", debug.states.len(), self.states.len()),
        ] {
            if len != 0 && len != want {
                return Err(check(Section::Debug, 0).invalid(format!(
                    "{len} {what} positions for {want} {what}s (need one each, or none)"
                )));
            }
        }
        for (i, loc) in debug.states.iter().chain(&debug.code).enumerate() {
            check(Section::Debug, i).range("file", loc.file, debug.files.len())?;
        }
        Ok(())
    }

    fn verify_instr(&self, ck: &Check, instr: &Instr) -> Result<(), LoadError> {
        match instr {
            Instr::Push(c) => ck.range("constant", *c, self.consts.len()),
            Instr::Load(v) => ck.range("variable", *v, self.vars.len()),
            Instr::Store(v) => ck.writable(*v),
            Instr::OpenHours { schedule, .. } => ck.range("schedule", *schedule, self.schedules.len()),
            Instr::Jump(t) | Instr::JumpIfFalse(t) => ck.pc(*t),
            Instr::Goto(s) => ck.state(*s),
            Instr::Say {
                text, voice, language, ..
            } => {
                ck.text(*text)?;
                ck.voice(*voice)?;
                ck.opt_text(*language)
            }
            Instr::Play { source, .. } => ck.text(*source),
            Instr::Menu { state } => {
                ck.state(*state)?;
                match self.states.get(*state as usize) {
                    Some(s) if s.menu.is_some() => Ok(()),
                    _ => Err(ck.invalid(format!("`menu` names state {state}, which is not a menu"))),
                }
            }
            Instr::Collect(c) => {
                ck.writable(c.var)?;
                ck.opt_text(c.finish)?;
                ck.opt_text(c.speech_language)?;
                ck.opt_state(c.on_timeout)
            }
            Instr::Record(r) => {
                if let Some(v) = r.var {
                    ck.writable(v)?;
                }
                ck.opt_text(r.finish)?;
                ck.opt_state(r.on_timeout)
            }
            Instr::Dial(d) => {
                for t in &d.targets {
                    ck.text(*t)?;
                }
                ck.opt_text(d.caller_id)?;
                ck.opt_text(d.send_digits)?;
                ck.opt_text(d.ringback)?;
                for route in [d.on_answered, d.on_busy, d.on_no_answer, d.on_failed] {
                    ck.opt_state(route)?;
                }
                Ok(())
            }
            Instr::Enqueue { queue, hold_music } => {
                ck.text(*queue)?;
                ck.music(*hold_music)
            }
            Instr::Dequeue { queue, number } => {
                ck.text(*queue)?;
                ck.opt_text(*number)
            }
            Instr::Park { intro, hold, .. } => {
                ck.opt_text(*intro)?;
                ck.opt_text(*hold)
            }
            Instr::Conference(c) => {
                ck.text(c.room)?;
                ck.music(c.hold_music)
            }
            Instr::Stream { url, .. } => ck.text(*url),
            Instr::RedirectUrl(u) => ck.text(*u),
            Instr::RedirectFlow(f) => ck.range("flow", *f, self.flows.len()),
            Instr::PushBool(_)
            | Instr::PushDuration(_)
            | Instr::Not
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
            | Instr::Pause { .. }
            | Instr::StartRecording
            | Instr::StopRecording
            | Instr::Reject(_)
            | Instr::Hangup
            | Instr::End => Ok(()),
        }
    }
}
