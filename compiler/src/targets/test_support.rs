//! What every target's unit tests start from: compile a test flow, which
//! must itself be free of errors, for one target, and hold every target
//! diagnostic to the project's rule (a span, a help line, the target named).

use super::model::Bundle;
use super::{TargetKind, compile};
use crate::diagnostic::Diagnostic;
use crate::project::{self, Analysis, Project};

/// Check `src` as `t.flow`; it must have no errors.
pub fn checked(src: &str) -> (Project, Analysis) {
    let (project, analysis) = project::check_source("t.flow", src);
    let errors: Vec<String> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.code.id, d.message))
        .collect();
    assert!(errors.is_empty(), "the flow itself has errors: {errors:?}\n{src}");
    (project, analysis)
}

pub fn compile_for(target: TargetKind, src: &str) -> (Bundle, Vec<Diagnostic>) {
    let (project, analysis) = checked(src);
    let (bundle, diags) = compile(&project.asts, &analysis.ir, &project.sources, target);
    for d in &diags {
        assert!(
            d.help.as_deref().is_some_and(|h| !h.is_empty()),
            "{} has no help",
            d.message
        );
        assert!(d.primary_span().is_some(), "{} has no span", d.message);
        assert!(
            d.message.contains(target.display()),
            "the message names the target: {}",
            d.message
        );
    }
    (bundle, diags)
}
