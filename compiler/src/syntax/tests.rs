//! Parser tests: recovery, spans and messages.

use super::parse;
use crate::ast::{Item, StateBody, StmtKind};
use crate::span::FileId;

fn codes_and_lines(src: &str) -> Vec<(&'static str, usize)> {
    let (_, diags) = parse(FileId(0), src);
    diags
        .iter()
        .map(|d| {
            let start = d.primary_span().map_or(0, |s| s.start as usize);
            (d.code.id, src[..start].matches('\n').count() + 1)
        })
        .collect()
}

fn state_names(src: &str) -> Vec<String> {
    let (ast, _) = parse(FileId(0), src);
    ast.states().map(|s| s.name.text.clone()).collect()
}

#[test]
fn three_independent_mistakes_are_all_reported_and_the_rest_survives() {
    let src = "\
flow f {
  start a
}
step a {
  sya \"hello\"
  goto b
}
step b {
  dial \"+254711082000\" timout 30s
  goto c
}
menu c {
  \"1\" a
  timeout -> repeat
}
step d {
  hangup
}
";
    assert_eq!(codes_and_lines(src), vec![("E0001", 5), ("E0001", 9), ("E0001", 13)]);
    assert_eq!(state_names(src), vec!["a", "b", "c", "d"]);
    let (ast, _) = parse(FileId(0), src);
    let Some(Item::State(b)) = ast.items.get(2) else {
        panic!("state b missing")
    };
    let StateBody::Step(body) = &b.body else {
        panic!("b is a step")
    };
    assert!(matches!(body[0].kind, StmtKind::Error));
    assert!(
        matches!(body[1].kind, StmtKind::Goto(_)),
        "the line after the broken one is still read"
    );
}

#[test]
fn a_broken_header_loses_only_that_item() {
    let src = "step 1bad {\n  hangup\n}\nstep good {\n  hangup\n}\n";
    assert_eq!(codes_and_lines(src), vec![("E0001", 1)]);
    assert_eq!(state_names(src), vec!["good"]);
}

#[test]
fn an_unclosed_block_is_closed_at_the_next_item_and_its_body_kept() {
    let src = "step a {\n  if caller == \"+254711000000\" {\n    hangup\n  goto b\nstep b {\n  hangup\n}\n";
    let found = codes_and_lines(src);
    assert_eq!(found.first(), Some(&("E0002", 2)));
    assert_eq!(state_names(src), vec!["a", "b"]);
}

#[test]
fn a_broken_if_takes_its_block_with_it() {
    let src = "step a {\n  if caller == {\n    hangup\n  } else {\n    goto a\n  }\n  hangup\n}\n";
    let (ast, diags) = parse(FileId(0), src);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let Some(Item::State(a)) = ast.items.first() else {
        panic!("state a missing")
    };
    let StateBody::Step(body) = &a.body else {
        panic!("a is a step")
    };
    assert_eq!(body.len(), 2, "the broken if is one error statement, then hangup");
}

#[test]
fn keyword_run_into_a_name_is_an_error() {
    let (_, diags) = parse(FileId(0), "step a {\n  gotob\n}\n");
    assert_eq!(diags.len(), 1);
    assert!(diags[0].message.contains("gotob"));
    let (_, diags) = parse(FileId(0), "stepa {\n  hangup\n}\n");
    assert_eq!(diags.len(), 1);
}

#[test]
fn messages_say_what_was_expected() {
    let (_, d) = parse(FileId(0), "step a {\n  say \"x\" voice robot\n}\n");
    assert_eq!(
        d[0].message,
        "expected `male`, `female` or a quoted voice name, found `robot`"
    );
    let (_, d) = parse(FileId(0), "step a {\n  hangpu\n}\n");
    assert_eq!(d[0].help.as_deref(), Some("did you mean `hangup`?"));
    let (_, d) = parse(FileId(0), "stpe a {\n}\n");
    assert_eq!(d[0].help.as_deref(), Some("did you mean `step`?"));
    let (_, d) = parse(FileId(0), "menu m {\n  \"1\" a\n}\n");
    assert_eq!(d[0].message, "a menu option needs `->` and where to go");
}

