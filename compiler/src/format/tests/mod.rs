//! The layout rules, one test each; the corpus, comment and property tests
//! are in the files beside this one.

mod comments;
mod corpus;
mod props;

use super::{FormatError, format};

#[track_caller]
fn formats_to(input: &str, expected: &str) {
    match format(input) {
        Ok(out) => {
            assert_eq!(out, expected, "input:\n{input}");
            assert_eq!(format(&out).ok().as_deref(), Some(expected), "not idempotent");
        }
        Err(e) => panic!("{e}: {input}"),
    }
}

#[test]
fn blocks_are_indented_two_spaces_per_level_whatever_was_written() {
    formats_to(
        "step a {\n\t\tif x == \"1\" {\nif x == \"2\" {\n hangup\n         }\n\t}\n  goto a\n      }\n",
        "step a {\n  if x == \"1\" {\n    if x == \"2\" {\n      hangup\n    }\n  }\n  goto a\n}\n",
    );
}

#[test]
fn else_stays_on_the_line_of_the_closing_brace() {
    formats_to(
        "step a {\n  if x {\n    goto b\n  }else if y{\n    goto c\n  }   else   {\n    hangup\n  }\n}\n",
        "step a {\n  if x {\n    goto b\n  } else if y {\n    goto c\n  } else {\n    hangup\n  }\n}\n",
    );
}

#[test]
fn a_closing_brace_after_a_statement_moves_to_a_line_of_its_own() {
    // The grammar accepts `hangup }` and `} }`; the house style does not.
    formats_to(
        "flow f {\n  start a }\nstep a {\n  if x {\n    hangup } else {\n    goto a } } # done\n",
        "flow f {\n  start a\n}\n\nstep a {\n  if x {\n    hangup\n  } else {\n    goto a\n  }\n} # done\n",
    );
}

#[test]
fn settings_options_and_outcomes_keep_their_order_and_get_single_spaces() {
    formats_to(
        "flow  f{\n retries   2\n    start a\n}\nmenu m {\n\"2\"->b\n  say \"x\"   repeat 2\n\"1\"  ->   repeat\ntimeout->repeat\n}\n\
         step b {\n  dial \"+254711082000\" ,\"+254711082001\"   record    timeout 30s\n  on no_answer->b\n  on busy  -> m\n}\n",
        "flow f {\n  retries 2\n  start a\n}\n\nmenu m {\n  \"2\" -> b\n  say \"x\" repeat 2\n  \"1\" -> repeat\n  timeout -> repeat\n}\n\n\
         step b {\n  dial \"+254711082000\", \"+254711082001\" record timeout 30s\n  on no_answer -> b\n  on busy -> m\n}\n",
    );
}

#[test]
fn strings_numbers_and_durations_stay_byte_for_byte() {
    let odd = "step a {\n  say \"  two  spaces,\\ttab \\\"q\\\" \\{x\\} {v}  \"\n  set n = 007 + 2.50\n  pause 0500ms\n  hangup\n}\n";
    formats_to(odd, odd);
}

#[test]
fn expressions_are_spaced_around_operators_and_glued_inside_calls() {
    formats_to(
        "step a {\n  if(n>=3)and not(contains(caller,\"+1\"))or open_hours ( \"Daily 00:00-24:00\" , tz :\"UTC\" ){\n    set n=n-1+length( pin )\n  }\n  hangup\n}\n",
        "step a {\n  if (n >= 3) and not (contains(caller, \"+1\")) or open_hours(\"Daily 00:00-24:00\", tz: \"UTC\") {\n    set n = n - 1 + length(pin)\n  }\n  hangup\n}\n",
    );
}

#[test]
fn a_digit_range_is_written_without_spaces() {
    formats_to(
        "step a {\n  collect pin digits 4 .. 8 finish \"#\"\n  hangup\n}\n",
        "step a {\n  collect pin digits 4..8 finish \"#\"\n  hangup\n}\n",
    );
}

#[test]
fn one_blank_line_around_every_block_item_and_none_at_the_ends() {
    formats_to(
        "\n\n\nimport \"a.flow\"\nflow f {\n  start a\n}\nqueue q\nqueue r {\n  hold_music ring\n}\n\n\n\nstep a {\n  hangup\n}\n\n\n",
        "import \"a.flow\"\n\nflow f {\n  start a\n}\n\nqueue q\n\nqueue r {\n  hold_music ring\n}\n\nstep a {\n  hangup\n}\n",
    );
}

