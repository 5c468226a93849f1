//! The syntax tree of one `.flow` file, with byte spans everywhere.
//!
//! The tree is independent of pest: `syntax::lower` builds it from pest pairs,
//! and nothing after that sees a pair. A piece that failed to parse is kept as
//! an `Error` node so positions and neighbours survive.

use crate::span::Span;
use std::sync::Arc;

/// One parsed file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ast {
    pub items: Vec<Item>,
}

/// Trees with at least this many items are freed on two threads.
const PARALLEL_DROP_ITEMS: usize = 1024;

impl Drop for Ast {
    /// A large tree is hundreds of thousands of allocations, and freeing them
    /// took a tenth of `check` on a 10,000-state flow, all of it on the
    /// caller's thread after the work was done (docs/performance.md). Half
    /// of the items are freed on a second thread; if none can be had, the
    /// caller frees them as before.
    fn drop(&mut self) {
        if self.items.len() < PARALLEL_DROP_ITEMS {
            return;
        }
        let second_half = self.items.split_off(self.items.len() / 2);
        let first_half = &mut self.items;
        std::thread::scope(|scope| {
            // The main thread's stack size, as for every thread of the core:
            // freeing a nested tree recurses as deep as building it did. On
            // failure the closure, and the half it owns, is dropped here.
            let _ = std::thread::Builder::new()
                .stack_size(8 << 20)
                .spawn_scoped(scope, move || drop(second_half));
            first_half.clear();
        });
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Import(Import),
    Flow(Flow),
    Queue(Queue),
    State(State),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Import(i) => i.span,
            Item::Flow(f) => f.span,
            Item::Queue(q) => q.span,
            Item::State(s) => s.span,
        }
    }
}

/// An identifier as written, with its span.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// A value with the span it was written at.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// A string literal: its unescaped value split into text and `{variable}` parts.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct StrLit {
    pub parts: Vec<StrPart>,
    /// Span of the whole literal, quotes included.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StrPart {
    Text(String),
    Var(Name),
}

impl StrLit {
    /// The literal text when it has no interpolation.
    pub fn as_plain(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                StrPart::Text(t) => out.push_str(t),
                StrPart::Var(_) => return None,
            }
        }
        Some(out)
    }

    /// The text with `{var}` placeholders written back, for display.
    pub fn display(&self) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                StrPart::Text(t) => out.push_str(t),
                StrPart::Var(v) => {
                    out.push('{');
                    out.push_str(&v.text);
                    out.push('}');
                }
            }
        }
        out
    }

    pub fn vars(&self) -> impl Iterator<Item = &Name> {
        self.parts.iter().filter_map(|p| match p {
            StrPart::Var(v) => Some(v),
            StrPart::Text(_) => None,
        })
    }
}

/// A duration in milliseconds.
pub type Duration = Spanned<u64>;

