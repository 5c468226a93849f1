//! One analysed project: what `callflow check` (with `--target` when one is
//! chosen) learns about a root file and its imports, plus the name index.
//! Every feature reads a snapshot; the engine rebuilds it when a file of the
//! project changes.

use super::index::Index;
use callflow_compiler::Diagnostic;
use callflow_compiler::project::{self, Project, ReadResult};
use callflow_compiler::span::{FileId, SourceFile};
use callflow_compiler::targets::{self, TargetKind};
use tower_lsp_server::ls_types::Uri;

#[derive(Debug)]
pub struct Snapshot {
    pub project: Project,
    /// Every diagnostic `check` reports, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    pub index: Index,
    /// The provider target the project is checked for, if any.
    pub target: Option<TargetKind>,
    /// The URI of each file, by `FileId`.
    uris: Vec<Option<Uri>>,
}

impl Snapshot {
    /// Load and check the project rooted at `root`. `uri_of` names the URI of
    /// each file the project ends up with.
    pub fn build(
        root: &str,
        text: &str,
        read: &mut dyn FnMut(&str, &str) -> ReadResult,
        default_target: Option<TargetKind>,
        uri_of: &dyn Fn(&str) -> Option<Uri>,
    ) -> Snapshot {
        let project = Project::load(root, text, read);
        let analysis = project::analyze(&project);
        let target = target_line(text).or(default_target);
        // As `check --target`.
        let diagnostics = match target {
            Some(target) => targets::check_project(&project, &analysis, target).1,
            None => analysis.diagnostics,
        };
        let index = Index::build(&project.asts);
        let uris = project.sources.iter().map(|(_, f)| uri_of(&f.name)).collect();
        Snapshot {
            project,
            diagnostics,
            index,
            target,
            uris,
        }
    }

    pub fn file_named(&self, name: &str) -> Option<(FileId, &SourceFile)> {
        let id = self.project.sources.find(name)?;
        Some((id, self.project.sources.get(id)?))
    }

    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.project.sources.get(id)
    }

    pub fn uri(&self, id: FileId) -> Option<&Uri> {
        self.uris.get(id.0 as usize)?.as_ref()
    }

    pub fn contains(&self, name: &str) -> bool {
        self.project.sources.find(name).is_some()
    }

    /// Does the root file declare a flow of its own? A file without one is
    /// usually a shared file that another root imports.
    pub fn root_has_flow(&self) -> bool {
        self.project
            .asts
            .iter()
            .find(|(id, _)| *id == self.project.root)
            .is_some_and(|(_, ast)| ast.flows().next().is_some())
    }

    pub fn ast(&self, id: FileId) -> Option<&callflow_compiler::ast::Ast> {
        self.project.asts.iter().find(|(f, _)| *f == id).map(|(_, ast)| ast)
    }
}

/// The target a `# target: <id>` first line names (the convention of the
/// diagnostic fixtures), if it names one.
pub fn target_line(text: &str) -> Option<TargetKind> {
    let id = text
        .lines()
        .next()?
        .strip_prefix('#')?
        .trim_start()
        .strip_prefix("target:")?;
    TargetKind::from_id(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_line_names_a_provider() {
        assert_eq!(target_line("# target: sinch\nflow f {"), Some(TargetKind::Sinch));
        assert_eq!(target_line("#target: 8x8"), Some(TargetKind::EightByEight));
        assert_eq!(target_line("# target: nowhere"), None);
        assert_eq!(target_line("\n# target: sinch"), None);
    }
}
