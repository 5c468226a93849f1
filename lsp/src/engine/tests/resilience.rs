//! A broken state does not blank the rest: the outline, hover, navigation
//! and the other diagnostics keep working around it.

use super::Fixture;
use super::symbols::show;
use tower_lsp_server::ls_types::{NumberOrString, Position};

const BROKEN: &str = "flow f {\n  start a\n}\nstep a {\n  say \"Hi 👋\"\n  goto b\n}\n\
                      step broken {\n  sya \"typo\" ((\n  dial \"+254711082000\" timeout\n}\n\
                      step b {\n  goto nowhere\n}\nmenu c {\n  say \"Pick\"\n  \"1\" -> a\n}\n";

#[test]
fn the_outline_keeps_every_state_around_a_syntax_error() {
    let mut fx = Fixture::new(BROKEN);
    let main = fx.main();
    let mut out = String::new();
    show(&fx.engine.document_symbols(&main), 0, &mut out);
    let names: Vec<&str> = out.lines().filter_map(|l| l.split_whitespace().next()).collect();
    assert_eq!(names, vec!["f", "a", "broken", "b", "c", "\"1\""], "{out}");
}

#[test]
fn the_other_diagnostics_are_still_reported() {
    let mut fx = Fixture::new(BROKEN);
    let main = fx.main();
    let (_, diags) = fx.engine.diagnostics(&main).unwrap_or_default();
    let found: Vec<(String, u32)> = diags
        .iter()
        .map(|d| match &d.code {
            Some(NumberOrString::String(c)) => (c.clone(), d.range.start.line),
            _ => (String::new(), 0),
        })
        .collect();
    assert!(found.contains(&("E0001".into(), 8)), "{found:?}");
    assert!(
        found.contains(&("E0101".into(), 12)),
        "the valid state's error: {found:?}"
    );
    assert!(
        found.contains(&("W0301".into(), 14)),
        "the flow checks still run: {found:?}"
    );
}

#[test]
fn hover_navigation_and_completion_work_next_to_the_broken_state() {
    let mut fx = Fixture::new(BROKEN);
    let main = fx.main();
    // `goto b` in step a, on line 5.
    let hover = fx.engine.hover(&main, Position::new(5, 8));
    let text = format!("{hover:?}");
    assert!(text.contains("**step** `b`"), "{text}");
    assert!(fx.engine.definition(&main, Position::new(5, 8)).is_some());
    // The broken line itself: its first word is still a keyword to the lexer.
    let items = fx.engine.completion(&main, Position::new(8, 4));
    assert!(items.iter().any(|i| i.label == "say"), "{items:?}");
    // A hover inside the broken state answers rather than failing.
    let _ = fx.engine.hover(&main, Position::new(9, 4));
}

#[test]
fn an_unclosed_state_keeps_the_states_after_it() {
    let src = "flow f {\n  start a\n}\nstep a {\n  say \"x\"\n  goto b\nstep b {\n  hangup\n}\n";
    let mut fx = Fixture::new(src);
    let main = fx.main();
    let mut out = String::new();
    show(&fx.engine.document_symbols(&main), 0, &mut out);
    assert!(out.contains("\na Function") && out.contains("\nb Function"), "{out}");
    let (_, diags) = fx.engine.diagnostics(&main).unwrap_or_default();
    assert!(format!("{diags:?}").contains("E0002"));
}
