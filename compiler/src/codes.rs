//! The registry of every diagnostic code.
//!
//! Each code is defined next to the code that emits it (`syntax/codes.rs`,
//! `analysis/codes.rs`, one file per check in `checks/`). This list is what
//! `callflow explain`, docs/diagnostics.md and the fixture tests walk. Adding a
//! check = its file + its fixture under tests/diagnostics/ + one line here.

use crate::analysis::codes as a;
use crate::checks;
use crate::diagnostic::Code;
use crate::syntax::codes as s;
use crate::targets::codes as t;

pub static ALL: &[&Code] = &[
    &s::SYNTAX_ERROR,
    &s::UNCLOSED_BLOCK,
    &s::IMPORT_NOT_FOUND,
    &s::INVALID_INTERPOLATION,
    &a::UNDEFINED_STATE,
    &a::DUPLICATE_DEFINITION,
    &a::UNDEFINED_QUEUE,
    &a::UNDEFINED_VARIABLE,
    &a::MISSING_START,
    &a::UNDEFINED_FLOW,
    &a::DUPLICATE_OPTION,
    &a::MISPLACED_OUTCOME,
    &a::ASSIGN_TO_BUILTIN,
    &a::NO_FLOW,
    &a::INVALID_DURATION,
    &a::INVALID_DTMF,
    &a::INVALID_PHONE_NUMBER,
    &a::INVALID_URL,
    &a::TYPE_MISMATCH,
    &a::UNKNOWN_FUNCTION,
    &a::INVALID_ARGUMENTS,
    &a::UNKNOWN_TIME_ZONE,
    &a::INVALID_HOURS,
    &a::OUT_OF_RANGE,
    &a::INVALID_LANGUAGE_TAG,
    &checks::unreachable_state::CODE,
    &checks::dead_end::CODE,
    &checks::input_free_loop::CODE,
    &checks::unset_variable::CODE,
    &checks::unreachable_statement::CODE,
    &checks::unused_variable::CODE,
    &checks::menu_keys::DUPLICATE_KEY,
    &checks::menu_keys::INVALID_KEY,
    &checks::menu_outcomes::CODE,
    &checks::unbounded_retries::CODE,
    &t::UNSUPPORTED_ACTION,
    &t::OUT_OF_PROVIDER_RANGE,
    &t::TEXT_TOO_LONG,
    &t::UNSUPPORTED_VOICE,
    &t::MISPLACED_ACTION,
    &t::TOO_MANY_PATHS,
    &t::VOICE_NOT_SELECTABLE,
];

/// Find a code by id (`E0302`, case-insensitive) or name (`dead-end`).
pub fn lookup(query: &str) -> Option<&'static Code> {
    let q = query.trim();
    ALL.iter()
        .copied()
        .find(|c| c.id.eq_ignore_ascii_case(q) || c.name == q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_and_names_are_unique_and_well_formed() {
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        for c in ALL {
            assert!(ids.insert(c.id), "duplicate id {}", c.id);
            assert!(names.insert(c.name), "duplicate name {}", c.name);
            let prefix = if c.severity == crate::Severity::Error { 'E' } else { 'W' };
            assert!(
                c.id.starts_with(prefix) && c.id.len() == 5,
                "{} has the wrong prefix for its severity",
                c.id
            );
            assert!(
                c.name.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'),
                "{} is not kebab-case",
                c.name
            );
            assert!(
                c.explain.contains("## How to fix"),
                "{} explain page lacks a fix section",
                c.id
            );
        }
    }

    #[test]
    fn lookup_by_id_or_name() {
        assert_eq!(lookup("e0001").map(|c| c.name), Some("syntax-error"));
        assert_eq!(lookup("dead-end").map(|c| c.id), Some("E0302"));
        assert!(lookup("E9999").is_none());
    }
}
