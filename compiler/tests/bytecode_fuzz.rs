//! The bytecode loader on hostile bytes: random bytes and mutations of every
//! example's encoded program (bit flips, truncations, corrupted length and
//! count fields, spliced garbage) go through `bytecode::load`. It must return
//! (never panic), and whatever it accepts must verify, re-encode to a program
//! that loads again, and disassemble.
//!
//! Deterministic sweeps cover every byte of every example; seeded proptest
//! properties add random combinations. `PROPTEST_RNG_SEED=<n>` and
//! `PROPTEST_CASES=<n>` explore further (docs/fuzzing.md).

use callflow_compiler::bytecode::{self, Program};
use callflow_compiler::project::{Project, analyze};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

/// Every root example, compiled and encoded.
fn encoded_examples() -> &'static [(String, Vec<u8>)] {
    static CELL: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(examples_dir())
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        paths.retain(|p| p.extension().is_some_and(|e| e == "flow"));
        paths.sort();
        let out: Vec<(String, Vec<u8>)> = paths
            .iter()
            .map(|path| {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                let text = std::fs::read_to_string(path).unwrap_or_default();
                let project = Project::load(&name, &text, &mut |_, import| {
                    std::fs::read_to_string(examples_dir().join(import))
                        .map(|t| (import.to_string(), t))
                        .map_err(|e| e.to_string())
                });
                let analysis = analyze(&project);
                let program =
                    bytecode::compile(&project, &analysis).unwrap_or_else(|e| panic!("{name} does not compile: {e:?}"));
                (name, bytecode::encode(&program))
            })
            .collect();
        assert!(out.len() >= 7, "examples not found");
        out
    })
}

/// Load `bytes`; if accepted, the program must be sound.
fn check(bytes: &[u8]) {
    match bytecode::load(bytes) {
        Ok(p) => sound(&p),
        // The message is built without panicking too.
        Err(e) => drop(e.to_string()),
    }
}

/// The cheap part of `check`, for the sweeps over every byte (an accepted
/// mutation, e.g. of a debug line number, is common there, and a full
/// re-encode and disassembly of each would dominate the run).
fn check_quick(bytes: &[u8]) {
    if let Ok(p) = bytecode::load(bytes) {
        assert_eq!(p.verify(), Ok(()));
    }
}

fn sound(p: &Program) {
    assert_eq!(p.verify(), Ok(()));
    let again = bytecode::encode(p);
    assert_eq!(
        bytecode::load(&again).as_ref(),
        Ok(p),
        "re-encoding an accepted program"
    );
    let _ = bytecode::disasm(p);
}

#[test]
fn every_truncation_is_refused() {
    for (name, bytes) in encoded_examples() {
        for cut in 0..bytes.len() {
            assert!(bytecode::load(&bytes[..cut]).is_err(), "{name}: cut at {cut}");
        }
        assert!(bytecode::load(bytes).is_ok(), "{name}");
    }
}

#[test]
fn every_byte_flipped() {
    for (_, bytes) in encoded_examples() {
        let mut b = bytes.clone();
        for i in 0..b.len() {
            // One bit per byte, a different one each time; every ninth byte
            // is inverted whole.
            let mask = if i % 9 == 8 { 0xFF } else { 1u8 << (i % 9) };
            b[i] ^= mask;
            check_quick(&b);
            b[i] ^= mask;
        }
    }
}

#[test]
fn every_u32_field_corrupted() {
    // Every 4-byte window read as a length, count or index: huge, or one
    // more than it was (just past the end of a buffer or a table).
    for (_, bytes) in encoded_examples() {
        let mut b = bytes.clone();
        for i in 0..b.len().saturating_sub(4) {
            let original: [u8; 4] = [b[i], b[i + 1], b[i + 2], b[i + 3]];
            let n = u32::from_le_bytes(original);
            // Alternate between the two, so each kind meets every field
            // alignment across the examples without doubling the run.
            let value = if i % 2 == 0 { u32::MAX } else { n.wrapping_add(1) };
            b[i..i + 4].copy_from_slice(&value.to_le_bytes());
            check_quick(&b);
            b[i..i + 4].copy_from_slice(&original);
        }
    }
}

fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if matches!(config.rng_seed, RngSeed::Random) {
        config.rng_seed = RngSeed::Fixed(0x00cf_bc00_10ad_0001);
    }
    config.max_shrink_time = 60_000;
    config
}

/// One edit of an encoded program.
#[derive(Clone, Debug)]
enum Edit {
    Flip { at: usize, mask: u8 },
    Set { at: usize, byte: u8 },
    Insert { at: usize, bytes: Vec<u8> },
    Remove { at: usize, len: usize },
    Truncate { at: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<usize>(), 1u8..).prop_map(|(at, mask)| Edit::Flip { at, mask }),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Edit::Set { at, byte }),
        1 => (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..16)).prop_map(|(at, bytes)| Edit::Insert { at, bytes }),
        1 => (any::<usize>(), 1usize..16).prop_map(|(at, len)| Edit::Remove { at, len }),
        1 => any::<usize>().prop_map(|at| Edit::Truncate { at }),
    ]
}

fn apply(bytes: &mut Vec<u8>, e: &Edit) {
    let len = bytes.len().max(1);
    match e {
        Edit::Flip { at, mask } => {
            if let Some(b) = bytes.get_mut(at % len) {
                *b ^= mask;
            }
        }
        Edit::Set { at, byte } => {
            if let Some(b) = bytes.get_mut(at % len) {
                *b = *byte;
            }
        }
        Edit::Insert { at, bytes: new } => {
            let at = at % (bytes.len() + 1);
            bytes.splice(at..at, new.iter().copied());
        }
        Edit::Remove { at, len: n } => {
            let at = at % len;
            let end = (at + n).min(bytes.len());
            if at < end {
                bytes.drain(at..end);
            }
        }
        Edit::Truncate { at } => bytes.truncate(at % len),
    }
}

proptest! {
    #![proptest_config(config(3_000))]

    #[test]
    fn mutated_examples_never_panic(which in any::<usize>(), edits in proptest::collection::vec(edit(), 1..6)) {
        let examples = encoded_examples();
        let (_, original) = &examples[which % examples.len()];
        let mut bytes = original.clone();
        for e in &edits {
            apply(&mut bytes, e);
        }
        check(&bytes);
    }

    #[test]
    fn random_bytes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..512), header in any::<bool>()) {
        // With a valid header half the time, so the section parser is reached.
        let mut bytes = if header { b"CFBC\x01\x00".to_vec() } else { Vec::new() };
        bytes.extend(tail);
        check(&bytes);
    }
}
