//! docs/diagnostics.md, generated from the code registry so that the index
//! and the explain pages can never disagree with `callflow explain`.
//! compiler/tests/docs_drift.rs fails when the committed file is stale.

use crate::codes;
use crate::diagnostic::Code;
use std::fmt::Write;

/// Where a code's page is, relative to the repository root. Anchors are the
/// lowercase id (`#e0101`), set explicitly so they do not depend on how a
/// Markdown renderer slugs headings.
pub fn explain_url(code: &Code) -> String {
    format!("docs/diagnostics.md#{}", code.id.to_ascii_lowercase())
}

/// The whole of docs/diagnostics.md.
pub fn diagnostics_index() -> String {
    let mut out = String::from(
        "<!-- Generated from compiler/src (codes::ALL). Do not edit: run\n     \
         UPDATE_DOCS=1 cargo test -p callflow-compiler --test docs_drift -->\n\
         # Diagnostics\n\n\
         Every diagnostic has a stable id, a kebab-case name and a page below. Ids\n\
         starting with `E` are errors (the file cannot be built); ids starting with\n\
         `W` are warnings (`callflow check --deny-warnings` turns them into failures).\n\
         `callflow explain <id or name>` prints a page in the terminal.\n\n\
         | Id | Name | Severity | Summary |\n\
         |----|------|----------|---------|\n",
    );
    for code in codes::ALL {
        let anchor = code.id.to_ascii_lowercase();
        let summary = code.summary.replace('|', "\\|");
        let _ = writeln!(
            out,
            "| [{}](#{anchor}) | `{}` | {} | {summary} |",
            code.id,
            code.name,
            code.severity.as_str()
        );
    }
    for code in codes::ALL {
        let _ = write!(
            out,
            "\n<a id=\"{}\"></a>\n\n## {} {}\n\n*{}*: {}\n\n{}",
            code.id.to_ascii_lowercase(),
            code.id,
            code.name,
            code.severity.as_str(),
            code.summary,
            demote_headings(code.explain.trim_end()),
        );
    }
    out
}

/// Explain pages use `##` for their sections; under the per-code `##`
/// heading they become `###`. Lines inside code fences are left alone
/// (`#` starts a comment in .flow).
fn demote_headings(page: &str) -> String {
    let mut out = String::with_capacity(page.len() + 16);
    let mut in_fence = false;
    for line in page.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence && line.starts_with('#') {
            out.push('#');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_row_an_anchor_and_a_section() {
        let doc = diagnostics_index();
        for code in codes::ALL {
            let anchor = code.id.to_ascii_lowercase();
            assert!(
                doc.contains(&format!("| [{}](#{anchor}) | `{}` |", code.id, code.name)),
                "{}",
                code.id
            );
            assert!(doc.contains(&format!("<a id=\"{anchor}\"></a>")), "{}", code.id);
            assert!(
                doc.contains(&format!("\n## {} {}\n", code.id, code.name)),
                "{}",
                code.id
            );
        }
        assert!(doc.contains("\n### How to fix\n"));
        assert!(!doc.contains("\n## How to fix"));
    }

    #[test]
    fn headings_move_down_one_level_but_flow_comments_do_not() {
        let page = "## Example\n```flow\n# a comment\nstep a {\n```\n## How to fix\n";
        assert_eq!(
            demote_headings(page),
            "### Example\n```flow\n# a comment\nstep a {\n```\n### How to fix\n"
        );
    }
}
