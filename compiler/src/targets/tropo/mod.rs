//! Target `tropo`: NOT WRITTEN YET (stub so the workspace builds).

use super::model::{Bundle, Document};
use super::{Feature, Support, Urls};
use crate::diagnostic::Diagnostic;

pub static CAPABILITIES: &[(Feature, Support)] = &[];

pub fn check(_bundle: &Bundle, _diags: &mut Vec<Diagnostic>) {}

pub fn render(_doc: &Document, _urls: &Urls) -> String {
    String::new()
}
