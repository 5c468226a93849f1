//! `callflow build FILE --target bytecode`: compile a project to a `.cfb` file.

use super::{Exit, load, output, program};
use callflow_compiler::bytecode;
use std::path::{Path, PathBuf};

/// Compile a flow project for a target
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Targets: `bytecode` (a .cfb file for the callflow runtime, `callflow sim`\n\
    and `callflow disasm`). Provider targets (africastalking, 8x8, tropo, sinch)\n\
    are not implemented yet.\n\n\
    A project with errors is not built: its diagnostics are printed and the exit\n\
    status is 1. Warnings are printed and do not stop the build.\n\n\
    Examples:\n  \
    callflow build support.flow --target bytecode           # writes support.cfb\n  \
    callflow build support.flow --target bytecode -o out/support.cfb\n\n\
    Exit status: 0 built, 1 the project has errors, 2 usage or I/O problems."
)]
pub struct Args {
    /// The root .flow file of the project
    file: PathBuf,
    /// What to compile to
    #[arg(long, value_name = "TARGET")]
    target: String,
    /// Where to write the output (default: FILE with the target's extension)
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
}

/// Targets the design names that are not built yet: asked for, they get a
/// clear "not yet" instead of "unknown".
const PLANNED: &[&str] = &["africastalking", "8x8", "tropo", "sinch", "twiml", "vonage", "voicexml"];

pub fn run(args: &Args) -> Exit {
    let target = args.target.to_ascii_lowercase();
    if target != "bytecode" {
        let why = if PLANNED.contains(&target.as_str()) {
            format!(
                "the target `{}` is not implemented yet; available: bytecode",
                args.target
            )
        } else {
            format!("unknown target `{}`; available: bytecode", args.target)
        };
        output::error(&why);
        return Exit::Usage;
    }
    let name = load::name_of(&args.file);
    let compiled = match program::compile(&name, false) {
        Ok(compiled) => compiled,
        Err(exit) => return exit,
    };
    let out = args.output.clone().unwrap_or_else(|| default_output(&args.file));
    let bytes = bytecode::encode(&compiled.program);
    if let Err(e) = std::fs::write(&out, &bytes) {
        output::error(&format!("cannot write `{}`: {e}", out.display()));
        return Exit::Usage;
    }
    output::stderr(&format!("wrote {} ({} bytes)\n", load::name_of(&out), bytes.len()));
    Exit::Clean
}

/// `support.flow` → `support.cfb`, next to it.
fn default_output(file: &Path) -> PathBuf {
    file.with_extension("cfb")
}
