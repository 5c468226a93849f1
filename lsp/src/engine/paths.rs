//! Document names: how the engine names a document for the compiler, and how
//! it finds the URI of a file the compiler names.
//!
//! The compiler knows files by name (`SourceMap`) and resolves an import
//! relative to the importing file's name. A `file:` URI is named by its path,
//! so imports resolve as `callflow check` resolves them; any other URI
//! (`untitled:`) is named by the URI itself and cannot import anything.

use callflow_compiler::project::normalize_path;
use std::path::Path;
use tower_lsp_server::ls_types::Uri;

/// The compiler's name for a document.
pub fn name_of(uri: &Uri) -> String {
    if is_file(uri)
        && let Some(path) = uri.to_file_path()
    {
        return normalize_path(&path).to_string_lossy().into_owned();
    }
    uri.as_str().to_string()
}

/// The URI of a file the compiler names: an open document's own URI, else a
/// `file:` URI for the path.
pub fn uri_of(name: &str) -> Option<Uri> {
    if Path::new(name).is_absolute() {
        return Uri::from_file_path(name);
    }
    name.parse().ok()
}

fn is_file(uri: &Uri) -> bool {
    uri.scheme().as_str().eq_ignore_ascii_case("file")
}

/// Where an import points: `path` relative to the directory of `importer`,
/// or `None` when the importer is not a file on disk.
pub fn resolve_import(importer: &str, path: &str) -> Option<String> {
    let importer = Path::new(importer);
    if !importer.is_absolute() {
        return None;
    }
    let dir = importer.parent().unwrap_or(Path::new("/"));
    Some(normalize_path(&dir.join(path)).to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        s.parse().unwrap_or_else(|_| panic!("bad test uri {s}"))
    }

    #[test]
    fn file_uris_are_named_by_their_normalised_path() {
        assert_eq!(name_of(&uri("file:///p/./a/../main.flow")), "/p/main.flow");
        assert_eq!(name_of(&uri("untitled:Untitled-1")), "untitled:Untitled-1");
    }

    #[test]
    fn imports_resolve_next_to_the_importer_and_only_from_files() {
        assert_eq!(
            resolve_import("/p/main.flow", "shared/../shared/bye.flow").as_deref(),
            Some("/p/shared/bye.flow")
        );
        assert_eq!(resolve_import("untitled:Untitled-1", "bye.flow"), None);
    }

    #[test]
    fn names_and_uris_round_trip() {
        let u = uri("file:///p/shared/good%20bye.flow");
        let name = name_of(&u);
        assert_eq!(name, "/p/shared/good bye.flow");
        assert_eq!(
            uri_of(&name).map(|u| u.as_str().to_string()),
            Some(u.as_str().to_string())
        );
        assert_eq!(
            uri_of("untitled:Untitled-1").map(|u| u.as_str().to_string()),
            Some("untitled:Untitled-1".into())
        );
    }
}
