//! The tokens of one line, as the formatter sees them.
//!
//! The formatter never needs the grammar's structure, only where tokens begin
//! and end: it rewrites the whitespace between them and nothing else. So this
//! lexer is deliberately coarse (a word is any run of name characters, a
//! decimal number included), and it cannot fail: a character it does not
//! know becomes an `Other` token of its own. Every token is a slice of the
//! line, so strings and comments come out byte for byte as written.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A keyword, name, number or duration: `say`, `s12`, `2.5`, `500ms`.
    Word,
    /// A string literal with its quotes and escapes as written.
    Str,
    /// An operator or bracket: `->`, `==`, `..`, `{`, `,` …
    Punct,
    /// `#` to the end of the line, trailing spaces and tabs dropped.
    Comment,
    /// Any other character (only in text that does not parse).
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: Kind,
    pub text: &'a str,
}

impl Token<'_> {
    pub fn is_punct(&self, text: &str) -> bool {
        self.kind == Kind::Punct && self.text == text
    }
}

/// Punctuation of two characters; tried before the one-character kind so
/// that `->` is not read as `-` then `>`.
const PUNCT2: [&str; 6] = ["->", "==", "!=", "<=", ">=", ".."];
const PUNCT1: &[u8] = b"{}(),:=<>+-";

/// The tokens of `line` (which holds no line break).
///
/// Positions advance over bytes and stop only at ASCII bytes; no byte of a
/// multi-byte character is ASCII, so every slice is on a character boundary.
pub fn tokens(line: &str) -> Vec<Token<'_>> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let start = i;
        let kind = match b {
            b' ' | b'\t' => {
                i += 1;
                continue;
            }
            b'#' => {
                out.push(Token {
                    kind: Kind::Comment,
                    text: line[start..].trim_end_matches([' ', '\t']),
                });
                break;
            }
            b'"' => {
                i = string_end(bytes, i + 1);
                Kind::Str
            }
            _ if is_word_byte(b) => {
                i = word_end(bytes, i);
                Kind::Word
            }
            _ if PUNCT2.iter().any(|p| bytes[i..].starts_with(p.as_bytes())) => {
                i += 2;
                Kind::Punct
            }
            _ if PUNCT1.contains(&b) => {
                i += 1;
                Kind::Punct
            }
            _ => {
                i += line[i..].chars().next().map_or(1, char::len_utf8);
                Kind::Other
            }
        };
        out.push(Token {
            kind,
            text: &line[start..i],
        });
    }
    out
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The end of a word starting at `i`. A number's fraction belongs to it
/// (`2.5`), but `..` does not (`digits 4..8` is three tokens).
fn word_end(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|&b| is_word_byte(b)) {
        i += 1;
    }
    if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while bytes.get(i).is_some_and(|&b| is_word_byte(b)) {
            i += 1;
        }
    }
    i
}

/// The end of a string whose body starts at `i`: just past the closing quote,
/// or the end of the line when it is never closed. `\` escapes the next byte.
fn string_end(bytes: &[u8], mut i: usize) -> usize {
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<(Kind, &str)> {
        tokens(line).into_iter().map(|t| (t.kind, t.text)).collect()
    }

    #[test]
    fn strings_keep_escapes_and_hide_what_looks_like_code() {
        use Kind::*;
        assert_eq!(
            texts(r#"say "a \"b\" # {c} \\" repeat 2"#),
            vec![
                (Word, "say"),
                (Str, r#""a \"b\" # {c} \\""#),
                (Word, "repeat"),
                (Word, "2")
            ]
        );
    }

    #[test]
    fn a_comment_runs_to_the_end_without_its_trailing_blanks() {
        use Kind::*;
        assert_eq!(
            texts("hangup\t#  note \"x\" { \t "),
            vec![(Word, "hangup"), (Comment, "#  note \"x\" {")]
        );
    }

    #[test]
    fn two_character_operators_are_one_token() {
        let ops: Vec<&str> = tokens("a->b==c!=d<=e>=f..g<h>i=j+k-l").iter().map(|t| t.text).collect();
        assert_eq!(
            ops,
            [
                "a", "->", "b", "==", "c", "!=", "d", "<=", "e", ">=", "f", "..", "g", "<", "h", ">", "i", "=", "j",
                "+", "k", "-", "l"
            ]
        );
    }

    #[test]
    fn a_fraction_belongs_to_its_number_but_a_range_does_not() {
        let words: Vec<&str> = tokens("2.5 4..8 500ms x.y").iter().map(|t| t.text).collect();
        assert_eq!(words, ["2.5", "4", "..", "8", "500ms", "x", ".", "y"]);
    }

    #[test]
    fn unknown_and_unfinished_text_never_panics() {
        use Kind::*;
        assert_eq!(texts("é 👋"), vec![(Other, "é"), (Other, "👋")]);
        assert_eq!(texts("say \"open"), vec![(Word, "say"), (Str, "\"open")]);
        assert_eq!(texts("say \"ends in \\"), vec![(Word, "say"), (Str, "\"ends in \\")]);
        assert_eq!(texts("\"\\é\""), vec![(Str, "\"\\é\"")]);
        assert!(tokens("  \t ").is_empty());
    }
}
