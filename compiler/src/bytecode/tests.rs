//! Round trips on every example, the verifier on each kind of corruption, and
//! the disassembler's shape.

use super::*;
use crate::project::{Project, analyze, check_source};
use std::path::{Path, PathBuf};

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

/// Every root example (`examples/*.flow`), loaded with its imports and compiled.
fn example_programs() -> Vec<(String, Program)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(examples_dir())
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|e| e == "flow"));
    paths.sort();
    assert!(paths.len() >= 7, "examples not found");
    paths
        .iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let project = Project::load(&name, &text, &mut |importer, import| {
                let base = Path::new(importer).parent().unwrap_or(Path::new(""));
                let rel = base.join(import);
                std::fs::read_to_string(examples_dir().join(&rel))
                    .map(|t| (rel.to_string_lossy().to_string(), t))
                    .map_err(|e| e.to_string())
            });
            let analysis = analyze(&project);
            match compile(&project, &analysis) {
                Ok(p) => (name, p),
                Err(errors) => panic!("{name} does not compile: {errors:?}"),
            }
        })
        .collect()
}

fn program(src: &str) -> Program {
    let (project, analysis) = check_source("t.flow", src);
    match compile(&project, &analysis) {
        Ok(p) => p,
        Err(e) => panic!("does not compile: {e:?}"),
    }
}

const SMALL: &str = "flow f {\n  start a\n  timezone \"Africa/Nairobi\"\n}\nstep a {\n  say \"Hi {caller}.\"\n  if open_hours(\"Mon-Fri 08:00-18:00\") {\n    goto m\n  }\n  hangup\n}\nmenu m {\n  say \"Press 1.\"\n  \"1\" -> a\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> a\n}\n";

#[test]
fn every_example_round_trips_and_verifies() {
    for (name, p) in example_programs() {
        assert_eq!(p.verify(), Ok(()), "{name}");
        let bytes = encode(&p);
        assert_eq!(decode(&bytes).as_ref(), Ok(&p), "{name}: decode(encode(p)) == p");
        assert_eq!(load(&bytes).as_ref(), Ok(&p), "{name}");
        assert_eq!(encode(&p), bytes, "{name}: encoding is deterministic");
        assert_eq!(p.debug.code.len(), p.code.len(), "{name}: one position per instruction");
        let listing = disasm(&p);
        for state in &p.states {
            assert!(
                listing.contains(&format!("state {} (", state.name)),
                "{name}: {}",
                state.name
            );
        }
    }
}

#[test]
fn erroneous_projects_are_refused_with_their_errors() {
    let (project, analysis) = check_source("t.flow", "flow f {\n  start a\n}\nstep a {\n  goto nowhere\n}\n");
    let errors = compile(&project, &analysis).err().unwrap_or_default();
    assert_eq!(errors.iter().map(|d| d.code.id).collect::<Vec<_>>(), vec!["E0101"]);
}

#[test]
fn erroneous_projects_still_lower_to_verifiable_programs() {
    // `lower` must never produce something the loader refuses, whatever the IR.
    for src in [
        "step a {\n  goto nowhere\n}\n",
        "flow f {\n  start a\n}\nstep a {\n  say \"x\"\n}\n",
        "flow f {\n  start a\n}\nmenu a {\n  \"1\" -> gone\n}\n",
        "flow f {\n  start a\n}\nstep a {\n  if open_hours(\"nonsense\") {\n    hangup\n  }\n  redirect flow g\n}\n",
        "",
    ] {
        let (project, analysis) = check_source("t.flow", src);
        let p = compile::lower(&project, &analysis.ir);
        assert_eq!(p.verify(), Ok(()), "{src:?}");
        assert_eq!(load(&encode(&p)), Ok(p), "{src:?}");
    }
}

#[test]
fn a_step_that_falls_off_its_end_hangs_up() {
    let (project, analysis) = check_source("t.flow", "flow f {\n  start a\n}\nstep a {\n  say \"x\"\n}\n");
    let p = compile::lower(&project, &analysis.ir);
    assert!(
        matches!(p.code.as_slice(), [Instr::Say { .. }, Instr::End]),
        "{:?}",
        p.code
    );
}

