//! Command-line parsing and dispatch: one module per subcommand, plus the
//! loaders (`load`, `discover`, `program`) that are the only code here
//! touching the disk.

mod build;
mod check;
mod disasm;
mod discover;
mod explain;
mod fmt;
mod graph;
mod load;
mod lsp;
mod output;
mod program;
mod serve;
mod serve_sip;
mod sim;
mod test;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// How a run ends. Ordered, so the worst outcome of several files wins.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Nothing wrong (warnings allowed).
    #[default]
    Clean = 0,
    /// The input has errors (or warnings under `--deny-warnings`).
    Errors = 1,
    /// Bad usage, or a file could not be read.
    Usage = 2,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "callflow",
    version,
    about = "Check, visualise, compile, simulate, test and serve telephone call flows written in .flow files",
    after_help = "Exit status: 0 no errors, 1 the input has errors, 2 usage or I/O problems.\n\
                  Run `callflow <COMMAND> --help` for a command's options and examples."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Check(check::Args),
    Fmt(fmt::Args),
    Build(build::Args),
    Graph(graph::Args),
    Sim(sim::Args),
    Serve(serve::Args),
    Test(test::Args),
    Explain(explain::Args),
    Disasm(disasm::Args),
    Lsp(lsp::Args),
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // `--help` and `--version` arrive here too, with exit code 0;
            // usage errors have exit code 2.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let exit = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Build(args) => build::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Sim(args) => sim::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Disasm(args) => disasm::run(&args),
        Command::Lsp(args) => lsp::run(&args),
    };
    exit.into()
}
