//! pest pairs → AST.
//!
//! The grammar guarantees the shape of every pair it accepts, but this walk never
//! relies on it with an `unwrap`: a missing child becomes an `Error` node, so
//! even a grammar bug degrades into a diagnostic instead of a panic.

use super::MAX_NESTING;
use super::codes::SYNTAX_ERROR;
use super::errors::{bad_line_diagnostic, keyword_boundary};
use super::grammar::Rule;
use super::keywords;
use super::strings;
use crate::analysis::codes::{DUPLICATE_OPTION, INVALID_DURATION, MISPLACED_OUTCOME, OUT_OF_RANGE};
use crate::ast::*;
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};
use pest::iterators::Pair;
use std::sync::Arc;

/// Where a bad line was found, which decides how it is re-parsed for a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineContext {
    Block,
    Menu,
    Flow,
    Queue,
}

pub struct Lower<'a> {
    pub file: FileId,
    /// Offset of the chunk in the file.
    pub base: usize,
    /// End of the real chunk text (anything past it was added to close braces).
    pub limit: usize,
    pub diags: &'a mut Vec<Diagnostic>,
    /// `if`s open around the statement being lowered. Braces are limited by
    /// `too_deep` before pest runs, but an `else if` chain nests each `if`
    /// inside the previous `else` without any brace, so it is counted here.
    pub depth: usize,
}

type P<'i> = Pair<'i, Rule>;

