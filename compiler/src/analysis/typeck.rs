//! Types of expressions: text, numbers, durations and yes/no values.

use super::codes::*;
use super::literals::time_zone;
use crate::ast::*;
use crate::diagnostic::Diagnostic;
use crate::hours;
use crate::span::FileId;
use crate::suggest::did_you_mean;
use foldhash::{HashMap, HashMapExt};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Text,
    Number,
    Duration,
    Bool,
    /// Already reported; accept anything so one mistake gives one message.
    Unknown,
}

impl Type {
    fn name(self) -> &'static str {
        match self {
            Type::Text => "text",
            Type::Number => "a number",
            Type::Duration => "a duration",
            Type::Bool => "a yes/no value",
            Type::Unknown => "unknown",
        }
    }
}

pub const FUNCTIONS: [&str; 5] = ["open_hours", "starts_with", "ends_with", "contains", "length"];

struct Typeck<'a, 'd> {
    /// Variable types, keyed by names borrowed from the AST.
    vars: HashMap<&'a str, Type>,
    has_flow_timezone: bool,
    diags: &'d mut Vec<Diagnostic>,
}

pub fn check(asts: &[(FileId, Ast)], diags: &mut Vec<Diagnostic>) {
    // `open_hours` without `tz:` uses the time zone of the flow the call
    // started in, so every flow must have one.
    let mut flows = asts.iter().flat_map(|(_, a)| a.flows()).peekable();
    let has_flow_timezone = flows.peek().is_some() && flows.all(|f| f.timezone.is_some());
    let mut t = Typeck {
        vars: HashMap::new(),
        has_flow_timezone,
        diags,
    };
    // Variable types come from their assignments: collected digits and
    // recordings are text; `set` gives the type of its value. Two passes so
    // that a `set` below its first use still types it.
    for pass in 0..2 {
        for (_, ast) in asts {
            for state in ast.states() {
                state.walk(&mut |stmt| t.stmt(stmt, pass == 1));
            }
        }
    }
}

