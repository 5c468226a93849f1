//! The Africa's Talking and Tropo targets on many variants of the examples:
//! every example with each one of its lines removed (which reroutes, drops
//! options and defaults, and empties states). Whatever builds without flow
//! errors is compiled for both targets and every document rendered: nothing
//! may panic, every target diagnostic needs a help line and labels inside the
//! text, AT documents must parse as XML and Tropo documents as JSON.

use callflow_compiler::project::{self, Project};
use callflow_compiler::targets::{self, TargetKind, Urls};
use quick_xml::events::Event;
use quick_xml::reader::Reader;
use std::path::{Path, PathBuf};

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

fn read_import(importer: &str, path: &str) -> Result<(String, String), String> {
    let dir = Path::new(importer).parent().unwrap_or(Path::new(""));
    let name = dir.join(path);
    std::fs::read_to_string(examples_dir().join(&name))
        .map(|text| (name.to_string_lossy().replace('\\', "/"), text))
        .map_err(|e| e.to_string())
}

/// Problems with building `text` for AT and Tropo (empty when sound);
/// `None` when the flow itself has errors.
fn problems(name: &str, text: &str) -> Option<Vec<String>> {
    let project = Project::load(name, text, &mut read_import);
    let analysis = project::analyze(&project);
    if analysis.diagnostics.iter().any(|d| d.is_error()) {
        return None;
    }
    let mut out = Vec::new();
    let urls = Urls::new("https://ivr.example.com");
    for target in [TargetKind::AfricasTalking, TargetKind::Tropo] {
        let (bundle, diags) = targets::compile(&project.asts, &analysis.ir, &project.sources, target);
        for d in diags.iter().filter(|d| d.code.id.starts_with("E05")) {
            if d.help.as_deref().is_none_or(str::is_empty) {
                out.push(format!("{} `{}` has no help", d.code.id, d.message));
            }
            if d.labels.is_empty() {
                out.push(format!("{} `{}` has no label", d.code.id, d.message));
            }
            for l in &d.labels {
                let inside = project
                    .sources
                    .get(l.span.file)
                    .is_some_and(|f| f.slice(l.span).len() == (l.span.end - l.span.start) as usize);
                if !inside {
                    out.push(format!("{} `{}`: label outside its file", d.code.id, d.message));
                }
            }
        }
        for doc in &bundle.documents {
            let rendered = target.render(doc, &urls);
            let ok = match target {
                TargetKind::AfricasTalking => xml_parses(&rendered),
                _ => serde_json::from_str::<serde_json::Value>(&rendered).is_ok(),
            };
            if !ok {
                out.push(format!("{}: {} does not parse:\n{rendered}", target.id(), doc.id));
            }
        }
    }
    Some(out)
}

fn xml_parses(xml: &str) -> bool {
    let mut reader = Reader::from_str(xml);
    let mut depth = 0i32;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return depth == 0,
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth -= 1,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
}

#[test]
fn every_example_with_one_line_removed() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(examples_dir())
        .expect("examples/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "flow"))
        .collect();
    files.sort();
    let mut built = 0;
    let mut failures = Vec::new();
    for file in files {
        let name = file.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&file).expect("read example");
        let lines: Vec<&str> = text.lines().collect();
        for skip in 0..=lines.len() {
            // `skip == lines.len()` is the example itself.
            let variant: String = lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, l)| format!("{l}\n"))
                .collect();
            if let Some(p) = problems(&name, &variant) {
                built += 1;
                failures.extend(p.into_iter().map(|p| format!("{name} without line {}: {p}", skip + 1)));
            }
        }
    }
    assert!(built > 100, "only {built} variants built; the sweep tests little");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