impl Lower<'_> {
    fn span(&self, p: &P) -> Span {
        let s = p.as_span();
        // pest leaves the implicit whitespace it skipped looking for more
        // (`a == b ` before `{`) inside a pair; labels should not underline it.
        let text = p.as_str();
        let trimmed = text.trim_end_matches([' ', '\t']).len();
        let start = (self.base + s.start()).min(self.limit);
        let end = (self.base + s.start() + trimmed).min(self.limit);
        Span::new(self.file, start, end)
    }

    /// A name as written; a reserved word is reported (and kept, so the
    /// statement still resolves as far as it can).
    fn name(&mut self, p: &P) -> Name {
        let name = Name {
            text: p.as_str().to_string(),
            span: self.span(p),
        };
        if keywords::is_reserved(&name.text) {
            self.diags.push(
                Diagnostic::new(&SYNTAX_ERROR, format!("`{}` is a reserved word", name.text))
                    .primary(name.span, "cannot be used as a name")
                    .help(format!(
                        "choose another name, e.g. `{}_1` or `my_{}`; docs/language.md lists the reserved words",
                        name.text, name.text
                    )),
            );
        }
        name
    }

    fn error(&mut self, at: Span, msg: impl Into<String>) {
        self.diags.push(
            Diagnostic::new(&SYNTAX_ERROR, msg)
                .primary(at, "here")
                .help("this is a bug in callflow's parser; please report it with the file that triggers it"),
        );
    }

    pub fn item(&mut self, p: P) -> Option<Item> {
        let span = self.span(&p);
        let keyword = match p.as_rule() {
            Rule::import_decl => "import",
            Rule::flow_decl => "flow",
            Rule::queue_decl => "queue",
            Rule::step_decl => "step",
            Rule::menu_decl => "menu",
            _ => "",
        };
        if let Some(d) = keyword_boundary(keyword, p.as_str(), span) {
            self.diags.push(d);
            return None;
        }
        match p.as_rule() {
            Rule::import_decl => {
                let path = self.first_string(&p)?;
                Some(Item::Import(Import { path, span }))
            }
            Rule::flow_decl => Some(Item::Flow(self.flow(p, span)?)),
            Rule::queue_decl => Some(Item::Queue(self.queue(p, span)?)),
            Rule::step_decl => {
                let mut inner = p.into_inner();
                let name = self.name(&inner.next()?);
                let (body, close) = self.block(inner.next()?);
                Some(Item::State(State {
                    name,
                    body: StateBody::Step(body),
                    span,
                    close,
                }))
            }
            Rule::menu_decl => Some(Item::State(self.menu(p, span)?)),
            _ => {
                self.error(span, "unexpected item");
                None
            }
        }
    }

    fn first_string(&mut self, p: &P) -> Option<StrLit> {
        let s = p.clone().into_inner().find(|c| c.as_rule() == Rule::string)?;
        Some(self.string(&s))
    }

    fn string(&mut self, p: &P) -> StrLit {
        let offset = self.span(p).start as usize;
        strings::decode(p.as_str(), self.file, offset, self.diags)
    }

    fn flow(&mut self, p: P, span: Span) -> Option<Flow> {
        let mut inner = p.into_inner();
        let name = self.name(&inner.next()?);
        let mut flow = Flow {
            name,
            span,
            ..Default::default()
        };
        for c in inner {
            let cspan = self.span(&c);
            match c.as_rule() {
                Rule::start_setting => {
                    let v = c.into_inner().next().map(|n| self.name(&n));
                    set_once(&mut flow.start, v, "start", cspan, self.diags);
                }
                Rule::voice_setting => {
                    let v = self.voice_of(c);
                    set_once(&mut flow.voice, v, "voice", cspan, self.diags);
                }
                Rule::language_setting => {
                    let v = self.first_string(&c);
                    set_once(&mut flow.language, v, "language", cspan, self.diags);
                }
                Rule::input_timeout_setting => {
                    let v = self.duration_in(&c);
                    set_once(&mut flow.input_timeout, v, "input_timeout", cspan, self.diags);
                }
                Rule::timezone_setting => {
                    let v = self.first_string(&c);
                    set_once(&mut flow.timezone, v, "timezone", cspan, self.diags);
                }
                Rule::retries_setting => {
                    let v = self.integer_in(&c);
                    set_once(&mut flow.retries, v, "retries", cspan, self.diags);
                }
                Rule::bad_line => self.bad_line(&c, LineContext::Flow),
                _ => {}
            }
        }
        Some(flow)
    }

    fn queue(&mut self, p: P, span: Span) -> Option<Queue> {
        let mut inner = p.into_inner();
        let name = self.name(&inner.next()?);
        let mut hold_music = None;
        for c in inner {
            let cspan = self.span(&c);
            match c.as_rule() {
                Rule::hold_music_opt => {
                    let v = self.hold_music(c);
                    set_once(&mut hold_music, v, "hold_music", cspan, self.diags);
                }
                Rule::bad_line => self.bad_line(&c, LineContext::Queue),
                _ => {}
            }
        }
        Some(Queue { name, hold_music, span })
    }

    fn menu(&mut self, p: P, span: Span) -> Option<State> {
        let mut inner = p.into_inner();
        let name = self.name(&inner.next()?);
        let mut menu = Menu {
            prompt: Vec::new(),
            retries: None,
            input_timeout: None,
            options: Vec::new(),
        };
        let mut close = span;
        for c in inner {
            let cspan = self.span(&c);
            match c.as_rule() {
                Rule::say_stmt | Rule::play_stmt | Rule::pause_stmt => {
                    if let Some(stmt) = self.stmt(c) {
                        menu.prompt.push(stmt);
                    }
                }
                Rule::retries_setting => {
                    let v = self.integer_in(&c);
                    set_once(&mut menu.retries, v, "retries", cspan, self.diags);
                }
                Rule::input_timeout_setting => {
                    let v = self.duration_in(&c);
                    set_once(&mut menu.input_timeout, v, "input_timeout", cspan, self.diags);
                }
                Rule::menu_option => {
                    if let Some(o) = self.menu_option(c) {
                        menu.options.push(o);
                    }
                }
                Rule::bad_line => self.bad_line(&c, LineContext::Menu),
                Rule::close => close = cspan,
                _ => {}
            }
        }
        Some(State {
            name,
            body: StateBody::Menu(menu),
            span,
            close,
        })
    }

    fn menu_option(&mut self, p: P) -> Option<MenuOption> {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let key_pair = inner.next()?.into_inner().next()?;
        let kspan = self.span(&key_pair);
        let key = match key_pair.as_rule() {
            Rule::string => MenuKey::Digit(self.string(&key_pair)),
            Rule::timeout_kw => MenuKey::Timeout(kspan),
            Rule::invalid_kw => MenuKey::Invalid(kspan),
            _ => MenuKey::Exhausted(kspan),
        };
        let target_pair = inner.next()?.into_inner().next()?;
        let target = match target_pair.as_rule() {
            Rule::repeat_kw => Target::Repeat(self.span(&target_pair)),
            _ => Target::State(self.name(&target_pair)),
        };
        Some(MenuOption { key, target, span })
    }

    /// A `{ … }` block: its statements and the span of its closing brace.
    fn block(&mut self, p: P) -> (Vec<Stmt>, Span) {
        let mut stmts: Vec<Stmt> = Vec::new();
        let mut close = self.span(&p);
        close.start = close.end.saturating_sub(1).max(close.start);
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::close => close = self.span(&c),
                Rule::bad_line => {
                    let span = self.span(&c);
                    self.bad_line(&c, LineContext::Block);
                    stmts.push(Stmt {
                        kind: StmtKind::Error,
                        span,
                    });
                }
                Rule::on_stmt => self.attach_outcome(c, &mut stmts),
                _ => {
                    if let Some(s) = self.stmt(c) {
                        stmts.push(s);
                    }
                }
            }
        }
        (stmts, close)
    }

    pub fn bad_line(&mut self, p: &P, ctx: LineContext) {
        let span = self.span(p);
        self.diags.push(bad_line_diagnostic(p.as_str(), span, ctx));
    }

    fn stmt(&mut self, p: P) -> Option<Stmt> {
        let span = self.span(&p);
        let keyword = p
            .as_str()
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("");
        let expected = stmt_keyword(p.as_rule());
        if keyword != expected
            && let Some(d) = keyword_boundary(expected, p.as_str(), span)
        {
            self.diags.push(d);
            return Some(Stmt {
                kind: StmtKind::Error,
                span,
            });
        }
        let kind = match p.as_rule() {
            Rule::say_stmt => StmtKind::Say(Arc::new(self.say(p)?)),
            Rule::play_stmt => {
                let mut source = None;
                let mut repeat = None;
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::string => source = Some(self.string(&c)),
                        Rule::repeat_opt => repeat = self.integer_in(&c),
                        _ => {}
                    }
                }
                StmtKind::Play {
                    source: source?,
                    repeat,
                }
            }
            Rule::pause_stmt => StmtKind::Pause(self.duration_in(&p)?),
            Rule::collect_stmt => StmtKind::Collect(Arc::new(self.collect(p)?)),
            Rule::record_stmt => StmtKind::Record(Arc::new(self.record(p))),
            Rule::start_recording_stmt => StmtKind::StartRecording,
            Rule::stop_recording_stmt => StmtKind::StopRecording,
            Rule::dial_stmt => StmtKind::Dial(Arc::new(self.dial(p))),
            Rule::enqueue_stmt => {
                let mut inner = p.into_inner();
                let queue = self.name(&inner.next()?);
                let hold_music = inner.next().and_then(|c| self.hold_music(c));
                StmtKind::Enqueue { queue, hold_music }
            }
            Rule::dequeue_stmt => {
                let mut inner = p.into_inner();
                let queue = self.name(&inner.next()?);
                let number = inner.next().and_then(|c| self.first_string(&c));
                StmtKind::Dequeue { queue, number }
            }
            Rule::park_stmt => {
                let (mut intro, mut hold, mut max) = (None, None, None);
                for c in p.into_inner() {
                    let cspan = self.span(&c);
                    match c.as_rule() {
                        Rule::intro_opt => {
                            let v = self.first_string(&c);
                            set_once(&mut intro, v, "intro", cspan, self.diags);
                        }
                        Rule::hold_opt => {
                            let v = self.first_string(&c);
                            set_once(&mut hold, v, "hold", cspan, self.diags);
                        }
                        Rule::max_opt => {
                            let v = self.duration_in(&c);
                            set_once(&mut max, v, "max", cspan, self.diags);
                        }
                        _ => {}
                    }
                }
                StmtKind::Park { intro, hold, max }
            }
            Rule::conference_stmt => StmtKind::Conference(Arc::new(self.conference(p)?)),
            Rule::stream_stmt => {
                let url = self.first_string(&p)?;
                let max_duration = p
                    .clone()
                    .into_inner()
                    .find(|c| c.as_rule() == Rule::max_duration_opt)
                    .and_then(|c| self.duration_in(&c));
                StmtKind::Stream { url, max_duration }
            }
            Rule::redirect_stmt => {
                let target = p.into_inner().next()?;
                match target.as_rule() {
                    Rule::flow_target => {
                        StmtKind::Redirect(RedirectTarget::Flow(self.name(&target.into_inner().next()?)))
                    }
                    _ => StmtKind::Redirect(RedirectTarget::Url(self.string(&target))),
                }
            }
            Rule::reject_stmt => {
                let reason = p.into_inner().next().map(|r| Spanned {
                    value: if r.as_str() == "busy" {
                        RejectReason::Busy
                    } else {
                        RejectReason::Rejected
                    },
                    span: self.span(&r),
                });
                StmtKind::Reject(reason)
            }
            Rule::hangup_stmt => StmtKind::Hangup,
            Rule::goto_stmt => StmtKind::Goto(self.name(&p.into_inner().next()?)),
            Rule::if_stmt => self.nested_if(p, span)?,
            Rule::set_stmt => {
                let mut inner = p.into_inner();
                let var = self.name(&inner.next()?);
                let value = self.expr(inner.next()?);
                StmtKind::Set {
                    var,
                    value: Arc::new(value),
                }
            }
            _ => {
                self.error(span, format!("unexpected statement {:?}", p.as_rule()));
                StmtKind::Error
            }
        };
        Some(Stmt { kind, span })
    }

    fn say(&mut self, p: P) -> Option<Say> {
        let mut text = None;
        let (mut voice, mut language, mut repeat) = (None, None, None);
        for c in p.into_inner() {
            let cspan = self.span(&c);
            match c.as_rule() {
                Rule::string => text = Some(self.string(&c)),
                Rule::voice_opt => {
                    let v = self.voice_of(c);
                    set_once(&mut voice, v, "voice", cspan, self.diags);
                }
                Rule::language_opt => {
                    let v = self.first_string(&c);
                    set_once(&mut language, v, "language", cspan, self.diags);
                }
                Rule::repeat_opt => {
                    let v = self.integer_in(&c);
                    set_once(&mut repeat, v, "repeat", cspan, self.diags);
                }
                _ => {}
            }
        }
        Some(Say {
            text: text?,
            voice,
            language,
            repeat,
        })
    }

    fn collect(&mut self, p: P) -> Option<Collect> {
        let mut inner = p.into_inner();
        let var = self.name(&inner.next()?);
        let mut c = Collect {
            var,
            ..Default::default()
        };
        let mut seen_digits = false;
        for o in inner {
            let ospan = self.span(&o);
            match o.as_rule() {
                Rule::digits_opt => {
                    if seen_digits {
                        duplicate("digits", ospan, self.diags);
                        continue;
                    }
                    seen_digits = true;
                    let nums: Vec<_> = o.into_inner().filter_map(|n| self.integer(&n)).collect();
                    c.min_digits = nums.first().cloned();
                    c.max_digits = nums.get(1).or(nums.first()).cloned();
                }
                Rule::finish_opt => {
                    let v = self.first_string(&o);
                    set_once(&mut c.finish, v, "finish", ospan, self.diags);
                }
                Rule::timeout_opt => {
                    let v = self.duration_in(&o);
                    set_once(&mut c.timeout, v, "timeout", ospan, self.diags);
                }
                Rule::speech_opt => {
                    let lang = o.clone().into_inner().next().and_then(|l| self.first_string(&l));
                    set_once(
                        &mut c.speech,
                        Some(Spanned {
                            value: lang,
                            span: ospan,
                        }),
                        "speech",
                        ospan,
                        self.diags,
                    );
                }
                _ => {}
            }
        }
        Some(c)
    }

    fn record(&mut self, p: P) -> Record {
        let mut r = Record::default();
        for o in p.into_inner() {
            let ospan = self.span(&o);
            match o.as_rule() {
                Rule::ident => r.var = Some(self.name(&o)),
                Rule::max_opt => {
                    let v = self.duration_in(&o);
                    set_once(&mut r.max, v, "max", ospan, self.diags);
                }
                Rule::finish_opt => {
                    let v = self.first_string(&o);
                    set_once(&mut r.finish, v, "finish", ospan, self.diags);
                }
                Rule::timeout_opt => {
                    let v = self.duration_in(&o);
                    set_once(&mut r.timeout, v, "timeout", ospan, self.diags);
                }
                Rule::beep_flag => flag(&mut r.beep, "beep", ospan, self.diags),
                Rule::trim_silence_flag => flag(&mut r.trim_silence, "trim_silence", ospan, self.diags),
                _ => {}
            }
        }
        r
    }

    fn dial(&mut self, p: P) -> Dial {
        let mut d = Dial::default();
        for o in p.into_inner() {
            let ospan = self.span(&o);
            match o.as_rule() {
                Rule::string => d.targets.push(self.string(&o)),
                Rule::sequential_flag | Rule::simultaneous_flag => {
                    let value = if o.as_rule() == Rule::sequential_flag {
                        DialMode::Sequential
                    } else {
                        DialMode::Simultaneous
                    };
                    set_once(
                        &mut d.mode,
                        Some(Spanned { value, span: ospan }),
                        "sequential/simultaneous",
                        ospan,
                        self.diags,
                    );
                }
                Rule::caller_id_opt => {
                    let v = self.first_string(&o);
                    set_once(&mut d.caller_id, v, "caller_id", ospan, self.diags);
                }
                Rule::timeout_opt => {
                    let v = self.duration_in(&o);
                    set_once(&mut d.timeout, v, "timeout", ospan, self.diags);
                }
                Rule::max_duration_opt => {
                    let v = self.duration_in(&o);
                    set_once(&mut d.max_duration, v, "max_duration", ospan, self.diags);
                }
                Rule::record_flag => flag(&mut d.record, "record", ospan, self.diags),
                Rule::send_digits_opt => {
                    let v = self.first_string(&o);
                    set_once(&mut d.send_digits, v, "send_digits", ospan, self.diags);
                }
                Rule::ringback_opt => {
                    let v = self.first_string(&o);
                    set_once(&mut d.ringback, v, "ringback", ospan, self.diags);
                }
                _ => {}
            }
        }
        d
    }

    fn conference(&mut self, p: P) -> Option<Conference> {
        let mut room = None;
        let mut c = Conference::default();
        for o in p.into_inner() {
            let ospan = self.span(&o);
            match o.as_rule() {
                Rule::string => room = Some(self.string(&o)),
                Rule::hold_music_opt => {
                    let v = self.hold_music(o);
                    set_once(&mut c.hold_music, v, "hold_music", ospan, self.diags);
                }
                Rule::muted_flag => flag(&mut c.muted, "muted", ospan, self.diags),
                Rule::beep_flag => flag(&mut c.beep, "beep", ospan, self.diags),
                Rule::start_on_enter_flag => flag(&mut c.start_on_enter, "start_on_enter", ospan, self.diags),
                Rule::end_on_exit_flag => flag(&mut c.end_on_exit, "end_on_exit", ospan, self.diags),
                Rule::max_duration_opt => {
                    let v = self.duration_in(&o);
                    set_once(&mut c.max_duration, v, "max_duration", ospan, self.diags);
                }
                _ => {}
            }
        }
        c.room = room?;
        Some(c)
    }

    /// An `if`, unless `if`s (nested or chained with `else if`) are already
    /// `MAX_NESTING` deep: then an error node, so that no later pass (type
    /// checks, IR, `Drop` of the tree) recurses deeper than that.
    fn nested_if(&mut self, p: P, span: Span) -> Option<StmtKind> {
        if self.depth >= MAX_NESTING {
            let at = Span::new(
                self.file,
                span.start as usize,
                (span.start as usize + 2).min(self.limit),
            );
            self.diags.push(
                Diagnostic::new(
                    &SYNTAX_ERROR,
                    format!("`if` nested or chained deeper than {MAX_NESTING} levels"),
                )
                .primary(at, "too deep")
                .help("split a long `else if` chain into a `menu` or into separate steps"),
            );
            return Some(StmtKind::Error);
        }
        self.depth += 1;
        let kind = self.if_stmt(p).map(|i| StmtKind::If(Box::new(i)));
        self.depth -= 1;
        kind
    }

    fn if_stmt(&mut self, p: P) -> Option<If> {
        let mut inner = p.into_inner();
        let cond = self.expr(inner.next()?);
        let (then, then_close) = self.block(inner.next()?);
        let otherwise = match inner.next() {
            None => None,
            Some(else_clause) => {
                let body = else_clause.into_inner().next()?;
                match body.as_rule() {
                    Rule::if_stmt => {
                        let span = self.span(&body);
                        let kind = self.nested_if(body, span)?;
                        Some(vec![Stmt { kind, span }])
                    }
                    _ => Some(self.block(body).0),
                }
            }
        };
        Some(If {
            cond: Arc::new(cond),
            then,
            then_close,
            otherwise,
        })
    }

    /// `on <outcome> -> <state>` goes to the dial, collect or record just above.
    fn attach_outcome(&mut self, p: P, stmts: &mut [Stmt]) {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let (Some(outcome_pair), Some(target_pair)) = (inner.next(), inner.next()) else {
            self.error(span, "incomplete `on` line");
            return;
        };
        let outcome = match outcome_pair.as_str() {
            "answered" => Outcome::Answered,
            "busy" => Outcome::Busy,
            "no_answer" => Outcome::NoAnswer,
            "failed" => Outcome::Failed,
            _ => Outcome::Timeout,
        };
        let on = OnOutcome {
            outcome: Spanned {
                value: outcome,
                span: self.span(&outcome_pair),
            },
            target: self.name(&target_pair),
            span,
        };
        let (host, allowed): (&mut Vec<OnOutcome>, &[Outcome]) = match stmts.last_mut().map(|s| &mut s.kind) {
            Some(StmtKind::Dial(d)) => (
                &mut Arc::make_mut(d).outcomes,
                &[Outcome::Answered, Outcome::Busy, Outcome::NoAnswer, Outcome::Failed],
            ),
            Some(StmtKind::Collect(c)) => (&mut Arc::make_mut(c).outcomes, &[Outcome::Timeout]),
            Some(StmtKind::Record(r)) => (&mut Arc::make_mut(r).outcomes, &[Outcome::Timeout]),
            Some(StmtKind::Error) => return,
            _ => {
                self.diags.push(
                    Diagnostic::new(
                        &MISPLACED_OUTCOME,
                        format!("`on {}` does not follow a dial, collect or record", outcome.as_str()),
                    )
                    .primary(span, "nothing above this line has outcomes")
                    .help("put `on …` lines directly under the `dial`, `collect` or `record` whose outcome they route"),
                );
                return;
            }
        };
        if !allowed.contains(&outcome) {
            let names: Vec<_> = allowed.iter().map(|o| format!("`{}`", o.as_str())).collect();
            self.diags.push(
                Diagnostic::new(
                    &MISPLACED_OUTCOME,
                    format!("this action has no `{}` outcome", outcome.as_str()),
                )
                .primary(on.outcome.span, "not an outcome of the action above")
                .help(format!("the outcomes here are {}", names.join(", "))),
            );
            return;
        }
        if let Some(prev) = host.iter().find(|h| h.outcome.value == outcome) {
            self.diags.push(
                Diagnostic::new(
                    &DUPLICATE_OPTION,
                    format!("outcome `{}` is routed twice", outcome.as_str()),
                )
                .primary(span, "routed again here")
                .secondary(prev.span, "first routed here")
                .help("keep one `on` line per outcome"),
            );
            return;
        }
        host.push(on);
    }

    fn hold_music(&mut self, p: P) -> Option<HoldMusic> {
        let v = p.into_inner().next()?;
        Some(match v.as_rule() {
            Rule::moh_builtin => HoldMusic::Builtin(Spanned {
                value: v.as_str().to_string(),
                span: self.span(&v),
            }),
            _ => HoldMusic::Url(self.string(&v)),
        })
    }

    fn voice_of(&mut self, p: P) -> Option<Spanned<Voice>> {
        let voice = p.into_inner().find(|c| c.as_rule() == Rule::voice)?;
        let span = self.span(&voice);
        let v = voice.into_inner().next()?;
        let value = match v.as_rule() {
            Rule::gender if v.as_str() == "male" => Voice::Male,
            Rule::gender => Voice::Female,
            _ => Voice::Named(self.string(&v).as_plain().unwrap_or_default()),
        };
        Some(Spanned { value, span })
    }

    fn duration_in(&mut self, p: &P) -> Option<Duration> {
        let d = p.clone().into_inner().find(|c| c.as_rule() == Rule::duration)?;
        self.duration(&d)
    }

    fn duration(&mut self, p: &P) -> Option<Duration> {
        let span = self.span(p);
        let text = p.as_str();
        let digits_end = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
        let (num, unit) = text.split_at(digits_end);
        let factor = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            _ => 3_600_000,
        };
        match num.parse::<u64>().ok().and_then(|n| n.checked_mul(factor)) {
            Some(ms) => Some(Spanned { value: ms, span }),
            None => {
                self.diags.push(
                    Diagnostic::new(&INVALID_DURATION, format!("`{text}` is too long a duration"))
                        .primary(span, "does not fit")
                        .help("write durations such as `500ms`, `5s`, `2m` or `1h`"),
                );
                None
            }
        }
    }

    fn integer_in(&mut self, p: &P) -> Option<Spanned<u32>> {
        let n = p.clone().into_inner().find(|c| c.as_rule() == Rule::integer)?;
        self.integer(&n)
    }

    fn integer(&mut self, p: &P) -> Option<Spanned<u32>> {
        let span = self.span(p);
        match p.as_str().parse::<u32>() {
            Ok(value) => Some(Spanned { value, span }),
            Err(_) => {
                self.diags.push(
                    Diagnostic::new(&OUT_OF_RANGE, format!("`{}` is too large", p.as_str()))
                        .primary(span, "does not fit a 32-bit count")
                        .help("counts here are small numbers: retries, repeats, digits"),
                );
                None
            }
        }
    }

    pub fn expr(&mut self, p: P) -> Expr {
        self.expr_at(p, 0)
    }

    /// Lower an expression whose node will sit `depth` levels down the tree.
    ///
    /// Every pass over expressions (type checks, variable reads, `Clone`,
    /// `Drop`, the VM compiler) recurses once per level, and a chain such as
    /// `a or b or c …` lowers to a left-leaning tree one level deeper per
    /// operator. pest reads such a chain in a loop, so `too_deep` (which counts
    /// brackets) does not see it; past `MAX_NESTING` levels the expression
    /// becomes an error node instead.
    fn expr_at(&mut self, p: P, depth: usize) -> Expr {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::expr | Rule::and_expr | Rule::sum_expr => {
                let parts: Vec<P> = p.into_inner().collect();
                // The first operand sits one level below each operator of the chain.
                let mut level = depth + parts.len() / 2;
                if level > MAX_NESTING {
                    return self.expr_too_deep(span);
                }
                let mut inner = parts.into_iter();
                let Some(first) = inner.next() else {
                    return Expr {
                        kind: ExprKind::Error,
                        span,
                    };
                };
                let mut lhs = self.expr_at(first, level);
                while let (Some(op), Some(rhs)) = (inner.next(), inner.next()) {
                    let op = self.binop(&op);
                    let rhs = self.expr_at(rhs, level);
                    level = level.saturating_sub(1);
                    let span = lhs.span.to(rhs.span);
                    lhs = Expr {
                        kind: ExprKind::Binary {
                            op,
                            lhs: Box::new(lhs),
                            rhs: Box::new(rhs),
                        },
                        span,
                    };
                }
                lhs
            }
            Rule::not_expr | Rule::cmp_expr => {
                let mut inner = p.into_inner();
                let Some(first) = inner.next() else {
                    return Expr {
                        kind: ExprKind::Error,
                        span,
                    };
                };
                // A lone operand is this node itself; an operator puts its operands one level down.
                let below = depth + 1;
                if inner.peek().is_some() && below > MAX_NESTING {
                    return self.expr_too_deep(span);
                }
                if first.as_rule() == Rule::not_op {
                    let Some(operand) = inner.next() else {
                        return Expr {
                            kind: ExprKind::Error,
                            span,
                        };
                    };
                    return Expr {
                        kind: ExprKind::Not(Box::new(self.expr_at(operand, below))),
                        span,
                    };
                }
                match (inner.next(), inner.next()) {
                    (Some(op), Some(rhs)) => {
                        let lhs = self.expr_at(first, below);
                        let op = self.binop(&op);
                        let rhs = self.expr_at(rhs, below);
                        Expr {
                            kind: ExprKind::Binary {
                                op,
                                lhs: Box::new(lhs),
                                rhs: Box::new(rhs),
                            },
                            span,
                        }
                    }
                    _ => self.expr_at(first, depth),
                }
            }
            Rule::string => Expr {
                kind: ExprKind::Str(self.string(&p)),
                span,
            },
            Rule::number => Expr {
                kind: ExprKind::Number(p.as_str().parse().unwrap_or(0.0)),
                span,
            },
            Rule::duration => match self.duration(&p) {
                Some(d) => Expr {
                    kind: ExprKind::Duration(d.value),
                    span,
                },
                None => Expr {
                    kind: ExprKind::Error,
                    span,
                },
            },
            Rule::boolean => Expr {
                kind: ExprKind::Bool(p.as_str() == "true"),
                span,
            },
            Rule::reference => {
                let mut inner = p.into_inner();
                let Some(name) = inner.next().map(|n| self.name(&n)) else {
                    return Expr {
                        kind: ExprKind::Error,
                        span,
                    };
                };
                // No argument list: a variable.
                let Some(call_args) = inner.next() else {
                    return Expr {
                        kind: ExprKind::Var(name),
                        span,
                    };
                };
                if depth + 1 > MAX_NESTING {
                    return self.expr_too_deep(span);
                }
                let args = call_args
                    .into_inner()
                    .map(|arg| {
                        let mut parts: Vec<_> = arg.into_inner().collect();
                        let value = parts.pop().map(|v| self.expr_at(v, depth + 1));
                        let name = parts.pop().map(|n| self.name(&n));
                        Arg {
                            name,
                            value: value.unwrap_or(Expr {
                                kind: ExprKind::Error,
                                span,
                            }),
                        }
                    })
                    .collect();
                Expr {
                    kind: ExprKind::Call { name, args },
                    span,
                }
            }
            _ => Expr {
                kind: ExprKind::Error,
                span,
            },
        }
    }

    fn expr_too_deep(&mut self, span: Span) -> Expr {
        self.diags.push(
            Diagnostic::new(
                &SYNTAX_ERROR,
                format!("this expression is nested deeper than {MAX_NESTING} levels"),
            )
            .primary(span, "too deep")
            .help("break the condition up with `set` into intermediate variables, or use a `menu`"),
        );
        Expr {
            kind: ExprKind::Error,
            span,
        }
    }

    fn binop(&self, p: &P) -> Spanned<BinOp> {
        let value = match p.as_str() {
            "or" => BinOp::Or,
            "and" => BinOp::And,
            "==" => BinOp::Eq,
            "!=" => BinOp::Ne,
            "<" => BinOp::Lt,
            "<=" => BinOp::Le,
            ">" => BinOp::Gt,
            ">=" => BinOp::Ge,
            "+" => BinOp::Add,
            _ => BinOp::Sub,
        };
        Spanned {
            value,
            span: self.span(p),
        }
    }
}

