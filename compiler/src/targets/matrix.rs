//! The feature × target matrix of docs/targets.md, generated from the
//! capability tables so that the documentation cannot drift from what the
//! targets do (compiler/tests/docs_drift.rs checks it).

use super::{Feature, Support, TargetKind};

/// Markers around the generated part of docs/targets.md.
pub const BEGIN: &str =
    "<!-- BEGIN GENERATED: capability matrix (UPDATE_DOCS=1 cargo test -p callflow-compiler --test docs_drift) -->";
pub const END: &str = "<!-- END GENERATED: capability matrix -->";

/// The matrix and, per target, what it lacks and why.
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str("| Feature |");
    for t in TargetKind::ALL {
        out.push_str(&format!(" {} |", t.display()));
    }
    out.push_str("\n|---|");
    for _ in TargetKind::ALL {
        out.push_str("---|");
    }
    out.push('\n');
    for f in Feature::ALL {
        out.push_str(&format!("| `{}` |", f.name()));
        for t in TargetKind::ALL {
            let cell = match t.support(f) {
                Support::Native(verb) => format!("native: {}", headline(verb)),
                Support::Lowered(how) => format!("lowered: {}", headline(how)),
                Support::Unsupported(_) => "—".to_string(),
            };
            out.push_str(&format!(" {} |", cell.replace('|', "\\|")));
        }
        out.push('\n');
    }
    for t in TargetKind::ALL {
        out.push_str(&format!("\n### {}\n\n", t.display()));
        for f in Feature::ALL {
            match t.support(f) {
                Support::Native(text) => out.push_str(&format!("- `{}`: native, {text}\n", f.name())),
                Support::Lowered(text) => out.push_str(&format!("- `{}`: lowered, {text}\n", f.name())),
                Support::Unsupported(_) => {}
            }
        }
        let missing: Vec<String> = Feature::ALL
            .into_iter()
            .filter_map(|f| match t.support(f) {
                Support::Unsupported(why) => Some(format!("- `{}`: {why}\n", f.name())),
                _ => None,
            })
            .collect();
        if !missing.is_empty() {
            out.push_str(&format!("\nNot on {} (E0501):\n\n", t.display()));
            for line in missing {
                out.push_str(&line);
            }
        }
    }
    out
}

/// `doc` with the text between the markers replaced by the current matrix;
/// `None` when the markers are missing.
pub fn splice(doc: &str) -> Option<String> {
    let start = doc.find(BEGIN)? + BEGIN.len();
    let end = doc[start..].find(END)? + start;
    Some(format!("{}\n\n{}\n{}", &doc[..start], markdown(), &doc[end..]))
}

/// The first phrase of a capability text (up to a colon, parenthesis or
/// semicolon), for the matrix cell; the full text is in the per-target list.
fn headline(text: &str) -> &str {
    let end = text.find([':', '(', ';', ',']).unwrap_or(text.len());
    text[..end].trim_end()
}
