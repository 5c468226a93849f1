//! Every name in a project and what it stands for: the definitions and uses
//! of states, queues, flows and variables, with their spans.
//!
//! Go to definition, references, rename, hover, completion and semantic
//! tokens all read this one list, so they agree on what a name is. It is
//! built from the AST (the public tree; names read through `Name::text`), so
//! it covers whatever the parser recovered around a syntax error.

use callflow_compiler::ast::{
    Ast, Expr, ExprKind, HoldMusic, Item, Name, RedirectTarget, StateBody, Stmt, StmtKind, StrLit, Target,
};
use callflow_compiler::span::{FileId, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    State,
    Queue,
    Flow,
    Variable,
}

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::State => "state",
            Kind::Queue => "queue",
            Kind::Flow => "flow",
            Kind::Variable => "variable",
        }
    }
}

/// What an occurrence does with its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// `step x {`, `menu x {`, `queue x`, `flow x {`.
    Definition,
    /// A variable written by `set`, `collect` or `record`: variables have no
    /// declaration, so their writes are where "definition" leads.
    Write,
    /// Any other use.
    Use,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub kind: Kind,
    pub role: Role,
    pub name: String,
    pub span: Span,
}

impl Occurrence {
    pub fn defines(&self) -> bool {
        matches!(self.role, Role::Definition | Role::Write)
    }
}

/// The occurrences of a project, sorted by file and position.
#[derive(Debug, Default)]
pub struct Index {
    occurrences: Vec<Occurrence>,
}

impl Index {
    pub fn build(asts: &[(FileId, Ast)]) -> Index {
        let mut w = Walker::default();
        for (_, ast) in asts {
            for item in &ast.items {
                w.item(item);
            }
        }
        let mut occurrences = w.out;
        occurrences.sort_by_key(|o| (o.span.file, o.span.start, o.span.end));
        Index { occurrences }
    }

    /// The occurrence under a cursor at `offset`: the name it is on or right
    /// after (so a cursor at the end of a word still finds it).
    pub fn at(&self, file: FileId, offset: usize) -> Option<&Occurrence> {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        let first = self
            .occurrences
            .partition_point(|o| (o.span.file, o.span.end) < (file, offset));
        self.occurrences[first..]
            .iter()
            .take_while(|o| o.span.file == file && o.span.start <= offset)
            .find(|o| o.span.start <= offset && offset <= o.span.end)
    }

    /// Every occurrence of a name, in file and position order.
    pub fn all(&self, kind: Kind, name: &str) -> impl Iterator<Item = &Occurrence> {
        self.occurrences
            .iter()
            .filter(move |o| o.kind == kind && o.name == name)
    }

    /// Where the name is defined (variables: written).
    pub fn definitions(&self, kind: Kind, name: &str) -> impl Iterator<Item = &Occurrence> {
        self.all(kind, name).filter(|o| o.defines())
    }

    /// The names defined (variables: written) of one kind, sorted, each once.
    pub fn names(&self, kind: Kind) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .occurrences
            .iter()
            .filter(|o| o.kind == kind && o.defines())
            .map(|o| o.name.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    pub fn in_file(&self, file: FileId) -> impl Iterator<Item = &Occurrence> {
        self.occurrences.iter().filter(move |o| o.span.file == file)
    }
}

#[derive(Default)]
struct Walker {
    out: Vec<Occurrence>,
}

impl Walker {
    fn push(&mut self, kind: Kind, role: Role, name: &Name) {
        // A name the parser could not read is empty; it names nothing.
        let text: &str = &name.text;
        if text.is_empty() {
            return;
        }
        self.out.push(Occurrence {
            kind,
            role,
            name: text.to_string(),
            span: name.span,
        });
    }

    fn string(&mut self, s: &StrLit) {
        for var in s.vars() {
            self.push(Kind::Variable, Role::Use, var);
        }
    }

    fn strings<'a>(&mut self, strings: impl IntoIterator<Item = &'a StrLit>) {
        for s in strings {
            self.string(s);
        }
    }

    fn hold_music(&mut self, music: Option<&HoldMusic>) {
        if let Some(HoldMusic::Url(url)) = music {
            self.string(url);
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Import(i) => self.string(&i.path),
            Item::Flow(f) => {
                self.push(Kind::Flow, Role::Definition, &f.name);
                if let Some(start) = &f.start {
                    self.push(Kind::State, Role::Use, start);
                }
                self.strings(f.language.iter().chain(&f.timezone));
            }
            Item::Queue(q) => {
                self.push(Kind::Queue, Role::Definition, &q.name);
                self.hold_music(q.hold_music.as_ref());
            }
            Item::State(s) => {
                self.push(Kind::State, Role::Definition, &s.name);
                match &s.body {
                    StateBody::Step(body) => self.block(body),
                    StateBody::Menu(menu) => {
                        self.block(&menu.prompt);
                        for option in &menu.options {
                            if let callflow_compiler::ast::MenuKey::Digit(key) = &option.key {
                                self.string(key);
                            }
                            if let Target::State(target) = &option.target {
                                self.push(Kind::State, Role::Use, target);
                            }
                        }
                    }
                }
            }
        }
    }

