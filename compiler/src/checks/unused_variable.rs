//! TODO(check): being written.

use super::Context;
use crate::diagnostic::{Code, Diagnostic, Severity};

pub static CODE: Code = Code { id: "X", name: "unused_variable", severity: Severity::Error, summary: "", explain: "" };

pub fn run(_ctx: &Context, _diags: &mut Vec<Diagnostic>) {}
