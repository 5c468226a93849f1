//! Diagnostic fixtures: tests/diagnostics/<CODE>_<name>.flow, one per code.
//!
//! Each fixture is checked through the compiler API and snapshotted (source
//! and rendered diagnostics together, under tests/snapshots/) so that a change
//! in wording or placement shows up in review. Accept new or changed
//! snapshots with `INSTA_UPDATE=always cargo test --test diagnostics` (or
//! `cargo insta review`), then read them.
//!
//! A fixture whose first line is `# target: <id>` (`# target: tropo`) is also
//! compiled for that provider when the flow itself has no errors, so that the
//! target codes (E05xx) have fixtures too; its target diagnostics join the
//! snapshot.

use callflow_compiler::codes;
use callflow_compiler::diagnostic::Diagnostic;
use callflow_compiler::project::{self, Project, ReadResult};
use callflow_compiler::render::{self, Format};
use callflow_compiler::targets::{self, TargetKind};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics")
}

/// Every fixture whose file name starts with a code id (`E0101_…`), sorted.
/// Other .flow files in the directory are helpers that fixtures import.
fn fixtures() -> Vec<(String, String)> {
    let Ok(entries) = std::fs::read_dir(fixture_dir()) else {
        panic!("cannot list {}", fixture_dir().display())
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".flow") && code_of(n).is_some())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| (n.clone(), read(&n).unwrap_or_else(|e| panic!("cannot read {n}: {e}"))))
        .collect()
}

/// `E0101` of `E0101_undefined_state.flow`.
fn code_of(file_name: &str) -> Option<&str> {
    let id = file_name.get(..5)?;
    let well_formed = id.starts_with(['E', 'W']) && id[1..].chars().all(|c| c.is_ascii_digit());
    (well_formed && file_name[5..].starts_with('_')).then_some(id)
}

/// Fixture text, with Windows line endings undone so snapshots match anywhere.
fn read(name: &str) -> Result<String, String> {
    match std::fs::read_to_string(fixture_dir().join(name)) {
        Ok(text) => Ok(text.replace("\r\n", "\n")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err("no such file".to_string()),
        Err(e) => Err(format!("{:?}", e.kind())),
    }
}

/// Imports resolve relative to the importing fixture, inside the fixture
/// directory, so E0003's fixture can import a file that is not there.
fn read_import(importer: &str, path: &str) -> ReadResult {
    let dir = Path::new(importer).parent().unwrap_or(Path::new(""));
    let name = dir.join(path).to_string_lossy().replace('\\', "/");
    read(&name).map(|text| (name, text))
}

/// The provider named by a `# target: <id>` first line.
fn target_of(name: &str, text: &str) -> Option<TargetKind> {
    let id = text.lines().next()?.strip_prefix("# target:")?;
    let target = TargetKind::from_id(id);
    assert!(target.is_some(), "{name}: unknown target `{}`", id.trim());
    target
}

/// Every diagnostic of the fixture: the checks', then its target's.
fn check(name: &str, text: &str) -> (Project, Vec<Diagnostic>) {
    let project = Project::load(name, text, &mut read_import);
    let analysis = project::analyze(&project);
    let diagnostics = match target_of(name, text) {
        Some(target) => targets::check_project(&project, &analysis, target).1,
        None => analysis.diagnostics,
    };
    (project, diagnostics)
}

#[test]
fn fixtures_match_their_snapshots() {
    let mut failures = Vec::new();
    for (name, text) in fixtures() {
        let (project, diagnostics) = check(&name, &text);
        let rendered = render::render(&diagnostics, &project.sources, Format::Human { color: false });
        let snapshot = format!("----- SOURCE CODE -- {name}\n{text}\n----- DIAGNOSTICS\n{rendered}");
        let stem = name.trim_end_matches(".flow").to_string();
        // One failing snapshot must not hide the others: collect, then report.
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            insta::with_settings!({ omit_expression => true, description => format!("tests/diagnostics/{name}") }, {
                insta::assert_snapshot!(stem.as_str(), snapshot);
            });
        }));
        if outcome.is_err() {
            failures.push(name.clone());
        }
        let id = code_of(&name).unwrap_or_default();
        if !diagnostics.iter().any(|d| d.code.id == id) {
            failures.push(format!("{name} does not produce {id}"));
        }
    }
    assert!(
        failures.is_empty(),
        "fixture failures:\n  {}\n\nReview changed snapshots with `cargo insta review`, or accept them all with\n\
         `INSTA_UPDATE=always cargo test --test diagnostics`, then read the diff.",
        failures.join("\n  ")
    );
}

#[test]
fn every_code_has_exactly_one_fixture_named_after_it() {
    let fixtures = fixtures();
    let mut problems = Vec::new();
    let mut missing = Vec::new();
    for code in codes::ALL {
        let expected = format!("{}_{}.flow", code.id, code.name.replace('-', "_"));
        let matching: Vec<&str> = fixtures
            .iter()
            .map(|(n, _)| n.as_str())
            .filter(|n| code_of(n) == Some(code.id))
            .collect();
        match matching.as_slice() {
            [] => missing.push(expected),
            [one] if *one == expected => {}
            [one] => problems.push(format!("{one} should be named {expected}")),
            many => problems.push(format!("{} has {} fixtures: {}", code.id, many.len(), many.join(", "))),
        }
    }
    for (name, _) in &fixtures {
        if code_of(name).is_some_and(|id| codes::lookup(id).is_none()) {
            problems.push(format!("{name} is named after a code that does not exist"));
        }
    }
    if !missing.is_empty() {
        problems.push(format!(
            "missing fixtures under tests/diagnostics/:\n    {}",
            missing.join("\n    ")
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_fixture_diagnostic_has_help_and_a_label() {
    let mut problems = Vec::new();
    for (name, text) in fixtures() {
        for d in check(&name, &text).1 {
            if d.help.as_deref().is_none_or(str::is_empty) {
                problems.push(format!("{name}: {} `{}` has no help", d.code.id, d.message));
            }
            if d.labels.is_empty() {
                problems.push(format!("{name}: {} `{}` has no label", d.code.id, d.message));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
