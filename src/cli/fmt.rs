//! `callflow fmt`: rewrite .flow files in the house style, or (`--check`)
//! show what would change. The layout itself is `callflow_compiler::format`.

use super::{Exit, discover, load, output};
use callflow_compiler::format::format;
use std::path::PathBuf;
use std::time::Duration;

/// Format .flow files in the house style
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Rewrites each file in place when its layout differs from the house style\n\
    (docs/fmt.md) and names the files it rewrote. A directory stands for the .flow\n\
    files below it; without FILES, every .flow file below the current directory is\n\
    formatted (hidden directories and target/ are skipped). A file with syntax\n\
    errors is left alone. Line endings become LF.\n\n\
    Examples:\n  \
    callflow fmt                      # everything below the current directory\n  \
    callflow fmt support.flow flows/\n  \
    callflow fmt --check              # in CI: a diff of what is not formatted\n\n\
    Exit status: 0 formatted (or, with --check, already formatted), 1 a file is\n\
    not formatted (--check) or has syntax errors, 2 usage or I/O problems."
)]
pub struct Args {
    /// Files (or directories) to format
    files: Vec<PathBuf>,
    /// Write nothing; print a diff of each file that is not formatted and
    /// exit with status 1 if there is one
    #[arg(long)]
    check: bool,
}

pub fn run(args: &Args) -> Exit {
    let files = match discover::expand(&args.files, ".flow files", discover::flow_files) {
        Ok(files) => files,
        Err(message) => {
            output::error(&message);
            return Exit::Usage;
        }
    };
    let mut exit = Exit::Clean;
    let mut unformatted = 0;
    for name in &files {
        let (file_exit, changed) = one(name, args.check);
        exit = exit.max(file_exit);
        unformatted += usize::from(changed);
    }
    if args.check && unformatted > 0 {
        let s = if unformatted == 1 { "" } else { "s" };
        output::stderr(&format!(
            "{unformatted} file{s} would be reformatted (run `callflow fmt`)\n"
        ));
    }
    exit
}

/// Format one file. Returns how that went and whether it is (or was) not
/// formatted.
fn one(name: &str, check: bool) -> (Exit, bool) {
    let text = match load::read_text(name) {
        Ok(text) => text,
        Err(e) => {
            e.report();
            return (Exit::Usage, false);
        }
    };
    let formatted = match format(&text) {
        Ok(formatted) if formatted == text => return (Exit::Clean, false),
        Ok(formatted) => formatted,
        Err(e) => {
            output::error(&format!("cannot format `{name}`: {e}"));
            return (Exit::Errors, false);
        }
    };
    if check {
        output::stdout(&diff(name, &text, &formatted));
        if text.contains('\r') {
            // Otherwise the diff's changed lines look the same.
            output::stderr(&format!(
                "note: `{name}` has CR line endings; `callflow fmt` writes LF\n"
            ));
        }
        return (Exit::Errors, true);
    }
    match std::fs::write(name, &formatted) {
        Ok(()) => {
            output::stdout(&format!("reformatted {name}\n"));
            (Exit::Clean, true)
        }
        Err(e) => {
            output::error(&format!("cannot write `{name}`: {e}"));
            (Exit::Usage, false)
        }
    }
}

/// A unified diff from `old` to `new`, git style (`a/NAME`, `b/NAME`), so that
/// `git apply` or `patch -p1` can apply it.
///
/// Patience, with a deadline: Myers' algorithm took minutes on a 120,000-line
/// file with most lines re-indented; past the deadline the diff is still
/// correct, only less minimal.
fn diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .timeout(Duration::from_secs(1))
        .diff_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}
