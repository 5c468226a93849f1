//! A project: a root file and everything it imports, parsed, resolved, checked
//! and lowered to the IR.
//!
//! Loading takes a `read` callback so that this crate stays pure: the CLI reads
//! from disk, the LSP from its open documents, tests from strings.

use crate::analysis::{literals, resolve, typeck};
use crate::ast::Ast;
use crate::checks::{self, Context};
use crate::diagnostic::{self, Diagnostic};
use crate::ir::{self, Ir};
use crate::span::{FileId, SourceMap};
use crate::syntax::{self, codes::IMPORT_NOT_FOUND};
use std::path::{Component, Path, PathBuf};

/// Drop `.` components and fold `dir/..` without touching the disk, so that
/// one file reached along two import paths has one name (and is loaded
/// once). `..` above the root is dropped; an empty result is `.`. Shared by
/// every `read` callback (the CLI's, the language server's, the tests').
pub fn normalize_path(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(component),
            },
            _ => out.push(component),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// What `read` answers for an import: the file's canonical name and its text,
/// or why it cannot be read.
pub type ReadResult = Result<(String, String), String>;

#[derive(Debug, Default)]
pub struct Project {
    pub sources: SourceMap,
    pub asts: Vec<(FileId, Ast)>,
    pub root: FileId,
    /// Parse and import diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

impl Project {
    /// Parse `root_text` and, transitively, its imports. `read(importer, path)`
    /// resolves `path` relative to the file named `importer`.
    pub fn load(root_name: &str, root_text: &str, read: &mut dyn FnMut(&str, &str) -> ReadResult) -> Project {
        let mut p = Project::default();
        p.root = p.sources.add(root_name, root_text);
        let mut queue = vec![p.root];
        while let Some(file) = queue.pop() {
            let Some(source) = p.sources.get(file) else { continue };
            let (ast, mut diags) = syntax::parse(file, &source.text);
            let importer = source.name.clone();
            for import in ast.imports() {
                let Some(path) = import.path.as_plain() else {
                    diags.push(
                        Diagnostic::new(&IMPORT_NOT_FOUND, "an import path cannot use `{…}` interpolation")
                            .primary(import.path.span, "imports are resolved before any call exists")
                            .help("write the path out, e.g. `import \"shared/goodbye.flow\"`"),
                    );
                    continue;
                };
                match read(&importer, &path) {
                    Ok((name, text)) => {
                        if p.sources.find(&name).is_none() {
                            queue.push(p.sources.add(name, text));
                        }
                    }
                    Err(why) => diags.push(
                        Diagnostic::new(&IMPORT_NOT_FOUND, format!("cannot import \"{path}\": {why}"))
                            .primary(import.path.span, "imported here")
                            .help("import paths are relative to the importing file"),
                    ),
                }
            }
            p.diagnostics.extend(diags);
            p.asts.push((file, ast));
        }
        p.asts.sort_by_key(|(f, _)| *f);
        p
    }

