//! TODO(check): being written.

use super::Context;
use crate::diagnostic::{Code, Diagnostic, Severity};

pub static DUPLICATE_KEY: Code = Code { id: "X1", name: "dup", severity: Severity::Error, summary: "", explain: "" };
pub static INVALID_KEY: Code = Code { id: "X2", name: "inv", severity: Severity::Error, summary: "", explain: "" };

pub fn run(_ctx: &Context, _diags: &mut Vec<Diagnostic>) {}
