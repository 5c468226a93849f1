//! `callflow graph FILE`: the call graph as Graphviz DOT or Mermaid.

use super::{Exit, load, output};
use callflow_compiler::ir::{dot, mermaid};
use callflow_compiler::render::{self, Format};
use std::path::PathBuf;

/// Print a flow's call graph as Graphviz DOT or a Mermaid flowchart
#[derive(Debug, clap::Args)]
#[command(
    after_help = "One node per action, one box per state, edges labelled with the outcome that\n\
    takes them. The graph goes to stdout. If the project has errors they are\n\
    printed on stderr and the exit status is 1, but the graph of what could be\n\
    understood is still printed.\n\n\
    Examples:\n  \
    callflow graph support.flow | dot -Tsvg > support.svg\n  \
    callflow graph --format mermaid support.flow > support.mmd"
)]
pub struct Args {
    /// The root .flow file of the project
    file: PathBuf,
    /// Graph syntax
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    format: GraphFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum GraphFormat {
    /// Graphviz DOT (render with `dot -Tsvg`)
    Dot,
    /// A Mermaid `flowchart TD` (renders in Markdown on GitHub and GitLab)
    Mermaid,
}

pub fn run(args: &Args) -> Exit {
    let name = load::name_of(&args.file);
    let (project, analysis) = match load::load(&name) {
        Ok(loaded) => loaded,
        Err(e) => {
            e.report();
            return Exit::Usage;
        }
    };
    let diags = &analysis.diagnostics;
    if !diags.is_empty() {
        let format = Format::Human {
            color: output::stderr_color(),
        };
        output::stderr(&render::render(diags, &project.sources, format));
    }
    let graph = match args.format {
        GraphFormat::Dot => dot::to_dot(&analysis.ir),
        GraphFormat::Mermaid => mermaid::to_mermaid(&analysis.ir),
    };
    output::stdout(&graph);
    if diags.iter().any(|d| d.is_error()) {
        Exit::Errors
    } else {
        Exit::Clean
    }
}