    /// A project of one file whose imports cannot be resolved.
    pub fn single(name: &str, text: &str) -> Project {
        Project::load(
            name,
            text,
            &mut |_, _| Err("imports are not available here".to_string()),
        )
    }
}

/// Everything `check` learns about a project.
#[derive(Debug)]
pub struct Analysis {
    pub ir: Ir,
    /// Every diagnostic of every stage, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Projects with at least this many top-level items are analysed on two
/// threads; below it, spawning costs more than it saves.
const PARALLEL_MIN_ITEMS: usize = 256;

/// Resolve, type-check, build the IR and run every flow check.
///
/// Name resolution and the literal and type checks read only the trees, and
/// so do the IR and the flow checks, so on a large project the two sides run
/// at once (the flow checks on two threads of their own once the IR exists).
/// The diagnostics are joined in the same order either way.
pub fn analyze(project: &Project) -> Analysis {
    let items: usize = project.asts.iter().map(|(_, ast)| ast.items.len()).sum();
    let parallel = items >= PARALLEL_MIN_ITEMS;
    let names_and_types = || {
        let mut diags = project.diagnostics.clone();
        resolve::resolve(&project.asts, project.root, &mut diags);
        literals::check(&project.asts, &mut diags);
        typeck::check(&project.asts, &mut diags);
        diags
    };
    let graph_and_checks = || {
        let ir = ir::build::build(&project.asts);
        let ctx = Context::new(&project.asts, &ir);
        let diags = checks::run_all_on(&ctx, if parallel { 2 } else { 1 });
        (ir, diags)
    };
    let (mut diags, (ir, flow_diags)) = join(parallel, names_and_types, graph_and_checks);
    diags.extend(flow_diags);
    diagnostic::sort_and_dedup(&mut diags);
    Analysis { ir, diagnostics: diags }
}

/// `(a(), b())`, with `a` on a thread of its own when `parallel` (and a thread
/// can be had).
fn join<A: Send, B>(parallel: bool, a: impl Fn() -> A + Sync, b: impl FnOnce() -> B) -> (A, B) {
    if !parallel {
        return (a(), b());
    }
    std::thread::scope(|scope| {
        // The main thread's stack size, so depth limits hold alike.
        let spawned = std::thread::Builder::new().stack_size(8 << 20).spawn_scoped(scope, &a);
        let b = b();
        let a = match spawned {
            Ok(handle) => match handle.join() {
                Ok(a) => a,
                // A panic on the other thread is a compiler bug; let it surface.
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(_) => a(),
        };
        (a, b)
    })
}

/// Check one file's text on its own: the editor and test entry point.
pub fn check_source(name: &str, text: &str) -> (Project, Analysis) {
    let project = Project::single(name, text);
    let analysis = analyze(&project);
    (project, analysis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_lexically() {
        assert_eq!(normalize_path(Path::new("./a/../b.flow")), PathBuf::from("b.flow"));
        assert_eq!(normalize_path(Path::new("../x/./y.flow")), PathBuf::from("../x/y.flow"));
        assert_eq!(normalize_path(Path::new("/../a.flow")), PathBuf::from("/a.flow"));
        assert_eq!(
            normalize_path(Path::new("a/shared/../shared/x.flow")),
            PathBuf::from("a/shared/x.flow")
        );
        assert_eq!(normalize_path(Path::new("./")), PathBuf::from("."));
    }

    fn ids(src: &str) -> Vec<&'static str> {
        check_source("t.flow", src)
            .1
            .diagnostics
            .iter()
            .map(|d| d.code.id)
            .collect()
    }

    #[test]
    fn states_next_to_syntax_errors_are_still_checked() {
        let src = "flow f {\n  start a\n}\nstep a {\n  sya \"x\"\n  goto b\n}\nstep b {\n  goto nowhere\n}\n";
        let found = ids(src);
        assert!(found.contains(&"E0001"), "{found:?}");
        assert!(
            found.contains(&"E0101"),
            "the undefined state in the valid step is reported: {found:?}"
        );
    }

    #[test]
    fn imports_are_loaded_once_and_missing_ones_reported() {
        let mut reads = Vec::new();
        let root = "import \"lib.flow\"\nimport \"lib.flow\"\nimport \"missing.flow\"\nflow f {\n  start a\n}\nstep a {\n  goto bye\n}\n";
        let project = Project::load("root.flow", root, &mut |importer, path| {
            reads.push((importer.to_string(), path.to_string()));
            match path {
                "lib.flow" => Ok(("lib.flow".into(), "step bye {\n  hangup\n}\n".into())),
                _ => Err("no such file".into()),
            }
        });
        assert_eq!(project.sources.len(), 2);
        let analysis = analyze(&project);
        let found: Vec<_> = analysis.diagnostics.iter().map(|d| d.code.id).collect();
        assert_eq!(found, vec!["E0003"]);
        assert!(reads.iter().all(|(importer, _)| importer == "root.flow"));
    }

    #[test]
    fn a_project_without_flow_says_so() {
        assert_eq!(ids("step a {\n  hangup\n}\n"), vec!["E0110"]);
    }
}
