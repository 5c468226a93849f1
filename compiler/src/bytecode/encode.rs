//! The binary format: `encode` writes a [`Program`], `decode` reads one back.
//!
//! Layout (docs/bytecode.md has the byte-level tables): `CFBC`, a `u16`
//! version, then seven sections in a fixed order, each `u8 tag, u32 length,
//! payload`. All integers are little-endian; strings and lists are prefixed
//! with a `u32` count. `decode` checks the shape only (lengths, tags, opcodes,
//! UTF-8); references are checked by `Program::verify`.
//!
//! Hostile bytes: every count is checked against the bytes that remain before
//! anything is allocated for it (each element needs at least one byte), so a
//! forged count cannot make the loader reserve gigabytes.

use super::verify::{LoadError, Section};
use super::{
    CollectOp, ConferenceOp, Const, DebugFile, DebugInfo, DialMode, DialOp, FORMAT_VERSION, FlowDef, Instr, Loc, MAGIC,
    MenuDef, MusicRef, Part, Program, RecordOp, RejectReason, Route, Rule, ScheduleDef, StateDef, VoiceRef,
};

/// Opcodes: one byte per instruction kind.
pub(super) mod op {
    pub const PUSH: u8 = 0x01;
    pub const PUSH_BOOL: u8 = 0x02;
    pub const PUSH_DURATION: u8 = 0x03;
    pub const LOAD: u8 = 0x04;
    pub const STORE: u8 = 0x05;
    pub const NOT: u8 = 0x10;
    pub const EQ: u8 = 0x11;
    pub const NE: u8 = 0x12;
    pub const LT: u8 = 0x13;
    pub const LE: u8 = 0x14;
    pub const GT: u8 = 0x15;
    pub const GE: u8 = 0x16;
    pub const ADD: u8 = 0x17;
    pub const SUB: u8 = 0x18;
    pub const STARTS_WITH: u8 = 0x20;
    pub const ENDS_WITH: u8 = 0x21;
    pub const CONTAINS: u8 = 0x22;
    pub const LENGTH: u8 = 0x23;
    pub const OPEN_HOURS: u8 = 0x24;
    pub const JUMP: u8 = 0x30;
    pub const JUMP_IF_FALSE: u8 = 0x31;
    pub const GOTO: u8 = 0x32;
    pub const SAY: u8 = 0x40;
    pub const PLAY: u8 = 0x41;
    pub const PAUSE: u8 = 0x42;
    pub const MENU: u8 = 0x43;
    pub const COLLECT: u8 = 0x44;
    pub const RECORD: u8 = 0x45;
    pub const START_RECORDING: u8 = 0x46;
    pub const STOP_RECORDING: u8 = 0x47;
    pub const DIAL: u8 = 0x48;
    pub const ENQUEUE: u8 = 0x50;
    pub const DEQUEUE: u8 = 0x51;
    pub const PARK: u8 = 0x52;
    pub const CONFERENCE: u8 = 0x53;
    pub const STREAM: u8 = 0x54;
    pub const REDIRECT_URL: u8 = 0x55;
    pub const REDIRECT_FLOW: u8 = 0x56;
    pub const REJECT: u8 = 0x57;
    pub const HANGUP: u8 = 0x58;
    pub const END: u8 = 0x59;
}

// ── writing ─────────────────────────────────────────────────────────────────