#[test]
fn layout_falls_through_and_gotos_name_states() {
    let p = program(SMALL);
    let names: Vec<&str> = p.code.iter().map(Instr::mnemonic).collect();
    assert_eq!(
        names,
        vec!["say", "open_hours", "jump_if_false", "goto", "hangup", "say", "menu"]
    );
    assert_eq!(p.code.get(2), Some(&Instr::JumpIfFalse(4)));
    assert_eq!(p.code.get(3), Some(&Instr::Goto(1)));
    assert_eq!(p.vars, vec!["caller", "called", "call_id"]);
    let menu = p.states.get(1).and_then(|s| s.menu.clone());
    assert_eq!(
        menu.map(|m| (m.keys, m.timeout, m.exhausted)),
        Some((vec![('1', Route::State(0))], Route::Repeat, Route::State(0)))
    );
}

#[test]
fn a_menu_route_naming_itself_is_not_a_repeat() {
    let p = program(
        "flow f {\n  start m\n  retries 1\n}\nmenu m {\n  say \"x\"\n  \"1\" -> m\n  \"2\" -> repeat\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> bye\n}\nstep bye {\n  hangup\n}\n",
    );
    let keys = p.states.first().and_then(|s| s.menu.as_ref()).map(|m| m.keys.clone());
    assert_eq!(keys, Some(vec![('1', Route::State(0)), ('2', Route::Repeat)]));
}

#[test]
fn and_or_short_circuit() {
    let p = program(
        "flow f {\n  start a\n}\nstep a {\n  if caller == \"1\" or called == \"2\" {\n    hangup\n  }\n  hangup\n}\n",
    );
    let names: Vec<&str> = p.code.iter().map(Instr::mnemonic).collect();
    assert_eq!(
        names,
        vec![
            "load",
            "push",
            "eq",
            "jump_if_false",
            "push_bool",
            "jump",
            "load",
            "push",
            "eq",
            "jump_if_false",
            "hangup",
            "hangup"
        ]
    );
    assert_eq!(p.code.get(3), Some(&Instr::JumpIfFalse(6)));
    assert_eq!(p.code.get(5), Some(&Instr::Jump(9)));
    assert_eq!(p.code.get(9), Some(&Instr::JumpIfFalse(11)));
}

#[test]
fn disasm_shows_states_targets_and_source_lines() {
    let listing = disasm(&program(SMALL));
    for want in [
        "; callflow bytecode, format version 1",
        "flow f  start=a (0000) voice=default language=default input_timeout=default retries=default timezone=\"Africa/Nairobi\"",
        "schedule #0 \"Mon-Fri 08:00-18:00\"",
        "state a (step)  # t.flow:5",
        "        # t.flow:6  say \"Hi {caller}.\"",
        "0000  say \"Hi {caller}.\" voice=default language=default repeat=1",
        "0002  jump_if_false 0004",
        "0003  goto m (0005)",
        "state m (menu)  # t.flow:12",
        "      keys \"1\" -> a (0000)",
        "      timeout -> repeat, invalid -> repeat, exhausted -> a (0000)",
        "0006  menu m (0005)",
    ] {
        assert!(listing.contains(want), "missing {want:?} in\n{listing}");
    }
}

// ── corruption ──────────────────────────────────────────────────────────────

/// Byte range of a section's payload in an encoded program.
fn payload(bytes: &[u8], section: Section) -> std::ops::Range<usize> {
    let mut at = 6;
    loop {
        let tag = bytes[at];
        let len = u32::from_le_bytes([bytes[at + 1], bytes[at + 2], bytes[at + 3], bytes[at + 4]]) as usize;
        if tag == section.tag() {
            return at + 5..at + 5 + len;
        }
        at += 5 + len;
    }
}

