use super::CAPABILITIES;
use crate::diagnostic::Diagnostic;
use crate::targets::model::Bundle;
use crate::targets::{Feature, TargetKind, Urls};
use serde_json::{Value, json};

const BASE: &str = "https://ivr.example.com/tropo";

/// Compile a one-file flow for Tropo; the flow itself must be free of errors.
fn build(src: &str) -> (Bundle, Vec<Diagnostic>) {
    crate::targets::test_support::compile_for(TargetKind::Tropo, src)
}

/// The verbs of document `id` of a flow that builds without diagnostics,
/// parsed back from the rendered JSON.
fn verbs(src: &str, id: &str) -> Vec<Value> {
    let (bundle, diags) = build(src);
    assert!(diags.is_empty(), "unexpected diagnostics: {diags:#?}");
    let doc = bundle.document(id).unwrap_or_else(|| panic!("no document {id}"));
    let text = super::render(doc, &Urls::new(BASE));
    let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    assert_eq!(value.as_object().map(|o| o.len()), Some(1), "only `tropo`: {text}");
    value["tropo"].as_array().cloned().expect("`tropo` is an array")
}

fn problems(src: &str) -> Vec<(&'static str, String)> {
    build(src).1.into_iter().map(|d| (d.code.id, d.message)).collect()
}

