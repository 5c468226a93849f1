use super::*;
use crate::webhook::providers::fixtures;
use crate::webhook::test_support::{MONDAY_10_NAIROBI_MS, example, program};
use callflow_compiler::bytecode::{Const, Instr};
use serde_json::{Value, json};
use std::sync::Mutex;

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

struct Host {
    app: App,
    log: Arc<Mutex<Vec<String>>>,
}

impl Host {
    fn new(target: TargetKind, program: Arc<Program>, tweak: impl FnOnce(&mut Config)) -> Host {
        let log = Arc::new(Mutex::new(Vec::new()));
        let lines = Arc::clone(&log);
        let mut config = Config::new(target);
        config.render = Render::Outline;
        config.clock = Arc::new(|| MONDAY_10_NAIROBI_MS);
        config.log = Arc::new(move |line: &str| lines.lock().unwrap().push(line.to_string()));
        tweak(&mut config);
        Host {
            app: App::new(program, config).expect("app"),
            log,
        }
    }

    fn post(&self, path: &str, content_type: &str, body: &[u8]) -> Response {
        self.app.handle(&Request {
            method: "POST",
            path,
            content_type: Some(content_type),
            body,
        })
    }

    fn logged(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

fn outline(response: &Response) -> Value {
    assert_eq!(response.status, 200, "{}", response.body);
    serde_json::from_str(&response.body).unwrap_or_else(|e| panic!("{e}: {}", response.body))
}

fn at(body: &str) -> Vec<u8> {
    body.as_bytes().to_vec()
}

const AT_START: &str = "isActive=1&sessionId=s1&callerNumber=%2B254722000111&destinationNumber=%2B254207654000";

fn support() -> Host {
    Host::new(TargetKind::AfricasTalking, example("support.flow"), |_| {})
}

#[test]
fn only_posts_to_known_paths_are_callbacks() {
    let host = support();
    let get = host.app.handle(&Request {
        method: "GET",
        path: "/",
        content_type: None,
        body: b"",
    });
    assert_eq!(get.status, 405);
    assert!(get.body.starts_with("error: GET is not a callback"), "{}", get.body);
    assert!(get.body.contains("\nhelp: "), "{}", get.body);
    for path in ["/nowhere", "/main-1/bogus", "/main-1/key-1/x", "/..%2f"] {
        let response = host.post(path, FORM, &at(AT_START));
        assert_eq!(response.status, 404, "{path}");
        assert!(response.body.contains("no callback at"), "{}", response.body);
    }
}

#[test]
fn a_base_path_is_honoured_and_may_be_stripped_by_a_proxy() {
    let host = Host::new(TargetKind::AfricasTalking, example("support.flow"), |c| {
        c.base_url = "https://ivr.example.com/at/".into();
    });
    assert_eq!(host.app.entry_url(), "https://ivr.example.com/at/");
    let first = outline(&host.post("/at", FORM, &at(AT_START)));
    assert_eq!(first["id"], "main-1");
    let key = host.post("/at/main-1", FORM, &at(&format!("{AT_START}&dtmfDigits=2")));
    assert_eq!(outline(&key)["id"], "support-2");
    let other = Host::new(TargetKind::AfricasTalking, example("support.flow"), |c| {
        c.base_url = "https://ivr.example.com/at".into();
    });
    other.post("/", FORM, &at(AT_START));
    let stripped = other.post("/main-1", FORM, &at(&format!("{AT_START}&dtmfDigits=2")));
    assert_eq!(outline(&stripped)["id"], "support-2");
}

#[test]
fn africas_talking_first_post_starts_the_call_and_stale_posts_are_refused() {
    let host = support();
    let first = host.post("/", FORM, &at(AT_START));
    assert_eq!(first.session.as_deref(), Some("s1"));
    assert_eq!(first.content_type, "application/json");
    let doc = outline(&first);
    assert_eq!(doc["first"], true);
    assert_eq!(doc["end"]["action"], "menu");
    assert_eq!(doc["end"]["routes"]["key 1"], "main-1/key-1");
    assert_eq!(host.app.calls(), 1);
    let sales = outline(&host.post("/main-1", FORM, &at(&format!("{AT_START}&dtmfDigits=1"))));
    assert_eq!(sales["id"], "sales-2");
    assert_eq!(sales["end"]["action"], "dial");
    // A post about the menu again: the call has moved on.
    let stale = host.post("/main-1", FORM, &at(AT_START));
    assert_eq!(stale.status, 409);
    assert!(stale.body.contains("`sales-2`"), "{}", stale.body);
    // The dial's outcome (no dial fields: failed) goes on to the voicemail.
    let voicemail = outline(&host.post("/sales-2", FORM, &at(AT_START)));
    assert_eq!(voicemail["id"], "voicemail-3");
}

#[test]
fn repeated_requests_get_the_same_answer_and_move_nothing() {
    let host = support();
    let first = host.post("/", FORM, &at(AT_START));
    let again = host.post("/", FORM, &at(AT_START));
    assert_eq!((again.status, &again.body), (200, &first.body));
    assert!(again.note.starts_with("repeated request"), "{}", again.note);
    let key = host.post("/main-1", FORM, &at(&format!("{AT_START}&dtmfDigits=2")));
    let key_again = host.post("/main-1", FORM, &at(&format!("{AT_START}&dtmfDigits=2")));
    assert_eq!(key.body, key_again.body);
    assert_eq!(outline(&key_again)["id"], "support-2");
}

#[test]
fn identical_reports_that_name_no_document_are_new_events() {
    // Sinch posts every menu timeout to one URL, with nothing that names the
    // document: two in a row are two timeouts, not a retry.
    let t = TargetKind::Sinch;
    let host = Host::new(t, example("support.flow"), |_| {});
    host.post("/", JSON, &fixtures::body(t, "ice.json"));
    let timeout = fixtures::body(t, "pie-timeout.json");
    assert_eq!(outline(&host.post("/", JSON, &timeout))["id"], "main-2");
    assert_eq!(outline(&host.post("/", JSON, &timeout))["id"], "main-3");
}

#[test]
fn unknown_and_finished_calls() {
    let host = support();
    let unknown = host.post("/main-1", FORM, &at(&format!("{AT_START}&dtmfDigits=1")));
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("no call `s1`"), "{}", unknown.body);
    // Not a first post: it has input.
    let unknown = host.post("/", FORM, &at(&format!("{AT_START}&dtmfDigits=1")));
    assert_eq!(unknown.status, 404);
    assert_eq!(host.app.calls(), 0);

    host.post("/", FORM, &at(AT_START));
    let ended = host.post("/", FORM, &at("isActive=0&sessionId=s1&durationInSeconds=12"));
    assert_eq!((ended.status, ended.body.as_str()), (200, ""));
    assert!(ended.note.contains("released"), "{}", ended.note);
    assert_eq!(host.app.calls(), 0);
    let late = host.post("/main-1", FORM, &at(&format!("{AT_START}&dtmfDigits=1")));
    assert_eq!(late.status, 410);
    assert!(late.body.contains("call `s1` is over"), "{}", late.body);
}

#[test]
fn tropo_results_never_start_a_call() {
    let host = Host::new(TargetKind::Tropo, example("voicemail.flow"), |_| {});
    let result = host.post("/", JSON, &fixtures::body(TargetKind::Tropo, "result-timeout.json"));
    assert_eq!(result.status, 404);
    let start = host.post("/", JSON, &fixtures::body(TargetKind::Tropo, "session.json"));
    assert_eq!(outline(&start)["id"], "record_message-1");
    let twice = host.post(
        "/",
        JSON,
        &fixtures::json_with(TargetKind::Tropo, "session.json", "/session/timestamp", json!("later")),
    );
    assert_eq!(twice.status, 409);
    assert!(twice.body.contains("already started"), "{}", twice.body);
}

#[test]
fn the_call_limit_gives_503_and_frees_up() {
    let host = Host::new(TargetKind::AfricasTalking, example("support.flow"), |c| c.max_calls = 1);
    assert_eq!(host.post("/", FORM, &at(AT_START)).status, 200);
    let second = host.post("/", FORM, &at(&AT_START.replace("s1", "s2")));
    assert_eq!(second.status, 503);
    assert!(second.body.contains("--max-calls"), "{}", second.body);
    host.post("/", FORM, &at("isActive=0&sessionId=s1"));
    assert_eq!(host.post("/", FORM, &at(&AT_START.replace("s1", "s2"))).status, 200);
}

#[test]
fn malformed_requests_get_4xx_with_error_and_help() {
    let host = support();
    let cases: [(&str, &[u8], u16); 4] = [
        (JSON, b"{}", 415),
        (FORM, b"isActive=1", 400),
        (FORM, b"sessionId=x&isActive=2", 400),
        (FORM, b"sessionId=x&isActive=1&dtmfDigits=%00", 400),
    ];
    for (content_type, body, status) in cases {
        let response = host.post("/", content_type, body);
        assert_eq!(response.status, status, "{}", response.body);
        assert!(response.body.starts_with("error: "), "{}", response.body);
        assert!(response.body.contains("\nhelp: "), "{}", response.body);
    }
    assert_eq!(host.app.calls(), 0);
}

#[test]
fn eight_by_eight_echoes_and_legs() {
    let t = TargetKind::EightByEight;
    let host = Host::new(t, example("number_masking.flow"), |_| {});
    let start = fixtures::json_with(t, "call-received.json", "/payload/source", json!("+254722555101"));
    let first = outline(&host.post("/", JSON, &start));
    assert_eq!(first["id"], "call_driver-1");
    assert_eq!(first["end"]["caller_id"], "+6598888888", "{first}");
    // An echo of another document is stale …
    let stale = fixtures::json_with(
        t,
        "action-completed-null-dtmf.json",
        "/payload/clientActionId",
        json!("menu-7"),
    );
    assert_eq!(host.post("/", JSON, &stale).status, 409);
    // … one that is not ours is ignored, and the call goes on.
    let foreign = fixtures::json_with(
        t,
        "action-completed-null-dtmf.json",
        "/payload/clientActionId",
        json!("ivr1_level1"),
    );
    let foreign = fixtures::json_with_value(foreign, "/payload/sipCode", json!(486));
    let busy = outline(&host.post("/", JSON, &foreign));
    assert_eq!(busy["id"], "party_busy-2");
    // Another leg's end is not the call's.
    let other_leg = fixtures::json_with(t, "call-status-disconnected.json", "/payload/callId", json!("b-leg"));
    let response = host.post("/", JSON, &other_leg);
    assert_eq!((response.status, host.app.calls()), (200, 1));
    assert!(response.note.contains("another leg"), "{}", response.note);
    let summary = host.post("/", JSON, &fixtures::body(t, "session-summary.json"));
    assert_eq!((summary.status, host.app.calls()), (200, 0));
}

#[test]
fn status_notices_are_acknowledged_only() {
    let t = TargetKind::EightByEight;
    let host = Host::new(t, example("number_masking.flow"), |_| {});
    let notice = fixtures::json_with(
        t,
        "call-status-disconnected.json",
        "/payload/callStatus",
        json!("CALL_CONNECTED"),
    );
    let response = host.post("/", JSON, &notice);
    assert_eq!((response.status, response.body.as_str()), (200, ""));
    assert_eq!(host.app.calls(), 0);
}

#[test]
fn sinch_answers_keep_the_bridge_up() {
    let t = TargetKind::Sinch;
    let host = Host::new(t, example("number_masking.flow"), |c| c.render = Render::Target);
    let ice = fixtures::json_with(t, "ice.json", "/cli", json!("+254733555202"));
    assert_eq!(host.post("/", JSON, &ice).status, 200);
    let ace = host.post("/", JSON, &fixtures::body(t, "ace.json"));
    // number_masking routes `on answered`: the call goes on to after_call.
    assert_eq!(ace.status, 200);
    assert!(ace.note.contains("after_call-2"), "{}", ace.note);

    let plain = program("flow f {\n  start s\n}\n\nstep s {\n  dial \"+254711082000\"\n  hangup\n}\n");
    let host = Host::new(t, plain, |c| c.render = Render::Target);
    host.post("/", JSON, &fixtures::body(t, "ice.json"));
    let ace = host.post("/", JSON, &fixtures::body(t, "ace.json"));
    assert_eq!(
        (ace.status, ace.body.as_str()),
        (200, r#"{"action":{"name":"continue"}}"#)
    );
    assert_eq!(ace.content_type, "application/json");
}

#[test]
fn a_provider_error_ends_the_call_with_a_hangup_and_a_log_line() {
    let t = TargetKind::Tropo;
    let host = Host::new(t, example("voicemail.flow"), |_| {});
    host.post("/", JSON, &fixtures::body(t, "session.json"));
    let error = fixtures::json_with(t, "result-object.json", "/result/error", json!("recording failed"));
    let hangup = outline(&host.post("/record_message-1", JSON, &error));
    assert_eq!(hangup["end"]["action"], "hangup");
    assert_eq!(hangup["steps"], json!([]));
    let log = host.logged();
    assert!(
        log.iter().any(|l| l.contains(
            "call 89d5a4d6b5a5ab6e2e9c5e7ea8dd6bf6: Tropo reports an error: recording failed; ending the call"
        )),
        "{log:?}"
    );
}

#[test]
fn a_vm_fault_mid_call_ends_only_that_call() {
    let source = "flow f {\n  start main\n}\n\nmenu main {\n  say \"Press 1.\"\n  \"1\" -> broken\n  timeout -> repeat\n  invalid -> repeat\n  exhausted -> broken\n}\n\nstep broken {\n  say \"Broken.\"\n  hangup\n}\n";
    let mut tampered = (*program(source)).clone();
    let broken = tampered
        .consts
        .iter()
        .position(|c| *c == Const::Str("Broken.".into()))
        .expect("the text") as u32;
    for instr in &mut tampered.code {
        if let Instr::Say { text, .. } = instr
            && *text == broken
        {
            *text = 9_999;
        }
    }
    let host = Host::new(TargetKind::AfricasTalking, Arc::new(tampered), |_| {});
    host.post("/", FORM, &at(AT_START));
    host.post("/", FORM, &at(&AT_START.replace("s1", "s2")));
    let hangup = outline(&host.post("/main-1", FORM, &at(&format!("{AT_START}&dtmfDigits=1"))));
    assert_eq!(hangup["end"]["action"], "hangup");
    let log = host.logged();
    assert!(
        log.iter().any(
            |l| l.starts_with("call s1: the VM stopped: ") && l.ends_with("ending the call with a hangup document")
        ),
        "{log:?}"
    );
    // The other call is still at its menu.
    let other = outline(&host.post("/main-1", FORM, &at(&AT_START.replace("s1", "s2"))));
    assert_eq!(other["id"], "main-2");
}

#[test]
fn idle_calls_are_released_by_the_sweep() {
    let host = Host::new(TargetKind::AfricasTalking, example("support.flow"), |c| {
        c.idle_timeout = std::time::Duration::from_millis(30);
    });
    host.post("/", FORM, &at(AT_START));
    std::thread::sleep(std::time::Duration::from_millis(50));
    host.app.sweep();
    assert_eq!(host.app.calls(), 0);
    assert!(
        host.logged()
            .iter()
            .any(|l| l == "call s1: released after 30ms without a callback")
    );
    let late = host.post("/main-1", FORM, &at(&format!("{AT_START}&dtmfDigits=1")));
    assert_eq!(late.status, 410);
    assert!(late.body.contains("released after 30ms"), "{}", late.body);
}

#[test]
fn an_unknown_flow_is_refused_at_start_up() {
    let mut config = Config::new(TargetKind::Sinch);
    config.flow = Some("nope".into());
    let refused = App::new(example("courier_hotline.flow"), config)
        .err()
        .expect("refused");
    assert!(refused.contains("courier_hotline, courier_staff"), "{refused}");
}

#[test]
fn tropo_recording_uploads_are_accepted_and_touch_no_call() {
    let t = TargetKind::Tropo;
    let host = Host::new(t, example("voicemail.flow"), |_| {});
    let first = outline(&host.post("/", JSON, &fixtures::body(t, "session.json")));
    assert_eq!(first["id"], "record_message-1");
    // Tropo posts the file as a form field `filename`; the host never reads it.
    let upload =
        b"--x\r\nContent-Disposition: form-data; name=\"filename\"; filename=\"m.wav\"\r\n\r\nRIFF\r\n--x--\r\n";
    for (path, what) in [
        (
            "/record_message-1/recording",
            "record upload of document record_message-1",
        ),
        (
            "/record_message-1/call-recording",
            "start_recording upload of document record_message-1",
        ),
        // A document the call has left, or one of no call: uploads name no session.
        ("/other-7/recording", "record upload of document other-7"),
    ] {
        let response = host.post(path, "multipart/form-data; boundary=x", upload);
        assert_eq!((response.status, response.body.as_str()), (200, ""), "{path}");
        assert_eq!(response.session, None);
        assert!(response.note.starts_with(what), "{}", response.note);
        assert!(
            response.note.contains(&format!("({} bytes)", upload.len())),
            "{}",
            response.note
        );
    }
    // The call is where it was: the record's result still moves it on, once.
    let result = fixtures::body(t, "result-record.json");
    let review = outline(&host.post("/record_message-1", JSON, &result));
    assert_eq!(review["id"], "review-2");
    assert_eq!(
        host.post("/record_message-1", JSON, &result).body,
        serde_json::to_string(&review).unwrap()
    );
    // A call recording may arrive after the call has ended.
    host.post("/", JSON, &fixtures::body(t, "result-hangup.json"));
    assert_eq!(host.app.calls(), 0);
    assert_eq!(host.post("/review-2/call-recording", "audio/wav", b"RIFF").status, 200);
    // Not an upload URL: a bad route, or not a document id.
    for path in ["/review-2/recordings", "/review/recording", "/review-2/recording/x"] {
        assert_eq!(host.post(path, "audio/wav", b"RIFF").status, 404, "{path}");
    }
    // Only Tropo's documents name upload URLs.
    let at_host = support();
    at_host.post("/", FORM, &at(AT_START));
    assert_eq!(at_host.post("/main-1/recording", FORM, &at(AT_START)).status, 404);
}

#[test]
fn a_tropo_error_during_a_transfer_is_the_dial_failing() {
    let t = TargetKind::Tropo;
    let flow = "flow f {\n  start s\n}\n\nstep s {\n  dial \"+254711082000\"\n  on failed -> sorry\n  hangup\n}\n\n\
                step sorry {\n  say \"The line failed.\"\n  hangup\n}\n";
    let host = Host::new(t, program(flow), |_| {});
    assert_eq!(
        outline(&host.post("/", JSON, &fixtures::body(t, "session.json")))["id"],
        "s-1"
    );
    // The transfer's `on error` posts to the document's callback.
    let error = fixtures::json_with(
        t,
        "result-transfer-busy.json",
        "/result/error",
        json!("503 from the carrier"),
    );
    let error = fixtures::json_with_value(error, "/result/actions/disposition", json!("FAILURE"));
    // About a document the call is not at: refused, and nothing moves.
    assert_eq!(host.post("/s-9", JSON, &error).status, 409);
    let sorry = outline(&host.post("/s-1", JSON, &error));
    assert_eq!(sorry["id"], "sorry-2");
    assert_eq!(sorry["steps"][0]["say"], "The line failed.");
    let log = host.logged();
    assert!(
        log.iter().any(|l| l.contains(
            "call 89d5a4d6b5a5ab6e2e9c5e7ea8dd6bf6: Tropo reports an error: 503 from the carrier; the dial counts as failed"
        )),
        "{log:?}"
    );
}
