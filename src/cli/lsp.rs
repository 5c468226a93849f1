//! `callflow lsp`: the language server on stdin/stdout (docs/lsp.md).

use super::Exit;

/// Run the language server on stdin/stdout, for editors
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Editors start this command and speak the Language Server Protocol with it over\n\
    stdin/stdout: diagnostics as you type, hover, go to definition, references,\n\
    rename, completion, outline, quick fixes and semantic highlighting.\n\
    A `# target: <id>` first line, or the initialization option {\"target\": \"<id>\"},\n\
    adds a provider's checks. Set-up for VS Code, Neovim and Helix: editors/README.md.\n\n\
    Examples:\n  \
    callflow lsp                                     # what an editor runs\n  \
    vim.lsp.start({ name = \"callflow\", cmd = { \"callflow\", \"lsp\" } })   -- Neovim 0.8+"
)]
pub struct Args {}

pub fn run(_: &Args) -> Exit {
    match callflow_lsp::run_stdio() {
        Ok(()) => Exit::Clean,
        Err(e) => {
            super::output::error(&format!("cannot start the language server: {e}"));
            Exit::Usage
        }
    }
}
