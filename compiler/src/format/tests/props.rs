//! Property tests over formatted files (the examples, the messy flow and a
//! generated one, all formatted first):
//!
//! - **only whitespace matters**: re-spacing a formatted file at random (gaps
//!   between tokens widened, narrowed or turned into tabs, lines re-indented,
//!   blank lines doubled, CRLF line ends) formats back to the same file;
//! - **mutations are safe**: after random edits (tokens and keywords inserted,
//!   text deleted, lines doubled, dropped or swapped) `format` either refuses
//!   the text for its syntax errors or formats it idempotently; it never finds
//!   its own result changing the meaning, and never panics.
//!
//! `PROPTEST_CASES=<n>` runs more cases.

use super::corpus::{examples, untidy};
use crate::format::lex::{self, Kind};
use crate::format::{FormatError, format};
use crate::test_mutate::{apply, edit};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use std::path::Path;

fn sources() -> Vec<(String, String)> {
    let mut out = examples();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fmt/messy.flow");
    let messy = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    out.push(("messy.flow".to_string(), messy));
    out.push(("untidy(40)".to_string(), untidy(40)));
    out.into_iter()
        .map(|(name, text)| {
            let formatted = format(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, formatted)
        })
        .collect()
}

fn runner(seed: u64, default_cases: u32) -> TestRunner {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = default_cases;
    }
    if matches!(config.rng_seed, RngSeed::Random) {
        config.rng_seed = RngSeed::Fixed(seed);
    }
    config.failure_persistence = None;
    TestRunner::new(config)
}

/// A tiny deterministic generator driven by proptest's seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

const GAPS: [&str; 6] = ["", " ", "  ", "\t", " \t ", "    "];

/// `text` with its whitespace changed at random and nothing else: strings and
/// comments are tokens and stay whole; a gap only disappears where the two
/// tokens cannot run together (not between two words, nor two operators).
fn respace(text: &str, rng: &mut Rng) -> String {
    let mut out = String::new();
    let crlf = rng.below(4) == 0;
    let newline = if crlf { "\r\n" } else { "\n" };
    for line in text.lines() {
        let tokens = lex::tokens(line);
        if tokens.is_empty() {
            for _ in 0..=rng.below(3) {
                out.push_str(GAPS[rng.below(GAPS.len())]);
                out.push_str(newline);
            }
            continue;
        }
        let mut prev: Option<Kind> = None;
        for token in &tokens {
            let glued_ok = match prev {
                None => true,
                Some(Kind::Word) => token.kind != Kind::Word,
                Some(Kind::Punct) => token.kind != Kind::Punct,
                Some(_) => true,
            };
            let gap = loop {
                let g = GAPS[rng.below(GAPS.len())];
                if !g.is_empty() || glued_ok {
                    break g;
                }
            };
            out.push_str(gap);
            out.push_str(token.text);
            prev = Some(token.kind);
        }
        out.push_str(GAPS[rng.below(GAPS.len())]);
        out.push_str(newline);
    }
    out
}

#[test]
fn respacing_a_formatted_file_formats_back_to_it() {
    let sources = sources();
    let result =
        runner(0x0f0f_5eed_0000_0001, 600).run(&(any::<prop::sample::Index>(), any::<u64>()), |(which, seed)| {
            let (name, formatted) = which.get(&sources);
            let respaced = respace(formatted, &mut Rng(seed | 1));
            match format(&respaced) {
                Ok(out) => prop_assert_eq!(&out, formatted, "{}: respaced:\n{}", name, respaced),
                Err(e) => prop_assert!(false, "{}: {}\nrespaced:\n{}", name, e, respaced),
            }
            Ok(())
        });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Bits of syntax to insert: brackets, operators, quotes, comments, line
/// breaks, non-ASCII text.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "{\n",
    "\n}\n",
    "\n",
    "\r\n",
    "\"",
    "#",
    " # c\n",
    "(",
    ")",
    ",",
    "->",
    "..",
    "=",
    "==",
    "<",
    "+",
    "-",
    ":",
    "\\",
    "else",
    "} else {",
    "step x {\n",
    "1",
    "5s",
    "é",
    "\t",
    "  ",
];

#[test]
fn a_mutated_file_is_refused_or_formatted_idempotently() {
    let sources = sources();
    let tally = std::cell::Cell::new((0usize, 0usize));
    let strategy = (any::<prop::sample::Index>(), prop::collection::vec(edit(TOKENS), 1..5));
    let result = runner(0x0f0f_5eed_0000_0002, 1500).run(&strategy, |(which, edits)| {
        let (name, original) = which.get(&sources);
        let mut text = original.clone();
        for e in &edits {
            apply(&mut text, e);
        }
        let (formatted, refused) = tally.get();
        match format(&text) {
            Ok(once) => {
                prop_assert_eq!(
                    format(&once).ok(),
                    Some(once.clone()),
                    "{}: not idempotent:\n{}",
                    name,
                    text
                );
                tally.set((formatted + 1, refused));
            }
            Err(FormatError::SyntaxErrors(_)) => tally.set((formatted, refused + 1)),
            Err(e) => prop_assert!(false, "{}: {}\nmutated:\n{:?}", name, e, text),
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (formatted, refused) = tally.get();
    println!("mutated files: {formatted} formatted, {refused} refused for syntax errors");
    // Both sides of the property must actually be exercised.
    assert!(
        formatted > 100 && refused > 100,
        "{formatted} formatted, {refused} refused"
    );
}