fn has(problems: &[(&'static str, String)], code: &str, words: &str) -> bool {
    problems.iter().any(|(c, m)| *c == code && m.contains(words))
}

fn on(event: &str, next: &str) -> Value {
    json!({"on": {"event": event, "next": next}})
}

const FLOW: &str = "flow f {\n  start s\n}\n";

#[test]
fn every_feature_is_in_the_capability_table_once() {
    for feature in Feature::ALL {
        let n = CAPABILITIES.iter().filter(|(f, _)| *f == feature).count();
        assert_eq!(n, 1, "{feature:?} appears {n} times");
    }
}

#[test]
fn a_menu_is_an_ask_on_its_keys_with_native_attempts_and_handlers() {
    let v = verbs(
        &format!(
            "{FLOW}menu s {{\n  say \"Press 1 or star.\"\n  pause 500ms\n  retries 3\n  input_timeout 7s\n  \"1\" -> a\n  \"*\" -> a\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> a\n}}\nstep a {{\n  say \"Bye.\"\n  hangup\n}}\n"
        ),
        "s",
    );
    let callback = format!("{BASE}/s");
    assert_eq!(
        v,
        vec![
            json!({"ask": {
                "name": "menu",
                "say": [{"value": "Press 1 or star."}, {"value": "<speak><break time=\"500ms\"/></speak>"}],
                "choices": {"value": "1,*", "mode": "dtmf"},
                "attempts": 4,
                "timeout": 7.0,
                "bargein": true,
            }}),
            on("continue", &callback),
            on("incomplete", &callback),
        ]
    );
}

#[test]
fn a_menu_that_routes_its_timeout_lets_the_server_decide() {
    let v = verbs(
        &format!(
            "{FLOW}menu s {{\n  say \"1?\"\n  \"1\" -> a\n  timeout -> a\n  invalid -> repeat\n  exhausted -> a\n}}\nstep a {{\n  say \"A\"\n  hangup\n}}\n"
        ),
        "s",
    );
    assert_eq!(v[0]["ask"]["attempts"], json!(1));
}

#[test]
fn collect_grammars_terminator_and_speech() {
    let grammar = |opts: &str| {
        let v = verbs(
            &format!("{FLOW}step s {{\n  collect n {opts}\n  say \"{{n}}\"\n  hangup\n}}\n"),
            "s",
        );
        v[0]["ask"].clone()
    };
    assert_eq!(
        grammar("digits 4")["choices"],
        json!({"value": "[4 DIGITS]", "mode": "dtmf"})
    );
    assert_eq!(
        grammar("digits 8..12 finish \"#\"")["choices"],
        json!({"value": "[8-12 DIGITS]", "mode": "dtmf", "terminator": "#"})
    );
    assert_eq!(grammar("timeout 8s")["choices"]["value"], json!("[1-32 DIGITS]"));
    assert_eq!(grammar("timeout 8s")["timeout"], json!(8.0));
    let speech = grammar("digits 10 speech language \"en-GB\"");
    assert_eq!(speech["choices"]["mode"], json!("any"));
    assert_eq!(speech["recognizer"], json!("en-gb"));
    assert_eq!(speech["name"], json!("n"));
}

#[test]
fn record_uploads_to_the_documents_recording_url() {
    let v = verbs(
        &format!(
            "{FLOW}step s {{\n  say \"After the tone.\"\n  record msg max 2m finish \"#\" timeout 5s\n  play \"{{msg}}\"\n  hangup\n}}\n"
        ),
        "s",
    );
    assert_eq!(
        v[0],
        json!({"record": {
            "name": "msg",
            "url": format!("{BASE}/s/recording"),
            "say": [{"value": "After the tone."}],
            "beep": false,
            "maxTime": 120.0,
            "maxSilence": 5.0,
            "choices": {"terminator": "#"},
        }})
    );
    assert_eq!(
        v[1..],
        [
            on("continue", &format!("{BASE}/s")),
            on("incomplete", &format!("{BASE}/s"))
        ]
    );
}

#[test]
fn dial_is_a_transfer_with_its_outcome_handlers() {
    let callback = format!("{BASE}/s");
    let v = verbs(
        &format!(
            "{FLOW}step s {{\n  say \"Connecting.\"\n  dial \"+254711082000\", \"sip:desk@pbx.example.com\" caller_id \"+254207654000\" timeout 25s send_digits \"ww3\" ringback \"https://example.com/ring.mp3\"\n  on answered -> a\n  on busy -> a\n  on no_answer -> a\n  on failed -> a\n}}\nstep a {{\n  say \"Thanks.\"\n  hangup\n}}\n"
        ),
        "s",
    );
    assert_eq!(v[0], json!({"say": {"name": "say", "value": "Connecting."}}));
    assert_eq!(
        v[1],
        json!({"transfer": {
            "name": "dial",
            "to": ["tel:+254711082000;postd=3;pause=1000ms", "sip:desk@pbx.example.com;postd=3;pause=1000ms"],
            "from": "+254207654000",
            "timeout": 25.0,
            "on": {"event": "ring", "say": {"value": "https://example.com/ring.mp3"}},
        }})
    );
    assert_eq!(
        v[2..],
        [
            on("continue", &callback),
            on("incomplete", &callback),
            on("error", &callback)
        ]
    );
    // Without `on answered` the call ends with the bridged call.
    let v = verbs(
        &format!("{FLOW}step s {{\n  dial \"+254711082000\"\n  say \"Nobody answered.\"\n  hangup\n}}\n"),
        "s",
    );
    assert_eq!(v[0]["transfer"]["to"], json!("tel:+254711082000"));
    assert_eq!(
        v[1..],
        [
            json!({"hangup": null}),
            on("incomplete", &callback),
            on("error", &callback)
        ]
    );
}

#[test]
fn a_url_redirect_is_on_continue_after_the_documents_verbs() {
    let url = "https://track.example.com/ivr?w=1&x=2";
    let v = verbs(
        &format!("{FLOW}step s {{\n  say \"Hold on.\"\n  redirect \"{url}\"\n}}\n"),
        "s",
    );
    assert_eq!(
        v,
        vec![
            json!({"say": {"name": "say", "value": "Hold on."}}),
            on("continue", url)
        ]
    );
    let v = verbs(&format!("{FLOW}step s {{\n  redirect \"{url}\"\n}}\n"), "s");
    assert_eq!(v, vec![json!({"wait": {"milliseconds": 1}}), on("continue", url)]);
}

#[test]
fn steps_recording_conference_reject_and_hangup() {
    let v = verbs(
        &format!(
            "{FLOW}step s {{\n  start_recording\n  pause 2s\n  play \"https://e.example.com/a.mp3\" repeat 2\n  stop_recording\n  say \"Hi\" voice \"kate\"\n  conference \"room 1\" muted\n}}\n"
        ),
        "s",
    );
    assert_eq!(
        v,
        vec![
            json!({"startRecording": {"url": format!("{BASE}/s/call-recording")}}),
            json!({"wait": {"milliseconds": 2000}}),
            json!({"say": {"name": "play", "value": "https://e.example.com/a.mp3"}}),
            json!({"say": {"name": "play", "value": "https://e.example.com/a.mp3"}}),
            json!({"stopRecording": null}),
            json!({"say": {"name": "say", "value": "Hi", "voice": "kate"}}),
            json!({"conference": {"name": "conference", "id": "room 1", "mute": true}}),
        ]
    );
    assert_eq!(
        verbs(&format!("{FLOW}step s {{\n  reject\n}}\n"), "s"),
        vec![json!({"reject": null})]
    );
    assert_eq!(
        verbs(&format!("{FLOW}step s {{\n  hangup\n}}\n"), "s"),
        vec![json!({"hangup": null})]
    );
}

#[test]
fn voices_tropo_cannot_pick() {
    let p = problems(&format!(
        "{FLOW}step s {{\n  say \"Hi\" voice male\n  say \"Karibu\" language \"sw-KE\"\n  say \"Karibu\" voice \"sw-voice\" language \"sw-KE\"\n  say \"Hello\" voice female language \"en-GB\"\n  hangup\n}}\n"
    ));
    assert!(has(&p, "E0504", "no `voice male`"), "{p:#?}");
    assert!(has(&p, "E0504", "speaks English, not `sw-KE`"), "{p:#?}");
    assert_eq!(p.len(), 2, "a named voice and English are fine: {p:#?}");
    let p = problems(&format!(
        "{FLOW}step s {{\n  say \"One\" voice \"kate\"\n  say \"Two\" voice \"simon\"\n  collect n digits 2\n  say \"{{n}}\"\n  hangup\n}}\n"
    ));
    assert!(has(&p, "E0501", "one voice"), "{p:#?}");
}

#[test]
fn options_tropo_cannot_honour() {
    let p = problems(&format!(
        "{FLOW}menu s {{\n  say \"1 2 3\"\n  \"1\" -> a\n  \"2\" -> b\n  \"3\" -> c\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> a\n}}\nstep a {{\n  record max 1m trim_silence\n  hangup\n}}\nstep b {{\n  dial \"+254711082000\", \"+254711082001\" sequential max_duration 1h record send_digits \"1w2\"\n  on busy -> a\n  on no_answer -> c\n  on failed -> c\n}}\nstep c {{\n  conference \"r\" hold_music music1 beep start_on_enter end_on_exit max_duration 1h\n}}\n"
    ));
    for words in [
        "`trim_silence`",
        "`sequential`",
        "`max_duration` of `dial`",
        "`record` of `dial`",
        "every unanswered `transfer` alike",
        "`hold_music`",
        "`beep`",
        "`start_on_enter`",
        "`end_on_exit`",
        "`max_duration` of `conference`",
    ] {
        assert!(has(&p, "E0501", words), "{words}: {p:#?}");
    }
    assert!(has(&p, "E0502", "`send_digits \"1w2\"`"), "{p:#?}");
    assert_eq!(p.len(), 11, "{p:#?}");
    assert!(
        problems(&format!(
            "{FLOW}step s {{\n  dial \"+254711082000\" sequential\n  hangup\n}}\n"
        ))
        .is_empty(),
        "one number needs no order"
    );
}

#[test]
fn reject_only_before_the_call_is_answered() {
    let (_, diags) = build(&format!("{FLOW}step s {{\n  say \"No.\"\n  reject busy\n}}\n"));
    let first = diags
        .iter()
        .find(|d| d.code.id == "E0505")
        .expect("E0505 for a reject after a say");
    assert_eq!(first.labels.len(), 2, "{first:#?}");
    assert!(
        diags
            .iter()
            .any(|d| d.code.id == "E0501" && d.message.contains("`busy`"))
    );
    let p = problems(&format!(
        "{FLOW}step s {{\n  collect n digits 1\n  if n == \"9\" {{\n    reject\n  }}\n  hangup\n}}\n"
    ));
    assert!(has(&p, "E0505", "before it is answered"), "{p:#?}");
    assert!(problems(&format!("{FLOW}step s {{\n  reject rejected\n}}\n")).is_empty());
}

#[test]
fn queues_park_and_stream_are_unsupported() {
    let p = problems(&format!(
        "{FLOW}queue q\nmenu s {{\n  say \"1 2 3 4\"\n  \"1\" -> a\n  \"2\" -> b\n  \"3\" -> c\n  \"4\" -> d\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> a\n}}\nstep a {{\n  enqueue q\n}}\nstep b {{\n  dequeue q\n}}\nstep c {{\n  park max 1m\n}}\nstep d {{\n  stream \"wss://bot.example.com/m\"\n}}\n"
    ));
    for name in ["`enqueue`", "`dequeue`", "`park`", "`stream`"] {
        assert!(has(&p, "E0501", name), "{name}: {p:#?}");
    }
}

#[test]
fn hostile_text_survives_json() {
    // As written in the flow, with its escapes.
    let text = r#"<b> & \"q\" 'a' ]]> \{x\} #tts[y] 🙂 مرحبا\n\tend"#;
    let v = verbs(&format!("{FLOW}step s {{\n  say \"{text}\"\n  hangup\n}}\n"), "s");
    assert_eq!(
        v[0]["say"]["value"],
        json!("<b> & \"q\" 'a' ]]> {x} #tts[y] 🙂 مرحبا\n\tend")
    );
}

#[test]
fn lines_before_a_replayed_menu_are_said_once_before_the_ask() {
    let src = format!(
        "{FLOW}step s {{\n  say \"Welcome.\"\n  goto m\n}}\nmenu m {{\n  say \"Press 1.\"\n  \"1\" -> a\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> a\n}}\nstep a {{\n  say \"A\"\n  hangup\n}}\n"
    );
    let v = verbs(&src, "s");
    assert_eq!(v[0], json!({"say": {"name": "say", "value": "Welcome."}}));
    assert_eq!(v[1]["ask"]["say"], json!([{"value": "Press 1."}]));
    assert_eq!(v[1]["ask"]["attempts"], json!(3));
    // A menu Tropo does not replay keeps every line in the ask (barge-in).
    let src = src.replace("  timeout -> repeat\n", "  timeout -> a\n");
    let v = verbs(&src, "s");
    assert_eq!(
        v[0]["ask"]["say"],
        json!([{"value": "Welcome."}, {"value": "Press 1."}])
    );
}