#[derive(Default)]
struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn u8(&mut self, v: u8) {
        self.out.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    fn bool(&mut self, v: bool) {
        self.u8(u8::from(v));
    }
    /// A count or length. Programs are far below 4 GB; a longer list would be
    /// refused by the loader anyway, so saturate instead of panicking.
    fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.out.extend_from_slice(s.as_bytes());
    }
    fn opt_u32(&mut self, v: Option<u32>) {
        match v {
            Some(v) => {
                self.u8(1);
                self.u32(v);
            }
            None => self.u8(0),
        }
    }
    fn opt_u64(&mut self, v: Option<u64>) {
        match v {
            Some(v) => {
                self.u8(1);
                self.u64(v);
            }
            None => self.u8(0),
        }
    }
    fn voice(&mut self, v: Option<VoiceRef>) {
        match v {
            None => self.u8(0),
            Some(VoiceRef::Male) => self.u8(1),
            Some(VoiceRef::Female) => self.u8(2),
            Some(VoiceRef::Named(c)) => {
                self.u8(3);
                self.u32(c);
            }
        }
    }
    fn music(&mut self, m: Option<MusicRef>) {
        match m {
            None => self.u8(0),
            Some(MusicRef::Builtin(c)) => {
                self.u8(1);
                self.u32(c);
            }
            Some(MusicRef::Audio(c)) => {
                self.u8(2);
                self.u32(c);
            }
        }
    }
    fn route(&mut self, r: Route) {
        match r {
            Route::Repeat => self.u8(0),
            Route::State(s) => {
                self.u8(1);
                self.u32(s);
            }
            Route::Hangup => self.u8(2),
        }
    }
    /// A section: tag, length, then what `body` writes.
    fn section(&mut self, section: Section, body: impl FnOnce(&mut Writer)) {
        let mut inner = Writer::default();
        body(&mut inner);
        self.u8(section.tag());
        self.len(inner.out.len());
        self.out.extend_from_slice(&inner.out);
    }
}

/// The program as bytes (see docs/bytecode.md). Deterministic: the same
/// program always gives the same bytes.
pub fn encode(p: &Program) -> Vec<u8> {
    let mut w = Writer::default();
    w.out.extend_from_slice(&MAGIC);
    w.u16(FORMAT_VERSION);
    w.section(Section::Constants, |w| {
        w.len(p.consts.len());
        for c in &p.consts {
            match c {
                Const::Str(s) => {
                    w.u8(0);
                    w.str(s);
                }
                Const::Num(n) => {
                    w.u8(1);
                    w.u64(n.to_bits());
                }
                Const::Template(parts) => {
                    w.u8(2);
                    w.len(parts.len());
                    for part in parts {
                        match part {
                            Part::Text(t) => {
                                w.u8(0);
                                w.str(t);
                            }
                            Part::Var(v) => {
                                w.u8(1);
                                w.u32(*v);
                            }
                        }
                    }
                }
            }
        }
    });
    w.section(Section::Variables, |w| {
        w.len(p.vars.len());
        p.vars.iter().for_each(|v| w.str(v));
    });
    w.section(Section::Flows, |w| {
        w.len(p.flows.len());
        for f in &p.flows {
            w.str(&f.name);
            w.u32(f.start);
            w.voice(f.voice);
            w.opt_u32(f.language);
            w.opt_u64(f.input_timeout_ms);
            w.opt_u32(f.retries);
            w.opt_u32(f.timezone);
        }
    });
    w.section(Section::States, |w| {
        w.len(p.states.len());
        for s in &p.states {
            w.str(&s.name);
            w.u32(s.entry);
            match &s.menu {
                None => w.u8(0),
                Some(m) => {
                    w.u8(1);
                    w.opt_u32(m.retries);
                    w.opt_u64(m.input_timeout_ms);
                    w.len(m.keys.len());
                    for (key, route) in &m.keys {
                        // Keys are ASCII (`0`–`9`, `*`, `#`); anything else is
                        // written as 0, which the loader refuses.
                        w.u8(u8::try_from(u32::from(*key)).unwrap_or(0));
                        w.route(*route);
                    }
                    w.route(m.timeout);
                    w.route(m.invalid);
                    w.route(m.exhausted);
                }
            }
        }
    });
    w.section(Section::Schedules, |w| {
        w.len(p.schedules.len());
        for s in &p.schedules {
            w.str(&s.text);
            w.len(s.rules.len());
            for r in &s.rules {
                w.u8(r.days);
                w.u16(r.from);
                w.u16(r.to);
            }
        }
    });
    w.section(Section::Code, |w| {
        w.len(p.code.len());
        p.code.iter().for_each(|i| instr(w, i));
    });
    w.section(Section::Debug, |w| {
        w.len(p.debug.files.len());
        for f in &p.debug.files {
            w.str(&f.name);
            w.len(f.lines.len());
            for (line, text) in &f.lines {
                w.u32(*line);
                w.str(text);
            }
        }
        for locs in [&p.debug.states, &p.debug.code] {
            w.len(locs.len());
            for l in locs {
                w.u32(l.file);
                w.u32(l.start);
                w.u32(l.end);
                w.u32(l.line);
            }
        }
    });
    w.out
}

