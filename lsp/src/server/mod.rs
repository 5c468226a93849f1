//! The transport: tower-lsp-server speaking JSON-RPC, forwarding every
//! notification and request to the engine's actor thread (`actor.rs`) and
//! publishing the diagnostics it computes.
//!
//! tower-lsp-server runs handlers concurrently, so handlers do nothing but
//! hand a message to the actor, synchronously, before their first `await`:
//! messages reach the actor in the order the client sent them. The handlers
//! also record the latest version of every document, and the publisher drops
//! diagnostics computed for an older one.

mod actor;
mod frames;

use crate::engine::{Engine, semantic_tokens_legend};
use actor::{Msg, Publish};
use callflow_compiler::targets::TargetKind;
use std::collections::HashMap;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc::UnboundedReceiver;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

/// Latest version the client sent, per open document.
type Versions = Arc<Mutex<HashMap<Uri, i32>>>;

struct Backend {
    client: Client,
    actor: Sender<Msg>,
    versions: Versions,
    /// A problem with the initialization options, said once initialized.
    warning: Mutex<Option<String>>,
}

/// Serve one client over `input`/`output` until it exits. Files that are not
/// open are read with `read` (by absolute path).
pub async fn serve<I, O>(
    input: I,
    output: O,
    read: impl FnMut(&str) -> std::result::Result<String, String> + Send + 'static,
) where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (publish_tx, publish_rx) = tokio::sync::mpsc::unbounded_channel();
    let actor = match actor::spawn(Engine::new(read), publish_tx) {
        Ok(actor) => actor,
        Err(e) => {
            eprintln!("callflow lsp: cannot start the engine thread: {e}");
            return;
        }
    };
    let versions: Versions = Arc::default();
    let (service, socket) = LspService::new(|client| {
        tokio::spawn(publisher(client.clone(), publish_rx, versions.clone()));
        Backend {
            client,
            actor,
            versions,
            warning: Mutex::new(None),
        }
    });
    // The transport reads from a pipe that only well-formed messages reach.
    let (guarded, server_input) = tokio::io::duplex(1 << 16);
    let forward = frames::forward(input, guarded);
    let serve = Server::new(server_input, output, socket).serve(service);
    tokio::pin!(forward, serve);
    let mut forwarding = true;
    // The session ends when the server does (at `exit`), even if the client
    // keeps its end of the input open; when the input ends first, the
    // server reads the end of its pipe and finishes.
    loop {
        tokio::select! {
            () = &mut serve => break,
            () = &mut forward, if forwarding => forwarding = false,
        }
    }
}

/// `callflow lsp`: serve on stdin/stdout, reading imports from the disk.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout(), read_file));
    // Reading stdin blocks a thread that may never return (a client need not
    // close it after `exit`): do not wait for it.
    runtime.shutdown_background();
    Ok(())
}

/// Read a file the client has not opened, with a short reason on failure
/// (the words `callflow check` uses).
pub fn read_file(path: &str) -> std::result::Result<String, String> {
    use std::io::ErrorKind;
    std::fs::read_to_string(path).map_err(|e| match e.kind() {
        ErrorKind::NotFound => "no such file".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        ErrorKind::IsADirectory => "is a directory".to_string(),
        ErrorKind::InvalidData => "not UTF-8 text".to_string(),
        _ => e.to_string(),
    })
}

async fn publisher(client: Client, mut rx: UnboundedReceiver<Publish>, versions: Versions) {
    while let Some(p) = rx.recv().await {
        if let Some(version) = p.version {
            let latest = lock(&versions).get(&p.uri).copied();
            if latest != Some(version) {
                continue; // computed for a version the client has since replaced, or closed
            }
        }
        client.publish_diagnostics(p.uri, p.diagnostics, p.version).await;
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn engine_gone() -> Error {
    Error {
        message: "the callflow engine has stopped".into(),
        ..Error::internal_error()
    }
}

impl Backend {
    fn send(&self, msg: Msg) {
        if self.actor.send(msg).is_err() {
            eprintln!("callflow lsp: the engine thread has stopped");
        }
    }

    /// Run `job` on the engine, after every message sent before it.
    async fn ask<T: Send + 'static>(&self, job: impl FnOnce(&mut Engine) -> T + Send + 'static) -> Result<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.actor
            .send(Msg::Run(Box::new(move |engine| {
                let _ = tx.send(job(engine));
            })))
            .map_err(|_| engine_gone())?;
        // A dropped sender means the job panicked (the actor caught it).
        rx.await.map_err(|_| Error {
            message: "the request failed inside the callflow engine".into(),
            ..Error::internal_error()
        })
    }
}

