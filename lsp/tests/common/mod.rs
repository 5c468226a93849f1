//! A JSON-RPC test client for the language server: it frames messages with
//! `Content-Length` as editors do, over any byte streams (an in-memory duplex
//! pipe here, a child process's stdio in the CLI's tests, the benchmark).
//! Notifications that arrive while it waits for a response are kept for
//! later, and requests from the server are answered with `null`.

#![allow(dead_code)]

use serde_json::{Value, json};
use std::collections::VecDeque;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// How long any one message may take: generous, so a loaded CI machine does
/// not fail a test, but a hang still ends.
pub const WAIT: Duration = Duration::from_secs(30);

pub struct Client<R, W> {
    read: BufReader<R>,
    write: W,
    next_id: i64,
    pending: VecDeque<Value>,
}

/// A server on an in-memory pipe, running on this test's runtime, with
/// `files` as the disk.
pub fn in_memory(
    files: Vec<(&'static str, &'static str)>,
) -> Client<tokio::io::ReadHalf<tokio::io::DuplexStream>, tokio::io::WriteHalf<tokio::io::DuplexStream>> {
    let (client_end, server_end) = tokio::io::duplex(1 << 20);
    let (server_read, server_write) = tokio::io::split(server_end);
    let disk: std::collections::HashMap<String, String> =
        files.into_iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
    tokio::spawn(callflow_lsp::serve(server_read, server_write, move |path| {
        disk.get(path).cloned().ok_or_else(|| "no such file".to_string())
    }));
    let (read, write) = tokio::io::split(client_end);
    Client::new(read, write)
}

impl<R: AsyncRead + Unpin, W: AsyncWrite + Unpin> Client<R, W> {
    pub fn new(read: R, write: W) -> Self {
        Client {
            read: BufReader::new(read),
            write,
            next_id: 1,
            pending: VecDeque::new(),
        }
    }

    pub async fn send(&mut self, message: &Value) {
        let body = message.to_string();
        let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.write
            .write_all(framed.as_bytes())
            .await
            .expect("write to the server");
        self.write.flush().await.expect("flush");
    }

    /// Write raw bytes (for malformed input).
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.write.write_all(bytes).await.expect("write to the server");
        self.write.flush().await.expect("flush");
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    /// Send a request and wait for its response (the whole message: its
    /// `result` or its `error`).
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        loop {
            let msg = self.recv().await;
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return msg;
            }
            self.keep(msg).await;
        }
    }

    /// The next notification named `method` (earlier ones of other names
    /// stay queued).
    pub async fn notification(&mut self, method: &str) -> Value {
        if let Some(i) = self.pending.iter().position(|m| m["method"] == method) {
            return self.pending.remove(i).unwrap_or_default();
        }
        loop {
            let msg = self.recv().await;
            if msg["method"] == method && msg.get("id").is_none() {
                return msg;
            }
            self.keep(msg).await;
        }
    }

    /// The next `publishDiagnostics` for `uri` whose version is `version`;
    /// earlier ones for that document are returned too, in order, so a test
    /// can check none was stale.
    pub async fn diagnostics_until(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let mut seen = Vec::new();
        loop {
            let n = self.notification("textDocument/publishDiagnostics").await;
            if n["params"]["uri"] != uri {
                continue;
            }
            let done = n["params"]["version"] == version;
            seen.push(n["params"].clone());
            if done {
                return seen;
            }
        }
    }

    /// Every notification received so far and not yet taken.
    pub fn pending(&self) -> &VecDeque<Value> {
        &self.pending
    }

    async fn keep(&mut self, msg: Value) {
        if msg.get("id").is_some() && msg.get("method").is_some() {
            // A request from the server (none is expected): answer it.
            let id = msg["id"].clone();
            self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null})).await;
        } else {
            self.pending.push_back(msg);
        }
    }

    async fn recv(&mut self) -> Value {
        tokio::time::timeout(WAIT, self.read_message())
            .await
            .expect("the server answered in time")
    }

    async fn read_message(&mut self) -> Value {
        let mut length = None;
        loop {
            let mut line = String::new();
            let n = self.read.read_line(&mut line).await.expect("read a header");
            assert!(n > 0, "the server closed the stream");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length:") {
                length = v.trim().parse::<usize>().ok();
            }
        }
        let mut body = vec![0; length.expect("a Content-Length header")];
        self.read.read_exact(&mut body).await.expect("read a body");
        serde_json::from_slice(&body).expect("a JSON body")
    }

    /// `initialize` (with `options` as initializationOptions) + `initialized`.
    pub async fn initialize(&mut self, options: Value) -> Value {
        let response = self
            .request(
                "initialize",
                json!({"processId": null, "rootUri": null, "capabilities": {}, "initializationOptions": options}),
            )
            .await;
        self.notify("initialized", json!({})).await;
        response
    }

    pub async fn open(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "flow", "version": version, "text": text}}),
        )
        .await;
    }

    pub async fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        )
        .await;
    }

    pub async fn shutdown(&mut self) {
        let r = self.request("shutdown", Value::Null).await;
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null).await;
    }
}

