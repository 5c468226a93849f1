//! Golden bundles of the 8x8 and Sinch targets, and hostile text.
//!
//! Every example (and the flows under tests/targets/, which reach the actions
//! the examples do not) is built for both targets. When the target can carry
//! the flow, the manifest and every document are snapshotted; when it cannot,
//! the diagnostics are. Accept changes with
//! `INSTA_UPDATE=always cargo test --test targets_8x8_sinch`, then read them.

mod common;

use callflow_compiler::diagnostic::Diagnostic;
use callflow_compiler::project::{self, Analysis, Project, ReadResult};
use callflow_compiler::render::{self, Format};
use callflow_compiler::targets::model::Bundle;
use callflow_compiler::targets::{self, TargetKind, Urls, manifest};
use common::{examples, root};
use serde_json::Value;
use std::path::{Path, PathBuf};

const TARGETS: [TargetKind; 2] = [TargetKind::EightByEight, TargetKind::Sinch];
const BASE: &str = "https://ivr.example.com/acme";

/// The examples and tests/targets/*.flow, as paths relative to the root.
fn flows() -> Vec<PathBuf> {
    let mut flows: Vec<PathBuf> = examples()
        .into_iter()
        .filter_map(|p| p.strip_prefix(root()).ok().map(Path::to_path_buf))
        .collect();
    let mut extra: Vec<PathBuf> = std::fs::read_dir(root().join("tests/targets"))
        .expect("tests/targets")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "flow"))
        .filter_map(|p| p.strip_prefix(root()).ok().map(Path::to_path_buf))
        .collect();
    extra.sort();
    flows.extend(extra);
    flows
}

/// Relative names keep file names in the snapshots the same on every machine.
fn read(name: &str) -> Result<String, String> {
    std::fs::read_to_string(root().join(name))
        .map(|t| t.replace("\r\n", "\n"))
        .map_err(|e| e.to_string())
}

fn load(name: &str, text: &str) -> (Project, Analysis) {
    let mut read_import = |importer: &str, path: &str| -> ReadResult {
        let dir = Path::new(importer).parent().unwrap_or(Path::new(""));
        let name = dir.join(path).to_string_lossy().replace('\\', "/");
        read(&name).map(|text| (name, text))
    };
    let project = Project::load(name, text, &mut read_import);
    let analysis = project::analyze(&project);
    (project, analysis)
}

fn compile(name: &str, text: &str, target: TargetKind) -> (Project, Bundle, Vec<Diagnostic>) {
    let (project, analysis) = load(name, text);
    let errors: Vec<&str> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.as_str())
        .collect();
    assert!(errors.is_empty(), "{name} has errors before any target: {errors:?}");
    let (bundle, diags) = targets::compile(&project.asts, &analysis.ir, &project.sources, target);
    (project, bundle, diags)
}

/// Structural promises every rendered document keeps, whatever the flow.
fn check_document(target: TargetKind, id: &str, text: &str) {
    let v: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{id} is not JSON: {e}\n{text}"));
    match target {
        TargetKind::EightByEight => {
            assert_eq!(v["clientActionId"], id, "{id}: the id comes back in the next callback");
            let actions = v["callflow"].as_array().expect("callflow");
            assert!(!actions.is_empty(), "{id}: an empty callflow");
            for (i, a) in actions.iter().enumerate() {
                if a["action"] == "sayAndCapture" {
                    assert_eq!(i, actions.len() - 1, "{id}: nothing may follow sayAndCapture");
                }
            }
        }
        _ => {
            assert!(v["action"]["name"].is_string(), "{id}: exactly one action");
            if v["action"]["name"] == "runMenu" {
                let menus = v["action"]["menus"].as_array().expect("menus");
                assert!(menus.iter().any(|m| m["id"] == "main"), "{id}: runMenu needs `main`");
            }
        }
    }
}

#[test]
fn every_flow_builds_or_says_why_for_8x8_and_sinch() {
    let urls = Urls::new(BASE);
    let mut built = 0;
    for name in flows() {
        let name = name.to_string_lossy().replace('\\', "/");
        let text = read(&name).expect("read flow");
        let stem = Path::new(&name)
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        for target in TARGETS {
            let (project, bundle, diags) = compile(&name, &text, target);
            let snapshot = if diags.iter().any(Diagnostic::is_error) {
                for d in &diags {
                    assert!(d.help.is_some() && d.primary_span().is_some(), "{name}: {}", d.message);
                    assert!(
                        d.message.contains(target.display()),
                        "{name}: `{}` names no target",
                        d.message
                    );
                }
                let rendered = render::render(&diags, &project.sources, Format::Human { color: false });
                format!("{name} cannot be built for {}:\n\n{rendered}", target.display())
            } else {
                built += 1;
                let manifest = manifest::manifest(&bundle, target, &urls);
                let mut out = format!(
                    "----- manifest.json\n{}\n",
                    serde_json::to_string_pretty(&manifest).expect("manifest")
                );
                for doc in &bundle.documents {
                    let text = target.render(doc, &urls);
                    check_document(target, &doc.id, &text);
                    out.push_str(&format!("----- {}\n{text}\n", manifest::file_name(doc, target)));
                }
                out
            };
            insta::with_settings!({ omit_expression => true, description => format!("{name} --target {}", target.id()) }, {
                insta::assert_snapshot!(format!("{}__{stem}", target.id()), snapshot);
            });
        }
    }
    // examples/order_line.flow builds on both, sinch_hotline.flow on Sinch.
    assert!(built >= 3, "only {built} bundles built");
}