#[test]
fn orphan_and_wrong_outcomes_are_reported() {
    let (_, d) = parse(
        FileId(0),
        "step a {\n  say \"x\"\n  on busy -> a\n  collect x\n  on busy -> a\n  hangup\n}\n",
    );
    let ids: Vec<_> = d.iter().map(|d| d.code.id).collect();
    assert_eq!(ids, vec!["E0108", "E0108"]);
}

#[test]
fn spans_point_at_the_source() {
    let src = "step welcome {\n  goto main\n}\n";
    let (ast, _) = parse(FileId(0), src);
    let Some(Item::State(s)) = ast.items.first() else {
        panic!("no state")
    };
    assert_eq!(&src[s.name.span.range()], "welcome");
    assert_eq!(&src[s.close.range()], "}");
    let StateBody::Step(body) = &s.body else { panic!("step") };
    let StmtKind::Goto(target) = &body[0].kind else {
        panic!("goto")
    };
    assert_eq!(&src[target.span.range()], "main");
}

#[test]
fn crlf_line_endings_parse() {
    let (ast, diags) = parse(FileId(0), "flow f {\r\n  start a\r\n}\r\nstep a {\r\n  hangup\r\n}\r\n");
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(ast.items.len(), 2);
}

#[test]
fn reserved_words_cannot_be_names() {
    let (_, d) = parse(
        FileId(0),
        "step a {\n  collect digits\n  goto hangup\n  record max 60s\n}\n",
    );
    let msgs: Vec<_> = d.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        vec!["`digits` is a reserved word", "`hangup` is a reserved word"],
        "`record max 60s` has no variable"
    );
    let (_, d) = parse(
        FileId(0),
        "step a {\n  record maximum max 60s\n  set true_value = maximum\n}\n",
    );
    assert!(
        d.is_empty(),
        "names that merely start with a reserved word are fine: {d:?}"
    );
}

#[test]
fn large_files_parse_in_parallel_to_the_same_result_in_order() {
    // Enough items to cross PARALLEL_MIN_CHUNKS, with an error every 97 states.
    let mut src = String::from("flow f {\n  start s0\n}\n");
    for i in 0..600 {
        let body = if i % 97 == 5 {
            "  sya \"oops\"".to_string()
        } else {
            format!("  goto s{}", (i + 1) % 600)
        };
        src.push_str(&format!("step s{i} {{\n{body}\n}}\n"));
    }
    let (ast, diags) = parse(FileId(0), &src);
    let names: Vec<String> = ast.states().map(|s| s.name.text.clone()).collect();
    let expected: Vec<String> = (0..600).map(|i| format!("s{i}")).collect();
    assert_eq!(names, expected);
    let lines: Vec<usize> = diags
        .iter()
        .map(|d| {
            src[..d.primary_span().map_or(0, |s| s.start as usize)]
                .matches('\n')
                .count()
        })
        .collect();
    assert_eq!(lines.len(), 7);
    assert!(
        lines.windows(2).all(|w| w[0] < w[1]),
        "diagnostics in source order: {lines:?}"
    );
}

/// A lone `\r` ends a line for the splitter as it does for pest: text after
/// a comment's `\r` is parsed (here: a syntax error), and a `}` after one
/// closes its block. Spans stay in the original text.
#[test]
fn a_lone_cr_ends_a_line_everywhere() {
    let (_, diags) = parse(FileId(0), "# c\rjunk\nstep a {\n  hangup\n}\n");
    let codes: Vec<&str> = diags.iter().map(|d| d.code.id).collect();
    assert_eq!(codes, ["E0001"], "{diags:?}");
    let span = diags[0].primary_span().expect("span");
    assert_eq!(span.start, 4, "the span points at `junk` in the original text");
    let (ast, diags) = parse(FileId(0), "step a {\r  hangup # x\r}\r");
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(ast.items.len(), 1);
}
