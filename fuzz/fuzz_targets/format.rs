//! Fuzz target `format`: arbitrary bytes, read as (lossy) UTF-8, through
//! `callflow_compiler::format::format` (what `callflow fmt` and the language
//! server's formatting run).
//!
//! A crash is a panic, a stack overflow, the formatter refusing its own
//! result (`WouldChangeMeaning`: its proof that the result means what the
//! input meant failed), or a result that formatting changes again. Text with
//! syntax errors is refused, which is fine. See docs/fuzzing.md and docs/fmt.md.

#![no_main]

use callflow_compiler::format::{FormatError, format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match format(&text) {
        Ok(once) => assert_eq!(format(&once).ok().as_deref(), Some(once.as_str()), "not idempotent"),
        Err(FormatError::SyntaxErrors(diags)) => assert!(!diags.is_empty()),
        Err(e @ FormatError::WouldChangeMeaning(_)) => panic!("{e}"),
    }
});
