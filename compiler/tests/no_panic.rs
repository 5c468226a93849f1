//! Robustness of the whole check pipeline on broken input.
//!
//! The editor calls `check_source` on every keystroke, so whatever the text is
//! (half-typed, pasted binary, hostile) it must come back with diagnostics and
//! never panic, overflow the stack, point a label outside the file or between
//! the bytes of a character (renderers slice the text with those spans), or
//! build an IR graph that breaks `ir::verify`'s invariants.
//!
//! Inputs: mutated copies of every example (read at run time, so new examples
//! are covered without touching this file), random bytes, token soup, and
//! hand-written pathological shapes. Runs are seeded for reproducible CI;
//! `PROPTEST_RNG_SEED=<n>` and `PROPTEST_CASES=<n>` explore further.

use callflow_compiler::FileId;
use callflow_compiler::ir::verify::verify;
use callflow_compiler::project::check_source;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Everything wrong with the result of checking `text`; empty when sound.
fn problems(text: &str) -> Vec<String> {
    let (project, analysis) = check_source("input.flow", text);
    let mut out = Vec::new();
    if project.sources.len() != 1 {
        out.push(format!("expected one source file, got {}", project.sources.len()));
    }
    let span_problem = |start: u32, end: u32, file: FileId| -> Option<String> {
        let (s, e) = (start as usize, end as usize);
        if file != FileId(0) {
            Some(format!("span {s}..{e} in unknown file {file:?}"))
        } else if s > e || e > text.len() {
            Some(format!("span {s}..{e} outside the text (len {})", text.len()))
        } else if !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            Some(format!("span {s}..{e} splits a character"))
        } else {
            None
        }
    };
    for d in &analysis.diagnostics {
        if d.labels.is_empty() {
            out.push(format!("{} `{}` has no label", d.code.id, d.message));
        }
        // Every label, not just the primary one: renderers show them all.
        for l in &d.labels {
            if let Some(p) = span_problem(l.span.start, l.span.end, l.span.file) {
                out.push(format!("{} `{}`: label `{}`: {p}", d.code.id, d.message, l.message));
            }
        }
    }
    // IR nodes carry spans too (graph output, bytecode debug info, LSP).
    for id in analysis.ir.graph.node_indices() {
        let span = analysis.ir.node(id).span;
        if let Some(p) = span_problem(span.start, span.end, span.file) {
            out.push(format!("IR node {}: {p}", analysis.ir.describe_node(id)));
        }
    }
    out.extend(verify(&analysis.ir).into_iter().map(|p| format!("ir::verify: {p}")));
    out
}

#[track_caller]
fn assert_sound(what: &str, text: &str) {
    let p = problems(text);
    let shown: String = text.chars().take(300).collect();
    assert!(
        p.is_empty(),
        "{what}: {p:#?}\ninput ({} bytes, first 300 chars): {shown:?}",
        text.len()
    );
}

// ── inputs ──────────────────────────────────────────────────────────────────

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

/// Every `examples/*.flow` and `examples/shared/*.flow`, sorted by path so
/// that a seed always picks the same file.
fn examples() -> &'static [(String, String)] {
    static EXAMPLES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        let mut found = Vec::new();
        for dir in [examples_dir(), examples_dir().join("shared")] {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "flow") {
                    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                    found.push((path.display().to_string(), text));
                }
            }
        }
        found.sort();
        assert!(
            !found.is_empty(),
            "no examples found under {}",
            examples_dir().display()
        );
        found
    })
}

/// Pieces that steer the parser into its error paths: block and string
/// delimiters, arrows, keywords, numbers too large for their types, broken
/// interpolation, non-ASCII and right-to-left text, odd line endings.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "\"",
    "->",
    "\n",
    "#",
    "(",
    ")",
    ",",
    ":",
    "=",
    "==",
    "..",
    "\\",
    "\t",
    " ",
    "\r",
    "\r\n",
    "\0",
    "99999999999999999999",
    "99999999999999999999s",
    "4294967296",
    "0ms",
    "{var",
    "\"{x}\"",
    "\"{}\"",
    "{",
    "é👋",
    "\u{202E}gnol\u{202C}",
    "שלום עולם",
    "\u{FEFF}",
    "import",
    "flow",
    "queue",
    "step",
    "menu",
    "start",
    "if",
    "else",
    "else if x {",
    "not",
    "and",
    "or",
    "say",
    "say \"hi {name}\"",
    "play",
    "collect",
    "collect pin digits 4 timeout 5s",
    "record",
    "dial",
    "dial \"+254711082000\"",
    "on busy ->",
    "on",
    "timeout",
    "invalid",
    "exhausted",
    "repeat",
    "retries",
    "goto",
    "hangup",
    "set",
    "set x = 1 + 2",
    "enqueue",
    "redirect flow",
    "\"1\" -> main",
    "timeout -> repeat",
    "open_hours(\"Mon-Fri 08:00-18:00\", tz: \"Africa/Nairobi\")",
    "tz:",
    "step s {\n",
    "}\n",
    "  if x == \"1\" {\n",
    "} else {\n",
    "menu m {\n  \"1\" -> m\n}\n",
    "flow f {\n  start s\n}\n",
];

