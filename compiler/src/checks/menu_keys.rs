//! E0401 `duplicate-menu-key` and E0402 `invalid-menu-key`: the keys of a
//! menu's options.
//!
//! A menu option's key must be exactly one DTMF key (`0`–`9`, `*`, `#`; the
//! same test as [`single_key`], which the IR builder uses), written out (not
//! interpolated), and each key may be used once per menu. The IR keeps the
//! first option of a duplicated key, so the later ones are dead.

use super::Context;
use crate::ast::{MenuKey, StateBody};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::ir::build::single_key;
use crate::span::Span;

pub static DUPLICATE_KEY: Code = Code {
    id: "E0401",
    name: "duplicate-menu-key",
    severity: Severity::Error,
    summary: "two options of one menu use the same key",
    explain: r##"## What it means
Each key of a menu can lead to one place only. When two options name the same
key, the first one wins and the second can never be chosen, which is almost
always a copy-and-paste mistake: the prompt promises something the caller
cannot reach.

## Example
```flow
menu main {
  say "For sales press 1. For support press 2. For billing press 3."
  "1" -> sales
  "2" -> support
  "2" -> billing
  timeout -> repeat
  invalid -> repeat
  exhausted -> goodbye
}
```
Billing was meant to be `"3"`.

## How to fix
Give the second option the key the prompt announces, or delete it.
"##,
};

pub static INVALID_KEY: Code = Code {
    id: "E0402",
    name: "invalid-menu-key",
    severity: Severity::Error,
    summary: "a menu option's key is not a single phone key",
    explain: r##"## What it means
A menu reacts to one key press. Option keys must be exactly one of the twelve
phone keys: `"0"` to `"9"`, `"*"` or `"#"`. Several digits (`"12"`), letters,
an empty string, or a key built from a variable (`"{choice}"`) can never be
pressed as one key.

## Example
```flow
menu extensions {
  say "Enter the extension of the person you want to reach."
  "12" -> alice
  "13" -> bob
  timeout -> repeat
  invalid -> repeat
  exhausted -> operator
}
```

## How to fix
Use a single key per option. To read a number of several digits, use `collect`
and branch on it:
```flow
step extensions {
  collect ext digits 2 finish "#"
  if ext == "12" {
    goto alice
  }
  goto operator
}
```
"##,
};

pub fn run(ctx: &Context, diags: &mut Vec<Diagnostic>) {
    for (_, ast) in ctx.asts {
        for state in ast.states() {
            let StateBody::Menu(menu) = &state.body else {
                continue;
            };
            let mut seen: Vec<(char, Span)> = Vec::new();
            for opt in &menu.options {
                let MenuKey::Digit(lit) = &opt.key else {
                    continue;
                };
                match single_key(lit) {
                    Some(k) => match seen.iter().find(|(c, _)| *c == k) {
                        Some((_, first)) => diags.push(
                            Diagnostic::new(
                                &DUPLICATE_KEY,
                                format!("key `{k}` is used twice in menu `{}`", state.name.text),
                            )
                            .primary(lit.span, "this option can never be chosen")
                            .secondary(*first, "the key is first used here")
                            .help("give this option another key (the one the prompt announces), or delete it"),
                        ),
                        None => seen.push((k, lit.span)),
                    },
                    None => diags.push(invalid(lit)),
                }
            }
        }
    }
}

fn invalid(lit: &crate::ast::StrLit) -> Diagnostic {
    let (message, label) = match lit.as_plain() {
        None => (
            "a menu key cannot be built from a variable".to_string(),
            "interpolated key",
        ),
        Some(text) if text.is_empty() => ("a menu key cannot be empty".to_string(), "no key here"),
        Some(text) if text.chars().count() > 1 && text.chars().all(is_key) => (
            format!("\"{text}\" is {} key presses, not one key", text.chars().count()),
            "several keys",
        ),
        Some(text) => (format!("\"{text}\" is not a key of a phone keypad"), "not a phone key"),
    };
    Diagnostic::new(&INVALID_KEY, message).primary(lit.span, label).help(
        "a menu key is exactly one of \"0\"-\"9\", \"*\" or \"#\"; to read several digits, use `collect` and `if`",
    )
}

fn is_key(c: char) -> bool {
    c.is_ascii_digit() || c == '*' || c == '#'
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_explain_page, codes, primary_text, secondary_texts, with_code};

    fn menu(options: &str) -> String {
        format!(
            "flow f {{\n  start m\n}}\nmenu m {{\n  say \"Choose.\"\n{options}  timeout -> repeat\n  invalid -> repeat\n  exhausted -> bye\n}}\n\
             step a {{\n  hangup\n}}\nstep b {{\n  hangup\n}}\nstep bye {{\n  hangup\n}}\n"
        )
    }

    #[test]
    fn a_duplicated_key_points_at_both_options() {
        let src = menu("  \"1\" -> a\n  \"2\" -> b\n  \"1\" -> b\n");
        let found = with_code(&src, "E0401");
        assert_eq!(found.len(), 1, "{found:?}");
        let d = &found[0];
        assert_eq!(d.labels[0].span.start as usize, src.rfind("\"1\"").unwrap_or(0));
        assert_eq!(primary_text(&src, d), "\"1\"");
        assert_eq!(secondary_texts(&src, d), vec!["\"1\""]);
        assert!(d.labels[1].span.start < d.labels[0].span.start);
    }

    #[test]
    fn invalid_keys_are_reported_each() {
        let src = menu("  \"12\" -> a\n  \"a\" -> b\n  \"\" -> a\n  \"{x}\" -> b\n");
        let found = with_code(&src, "E0402");
        let texts: Vec<&str> = found.iter().map(|d| primary_text(&src, d)).collect();
        assert_eq!(texts, vec!["\"12\"", "\"a\"", "\"\"", "\"{x}\""]);
        assert!(found[0].message.contains("2 key presses"));
        assert!(found[3].message.contains("variable"));
    }

    #[test]
    fn every_single_key_is_valid_and_distinct_keys_are_fine() {
        let src = menu("  \"0\" -> a\n  \"9\" -> b\n  \"*\" -> a\n  \"#\" -> b\n");
        let found = codes(&src);
        assert!(!found.contains(&"E0401") && !found.contains(&"E0402"), "{found:?}");
    }

    #[test]
    fn explain_page_is_complete_and_its_example_triggers_the_code() {
        assert_explain_page(&super::DUPLICATE_KEY);
        assert_explain_page(&super::INVALID_KEY);
    }
}
