//! Hostile text through the Africa's Talking and Tropo renderers: markup
//! characters, `]]>`, braces, Sinch's `#tts[` prompt syntax, emoji, right-to-
//! left text, line breaks, tabs and a raw control character, in spoken text,
//! prompts, URLs and room names. Every document must be well-formed and give
//! back exactly the text the flow holds (AT documents are also checked with
//! tests/at_xml/, Tropo documents against tests/schemas/tropo.schema.json).

mod at_xml;
mod common;

use callflow_compiler::project::{self, Project};
use callflow_compiler::targets::model::Bundle;
use callflow_compiler::targets::{self, TargetKind, Urls};
use common::{TempDir, js_tool, root, text};
use serde_json::Value;
use std::process::Command;

/// As the flow writes it (`\"`, `\{`, `\n`, `\t` are flow escapes) and as it
/// reads after decoding.
const WRITTEN: &str = "<b> & \\\"q\\\" 'a' ]]> \\{x\\} #tts[y] 🙂 👩‍💻 مرحبا שלום \u{202E}rtl\\nline 2\\tend \u{1}";
const DECODED: &str = "<b> & \"q\" 'a' ]]> {x} #tts[y] 🙂 👩‍💻 مرحبا שלום \u{202E}rtl\nline 2\tend \u{1}";
/// A URL with every character an attribute must escape that a URL may hold.
const URL: &str = "https://example.com/a.mp3?x=1&y='2'&z=<3>";

fn flow() -> String {
    format!(
        "flow f {{\n  start s\n}}\n\
         step s {{\n  say \"{WRITTEN}\"\n  play \"{URL}\"\n  goto m\n}}\n\
         menu m {{\n  say \"{WRITTEN}\"\n  \"1\" -> room\n  \"2\" -> out\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> out\n}}\n\
         step room {{\n  say \"Hello {{caller}}, \\{{literal\\}} {WRITTEN}\"\n  conference \"room {WRITTEN}\"\n}}\n\
         step out {{\n  redirect \"{URL}\"\n}}\n"
    )
}

fn build(target: TargetKind) -> Bundle {
    let project = Project::load("hostile.flow", &flow(), &mut |_, path| Err(format!("no import {path}")));
    let analysis = project::analyze(&project);
    let errors: Vec<_> = analysis.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "the flow has errors: {errors:#?}");
    let (bundle, diags) = targets::compile(&project.asts, &analysis.ir, &project.sources, target);
    // AT has one conference per number; the room name is Tropo's concern.
    let unexpected: Vec<_> = diags
        .iter()
        .filter(|d| !(target == TargetKind::AfricasTalking && d.message.contains("conference")))
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    bundle
}

/// What a template looks like in a document: literal braces doubled.
fn templated(text: &str) -> String {
    format!(
        "Hello {{caller}}, {{{{literal}}}} {}",
        text.replace('{', "{{").replace('}', "}}")
    )
}

#[test]
fn africastalking_documents_are_well_formed_and_keep_the_text() {
    let bundle = build(TargetKind::AfricasTalking);
    let urls = Urls::new("https://ivr.example.com/at?tenant=a&b");
    // XML 1.0 cannot carry U+0001 at all: it becomes U+FFFD.
    let spoken = DECODED.replace('\u{1}', "\u{FFFD}");
    let mut says = Vec::new();
    let mut urls_seen = Vec::new();
    for doc in &bundle.documents {
        let xml = targets::TargetKind::AfricasTalking.render(doc, &urls);
        let problems = at_xml::check(&xml);
        assert!(problems.is_empty(), "{}: {problems:?}\n{xml}", doc.id);
        let root = at_xml::parse(&xml).expect("well-formed");
        for e in root.descendants() {
            match e.name.as_str() {
                "Say" => says.push(e.text.clone()),
                "Play" => urls_seen.extend(e.attr("url").map(str::to_string)),
                "Redirect" => urls_seen.push(e.text.clone()),
                "GetDigits" => urls_seen.extend(e.attr("callbackUrl").map(str::to_string)),
                _ => {}
            }
        }
    }
    assert!(says.contains(&spoken), "{says:#?}");
    assert!(says.iter().any(|s| *s == templated(&spoken)), "{says:#?}");
    assert!(urls_seen.iter().any(|u| u == URL), "{urls_seen:#?}");
    assert!(
        urls_seen.iter().any(|u| u == "https://ivr.example.com/at?tenant=a&b/m"),
        "callback URLs are escaped too: {urls_seen:#?}"
    );
}

#[test]
fn tropo_documents_are_valid_json_and_keep_the_text() {
    let bundle = build(TargetKind::Tropo);
    let urls = Urls::new("https://ivr.example.com/tropo");
    let dir = TempDir::new("hostile-tropo");
    let mut files = Vec::new();
    let mut values = Vec::new();
    for doc in &bundle.documents {
        let json = TargetKind::Tropo.render(doc, &urls);
        let parsed: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{}: {e}\n{json}", doc.id));
        collect_strings(&parsed, &mut values);
        files.push(dir.write(&format!("{}.json", doc.id), &json));
    }
    assert!(values.iter().any(|v| v == DECODED), "{values:#?}");
    assert!(values.iter().any(|v| *v == templated(DECODED)), "{values:#?}");
    assert!(values.iter().any(|v| *v == format!("room {DECODED}")), "{values:#?}");
    assert!(values.iter().any(|v| v == URL), "{values:#?}");
    let Some(validator) = js_tool("schema-validate.mjs") else {
        return;
    };
    let out = Command::new("node")
        .arg(validator)
        .arg(root().join("tests/schemas/tropo.schema.json"))
        .args(&files)
        .output()
        .expect("run node");
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
}

fn collect_strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}