#[derive(Clone, Debug)]
enum Mutation {
    DeleteByte(usize),
    DeleteChar(usize),
    DeleteRange(usize, usize),
    ReplaceByte(usize, u8),
    Insert(usize, &'static str),
    InsertAtLineStart(usize, &'static str),
    InsertAtLineEnd(usize, &'static str),
    SwapLines(usize, usize),
    DuplicateLine(usize),
    DeleteLine(usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let token = prop::sample::select(TOKENS);
    prop_oneof![
        1 => any::<usize>().prop_map(Mutation::DeleteByte),
        1 => any::<usize>().prop_map(Mutation::DeleteChar),
        1 => (any::<usize>(), 1..64usize).prop_map(|(at, len)| Mutation::DeleteRange(at, len)),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::ReplaceByte(at, b)),
        3 => (any::<usize>(), token.clone()).prop_map(|(at, t)| Mutation::Insert(at, t)),
        1 => (any::<usize>(), token.clone()).prop_map(|(line, t)| Mutation::InsertAtLineStart(line, t)),
        1 => (any::<usize>(), token).prop_map(|(line, t)| Mutation::InsertAtLineEnd(line, t)),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => any::<usize>().prop_map(Mutation::DuplicateLine),
        1 => any::<usize>().prop_map(Mutation::DeleteLine),
        1 => any::<usize>().prop_map(Mutation::Truncate),
    ]
}

/// Lines with their `\n`, as byte ranges of `bytes`.
fn lines(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < bytes.len() {
        out.push(start..bytes.len());
    }
    out
}

/// Apply `m` to raw bytes: byte-level edits may split a UTF-8 sequence, which
/// the caller decodes lossily, as an editor would show a corrupted file.
fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let len = bytes.len();
    let at = |i: usize| if len == 0 { 0 } else { i % (len + 1) };
    let lines = lines(bytes);
    let line = |i: usize| lines.get(i % lines.len().max(1)).cloned();
    match *m {
        Mutation::DeleteByte(i) if len > 0 => {
            bytes.remove(i % len);
        }
        Mutation::DeleteChar(i) if len > 0 => {
            // Back up to the first byte of the character and remove all of it.
            let mut s = i % len;
            while s > 0 && (bytes[s] & 0xC0) == 0x80 {
                s -= 1;
            }
            let mut e = s + 1;
            while e < len && (bytes[e] & 0xC0) == 0x80 {
                e += 1;
            }
            bytes.drain(s..e);
        }
        Mutation::DeleteRange(i, n) if len > 0 => {
            let s = i % len;
            bytes.drain(s..(s + n).min(len));
        }
        Mutation::ReplaceByte(i, b) if len > 0 => bytes[i % len] = b,
        Mutation::Insert(i, t) => {
            let s = at(i);
            bytes.splice(s..s, t.bytes());
        }
        Mutation::InsertAtLineStart(i, t) => {
            let s = line(i).map_or(0, |r| r.start);
            bytes.splice(s..s, t.bytes());
        }
        Mutation::InsertAtLineEnd(i, t) => {
            // Before the line's `\n`, where a trailing token lands on the same line.
            let s = line(i).map_or(len, |r| {
                if bytes[r.clone()].ends_with(b"\n") {
                    r.end - 1
                } else {
                    r.end
                }
            });
            bytes.splice(s..s, t.bytes());
        }
        Mutation::SwapLines(a, b) => {
            if let (Some(a), Some(b)) = (line(a), line(b)) {
                let (first, second) = if a.start <= b.start { (a, b) } else { (b, a) };
                if first.end <= second.start {
                    let mut out = bytes[..first.start].to_vec();
                    out.extend_from_slice(&bytes[second.clone()]);
                    out.extend_from_slice(&bytes[first.end..second.start]);
                    out.extend_from_slice(&bytes[first.clone()]);
                    out.extend_from_slice(&bytes[second.end..]);
                    *bytes = out;
                }
            }
        }
        Mutation::DuplicateLine(i) => {
            if let Some(r) = line(i) {
                let copy = bytes[r.clone()].to_vec();
                bytes.splice(r.end..r.end, copy);
            }
        }
        Mutation::DeleteLine(i) => {
            if let Some(r) = line(i) {
                bytes.drain(r);
            }
        }
        Mutation::Truncate(i) => bytes.truncate(at(i)),
        _ => {}
    }
}

fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig::default();
    // `ProptestConfig::default()` has read PROPTEST_CASES / PROPTEST_RNG_SEED;
    // without them, a fixed seed keeps CI reproducible.
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if matches!(config.rng_seed, RngSeed::Random) {
        config.rng_seed = RngSeed::Fixed(0x00ca_11f1_0e5e_ed01);
    }
    // A failing input is printed in full; shrinking is what makes it readable,
    // but a stuck shrink should not hold CI for minutes.
    config.max_shrink_time = 60_000;
    config
}

proptest! {
    #![proptest_config(config(600))]

    #[test]
    fn mutated_examples_check_soundly(
        which in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..12),
    ) {
        let (_, text) = which.get(examples());
        let mut bytes = text.clone().into_bytes();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        let text = String::from_utf8_lossy(&bytes);
        let p = problems(&text);
        prop_assert!(p.is_empty(), "{:#?}\ninput: {:?}", p, text);
    }
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn random_bytes_check_soundly(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        let text = String::from_utf8_lossy(&bytes);
        let p = problems(&text);
        prop_assert!(p.is_empty(), "{:#?}\ninput: {:?}", p, text);
    }