#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    pub path: StrLit,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Flow {
    pub name: Name,
    pub start: Option<Name>,
    pub voice: Option<Spanned<Voice>>,
    pub language: Option<StrLit>,
    pub input_timeout: Option<Duration>,
    pub timezone: Option<StrLit>,
    pub retries: Option<Spanned<u32>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Voice {
    Male,
    Female,
    /// A provider voice profile such as `en-US-ZiraRUS`.
    Named(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Queue {
    pub name: Name,
    pub hold_music: Option<HoldMusic>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum HoldMusic {
    /// A provider's built-in music (`ring`, `music1` …).
    Builtin(Spanned<String>),
    Url(StrLit),
}

/// A state: a `step` (statements) or a `menu`.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub name: Name,
    pub body: StateBody,
    pub span: Span,
    /// The closing `}`: where control falls off the end of the state.
    pub close: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StateBody {
    Step(Vec<Stmt>),
    Menu(Menu),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Menu {
    /// `say`, `play` and `pause` lines: what the caller hears before choosing.
    pub prompt: Vec<Stmt>,
    pub retries: Option<Spanned<u32>>,
    pub input_timeout: Option<Duration>,
    pub options: Vec<MenuOption>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MenuOption {
    pub key: MenuKey,
    pub target: Target,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum MenuKey {
    /// A DTMF key as written, e.g. `"1"`; validity is checked later.
    Digit(StrLit),
    Timeout(Span),
    Invalid(Span),
    Exhausted(Span),
}

impl MenuKey {
    pub fn span(&self) -> Span {
        match self {
            MenuKey::Digit(s) => s.span,
            MenuKey::Timeout(s) | MenuKey::Invalid(s) | MenuKey::Exhausted(s) => *s,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// Play the menu again (counts as a retry).
    Repeat(Span),
    State(Name),
}

/// A statement. Large statement kinds are behind a pointer so that a `Stmt`
/// stays small (big flows hold hundreds of thousands of them); the kinds the
/// IR keeps whole are shared (`Arc`), so building the IR copies no prompt.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    Say(Arc<Say>),
    Play {
        source: StrLit,
        repeat: Option<Spanned<u32>>,
    },
    Pause(Duration),
    Collect(Arc<Collect>),
    Record(Arc<Record>),
    StartRecording,
    StopRecording,
    Dial(Arc<Dial>),
    Enqueue {
        queue: Name,
        hold_music: Option<HoldMusic>,
    },
    Dequeue {
        queue: Name,
        number: Option<StrLit>,
    },
    Park {
        intro: Option<StrLit>,
        hold: Option<StrLit>,
        max: Option<Duration>,
    },
    Conference(Arc<Conference>),
    Stream {
        url: StrLit,
        max_duration: Option<Duration>,
    },
    Redirect(RedirectTarget),
    Reject(Option<Spanned<RejectReason>>),
    Hangup,
    Goto(Name),
    If(Box<If>),
    Set {
        var: Name,
        /// Shared with the IR's `set` node.
        value: Arc<Expr>,
    },
    /// A line that did not parse; its diagnostic has been reported.
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Say {
    pub text: StrLit,
    pub voice: Option<Spanned<Voice>>,
    pub language: Option<StrLit>,
    pub repeat: Option<Spanned<u32>>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Collect {
    pub var: Name,
    pub min_digits: Option<Spanned<u32>>,
    pub max_digits: Option<Spanned<u32>>,
    pub finish: Option<StrLit>,
    pub timeout: Option<Duration>,
    /// `speech`, optionally with a recognition language.
    pub speech: Option<Spanned<Option<StrLit>>>,
    pub outcomes: Vec<OnOutcome>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Record {
    pub var: Option<Name>,
    pub max: Option<Duration>,
    pub finish: Option<StrLit>,
    pub timeout: Option<Duration>,
    pub beep: bool,
    pub trim_silence: bool,
    pub outcomes: Vec<OnOutcome>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Dial {
    pub targets: Vec<StrLit>,
    pub mode: Option<Spanned<DialMode>>,
    pub caller_id: Option<StrLit>,
    pub timeout: Option<Duration>,
    pub max_duration: Option<Duration>,
    pub record: bool,
    pub send_digits: Option<StrLit>,
    pub ringback: Option<StrLit>,
    pub outcomes: Vec<OnOutcome>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialMode {
    Sequential,
    Simultaneous,
}

/// `on busy -> voicemail`, attached to the dial/collect/record above it.
#[derive(Clone, Debug, PartialEq)]
pub struct OnOutcome {
    pub outcome: Spanned<Outcome>,
    pub target: Name,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    Answered,
    Busy,
    NoAnswer,
    Failed,
    Timeout,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Busy => "busy",
            Outcome::NoAnswer => "no_answer",
            Outcome::Failed => "failed",
            Outcome::Timeout => "timeout",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Conference {
    pub room: StrLit,
    pub hold_music: Option<HoldMusic>,
    pub muted: bool,
    pub beep: bool,
    pub start_on_enter: bool,
    pub end_on_exit: bool,
    pub max_duration: Option<Duration>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RedirectTarget {
    Url(StrLit),
    Flow(Name),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RejectReason {
    Busy,
    Rejected,
}

#[derive(Clone, Debug, PartialEq)]
pub struct If {
    /// Shared with the IR's branch node.
    pub cond: Arc<Expr>,
    pub then: Vec<Stmt>,
    pub then_close: Span,
    /// `else { … }`; an `else if` is an else block holding one `if`.
    pub otherwise: Option<Vec<Stmt>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Str(StrLit),
    Number(f64),
    Duration(u64),
    Bool(bool),
    Var(Name),
    Call {
        name: Name,
        args: Vec<Arg>,
    },
    Not(Box<Expr>),
    Binary {
        op: Spanned<BinOp>,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    pub name: Option<Name>,
    pub value: Expr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
}

impl BinOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
        }
    }
}

impl Expr {
    /// Every variable the expression reads, interpolations included.
    pub fn vars(&self, out: &mut Vec<Name>) {
        self.for_each_var(&mut |n| out.push(n.clone()));
    }

    /// Visit every variable the expression reads, without copying names.
    pub fn for_each_var<'a>(&'a self, f: &mut impl FnMut(&'a Name)) {
        match &self.kind {
            ExprKind::Str(s) => s.vars().for_each(f),
            ExprKind::Var(n) => f(n),
            ExprKind::Call { args, .. } => args.iter().for_each(|a| a.value.for_each_var(f)),
            ExprKind::Not(e) => e.for_each_var(f),
            ExprKind::Binary { lhs, rhs, .. } => {
                lhs.for_each_var(f);
                rhs.for_each_var(f);
            }
            ExprKind::Number(_) | ExprKind::Duration(_) | ExprKind::Bool(_) | ExprKind::Error => {}
        }
    }
}

impl Stmt {
    /// Does control never continue to the next statement? (`goto`, `hangup`,
    /// transfers, and an `if` whose branches all end so.)
    pub fn is_terminal(&self) -> bool {
        match &self.kind {
            StmtKind::Goto(_)
            | StmtKind::Hangup
            | StmtKind::Reject(_)
            | StmtKind::Redirect(_)
            | StmtKind::Enqueue { .. }
            | StmtKind::Dequeue { .. }
            | StmtKind::Park { .. }
            | StmtKind::Conference(_)
            | StmtKind::Stream { .. } => true,
            StmtKind::If(i) => block_is_terminal(&i.then) && i.otherwise.as_deref().is_some_and(block_is_terminal),
            // A dial continues when it fails, unless every failure is routed.
            StmtKind::Dial(d) => [Outcome::Busy, Outcome::NoAnswer, Outcome::Failed]
                .iter()
                .all(|o| d.outcomes.iter().any(|h| h.outcome.value == *o)),
            _ => false,
        }
    }

    /// Visit the strings this statement reads (prompts, numbers, URLs …), for
    /// variable checks. A visitor, not a `Vec`: it runs for every statement.
    pub fn for_each_string<'a>(&'a self, f: &mut impl FnMut(&'a StrLit)) {
        match &self.kind {
            StmtKind::Say(s) => f(&s.text),
            StmtKind::Play { source, .. } => f(source),
            StmtKind::Dial(d) => {
                d.targets.iter().for_each(&mut *f);
                d.caller_id.iter().for_each(&mut *f);
                d.send_digits.iter().for_each(&mut *f);
                d.ringback.iter().for_each(f);
            }
            StmtKind::Enqueue {
                hold_music: Some(HoldMusic::Url(u)),
                ..
            } => f(u),
            StmtKind::Dequeue { number, .. } => number.iter().for_each(f),
            StmtKind::Park { intro, hold, .. } => {
                intro.iter().for_each(&mut *f);
                hold.iter().for_each(f);
            }
            StmtKind::Conference(c) => f(&c.room),
            StmtKind::Stream { url, .. } => f(url),
            StmtKind::Redirect(RedirectTarget::Url(u)) => f(u),
            _ => {}
        }
    }
}

pub fn block_is_terminal(block: &[Stmt]) -> bool {
    block.iter().any(Stmt::is_terminal)
}

/// Visit every statement of a block, nested `if`/`else` blocks included.
pub fn walk_stmts<'a>(stmts: &'a [Stmt], f: &mut impl FnMut(&'a Stmt)) {
    for s in stmts {
        f(s);
        if let StmtKind::If(i) = &s.kind {
            walk_stmts(&i.then, f);
            if let Some(o) = &i.otherwise {
                walk_stmts(o, f);
            }
        }
    }
}

impl State {
    /// Every statement of the state: a step's body, or a menu's prompt lines.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Stmt)) {
        match &self.body {
            StateBody::Step(body) => walk_stmts(body, f),
            StateBody::Menu(m) => walk_stmts(&m.prompt, f),
        }
    }
}

impl Ast {
    pub fn states(&self) -> impl Iterator<Item = &State> {
        self.items.iter().filter_map(|i| match i {
            Item::State(s) => Some(s),
            _ => None,
        })
    }

    pub fn flows(&self) -> impl Iterator<Item = &Flow> {
        self.items.iter().filter_map(|i| match i {
            Item::Flow(f) => Some(f),
            _ => None,
        })
    }

    pub fn queues(&self) -> impl Iterator<Item = &Queue> {
        self.items.iter().filter_map(|i| match i {
            Item::Queue(q) => Some(q),
            _ => None,
        })
    }

    pub fn imports(&self) -> impl Iterator<Item = &Import> {
        self.items.iter().filter_map(|i| match i {
            Item::Import(x) => Some(x),
            _ => None,
        })
    }
}

/// Variables every call has.
pub const BUILTIN_VARS: [&str; 3] = ["caller", "called", "call_id"];

impl Stmt {
    /// The variable this statement writes, if any.
    pub fn writes(&self) -> Option<&Name> {
        match &self.kind {
            StmtKind::Set { var, .. } => Some(var),
            StmtKind::Collect(c) => Some(&c.var),
            StmtKind::Record(r) => r.var.as_ref(),
            _ => None,
        }
    }

    /// Every variable this statement reads (interpolations and expressions),
    /// not counting nested blocks.
    pub fn reads(&self) -> Vec<Name> {
        let mut out = Vec::new();
        self.for_each_read(&mut |n| out.push(n.clone()));
        out
    }

    /// Visit every variable this statement reads (not counting nested
    /// blocks), without copying names: the hot-path form of [`Stmt::reads`].
    pub fn for_each_read<'a>(&'a self, f: &mut impl FnMut(&'a Name)) {
        self.for_each_string(&mut |s| s.vars().for_each(&mut *f));
        match &self.kind {
            StmtKind::Set { value, .. } => value.for_each_var(f),
            StmtKind::If(i) => i.cond.for_each_var(f),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::span::FileId;
    use crate::syntax::{MAX_NESTING, parse};

    /// A tree large enough to be freed on two threads, each item nested as
    /// deep as the parser allows: freeing it neither loses items before the
    /// end nor runs out of stack on the helper thread.
    #[test]
    fn a_large_deeply_nested_tree_is_freed_on_two_threads() {
        let depth = MAX_NESTING - 2;
        let mut src = String::from("flow f {\n  start s0\n}\n");
        for i in 0..super::PARALLEL_DROP_ITEMS + 10 {
            src.push_str(&format!("step s{i} {{\n"));
            for _ in 0..depth {
                src.push_str("if caller == \"1\" {\n");
            }
            src.push_str("hangup\n");
            for _ in 0..depth {
                src.push_str("}\n");
            }
            src.push_str("}\n");
        }
        let (ast, diags) = parse(FileId(0), &src);
        assert!(diags.is_empty(), "{:?}", diags.first());
        assert_eq!(ast.items.len(), super::PARALLEL_DROP_ITEMS + 11);
        let copy = ast.clone();
        drop(ast);
        assert_eq!(copy.items.len(), super::PARALLEL_DROP_ITEMS + 11);
        drop(copy);
    }
}
