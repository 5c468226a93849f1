//! The language engine: open documents, their analysis, and one plain method
//! per LSP feature. No I/O and no async: files that are not open are read
//! through the callback given to [`Engine::new`], and the transport
//! (`server.rs`) decides when to call what. Tests drive it directly.
//!
//! A document is analysed as part of a *project* (a root file and its
//! imports, as `callflow check` sees it). A document that declares a flow is
//! the root of its own project; a shared file without one is seen through an
//! open document that imports it, so it is not reported as "no flow".

mod actions;
mod completion;
mod context;
mod diagnostics;
mod document;
mod format;
mod hover;
mod index;
mod lex;
mod navigate;
mod paths;
mod position;
mod reference;
mod rename;
mod snapshot;
mod symbols;
mod tokens;
mod vocabulary;

#[cfg(test)]
mod tests;

pub use format::format_document;
pub use rename::RenameError;
pub use tokens::legend as semantic_tokens_legend;

use callflow_compiler::project::ReadResult;
use callflow_compiler::span::{FileId, SourceFile};
use callflow_compiler::targets::TargetKind;
use document::Document;
use snapshot::Snapshot;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use tower_lsp_server::ls_types::{
    CodeActionOrCommand, CompletionItem, Diagnostic, DocumentSymbol, GotoDefinitionResponse, Hover, Location, Position,
    Range, SemanticTokens, TextDocumentContentChangeEvent, TextEdit, Uri, WorkspaceEdit,
};

/// Reads a file that is not open, by its absolute path: its text, or why not.
pub type ReadFile = Box<dyn FnMut(&str) -> Result<String, String> + Send>;

pub struct Engine {
    /// Open documents by their compiler name (see `paths`).
    docs: BTreeMap<String, Document>,
    read: ReadFile,
    /// The target chosen by the client (`initializationOptions.target`); a
    /// root's `# target: <id>` first line takes precedence.
    target: Option<TargetKind>,
    /// Analysed projects by root name, dropped when one of their files changes.
    cache: HashMap<String, Arc<Snapshot>>,
    /// The files of the project each open document was last analysed in,
    /// kept across invalidation: it says whose diagnostics an edit can change.
    seen_in: HashMap<String, HashSet<String>>,
}

/// A position in a document, resolved against the project it belongs to.
struct Cursor {
    snap: Arc<Snapshot>,
    file: FileId,
    offset: usize,
}

impl Cursor {
    fn source(&self) -> Option<&SourceFile> {
        self.snap.file(self.file)
    }
}

impl Engine {
    pub fn new(read: impl FnMut(&str) -> Result<String, String> + Send + 'static) -> Engine {
        Engine {
            docs: BTreeMap::new(),
            read: Box::new(read),
            target: None,
            cache: HashMap::new(),
            seen_in: HashMap::new(),
        }
    }

    /// Choose the provider target; returns the documents to re-publish.
    pub fn set_target(&mut self, target: Option<TargetKind>) -> Vec<Uri> {
        self.target = target;
        self.cache.clear();
        self.open_uris()
    }

    /// The documents whose diagnostics may have changed are returned by
    /// `open`, `change` and `close`, so the transport knows what to publish.
    pub fn open(&mut self, uri: Uri, version: i32, text: String) -> Vec<Uri> {
        let name = paths::name_of(&uri);
        self.docs.insert(name, Document { uri, version, text });
        // An open buffer replaces the file on disk for every importer, and
        // may satisfy an import that failed before: start afresh.
        self.cache.clear();
        self.open_uris()
    }

    pub fn change(&mut self, uri: &Uri, version: i32, changes: Vec<TextDocumentContentChangeEvent>) -> Vec<Uri> {
        let name = paths::name_of(uri);
        let Some(doc) = self.docs.get_mut(&name) else {
            return Vec::new();
        };
        doc.apply(version, changes);
        self.cache.retain(|_, snap| !snap.contains(&name));
        self.docs
            .iter()
            .filter(|(doc_name, _)| {
                **doc_name == name || self.seen_in.get(*doc_name).is_none_or(|files| files.contains(&name))
            })
            .map(|(_, d)| d.uri.clone())
            .collect()
    }

    pub fn close(&mut self, uri: &Uri) -> Vec<Uri> {
        let name = paths::name_of(uri);
        self.docs.remove(&name);
        self.seen_in.remove(&name);
        self.cache.clear();
        self.open_uris()
    }

    pub fn version(&self, uri: &Uri) -> Option<i32> {
        self.docs.get(&paths::name_of(uri)).map(|d| d.version)
    }

    pub fn text(&self, uri: &Uri) -> Option<&str> {
        self.docs.get(&paths::name_of(uri)).map(|d| d.text.as_str())
    }

    fn open_uris(&self) -> Vec<Uri> {
        self.docs.values().map(|d| d.uri.clone()).collect()
    }