fn stmt_keyword(rule: Rule) -> &'static str {
    match rule {
        Rule::say_stmt => "say",
        Rule::play_stmt => "play",
        Rule::pause_stmt => "pause",
        Rule::collect_stmt => "collect",
        Rule::record_stmt => "record",
        Rule::start_recording_stmt => "start_recording",
        Rule::stop_recording_stmt => "stop_recording",
        Rule::dial_stmt => "dial",
        Rule::on_stmt => "on",
        Rule::enqueue_stmt => "enqueue",
        Rule::dequeue_stmt => "dequeue",
        Rule::park_stmt => "park",
        Rule::conference_stmt => "conference",
        Rule::stream_stmt => "stream",
        Rule::redirect_stmt => "redirect",
        Rule::reject_stmt => "reject",
        Rule::hangup_stmt => "hangup",
        Rule::goto_stmt => "goto",
        Rule::if_stmt => "if",
        Rule::set_stmt => "set",
        _ => "",
    }
}

fn duplicate(what: &str, at: Span, diags: &mut Vec<Diagnostic>) {
    diags.push(
        Diagnostic::new(&DUPLICATE_OPTION, format!("`{what}` is given twice"))
            .primary(at, "given again here")
            .help(format!("keep one `{what}`")),
    );
}

/// Store a setting unless one was given already (then report it).
fn set_once<T>(slot: &mut Option<T>, value: Option<T>, what: &str, at: Span, diags: &mut Vec<Diagnostic>) {
    if value.is_none() {
        return;
    }
    if slot.is_some() {
        duplicate(what, at, diags);
    } else {
        *slot = value;
    }
}

