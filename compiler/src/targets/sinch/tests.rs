//! The Sinch target on small flows: what each construct renders to, and every
//! limit and placement check with the code it reports.

use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::targets::model::{Answers, Bundle, Document, End, EndKind, Menu, MenuRoutes, Route, Step, StepKind, Text};
use crate::targets::{Feature, TargetKind, Urls};
use serde_json::{Value, json};

const HEAD: &str = "flow t {\n  start main\n  language \"en-GB\"\n  input_timeout 6s\n  retries 2\n}\n";

fn compile(body: &str) -> (Bundle, Vec<Diagnostic>) {
    crate::targets::test_support::compile_for(TargetKind::Sinch, &format!("{HEAD}{body}"))
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.id).collect()
}

fn messages(diags: &[Diagnostic]) -> Vec<&str> {
    diags.iter().map(|d| d.message.as_str()).collect()
}

fn render(doc: &Document) -> Value {
    let text = TargetKind::Sinch.render(doc, &Urls::new("https://x.test"));
    let v: Value = serde_json::from_str(&text).expect("SVAML is JSON");
    assert!(v["action"]["name"].is_string(), "exactly one action: {v}");
    v
}

/// A clean build's document, parsed back.
fn doc(body: &str, id: &str) -> Value {
    let (bundle, diags) = compile(body);
    assert!(diags.is_empty(), "{:?}", messages(&diags));
    render(bundle.document(id).unwrap_or_else(|| panic!("no document `{id}`")))
}

const BYE: &str = "step bye {\n  say \"Bye.\"\n  hangup\n}\n";

#[test]
fn the_capability_table_covers_every_feature_once() {
    for f in Feature::ALL {
        let n = super::CAPABILITIES.iter().filter(|(g, _)| *g == f).count();
        assert_eq!(n, 1, "{f:?}");
    }
}

#[test]
fn a_menu_is_run_menu_main_with_native_repeats() {
    let v = doc(
        &format!(
            "step main {{\n  say \"Welcome.\"\n  goto m\n}}\nmenu m {{\n  say \"Press 1 or star.\"\n  pause 500ms\n  play \"https://x.test/a.mp3\"\n  \"1\" -> bye\n  \"*\" -> bye\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> bye\n}}\n{BYE}"
        ),
        "main",
    );
    let prompt = "#tts[Welcome.];#tts[Press 1 or star.];#ssml[<speak><break time=\"500ms\"/></speak>];#href[https://x.test/a.mp3]";
    // The greeting that led into the menu is not replayed on a retry.
    let repeat = "#tts[Press 1 or star.];#ssml[<speak><break time=\"500ms\"/></speak>];#href[https://x.test/a.mp3]";
    assert_eq!(
        v,
        json!({"instructions": [], "action": {
            "name": "runMenu", "barge": true, "locale": "en-GB", "mainMenu": "main",
            "menus": [{"id": "main", "mainPrompt": prompt, "repeatPrompt": repeat, "repeats": 2,
                       "maxDigits": 1, "timeoutMills": 6000,
                       "options": [{"dtmf": "1", "action": "return(1)"}, {"dtmf": "*", "action": "return(*)"}]}]}})
    );
}

#[test]
fn a_menu_whose_timeout_leaves_plays_once() {
    let v = doc(
        &format!(
            "menu main {{\n  say \"Press 1.\"\n  \"1\" -> bye\n  timeout -> bye\n  invalid -> repeat\n  exhausted -> bye\n}}\n{BYE}"
        ),
        "main",
    );
    let menu = &v["action"]["menus"][0];
    assert_eq!(menu["repeats"], 0);
    assert_eq!(menu.get("repeatPrompt"), None);
}

