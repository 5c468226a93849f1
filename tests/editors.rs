//! The editor support in editors/: the VS Code extension's manifest, its
//! language configuration and its TextMate grammar. The grammar is run
//! through VS Code's own engine (vscode-textmate + Oniguruma, in
//! tests/tools/js) on every reserved word and on an example.

mod common;

use callflow_compiler::syntax::keywords::RESERVED;
use serde_json::Value;
use std::process::Command;

fn json(path: &str) -> Value {
    let text = std::fs::read_to_string(common::root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

#[test]
fn the_vscode_extension_contributes_the_flow_language() {
    let pkg = json("editors/vscode/package.json");
    let lang = &pkg["contributes"]["languages"][0];
    assert_eq!(lang["id"], "flow");
    assert_eq!(lang["extensions"], serde_json::json!([".flow"]));
    let grammar = &pkg["contributes"]["grammars"][0];
    assert_eq!(grammar["language"], "flow");
    assert_eq!(grammar["scopeName"], "source.flow");
    let setting = &pkg["contributes"]["configuration"]["properties"]["callflow.path"];
    assert_eq!(setting["default"], "callflow");
    assert!(pkg["dependencies"]["vscode-languageclient"].is_string());
    for file in [
        pkg["main"].as_str(),
        lang["configuration"].as_str(),
        grammar["path"].as_str(),
        Some("package-lock.json"),
    ] {
        let file = file.unwrap_or_else(|| panic!("a path is missing from package.json"));
        assert!(common::root().join("editors/vscode").join(file).is_file(), "{file}");
    }
    // The extension starts `callflow lsp` with the configured path.
    let js = std::fs::read_to_string(common::root().join("editors/vscode/extension.js")).unwrap_or_default();
    assert!(js.contains("args: ['lsp']") && js.contains("get('path')"), "{js}");

    let config = json("editors/vscode/language-configuration.json");
    assert_eq!(config["comments"]["lineComment"], "#");
    let pairs = config["autoClosingPairs"].to_string();
    assert!(
        pairs.contains(r#""open":"\"""#) && pairs.contains(r#""open":"{""#),
        "{pairs}"
    );
    assert_eq!(
        json("editors/vscode/syntaxes/flow.tmLanguage.json")["scopeName"],
        "source.flow"
    );
}

/// Every reserved word stands in one of the grammar's `\b(a|b|…)\b` lists.
#[test]
fn every_reserved_word_is_in_the_grammar() {
    let grammar = std::fs::read_to_string(common::root().join("editors/vscode/syntaxes/flow.tmLanguage.json"))
        .unwrap_or_default();
    let words: Vec<&str> = grammar
        .split("\\\\b(")
        .skip(1)
        .filter_map(|rest| rest.split(")\\\\b").next())
        .flat_map(|list| list.split('|'))
        .collect();
    for word in RESERVED {
        assert!(
            words.contains(word),
            "`{word}` is not highlighted by flow.tmLanguage.json"
        );
    }
}

/// Tokens of `file` as VS Code would scope them: (line, text, scopes).
fn tokenize(file: &std::path::Path) -> Option<Vec<(u64, String, Vec<String>)>> {
    let script = common::js_tool("tokenize.mjs")?;
    let grammar = common::root().join("editors/vscode/syntaxes/flow.tmLanguage.json");
    let out = Command::new("node")
        .arg(script)
        .arg(grammar)
        .arg(file)
        .output()
        .expect("run node");
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    let tokens = common::text(&out.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("a JSON token");
            let scopes = v["scopes"]
                .as_array()
                .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            (
                v["line"].as_u64().unwrap_or(0),
                v["text"].as_str().unwrap_or("").to_string(),
                scopes,
            )
        })
        .collect();
    Some(tokens)
}

#[test]
fn vs_codes_engine_scopes_every_reserved_word_as_a_keyword_or_constant() {
    let dir = common::TempDir::new("grammar-words");
    let body: String = RESERVED.iter().map(|w| format!("  {w}\n")).collect();
    let file = dir.write("words.flow", &body);
    let Some(tokens) = tokenize(&file) else { return };
    assert_eq!(tokens.len(), RESERVED.len(), "{tokens:?}");
    for (_, text, scopes) in &tokens {
        let last = scopes.last().map(String::as_str).unwrap_or("");
        assert!(
            last.starts_with("keyword")
                || last.starts_with("storage")
                || last.starts_with("constant")
                || last.starts_with("variable.parameter"),
            "`{text}` is scoped {scopes:?}"
        );
    }
}

#[test]
fn vs_codes_engine_scopes_an_example() {
    let file = common::root().join("examples/voicemail.flow");
    let Some(tokens) = tokenize(&file) else { return };
    let scope_of = |text: &str| -> Vec<String> {
        tokens
            .iter()
            .find(|(_, t, _)| t == text)
            .map(|(_, _, s)| s.clone())
            .unwrap_or_else(|| panic!("no token `{text}`"))
    };
    let has = |text: &str, scope: &str| {
        let scopes = scope_of(text);
        assert!(scopes.iter().any(|s| s.starts_with(scope)), "`{text}`: {scopes:?}");
    };
    let comment = tokens
        .iter()
        .find(|(_, t, _)| t.starts_with('#'))
        .map(|(_, t, _)| t.clone());
    has(&comment.unwrap_or_default(), "comment.line.number-sign");
    has("message", "variable");
    has("record", "keyword");
    has("goto", "keyword.control");
    let interpolated = tokens
        .iter()
        .any(|(_, _, s)| s.iter().any(|s| s == "variable.other.interpolated.flow"));
    assert!(interpolated, "no interpolation in {tokens:?}");
    let duration = tokens
        .iter()
        .any(|(_, _, s)| s.iter().any(|s| s == "constant.numeric.duration.flow"));
    assert!(duration, "no duration in {tokens:?}");
    let state = tokens
        .iter()
        .any(|(_, _, s)| s.iter().any(|s| s == "entity.name.function.flow"));
    assert!(state, "no state name in {tokens:?}");
}
