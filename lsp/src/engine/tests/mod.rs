//! Engine tests: fixtures with a `$0` cursor, run against the engine with an
//! in-memory file system, and insta snapshots that draw what an editor
//! would show.

mod actions;
mod completion;
mod diagnostics;
mod hover;
mod navigation;
mod projects;
mod rename;
mod resilience;
mod robustness;
mod symbols;
mod tokens;

use super::Engine;
use std::collections::HashMap;
use tower_lsp_server::ls_types::{Position, Range, TextEdit, Uri, WorkspaceEdit};

pub const CURSOR: &str = "$0";

pub fn uri(path: &str) -> Uri {
    format!("file://{path}")
        .parse()
        .unwrap_or_else(|_| panic!("test uri for {path}"))
}

/// An engine with the fixture's files: open ones (`--- /p/a.flow`) and
/// files only on the "disk" (`--- /p/b.flow (disk)`). A fixture without a
/// `---` line is one open file, `/project/main.flow`. The first `$0` is the
/// cursor.
pub struct Fixture {
    pub engine: Engine,
    /// Open documents, in fixture order.
    pub open: Vec<Uri>,
    pub cursor: Option<(Uri, Position)>,
}

impl Fixture {
    pub fn new(text: &str) -> Fixture {
        let files = split_files(text);
        let mut disk: HashMap<String, String> = HashMap::new();
        let mut open = Vec::new();
        let mut cursor = None;
        let mut texts = Vec::new();
        for (path, on_disk, body) in files {
            let (body, at) = take_cursor(&body);
            if let Some(at) = at {
                cursor.get_or_insert((uri(&path), at));
            }
            if on_disk {
                disk.insert(path, body);
            } else {
                texts.push((path, body));
            }
        }
        let mut engine = Engine::new(move |path| disk.get(path).cloned().ok_or_else(|| "no such file".to_string()));
        for (path, body) in texts {
            let u = uri(&path);
            engine.open(u.clone(), 1, body);
            open.push(u);
        }
        Fixture { engine, open, cursor }
    }

    pub fn at(&self) -> (Uri, Position) {
        self.cursor
            .clone()
            .unwrap_or_else(|| panic!("the fixture has no {CURSOR}"))
    }

    pub fn main(&self) -> Uri {
        self.open.first().cloned().unwrap_or_else(|| panic!("no open file"))
    }

    pub fn text(&self, uri: &Uri) -> String {
        self.engine.text(uri).unwrap_or_default().to_string()
    }
}

fn split_files(text: &str) -> Vec<(String, bool, String)> {
    if !text.starts_with("--- ") {
        return vec![("/project/main.flow".to_string(), false, text.to_string())];
    }
    let mut files: Vec<(String, bool, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(header) = line.strip_prefix("--- ") {
            let header = header.trim();
            let (path, disk) = match header.strip_suffix("(disk)") {
                Some(p) => (p.trim().to_string(), true),
                None => (header.to_string(), false),
            };
            files.push((path, disk, String::new()));
        } else if let Some(last) = files.last_mut() {
            last.2.push_str(line);
        }
    }
    files
}

/// The text without its `$0`, and the LSP position of the marker.
pub fn take_cursor(text: &str) -> (String, Option<Position>) {
    let Some(at) = text.find(CURSOR) else {
        return (text.to_string(), None);
    };
    let before = &text[..at];
    let line = before.matches('\n').count() as u32;
    let col = before.rsplit('\n').next().unwrap_or("").encode_utf16().count() as u32;
    (text.replacen(CURSOR, "", 1), Some(Position::new(line, col)))
}

/// The line a range starts on, with `^` under the range (columns in UTF-16,
/// drawn under the characters they cover).
pub fn draw(text: &str, range: Range) -> String {
    let line = text.lines().nth(range.start.line as usize).unwrap_or("");
    let mut marks = String::new();
    let mut units = 0u32;
    for c in line.chars() {
        let inside =
            units >= range.start.character && (units < range.end.character || range.end.line > range.start.line);
        marks.push(if inside { '^' } else { ' ' });
        units += c.len_utf16() as u32;
    }
    format!("{line}\n{}", marks.trim_end())
}

/// Apply LSP edits (UTF-16 ranges) to a text.
pub fn apply(text: &str, edits: &[TextEdit]) -> String {
    let lines = callflow_compiler::span::LineIndex::new(text);
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            let start = super::position::offset(text, &lines, e.range.start);
            let end = super::position::offset(text, &lines, e.range.end);
            (start, end, e.new_text.as_str())
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, new);
    }
    out
}

/// Every file a workspace edit changes, edited, in path order.
pub fn apply_workspace(fx: &Fixture, edit: &WorkspaceEdit, disk: &HashMap<&str, &str>) -> String {
    let mut changes: Vec<(&Uri, &Vec<TextEdit>)> = edit.changes.iter().flatten().collect();
    changes.sort_by_key(|(u, _)| u.as_str().to_string());
    let mut out = String::new();
    for (u, edits) in changes {
        let path = u.as_str().trim_start_matches("file://");
        let before = match fx.engine.text(u) {
            Some(t) => t.to_string(),
            None => disk.get(path).map(|s| s.to_string()).unwrap_or_default(),
        };
        out.push_str(&format!(
            "--- {path} ({} edits)\n{}",
            edits.len(),
            apply(&before, edits)
        ));
    }
    out
}