fn instr(w: &mut Writer, i: &Instr) {
    match i {
        Instr::Push(c) => {
            w.u8(op::PUSH);
            w.u32(*c);
        }
        Instr::PushBool(b) => {
            w.u8(op::PUSH_BOOL);
            w.bool(*b);
        }
        Instr::PushDuration(ms) => {
            w.u8(op::PUSH_DURATION);
            w.u64(*ms);
        }
        Instr::Load(v) => {
            w.u8(op::LOAD);
            w.u32(*v);
        }
        Instr::Store(v) => {
            w.u8(op::STORE);
            w.u32(*v);
        }
        Instr::Not => w.u8(op::NOT),
        Instr::Eq => w.u8(op::EQ),
        Instr::Ne => w.u8(op::NE),
        Instr::Lt => w.u8(op::LT),
        Instr::Le => w.u8(op::LE),
        Instr::Gt => w.u8(op::GT),
        Instr::Ge => w.u8(op::GE),
        Instr::Add => w.u8(op::ADD),
        Instr::Sub => w.u8(op::SUB),
        Instr::StartsWith => w.u8(op::STARTS_WITH),
        Instr::EndsWith => w.u8(op::ENDS_WITH),
        Instr::Contains => w.u8(op::CONTAINS),
        Instr::Length => w.u8(op::LENGTH),
        Instr::OpenHours { schedule, tz } => {
            w.u8(op::OPEN_HOURS);
            w.u32(*schedule);
            w.bool(*tz);
        }
        Instr::Jump(t) => {
            w.u8(op::JUMP);
            w.u32(*t);
        }
        Instr::JumpIfFalse(t) => {
            w.u8(op::JUMP_IF_FALSE);
            w.u32(*t);
        }
        Instr::Goto(s) => {
            w.u8(op::GOTO);
            w.u32(*s);
        }
        Instr::Say {
            text,
            voice,
            language,
            repeat,
        } => {
            w.u8(op::SAY);
            w.u32(*text);
            w.voice(*voice);
            w.opt_u32(*language);
            w.u32(*repeat);
        }
        Instr::Play { source, repeat } => {
            w.u8(op::PLAY);
            w.u32(*source);
            w.u32(*repeat);
        }
        Instr::Pause { ms } => {
            w.u8(op::PAUSE);
            w.u64(*ms);
        }
        Instr::Menu { state } => {
            w.u8(op::MENU);
            w.u32(*state);
        }
        Instr::Collect(c) => {
            w.u8(op::COLLECT);
            w.u32(c.var);
            w.opt_u32(c.min_digits);
            w.opt_u32(c.max_digits);
            w.opt_u32(c.finish);
            w.opt_u64(c.timeout_ms);
            w.bool(c.speech);
            w.opt_u32(c.speech_language);
            w.opt_u32(c.on_timeout);
        }
        Instr::Record(r) => {
            w.u8(op::RECORD);
            w.opt_u32(r.var);
            w.opt_u64(r.max_ms);
            w.opt_u32(r.finish);
            w.opt_u64(r.timeout_ms);
            w.u8(u8::from(r.beep) | u8::from(r.trim_silence) << 1);
            w.opt_u32(r.on_timeout);
        }
        Instr::StartRecording => w.u8(op::START_RECORDING),
        Instr::StopRecording => w.u8(op::STOP_RECORDING),
        Instr::Dial(d) => {
            w.u8(op::DIAL);
            w.len(d.targets.len());
            d.targets.iter().for_each(|t| w.u32(*t));
            w.u8(match d.mode {
                None => 0,
                Some(DialMode::Sequential) => 1,
                Some(DialMode::Simultaneous) => 2,
            });
            w.opt_u32(d.caller_id);
            w.opt_u64(d.timeout_ms);
            w.opt_u64(d.max_duration_ms);
            w.bool(d.record);
            w.opt_u32(d.send_digits);
            w.opt_u32(d.ringback);
            for route in [d.on_answered, d.on_busy, d.on_no_answer, d.on_failed] {
                w.opt_u32(route);
            }
        }
        Instr::Enqueue { queue, hold_music } => {
            w.u8(op::ENQUEUE);
            w.u32(*queue);
            w.music(*hold_music);
        }
        Instr::Dequeue { queue, number } => {
            w.u8(op::DEQUEUE);
            w.u32(*queue);
            w.opt_u32(*number);
        }
        Instr::Park { intro, hold, max_ms } => {
            w.u8(op::PARK);
            w.opt_u32(*intro);
            w.opt_u32(*hold);
            w.opt_u64(*max_ms);
        }
        Instr::Conference(c) => {
            w.u8(op::CONFERENCE);
            w.u32(c.room);
            w.music(c.hold_music);
            w.u8(u8::from(c.muted)
                | u8::from(c.beep) << 1
                | u8::from(c.start_on_enter) << 2
                | u8::from(c.end_on_exit) << 3);
            w.opt_u64(c.max_duration_ms);
        }
        Instr::Stream { url, max_ms } => {
            w.u8(op::STREAM);
            w.u32(*url);
            w.opt_u64(*max_ms);
        }
        Instr::RedirectUrl(u) => {
            w.u8(op::REDIRECT_URL);
            w.u32(*u);
        }
        Instr::RedirectFlow(f) => {
            w.u8(op::REDIRECT_FLOW);
            w.u32(*f);
        }
        Instr::Reject(reason) => {
            w.u8(op::REJECT);
            w.u8(match reason {
                None => 0,
                Some(RejectReason::Busy) => 1,
                Some(RejectReason::Rejected) => 2,
            });
        }
        Instr::Hangup => w.u8(op::HANGUP),
        Instr::End => w.u8(op::END),
    }
}

