//! No feature panics, whatever the text and wherever the cursor: every
//! example, cut short at several places and with a stray quote or brace
//! thrown in, asked every question at many positions (past line ends and
//! past the last line included).

use super::uri;
use crate::engine::Engine;
use std::path::Path;
use tower_lsp_server::ls_types::{Position, Range};

fn texts() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|x| x == "flow"));
    files.sort();
    assert!(!files.is_empty(), "no examples in {}", dir.display());
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        out.push(text.clone());
        for cut in [text.len() / 3, text.len() * 4 / 5] {
            let cut = (0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            out.push(text[..cut].to_string());
            out.push(format!("{}\"{{👋\n{}", &text[..cut], &text[cut..]));
        }
    }
    out
}

#[test]
fn every_feature_answers_without_panicking_anywhere() {
    let u = uri("/p/main.flow");
    for (n, text) in texts().into_iter().enumerate() {
        let mut engine = Engine::new(|_| Err("no disk".into()));
        engine.open(u.clone(), 1, text.clone());
        let lines = text.lines().count() as u32 + 2;
        for line in 0..lines {
            for character in [0, 3, 9, 200] {
                let at = Position::new(line, character);
                let _ = engine.hover(&u, at);
                let _ = engine.definition(&u, at);
                let _ = engine.references(&u, at, true);
                let _ = engine.prepare_rename(&u, at);
                let _ = engine.rename(&u, at, "renamed_name");
                let _ = engine.completion(&u, at);
                let _ = engine.code_actions(&u, Range::new(at, at));
            }
        }
        let _ = engine.document_symbols(&u);
        let _ = engine.semantic_tokens(&u);
        let _ = engine.formatting(&u);
        assert!(engine.diagnostics(&u).is_some(), "text #{n}");
    }
}
