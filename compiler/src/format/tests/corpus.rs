//! The formatter on real files: every example is already formatted (the
//! examples define the house style), and every diagnostic fixture either
//! formats idempotently or is refused for its syntax errors.

use crate::format::{FormatError, format};
use crate::span::FileId;
use crate::syntax;
use crate::syntax::codes::{SYNTAX_ERROR, UNCLOSED_BLOCK};
pub use crate::test_corpus::examples;
use crate::test_corpus::fixtures;
use std::fmt::Write as _;

#[test]
fn every_example_is_already_formatted() {
    for (path, text) in examples() {
        match format(&text) {
            Ok(out) if out == text => {}
            Ok(out) => panic!("{path} is not formatted; `callflow fmt` would write:\n{out}"),
            Err(e) => panic!("{path}: {e}"),
        }
    }
}

#[test]
fn every_fixture_formats_idempotently_or_is_refused_for_its_syntax_errors() {
    let fixtures = fixtures();
    let (mut formatted, mut refused) = (0, 0);
    for (path, text) in fixtures {
        let (_, diags) = syntax::parse(FileId(0), &text);
        let broken = diags
            .iter()
            .any(|d| d.code.id == SYNTAX_ERROR.id || d.code.id == UNCLOSED_BLOCK.id);
        match format(&text) {
            Ok(once) => {
                assert!(!broken, "{path} has syntax errors but was formatted");
                assert_eq!(format(&once).ok(), Some(once.clone()), "{path}: not idempotent");
                formatted += 1;
            }
            Err(FormatError::SyntaxErrors(_)) => {
                assert!(broken, "{path} was refused without a syntax error");
                refused += 1;
            }
            Err(e) => panic!("{path}: {e}"),
        }
    }
    assert!(
        formatted >= 25 && refused >= 2,
        "{formatted} formatted, {refused} refused"
    );
}

/// A flow of `states` states in the style of the benchmark's generator
/// (compiler/benches/check.rs), written untidily: odd indentation, tabs,
/// missing and doubled spaces, blank-line runs and comments everywhere.
pub fn untidy(states: usize) -> String {
    let mut out = String::from(
        "# generated\nflow  generated{\n\tstart s0\n   timezone \"Africa/Nairobi\"   # zone\n}\nqueue agents\n",
    );
    for i in 0..states {
        let next = (i + 1).min(states - 1);
        let _ = match i % 4 {
            _ if i + 1 == states => write!(out, "step s{i}{{\nsay \"Goodbye.\"\n\n\n hangup}}\n"),
            0 => write!(
                out,
                "\n\n\n# menu {i}\nmenu s{i} {{\n  say \"Press 1.\"repeat 2\n\"1\"->s{next}\n\n\ntimeout  ->repeat\n  exhausted->s{next}  # out\n  }}\n"
            ),
            1 => write!(
                out,
                "step s{i} {{\n    collect pin digits 4 ..8 finish\"#\"\n on timeout->s{next}\n\tif(pin==\"0000\")or not(length(pin)<4){{\n\
                 set n=n+1 }}else if pin!=\"1\" {{ # odd\n  goto s{next}}} else{{\n\n  hangup\n    }}\n  goto s{next}\n}}\n"
            ),
            2 => write!(
                out,
                "step s{i} {{\n  dial \"+254711082000\" ,\"sip:a@example.com\"  sequential timeout 30s\n    on busy -> s{next}\n  enqueue agents  hold_music ring\n}}\n"
            ),
            _ => write!(
                out,
                "step s{i} {{\n  set t=2m+30s\n  if open_hours( \"Mon-Fri 08:00-18:00\" ,tz:\"UTC\" ) {{\n    conference \"room-{{n}}\" muted   beep\n  }}\n  goto s{next}\n}}\n"
            ),
        };
    }
    out
}

#[test]
fn generated_untidy_flows_format_idempotently() {
    for states in [4, 9, 60] {
        let text = untidy(states);
        let once = format(&text).unwrap_or_else(|e| panic!("{states}: {e}\n{text}"));
        assert_ne!(once, text);
        assert_eq!(format(&once).ok(), Some(once.clone()), "{states}: not idempotent");
        assert!(
            !once.contains(" \n") && !once.contains("\t") && !once.contains("\n\n\n"),
            "{once}"
        );
    }
}
