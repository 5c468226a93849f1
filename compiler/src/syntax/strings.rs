//! String literals: escapes and `{variable}` interpolation.

use super::codes::{INVALID_INTERPOLATION, SYNTAX_ERROR};
use crate::ast::{Name, StrLit, StrPart};
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};

/// Decode the literal `raw` (quotes included) found at byte `offset` of `file`.
pub fn decode(raw: &str, file: FileId, offset: usize, diags: &mut Vec<Diagnostic>) -> StrLit {
    let span = Span::new(file, offset, offset + raw.len());
    let inner_start = usize::from(raw.starts_with('"'));
    let inner_end = if raw.len() > inner_start && raw.ends_with('"') {
        raw.len() - 1
    } else {
        raw.len()
    };
    let inner = raw.get(inner_start..inner_end).unwrap_or("");
    let base = offset + inner_start;

    let mut parts = Vec::new();
    let mut text = String::new();
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < inner.len() {
        // Copy the plain run up to the next escape or `{` whole: pushing a
        // character at a time regrew the `String` several times per prompt.
        let rest = bytes.get(i..).unwrap_or_default();
        let special = memchr::memchr2(b'\\', b'{', rest).map_or(inner.len(), |k| i + k);
        text.push_str(inner.get(i..special).unwrap_or_default());
        i = special;
        match bytes.get(i) {
            Some(b'\\') => {
                let j = i + 1;
                match inner.get(j..).and_then(|r| r.chars().next()) {
                    Some(c @ ('"' | '\\' | '{' | '}')) => text.push(c),
                    Some('n') => text.push('\n'),
                    Some('t') => text.push('\t'),
                    Some(other) => {
                        diags.push(unknown_escape(
                            Span::new(file, base + i, base + j + other.len_utf8()),
                            other,
                        ));
                        text.push(other);
                    }
                    None => {
                        text.push('\\');
                        i = j;
                        continue;
                    }
                }
                i = j + inner.get(j..).and_then(|r| r.chars().next()).map_or(0, char::len_utf8);
            }
            Some(b'{') => {
                let close = inner[i + 1..]
                    .find(['}', '"'])
                    .map(|k| i + 1 + k)
                    .filter(|&k| inner[k..].starts_with('}'));
                let Some(close) = close else {
                    diags.push(unclosed_interpolation(Span::new(file, base + i, base + i + 1)));
                    text.push('{');
                    i += 1;
                    continue;
                };
                let name = &inner[i + 1..close];
                let name_span = Span::new(file, base + i + 1, base + close);
                if is_ident(name) {
                    if !text.is_empty() {
                        parts.push(StrPart::Text(std::mem::take(&mut text)));
                    }
                    parts.push(StrPart::Var(Name {
                        text: name.to_string(),
                        span: name_span,
                    }));
                } else {
                    diags.push(not_a_variable(Span::new(file, base + i, base + close + 1), name));
                }
                // `}` is one byte: what follows it is a character boundary.
                i = close + 1;
            }
            _ => {}
        }
    }
    if !text.is_empty() || parts.is_empty() {
        parts.push(StrPart::Text(text));
    }
    StrLit { parts, span }
}

/// `\q`: an escape the language does not have (`at` covers both characters).
fn unknown_escape(at: Span, other: char) -> Diagnostic {
    Diagnostic::new(&SYNTAX_ERROR, format!("unknown escape `\\{other}` in a string"))
        .primary(at, "not a known escape")
        .help("the escapes are \\\" \\\\ \\n \\t \\{ and \\}; write `\\\\` for a backslash")
}

/// A `{` with no `}` before the string ends (`at` is the brace).
fn unclosed_interpolation(at: Span) -> Diagnostic {
    Diagnostic::new(&INVALID_INTERPOLATION, "this `{` is never closed")
        .primary(at, "interpolation starts here")
        .help("write `{name}` to insert a variable, or `\\{` for a literal brace")
}

/// `{1x}`, `{}`: braces around something that is not a variable name
/// (`at` covers the braces).
fn not_a_variable(at: Span, name: &str) -> Diagnostic {
    let shown = if name.trim().is_empty() {
        "an empty `{}`".to_string()
    } else {
        format!("`{{{name}}}`")
    };
    Diagnostic::new(&INVALID_INTERPOLATION, format!("{shown} is not a variable name"))
        .primary(at, "expected `{name}`")
        .help("a variable name is letters, digits and `_`, starting with a letter; write `\\{` for a literal brace")
}

