//! Reading .flow files from disk into projects.
//!
//! Files are named as the user would type them: relative to the current
//! directory when they are below it, lexically normalised (`./a/../b.flow` is
//! `b.flow`) so that one file reached by two import paths gets one name and is
//! loaded once. Imports resolve relative to the importing file.

use callflow_compiler::project::{self, Analysis, Project, ReadResult, normalize_path};
use callflow_compiler::span::{FileId, SourceMap};
use callflow_compiler::{Diagnostic, diagnostic};
use std::path::Path;

/// A file that could not be read: its name and why.
#[derive(Debug)]
pub struct ReadError {
    pub name: String,
    pub reason: String,
}

impl ReadError {
    /// Report it on stderr as `error: cannot read `path`: reason`.
    pub fn report(&self) {
        super::output::error(&format!("cannot read `{}`: {}", self.name, self.reason));
    }
}

/// The display name of `path`: relative to the current directory when the
/// file is below it (however it was written: `../here/a.flow`, an absolute
/// path), otherwise as written, normalised.
pub fn name_of(path: &Path) -> String {
    let below_cwd = std::env::current_dir().ok().and_then(|cwd| {
        let cwd = normalize_path(&cwd);
        normalize_path(&cwd.join(path))
            .strip_prefix(&cwd)
            .ok()
            .map(Path::to_path_buf)
    });
    let name = match below_cwd {
        Some(relative) if !relative.as_os_str().is_empty() => relative,
        _ => normalize_path(path),
    };
    name.to_string_lossy().into_owned()
}

/// The name of `import_path` as imported by the file named `importer`.
pub fn resolve_import(importer: &str, import_path: &str) -> String {
    let base = Path::new(importer).parent().unwrap_or(Path::new(""));
    name_of(&base.join(import_path))
}

/// Read a file as UTF-8 text, with a short reason on failure.
pub fn read_text(name: &str) -> Result<String, ReadError> {
    std::fs::read_to_string(name).map_err(|e| ReadError {
        name: name.to_string(),
        reason: reason(&e),
    })
}

/// Read a file's bytes (bytecode), with a short reason on failure.
pub fn read_bytes(name: &str) -> Result<Vec<u8>, ReadError> {
    std::fs::read(name).map_err(|e| ReadError {
        name: name.to_string(),
        reason: reason(&e),
    })
}

fn reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "no such file".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        ErrorKind::IsADirectory => "is a directory".to_string(),
        ErrorKind::InvalidData => "not UTF-8 text".to_string(),
        _ => e.to_string(),
    }
}

/// The callback `Project::load` uses for imports.
pub fn read_import(importer: &str, import_path: &str) -> ReadResult {
    let name = resolve_import(importer, import_path);
    match read_text(&name) {
        Ok(text) => Ok((name, text)),
        // Name the file looked for when it is not simply the path as written.
        Err(e) if name == import_path => Err(e.reason),
        Err(e) => Err(format!("{} (looked for `{name}`)", e.reason)),
    }
}

/// Load and analyse the project rooted at the file `name`.
pub fn load(name: &str) -> Result<(Project, Analysis), ReadError> {
    // The project keeps its own copy of the text: free this one before the
    // analysis allocates (a few MB less at the peak for a large file).
    let project = {
        let text = read_text(name)?;
        Project::load(name, &text, &mut read_import)
    };
    let analysis = project::analyze(&project);
    Ok((project, analysis))
}

/// The diagnostics of several projects over one source map, so that they can
/// be rendered (and counted) as one report. A file shared by two projects
/// appears once, and so do its diagnostics.
#[derive(Debug, Default)]
pub struct Report {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn add(&mut self, sources: &SourceMap, diagnostics: Vec<Diagnostic>) {
        let ids: Vec<FileId> = sources
            .iter()
            .map(|(_, file)| match self.sources.find(&file.name) {
                Some(id) => id,
                None => self.sources.add(file.name.clone(), file.text.clone()),
            })
            .collect();
        for mut d in diagnostics {
            for label in &mut d.labels {
                if let Some(id) = ids.get(label.span.file.0 as usize) {
                    label.span.file = *id;
                }
            }
            self.diagnostics.push(d);
        }
    }

    /// Sort by file and position, and drop the copies shared files produce.
    pub fn finish(&mut self) {
        diagnostic::sort_and_dedup(&mut self.diagnostics);
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn has_warnings(&self) -> bool {
        self.diagnostics.iter().any(|d| !d.is_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised_lexically() {
        assert_eq!(
            resolve_import("flows/main.flow", "../shared/common.flow"),
            "shared/common.flow"
        );
        assert_eq!(resolve_import("main.flow", "lib.flow"), "lib.flow");
    }

    #[test]
    fn files_below_the_current_directory_are_named_relative_to_it() {
        let Ok(cwd) = std::env::current_dir() else {
            return;
        };
        assert_eq!(name_of(&cwd.join("flows/../a.flow")), "a.flow");
        let parent = cwd.file_name().map(|n| Path::new("..").join(n).join("b.flow"));
        if let Some(roundabout) = parent {
            assert_eq!(name_of(&roundabout), "b.flow");
        }
    }

    #[test]
    fn reports_merge_shared_files_once() {
        let a = Project::single("a.flow", "step s {\n  hangup\n}\n");
        let b = Project::single("a.flow", "step s {\n  hangup\n}\n");
        let mut report = Report::default();
        for p in [&a, &b] {
            let analysis = project::analyze(p);
            report.add(&p.sources, analysis.diagnostics);
        }
        report.finish();
        assert_eq!(report.sources.len(), 1);
        let single = project::analyze(&a).diagnostics.len();
        assert_eq!(report.diagnostics.len(), single);
    }
}