    /// Random text rarely gets past the first keyword; a soup of grammar
    /// tokens reaches the statement, option and expression parsers.
    #[test]
    fn token_soup_checks_soundly(
        tokens in prop::collection::vec((prop::sample::select(TOKENS), prop::sample::select(&[" ", "", "\n", "  "][..])), 0..120),
    ) {
        let text: String = tokens.iter().flat_map(|(t, sep)| [*t, *sep]).collect();
        let p = problems(&text);
        prop_assert!(p.is_empty(), "{:#?}\ninput: {:?}", p, text);
    }
}

// ── deterministic sweeps over the examples ──────────────────────────────────

/// How many cuts (or lines) each example gets: a fixed total shared by all
/// examples, so the test stays quick as examples are added.
fn per_example(total: usize) -> usize {
    (total / examples().len()).max(20)
}

/// Spread `points` evenly, keeping at most `max`.
fn thin<T>(points: Vec<T>, max: usize) -> Vec<T> {
    let step = points.len().div_ceil(max).max(1);
    points.into_iter().step_by(step).collect()
}

/// Byte offsets worth cutting at: every line start and end, and just before
/// and after each delimiter, where a cut leaves a block, string, option or
/// interpolation half-written.
fn cut_points(text: &str, max: usize) -> Vec<usize> {
    let mut points = vec![0, text.len()];
    for (i, ch) in text.char_indices() {
        if matches!(
            ch,
            '\n' | '{' | '}' | '"' | '(' | ')' | '-' | '>' | ',' | ':' | '#' | '=' | '.' | ' '
        ) {
            points.extend([i, i + ch.len_utf8()]);
        }
    }
    points.sort_unstable();
    points.dedup();
    thin(points, max)
}

#[test]
fn every_example_truncated_at_every_kind_of_position_checks_soundly() {
    for (path, text) in examples() {
        assert_sound(path, text);
        for at in cut_points(text, per_example(1600)) {
            assert_sound(&format!("{path} cut at byte {at}"), &text[..at]);
            // The tail alone: a file that starts in the middle of an item.
            assert_sound(&format!("{path} from byte {at}"), &text[at..]);
        }
    }
}

#[test]
fn every_example_with_each_line_removed_or_doubled_checks_soundly() {
    for (path, text) in examples() {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        for i in thin((0..lines.len()).collect(), per_example(400)) {
            let without: String = lines
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, l)| *l)
                .collect();
            assert_sound(&format!("{path} without line {}", i + 1), &without);
            let doubled: String = lines
                .iter()
                .enumerate()
                .flat_map(|(j, l)| if j == i { vec![*l, *l] } else { vec![*l] })
                .collect();
            assert_sound(&format!("{path} with line {} twice", i + 1), &doubled);
        }
    }
}

