//! The documents `callflow build --target 8x8|sinch` writes conform to
//! tests/schemas/8x8.schema.json and tests/schemas/sinch.schema.json
//! (draft-07, written from providers.md §1.2 and §1.4; validated with ajv by
//! tests/tools/js/schema-validate.mjs). The schemas are shown not to be
//! vacuous: hand-written documents that break a documented rule fail them,
//! and the providers' own examples pass them.

mod common;

use common::{TempDir, callflow, examples, js_tool, root, text};
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGETS: [(&str, &str); 2] = [
    ("8x8", "tests/schemas/8x8.schema.json"),
    ("sinch", "tests/schemas/sinch.schema.json"),
];

/// Run the validator; `(exit code, stdout, stderr)`.
fn validate(validator: &Path, schema: &str, files: &[PathBuf]) -> (Option<i32>, String, String) {
    let out = Command::new("node")
        .arg(validator)
        .arg(root().join(schema))
        .args(files)
        .output()
        .expect("run node");
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

/// The documents of a bundle directory (everything but the manifest).
fn documents(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "json") && !p.ends_with("manifest.json"));
    files.sort();
    files
}

/// Build `flow` for `target` into `out`; `true` when the target could carry it.
fn build(flow: &Path, target: &str, out: &Path) -> bool {
    let result = callflow(&[
        "build",
        &flow.to_string_lossy(),
        "--target",
        target,
        "-o",
        &out.to_string_lossy(),
        "--base-url",
        "https://ivr.example.com/acme",
    ]);
    match result.status.code() {
        Some(0) => true,
        // The flow uses something the target lacks: its diagnostics are
        // snapshotted by tests/targets_8x8_sinch.rs.
        Some(1) => false,
        other => panic!(
            "build {} --target {target} exited {other:?}: {}",
            flow.display(),
            text(&result.stderr)
        ),
    }
}

#[test]
fn built_documents_validate_against_the_provider_schemas() {
    let Some(validator) = js_tool("schema-validate.mjs") else {
        return;
    };
    let tmp = TempDir::new("schemas-8x8-sinch");
    let mut flows = examples();
    flows.extend(["tests/targets/sinch_hotline.flow"].iter().map(|f| root().join(f)));
    // Hostile text: markup, quotes, braces, emoji, right-to-left, newline;
    // `]` and `;` only outside the menu's prompt, where Sinch refuses them.
    let hostile = "<b>&amp; \\\"q\\\" 'a' \\{x\\} #tts[ 😀 שלום\\n2";
    flows.push(tmp.write(
        "hostile.flow",
        &format!(
            "flow h {{\n  start main\n  voice female\n  language \"en-US\"\n}}\n\
             menu main {{\n  say \"{hostile}\"\n  \"1\" -> bye\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> bye\n}}\n\
             step bye {{\n  say \"{hostile} ]]> ; ]\"\n  hangup\n}}\n"
        ),
    ));
    for (target, schema) in TARGETS {
        let mut files = Vec::new();
        for flow in &flows {
            let name = flow.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            let out = tmp.0.join(format!("{name}.{target}"));
            if build(flow, target, &out) {
                files.extend(documents(&out));
            }
        }
        // examples/order_line and the hostile flow build on both, sinch_hotline on Sinch.
        assert!(files.len() >= 8, "{target}: only {} documents were built", files.len());
        let (code, stdout, stderr) = validate(&validator, schema, &files);
        assert_eq!(code, Some(0), "{target} documents do not validate:\n{stdout}{stderr}");
        assert_eq!(stdout.lines().filter(|l| l.ends_with(": valid")).count(), files.len());
    }
}

