//! Every program in `examples/` must check clean: no errors, no warnings, and
//! an IR that passes the structural verifier.
//!
//! The examples are the flows people copy from, so a warning in one of them is
//! a bug in the example (or in a check). Roots are `examples/*.flow`; files in
//! `examples/shared/` have no `flow` block of their own and are only checked
//! through the roots that import them.

use callflow_compiler::project::{self, Project, ReadResult, normalize_path};
use callflow_compiler::{Diagnostic, SourceMap};
use std::fs;
use std::path::{Path, PathBuf};

/// The example roots, sorted so that failures are reported in a stable order.
fn roots() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut roots: Vec<PathBuf> = entries
        .map(|entry| {
            entry
                .unwrap_or_else(|e| panic!("cannot read an entry of {}: {e}", dir.display()))
                .path()
        })
        .filter(|p| p.is_file() && p.extension().is_some_and(|ext| ext == "flow"))
        .collect();
    roots.sort();
    roots
}

/// Resolve `path` relative to the directory of the file named `importer`, as
/// the CLI does. File names are kept as paths so that a file imported by two
/// routes is recognised as one file.
fn read(importer: &str, path: &str) -> ReadResult {
    let base = Path::new(importer).parent().unwrap_or(Path::new("."));
    let full = base.join(path);
    let text = fs::read_to_string(&full).map_err(|e| format!("{}: {e}", full.display()))?;
    Ok((normalize_path(&full).display().to_string(), text))
}

/// One diagnostic as a reviewer wants to read it: code, severity, message,
/// where (file, line:column and byte span) and the help.
fn describe(d: &Diagnostic, sources: &SourceMap) -> String {
    let mut out = format!("{} [{}] {}: {}", d.code.id, d.code.name, d.severity.as_str(), d.message);
    for label in &d.labels {
        let (file, at) = match sources.get(label.span.file) {
            Some(f) => {
                let lc = f.lines.line_col(&f.text, label.span.start as usize);
                let snippet = f.slice(label.span).lines().next().unwrap_or("");
                (
                    f.name.as_str(),
                    format!(
                        "{}:{} bytes {}..{} `{snippet}`",
                        lc.line, lc.column, label.span.start, label.span.end
                    ),
                )
            }
            None => (
                "<unknown file>",
                format!("bytes {}..{}", label.span.start, label.span.end),
            ),
        };
        let kind = if label.primary { "at" } else { "see" };
        out.push_str(&format!("\n    {kind} {file}:{at} — {}", label.message));
    }
    if let Some(help) = &d.help {
        out.push_str(&format!("\n    help: {help}"));
    }
    for note in &d.notes {
        out.push_str(&format!("\n    note: {note}"));
    }
    out
}

#[test]
fn there_are_enough_examples() {
    let roots = roots();
    assert!(
        roots.len() >= 6,
        "expected at least 6 examples/*.flow, found {}: {roots:?}",
        roots.len()
    );
}

#[test]
fn every_example_checks_clean_and_its_ir_verifies() {
    let mut failures = Vec::new();
    for root in roots() {
        let name = root.display().to_string();
        let text = fs::read_to_string(&root).unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
        let project = Project::load(&name, &text, &mut read);
        let analysis = project::analyze(&project);
        if !analysis.diagnostics.is_empty() {
            let listed: Vec<String> = analysis
                .diagnostics
                .iter()
                .map(|d| describe(d, &project.sources))
                .collect();
            failures.push(format!(
                "{name}: {} diagnostic(s)\n  {}",
                listed.len(),
                listed.join("\n  ")
            ));
        }
        let problems = callflow_compiler::ir::verify::verify(&analysis.ir);
        if !problems.is_empty() {
            failures.push(format!(
                "{name}: the IR breaks {} invariant(s) (a compiler bug)\n  {}",
                problems.len(),
                problems.join("\n  ")
            ));
        }
        if analysis.ir.flows.is_empty() {
            failures.push(format!("{name}: a root example must declare a flow"));
        }
    }
    assert!(
        failures.is_empty(),
        "examples that do not check clean:\n\n{}",
        failures.join("\n\n")
    );
}

/// Shared files are there to be imported: each must be used by some root, or
/// it is dead weight that nobody checks.
#[test]
fn every_shared_file_is_imported() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join("shared");
    let Ok(entries) = fs::read_dir(&shared) else { return };
    let mut imported = Vec::new();
    for root in roots() {
        let name = root.display().to_string();
        let text = fs::read_to_string(&root).unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
        let project = Project::load(&name, &text, &mut read);
        imported.extend(project.sources.iter().map(|(_, f)| f.name.clone()));
    }
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("cannot read an entry of {}: {e}", shared.display()))
            .path();
        if path.extension().is_some_and(|ext| ext == "flow") {
            let name = normalize_path(&path).display().to_string();
            assert!(imported.contains(&name), "{name} is not imported by any example");
        }
    }
}
