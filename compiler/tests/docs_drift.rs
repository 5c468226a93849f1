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

/// docs/targets.md: the capability matrix between its markers is generated
/// from the targets' capability tables; the prose around it is hand-written.
#[test]
fn targets_matrix_is_up_to_date() {
    use callflow_compiler::targets::matrix;
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/targets.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default().replace("\r\n", "\n");
    let Some(generated) = matrix::splice(&committed) else {
        panic!("docs/targets.md lacks the markers\n{}\n{}", matrix::BEGIN, matrix::END);
    };
    if std::env::var_os("UPDATE_DOCS").is_some() {
        if let Err(e) = std::fs::write(&path, &generated) {
            panic!("cannot write {}: {e}", path.display());
        }
        return;
    }
    assert!(
        committed == generated,
        "the capability matrix in docs/targets.md is out of date.\n\
         Regenerate it with:\n\n    UPDATE_DOCS=1 cargo test -p callflow-compiler --test docs_drift\n"
    );
}
