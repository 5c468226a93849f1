//! Whole calls, one provider at a time, on flows the target carries: the host
//! answers with the provider's own documents (`Render::Target`), the
//! provider's side is played from those documents alone (`provider.rs`), and
//! every document is checked in sequence — what is said, what the call waits
//! for, where its outcomes go — and then structurally, like a static one.

use super::phone::Phone;
use super::provider::{Doc, Next, Provider};
use super::support::{Host, MONDAY_10_NAIROBI_MS, check_structure, check_supported, program};
use callflow_compiler::targets::TargetKind;
use callflow_runtime::scenario::{CallerAction, DialResult};
use callflow_runtime::webhook::Render;
use serde_json::json;

fn keys(k: &str) -> CallerAction {
    CallerAction::Keys(k.to_string())
}

/// A host that serves `flow` to `target` with the target's own documents.
fn host(target: TargetKind, flow: &str) -> Host {
    check_supported(target, flow);
    Host::start(target, program(flow), |c| c.render = Render::Target)
}

fn call(host: &Host, target: TargetKind, session: &str, caller: &str, called: &str) -> Provider {
    Provider::new(host.addr(), Phone::new(target, session, caller, called))
}

/// An Africa's Talking element's attributes, in order.
fn attrs(doc: &Doc, element: &str) -> Vec<(String, String)> {
    let root = doc.xml();
    let found = root.children.iter().find(|c| c.name == element);
    found
        .unwrap_or_else(|| panic!("no <{element}>: {}", doc.body))
        .attrs
        .clone()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// The text of the `Redirect` of an Africa's Talking document.
fn redirect(doc: &Doc) -> String {
    let root = doc.xml();
    let found = root.children.iter().find(|c| c.name == "Redirect");
    found
        .unwrap_or_else(|| panic!("no <Redirect>: {}", doc.body))
        .text
        .trim()
        .to_string()
}

const MENU: &str =
    "For sales, press 1. For support, press 2. To leave a message, press 3. To hear these options again, press star.";

#[test]
fn africas_talking_support_line_sales_busy_then_voicemail() {
    let target = TargetKind::AfricasTalking;
    let host = host(target, "support.flow");
    let base = format!("http://{}", host.addr());
    let mut at = call(&host, target, "ATVId_support_1", "+254722000111", "+254207654000");

    let menu = at.start();
    assert_eq!(menu.id.as_deref(), Some("main-1"));
    assert_eq!(menu.heard, ["Thank you for calling Acme Kenya.", MENU]);
    // One key, posted to the document's callback; no key falls through to
    // the Redirect, which brings the call back without `dtmfDigits`.
    assert_eq!(menu.elements(), ["GetDigits", "Redirect"]);
    assert_eq!(
        attrs(&menu, "GetDigits"),
        pairs(&[
            ("numDigits", "1"),
            ("timeout", "5"),
            ("callbackUrl", &format!("{base}/main-1"))
        ])
    );
    assert_eq!(redirect(&menu), format!("{base}/main-1"));
    assert!(menu.body.contains(r#"<Say voice="woman">Thank you"#), "{}", menu.body);

    // A key the menu does not list, then no key at all: the menu again, its
    // prompt only, each time under a new id.
    let again = at.act(&menu, &keys("7")).doc();
    assert_eq!(
        (again.id.as_deref(), again.heard.clone()),
        (Some("main-2"), vec![MENU.to_string()])
    );
    let silent = at.act(&again, &CallerAction::Timeout).doc();
    assert_eq!(
        (silent.id.as_deref(), silent.heard.clone()),
        (Some("main-3"), vec![MENU.to_string()])
    );

    let sales = at.act(&silent, &keys("1")).doc();
    assert_eq!(sales.id.as_deref(), Some("sales-4"));
    assert_eq!(sales.heard, ["Connecting you to our sales team."]);
    // The failures lead on, so a Redirect after the Dial reports them.
    assert_eq!(sales.elements(), ["Say", "Dial", "Redirect"]);
    assert_eq!(
        attrs(&sales, "Dial"),
        pairs(&[
            ("phoneNumbers", "+254711082000,+254711082001"),
            ("sequential", "true"),
            ("callerId", "+254207654000"),
            ("record", "true")
        ])
    );
    assert_eq!(redirect(&sales), format!("{base}/sales-4"));

    let voicemail = at.act(&sales, &CallerAction::Dial(DialResult::Busy)).doc();
    assert_eq!(voicemail.id.as_deref(), Some("voicemail-5"));
    assert_eq!(
        voicemail.heard,
        [
            "Our sales team cannot take your call right now.",
            "Please leave your name, your number and a short message after the tone, then press hash."
        ]
    );
    assert_eq!(voicemail.elements(), ["Record"]);
    assert_eq!(
        attrs(&voicemail, "Record"),
        pairs(&[
            ("finishOnKey", "#"),
            ("maxLength", "120"),
            ("timeout", "10"),
            ("trimSilence", "true"),
            ("playBeep", "true"),
            ("callbackUrl", &format!("{base}/voicemail-5"))
        ])
    );

    let recorded = CallerAction::Recorded { duration_ms: 20_000 };
    let goodbye = at.act(&voicemail, &recorded).doc();
    assert_eq!(
        goodbye.heard,
        [
            "Thank you. We will call you back on the next working day.",
            "Thank you for calling. Goodbye."
        ]
    );
    // A hangup is the document simply ending.
    assert_eq!(goodbye.elements(), ["Say", "Say"]);
    at.end();
    // The session is gone: a late callback is refused.
    let late = at.post_for(&voicemail, &recorded).expect("a post").send(host.addr());
    assert_eq!(late.status, 410, "{}", late.body);

    // One line per request, with the session.
    let log = host.logged();
    let lines: Vec<&String> = log.iter().filter(|l| l.contains("session=ATVId_support_1")).collect();
    assert_eq!(lines.len(), 8, "{log:#?}");
    assert!(
        lines[0].starts_with("POST / session=ATVId_support_1 200 menu main-1"),
        "{}",
        lines[0]
    );
    assert!(
        lines[2].starts_with("POST /main-2 session=ATVId_support_1 200 menu main-3"),
        "{}",
        lines[2]
    );
    assert!(
        lines[7].starts_with("POST /voicemail-5 session=ATVId_support_1 410"),
        "{}",
        lines[7]
    );
    check_structure(target, &at.documents);
}

#[test]
fn africas_talking_out_of_hours_and_an_answered_transfer() {
    let target = TargetKind::AfricasTalking;
    let support = host(target, "support.flow");
    // 19:30 in Nairobi: closed. The clock is read per call, at its callbacks.
    support.set_clock(MONDAY_10_NAIROBI_MS + 9 * 3_600_000 + 30 * 60_000);
    let mut at = call(&support, target, "ATVId_support_2", "+254722000111", "+254207654000");
    let voicemail = at.start();
    assert_eq!(voicemail.id.as_deref(), Some("voicemail-1"));
    assert_eq!(
        voicemail.heard[1],
        "Our offices are closed. We are open Monday to Friday from 8 am to 6 pm, and on Saturday from 9 am to 1 pm."
    );
    // Silence: an empty `recordingUrl`, so nothing was recorded and there is
    // no promise of a call back.
    let goodbye = at.act(&voicemail, &CallerAction::Timeout).doc();
    assert_eq!(goodbye.heard, ["Thank you for calling. Goodbye."]);
    at.end();
    check_structure(target, &at.documents);

    let orders = host(target, "order_line.flow");
    let mut at = call(&orders, target, "ATVId_orders_1", "+254722000111", "+254207654001");
    let menu = at.start();
    assert_eq!(
        menu.heard[..2],
        [
            "Welcome to Acme Kenya.",
            "play https://example.com/audio/acme-jingle.mp3"
        ]
    );
    let order = at.act(&menu, &keys("1")).doc();
    assert_eq!(order.elements(), ["GetDigits", "Redirect"]);
    assert_eq!(
        attrs(&order, "GetDigits")[..2],
        pairs(&[("numDigits", "6"), ("finishOnKey", "#")])
    );
    let said = at.act(&order, &keys("204816")).doc();
    assert_eq!(said.heard, ["Order 204816 is on its way. Goodbye."]);
    at.end();

    let mut at = call(&orders, target, "ATVId_orders_2", "+254722000111", "+254207654001");
    let menu = at.start();
    let sales = at.act(&menu, &keys("2")).doc();
    assert_eq!(sales.elements(), ["Say", "Dial", "Redirect"]);
    // Answered, the Dial ends the call with the bridged call: AT posts
    // nothing more but the end of the call.
    let answered = at.act(&sales, &CallerAction::Dial(DialResult::Answered));
    assert!(matches!(answered, Next::Over(_)), "{answered:?}");
    at.end();
    check_structure(target, &at.documents);
}

#[test]
fn eight_by_eight_order_line_echoes_the_document_id() {
    let target = TargetKind::EightByEight;
    let host = host(target, "order_line.flow");
    let mut vca = call(&host, target, "8x8-orders-1", "+6568888888", "+6598888888");
    let menu = vca.start();
    assert_eq!(menu.id.as_deref(), Some("main-1"));
    let json = menu.json();
    let actions: Vec<&str> = json["callflow"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["say", "playFile", "sayAndCapture"]);
    // One key, listened for once: the host counts the menu's retries.
    assert_eq!(
        json["callflow"][2]["params"],
        json!({
            "promptMessage": "For your order status, press 1. To speak to sales, press 2. To hear this again, press star.",
            "voiceProfile": "generic-en-female",
            "completeOnHash": false,
            "minDigits": 1,
            "maxDigits": 1,
            "overallTimeout": 6000,
            "noOfTries": 1
        })
    );

    // A key the menu does not list comes back as it is; `dtmf` null is the
    // timeout. Each answer names the next document in `clientActionId`.
    let again = vca.act(&menu, &keys("9")).doc();
    assert_eq!(again.id.as_deref(), Some("main-2"));
    assert_eq!(again.heard.len(), 1);
    let silent = vca.act(&again, &CallerAction::Timeout).doc();
    assert_eq!(silent.id.as_deref(), Some("main-3"));
    // An echo of a document the call has left is refused, and moves nothing.
    let stale = vca.post_for(&again, &keys("1")).expect("a post").send(host.addr());
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert!(stale.body.contains("is at document `main-3`"), "{}", stale.body);

    let order = vca.act(&silent, &keys("1")).doc();
    assert_eq!(order.id.as_deref(), Some("order-4"));
    let capture = &order.json()["callflow"][0]["params"];
    assert_eq!(
        (&capture["minDigits"], &capture["maxDigits"], &capture["completeOnHash"]),
        (&json!(6), &json!(6), &json!(true))
    );
    let said = vca.act(&order, &keys("204816")).doc();
    assert_eq!(said.heard, ["Order 204816 is on its way. Goodbye."]);
    assert_eq!(said.json()["callflow"][1], json!({"action": "hangup"}));
    vca.end();
    check_structure(target, &vca.documents);

    let mut vca = call(&host, target, "8x8-orders-2", "+6568888888", "+6598888888");
    let menu = vca.start();
    let sales = vca.act(&menu, &keys("2")).doc();
    assert_eq!(
        sales.json()["callflow"][1],
        json!({"action": "makeCall", "params": {"source": "+254207654000", "destination": "+254711082000"}})
    );
    // The `makeCall` ends busy (SIP 486): the flow hangs up.
    let busy = vca.act(&sales, &CallerAction::Dial(DialResult::Busy)).doc();
    assert_eq!(busy.id.as_deref(), Some("sales-3"));
    assert_eq!(busy.json()["callflow"], json!([{"action": "hangup"}]));
    vca.end();
    check_structure(target, &vca.documents);
}

#[test]
fn tropo_appointment_reminder_posts_results_to_the_documents_handlers() {
    let target = TargetKind::Tropo;
    let host = host(target, "appointment_reminder.flow");
    let base = format!("http://{}", host.addr());
    // An outbound reminder: the clinic calls the patient.
    let mut tropo = call(&host, target, "tropo-rem-1", "+13125550100", "+13125550199");
    let choose = tropo.start();
    assert_eq!(choose.id.as_deref(), Some("choose-1"));
    // The pause is an SSML break in the prompt, not heard as words.
    assert_eq!(
        choose.heard,
        [
            "Hello, this is Riverside Dental calling with a reminder about your dental appointment tomorrow.",
            "To confirm your appointment, press 1. To cancel it, press 2. To move it to another day, press 3. To hear this again, press 9."
        ]
    );
    assert_eq!(choose.verbs(), ["ask", "on:continue", "on:incomplete"]);
    let ask = &choose.json()["tropo"][0]["ask"];
    assert_eq!(
        (&ask["choices"], &ask["attempts"], &ask["timeout"]),
        (&json!({"value": "1,2,3,9", "mode": "dtmf"}), &json!(1), &json!(7.0))
    );
    // Both handlers post to the document's callback; the result says which.
    assert_eq!(choose.json()["tropo"][2]["on"]["next"], format!("{base}/choose-1"));

    // A key the `ask` does not list is a NOMATCH, posted to `incomplete`.
    let again = tropo.act(&choose, &keys("7")).doc();
    assert_eq!(again.id.as_deref(), Some("choose-2"));
    let day = tropo.act(&again, &keys("3")).doc();
    assert_eq!(day.id.as_deref(), Some("reschedule-3"));
    assert_eq!(
        day.json()["tropo"][0]["ask"]["choices"],
        json!({"value": "[1 DIGITS]", "mode": "dtmf"})
    );
    // No day: TIMEOUT, posted to `incomplete`; the front desk is dialled.
    let transfer = tropo.act(&day, &CallerAction::Timeout).doc();
    assert_eq!(transfer.id.as_deref(), Some("front_desk_transfer-4"));
    assert_eq!(
        transfer.verbs(),
        ["say", "transfer", "on:continue", "on:incomplete", "on:error"]
    );
    assert_eq!(
        transfer.json()["tropo"][1]["transfer"],
        json!({"name": "dial", "to": "tel:+13125550142", "timeout": 30.0})
    );
    // The transfer errors: `on error` posts a result with `error` set, which
    // is the dial failing, so the flow's `on failed` is taken.
    let report = tropo.act(&transfer, &CallerAction::Dial(DialResult::Failed)).doc();
    assert_eq!(report.id, None, "the report leaves the host");
    assert_eq!(
        report.heard,
        ["Our front desk is busy. Please call Riverside Dental on +13125550100 to move your appointment."]
    );
    assert_eq!(report.verbs(), ["say", "on:continue"]);
    assert_eq!(
        report.json()["tropo"][1]["on"]["next"],
        "https://scheduler.example.com/reminders/result?call=tropo-rem-1&result=transfer-failed"
    );
    let gone = tropo.act(&report, &keys("1"));
    assert!(
        matches!(&gone, Next::Over(why) if why.contains("scheduler.example.com")),
        "{gone:?}"
    );
    assert!(
        host.logged().iter().any(
            |l| l.contains("call tropo-rem-1: Tropo reports an error: transfer failed")
                && l.contains("counts as failed")
        ),
        "{:#?}",
        host.logged()
    );
    check_structure(target, &tropo.documents);

    // Another patient: a day that is not offered goes to the front desk, who
    // answers; when the bridged call ends, `continue` reports it.
    let mut tropo = call(&host, target, "tropo-rem-2", "+13125550100", "+13125550198");
    let choose = tropo.start();
    let day = tropo.act(&choose, &keys("3")).doc();
    let transfer = tropo.act(&day, &keys("9")).doc();
    assert_eq!(transfer.id.as_deref(), Some("front_desk_transfer-3"));
    let report = tropo.act(&transfer, &CallerAction::Dial(DialResult::Answered)).doc();
    assert_eq!(report.heard, Vec::<String>::new());
    // Nothing to say before the redirect: a 1 ms wait makes `continue` fire.
    assert_eq!(report.verbs(), ["wait", "on:continue"]);
    assert_eq!(
        report.json()["tropo"][1]["on"]["next"],
        "https://scheduler.example.com/reminders/result?call=tropo-rem-2&result=transferred"
    );
    check_structure(target, &tropo.documents);
}

#[test]
fn tropo_recording_uploads_leave_the_call_alone() {
    let target = TargetKind::Tropo;
    let host = host(target, "fixtures/tropo_voicemail.flow");
    let base = format!("http://{}", host.addr());
    let mut tropo = call(&host, target, "tropo-vm-1", "+14155550123", "+14155550100");
    let record = tropo.start();
    assert_eq!(record.id.as_deref(), Some("greeting-1"));
    assert_eq!(
        record.verbs(),
        ["startRecording", "record", "on:continue", "on:incomplete"]
    );
    let verbs = record.json()["tropo"].clone();
    assert_eq!(
        verbs[0]["startRecording"],
        json!({"url": format!("{base}/greeting-1/call-recording")})
    );
    assert_eq!(
        verbs[1]["record"],
        json!({
            "name": "recording",
            "url": format!("{base}/greeting-1/recording"),
            "say": [{"value": "Please leave a message after the tone, then press hash."}],
            "beep": true,
            "maxTime": 120.0,
            "maxSilence": 5.0,
            "choices": {"terminator": "#"}
        })
    );
    // Tropo uploads the message (100 kB, over the 64 KiB callback limit) to
    // the record's URL, then posts the result; the call recording goes up
    // when the next document stops it.
    let review = tropo.act(&record, &CallerAction::Recorded { duration_ms: 9_000 }).doc();
    assert_eq!(review.id.as_deref(), Some("review-2"));
    assert_eq!(review.verbs(), ["stopRecording", "ask", "on:continue", "on:incomplete"]);
    assert_eq!(tropo.uploads, ["/greeting-1/recording", "/greeting-1/call-recording"]);
    // The result's `value` (Tropo's copy of the message) is what plays back.
    let playback = tropo.act(&review, &keys("1")).doc();
    assert_eq!(playback.id.as_deref(), Some("review-3"));
    assert_eq!(
        playback.heard,
        [
            "Here is your message.",
            "play https://tropo.example.com/recordings/1.wav",
            "To hear your message, press 1. To keep it, press 2."
        ]
    );
    let saved = tropo.act(&playback, &keys("2")).doc();
    assert_eq!(saved.verbs(), ["say", "hangup"]);
    tropo.end();
    let log = host.logged();
    let uploads: Vec<&String> = log.iter().filter(|l| l.contains("upload of document")).collect();
    assert_eq!(uploads.len(), 2, "{log:#?}");
    assert!(
        uploads[0].starts_with("POST /greeting-1/recording session=- 200 record upload of document greeting-1 ("),
        "{}",
        uploads[0]
    );
    assert!(uploads[0].contains("bytes) accepted, not kept"), "{}", uploads[0]);
    check_structure(target, &tropo.documents);

    // Nothing recorded: the call recording still goes up when it stops.
    let mut tropo = call(&host, target, "tropo-vm-2", "+14155550123", "+14155550100");
    let record = tropo.start();
    let nothing = tropo.act(&record, &CallerAction::Timeout).doc();
    assert_eq!(nothing.heard, ["We did not hear a message. Goodbye."]);
    assert_eq!(tropo.uploads, ["/greeting-1/call-recording"]);
    tropo.end();
}

#[test]
fn sinch_bridge_maps_menu_results_to_the_flow() {
    let target = TargetKind::Sinch;
    let host = host(target, "fixtures/sinch_bridge.flow");
    let mut sinch = call(&host, target, "sinch-bridge-1", "+46708000000", "+46700000000");
    let pin = sinch.start();
    assert_eq!(
        pin.heard,
        [
            "Welcome to the Acme conference bridge.",
            "Please enter your six digit meeting PIN."
        ]
    );
    let run_menu = pin.json()["action"].clone();
    assert_eq!(run_menu["name"], "runMenu");
    // A collect: a sequence of six digits, no options.
    assert_eq!(
        (
            &run_menu["menus"][0]["maxDigits"],
            &run_menu["menus"][0]["timeoutMills"]
        ),
        (&json!(6), &json!(10_000))
    );
    assert_eq!(run_menu["menus"][0].get("options"), None);

    // A wrong PIN (`sequence`), then silence (`timeout`), then the right one.
    let wrong = sinch.act(&pin, &keys("111111")).doc();
    assert_eq!(
        wrong.heard,
        [
            "Sorry, we do not recognise that meeting PIN.",
            "Please enter your six digit meeting PIN."
        ]
    );
    let silent = sinch.act(&wrong, &CallerAction::Timeout).doc();
    assert_eq!(silent.heard, ["Please enter your six digit meeting PIN."]);
    let role = sinch.act(&silent, &keys("204816")).doc();
    assert_eq!(
        role.json()["action"]["menus"][0]["options"],
        json!([{"dtmf": "1", "action": "return(1)"}, {"dtmf": "*", "action": "return(*)"}])
    );
    // A key no option lists: `invalidinput`, and the menu again.
    let again = sinch.act(&role, &keys("7")).doc();
    assert_eq!(
        again.heard,
        ["To join the meeting, press 1. If you are the host, press star."]
    );
    // `return(*)`: the key is the value, and the host takes the `*` route.
    let host_join = sinch.act(&again, &keys("*")).doc();
    assert_eq!(host_join.heard, ["Welcome, host. Meeting 204816 starts now."]);
    assert_eq!(
        host_join.json()["action"],
        json!({"name": "connectConf", "conferenceId": "acme-204816"})
    );
    sinch.end();
    check_structure(target, &sinch.documents);

    // A participant presses nothing: `timeout` at the menu joins them.
    let mut sinch = call(&host, target, "sinch-bridge-2", "+46708000001", "+46700000000");
    let pin = sinch.start();
    let role = sinch.act(&pin, &keys("551903")).doc();
    let join = sinch.act(&role, &CallerAction::Timeout).doc();
    assert_eq!(
        join.json()["action"],
        json!({"name": "connectConf", "conferenceId": "acme-551903", "moh": "music1"})
    );
    sinch.end();

    // A transfer: the ACE gets `continue`, so the bridged call goes on.
    let orders = self::host(target, "order_line.flow");
    let mut sinch = call(&orders, target, "sinch-orders-1", "+46708000002", "+46700000000");
    let menu = sinch.start();
    let sales = sinch.act(&menu, &keys("2")).doc();
    assert_eq!(
        sales.json()["action"],
        json!({"name": "connectPstn", "number": "+254711082000", "cli": "+254207654000"})
    );
    let answered = sinch.act(&sales, &CallerAction::Dial(DialResult::Answered));
    assert!(matches!(answered, Next::Continue), "{answered:?}");
    sinch.end();
    check_structure(target, &sinch.documents);
}

#[test]
fn the_structure_checks_refuse_broken_documents() {
    // What `check_structure` runs on every document above must be able to
    // fail: one broken document per target (a Say inside a Dial; no
    // `voiceProfile`; an `ask` without `choices`; two actions' worth of
    // fields in one). JSON schemas need node; without it (outside CI) only
    // the XML check is shown to fail.
    let broken = [
        (
            TargetKind::AfricasTalking,
            r#"<?xml version="1.0" encoding="UTF-8"?><Response><Dial phoneNumbers="+254711082000"><Say>Hi</Say></Dial></Response>"#,
        ),
        (
            TargetKind::EightByEight,
            r#"{"clientActionId":"main-1","callflow":[{"action":"sayAndCapture","params":{"promptMessage":"Press 1."}}]}"#,
        ),
        (TargetKind::Tropo, r#"{"tropo":[{"ask":{"name":"menu","attempts":1}}]}"#),
        (
            TargetKind::Sinch,
            r#"{"instructions":[],"action":{"name":"runMenu","menus":[{"id":"other"}]},"extra":1}"#,
        ),
    ];
    let node = crate::common::js_tool("schema-validate.mjs").is_some();
    for (target, body) in broken {
        if target != TargetKind::AfricasTalking && !node {
            continue;
        }
        let documents = vec![("broken".to_string(), body.to_string())];
        let refused = std::panic::catch_unwind(|| check_structure(target, &documents));
        assert!(refused.is_err(), "{}: the broken document passed", target.display());
    }
}
