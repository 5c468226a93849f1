//! The differential test of the fast path: on every chunk of every input, when
//! the fast parser answers `Some(item)`, pest + lowering must produce exactly
//! that item and no diagnostic. It must also answer for every chunk of the
//! examples and of generated flows, or it would be useless.
//!
//! Inputs: the examples and the diagnostic fixtures (read at run time), flows
//! generated like the benchmark's, the sources of the syntax unit tests,
//! hand-written corner cases of the grammar (each statement with trailing
//! comments, CRLF, glued keywords, nesting at the limits …) and thousands of
//! proptest mutations of the examples. `PROPTEST_CASES=<n>` runs more.

use super::parse_item;
use crate::span::FileId;
use crate::syntax::{parse_chunk, parse_with, split, too_deep};
use crate::test_corpus::{self, examples};
use crate::test_mutate::{apply, edit};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use std::fmt::Write as _;

/// Not `FileId(0)`, so a span that forgets its file shows.
const FILE: FileId = FileId(3);

#[derive(Default, Debug)]
struct Tally {
    /// Chunks the fast path is tried on (closed, not too deep).
    candidates: usize,
    accepted: usize,
}

/// Compare the fast path with pest on every chunk of `text`; panics on the
/// first disagreement. Returns, per chunk, whether the fast path answered
/// (`None` for chunks it is not tried on).
fn differential(what: &str, text: &str, tally: &mut Tally) -> Vec<Option<bool>> {
    let mut answered = Vec::new();
    for chunk in split::split(text) {
        let chunk_text = &text[chunk.start..chunk.end];
        if chunk.unclosed > 0 || too_deep(chunk_text, chunk.start, FILE).is_some() {
            answered.push(None);
            continue;
        }
        tally.candidates += 1;
        let fast = parse_item(FILE, chunk_text, chunk.start);
        let Some(item) = fast else {
            answered.push(Some(false));
            continue;
        };
        tally.accepted += 1;
        let (items, diags) = parse_chunk(FILE, text, &chunk, false);
        assert!(
            diags.is_empty(),
            "{what}: the fast path accepted a chunk pest reports:\n{chunk_text}\n{diags:#?}"
        );
        assert_eq!(
            items,
            vec![item],
            "{what}: the fast path and pest disagree on:\n{chunk_text:?}"
        );
        answered.push(Some(true));
    }
    answered
}

/// `differential`, plus the whole file parsed both ways.
fn differential_file(what: &str, text: &str, tally: &mut Tally) -> Vec<Option<bool>> {
    let answered = differential(what, text, tally);
    let (fast_ast, fast_diags) = parse_with(FILE, text, true);
    let (slow_ast, slow_diags) = parse_with(FILE, text, false);
    assert_eq!(fast_ast, slow_ast, "{what}: the trees differ");
    assert_eq!(fast_diags, slow_diags, "{what}: the diagnostics differ");
    answered
}

#[track_caller]
fn assert_all_accepted(what: &str, text: &str, answered: &[Option<bool>]) {
    let chunks = split::split(text);
    for (chunk, a) in chunks.iter().zip(answered) {
        assert_eq!(
            *a,
            Some(true),
            "{what}: the fast path refused a valid chunk:\n{}",
            &text[chunk.start..chunk.end]
        );
    }
}

// ── inputs ──────────────────────────────────────────────────────────────────