#[test]
fn one_line_items_stay_grouped_as_written() {
    let grouped = "import \"a.flow\"\nimport \"b.flow\"\n\nimport \"c.flow\"\nqueue q\nqueue r\n";
    formats_to(grouped, grouped);
    formats_to(
        "import \"a.flow\"\n\n\n\nimport \"b.flow\"\n",
        "import \"a.flow\"\n\nimport \"b.flow\"\n",
    );
}

#[test]
fn comments_above_an_item_stay_attached_and_the_blank_goes_above_them() {
    formats_to(
        "import \"a.flow\"\n# about s\n# more\nstep s {\n  hangup\n}\n# about t\nstep t {\n  hangup\n}\n",
        "import \"a.flow\"\n\n# about s\n# more\nstep s {\n  hangup\n}\n\n# about t\nstep t {\n  hangup\n}\n",
    );
    // A banner between blank lines stays a banner.
    let banner = "step s {\n  hangup\n}\n\n# ── part two ──\n\n# about t\nstep t {\n  hangup\n}\n";
    formats_to(banner, banner);
}

#[test]
fn blank_lines_inside_blocks_collapse_to_one_and_vanish_next_to_braces() {
    formats_to(
        "step a {\n\n\n  say \"a\"\n\n\n\n  say \"b\"\n  if x {\n\n    hangup\n\n  }\n\n}\n",
        "step a {\n  say \"a\"\n\n  say \"b\"\n  if x {\n    hangup\n  }\n}\n",
    );
}

#[test]
fn outcome_lines_stay_with_the_statement_they_route() {
    formats_to(
        "step a {\n  dial \"+254711082000\"\n\n  on busy -> b\n\n\n  # why\n\n  on failed -> b\n\n  hangup\n}\n",
        "step a {\n  dial \"+254711082000\"\n  on busy -> b\n  # why\n  on failed -> b\n\n  hangup\n}\n",
    );
}

#[test]
fn comments_take_their_block_indentation_and_one_space_before_a_trailing_one() {
    formats_to(
        "#top\nstep a {   # opens\n# first\n        say \"x\"#said\n      # before the close\n}#closed\n#end\n",
        "#top\nstep a { # opens\n  # first\n  say \"x\" #said\n  # before the close\n} #closed\n\n#end\n",
    );
}

#[test]
fn trailing_whitespace_goes_and_a_final_newline_comes() {
    formats_to("step a {   \n  hangup\t \n}", "step a {\n  hangup\n}\n");
    formats_to("# only a comment   \t", "# only a comment\n");
}

#[test]
fn crlf_and_cr_line_endings_become_lf() {
    formats_to("step a {\r\n  hangup\r\n}\r\n", "step a {\n  hangup\n}\n");
    formats_to("step a {\r  hangup\r}\r", "step a {\n  hangup\n}\n");
}

#[test]
fn an_empty_file_stays_empty() {
    formats_to("", "");
    formats_to("\n\n \t\n", "");
}

#[test]
fn syntax_errors_are_refused_with_their_diagnostics() {
    for broken in [
        "step a {\n  hangup\n",
        "step a {\n  say \"x\" louder\n  hangup\n}\n",
        "stepp a {\n}\n",
        "step a {\n  say \"bad \\q escape\"\n  hangup\n}\n",
    ] {
        match format(broken) {
            Err(FormatError::SyntaxErrors(diags)) => {
                assert!(!diags.is_empty(), "{broken:?}");
                assert!(diags.iter().all(|d| d.is_error()), "{broken:?}: {diags:?}");
            }
            other => panic!("{broken:?} was not refused: {other:?}"),
        }
    }
}

#[test]
fn other_errors_do_not_stop_formatting() {
    // A duplicate option (E0107), an undefined state and a dead end are the
    // checker's business; the file's structure is clear.
    formats_to(
        "step a {\n  say  \"x\" repeat 2 repeat 3\n  goto nowhere\n}\nstep b {\n  say \"y\"\n}\n",
        "step a {\n  say \"x\" repeat 2 repeat 3\n  goto nowhere\n}\n\nstep b {\n  say \"y\"\n}\n",
    );
}

/// A lone `\r` ends a line for the parser as for pest (syntax/mod.rs), so
/// text after a comment's `\r` is read and checked: here it is a syntax
/// error, and the formatter refuses the file like any other with one.
#[test]
fn a_lone_cr_ends_a_line_so_text_after_a_comment_is_not_hidden() {
    let text = "# c\rjunk\nstep a {\n  hangup\n}\n";
    assert!(matches!(format(text), Err(FormatError::SyntaxErrors(_))));
    // A `#` no longer hides the `}` after a `\r` from the brace count.
    let closed = "step a {\r  hangup # x\r}\r";
    assert_eq!(format(closed).as_deref().ok(), Some("step a {\n  hangup # x\n}\n"));
}