// ── reading ─────────────────────────────────────────────────────────────────

/// A cursor over one section (or the header). `base` is the section's offset
/// in the whole buffer, so errors report absolute offsets.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    base: usize,
    section: Section,
}

type R<T> = Result<T, LoadError>;

impl<'a> Reader<'a> {
    fn offset(&self) -> usize {
        self.base + self.pos
    }

    fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    fn take(&mut self, n: usize) -> R<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len());
        match end.and_then(|e| self.buf.get(self.pos..e).map(|s| (s, e))) {
            Some((bytes, e)) => {
                self.pos = e;
                Ok(bytes)
            }
            None => Err(LoadError::Truncated {
                section: self.section,
                offset: self.offset(),
            }),
        }
    }

    fn array<const N: usize>(&mut self) -> R<[u8; N]> {
        let bytes = self.take(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    fn u8(&mut self) -> R<u8> {
        let [byte] = self.array::<1>()?;
        Ok(byte)
    }
    fn u16(&mut self) -> R<u16> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    fn u32(&mut self) -> R<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> R<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn bad_tag(&self, what: &'static str, tag: u8, at: usize) -> LoadError {
        LoadError::BadTag {
            section: self.section,
            offset: at,
            what,
            tag,
        }
    }

    fn bool(&mut self) -> R<bool> {
        let at = self.offset();
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            t => Err(self.bad_tag("yes/no", t, at)),
        }
    }

    /// A flag byte with `bits` defined bits; unknown bits are refused so that
    /// every program has exactly one encoding.
    fn flags(&mut self, bits: u32) -> R<u8> {
        let at = self.offset();
        let v = self.u8()?;
        if u32::from(v) >> bits != 0 {
            return Err(self.bad_tag("flags", v, at));
        }
        Ok(v)
    }

    /// A `u32` count of elements that each take at least `min_size` bytes;
    /// refused when they cannot fit in what is left, before any allocation.
    fn count(&mut self, min_size: usize) -> R<usize> {
        let at = self.offset();
        let n = self.u32()?;
        let remaining = self.remaining();
        let fits = (n as usize)
            .checked_mul(min_size.max(1))
            .is_some_and(|need| need <= remaining);
        if !fits {
            return Err(LoadError::BadLength {
                section: self.section,
                offset: at,
                length: u64::from(n),
                remaining,
            });
        }
        Ok(n as usize)
    }

    fn str(&mut self) -> R<String> {
        let at = self.offset();
        let n = self.count(1)?;
        let bytes = self.take(n)?;
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_string()),
            Err(_) => Err(LoadError::InvalidUtf8 {
                section: self.section,
                offset: at,
            }),
        }
    }

    fn opt<T>(&mut self, read: impl FnOnce(&mut Self) -> R<T>) -> R<Option<T>> {
        let at = self.offset();
        match self.u8()? {
            0 => Ok(None),
            1 => read(self).map(Some),
            t => Err(self.bad_tag("option", t, at)),
        }
    }
    fn opt_u32(&mut self) -> R<Option<u32>> {
        self.opt(Self::u32)
    }
    fn opt_u64(&mut self) -> R<Option<u64>> {
        self.opt(Self::u64)
    }

    fn voice(&mut self) -> R<Option<VoiceRef>> {
        let at = self.offset();
        Ok(match self.u8()? {
            0 => None,
            1 => Some(VoiceRef::Male),
            2 => Some(VoiceRef::Female),
            3 => Some(VoiceRef::Named(self.u32()?)),
            t => return Err(self.bad_tag("voice", t, at)),
        })
    }

    fn music(&mut self) -> R<Option<MusicRef>> {
        let at = self.offset();
        Ok(match self.u8()? {
            0 => None,
            1 => Some(MusicRef::Builtin(self.u32()?)),
            2 => Some(MusicRef::Audio(self.u32()?)),
            t => return Err(self.bad_tag("music", t, at)),
        })
    }

    fn route(&mut self) -> R<Route> {
        let at = self.offset();
        Ok(match self.u8()? {
            0 => Route::Repeat,
            1 => Route::State(self.u32()?),
            2 => Route::Hangup,
            t => return Err(self.bad_tag("route", t, at)),
        })
    }

    /// Everything must have been read.
    fn finish(&self) -> R<()> {
        if self.remaining() == 0 {
            Ok(())
        } else {
            Err(LoadError::TrailingBytes {
                section: self.section,
                offset: self.offset(),
            })
        }
    }
}

