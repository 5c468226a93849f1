//! Completion: keywords by block, names where names go, statement options,
//! and the chosen target's voices and languages.

use super::Fixture;
use tower_lsp_server::ls_types::{CompletionItem, CompletionTextEdit};

const BASE: &str = "flow acme {\n  start welcome\n}\nqueue agents\nqueue billing\nstep welcome {\n  \
                    collect account digits 8\n  set tries = 0\n  say \"Karibu 👋\"\n  goto main\n}\n\
                    menu main {\n  say \"Press 1.\"\n  \"1\" -> welcome\n}\n";

fn complete(marked: &str) -> Vec<CompletionItem> {
    let mut fx = Fixture::new(marked);
    let (uri, at) = fx.at();
    fx.engine.completion(&uri, at)
}

/// `label (kind) detail`, one per line.
fn show(items: &[CompletionItem]) -> String {
    items
        .iter()
        .map(|i| {
            let kind = i.kind.map(|k| format!("{k:?}")).unwrap_or_default();
            let detail = i.detail.as_deref().unwrap_or("");
            format!("{} ({kind}) {detail}", i.label).trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn labels(items: &[CompletionItem]) -> Vec<&str> {
    items.iter().map(|i| i.label.as_str()).collect()
}

/// BASE with `line` added to the end of step `welcome` (before its `}`).
fn in_step(line: &str) -> String {
    BASE.replacen("  goto main\n}", &format!("  goto main\n{line}\n}}"), 1)
}

#[test]
fn statement_keywords_at_the_start_of_a_step_line() {
    insta::assert_snapshot!(show(&complete(&in_step("  s$0"))));
}

#[test]
fn each_block_offers_its_own_words() {
    assert_eq!(labels(&complete("$0")), vec!["import", "flow", "queue", "step", "menu"]);
    let flow = complete(&BASE.replacen("  start welcome\n", "  start welcome\n  $0\n", 1));
    assert_eq!(
        labels(&flow),
        vec!["start", "voice", "language", "input_timeout", "timezone", "retries"]
    );
    let menu = complete(&BASE.replacen("  \"1\" -> welcome\n", "  \"1\" -> welcome\n  ti$0\n", 1));
    assert!(labels(&menu).contains(&"timeout") && !labels(&menu).contains(&"goto"));
}

#[test]
fn state_names_after_goto_and_arrows() {
    insta::assert_snapshot!(show(&complete(&in_step("  goto $0"))));
    let menu = complete(&BASE.replacen("\"1\" -> welcome", "\"1\" -> $0", 1));
    assert_eq!(labels(&menu), vec!["main", "welcome", "repeat"]);
    let on = complete(&in_step("  dial \"+254711082000\"\n  on busy -> w$0"));
    assert_eq!(labels(&on), vec!["main", "welcome"]);
    let outcomes = complete(&in_step("  dial \"+254711082000\"\n  on $0"));
    assert_eq!(
        labels(&outcomes),
        vec!["answered", "busy", "no_answer", "failed", "timeout"]
    );
}

#[test]
fn queues_flows_and_variables_where_they_are_expected() {
    assert_eq!(labels(&complete(&in_step("  enqueue $0"))), vec!["agents", "billing"]);
    assert_eq!(labels(&complete(&in_step("  redirect flow $0"))), vec!["acme"]);
    assert_eq!(labels(&complete(&in_step("  set $0"))), vec!["account", "tries"]);
    let inside = complete(&in_step("  say \"You entered {acc$0"));
    assert_eq!(labels(&inside), vec!["account", "tries", "caller", "called", "call_id"]);
    // The edit replaces what is typed inside the braces.
    let edit = inside.first().and_then(|i| i.text_edit.clone());
    let Some(CompletionTextEdit::Edit(edit)) = edit else {
        panic!("no text edit")
    };
    assert_eq!((edit.range.start.character, edit.range.end.character), (20, 23));
    let expr = complete(&in_step("  if $0"));
    assert!(labels(&expr).contains(&"open_hours") && labels(&expr).contains(&"tries"));
}

#[test]
fn options_of_the_statement_being_written_that_it_does_not_have_yet() {
    insta::assert_snapshot!(show(&complete(&in_step("  dial \"+254711082000\" timeout 30s $0"))));
    let say = complete(&in_step("  say \"Hello\" voice female $0"));
    assert_eq!(labels(&say), vec!["language", "repeat"]);
}

#[test]
fn voices_and_languages_follow_the_target() {
    let voice = complete(&in_step("  say \"Hello\" voice $0"));
    assert_eq!(labels(&voice), vec!["female", "male"]);
    let eight = format!("# target: 8x8\n{}", in_step("  say \"Hello\" language \"$0\""));
    let tags = complete(&eight);
    assert!(
        labels(&tags).contains(&"nb") && labels(&tags).contains(&"en"),
        "{tags:?}"
    );
    let at = format!(
        "# target: africastalking\n{}",
        in_step("  say \"Hello\" language \"e$0\"")
    );
    let tags = complete(&at);
    insta::assert_snapshot!(show(&tags), @r"
    en-US (Value) English (US): Africa's Talking reads English only
    en-GB (Value) English (UK): Africa's Talking reads English only
    ");
    let named = format!("# target: 8x8\n{}", in_step("  say \"Hello\" voice \"gen$0\""));
    let voices = complete(&named);
    assert!(labels(&voices).contains(&"generic-en-male"), "{voices:?}");
    let sinch = format!("# target: sinch\n{}", in_step("  say \"Hello\" voice $0"));
    assert!(complete(&sinch).is_empty(), "Sinch chooses voices from the locale");
}

#[test]
fn nothing_inside_comments_or_plain_strings() {
    assert!(complete(&in_step("  # goto $0")).is_empty());
    assert!(complete(&in_step("  say \"goto $0")).is_empty());
}
