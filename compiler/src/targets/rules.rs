//! Diagnostics that several targets give alike, so that the same mistake
//! reads the same on every provider.

use super::TargetKind;
use super::codes::{MISPLACED_ACTION, UNSUPPORTED_ACTION};
use super::model::Document;
use crate::ast::RejectReason;
use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// E0501 for an option of an action that the target cannot honour.
pub fn unsupported_option(
    target: TargetKind,
    span: Span,
    option: &str,
    action: &str,
    why: &str,
    help: &str,
) -> Diagnostic {
    let name = target.display();
    Diagnostic::new(
        &UNSUPPORTED_ACTION,
        format!("{name} cannot honour `{option}` of `{action}`: {why}"),
    )
    .primary(span, format!("`{option}` is not available on {name}"))
    .help(help.to_string())
}

/// A provider's reject verb refuses the incoming call: it takes no reason,
/// and it must be all of the answer to the call's first callback (a
/// rejected call is never answered, so nothing can come before it, and
/// after an input the call has been answered). `verb` is the provider's
/// spelling (`Reject`, `reject`).
pub fn reject_refuses_the_incoming_call(
    target: TargetKind,
    verb: &str,
    doc: &Document,
    reason: Option<RejectReason>,
    diags: &mut Vec<Diagnostic>,
) {
    let name = target.display();
    let span = doc.end.span;
    if reason == Some(RejectReason::Busy) {
        diags.push(unsupported_option(
            target,
            span,
            "busy",
            "reject",
            &format!("its `{verb}` has no reason and cannot signal busy"),
            "write `reject` or `reject rejected`",
        ));
    }
    if let Some(first) = doc.steps.first() {
        diags.push(
            Diagnostic::new(
                &MISPLACED_ACTION,
                format!("{name} requires `{verb}` to be the only action of its answer"),
            )
            .primary(span, "`reject` must stand alone")
            .secondary(first.span, "this comes before it in the same answer")
            .help("remove what comes before `reject` in this branch: a rejected call is never answered, so the caller would not hear it"),
        );
    }
    if doc.answers.later {
        diags.push(
            Diagnostic::new(
                &MISPLACED_ACTION,
                format!("{name} can reject only the incoming call, before it is answered"),
            )
            .primary(
                span,
                "reached after the call was answered (after a menu, collect, record or dial)",
            )
            .help("reject in the flow's first state, before the caller is asked for anything"),
        );
    }
}
