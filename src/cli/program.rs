//! Getting a bytecode `Program` from the disk: compiling a `.flow` project in
//! memory, or loading (and verifying) a `.cfb` file. Shared by `build`,
//! `disasm`, `sim` and `test`, so that they report problems alike.

use super::{Exit, load, output};
use callflow_compiler::bytecode::{self, Program};
use callflow_compiler::project::Analysis;
use callflow_compiler::render::{self, Format};
use std::path::Path;

/// A compiled project, with what the compiler knows about it (coverage
/// needs the IR).
pub struct Compiled {
    pub analysis: Analysis,
    pub program: Program,
}

/// Load, check and compile the project rooted at `name`. Diagnostics go to
/// stderr (warnings too, unless `quiet_warnings`); a project with errors is
/// not compiled and gives `Exit::Errors`, an unreadable file `Exit::Usage`.
pub fn compile(name: &str, quiet_warnings: bool) -> Result<Compiled, Exit> {
    let (project, analysis) = load::load(name).map_err(|e| {
        e.report();
        Exit::Usage
    })?;
    let format = Format::Human {
        color: output::stderr_color(),
    };
    match bytecode::compile(&project, &analysis) {
        Ok(program) => {
            if !quiet_warnings && !analysis.diagnostics.is_empty() {
                output::stderr(&render::render(&analysis.diagnostics, &project.sources, format));
            }
            Ok(Compiled { analysis, program })
        }
        Err(_) => {
            // All diagnostics, warnings included: they often explain the errors.
            output::stderr(&render::render(&analysis.diagnostics, &project.sources, format));
            Err(Exit::Errors)
        }
    }
}

/// Read and verify a bytecode file. A file that is not valid bytecode is
/// "input with errors" (exit 1), like a flow with errors.
pub fn load_bytecode(name: &str) -> Result<Program, Exit> {
    let bytes = load::read_bytes(name).map_err(|e| {
        e.report();
        Exit::Usage
    })?;
    bytecode::load(&bytes).map_err(|e| {
        output::error(&format!("`{name}` is not valid callflow bytecode: {e}"));
        Exit::Errors
    })
}

/// Is this a bytecode file (by its extension)?
pub fn is_bytecode(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("cfb"))
}

/// A `.flow` compiled in memory, or a `.cfb` loaded.
pub fn program_for(path: &Path) -> Result<Program, Exit> {
    let name = load::name_of(path);
    if is_bytecode(path) {
        load_bytecode(&name)
    } else {
        compile(&name, true).map(|c| c.program)
    }
}