fn flag(slot: &mut bool, what: &str, at: Span, diags: &mut Vec<Diagnostic>) {
    if *slot {
        duplicate(what, at, diags);
    }
    *slot = true;
}

#[cfg(test)]
mod depth_tests {
    //! Regressions: deep trees used to overflow the stack in the passes after
    //! parsing (type checks, IR build, `Drop`), found by tests/no_panic.rs.

    use crate::ast::{Expr, ExprKind, Stmt, StmtKind};
    use crate::span::FileId;
    use crate::syntax::{MAX_NESTING, parse};

    fn expr_depth(e: &Expr) -> usize {
        1 + match &e.kind {
            ExprKind::Binary { lhs, rhs, .. } => expr_depth(lhs).max(expr_depth(rhs)),
            ExprKind::Not(inner) => expr_depth(inner),
            ExprKind::Call { args, .. } => args.iter().map(|a| expr_depth(&a.value)).max().unwrap_or(0),
            _ => 0,
        }
    }

    fn if_depth(stmts: &[Stmt]) -> usize {
        stmts
            .iter()
            .map(|s| match &s.kind {
                StmtKind::If(i) => 1 + if_depth(&i.then).max(i.otherwise.as_deref().map_or(0, if_depth)),
                _ => 0,
            })
            .max()
            .unwrap_or(0)
    }

