//! The spaces between the tokens of one line.
//!
//! One space between tokens, except where the house style glues them:
//! nothing before `,` `)` `:`, nothing after `(`, nothing around `..`
//! (`digits 4..8`), and nothing between a function's name and its `(`. The
//! grammar allows any amount of space between these tokens (none of them is
//! part of a word), so only the look changes.

use super::lex::{Kind, Token};

/// Words after which `(` groups an expression rather than calling a function.
const OPERATOR_WORDS: [&str; 4] = ["if", "and", "or", "not"];

/// The tokens joined with canonical spacing.
pub fn join(tokens: &[Token<'_>]) -> String {
    let mut out = String::new();
    let mut prev: Option<&Token<'_>> = None;
    for token in tokens {
        if prev.is_some_and(|p| space_between(p, token)) {
            out.push(' ');
        }
        out.push_str(token.text);
        prev = Some(token);
    }
    out
}

fn space_between(prev: &Token<'_>, next: &Token<'_>) -> bool {
    if next.kind == Kind::Comment {
        return true;
    }
    if [",", ")", ":", ".."].iter().any(|p| next.is_punct(p)) {
        return false;
    }
    if prev.is_punct("(") || prev.is_punct("..") {
        return false;
    }
    // `length(pin)`, but `if (a or b)` and `not (x)`.
    if next.is_punct("(") && prev.kind == Kind::Word {
        return OPERATOR_WORDS.contains(&prev.text);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::lex::tokens;

    fn canon(line: &str) -> String {
        join(&tokens(line))
    }

    #[test]
    fn one_space_between_words_strings_and_operators() {
        assert_eq!(canon("say\t\"Hi.\"   voice  female"), "say \"Hi.\" voice female");
        assert_eq!(canon("set x=tries+1"), "set x = tries + 1");
        assert_eq!(canon("if a>=3 and b!=\"\"  {"), "if a >= 3 and b != \"\" {");
        assert_eq!(canon("\"1\"->sales"), "\"1\" -> sales");
        assert_eq!(canon("on  busy->  voicemail"), "on busy -> voicemail");
        assert_eq!(canon("}else   if x<2{"), "} else if x < 2 {");
    }

    #[test]
    fn commas_colons_ranges_and_brackets_are_glued() {
        assert_eq!(canon("dial \"+1\" ,\"+2\""), "dial \"+1\", \"+2\"");
        assert_eq!(canon("collect pin digits 4 .. 8"), "collect pin digits 4..8");
        assert_eq!(
            canon("if open_hours ( \"Mon 09:00-10:00\" , tz : \"Europe/Berlin\" ) {"),
            "if open_hours(\"Mon 09:00-10:00\", tz: \"Europe/Berlin\") {"
        );
        assert_eq!(canon("set n = length( ( pin ) )"), "set n = length((pin))");
    }

    #[test]
    fn a_paren_after_an_operator_word_groups_and_keeps_its_space() {
        assert_eq!(canon("if(a)or(b)and not(c){"), "if (a) or (b) and not (c) {");
        assert_eq!(canon("set x =(1+2)-3"), "set x = (1 + 2) - 3");
    }

    #[test]
    fn a_trailing_comment_gets_one_space() {
        assert_eq!(canon("hangup# bye"), "hangup # bye");
        assert_eq!(canon("hangup     #bye  "), "hangup #bye");
    }
}
