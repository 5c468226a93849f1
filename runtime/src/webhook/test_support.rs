//! Programs for the webhook host's unit tests.

use callflow_compiler::bytecode::{self, Program};
use callflow_compiler::project::{Project, analyze};
use std::path::Path;
use std::sync::Arc;

/// Monday 23 November 2026, 10:00 in Nairobi (07:00 UTC): Acme Kenya is open.
pub const MONDAY_10_NAIROBI_MS: i64 = 1_795_417_200_000;

/// Compile one flow file's text; it must have no errors.
pub fn program(text: &str) -> Arc<Program> {
    let project = Project::single("test.flow", text);
    let analysis = analyze(&project);
    let errors: Vec<String> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    Arc::new(bytecode::compile(&project, &analysis).expect("compiles"))
}

/// Compile an example of `examples/`, with its imports.
pub fn example(name: &str) -> Arc<Program> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let text = std::fs::read_to_string(dir.join(name)).expect("example");
    let project = Project::load(name, &text, &mut |_, path| {
        std::fs::read_to_string(dir.join(path))
            .map(|t| (path.to_string(), t))
            .map_err(|e| e.to_string())
    });
    let analysis = analyze(&project);
    Arc::new(bytecode::compile(&project, &analysis).expect("compiles"))
}
