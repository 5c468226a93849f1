//! `callflow test`: run scenario files (`*.test.toml`) against their flows.

use super::{Exit, discover, load, output, program};
use callflow_runtime::scenario::compare;
use callflow_runtime::scenario::coverage::{Coverage, Model};
use callflow_runtime::scenario::{ScenarioFile, run};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Run scenario tests: scripted callers with expected paths, prompts and endings
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Each FILE is a scenario file (see docs/scenarios.md); a directory stands for\n\
    the *.test.toml files below it. Without FILES, every *.test.toml below the\n\
    current directory runs (hidden directories and target/ are skipped). A\n\
    scenario file tests the .flow file next to it with the same name, unless it\n\
    sets `flow_file`.\n\n\
    Examples:\n  \
    callflow test\n  \
    callflow test examples/support.test.toml --coverage\n\n\
    Exit status: 0 every scenario passed, 1 a scenario failed or a file has\n\
    errors, 2 usage or I/O problems."
)]
pub struct Args {
    /// Scenario files or directories (default: every *.test.toml below here)
    files: Vec<PathBuf>,
    /// Also report which states and transitions the scenarios never reached
    #[arg(long)]
    coverage: bool,
}

/// Totals over every file.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    exit: Exit,
    /// Coverage per flow file, merged over the scenario files that test it.
    coverage: BTreeMap<String, Coverage>,
}

pub fn run(args: &Args) -> Exit {
    let files = match discover::expand(&args.files, "*.test.toml files", discover::test_files) {
        Ok(files) => files,
        Err(message) => {
            output::error(&message);
            return Exit::Usage;
        }
    };
    let mut tally = Tally::default();
    for file in &files {
        run_file(file, &mut tally);
    }
    if args.coverage {
        for (flow, coverage) in &tally.coverage {
            output::stdout(&coverage_report(flow, coverage));
        }
    }
    output::stdout(&format!("\n{} passed, {} failed\n", tally.passed, tally.failed));
    if tally.failed > 0 {
        tally.exit = tally.exit.max(Exit::Errors);
    }
    tally.exit
}

/// Run every scenario of one file, printing as it goes.
fn run_file(name: &str, tally: &mut Tally) {
    let text = match load::read_text(name) {
        Ok(text) => text,
        Err(e) => {
            e.report();
            tally.exit = tally.exit.max(Exit::Usage);
            return;
        }
    };
    let file = match ScenarioFile::parse(&text) {
        Ok(file) => file,
        Err(errors) => {
            for e in errors {
                output::stderr(&format!("{name}:{}:{}: error: {}\n", e.line, e.column, e.message));
            }
            output::stdout(&format!("{name}: FAILED (the scenario file has errors)\n"));
            tally.failed += 1;
            return;
        }
    };
    let flow = flow_file_of(name, file.flow_file.as_deref());
    let count = file.scenarios.len();
    output::stdout(&format!(
        "running {count} scenario{} of {name} against {flow}\n",
        plural(count)
    ));
    let compiled = match program::compile(&flow, true) {
        Ok(compiled) => compiled,
        Err(exit) => {
            let why = if exit == Exit::Usage {
                "cannot be read"
            } else {
                "has errors"
            };
            output::stdout(&format!(
                "  {flow} {why}: all {count} scenario{} FAILED\n",
                plural(count)
            ));
            tally.failed += count;
            tally.exit = tally.exit.max(exit);
            return;
        }
    };
    let coverage = tally
        .coverage
        .entry(flow.clone())
        .or_insert_with(|| Coverage::new(Model::of(&compiled.analysis.ir)));
    let program = Arc::new(compiled.program);
    for scenario in &file.scenarios {
        let transcript = run::run(&program, scenario);
        coverage.record(&transcript.path, &transcript.transitions);
        let mismatches = compare::compare(&scenario.expect, &transcript);
        if mismatches.is_empty() {
            output::stdout(&format!("  {} ... ok\n", scenario.name));
            tally.passed += 1;
        } else {
            output::stdout(&format!(
                "  {} ... FAILED ({name}:{})\n{}",
                scenario.name,
                scenario.line,
                compare::render(&mismatches)
            ));
            tally.failed += 1;
        }
    }
}

/// The flow a scenario file tests: `flow_file` relative to the scenario
/// file, else `NAME.flow` next to `NAME.test.toml`.
fn flow_file_of(test_file: &str, flow_file: Option<&str>) -> String {
    let path = Path::new(test_file);
    let dir = path.parent().unwrap_or(Path::new(""));
    let flow = match flow_file {
        Some(flow) => dir.join(flow),
        None => {
            let file_name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let stem = file_name.strip_suffix(".test.toml").unwrap_or(&file_name);
            dir.join(format!("{stem}.flow"))
        }
    };
    load::name_of(&flow)
}

/// `coverage FLOW: states …, transitions …` and what was never reached.
fn coverage_report(flow: &str, coverage: &Coverage) -> String {
    let mut out = format!("coverage {flow}: {}\n", coverage.summary());
    for state in coverage.never_entered() {
        out.push_str(&format!("  never entered: {state}\n"));
    }
    for transition in coverage.never_taken() {
        out.push_str(&format!("  never taken: {transition}\n"));
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flow_file_is_next_to_the_scenarios() {
        assert_eq!(
            flow_file_of("examples/support.test.toml", None),
            "examples/support.flow"
        );
        assert_eq!(
            flow_file_of("examples/support.test.toml", Some("../flows/x.flow")),
            "flows/x.flow"
        );
        assert_eq!(flow_file_of("a.test.toml", None), "a.flow");
    }
}