/// A deterministic flow of `states` states in the style of the benchmark's
/// generator: menus, `if`/`else if`/`else` ladders, `dial` with routed
/// outcomes, `collect`, `record`, `enqueue`, `play`, `pause`, `set`.
fn generate(states: usize) -> String {
    let mut seed = 0x2545_F491_4F6C_DD1Du64 ^ states as u64;
    let mut ahead = |i: usize, reach: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (i + 1 + (seed % reach) as usize).min(states - 1)
    };
    let mut out = String::from(
        "# generated\nflow generated {\n  start s0\n  voice female\n  language \"en-US\"\n  input_timeout 5s\n  timezone \"Africa/Nairobi\"\n  retries 3\n}\n\n\
         queue agents {\n  hold_music \"https://example.com/hold.mp3\"\n}\n\nqueue overflow\n\n\
         step s0 {\n  say \"Welcome.\"\n  set tier = \"standard\"\n  set attempts = 0\n  collect account digits 4..8 finish \"#\" timeout 10s\n  goto s1\n}\n\n",
    );
    for i in 1..states {
        let next = (i + 1).min(states - 1);
        let (a, b, c) = (ahead(i, 6), ahead(i, 20), ahead(i, 50));
        if i + 2 >= states {
            let _ = write!(out, "step s{i} {{\n  say \"Goodbye.\"\n  hangup\n}}\n\n");
            continue;
        }
        let _ = match i % 7 {
            0 | 3 => write!(
                out,
                "menu s{i} {{\n  say \"Account {{account}}: press 1, 2 or 3.\"\n  retries 2\n  input_timeout 6s\n  \"1\" -> s{next}\n  \"2\" -> s{a}\n  \"3\" -> s{b}\n  \"*\" -> repeat\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> s{c}\n}}\n\n"
            ),
            1 => write!(
                out,
                "step s{i} {{\n  say \"Enter your PIN.\" voice female language \"en-GB\" repeat 2\n  collect pin digits 4 finish \"#\" timeout 8s\n  on timeout -> s{a}\n  if pin == \"0000\" {{\n    say \"Not allowed.\"\n    goto s{a}\n  }} else if length(pin) < 4 and tier == \"standard\" {{\n    set attempts = attempts + 1\n    goto s{b}\n  }} else {{\n    set tier = \"verified\"\n  }}\n  goto s{next}\n}}\n\n"
            ),
            2 => write!(
                out,
                "step s{i} {{\n  dial \"+254711082000\", \"sip:advisor@example.com\" sequential caller_id \"+254711000000\" timeout 30s record\n  on busy -> s{next}\n  on no_answer -> s{a}\n  on failed -> s{b}\n}}\n\n"
            ),
            4 => write!(
                out,
                "step s{i} {{\n  if not open_hours(\"Mon-Fri 08:00-18:00\", tz: \"Africa/Nairobi\") {{\n    record message max 60s finish \"#\" beep trim_silence\n    on timeout -> s{c}\n    hangup\n  }}\n  if attempts > 2 or (tier == \"verified\" and not false) {{\n    enqueue agents hold_music ring\n  }}\n  pause 500ms\n  goto s{next}\n}}\n\n"
            ),
            5 => write!(
                out,
                "step s{i} {{\n  play \"https://example.com/jingle.wav\" repeat 2\n  set choice = \"{i}\"\n  say \"You chose {{choice}}.\"\n  goto s{next}\n}}\n\n"
            ),
            _ => write!(
                out,
                "step s{i} {{\n  set wait = 2m + 30s\n  if wait >= 1h or attempts != 0 {{\n    conference \"room-{i}\" hold_music music2 muted beep start_on_enter end_on_exit max_duration 2h\n  }}\n  stream \"wss://example.com/s\" max_duration 1h\n}}\n\n"
            ),
        };
    }
    out
}