/// Read bytes into a [`Program`], checking the format's shape but not the
/// references between its parts: use [`super::load`] for untrusted bytes.
pub fn decode(bytes: &[u8]) -> Result<Program, LoadError> {
    let mut head = Reader {
        buf: bytes,
        pos: 0,
        base: 0,
        section: Section::Header,
    };
    if head.take(4).ok() != Some(&MAGIC[..]) {
        return Err(LoadError::BadMagic);
    }
    let version = head.u16()?;
    if version != FORMAT_VERSION {
        return Err(LoadError::UnsupportedVersion {
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    let mut p = Program::default();
    for section in Section::ORDER {
        let at = head.offset();
        let tag = head.u8().map_err(|_| LoadError::MissingSection {
            expected: section,
            offset: at,
            found: None,
        })?;
        if tag != section.tag() {
            return Err(LoadError::MissingSection {
                expected: section,
                offset: at,
                found: Some(tag),
            });
        }
        head.section = section;
        let len = head.count(1)?;
        let base = head.offset();
        let body = head.take(len)?;
        let mut r = Reader {
            buf: body,
            pos: 0,
            base,
            section,
        };
        match section {
            Section::Constants => p.consts = consts(&mut r)?,
            Section::Variables => {
                let n = r.count(4)?;
                p.vars = (0..n).map(|_| r.str()).collect::<R<_>>()?;
            }
            Section::Flows => p.flows = flows(&mut r)?,
            Section::States => p.states = states(&mut r)?,
            Section::Schedules => p.schedules = schedules(&mut r)?,
            Section::Code => {
                let n = r.count(1)?;
                p.code = (0..n).map(|pc| read_instr(&mut r, pc)).collect::<R<_>>()?;
            }
            Section::Debug => p.debug = debug(&mut r)?,
            Section::Header => {}
        }
        r.finish()?;
        head.section = Section::Header;
    }
    head.finish()?;
    Ok(p)
}

fn consts(r: &mut Reader) -> R<Vec<Const>> {
    let n = r.count(5)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let at = r.offset();
        out.push(match r.u8()? {
            0 => Const::Str(r.str()?),
            1 => Const::Num(f64::from_bits(r.u64()?)),
            2 => {
                let parts = r.count(5)?;
                let mut v = Vec::with_capacity(parts);
                for _ in 0..parts {
                    let at = r.offset();
                    v.push(match r.u8()? {
                        0 => Part::Text(r.str()?),
                        1 => Part::Var(r.u32()?),
                        t => return Err(r.bad_tag("template part", t, at)),
                    });
                }
                Const::Template(v)
            }
            t => return Err(r.bad_tag("constant kind", t, at)),
        });
    }
    Ok(out)
}

fn flows(r: &mut Reader) -> R<Vec<FlowDef>> {
    let n = r.count(12)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(FlowDef {
            name: r.str()?,
            start: r.u32()?,
            voice: r.voice()?,
            language: r.opt_u32()?,
            input_timeout_ms: r.opt_u64()?,
            retries: r.opt_u32()?,
            timezone: r.opt_u32()?,
        });
    }
    Ok(out)
}

fn states(r: &mut Reader) -> R<Vec<StateDef>> {
    let n = r.count(9)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let name = r.str()?;
        let entry = r.u32()?;
        let at = r.offset();
        let menu = match r.u8()? {
            0 => None,
            1 => {
                let retries = r.opt_u32()?;
                let input_timeout_ms = r.opt_u64()?;
                let k = r.count(2)?;
                let mut keys = Vec::with_capacity(k);
                for _ in 0..k {
                    let key = char::from(r.u8()?);
                    keys.push((key, r.route()?));
                }
                Some(MenuDef {
                    retries,
                    input_timeout_ms,
                    keys,
                    timeout: r.route()?,
                    invalid: r.route()?,
                    exhausted: r.route()?,
                })
            }
            t => return Err(r.bad_tag("state kind", t, at)),
        };
        out.push(StateDef { name, entry, menu });
    }
    Ok(out)
}

