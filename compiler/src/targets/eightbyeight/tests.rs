//! The 8x8 target on small flows: what each construct renders to, and every
//! limit check with the code it reports.

use crate::diagnostic::Diagnostic;
use crate::project;
use crate::targets::model::{Bundle, EndKind};
use crate::targets::{self, Feature, TargetKind, Urls};
use serde_json::{Value, json};

const HEAD: &str = "flow t {\n  start main\n  voice female\n  language \"en-US\"\n  input_timeout 6s\n  retries 2\n}\n";

fn compile(body: &str) -> (Bundle, Vec<Diagnostic>) {
    crate::targets::test_support::compile_for(TargetKind::EightByEight, &format!("{HEAD}{body}"))
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.id).collect()
}

/// A clean build's document, parsed back.
fn doc(body: &str, id: &str) -> Value {
    let (bundle, diags) = compile(body);
    assert!(
        diags.is_empty(),
        "{:?}",
        diags.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    let Some(doc) = bundle.document(id) else {
        panic!("no document `{id}`")
    };
    let text = TargetKind::EightByEight.render(doc, &Urls::new("https://x.test"));
    let value: Value = serde_json::from_str(&text).expect("8x8 documents are JSON");
    assert_eq!(
        value["clientActionId"], id,
        "the document id comes back in the next callback"
    );
    // Nothing may follow sayAndCapture (a hangup there drops the digits).
    let actions = value["callflow"].as_array().expect("callflow array");
    if let Some(i) = actions.iter().position(|a| a["action"] == "sayAndCapture") {
        assert_eq!(i, actions.len() - 1, "sayAndCapture is last");
    }
    value
}

#[test]
fn the_capability_table_covers_every_feature_once() {
    for f in Feature::ALL {
        let n = super::CAPABILITIES.iter().filter(|(g, _)| *g == f).count();
        assert_eq!(n, 1, "{f:?}");
    }
}

#[test]
fn a_menu_is_say_and_capture_of_one_key_with_native_tries() {
    let v = doc(
        "menu main {\n  say \"For sales press 1.\"\n  say \"For help press 2.\"\n  \"1\" -> bye\n  \"2\" -> bye\n  \"#\" -> bye\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> bye\n}\nstep bye {\n  say \"Bye.\"\n  hangup\n}\n",
        "main",
    );
    assert_eq!(
        v["callflow"],
        json!([{"action": "sayAndCapture", "params": {
            "promptMessage": "For sales press 1. For help press 2.",
            "voiceProfile": "generic-en-female",
            "completeOnHash": false,
            "minDigits": 1,
            "maxDigits": 1,
            "overallTimeout": 6000,
            "noOfTries": 3,
        }}])
    );
}

#[test]
fn a_menu_whose_timeout_leaves_is_tried_once() {
    let v = doc(
        "menu main {\n  say \"Press 1.\"\n  \"1\" -> bye\n  timeout -> bye\n  invalid -> repeat\n  exhausted -> bye\n}\nstep bye {\n  hangup\n}\n",
        "main",
    );
    assert_eq!(v["callflow"][0]["params"]["noOfTries"], 1);
}

#[test]
fn audio_and_other_voices_before_the_prompt_play_first() {
    let v = doc(
        "step main {\n  say \"Welcome.\" voice male\n  play \"https://x.test/jingle.mp3\" repeat 2\n  goto m\n}\nmenu m {\n  say \"Press 1.\"\n  say \"Or 2.\" repeat 2\n  \"1\" -> bye\n  \"2\" -> bye\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> bye\n}\nstep bye {\n  hangup\n}\n",
        "main",
    );
    let actions = &v["callflow"];
    assert_eq!(
        actions[0],
        json!({"action": "say", "params": {"text": "Welcome.", "voiceProfile": "generic-en-male", "repetition": 1}})
    );
    assert_eq!(
        actions[1],
        json!({"action": "playFile", "params": {"fileUrl": "https://x.test/jingle.mp3", "repetition": 2}})
    );
    assert_eq!(actions[2]["params"]["promptMessage"], "Press 1. Or 2. Or 2.");
    assert_eq!(actions.as_array().map(Vec::len), Some(3));
}

#[test]
fn collects_map_their_digits_and_finish_key() {
    let v = doc(
        "step main {\n  say \"PIN?\"\n  collect pin digits 4 finish \"#\" timeout 9s\n  say \"{pin}\"\n  hangup\n}\n",
        "main",
    );
    assert_eq!(
        v["callflow"][0]["params"],
        json!({"promptMessage": "PIN?", "voiceProfile": "generic-en-female", "completeOnHash": true,
               "minDigits": 4, "maxDigits": 4, "overallTimeout": 9000, "noOfTries": 1})
    );
    let v = doc(
        "step main {\n  say \"Number?\"\n  collect n digits 2..8\n  say \"{n}\"\n  hangup\n}\n",
        "main",
    );
    let p = &v["callflow"][0]["params"];
    assert_eq!(
        (
            p["completeOnHash"].clone(),
            p["minDigits"].clone(),
            p["maxDigits"].clone()
        ),
        (json!(false), json!(2), json!(8))
    );
    assert_eq!(p["overallTimeout"], 6000, "the flow's input timeout");
    // Without a maximum or `#`, 8x8 needs maxDigits: its default, written out.
    let v = doc(
        "step main {\n  say \"Number?\"\n  collect n\n  say \"{n}\"\n  hangup\n}\n",
        "main",
    );
    assert_eq!(v["callflow"][0]["params"]["maxDigits"], 25);
    let v = doc(
        "step main {\n  say \"Number?\"\n  collect n finish \"#\"\n  say \"{n}\"\n  hangup\n}\n",
        "main",
    );
    assert_eq!(v["callflow"][0]["params"].get("maxDigits"), None);
}

#[test]
fn templates_keep_placeholders_and_escape_literal_braces() {
    let (bundle, diags) = compile(
        "step main {\n  collect n digits 2\n  goto ask\n}\nstep ask {\n  say \"You typed {n}.\"\n  say \"Braces \\{ok\\}.\"\n  collect m digits 1\n  say \"{m}\"\n  hangup\n}\n",
    );
    assert!(
        codes(&diags).contains(&"E0501"),
        "the first collect has no spoken prompt"
    );
    let doc = bundle
        .documents
        .iter()
        .find(|d| matches!(&d.end.kind, EndKind::Collect(c) if c.var == "m"))
        .expect("the document that collects m");
    let v: Value = serde_json::from_str(&TargetKind::EightByEight.render(doc, &Urls::new("http://x"))).expect("json");
    assert_eq!(
        v["callflow"][0]["params"]["promptMessage"],
        "You typed {n}. Braces {{ok}}."
    );
}

#[test]
fn dial_is_make_call_when_it_fits() {
    let v = doc(
        "step main {\n  dial \"+254711082000\" caller_id \"{called}\" record\n  on busy -> bye\n  on no_answer -> bye\n  on failed -> bye\n}\nstep bye {\n  say \"Nobody answered.\"\n  hangup\n}\n",
        "main",
    );
    assert_eq!(
        v["callflow"],
        json!([{"action": "makeCall", "params": {"source": "{called}", "destination": "+254711082000", "callRecording": true}}])
    );
}

#[test]
fn what_make_call_cannot_carry_is_refused() {
    let cases = [
        (
            "dial \"+254711082000\", \"+254711082001\" caller_id \"+254700000000\"",
            "rings one number",
        ),
        (
            "dial \"sip:desk@pbx.example.com\" caller_id \"+254700000000\"",
            "phone numbers only",
        ),
        ("dial \"+254711082000\"", "needs a `caller_id`"),
        (
            "dial \"+254711082000\" caller_id \"+254700000000\" timeout 20s",
            "no `timeout`",
        ),
        (
            "dial \"+254711082000\" caller_id \"+254700000000\" max_duration 1h",
            "no `max_duration`",
        ),
        (
            "dial \"+254711082000\" caller_id \"+254700000000\" send_digits \"ww1\"",
            "no `send_digits`",
        ),
        (
            "dial \"+254711082000\" caller_id \"+254700000000\" ringback \"https://x.test/r.mp3\"",
            "no `ringback`",
        ),
        (
            "dial \"+254711082000\" caller_id \"+254700000000\"\n  on answered -> bye",
            "after the bridged call",
        ),
    ];
    for (dial, message) in cases {
        let (_, diags) = compile(&format!(
            "step main {{\n  {dial}\n  hangup\n}}\nstep bye {{\n  hangup\n}}\n"
        ));
        assert_eq!(codes(&diags), ["E0501"], "{dial}");
        assert!(diags[0].message.contains(message), "{dial}: {}", diags[0].message);
    }
}

#[test]
fn repetition_is_at_most_three() {
    let (_, diags) =
        compile("step main {\n  say \"Hi.\" repeat 3\n  play \"https://x.test/a.wav\" repeat 3\n  hangup\n}\n");
    assert!(diags.is_empty());
    let (_, diags) =
        compile("step main {\n  say \"Hi.\" repeat 4\n  play \"https://x.test/a.wav\" repeat 10\n  hangup\n}\n");
    assert_eq!(codes(&diags), ["E0502", "E0502"]);
    assert_eq!(diags[0].message, "8x8 repeats a `say` at most 3 times, not 4");
}

#[test]
fn digits_are_limited_as_sayandcapture_documents() {
    let step = |collect: &str| format!("step main {{\n  say \"Go.\"\n  {collect}\n  say \"{{n}}\"\n  hangup\n}}\n");
    assert!(compile(&step("collect n digits 20")).1.is_empty());
    assert!(compile(&step("collect n digits 1..25")).1.is_empty());
    assert!(compile(&step("collect n digits 10..32 finish \"#\"")).1.is_empty());
    let (_, diags) = compile(&step("collect n digits 21"));
    assert_eq!(codes(&diags), ["E0502"]);
    assert!(
        diags[0].message.contains("cannot require more than 20 digits"),
        "{}",
        diags[0].message
    );
    let (_, diags) = compile(&step("collect n digits 1..26"));
    assert_eq!(codes(&diags), ["E0502"]);
    assert!(
        diags[0].message.contains("unless `#` ends the input"),
        "{}",
        diags[0].message
    );
    let (_, diags) = compile(&step("collect n digits 4 finish \"*\""));
    assert_eq!(codes(&diags), ["E0501"]);
}

#[test]
fn voices_outside_the_table_are_e0504() {
    let (_, diags) = compile(
        "step main {\n  say \"Ni hao.\" voice male language \"zh-CN\"\n  say \"Habari.\" language \"sw-KE\"\n  say \"Hi.\" voice \"Zira\"\n  say \"Hi.\" voice \"en-US-ZiraRUS\"\n  hangup\n}\n",
    );
    assert_eq!(codes(&diags), ["E0504", "E0504", "E0504"]);
    assert_eq!(diags[0].message, "8x8 has no male voice for Chinese");
}

#[test]
fn audio_must_be_wav_or_mp3() {
    let (_, diags) = compile(
        "step main {\n  play \"https://x.test/a.ogg\"\n  play \"https://x.test/b.MP3?v=2\"\n  collect u\n  play \"{u}\"\n  hangup\n}\n",
    );
    // The .ogg is refused, the .MP3 and the interpolated location pass; the
    // collect after a `play` has no spoken prompt.
    assert_eq!(codes(&diags), ["E0502", "E0501"]);
}

#[test]
fn the_prompt_of_an_input_must_end_spoken() {
    let (_, diags) = compile(
        "menu main {\n  play \"https://x.test/menu.mp3\"\n  \"1\" -> bye\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> bye\n}\nstep bye {\n  hangup\n}\n",
    );
    assert_eq!(codes(&diags), ["E0501"]);
    assert_eq!(diags[0].labels.len(), 2, "the menu and the play");
}

#[test]
fn features_8x8_lacks_are_e0501() {
    let (_, diags) = compile(
        "step main {\n  pause 1s\n  start_recording\n  say \"Hi.\"\n  record msg max 10s\n  play \"{msg}\"\n  hangup\n}\n",
    );
    let c = codes(&diags);
    assert_eq!(
        c,
        ["E0501", "E0501", "E0501"],
        "{:?}",
        diags.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
}

#[test]
fn a_greeting_before_a_retrying_menu_is_said_once_not_on_every_try() {
    let body = "step welcome {\n  say \"Welcome to Acme.\"\n  goto main\n}\nmenu main {\n  say \"Press 1.\"\n  \"1\" -> done\n  timeout -> repeat\n  invalid -> repeat\n}\nstep done {\n  hangup\n}\n";
    let body = body.replace("start main", "start welcome");
    let src_head = HEAD.replace("start main", "start welcome");
    let (project, analysis) = project::check_source("t.flow", &format!("{src_head}{body}"));
    let (bundle, diags) = targets::compile(&project.asts, &analysis.ir, &project.sources, TargetKind::EightByEight);
    assert!(codes(&diags).is_empty(), "{diags:?}");
    let doc = bundle.document("welcome").expect("welcome");
    let text = TargetKind::EightByEight.render(doc, &Urls::new("https://x.test"));
    let value: Value = serde_json::from_str(&text).expect("json");
    let actions = value["callflow"].as_array().expect("callflow");
    assert_eq!(actions[0]["action"], "say");
    assert_eq!(actions[0]["params"]["text"], "Welcome to Acme.");
    let capture = &actions[1]["params"];
    assert_eq!(capture["promptMessage"], "Press 1.");
    assert_eq!(capture["noOfTries"], 3);
}
