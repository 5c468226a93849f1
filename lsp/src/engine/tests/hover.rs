//! Hover: names show what they stand for, keywords the language reference
//! and the targets that carry them.

use super::{Fixture, draw};
use tower_lsp_server::ls_types::HoverContents;

const FLOW: &str = r##"flow acme {
  start welcome
  voice female
  language "en-US"
}

queue agents {
  hold_music "https://example.com/hold.mp3"
}

step welcome {
  say "Karibu! Welcome to Acme 👋"
  collect account digits 8 finish "#"
  say "You entered {account}."
  goto main
}

menu main {
  say "For sales press 1."
  play "https://example.com/jingle.mp3"
  "1" -> sales
  timeout -> repeat
}

step sales {
  dial "+254711082000" caller_id "+254711000000" timeout 30s
  enqueue agents
}
"##;

/// The hover at `$0`: the hovered range drawn under its line, then the text.
fn hover(marked: &str) -> String {
    let mut fx = Fixture::new(marked);
    let (uri, at) = fx.at();
    let text = fx.text(&uri);
    match fx.engine.hover(&uri, at) {
        None => "(no hover)".to_string(),
        Some(h) => {
            let body = match h.contents {
                HoverContents::Markup(m) => m.value,
                other => format!("{other:?}"),
            };
            let range = h.range.map(|r| draw(&text, r)).unwrap_or_default();
            format!("{range}\n----- hover (markdown) -----\n{body}")
        }
    }
}

fn with_cursor(at: &str, nth: usize) -> String {
    let mut idx = FLOW.match_indices(at).map(|(i, _)| i);
    let i = idx.nth(nth).unwrap_or_else(|| panic!("`{at}` #{nth} not in the flow"));
    format!("{}$0{}", &FLOW[..i + 1], &FLOW[i + 1..])
}

#[test]
fn a_state_reference_shows_its_prompt() {
    insta::assert_snapshot!(hover(&with_cursor("welcome", 0)));
}

#[test]
fn a_menu_shows_its_prompt_and_options() {
    insta::assert_snapshot!(hover(&with_cursor("main {", 0)));
}

#[test]
fn a_variable_shows_where_it_is_set() {
    insta::assert_snapshot!(hover(&with_cursor("account}", 0)));
}

#[test]
fn a_queue_shows_its_music_and_a_flow_its_settings() {
    insta::assert_snapshot!("queue", hover(&with_cursor("agents\n}", 0)));
    insta::assert_snapshot!("flow", hover(&with_cursor("acme", 0)));
}

#[test]
fn a_statement_keyword_shows_the_reference_and_the_targets() {
    insta::assert_snapshot!(hover(&with_cursor("say \"Karibu", 0)));
}

#[test]
fn an_option_shows_its_row_of_the_reference() {
    insta::assert_snapshot!(hover(&with_cursor("caller_id", 0)));
}

#[test]
fn a_flow_setting_shows_its_row() {
    let out = hover(&with_cursor("language \"en", 0));
    assert!(out.contains("| `language` | a BCP 47 tag |"), "{out}");
}

#[test]
fn menu_lines_are_explained_by_the_menu_reference() {
    let out = hover(&FLOW.replacen("timeout -> repeat", "tim$0eout -> repeat", 1));
    assert!(
        out.contains("**`timeout`** (of `menu`)") && out.contains("nothing was pressed"),
        "{out}"
    );
    let out = hover(&FLOW.replacen("  \"1\" -> sales", "  retr$0ies 2\n  \"1\" -> sales", 1));
    assert!(out.contains("## `menu`"), "{out}");
    let out = hover(&FLOW.replacen("timeout -> repeat", "timeout -> rep$0eat", 1));
    assert!(out.contains("Play the menu again"), "{out}");
}

#[test]
fn builtins_functions_and_outcomes_are_explained() {
    let src =
        "flow f {\n  start a\n}\nstep a {\n  if starts_w$0ith(caller, \"+254\") {\n    hangup\n  }\n  hangup\n}\n";
    let out = hover(src);
    assert!(out.contains("starts_with(TEXT, PREFIX) → yes/no"), "{out}");
    let out = hover(&src.replacen("$0", "", 1).replacen("caller", "cal$0ler", 1));
    assert!(out.contains("**built-in variable** `caller`"), "{out}");
    assert!(out.contains("the calling party's number"), "{out}");
    let src = "flow f {\n  start a\n}\nstep a {\n  dial \"+254711082000\"\n  on bu$0sy -> a\n}\n";
    assert!(hover(src).contains("`dial`: the line was busy"));
}

#[test]
fn the_chosen_target_is_marked_and_unsupported_targets_say_why() {
    let src = "# target: africastalking\nflow f {\n  start a\n}\nstep a {\n  sta$0rt_recording\n  hangup\n}\n";
    let out = hover(src);
    assert!(
        out.contains("| **Africa's Talking** (chosen) | **not available** (E0501)"),
        "{out}"
    );
    assert!(
        out.contains("| Sinch | native: `startRecording` instruction |"),
        "{out}"
    );
}

#[test]
fn nothing_to_say_about_punctuation_or_blank_space() {
    assert_eq!(hover("flow f {\n  start a\n}\n$0\n"), "(no hover)");
    assert_eq!(hover("flow f {\n  start a\n}$0\n"), "(no hover)");
}
