//! The fast path: a hand-written recursive-descent parser for chunks that are
//! plainly valid.
//!
//! `grammar/flow.pest` stays the specification of the syntax and the source of
//! every syntax error; this parser only exists because pest's per-rule cost
//! dominated `check` on large files. It reads one top-level chunk (see
//! `split.rs`) straight into the AST and gives up with `None` at the first thing
//! that is not plainly valid: a syntax error, anything the lowering would report
//! (reserved word as a name, option given twice, misplaced or repeated `on`,
//! overflowing number, bad escape or interpolation, nesting near the limits), or
//! any construct where pest's ordered choice could read the text differently
//! (`maximum` after `record`, `voicemale`, `elseif` …). `syntax::parse_chunk`
//! then parses the chunk with pest as before, so every diagnostic still comes
//! from pest and `lower.rs`.
//!
//! The contract, checked by the differential test in `tests.rs`: whenever this
//! returns `Some(item)`, pest + lowering produce the same item (every span
//! included) and no diagnostic for the chunk.
//!
//! To produce the same spans, every function mirrors its grammar rule,
//! including pest's implicit whitespace: between the elements of a sequence pest
//! skips spaces, tabs and a `#` comment, and when the last element of a rule is
//! an optional part that matched nothing, the skipped text stays inside the
//! rule's pair (`say "x"   # note` is one `say_stmt` pair). Such functions
//! return that "raw" end, and `span` trims trailing spaces and tabs exactly as
//! `Lower::span` does (a trailing comment is not trimmed there either).
//!
//! Positions are byte offsets into the chunk; spans add the chunk's offset.
//! Nothing here indexes the input directly: `at` reads a byte or 0 past the
//! end, and slices go through `get`.

mod expr;
mod stmt;
#[cfg(test)]
mod tests;

use super::keywords;
use super::strings;
use crate::ast::*;
use crate::span::{FileId, Span};

/// Parse the chunk `text`, found at byte `base` of `file`, if it is one plainly
/// valid item; `None` means "let pest decide".
#[cfg(test)]
pub(crate) fn parse_item(file: FileId, text: &str, base: usize) -> Option<Item> {
    parse_item_with(file, text, base, &mut Scratch::default())
}

/// `parse_item` with buffers reused from chunk to chunk (a parse thread keeps
/// one `Scratch` for all its chunks).
pub(crate) fn parse_item_with(file: FileId, text: &str, base: usize, scratch: &mut Scratch) -> Option<Item> {
    // What a chunk that gave up left behind.
    scratch.stmts.clear();
    scratch.options.clear();
    scratch.args.clear();
    Parser {
        text,
        src: text.as_bytes(),
        file,
        base,
        if_depth: 0,
        nesting: 0,
        scratch,
    }
    .item()
}

/// Buffers the parser builds lists in before copying each into a `Vec` of
/// exactly its length. Blocks, menus and argument lists grown by `push` kept
/// up to three quarters of their capacity unused (a one-argument call held
/// room for four, a 3-statement block for 4 statements of 128 bytes): about
/// a sixth of a large AST (docs/performance.md). A `None` anywhere gives up
/// the whole item, so what a failed chunk leaves here is simply cleared
/// before the next one.
#[derive(Default)]
pub(crate) struct Scratch {
    /// The statements of every block open around the parser, innermost last.
    stmts: Vec<Stmt>,
    options: Vec<MenuOption>,
    /// The arguments of every call open around the parser, innermost last.
    args: Vec<Arg>,
}

struct Parser<'s, 'b> {
    text: &'s str,
    src: &'s [u8],
    file: FileId,
    base: usize,
    /// `if`s open around the current statement (nested or chained with `else
    /// if`), as `Lower::depth` counts them.
    if_depth: usize,
    /// Parentheses, `not`s and calls open around the current expression: the
    /// recursion depth of the expression functions.
    nesting: usize,
    scratch: &'b mut Scratch,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Store a setting that may be given once; a second one is a diagnostic of the
/// lowering (`set_once`), so the fast path gives up.
fn once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value);
    Some(())
}

