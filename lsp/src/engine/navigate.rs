//! Go to definition and find references, for states, queues, flows and
//! variables (a variable's "definitions" are the statements that set it).

use super::index::Kind;
use super::snapshot::Snapshot;
use super::{Cursor, position};
use std::sync::Arc;
use tower_lsp_server::ls_types::{GotoDefinitionResponse, Location};

/// The name a cursor is on.
pub struct Target {
    pub kind: Kind,
    pub name: String,
}

pub fn target_at(cursor: &Cursor) -> Option<Target> {
    let occ = cursor.snap.index.at(cursor.file, cursor.offset)?;
    Some(Target {
        kind: occ.kind,
        name: occ.name.clone(),
    })
}

pub fn definition(cursor: &Cursor) -> Option<GotoDefinitionResponse> {
    let target = target_at(cursor)?;
    let snap = &cursor.snap;
    let locations: Vec<Location> = snap
        .index
        .definitions(target.kind, &target.name)
        .filter_map(|o| location(snap, o.span))
        .collect();
    match locations.len() {
        0 => None,
        1 => locations.into_iter().next().map(GotoDefinitionResponse::Scalar),
        _ => Some(GotoDefinitionResponse::Array(locations)),
    }
}

/// Every occurrence of the name in every project that contains the file,
/// each place once.
pub fn references(target: &Target, snaps: &[Arc<Snapshot>], include_declaration: bool) -> Vec<Location> {
    let mut out: Vec<Location> = Vec::new();
    for snap in snaps {
        for occ in snap.index.all(target.kind, &target.name) {
            // A variable's writes are uses too; only declarations are left out.
            let declaration = occ.role == super::index::Role::Definition;
            if declaration && !include_declaration {
                continue;
            }
            if let Some(loc) = location(snap, occ.span)
                && !out.contains(&loc)
            {
                out.push(loc);
            }
        }
    }
    out
}

pub fn location(snap: &Snapshot, span: callflow_compiler::Span) -> Option<Location> {
    let file = snap.file(span.file)?;
    Some(Location::new(snap.uri(span.file)?.clone(), position::range(file, span)))
}