/// Sources of the syntax unit tests (syntax/tests.rs, lower.rs, strings.rs).
fn unit_test_sources() -> Vec<String> {
    let mut out: Vec<String> = [
        "flow f {\n  start a\n}\nstep a {\n  sya \"hello\"\n  goto b\n}\nstep b {\n  dial \"+254711082000\" timout 30s\n  goto c\n}\nmenu c {\n  \"1\" a\n  timeout -> repeat\n}\nstep d {\n  hangup\n}\n",
        "step 1bad {\n  hangup\n}\nstep good {\n  hangup\n}\n",
        "step a {\n  if caller == \"+254711000000\" {\n    hangup\n  goto b\nstep b {\n  hangup\n}\n",
        "step a {\n  if caller == {\n    hangup\n  } else {\n    goto a\n  }\n  hangup\n}\n",
        "step a {\n  gotob\n}\n",
        "stepa {\n  hangup\n}\n",
        "step a {\n  say \"x\" voice robot\n}\n",
        "step a {\n  hangpu\n}\n",
        "stpe a {\n}\n",
        "menu m {\n  \"1\" a\n}\n",
        "step a {\n  say \"x\"\n  on busy -> a\n  collect x\n  on busy -> a\n  hangup\n}\n",
        "step welcome {\n  goto main\n}\n",
        "flow f {\r\n  start a\r\n}\r\nstep a {\r\n  hangup\r\n}\r\n",
        "step a {\n  collect digits\n  goto hangup\n  record max 60s\n}\n",
        "step a {\n  record maximum max 60s\n  set true_value = maximum\n}\n",
        "step a {\n  say \"x\" é",
        "step a {\n  say \"é👋",
        "menu m {\n👋",
        "step a {\n  say \"You entered {account}, thanks\"\n  say \"a \\\"b\\\" \\{x\\} \\q\"\n  say \"{\"\n  say \"{}\"\n  say \"{1x}\"\n  say \"{a b}\"\n}\n",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let ors: String = (1..40).map(|i| format!(" or caller == \"{i}\"")).collect();
    let ladder: String = (1..40)
        .map(|i| format!("  }} else if caller == \"{i}\" {{\n    hangup\n"))
        .collect();
    out.push(format!(
        "step a {{\n  if caller == \"0\"{ors} {{\n    hangup\n{ladder}  }}\n  hangup\n}}\n"
    ));
    out.push(format!(
        "step a {{\n  if {}true {{\n    hangup\n  }}\n}}\n",
        "not ".repeat(200)
    ));
    out.push(format!(
        "step a {{\n  set x = {}1{}\n}}\n",
        "length(".repeat(60),
        ")".repeat(60)
    ));
    out.push(format!(
        "step a {{\n  if caller == \"0\" {{\n    hangup\n{}  }}\n}}\n",
        "  } else if caller == \"1\" {\n    hangup\n".repeat(200)
    ));
    for op in ["+", "-", "or", "and"] {
        out.push(format!(
            "step a {{\n  set x = 1{}\n  hangup\n}}\n",
            format!(" {op} 1").repeat(2_000)
        ));
    }
    out
}

/// Statement lines, valid and not, that sit on the grammar's subtle spots.
const LINES: &[&str] = &[
    "say \"x\"",
    "say\"x\"",
    "say \"x\"voice male",
    "say \"x\" voice female language \"en-US\" repeat 2",
    "say \"x\" voice \"en-US-Zira\"",
    "say \"x\" voice \"{v}\"",
    "say \"x\" voicemale",
    "say \"x\" repeat2",
    "say \"x\" repeat 2 repeat 3",
    "say \"x\" voice male voice female",
    "say \"a {b} c \\{d\\} \\\" \\\\ \\n \\t\"",
    "say \"{b}{c}\"",
    "say \"\\q\"",
    "say \"{}\"",
    "say \"x",
    "say \"x\\",
    "say \"a\0b\"",
    "say \"\"",
    "play \"u\"",
    "play \"u\" repeat 3",
    "play \"u\" repeat 3 repeat 4",
    "pause 5s",
    "pause 500ms",
    "pause 2m",
    "pause 1h",
    "pause 5",
    "pause 5sx",
    "pause 99999999999999999999s",
    "pause 18446744073709551615h",
    "collect pin",
    "collect pin digits 4",
    "collect pin digits 4..8",
    "collect pin digits 4 .. 8",
    "collect pin digits 4..",
    "collect pin digits 4 digits 5",
    "collect pin digits 99999999999",
    "collect pin digits 4 finish \"#\" timeout 5s speech",
    "collect pin speech",
    "collect pin speech language \"en-US\"",
    "collect pin speech speech",
    "collect pin speech timeout 5s",
    "collect pin timeout 5s timeout 6s",
    "collect digits",
    "collect pin digits4",
    "record",
    "record msg",
    "record max 60s",
    "record max",
    "record maximum",
    "record maximum max 60s",
    "record max5s",
    "record max5",
    "record maxi5s",
    "record beeper",
    "record beep",
    "record beep beep",
    "record msg beep trim_silence max 1m finish \"#\" timeout 5s",
    "record finished",
    "record timeout5s",
    "record timeout_x",
    "record trim_silenced",
    "record digits",
    "start_recording",
    "stop_recording",
    "start_recordingx",
    "dial \"+1\"",
    "dial \"+1\",\"+2\" , \"+3\"",
    "dial \"+1\",",
    "dial \"+1\" sequential",
    "dial \"+1\" sequential simultaneous",
    "dial \"+1\" record",
    "dial \"+1\" record record",
    "dial \"+1\" caller_id \"+2\" timeout 30s max_duration 1h send_digits \"ww1\" ringback \"u\"",
    "dial \"+1\" recording",
    "enqueue q",
    "enqueue q hold_music ring",
    "enqueue q hold_music music3",
    "enqueue q hold_music \"u\"",
    "enqueue q hold_music ringer",
    "enqueue q hold_music",
    "enqueue hangup",
    "dequeue q",
    "dequeue q number \"+1\"",
    "dequeue q number",
    "park",
    "park intro \"a\" hold \"b\" max 10m",
    "park intro \"a\" intro \"b\"",
    "park max",
    "conference \"r\"",
    "conference \"r\" hold_music ring muted beep start_on_enter end_on_exit max_duration 2h",
    "conference \"r\" hold_music ringmuted",
    "conference \"r\" muted muted",
    "stream \"u\"",
    "stream \"u\" max_duration 1h",
    "redirect \"u\"",
    "redirect flow f",
    "redirect flowf",
    "redirect flow",
    "reject",
    "reject busy",
    "reject rejected",
    "reject busyx",
    "hangup",
    "hangupx",
    "goto b",
    "goto hangup",
    "goto",
    "goto b c",
    "set x = 1",
    "set x = 1.5",
    "set x = 1.",
    "set x = 1.5.5",
    "set x = 5s",
    "set x = 5.5s",
    "set x = 5x",
    "set x = true",
    "set x = trueish",
    "set x = false",
    "set x = not true",
    "set x = not not a",
    "set x = nothing",
    "set x = notx",
    "set x = not(a)",
    "set x = a or b and c",
    "set x = a or b or c",
    "set x = a orb",
    "set x = a and not b == c",
    "set x = (a)",
    "set x = ( a + b ) == c",
    "set x = (a",
    "set x = a + b - c",
    "set x = a - -b",
    "set x = a<=b",
    "set x = a <b",
    "set x = a>=b",
    "set x = a > b",
    "set x = a != b",
    "set x = a = b",
    "set x = a == b == c",
    "set x = f()",
    "set x = f( )",
    "set x = f (a)",
    "set x = f(a, b)",
    "set x = f(a,)",
    "set x = f(tz: \"x\")",
    "set x = f(a, tz : \"x\", b: 1 + 2)",
    "set x = f(timezone: 1)",
    "set x = f(g(h(1)))",
    "set x = \"s {v}\" + \"t\"",
    "set x = 1e5",
    "set x = a == 1 + 2",
    "set x = not a == 2 - 1",
    "set x = a == \"s\" + \"t\"",
    "set x = 1 + 2 or 3 - 4",
    "set x = 1 + 2 == 3 and 4 - 5 != 6",
    "set x = a == f(1) + 5s",
    "set x = (1 == 2) == (3 + 4)",
    "set x = not (a) == not b",
    "set x = or",
    "set x == 1",
    "set hangup = 1",
    "set x = a b",
    "if a {\n    hangup\n  }",
    "if a{\n    hangup\n  }",
    "if(a) {\n    hangup\n  }",
    "ifa {\n    hangup\n  }",
    "if a {\n    hangup\n  } else {\n    goto b\n  }",
    "if a {\n    hangup\n  }else{\n    goto b\n  }",
    "if a {\n    hangup\n  } else if b {\n    goto b\n  } else if c {\n    goto c\n  }",
    "if a {\n    hangup\n  } elseif b {\n    goto b\n  }",
    "if a {\n    hangup\n  } else if(b) {\n    goto b\n  }",
    "if a {\n    hangup\n  } else ifb {\n    goto b\n  }",
    "if a {\n    hangup\n  } else goto b",
    "if a {\n    hangup }",
    "if a {\n  }\n  else {\n  }",
    "if a {\n    hangup\n  } else {\n  } # done",
    "if a { # why\n    hangup # how\n  } # end",
    "if a {\n\n    # only a comment\n\n  }",
    "dial \"+1\"\n  on busy -> b\n  on no_answer -> c\n  on failed -> d\n  on answered -> e",
    "dial \"+1\"\n  on busy -> b\n  on busy -> c",
    "dial \"+1\"\n  on timeout -> b",
    "dial \"+1\"\n\n  # routed\n  on busy -> b",
    "collect x\n  on timeout -> b",
    "collect x\n  on busy -> b",
    "record\n  on timeout -> b",
    "say \"x\"\n  on busy -> b",
    "on busy -> b",
    "dial \"+1\"\n  onbusy -> b",
    "dial \"+1\"\n  on busy->b",
    "dial \"+1\"\n  on busy -> hangup",
    "hangup }",
    "",
    "# just a comment",
    "\t say \"tabbed\"",
    "say \"x\" \r",
];

/// `LINES` inside a step, and variations of how each line ends.
fn line_sources() -> Vec<String> {
    let mut out = Vec::new();
    for line in LINES {
        for tail in ["", "   ", "\t", " # note", "# tight", " #", "\t# t \t"] {
            let last = match line.rfind('\n') {
                Some(at) => format!("{}{tail}{}", &line[..at], &line[at..]),
                None => format!("{line}{tail}"),
            };
            // The tail once on the last line and once on the first.
            for body in [format!("{line}{tail}"), last] {
                out.push(format!("step a {{\n  {body}\n  hangup\n}}\n"));
                out.push(format!("step a {{\n  {body}\n}}\n"));
            }
        }
        out.push(format!("step a {{\r\n  {}\r\n}}\r\n", line.replace('\n', "\r\n")));
        out.push(format!("step a {{\r  {}\r}}", line.replace('\n', "\r")));
    }
    out
}

/// Items other than steps, with the same kinds of variation.
fn item_sources() -> Vec<String> {
    let items = [
        "import \"a.flow\"\n",
        "import \"a.flow\"",
        "import\"a.flow\" # c\n",
        "import \"a.flow\" \"b\"\n",
        "import \"{x}.flow\"\n",
        "queue q\n",
        "queue q",
        "queue q   # c\n",
        "queue q # c",
        "queue q {\n  hold_music ring\n}\n",
        "queue q {\n  hold_music \"u\" # c\n\n}\n",
        "queue q {\n  hold_music ring\n  hold_music music1\n}\n",
        "queue q {\n}\n",
        "queue q{\n}\n",
        "queue say\n",
        "queue q x\n",
        "flow f {\n  start a\n  voice male\n  language \"en-US\"\n  input_timeout 5s\n  timezone \"Africa/Nairobi\"\n  retries 3\n}\n",
        "flow f {\n  start a\n  start b\n}\n",
        "flow f {\n  voice \"{x}\"\n}\n",
        "flow f {\n  voice robot\n}\n",
        "flow f {\n  start hangup\n}\n",
        "flow f {\n  retries 99999999999\n}\n",
        "flow f {\n  retries3\n}\n",
        "flow f { # c\n  start a # c\n} # c\n",
        "flow f {\n}\n",
        "flow f {\n  start a }\n",
        "  flow f {\n  start a\n}\n",
        "menu m {\n  say \"hi\" voice male\n  play \"u\"\n  pause 1s\n  retries 2\n  input_timeout 3s\n  \"1\" -> a\n  \"2\"->b\n  \"*\" -> repeat\n  timeout -> repeat\n  invalid -> c\n  exhausted -> d\n}\n",
        "menu m {\n  \"1\" -> repeated\n}\n",
        "menu m {\n  \"1\" -> timeout\n}\n",
        "menu m {\n  timeout->repeat\n  timeoutx -> a\n}\n",
        "menu m {\n  retries 2\n  retries 3\n}\n",
        "menu m {\n  retries3\n}\n",
        "menu m {\n  goto a\n}\n",
        "menu m {\n  \"{x}\" -> a\n}\n",
        "menu m {\n  \"1\" -> a # c\n  say \"x\" # c\n}\n",
        "menu m {\n}\n",
        "menu m {\n  \"1\" -> a }\n",
        "step a {\n}\n",
        "step a {\n  hangup\n} else {\n}\n",
        "step a {\n  hangup\n}\n\n# trailing\n\n",
        "step a {}\n",
        "step a { hangup }\n",
        "step a\n{\n  hangup\n}\n",
        "step a {\n  hangup\n}}\n",
        "step say {\n  hangup\n}\n",
        "step a_1 {\n  hangup\n}\n",
        "step _a {\n  hangup\n}\n",
        "step 1a {\n  hangup\n}\n",
    ];
    let mut out = Vec::new();
    for item in items {
        out.push(item.to_string());
        out.push(item.replace('\n', "\r\n"));
        out.push(item.replace("  ", "\t"));
    }
    out
}

/// Nesting around the limits of the lowering (`MAX_NESTING` = 64).
fn nesting_sources() -> Vec<String> {
    let mut out = Vec::new();
    for n in [1, 30, 60, 61, 62, 63, 64, 65, 66, 70] {
        out.push(format!("step a {{\n  set x = {}true\n  hangup\n}}\n", "not ".repeat(n)));
        out.push(format!("step a {{\n  set x = 1{}\n  hangup\n}}\n", " + 1".repeat(n)));
        out.push(format!("step a {{\n  set x = a{}\n  hangup\n}}\n", " or a".repeat(n)));
        out.push(format!(
            "step a {{\n  set x = {}1{}\n  hangup\n}}\n",
            "f(".repeat(n),
            ")".repeat(n)
        ));
        out.push(format!(
            "step a {{\n  set x = {}f(){}\n  hangup\n}}\n",
            "not ".repeat(n),
            ""
        ));
        out.push(format!(
            "step a {{\n  set x = {}a{}\n  hangup\n}}\n",
            "(".repeat(n),
            ")".repeat(n)
        ));
        out.push(format!(
            "step a {{\n  set x = {}a == b{}\n  hangup\n}}\n",
            "(not ".repeat(n / 2),
            ")".repeat(n / 2)
        ));
        out.push(format!(
            "step a {{\n  if caller == \"0\" {{\n    hangup\n{}  }}\n}}\n",
            "  } else if caller == \"1\" {\n    hangup\n".repeat(n)
        ));
        out.push(format!(
            "step a {{\n{}    hangup\n{}}}\n",
            "  if caller == \"1\" {\n".repeat(n),
            "  }\n".repeat(n)
        ));
        out.push(format!(
            "step a {{\n  if x {{\n    if y {{\n      hangup\n{}    }}\n  }}\n}}\n",
            "    } else if y {\n      hangup\n".repeat(n)
        ));
    }
    out
}

// ── tests ───────────────────────────────────────────────────────────────────

#[test]
fn every_example_and_fixture_agrees_and_examples_are_all_accepted() {
    let mut tally = Tally::default();
    for (path, text) in examples() {
        let answered = differential_file(&path, &text, &mut tally);
        assert_all_accepted(&path, &text, &answered);
        for (how, variant) in [
            ("CRLF", text.replace('\n', "\r\n")),
            ("tabs", text.replace("  ", "\t")),
            ("no final newline", text.trim_end().to_string()),
        ] {
            let what = format!("{path} with {how}");
            let answered = differential_file(&what, &variant, &mut tally);
            assert_all_accepted(&what, &variant, &answered);
        }
        differential_file(&format!("{path} with lone CR"), &text.replace('\n', "\r"), &mut tally);
        differential_file(&format!("{path} with BOM"), &format!("\u{FEFF}{text}"), &mut tally);
    }
    let mut fixtures = Tally::default();
    for (path, text) in test_corpus::fixtures() {
        differential_file(&path, &text, &mut fixtures);
    }
    println!("examples: {tally:?}; diagnostic fixtures: {fixtures:?}");
    assert!(fixtures.accepted > 0 && fixtures.accepted < fixtures.candidates);
}

#[test]
fn generated_flows_agree_and_are_all_accepted() {
    let mut tally = Tally::default();
    for states in [10, 100, 700] {
        let text = generate(states);
        let what = format!("generated flow of {states} states");
        let answered = differential_file(&what, &text, &mut tally);
        assert_all_accepted(&what, &text, &answered);
    }
    println!("generated: {tally:?}");
}

#[test]
fn unit_test_sources_and_corner_cases_agree() {
    let mut tally = Tally::default();
    for src in unit_test_sources() {
        differential_file("a syntax unit-test source", &src, &mut tally);
    }
    for src in line_sources().iter().chain(&item_sources()).chain(&nesting_sources()) {
        differential_file("a corner case", src, &mut tally);
    }
    println!("unit-test sources and corner cases: {tally:?}");
    // Plenty of both answers, or the corner cases test nothing.
    assert!(tally.accepted > 500, "{tally:?}");
    assert!(tally.candidates - tally.accepted > 500, "{tally:?}");
}

/// The realistic shapes the fast path must not refuse (it would fall back to
/// pest silently, and only the benchmark would notice).
#[test]
fn realistic_corner_cases_are_accepted() {
    let accepted = [
        "step a {\n  say \"x\"   # note\n  hangup # bye\n}\n",
        "step a { # c\n  set x = y # c\n  goto b\n} # after\n",
        "step a {\n  if a {\n    hangup\n  } else if b {\n    goto b\n  } else {\n    goto c\n  }\n}\n",
        "step a {\n  record maximum max 60s\n  set true_value = maximum\n}\n",
        "step a {\n  dial \"+1\" record # c\n  on busy -> b\n}\n",
        "step a {\n  hangup }\n",
        "queue q # c\n",
        "step a {\r\n  say \"x\" # c\r\n  hangup\r\n}\r\n",
    ];
    for src in accepted {
        let mut tally = Tally::default();
        let answered = differential_file(src, src, &mut tally);
        assert_all_accepted(src, src, &answered);
    }
}

// ── mutations ───────────────────────────────────────────────────────────────

/// Edits that keep a chunk close to valid, so that the fast path is exercised
/// on near misses: whitespace, comments, line breaks, delimiters, operators,
/// literals, and every reserved word (as names, glued to other words …).
const TOKENS: &[&str] = &[
    " ",
    "  ",
    "\t",
    "# c",
    " # note ",
    "\r\n",
    "\r",
    "\n",
    "\n\n",
    "}",
    "{",
    "\"",
    "(",
    ")",
    ",",
    ":",
    "=",
    "==",
    "!=",
    "<",
    ">=",
    "->",
    "-",
    "+",
    "..",
    ".",
    "not ",
    " or x",
    " and y",
    "+ 1",
    "5s",
    "5ms",
    "5",
    "1.5",
    "99999999999",
    "true",
    "false",
    "x",
    "_",
    "0",
    "\\",
    "\\n",
    "{x}",
    "{",
    "{}",
    " else {",
    " else if x {",
    "} else {\n",
    "}\n",
    "\0",
    "é",
    "f(",
    "a: ",
    "on busy -> s",
    "on timeout -> s",
    "\"1\" -> s",
];

#[test]
fn mutated_examples_agree() {
    let mut sources = examples();
    sources.push(("generated".to_string(), generate(40)));
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 3000;
    }
    if matches!(config.rng_seed, RngSeed::Random) {
        config.rng_seed = RngSeed::Fixed(0xfa57_fa57_0dd5_0001);
    }
    config.failure_persistence = None;
    let mut runner = TestRunner::new(config);
    let tally = std::cell::RefCell::new((Tally::default(), Tally::default()));
    let strategy = (any::<prop::sample::Index>(), prop::collection::vec(edit(TOKENS), 1..5));
    let result = runner.run(&strategy, |(which, edits)| {
        let (path, original) = which.get(&sources);
        let mut text = original.clone();
        for e in &edits {
            apply(&mut text, e);
        }
        let mut all = Tally::default();
        let answered = differential(path, &text, &mut all);
        // Chunks an edit touched: their text is not a chunk of the original.
        let originals: std::collections::HashSet<&str> = split::split(original)
            .into_iter()
            .map(|c| &original[c.start..c.end])
            .collect();
        let mut t = tally.borrow_mut();
        for (chunk, a) in split::split(&text).iter().zip(&answered) {
            if originals.contains(&text[chunk.start..chunk.end]) {
                continue;
            }
            if let Some(accepted) = a {
                t.1.candidates += 1;
                t.1.accepted += usize::from(*accepted);
            }
        }
        t.0.candidates += all.candidates;
        t.0.accepted += all.accepted;
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (all, changed) = tally.into_inner();
    println!(
        "mutated examples: {} of {} chunks accepted; of the {} chunks an edit changed, {} accepted ({:.1} %)",
        all.accepted,
        all.candidates,
        changed.candidates,
        changed.accepted,
        100.0 * changed.accepted as f64 / changed.candidates.max(1) as f64
    );
    assert!(changed.accepted > 100, "too few mutated chunks accepted: {changed:?}");
}