/// A flag that may be given once (`flag` in the lowering).
fn flag(slot: &mut bool) -> Option<()> {
    if *slot {
        return None;
    }
    *slot = true;
    Some(())
}

impl<'s> Parser<'s, '_> {
    // ── tokens ──────────────────────────────────────────────────────────────

    /// The byte at `i`, or 0 past the end. A NUL inside the text also reads
    /// as 0; nothing accepts it, so such a chunk simply goes to pest.
    #[inline]
    fn at(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    #[inline]
    fn slice(&self, start: usize, end: usize) -> &'s [u8] {
        self.src.get(start..end).unwrap_or(&[])
    }

    #[inline]
    fn str_at(&self, start: usize, end: usize) -> &'s str {
        self.text.get(start..end).unwrap_or("")
    }

    /// pest's implicit `(WHITESPACE | COMMENT)*`: spaces, tabs and a `#`
    /// comment up to (not including) the line break.
    #[inline]
    fn skip(&self, mut i: usize) -> usize {
        loop {
            match self.at(i) {
                b' ' | b'\t' => i += 1,
                b'#' => {
                    i += 1;
                    while !matches!(self.at(i), b'\n' | b'\r' | 0) {
                        i += 1;
                    }
                }
                _ => return i,
            }
        }
    }

    /// `NEWLINE`: `\n`, `\r\n` or a lone `\r`.
    #[inline]
    fn newline(&self, i: usize) -> Option<usize> {
        match self.at(i) {
            b'\n' => Some(i + 1),
            b'\r' if self.at(i + 1) == b'\n' => Some(i + 2),
            b'\r' => Some(i + 1),
            _ => None,
        }
    }

    /// `line_end = NEWLINE | &"}" | EOI`.
    #[inline]
    fn line_end(&self, i: usize) -> Option<usize> {
        if i >= self.src.len() || self.at(i) == b'}' {
            return Some(i);
        }
        self.newline(i)
    }

    /// The end of the word (identifier characters, starting with a letter or
    /// `_`) at `i`; `i` itself when there is none.
    #[inline]
    fn word_end(&self, i: usize) -> usize {
        if !is_ident_start(self.at(i)) {
            return i;
        }
        let mut j = i + 1;
        while is_ident_char(self.at(j)) {
            j += 1;
        }
        j
    }

    /// The word at `i` and where it ends.
    #[inline]
    fn word(&self, i: usize) -> (&'s [u8], usize) {
        let end = self.word_end(i);
        (self.slice(i, end), end)
    }

    /// `Lower::span`: trailing spaces and tabs are not part of a pair's span.
    fn span(&self, start: usize, end: usize) -> Span {
        let mut e = end;
        while e > start && matches!(self.at(e - 1), b' ' | b'\t') {
            e -= 1;
        }
        self.exact(start, e)
    }

    /// The span of a token that cannot end in whitespace.
    #[inline]
    fn exact(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.base + start, self.base + end)
    }

    /// `ident` used as a name; a reserved word is a diagnostic of the lowering.
    fn ident(&self, i: usize) -> Option<(Name, usize)> {
        let end = self.word_end(i);
        let text = self.str_at(i, end);
        if text.is_empty() || keywords::is_reserved(text) {
            return None;
        }
        let name = Name {
            text: text.to_string(),
            span: self.exact(i, end),
        };
        Some((name, end))
    }

    /// A literal `lit` at `i`; the position after it.
    #[inline]
    fn lit(&self, i: usize, lit: &[u8]) -> Option<usize> {
        self.src.get(i..)?.starts_with(lit).then_some(i + lit.len())
    }

    /// `string`, decoded; any escape or interpolation problem is a diagnostic
    /// of `strings::decode`, so the fast path gives up.
    fn string(&self, i: usize) -> Option<(StrLit, usize)> {
        if self.at(i) != b'"' {
            return None;
        }
        let mut j = i + 1;
        // Whether `decode` has anything to do besides copying the text.
        let mut special = false;
        loop {
            match self.src.get(j)? {
                b'"' => break,
                // `"\\" ~ ANY`; an escaped line break is not a valid escape.
                b'\\' => match self.src.get(j + 1)? {
                    b'\n' | b'\r' => return None,
                    _ => {
                        special = true;
                        j += 2;
                    }
                },
                b'\n' | b'\r' => return None,
                b'{' => {
                    special = true;
                    j += 1;
                }
                _ => j += 1,
            }
        }
        let end = j + 1;
        if !special {
            // What `decode` returns for text without escapes or `{`: one text
            // part (empty for `""`), built without growing a `String` a
            // character at a time.
            let lit = StrLit {
                parts: vec![StrPart::Text(self.str_at(i + 1, j).to_string())],
                span: self.exact(i, end),
            };
            return Some((lit, end));
        }
        let mut diags = Vec::new();
        let lit = strings::decode(self.str_at(i, end), self.file, self.base + i, &mut diags);
        diags.is_empty().then_some((lit, end))
    }

    fn digits_end(&self, i: usize) -> usize {
        let mut j = i;
        while self.at(j).is_ascii_digit() {
            j += 1;
        }
        j
    }

    /// `integer` as a count; one that does not fit is a diagnostic.
    fn integer(&self, i: usize) -> Option<(Spanned<u32>, usize)> {
        let end = self.digits_end(i);
        let value = self.str_at(i, end).parse::<u32>().ok()?;
        Some((
            Spanned {
                value,
                span: self.exact(i, end),
            },
            end,
        ))
    }

    /// `duration = @{ ASCII_DIGIT+ ~ ("ms" | "s" | "m" | "h") ~ !ident_char }`
    /// in milliseconds; one that overflows is a diagnostic.
    fn duration(&self, i: usize) -> Option<(Duration, usize)> {
        let digits = self.digits_end(i);
        if digits == i {
            return None;
        }
        let (unit_len, factor) = match (self.at(digits), self.at(digits + 1)) {
            (b'm', b's') => (2, 1),
            (b's', _) => (1, 1_000),
            (b'm', _) => (1, 60_000),
            (b'h', _) => (1, 3_600_000),
            _ => return None,
        };
        let end = digits + unit_len;
        if is_ident_char(self.at(end)) {
            return None;
        }
        let value = self.str_at(i, digits).parse::<u64>().ok()?.checked_mul(factor)?;
        Some((
            Spanned {
                value,
                span: self.exact(i, end),
            },
            end,
        ))
    }

    /// `voice = { gender | string }`.
    fn voice(&self, i: usize) -> Option<(Spanned<Voice>, usize)> {
        if self.at(i) == b'"' {
            let (lit, end) = self.string(i)?;
            let value = Voice::Named(lit.as_plain().unwrap_or_default());
            return Some((Spanned { value, span: lit.span }, end));
        }
        let (word, end) = self.word(i);
        let value = match word {
            b"male" => Voice::Male,
            b"female" => Voice::Female,
            _ => return None,
        };
        Some((
            Spanned {
                value,
                span: self.exact(i, end),
            },
            end,
        ))
    }

    /// `hold_music_opt`'s value: `moh_builtin | string`. The builtin words
    /// have no boundary check in the grammar, so only the exact word is taken.
    fn hold_music(&self, i: usize) -> Option<(HoldMusic, usize)> {
        if self.at(i) == b'"' {
            let (lit, end) = self.string(i)?;
            return Some((HoldMusic::Url(lit), end));
        }
        let (word, end) = self.word(i);
        if !matches!(word, b"ring" | b"music1" | b"music2" | b"music3") {
            return None;
        }
        Some((
            HoldMusic::Builtin(Spanned {
                value: self.str_at(i, end).to_string(),
                span: self.exact(i, end),
            }),
            end,
        ))
    }

    // ── items ───────────────────────────────────────────────────────────────

    /// `item_entry = SOI ~ blank* ~ item ~ blank* ~ EOI`.
    fn item(&mut self) -> Option<Item> {
        let start = self.blanks(0);
        let (keyword, kw_end) = self.word(start);
        let after = self.skip(kw_end);
        let (item, end) = match keyword {
            b"import" => {
                let (path, end) = self.string(after)?;
                let end = self.line_end(self.skip(end))?;
                let span = self.span(start, end);
                (Item::Import(Import { path, span }), end)
            }
            b"flow" => self.flow(start, after)?,
            b"queue" => self.queue(start, after)?,
            b"step" => {
                let (name, end) = self.ident(after)?;
                let (body, close, end) = self.block(self.skip(end))?;
                let state = State {
                    name,
                    body: StateBody::Step(body),
                    span: self.span(start, end),
                    close,
                };
                (Item::State(state), end)
            }
            b"menu" => self.menu(start, after)?,
            _ => return None,
        };
        (self.blanks(end) == self.src.len()).then_some(item)
    }

    /// Skipped text and blank lines (`skip ~ (blank ~ skip)*`).
    fn blanks(&self, mut i: usize) -> usize {
        i = self.skip(i);
        while let Some(next) = self.newline(i) {
            i = self.skip(next);
        }
        i
    }

    /// `"{" ~ NEWLINE`: where the first line of a block starts.
    fn open(&self, i: usize) -> Option<usize> {
        let i = self.lit(i, b"{")?;
        self.newline(self.skip(i))
    }

    /// The next line of a block body from `i`: skips blank and comment lines
    /// and returns where the line's first token is, or `Err(after)` when that
    /// token is the closing `}` (`after` is just past it).
    fn next_line(&self, mut i: usize) -> Result<usize, usize> {
        loop {
            i = self.skip(i);
            if let Some(next) = self.newline(i) {
                i = next;
                continue;
            }
            if self.at(i) == b'}' {
                return Err(i + 1);
            }
            return Ok(i);
        }
    }

    /// What follows a line's last element: `skip ~ line_end`.
    #[inline]
    fn end_line(&self, end: usize) -> Option<usize> {
        self.line_end(self.skip(end))
    }

    /// `flow_decl`, from just after `flow` and its skip.
    fn flow(&mut self, start: usize, i: usize) -> Option<(Item, usize)> {
        let (name, end) = self.ident(i)?;
        let mut line = self.open(self.skip(end))?;
        let mut flow = Flow {
            name,
            span: self.exact(start, start),
            ..Default::default()
        };
        loop {
            let at = match self.next_line(line) {
                Ok(at) => at,
                Err(end) => {
                    flow.span = self.span(start, end);
                    return Some((Item::Flow(flow), end));
                }
            };
            let (word, kw_end) = self.word(at);
            let after = self.skip(kw_end);
            let end = match word {
                b"start" => {
                    let (v, end) = self.ident(after)?;
                    once(&mut flow.start, v)?;
                    end
                }
                b"voice" => {
                    let (v, end) = self.voice(after)?;
                    once(&mut flow.voice, v)?;
                    end
                }
                b"language" => {
                    let (v, end) = self.string(after)?;
                    once(&mut flow.language, v)?;
                    end
                }
                b"input_timeout" => {
                    let (v, end) = self.duration(after)?;
                    once(&mut flow.input_timeout, v)?;
                    end
                }
                b"timezone" => {
                    let (v, end) = self.string(after)?;
                    once(&mut flow.timezone, v)?;
                    end
                }
                b"retries" => {
                    let (v, end) = self.integer(after)?;
                    once(&mut flow.retries, v)?;
                    end
                }
                _ => return None,
            };
            line = self.end_line(end)?;
        }
    }

    /// `queue_decl`, from just after `queue` and its skip: `queue name` alone
    /// on its line (the pair then takes the line break with it), or a body.
    fn queue(&mut self, start: usize, i: usize) -> Option<(Item, usize)> {
        let (name, end) = self.ident(i)?;
        let i = self.skip(end);
        let mut hold_music = None;
        if self.at(i) != b'{' {
            let end = self.line_end(i)?;
            let span = self.span(start, end);
            return Some((Item::Queue(Queue { name, hold_music, span }), end));
        }
        let mut line = self.open(i)?;
        loop {
            let at = match self.next_line(line) {
                Ok(at) => at,
                Err(end) => {
                    let span = self.span(start, end);
                    return Some((Item::Queue(Queue { name, hold_music, span }), end));
                }
            };
            let (word, kw_end) = self.word(at);
            if word != b"hold_music" {
                return None;
            }
            let (v, end) = self.hold_music(self.skip(kw_end))?;
            once(&mut hold_music, v)?;
            line = self.end_line(end)?;
        }
    }

    /// `menu_decl`, from just after `menu` and its skip.
    fn menu(&mut self, start: usize, i: usize) -> Option<(Item, usize)> {
        let (name, end) = self.ident(i)?;
        let mut line = self.open(self.skip(end))?;
        let mut menu = Menu {
            prompt: Vec::new(),
            retries: None,
            input_timeout: None,
            options: Vec::new(),
        };
        // Menus hold no blocks, so their lines go to the bottom of the scratch.
        let (stmts, options) = (self.scratch.stmts.len(), self.scratch.options.len());
        loop {
            let at = match self.next_line(line) {
                Ok(at) => at,
                Err(end) => {
                    menu.prompt = self.scratch.stmts.drain(stmts..).collect();
                    menu.options = self.scratch.options.drain(options..).collect();
                    let state = State {
                        name,
                        body: StateBody::Menu(menu),
                        span: self.span(start, end),
                        close: self.exact(end - 1, end),
                    };
                    return Some((Item::State(state), end));
                }
            };
            let end = if self.at(at) == b'"' {
                let (key, end) = self.string(at)?;
                self.menu_option(at, MenuKey::Digit(key), end)?
            } else {
                let (word, kw_end) = self.word(at);
                let after = self.skip(kw_end);
                match word {
                    b"say" | b"play" | b"pause" => {
                        let (kind, end) = self.prompt_stmt(word, after)?;
                        let span = self.span(at, end);
                        self.scratch.stmts.push(Stmt { kind, span });
                        end
                    }
                    b"retries" => {
                        let (v, end) = self.integer(after)?;
                        once(&mut menu.retries, v)?;
                        end
                    }
                    b"input_timeout" => {
                        let (v, end) = self.duration(after)?;
                        once(&mut menu.input_timeout, v)?;
                        end
                    }
                    b"timeout" => self.menu_option(at, MenuKey::Timeout(self.exact(at, kw_end)), kw_end)?,
                    b"invalid" => self.menu_option(at, MenuKey::Invalid(self.exact(at, kw_end)), kw_end)?,
                    b"exhausted" => self.menu_option(at, MenuKey::Exhausted(self.exact(at, kw_end)), kw_end)?,
                    _ => return None,
                }
            };
            line = self.end_line(end)?;
        }
    }

    /// `menu_option = { option_key ~ "->" ~ option_target }`, the key read.
    fn menu_option(&mut self, start: usize, key: MenuKey, key_end: usize) -> Option<usize> {
        let i = self.lit(self.skip(key_end), b"->")?;
        let i = self.skip(i);
        let (word, end) = self.word(i);
        let target = if word == b"repeat" {
            Target::Repeat(self.exact(i, end))
        } else {
            Target::State(self.ident(i)?.0)
        };
        self.scratch.options.push(MenuOption {
            key,
            target,
            span: self.exact(start, end),
        });
        Some(end)
    }

    /// `block = { "{" ~ NEWLINE ~ (stmt ~ line_end | blank | bad_line)* ~ close }`:
    /// the statements, the span of the `}` and the position after it.
    fn block(&mut self, i: usize) -> Option<(Vec<Stmt>, Span, usize)> {
        let mut line = self.open(i)?;
        // This block's statements go above those of the blocks around it.
        let base = self.scratch.stmts.len();
        loop {
            match self.next_line(line) {
                Ok(at) => {
                    let end = self.stmt(at, base)?;
                    line = self.end_line(end)?;
                }
                Err(end) => {
                    let stmts = self.scratch.stmts.drain(base..).collect();
                    return Some((stmts, self.exact(end - 1, end), end));
                }
            }
        }
    }
}
