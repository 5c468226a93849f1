//! Diagnostics: the same codes `callflow check` reports, at UTF-16
//! positions, with explain links and related information.

use super::{Fixture, draw, uri};
use crate::engine::Engine;
use callflow_compiler::project::{self, Project};
use callflow_compiler::targets;
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types::{DiagnosticSeverity, DiagnosticTag, NumberOrString, Position, Range};

fn code(d: &tower_lsp_server::ls_types::Diagnostic) -> String {
    match &d.code {
        Some(NumberOrString::String(s)) => s.clone(),
        other => format!("{other:?}"),
    }
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/diagnostics")
}

/// What `callflow check` (with the fixture's `# target:`) reports for one
/// file: code and 0-based line of each diagnostic in that file.
fn check_reports(path: &Path, text: &str) -> Vec<(String, u32)> {
    let name = path.to_string_lossy().into_owned();
    let project = Project::load(&name, text, &mut |importer, import| {
        let file = Path::new(importer).parent().unwrap_or(Path::new("/")).join(import);
        let file = file.to_string_lossy().into_owned();
        std::fs::read_to_string(&file)
            .map(|t| (file.clone(), t))
            .map_err(|_| format!("no such file (looked for `{file}`)"))
    });
    let analysis = project::analyze(&project);
    let mut diags = analysis.diagnostics.clone();
    if let Some(target) = crate::engine::snapshot::target_line(text)
        && !diags.iter().any(|d| d.is_error())
    {
        diags.extend(targets::compile(&project.asts, &analysis.ir, &project.sources, target).1);
    }
    let mut out: Vec<(String, u32)> = diags
        .iter()
        .filter_map(|d| {
            let span = d.primary_span()?;
            let file = project.sources.get(span.file)?;
            (file.name == name).then(|| {
                let line = file.lines.line_col(&file.text, span.start as usize).line as u32 - 1;
                (d.code.id.to_string(), line)
            })
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_fixture_reports_what_check_reports() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "flow"));
    files.sort();
    assert!(files.len() >= 40, "fixtures not found in {}", fixtures_dir().display());
    for path in files {
        let path = callflow_compiler::project::normalize_path(&path);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let mut engine = Engine::new(|p| std::fs::read_to_string(p).map_err(|_| "no such file".to_string()));
        let u = uri(&path.to_string_lossy());
        engine.open(u.clone(), 7, text.clone());
        let (version, diags) = engine.diagnostics(&u).unwrap_or_default();
        assert_eq!(version, 7);
        let mut got: Vec<(String, u32)> = diags.iter().map(|d| (code(d), d.range.start.line)).collect();
        got.sort();
        let expected = check_reports(&path, &text);
        assert_eq!(got, expected, "{}", path.display());
        let id = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .get(..5)
            .unwrap_or("");
        assert!(
            got.iter().any(|(c, _)| c == id),
            "{} does not report {id}",
            path.display()
        );
        for d in &diags {
            let href = d
                .code_description
                .as_ref()
                .map(|c| c.href.as_str().to_string())
                .unwrap_or_default();
            assert!(
                href.ends_with(&format!("docs/diagnostics.md#{}", code(d).to_ascii_lowercase())),
                "{href}"
            );
            assert_eq!(d.source.as_deref(), Some("callflow"));
        }
    }
}

#[test]
fn positions_count_utf16_units_after_emoji_and_accents() {
    let src = "flow f {\n  start a\n}\nstep a {\n  say \"Café 👋 {nme}\"\n  hangup\n}\n";
    let mut fx = Fixture::new(src);
    let main = fx.main();
    let (_, diags) = fx.engine.diagnostics(&main).unwrap_or_default();
    let e0104 = diags.iter().find(|d| code(d) == "E0104");
    let range = e0104.map(|d| d.range);
    // `  say "` is 7 units, `Café ` 5, `👋` 2 (one char, four bytes), ` {` 2.
    assert_eq!(range, Some(Range::new(Position::new(4, 16), Position::new(4, 19))));
    assert_eq!(
        draw(src, range.unwrap_or_default()),
        "  say \"Café 👋 {nme}\"\n               ^^^"
    );
}

#[test]
fn severity_help_related_information_and_tags_are_carried() {
    let src = "flow f {\n  start a\n}\nstep a {\n  goto b\n}\nstep b {\n  hangup\n}\nmenu b {\n  \"1\" -> a\n}\n\
               step lonely {\n  hangup\n}\n";
    let mut fx = Fixture::new(src);
    let main = fx.main();
    let (_, diags) = fx.engine.diagnostics(&main).unwrap_or_default();
    let dup = diags.iter().find(|d| code(d) == "E0102");
    let Some(dup) = dup else {
        panic!("no E0102 in {diags:#?}")
    };
    assert_eq!(dup.severity, Some(DiagnosticSeverity::ERROR));
    assert!(dup.message.contains("\nhelp: rename one of them"), "{}", dup.message);
    let related = dup.related_information.clone().unwrap_or_default();
    assert_eq!(related.len(), 1);
    assert_eq!(related[0].message, "first defined here");
    assert_eq!(related[0].location.uri, main);
    assert_eq!(related[0].location.range.start, Position::new(6, 5));
    let lonely = diags.iter().find(|d| code(d) == "W0301" && d.range.start.line == 12);
    assert_eq!(lonely.map(|d| d.severity), Some(Some(DiagnosticSeverity::WARNING)));
    assert_eq!(
        lonely.and_then(|d| d.tags.clone()),
        Some(vec![DiagnosticTag::UNNECESSARY])
    );
}

#[test]
fn a_target_line_or_the_chosen_target_adds_the_providers_checks() {
    let body = "flow f {\n  start a\n}\nstep a {\n  start_recording\n  hangup\n}\n";
    let mut fx = Fixture::new(body);
    let main = fx.main();
    let codes = |fx: &mut Fixture| -> Vec<String> {
        fx.engine
            .diagnostics(&main)
            .unwrap_or_default()
            .1
            .iter()
            .map(code)
            .collect()
    };
    assert!(codes(&mut fx).is_empty());
    fx.engine
        .set_target(Some(callflow_compiler::targets::TargetKind::AfricasTalking));
    assert_eq!(codes(&mut fx), vec!["E0501"]);
    // A `# target:` first line wins over the client's choice.
    fx.engine.open(main.clone(), 2, format!("# target: sinch\n{body}"));
    assert_eq!(codes(&mut fx), Vec::<String>::new());
}