fn schedules(r: &mut Reader) -> R<Vec<ScheduleDef>> {
    let n = r.count(8)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let text = r.str()?;
        let k = r.count(5)?;
        let mut rules = Vec::with_capacity(k);
        for _ in 0..k {
            rules.push(Rule {
                days: r.u8()?,
                from: r.u16()?,
                to: r.u16()?,
            });
        }
        out.push(ScheduleDef { text, rules });
    }
    Ok(out)
}

fn debug(r: &mut Reader) -> R<DebugInfo> {
    let n = r.count(8)?;
    let mut files = Vec::with_capacity(n);
    for _ in 0..n {
        let name = r.str()?;
        let k = r.count(8)?;
        let mut lines = Vec::with_capacity(k);
        for _ in 0..k {
            lines.push((r.u32()?, r.str()?));
        }
        files.push(DebugFile { name, lines });
    }
    let mut locs = || -> R<Vec<Loc>> {
        let k = r.count(16)?;
        let mut v = Vec::with_capacity(k);
        for _ in 0..k {
            v.push(Loc {
                file: r.u32()?,
                start: r.u32()?,
                end: r.u32()?,
                line: r.u32()?,
            });
        }
        Ok(v)
    };
    let states = locs()?;
    let code = locs()?;
    Ok(DebugInfo { files, states, code })
}