#[test]
fn every_example_with_other_line_endings_checks_soundly() {
    for (path, text) in examples() {
        assert_sound(&format!("{path} with CRLF"), &text.replace('\n', "\r\n"));
        assert_sound(&format!("{path} with lone CR"), &text.replace('\n', "\r"));
        assert_sound(&format!("{path} with CR inside lines"), &text.replace(' ', "\r"));
        assert_sound(&format!("{path} with NULs"), &text.replace(' ', "\0"));
        assert_sound(&format!("{path} with BOM"), &format!("\u{FEFF}{text}"));
        assert_sound(&format!("{path} with tabs"), &text.replace("  ", "\t"));
        assert_sound(&format!("{path} without newline at the end"), text.trim_end());
    }
}

// ── pathological shapes ─────────────────────────────────────────────────────

const FLOW_HEAD: &str = "flow f {\n  start a\n}\n";

fn pathological() -> Vec<(&'static str, String)> {
    let n = 10_000;
    vec![
        ("empty", String::new()),
        ("lone CR", "\r".to_string()),
        ("lone CR in a step", format!("{FLOW_HEAD}step a {{\r  hangup\r}}\r")),
        (
            "CRLF file",
            format!("{FLOW_HEAD}step a {{\n  say \"hi\"\n  hangup\n}}\n").replace('\n', "\r\n"),
        ),
        ("NUL bytes", "\0".repeat(1000)),
        (
            "NULs in a step",
            format!("{FLOW_HEAD}step a {{\n  say \"a\0b\"\0\n  \0hangup\n}}\n"),
        ),
        (
            "10k nested (",
            format!(
                "{FLOW_HEAD}step a {{\n  if {}x{} {{\n    hangup\n  }}\n}}\n",
                "(".repeat(n),
                ")".repeat(n)
            ),
        ),
        (
            "10k unclosed (",
            format!("{FLOW_HEAD}step a {{\n  set x = {}1\n  hangup\n}}\n", "(".repeat(n)),
        ),
        (
            "10k ( in a string",
            format!("{FLOW_HEAD}step a {{\n  say \"{}\"\n  hangup\n}}\n", "(".repeat(n)),
        ),
        ("10k ( at top level", "(".repeat(n)),
        (
            "10k ( in a comment",
            format!("{FLOW_HEAD}# {}\nstep a {{\n  hangup\n}}\n", "(".repeat(n)),
        ),
        (
            "10k nested calls",
            format!(
                "{FLOW_HEAD}step a {{\n  if {}1{} {{\n    hangup\n  }}\n}}\n",
                "length(".repeat(n),
                ")".repeat(n)
            ),
        ),
        (
            "10k `not`",
            format!(
                "{FLOW_HEAD}step a {{\n  if {}true {{\n    hangup\n  }}\n}}\n",
                "not ".repeat(n)
            ),
        ),
        (
            "500 `not`",
            format!(
                "{FLOW_HEAD}step a {{\n  if {}true {{\n    hangup\n  }}\n}}\n",
                "not ".repeat(500)
            ),
        ),
        (
            "20k `or`",
            format!(
                "{FLOW_HEAD}step a {{\n  if caller == \"1\"{} {{\n    hangup\n  }}\n}}\n",
                " or caller == \"2\"".repeat(20_000)
            ),
        ),
        (
            "50k `+`",
            format!(
                "{FLOW_HEAD}step a {{\n  set x = 1{}\n  hangup\n}}\n",
                " + 1".repeat(50_000)
            ),
        ),
        (
            "200 `-`",
            format!(
                "{FLOW_HEAD}step a {{\n  set x = 1{}\n  hangup\n}}\n",
                " - 1".repeat(200)
            ),
        ),
        (
            "5k nested if",
            format!(
                "{FLOW_HEAD}step a {{\n{}    hangup\n{}}}\n",
                "  if caller == \"1\" {\n".repeat(5000),
                "  }\n".repeat(5000)
            ),
        ),
        (
            "5k unclosed if",
            format!(
                "{FLOW_HEAD}step a {{\n{}    hangup\n",
                "  if caller == \"1\" {\n".repeat(5000)
            ),
        ),
        (
            "5k else if",
            format!(
                "{FLOW_HEAD}step a {{\n  if caller == \"0\" {{\n    hangup\n{}  }}\n}}\n",
                "  } else if caller == \"1\" {\n    hangup\n".repeat(5000)
            ),
        ),
        (
            "300 else if",
            format!(
                "{FLOW_HEAD}step a {{\n  if caller == \"0\" {{\n    hangup\n{}  }}\n}}\n",
                "  } else if caller == \"1\" {\n    hangup\n".repeat(300)
            ),
        ),
        (
            "10k nested {",
            format!("{FLOW_HEAD}step a {{\n  say \"x\" {}\n}}\n", "{".repeat(n)),
        ),
        ("10k } lines", format!("{FLOW_HEAD}{}", "}\n".repeat(n))),
        (
            "1 MB line",
            format!(
                "{FLOW_HEAD}step a {{\n  say \"{}\"\n  hangup\n}}\n",
                "a".repeat(1 << 20)
            ),
        ),
        ("256 KB bare line", "x".repeat(1 << 18)),
        (
            "256 KB of é, unterminated",
            format!("{FLOW_HEAD}step a {{\n  say \"{}\n}}\n", "é".repeat(1 << 17)),
        ),
        (
            "256 KB interpolation",
            format!(
                "{FLOW_HEAD}step a {{\n  say \"{{{}}}\"\n  hangup\n}}\n",
                "v".repeat(1 << 18)
            ),
        ),
        ("5k empty states", {
            let mut s = FLOW_HEAD.to_string();
            for i in 0..5000 {
                s.push_str(&format!("step s{i} {{\n}}\n"));
            }
            s.replace("start a", "start s0")
        }),
        (
            "5k empty menus",
            (0..5000).map(|i| format!("menu m{i} {{\n}}\n")).collect(),
        ),
        (
            "5k steps named a",
            format!("{FLOW_HEAD}{}", "step a {\n  goto a\n}\n".repeat(5000)),
        ),
        (
            "huge numbers",
            format!(
                "{FLOW_HEAD}step a {{\n  pause 99999999999999999999s\n  say \"x\" repeat 99999999999999999999\n  collect d digits 99999999999999999999..4294967296 timeout 18446744073709551615ms\n  set x = 99999999999999999999999999999999.5 + 1e400\n  hangup\n}}\nmenu m {{\n  retries 99999999999999999999\n  input_timeout 18446744073709551616h\n}}\n"
            ),
        ),
        (
            "bidi and emoji names",
            format!("{FLOW_HEAD}step a\u{202E} {{\n  say \"👋 {{é}}\"\n  goto שלום\n}}\n"),
        ),
        (
            "deep raw block in a bad line",
            format!("{FLOW_HEAD}step a {{\n  ??? {}\n}}\n", "{\n".repeat(n)),
        ),
        (
            "1k unterminated strings",
            format!("{FLOW_HEAD}step a {{\n{}}}\n", "  say \"x\n".repeat(1000)),
        ),
        ("10k imports", "import \"other.flow\"\n".repeat(n)),
    ]
}

