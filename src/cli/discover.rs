//! Finding files below a directory: scenario files (`*.test.toml`) for
//! `callflow test`, and the projects of a directory: every `*.flow` file below it, and of
//! those the roots (files no other found file imports), so that a library file
//! is checked as part of the project that imports it, not on its own (where
//! it would report `no-flow` and undefined states).

use super::load;
use callflow_compiler::span::FileId;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `*.flow` file below `dir`, by display name, sorted. Hidden
/// directories, `target/` and symlinked directories (which may loop) are
/// skipped; unreadable directories are skipped too.
pub fn flow_files(dir: &Path) -> Vec<String> {
    files_named(dir, ".flow")
}

/// Every scenario file (`*.test.toml`) below `dir`, skipping the same
/// directories as `flow_files`.
pub fn test_files(dir: &Path) -> Vec<String> {
    files_named(dir, ".test.toml")
}

/// The files named on the command line, by display name, each once: a
/// directory stands for what `find` finds below it, no arguments for what it
/// finds below the current directory. `what` names them in the error when a
/// directory holds none (`.flow files`). Missing files are kept: they are
/// reported when they are read.
pub fn expand(args: &[PathBuf], what: &str, find: fn(&Path) -> Vec<String>) -> Result<Vec<String>, String> {
    if args.is_empty() {
        let found = find(Path::new("."));
        if found.is_empty() {
            return Err(format!("no {what} found below the current directory"));
        }
        return Ok(found);
    }
    let mut files: Vec<String> = Vec::new();
    for arg in args {
        let found = if arg.is_dir() {
            let found = find(arg);
            if found.is_empty() {
                return Err(format!("no {what} found in `{}`", arg.display()));
            }
            found
        } else {
            vec![load::name_of(arg)]
        };
        for file in found {
            if !files.contains(&file) {
                files.push(file);
            }
        }
    }
    Ok(files)
}

fn files_named(dir: &Path, suffix: &str) -> Vec<String> {
    let mut found = Vec::new();
    walk(dir, suffix, &mut found);
    found.sort();
    found
}

fn walk(dir: &Path, suffix: &str, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if !name.starts_with('.') && name != "target" {
                walk(&path, suffix, found);
            }
        } else if name.len() > suffix.len() && name.ends_with(suffix) && !name.starts_with('.') && path.is_file() {
            found.push(load::name_of(&path));
        }
    }
}

/// The files to check as roots: those no other file in `files` imports, then,
/// for files only reachable from each other (an import cycle), the first of
/// each cycle. Every file ends up reachable from some root.
pub fn roots(files: &[String]) -> Vec<String> {
    let imports: BTreeMap<&str, Vec<String>> = files.iter().map(|f| (f.as_str(), imports_of(f))).collect();
    let imported: BTreeSet<&str> = imports.values().flatten().map(String::as_str).collect();
    let mut roots: Vec<&String> = files.iter().filter(|f| !imported.contains(f.as_str())).collect();
    let mut reached = BTreeSet::new();
    for &root in &roots {
        reach(root, &imports, &mut reached);
    }
    for file in files {
        if !reached.contains(file.as_str()) {
            reach(file, &imports, &mut reached);
            roots.push(file);
        }
    }
    roots.into_iter().cloned().collect()
}

fn reach<'a>(from: &'a str, imports: &'a BTreeMap<&str, Vec<String>>, reached: &mut BTreeSet<&'a str>) {
    let mut stack = vec![from];
    while let Some(file) = stack.pop() {
        if reached.insert(file) {
            stack.extend(imports.get(file).into_iter().flatten().map(String::as_str));
        }
    }
}

/// The names of the files `file` imports (an unreadable file imports nothing;
/// loading it as a root reports why).
fn imports_of(file: &str) -> Vec<String> {
    let Ok(text) = load::read_text(file) else {
        return Vec::new();
    };
    let (ast, _) = callflow_compiler::parse(FileId(0), &text);
    ast.imports()
        .filter_map(|i| i.path.as_plain())
        .map(|p| load::resolve_import(file, &p))
        .collect()
}
