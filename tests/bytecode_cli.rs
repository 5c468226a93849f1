//! `callflow build --target bytecode` and `callflow disasm`: the round trip,
//! refusals, corrupted files, and a reviewed disassembly of every example
//! (tests/snapshots/bytecode_cli__disasm_<example>.snap; accept changes with
//! `INSTA_UPDATE=always cargo test --test bytecode_cli`, then read them).

mod common;

use common::{TempDir, callflow_in, examples, root, text};
use std::path::Path;

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = callflow_in(dir, args, None);
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

#[test]
fn build_writes_a_cfb_next_to_the_flow_and_disasm_reads_it() {
    let dir = TempDir::new("bytecode-roundtrip");
    let flow = std::fs::read_to_string(root().join("examples/voicemail.flow")).expect("example");
    dir.write("voicemail.flow", &flow);
    let (code, stdout, stderr) = run(&dir.0, &["build", "voicemail.flow", "--target", "bytecode"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "");
    assert!(stderr.starts_with("wrote voicemail.cfb ("), "{stderr}");
    let bytes = std::fs::read(dir.0.join("voicemail.cfb")).expect("voicemail.cfb");
    assert_eq!(bytes.get(..4), Some(&b"CFBC"[..]));

    let (code, listing, stderr) = run(&dir.0, &["disasm", "voicemail.cfb"]);
    assert_eq!(code, 0, "{stderr}");
    for state in [
        "greeting",
        "record_message",
        "review",
        "playback",
        "record_again",
        "saved",
        "nothing_recorded",
    ] {
        assert!(listing.contains(state), "{state} missing from\n{listing}");
    }

    // -o elsewhere; the same program gives the same bytes.
    std::fs::create_dir_all(dir.0.join("out")).expect("out/");
    let (code, _, stderr) = run(
        &dir.0,
        &["build", "voicemail.flow", "--target", "bytecode", "-o", "out/vm.cfb"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(std::fs::read(dir.0.join("out/vm.cfb")).expect("out/vm.cfb"), bytes);
}

#[test]
fn build_refuses_flows_with_errors_and_unknown_targets() {
    let dir = TempDir::new("bytecode-refuse");
    dir.write("broken.flow", "flow f {\n  start a\n}\nstep a {\n  goto b\n}\n");
    let (code, _, stderr) = run(&dir.0, &["build", "broken.flow", "--target", "bytecode"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("E0101"), "{stderr}");
    assert!(
        !dir.0.join("broken.cfb").exists(),
        "nothing is written for a broken flow"
    );

    let (code, _, stderr) = run(&root(), &["build", "examples/support.flow", "--target", "twiml"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: the target `twiml` is not implemented yet; available: bytecode, africastalking, 8x8, tropo, sinch\n"
    );
    let (code, _, stderr) = run(&root(), &["build", "examples/support.flow", "--target", "xml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown target `xml`"), "{stderr}");
    assert_eq!(
        run(&root(), &["build", "examples/support.flow"]).0,
        2,
        "--target is required"
    );
    assert_eq!(run(&dir.0, &["build", "missing.flow", "--target", "bytecode"]).0, 2);
}

#[test]
fn corrupted_bytecode_is_refused_with_a_reason() {
    let dir = TempDir::new("bytecode-corrupt");
    let flow = std::fs::read_to_string(root().join("examples/number_masking.flow")).expect("example");
    dir.write("masking.flow", &flow);
    assert_eq!(run(&dir.0, &["build", "masking.flow", "--target", "bytecode"]).0, 0);
    let good = std::fs::read(dir.0.join("masking.cfb")).expect("masking.cfb");

    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("not-bytecode.cfb", b"flow f {\n".to_vec()),
        ("empty.cfb", Vec::new()),
        ("truncated.cfb", good[..good.len() / 2].to_vec()),
    ];
    let mut version = good.clone();
    if let Some(byte) = version.get_mut(4) {
        *byte = byte.wrapping_add(7);
    }
    cases.push(("version.cfb", version));
    let mut tail = good.clone();
    tail.extend_from_slice(b"junk");
    cases.push(("trailing.cfb", tail));

    for (name, bytes) in &cases {
        std::fs::write(dir.0.join(name), bytes).expect("write case");
        for command in ["disasm", "sim"] {
            let (code, stdout, stderr) = run(&dir.0, &[command, name]);
            assert_eq!(code, 1, "{command} {name}: {stderr}");
            assert_eq!(stdout, "", "{command} {name}");
            assert!(
                stderr.starts_with(&format!("error: `{name}` is not valid callflow bytecode: "))
                    && stderr.lines().count() == 1,
                "{command} {name}: {stderr}"
            );
        }
    }
    let (code, _, stderr) = run(&dir.0, &["disasm", "missing.cfb"]);
    assert_eq!(code, 2);
    assert_eq!(stderr, "error: cannot read `missing.cfb`: no such file\n");
}

#[test]
fn every_example_disassembles_as_reviewed() {
    let dir = TempDir::new("bytecode-snapshots");
    let mut failures = Vec::new();
    for example in examples() {
        let stem = example
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Built from the repository root, so the file names in the debug
        // section are `examples/…` wherever the repository is.
        let source = format!("examples/{stem}.flow");
        let cfb = dir.0.join(format!("{stem}.cfb"));
        let cfb = cfb.to_string_lossy();
        let (code, _, stderr) = run(&root(), &["build", &source, "--target", "bytecode", "-o", &cfb]);
        assert_eq!(code, 0, "{source}: {stderr}");
        let (code, listing, stderr) = run(&root(), &["disasm", &cfb]);
        assert_eq!(code, 0, "{source}: {stderr}");
        let outcome = std::panic::catch_unwind(|| {
            insta::with_settings!({ omit_expression => true, description => source.clone() }, {
                insta::assert_snapshot!(format!("disasm_{stem}"), listing);
            });
        });
        if outcome.is_err() {
            failures.push(source);
        }
    }
    assert!(
        failures.is_empty(),
        "disassembly changed for:\n  {}\nReview with `cargo insta review`, or accept with\n\
         `INSTA_UPDATE=always cargo test --test bytecode_cli`, then read the diff.",
        failures.join("\n  ")
    );
}