fn load_err(bytes: &[u8]) -> LoadError {
    match load(bytes) {
        Err(e) => e,
        Ok(_) => panic!("corrupt bytes loaded"),
    }
}

/// Change the program, encode it, and load it.
fn mutated(f: impl FnOnce(&mut Program)) -> LoadError {
    let mut p = program(SMALL);
    f(&mut p);
    load_err(&encode(&p))
}

#[test]
fn bad_magic_and_versions_are_refused() {
    let bytes = encode(&program(SMALL));
    let mut b = bytes.clone();
    b[0] = b'X';
    assert_eq!(load_err(&b), LoadError::BadMagic);
    assert_eq!(load_err(b"CF"), LoadError::BadMagic);
    let mut b = bytes.clone();
    b[4] = 2;
    assert_eq!(load_err(&b), LoadError::UnsupportedVersion { found: 2, supported: 1 });
    assert!(load_err(&b).to_string().contains("version 2 is not supported"));
}

#[test]
fn truncation_anywhere_is_refused() {
    let bytes = encode(&program(SMALL));
    for cut in 0..bytes.len() {
        assert!(load(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(matches!(load_err(&longer), LoadError::TrailingBytes { .. }));
}

#[test]
fn a_truncated_instruction_is_refused() {
    let mut bytes = encode(&program(SMALL));
    let code = payload(&bytes, Section::Code);
    // Drop the last byte of the code payload and shorten the section to match:
    // the last instruction (a `menu` with its u32 state) loses a byte.
    bytes.remove(code.end - 1);
    let len_at = code.start - 4;
    let len = (code.len() - 1) as u32;
    bytes[len_at..len_at + 4].copy_from_slice(&len.to_le_bytes());
    let e = load_err(&bytes);
    assert!(
        matches!(
            e,
            LoadError::Truncated {
                section: Section::Code,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn section_lengths_and_counts_must_fit() {
    let bytes = encode(&program(SMALL));
    let consts = payload(&bytes, Section::Constants);
    let mut b = bytes.clone();
    b[consts.start - 4..consts.start].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(load_err(&b), LoadError::BadLength { .. }));
    // A count of 1 billion constants in a few bytes: refused before allocating.
    let mut b = bytes.clone();
    b[consts.start..consts.start + 4].copy_from_slice(&1_000_000_000u32.to_le_bytes());
    let e = load_err(&b);
    assert!(
        matches!(
            e,
            LoadError::BadLength {
                section: Section::Constants,
                length: 1_000_000_000,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().starts_with("constants section, offset"), "{e}");
    // Sections out of order.
    let mut b = bytes.clone();
    let vars = payload(&bytes, Section::Variables);
    b[vars.start - 5] = Section::Flows.tag();
    assert!(matches!(
        load_err(&b),
        LoadError::MissingSection {
            expected: Section::Variables,
            ..
        }
    ));
}

#[test]
fn unknown_opcodes_and_tags_are_refused() {
    let bytes = encode(&program(SMALL));
    let code = payload(&bytes, Section::Code);
    let mut b = bytes.clone();
    b[code.start + 4] = 0xEE; // the first opcode, after the u32 count
    let e = load_err(&b);
    assert_eq!(
        e,
        LoadError::UnknownOpcode {
            pc: 0,
            opcode: 0xEE,
            offset: code.start + 4
        }
    );
    assert!(e.to_string().contains("pc 0"), "{e}");
    let consts = payload(&bytes, Section::Constants);
    let mut b = bytes.clone();
    b[consts.start + 4] = 9; // the first constant's kind
    assert!(matches!(
        load_err(&b),
        LoadError::BadTag {
            what: "constant kind",
            tag: 9,
            ..
        }
    ));
}

#[test]
fn strings_must_be_utf8() {
    let mut p = program(SMALL);
    p.consts.push(Const::Str("zzzz".into()));
    let mut bytes = encode(&p);
    let at = bytes.windows(4).position(|w| w == b"zzzz").unwrap_or(0);
    bytes[at] = 0xFF;
    assert!(matches!(
        load_err(&bytes),
        LoadError::InvalidUtf8 {
            section: Section::Constants,
            ..
        }
    ));
}

/// A change that breaks one reference of a program.
type Corruption = Box<dyn FnOnce(&mut Program)>;

#[test]
fn every_reference_is_checked() {
    let cases: Vec<(&str, Corruption, &str)> = vec![
        (
            "jump",
            Box::new(|p| p.code.insert(0, Instr::Jump(999))),
            "jump target 999",
        ),
        (
            "constant",
            Box::new(|p| p.code.insert(0, Instr::Push(999))),
            "constant 999",
        ),
        (
            "variable",
            Box::new(|p| p.code.insert(0, Instr::Load(999))),
            "variable 999",
        ),
        ("state", Box::new(|p| p.code.insert(0, Instr::Goto(999))), "state 999"),
        ("flow", Box::new(|p| p.code.insert(0, Instr::RedirectFlow(7))), "flow 7"),
        (
            "schedule",
            Box::new(|p| p.code.insert(0, Instr::OpenHours { schedule: 5, tz: false })),
            "schedule 5",
        ),
        (
            "menu table",
            Box::new(|p| {
                if let Some(m) = p.states.get_mut(1).and_then(|s| s.menu.as_mut()) {
                    m.exhausted = Route::State(42);
                }
            }),
            "state 42",
        ),
        (
            "state entry",
            Box::new(|p| {
                if let Some(s) = p.states.get_mut(0) {
                    s.entry = 500;
                }
            }),
            "entry pc 500",
        ),
        (
            "flow start",
            Box::new(|p| {
                if let Some(f) = p.flows.get_mut(0) {
                    f.start = 9;
                }
            }),
            "state 9",
        ),
        (
            "template",
            Box::new(|p| p.consts.push(Const::Template(vec![Part::Var(77)]))),
            "variable 77",
        ),
        (
            "builtin store",
            Box::new(|p| p.code.insert(0, Instr::Store(0))),
            "built-in",
        ),
        (
            "builtins",
            Box::new(|p| {
                if let Some(v) = p.vars.get_mut(1) {
                    *v = "x".into();
                }
            }),
            "caller, called, call_id",
        ),
        (
            "number as text",
            Box::new(|p| {
                p.consts.push(Const::Num(1.0));
                let n = p.consts.len() as u32 - 1;
                p.code.insert(0, Instr::RedirectUrl(n));
            }),
            "is a number where text is needed",
        ),
        (
            "menu on a step",
            Box::new(|p| p.code.insert(0, Instr::Menu { state: 0 })),
            "not a menu",
        ),
        (
            "falls off the end",
            Box::new(|p| {
                p.code.push(Instr::Say {
                    text: 0,
                    voice: None,
                    language: None,
                    repeat: 1,
                })
            }),
            "run past the end",
        ),
        (
            "debug",
            Box::new(|p| {
                p.debug.code.pop();
            }),
            "positions",
        ),
        (
            "bad schedule",
            Box::new(|p| {
                if let Some(s) = p.schedules.get_mut(0) {
                    s.rules = vec![Rule {
                        days: 0x80,
                        from: 0,
                        to: 1,
                    }];
                }
            }),
            "bad schedule rule",
        ),
        ("no flow", Box::new(|p| p.flows.clear()), "at least one flow"),
        ("nan", Box::new(|p| p.consts.push(Const::Num(f64::NAN))), "not finite"),
    ];
    for (what, change, want) in cases {
        let e = mutated(|p| {
            change(p);
            // Keep the debug positions in step with inserted instructions
            // unless the case is about them.
            if what != "debug" {
                p.debug.code.resize(p.code.len(), Loc::default());
            }
        });
        assert!(e.to_string().contains(want), "{what}: {e}");
    }
}

#[test]
#[ignore = "prints a listing for eyeballing"]
fn print_support_listing() {
    for (name, p) in example_programs() {
        if name == "support.flow" {
            println!("{}", disasm(&p));
            println!("{} bytes", encode(&p).len());
        }
    }
}
