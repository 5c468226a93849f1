//! A line lexer for the editor features that must work on any text, even
//! text the parser cannot read: semantic tokens, and the context a
//! completion or a hover is asked in. It knows only words, numbers, strings
//! with their `{name}` interpolations, comments and punctuation, which is all
//! the language's lines are made of.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokKind {
    Word,
    /// An integer, a number (`2.5`) or a duration (`500ms`, `5s`).
    Number,
    /// Plain text of a string literal (quotes included at its ends).
    Str,
    /// The `{` or `}` of an interpolation.
    Brace,
    /// The variable name inside `{…}`.
    InterpName,
    Comment,
    Punct,
}

/// A token: its kind and byte range in the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tok {
    pub kind: TokKind,
    pub start: usize,
    pub end: usize,
}

impl Tok {
    pub fn text<'a>(&self, line: &'a str) -> &'a str {
        line.get(self.start..self.end).unwrap_or("")
    }
}

/// The tokens of one line (without its line break).
pub fn tokens(line: &str) -> Vec<Tok> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        match b {
            b' ' | b'\t' | b'\r' => i += 1,
            b'#' => {
                out.push(Tok {
                    kind: TokKind::Comment,
                    start,
                    end: line.len(),
                });
                break;
            }
            b'"' => i = string(line, i, &mut out),
            b'0'..=b'9' => {
                i = number_end(bytes, i);
                out.push(Tok {
                    kind: TokKind::Number,
                    start,
                    end: i,
                });
            }
            b if is_word_start(b) => {
                while i < bytes.len() && is_word_byte(bytes[i]) {
                    i += 1;
                }
                out.push(Tok {
                    kind: TokKind::Word,
                    start,
                    end: i,
                });
            }
            _ => {
                // One punctuation mark (two for `->`, `..`, `==` …); a
                // multi-byte character counts as one.
                let two = line.get(i..i + 2).unwrap_or("");
                i += if ["->", "..", "==", "!=", "<=", ">="].contains(&two) {
                    2
                } else {
                    line[i..].chars().next().map_or(1, char::len_utf8)
                };
                out.push(Tok {
                    kind: TokKind::Punct,
                    start,
                    end: i,
                });
            }
        }
    }
    out
}

pub fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

pub fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Digits, an optional fraction, an optional duration unit.
fn number_end(bytes: &[u8], mut i: usize) -> usize {
    let digits = |i: &mut usize| {
        while *i < bytes.len() && bytes[*i].is_ascii_digit() {
            *i += 1;
        }
    };
    digits(&mut i);
    if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        digits(&mut i);
    }
    for unit in [&b"ms"[..], b"s", b"m", b"h"] {
        let end = i + unit.len();
        if bytes.get(i..end) == Some(unit) && !bytes.get(end).copied().is_some_and(is_word_byte) {
            return end;
        }
    }
    i
}

/// Lex the string starting at the quote at `open`; returns where it ends.
fn string(line: &str, open: usize, out: &mut Vec<Tok>) -> usize {
    let bytes = line.as_bytes();
    let mut piece = open;
    let mut i = open + 1;
    let push = |kind, start: usize, end: usize, out: &mut Vec<Tok>| {
        if end > start {
            out.push(Tok { kind, start, end });
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => {
                push(TokKind::Str, piece, i + 1, out);
                return i + 1;
            }
            b'{' => match interpolation(bytes, i) {
                Some(close) => {
                    push(TokKind::Str, piece, i, out);
                    push(TokKind::Brace, i, i + 1, out);
                    push(TokKind::InterpName, i + 1, close, out);
                    push(TokKind::Brace, close, close + 1, out);
                    i = close + 1;
                    piece = i;
                }
                None => i += 1,
            },
            _ => i += 1,
        }
    }
    // Unterminated: the string runs to the end of the line.
    push(TokKind::Str, piece, line.len(), out);
    line.len()
}

/// The `}` closing a `{name}` that starts at `open`, if a name is all that
/// stands between them.
fn interpolation(bytes: &[u8], open: usize) -> Option<usize> {
    let name_start = open + 1;
    let mut i = name_start;
    while i < bytes.len() && is_word_byte(bytes[i]) {
        i += 1;
    }
    let ok = i > name_start && is_word_start(bytes[name_start]) && bytes.get(i) == Some(&b'}');
    ok.then_some(i)
}

/// Where a cursor at byte `at` of a line stands with respect to strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InString {
    No,
    /// Inside a string that opened at byte `open`.
    Text {
        open: usize,
    },
    /// Inside `{…` of a string, the name starting at `name`.
    Interpolation {
        open: usize,
        name: usize,
    },
}

pub fn in_string(line: &str, at: usize) -> InString {
    let bytes = line.as_bytes();
    let at = at.min(bytes.len());
    let mut i = 0;
    let mut state = InString::No;
    while i < at {
        let b = bytes[i];
        state = match state {
            InString::No => match b {
                b'#' => return InString::No,
                b'"' => InString::Text { open: i },
                _ => InString::No,
            },
            InString::Text { open } => match b {
                b'\\' => {
                    i += 2;
                    continue;
                }
                b'"' => InString::No,
                b'{' => InString::Interpolation { open, name: i + 1 },
                _ => state,
            },
            InString::Interpolation { open, .. } => match b {
                b'}' => InString::Text { open },
                b'"' => InString::No,
                b if is_word_byte(b) => state,
                _ => InString::Text { open },
            },
        };
        i += 1;
    }
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(line: &str) -> Vec<(TokKind, &str)> {
        tokens(line).iter().map(|t| (t.kind, t.text(line))).collect()
    }

    #[test]
    fn a_line_splits_into_words_strings_interpolations_numbers_and_comments() {
        use TokKind::*;
        assert_eq!(
            show(r#"  say "Hi {name}, \{x} é" repeat 2 # hello"#),
            vec![
                (Word, "say"),
                (Str, "\"Hi "),
                (Brace, "{"),
                (InterpName, "name"),
                (Brace, "}"),
                (Str, r#", \{x} é""#),
                (Word, "repeat"),
                (Number, "2"),
                (Comment, "# hello"),
            ]
        );
        assert_eq!(
            show("collect pin digits 4..8 timeout 500ms"),
            vec![
                (Word, "collect"),
                (Word, "pin"),
                (Word, "digits"),
                (Number, "4"),
                (Punct, ".."),
                (Number, "8"),
                (Word, "timeout"),
                (Number, "500ms"),
            ]
        );
        assert_eq!(show(r#""1" -> x"#), vec![(Str, r#""1""#), (Punct, "->"), (Word, "x")]);
    }

    #[test]
    fn unterminated_strings_and_odd_characters_do_not_break_the_lexer() {
        use TokKind::*;
        assert_eq!(show("say \"open {"), vec![(Word, "say"), (Str, "\"open {")]);
        assert_eq!(show("👋 x"), vec![(Punct, "👋"), (Word, "x")]);
        assert_eq!(show("say \"\\"), vec![(Word, "say"), (Str, "\"\\")]);
    }

    #[test]
    fn the_cursor_knows_when_it_is_in_a_string_or_an_interpolation() {
        let line = r#"say "Hi {na" # {x"#;
        assert_eq!(in_string(line, 3), InString::No);
        assert_eq!(in_string(line, 6), InString::Text { open: 4 });
        assert_eq!(in_string(line, 11), InString::Interpolation { open: 4, name: 9 });
        assert_eq!(in_string(line, line.len()), InString::No);
        assert_eq!(in_string(r#"say "a\{b"#, 9), InString::Text { open: 4 });
    }
}
