//! Expressions of the fast path.
//!
//! Precedence, loosest first: `or` < `and` < `not` < comparison < `+`/`-`,
//! as in the grammar. Every function returns the expression, its *reach* and
//! its raw end. The spans are the ones `Lower::expr_at` gives: a lone operand
//! is its own node (no wrapper), an operator chain spans from its first to its
//! last operand, a comparison or `not` spans its whole pair (which may keep a
//! trailing comment: `a == b # note`), parentheses vanish.
//!
//! Reach is how far below this node the lowering would place its deepest
//! node, a call counting one level more (its arguments' level is checked even
//! when it has none). The lowering reports an expression whose reach from the
//! statement exceeds `MAX_NESTING`; the fast path gives up one level earlier.

use super::Parser;
use crate::ast::*;
use crate::syntax::MAX_NESTING;

/// An expression, its reach and its raw end.
type Parsed = (Expr, usize, usize);

impl Parser<'_, '_> {
    /// A whole expression (of `set` or `if`) and its raw end.
    pub(super) fn top_expr(&mut self, i: usize) -> Option<(Expr, usize)> {
        let (expr, reach, end) = self.expr(i)?;
        (reach < MAX_NESTING).then_some((expr, end))
    }

    /// `expr = { and_expr ~ (or_op ~ and_expr)* }`
    fn expr(&mut self, i: usize) -> Option<Parsed> {
        self.chain(i, Self::and_expr, |p, i| p.word_op(i, b"or", BinOp::Or))
    }

    /// `and_expr = { not_expr ~ (and_op ~ not_expr)* }`
    fn and_expr(&mut self, i: usize) -> Option<Parsed> {
        self.chain(i, Self::not_expr, |p, i| p.word_op(i, b"and", BinOp::And))
    }

    /// `sum_expr = { atom ~ (sum_op ~ atom)* }`
    fn sum_expr(&mut self, i: usize) -> Option<Parsed> {
        self.chain(i, Self::atom, |p, i| match p.at(i) {
            b'+' => Some((BinOp::Add, i + 1)),
            b'-' => Some((BinOp::Sub, i + 1)),
            _ => None,
        })
    }

    /// `or_op = @{ "or" ~ !ident_char }` and `and_op`: the whole word.
    fn word_op(&self, i: usize, word: &[u8], op: BinOp) -> Option<(BinOp, usize)> {
        let (found, end) = self.word(i);
        (found == word).then_some((op, end))
    }

