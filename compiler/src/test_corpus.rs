//! The real `.flow` files unit tests read: the examples and the diagnostic
//! fixtures, found from the crate's directory at run time.

use std::path::{Path, PathBuf};

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `*.flow` directly in `dir`, sorted, with its text.
pub fn flows_in(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "flow"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.display().to_string(), text)
        })
        .collect();
    out.sort();
    out
}

/// The examples, with the files they share.
pub fn examples() -> Vec<(String, String)> {
    let mut out = flows_in(&repo().join("examples"));
    out.extend(flows_in(&repo().join("examples/shared")));
    assert!(out.len() >= 9, "examples not found");
    out
}

/// The diagnostic fixtures (one or more per code).
pub fn fixtures() -> Vec<(String, String)> {
    let out = flows_in(&repo().join("tests/diagnostics"));
    assert!(out.len() >= 30, "fixtures not found");
    out
}
