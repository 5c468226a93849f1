//! The `callflow` command. Everything lives in `cli/`; the compiler, runtime
//! and LSP crates do the work.

mod cli;

// The compiler allocates many small strings and nodes; mimalloc checks large
// flows markedly faster than the system allocator (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