/// Inputs this large take most of a second each in a debug build; they get
/// a test of their own so the two halves run in parallel.
const LARGE: usize = 100_000;

#[test]
fn pathological_inputs_check_soundly() {
    for (what, text) in pathological().into_iter().filter(|(_, t)| t.len() < LARGE) {
        assert_sound(what, &text);
    }
}

#[test]
fn large_pathological_inputs_check_soundly() {
    for (what, text) in pathological().into_iter().filter(|(_, t)| t.len() >= LARGE) {
        assert_sound(what, &text);
    }
}

/// The cap on nesting must not reject what people write: a real `else if`
/// ladder and a long `or` list still check without a nesting error.
#[test]
fn realistic_nesting_is_not_refused() {
    let ladder: String = (1..30)
        .map(|i| format!("  }} else if caller == \"{i}\" {{\n    hangup\n"))
        .collect();
    let ors: String = (1..30).map(|i| format!(" or caller == \"{i}\"")).collect();
    let text = format!(
        "{FLOW_HEAD}step a {{\n  if caller == \"0\"{ors} {{\n    hangup\n  }}\n  if caller == \"0\" {{\n    hangup\n{ladder}  }}\n  hangup\n}}\n"
    );
    assert_sound("realistic nesting", &text);
    let (_, analysis) = check_source("input.flow", &text);
    let nesting: Vec<_> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("deeper than"))
        .collect();
    assert!(nesting.is_empty(), "{nesting:#?}");
}