/// The target named by `initializationOptions: {"target": "<id>"}`.
fn target_option(options: Option<&serde_json::Value>) -> std::result::Result<Option<TargetKind>, String> {
    let Some(value) = options.and_then(|o| o.get("target")) else {
        return Ok(None);
    };
    let ids: Vec<&str> = TargetKind::ALL.iter().map(|t| t.id()).collect();
    match value.as_str() {
        Some("") | None if value.is_null() => Ok(None),
        Some(id) => TargetKind::from_id(id).map(Some).ok_or_else(|| {
            format!(
                "callflow: unknown target `{id}` in the initialization options; targets: {}",
                ids.join(", ")
            )
        }),
        None => Err(format!(
            "callflow: the `target` initialization option must be a string, one of {}",
            ids.join(", ")
        )),
    }
}

pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            // Whole documents: an edit that arrives out of order can be
            // recognised by its version and dropped without harm.
            change: Some(TextDocumentSyncKind::FULL),
            ..TextDocumentSyncOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["{".into(), "\"".into()]),
            ..CompletionOptions::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: semantic_tokens_legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: None,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            },
        )),
        ..ServerCapabilities::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        match target_option(params.initialization_options.as_ref()) {
            Ok(target) => self.send(Msg::Target(target)),
            Err(warning) => *lock(&self.warning) = Some(warning),
        }
        Ok(InitializeResult {
            capabilities: capabilities(),
            server_info: Some(ServerInfo {
                name: "callflow".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            ..InitializeResult::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let warning = lock(&self.warning).take();
        if let Some(warning) = warning {
            self.client.show_message(MessageType::WARNING, warning).await;
        }
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        lock(&self.versions).insert(doc.uri.clone(), doc.version);
        self.send(Msg::Open {
            uri: doc.uri,
            version: doc.version,
            text: doc.text,
        });
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let doc = params.text_document;
        {
            let mut versions = lock(&self.versions);
            let latest = versions.entry(doc.uri.clone()).or_insert(doc.version);
            *latest = (*latest).max(doc.version);
        }
        self.send(Msg::Change {
            uri: doc.uri,
            version: doc.version,
            changes: params.content_changes,
        });
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        lock(&self.versions).remove(&uri);
        self.send(Msg::Close { uri });
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        self.ask(move |e| e.hover(&at.text_document.uri, at.position)).await
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        self.ask(move |e| e.definition(&at.text_document.uri, at.position))
            .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let declaration = params.context.include_declaration;
        let found = self
            .ask(move |e| e.references(&at.text_document.uri, at.position, declaration))
            .await?;
        Ok(Some(found))
    }

    async fn prepare_rename(&self, params: TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>> {
        let range = self
            .ask(move |e| e.prepare_rename(&params.text_document.uri, params.position))
            .await?;
        match range {
            Ok(range) => Ok(Some(PrepareRenameResponse::Range(range))),
            Err(why) => Err(Error::invalid_params(why.to_string())),
        }
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let new_name = params.new_name;
        let edit = self
            .ask(move |e| e.rename(&at.text_document.uri, at.position, &new_name))
            .await?;
        match edit {
            Ok(edit) => Ok(Some(edit)),
            Err(why) => Err(Error::invalid_params(why.to_string())),
        }
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let items = self
            .ask(move |e| e.completion(&at.text_document.uri, at.position))
            .await?;
        Ok(Some(CompletionResponse::Array(items)))
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri;
        let symbols = self.ask(move |e| e.document_symbols(&uri)).await?;
        Ok(Some(DocumentSymbolResponse::Nested(symbols)))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let uri = params.text_document.uri;
        self.ask(move |e| e.formatting(&uri)).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let range = params.range;
        let actions = self.ask(move |e| e.code_actions(&uri, range)).await?;
        Ok(Some(actions))
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        let uri = params.text_document.uri;
        let tokens = self.ask(move |e| e.semantic_tokens(&uri)).await?;
        Ok(tokens.map(SemanticTokensResult::Tokens))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_target_option_is_read_and_bad_ones_are_explained() {
        assert_eq!(target_option(None), Ok(None));
        assert_eq!(target_option(Some(&json!({}))), Ok(None));
        assert_eq!(target_option(Some(&json!({"target": null}))), Ok(None));
        assert_eq!(
            target_option(Some(&json!({"target": "8x8"}))),
            Ok(Some(TargetKind::EightByEight))
        );
        assert!(target_option(Some(&json!({"target": "twilio"}))).is_err_and(|e| e.contains("sinch")));
        assert!(target_option(Some(&json!({"target": 3}))).is_err());
    }
}
