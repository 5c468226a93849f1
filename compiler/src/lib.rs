//! callflow-compiler: the pure core of callflow.
//!
//! `&str` in; AST, IR and [`Diagnostic`]s out. Nothing here touches the file
//! system, the network or the LSP (see docs/architecture.md).

pub mod analysis;
pub mod ast;
pub mod bytecode;
pub mod checks;
pub mod codes;
pub mod defaults;
pub mod diagnostic;
pub mod format;
pub mod hours;
pub mod ir;
pub mod project;
pub mod render;
pub mod span;
pub mod suggest;
pub mod syntax;
pub mod targets;
#[cfg(test)]
mod test_corpus;
#[cfg(test)]
mod test_mutate;

pub use diagnostic::{Code, Diagnostic, Label, Severity};
pub use span::{FileId, SourceFile, SourceMap, Span};
pub use syntax::parse;
