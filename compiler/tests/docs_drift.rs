//! docs/diagnostics.md is generated from the code registry; this test fails
//! when the committed file no longer matches, and rewrites it on request:
//!
//!     UPDATE_DOCS=1 cargo test -p callflow-compiler --test docs_drift

use std::path::PathBuf;

#[test]
fn diagnostics_index_is_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/diagnostics.md");
    let generated = callflow_compiler::render::diagnostics_index();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        if let Err(e) = std::fs::write(&path, &generated) {
            panic!("cannot write {}: {e}", path.display());
        }
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed.replace("\r\n", "\n") != generated {
        let first_difference = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .map_or_else(|| "at the end".to_string(), |i| format!("from line {}", i + 1));
        panic!(
            "docs/diagnostics.md is out of date ({first_difference}).\n\
             Regenerate it with:\n\n    UPDATE_DOCS=1 cargo test -p callflow-compiler --test docs_drift\n"
        );
    }
}