pub fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The plain version `decode` must agree with: one character at a time.
    fn reference(raw: &str, file: FileId, offset: usize, diags: &mut Vec<Diagnostic>) -> StrLit {
        let span = Span::new(file, offset, offset + raw.len());
        let inner_start = usize::from(raw.starts_with('"'));
        let inner_end = if raw.len() > inner_start && raw.ends_with('"') {
            raw.len() - 1
        } else {
            raw.len()
        };
        let inner = raw.get(inner_start..inner_end).unwrap_or("");
        let base = offset + inner_start;
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = inner.char_indices().peekable();
        while let Some((i, ch)) = chars.next() {
            match ch {
                '\\' => match chars.next() {
                    Some((_, c @ ('"' | '\\' | '{' | '}'))) => text.push(c),
                    Some((_, 'n')) => text.push('\n'),
                    Some((_, 't')) => text.push('\t'),
                    Some((j, other)) => {
                        diags.push(unknown_escape(
                            Span::new(file, base + i, base + j + other.len_utf8()),
                            other,
                        ));
                        text.push(other);
                    }
                    None => text.push('\\'),
                },
                '{' => {
                    let close = inner[i + 1..]
                        .find(['}', '"'])
                        .map(|k| i + 1 + k)
                        .filter(|&k| inner[k..].starts_with('}'));
                    let Some(close) = close else {
                        diags.push(unclosed_interpolation(Span::new(file, base + i, base + i + 1)));
                        text.push('{');
                        continue;
                    };
                    let name = &inner[i + 1..close];
                    let name_span = Span::new(file, base + i + 1, base + close);
                    if is_ident(name) {
                        if !text.is_empty() {
                            parts.push(StrPart::Text(std::mem::take(&mut text)));
                        }
                        parts.push(StrPart::Var(Name {
                            text: name.to_string(),
                            span: name_span,
                        }));
                    } else {
                        diags.push(not_a_variable(Span::new(file, base + i, base + close + 1), name));
                    }
                    while chars.peek().is_some_and(|&(k, _)| k <= close) {
                        chars.next();
                    }
                }
                c => text.push(c),
            }
        }
        if !text.is_empty() || parts.is_empty() {
            parts.push(StrPart::Text(text));
        }
        StrLit { parts, span }
    }

    /// Pieces that matter to `decode`: escapes good and bad, braces, names,
    /// quotes and multi-byte characters.
    const PIECES: &[&str] = &[
        "a", "text ", "\\", "\\n", "\\t", "\\\"", "\\{", "\\}", "\\q", "\\é", "{", "}", "{x}", "{x_1}", "{1x}", "{}",
        "{ }", "{a b}", "\"", "é", "👋", "name", "_",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn agrees_with_the_reference(pieces in prop::collection::vec(prop::sample::select(PIECES), 0..20), quoted in any::<bool>()) {
            let inner = pieces.concat();
            let raw = if quoted { format!("\"{inner}\"") } else { inner };
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            let lit = decode(&raw, FileId(1), 7, &mut ours);
            prop_assert_eq!(&lit, &reference(&raw, FileId(1), 7, &mut theirs), "{:?}", raw);
            prop_assert_eq!(ours, theirs, "{:?}", raw);
        }
    }

    fn dec(raw: &str) -> (StrLit, Vec<Diagnostic>) {
        let mut d = Vec::new();
        (decode(raw, FileId(0), 10, &mut d), d)
    }

    #[test]
    fn interpolation_splits_text_and_variables_with_spans() {
        let (s, d) = dec(r#""You entered {account}, thanks""#);
        assert!(d.is_empty());
        assert_eq!(s.display(), "You entered {account}, thanks");
        let v = s.vars().next().map(|n| (n.text.clone(), n.span.start, n.span.end));
        assert_eq!(v, Some(("account".to_string(), 24, 31)));
    }

    #[test]
    fn escapes_decode_and_bad_ones_are_reported() {
        let (s, d) = dec(r#""a \"b\" \{x\} \q""#);
        assert_eq!(s.as_plain().as_deref(), Some("a \"b\" {x} q"));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code.id, "E0001");
    }

    #[test]
    fn bad_interpolations_are_reported() {
        for raw in [r#""{""#, r#""{}""#, r#""{1x}""#, r#""{a b}""#] {
            let (_, d) = dec(raw);
            assert_eq!(d.len(), 1, "{raw}");
            assert_eq!(d[0].code.name, "invalid-interpolation");
        }
    }
}