    /// A left-leaning chain `operand (op operand)*`, lowered as `expr_at` does.
    fn chain(
        &mut self,
        i: usize,
        operand: fn(&mut Self, usize) -> Option<Parsed>,
        op: fn(&Self, usize) -> Option<(BinOp, usize)>,
    ) -> Option<Parsed> {
        let (mut lhs, mut reach, first_end) = operand(self, i)?;
        // With no operator, the pair keeps the skip after its operand.
        let mut end = self.skip(first_end);
        let mut at = end;
        while let Some((value, op_end)) = op(self, at) {
            // An operator without an operand after it is an error.
            let (rhs, rhs_reach, rhs_end) = operand(self, self.skip(op_end))?;
            reach = 1 + reach.max(rhs_reach);
            // Refused here already, so that a 50,000-operator chain is not
            // built only to be thrown away.
            if reach >= MAX_NESTING {
                return None;
            }
            let span = lhs.span.to(rhs.span);
            let op = Spanned {
                value,
                span: self.exact(at, op_end),
            };
            lhs = Expr {
                kind: ExprKind::Binary {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
                span,
            };
            end = rhs_end;
            at = self.skip(rhs_end);
        }
        Some((lhs, reach, end))
    }

    /// `not_expr = { not_op ~ not_expr | cmp_expr }`
    fn not_expr(&mut self, i: usize) -> Option<Parsed> {
        let (word, end) = self.word(i);
        if word != b"not" {
            return self.cmp_expr(i);
        }
        let (inner, reach, end) = self.nested(|p| p.not_expr(p.skip(end)))?;
        let expr = Expr {
            kind: ExprKind::Not(Box::new(inner)),
            span: self.span(i, end),
        };
        Some((expr, reach + 1, end))
    }

    /// `cmp_expr = { sum_expr ~ (cmp_op ~ sum_expr)? }`
    fn cmp_expr(&mut self, i: usize) -> Option<Parsed> {
        let (lhs, lhs_reach, lhs_end) = self.sum_expr(i)?;
        let at = self.skip(lhs_end);
        // `cmp_op = { "==" | "!=" | "<=" | ">=" | "<" | ">" }`, in that order.
        let (value, len) = match (self.at(at), self.at(at + 1)) {
            (b'=', b'=') => (BinOp::Eq, 2),
            (b'!', b'=') => (BinOp::Ne, 2),
            (b'<', b'=') => (BinOp::Le, 2),
            (b'>', b'=') => (BinOp::Ge, 2),
            (b'<', _) => (BinOp::Lt, 1),
            (b'>', _) => (BinOp::Gt, 1),
            _ => return Some((lhs, lhs_reach, at)),
        };
        let (rhs, rhs_reach, end) = self.sum_expr(self.skip(at + len))?;
        let op = Spanned {
            value,
            span: self.exact(at, at + len),
        };
        let expr = Expr {
            kind: ExprKind::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
            span: self.span(i, end),
        };
        Some((expr, 1 + lhs_reach.max(rhs_reach), end))
    }

    /// `atom = _{ string | duration | number | boolean | reference | "(" ~ expr ~ ")" }`
    fn atom(&mut self, i: usize) -> Option<Parsed> {
        match self.at(i) {
            b'"' => {
                let (lit, end) = self.string(i)?;
                let span = lit.span;
                Some((
                    Expr {
                        kind: ExprKind::Str(lit),
                        span,
                    },
                    0,
                    end,
                ))
            }
            // `duration` before `number`: `5s` is a duration, `5` a number.
            b'0'..=b'9' => match self.duration(i) {
                Some((d, end)) => {
                    let expr = Expr {
                        kind: ExprKind::Duration(d.value),
                        span: d.span,
                    };
                    Some((expr, 0, end))
                }
                None => self.number(i),
            },
            b'(' => {
                let (inner, reach, end) = self.nested(|p| p.expr(p.skip(i + 1)))?;
                let close = self.lit(self.skip(end), b")")?;
                Some((inner, reach, close))
            }
            _ => {
                let (word, end) = self.word(i);
                match word {
                    b"" => None,
                    b"true" | b"false" => {
                        let expr = Expr {
                            kind: ExprKind::Bool(word == b"true"),
                            span: self.exact(i, end),
                        };
                        Some((expr, 0, end))
                    }
                    _ => self.reference(i),
                }
            }
        }
    }

    /// `number = @{ ASCII_DIGIT+ ~ ("." ~ ASCII_DIGIT+)? ~ !ident_char }`
    fn number(&self, i: usize) -> Option<Parsed> {
        let mut end = self.digits_end(i);
        if self.at(end) == b'.' && self.at(end + 1).is_ascii_digit() {
            end = self.digits_end(end + 1);
        }
        if super::is_ident_char(self.at(end)) {
            return None;
        }
        let value = self.str_at(i, end).parse().unwrap_or(0.0);
        let expr = Expr {
            kind: ExprKind::Number(value),
            span: self.exact(i, end),
        };
        Some((expr, 0, end))
    }

    /// `reference = { ident ~ call_args? }`: a variable, or a call.
    fn reference(&mut self, i: usize) -> Option<Parsed> {
        let (name, name_end) = self.ident(i)?;
        let at = self.skip(name_end);
        if self.at(at) != b'(' {
            // A variable: the pair keeps the skip after the name.
            let expr = Expr {
                kind: ExprKind::Var(name),
                span: self.span(i, at),
            };
            return Some((expr, 0, at));
        }
        let (args, reach, end) = self.nested(|p| p.call_args(at))?;
        let expr = Expr {
            kind: ExprKind::Call { name, args },
            span: self.span(i, end),
        };
        Some((expr, reach, end))
    }

    /// `call_args = { "(" ~ (arg ~ ("," ~ arg)*)? ~ ")" }` with `arg = { (ident ~ ":")? ~ expr }`:
    /// the arguments, the call's reach and the position after the `)`.
    fn call_args(&mut self, open: usize) -> Option<(Vec<Arg>, usize, usize)> {
        let mut reach = 1;
        let mut at = self.skip(open + 1);
        if self.at(at) == b')' {
            return Some((Vec::new(), reach, at + 1));
        }
        // A call in an argument pushes its own above this call's.
        let base = self.scratch.args.len();
        loop {
            let mut name = None;
            let mut value_at = at;
            let word_end = self.word_end(at);
            if word_end > at {
                let colon = self.skip(word_end);
                if self.at(colon) == b':' {
                    name = Some(self.ident(at)?.0);
                    value_at = self.skip(colon + 1);
                }
            }
            let (value, value_reach, end) = self.expr(value_at)?;
            reach = reach.max(1 + value_reach);
            self.scratch.args.push(Arg { name, value });
            let next = self.skip(end);
            match self.at(next) {
                b',' => at = self.skip(next + 1),
                b')' => return Some((self.scratch.args.drain(base..).collect(), reach, next + 1)),
                _ => return None,
            }
        }
    }

    /// Run `f` one level deeper in the expression, refusing past
    /// `MAX_NESTING` so that hostile input cannot exhaust the stack.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        if self.nesting >= MAX_NESTING {
            return None;
        }
        self.nesting += 1;
        let result = f(self);
        self.nesting -= 1;
        result
    }
}