fn read_instr(r: &mut Reader, pc: usize) -> R<Instr> {
    let at = r.offset();
    let opcode = r.u8()?;
    Ok(match opcode {
        op::PUSH => Instr::Push(r.u32()?),
        op::PUSH_BOOL => Instr::PushBool(r.bool()?),
        op::PUSH_DURATION => Instr::PushDuration(r.u64()?),
        op::LOAD => Instr::Load(r.u32()?),
        op::STORE => Instr::Store(r.u32()?),
        op::NOT => Instr::Not,
        op::EQ => Instr::Eq,
        op::NE => Instr::Ne,
        op::LT => Instr::Lt,
        op::LE => Instr::Le,
        op::GT => Instr::Gt,
        op::GE => Instr::Ge,
        op::ADD => Instr::Add,
        op::SUB => Instr::Sub,
        op::STARTS_WITH => Instr::StartsWith,
        op::ENDS_WITH => Instr::EndsWith,
        op::CONTAINS => Instr::Contains,
        op::LENGTH => Instr::Length,
        op::OPEN_HOURS => Instr::OpenHours {
            schedule: r.u32()?,
            tz: r.bool()?,
        },
        op::JUMP => Instr::Jump(r.u32()?),
        op::JUMP_IF_FALSE => Instr::JumpIfFalse(r.u32()?),
        op::GOTO => Instr::Goto(r.u32()?),
        op::SAY => Instr::Say {
            text: r.u32()?,
            voice: r.voice()?,
            language: r.opt_u32()?,
            repeat: r.u32()?,
        },
        op::PLAY => Instr::Play {
            source: r.u32()?,
            repeat: r.u32()?,
        },
        op::PAUSE => Instr::Pause { ms: r.u64()? },
        op::MENU => Instr::Menu { state: r.u32()? },
        op::COLLECT => Instr::Collect(Box::new(CollectOp {
            var: r.u32()?,
            min_digits: r.opt_u32()?,
            max_digits: r.opt_u32()?,
            finish: r.opt_u32()?,
            timeout_ms: r.opt_u64()?,
            speech: r.bool()?,
            speech_language: r.opt_u32()?,
            on_timeout: r.opt_u32()?,
        })),
        op::RECORD => {
            let var = r.opt_u32()?;
            let max_ms = r.opt_u64()?;
            let finish = r.opt_u32()?;
            let timeout_ms = r.opt_u64()?;
            let flags = r.flags(2)?;
            Instr::Record(Box::new(RecordOp {
                var,
                max_ms,
                finish,
                timeout_ms,
                beep: flags & 1 != 0,
                trim_silence: flags & 2 != 0,
                on_timeout: r.opt_u32()?,
            }))
        }
        op::START_RECORDING => Instr::StartRecording,
        op::STOP_RECORDING => Instr::StopRecording,
        op::DIAL => {
            let n = r.count(4)?;
            let targets = (0..n).map(|_| r.u32()).collect::<R<Vec<_>>>()?;
            let mode_at = r.offset();
            let mode = match r.u8()? {
                0 => None,
                1 => Some(DialMode::Sequential),
                2 => Some(DialMode::Simultaneous),
                t => return Err(r.bad_tag("dial mode", t, mode_at)),
            };
            Instr::Dial(Box::new(DialOp {
                targets,
                mode,
                caller_id: r.opt_u32()?,
                timeout_ms: r.opt_u64()?,
                max_duration_ms: r.opt_u64()?,
                record: r.bool()?,
                send_digits: r.opt_u32()?,
                ringback: r.opt_u32()?,
                on_answered: r.opt_u32()?,
                on_busy: r.opt_u32()?,
                on_no_answer: r.opt_u32()?,
                on_failed: r.opt_u32()?,
            }))
        }
        op::ENQUEUE => Instr::Enqueue {
            queue: r.u32()?,
            hold_music: r.music()?,
        },
        op::DEQUEUE => Instr::Dequeue {
            queue: r.u32()?,
            number: r.opt_u32()?,
        },
        op::PARK => Instr::Park {
            intro: r.opt_u32()?,
            hold: r.opt_u32()?,
            max_ms: r.opt_u64()?,
        },
        op::CONFERENCE => {
            let room = r.u32()?;
            let hold_music = r.music()?;
            let flags = r.flags(4)?;
            Instr::Conference(Box::new(ConferenceOp {
                room,
                hold_music,
                muted: flags & 1 != 0,
                beep: flags & 2 != 0,
                start_on_enter: flags & 4 != 0,
                end_on_exit: flags & 8 != 0,
                max_duration_ms: r.opt_u64()?,
            }))
        }
        op::STREAM => Instr::Stream {
            url: r.u32()?,
            max_ms: r.opt_u64()?,
        },
        op::REDIRECT_URL => Instr::RedirectUrl(r.u32()?),
        op::REDIRECT_FLOW => Instr::RedirectFlow(r.u32()?),
        op::REJECT => {
            let reason_at = r.offset();
            Instr::Reject(match r.u8()? {
                0 => None,
                1 => Some(RejectReason::Busy),
                2 => Some(RejectReason::Rejected),
                t => return Err(r.bad_tag("reject reason", t, reason_at)),
            })
        }
        op::HANGUP => Instr::Hangup,
        op::END => Instr::End,
        other => {
            return Err(LoadError::UnknownOpcode {
                pc: u32::try_from(pc).unwrap_or(u32::MAX),
                opcode: other,
                offset: at,
            });
        }
    })
}