    /// The project rooted at the open document `name`, analysed on demand.
    fn root_snapshot(&mut self, name: &str) -> Option<Arc<Snapshot>> {
        if let Some(snap) = self.cache.get(name) {
            return Some(snap.clone());
        }
        let text = self.docs.get(name)?.text.clone();
        let docs = &self.docs;
        let read = &mut self.read;
        let mut import = |importer: &str, path: &str| -> ReadResult {
            let Some(file) = paths::resolve_import(importer, path) else {
                return Err("the importing file is not saved on disk, so its imports cannot be found".to_string());
            };
            if let Some(doc) = docs.get(&file) {
                return Ok((file, doc.text.clone()));
            }
            match read(&file) {
                Ok(text) => Ok((file, text)),
                Err(why) if file == path => Err(why),
                Err(why) => Err(format!("{why} (looked for `{file}`)")),
            }
        };
        let uri_of = |file: &str| docs.get(file).map(|d| d.uri.clone()).or_else(|| paths::uri_of(file));
        let snap = Arc::new(Snapshot::build(name, &text, &mut import, self.target, &uri_of));
        self.cache.insert(name.to_string(), snap.clone());
        Some(snap)
    }

    /// The project an open document is seen in: its own when it declares a
    /// flow (or nobody open imports it), else the first open root that
    /// imports it.
    fn snapshot(&mut self, uri: &Uri) -> Option<(Arc<Snapshot>, FileId)> {
        let name = paths::name_of(uri);
        let own = self.root_snapshot(&name)?;
        let mut chosen = own.clone();
        if !own.root_has_flow() {
            let others: Vec<String> = self.docs.keys().filter(|n| **n != name).cloned().collect();
            for other in others {
                if let Some(snap) = self.root_snapshot(&other)
                    && snap.root_has_flow()
                    && snap.contains(&name)
                {
                    chosen = snap;
                    break;
                }
            }
        }
        let files = chosen.project.sources.iter().map(|(_, f)| f.name.clone()).collect();
        self.seen_in.insert(name.clone(), files);
        let (file, _) = chosen.file_named(&name)?;
        Some((chosen, file))
    }

    /// Every analysed project an open document is part of, for features
    /// that must see all its users (references, rename).
    fn snapshots_containing(&mut self, name: &str) -> Vec<Arc<Snapshot>> {
        let roots: Vec<String> = self.docs.keys().cloned().collect();
        roots
            .iter()
            .filter_map(|root| self.root_snapshot(root))
            .filter(|snap| snap.contains(name))
            .collect()
    }

    fn cursor(&mut self, uri: &Uri, pos: Position) -> Option<Cursor> {
        let (snap, file) = self.snapshot(uri)?;
        let offset = position::offset_in(snap.file(file)?, pos);
        Some(Cursor { snap, file, offset })
    }

    // ── features ─────────────────────────────────────────────────────────

    /// The document's version and every diagnostic in it.
    pub fn diagnostics(&mut self, uri: &Uri) -> Option<(i32, Vec<Diagnostic>)> {
        let version = self.version(uri)?;
        let (snap, file) = self.snapshot(uri)?;
        Some((version, diagnostics::for_file(&snap, file)))
    }

    pub fn hover(&mut self, uri: &Uri, pos: Position) -> Option<Hover> {
        let cursor = self.cursor(uri, pos)?;
        hover::hover(&cursor)
    }

    pub fn definition(&mut self, uri: &Uri, pos: Position) -> Option<GotoDefinitionResponse> {
        let cursor = self.cursor(uri, pos)?;
        navigate::definition(&cursor)
    }

    pub fn references(&mut self, uri: &Uri, pos: Position, include_declaration: bool) -> Vec<Location> {
        let Some(cursor) = self.cursor(uri, pos) else {
            return Vec::new();
        };
        let Some(target) = navigate::target_at(&cursor) else {
            return Vec::new();
        };
        let snaps = self.snapshots_containing(&paths::name_of(uri));
        navigate::references(&target, &snaps, include_declaration)
    }

    /// The range of the name a rename would change.
    pub fn prepare_rename(&mut self, uri: &Uri, pos: Position) -> Result<Range, RenameError> {
        let cursor = self.cursor(uri, pos).ok_or(RenameError::NothingHere)?;
        rename::prepare(&cursor)
    }

    pub fn rename(&mut self, uri: &Uri, pos: Position, new_name: &str) -> Result<WorkspaceEdit, RenameError> {
        let cursor = self.cursor(uri, pos).ok_or(RenameError::NothingHere)?;
        let snaps = self.snapshots_containing(&paths::name_of(uri));
        rename::rename(&cursor, &snaps, new_name)
    }

    pub fn completion(&mut self, uri: &Uri, pos: Position) -> Vec<CompletionItem> {
        match self.cursor(uri, pos) {
            Some(cursor) => completion::complete(&cursor),
            None => Vec::new(),
        }
    }

    pub fn document_symbols(&mut self, uri: &Uri) -> Vec<DocumentSymbol> {
        match self.snapshot(uri) {
            Some((snap, file)) => symbols::outline(&snap, file),
            None => Vec::new(),
        }
    }

    /// The edits that format the document (none while it is formatted, or
    /// when it cannot be formatted).
    pub fn formatting(&self, uri: &Uri) -> Option<Vec<TextEdit>> {
        let text = self.text(uri)?;
        Some(format::edits(text, format_document(text)))
    }

    pub fn code_actions(&mut self, uri: &Uri, range: Range) -> Vec<CodeActionOrCommand> {
        match self.snapshot(uri) {
            Some((snap, file)) => actions::for_range(&snap, file, range),
            None => Vec::new(),
        }
    }

    pub fn semantic_tokens(&mut self, uri: &Uri) -> Option<SemanticTokens> {
        let (snap, file) = self.snapshot(uri)?;
        Some(tokens::tokens(&snap, file))
    }
}