/// `{"textDocument": {"uri"}, "position": {"line", "character"}}`.
pub fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

/// A flow with three problems: an undefined variable after non-ASCII text
/// (E0104, to check UTF-16 columns), an undefined state (E0101, with a
/// quick fix) and so an unreachable state (W0301).
pub const BROKEN: &str = "flow acme {\n  start welcome\n}\nstep welcome {\n  say \"Café 👋 {nme}\"\n  goto mian\n}\n\
                          step main {\n  hangup\n}\n";
pub const FIXED: &str = "flow acme {\n  start welcome\n}\nstep welcome {\n  say \"Café 👋\"\n  goto main\n}\n\
                         step main {\n  hangup\n}\n";

fn codes(params: &Value) -> Vec<String> {
    let mut codes: Vec<String> = params["diagnostics"]
        .as_array()
        .map(|a| a.iter().map(|d| d["code"].as_str().unwrap_or("").to_string()).collect())
        .unwrap_or_default();
    codes.sort();
    codes
}

fn labels(response: &Value) -> Vec<String> {
    response["result"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| i["label"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// One editing session over real JSON-RPC, whatever the transport: every
/// feature once, edits, stale versions, malformed input, close, exit.
pub async fn session<R: AsyncRead + Unpin, W: AsyncWrite + Unpin>(c: &mut Client<R, W>, uri: &str) {
    let init = c.initialize(json!({"target": null})).await;
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16", "{init}");
    assert_eq!(caps["textDocumentSync"]["change"], 1, "whole-document sync: {caps}");
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    for provider in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentSymbolProvider",
        "documentFormattingProvider",
    ] {
        assert_eq!(caps[provider], true, "{provider}: {caps}");
    }
    assert_eq!(caps["renameProvider"]["prepareProvider"], true);
    assert_eq!(caps["completionProvider"]["triggerCharacters"], json!(["{", "\""]));
    assert_eq!(caps["codeActionProvider"]["codeActionKinds"], json!(["quickfix"]));
    assert_eq!(caps["semanticTokensProvider"]["legend"]["tokenTypes"][0], "keyword");
    assert_eq!(init["result"]["serverInfo"]["name"], "callflow");

    // Diagnostics on open, with UTF-16 columns, links and help.
    c.open(uri, 1, BROKEN).await;
    let published = c.diagnostics_until(uri, 1).await;
    let first = published.last().cloned().unwrap_or_default();
    assert_eq!(codes(&first), vec!["E0101", "E0104", "W0301"], "{first}");
    let diags = first["diagnostics"].as_array().cloned().unwrap_or_default();
    let e0104 = diags.iter().find(|d| d["code"] == "E0104").cloned().unwrap_or_default();
    assert_eq!(
        e0104["range"],
        json!({"start": {"line": 4, "character": 16}, "end": {"line": 4, "character": 19}})
    );
    assert_eq!(e0104["severity"], 1);
    assert!(
        e0104["codeDescription"]["href"]
            .as_str()
            .is_some_and(|h| h.ends_with("docs/diagnostics.md#e0104")),
        "{e0104}"
    );
    let e0101 = diags.iter().find(|d| d["code"] == "E0101").cloned().unwrap_or_default();
    assert!(
        e0101["message"]
            .as_str()
            .is_some_and(|m| m.contains("help: did you mean `main`?")),
        "{e0101}"
    );

    // Hover: a state's prompt, non-ASCII included.
    let hover = c.request("textDocument/hover", at(uri, 1, 9)).await;
    let text = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(
        text.contains("**step** `welcome`") && text.contains("Café 👋"),
        "{hover}"
    );

    // Definition: `start welcome` leads to `step welcome`.
    let def = c.request("textDocument/definition", at(uri, 1, 9)).await;
    assert_eq!(def["result"]["uri"], uri, "{def}");
    assert_eq!(def["result"]["range"]["start"], json!({"line": 3, "character": 5}));

    // References of `welcome`: its definition and the `start`.
    let mut refs = at(uri, 3, 7);
    refs["context"] = json!({"includeDeclaration": true});
    let refs = c.request("textDocument/references", refs).await;
    assert_eq!(refs["result"].as_array().map(Vec::len), Some(2), "{refs}");

    // Completion of state names after `goto `.
    let done = c.request("textDocument/completion", at(uri, 5, 7)).await;
    assert_eq!(labels(&done), vec!["main", "welcome"], "{done}");

    // Rename, and a refused rename.
    let mut params = at(uri, 3, 7);
    params["newName"] = json!("greeting");
    let renamed = c.request("textDocument/rename", params.clone()).await;
    let edits = renamed["result"]["changes"][uri]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(edits.len(), 2, "{renamed}");
    assert!(edits.iter().all(|e| e["newText"] == "greeting"));
    params["newName"] = json!("goto");
    let refused = c.request("textDocument/rename", params).await;
    assert!(
        refused["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("reserved word")),
        "{refused}"
    );
    let prepared = c.request("textDocument/prepareRename", at(uri, 3, 7)).await;
    assert_eq!(
        prepared["result"]["start"],
        json!({"line": 3, "character": 5}),
        "{prepared}"
    );

    // Formatting is `callflow fmt`: one edit over the whole document (here it
    // puts a blank line between the top-level items).
    let formatted = c
        .request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
        )
        .await;
    let expected = "flow acme {\n  start welcome\n}\n\nstep welcome {\n  say \"Café 👋 {nme}\"\n  goto mian\n}\n\n\
                    step main {\n  hangup\n}\n";
    assert_eq!(
        formatted["result"],
        json!([{
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 10, "character": 0}},
            "newText": expected,
        }]),
        "{formatted}"
    );

    // Outline, quick fix, semantic tokens.
    let symbols = c
        .request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}))
        .await;
    let names: Vec<&str> = symbols["result"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, vec!["acme", "welcome", "main"], "{symbols}");
    let range = json!({"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 0}});
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": []}}),
        )
        .await;
    assert_eq!(actions["result"][0]["title"], "Create step `mian`", "{actions}");
    let tokens = c
        .request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let data = tokens["result"]["data"].as_array().map(Vec::len).unwrap_or(0);
    assert!(data > 0 && data % 5 == 0, "{tokens}");

    // A change publishes the new version's diagnostics.
    c.change(uri, 2, FIXED).await;
    let fixed = c.diagnostics_until(uri, 2).await;
    assert_eq!(fixed.last().map(codes), Some(vec![]), "{fixed:?}");

    // A burst of edits: nothing stale is published, the last version wins.
    for v in 3..=12 {
        c.change(uri, v, if v % 2 == 0 { FIXED } else { BROKEN }).await;
    }
    let burst = c.diagnostics_until(uri, 12).await;
    let versions: Vec<i64> = burst.iter().filter_map(|p| p["version"].as_i64()).collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "out of order: {versions:?}");
    assert_eq!(burst.last().map(codes), Some(vec![]));

    // Malformed input gets an error, and the server carries on.
    let bad = c.request("textDocument/hover", json!({"textDocument": 42})).await;
    assert!(bad.get("error").is_some(), "{bad}");
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json").await;
    let odd = c.request("textDocument/hover", at("file:///nowhere.flow", 0, 0)).await;
    assert_eq!(odd["result"], Value::Null, "{odd}");
    let far = c.request("textDocument/completion", at(uri, 4000, 4000)).await;
    assert!(far.get("result").is_some(), "{far}");

    // Closing clears the document's diagnostics.
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}))
        .await;
    let cleared = c.notification("textDocument/publishDiagnostics").await;
    assert_eq!(cleared["params"]["diagnostics"], json!([]), "{cleared}");
    c.shutdown().await;
}