/// Documents that each break one documented rule.
const INVALID_8X8: &[(&str, &str)] = &[
    (
        "no-prompt",
        r#"{"callflow":[{"action":"sayAndCapture","params":{"voiceProfile":"generic-en-female"}}]}"#,
    ),
    (
        "no-voice",
        r#"{"callflow":[{"action":"sayAndCapture","params":{"promptMessage":"Press 1."}}]}"#,
    ),
    (
        "repetition-4",
        r#"{"callflow":[{"action":"say","params":{"text":"Hi.","repetition":4}}]}"#,
    ),
    (
        "speed-3",
        r#"{"callflow":[{"action":"say","params":{"text":"Hi.","speed":3}}]}"#,
    ),
    (
        "max-digits-26",
        r#"{"callflow":[{"action":"sayAndCapture","params":{"promptMessage":"Go.","voiceProfile":"generic-en-female","completeOnHash":false,"maxDigits":26}}]}"#,
    ),
    (
        "no-max-without-hash",
        r#"{"callflow":[{"action":"sayAndCapture","params":{"promptMessage":"Go.","voiceProfile":"generic-en-female","completeOnHash":false}}]}"#,
    ),
    (
        "min-digits-21",
        r#"{"callflow":[{"action":"sayAndCapture","params":{"promptMessage":"Go.","voiceProfile":"generic-en-female","minDigits":21,"maxDigits":25}}]}"#,
    ),
    (
        "min-without-max",
        r#"{"callflow":[{"action":"sayAndCapture","params":{"promptMessage":"Go.","voiceProfile":"generic-en-female","minDigits":2}}]}"#,
    ),
    (
        "chinese-male",
        r#"{"callflow":[{"action":"say","params":{"text":"Hi.","voiceProfile":"generic-zn-male"}}]}"#,
    ),
    (
        "ogg",
        r#"{"callflow":[{"action":"playFile","params":{"fileUrl":"https://x.test/a.ogg"}}]}"#,
    ),
    ("unknown-action", r#"{"callflow":[{"action":"record","params":{}}]}"#),
    ("empty-callflow", r#"{"clientActionId":"x","callflow":[]}"#),
    (
        "make-call-sip",
        r#"{"callflow":[{"action":"makeCall","params":{"source":"+6512345678","destination":"sip:a@b"}}]}"#,
    ),
];

const INVALID_SINCH: &[(&str, &str)] = &[
    ("no-action", r#"{"instructions":[{"name":"say","text":"Hi."}]}"#),
    (
        "no-main-menu",
        r##"{"action":{"name":"runMenu","menus":[{"id":"other","mainPrompt":"#tts[Hi]"}]}}"##,
    ),
    (
        "prompt-bracket",
        r##"{"action":{"name":"runMenu","menus":[{"id":"main","mainPrompt":"#tts[a]b]"}]}}"##,
    ),
    (
        "voice-no-locale",
        r#"{"action":{"name":"runMenu","enableVoice":true,"menus":[{"id":"main"}]}}"#,
    ),
    (
        "max-duration",
        r#"{"action":{"name":"connectPstn","number":"+254711082000","maxDuration":14401}}"#,
    ),
    (
        "dtmf-star",
        r#"{"action":{"name":"connectPstn","number":"+254711082000","dtmf":"*1"}}"#,
    ),
    (
        "conference-id-65",
        concat!(
            r#"{"action":{"name":"connectConf","conferenceId":""#,
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            r#""}}"#
        ),
    ),
    (
        "moh-url",
        r#"{"action":{"name":"connectConf","conferenceId":"x","moh":"https://x.test/m.mp3"}}"#,
    ),
    ("park-601", r#"{"action":{"name":"park","maxDuration":601}}"#),
    (
        "sip-no-destination",
        r#"{"action":{"name":"connectSip","maxDuration":60}}"#,
    ),
    (
        "tts-no-locale",
        r##"{"instructions":[{"name":"playFiles","ids":["#tts[Hi]"]}],"action":{"name":"hangup"}}"##,
    ),
    (
        "unknown-instruction",
        r#"{"instructions":[{"name":"pause","ms":100}],"action":{"name":"hangup"}}"#,
    ),
];

#[test]
fn the_schemas_refuse_documents_that_break_a_documented_rule() {
    let Some(validator) = js_tool("schema-validate.mjs") else {
        return;
    };
    let tmp = TempDir::new("schemas-invalid");
    let long_say = format!(
        r#"{{"instructions":[{{"name":"say","text":"{}"}}],"action":{{"name":"hangup"}}}}"#,
        "a".repeat(601)
    );
    for ((target, schema), docs) in TARGETS.into_iter().zip([INVALID_8X8, INVALID_SINCH]) {
        let mut all: Vec<(String, String)> = docs.iter().map(|(n, d)| (n.to_string(), d.to_string())).collect();
        if target == "sinch" {
            all.push(("say-601".to_string(), long_say.clone()));
        }
        let mut files = Vec::new();
        for (name, doc) in &all {
            assert!(
                serde_json::from_str::<serde_json::Value>(doc).is_ok(),
                "{target}/{name} must be JSON, so that only the schema refuses it"
            );
            files.push(tmp.write(&format!("{target}-{name}.json"), doc));
        }
        // One run for all: the validator prints `FILE: valid` for each file
        // that passes and `FILE:` with the errors for each that fails.
        let (code, stdout, stderr) = validate(&validator, schema, &files);
        assert_eq!(code, Some(1), "{target}: exit status\n{stdout}{stderr}");
        for file in &files {
            let shown = file.to_string_lossy();
            assert!(
                !stdout.contains(&format!("{shown}: valid")),
                "{shown} passes the {target} schema"
            );
            assert!(
                stderr.contains(&format!("{shown}:")),
                "{shown} was not reported:\n{stderr}"
            );
        }
    }
}

/// The providers' own examples (providers.md and shared/reference/001, 003,
/// without their inline comments) pass: the schemas are not stricter than
/// the providers.
#[test]
fn the_providers_own_examples_validate() {
    let Some(validator) = js_tool("schema-validate.mjs") else {
        return;
    };
    let tmp = TempDir::new("schemas-examples");
    let eight = [
        r#"{"clientActionId":"NumberMaskingId1","callflow":[{"action":"makeCall","params":{"source":"6512345678","destination":"6587654321","callRecording":true}}]}"#,
        r#"{"clientActionId":"NumberMaskingId1","callflow":[{"action":"say","params":{"text":"Hello This is a test message","language":"en","voiceProfile":"generic-en-male","repetition":1}}]}"#,
        r#"{"clientActionId":"ivr1_level2","callflow":[{"action":"say","params":{"text":"Hello This is a test message","voiceProfile":"en-US-ZiraRUS","repetition":1,"speed":1.0}}]}"#,
        r#"{"clientActionId":"ivr1_level2","callflow":[{"action":"sayAndCapture","params":{"promptMessage":"Enter 1 if you would like to talk","successMessage":"Thank you, have a nice day!","failureMessage":"Invalid input received.","voiceProfile":"en-US-BenjaminRUS","speed":1.0,"completeOnHash":true,"minDigits":2,"maxDigits":2,"digitTimeout":10000,"overallTimeout":10000,"noOfTries":3}}]}"#,
        r#"{"clientActionId":"ivr1_level2","callflow":[{"action":"playFile","params":{"fileUrl":"https://sample-videos.com/audio/mp3/wave.mp3","repetition":1}}]}"#,
        r#"{"clientActionId":"NumberMaskingId1","callflow":[{"action":"hangup"}]}"#,
    ];
    let sinch = [
        r##"{"action":{"name":"park","introPrompt":"#tts[Welcome]","holdPrompt":"#tts[Thank you for your patience, your call is very important to us.]","maxDuration":180}}"##,
        r#"{"action":{"name":"connectConf","conferenceId":"myConference","moh":"ring"}}"#,
        r#"{"action":{"name":"connectPstn","number":"+461234567890","locale":"en-US","maxDuration":3000,"dialTimeout":10,"cli":"+460987654321","suppressCallbacks":false,"indications":"se","amd":{"enabled":true}}}"#,
        r#"{"action":{"name":"connectStream","destination":{"type":"Websocket","endpoint":"wss://yourcompany.com/websocket-server"},"streamingOptions":{"version":2,"sampleRate":44100},"maxDuration":3000,"callHeaders":[{"key":"foo","value":"bar"},{"key":"baz","value":"qux"}]}}"#,
        r#"{"instructions":[{"name":"say","text":"Welcome to Acme Corp."}],"action":{"name":"connectPstn","number":"+15551234567"}}"#,
        r#"{"action":{"name":"continue"}}"#,
    ];
    for ((target, schema), docs) in TARGETS.into_iter().zip([&eight[..], &sinch[..]]) {
        let files: Vec<PathBuf> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| tmp.write(&format!("{target}-example-{i}.json"), d))
            .collect();
        let (code, stdout, stderr) = validate(&validator, schema, &files);
        assert_eq!(
            code,
            Some(0),
            "{target}: a provider example fails the schema:\n{stdout}{stderr}"
        );
    }
}