    fn block(&mut self, stmts: &[Stmt]) {
        for stmt in stmts {
            self.stmt(stmt);
        }
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match &stmt.kind {
            StmtKind::Say(s) => self.strings(std::iter::once(&s.text).chain(&s.language)),
            StmtKind::Play { source, .. } => self.string(source),
            StmtKind::Collect(c) => {
                self.push(Kind::Variable, Role::Write, &c.var);
                self.strings(c.finish.iter());
                if let Some(speech) = &c.speech {
                    self.strings(speech.value.iter());
                }
                self.outcomes(&c.outcomes);
            }
            StmtKind::Record(r) => {
                if let Some(var) = &r.var {
                    self.push(Kind::Variable, Role::Write, var);
                }
                self.strings(r.finish.iter());
                self.outcomes(&r.outcomes);
            }
            StmtKind::Dial(d) => {
                self.strings(
                    d.targets
                        .iter()
                        .chain(&d.caller_id)
                        .chain(&d.send_digits)
                        .chain(&d.ringback),
                );
                self.outcomes(&d.outcomes);
            }
            StmtKind::Enqueue { queue, hold_music } => {
                self.push(Kind::Queue, Role::Use, queue);
                self.hold_music(hold_music.as_ref());
            }
            StmtKind::Dequeue { queue, number } => {
                self.push(Kind::Queue, Role::Use, queue);
                self.strings(number.iter());
            }
            StmtKind::Park { intro, hold, .. } => self.strings(intro.iter().chain(hold)),
            StmtKind::Conference(c) => {
                self.string(&c.room);
                self.hold_music(c.hold_music.as_ref());
            }
            StmtKind::Stream { url, .. } => self.string(url),
            StmtKind::Redirect(RedirectTarget::Url(url)) => self.string(url),
            StmtKind::Redirect(RedirectTarget::Flow(flow)) => self.push(Kind::Flow, Role::Use, flow),
            StmtKind::Goto(target) => self.push(Kind::State, Role::Use, target),
            StmtKind::If(i) => {
                self.expr(&i.cond);
                self.block(&i.then);
                if let Some(otherwise) = &i.otherwise {
                    self.block(otherwise);
                }
            }
            StmtKind::Set { var, value } => {
                self.push(Kind::Variable, Role::Write, var);
                self.expr(value);
            }
            StmtKind::Pause(_)
            | StmtKind::StartRecording
            | StmtKind::StopRecording
            | StmtKind::Reject(_)
            | StmtKind::Hangup
            | StmtKind::Error => {}
        }
    }

    fn outcomes(&mut self, outcomes: &[callflow_compiler::ast::OnOutcome]) {
        for o in outcomes {
            self.push(Kind::State, Role::Use, &o.target);
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Str(s) => self.string(s),
            ExprKind::Var(name) => self.push(Kind::Variable, Role::Use, name),
            ExprKind::Call { args, .. } => {
                for arg in args {
                    self.expr(&arg.value);
                }
            }
            ExprKind::Not(inner) => self.expr(inner),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            ExprKind::Number(_) | ExprKind::Duration(_) | ExprKind::Bool(_) | ExprKind::Error => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use callflow_compiler::parse;

    fn index(src: &str) -> Index {
        let (ast, _) = parse(FileId(0), src);
        Index::build(&[(FileId(0), ast)])
    }

    #[test]
    fn every_kind_of_name_is_found_with_its_role() {
        let src = "flow f {\n  start a\n}\nqueue q\nstep a {\n  collect pin digits 4\n  on timeout -> b\n  \
                   say \"PIN {pin}\"\n  if pin == \"1\" {\n    enqueue q\n  }\n  redirect flow f\n}\n\
                   menu b {\n  \"1\" -> a\n  timeout -> repeat\n}\n";
        let idx = index(src);
        let found: Vec<(Kind, Role, &str)> = idx
            .in_file(FileId(0))
            .map(|o| (o.kind, o.role, o.name.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                (Kind::Flow, Role::Definition, "f"),
                (Kind::State, Role::Use, "a"),
                (Kind::Queue, Role::Definition, "q"),
                (Kind::State, Role::Definition, "a"),
                (Kind::Variable, Role::Write, "pin"),
                (Kind::State, Role::Use, "b"),
                (Kind::Variable, Role::Use, "pin"),
                (Kind::Variable, Role::Use, "pin"),
                (Kind::Queue, Role::Use, "q"),
                (Kind::Flow, Role::Use, "f"),
                (Kind::State, Role::Definition, "b"),
                (Kind::State, Role::Use, "a"),
            ]
        );
    }

    #[test]
    fn a_cursor_finds_the_name_it_is_on_or_just_after() {
        let src = "step a {\n  goto bb\n}\n";
        let idx = index(src);
        let at = src.find("bb").unwrap_or(0);
        for offset in [at, at + 1, at + 2] {
            assert_eq!(
                idx.at(FileId(0), offset).map(|o| o.name.as_str()),
                Some("bb"),
                "{offset}"
            );
        }
        assert_eq!(idx.at(FileId(0), at - 2).map(|o| o.name.as_str()), None);
    }
}