impl<'a> Typeck<'a, '_> {
    fn stmt(&mut self, stmt: &'a Stmt, report: bool) {
        match &stmt.kind {
            StmtKind::Collect(c) => {
                self.vars.insert(&c.var.text, Type::Text);
            }
            StmtKind::Record(r) if let Some(v) = &r.var => {
                self.vars.insert(&v.text, Type::Text);
            }
            StmtKind::Set { var, value } => {
                let ty = self.expr(value, report);
                let slot = self.vars.entry(&var.text).or_insert(ty);
                if *slot != ty && ty != Type::Unknown {
                    // Mixed assignments: treat the variable as text.
                    *slot = if *slot == Type::Unknown { ty } else { Type::Text };
                }
            }
            StmtKind::If(i) if report => {
                let ty = self.expr(&i.cond, true);
                if !matches!(ty, Type::Bool | Type::Unknown) {
                    let help = match ty {
                        Type::Text => "compare it explicitly, e.g. `if account != \"\" {`".to_string(),
                        _ => "compare it explicitly, e.g. `if count > 0 {`".to_string(),
                    };
                    self.diags.push(
                        Diagnostic::new(
                            &TYPE_MISMATCH,
                            format!("an `if` needs a yes/no condition, but this is {}", ty.name()),
                        )
                        .primary(i.cond.span, format!("this is {}", ty.name()))
                        .help(help),
                    );
                }
            }
            _ => {}
        }
    }

    fn mismatch(&mut self, report: bool, e: &Expr, msg: String, help: &str) -> Type {
        if report {
            self.diags
                .push(Diagnostic::new(&TYPE_MISMATCH, msg).primary(e.span, "here").help(help));
        }
        Type::Unknown
    }

    fn expr(&mut self, e: &Expr, report: bool) -> Type {
        match &e.kind {
            ExprKind::Str(_) => Type::Text,
            ExprKind::Number(_) => Type::Number,
            ExprKind::Duration(_) => Type::Duration,
            ExprKind::Bool(_) => Type::Bool,
            ExprKind::Error => Type::Unknown,
            ExprKind::Var(n) => {
                if BUILTIN_VARS.contains(&n.text.as_str()) {
                    Type::Text
                } else {
                    self.vars.get(n.text.as_str()).copied().unwrap_or(Type::Unknown)
                }
            }
            ExprKind::Not(inner) => match self.expr(inner, report) {
                Type::Bool | Type::Unknown => Type::Bool,
                t => {
                    self.mismatch(
                        report,
                        inner,
                        format!("`not` needs a yes/no value, but this is {}", t.name()),
                        "compare first, e.g. `not (pin == \"1234\")`",
                    );
                    Type::Bool
                }
            },
            ExprKind::Binary { op, lhs, rhs } => {
                let (l, r) = (self.expr(lhs, report), self.expr(rhs, report));
                self.binary(op, (lhs, l), (rhs, r), report, e)
            }
            ExprKind::Call { name, args } => self.call(name, args, report),
        }
    }

    fn binary(
        &mut self,
        op: &Spanned<BinOp>,
        (lhs, l): (&Expr, Type),
        (rhs, r): (&Expr, Type),
        report: bool,
        whole: &Expr,
    ) -> Type {
        use Type::*;
        if l == Unknown || r == Unknown {
            return match op.value {
                BinOp::Add | BinOp::Sub => Unknown,
                _ => Bool,
            };
        }
        let sym = op.value.as_str();
        match op.value {
            BinOp::And | BinOp::Or => {
                for (side, t) in [(lhs, l), (rhs, r)] {
                    if t != Bool {
                        self.mismatch(
                            report,
                            side,
                            format!("`{sym}` joins yes/no values, but this is {}", t.name()),
                            "compare first, e.g. `choice == \"1\" or choice == \"2\"`",
                        );
                    }
                }
                Bool
            }
            BinOp::Eq | BinOp::Ne => {
                let comparable = l == r || matches!((l, r), (Text, Number) | (Number, Text));
                if !comparable {
                    self.mismatch(
                        report,
                        whole,
                        format!("`{sym}` compares {} with {}", l.name(), r.name()),
                        "compare values of the same kind; digit strings compare with numbers",
                    );
                }
                Bool
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let ordered = matches!((l, r), (Number | Text, Number | Text) | (Duration, Duration));
                if !ordered {
                    self.mismatch(
                        report,
                        whole,
                        format!("`{sym}` cannot order {} and {}", l.name(), r.name()),
                        "order numbers (digit strings count as numbers) or durations",
                    );
                }
                Bool
            }
            BinOp::Add => match (l, r) {
                (Number, Number) => Number,
                (Duration, Duration) => Duration,
                (Text, Text | Number) | (Number, Text) => Text,
                _ => self.mismatch(
                    report,
                    whole,
                    format!("`+` cannot add {} and {}", l.name(), r.name()),
                    "`+` adds numbers or joins text",
                ),
            },
            BinOp::Sub => match (l, r) {
                (Number | Text, Number | Text) => Number,
                (Duration, Duration) => Duration,
                _ => self.mismatch(
                    report,
                    whole,
                    format!("`-` cannot subtract {} from {}", r.name(), l.name()),
                    "`-` subtracts numbers",
                ),
            },
        }
    }

    fn call(&mut self, name: &Name, args: &[Arg], report: bool) -> Type {
        let types: Vec<Type> = args.iter().map(|a| self.expr(&a.value, report)).collect();
        let arity = |t: &mut Self, n: usize, usage: &str| -> bool {
            let named = args.iter().find(|a| a.name.is_some());
            if args.len() != n || named.is_some() {
                if report {
                    let msg = match named.and_then(|a| a.name.as_ref()) {
                        Some(arg) => format!("`{}` has no argument named `{}`", name.text, arg.text),
                        None => format!(
                            "`{}` takes {n} argument{}, not {}",
                            name.text,
                            if n == 1 { "" } else { "s" },
                            args.len()
                        ),
                    };
                    t.diags.push(
                        Diagnostic::new(&INVALID_ARGUMENTS, msg)
                            .primary(name.span, "called here")
                            .help(format!("write `{usage}`")),
                    );
                }
                return false;
            }
            true
        };
        let text_args = |t: &mut Self| {
            for (a, ty) in args.iter().zip(&types) {
                if !matches!(ty, Type::Text | Type::Number | Type::Unknown) {
                    t.mismatch(
                        report,
                        &a.value,
                        format!("`{}` works on text, but this is {}", name.text, ty.name()),
                        "pass a variable or a string",
                    );
                }
            }
        };
        match name.text.as_str() {
            "open_hours" => {
                self.open_hours(name, args, report);
                Type::Bool
            }
            "starts_with" | "ends_with" | "contains" => {
                if arity(self, 2, &format!("{}(text, \"…\")", name.text)) {
                    text_args(self);
                }
                Type::Bool
            }
            "length" => {
                if arity(self, 1, "length(text)") {
                    text_args(self);
                }
                Type::Number
            }
            other => {
                if report {
                    let d = Diagnostic::new(&UNKNOWN_FUNCTION, format!("there is no function `{other}`"))
                        .primary(name.span, "unknown function");
                    self.diags.push(match did_you_mean(other, FUNCTIONS) {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help("the functions are open_hours, starts_with, ends_with, contains and length"),
                    });
                }
                Type::Unknown
            }
        }
    }

    fn open_hours(&mut self, name: &Name, args: &[Arg], report: bool) {
        if !report {
            return;
        }
        const USAGE: &str = "write `open_hours(\"Mon-Fri 08:00-18:00\", tz: \"Africa/Nairobi\")`";
        let positional: Vec<&Arg> = args.iter().filter(|a| a.name.is_none()).collect();
        let mut tz_given = false;
        for a in args.iter().filter(|a| a.name.is_some()) {
            let arg_name = a.name.as_ref().map_or("", |n| n.text.as_str());
            if arg_name != "tz" {
                let span = a.name.as_ref().map_or(name.span, |n| n.span);
                self.diags.push(
                    Diagnostic::new(
                        &INVALID_ARGUMENTS,
                        format!("`open_hours` has no argument named `{arg_name}`"),
                    )
                    .primary(span, "unknown argument")
                    .help(USAGE),
                );
                continue;
            }
            tz_given = true;
            match &a.value.kind {
                ExprKind::Str(s) => time_zone(s, self.diags),
                _ => self.diags.push(
                    Diagnostic::new(&INVALID_ARGUMENTS, "`tz:` must be a time-zone name in quotes")
                        .primary(a.value.span, "not a string")
                        .help(USAGE),
                ),
            }
        }
        match positional.as_slice() {
            [spec] => match &spec.value.kind {
                ExprKind::Str(s) => match s.as_plain() {
                    Some(text) => {
                        if let Err(why) = hours::parse(&text) {
                            self.diags.push(
                                Diagnostic::new(&INVALID_HOURS, format!("cannot read the schedule: {why}"))
                                    .primary(s.span, "schedule here")
                                    .help("write days and hours such as \"Mon-Fri 08:00-18:00; Sat 09:00-13:00\""),
                            );
                        }
                    }
                    None => self.diags.push(
                        Diagnostic::new(
                            &INVALID_ARGUMENTS,
                            "the schedule must be written out, not built from variables",
                        )
                        .primary(s.span, "interpolated schedule")
                        .help(USAGE),
                    ),
                },
                _ => self.diags.push(
                    Diagnostic::new(&INVALID_ARGUMENTS, "the schedule must be a string")
                        .primary(spec.value.span, "not a string")
                        .help(USAGE),
                ),
            },
            _ => self.diags.push(
                Diagnostic::new(
                    &INVALID_ARGUMENTS,
                    format!("`open_hours` takes one schedule, not {}", positional.len()),
                )
                .primary(name.span, "called here")
                .help(USAGE),
            ),
        }
        if !tz_given && !self.has_flow_timezone {
            self.diags.push(
                Diagnostic::new(&INVALID_ARGUMENTS, "`open_hours` needs a time zone")
                    .primary(name.span, "no `tz:` here, and not every flow sets `timezone`")
                    .help("add `tz: \"Area/City\"`, or `timezone \"Area/City\"` to every flow"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::codes;

    fn ids(cond: &str) -> Vec<&'static str> {
        let src = format!(
            "flow f {{\n  start a\n}}\nstep a {{\n  collect pin digits 4\n  set n = 1\n  if {cond} {{\n    hangup\n  }}\n  hangup\n}}\n"
        );
        codes(&src).into_iter().filter(|id| id.starts_with("E02")).collect()
    }

    #[test]
    fn conditions_must_be_yes_no() {
        assert_eq!(ids("pin == \"1234\" and n < 3"), Vec::<&str>::new());
        assert_eq!(ids("pin == 1234"), Vec::<&str>::new(), "digits compare with numbers");
        assert_eq!(ids("pin"), vec!["E0205"]);
        assert_eq!(ids("not pin"), vec!["E0205"]);
        assert_eq!(ids("pin == 1234 and 5s"), vec!["E0205"]);
        assert_eq!(ids("5s < n"), vec!["E0205"]);
    }

    #[test]
    fn functions_and_their_arguments() {
        assert_eq!(
            ids("starts_with(caller, \"+254\") or length(pin) > 3"),
            Vec::<&str>::new()
        );
        assert_eq!(ids("startswith(caller, \"+254\")"), vec!["E0206"]);
        assert_eq!(ids("starts_with(caller)"), vec!["E0207"]);
        assert_eq!(
            ids("open_hours(\"Mon-Fri 08:00-18:00\", tz: \"Europe/Berlin\")"),
            Vec::<&str>::new()
        );
        assert_eq!(
            ids("open_hours(\"weekdays 9-5\", tz: \"Europe/Berlin\")"),
            vec!["E0209"]
        );
        assert_eq!(
            ids("open_hours(\"Mon 08:00-09:00\", tz: \"Mars/Olympus\")"),
            vec!["E0208"]
        );
        assert_eq!(
            ids("open_hours(\"Mon 08:00-09:00\")"),
            vec!["E0207"],
            "no tz and no flow timezone"
        );
        assert_eq!(
            ids("open_hours(\"Mon 08:00-09:00\", zone: \"UTC\")"),
            vec!["E0207", "E0207"]
        );
    }
}
