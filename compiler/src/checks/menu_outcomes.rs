//! W0403 `unhandled-menu-outcome`: a menu leaves `timeout`, `invalid` or
//! `exhausted` to the defaults.
//!
//! Without `timeout ->` or `invalid ->` the menu is simply played again; once
//! retrying is possible at all (an option uses `repeat`, or timeout/invalid
//! fall back to the replay), running out of retries hangs up unless
//! `exhausted ->` says otherwise. Those defaults are rarely what the author
//! wants a caller to experience, so the menu should say so explicitly.

use super::Context;
use crate::ast::{MenuKey, StateBody, Target};
use crate::diagnostic::{Code, Diagnostic, Severity};

pub static CODE: Code = Code {
    id: "W0403",
    name: "unhandled-menu-outcome",
    severity: Severity::Warning,
    summary: "a menu does not say what happens on timeout, an invalid key, or when retries run out",
    explain: r##"## What it means
Besides its keys, a menu has three outcomes: the caller presses nothing
(`timeout`), presses a key no option uses (`invalid`), or has used up the
menu's `retries` (`exhausted`). When the menu does not route them:

- a missing `timeout ->` or `invalid ->` plays the menu again (and counts a
  retry), without telling the caller what went wrong;
- a missing `exhausted ->` hangs up once the retries are used up, without a
  word.

Callers who are slow, on a rotary-style keypad or on a bad line meet these
paths every day, so they deserve a deliberate answer.

## Example
```flow
menu main {
  say "For sales press 1. For support press 2."
  "1" -> sales
  "2" -> support
}
```

## How to fix
Add the missing lines, for example:
```flow
  timeout -> repeat
  invalid -> repeat
  exhausted -> goodbye
```
where `goodbye` says something before it hangs up (or transfers the caller to
a person).
"##,
};

pub fn run(ctx: &Context, diags: &mut Vec<Diagnostic>) {
    for (_, ast) in ctx.asts {
        for state in ast.states() {
            let StateBody::Menu(menu) = &state.body else {
                continue;
            };
            let has = |pred: fn(&MenuKey) -> bool| menu.options.iter().any(|o| pred(&o.key));
            let timeout = has(|k| matches!(k, MenuKey::Timeout(_)));
            let invalid = has(|k| matches!(k, MenuKey::Invalid(_)));
            let exhausted = has(|k| matches!(k, MenuKey::Exhausted(_)));
            let repeats = menu.options.iter().any(|o| matches!(o.target, Target::Repeat(_)));
            // Exhaustion can only happen when some path retries the menu.
            let can_exhaust = repeats || !timeout || !invalid;

            let mut missing: Vec<&str> = Vec::new();
            let mut lines: Vec<&str> = Vec::new();
            let mut notes: Vec<&str> = Vec::new();
            if !timeout {
                missing.push("`timeout`");
                lines.push("timeout -> repeat");
            }
            if !invalid {
                missing.push("`invalid`");
                lines.push("invalid -> repeat");
            }
            if !timeout || !invalid {
                notes.push("without a route, a timeout or an invalid key plays the menu again");
            }
            if can_exhaust && !exhausted {
                missing.push("`exhausted`");
                lines.push("exhausted -> <state>");
                notes.push("without `exhausted ->`, the call hangs up when the retries run out");
            }
            if missing.is_empty() {
                continue;
            }
            let list = match missing.as_slice() {
                [one] => (*one).to_string(),
                [init @ .., last] => format!("{} or {last}", init.join(", ")),
                [] => String::new(),
            };
            let mut d = Diagnostic::new(&CODE, format!("menu `{}` does not route {list}", state.name.text))
                .primary(state.name.span, format!("{list} not handled"));
            for n in notes {
                d = d.note(n);
            }
            diags.push(d.help(format!("add to the menu:\n  {}", lines.join("\n  "))));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_explain_page, codes, primary_text, with_code};

    fn menu(lines: &str) -> String {
        format!(
            "flow f {{\n  start m\n}}\nmenu m {{\n  say \"Press 1.\"\n  \"1\" -> bye\n{lines}}}\nstep bye {{\n  hangup\n}}\n"
        )
    }

    #[test]
    fn a_bare_menu_misses_all_three() {
        let src = menu("");
        let found = with_code(&src, "W0403");
        assert_eq!(found.len(), 1, "{found:?}");
        let d = &found[0];
        assert_eq!(primary_text(&src, d), "m");
        assert_eq!(d.message, "menu `m` does not route `timeout`, `invalid` or `exhausted`");
        let help = d.help.as_deref().unwrap_or("");
        assert!(
            help.contains("timeout -> repeat") && help.contains("invalid -> repeat") && help.contains("exhausted ->")
        );
    }

    #[test]
    fn repeat_needs_exhausted() {
        let src = menu("  timeout -> repeat\n  invalid -> bye\n");
        let found = with_code(&src, "W0403");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "menu `m` does not route `exhausted`");
    }

    #[test]
    fn routed_timeout_and_invalid_without_repeat_need_no_exhausted() {
        let src = menu("  timeout -> bye\n  invalid -> bye\n");
        assert!(!codes(&src).contains(&"W0403"), "{:?}", codes(&src));
    }

    #[test]
    fn a_complete_menu_is_fine() {
        let src = menu("  timeout -> repeat\n  invalid -> repeat\n  exhausted -> bye\n");
        assert!(!codes(&src).contains(&"W0403"), "{:?}", codes(&src));
    }

    #[test]
    fn explain_page_is_complete_and_its_example_triggers_the_code() {
        assert_explain_page(&super::CODE);
    }
}
