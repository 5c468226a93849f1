//! The `callflow` command. Everything lives in `cli/`; the compiler, runtime
//! and LSP crates do the work.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
