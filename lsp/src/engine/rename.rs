//! Rename a state, queue, flow or variable everywhere it is used, in every
//! file of every open project that contains it (imported files included,
//! open or not). Names that the language would refuse are refused here.

use super::index::Kind;
use super::navigate::{self, Target};
use super::snapshot::Snapshot;
use super::{Cursor, position};
use callflow_compiler::ast::BUILTIN_VARS;
use callflow_compiler::syntax::keywords::is_reserved;
use callflow_compiler::syntax::strings::is_ident;
use std::collections::HashMap;
use std::sync::Arc;
use tower_lsp_server::ls_types::{Range, TextEdit, Uri, WorkspaceEdit};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameError {
    /// The cursor is not on a name that can be renamed.
    NothingHere,
    Builtin(String),
    NotAName(String),
    Reserved(String),
    Taken {
        kind: Kind,
        name: String,
    },
}

impl std::fmt::Display for RenameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenameError::NothingHere => write!(f, "only states, queues, flows and variables can be renamed"),
            RenameError::Builtin(name) => write!(f, "`{name}` is a built-in variable and keeps its name"),
            RenameError::NotAName(name) => write!(
                f,
                "`{name}` is not a name: use ASCII letters, digits and `_`, starting with a letter or `_`"
            ),
            RenameError::Reserved(name) => write!(f, "`{name}` is a reserved word and cannot be a name"),
            RenameError::Taken { kind, name } => write!(f, "a {} named `{name}` already exists", kind.word()),
        }
    }
}

pub fn prepare(cursor: &Cursor) -> Result<Range, RenameError> {
    let occ = cursor
        .snap
        .index
        .at(cursor.file, cursor.offset)
        .ok_or(RenameError::NothingHere)?;
    if occ.kind == Kind::Variable && BUILTIN_VARS.contains(&occ.name.as_str()) {
        return Err(RenameError::Builtin(occ.name.clone()));
    }
    let file = cursor.source().ok_or(RenameError::NothingHere)?;
    Ok(position::range(file, occ.span))
}

pub fn rename(cursor: &Cursor, snaps: &[Arc<Snapshot>], new_name: &str) -> Result<WorkspaceEdit, RenameError> {
    prepare(cursor)?;
    let target = navigate::target_at(cursor).ok_or(RenameError::NothingHere)?;
    check_name(&target, snaps, new_name)?;
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    if new_name != target.name {
        for loc in navigate::references(&target, snaps, true) {
            changes
                .entry(loc.uri)
                .or_default()
                .push(TextEdit::new(loc.range, new_name.to_string()));
        }
    }
    Ok(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    })
}

fn check_name(target: &Target, snaps: &[Arc<Snapshot>], new_name: &str) -> Result<(), RenameError> {
    if !is_ident(new_name) {
        return Err(RenameError::NotAName(new_name.to_string()));
    }
    if is_reserved(new_name) {
        return Err(RenameError::Reserved(new_name.to_string()));
    }
    if target.kind == Kind::Variable && BUILTIN_VARS.contains(&new_name) {
        return Err(RenameError::Builtin(new_name.to_string()));
    }
    let taken = new_name != target.name
        && snaps
            .iter()
            .any(|s| s.index.definitions(target.kind, new_name).next().is_some());
    if taken {
        return Err(RenameError::Taken {
            kind: target.kind,
            name: new_name.to_string(),
        });
    }
    Ok(())
}