#[test]
fn a_collect_returns_a_digit_sequence() {
    let v = doc(
        "step main {\n  say \"PIN?\"\n  collect pin digits 4 finish \"#\" timeout 9s\n  say \"{pin}\"\n  hangup\n}\n",
        "main",
    );
    assert_eq!(
        v["action"],
        json!({"name": "runMenu", "barge": true, "locale": "en-GB", "mainMenu": "main",
               "menus": [{"id": "main", "mainPrompt": "#tts[PIN?]", "repeats": 0, "maxDigits": 4, "timeoutMills": 9000}]})
    );
    let v = doc(
        "step main {\n  say \"Dites-le.\" language \"fr-FR\"\n  collect w digits 10 speech language \"fr-FR\"\n  say \"{w}\" language \"fr-FR\"\n  hangup\n}\n",
        "main",
    );
    assert_eq!(
        (v["action"]["enableVoice"].clone(), v["action"]["locale"].clone()),
        (json!(true), json!("fr-FR"))
    );
    let v = doc("step main {\n  collect n\n  say \"{n}\"\n  hangup\n}\n", "main");
    assert_eq!(v["action"]["menus"][0]["maxDigits"], 32, "the language's upper bound");
    assert_eq!(v["action"]["menus"][0].get("mainPrompt"), None);
}

#[test]
fn a_finish_key_needs_a_fixed_length() {
    let (_, diags) =
        compile("step main {\n  say \"Go.\"\n  collect n digits 8..12 finish \"#\"\n  say \"{n}\"\n  hangup\n}\n");
    assert_eq!(codes(&diags), ["E0501"]);
}

#[test]
fn steps_are_instructions() {
    let v = doc(
        "step main {\n  say \"Hello.\" repeat 2\n  say \"Bonjour.\" language \"fr-fr\"\n  say \"Hi.\" voice \"Joanna\"\n  play \"https://x.test/a.mp3\" repeat 2\n  pause 25s\n  hangup\n}\n",
        "main",
    );
    assert_eq!(
        v["instructions"],
        json!([
            {"name": "say", "text": "Hello.", "locale": "en-GB"},
            {"name": "say", "text": "Hello.", "locale": "en-GB"},
            {"name": "say", "text": "Bonjour.", "locale": "fr-FR"},
            {"name": "say", "text": "Hi.", "locale": "Joanna"},
            {"name": "playFiles", "ids": ["https://x.test/a.mp3", "https://x.test/a.mp3"]},
            {"name": "playFiles", "locale": "en-US", "ids": [
                "#ssml[<speak><break time=\"10000ms\"/><break time=\"10000ms\"/><break time=\"5000ms\"/></speak>]"]},
        ])
    );
    assert_eq!(v["action"], json!({"name": "hangup"}));
}

#[test]
fn dial_is_connect_pstn_or_connect_sip() {
    let v = doc(
        "step main {\n  dial \"+254711082000\" caller_id \"+254700000000\" timeout 25500ms max_duration 4h send_digits \"ww12#\" record\n  hangup\n}\n",
        "main",
    );
    assert_eq!(
        v,
        json!({"instructions": [{"name": "startRecording"}], "action": {
            "name": "connectPstn", "number": "+254711082000", "cli": "+254700000000",
            "dialTimeout": 26, "maxDuration": 14400, "dtmf": "ww12#"}})
    );
    let v = doc(
        "step main {\n  dial \"sip:desk@pbx.example.com\"\n  hangup\n}\n",
        "main",
    );
    assert_eq!(
        v["action"],
        json!({"name": "connectSip", "destination": {"type": "Sip", "endpoint": "sip:desk@pbx.example.com"}})
    );
}

#[test]
fn dial_limits() {
    let (_, diags) = compile("step main {\n  dial \"+254711082000\" max_duration 5h send_digits \"*1\"\n  hangup\n}\n");
    assert_eq!(codes(&diags), ["E0502", "E0502"]);
    assert_eq!(
        messages(&diags),
        [
            "Sinch cannot send `*` after the answer",
            "Sinch limits a `dial` to 14400 seconds, not 18000"
        ]
    );
    let (_, diags) = compile("step main {\n  dial \"+254711082000\", \"+254711082001\"\n  hangup\n}\n");
    assert_eq!(codes(&diags), ["E0501"]);
    let (_, diags) = compile("step main {\n  dial \"sip:a@b.example.com\" timeout 5s send_digits \"1\"\n  hangup\n}\n");
    assert_eq!(codes(&diags), ["E0501", "E0501"]);
    let (_, diags) = compile("step main {\n  dial \"+254711082000\" ringback \"https://x.test/r.mp3\"\n  hangup\n}\n");
    assert_eq!(codes(&diags), ["E0501"]);
}

