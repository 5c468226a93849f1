//! `callflow check`: load, analyse and report every given project.

use super::load::{self, Report};
use super::{Exit, discover, output};
use callflow_compiler::render::{self, Format};
use callflow_compiler::targets::{self, TargetKind};
use std::path::{Path, PathBuf};

/// Check .flow files for errors and warnings
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Each FILE is checked as the root of a project, together with the files it\n\
    imports. A directory stands for the .flow files below it. Without FILES, every\n\
    .flow file below the current directory is found (hidden directories and\n\
    target/ are skipped) and the ones no other file imports are checked.\n\n\
    Examples:\n  \
    callflow check                          # everything below the current directory\n  \
    callflow check support.flow sales.flow\n  \
    callflow check --format short flows/    # file:line:col: severity[CODE]: message\n  \
    callflow check --format sarif > callflow.sarif\n  \
    callflow check --deny-warnings          # fail CI on warnings too\n  \
    callflow check --target sinch support.flow  # and what Sinch needs\n\n\
    Exit status: 0 no errors, 1 errors (or warnings with --deny-warnings),\n\
    2 usage or I/O problems."
)]
pub struct Args {
    /// Root files (or directories) to check
    files: Vec<PathBuf>,
    /// Output format of the diagnostics (printed on stdout)
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    format: CheckFormat,
    /// Exit with status 1 when there are warnings
    #[arg(long)]
    deny_warnings: bool,
    /// Also check what a provider target needs (africastalking, 8x8, tropo,
    /// sinch): everything `build --target` would report
    #[arg(long, value_name = "TARGET", value_parser = parse_target)]
    target: Option<TargetKind>,
}

fn parse_target(id: &str) -> Result<TargetKind, String> {
    TargetKind::from_id(id).ok_or_else(|| {
        let ids: Vec<&str> = TargetKind::ALL.iter().map(|t| t.id()).collect();
        format!("unknown target `{id}`; provider targets: {}", ids.join(", "))
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum CheckFormat {
    /// Source snippets with labels, colour on a terminal (NO_COLOR disables it)
    Human,
    /// One line per diagnostic: file:line:col: severity[CODE]: message
    Short,
    /// JSON lines, one object per diagnostic
    Json,
    /// A SARIF 2.1.0 log, for code-scanning tools
    Sarif,
}

pub fn run(args: &Args) -> Exit {
    let mut exit = Exit::Clean;
    let roots = match roots(&args.files) {
        Ok(roots) => roots,
        Err(message) => {
            output::error(&message);
            return Exit::Usage;
        }
    };
    let mut report = Report::default();
    for root in &roots {
        match load::load(root) {
            Ok((project, analysis)) => {
                let diags = match args.target {
                    Some(target) => targets::check_project(&project, &analysis, target).1,
                    None => analysis.diagnostics,
                };
                report.add(&project.sources, diags)
            }
            Err(e) => {
                e.report();
                exit = Exit::Usage;
            }
        }
    }
    report.finish();
    let format = match args.format {
        CheckFormat::Human => Format::Human {
            color: output::stdout_color(),
        },
        CheckFormat::Short => Format::Short,
        CheckFormat::Json => Format::Json,
        CheckFormat::Sarif => Format::Sarif,
    };
    output::stdout(&render::render(&report.diagnostics, &report.sources, format));
    // People get a word that the check ran; machine formats stay pure.
    if args.format == CheckFormat::Human && report.diagnostics.is_empty() && !report.sources.is_empty() {
        let n = report.sources.len();
        output::stdout(&format!(
            "checked {n} file{}: no problems found\n",
            if n == 1 { "" } else { "s" }
        ));
    }
    let failed = report.has_errors() || (args.deny_warnings && report.has_warnings());
    if failed { exit.max(Exit::Errors) } else { exit }
}

/// The root files to load, by display name, each once.
fn roots(args: &[PathBuf]) -> Result<Vec<String>, String> {
    let mut roots: Vec<String> = Vec::new();
    if args.is_empty() {
        roots = discover::roots(&discover::flow_files(Path::new(".")));
        if roots.is_empty() {
            return Err("no .flow files found below the current directory".to_string());
        }
    }
    for arg in args {
        let found = if arg.is_dir() {
            let files = discover::flow_files(arg);
            if files.is_empty() {
                return Err(format!("no .flow files found in `{}`", arg.display()));
            }
            discover::roots(&files)
        } else {
            // Missing files are reported when they are read.
            vec![load::name_of(arg)]
        };
        for root in found {
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
    }
    Ok(roots)
}
