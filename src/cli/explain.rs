//! `callflow explain CODE`: print a diagnostic's explain page.

use super::{Exit, output};
use callflow_compiler::codes;
use callflow_compiler::suggest::did_you_mean;
use std::fmt::Write;

/// Explain a diagnostic code: what it means, an example and how to fix it
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    callflow explain E0101        # by id (case-insensitive)\n  \
    callflow explain dead-end     # by name\n  \
    callflow explain --list       # every code with its summary\n\n\
    The same pages are in docs/diagnostics.md.")]
pub struct Args {
    /// A code id such as `E0302` or a name such as `dead-end`
    #[arg(required_unless_present = "list")]
    code: Option<String>,
    /// List every code instead
    #[arg(long, conflicts_with = "code")]
    list: bool,
}

pub fn run(args: &Args) -> Exit {
    if args.list {
        output::stdout(&list());
        return Exit::Clean;
    }
    let query = args.code.as_deref().unwrap_or_default();
    match codes::lookup(query) {
        Some(code) => {
            let page = format!(
                "{} {} ({})\n{}\n\n{}\n",
                code.id,
                code.name,
                code.severity.as_str(),
                code.summary,
                code.explain.trim_end()
            );
            output::stdout(&page);
            Exit::Clean
        }
        None => {
            let mut message = format!("unknown diagnostic code `{query}`");
            if let Some(close) = suggestion(query) {
                let _ = write!(message, "\n  help: did you mean `{close}`?");
            }
            message.push_str("\n  note: `callflow explain --list` lists every code");
            output::error(&message);
            Exit::Usage
        }
    }
}

/// The closest id (compared in upper case) or name (in lower case).
fn suggestion(query: &str) -> Option<&'static str> {
    let q = query.trim();
    did_you_mean(&q.to_ascii_uppercase(), codes::ALL.iter().map(|c| c.id))
        .or_else(|| did_you_mean(&q.to_ascii_lowercase(), codes::ALL.iter().map(|c| c.name)))
}

fn list() -> String {
    let width = codes::ALL.iter().map(|c| c.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for c in codes::ALL {
        let _ = writeln!(
            out,
            "{}  {:width$}  {:7}  {}",
            c.id,
            c.name,
            c.severity.as_str(),
            c.summary
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_ids_and_names() {
        assert_eq!(suggestion("e0011"), Some("E0001"));
        assert_eq!(suggestion("dead-ends"), Some("dead-end"));
        assert_eq!(suggestion("completely-different"), None);
    }
}
