//! `check --format sarif` output conforms to the official SARIF 2.1.0 JSON
//! schema (validated with ajv by tests/tools/js/sarif-validate.mjs), for every
//! diagnostic fixture — every code, secondary labels, notes, several files —
//! and for a clean run with no results.

mod common;

use common::{callflow, examples, js_tool, root, scratch};
use std::process::Command;

#[test]
fn sarif_output_validates_against_the_official_schema() {
    let Some(validator) = js_tool("sarif-validate.mjs") else {
        return;
    };
    let dir = scratch("sarif");
    let fixtures = root().join("tests/diagnostics");
    let mut inputs: Vec<String> = std::fs::read_dir(&fixtures)
        .expect("tests/diagnostics")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "flow"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    inputs.sort();
    let mut logs = Vec::new();
    // All fixtures in one log (many rules and results), then each example (no results).
    let all = callflow(
        &[
            &["check", "--format", "sarif"][..],
            &inputs.iter().map(String::as_str).collect::<Vec<_>>(),
        ]
        .concat(),
    );
    assert_eq!(all.status.code(), Some(1), "fixtures have errors");
    let file = dir.join("fixtures.sarif");
    std::fs::write(&file, &all.stdout).expect("write sarif");
    logs.push(file);
    for example in examples() {
        let out = callflow(&["check", "--format", "sarif", &example.to_string_lossy()]);
        let file = dir.join(format!(
            "{}.sarif",
            example.file_stem().unwrap_or_default().to_string_lossy()
        ));
        std::fs::write(&file, &out.stdout).expect("write sarif");
        logs.push(file);
    }
    let out = Command::new("node")
        .arg(validator)
        .args(&logs)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "SARIF does not validate:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