    fn deepest(src: &str) -> (usize, usize, Vec<String>) {
        let (ast, diags) = parse(FileId(0), src);
        let (mut exprs, mut ifs) = (0, 0);
        for state in ast.states() {
            if let crate::ast::StateBody::Step(body) = &state.body {
                ifs = ifs.max(if_depth(body));
            }
            state.walk(&mut |s| match &s.kind {
                StmtKind::Set { value, .. } => exprs = exprs.max(expr_depth(value)),
                StmtKind::If(i) => exprs = exprs.max(expr_depth(&i.cond)),
                _ => {}
            });
        }
        (exprs, ifs, diags.into_iter().map(|d| d.message).collect())
    }

    #[test]
    fn a_long_operator_chain_is_refused_instead_of_lowered_to_a_deep_tree() {
        for op in ["+", "-", "or", "and"] {
            let src = format!(
                "step a {{\n  set x = 1{}\n  hangup\n}}\n",
                format!(" {op} 1").repeat(20_000)
            );
            let (exprs, _, messages) = deepest(&src);
            assert!(exprs <= MAX_NESTING + 1, "{op}: depth {exprs}");
            assert!(
                messages.iter().any(|m| m.contains("nested deeper than")),
                "{op}: {messages:?}"
            );
        }
    }

    #[test]
    fn nested_not_and_calls_are_limited_too() {
        let nots = format!("step a {{\n  if {}true {{\n    hangup\n  }}\n}}\n", "not ".repeat(200));
        let calls = format!("step a {{\n  set x = {}1{}\n}}\n", "length(".repeat(60), ")".repeat(60));
        for src in [nots, calls] {
            let (exprs, _, _) = deepest(&src);
            assert!(exprs <= MAX_NESTING + 1, "depth {exprs}");
        }
    }

    #[test]
    fn an_else_if_chain_past_the_limit_is_cut_with_a_diagnostic() {
        let src = format!(
            "step a {{\n  if caller == \"0\" {{\n    hangup\n{}  }}\n}}\n",
            "  } else if caller == \"1\" {\n    hangup\n".repeat(200)
        );
        let (_, ifs, messages) = deepest(&src);
        assert!(ifs <= MAX_NESTING, "if depth {ifs}");
        assert!(
            messages.iter().any(|m| m.contains("chained deeper than")),
            "{messages:?}"
        );
    }

    #[test]
    fn realistic_conditions_and_ladders_are_untouched() {
        let ors: String = (1..40).map(|i| format!(" or caller == \"{i}\"")).collect();
        let ladder: String = (1..40)
            .map(|i| format!("  }} else if caller == \"{i}\" {{\n    hangup\n"))
            .collect();
        let src = format!("step a {{\n  if caller == \"0\"{ors} {{\n    hangup\n{ladder}  }}\n  hangup\n}}\n");
        let (exprs, ifs, messages) = deepest(&src);
        assert!(messages.is_empty(), "{messages:?}");
        assert_eq!((exprs, ifs), (41, 40));
    }
}
