//! Statements of the fast path, one function per `*_stmt` rule of the grammar.
//!
//! A statement keyword must be the whole first word of its line: the grammar
//! would also read `gotox` as `goto x`, but the lowering reports that, so the
//! fast path leaves it to pest. Options are taken only when their keyword is a
//! whole word too; any other word after a statement means the line is not
//! plainly valid (pest would either fail at it or read an option glued to its
//! value such as `voicemale`, which is too subtle to copy).

use super::{Parser, flag, once};
use crate::ast::*;
use crate::syntax::MAX_NESTING;
use std::sync::Arc;

impl<'s> Parser<'s, '_> {
    /// Read options after `from` (their rule's `opt*`, with the skip before
    /// it): `one` gets an option's keyword and the position just after it, and
    /// returns where the option ends. The raw end of the statement is
    /// returned: after the skip when there is no option (the pair keeps it),
    /// else the last option's end (a flag ends at its keyword).
    ///
    /// A word that is not an option keyword gives up: pest would end the
    /// options there and then fail to find the line's end at that word.
    fn opts(&mut self, from: usize, mut one: impl FnMut(&mut Self, &'s [u8], usize) -> Option<usize>) -> Option<usize> {
        let mut end = self.skip(from);
        let mut at = end;
        loop {
            let (word, kw_end) = self.word(at);
            if word.is_empty() {
                return Some(end);
            }
            end = one(self, word, kw_end)?;
            at = self.skip(end);
        }
    }

    /// One statement of a block starting at `at`, pushed onto the scratch
    /// stack, where the block's statements start at `base` (an `on` line is
    /// attached to the statement above it instead). Returns the raw end.
    pub(super) fn stmt(&mut self, at: usize, base: usize) -> Option<usize> {
        let (word, kw_end) = self.word(at);
        let after = self.skip(kw_end);
        let (kind, end) = match word {
            b"say" | b"play" | b"pause" => self.prompt_stmt(word, after)?,
            b"collect" => self.collect(after)?,
            b"record" => self.record(after)?,
            b"start_recording" => (StmtKind::StartRecording, kw_end),
            b"stop_recording" => (StmtKind::StopRecording, kw_end),
            b"dial" => self.dial(after)?,
            b"on" => return self.on(at, after, base),
            b"enqueue" => {
                let (queue, end) = self.ident(after)?;
                let i = self.skip(end);
                let (hold_music, end) = if self.word(i).0 == b"hold_music" {
                    let (v, end) = self.hold_music(self.skip(i + b"hold_music".len()))?;
                    (Some(v), end)
                } else {
                    (None, i)
                };
                (StmtKind::Enqueue { queue, hold_music }, end)
            }
            b"dequeue" => {
                let (queue, end) = self.ident(after)?;
                let i = self.skip(end);
                let (number, end) = if self.word(i).0 == b"number" {
                    let (v, end) = self.string(self.skip(i + b"number".len()))?;
                    (Some(v), end)
                } else {
                    (None, i)
                };
                (StmtKind::Dequeue { queue, number }, end)
            }
            b"park" => {
                let (mut intro, mut hold, mut max) = (None, None, None);
                let end = self.opts(after, |p, word, i| match word {
                    b"intro" => {
                        let (v, end) = p.string(p.skip(i))?;
                        once(&mut intro, v).map(|()| end)
                    }
                    b"hold" => {
                        let (v, end) = p.string(p.skip(i))?;
                        once(&mut hold, v).map(|()| end)
                    }
                    b"max" => {
                        let (v, end) = p.duration(p.skip(i))?;
                        once(&mut max, v).map(|()| end)
                    }
                    _ => None,
                })?;
                (StmtKind::Park { intro, hold, max }, end)
            }
            b"conference" => self.conference(after)?,
            b"stream" => {
                let (url, end) = self.string(after)?;
                let i = self.skip(end);
                let (max_duration, end) = if self.word(i).0 == b"max_duration" {
                    let (v, end) = self.duration(self.skip(i + b"max_duration".len()))?;
                    (Some(v), end)
                } else {
                    (None, i)
                };
                (StmtKind::Stream { url, max_duration }, end)
            }
            b"redirect" => {
                if self.at(after) == b'"' {
                    let (url, end) = self.string(after)?;
                    (StmtKind::Redirect(RedirectTarget::Url(url)), end)
                } else {
                    let (word, end) = self.word(after);
                    if word != b"flow" {
                        return None;
                    }
                    let (name, end) = self.ident(self.skip(end))?;
                    (StmtKind::Redirect(RedirectTarget::Flow(name)), end)
                }
            }
            b"reject" => {
                let (word, end) = self.word(after);
                let value = match word {
                    b"busy" => RejectReason::Busy,
                    b"rejected" => RejectReason::Rejected,
                    // No reason: the pair keeps the skip after `reject`.
                    _ => return self.push(at, StmtKind::Reject(None), after),
                };
                let reason = Spanned {
                    value,
                    span: self.exact(after, end),
                };
                (StmtKind::Reject(Some(reason)), end)
            }
            b"hangup" => (StmtKind::Hangup, kw_end),
            b"goto" => {
                let (name, end) = self.ident(after)?;
                (StmtKind::Goto(name), end)
            }
            b"if" => {
                let (i, end) = self.if_stmt(at)?;
                (StmtKind::If(Box::new(i)), end)
            }
            b"set" => {
                let (var, end) = self.ident(after)?;
                let i = self.lit(self.skip(end), b"=")?;
                let (value, end) = self.top_expr(self.skip(i))?;
                (
                    StmtKind::Set {
                        var,
                        value: Arc::new(value),
                    },
                    end,
                )
            }
            _ => return None,
        };
        self.push(at, kind, end)
    }

    fn push(&mut self, start: usize, kind: StmtKind, end: usize) -> Option<usize> {
        let span = self.span(start, end);
        self.scratch.stmts.push(Stmt { kind, span });
        Some(end)
    }

    /// `say`, `play` and `pause`: the statements a menu prompt may hold too.
    pub(super) fn prompt_stmt(&mut self, keyword: &[u8], after: usize) -> Option<(StmtKind, usize)> {
        match keyword {
            b"say" => {
                let (text, end) = self.string(after)?;
                let (mut voice, mut language, mut repeat) = (None, None, None);
                let end = self.opts(end, |p, word, i| match word {
                    b"voice" => {
                        let (v, end) = p.voice(p.skip(i))?;
                        once(&mut voice, v).map(|()| end)
                    }
                    b"language" => {
                        let (v, end) = p.string(p.skip(i))?;
                        once(&mut language, v).map(|()| end)
                    }
                    b"repeat" => {
                        let (v, end) = p.integer(p.skip(i))?;
                        once(&mut repeat, v).map(|()| end)
                    }
                    _ => None,
                })?;
                let say = Say {
                    text,
                    voice,
                    language,
                    repeat,
                };
                Some((StmtKind::Say(Arc::new(say)), end))
            }
            b"play" => {
                let (source, end) = self.string(after)?;
                let i = self.skip(end);
                let (repeat, end) = if self.word(i).0 == b"repeat" {
                    let (v, end) = self.integer(self.skip(i + b"repeat".len()))?;
                    (Some(v), end)
                } else {
                    (None, i)
                };
                Some((StmtKind::Play { source, repeat }, end))
            }
            b"pause" => {
                let (d, end) = self.duration(after)?;
                Some((StmtKind::Pause(d), end))
            }
            _ => None,
        }
    }

    fn collect(&mut self, after: usize) -> Option<(StmtKind, usize)> {
        let (var, end) = self.ident(after)?;
        let mut c = Collect {
            var,
            ..Default::default()
        };
        let mut seen_digits = false;
        let end = self.opts(end, |p, word, i| match word {
            // `"digits" ~ integer ~ (".." ~ integer)?`
            b"digits" => {
                flag(&mut seen_digits)?;
                let (min, end) = p.integer(p.skip(i))?;
                let j = p.skip(end);
                let (max, end) = match p.lit(j, b"..") {
                    Some(k) => p.integer(p.skip(k))?,
                    None => (min.clone(), j),
                };
                c.min_digits = Some(min);
                c.max_digits = Some(max);
                Some(end)
            }
            b"finish" => {
                let (v, end) = p.string(p.skip(i))?;
                once(&mut c.finish, v).map(|()| end)
            }
            b"timeout" => {
                let (v, end) = p.duration(p.skip(i))?;
                once(&mut c.timeout, v).map(|()| end)
            }
            // `"speech" ~ language_opt?`: the pair keeps the skip when there
            // is no language.
            b"speech" => {
                let start = i - word.len();
                let j = p.skip(i);
                let (lang, end) = if p.word(j).0 == b"language" {
                    let (v, end) = p.string(p.skip(j + b"language".len()))?;
                    (Some(v), end)
                } else {
                    (None, j)
                };
                let speech = Spanned {
                    value: lang,
                    span: p.span(start, end),
                };
                once(&mut c.speech, speech).map(|()| end)
            }
            _ => None,
        })?;
        Some((StmtKind::Collect(Arc::new(c)), end))
    }

    /// `record (!record_opt ~ ident)? ~ record_opt*`.
    fn record(&mut self, after: usize) -> Option<(StmtKind, usize)> {
        let mut r = Record::default();
        let word = self.word(after).0;
        let mut from = after;
        if !word.is_empty() && !is_record_opt(word) {
            // The grammar tests every option before taking a name: a word
            // glued to an option keyword (`beeper`, `max5s`) may be read as
            // that option. Only names no option can start are taken here.
            let glued = |kw: &[u8]| word.starts_with(kw);
            let digit_after = |kw: &[u8]| word.get(kw.len()).is_some_and(u8::is_ascii_digit);
            if glued(b"beep")
                || glued(b"trim_silence")
                || (glued(b"max") && digit_after(b"max"))
                || (glued(b"timeout") && digit_after(b"timeout"))
            {
                return None;
            }
            let (name, end) = self.ident(after)?;
            r.var = Some(name);
            from = end;
        }
        let end = self.opts(from, |p, word, i| match word {
            b"max" => {
                let (v, end) = p.duration(p.skip(i))?;
                once(&mut r.max, v).map(|()| end)
            }
            b"finish" => {
                let (v, end) = p.string(p.skip(i))?;
                once(&mut r.finish, v).map(|()| end)
            }
            b"timeout" => {
                let (v, end) = p.duration(p.skip(i))?;
                once(&mut r.timeout, v).map(|()| end)
            }
            b"beep" => flag(&mut r.beep).map(|()| i),
            b"trim_silence" => flag(&mut r.trim_silence).map(|()| i),
            _ => None,
        })?;
        Some((StmtKind::Record(Arc::new(r)), end))
    }

    fn dial(&mut self, after: usize) -> Option<(StmtKind, usize)> {
        let (first, end) = self.string(after)?;
        let mut d = Dial {
            targets: vec![first],
            ..Default::default()
        };
        // `("," ~ string)*`
        let mut i = self.skip(end);
        while let Some(comma) = self.lit(i, b",") {
            let (target, end) = self.string(self.skip(comma))?;
            d.targets.push(target);
            i = self.skip(end);
        }
        let end = self.opts(i, |p, word, i| match word {
            b"sequential" | b"simultaneous" => {
                let value = if word == b"sequential" {
                    DialMode::Sequential
                } else {
                    DialMode::Simultaneous
                };
                let span = p.exact(i - word.len(), i);
                once(&mut d.mode, Spanned { value, span }).map(|()| i)
            }
            b"caller_id" => {
                let (v, end) = p.string(p.skip(i))?;
                once(&mut d.caller_id, v).map(|()| end)
            }
            b"timeout" => {
                let (v, end) = p.duration(p.skip(i))?;
                once(&mut d.timeout, v).map(|()| end)
            }
            b"max_duration" => {
                let (v, end) = p.duration(p.skip(i))?;
                once(&mut d.max_duration, v).map(|()| end)
            }
            b"record" => flag(&mut d.record).map(|()| i),
            b"send_digits" => {
                let (v, end) = p.string(p.skip(i))?;
                once(&mut d.send_digits, v).map(|()| end)
            }
            b"ringback" => {
                let (v, end) = p.string(p.skip(i))?;
                once(&mut d.ringback, v).map(|()| end)
            }
            _ => None,
        })?;
        Some((StmtKind::Dial(Arc::new(d)), end))
    }

    fn conference(&mut self, after: usize) -> Option<(StmtKind, usize)> {
        let (room, end) = self.string(after)?;
        let mut c = Conference {
            room,
            ..Default::default()
        };
        let end = self.opts(end, |p, word, i| match word {
            b"hold_music" => {
                let (v, end) = p.hold_music(p.skip(i))?;
                once(&mut c.hold_music, v).map(|()| end)
            }
            b"muted" => flag(&mut c.muted).map(|()| i),
            b"beep" => flag(&mut c.beep).map(|()| i),
            b"start_on_enter" => flag(&mut c.start_on_enter).map(|()| i),
            b"end_on_exit" => flag(&mut c.end_on_exit).map(|()| i),
            b"max_duration" => {
                let (v, end) = p.duration(p.skip(i))?;
                once(&mut c.max_duration, v).map(|()| end)
            }
            _ => None,
        })?;
        Some((StmtKind::Conference(Arc::new(c)), end))
    }

    /// `on <outcome> -> <state>`, attached to the dial, collect or record just
    /// above it; anything `attach_outcome` would report gives up.
    fn on(&mut self, at: usize, after: usize, base: usize) -> Option<usize> {
        let (word, end) = self.word(after);
        let outcome = match word {
            b"answered" => Outcome::Answered,
            b"busy" => Outcome::Busy,
            b"no_answer" => Outcome::NoAnswer,
            b"failed" => Outcome::Failed,
            b"timeout" => Outcome::Timeout,
            _ => return None,
        };
        let outcome_span = self.exact(after, end);
        let i = self.lit(self.skip(end), b"->")?;
        let (target, end) = self.ident(self.skip(i))?;
        let on = OnOutcome {
            outcome: Spanned {
                value: outcome,
                span: outcome_span,
            },
            target,
            span: self.exact(at, end),
        };
        // Only a statement of this block: `base` is where it starts.
        let host = match self
            .scratch
            .stmts
            .get_mut(base..)
            .and_then(|b| b.last_mut())
            .map(|s| &mut s.kind)
        {
            Some(StmtKind::Dial(d)) if outcome != Outcome::Timeout => &mut Arc::make_mut(d).outcomes,
            Some(StmtKind::Collect(c)) if outcome == Outcome::Timeout => &mut Arc::make_mut(c).outcomes,
            Some(StmtKind::Record(r)) if outcome == Outcome::Timeout => &mut Arc::make_mut(r).outcomes,
            _ => return None,
        };
        if host.iter().any(|h| h.outcome.value == outcome) {
            return None;
        }
        host.push(on);
        Some(end)
    }

    /// `if_stmt = { "if" ~ expr ~ block ~ else_clause? }` at `at` (the `if`),
    /// refused a level before the lowering's `MAX_NESTING` limit.
    pub(super) fn if_stmt(&mut self, at: usize) -> Option<(If, usize)> {
        if self.if_depth + 1 >= MAX_NESTING {
            return None;
        }
        self.if_depth += 1;
        let result = self.if_body(at);
        self.if_depth -= 1;
        result
    }

    fn if_body(&mut self, at: usize) -> Option<(If, usize)> {
        let (cond, end) = self.top_expr(self.skip(at + 2))?;
        let (then, then_close, end) = self.block(self.skip(end))?;
        let i = self.skip(end);
        let (word, else_end) = self.word(i);
        if word != b"else" {
            // No else clause: the pair keeps the skip after the `}`.
            let stmt = If {
                cond: Arc::new(cond),
                then,
                then_close,
                otherwise: None,
            };
            return Some((stmt, i));
        }
        let j = self.skip(else_end);
        let (otherwise, end) = if self.at(j) == b'{' {
            let (body, _, end) = self.block(j)?;
            (body, end)
        } else if self.word(j).0 == b"if" {
            let (chained, end) = self.if_stmt(j)?;
            let stmt = Stmt {
                kind: StmtKind::If(Box::new(chained)),
                span: self.span(j, end),
            };
            (vec![stmt], end)
        } else {
            return None;
        };
        let stmt = If {
            cond: Arc::new(cond),
            then,
            then_close,
            otherwise: Some(otherwise),
        };
        Some((stmt, end))
    }
}

fn is_record_opt(word: &[u8]) -> bool {
    matches!(word, b"max" | b"finish" | b"timeout" | b"beep" | b"trim_silence")
}