#[test]
fn a_dial_cannot_continue_the_call() {
    let (_, diags) = compile(&format!(
        "step main {{\n  dial \"+254711082000\"\n  on busy -> bye\n  hangup\n}}\n{BYE}"
    ));
    assert_eq!(codes(&diags), ["E0501"]);
    assert!(diags[0].labels[0].message.contains("`busy`"), "{:?}", diags[0].labels);
    let (_, diags) = compile(&format!(
        "step main {{\n  dial \"+254711082000\"\n  on answered -> bye\n  hangup\n}}\n{BYE}"
    ));
    assert_eq!(codes(&diags), ["E0501"]);
    let (_, diags) = compile(&format!(
        "step main {{\n  dial \"+254711082000\"\n  goto bye\n}}\n{BYE}"
    ));
    assert!(
        diags[0].labels[0].message.contains("`busy`, `no_answer`, `failed`"),
        "{:?}",
        diags[0].labels
    );
}

#[test]
fn say_text_is_at_most_600_characters() {
    let ok = "a".repeat(600);
    let long = "a".repeat(601);
    assert!(
        compile(&format!("step main {{\n  say \"{ok}\"\n  hangup\n}}\n"))
            .1
            .is_empty()
    );
    let (_, diags) = compile(&format!("step main {{\n  say \"{long}\"\n  hangup\n}}\n"));
    assert_eq!(codes(&diags), ["E0503"]);
    // Variables are not counted: the literal part alone decides.
    let near = "a".repeat(590);
    let body = format!("step main {{\n  collect n\n  say \"{near}{{n}}\"\n  say \"{long}{{n}}\"\n  hangup\n}}\n");
    let (_, diags) = compile(&body);
    assert_eq!(codes(&diags), ["E0503"]);
    assert!(diags[0].message.contains("at least 601"), "{}", diags[0].message);
}

#[test]
fn conferences() {
    let v = doc(
        "step main {\n  conference \"team-{call_id}\" hold_music music2\n}\n",
        "main",
    );
    assert_eq!(
        v["action"],
        json!({"name": "connectConf", "conferenceId": "team-{call_id}", "moh": "music2"})
    );
    let room = "r".repeat(65);
    let (_, diags) = compile(&format!("step main {{\n  conference \"{room}\"\n}}\n"));
    assert_eq!(codes(&diags), ["E0503"]);
    let (_, diags) = compile(
        "step main {\n  conference \"x\" muted beep start_on_enter end_on_exit max_duration 1h hold_music \"https://x.test/m.mp3\"\n}\n",
    );
    assert_eq!(codes(&diags), ["E0501"; 6]);
}

#[test]
fn park_and_stream_only_answer_the_incoming_call() {
    let v = doc(
        "step main {\n  park intro \"Hold on.\" hold \"https://x.test/h.mp3\" max 10m\n}\n",
        "main",
    );
    assert_eq!(
        v["action"],
        json!({"name": "park", "introPrompt": "#tts[Hold on.]", "holdPrompt": "#href[https://x.test/h.mp3]", "maxDuration": 600})
    );
    let v = doc(
        "step main {\n  stream \"wss://x.test/media\" max_duration 1h\n}\n",
        "main",
    );
    assert_eq!(
        v["action"],
        json!({"name": "connectStream", "destination": {"type": "Websocket", "endpoint": "wss://x.test/media"}, "maxDuration": 3600})
    );
    let menu = "menu main {\n  say \"1 or 2.\"\n  \"1\" -> p\n  \"2\" -> s\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> p\n}\n";
    let (_, diags) = compile(&format!(
        "{menu}step p {{\n  park\n}}\nstep s {{\n  stream \"wss://x.test/m\"\n}}\n"
    ));
    assert_eq!(codes(&diags), ["E0505", "E0505"]);
    assert_eq!(
        messages(&diags)[0],
        "Sinch does not accept `park` in the answer to a menu's input (PIE)"
    );
    let (_, diags) = compile("step main {\n  park max 11m\n}\n");
    assert_eq!(codes(&diags), ["E0502"]);
    let (_, diags) = compile("step main {\n  stream \"wss://x.test/m\" max_duration 5h\n}\n");
    assert_eq!(codes(&diags), ["E0502"]);
}

