//! `callflow disasm FILE.cfb`: print bytecode for people.

use super::{Exit, load, output, program};
use callflow_compiler::bytecode;
use std::path::PathBuf;

/// Print a bytecode file as text
#[derive(Debug, clap::Args)]
#[command(
    after_help = "The file is verified first, exactly as the runtime does before running it;\n\
    bytecode that fails verification is refused with the reason.\n\n\
    Examples:\n  \
    callflow build support.flow --target bytecode && callflow disasm support.cfb\n\n\
    Exit status: 0 printed, 1 not valid bytecode, 2 usage or I/O problems."
)]
pub struct Args {
    /// A .cfb file written by `callflow build --target bytecode`
    file: PathBuf,
}

pub fn run(args: &Args) -> Exit {
    let name = load::name_of(&args.file);
    match program::load_bytecode(&name) {
        Ok(program) => {
            output::stdout(&bytecode::disasm(&program));
            Exit::Clean
        }
        Err(exit) => exit,
    }
}
