use super::CAPABILITIES;
use crate::diagnostic::Diagnostic;
use crate::targets::model::Bundle;
use crate::targets::{self, Feature, TargetKind, Urls};

const BASE: &str = "https://ivr.example.com/at";

/// Compile a one-file flow for AT; the flow itself must be free of errors.
fn build(src: &str) -> (Bundle, Vec<Diagnostic>) {
    crate::targets::test_support::compile_for(TargetKind::AfricasTalking, src)
}

/// The rendered document `id` of a flow that builds without diagnostics.
fn document(src: &str, id: &str) -> String {
    let (bundle, diags) = build(src);
    assert!(diags.is_empty(), "unexpected diagnostics: {diags:#?}");
    let doc = bundle.document(id).unwrap_or_else(|| panic!("no document {id}"));
    super::render(doc, &Urls::new(BASE))
}

/// `(code, message)` of every target diagnostic.
fn problems(src: &str) -> Vec<(&'static str, String)> {
    build(src).1.into_iter().map(|d| (d.code.id, d.message)).collect()
}

fn has(problems: &[(&'static str, String)], code: &str, words: &str) -> bool {
    problems.iter().any(|(c, m)| *c == code && m.contains(words))
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
fn a_menu_is_getdigits_with_its_prompt_and_a_redirect_for_no_input() {
    let xml = document(
        &format!(
            "{FLOW}menu s {{\n  say \"Press 1.\" voice female\n  input_timeout 7s\n  \"1\" -> a\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> a\n}}\nstep a {{\n  hangup\n}}\n"
        ),
        "s",
    );
    let expected = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>\n  \
        <GetDigits numDigits=\"1\" timeout=\"7\" callbackUrl=\"https://ivr.example.com/at/s\">\n    \
        <Say voice=\"woman\">Press 1.</Say>\n  </GetDigits>\n  \
        <Redirect>https://ivr.example.com/at/s</Redirect>\n</Response>\n";
    assert_eq!(xml, expected);
}

#[test]
fn collect_takes_the_maximum_the_finish_key_and_whole_seconds() {
    let xml = document(
        &format!(
            "{FLOW}step s {{\n  say \"PIN?\" repeat 2\n  collect pin digits 1..6 finish \"#\" timeout 10s\n  goto a\n}}\nstep a {{\n  say \"You said {{pin}}.\"\n  hangup\n}}\n"
        ),
        "s",
    );
    assert!(
        xml.contains(
            "<GetDigits numDigits=\"6\" finishOnKey=\"#\" timeout=\"10\" callbackUrl=\"https://ivr.example.com/at/s\">"
        ),
        "{xml}"
    );
    assert_eq!(
        xml.matches("<Say>PIN?</Say>").count(),
        2,
        "repeat 2 writes two Says: {xml}"
    );
    assert!(
        xml.contains("<Redirect>https://ivr.example.com/at/s</Redirect>"),
        "{xml}"
    );
}

#[test]
fn record_maps_its_options_and_needs_no_fallback() {
    let xml = document(
        &format!(
            "{FLOW}step s {{\n  say \"After the tone.\"\n  record msg max 2m finish \"#\" timeout 5s beep trim_silence\n  play \"{{msg}}\"\n  hangup\n}}\n"
        ),
        "s",
    );
    assert!(
        xml.contains("<Record finishOnKey=\"#\" maxLength=\"120\" timeout=\"5\" trimSilence=\"true\" playBeep=\"true\" callbackUrl=\"https://ivr.example.com/at/s\">"),
        "{xml}"
    );
    assert!(!xml.contains("<Redirect>"), "{xml}");
    let (bundle, _) = build(&format!(
        "{FLOW}step s {{\n  record msg max 2m finish \"#\"\n  play \"{{msg}}\"\n  hangup\n}}\n"
    ));
    let next = bundle.document("s.2").expect("the document after the recording");
    assert!(super::render(next, &Urls::new(BASE)).contains("<Play url=\"{msg}\"/>"));
}

#[test]
fn dial_lists_numbers_and_redirects_only_when_a_failure_leads_on() {
    let src = format!(
        "{FLOW}step s {{\n  dial \"+254711082000\", \"sip:desk@ke.sip.africastalking.com\" sequential caller_id \"+254207654000\" max_duration 15m record\n  say \"Nobody answered.\"\n  hangup\n}}\n"
    );
    let xml = document(&src, "s");
    assert!(
        xml.contains("<Dial phoneNumbers=\"+254711082000,desk@ke.sip.africastalking.com\" sequential=\"true\" callerId=\"+254207654000\" record=\"true\" maxDuration=\"900\"/>"),
        "{xml}"
    );
    assert!(
        xml.contains("<Redirect>https://ivr.example.com/at/s</Redirect>"),
        "{xml}"
    );
    let src = format!(
        "{FLOW}step s {{\n  dial \"+254711082000\"\n  on busy -> bye\n  on no_answer -> bye\n  on failed -> bye\n}}\nstep bye {{\n  hangup\n}}\n"
    );
    let xml = document(&src, "s");
    assert!(xml.contains("<Dial phoneNumbers=\"+254711082000\"/>"), "{xml}");
    assert!(!xml.contains("Redirect"), "every failure hangs up: {xml}");
}

#[test]
fn queues_conference_redirect_reject_and_hangup() {
    let q = "queue agents {\n  hold_music \"https://example.com/hold.mp3?a=1&b=2\"\n}\n";
    let xml = document(&format!("{FLOW}{q}step s {{\n  enqueue agents\n}}\n"), "s");
    assert!(
        xml.contains("<Enqueue name=\"agents\" holdMusic=\"https://example.com/hold.mp3?a=1&amp;b=2\"/>"),
        "{xml}"
    );
    let xml = document(
        &format!("{FLOW}{q}step s {{\n  dequeue agents number \"+254201234567\"\n}}\n"),
        "s",
    );
    assert!(
        xml.contains("<Dequeue phoneNumber=\"+254201234567\" name=\"agents\"/>"),
        "{xml}"
    );
    let xml = document(&format!("{FLOW}step s {{\n  conference \"team\"\n}}\n"), "s");
    assert!(xml.contains("<Conference/>"), "{xml}");
    let xml = document(
        &format!("{FLOW}step s {{\n  say \"Bye.\"\n  redirect \"https://x.example.com/next?a=1&b=2\"\n}}\n"),
        "s",
    );
    assert!(
        xml.contains("<Redirect>https://x.example.com/next?a=1&amp;b=2</Redirect>"),
        "{xml}"
    );
    let xml = document(&format!("{FLOW}step s {{\n  reject\n}}\n"), "s");
    assert!(xml.contains("<Response>\n  <Reject/>\n</Response>"), "{xml}");
    let xml = document(
        &format!("{FLOW}step s {{\n  say \"Bye.\" voice male\n  hangup\n}}\n"),
        "s",
    );
    assert!(xml.contains("<Say voice=\"man\">Bye.</Say>\n</Response>"), "{xml}");
}

#[test]
fn text_and_attributes_are_escaped() {
    let xml = document(
        &format!(
            "{FLOW}step s {{\n  say \"a < b & \\\"c\\\" 'd' ]]> \\{{x\\}}\"\n  play \"https://e.example.com/?q=\\\"1\\\"&r='2'\"\n  hangup\n}}\n"
        ),
        "s",
    );
    assert!(xml.contains("<Say>a &lt; b &amp; \"c\" 'd' ]]&gt; {x}</Say>"), "{xml}");
    assert!(
        xml.contains("<Play url=\"https://e.example.com/?q=&quot;1&quot;&amp;r=&apos;2&apos;\"/>"),
        "{xml}"
    );
}

#[test]
fn voices_and_languages_at_cannot_speak() {
    let p = problems(&format!(
        "{FLOW}step s {{\n  say \"Hi\" voice \"en-US-ZiraRUS\"\n  say \"Karibu\" language \"sw-KE\"\n  say \"Hello\" language \"en-GB\"\n  hangup\n}}\n"
    ));
    assert!(has(&p, "E0504", "no voice `en-US-ZiraRUS`"), "{p:#?}");
    assert!(has(&p, "E0504", "English only, not `sw-KE`"), "{p:#?}");
    assert_eq!(p.len(), 2, "en-GB is English: {p:#?}");
}

#[test]
fn reject_must_stand_alone_and_come_first() {
    let (_, diags) = build(&format!("{FLOW}step s {{\n  say \"No.\"\n  reject busy\n}}\n"));
    let alone = diags
        .iter()
        .find(|d| d.code.id == "E0505")
        .expect("E0505 for a Reject after a Say");
    assert_eq!(alone.labels.len(), 2, "points at the reject and the say: {alone:#?}");
    assert!(
        diags
            .iter()
            .any(|d| d.code.id == "E0501" && d.message.contains("`busy`"))
    );
    let p = problems(&format!(
        "{FLOW}menu s {{\n  say \"1?\"\n  \"1\" -> r\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> r\n}}\nstep r {{\n  reject\n}}\n"
    ));
    assert!(has(&p, "E0505", "only the incoming call"), "{p:#?}");
    assert!(problems(&format!("{FLOW}step s {{\n  reject rejected\n}}\n")).is_empty());
}

#[test]
fn digit_counts_at_can_and_cannot_honour() {
    let collect = |opts: &str| {
        problems(&format!(
            "{FLOW}step s {{\n  collect n {opts}\n  say \"{{n}}\"\n  hangup\n}}\n"
        ))
    };
    assert!(has(&collect("digits 8..12 finish \"#\""), "E0501", "no minimum"));
    assert!(collect("digits 1..12 finish \"#\"").is_empty());
    assert!(collect("digits 4").is_empty());
    assert!(collect("finish \"#\"").is_empty());
    assert!(has(&collect("timeout 5s"), "E0501", "first key"));
    assert!(has(
        &collect("digits 4 timeout 1500ms"),
        "E0502",
        "whole seconds, not 1500ms"
    ));
}

#[test]
fn dial_options_at_cannot_honour() {
    let p = problems(&format!(
        "{FLOW}step s {{\n  dial \"sip:desk@pbx.example.com\" timeout 20s send_digits \"w1\" max_duration 1500ms ringback \"audio/ring.wav\"\n  on answered -> a\n  on busy -> a\n  on no_answer -> b\n  on failed -> b\n}}\nstep a {{\n  say \"A\"\n  hangup\n}}\nstep b {{\n  say \"B\"\n  hangup\n}}\n"
    ));
    for (code, words) in [
        ("E0501", "`on answered`"),
        ("E0501", "`timeout` of `dial`"),
        ("E0501", "`send_digits`"),
        ("E0501", "why a `Dial` was not answered"),
        ("E0502", "own SIP addresses"),
        ("E0502", "`maxDuration`"),
        ("E0502", "not `audio/ring.wav`"),
    ] {
        assert!(has(&p, code, words), "{code} {words}: {p:#?}");
    }
    assert_eq!(p.len(), 7, "{p:#?}");
}

#[test]
fn conference_options_and_rooms() {
    let p = problems(&format!(
        "{FLOW}menu s {{\n  say \"1 or 2\"\n  \"1\" -> a\n  \"2\" -> b\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> a\n}}\nstep a {{\n  conference \"one\" muted beep\n}}\nstep b {{\n  conference \"two\"\n}}\n"
    ));
    assert!(has(&p, "E0501", "`muted`"), "{p:#?}");
    assert!(has(&p, "E0501", "`beep`"), "{p:#?}");
    assert!(has(&p, "E0501", "rooms `one` and `two`"), "{p:#?}");
    let p = problems(&format!(
        "{FLOW}step s {{\n  collect pin digits 4\n  conference \"room-{{pin}}\"\n}}\n"
    ));
    assert!(has(&p, "E0501", "cannot depend on variables"), "{p:#?}");
}

#[test]
fn queues_at_cannot_serve() {
    let p = problems(&format!(
        "{FLOW}queue q {{\n  hold_music music1\n}}\nmenu s {{\n  say \"1 or 2\"\n  \"1\" -> a\n  \"2\" -> b\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> a\n}}\nstep a {{\n  enqueue q\n}}\nstep b {{\n  dequeue q\n}}\n"
    ));
    assert!(has(&p, "E0501", "`hold_music` of `enqueue`"), "{p:#?}");
    assert!(has(&p, "E0501", "`Dequeue` needs the phone number"), "{p:#?}");
}

#[test]
fn unsupported_actions_are_reported_by_the_capability_table() {
    let p = problems(&format!(
        "{FLOW}step s {{\n  pause 1s\n  start_recording\n  say \"hi\"\n  stream \"wss://bot.example.com/media\"\n}}\n"
    ));
    for name in ["`pause`", "`start_recording`", "`stream`"] {
        assert!(has(&p, "E0501", name), "{name}: {p:#?}");
    }
}

#[test]
fn the_manifest_of_an_at_bundle_says_the_server_counts_retries() {
    let (bundle, diags) = build(&format!(
        "{FLOW}menu s {{\n  say \"1?\"\n  retries 4\n  \"1\" -> a\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> a\n}}\nstep a {{\n  say \"A\"\n  hangup\n}}\n"
    ));
    assert!(diags.is_empty(), "{diags:#?}");
    let manifest = targets::manifest::manifest(&bundle, TargetKind::AfricasTalking, &Urls::new(BASE));
    let menu = &manifest["documents"][0];
    assert_eq!(menu["action"], "menu");
    assert_eq!(menu["attempts"], 1, "AT never replays a menu itself");
    assert_eq!(menu["retries"], 4);
    let tropo = targets::manifest::manifest(&bundle, TargetKind::Tropo, &Urls::new(BASE));
    assert_eq!(
        tropo["documents"][0]["attempts"], 5,
        "Tropo's `attempts` replays natively"
    );
}