#[test]
fn reject_is_a_hangup_before_anything_else() {
    let v = doc("step main {\n  reject\n}\n", "main");
    assert_eq!(v, json!({"instructions": [], "action": {"name": "hangup"}}));
    let (_, diags) = compile("step main {\n  reject busy\n}\n");
    assert_eq!(codes(&diags), ["E0501"]);
    let (_, diags) = compile("step main {\n  say \"No.\"\n  reject\n}\n");
    assert_eq!(codes(&diags), ["E0505"]);
    let (_, diags) = compile(
        "menu main {\n  say \"1?\"\n  \"1\" -> r\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> r\n}\nstep r {\n  reject\n}\n",
    );
    assert_eq!(codes(&diags), ["E0505"]);
}

#[test]
fn stop_recording_is_refused_in_the_first_answer_only() {
    let (_, diags) = compile("step main {\n  stop_recording\n  hangup\n}\n");
    assert_eq!(codes(&diags), ["E0505"]);
    let v = doc(
        "menu main {\n  say \"1?\"\n  \"1\" -> s\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> s\n}\nstep s {\n  stop_recording\n  hangup\n}\n",
        "s",
    );
    assert_eq!(v["instructions"], json!([{"name": "stopRecording"}]));
}

#[test]
fn prompt_delimiters_are_refused_in_prompts_only() {
    let (_, diags) = compile("step main {\n  say \"a]b; c\"\n  hangup\n}\n");
    assert!(diags.is_empty(), "a `say` instruction carries any text");
    let (_, diags) = compile(&format!(
        "menu main {{\n  say \"Press 1; or not]\"\n  play \"https://x.test/a;b.mp3\"\n  \"1\" -> bye\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> bye\n}}\n{BYE}"
    ));
    assert_eq!(codes(&diags), ["E0502", "E0502"]);
    assert_eq!(messages(&diags)[0], "Sinch cannot carry `;` in the text of a prompt");
    let (_, diags) = compile("step main {\n  park intro \"Wait]\"\n}\n");
    assert_eq!(codes(&diags), ["E0502"]);
}

#[test]
fn run_time_values_cannot_break_the_prompt_syntax() {
    // The webhook host renders resolved text: delimiters are replaced.
    let say = |text: &str| Step {
        kind: StepKind::Say {
            text: Text::plain(text),
            voice: None,
            language: None,
            repeat: 1,
        },
        span: Span::default(),
    };
    let menu = Menu {
        prompt: vec![say("Your code is 1]2;3.")],
        timeout_ms: 5000,
        attempts: 1,
        retries: 0,
        lead_in: 0,
        routes: MenuRoutes {
            keys: vec![('1', Route::Hangup)],
            timeout: Route::Hangup,
            invalid: Route::Hangup,
            exhausted: Route::Hangup,
        },
    };
    let end = End {
        kind: EndKind::Menu(menu),
        span: Span::default(),
    };
    let doc = Document::new(
        "live".into(),
        Vec::new(),
        end,
        Answers {
            first: true,
            later: false,
        },
    );
    let v = render(&doc);
    assert_eq!(v["action"]["menus"][0]["mainPrompt"], "#tts[Your code is 1)2,3.]");
}

#[test]
fn locales_are_language_and_country() {
    let (_, diags) = compile("step main {\n  say \"Hi.\" language \"en\"\n  hangup\n}\n");
    assert_eq!(codes(&diags), ["E0504"]);
    let (_, diags) = compile(&format!(
        "menu main {{\n  say \"Hello.\"\n  say \"Bonjour.\" language \"fr-FR\"\n  \"1\" -> bye\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> bye\n}}\n{BYE}"
    ));
    assert_eq!(codes(&diags), ["E0504"]);
    assert!(messages(&diags)[0].contains("one locale"), "{:?}", messages(&diags));
}

#[test]
fn features_sinch_lacks_are_e0501() {
    let (_, diags) = compile(
        "step main {\n  say \"Hi.\"\n  record m max 5s\n  play \"{m}\"\n  redirect \"https://x.test/next\"\n}\n",
    );
    assert_eq!(
        codes(&diags),
        ["E0501", "E0501"],
        "record and redirect: {:?}",
        messages(&diags)
    );
}