/// Text with everything that breaks markup or prompt syntax, as the `.flow`
/// source spells it and as the caller should hear it.
const HOSTILE: &str = "<b>&amp; \"quoted\" 'single' ]]> {brace} #tts[x] ; 😀 שלום עולם\nline two";

/// `HOSTILE` without the two characters Sinch prompt strings cannot carry.
fn prompt_safe() -> String {
    HOSTILE.replace([']', ';'], "")
}

fn flow_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '{' => out.push_str("\\{"),
            '}' => out.push_str("\\}"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A flow that says `plain` on its own (an instruction) and `prompt` as a
/// menu's prompt, in a language both targets speak.
fn hostile_flow(plain: &str, prompt: &str) -> String {
    format!(
        "flow hostile {{\n  start main\n  voice female\n  language \"en-US\"\n}}\n\
         menu main {{\n  say {}\n  \"1\" -> bye\n  timeout -> bye\n  invalid -> bye\n  exhausted -> bye\n}}\n\
         step bye {{\n  say {}\n  hangup\n}}\n",
        flow_string(prompt),
        flow_string(plain)
    )
}

fn documents(text: &str, target: TargetKind) -> (Vec<Diagnostic>, Vec<(String, Value)>) {
    let (_, bundle, diags) = compile("hostile.flow", text, target);
    let urls = Urls::new(BASE);
    let docs = bundle
        .documents
        .iter()
        .map(|d| {
            let rendered = target.render(d, &urls);
            let value = serde_json::from_str(&rendered).unwrap_or_else(|e| panic!("{} is not JSON: {e}", d.id));
            (d.id.clone(), value)
        })
        .collect();
    (diags, docs)
}

fn doc<'a>(docs: &'a [(String, Value)], id: &str) -> &'a Value {
    &docs
        .iter()
        .find(|(d, _)| d == id)
        .unwrap_or_else(|| panic!("no document {id}"))
        .1
}

/// Sinch's reading of a prompt string: elements split at `;`, each
/// `#tts[…]` up to its first `]`.
fn sinch_tts(prompt: &str) -> Vec<&str> {
    prompt
        .split(';')
        .filter_map(|e| e.strip_prefix("#tts[").and_then(|t| t.split(']').next()))
        .collect()
}

#[test]
fn hostile_text_round_trips_on_8x8() {
    let (diags, docs) = documents(&hostile_flow(HOSTILE, HOSTILE), TargetKind::EightByEight);
    assert!(
        diags.is_empty(),
        "{:?}",
        diags.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    let menu = &doc(&docs, "main")["callflow"][0];
    assert_eq!(menu["action"], "sayAndCapture");
    assert_eq!(menu["params"]["promptMessage"], HOSTILE);
    let bye = &doc(&docs, "bye")["callflow"][0];
    assert_eq!(bye["params"]["text"], HOSTILE);
}

#[test]
fn hostile_text_round_trips_on_sinch_or_is_refused_in_prompts() {
    // In a `say` instruction any text survives; in a prompt, everything but
    // `]` and `;` does, and Sinch reads back exactly that text.
    let safe = prompt_safe();
    let (diags, docs) = documents(&hostile_flow(HOSTILE, &safe), TargetKind::Sinch);
    assert!(
        diags.iter().all(|d| !d.is_error()),
        "{:?}",
        diags.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    let prompt = doc(&docs, "main")["action"]["menus"][0]["mainPrompt"]
        .as_str()
        .expect("mainPrompt")
        .to_string();
    assert_eq!(sinch_tts(&prompt), [safe.as_str()]);
    assert_eq!(doc(&docs, "bye")["instructions"][0]["text"], HOSTILE);
    // `]` and `;` in a prompt cannot be carried: refused, with the span of
    // the `say` that has them.
    let text = hostile_flow("fine", HOSTILE);
    let (diags, _) = documents(&text, TargetKind::Sinch);
    // (The flow's `voice female` is W0507 on Sinch; only errors matter here.)
    let diags: Vec<_> = diags.into_iter().filter(|d| d.is_error()).collect();
    assert_eq!(diags.iter().map(|d| d.code.id).collect::<Vec<_>>(), ["E0502"]);
    let span = diags[0].primary_span().expect("span");
    let source = &text[span.start as usize..span.end as usize];
    assert!(source.starts_with("say \"<b>"), "points at the say: {source}");
}
