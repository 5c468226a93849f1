//! Golden files of the Africa's Talking and Tropo targets.
//!
//! Every example is built with `callflow build --target T` for both targets.
//! When the target supports it, the manifest and every document are
//! snapshotted (tests/snapshots/targets_at_tropo__<target>_<example>.snap)
//! and checked for structure: AT documents with the checker in
//! tests/at_xml/, Tropo documents against tests/schemas/tropo.schema.json
//! (ajv, through node). When it does not, the diagnostics are snapshotted,
//! so the unsupported case is visible in review too. Accept changes with
//! `INSTA_UPDATE=always cargo test --test targets_at_tropo`, then read them.

mod at_xml;
mod common;

use common::{TempDir, callflow_in, examples, js_tool, root, text};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGETS: [&str; 2] = ["africastalking", "tropo"];

fn base_url(target: &str) -> String {
    format!("https://ivr.example.com/{target}")
}

/// What building one example for one target gave.
enum Built {
    /// The bundle: `(file name, text)`, manifest first, then the documents
    /// in the manifest's order.
    Bundle(Vec<(String, String)>),
    /// The diagnostics that stopped the build.
    Refused(String),
}

fn build(example: &Path, target: &str, out: &Path) -> Built {
    let relative = example
        .strip_prefix(root())
        .unwrap_or(example)
        .to_string_lossy()
        .replace('\\', "/");
    let output = callflow_in(
        &root(),
        &[
            "build",
            &relative,
            "--target",
            target,
            "-o",
            &out.to_string_lossy(),
            "--base-url",
            &base_url(target),
        ],
        None,
    );
    match output.status.code() {
        Some(0) => {}
        Some(1) => return Built::Refused(text(&output.stderr)),
        other => panic!(
            "build {relative} --target {target}: exit {other:?}\n{}",
            text(&output.stderr)
        ),
    }
    let manifest = std::fs::read_to_string(out.join("manifest.json")).expect("manifest.json");
    let parsed: Value = serde_json::from_str(&manifest).expect("the manifest is JSON");
    let mut files = vec![("manifest.json".to_string(), manifest)];
    for doc in parsed["documents"].as_array().expect("documents") {
        let file = doc["file"].as_str().expect("file").to_string();
        let body = std::fs::read_to_string(out.join(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        files.push((file, body));
    }
    let on_disk = std::fs::read_dir(out).expect("bundle dir").count();
    assert_eq!(on_disk, files.len(), "{relative}: files the manifest does not list");
    Built::Bundle(files)
}

fn stem(example: &Path) -> String {
    example.file_stem().unwrap_or_default().to_string_lossy().into_owned()
}

#[test]
fn every_example_for_africastalking_and_tropo() {
    let scratch = TempDir::new("targets-at-tropo");
    let mut tropo_files: Vec<PathBuf> = Vec::new();
    let mut problems = Vec::new();
    let mut built = 0;
    for target in TARGETS {
        for example in examples() {
            let name = format!("{target}_{}", stem(&example));
            let out = scratch.0.join(&name);
            let snapshot = match build(&example, target, &out) {
                Built::Refused(diagnostics) => format!("----- NOT BUILT: diagnostics\n{diagnostics}"),
                Built::Bundle(files) => {
                    built += 1;
                    problems.extend(consistency(&name, target, &files));
                    for (file, body) in &files {
                        if file == "manifest.json" {
                            continue;
                        }
                        match target {
                            "africastalking" => {
                                problems.extend(at_xml::check(body).into_iter().map(|p| format!("{name}/{file}: {p}")))
                            }
                            _ => tropo_files.push(out.join(file)),
                        }
                    }
                    files
                        .iter()
                        .map(|(file, body)| format!("----- {file}\n{body}"))
                        .collect::<String>()
                }
            };
            insta::with_settings!({ omit_expression => true, description => format!("callflow build examples/{}.flow --target {target}", stem(&example)) }, {
                insta::assert_snapshot!(name.as_str(), snapshot);
            });
        }
    }
    assert!(built > 0, "no example built for either target");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    validate_tropo(&tropo_files);
}

/// The manifest and the documents agree: every document that waits posts
/// its outcomes to the callback the manifest gives it, and every route
/// names an entry of the manifest.
fn consistency(name: &str, target: &str, files: &[(String, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    let manifest: Value = serde_json::from_str(&files[0].1).unwrap_or_default();
    let entries: Vec<&str> = manifest["entries"]
        .as_array()
        .map(|es| es.iter().filter_map(|e| e["id"].as_str()).collect())
        .unwrap_or_default();
    for doc in manifest["documents"].as_array().into_iter().flatten() {
        let file = doc["file"].as_str().unwrap_or_default();
        let body = files
            .iter()
            .find(|(f, _)| f == file)
            .map(|(_, b)| b.as_str())
            .unwrap_or_default();
        if let Some(callback) = doc["callback"].as_str() {
            if !callback.starts_with(&base_url(target)) {
                problems.push(format!("{name}/{file}: callback {callback} is not under the base URL"));
            }
            if !body.contains(callback) {
                problems.push(format!("{name}/{file}: never posts to its callback {callback}"));
            }
        }
        for (outcome, route) in doc["routes"].as_object().into_iter().flatten() {
            if let Some(entry) = route.as_str()
                && !entries.contains(&entry)
            {
                problems.push(format!("{name}/{file}: `{outcome}` leads to unknown entry `{entry}`"));
            }
        }
        if target == "africastalking" && doc["action"] == "menu" && doc["attempts"] != 1 {
            problems.push(format!("{name}/{file}: AT plays a menu once per document"));
        }
    }
    problems
}

/// Every Tropo document against the schema, in one node run.
fn validate_tropo(files: &[PathBuf]) {
    if files.is_empty() {
        return;
    }
    let Some(validator) = js_tool("schema-validate.mjs") else {
        return;
    };
    let out = Command::new("node")
        .arg(validator)
        .arg(root().join("tests/schemas/tropo.schema.json"))
        .args(files)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "Tropo documents do not match tests/schemas/tropo.schema.json:\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// The checker and the schema can fail: documents that break each rule are
/// refused.
#[test]
fn the_at_checker_refuses_broken_documents() {
    let bad = [
        ("<Say>x</Say>", "not <Response>"),
        ("<Response><Speak>x</Speak></Response>", "unknown element"),
        (
            "<Response><Dial phoneNumbers=\"+254711082000\"><Say>x</Say></Dial></Response>",
            "not allowed in <Dial>",
        ),
        (
            "<Response><GetDigits><Dial phoneNumbers=\"+254711082000\"/></GetDigits></Response>",
            "not allowed in <GetDigits>",
        ),
        ("<Response><Play/></Response>", "needs `url`"),
        ("<Response><Say voice=\"robot\">x</Say></Response>", "not man or woman"),
        (
            "<Response><GetDigits numDigits=\"0\"/></Response>",
            "not a positive integer",
        ),
        (
            "<Response><GetDigits finishOnKey=\"##\"/></Response>",
            "not one phone key",
        ),
        (
            "<Response><Record trimSilence=\"yes\"/></Response>",
            "not true or false",
        ),
        ("<Response><Dial phoneNumbers=\"0711082000\"/></Response>", "E.164"),
        ("<Response><Say>x</Say><Reject/></Response>", "only element"),
        ("<Response><Conference room=\"a\"/></Response>", "no attribute `room`"),
        (
            "<Response><Redirect>ftp://x</Redirect></Response>",
            "not an http(s) URL",
        ),
        ("<Response><Say>a & b</Say></Response>", "not well-formed"),
        ("<Response><Say>a ]]> b</Say></Response>", "not well-formed"),
        ("<Response><Say>\u{1}</Say></Response>", "not well-formed"),
        ("<Response><Say>&#1;</Say></Response>", "not well-formed"),
        ("<Response><Say>x</Response>", "not well-formed"),
        ("<Response><Play url=\"https://a/<b\"/></Response>", "not well-formed"),
    ];
    for (xml, expected) in bad {
        let problems = at_xml::check(xml);
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{xml}: expected a problem with `{expected}`, got {problems:?}"
        );
    }
    let good = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>\n  <GetDigits numDigits=\"1\" timeout=\"5\" \
                callbackUrl=\"https://a.example.com/m\">\n    <Say voice=\"woman\">Press 1.</Say>\n    <Play url=\"{x}\"/>\n  \
                </GetDigits>\n  <Redirect>https://a.example.com/m</Redirect>\n</Response>\n";
    assert_eq!(at_xml::check(good), Vec::<String>::new());
}

#[test]
fn the_tropo_schema_refuses_broken_documents() {
    let Some(validator) = js_tool("schema-validate.mjs") else {
        return;
    };
    let dir = TempDir::new("tropo-schema-negative");
    let bad = [
        r#"{"verbs": []}"#,
        r#"{"tropo": [{"ask": {"name": "m", "say": [{"value": "1?"}]}}]}"#,
        r#"{"tropo": [{"say": {"name": "say"}}]}"#,
        r#"{"tropo": [{"speak": {"value": "x"}}]}"#,
        r#"{"tropo": [{"say": {"name": "say", "value": "x"}, "hangup": null}]}"#,
        r#"{"tropo": [{"ask": {"name": "m", "choices": {"value": "1", "mode": "keys"}}}]}"#,
        r#"{"tropo": [{"on": {"event": "continue", "next": 7}}]}"#,
        r#"{"tropo": [{"record": {"name": "r", "beep": true}}]}"#,
        r#"{"tropo": [{"wait": {"milliseconds": "1s"}}]}"#,
        r#"{"tropo": [{"transfer": {"name": "dial", "to": "+254711082000"}}]}"#,
        r#"{"tropo": [{"redirect": {"to": "https://example.com/next"}}]}"#,
        r#"{"tropo": [{"hangup": {}}]}"#,
    ];
    for (i, json) in bad.iter().enumerate() {
        let file = dir.write(&format!("bad{i}.json"), json);
        let out = Command::new("node")
            .arg(&validator)
            .arg(root().join("tests/schemas/tropo.schema.json"))
            .arg(&file)
            .output()
            .expect("run node");
        assert!(!out.status.success(), "the schema accepts {json}");
    }
}
